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
