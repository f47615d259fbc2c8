// RFC 8032 section 7.1 Ed25519 test vectors (Resources/rfc8032-ed25519-vectors.json names where they were
// transcribed from): swift-crypto's `Curve25519.Signing`, which signs the log's tree heads, derives the published
// public keys, accepts the published signatures and refuses them changed, and on Linux (BoringSSL's deterministic
// RFC 8032 signer) reproduces them byte for byte. Apple platforms' CryptoKit randomises Ed25519 signatures (a
// valid but different signature each time), so there only verification is checked.

import Crypto
import Foundation
import Testing
import Governance

@Suite("Ed25519 (RFC 8032 section 7.1)")
struct Ed25519VectorTests {
    struct Vector: Decodable {
        var name, secretKey, publicKey, message, signature: String
    }

    struct File: Decodable {
        var source: String
        var vectors: [Vector]
    }

    static let vectors: [Vector] = {
        let url = Bundle.module.url(forResource: "rfc8032-ed25519-vectors", withExtension: "json",
                                    subdirectory: "Resources")!
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).vectors
    }()

    @Test("published keys, signatures and (on Linux) deterministic signing", arguments: vectors.map(\.name))
    func vector(name: String) throws {
        let vector = try #require(Self.vectors.first { $0.name == name })
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: hexBytes(vector.secretKey))
        let message = hexBytes(vector.message)
        let signature = hexBytes(vector.signature)
        #expect(Array(key.publicKey.rawRepresentation) == hexBytes(vector.publicKey))
        let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: hexBytes(vector.publicKey))
        #expect(publicKey.isValidSignature(signature, for: message))
        for index in [0, 31, 32, 63] {
            #expect(!publicKey.isValidSignature(flipped(signature, at: index), for: message), "byte \(index)")
        }
        if !message.isEmpty {
            #expect(!publicKey.isValidSignature(signature, for: flipped(message, at: message.count - 1)))
        }
        #if os(Linux)
        #expect(Array(try key.signature(for: message)) == signature)
        #endif
    }
}
