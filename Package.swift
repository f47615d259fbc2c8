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

// MARK: - RLWE
targets += [
    .target(
        name: "RLWE",
        dependencies: [.product(name: "Crypto", package: "swift-crypto")],
        swiftSettings: swiftSettings
    ),
    // NTL-backed negacyclic polynomial product: an independent oracle for tests and benchmarks only.
    .target(
        name: "CNTLOracle",
        linkerSettings: [.linkedLibrary("ntl"), .linkedLibrary("gmp")]
    ),
    .testTarget(
        name: "RLWETests",
        dependencies: ["RLWE", "CNTLOracle"],
        swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "RLWEBenchmark",
        dependencies: ["RLWE", "CNTLOracle"],
        path: "Benchmarks/RLWEBenchmark",
        swiftSettings: swiftSettings
    ),
]
products += [.library(name: "RLWE", targets: ["RLWE"])]

let package = Package(
    name: "he-toolkit",
    products: products,
    dependencies: dependencies,
    targets: targets
)
