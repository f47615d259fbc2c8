/// Exact conversion of RNS residues from a base {q_i} (product Q) to another base {p_j}.
///
/// For x given modulo each q_i, y_i = [x * (Q/q_i)^-1]_(q_i) and x = sum_i y_i * (Q/q_i) - v * Q with
/// v = round(sum_i y_i / q_i) computed in double precision (the "HPS" correction), which yields the
/// centred representative of x in [-Q/2, Q/2) modulo every p_j. The floating-point sum is exact to about
/// k * 2^-52, so the result is wrong only when x lies within that distance of ±Q/2.
public final class BaseConverter: Sendable {
    public let source: [Modulus]
    public let target: [Modulus]
    let qHatInverse: [ShoupMultiplier]  // (Q/q_i)^-1 mod q_i
    let qHatModP: [[UInt64]]  // [j][i] = (Q/q_i) mod p_j
    let qModP: [UInt64]  // Q mod p_j
    let inverseSource: [Double]  // 1 / q_i

    public init(source: [Modulus], target: [Modulus]) {
        self.source = source
        self.target = target
        qHatInverse = CrtComposer.puncturedProductInverses(source)
        qHatModP = target.map { p in
            source.indices.map { i in
                var prod: UInt64 = 1
                for (k, r) in source.enumerated() where k != i { prod = p.multiply(prod, p.reduce(r.value)) }
                return prod
            }
        }
        qModP = target.map { p in source.reduce(UInt64(1)) { p.multiply($0, p.reduce($1.value)) } }
        inverseSource = source.map { 1.0 / Double($0.value) }
        precondition(source.count <= 60, "128-bit accumulation needs at most 60 source primes")
    }

    /// Converts `input` (limbs over the source base, N words each) into `output` (limbs over the target base).
    ///
    /// Two passes: first y_i and v for every coefficient, then, target prime by target prime, the sums
    /// sum_i y_i (Q/q_i) mod p_j with the row constants held in registers.
    public func convert(
        degree n: Int, input: UnsafeBufferPointer<UInt64>, output: UnsafeMutableBufferPointer<UInt64>
    ) {
        let k = source.count
        let kp = target.count
        precondition(input.count >= k * n && output.count >= kp * n)
        var y = [UInt64](repeating: 0, count: k * n)
        var v = [UInt8](repeating: 0, count: n)
        var fractions = [Double](repeating: 0, count: n)
        let src = input.baseAddress!
        let dst = output.baseAddress!
        y.withUnsafeMutableBufferPointer { yb in
            let ybase = yb.baseAddress!
            v.withUnsafeMutableBufferPointer { vb in
                fractions.withUnsafeMutableBufferPointer { fb in
                    let yp = yb.baseAddress!
                    let f = fb.baseAddress!
                    for i in 0..<k {
                        let q = source[i]
                        let h = qHatInverse[i]
                        let inv = inverseSource[i]
                        let s = src + i &* n
                        let d = yp + i &* n
                        for c in 0..<n {
                            let yi = h.multiply(s[c], modulus: q)
                            d[c] = yi
                            f[c] += Double(yi) * inv
                        }
                    }
                    for c in 0..<n { vb[c] = UInt8(truncatingIfNeeded: Int(f[c].rounded(.toNearestOrEven))) }
                }
                for j in 0..<kp {
                    let p = target[j]
                    let row = qHatModP[j]
                    // v Q mod p_j for v = 0 ... k.
                    let vq = (0...k).map { p.multiply(UInt64($0), qModP[j]) }
                    let out = dst + j &* n
                    row.withUnsafeBufferPointer { rb in
                        vq.withUnsafeBufferPointer { vqb in
                            for c in 0..<n {
                                // y_i < 2^61 and (Q/q_i) mod p_j < 2^61: up to 60 products fit 128 bits.
                                var hi: UInt64 = 0
                                var lo: UInt64 = 0
                                var yi = ybase + c
                                for i in 0..<k {
                                    let prod = yi.pointee.multipliedFullWidth(by: rb[i])
                                    let (s, o) = lo.addingReportingOverflow(prod.low)
                                    lo = s
                                    hi = hi &+ prod.high &+ (o ? 1 : 0)
                                    yi += n
                                }
                                let sum = p.reduce(high: hi, low: lo)
                                out[c] = p.subtract(sum, vqb[Int(vb[c])])
                            }
                        }
                    }
                }
            }
        }
    }
}
