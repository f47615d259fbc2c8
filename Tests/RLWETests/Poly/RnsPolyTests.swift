import RLWE
import Testing

@Suite struct RnsPolyTests {
    static let context = try! PolyContext(degree: 1024, moduli: NttPrimes.generate(bits: 50, degree: 1024, count: 3))

    func random(_ prg: inout ChaCha20Prg) -> RnsPoly<Coeff> { Samplers.uniform(context: Self.context, prg: &prg) }

    @Test func ringOperations() throws {
        var prg = try ChaCha20Prg(seed: ChaCha20Prg.freshSeed())
        let a = random(&prg)
        let b = random(&prg)
        let c = random(&prg)
        #expect((a + b) - b == a)
        #expect(a + (-a) == RnsPoly<Coeff>(zeroIn: Self.context))
        let ea = a.forwardNtt()
        let eb = b.forwardNtt()
        let ec = c.forwardNtt()
        #expect(ea * (eb + ec) == ea * eb + ea * ec)
        var s = a
        s.multiply(byScalar: 3)
        #expect(s == a + a + a)
        #expect(ea.inverseNtt() == a)
    }

    /// The fused limb-by-limb product (lazy forward NTT, pointwise Barrett product, inverse NTT) equals the
    /// separate steps, for 50-bit and 60-bit primes and for the extreme coefficient q - 1.
    @Test func fusedProductMatchesSeparateSteps() throws {
        var prg = try ChaCha20Prg(seed: ChaCha20Prg.freshSeed())
        let wide = try PolyContext(degree: 1024, moduli: NttPrimes.generate(bits: 60, degree: 1024, count: 2))
        for context in [Self.context, wide] {
            var a: RnsPoly<Coeff> = Samplers.uniform(context: context, prg: &prg)
            let b: RnsPoly<Coeff> = Samplers.uniform(context: context, prg: &prg)
            let expected = (a.forwardNtt() * b.forwardNtt()).inverseNtt()
            #expect(a.multiplied(byEvaluated: b.forwardNtt()) == expected)
            for (i, q) in context.moduli.enumerated() {
                for j in 0..<context.degree { a.data[i * context.degree + j] = q.value - 1 }
            }
            #expect(a.multiplied(byEvaluated: b.forwardNtt()) == (a.forwardNtt() * b.forwardNtt()).inverseNtt())
        }
    }

    /// X -> X^g is a ring automorphism: sigma(a b) = sigma(a) sigma(b), and sigma_g sigma_h = sigma_(g h mod 2N).
    @Test func automorphisms() throws {
        var prg = try ChaCha20Prg(seed: ChaCha20Prg.freshSeed())
        let a = random(&prg)
        let b = random(&prg)
        let twoN = 2 * Self.context.degree
        for (g, h) in [(3, 5), (2 * 1024 - 1, 3), (9, 2047)] {
            let ab = (a.forwardNtt() * b.forwardNtt()).inverseNtt()
            let lhs = ab.applyGalois(element: g)
            let rhs = (a.applyGalois(element: g).forwardNtt() * b.applyGalois(element: g).forwardNtt()).inverseNtt()
            #expect(lhs == rhs)
            #expect(a.applyGalois(element: g).applyGalois(element: h) == a.applyGalois(element: g * h % twoN))
        }
        // X^1 under X -> X^(2N-1) = X^-1 = -X^(N-1).
        var x = [Int64](repeating: 0, count: 1024)
        x[1] = 1
        let mono = RnsPoly<Coeff>(context: Self.context, signedCoefficients: x)
        var expected = [Int64](repeating: 0, count: 1024)
        expected[1023] = -1
        #expect(mono.applyGalois(element: twoN - 1) == RnsPoly<Coeff>(context: Self.context, signedCoefficients: expected))
    }

    /// Exact base conversion gives the centred representative: checked against CRT composition.
    @Test func baseConversionIsExactAndCentred() throws {
        let source = Self.context.moduli
        let target = try NttPrimes.generate(bits: 60, degree: 1024, count: 4).map { try Modulus($0) }
        let converter = BaseConverter(source: source, target: target)
        let composer = CrtComposer(moduli: source)
        var prg = try ChaCha20Prg(seed: ChaCha20Prg.freshSeed())
        var a = random(&prg)
        // Include the extremes around Q/2 and small signed values.
        let n = 1024
        for (c, v) in [Int64(0), 1, -1, 12345, -12345].enumerated() {
            for (i, q) in source.enumerated() { a.data[i * n + c] = q.reduce(signed: v) }
        }
        var out = [UInt64](repeating: 0, count: target.count * n)
        a.data.withUnsafeBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in converter.convert(degree: n, input: i, output: o) }
        }
        let q = composer.product
        let halfQ = BigWords.halved(q)
        for c in 0..<n {
            let x = composer.compose(source.indices.map { a.data[$0 * n + c] })
            let negative = BigWords.compare(x, halfQ) > 0
            let magnitude = negative ? BigWords.difference(q, x) : x
            for (j, p) in target.enumerated() {
                // magnitude mod p by Horner over the words.
                var r: UInt64 = 0
                for w in magnitude.reversed() {
                    r = p.reduce(high: r, low: w)
                }
                let expected = negative ? p.negate(r) : r
                #expect(out[j * n + c] == expected, "coefficient \(c) prime \(j)")
            }
        }
    }

    /// The allocation-free maximum of centred bit lengths (noise budget) equals composition coefficient by
    /// coefficient, including the values next to 0, Q / 2 and Q.
    @Test func maxCenteredBitLengthMatchesComposition() throws {
        let source = Self.context.moduli
        let composer = CrtComposer(moduli: source)
        let n = 1024
        let q = composer.product
        let halfQ = BigWords.halved(q)
        var prg = try ChaCha20Prg(seed: ChaCha20Prg.freshSeed())
        func maxBits(_ a: RnsPoly<Coeff>) -> Int {
            var m = 0
            for c in 0..<n {
                let x = composer.compose(source.indices.map { a.data[$0 * n + c] })
                let magnitude = BigWords.compare(x, halfQ) > 0 ? BigWords.difference(q, x) : x
                m = max(m, BigWords.bitLength(magnitude))
            }
            return m
        }
        func fast(_ a: RnsPoly<Coeff>) -> Int { a.data.withUnsafeBufferPointer { composer.maxCenteredBitLength($0, degree: n) } }
        let a = random(&prg)
        #expect(fast(a) == maxBits(a))
        // Small signed values only: the maximum is the bit length of the largest magnitude.
        for bound in [Int64(0), 1, 7, 1 << 40] {
            var values = [Int64](repeating: 0, count: n)
            values[17] = -bound
            values[300] = bound / 2
            let b = RnsPoly<Coeff>(context: Self.context, signedCoefficients: values)
            #expect(fast(b) == maxBits(b))
            #expect(fast(b) == 64 - bound.magnitude.leadingZeroBitCount)
        }
        // floor(Q / 2), the largest centred magnitude, and Q - 1, which is -1.
        var c = RnsPoly<Coeff>(zeroIn: Self.context)
        func set(_ index: Int, _ words: [UInt64]) {
            for (i, p) in source.enumerated() {
                var r: UInt64 = 0
                for w in words.reversed() { r = p.reduce(high: r, low: w) }
                c.data[i * n + index] = r
            }
        }
        set(0, halfQ)
        #expect(fast(c) == BigWords.bitLength(halfQ))
        set(0, [0])
        set(1, BigWords.difference(q, [1]))
        #expect(fast(c) == 1)
        #expect(fast(c) == maxBits(c))
    }
}

extension RnsPolyTests {
    /// Both paths of `maxCenteredBitLength` (the 128-bit candidate for Q above 2^128, exact composition
    /// otherwise and for large values) against composition, for 1 to 15 primes and magnitudes of either sign
    /// on both sides of the candidate's 2^126 limit, alone and among random small values.
    @Test(arguments: [1, 2, 3, 5, 15])
    func maxCenteredBitLengthAtEveryWidth(primes: Int) throws {
        let n = 1024
        let context = try PolyContext(degree: n, moduli: NttPrimes.generate(bits: 50, degree: n, count: primes))
        let composer = CrtComposer(moduli: context.moduli)
        let q = composer.product
        let halfQ = BigWords.halved(q)
        func fast(_ a: RnsPoly<Coeff>) -> Int { a.data.withUnsafeBufferPointer { composer.maxCenteredBitLength($0, degree: n) } }
        func oracle(_ a: RnsPoly<Coeff>) -> Int {
            (0..<n).map { c in
                let x = composer.compose(context.moduli.indices.map { a.data[$0 * n + c] })
                return BigWords.bitLength(BigWords.compare(x, halfQ) > 0 ? BigWords.difference(q, x) : x)
            }.max()!
        }
        func set(_ a: inout RnsPoly<Coeff>, _ index: Int, _ words: [UInt64]) {
            for (i, p) in context.moduli.enumerated() {
                var r: UInt64 = 0
                for w in words.reversed() { r = p.reduce(high: r, low: w) }
                a.data[i * n + index] = r
            }
        }
        var prg = try ChaCha20Prg(seed: ChaCha20Prg.freshSeed())
        let uniform: RnsPoly<Coeff> = Samplers.uniform(context: context, prg: &prg)
        #expect(fast(uniform) == oracle(uniform))
        var rng = SystemRandomNumberGenerator()
        for bits in [1, 63, 64, 65, 125, 126, 127, 128, 129, 200] where bits < BigWords.bitLength(halfQ) {
            // A value of exactly `bits` bits: top bit set, the rest random.
            var words = (0..<((bits + 63) / 64)).map { _ in UInt64.random(in: 0...UInt64.max, using: &rng) }
            let top = (bits - 1) % 64
            words[words.count - 1] = (words[words.count - 1] & ((1 << UInt64(top)) - 1)) | (1 << UInt64(top))
            for negative in [false, true] {
                let value = negative ? BigWords.difference(q, words) : words
                var alone = RnsPoly<Coeff>(zeroIn: context)
                set(&alone, 5, value)
                #expect(fast(alone) == bits, "\(bits) bits, negative \(negative), \(primes) primes")
                var mixed = RnsPoly<Coeff>(context: context, signedCoefficients: (0..<n).map { _ in Int64.random(in: -1000...1000, using: &rng) })
                set(&mixed, 700, value)
                #expect(fast(mixed) == oracle(mixed), "\(bits) bits among small values, negative \(negative), \(primes) primes")
            }
        }
        // 2^130 + 5 is 5 modulo 2^128: the candidate looks small, and only the residue check rejects it.
        if BigWords.bitLength(halfQ) > 131 {
            for negative in [false, true] {
                var trap = RnsPoly<Coeff>(zeroIn: context)
                set(&trap, 9, negative ? BigWords.difference(q, [5, 0, 4]) : [5, 0, 4])
                #expect(fast(trap) == 131, "2^130 + 5, negative \(negative), \(primes) primes")
            }
        }
    }
}
