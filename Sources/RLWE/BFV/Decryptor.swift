/// Decrypts ciphertexts and measures their remaining noise budget.
public struct Decryptor: Sendable {
    public let parameters: BfvParameters
    private let secretKey: SecretKey

    public init(secretKey: SecretKey) {
        parameters = secretKey.parameters
        self.secretKey = secretKey
    }

    /// [c_0 + c_1 s + c_2 s^2]_(Q_l) in coefficient form.
    private func phase(_ ct: Ciphertext) throws(RlweError) -> RnsPoly<Coeff> {
        guard ct.parameters.fingerprint == parameters.fingerprint else {
            throw .parameterMismatch(expected: parameters.fingerprintHex, found: ct.parameters.fingerprintHex)
        }
        let l = ct.limbCount
        let s = secretKey.eval(limbCount: l)
        // c_1 s (+ c_2 s^2) in evaluation form, then c_0 added in coefficient form.
        var acc = ct.polys[1].forwardNtt() * s
        if ct.size == 3 { acc.multiplyAdd(ct.polys[2].forwardNtt(), s * s) }
        var x = acc.inverseNtt()
        x += ct.polys[0]
        return x
    }

    /// m = round(t [c_0 + c_1 s]_Q / Q) mod t.
    public func decrypt(_ ct: Ciphertext) throws(RlweError) -> Plaintext {
        let x = try phase(ct)
        let level = parameters.level(ct.limbCount)
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
                    fraction += Double(r) * inverseQ[i]
                }
                let rounded = UInt64(fraction.rounded(.toNearestOrAwayFromZero))
                out[j] = tm.reduce(integer &+ rounded)
            }
        }
        return Plaintext(unchecked: parameters, coefficients: out)
    }

    /// The invariant noise budget in bits: log2(Q / 2) - log2(max |[t (c_0 + c_1 s)]_Q|), floored, and 0 when
    /// the ciphertext no longer decrypts reliably. Costs a CRT composition per coefficient.
    public func noiseBudget(_ ct: Ciphertext) throws(RlweError) -> Int {
        var x = try phase(ct)
        x.multiply(byScalar: parameters.plaintextModulus)
        let level = parameters.level(ct.limbCount)
        let n = parameters.degree
        let maxBits = x.data.withUnsafeBufferPointer { level.composer.maxCenteredBitLength($0, degree: n) }
        return max(0, BigWords.bitLength(level.composer.product) - maxBits - 1)
    }
}
