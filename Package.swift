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

// MARK: - Test support (oracle locations shared by the test targets)
targets += [
    .target(name: "HETestSupport", path: "Sources/HETestSupport", swiftSettings: swiftSettings),
]

// MARK: - Paillier

targets += [
    .systemLibrary(
        name: "CGMP",
        path: "Sources/CGMP",
        pkgConfig: "gmp",
        providers: [.apt(["libgmp-dev"])]
    ),
    // The constant-time Montgomery and fixed-base kernels of the encryptor, in C on GMP's mpn layer (a regular C
    // target, so that a change to them rebuilds what uses them).
    .target(
        name: "CGMPKernels",
        dependencies: ["CGMP"],
        path: "Sources/CGMPKernels",
        linkerSettings: [.linkedLibrary("gmp")]
    ),
    .target(
        name: "Paillier",
        dependencies: [
            "CGMP",
            "CGMPKernels",
            .product(name: "Crypto", package: "swift-crypto"),
        ],
        path: "Sources/Paillier",
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "PaillierTests",
        dependencies: [
            "HETestSupport",
            "Paillier",
            "CGMP",
            "CGMPKernels",
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

// MARK: - EncryptedStats (statistics, GWAS site input)
targets += [
    .systemLibrary(
        name: "CHTSlib",
        path: "Sources/CHTSlib",
        pkgConfig: "htslib",
        providers: [.apt(["libhts-dev"])]
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
    // Decryption-failure trials: a few hundred per preset in RLWETests (sanitized suite), 10,000 per preset in
    // `bfv-trials`, which scripts/test.sh builds in plain release mode and runs (docs/RLWE.md).
    .target(
        name: "BfvTrials",
        dependencies: ["RLWE"],
        path: "Tests/BfvTrials",
        swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "bfv-trials",
        dependencies: ["BfvTrials", "RLWE"],
        path: "Tests/bfv-trials",
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "RLWETests",
        dependencies: ["RLWE", "CNTLOracle", "BfvTrials"],
        swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "RLWEBenchmark",
        dependencies: ["RLWE", "CNTLOracle"],
        path: "Benchmarks/RLWEBenchmark",
        swiftSettings: swiftSettings
    ),
    // Multi-party decryption: per-party share and combine times beside single-key decryption (docs/BENCHMARKS.md).
    .executableTarget(
        name: "MultipartyBenchmark",
        dependencies: ["RLWE"],
        path: "Benchmarks/MultipartyBenchmark",
        swiftSettings: swiftSettings
    ),
]
products += [.library(name: "RLWE", targets: ["RLWE"])]

// MARK: - CLI and container
// The scheme-agnostic layer (`Schemes/`), the container format (`Container/`) and count tables (`Tables/`) live in
// `EncryptedStats`; `he-cli` is the command-line front end. HeCLITests run the built `he-cli` binary.
targets += [
    .target(
        name: "EncryptedStats",
        dependencies: [
            "CHTSlib",
            "Paillier",
            "RLWE",
            .product(name: "Crypto", package: "swift-crypto"),
        ],
        path: "Sources/EncryptedStats",
        swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "he-cli",
        dependencies: [
            "EncryptedStats",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ],
        path: "Sources/he-cli",
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "EncryptedStatsTests",
        dependencies: ["EncryptedStats", "HETestSupport"],
        path: "Tests/EncryptedStatsTests",
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "HeCLITests",
        dependencies: ["EncryptedStats", "he-cli", "HETestSupport"],
        path: "Tests/HeCLITests",
        swiftSettings: swiftSettings
    ),
]
products += [
    .executable(name: "he-cli", targets: ["he-cli"]),
]

// MARK: - Fuzz targets (only with HE_FUZZ=1; scripts/fuzz.sh and scripts/test.sh build them with coverage
// instrumentation and AddressSanitizer). One executable per reader of outside bytes (docs/FUZZING.md); left out of
// the normal build, which has neither the instrumentation nor libFuzzer.
if Context.environment["HE_FUZZ"] == "1" {
    targets.append(.target(name: "CLibFuzzer", path: "Fuzz/Sources/CLibFuzzer"))
    targets.append(.target(
        name: "FuzzSupport",
        dependencies: ["CLibFuzzer", "EncryptedStats"],
        path: "Fuzz/Sources/FuzzSupport",
        swiftSettings: swiftSettings
    ))
    for name in ["container", "keyfile", "ciphertext", "phe-json", "csv", "phenotype", "panel", "vcf", "bfv-serialization"] {
        targets.append(.executableTarget(
            name: "fuzz-\(name)",
            dependencies: ["FuzzSupport", "EncryptedStats", "RLWE", "CHTSlib"],
            path: "Fuzz/Sources/fuzz-\(name)",
            swiftSettings: swiftSettings,
            // libFuzzer for these executables only, so that one build can carry both the tests and the fuzz
            // targets (scripts/test.sh); their Swift main hands over to it (FuzzDriver.run).
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer"])]
        ))
        products.append(.executable(name: "fuzz-\(name)", targets: ["fuzz-\(name)"]))
    }
}

let package = Package(
    name: "he-toolkit",
    products: products,
    dependencies: dependencies,
    targets: targets
)
