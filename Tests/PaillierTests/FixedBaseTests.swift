// The side-channel-silent encryption arithmetic (Sources/Paillier/FixedBase.swift, Sources/CGMPKernels/montgomery.c)
// against plain variable-time GMP: the branch-free Karatsuba product at every split depth and the operand
// patterns that decide its signs and carries, the fixed-base table for every window width and exponents that
// exercise every digit position, single and batched, and the Montgomery reduction at the edges of its input
// range.

import CGMP
import CGMPKernels
import Paillier
import Testing

@Suite("Paillier constant-time encryption arithmetic")
struct FixedBaseTests {
    /// Odd moduli of several shapes: n^2 of the 2048-bit test key (top limb full), and odd values whose top limb
    /// holds a single bit or is all ones, where the almost-reduced values reach far above m or close to R.
    static let moduli: [BigInt] = {
        let n2 = Fixtures.secretKey2048.publicKey.nSquared
        let oneBitTop = (BigInt(1) << 1024) + BigInt.randomBits(900) * 2 + 1
        let fullTop = (BigInt(1) << 1088) - BigInt.randomBits(700) * 2 - 1
        let single = BigInt.randomBits(63) * 2 + 1 + (BigInt(1) << 63)
        return [n2, oneBitTop, fullTop, single]
    }()

    /// Exponents of `bits` bits: 0, 1, all ones, single high bits, alternating patterns and random ones.
    static func exponents(bits: Int) -> [BigInt] {
        var out: [BigInt] = [BigInt(0), BigInt(1), (BigInt(1) << bits) - 1, BigInt(1) << (bits - 1)]
        var alternating = BigInt(0)
        for i in stride(from: 0, to: bits, by: 2) { alternating = alternating + (BigInt(1) << i) }
        out.append(alternating)
        out.append(((BigInt(1) << bits) - 1) - alternating)
        for _ in 0..<6 { out.append(BigInt.randomBits(bits)) }
        return out
    }

    @Test("the table gives base^a mod m for every window width and digit pattern", arguments: 1...8)
    func powerMatchesGMP(windowBits: Int) {
        for modulus in Self.moduli {
            let field = MontgomeryModulus(modulus)
            let base = BigInt.random(below: modulus)
            for bits in [1, 63, 64, 65, 130, 257] where bits <= modulus.bitWidth {
                let table = FixedBaseTable(base: base, field: field, exponentBits: bits, windowBits: windowBits)
                for a in Self.exponents(bits: bits) {
                    let expected = base.powMod(a, modulus)
                    #expect(table.power(a) == expected, "w = \(windowBits), |m| = \(modulus.bitWidth), a = \(a)")
                    #expect(table.power(a, split: true) == expected, "split, w = \(windowBits), a = \(a)")
                }
            }
        }
    }

    /// a b through `he_sec_mul_n` for n-limb operands given as limbs.
    static func secureProduct(_ a: [UInt64], _ b: [UInt64]) -> BigInt {
        let n = a.count
        var product = [mp_limb_t](repeating: 0, count: 2 * n)
        var scratch = [mp_limb_t](repeating: 0, count: he_sec_mul_n_itch(n))
        let x = a.map { mp_limb_t($0) }, y = b.map { mp_limb_t($0) }
        product.withUnsafeMutableBufferPointer { p in
            scratch.withUnsafeMutableBufferPointer { he_sec_mul_n(p.baseAddress!, x, y, n, $0.baseAddress!) }
        }
        return BigInt(littleEndianWords: product.map { UInt64($0) })
    }

    @Test("the branch-free Karatsuba product equals GMP's for every split depth, sign pattern and carry")
    func karatsubaMatchesGMP() {
        // Sizes below the split threshold (32 limbs), odd sizes (never split), one, two and three levels.
        for n in [1, 2, 16, 31, 32, 33, 34, 48, 62, 64, 96, 128, 130, 192] {
            let h = n / 2
            func limbs(_ x: BigInt) -> [UInt64] { x.littleEndianWords(count: n)! }
            func random() -> [UInt64] { limbs(BigInt.randomBits(64 * n)) }
            let ones = [UInt64](repeating: .max, count: n)
            let zero = [UInt64](repeating: 0, count: n)
            // Halves equal (|a0 - a1| = 0), low half above / below the high half, and one-limb differences.
            let r = random()
            let equalHalves = Array(r[0..<h]) + Array(r[0..<h]) + (n % 2 == 1 ? [r[n - 1]] : [])
            var lowAbove = r, lowBelow = r
            if h > 0 {
                lowAbove[h - 1] = .max; lowAbove[n - 1] = 0
                lowBelow[h - 1] = 0; lowBelow[n - 1] = .max
            }
            var topOnly = zero
            topOnly[n - 1] = 1
            let operands = [ones, zero, equalHalves, lowAbove, lowBelow, topOnly, random(), random()]
            for a in operands {
                for b in operands {
                    let expected = BigInt(littleEndianWords: a) * BigInt(littleEndianWords: b)
                    let equal = Self.secureProduct(a, b) == expected
                    #expect(equal, "n = \(n)")
                }
            }
        }
    }

    @Test("a batched walk gives each exponent's power, for batch sizes from 1 to beyond the encryptor's")
    func batchedPowersMatchGMP() {
        for modulus in Self.moduli.prefix(2) {
            let field = MontgomeryModulus(modulus)
            let base = BigInt.random(below: modulus)
            let table = FixedBaseTable(base: base, field: field, exponentBits: 257)
            let patterns = Self.exponents(bits: 257)
            for k in [1, 2, 3, PaillierEncryptor.djnBatchSize, 13] {
                let exponents = (0..<k).map { $0 < patterns.count ? patterns[$0] : BigInt.randomBits(257) }
                let shuffled = Array(exponents.reversed())
                for batch in [exponents, shuffled] {
                    #expect(table.powers(batch) == batch.map { base.powMod($0, modulus) }, "k = \(k)")
                }
            }
        }
    }

    @Test("batches of encryptions decrypt correctly whatever the batch and thread split")
    func batchedEncryptionsDecrypt() throws {
        let n = Fixtures.secretKey2048.publicKey.n
        let encryptor = Fixtures.encryptor2048
        for count in [1, 2, 5, PaillierEncryptor.djnBatchSize + 1, 19] {
            let plaintexts = (0..<count).map { i in i % 3 == 0 ? n - 1 : BigInt.random(below: n) }
            for limit in [1, 2, 3] {
                let ciphertexts = try Parallelism.$threadLimit.withValue(limit) { try encryptor.encrypt(plaintexts) }
                #expect(Set(ciphertexts.map(\.value)).count == count, "fresh randomness for every ciphertext")
                for (c, m) in zip(ciphertexts, plaintexts) {
                    #expect(try Fixtures.decryptor2048.decrypt(c) == m, "count \(count), threads \(limit)")
                }
            }
        }
    }

    @Test("the encryptor's table is the DJN exponentiation at the key's full exponent length")
    func encryptorTableMatchesGMP() {
        let encryptor = Fixtures.encryptor2048
        let key = encryptor.publicKey
        let table = try! #require(encryptor.table)
        #expect(table.exponentBits == key.bits / 2)
        for a in Self.exponents(bits: key.bits / 2) {
            let expected = key.djnBase.powMod(a, key.nSquared)
            #expect(table.power(a) == expected)
            #expect(table.power(a, split: true) == expected)
            #expect(Parallelism.$threadLimit.withValue(1) { table.power(a, split: true) } == expected)
        }
    }

    @Test("a Montgomery product is exact at the edges: rho up to R - 1, a up to m - 1")
    func montgomeryEdges() {
        for modulus in Self.moduli {
            let field = MontgomeryModulus(modulus)
            let l = field.limbCount
            let r = BigInt(1) << (64 * l)
            let rInverse = try! #require(r.inverse(modulo: modulus))
            let allOnes = [UInt64](repeating: .max, count: l)
            let mLimbs = modulus.littleEndianWords(count: l)!
            let edgeRho: [[UInt64]] = [allOnes, [UInt64](repeating: 0, count: l), mLimbs,
                                       (r - 1 - modulus).littleEndianWords(count: l) ?? allOnes]
            for rho in edgeRho {
                let rhoValue = BigInt(littleEndianWords: rho)
                for a in [BigInt(0), BigInt(1), modulus - 1, BigInt.random(below: modulus)] {
                    let expected = (a * rhoValue * rInverse).modulo(modulus)
                    #expect(field.multiply(a, montgomeryLimbs: rho) == expected, "|m| = \(modulus.bitWidth)")
                }
            }
        }
    }

    @Test("Montgomery form of x is x R mod m")
    func toMontgomery() {
        for modulus in Self.moduli {
            let field = MontgomeryModulus(modulus)
            let l = field.limbCount
            for x in [BigInt(0), BigInt(1), modulus - 1, BigInt.random(below: modulus)] {
                let limbs = [mp_limb_t](unsafeUninitializedCapacity: l) { buffer, count in
                    field.toMontgomery(x, into: buffer.baseAddress!)
                    count = l
                }
                #expect(BigInt(littleEndianWords: limbs.map { UInt64($0) }) == (x << (64 * l)).modulo(modulus))
            }
        }
    }

    @Test("encryption and re-randomisation decrypt correctly at the plaintext edges, for both randomisers")
    func encryptionEdges() throws {
        let n = Fixtures.secretKey2048.publicKey.n
        for encryptor in [Fixtures.encryptor2048, Fixtures.textbook2048] {
            for m in [BigInt(0), BigInt(1), n - 1, (n - 1) >> 1, BigInt.random(below: n)] {
                let c = try encryptor.encrypt(m)
                #expect(try Fixtures.decryptor2048.decrypt(c) == m)
                let d = encryptor.rerandomize(c)
                #expect(d != c)
                #expect(try Fixtures.decryptor2048.decrypt(d) == m)
            }
        }
    }
}
