// The Python oracles of the privacy tests: dp_sampler_gof.py (scipy chi-square against exact pmfs) and
// dp_oracle.py (OpenDP's privacy maps), run with the interpreter in HE_TEST_PYTHON.

import Foundation
import HETestSupport

enum PrivacyOracle {
    static var usable: Bool { OracleEnvironment.python != nil || OracleEnvironment.required }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let scripts = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Oracles")

    /// Sends `request` as JSON to `script` and decodes its JSON answer.
    static func run(_ script: String, _ request: Any) throws -> Any {
        let input = try JSONSerialization.data(withJSONObject: request)
        let result = try ChildProcess.run(try OracleEnvironment.requirePython(),
                                          [scripts.appendingPathComponent(script).path], input: input)
        guard result.status == 0 else { throw Failure(description: "\(script) exited with \(result.status): \(result.stderr)") }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    /// The p-value of each goodness-of-fit request, in order.
    static func goodnessOfFit(_ requests: [[String: Any]]) throws -> [(name: String, p: Double)] {
        guard let answers = try run("dp_sampler_gof.py", requests) as? [[String: Any]], answers.count == requests.count
        else { throw Failure(description: "dp_sampler_gof.py gave an unexpected answer") }
        return answers.map { ($0["name"] as? String ?? "?", $0["p"] as? Double ?? -1) }
    }

    /// A histogram as the oracle reads it.
    static func histogram(_ counts: [Int64: Int]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: counts.map { (String($0.key), $0.value) })
    }
}
