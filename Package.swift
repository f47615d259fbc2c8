// swift-tools-version: 6.1
// he-toolkit: homomorphic-encryption analytics (Paillier on GMP, BFV ring-LWE) for pooled statistics.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

var targets: [Target] = []
var products: [Product] = []
var dependencies: [Package.Dependency] = [
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
]

// MARK: - Paillier

targets += [
    .systemLibrary(
        name: "CGMP",
        path: "Sources/CGMP",
        pkgConfig: "gmp",
        providers: [.apt(["libgmp-dev"])]
    ),
    .target(
        name: "Paillier",
        dependencies: [
            "CGMP",
            .product(name: "Crypto", package: "swift-crypto"),
        ],
        path: "Sources/Paillier",
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "PaillierTests",
        dependencies: [
            "Paillier",
            "CGMP",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ],
        path: "Tests/PaillierTests",
        resources: [.copy("Resources")],
        swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "PaillierBenchmark",
        dependencies: ["Paillier"],
        path: "Benchmarks/PaillierBenchmark",
        swiftSettings: swiftSettings
    ),
]
products += [
    .library(name: "Paillier", targets: ["Paillier"]),
]

let package = Package(
    name: "he-toolkit",
    products: products,
    dependencies: dependencies,
    targets: targets
)
