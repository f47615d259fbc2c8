// The parallel loops give the same results on one thread as on all cores: packed sums and the DJN table are
// bit-identical, and parallel encryption and decryption give the same totals.

import Paillier
import Testing

@Suite("Paillier results do not depend on the thread count")
struct ConcurrencyDeterminismTests {
    let encryptor = Fixtures.encryptor2048
    let decryptor = Fixtures.decryptor2048

    /// One thread, two threads, and all cores (no limit).
    static let limits: [Int?] = [1, 2, nil]

    /// Six sites' vectors of 1400 values: 9 ciphertexts each under a 1000 x 8 layout (157 slots of 13 bits),
    /// so every loop has work for several threads.
    func siteVectors() -> [[UInt64]] {
        var generator = SystemRandomNumberGenerator()
        return (0..<6).map { _ in (0..<1400).map { _ in UInt64.random(in: 0...1000, using: &generator) } }
    }

    @Test("packed sums are bit-identical on 1, 2 and all threads")
    func packedSumIsBitIdentical() throws {
        let layout = try PackedLayout(publicKey: encryptor.publicKey, maxValuePerContribution: 1000, maxContributions: 8)
        let encoder = try PackedEncoder(layout: layout, encryptor: encryptor)
        let vectors = siteVectors()
        let packed = try vectors.map { try encoder.encrypt($0, bound: 1000) }
        try #require(packed[0].ciphertexts.count == 9)
        var sums: [PackedCiphertexts] = []
        for limit in Self.limits {
            sums.append(try Parallelism.$threadLimit.withValue(limit) { try encoder.sum(packed) })
        }
        let bytes = sums.map { $0.ciphertexts.map { $0.serialized(for: encryptor.publicKey) } }
        #expect(bytes[1] == bytes[0])
        #expect(bytes[2] == bytes[0])
        // A tree of partial sums gives the same ciphertexts as the flat sum (the product mod n^2 is associative).
        let tree = try Parallelism.$threadLimit.withValue(1) {
            try encoder.add(try encoder.sum(Array(packed[0..<3])), try encoder.sum(Array(packed[3...])))
        }
        #expect(tree.ciphertexts.map { $0.serialized(for: encryptor.publicKey) } == bytes[0])
        let expected = (0..<1400).map { i in vectors.reduce(0) { $0 + $1[i] } }
        #expect(try decryptor.decrypt(sums[0]) == expected)
    }

    @Test("parallel encryption and decryption give the same totals as one thread")
    func parallelEncryptionDecryptsToSameTotals() throws {
        let layout = try PackedLayout(publicKey: encryptor.publicKey, maxValuePerContribution: 1000, maxContributions: 8,
                                      signed: true)
        let encoder = try PackedEncoder(layout: layout, encryptor: encryptor)
        var generator = SystemRandomNumberGenerator()
        let vectors = (0..<4).map { _ in (0..<500).map { _ in Int64.random(in: -1000...1000, using: &generator) } }
        let expected = (0..<500).map { i in vectors.reduce(0) { $0 + $1[i] } }
        var totals: [[Int64]] = []
        for encryptLimit in Self.limits {
            let packed = try Parallelism.$threadLimit.withValue(encryptLimit) { try vectors.map { try encoder.encryptSigned($0, bound: 1000) } }
            let sum = try encoder.sum(packed)
            for decryptLimit in Self.limits {
                totals.append(try Parallelism.$threadLimit.withValue(decryptLimit) { try decryptor.decryptSigned(sum) })
            }
        }
        #expect(totals.count == 9)
        for t in totals { #expect(t == expected) }
    }

    @Test("single and batch decryption agree on 1 and all threads")
    func decryptionHalves() throws {
        var generator = SystemRandomNumberGenerator()
        let plaintexts = (0..<12).map { _ in BigInt.random(below: encryptor.publicKey.n) }
        let ciphertexts = try encryptor.encrypt(plaintexts)
        for limit in Self.limits {
            let i = Int.random(in: 0..<12, using: &generator)
            let (batch, single) = try Parallelism.$threadLimit.withValue(limit) {
                (try decryptor.decrypt(ciphertexts), try decryptor.decrypt(ciphertexts[i]))
            }
            #expect(batch == plaintexts)
            #expect(single == plaintexts[i])
        }
    }

    @Test("the DJN table built on 1 thread equals the one built on all cores")
    func djnTableIsBitIdentical() throws {
        let publicKey = encryptor.publicKey
        let single = Parallelism.$threadLimit.withValue(1) { PaillierEncryptor(publicKey: publicKey, randomizer: .djn) }
        let two = Parallelism.$threadLimit.withValue(2) { PaillierEncryptor(publicKey: publicKey, randomizer: .djn) }
        let exponents = (0..<8).map { _ in BigInt.randomBits(publicKey.bits / 2) }
        for a in exponents {
            let m = BigInt.random(below: publicKey.n)
            let reference = try encryptor.encrypt(m, djnExponent: a)
            #expect(try single.encrypt(m, djnExponent: a) == reference)
            #expect(try two.encrypt(m, djnExponent: a) == reference)
            // The table agrees with the plain exponentiation it replaces.
            let direct = publicKey.djnBase.powMod(a, publicKey.nSquared)
            #expect(try textbookProduct(m, rho: direct) == reference.value)
        }
    }

    /// (1 + m n) rho mod n^2, computed without the encryptor.
    func textbookProduct(_ m: BigInt, rho: BigInt) throws -> BigInt {
        let n = encryptor.publicKey.n
        return ((BigInt(1) + m * n) * rho).modulo(encryptor.publicKey.nSquared)
    }

    @Test("HE_THREADS values are parsed strictly")
    func parseLimit() {
        #expect(Parallelism.parseLimit("1") == 1)
        #expect(Parallelism.parseLimit("16") == 16)
        for bad in ["", "0", "-1", "+2", " 2", "2 ", "two", "1.5", "99999999999999999999999"] {
            #expect(Parallelism.parseLimit(bad) == nil, "\(bad)")
        }
    }
}
