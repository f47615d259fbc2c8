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
        try expectPublicKeyCiphertext(kg, values: values, digest: Self.expectedPublicKeyCiphertext)
    }

    /// Public-key encryption from a fixed seed: pins the order in which u, e_1 and e_2 are drawn and the
    /// arithmetic of (p_0 u + e_1 + round(Q m / t), p_1 u + e_2), whichever way the encryptor schedules it.
    func expectPublicKeyCiphertext(_ kg: KeyGenerator, values: [UInt64], digest expected: String) throws {
        let p = kg.parameters
        let encoder = BatchEncoder(parameters: p)
        let ct = try Encryptor(publicKey: kg.publicKey(), deterministicSeed: Self.encryptionSeed).encrypt(encoder.encode(values))
        #expect(digest(ct.serialized()) == expected)
        #expect(try encoder.decode(Decryptor(secretKey: kg.secretKey).decrypt(ct)) == values)
    }

    /// The first preset with a special key-switching prime (primes: the largest of 60, 53, 53 and 52 bits that
    /// are 1 mod 16384, checked independently with gmpy2): pins P, the fingerprint that covers it, and the
    /// layout of a key-switching key over Q P; the switched key must still relinearise correctly.
    @Test func n8192SpecialPrimeVectors() throws {
        let p = BfvParameters.preset(.n8192)
        #expect(p.coefficientModuli == [1_152_921_504_606_830_593, 9_007_199_254_429_697, 9_007_199_254_364_161])
        #expect(p.specialModulus == 4_503_599_627_124_737)
        #expect(digest(p.fingerprint) == Self.expectedFingerprint8192)
        let kg = try KeyGenerator(parameters: p, deterministicSeed: Self.keySeed)
        #expect(digest(kg.publicKey().serialized()) == Self.expectedPublicKey8192)
        let rk = kg.relinearizationKey().serialized()
        // header, digit count, seed, then 3 digits x (60 + 53 + 53 + 52 bits) x 8192 coefficients.
        #expect(rk.count == 38 + 1 + 32 + 3 * 8192 * (60 + 53 + 53 + 52) / 8)
        #expect(digest(rk) == Self.expectedRelinearizationKey8192)
        let back = try RelinearizationKey(serialized: rk, parameters: p)
        let encoder = BatchEncoder(parameters: p)
        let values: [UInt64] = (0..<8192).map { UInt64($0 % 977) }
        let ct = try Encryptor(secretKey: kg.secretKey, deterministicSeed: Self.encryptionSeed).encrypt(encoder.encode(values))
        let squared = try Evaluator(parameters: p, relinearizationKey: back).multiplyRelinearize(ct, ct)
        #expect(try encoder.decode(Decryptor(secretKey: kg.secretKey).decrypt(squared)) == values.map { $0 * $0 })
        try expectPublicKeyCiphertext(
            kg, values: (0..<8192).map { UInt64($0 * $0 % 1000) }, digest: Self.expectedPublicKeyCiphertext8192)
    }

    static let expectedFingerprint8192 = "20ad39b9c7942bbadaf69ef52c6004c215ff9e961e8c447b078ff9bdc90e7d75"
    static let expectedPublicKey8192 = "08c380ff291261ede72765699b77535b3a5dfd145e51cd9db32fe10e186ecc05"
    static let expectedRelinearizationKey8192 = "78c5f72860b82b1156212986640d274d542a7d5eec4fce7a8bd0bc089c15ce51"
    static let expectedPublicKeyCiphertext8192 = "d74fcb60c7c432eb15c109e6217eb89ce3c2d76aaaea261ecedf770177e39028"

    static let expectedFingerprint = "c0b9d7c78bbcc36e322ebcd0a8ccb14ae178b0186d5e0db38ddc93dc7b43e25c"
    static let expectedSecretKey = "80b8ccbc384d13450d571b8acf5107e335129216fb85c85cdac07e1548d74e2f"
    static let expectedPublicKey = "b99e6184ee6ff397efcbd5b9b60ed7e86849c5eaed496c352188fd22b15baece"
    static let expectedCiphertext = "0554313da92b3503e64e23579bb6ab6a831c1a56499fb998524fba30579b32de"
    static let expectedPublicKeyCiphertext = "d5b769c9c63facafa6dc90738e01c0e52f8767184c586e306a4194f2cd807f13"
}

import Foundation
