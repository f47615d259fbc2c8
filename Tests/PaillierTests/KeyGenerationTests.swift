// Fresh key generation (kept to a few keys: generation is the slowest operation).

import Paillier
import Testing

@Suite("Paillier key generation")
struct KeyGenerationTests {
    @Test("fresh keys have exact size, distinct equal-length primes and work end to end", arguments: [2048, 3072])
    func generate(bits: Int) throws {
        let (publicKey, secretKey) = try PaillierKeyPair.generate(bits: bits)
        #expect(publicKey.bits == bits)
        #expect(publicKey.n.bitWidth == bits)
        let (p, q) = secretKey.primes
        #expect(p != q)
        #expect(p.bitWidth == bits / 2 && q.bitWidth == bits / 2)
        #expect(p.bit(bits / 2 - 2) && q.bit(bits / 2 - 2))
        #expect(p * q == publicKey.n)
        #expect(p.isProbablePrime() && q.isProbablePrime())
        #expect(BigInt.gcd(publicKey.n, (p - 1) * (q - 1)) == BigInt(1))
        #expect(publicKey.fingerprint.count == 32)
        let encryptor = PaillierEncryptor(publicKey: publicKey, randomizer: .textbook)
        let decryptor = PaillierDecryptor(secretKey: secretKey)
        let c = encryptor.add(try encryptor.encrypt(Int64(-5)), try encryptor.encrypt(Int64(12)))
        #expect(try decryptor.decryptSigned(c) == BigInt(7))
    }

    @Test("two fresh keys differ")
    func distinct() throws {
        let a = BigInt.randomPrime(bits: 1024)
        let b = BigInt.randomPrime(bits: 1024)
        #expect(a != b)
        #expect(a.bitWidth == 1024 && a.bit(1022) && a.isOdd)
    }

    @Test("random values stay in range")
    func randomRanges() {
        let bound = BigInt(1) << 130 + 5
        for _ in 0..<200 {
            let r = BigInt.random(below: bound)
            #expect(r >= BigInt(0) && r < bound)
            #expect(BigInt.randomBits(67).bitWidth <= 67)
        }
    }
}
