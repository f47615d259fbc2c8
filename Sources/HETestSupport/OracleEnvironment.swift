// Where the test suites find their external oracles: the Python interpreter named by HE_TEST_PYTHON (phe, scipy,
// numpy, msprime) and tools on PATH (plink1.9, bcftools). Without an oracle its tests are disabled with a reason,
// unless HE_REQUIRE_ORACLES=1: then they run and fail, so that CI cannot skip them silently.

import Foundation

public enum OracleEnvironment {
    private static let environment = ProcessInfo.processInfo.environment

    /// HE_REQUIRE_ORACLES=1 turns a missing oracle into a failure.
    public static let required = environment["HE_REQUIRE_ORACLES"] == "1"

    /// The Python interpreter named by HE_TEST_PYTHON, when it is an executable file.
    public static let python: String? = {
        guard let path = environment["HE_TEST_PYTHON"], !path.isEmpty,
              FileManager.default.isExecutableFile(atPath: path) else { return nil }
        return path
    }()

    /// The first executable file called `name` in a directory of PATH.
    public static func executable(named name: String) -> String? {
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// An oracle that a test needs is not there.
    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }

    public static func requirePython() throws -> String {
        guard let python else {
            throw Missing(description: "HE_REQUIRE_ORACLES=1 but HE_TEST_PYTHON does not name a Python interpreter")
        }
        return python
    }

    public static func require(executable name: String) throws -> String {
        guard let path = executable(named: name) else {
            throw Missing(description: "HE_REQUIRE_ORACLES=1 but \(name) is not on PATH")
        }
        return path
    }
}
