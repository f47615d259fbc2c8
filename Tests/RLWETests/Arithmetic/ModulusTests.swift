import RLWE
import Testing

@Suite struct ModulusTests {
    static let moduli: [UInt64] = [2, 3, 65537, 1_073_479_681, (1 << 55) - 55, 0x1FFF_FFFF_FFFF_FFFF - 0x10, (1 << 61) - 1]

    @Test(arguments: moduli)
    func reductionMatchesDivision(q: UInt64) throws {
        let m = try Modulus(q)
        var rng = SystemRandomNumberGenerator()
        let edges: [UInt64] = [0, 1, q - 1, q, q + 1, 2 * q - 1, UInt64.max, UInt64.max - 1]
        for x in edges { #expect(m.reduce(x) == x % q) }
        for _ in 0..<20000 {
            let hi = UInt64.random(in: 0...UInt64.max, using: &rng)
            let lo = UInt64.random(in: 0...UInt64.max, using: &rng)
            #expect(m.reduce(high: hi % q, low: lo) == q.dividingFullWidth((hi % q, lo)).remainder)
            // any 128-bit value
            #expect(m.reduce(high: hi, low: lo) == q.dividingFullWidth((hi % q, lo)).remainder)
            let a = lo % q
            let b = hi % q
            let p = a.multipliedFullWidth(by: b)
            let expected = q.dividingFullWidth((p.high, p.low)).remainder
            #expect(m.multiply(a, b) == expected)
            let s = ShoupMultiplier(b, modulus: m)
            #expect(s.multiply(a, modulus: m) == expected)
            #expect(s.multiply(lo, modulus: m) == m.multiply(lo % q, b))
            #expect(m.add(a, b) == UInt64((UInt128(a) + UInt128(b)) % UInt128(q)))
            #expect(m.subtract(a, b) == (a >= b ? a - b : q - b + a))
            #expect(m.add(m.negate(a), a) == 0)
        }
    }

    @Test func invalidModuliAreRefused() {
        #expect(throws: RlweError.self) { try Modulus(0) }
        #expect(throws: RlweError.self) { try Modulus(1) }
        #expect(throws: RlweError.self) { try Modulus(1 << 61) }
    }

    @Test func signedReductionAndInverse() throws {
        let m = try Modulus(65537)
        #expect(m.reduce(signed: -1) == 65536)
        #expect(m.reduce(signed: -65537) == 0)
        #expect(m.reduce(signed: 70000) == 70000 - 65537)
        // Small values (sampled coefficients): the masked form agrees with the general one, at both ends.
        for q in [m, try Modulus(2_305_843_009_213_693_951)] {
            for x in Array(-21...21) + [Int64(q.value) - 1, 1 - Int64(q.value)] {
                #expect(q.reduce(small: x) == q.reduce(signed: x), "x = \(x), q = \(q.value)")
            }
        }
        for a: UInt64 in [1, 2, 3, 65536, 12345] { #expect(m.multiply(a, m.inverse(a)!) == 1) }
        #expect(m.inverse(0) == nil)
    }

    @Test func primality() {
        let primes: [UInt64] = [2, 3, 5, 65537, 1_073_479_681, 2_305_843_009_213_693_951]
        let composites: [UInt64] = [0, 1, 4, 561, 3_215_031_751, 1_073_479_681 * 3, 3_825_123_056_546_413_051]
        for p in primes { #expect(Modulus.isPrime(p)) }
        for c in composites { #expect(!Modulus.isPrime(c)) }
    }
}
