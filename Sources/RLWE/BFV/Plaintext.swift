/// A BFV plaintext: a polynomial with coefficients in [0, t).
public struct Plaintext: Sendable, Equatable {
    public let parameters: BfvParameters
    /// N coefficients in [0, t).
    public let coefficients: [UInt64]

    public init(parameters: BfvParameters, coefficients: [UInt64]) throws(RlweError) {
        guard coefficients.count == parameters.degree else {
            throw .invalidField(name: "coefficient count", value: coefficients.count, expected: "\(parameters.degree)")
        }
        for (i, c) in coefficients.enumerated() where c >= parameters.plaintextModulus {
            throw .valueOutOfRange(index: i, value: "\(c)", range: "[0, \(parameters.plaintextModulus))")
        }
        self.parameters = parameters
        self.coefficients = coefficients
    }

    init(unchecked parameters: BfvParameters, coefficients: [UInt64]) {
        self.parameters = parameters
        self.coefficients = coefficients
    }

    public static func == (a: Plaintext, b: Plaintext) -> Bool {
        a.parameters.fingerprint == b.parameters.fingerprint && a.coefficients == b.coefficients
    }

    /// The coefficients as centred integers in (-t/2, t/2], reduced into `context`: c below t/2 stays, a larger
    /// c becomes c - t + q_i (t is below every q_i, so no reduction is needed; branch-free).
    func lifted(to context: PolyContext) -> RnsPoly<Coeff> {
        let t = parameters.plaintextModulus
        let half = t / 2
        let n = context.degree
        let moduli = context.moduli
        let data = [UInt64](unsafeUninitializedCapacity: n * moduli.count) { out, initialized in
            coefficients.withUnsafeBufferPointer { c in
                for (i, q) in moduli.enumerated() {
                    let shift = q.value &- t
                    let limb = out.baseAddress! + i * n
                    for j in 0..<n {
                        let x = c[j]
                        limb[j] = x &+ (shift & (0 &- ((half &- x) >> 63)))  // + (q_i - t) when x > t/2
                    }
                }
            }
            initialized = n * moduli.count
        }
        return RnsPoly<Coeff>(context: context, data: data)
    }

    /// round(Q m / t) = floor(Q/t) m + floor(((Q mod t) m + floor(t/2)) / t): the second term per coefficient,
    /// below t, at the level of `limbCount` primes.
    func scalingCorrection(limbCount: Int) -> [UInt64] {
        let level = parameters.level(limbCount)
        let t = parameters.plaintextModulus
        var fix = [UInt64](repeating: 0, count: parameters.degree)
        for j in 0..<parameters.degree {
            let p = level.qModT.multipliedFullWidth(by: coefficients[j])
            let (lo, o) = p.low.addingReportingOverflow(t / 2)
            fix[j] = t.dividingFullWidth((p.high &+ (o ? 1 : 0), lo)).quotient
        }
        return fix
    }

    /// round(Q_l * m / t) mod q_i for each coefficient: the scaled message added by encryption.
    func scaled(limbCount: Int) -> RnsPoly<Coeff> {
        let level = parameters.level(limbCount)
        let context = level.context
        let n = parameters.degree
        var out = RnsPoly<Coeff>(zeroIn: context)
        let fix = scalingCorrection(limbCount: limbCount)
        for (i, q) in context.moduli.enumerated() {
            let d = ShoupMultiplier(level.delta[i], modulus: q)
            for j in 0..<n {
                out.data[i * n + j] = Self.scaledResidue(coefficients[j], correction: fix[j], delta: d, modulus: q)
            }
        }
        return out
    }

    /// [floor(Q/t) m + fix]_(q_i) for one coefficient m, with delta = floor(Q/t) mod q_i and fix from
    /// ``scalingCorrection(limbCount:)``.
    @inline(__always)
    static func scaledResidue(_ m: UInt64, correction fix: UInt64, delta: ShoupMultiplier, modulus q: Modulus) -> UInt64 {
        q.add(delta.multiply(m, modulus: q), q.reduce(fix))
    }
}
