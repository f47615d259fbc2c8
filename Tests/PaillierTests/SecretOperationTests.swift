// The constant-time decryption (mpz_powm_sec, then mpn_sec_* for L_x, the products, the reductions and the CRT
// recombination) against a plain textbook decryption computed here with variable-time arithmetic.

import Paillier
import Testing

@Suite("Paillier constant-time decryption")
struct SecretOperationTests {
    /// m = L(c^lambda mod n^2) * mu mod n with lambda = lcm(p-1, q-1) and mu = lambda^-1 mod n (g = n + 1).
    static func textbookDecrypt(_ c: BigInt, key: PaillierSecretKey) throws -> BigInt {
        let (p, q) = key.primes
        let n = key.publicKey.n
        let pm1 = p - 1
        let qm1 = q - 1
        let lambda = (pm1 * qm1).dividedExactly(by: BigInt.gcd(pm1, qm1))
        let mu = try #require(lambda.modulo(n).inverse(modulo: n))
        let u = c.powMod(lambda, key.publicKey.nSquared)
        return ((u - 1).dividedExactly(by: n) * mu).modulo(n)
    }

    @Test("equals the textbook decryption, whichever of m mod p and m mod q is larger", arguments: [2048, 3072])
    func matchesTextbook(bits: Int) throws {
        let key = Fixtures.secretKey(bits: bits)
        let (p, q) = key.primes
        let n = key.publicKey.n
        let encryptor = PaillierEncryptor(publicKey: key.publicKey, randomizer: .textbook)
        let decryptor = PaillierDecryptor(secretKey: key)
        var plaintexts = [BigInt(0), BigInt(1), n - 1, p, q, p - 1, q - 1, (n - 1) >> 1]
        plaintexts += (0..<24).map { _ in BigInt.random(below: n) }
        var orderings = Set<Bool>()
        for m in plaintexts {
            orderings.insert(m.modulo(p) > m.modulo(q))
            let c = try encryptor.encrypt(m)
            let expected = try Self.textbookDecrypt(c.value, key: key)
            #expect(expected == m)
            #expect(try decryptor.decrypt(c) == m, "m = \(m)")
            #expect(decryptor.decryptResidue(c.value, concurrentHalves: false) == m)
        }
        #expect(orderings == [true, false], "both signs of m_q - m_p were exercised")
    }
}
