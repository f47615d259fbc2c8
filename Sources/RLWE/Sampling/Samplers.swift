/// Samplers for the distributions of ring-LWE.
///
/// - uniform: each residue uniform in [0, q_i) by rejection on ceil(log2 q_i)-bit words, hence uniform
///   modulo Q by the CRT;
/// - ternary: each coefficient uniform in {-1, 0, 1} (rejection of bytes >= 255, then byte mod 3);
/// - error: centred binomial with parameter 21, e = popcount(a) - popcount(b) for two 21-bit words:
///   mean 0, variance 21/2 (sigma ≈ 3.24, the smallest centred binomial whose sigma is at least the HE
///   standard's 3.2),
///   support exactly [-21, 21], so |e| <= 21 always (6.5 sigma). Constant time in the output value.
public enum Samplers {
    public static let errorBound = 21
    public static let errorVariance = 10.5

    /// A uniformly random polynomial (in either representation: uniform is uniform).
    public static func uniform<F>(context: PolyContext, prg: inout ChaCha20Prg) -> RnsPoly<F> {
        var p = RnsPoly<F>(zeroIn: context)
        let n = context.degree
        for (i, q) in context.moduli.enumerated() {
            let mask: UInt64 = q.bitWidth == 64 ? .max : (1 << UInt64(q.bitWidth)) - 1
            var j = 0
            while j < n {
                let v = prg.next() & mask
                if v < q.value {
                    p.data[i * n + j] = v
                    j += 1
                }
            }
        }
        return p
    }

    /// N ternary coefficients in {-1, 0, 1}.
    ///
    /// A byte b < 255 gives the coefficient (b mod 3) - 1 (division by the constant 3 compiles to a multiply
    /// and shift, no branch or table); b = 255 is skipped so that the three values are equally likely. The skip
    /// is the only branch: it depends on a byte that is then discarded, which is independent of every
    /// coefficient kept, so its timing tells nothing about them. The key-stream bytes are zeroed afterwards.
    public static func ternaryCoefficients(degree: Int, prg: inout ChaCha20Prg) -> [Int64] {
        var out = [Int64](repeating: 0, count: degree)
        var j = 0
        var buffer = prg.bytes(degree + degree / 64 + 16)
        var k = 0
        while j < degree {
            if k == buffer.count {
                buffer.secureZero()
                buffer = prg.bytes(64)
                k = 0
            }
            let b = buffer[k]
            k += 1
            if b == 255 { continue }
            out[j] = Int64(b % 3) - 1
            j += 1
        }
        buffer.secureZero()
        return out
    }

    /// N centred-binomial error coefficients in [-21, 21]: two population counts of 21-bit words, computed
    /// with arithmetic only (a `popcnt` instruction or LLVM's branch-free bit-slicing expansion).
    public static func errorCoefficients(degree: Int, prg: inout ChaCha20Prg) -> [Int64] {
        var out = [Int64](repeating: 0, count: degree)
        for j in 0..<degree {
            let r = prg.next()
            let a = r & 0x1F_FFFF
            let b = (r >> 21) & 0x1F_FFFF
            out[j] = Int64(a.nonzeroBitCount) - Int64(b.nonzeroBitCount)
        }
        return out
    }

    /// Small signed coefficients as a polynomial over `context` (branch-free residue mapping). The coefficients
    /// are sampled secrets or errors, so the array passed in is zeroed once mapped (in place when the caller
    /// passed a temporary, as every caller in the library does).
    public static func poly(context: PolyContext, coefficients: consuming [Int64]) -> RnsPoly<Coeff> {
        var c = coefficients
        defer { c.secureZero() }
        return RnsPoly<Coeff>(context: context, signedCoefficients: c)
    }
}
