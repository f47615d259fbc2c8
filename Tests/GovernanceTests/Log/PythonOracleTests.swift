// The log files this library writes, read by an independent Python reader written from docs/AUDIT-LOG.md
// (Tests/Oracles/merkle_log_oracle.py: hashlib and the `cryptography` package's Ed25519).

import Crypto
import Foundation
import HETestSupport
import Testing
import Governance

enum LogOracle {
    static let enabled = OracleEnvironment.python != nil || OracleEnvironment.required
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Oracles/merkle_log_oracle.py")

    struct Failure: Error, CustomStringConvertible { var description: String }

    static func run(_ request: [String: Any]) throws -> [String: Any] {
        let python = try OracleEnvironment.requirePython()
        let result = try ChildProcess.run(python, [script.path], input: try JSONSerialization.data(withJSONObject: request))
        guard result.status == 0 else { throw Failure(description: "oracle exited \(result.status): \(result.stderr)") }
        guard let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw Failure(description: "oracle output is not a JSON object: \(result.stdout)")
        }
        return report
    }
}

@Suite("Append-only log: independent Python reader", .enabled(if: LogOracle.enabled,
                                                               "HE_TEST_PYTHON is not set (log oracle unavailable)"))
struct PythonOracleTests {
    let publicKey = LogFixture.logKey.publicKey

    @Test("roots, signatures and inclusion proofs agree with a reader written from the format document")
    func agrees() throws {
        var random = TestBytes(state: 99)
        let entries = (0 ..< 21).map { i in i == 4 ? [] : random.bytes(Int(random.next() % 300)) }
        let (directory, log) = try LogFixture.makeLog(count: entries.count) { entries[$0] }
        defer { try? FileManager.default.removeItem(at: directory) }
        let contents = try log.read()
        var inclusion: [[String: String]] = []
        for (index, size) in [(0, 21), (4, 21), (20, 21), (7, 8), (12, 13)] as [(UInt64, UInt64)] {
            let proof = try contents.inclusionProof(leafIndex: index, treeSize: size)
            inclusion.append(["proof": Hex.encode(proof.serialized), "entry": Hex.encode(entries[Int(index)]),
                              "signedHead": Hex.encode(contents.treeHeads[Int(size) - 1].serialized)])
        }
        // The same proof for another entry, and against another head, must fail there too.
        var wrongEntry = inclusion[0]
        wrongEntry["entry"] = Hex.encode(entries[1])
        var wrongHead = inclusion[3]
        wrongHead["signedHead"] = Hex.encode(contents.treeHeads[8].serialized)
        let report = try LogOracle.run(["log": log.path, "publicKey": Hex.encode(publicKey.rawRepresentation),
                                        "inclusion": inclusion + [wrongEntry, wrongHead]])
        #expect(report["problems"] as? [String] == [])
        #expect(report["entries"] as? Int == 21)
        #expect(report["tornTailBytes"] as? Int == 0)
        let heads = try #require(report["heads"] as? [[String: Any]])
        #expect(heads.count == contents.treeHeads.count)
        for (oracle, signed) in zip(heads, contents.treeHeads) {
            #expect(oracle["size"] as? Int == Int(signed.head.size))
            #expect(oracle["root"] as? String == signed.head.root.hex)
            #expect(oracle["timestamp"] as? Int == Int(signed.head.timestampMilliseconds))
            #expect(oracle["signatureValid"] as? Bool == true)
        }
        #expect(report["inclusion"] as? [Bool] == [true, true, true, true, true, false, false])
    }

    @Test("the reader sees the damage and the interrupted appends that verify sees")
    func damage() throws {
        let (directory, log) = try LogFixture.makeLog(count: 4)
        defer { try? FileManager.default.removeItem(at: directory) }
        let clean = try LogFixture.bytes(of: log)
        let request: [String: Any] = ["log": log.path, "publicKey": Hex.encode(publicKey.rawRepresentation)]
        try LogFixture.write(flipped(clean, at: clean.count / 2), to: log)
        #expect((try LogOracle.run(request)["problems"] as? [String])?.isEmpty == false)
        #expect(!(try log.verify(publicKey: publicKey).isValid))
        try LogFixture.write(Array(clean.dropLast(50)), to: log)
        let torn = try LogOracle.run(request)
        #expect(torn["problems"] as? [String] == [])
        #expect(torn["entries"] as? Int == 3)
        #expect(torn["tornTailBytes"] as? Int == Int(try log.verify(publicKey: publicKey).tornTail?.length ?? 0))
        let other = try LogOracle.run(["log": log.path,
                                       "publicKey": Hex.encode(LogFixture.otherKey.publicKey.rawRepresentation)])
        #expect((other["problems"] as? [String])?.count == 6)
    }
}
