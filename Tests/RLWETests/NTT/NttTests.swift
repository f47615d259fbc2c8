import RLWE
import Testing

/// Every (N, prime) pair the presets use, plus the auxiliary multiplication primes and t.
func presetPrimeCases() -> [(Int, UInt64)] {
    var cases: [(Int, UInt64)] = []
    for p in BfvPreset.allCases {
        let params = BfvParameters.preset(p)
        for q in params.coefficientModuli + [params.plaintextModulus] { cases.append((p.degree, q)) }
    }
    return cases
}

func randomPoly(_ n: Int, _ q: UInt64, using rng: inout some RandomNumberGenerator) -> [UInt64] {
    (0..<n).map { _ in UInt64.random(in: 0..<q, using: &rng) }
}

/// a * b mod (X^N + 1, q) through the NTT tables under test.
func nttProduct(_ a: [UInt64], _ b: [UInt64], _ tables: NttTables) -> [UInt64] {
    let m = tables.modulus
    var fa = a
    var fb = b
    tables.forward(&fa)
    tables.forward(&fb)
    var prod = zip(fa, fb).map { m.multiply($0, $1) }
    tables.inverse(&prod)
    return prod
}

/// Schoolbook negacyclic product, O(N^2).
func schoolbook(_ a: [UInt64], _ b: [UInt64], _ m: Modulus) -> [UInt64] {
    let n = a.count
    var out = [UInt64](repeating: 0, count: n)
    for i in 0..<n where a[i] != 0 {
        for j in 0..<n {
            let p = m.multiply(a[i], b[j])
            let k = i + j
            if k < n { out[k] = m.add(out[k], p) } else { out[k - n] = m.subtract(out[k - n], p) }
        }
    }
    return out
}

@Suite struct NttTests {
    @Test func primesAreNttFriendly() throws {
        for n in [1024, 2048, 4096, 8192, 16384, 32768] {
            let primes = try NttPrimes.generate(bits: 54, degree: n, count: 3)
            #expect(Set(primes).count == 3)
            for q in primes {
                #expect(Modulus.isPrime(q))
                #expect(q % UInt64(2 * n) == 1)
                #expect(q < 1 << 54 && q >= 1 << 53)
                let m = try Modulus(q)
                let root = try NttPrimes.minimalPrimitiveRoot(degree: n, modulus: m)
                #expect(m.power(root, UInt64(n)) == q - 1)  // order exactly 2N
            }
        }
        #expect(throws: RlweError.self) { try NttPrimes.generate(bits: 14, degree: 8192, count: 1) }
    }

    @Test func roundTripEveryDegree() throws {
        var rng = SystemRandomNumberGenerator()
        for n in [1024, 2048, 4096, 8192, 16384, 32768] {
            for q in try NttPrimes.generate(bits: 60, degree: n, count: 1) + [try NttPrimes.generate(bits: 30, degree: n, count: 1)[0]] {
                let tables = try NttTables(degree: n, modulus: Modulus(q))
                let a = randomPoly(n, q, using: &rng)
                var b = a
                tables.forward(&b)
                #expect(b != a)
                #expect(b.allSatisfy { $0 < q })
                // The lazy forward transform: the same values modulo q, each below 4q.
                var lazy = a
                lazy.withUnsafeMutableBufferPointer { tables.forwardLazy($0) }
                #expect(lazy.allSatisfy { $0 < 4 * q })
                #expect(lazy.map { $0 % q } == b)
                tables.inverse(&b)
                #expect(b == a)
            }
        }
    }

    /// Every degree from 2 to 512 (odd and even numbers of stages, so both the two-stages-per-pass loops and the
    /// single stage left over): dense products equal schoolbook, the round trip is exact, the lazy forward output
    /// stays below 4q, and the inverse accepts lazy inputs in [0, 2q) (values q apart give the same result).
    @Test func smallDegreesMatchSchoolbook() throws {
        var rng = SystemRandomNumberGenerator()
        for logN in 1...9 {
            let n = 1 << logN
            for bits in [61, 50, 20] {
                let q = try NttPrimes.generate(bits: bits, degree: n, count: 1)[0]
                let m = try Modulus(q)
                let tables = try NttTables(degree: n, modulus: m)
                var a = randomPoly(n, q, using: &rng)
                a[0] = q - 1
                a[n - 1] = q - 1
                let b = randomPoly(n, q, using: &rng)
                #expect(nttProduct(a, b, tables) == schoolbook(a, b, m), "N=\(n) q=\(q)")
                var lazy = [UInt64](repeating: q - 1, count: n)
                lazy.withUnsafeMutableBufferPointer { tables.forwardLazy($0) }
                #expect(lazy.allSatisfy { $0 < 4 * q }, "N=\(n) q=\(q)")
                var f = a
                tables.forward(&f)
                var shifted = f.enumerated().map { $0.offset % 2 == 0 ? $0.element + q : $0.element }
                tables.inverse(&shifted)
                tables.inverse(&f)
                #expect(f == a, "N=\(n) q=\(q)")
                #expect(shifted == a, "N=\(n) q=\(q)")
            }
        }
    }

    /// NTT product = schoolbook product for every N and prime the presets use (schoolbook is O(N^2), so the
    /// operands are sparse in one factor for large N: 64 non-zero coefficients at random positions, which
    /// still exercises every wrap-around and twiddle).
    @Test func productMatchesSchoolbookForPresetPrimes() throws {
        var rng = SystemRandomNumberGenerator()
        for (n, q) in presetPrimeCases() {
            let m = try Modulus(q)
            let tables = try NttTables(degree: n, modulus: m)
            var a = [UInt64](repeating: 0, count: n)
            for _ in 0..<(n <= 1024 ? n : 64) { a[Int.random(in: 0..<n, using: &rng)] = UInt64.random(in: 0..<q, using: &rng) }
            a[n - 1] = q - 1  // force wrap-around terms
            let b = randomPoly(n, q, using: &rng)
            #expect(nttProduct(a, b, tables) == schoolbook(a, b, m), "N=\(n) q=\(q)")
        }
    }

    @Test func fullSchoolbookSmallDegree() throws {
        var rng = SystemRandomNumberGenerator()
        let n = 1024
        for q in try NttPrimes.generate(bits: 61, degree: n, count: 2) + NttPrimes.generate(bits: 20, degree: n, count: 1) {
            let m = try Modulus(q)
            let tables = try NttTables(degree: n, modulus: m)
            let a = randomPoly(n, q, using: &rng)
            let b = randomPoly(n, q, using: &rng)
            #expect(nttProduct(a, b, tables) == schoolbook(a, b, m))
        }
    }
}
