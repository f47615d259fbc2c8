/// Precomputed twiddle factors for the negacyclic NTT of degree N modulo one prime.
///
/// `forward[k]` is psi^bitrev(k) and `inverse[k]` is psi^-bitrev(k) (with Shoup quotients), where psi is
/// the minimal primitive 2N-th root of unity. The forward transform maps coefficients to the values at
/// psi^(2 * bitrev(i) + 1) in slot i.
public final class NttTables: Sendable {
    public let degree: Int
    public let modulus: Modulus
    public let root: UInt64
    let forwardOperands: [UInt64]
    let forwardQuotients: [UInt64]
    let inverseOperands: [UInt64]
    let inverseQuotients: [UInt64]
    let inverseDegree: ShoupMultiplier
    /// psi^-bitrev(1) / N, for the fused last inverse stage.
    let lastInverseTwiddle: ShoupMultiplier
    let logDegree: Int

    public static let supportedDegrees = 2...65536

    public init(degree: Int, modulus: Modulus) throws(RlweError) {
        guard degree >= 2, degree <= 65536, degree & (degree - 1) == 0 else {
            throw .invalidDegree(degree: degree, supported: NttTables.supportedDegrees)
        }
        guard Modulus.isPrime(modulus.value) else {
            throw .invalidModulus(modulus: modulus.value, reason: "not prime")
        }
        self.degree = degree
        self.modulus = modulus
        let logN = degree.trailingZeroBitCount
        logDegree = logN
        let psi = try NttPrimes.minimalPrimitiveRoot(degree: degree, modulus: modulus)
        root = psi
        let psiInv = modulus.inverse(psi)!
        var fo = [UInt64](repeating: 0, count: degree)
        var fq = [UInt64](repeating: 0, count: degree)
        var io = [UInt64](repeating: 0, count: degree)
        var iq = [UInt64](repeating: 0, count: degree)
        var power: UInt64 = 1
        var powerInv: UInt64 = 1
        for i in 0..<degree {
            let r = bitReverse(i, bits: logN)
            fo[r] = power
            fq[r] = ShoupMultiplier(power, modulus: modulus).quotient
            io[r] = powerInv
            iq[r] = ShoupMultiplier(powerInv, modulus: modulus).quotient
            power = modulus.multiply(power, psi)
            powerInv = modulus.multiply(powerInv, psiInv)
        }
        forwardOperands = fo
        forwardQuotients = fq
        inverseOperands = io
        inverseQuotients = iq
        let nInv = modulus.inverse(UInt64(degree))!
        inverseDegree = ShoupMultiplier(nInv, modulus: modulus)
        lastInverseTwiddle = ShoupMultiplier(modulus.multiply(io[1], nInv), modulus: modulus)
    }

    /// In-place forward negacyclic NTT (Cooley-Tukey, Harvey's lazy butterflies with values in [0, 4q)).
    /// Input coefficients in [0, q); output in [0, q).
    public func forward(_ a: UnsafeMutableBufferPointer<UInt64>) { transform(a, reduced: true) }

    /// The forward NTT without the final reduction: output values in [0, 4q), for consumers that reduce
    /// later anyway (the 128-bit accumulators of key switching).
    public func forwardLazy(_ a: UnsafeMutableBufferPointer<UInt64>) { transform(a, reduced: false) }

    @inline(__always)
    private func transform(_ a: UnsafeMutableBufferPointer<UInt64>, reduced: Bool) {
        precondition(a.count == degree)
        let q = modulus.value
        let twoQ = q &* 2
        guard let base = a.baseAddress else { return }
        forwardOperands.withUnsafeBufferPointer { wo in
            forwardQuotients.withUnsafeBufferPointer { wq in
                let wo = wo.baseAddress!
                let wq = wq.baseAddress!
                var t = degree  // size of the groups of the next stage
                var m = 1  // number of groups of the next stage
                // Two stages per pass over the data (radix 4) while two general stages remain: a group of t
                // words goes through its own stage with one twiddle and through the two half-groups of the next
                // stage with theirs, four words at a time, half the loads and stores of one stage at a time.
                while m < degree >> 2 {
                    let h = t >> 2
                    for i in 0..<m {
                        let w1 = wo[m + i]
                        let w1p = wq[m + i]
                        let w2 = wo[2 * m + 2 * i]
                        let w2p = wq[2 * m + 2 * i]
                        let w3 = wo[2 * m + 2 * i + 1]
                        let w3p = wq[2 * m + 2 * i + 1]
                        let x0 = base + i * t
                        let x1 = x0 + h
                        let x2 = x1 + h
                        let x3 = x2 + h
                        for j in 0..<h {
                            var a0 = x0[j]
                            a0 = reduceOnce(a0, below: twoQ)
                            var a1 = x1[j]
                            a1 = reduceOnce(a1, below: twoQ)
                            let a2 = x2[j]
                            let a3 = x3[j]
                            let t2 = shoupLazy(a2, w1, w1p, q)
                            let t3 = shoupLazy(a3, w1, w1p, q)
                            var b0 = a0 &+ t2
                            b0 = reduceOnce(b0, below: twoQ)
                            var b2 = a0 &- t2 &+ twoQ
                            b2 = reduceOnce(b2, below: twoQ)
                            let b1 = a1 &+ t3
                            let b3 = a1 &- t3 &+ twoQ
                            let u1 = shoupLazy(b1, w2, w2p, q)
                            let u3 = shoupLazy(b3, w3, w3p, q)
                            x0[j] = b0 &+ u1
                            x1[j] = b0 &- u1 &+ twoQ
                            x2[j] = b2 &+ u3
                            x3[j] = b2 &- u3 &+ twoQ
                        }
                    }
                    t >>= 2
                    m <<= 2
                }
                // One general stage left when log2 N is odd.
                if m < degree >> 1 {
                    t >>= 1
                    for i in 0..<m {
                        let w = wo[m + i]
                        let wp = wq[m + i]
                        let x = base + 2 * i * t
                        let y = x + t
                        for j in 0..<t {
                            var u = x[j]
                            u = reduceOnce(u, below: twoQ)
                            let v = y[j]
                            let tv = shoupLazy(v, w, wp, q)
                            x[j] = u &+ tv
                            y[j] = u &- tv &+ twoQ
                        }
                    }
                    m <<= 1
                }
                // Last stage (t = 1): adjacent pairs, one twiddle each, in a loop of its own without the inner
                // loop's bookkeeping.
                for i in 0..<m {
                    let w = wo[m + i]
                    let wp = wq[m + i]
                    let x = base + 2 * i
                    var u = x[0]
                    u = reduceOnce(u, below: twoQ)
                    let v = x[1]
                    let tv = shoupLazy(v, w, wp, q)
                    x[0] = u &+ tv
                    x[1] = u &- tv &+ twoQ
                }
                guard reduced else { return }
                // A loop of its own: it vectorises, which a reduction folded into the stage above does not.
                for j in 0..<degree {
                    var u = base[j]
                    u = reduceOnce(u, below: twoQ)
                    u = reduceOnce(u, below: q)
                    base[j] = u
                }
            }
        }
    }

    /// In-place inverse negacyclic NTT (Gentleman-Sande, lazy values in [0, 2q)), including the 1/N factor.
    /// Input values in [0, q) (or lazily [0, 2q)); output in [0, q).
    public func inverse(_ a: UnsafeMutableBufferPointer<UInt64>) {
        precondition(a.count == degree)
        let q = modulus.value
        let twoQ = q &* 2
        guard let base = a.baseAddress else { return }
        inverseOperands.withUnsafeBufferPointer { wo in
            inverseQuotients.withUnsafeBufferPointer { wq in
                let wo = wo.baseAddress!
                let wq = wq.baseAddress!
                // First stage (t = 1): adjacent pairs, in a loop of its own without the inner loop's bookkeeping.
                // At N = 2 the only stage is the last one below.
                var m = degree >> 1
                for i in 0..<(m >= 2 ? m : 0) {
                    let w = wo[m + i]
                    let wp = wq[m + i]
                    let x = base + 2 * i
                    let u = x[0]
                    let v = x[1]
                    var s = u &+ v
                    s = reduceOnce(s, below: twoQ)
                    x[0] = s
                    let d = u &- v &+ twoQ
                    x[1] = shoupLazy(d, w, wp, q)
                }
                var t = 2  // half-size of the groups of the next stage
                m >>= 1  // number of groups of the next stage
                // Two stages per pass (radix 4) while two general stages remain: two neighbouring groups of the
                // next stage, each with its twiddle, then their union in the stage after it with one twiddle.
                while m >= 4 {
                    for i in 0..<(m >> 1) {
                        let w0 = wo[m + 2 * i]
                        let w0p = wq[m + 2 * i]
                        let w1 = wo[m + 2 * i + 1]
                        let w1p = wq[m + 2 * i + 1]
                        let w2 = wo[(m >> 1) + i]
                        let w2p = wq[(m >> 1) + i]
                        let x0 = base + 4 * i * t
                        let x1 = x0 + t
                        let x2 = x1 + t
                        let x3 = x2 + t
                        for j in 0..<t {
                            let a0 = x0[j]
                            let a1 = x1[j]
                            let a2 = x2[j]
                            let a3 = x3[j]
                            var s0 = a0 &+ a1
                            s0 = reduceOnce(s0, below: twoQ)
                            let d0 = a0 &- a1 &+ twoQ
                            let b1 = shoupLazy(d0, w0, w0p, q)
                            var s2 = a2 &+ a3
                            s2 = reduceOnce(s2, below: twoQ)
                            let d2 = a2 &- a3 &+ twoQ
                            let b3 = shoupLazy(d2, w1, w1p, q)
                            var c0 = s0 &+ s2
                            c0 = reduceOnce(c0, below: twoQ)
                            let e2 = s0 &- s2 &+ twoQ
                            var c1 = b1 &+ b3
                            c1 = reduceOnce(c1, below: twoQ)
                            let e3 = b1 &- b3 &+ twoQ
                            x0[j] = c0
                            x1[j] = c1
                            x2[j] = shoupLazy(e2, w2, w2p, q)
                            x3[j] = shoupLazy(e3, w2, w2p, q)
                        }
                    }
                    t <<= 2
                    m >>= 2
                }
                // One general stage left when log2 N is odd.
                if m >= 2 {
                    for i in 0..<m {
                        let w = wo[m + i]
                        let wp = wq[m + i]
                        let x = base + 2 * i * t
                        let y = x + t
                        for j in 0..<t {
                            let u = x[j]
                            let v = y[j]
                            var s = u &+ v
                            s = reduceOnce(s, below: twoQ)
                            x[j] = s
                            let d = u &- v &+ twoQ
                            y[j] = shoupLazy(d, w, wp, q)
                        }
                    }
                    t <<= 1
                    m >>= 1
                }
                // Last stage fused with the 1/N factor: x' = (u + v) / N, y' = (u - v) psi^-bitrev(1) / N.
                let ni = inverseDegree
                let wn = lastInverseTwiddle
                let half = degree >> 1
                let x = base
                let y = base + half
                for j in 0..<half {
                    let u = x[j]
                    let v = y[j]
                    var a = ni.multiplyLazy(u &+ v, modulus: q)
                    a = reduceOnce(a, below: q)
                    x[j] = a
                    var b = wn.multiplyLazy(u &- v &+ twoQ, modulus: q)
                    b = reduceOnce(b, below: q)
                    y[j] = b
                }
            }
        }
    }

    public func forward(_ a: inout [UInt64]) { a.withUnsafeMutableBufferPointer { forward($0) } }
    public func inverse(_ a: inout [UInt64]) { a.withUnsafeMutableBufferPointer { inverse($0) } }
}

@inlinable
func bitReverse(_ x: Int, bits: Int) -> Int {
    guard bits > 0 else { return 0 }
    var v = UInt64(x)
    v = ((v >> 1) & 0x5555_5555_5555_5555) | ((v & 0x5555_5555_5555_5555) << 1)
    v = ((v >> 2) & 0x3333_3333_3333_3333) | ((v & 0x3333_3333_3333_3333) << 2)
    v = ((v >> 4) & 0x0F0F_0F0F_0F0F_0F0F) | ((v & 0x0F0F_0F0F_0F0F_0F0F) << 4)
    v = v.byteSwapped
    return Int(v >> UInt64(64 - bits))
}

/// x - bound when x >= bound, else x, branch-free (for x < 2 bound < 2^63): the lazy butterflies keep values below
/// 4q and bring an operand below 2q with bound 2q, or a result below q with bound q.
@inline(__always)
private func reduceOnce(_ x: UInt64, below bound: UInt64) -> UInt64 {
    x &- (bound & (0 &- ((x &- bound) >> 63 ^ 1)))
}

/// Shoup's lazy product v * w mod q in [0, 2q) for any word v, with wp = floor(w * 2^64 / q) (the operand and
/// quotient arrays of the tables; `ShoupMultiplier.multiplyLazy` is the same product for a stored pair).
@inline(__always)
private func shoupLazy(_ v: UInt64, _ w: UInt64, _ wp: UInt64, _ q: UInt64) -> UInt64 {
    v &* w &- v.multipliedFullWidth(by: wp).high &* q
}
