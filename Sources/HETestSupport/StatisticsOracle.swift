// Access to the external reference implementations the statistics are checked against: scipy/numpy through the
// Python interpreter named by HE_TEST_PYTHON, and the plink1.9 executable on PATH.
//
// Without them the oracle tests are disabled with a reason, unless HE_REQUIRE_ORACLES=1: then they run and fail,
// so that CI cannot skip them silently.

import Foundation

public enum StatisticsOracle {
    public static let environment = ProcessInfo.processInfo.environment
    public static let required = OracleEnvironment.required
    /// The Python interpreter with scipy and numpy, from HE_TEST_PYTHON.
    public static let python = OracleEnvironment.python
    public static let plink = OracleEnvironment.executable(named: "plink1.9")

    public static var pythonUsable: Bool { python != nil || required }
    public static var plinkUsable: Bool { (python != nil && plink != nil) || required }

    /// Directory of the committed oracle scripts.
    public static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tests/Oracles")

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func requirePython() throws -> String { try OracleEnvironment.requirePython() }
    public static func requirePlink() throws -> String { try OracleEnvironment.require(executable: "plink1.9") }

    /// Runs an oracle script with `arguments`, feeding `input` on stdin; returns stdout.
    public static func run(script: String, arguments: [String] = [], input: Data? = nil) throws -> Data {
        let result = try ChildProcess.run(try requirePython(),
                                          [scripts.appendingPathComponent(script).path] + arguments, input: input)
        guard result.status == 0 else {
            throw Failure(description: "\(script) exited with \(result.status): \(result.stderr)")
        }
        return Data(result.stdout.utf8)
    }

    /// Sends a JSON request to scipy_stats.py and returns the decoded answer.
    public static func scipy(_ request: [String: Any]) throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: request)
        let answer = try run(script: "scipy_stats.py", input: data)
        guard let object = try JSONSerialization.jsonObject(with: answer) as? [String: Any] else {
            throw Failure(description: "scipy_stats.py answered with something other than a JSON object")
        }
        return object
    }

    /// Reads a tab-separated file with a header line into dictionaries.
    public static func readTable(_ url: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        else { return [] }
        return lines.dropFirst().map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
    }

    /// A fresh temporary directory, removed by the caller.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("he-stats-\(UInt64.random(in: 0...UInt64.max))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension StatisticsOracle {
    /// Relative difference, with exact equality (including both zero) giving 0.
    public static func relativeError(_ actual: Double, _ expected: Double) -> Double {
        if actual == expected { return 0 }
        return abs(actual - expected) / max(abs(expected), Double.leastNormalMagnitude)
    }
}
