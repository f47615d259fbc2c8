/// The secret key: a ternary polynomial s.
public struct SecretKey: Sendable {
    public let parameters: BfvParameters
    let coefficients: [Int64]
    let eval: RnsPoly<Eval>

    init(parameters: BfvParameters, coefficients: [Int64]) {
        self.parameters = parameters
        self.coefficients = coefficients
        let top = parameters.context(limbCount: parameters.maxLimbCount)
        eval = RnsPoly<Coeff>(context: top, signedCoefficients: coefficients).forwardNtt()
    }

    func eval(limbCount: Int) -> RnsPoly<Eval> { eval.prefix(limbCount) }
}

/// The public key (p_0, p_1) = (-(a s + e), a), with a expanded from `seed`.
public struct PublicKey: Sendable {
    public let parameters: BfvParameters
    let p0: RnsPoly<Eval>
    let p1: RnsPoly<Eval>
    let seed: [UInt8]
}

/// A key-switching key from s' to s: for each prime q_i, (b_i, a_i) with
/// b_i = -(a_i s + e_i) + [s']_(q_i-digit) where the digit gadget is 1 mod q_i and 0 mod the other primes.
/// All a_i expand from one seed.
struct KeySwitchKey: Sendable {
    let b: [RnsPoly<Eval>]
    let a: [RnsPoly<Eval>]
    let seed: [UInt8]
}

/// Relinearisation key: switches s^2 to s.
public struct RelinearizationKey: Sendable {
    public let parameters: BfvParameters
    let key: KeySwitchKey
}

/// Galois keys for automorphisms X -> X^g (row rotations: g = 3^k mod 2N; column swap: g = 2N - 1).
public struct GaloisKeys: Sendable {
    public let parameters: BfvParameters
    let keys: [Int: KeySwitchKey]

    /// The Galois elements these keys support.
    public var elements: [Int] { keys.keys.sorted() }
}
