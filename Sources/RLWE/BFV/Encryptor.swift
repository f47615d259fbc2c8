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
        var ePrg = try! ChaCha20Prg(seed: seedSource.seed(label: 100))
        switch key {
        case let .publicKey(pk):
            // u, e_1 and e_2 would reveal m from the ciphertext: zeroed once used, with the generator.
            var u = Samplers.ternaryCoefficients(degree: n, prg: &ePrg)
            var e1 = Samplers.errorCoefficients(degree: n, prg: &ePrg)
            var e2 = Samplers.errorCoefficients(degree: n, prg: &ePrg)
            ePrg.erase()
            defer {
                u.secureZero()
                e1.secureZero()
                e2.secureZero()
            }
            let (c0, c1) = Self.publicKeyProducts(
                pk, u: u, e1: e1, e2: e2, plaintext: plaintext, level: parameters.level(k))
            return Ciphertext(parameters: parameters, polys: [c0, c1])
        case let .secretKey(sk):
            let seed = seedSource.seed(label: 101)
            var aPrg = try! ChaCha20Prg(seed: seed)
            let a: RnsPoly<Coeff> = Samplers.uniform(context: top, prg: &aPrg)
            var e = Samplers.errorCoefficients(degree: n, prg: &ePrg)
            ePrg.erase()
            defer { e.secureZero() }
            // a s limb by limb through the NTT, then e - a s + round(Q m / t) in one pass.
            var c0 = try sk.withEval(limbCount: k) { s in a.multiplied(byEvaluated: s) }
            let level = parameters.level(k)
            let fix = plaintext.scalingCorrection(limbCount: k)
            let m = plaintext.coefficients
            c0.data.withUnsafeMutableBufferPointer { c in
                for (i, q) in top.moduli.enumerated() {
                    let x = c.baseAddress! + i * n
                    let delta = ShoupMultiplier(level.delta[i], modulus: q)
                    for j in 0..<n {
                        let scaled = Plaintext.scaledResidue(m[j], correction: fix[j], delta: delta, modulus: q)
                        x[j] = q.add(q.subtract(q.reduce(small: e[j]), x[j]), scaled)  // |e_j| <= 21
                    }
                }
            }
            return Ciphertext(parameters: parameters, polys: [c0, a], seed: seed)
        }
    }

    /// c_0 = [p_0 u + e_1 + round(Q m / t)]_Q and c_1 = [p_1 u + e_2]_Q, one limb at a time: u's residues
    /// through the forward NTT into a scratch limb, both pointwise products with the public key, both inverse
    /// transforms, then the small errors and the scaled message added while the limb is in cache. The same
    /// values as the ring operations one after another, without the intermediate polynomials. Every step is a
    /// branch-free modular operation; the scratch limb is zeroed afterwards.
    private static func publicKeyProducts(
        _ pk: PublicKey, u: [Int64], e1: [Int64], e2: [Int64], plaintext: Plaintext, level: LevelConstants
    ) -> (RnsPoly<Coeff>, RnsPoly<Coeff>) {
        let context = level.context
        precondition(pk.p0.context == context && pk.p1.context == context, "public key at another level")
        let n = context.degree
        let fix = plaintext.scalingCorrection(limbCount: context.limbCount)
        let m = plaintext.coefficients
        var c0 = [UInt64](repeating: 0, count: n * context.limbCount)
        var c1 = [UInt64](repeating: 0, count: n * context.limbCount)
        var scratch = [UInt64](repeating: 0, count: n)
        c0.withUnsafeMutableBufferPointer { c0b in
            c1.withUnsafeMutableBufferPointer { c1b in
                scratch.withUnsafeMutableBufferPointer { ub in
                    pk.p0.data.withUnsafeBufferPointer { p0b in
                        pk.p1.data.withUnsafeBufferPointer { p1b in
                            for (i, table) in context.tables.enumerated() {
                                let q = context.moduli[i]
                                let x = c0b.baseAddress! + i * n
                                let y = c1b.baseAddress! + i * n
                                let p0 = p0b.baseAddress! + i * n
                                let p1 = p1b.baseAddress! + i * n
                                for j in 0..<n { ub[j] = q.reduce(small: u[j]) }
                                // Lazy outputs (< 4q) are fine for the Barrett products.
                                table.forwardLazy(ub)
                                for j in 0..<n {
                                    x[j] = q.multiply(p0[j], ub[j])
                                    y[j] = q.multiply(p1[j], ub[j])
                                }
                                table.inverse(UnsafeMutableBufferPointer(start: x, count: n))
                                table.inverse(UnsafeMutableBufferPointer(start: y, count: n))
                                let delta = ShoupMultiplier(level.delta[i], modulus: q)
                                for j in 0..<n {
                                    let scaled = Plaintext.scaledResidue(m[j], correction: fix[j], delta: delta, modulus: q)
                                    x[j] = q.add(q.add(x[j], q.reduce(small: e1[j])), scaled)
                                    y[j] = q.add(y[j], q.reduce(small: e2[j]))
                                }
                            }
                        }
                    }
                }
            }
        }
        scratch.secureZero()
        return (RnsPoly(context: context, data: c0), RnsPoly(context: context, data: c1))
    }
}
