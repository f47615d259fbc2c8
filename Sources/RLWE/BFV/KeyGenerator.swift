/// Generates a secret key and the keys derived from it. All randomness comes from ChaCha20 streams seeded
/// by the operating system's CSPRNG.
public struct KeyGenerator: Sendable {
    public let parameters: BfvParameters
    public let secretKey: SecretKey
    private let seedSource: SeedSource

    /// A new secret key.
    public init(parameters: BfvParameters) {
        self.init(parameters: parameters, seedSource: .system)
    }

    /// Keys derived from an existing secret key.
    public init(secretKey: SecretKey) {
        parameters = secretKey.parameters
        self.secretKey = secretKey
        seedSource = .system
    }

    /// Deterministic generation from a 32-byte seed (known-answer tests only; never for real keys).
    package init(parameters: BfvParameters, deterministicSeed: [UInt8]) throws(RlweError) {
        guard deterministicSeed.count == 32 else { throw .invalidSeedLength(length: deterministicSeed.count) }
        self.init(parameters: parameters, seedSource: SeedSource(deterministic: deterministicSeed))
    }

    private init(parameters: BfvParameters, seedSource: SeedSource) {
        self.parameters = parameters
        self.seedSource = seedSource
        var seed = seedSource.seed(label: 0)
        var prg = try! ChaCha20Prg(seed: seed)
        seed.secureZero()
        secretKey = SecretKey(
            parameters: parameters, coefficients: Samplers.ternaryCoefficients(degree: parameters.degree, prg: &prg))
        prg.erase()
    }

    /// A public key for the secret key.
    public func publicKey() -> PublicKey {
        let seed = seedSource.seed(label: 1)
        var aPrg = try! ChaCha20Prg(seed: seed)
        var ePrg = try! ChaCha20Prg(seed: seedSource.seed(label: 2))
        let top = parameters.context(limbCount: parameters.maxLimbCount)
        let a: RnsPoly<Eval> = Samplers.uniform(context: top, prg: &aPrg)
        var e = Samplers.poly(context: top, coefficients: Samplers.errorCoefficients(degree: parameters.degree, prg: &ePrg))
            .forwardNtt()
        ePrg.erase()
        var p0 = try! secretKey.withEval(limbCount: top.limbCount) { s in a * s }
        p0 += e
        e.secureZero()
        p0.negate()
        return PublicKey(parameters: parameters, p0: p0, p1: a, seed: seed)
    }

    /// The relinearisation key (switches s^2 to s).
    public func relinearizationKey() -> RelinearizationKey {
        var s2 = secretKey.keyEval * secretKey.keyEval
        defer { s2.secureZero() }
        return RelinearizationKey(parameters: parameters, key: keySwitchKey(from: s2, label: 3))
    }

    /// Galois keys for the given elements (odd, in 3 ..< 2N).
    public func galoisKeys(elements: [Int]) throws(RlweError) -> GaloisKeys {
        let twoN = 2 * parameters.degree
        var keys: [Int: KeySwitchKey] = [:]
        var s = RnsPoly<Coeff>(context: parameters.keyContext, signedCoefficients: secretKey.coefficients)
        defer { s.secureZero() }
        for (index, g) in Set(elements).sorted().enumerated() {
            guard g > 1, g < twoN, g & 1 == 1 else {
                throw .invalidField(name: "Galois element", value: g, expected: "odd, in 3..<\(twoN)")
            }
            var sg = s.applyGalois(element: g).forwardNtt()
            keys[g] = keySwitchKey(from: sg, label: 16 + UInt64(index))
            sg.secureZero()
        }
        return GaloisKeys(parameters: parameters, keys: keys)
    }

    /// Galois keys for row rotations by the given steps (positive: left) and, optionally, the column swap.
    public func galoisKeys(rotationSteps: [Int], columnSwap: Bool) throws(RlweError) -> GaloisKeys {
        var elements = rotationSteps.map { Evaluator.galoisElement(rotationSteps: $0, degree: parameters.degree) }
        if columnSwap { elements.append(2 * parameters.degree - 1) }
        return try galoisKeys(elements: elements.filter { $0 != 1 })
    }

    /// Galois keys for the power-of-two left row rotations and the column swap: enough for any rotation
    /// (a right rotation by r is a left rotation by N/2 - r), composed of at most log2(N/2) key switches.
    /// Each key holds k x k residue polynomials: at N = 32768 the set takes about 2 GiB of memory, so
    /// generate only the steps needed there (`galoisKeys(rotationSteps:columnSwap:)`).
    public func galoisKeys() -> GaloisKeys {
        var steps: [Int] = []
        var s = 1
        while s < parameters.degree / 2 {
            steps.append(s)
            s <<= 1
        }
        return try! galoisKeys(rotationSteps: steps, columnSwap: true)
    }

    /// One (b_i, a_i) per data prime q_i over the key primes; b_i carries g_i s' (gadget: P mod q_i, 0 mod
    /// the other key primes), so that sum_i [c]_(q_i) (b_i + a_i s) = P c s' + small over Q P.
    private func keySwitchKey(from target: RnsPoly<Eval>, label: UInt64) -> KeySwitchKey {
        let seed = seedSource.seed(label: label << 1)
        var aPrg = try! ChaCha20Prg(seed: seed)
        var ePrg = try! ChaCha20Prg(seed: seedSource.seed(label: label << 1 | 1))
        let keys = parameters.keyContext
        precondition(target.context == keys)
        let n = parameters.degree
        var bs: [RnsPoly<Eval>] = []
        var as_: [RnsPoly<Eval>] = []
        for i in 0..<parameters.maxLimbCount {
            let a: RnsPoly<Eval> = Samplers.uniform(context: keys, prg: &aPrg)
            var e = Samplers.poly(context: keys, coefficients: Samplers.errorCoefficients(degree: n, prg: &ePrg))
                .forwardNtt()
            var b = a * secretKey.keyEval
            b += e
            e.secureZero()
            b.negate()
            let q = keys.moduli[i]
            let gadget = ShoupMultiplier(q.reduce(parameters.specialModulus ?? 1), modulus: q)
            for j in 0..<n { b.data[i * n + j] = q.add(b.data[i * n + j], gadget.multiply(target.data[i * n + j], modulus: q)) }
            bs.append(b)
            as_.append(a)
        }
        ePrg.erase()
        return KeySwitchKey(b: bs, a: as_, seed: seed)
    }

    /// Re-expands the a_i of a key-switching key from its seed (deserialisation).
    static func expandKeySwitchA(seed: [UInt8], parameters: BfvParameters) -> [RnsPoly<Eval>] {
        var aPrg = try! ChaCha20Prg(seed: seed)
        let keys = parameters.keyContext
        return (0..<parameters.maxLimbCount).map { _ in Samplers.uniform(context: keys, prg: &aPrg) }
    }
}

/// Where key-generation seeds come from: fresh OS randomness, or a fixed master seed for known answers.
struct SeedSource: Sendable {
    let master: [UInt8]?

    static let system = SeedSource(master: nil)

    init(master: [UInt8]?) { self.master = master }
    init(deterministic seed: [UInt8]) { master = seed }

    func seed(label: UInt64) -> [UInt8] {
        guard let master else { return ChaCha20Prg.freshSeed() }
        var nonce = [UInt8](repeating: 0, count: 12)
        for i in 0..<8 { nonce[i] = UInt8(truncatingIfNeeded: label >> (8 * UInt64(i))) }
        nonce[8] = 0x5E
        var prg = try! ChaCha20Prg(seed: master, nonce: nonce)
        return prg.bytes(32)
    }
}
