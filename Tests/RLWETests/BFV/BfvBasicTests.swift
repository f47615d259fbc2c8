import RLWE
import Testing

/// Shared keys per preset, so that suites do not regenerate them.
final class PresetFixture: Sendable {
    let parameters: BfvParameters
    let keyGenerator: KeyGenerator
    let publicKey: PublicKey
    let encoder: BatchEncoder
    let decryptor: Decryptor
    let encryptor: Encryptor

    init(_ preset: BfvPreset) {
        parameters = BfvParameters.preset(preset)
        keyGenerator = KeyGenerator(parameters: parameters)
        publicKey = keyGenerator.publicKey()
        encoder = BatchEncoder(parameters: parameters)
        decryptor = Decryptor(secretKey: keyGenerator.secretKey)
        encryptor = Encryptor(publicKey: publicKey)
    }

    static let all: [String: PresetFixture] = Dictionary(
        uniqueKeysWithValues: BfvPreset.allCases.map { ($0.rawValue, PresetFixture($0)) })

    static func of(_ p: BfvPreset) -> PresetFixture { all[p.rawValue]! }

    func randomValues(_ count: Int? = nil, below bound: UInt64? = nil) -> [UInt64] {
        var rng = SystemRandomNumberGenerator()
        let b = bound ?? parameters.plaintextModulus
        return (0..<(count ?? parameters.degree)).map { _ in UInt64.random(in: 0..<b, using: &rng) }
    }
}

@Suite struct BfvBasicTests {
    @Test(arguments: BfvPreset.allCases)
    func presetIsSecureAndBatching(preset: BfvPreset) {
        let p = BfvParameters.preset(preset)
        #expect(p.degree == preset.degree)
        // The security bound applies to Q P: the special prime is part of every key-switching key.
        #expect(p.logQP <= Double(SecurityTable.maxLogQ128[p.degree]!))
        #expect(p.logQ < p.logQP || p.specialModulus == nil)
        #expect(p.plaintextModulus % UInt64(2 * p.degree) == 1)
        #expect(p.fingerprint.count == 32)
        #expect(p.coefficientModuli.count == preset.coefficientBits.count)
        #expect((p.specialModulus != nil) == (preset.specialPrimeBits != nil))
        // Primes from largest to smallest, special prime last: dividing by the last prime (modulus and key
        // switching) then never reduces its residues modulo a smaller prime (docs/BENCHMARKS.md).
        let ordered = p.coefficientModuli + (p.specialModulus.map { [$0] } ?? [])
        #expect(zip(ordered, ordered.dropFirst()).allSatisfy { $0 > $1 }, "\(ordered)")
        if let special = p.specialModulus {
            #expect(special % UInt64(2 * p.degree) == 1)
            #expect(!p.coefficientModuli.contains(special))
            #expect(64 - special.leadingZeroBitCount == preset.specialPrimeBits)
            // Every preset with a special prime uses the whole 128-bit bound, like the one without.
            #expect(Int(p.logQP.rounded(.up)) == SecurityTable.maxLogQ128[p.degree]!)
        }
    }

    @Test func specialPrimeCountsTowardsSecurityAndFingerprint() throws {
        let t = BfvPreset.plaintextModulus
        // 3 x 55 data bits fit N = 8192 alone; a 55-bit special prime makes 220 > 218 bits.
        _ = try BfvParameters(degree: 8192, plaintextModulus: t, coefficientBits: [55, 55, 55])
        do {
            _ = try BfvParameters(degree: 8192, plaintextModulus: t, coefficientBits: [55, 55, 55], specialPrimeBits: 55)
            Issue.record("expected log2(Q P) > 218 to be refused")
        } catch {
            guard case let .insecureParameters(_, logQ, maxLogQ) = error else { Issue.record("wrong error \(error)"); return }
            #expect(logQ > 219 && maxLogQ == 218)
        }
        // The same primes with and without the last one as special prime are different parameter sets.
        let preset = BfvParameters.preset(.n8192)
        let flat = try BfvParameters(
            degree: 8192, plaintextModulus: t, coefficientModuli: preset.coefficientModuli + [preset.specialModulus!])
        #expect(flat.fingerprint != preset.fingerprint)
        #expect(flat.specialModulus == nil)
        let same = try BfvParameters(
            degree: 8192, plaintextModulus: t, coefficientModuli: preset.coefficientModuli,
            specialModulus: preset.specialModulus)
        #expect(same.fingerprint == preset.fingerprint)
        // A special prime equal to a data prime, or not NTT-friendly, is refused.
        #expect(throws: RlweError.self) {
            try BfvParameters(degree: 8192, plaintextModulus: t, coefficientModuli: preset.coefficientModuli,
                              specialModulus: preset.coefficientModuli[1])
        }
        #expect(throws: RlweError.self) {
            try BfvParameters(degree: 8192, plaintextModulus: t, coefficientModuli: preset.coefficientModuli,
                              specialModulus: (1 << 50) + 1)
        }
    }

    /// Why `n4096` keeps both primes for data: the same 109 bits with the second prime as special prime (SEAL's
    /// layout, the benchmark's `4096p`) leave a fresh budget of about 14 bits, less than a product consumes at
    /// t ≈ 2^30, so a product decrypts wrongly there while the preset's decrypts with budget to spare.
    @Test func sealLayoutAt4096CannotMultiply() throws {
        let preset = BfvParameters.preset(.n4096)
        let p = try BfvParameters(
            degree: 4096, plaintextModulus: preset.plaintextModulus,
            coefficientModuli: [preset.coefficientModuli[0]], specialModulus: preset.coefficientModuli[1])
        #expect(p.logQP == preset.logQP)
        let keys = KeyGenerator(parameters: p)
        let encoder = BatchEncoder(parameters: p)
        let encryptor = Encryptor(publicKey: keys.publicKey())
        let decryptor = Decryptor(secretKey: keys.secretKey)
        let ev = Evaluator(parameters: p, relinearizationKey: keys.relinearizationKey())
        let f = PresetFixture.of(.n4096)
        let a = f.randomValues()
        let b = f.randomValues()
        let ca = try encryptor.encrypt(encoder.encode(a))
        let cb = try encryptor.encrypt(encoder.encode(b))
        #expect(try encoder.decode(decryptor.decrypt(ca)) == a)
        let fresh = try decryptor.noiseBudget(ca)
        #expect(fresh > 0 && fresh < 20, "fresh budget \(fresh)")
        let product = try ev.multiplyRelinearize(ca, cb)
        #expect(try decryptor.noiseBudget(product) == 0)
        let tm = try Modulus(p.plaintextModulus)
        #expect(try encoder.decode(decryptor.decrypt(product)) != zip(a, b).map { tm.multiply($0, $1) })
        let merged = try decryptor.decryptWithNoiseBudget(product)
        #expect(merged.noiseBudget == 0)
        #expect(try merged.plaintext.coefficients == decryptor.decrypt(product).coefficients)
    }

    /// One phase for both results: the same plaintext and budget as the separate calls, for fresh, summed,
    /// switched, size-3 and relinearised ciphertexts; and the same refusal of a foreign ciphertext.
    @Test func decryptWithNoiseBudgetEqualsSeparateCalls() throws {
        let f = PresetFixture.of(.n8192)
        let ev = Evaluator(parameters: f.parameters, relinearizationKey: f.keyGenerator.relinearizationKey())
        let ca = try f.encryptor.encrypt(f.encoder.encode(f.randomValues()))
        let cb = try f.encryptor.encrypt(f.encoder.encode(f.randomValues()))
        let size3 = try ev.multiply(ca, cb)
        let cases = [ca, try ev.add(ca, cb), try ev.modSwitchToSmallest(ca), size3, try ev.relinearize(size3)]
        var budgets: Set<Int> = []
        for c in cases {
            let merged = try f.decryptor.decryptWithNoiseBudget(c)
            #expect(try merged.plaintext.coefficients == f.decryptor.decrypt(c).coefficients)
            #expect(try merged.noiseBudget == f.decryptor.noiseBudget(c))
            budgets.insert(merged.noiseBudget)
        }
        #expect(budgets.count >= 3, "budgets \(budgets)")
        let other = PresetFixture.of(.n4096)
        #expect(throws: RlweError.self) { try other.decryptor.decryptWithNoiseBudget(ca) }
    }

    @Test func insecureOrInvalidParametersAreRefused() throws {
        // 4 x 55 bits at N = 4096 is 220 bits > 109.
        #expect(throws: RlweError.self) {
            try BfvParameters(degree: 4096, plaintextModulus: BfvPreset.plaintextModulus, coefficientBits: [55, 55, 55, 55])
        }
        do {
            _ = try BfvParameters(degree: 8192, plaintextModulus: BfvPreset.plaintextModulus, coefficientBits: [60, 60, 60, 60])
            Issue.record("expected insecure parameters to be refused")
        } catch {
            guard case let .insecureParameters(degree, _, maxLogQ) = error else { Issue.record("wrong error \(error)"); return }
            #expect(degree == 8192 && maxLogQ == 218)
        }
        #expect(throws: RlweError.self) { try BfvParameters(degree: 3000, plaintextModulus: 65537, coefficientBits: [50]) }
        // t not 1 mod 2N
        #expect(throws: RlweError.self) { try BfvParameters(degree: 4096, plaintextModulus: 12289, coefficientBits: [50]) }
        // q not prime
        #expect(throws: RlweError.self) {
            try BfvParameters(degree: 4096, plaintextModulus: BfvPreset.plaintextModulus, coefficientModuli: [(1 << 50) + 1])
        }
        let custom = try BfvParameters(degree: 4096, plaintextModulus: BfvPreset.plaintextModulus, coefficientBits: [50, 50])
        #expect(custom.fingerprint != BfvParameters.preset(.n4096).fingerprint)
    }

    @Test(arguments: BfvPreset.allCases)
    func encodeDecode(preset: BfvPreset) throws {
        let f = PresetFixture.of(preset)
        let values = f.randomValues()
        #expect(try f.encoder.decode(f.encoder.encode(values)) == values)
        let t = Int64(f.parameters.plaintextModulus)
        let signed: [Int64] = [0, 1, -1, (t - 1) / 2, -(t - 1) / 2, 42, -42]
        let decoded = try f.encoder.decodeSigned(f.encoder.encode(signed))
        #expect(Array(decoded.prefix(signed.count)) == signed)
        #expect(decoded.dropFirst(signed.count).allSatisfy { $0 == 0 })
        #expect(throws: RlweError.self) { try f.encoder.encode([f.parameters.plaintextModulus]) }
        #expect(throws: RlweError.self) { try f.encoder.encode([Int64((t + 1) / 2)]) }
        #expect(throws: RlweError.self) { try f.encoder.encode([UInt64](repeating: 1, count: f.parameters.degree + 1)) }
    }

    @Test(arguments: BfvPreset.allCases)
    func encryptAddModSwitchDecrypt(preset: BfvPreset) throws {
        let f = PresetFixture.of(preset)
        let evaluator = Evaluator(parameters: f.parameters)
        let t = f.parameters.plaintextModulus
        let a = f.randomValues()
        let b = f.randomValues()
        let ca = try f.encryptor.encrypt(f.encoder.encode(a))
        let cb = try f.encryptor.encrypt(f.encoder.encode(b))
        #expect(try f.encoder.decode(f.decryptor.decrypt(ca)) == a)
        let fresh = try f.decryptor.noiseBudget(ca)
        let sum = try evaluator.add(ca, cb)
        #expect(try f.encoder.decode(f.decryptor.decrypt(sum)) == zip(a, b).map { ($0 + $1) % t })
        #expect(try f.decryptor.noiseBudget(sum) >= fresh - 1)
        let diff = try evaluator.sub(ca, cb)
        #expect(try f.encoder.decode(f.decryptor.decrypt(diff)) == zip(a, b).map { ($0 + t - $1) % t })
        let neg = try evaluator.negate(ca)
        #expect(try f.encoder.decode(f.decryptor.decrypt(neg)) == a.map { (t - $0) % t })
        let small = try evaluator.modSwitchToSmallest(sum)
        #expect(small.limbCount == 1)
        #expect(try f.encoder.decode(f.decryptor.decrypt(small)) == zip(a, b).map { ($0 + $1) % t })
        #expect(try f.decryptor.noiseBudget(small) > 0)
        // Symmetric, seeded encryption.
        let sym = try Encryptor(secretKey: f.keyGenerator.secretKey).encrypt(f.encoder.encode(a))
        #expect(sym.seed != nil)
        #expect(try f.encoder.decode(f.decryptor.decrypt(sym)) == a)
    }
}
