/// The secret key: a ternary polynomial s.
///
/// The coefficients and their NTT form live in one owning object that zeroes both buffers when the last copy of
/// the key goes away (see ``SecretKeyStorage``).
public struct SecretKey: Sendable {
    public let parameters: BfvParameters
    private let storage: SecretKeyStorage

    init(parameters: BfvParameters, coefficients: [Int64]) {
        self.parameters = parameters
        storage = SecretKeyStorage(
            coefficients: coefficients,
            eval: RnsPoly<Coeff>(context: parameters.keyContext, signedCoefficients: coefficients).forwardNtt())
    }

    /// The coefficients in {-1, 0, 1}.
    var coefficients: [Int64] { storage.coefficients }
    /// s in evaluation form over the primes of key material (the data primes, then the special prime if any).
    var keyEval: RnsPoly<Eval> { storage.eval }

    /// Calls `body` with s in evaluation form over the first `limbCount` data primes. A prefix is a copy of
    /// the key's residues; it is zeroed when `body` returns.
    func withEval<R>(limbCount: Int, _ body: (RnsPoly<Eval>) throws(RlweError) -> R) throws(RlweError) -> R {
        if limbCount == storage.eval.limbCount { return try body(storage.eval) }
        var s = storage.eval.prefix(limbCount)
        defer { s.secureZero() }
        return try body(s)
    }
}

/// Owner of the secret key's buffers. Immutable while shared; `deinit` runs when no ``SecretKey`` refers to it
/// any more and overwrites the coefficient and residue buffers with zeros. Copy-on-write limits what that
/// covers: a caller still holding an array obtained from ``SecretKey/coefficients`` or ``SecretKey/eval``
/// keeps its buffer, which is then left for that caller (the zeroing makes a private copy instead of writing
/// into a buffer someone else reads). The library's own such copies are short-lived temporaries.
final class SecretKeyStorage: @unchecked Sendable {
    // `var` only so that `deinit` can zero them; nothing else mutates them, hence the unchecked Sendable.
    private(set) var coefficients: [Int64]
    private(set) var eval: RnsPoly<Eval>

    init(coefficients: [Int64], eval: RnsPoly<Eval>) {
        self.coefficients = coefficients
        self.eval = eval
    }

    deinit {
        coefficients.secureZero()
        eval.secureZero()
    }
}

/// The public key (p_0, p_1) = (-(a s + e), a), with a expanded from `seed`.
public struct PublicKey: Sendable {
    public let parameters: BfvParameters
    let p0: RnsPoly<Eval>
    let p1: RnsPoly<Eval>
    let seed: [UInt8]
}

/// A key-switching key from s' to s: for each data prime q_i, (b_i, a_i) over the key primes (Q, or Q P) with
/// b_i = -(a_i s + e_i) + g_i s', where the gadget g_i is P mod q_i and 0 mod every other key prime (P = 1
/// without a special prime). All a_i expand from one seed.
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
