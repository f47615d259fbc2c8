// Malformed keys and ciphertexts get specific errors, never a crash.

import Paillier
import Testing

@Suite("Paillier bad input")
struct BadInputTests {
    let key = Fixtures.secretKey2048
    var publicKey: PaillierPublicKey { key.publicKey }

    @Test("truncated, extended and garbled public keys")
    func publicKeys() throws {
        let bytes = publicKey.serialized()
        #expect(throws: PaillierError.truncated(what: "Paillier public key", expected: bytes.count, actual: bytes.count - 1)) {
            try PaillierPublicKey(serialized: bytes.dropLast())
        }
        #expect(throws: PaillierError.truncated(what: "Paillier public key header", expected: 7, actual: 3)) {
            try PaillierPublicKey(serialized: bytes.prefix(3))
        }
        #expect(throws: PaillierError.trailingBytes(what: "Paillier public key", count: 1)) {
            try PaillierPublicKey(serialized: bytes + [0])
        }
        var badMagic = bytes
        badMagic[0] = UInt8(ascii: "X")
        #expect(throws: PaillierError.self) { try PaillierPublicKey(serialized: badMagic) }
        var badVersion = bytes
        badVersion[4] = 9
        #expect(throws: PaillierError.badHeader(what: "Paillier public key", detail: "format version 9, expected 1")) {
            try PaillierPublicKey(serialized: badVersion)
        }
        var badSize = bytes
        badSize[5] = 0x04  // 1024 + low byte 0 -> 1024 bits
        badSize[6] = 0x00
        #expect(throws: PaillierError.unsupportedKeySize(bits: 1024, supported: [2048, 3072, 4096])) {
            try PaillierPublicKey(serialized: badSize)
        }
        var even = bytes
        even[even.count - 1] &= 0xFE
        #expect(throws: PaillierError.invalidKey("modulus n is even")) { try PaillierPublicKey(serialized: even) }
        var leadingZero = bytes
        leadingZero[7] = 0
        #expect(throws: PaillierError.self) { try PaillierPublicKey(serialized: leadingZero) }
        // A prime "modulus" of the right size.
        let prime = BigInt.randomPrime(bits: 2048)
        #expect(throws: PaillierError.invalidKey("modulus n is prime")) { try PaillierPublicKey(n: prime) }
        #expect(throws: PaillierError.invalidKey("modulus n is a perfect square")) {
            let p = Fixtures.secretKey2048.primes.p
            return try PaillierPublicKey(n: p * p)
        }
    }

    @Test("truncated and garbled secret keys")
    func secretKeys() throws {
        let bytes = key.serialized()
        #expect(throws: PaillierError.truncated(what: "Paillier secret key", expected: bytes.count, actual: bytes.count - 10)) {
            try PaillierSecretKey(serialized: bytes.dropLast(10))
        }
        #expect(throws: PaillierError.trailingBytes(what: "Paillier secret key", count: 2)) {
            try PaillierSecretKey(serialized: bytes + [1, 2])
        }
        var flipped = bytes
        flipped[flipped.count - 1] ^= 0x02  // q no longer prime
        #expect(throws: PaillierError.invalidKey("p or q is not prime")) { try PaillierSecretKey(serialized: flipped) }
        let (p, _) = key.primes
        #expect(throws: PaillierError.invalidKey("p equals q")) { try PaillierSecretKey(p: p, q: p) }
        #expect(throws: PaillierError.self) { try PaillierSecretKey(p: p, q: BigInt.randomPrime(bits: 1000)) }
        #expect(throws: PaillierError.self) { try PaillierSecretKey(p: BigInt.randomPrime(bits: 600), q: BigInt.randomPrime(bits: 600)) }
    }

    @Test("ciphertexts outside Z*_{n^2}, truncated or with trailing bytes")
    func ciphertexts() throws {
        let n = publicKey.n
        let size = PaillierCiphertext.serializedByteCount(for: publicKey)
        #expect(size == 512)
        let good = try Fixtures.encryptor2048.encrypt(BigInt(3))
        let bytes = good.serialized(for: publicKey)
        #expect(bytes.count == size)
        #expect(try PaillierCiphertext(serialized: bytes, publicKey: publicKey) == good)
        #expect(throws: PaillierError.truncated(what: "Paillier ciphertext", expected: size, actual: size - 1)) {
            try PaillierCiphertext(serialized: bytes.dropLast(), publicKey: publicKey)
        }
        #expect(throws: PaillierError.trailingBytes(what: "Paillier ciphertext", count: 1)) {
            try PaillierCiphertext(serialized: bytes + [0], publicKey: publicKey)
        }
        let zero = [UInt8](repeating: 0, count: size)
        #expect(throws: PaillierError.invalidCiphertext("value is zero or negative (expected 0 < c < n^2)")) {
            try PaillierCiphertext(serialized: zero, publicKey: publicKey)
        }
        let allOnes = [UInt8](repeating: 0xFF, count: size)
        #expect(throws: PaillierError.invalidCiphertext("value is not below n^2")) {
            try PaillierCiphertext(serialized: allOnes, publicKey: publicKey)
        }
        let multipleOfP = (key.primes.p * 12345).bigEndianBytes(count: size)!
        #expect(throws: PaillierError.invalidCiphertext("value shares a factor with n (not in Z*_{n^2})")) {
            try PaillierCiphertext(serialized: multipleOfP, publicKey: publicKey)
        }
        #expect(throws: PaillierError.self) { try PaillierCiphertext(value: n * n, publicKey: publicKey) }
        #expect(throws: PaillierError.self) { try Fixtures.decryptor2048.decrypt(PaillierCiphertext(unchecked: BigInt(0))) }
        let many = PaillierCiphertext.serialize([good, good, good], for: publicKey)
        #expect(try PaillierCiphertext.deserialize(many, count: 3, publicKey: publicKey) == [good, good, good])
        var corrupted = many
        corrupted.replaceSubrange((size)..<(2 * size), with: zero)
        #expect(throws: PaillierError.invalidCiphertext("ciphertext 1: value is zero or negative (expected 0 < c < n^2)")) {
            try PaillierCiphertext.deserialize(corrupted, count: 3, publicKey: publicKey)
        }
        #expect(throws: PaillierError.self) { try PaillierCiphertext.deserialize(many.dropLast(), count: 3, publicKey: publicKey) }
    }

    @Test("unsupported key sizes are refused with a specific error")
    func keySizes() throws {
        for bits in [512, 1024, 2047, 2049, 8192] {
            #expect(throws: PaillierError.unsupportedKeySize(bits: bits, supported: [2048, 3072, 4096])) {
                try PaillierKeyPair.generate(bits: bits)
            }
        }
        #expect(PaillierKeySize.securityBits(forModulusBits: 2048) == 112)
        #expect(PaillierKeySize.securityBits(forModulusBits: 3072) == 128)
        #expect(PaillierKeySize.warning(forModulusBits: 2048) != nil)
        #expect(PaillierKeySize.warning(forModulusBits: 3072) == nil)
    }
}
