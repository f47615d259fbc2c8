/// Homomorphic operations. Holds only public material: optional relinearisation and Galois keys.
public struct Evaluator: Sendable {
    public let parameters: BfvParameters
    public let relinearizationKey: RelinearizationKey?
    public let galoisKeys: GaloisKeys?

    public init(parameters: BfvParameters, relinearizationKey: RelinearizationKey? = nil, galoisKeys: GaloisKeys? = nil) {
        self.parameters = parameters
        self.relinearizationKey = relinearizationKey
        self.galoisKeys = galoisKeys
    }

    private func check(_ ct: Ciphertext) throws(RlweError) {
        guard ct.parameters.fingerprint == parameters.fingerprint else {
            throw .parameterMismatch(expected: parameters.fingerprintHex, found: ct.parameters.fingerprintHex)
        }
    }

    private func check(_ a: Ciphertext, _ b: Ciphertext) throws(RlweError) {
        try check(a)
        try check(b)
        guard a.limbCount == b.limbCount else {
            throw .parameterMismatch(expected: "\(a.limbCount) primes", found: "\(b.limbCount) primes")
        }
    }

    // MARK: additive

    /// a + b (same level; sizes may differ).
    public func add(_ a: Ciphertext, _ b: Ciphertext) throws(RlweError) -> Ciphertext {
        try check(a, b)
        var r = a.size >= b.size ? a : b
        let other = a.size >= b.size ? b : a
        for i in 0..<other.size { r.polys[i] += other.polys[i] }
        r.seed = nil
        return r
    }

    /// a - b.
    public func sub(_ a: Ciphertext, _ b: Ciphertext) throws(RlweError) -> Ciphertext {
        try add(a, negate(b))
    }

    /// -a.
    public func negate(_ a: Ciphertext) throws(RlweError) -> Ciphertext {
        try check(a)
        var r = a
        for i in 0..<r.size { r.polys[i].negate() }
        r.seed = nil
        return r
    }

    /// Sum of many ciphertexts at the same level.
    public func sum(_ cts: [Ciphertext]) throws(RlweError) -> Ciphertext {
        guard var acc = cts.first else { throw .invalidField(name: "ciphertext count", value: 0, expected: ">= 1") }
        try check(acc)
        acc.seed = nil
        for c in cts.dropFirst() { acc = try add(acc, c) }
        return acc
    }

    private func checkPlain(_ p: Plaintext) throws(RlweError) {
        guard p.parameters.fingerprint == parameters.fingerprint else {
            throw .parameterMismatch(expected: parameters.fingerprintHex, found: p.parameters.fingerprintHex)
        }
    }

    /// a + p.
    public func addPlain(_ a: Ciphertext, _ p: Plaintext) throws(RlweError) -> Ciphertext {
        try check(a)
        try checkPlain(p)
        var r = a
        r.polys[0] += p.scaled(limbCount: a.limbCount)
        r.seed = nil
        return r
    }

    /// a - p.
    public func subPlain(_ a: Ciphertext, _ p: Plaintext) throws(RlweError) -> Ciphertext {
        try check(a)
        try checkPlain(p)
        var r = a
        r.polys[0] -= p.scaled(limbCount: a.limbCount)
        r.seed = nil
        return r
    }

    /// a * p (p lifted to centred coefficients; noise grows by about N * t / 2).
    public func multiplyPlain(_ a: Ciphertext, _ p: Plaintext) throws(RlweError) -> Ciphertext {
        try check(a)
        try checkPlain(p)
        let m = p.lifted(to: parameters.context(limbCount: a.limbCount)).forwardNtt()
        var r = a
        for i in 0..<r.size { r.polys[i] = r.polys[i].multiplied(byEvaluated: m) }
        r.seed = nil
        return r
    }

    // MARK: multiplicative

    /// a * b without relinearisation: a size-3 ciphertext (both inputs of size 2).
    ///
    /// The tensor product is computed exactly over Q ∪ P (P > 2 t N Q), then scaled by t / Q with rounding
    /// in the P base and converted back to Q (exact base conversions with floating-point correction).
    public func multiply(_ a: Ciphertext, _ b: Ciphertext) throws(RlweError) -> Ciphertext {
        try check(a, b)
        guard a.size == 2, b.size == 2 else {
            throw .invalidCiphertextSize(size: a.size == 2 ? b.size : a.size, expected: "2")
        }
        let level = parameters.level(a.limbCount)
        let ext = level.extended
        let x = [a.polys[0], a.polys[1], b.polys[0], b.polys[1]].map { extend($0, level: level).forwardNtt() }
        let d0 = x[0] * x[2]
        var d1 = x[0] * x[3]
        d1.multiplyAdd(x[1], x[2])
        let d2 = x[1] * x[3]
        precondition(d0.context == ext)
        let out = [d0, d1, d2].map { scaleDown($0.inverseNtt(), level: level) }
        return Ciphertext(parameters: parameters, polys: out)
    }

    /// a * b followed by relinearisation.
    public func multiplyRelinearize(_ a: Ciphertext, _ b: Ciphertext) throws(RlweError) -> Ciphertext {
        try relinearize(multiply(a, b))
    }

    /// Size-3 ciphertext back to size 2 with the relinearisation key.
    public func relinearize(_ a: Ciphertext) throws(RlweError) -> Ciphertext {
        try check(a)
        guard let rk = relinearizationKey else {
            throw .invalidField(name: "relinearization key", value: 0, expected: "an Evaluator built with one")
        }
        guard rk.parameters.fingerprint == parameters.fingerprint else {
            throw .parameterMismatch(expected: parameters.fingerprintHex, found: rk.parameters.fingerprintHex)
        }
        guard a.size == 3 else { throw .invalidCiphertextSize(size: a.size, expected: "3") }
        let (k0, k1) = keySwitch(a.polys[2], key: rk.key)
        var c0 = a.polys[0]
        var c1 = a.polys[1]
        c0 += k0
        c1 += k1
        return Ciphertext(parameters: parameters, polys: [c0, c1])
    }

    /// The Galois element for a left rotation of both rows by `steps` (negative: right).
    public static func galoisElement(rotationSteps steps: Int, degree: Int) -> Int {
        let half = degree / 2
        let twoN = 2 * degree
        var e = ((steps % half) + half) % half
        var g = 1
        var base = 3
        while e > 0 {
            if e & 1 == 1 { g = g * base % twoN }
            base = base * base % twoN
            e >>= 1
        }
        return g
    }

    /// Rotates both rows of the 2 x N/2 slot matrix left by `steps` (negative: right). Uses the key for the
    /// exact element if present, else composes power-of-two rotations.
    public func rotateRows(_ a: Ciphertext, by steps: Int) throws(RlweError) -> Ciphertext {
        try check(a)
        let half = parameters.degree / 2
        let e = ((steps % half) + half) % half
        if e == 0 { return a }
        let g = Self.galoisElement(rotationSteps: e, degree: parameters.degree)
        if galoisKeys?.keys[g] != nil { return try applyGalois(a, element: g) }
        var r = a
        var bit = 1
        var remaining = e
        while remaining > 0 {
            if remaining & 1 == 1 {
                r = try applyGalois(r, element: Self.galoisElement(rotationSteps: bit, degree: parameters.degree))
            }
            remaining >>= 1
            bit <<= 1
        }
        return r
    }

    /// Swaps the two rows of the slot matrix.
    public func rotateColumns(_ a: Ciphertext) throws(RlweError) -> Ciphertext {
        try applyGalois(a, element: 2 * parameters.degree - 1)
    }

    /// Applies X -> X^g and switches the key back to s.
    public func applyGalois(_ a: Ciphertext, element g: Int) throws(RlweError) -> Ciphertext {
        try check(a)
        guard a.size == 2 else { throw .invalidCiphertextSize(size: a.size, expected: "2") }
        guard let gk = galoisKeys else { throw .missingGaloisKey(element: g) }
        guard gk.parameters.fingerprint == parameters.fingerprint else {
            throw .parameterMismatch(expected: parameters.fingerprintHex, found: gk.parameters.fingerprintHex)
        }
        guard let key = gk.keys[g] else { throw .missingGaloisKey(element: g) }
        var c0 = a.polys[0].applyGalois(element: g)
        let c1 = a.polys[1].applyGalois(element: g)
        let (k0, k1) = keySwitch(c1, key: key)
        c0 += k0
        return Ciphertext(parameters: parameters, polys: [c0, k1])
    }

    // MARK: modulus switching

    /// Drops the last coefficient prime: c -> round(c * Q' / Q). The noise budget shrinks by about the
    /// dropped prime's size, down to the rounding floor; the message is unchanged.
    public func modSwitchToNext(_ a: Ciphertext) throws(RlweError) -> Ciphertext {
        try check(a)
        let l = a.limbCount
        guard l > 1 else { throw .levelTooLow(limbCount: l, needed: 2) }
        let level = parameters.level(l)
        let next = parameters.context(limbCount: l - 1)
        let polys = a.polys.map { p in
            Self.divideByLastRounded(p, into: next, lastInverse: level.lastInverse)
        }
        return Ciphertext(parameters: parameters, polys: polys)
    }

    /// Drops primes until `limbCount` remain.
    public func modSwitch(_ a: Ciphertext, toLimbCount target: Int) throws(RlweError) -> Ciphertext {
        guard target >= 1, target <= a.limbCount else {
            throw .invalidField(name: "target prime count", value: target, expected: "1...\(a.limbCount)")
        }
        var r = a
        while r.limbCount > target { r = try modSwitchToNext(r) }
        return r
    }

    /// Drops all primes but the first: the smallest ciphertext, for transport of site files.
    public func modSwitchToSmallest(_ a: Ciphertext) throws(RlweError) -> Ciphertext {
        try modSwitch(a, toLimbCount: 1)
    }

    // MARK: internals

    /// round(x / r) over the first primes of x's context, where r is x's last prime: for each remaining q_j,
    /// (x_j - [x]_r) r^-1 mod q_j with [x]_r the centred remainder. `into` is x's context without its last
    /// prime; `lastInverse[j]` = r^-1 mod q_j. Exact rounding of the integer x / r, branch-free per coefficient.
    /// Works in x's own buffer when x is not shared (each output word depends only on the same word of limb j
    /// and of the last limb, which is read but never written).
    static func divideByLastRounded(
        _ x: consuming RnsPoly<Coeff>, into next: PolyContext, lastInverse: [ShoupMultiplier]
    ) -> RnsPoly<Coeff> {
        let n = x.degree
        let l = x.limbCount
        let last = x.context.moduli[l - 1]
        let half = last.value / 2
        var data = RnsPoly.takeData(x)
        data.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            let r = base + (l - 1) * n
            for (j, q) in next.moduli.enumerated() {
                let lastModQ = q.reduce(last.value)
                let inv = lastInverse[j]
                let d = base + j * n
                // Residues of the last prime are already reduced modulo a larger q_j (the special prime of the
                // presets is their smallest prime); the test is loop-invariant.
                let residuesReduced = last.value <= q.value
                for c in 0..<n {
                    // centred remainder: r, or r - q_last when r > q_last / 2
                    let rc = r[c]
                    var rq = residuesReduced ? rc : q.reduce(rc)
                    let mask = 0 &- ((half &- rc) >> 63)
                    rq = q.subtract(rq, lastModQ & mask)
                    d[c] = inv.multiply(q.subtract(d[c], rq), modulus: q)
                }
            }
        }
        data.removeLast(n)
        return RnsPoly<Coeff>(context: next, data: data)
    }

    /// Centred lift of a Q_l polynomial to Q_l ∪ P.
    func extend(_ p: RnsPoly<Coeff>, level: LevelConstants) -> RnsPoly<Coeff> {
        let n = parameters.degree
        let k = level.context.limbCount
        var out = RnsPoly<Coeff>(zeroIn: level.extended)
        out.data.replaceSubrange(0..<(k * n), with: p.data)
        out.data.withUnsafeMutableBufferPointer { o in
            p.data.withUnsafeBufferPointer { i in
                level.toAux.convert(
                    degree: n, input: i, output: UnsafeMutableBufferPointer(rebasing: o[(k * n)...]))
            }
        }
        return out
    }

    /// round(t x / Q_l) for x over Q_l ∪ P, returned over Q_l.
    func scaleDown(_ x: RnsPoly<Coeff>, level: LevelConstants) -> RnsPoly<Coeff> {
        let n = parameters.degree
        let k = level.context.limbCount
        var z = x
        z.multiply(byScalar: parameters.plaintextModulus)
        let aux = level.auxContext.moduli
        var rP = [UInt64](repeating: 0, count: aux.count * n)
        z.data.withUnsafeBufferPointer { zb in
            rP.withUnsafeMutableBufferPointer { rb in level.toAux.convert(degree: n, input: zb, output: rb) }
        }
        // y = (z - r) / Q in the P base.
        var yP = [UInt64](repeating: 0, count: aux.count * n)
        for (j, p) in aux.enumerated() {
            let inv = level.qInverseModAux[j]
            for c in 0..<n {
                let zi = z.data[(k + j) * n + c]
                yP[j * n + c] = inv.multiply(p.subtract(zi, rP[j * n + c]), modulus: p)
            }
        }
        var out = RnsPoly<Coeff>(zeroIn: level.context)
        yP.withUnsafeBufferPointer { yb in
            out.data.withUnsafeMutableBufferPointer { ob in level.fromAux.convert(degree: n, input: yb, output: ob) }
        }
        return out
    }

    /// Key switching by RNS digits: for c over Q_l, the pair (sum_i [c]_(q_i) b_i, sum_i [c]_(q_i) a_i), over
    /// Q_l directly without a special prime, or over Q_l ∪ {P} and then divided by P with rounding (hybrid
    /// key switching: the digit noise sum_i [c]_(q_i) e_i shrinks by the factor P).
    ///
    /// Prime by prime: for each target prime, every digit [c]_(q_i) is reduced modulo it and transformed into
    /// one N-word scratch limb, and its products with the key limbs are accumulated in 128 bits in four
    /// N-word accumulators that stay in cache; one reduction per coefficient at the end.
    func keySwitch(_ c: RnsPoly<Coeff>, key: KeySwitchKey) -> (RnsPoly<Coeff>, RnsPoly<Coeff>) {
        let l = c.limbCount
        let level = parameters.level(l)
        let context = level.keySwitchContext ?? c.context
        // Limb j < l of the key is its residue mod q_j; the special prime is the key's last limb (index k).
        let keyLimb = (0..<context.limbCount).map { $0 < l ? $0 : parameters.maxLimbCount }
        let n = parameters.degree
        // Digits in [0, 4q) (the forward NTT without its final reduction) times key residues below q: each
        // product is below 4 q^2, so the 128-bit sums hold 64 of them for primes below 2^60, 16 below 2^61.
        let lazyDigits = context.moduli.allSatisfy { $0.value < 1 << 60 } || l <= 16
        var acc0 = RnsPoly<Eval>(zeroIn: context)
        var acc1 = RnsPoly<Eval>(zeroIn: context)
        var scratch = [UInt64](repeating: 0, count: n)
        var sums = [UInt64](repeating: 0, count: 4 * n)
        c.data.withUnsafeBufferPointer { src in
            acc0.data.withUnsafeMutableBufferPointer { out0 in
                acc1.data.withUnsafeMutableBufferPointer { out1 in
                    scratch.withUnsafeMutableBufferPointer { digit in
                        sums.withUnsafeMutableBufferPointer { sb in
                            let d = digit.baseAddress!
                            let lo0 = sb.baseAddress!
                            let hi0 = lo0 + n
                            let lo1 = hi0 + n
                            let hi1 = lo1 + n
                            for j in 0..<context.limbCount {
                                let q = context.moduli[j]
                                let table = context.tables[j]
                                let kj = keyLimb[j]
                                for x in 0..<(4 * n) { lo0[x] = 0 }
                                for i in 0..<l {
                                    let s = src.baseAddress! + i &* n
                                    if q.value >= c.context.moduli[i].value {
                                        for x in 0..<n { d[x] = s[x] }
                                    } else {
                                        for x in 0..<n { d[x] = q.reduce(s[x]) }
                                    }
                                    if lazyDigits { table.forwardLazy(digit) } else { table.forward(digit) }
                                    key.b[i].data.withUnsafeBufferPointer { bp in
                                        key.a[i].data.withUnsafeBufferPointer { ap in
                                            let b = bp.baseAddress! + kj &* n
                                            let a = ap.baseAddress! + kj &* n
                                            for x in 0..<n {
                                                let v = d[x]
                                                let p0 = v.multipliedFullWidth(by: b[x])
                                                let (s0, o0) = lo0[x].addingReportingOverflow(p0.low)
                                                lo0[x] = s0
                                                hi0[x] = hi0[x] &+ p0.high &+ (o0 ? 1 : 0)
                                                let p1 = v.multipliedFullWidth(by: a[x])
                                                let (s1, o1) = lo1[x].addingReportingOverflow(p1.low)
                                                lo1[x] = s1
                                                hi1[x] = hi1[x] &+ p1.high &+ (o1 ? 1 : 0)
                                            }
                                        }
                                    }
                                }
                                let r0 = out0.baseAddress! + j &* n
                                let r1 = out1.baseAddress! + j &* n
                                for x in 0..<n {
                                    r0[x] = q.reduce(high: hi0[x], low: lo0[x])
                                    r1[x] = q.reduce(high: hi1[x], low: lo1[x])
                                }
                            }
                        }
                    }
                }
            }
        }
        let k0 = acc0.inverseNtt()
        let k1 = acc1.inverseNtt()
        guard level.keySwitchContext != nil else { return (k0, k1) }
        return (
            Self.divideByLastRounded(k0, into: c.context, lastInverse: level.specialInverse),
            Self.divideByLastRounded(k1, into: c.context, lastInverse: level.specialInverse)
        )
    }
}
