#if canImport(CNTLOracle)
// Compiled with the test targets only (HE_TEST_TARGETS=1, as scripts/test.sh sets it; see TestTargetsTests.swift).
import CNTLOracle
import RLWE
import Testing

/// NTL (an independent implementation: FFT-based zz_pX multiplication) multiplies the same random
/// polynomials modulo X^N + 1 and q; our RNS/NTT product must match exactly for every prime of every preset.
@Suite struct NtlOracleTests {
    @Test(arguments: BfvPreset.allCases)
    func productsMatchNtl(preset: BfvPreset) throws {
        let params = BfvParameters.preset(preset)
        let n = params.degree
        let context = params.context(limbCount: params.maxLimbCount)
        var prg = try ChaCha20Prg(seed: ChaCha20Prg.freshSeed())
        let a: RnsPoly<Coeff> = Samplers.uniform(context: context, prg: &prg)
        let b: RnsPoly<Coeff> = Samplers.uniform(context: context, prg: &prg)
        let product = (a.forwardNtt() * b.forwardNtt()).inverseNtt()
        for (i, q) in context.moduli.enumerated() {
            let x = Array(a.limb(i))
            let y = Array(b.limb(i))
            var expected = [UInt64](repeating: 0, count: n)
            let rc = cntl_negacyclic_multiply(x, y, &expected, n, q.value)
            #expect(rc == 0)
            #expect(Array(product.limb(i)) == expected, "\(preset) limb \(i) q = \(q.value)")
        }
        // Also the plaintext modulus (batching NTT).
        let t = try Modulus(params.plaintextModulus)
        let tables = try NttTables(degree: n, modulus: t)
        var rng = SystemRandomNumberGenerator()
        let x = (0..<n).map { _ in UInt64.random(in: 0..<t.value, using: &rng) }
        let y = (0..<n).map { _ in UInt64.random(in: 0..<t.value, using: &rng) }
        let p = nttProduct(x, y, tables)
        var expected = [UInt64](repeating: 0, count: n)
        #expect(cntl_negacyclic_multiply(x, y, &expected, n, t.value) == 0)
        #expect(p == expected)
    }

    /// The oracle itself against a hand-checkable case: (1 + X^(N-1)) * X = X - 1 + ... mod X^N + 1.
    @Test func oracleSanity() {
        let n = 1024
        let q: UInt64 = 12289
        var a = [UInt64](repeating: 0, count: n)
        var b = [UInt64](repeating: 0, count: n)
        a[0] = 1
        a[n - 1] = 1
        b[1] = 1
        var out = [UInt64](repeating: 0, count: n)
        #expect(cntl_negacyclic_multiply(a, b, &out, n, q) == 0)
        var expected = [UInt64](repeating: 0, count: n)
        expected[1] = 1
        expected[0] = q - 1  // X^N = -1
        #expect(out == expected)
    }
}
#endif
