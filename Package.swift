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

// MARK: - EncryptedStats (statistics, GWAS site input)
targets += [
    .systemLibrary(
        name: "CHTSlib",
        path: "Sources/CHTSlib",
        pkgConfig: "htslib",
        providers: [.apt(["libhts-dev"])]
    ),
    .target(
        name: "EncryptedStats",
        dependencies: ["CHTSlib"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "EncryptedStatsTests",
        dependencies: ["EncryptedStats"],
        swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "GwasCountBenchmark",
        dependencies: ["EncryptedStats"],
        path: "Benchmarks/gwas/GwasCountBenchmark",
        swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "GwasStatsBenchmark",
        dependencies: ["EncryptedStats"],
        path: "Benchmarks/GwasStatsBenchmark",
        swiftSettings: swiftSettings
    ),
]

let package = Package(
    name: "he-toolkit",
    products: products,
    dependencies: dependencies,
    targets: targets
)
