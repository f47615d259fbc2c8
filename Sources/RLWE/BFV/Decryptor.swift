/// Decrypts ciphertexts and measures their remaining noise budget.
public struct Decryptor: Sendable {
    public let parameters: BfvParameters
    private let secretKey: SecretKey

    public init(secretKey: SecretKey) {
        parameters = secretKey.parameters
        self.secretKey = secretKey
    }

    /// [c_0 + c_1 s + c_2 s^2]_(Q_l) in coefficient form. Every step is a branch-free modular operation or an
    /// NTT butterfly (``Modulus``, ``NttTables``); the loops run over indices only.
    private func phase(_ ct: Ciphertext) throws(RlweError) -> RnsPoly<Coeff> {
        guard ct.parameters.fingerprint == parameters.fingerprint else {
            throw .parameterMismatch(expected: parameters.fingerprintHex, found: ct.parameters.fingerprintHex)
        }
        // c_1 s (+ c_2 s^2) through the NTT, then c_0 added in coefficient form. A size-2 ciphertext (every
        // fresh, summed or relinearised one) takes the product limb by limb while each limb is in cache.
        var x = try secretKey.withEval(limbCount: ct.limbCount) { s in
            guard ct.size == 3 else { return ct.polys[1].multiplied(byEvaluated: s) }
            var acc = ct.polys[1].forwardNtt() * s
            var s2 = s * s
            acc.multiplyAdd(ct.polys[2].forwardNtt(), s2)
            s2.secureZero()
            return acc.inverseNtt()
        }
        x += ct.polys[0]
        return x
    }

    /// m = round(t [c_0 + c_1 s]_Q / Q) mod t.
    ///
    /// Constant time in the secret key and the noise: per coefficient the same sequence of word multiplications,
    /// branch-free reductions, exact int/double conversions of values below 2^61 and double additions of
    /// values in [0, k) (never subnormal), then rounding as truncation of fraction + 1/2 (one `cvttsd2si`, no
    /// libm call and no branch on the value). The phase x is zeroed afterwards.
    public func decrypt(_ ct: Ciphertext) throws(RlweError) -> Plaintext {
        var x = try phase(ct)
        defer { x.secureZero() }
        return Self.decode(phase: x, parameters: parameters)
    }

    /// The plaintext and the noise budget of `ct` from one computation of the phase: the same results as
    /// ``decrypt(_:)`` and ``noiseBudget(_:)``, at about the cost of one of them. The plaintext is computed
    /// first, in constant time; the budget as in ``noiseBudget(_:)``.
    public func decryptWithNoiseBudget(_ ct: Ciphertext) throws(RlweError) -> (plaintext: Plaintext, noiseBudget: Int) {
        var x = try phase(ct)
        defer { x.secureZero() }
        let plaintext = Self.decode(phase: x, parameters: parameters)
        return (plaintext, budget(phase: &x))
    }

    /// round(t x / Q) mod t for the phase x (see ``decrypt(_:)``); also the last step of multi-party decryption,
    /// whose phase is assembled from shares.
    static func decode(phase x: RnsPoly<Coeff>, parameters: BfvParameters) -> Plaintext {
        let level = parameters.level(x.limbCount)
        let moduli = level.context.moduli
        let n = parameters.degree
        let k = moduli.count
        let t = parameters.plaintextModulus
        let tm = parameters.t
        var out = [UInt64](repeating: 0, count: n)
        let inverseQ = moduli.map { 1.0 / Double($0.value) }
        // t x / Q = sum_i y_i t / q_i - t v with y_i = [x (Q/q_i)^-1]_(q_i); the integer parts are summed
        // modulo t and the fractional parts in double precision.
        x.data.withUnsafeBufferPointer { xb in
            for j in 0..<n {
                var integer: UInt64 = 0
                var fraction = 0.0
                for i in 0..<k {
                    let q = moduli[i]
                    let x = xb[i * n + j]
                    let y = level.qHatInverse[i].multiply(x, modulus: q)
                    let r = level.qHatInverseTimesT[i].multiply(x, modulus: q)  // [y t]_(q_i)
                    let quotient = (y &* t &- r) &* level.inverse64[i]  // exact: (y t - r) / q_i < t
                    integer = tm.add(integer, quotient)
                    // r < q_i < 2^61: a signed conversion is exact and a single instruction.
                    fraction += Double(Int64(bitPattern: r)) * inverseQ[i]
                }
                // fraction is in [0, k): round half away from zero = truncate fraction + 1/2.
                let rounded = UInt64(bitPattern: Int64(fraction + 0.5))
                out[j] = tm.reduce(integer &+ rounded)
            }
        }
        return Plaintext(unchecked: parameters, coefficients: out)
    }

    /// The invariant noise budget in bits: log2(Q / 2) - log2(max |[t (c_0 + c_1 s)]_Q|), floored, and 0 when
    /// the ciphertext no longer decrypts reliably. Costs a CRT composition per coefficient.
    ///
    /// Variable time: the multi-word comparison and bit length depend on the noise of each coefficient. The
    /// result is itself a function of that noise; callers use it to check a ciphertext before release, not on
    /// attacker-chosen ciphertexts in a loop (see docs/SIDE-CHANNELS.md).
    public func noiseBudget(_ ct: Ciphertext) throws(RlweError) -> Int {
        var x = try phase(ct)
        defer { x.secureZero() }
        return budget(phase: &x)
    }

    /// The budget of the phase x (see ``noiseBudget(_:)``); x is multiplied by t in place.
    private func budget(phase x: inout RnsPoly<Coeff>) -> Int {
        x.multiply(byScalar: parameters.plaintextModulus)
        let level = parameters.level(x.limbCount)
        let n = parameters.degree
        let maxBits = x.data.withUnsafeBufferPointer { level.composer.maxCenteredBitLength($0, degree: n) }
        return max(0, BigWords.bitLength(level.composer.product) - maxBits - 1)
    }
}
