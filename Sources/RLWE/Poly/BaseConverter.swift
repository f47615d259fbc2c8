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
        var inv: [ShoupMultiplier] = []
        for (i, q) in source.enumerated() {
            var prod: UInt64 = 1
            for (k, r) in source.enumerated() where k != i { prod = q.multiply(prod, q.reduce(r.value)) }
            inv.append(ShoupMultiplier(q.inverse(prod)!, modulus: q))
        }
        qHatInverse = inv
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
    public func convert(
        degree n: Int, input: UnsafeBufferPointer<UInt64>, output: UnsafeMutableBufferPointer<UInt64>
    ) {
        let k = source.count
        let kp = target.count
        precondition(input.count >= k * n && output.count >= kp * n)
        // Flattened constants: qHatModP row-major [j * k + i].
        let flat = qHatModP.flatMap { $0 }
        var y = [UInt64](repeating: 0, count: k)
        let src = input.baseAddress!
        let dst = output.baseAddress!
        source.withUnsafeBufferPointer { sq in
        target.withUnsafeBufferPointer { tp in
        qHatInverse.withUnsafeBufferPointer { hinv in
        inverseSource.withUnsafeBufferPointer { invq in
        qModP.withUnsafeBufferPointer { qp in
        flat.withUnsafeBufferPointer { fb in
        y.withUnsafeMutableBufferPointer { yb in
            let yp = yb.baseAddress!
            let f = fb.baseAddress!
            for c in 0..<n {
                var frac = 0.0
                for i in 0..<k {
                    let q = sq[i]
                    let yi = hinv[i].multiply(src[i &* n &+ c], modulus: q)
                    yp[i] = yi
                    frac += Double(yi) * invq[i]
                }
                let v = UInt64(frac.rounded(.toNearestOrEven))
                for j in 0..<kp {
                    let p = tp[j]
                    let row = f + j &* k
                    // y_i < 2^61 and (Q/q_i) mod p_j < 2^61: up to 16 products fit 128 bits.
                    var hi: UInt64 = 0
                    var lo: UInt64 = 0
                    for i in 0..<k {
                        let prod = yp[i].multipliedFullWidth(by: row[i])
                        let (s, o) = lo.addingReportingOverflow(prod.low)
                        lo = s
                        hi = hi &+ prod.high &+ (o ? 1 : 0)
                    }
                    let sum = p.reduce(high: hi, low: lo)
                    dst[j &* n &+ c] = p.subtract(sum, p.multiply(v, qp[j]))
                }
            }
        }}}}}}}
    }
}
