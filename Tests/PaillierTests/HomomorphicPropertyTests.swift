// Property tests of the homomorphic operations on the committed 2048-bit test key.

import Paillier
import PropertyBased
import Testing

@Suite("Paillier homomorphic properties")
struct HomomorphicPropertyTests {
    let encryptor = Fixtures.encryptor2048
    let decryptor = Fixtures.decryptor2048

    @Test("Dec(Enc(a) + Enc(b)) = a + b, also for negatives")
    func addition() async {
        await propertyCheck(count: 40, input: Gen.int64(in: Int64.min / 2...Int64.max / 2), Gen.int64(in: Int64.min / 2...Int64.max / 2)) { a, b in
            let sum = encryptor.add(try encryptor.encrypt(a), try encryptor.encrypt(b))
            #expect(try decryptor.decryptSigned(sum) == BigInt(a) + BigInt(b))
        }
    }

    @Test("plaintext addition, scalar multiplication, negation and subtraction")
    func plaintextOperations() async {
        await propertyCheck(count: 30, input: Gen.int64(in: -1_000_000_000...1_000_000_000), Gen.int64(in: -1_000_000...1_000_000)) { a, k in
            let c = try encryptor.encrypt(a)
            #expect(try decryptor.decryptSigned(try encryptor.addPlain(c, BigInt(k))) == BigInt(a + k))
            #expect(try decryptor.decryptSigned(try encryptor.multiply(c, byScalar: k)) == BigInt(a) * BigInt(k))
            #expect(try decryptor.decryptSigned(try encryptor.negate(c)) == BigInt(-a))
            let d = try encryptor.encrypt(k)
            #expect(try decryptor.decryptSigned(try encryptor.subtract(c, d)) == BigInt(a - k))
        }
    }

    @Test("re-randomisation keeps the plaintext and changes the ciphertext")
    func rerandomize() throws {
        let c = try encryptor.encrypt(BigInt(77))
        let d = encryptor.rerandomize(c)
        #expect(c != d)
        #expect(try decryptor.decrypt(d) == BigInt(77))
        let e = Fixtures.textbook2048.rerandomize(c)
        #expect(e != c)
        #expect(try decryptor.decrypt(e) == BigInt(77))
    }

    @Test("both randomisers give fresh ciphertexts that decrypt to the plaintext")
    func randomisers() throws {
        for encryptor in [Fixtures.encryptor2048, Fixtures.textbook2048] {
            let a = try encryptor.encrypt(BigInt(5))
            let b = try encryptor.encrypt(BigInt(5))
            #expect(a != b)
            #expect(try decryptor.decrypt(a) == BigInt(5))
            #expect(try decryptor.decrypt(b) == BigInt(5))
        }
    }

    @Test("extreme plaintexts: 0, n - 1, -(n-1)/2, and one past each end is refused")
    func plaintextRange() throws {
        let n = encryptor.publicKey.n
        let low = -((n - 1) >> 1)
        #expect(try decryptor.decrypt(try encryptor.encrypt(BigInt(0))) == BigInt(0))
        #expect(try decryptor.decrypt(try encryptor.encrypt(n - 1)) == n - 1)
        #expect(try decryptor.decryptSigned(try encryptor.encrypt(low)) == low)
        #expect(throws: PaillierError.self) { try encryptor.encrypt(n) }
        #expect(throws: PaillierError.self) { try encryptor.encrypt(low - 1) }
        #expect(throws: PaillierError.self) { try encryptor.multiply(encryptor.encrypt(BigInt(1)), byScalar: n) }
    }

    @Test("sum of many and batch encryption/decryption keep order")
    func batches() throws {
        let values = (0..<24).map { BigInt(Int64($0) * 1_000_003 - 7) }
        let ciphertexts = try encryptor.encrypt(values)
        #expect(try decryptor.decrypt(ciphertexts).map { centred($0, encryptor.publicKey.n) } == values)
        let total = values.reduce(BigInt(0), +)
        #expect(try decryptor.decryptSigned(encryptor.sum(ciphertexts)) == total)
        #expect(try decryptor.decrypt(encryptor.sum([])) == BigInt(0))
    }
}
