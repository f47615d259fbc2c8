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

// Targets only when asked for, so that `swift build` compiles the product and nothing else:
//   HE_TEST_TARGETS=1  the NTL polynomial oracle and the BFV decryption trials (scripts/test.sh, scripts/sanitize.sh)
//   HE_BENCHMARKS=1    the benchmark programs (Benchmarks/run-*.sh)
//   HE_FUZZ=1          the libFuzzer targets (scripts/fuzz.sh, scripts/test.sh)
let testTargets = Context.environment["HE_TEST_TARGETS"] == "1"
let benchmarks = Context.environment["HE_BENCHMARKS"] == "1"

// MARK: - Schemes: Paillier on GMP, RLWE/BFV in Swift

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
    .target(
        name: "RLWE",
        dependencies: [.product(name: "Crypto", package: "swift-crypto")],
        swiftSettings: swiftSettings
    ),
]
products += [
    .library(name: "Paillier", targets: ["Paillier"]),
    .library(name: "RLWE", targets: ["RLWE"]),
]

// MARK: - Privacy (differential privacy at release)
// Exact discrete Gaussian and discrete Laplace samplers on rationals (no floating point on the noise path), zCDP
// accounting and a per-study ledger (docs/PRIVACY.md). Uses Paillier only for its GMP `BigInt`, swift-crypto for
// the ChaCha20 keystream a release's noise is drawn from.
targets += [
    .target(
        name: "Privacy",
        dependencies: ["Paillier", .product(name: "Crypto", package: "swift-crypto")],
        path: "Sources/Privacy",
        swiftSettings: swiftSettings
    ),
]
products += [.library(name: "Privacy", targets: ["Privacy"])]

// MARK: - Files, encrypted statistics, GWAS, the command-line tool (each imports only what is above it here)
targets += [
    // The container format, key and output files, site IDs and the table model; knows no scheme and no statistic.
    .target(
        name: "HEFiles",
        dependencies: [.product(name: "Crypto", package: "swift-crypto")],
        path: "Sources/HEFiles",
        swiftSettings: swiftSettings
    ),
    // Governance: `Merkle/` (RFC 9162 hashing, tree heads, proofs), `Log/` (the file-backed append-only log of
    // signed tree heads, docs/AUDIT-LOG.md) and `Provenance/` (signing keys, the signed study manifest, site
    // statements and their verification), `Policy/` (the release policy, the differencing rule and small cells,
    // the privacy budget) and `Release/` (log entries, the privacy ledger over them, sealed noise seeds).
    .target(
        name: "Governance",
        dependencies: ["HEFiles", "Privacy", .product(name: "Crypto", package: "swift-crypto")],
        path: "Sources/Governance",
        swiftSettings: swiftSettings
    ),
    // The scheme seam, count tables, the aggregation rule, key files and the statistics.
    .target(
        name: "EncryptedStats",
        dependencies: [
            "Governance",
            "HEFiles",
            "Paillier",
            "Privacy",
            "RLWE",
            .product(name: "Crypto", package: "swift-crypto"),
        ],
        path: "Sources/EncryptedStats",
        swiftSettings: swiftSettings
    ),
    .systemLibrary(
        name: "CHTSlib",
        path: "Sources/CHTSlib",
        pkgConfig: "htslib",
        providers: [.apt(["libhts-dev"])]
    ),
    // Site input (VCF/BCF through htslib, phenotypes, panel), genotype counts and the PLINK-style reports.
    .target(
        name: "GWAS",
        dependencies: ["CHTSlib", "EncryptedStats", "Governance", "HEFiles", "Privacy"],
        path: "Sources/GWAS",
        swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "he-cli",
        dependencies: [
            "GWAS",
            "EncryptedStats",
            "Governance",
            "HEFiles",
            "Privacy",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ],
        path: "Sources/he-cli",
        swiftSettings: swiftSettings
    ),
]
products += [
    .library(name: "Governance", targets: ["Governance"]),
    .executable(name: "he-cli", targets: ["he-cli"]),
]

// MARK: - Tests (Tests/<Target>Tests mirror the sources; HeCLITests run the built he-cli binary)
targets += [
    // Oracle locations, child processes, scratch folders and the scheme seam's properties, shared by the tests.
    .target(
        name: "HETestSupport",
        dependencies: ["EncryptedStats", "HEFiles"],
        path: "Sources/HETestSupport",
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
    .testTarget(
        name: "RLWETests",
        dependencies: ["RLWE"] + (testTargets ? ["CNTLOracle", "BfvTrials"] : []),
        swiftSettings: swiftSettings
    ),
    // Seeded generator and goodness-of-fit histograms shared by PrivacyTests (20,000 samples per case, sanitized
    // suite) and `dp-sampler-trials` (10^6 per case, plain release build run by scripts/test.sh).
    .target(
        name: "DpSamplerTrials",
        dependencies: ["Privacy", "Paillier", .product(name: "Crypto", package: "swift-crypto")],
        path: "Tests/DpSamplerTrials",
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "PrivacyTests",
        dependencies: ["Privacy", "Paillier", "DpSamplerTrials", "HETestSupport"],
        path: "Tests/PrivacyTests",
        swiftSettings: swiftSettings
    ),
    // Appends until killed; GovernanceTests kill it with SIGKILL and check the log (KilledWriterTests).
    .executableTarget(
        name: "governance-log-writer",
        dependencies: ["Governance", .product(name: "Crypto", package: "swift-crypto")],
        path: "Tests/governance-log-writer",
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "GovernanceTests",
        dependencies: ["Governance", "governance-log-writer", "HETestSupport", "HEFiles", "Privacy",
                       .product(name: "Crypto", package: "swift-crypto")],
        path: "Tests/GovernanceTests",
        resources: [.copy("Resources")],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "HEFilesTests",
        dependencies: ["HEFiles", "HETestSupport"],
        path: "Tests/HEFilesTests",
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "EncryptedStatsTests",
        dependencies: ["EncryptedStats", "Governance", "HEFiles", "HETestSupport", "Privacy"],
        path: "Tests/EncryptedStatsTests",
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "GWASTests",
        dependencies: ["GWAS", "EncryptedStats", "HEFiles", "HETestSupport"],
        path: "Tests/GWASTests",
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "HeCLITests",
        dependencies: ["GWAS", "EncryptedStats", "Governance", "HEFiles", "Paillier", "RLWE", "he-cli", "HETestSupport"],
        path: "Tests/HeCLITests",
        swiftSettings: swiftSettings
    ),
]
if testTargets || benchmarks {
    // NTL-backed negacyclic polynomial product: an independent oracle for tests and benchmarks only.
    targets.append(.target(
        name: "CNTLOracle",
        linkerSettings: [.linkedLibrary("ntl"), .linkedLibrary("gmp")]
    ))
}
if testTargets {
    // Decryption-failure trials: a few hundred per preset in RLWETests (sanitized suite), 10,000 per preset in
    // `bfv-trials`, which scripts/test.sh builds in plain release mode and runs (docs/RLWE.md).
    targets += [
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
        .executableTarget(
            name: "dp-sampler-trials",
            dependencies: ["DpSamplerTrials", "HETestSupport", "Privacy"],
            path: "Tests/dp-sampler-trials",
            swiftSettings: swiftSettings
        ),
    ]
}
if benchmarks {
    targets += [
        .executableTarget(
            name: "PaillierBenchmark",
            dependencies: ["Paillier"],
            path: "Benchmarks/PaillierBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "RLWEBenchmark",
            dependencies: ["RLWE", "CNTLOracle"],
            path: "Benchmarks/RLWEBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "GwasCountBenchmark",
            dependencies: ["GWAS", "EncryptedStats", "HEFiles"],
            path: "Benchmarks/gwas/GwasCountBenchmark",
            swiftSettings: swiftSettings
        ),
        // Append and verify cost of the log beside the raw SHA-256 and Ed25519 work it is made of.
        .executableTarget(
            name: "LogBenchmark",
            dependencies: ["Governance", .product(name: "Crypto", package: "swift-crypto")],
            path: "Benchmarks/LogBenchmark",
            swiftSettings: swiftSettings
        ),
        // Multi-party decryption: per-party share and combine times beside single-key decryption.
        .executableTarget(
            name: "MultipartyBenchmark",
            dependencies: ["RLWE"],
            path: "Benchmarks/MultipartyBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "DPSamplerBenchmark",
            dependencies: ["Privacy", "Paillier"],
            path: "Benchmarks/DPSamplerBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "GwasStatsBenchmark",
            dependencies: ["GWAS", "EncryptedStats"],
            path: "Benchmarks/GwasStatsBenchmark",
            swiftSettings: swiftSettings
        ),
    ]
}


// MARK: - Fuzz targets (only with HE_FUZZ=1; scripts/fuzz.sh and scripts/test.sh build them with coverage
// instrumentation and AddressSanitizer). One executable per reader of outside bytes (docs/FUZZING.md); left out of
// the normal build, which has neither the instrumentation nor libFuzzer.
if Context.environment["HE_FUZZ"] == "1" {
    targets.append(.target(name: "CLibFuzzer", path: "Fuzz/Sources/CLibFuzzer"))
    targets.append(.target(
        name: "FuzzSupport",
        dependencies: ["CLibFuzzer", "GWAS", "EncryptedStats", "HEFiles"],
        path: "Fuzz/Sources/FuzzSupport",
        swiftSettings: swiftSettings
    ))
    for name in ["container", "keyfile", "ciphertext", "phe-json", "csv", "phenotype", "panel", "vcf", "bfv-serialization",
                 "merkle-log", "results", "totals-json"] {
        targets.append(.executableTarget(
            name: "fuzz-\(name)",
            dependencies: ["FuzzSupport", "GWAS", "EncryptedStats", "HEFiles", "Governance", "RLWE", "CHTSlib",
                           .product(name: "Crypto", package: "swift-crypto")],
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
