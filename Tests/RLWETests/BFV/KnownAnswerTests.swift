import Crypto
import RLWE
import Testing

/// Seeded known answers pinning key derivation, sampling, NTT convention, encryption and the byte format.
/// A change to any of them changes these digests; update them only with a format version bump.
@Suite struct KnownAnswerTests {
    static let keySeed: [UInt8] = Array(0..<32)
    static let encryptionSeed: [UInt8] = Array(32..<64)

    func digest(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }

    @Test func n4096Vectors() throws {
        let p = BfvParameters.preset(.n4096)
        #expect(p.coefficientModuli == [36_028_797_018_652_673, 18_014_398_509_309_953])
        #expect(digest(p.fingerprint) == Self.expectedFingerprint)
        let kg = try KeyGenerator(parameters: p, deterministicSeed: Self.keySeed)
        #expect(digest(kg.secretKey.serialized()) == Self.expectedSecretKey)
        #expect(digest(kg.publicKey().serialized()) == Self.expectedPublicKey)
        let values: [UInt64] = (0..<4096).map { UInt64($0 * $0 % 1000) }
        let pt = try BatchEncoder(parameters: p).encode(values)
        let ct = try Encryptor(secretKey: kg.secretKey, deterministicSeed: Self.encryptionSeed).encrypt(pt)
        let bytes = ct.serialized()
        #expect(bytes.count == 38 + 1 + 32 + 4096 * 55 / 8 + 4096 * 54 / 8)
        #expect(Array(bytes.prefix(6)) == [0x48, 0x45, 0x52, 0x4c, 1, 2])  // "HERL", v1, seeded ciphertext
        #expect(digest(bytes) == Self.expectedCiphertext)
        let back = try Ciphertext(serialized: bytes, parameters: p)
        #expect(try BatchEncoder(parameters: p).decode(Decryptor(secretKey: kg.secretKey).decrypt(back)) == values)
    }

    static let expectedFingerprint = "c0b9d7c78bbcc36e322ebcd0a8ccb14ae178b0186d5e0db38ddc93dc7b43e25c"
    static let expectedSecretKey = "80b8ccbc384d13450d571b8acf5107e335129216fb85c85cdac07e1548d74e2f"
    static let expectedPublicKey = "b99e6184ee6ff397efcbd5b9b60ed7e86849c5eaed496c352188fd22b15baece"
    static let expectedCiphertext = "0554313da92b3503e64e23579bb6ab6a831c1a56499fb998524fba30579b32de"
}

import Foundation
