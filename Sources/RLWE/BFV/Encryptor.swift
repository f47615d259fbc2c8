/// Encrypts plaintexts, either with the public key (sites) or with the secret key (compact, seeded).
public struct Encryptor: Sendable {
    public let parameters: BfvParameters
    private enum Key: Sendable {
        case publicKey(PublicKey)
        case secretKey(SecretKey)
    }

    private let key: Key
    private let seedSource: SeedSource

    /// Public-key encryption: (p_0 u + e_1 + round(Q m / t), p_1 u + e_2) with u ternary, e_i centred binomial.
    public init(publicKey: PublicKey) {
        parameters = publicKey.parameters
        key = .publicKey(publicKey)
        seedSource = .system
    }

    /// Symmetric encryption: (-(a s + e) + round(Q m / t), a) with a expanded from a fresh seed, which is
    /// kept in the ciphertext so that it serialises as seed + c_0 (half the size).
    public init(secretKey: SecretKey) {
        parameters = secretKey.parameters
        key = .secretKey(secretKey)
        seedSource = .system
    }

    /// Deterministic encryption from a 32-byte seed (known-answer tests only).
    package init(secretKey: SecretKey, deterministicSeed: [UInt8]) {
        parameters = secretKey.parameters
        key = .secretKey(secretKey)
        seedSource = SeedSource(deterministic: deterministicSeed)
    }

    package init(publicKey: PublicKey, deterministicSeed: [UInt8]) {
        parameters = publicKey.parameters
        key = .publicKey(publicKey)
        seedSource = SeedSource(deterministic: deterministicSeed)
    }

    /// Encrypts `plaintext` at the top level (all coefficient primes).
    public func encrypt(_ plaintext: Plaintext) throws(RlweError) -> Ciphertext {
        guard plaintext.parameters.fingerprint == parameters.fingerprint else {
            throw .parameterMismatch(expected: parameters.fingerprintHex, found: plaintext.parameters.fingerprintHex)
        }
        let k = parameters.maxLimbCount
        let top = parameters.context(limbCount: k)
        let n = parameters.degree
        let delta = plaintext.scaled(limbCount: k)
        var ePrg = try! ChaCha20Prg(seed: seedSource.seed(label: 100))
        switch key {
        case let .publicKey(pk):
            // u, e_1 and e_2 would reveal m from the ciphertext: zeroed once used, with the generator.
            var u = Samplers.poly(context: top, coefficients: Samplers.ternaryCoefficients(degree: n, prg: &ePrg))
                .forwardNtt()
            var e1 = Samplers.poly(context: top, coefficients: Samplers.errorCoefficients(degree: n, prg: &ePrg))
            var e2 = Samplers.poly(context: top, coefficients: Samplers.errorCoefficients(degree: n, prg: &ePrg))
            ePrg.erase()
            var c0 = (pk.p0 * u).inverseNtt()
            c0 += e1
            c0 += delta
            var c1 = (pk.p1 * u).inverseNtt()
            c1 += e2
            u.secureZero()
            e1.secureZero()
            e2.secureZero()
            return Ciphertext(parameters: parameters, polys: [c0, c1])
        case let .secretKey(sk):
            let seed = seedSource.seed(label: 101)
            var aPrg = try! ChaCha20Prg(seed: seed)
            let a: RnsPoly<Coeff> = Samplers.uniform(context: top, prg: &aPrg)
            var e = Samplers.poly(context: top, coefficients: Samplers.errorCoefficients(degree: n, prg: &ePrg))
            ePrg.erase()
            let ae = a.forwardNtt()
            var c0 = try sk.withEval(limbCount: k) { s in (ae * s).inverseNtt() }
            c0.negate()
            c0 += e
            e.secureZero()
            c0 += delta
            return Ciphertext(parameters: parameters, polys: [c0, a], seed: seed)
        }
    }
}
