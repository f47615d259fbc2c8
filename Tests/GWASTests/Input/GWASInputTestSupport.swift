// Helpers for the GWAS input tests: temporary files and the external oracles (Python, PLINK 1.9, bcftools).

import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

/// A temporary directory removed when the value is released.
final class GWASTemporaryDirectory {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/he-gwas-input-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `name` inside the directory and returns the full path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = "\(path)/\(name)"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}

/// External programs the oracle tests need, located through the environment.
enum GWASOracles {
    /// `HE_REQUIRE_ORACLES=1`: missing oracles fail the tests instead of disabling them.
    static let required = OracleEnvironment.required
    static let python = OracleEnvironment.python
    static let plink = OracleEnvironment.executable(named: "plink1.9")
    static let bcftools = OracleEnvironment.executable(named: "bcftools")
    static let bgzip = OracleEnvironment.executable(named: "bgzip")

    /// Whether the VCF tools (bcftools, bgzip) are present, or must be.
    static let toolsEnabled = required || (bcftools != nil && bgzip != nil)
    /// Whether the full PLINK comparison can run, or must.
    static let plinkEnabled = required || (python != nil && plink != nil && bcftools != nil && bgzip != nil)
    static let plinkReason: Comment = "needs HE_TEST_PYTHON (a Python with numpy), plink1.9, bcftools and bgzip on PATH"
    static let toolsReason: Comment = "needs bcftools and bgzip on PATH"

    /// The repository root, found from this source file's location.
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Runs `executable` with `arguments`; returns its output (stdout and stderr together), or throws with it.
    @discardableResult
    static func run(_ executable: String?, _ arguments: [String], name: String) throws -> String {
        let path = try #require(executable, "\(name) is required (HE_REQUIRE_ORACLES=1) but was not found")
        let result = try ChildProcess.run(path, arguments)
        guard result.status == 0 else {
            throw OracleFailure(message: "\(name) \(arguments.joined(separator: " ")) exited with "
                + "\(result.status): \(result.stdout)\(result.stderr)")
        }
        return result.stdout
    }

    struct OracleFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
