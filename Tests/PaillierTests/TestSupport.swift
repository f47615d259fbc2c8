// Shared fixtures: the committed test keys and known-answer vectors, and the python-paillier oracle runner.

import Foundation
import HETestSupport
import Paillier
import Testing

/// One committed test key (TEST KEYS ONLY) with its known-answer vectors.
struct KATKey: Decodable, Sendable {
    struct Vector: Decodable, Sendable {
        let m: String
        let r: String
        let c: String
        let a: String
        let c_djn: String
    }

    let bits: Int
    let p: String
    let q: String
    let n: String
    let djn_base: String
    let fingerprint: String
    let vectors: [Vector]
}

struct KATFile: Decodable, Sendable {
    let keys: [KATKey]
}

func hexInteger(_ text: String) -> BigInt {
    BigInt(text, radix: 16)!
}

enum Fixtures {
    /// Contents of Resources/paillier-test-vectors.json.
    static let kat: KATFile = {
        let url = Bundle.module.url(forResource: "paillier-test-vectors", withExtension: "json", subdirectory: "Resources")!
        return try! JSONDecoder().decode(KATFile.self, from: Data(contentsOf: url))
    }()

    static func katKey(bits: Int) -> KATKey {
        kat.keys.first { $0.bits == bits }!
    }

    static func secretKey(bits: Int) -> PaillierSecretKey {
        let k = katKey(bits: bits)
        return try! PaillierSecretKey(p: hexInteger(k.p), q: hexInteger(k.q))
    }

    /// Committed 2048-bit test key and its encryptor/decryptor (the DJN table is built once per process).
    static let secretKey2048 = secretKey(bits: 2048)
    static let encryptor2048 = PaillierEncryptor(publicKey: secretKey2048.publicKey, randomizer: .djn)
    static let textbook2048 = PaillierEncryptor(publicKey: secretKey2048.publicKey, randomizer: .textbook)
    static let decryptor2048 = PaillierDecryptor(secretKey: secretKey2048)
}

/// The python-paillier oracle: `HE_TEST_PYTHON` names the interpreter. Without it the oracle tests are
/// disabled, unless `HE_REQUIRE_ORACLES=1`, in which case they run and fail.
enum PheOracle {
    static let python = OracleEnvironment.python
    static let required = OracleEnvironment.required
    static let enabled = python != nil || required
    static let disabledReason: Comment = "HE_TEST_PYTHON is not set (python-paillier oracle unavailable)"

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Oracles/phe_oracle.py")

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Sends the requests to the oracle and returns its responses in order.
    static func run(_ requests: [[String: Any]]) throws -> [[String: Any]] {
        guard let python else {
            throw Failure(description: "HE_REQUIRE_ORACLES=1 but HE_TEST_PYTHON is not set")
        }
        let payload = try JSONSerialization.data(withJSONObject: ["requests": requests])
        let result = try ChildProcess.run(python, [script.path], input: payload)
        guard result.status == 0 else {
            throw Failure(description: "phe oracle exited with \(result.status): \(result.stderr)")
        }
        let data = Data(result.stdout.utf8)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let responses = object["responses"] as? [[String: Any]], responses.count == requests.count
        else {
            throw Failure(description: "phe oracle gave malformed output: \(String(decoding: data, as: UTF8.self))")
        }
        return responses
    }

    /// A JSON text produced by the library, as a JSON object for the oracle request.
    static func object(_ json: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(json.utf8))
    }

    /// A JSON object from the oracle, as text for the library's importers.
    static func text(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }
}
