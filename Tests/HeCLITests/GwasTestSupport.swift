// External references for the GWAS and statistics command tests: Python (numpy, scipy) from HE_TEST_PYTHON and
// plink1.9 on PATH. Without them the tests are disabled with a reason, unless HE_REQUIRE_ORACLES=1: then they run
// and fail, so CI cannot skip them silently.

import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

enum Oracles {
    static let environment = ProcessInfo.processInfo.environment
    static let required = OracleEnvironment.required
    static let python = OracleEnvironment.python
    static let plink = OracleEnvironment.executable(named: "plink1.9")
    static let bcftools = OracleEnvironment.executable(named: "bcftools")

    /// Runs an executable; returns its standard output, throws with its standard error on failure.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let result = try ChildProcess.run(executable, arguments)
        guard result.status == 0 else {
            throw Failure(description: "\(executable) \(arguments.joined(separator: " ")) exited with "
                          + "\(result.status): \(result.stderr)")
        }
        return result.stdout
    }

    static var pythonUsable: Bool { python != nil || required }
    static var plinkUsable: Bool { (python != nil && plink != nil) || required }

    /// Tests/Oracles: the committed reference scripts.
    static let scripts = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Oracles").path

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func requirePython() throws -> String { try OracleEnvironment.requirePython() }
    static func requirePlink() throws -> String { try OracleEnvironment.require(executable: "plink1.9") }

    /// Runs `python script args` (script relative to Tests/Oracles, or `-c CODE`) with `input` on stdin.
    @discardableResult
    static func python(_ arguments: [String], input: String = "", in directory: String = "/") throws -> String {
        let full = arguments.first == "-c" ? arguments : [scripts + "/" + arguments[0]] + arguments.dropFirst()
        let result = try ChildProcess.run(try requirePython(), full, input: Data(input.utf8), currentDirectory: directory)
        guard result.status == 0 else {
            throw Failure(description: "python \(arguments.prefix(2).joined(separator: " ")) exited with "
                          + "\(result.status): \(result.stderr)")
        }
        return result.stdout
    }

    /// Reads a tab-separated file with a header line into dictionaries.
    /// A whitespace-aligned PLINK report (`.assoc`) as one dictionary per row, keyed by the header's names.
    static func readTSVWhitespace(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        guard let header = lines.first?.split(separator: " ").map(String.init) else { return [] }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0.split(separator: " ").map(String.init))) }
    }

    static func readTSV(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        else { return [] }
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    /// Relative difference; exact equality (both zero included) gives 0.
    static func relativeError(_ actual: Double, _ expected: Double) -> Double {
        if actual == expected { return 0 }
        return abs(actual - expected) / max(abs(expected), Double.leastNormalMagnitude)
    }

    /// Two renderings of a number with four significant digits that agree up to one unit of the last digit
    /// (the rule of the statistics tests' PLINK comparison).
    static func withinPrintPrecision(_ a: String, _ b: String) -> Bool {
        guard let x = Double(a), let y = Double(b) else { return false }
        if x == y { return true }
        let unit = pow(10, floor(log10(max(abs(x), abs(y)))) - 3)
        return abs(x - y) <= unit * 1.000001
    }
}

/// A simulated cohort from Tests/Oracles/simulate_cohort.py, split across sites.
struct SimulatedCohort {
    var directory: String
    var sites: [(vcf: String, pheno: String, samples: Int, cases: Int)]

    static func make(in directory: String, samples: Int, variants: Int, sites: Int, seed: UInt64,
                     splitSeed: UInt64) throws -> SimulatedCohort {
        try Oracles.python(["simulate_cohort.py", "--out", directory, "--samples", String(samples),
                            "--variants", String(variants), "--sites", String(sites), "--seed", String(seed),
                            "--split-seed", String(splitSeed)])
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let entries = try #require(manifest["sites"] as? [[String: Any]])
        let sites = try entries.map { e in
            (vcf: directory + "/" + (try #require(e["vcf"] as? String)),
             pheno: directory + "/" + (try #require(e["pheno"] as? String)),
             samples: try #require(e["samples"] as? Int), cases: try #require(e["cases"] as? Int))
        }
        return SimulatedCohort(directory: directory, sites: sites)
    }

    var panel: String { directory + "/panel.tsv" }
}
