import Crypto

/// Named parameter sets at 128-bit classical security (HomomorphicEncryption.org standard, ternary secret).
public enum BfvPreset: String, CaseIterable, Sendable, Codable {
    case n4096, n8192, n16384, n32768

    public var degree: Int {
        switch self {
        case .n4096: 4096
        case .n8192: 8192
        case .n16384: 16384
        case .n32768: 32768
        }
    }

    /// Bit sizes of the coefficient (data) primes, first to last. Modulus switching drops primes from the
    /// end, so the first (largest) prime is the one a fully switched ciphertext keeps.
    public var coefficientBits: [Int] {
        switch self {
        case .n4096: [55, 54]
        case .n8192: [60, 53, 53]
        case .n16384: [60] + [Int](repeating: 54, count: 6)
        case .n32768: [60] + [Int](repeating: 55, count: 11) + [Int](repeating: 54, count: 3)
        }
    }

    /// Bit size of the special key-switching prime P, if the preset has one. It is part of the key-switching
    /// keys only, never of a ciphertext, and counts towards the security bound (log2 Q + log2 P). N = 4096 has
    /// none: its 109 bits would leave one data prime, too little for a multiplication at t = 2^30; it switches
    /// keys by RNS digits alone (docs/RLWE.md).
    public var specialPrimeBits: Int? {
        switch self {
        case .n4096: nil
        case .n8192: 52
        case .n16384, .n32768: 54
        }
    }

    /// The plaintext modulus of every preset: the largest prime below 2^30 that is 1 mod 65536
    /// (so it supports batching for every N up to 32768).
    public static let plaintextModulus: UInt64 = 1_073_479_681
}

/// Validated BFV parameters: ring degree N, plaintext modulus t, coefficient primes q_0 ... q_(k-1), an
/// optional special key-switching prime P, and everything derived from them (NTT tables, per-level
/// constants, the auxiliary base for multiplication).
///
/// Instances are immutable and shared; compare them through `fingerprint`.
public final class BfvParameters: Sendable, CustomStringConvertible {
    public let degree: Int
    public let plaintextModulus: UInt64
    public let coefficientModuli: [UInt64]
    /// The special prime P of hybrid key switching: key-switching keys live modulo Q P and a switched
    /// polynomial is divided by P with rounding, which scales the digit noise down by P. Nil: keys switch by
    /// RNS digits modulo Q alone.
    public let specialModulus: UInt64?
    /// SHA-256 of the canonical encoding of (N, t, q_0 ... q_(k-1)[, P]).
    public let fingerprint: [UInt8]
    /// The preset these parameters come from, if any.
    public let preset: BfvPreset?

    let t: Modulus
    let contexts: [PolyContext]  // contexts[l - 1] has l primes
    let levels: [LevelConstants]  // levels[l - 1]
    let plaintextTables: NttTables
    let auxiliaryModuli: [UInt64]
    /// The primes of key material: q_0 ... q_(k-1), then P when there is one. The secret key is kept in
    /// evaluation form over this context; the first k limbs are its residues modulo Q.
    let keyContext: PolyContext

    /// Parameters of a named preset (built once, on first use).
    public static func preset(_ p: BfvPreset) -> BfvParameters {
        switch p {
        case .n4096: presetN4096
        case .n8192: presetN8192
        case .n16384: presetN16384
        case .n32768: presetN32768
        }
    }

    /// The preset whose fingerprint is in the header of serialised bytes (a ciphertext or key), so that a
    /// tool can read a file without being told its parameters. Throws for a short or foreign header.
    public static func preset(identifying bytes: [UInt8]) throws(RlweError) -> BfvParameters {
        guard bytes.count >= 38 else { throw .truncated(expectedBytes: 38, actualBytes: bytes.count) }
        guard Array(bytes[0..<4]) == Array("HERL".utf8) else {
            throw .invalidHeader(expected: "magic HERL", found: bytes[0..<4].map { String($0, radix: 16) }.joined(separator: " "))
        }
        let fp = Array(bytes[6..<38])
        for p in BfvPreset.allCases where preset(p).fingerprint == fp { return preset(p) }
        throw .fingerprintMismatch(
            expected: "one of the presets " + BfvPreset.allCases.map(\.rawValue).joined(separator: ", "),
            found: fp.prefix(8).map { String($0, radix: 16).leftPadded(2) }.joined())
    }

    private static func build(_ p: BfvPreset) -> BfvParameters {
        // The preset definitions are constants validated by the tests; failure here is a programming error.
        try! BfvParameters(
            degree: p.degree, plaintextModulus: BfvPreset.plaintextModulus, coefficientBits: p.coefficientBits,
            specialPrimeBits: p.specialPrimeBits, preset: p)
    }

    private static let presetN4096 = build(.n4096)
    private static let presetN8192 = build(.n8192)
    private static let presetN16384 = build(.n16384)
    private static let presetN32768 = build(.n32768)

    /// Custom parameters with generated primes of the given sizes (largest primes below 2^bits that are 1 mod 2N;
    /// the special prime, if asked for, is generated after the data primes of its size).
    public convenience init(
        degree: Int, plaintextModulus: UInt64, coefficientBits: [Int], specialPrimeBits: Int? = nil
    ) throws(RlweError) {
        try self.init(
            degree: degree, plaintextModulus: plaintextModulus, coefficientBits: coefficientBits,
            specialPrimeBits: specialPrimeBits, preset: nil)
    }

    convenience init(
        degree: Int, plaintextModulus: UInt64, coefficientBits: [Int], specialPrimeBits: Int?, preset: BfvPreset?
    ) throws(RlweError) {
        guard SecurityTable.maxLogQ128[degree] != nil else {
            throw .invalidDegree(degree: degree, supported: SecurityTable.supportedDegrees)
        }
        let allBits = coefficientBits + (specialPrimeBits.map { [$0] } ?? [])
        var primes: [UInt64] = []
        var counts: [Int: Int] = [:]
        for b in allBits { counts[b, default: 0] += 1 }
        var byBits: [Int: [UInt64]] = [:]
        for (b, c) in counts { byBits[b] = try NttPrimes.generate(bits: b, degree: degree, count: c) }
        for b in allBits { primes.append(byBits[b]!.removeFirst()) }
        let special = specialPrimeBits == nil ? nil : primes.removeLast()
        try self.init(
            degree: degree, plaintextModulus: plaintextModulus, coefficientModuli: primes, specialModulus: special,
            preset: preset)
    }

    /// Custom parameters with explicit primes (and optionally a special key-switching prime); refused unless
    /// secure (128-bit, HE standard, counting log2 Q + log2 P) and usable.
    public convenience init(
        degree: Int, plaintextModulus: UInt64, coefficientModuli: [UInt64], specialModulus: UInt64? = nil
    ) throws(RlweError) {
        try self.init(
            degree: degree, plaintextModulus: plaintextModulus, coefficientModuli: coefficientModuli,
            specialModulus: specialModulus, preset: nil)
    }

    init(
        degree: Int, plaintextModulus: UInt64, coefficientModuli: [UInt64], specialModulus: UInt64?, preset: BfvPreset?
    ) throws(RlweError) {
        guard SecurityTable.maxLogQ128[degree] != nil else {
            throw .invalidDegree(degree: degree, supported: SecurityTable.supportedDegrees)
        }
        guard !coefficientModuli.isEmpty, coefficientModuli.count <= 64 else {
            throw .invalidField(name: "coefficient modulus count", value: coefficientModuli.count, expected: "1...64")
        }
        let twoN = UInt64(2 * degree)
        let keyModuli = coefficientModuli + (specialModulus.map { [$0] } ?? [])
        for q in keyModuli {
            let m = try Modulus(q)
            guard Modulus.isPrime(m.value) else { throw .invalidModulus(modulus: q, reason: "not prime") }
            guard q % twoN == 1 else { throw .notNttFriendly(modulus: q, degree: degree) }
        }
        guard Set(keyModuli).count == keyModuli.count else {
            throw .invalidModulus(modulus: coefficientModuli[0], reason: "coefficient and special primes must be distinct")
        }
        let logQ = coefficientModuli.reduce(0.0) { $0 + log2Double($1) }
        try SecurityTable.validate(degree: degree, logQ: keyModuli.reduce(0.0) { $0 + log2Double($1) })
        guard Modulus.isPrime(plaintextModulus), plaintextModulus % twoN == 1 else {
            throw .invalidPlaintextModulus(
                modulus: plaintextModulus, reason: "batching needs a prime congruent to 1 mod 2N = \(twoN)")
        }
        guard plaintextModulus < coefficientModuli.min()! else {
            throw .invalidPlaintextModulus(
                modulus: plaintextModulus, reason: "must be smaller than every coefficient prime")
        }
        self.degree = degree
        self.plaintextModulus = plaintextModulus
        self.coefficientModuli = coefficientModuli
        self.specialModulus = specialModulus
        self.preset = preset
        let tMod = try Modulus(plaintextModulus)
        t = tMod
        plaintextTables = try NttTables(degree: degree, modulus: tMod)
        let keys = try PolyContext(degree: degree, moduli: keyModuli)
        keyContext = keys
        let top = keys.prefix(coefficientModuli.count)
        contexts = (1...coefficientModuli.count).map { top.prefix($0) }
        let specialTables = specialModulus == nil ? nil : keys.tables.last!

        // Auxiliary base P for the tensor product: P > 2 t N Q with margin.
        let needed = logQ + log2Double(UInt64(degree)) + log2Double(plaintextModulus) + 3
        let count = Int((needed / 59.0).rounded(.up))
        auxiliaryModuli = try NttPrimes.generate(
            bits: 60, degree: degree, count: count, excluding: Set(keyModuli))
        let pContext = try PolyContext(degree: degree, moduli: auxiliaryModuli)
        levels = contexts.map { LevelConstants(context: $0, t: tMod, auxiliary: pContext, special: specialTables) }

        var encoding: [UInt8] = Array("he-toolkit/bfv/v1".utf8)
        func append(_ v: UInt64, bytes: Int) { for i in 0..<bytes { encoding.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
        append(UInt64(degree), bytes: 4)
        append(plaintextModulus, bytes: 8)
        append(UInt64(coefficientModuli.count), bytes: 1)
        for q in coefficientModuli { append(q, bytes: 8) }
        // Sets without a special prime keep the encoding (and fingerprint) they had before it existed.
        if let specialModulus { append(specialModulus, bytes: 8) }
        fingerprint = Array(SHA256.hash(data: encoding))
    }

    /// Number of coefficient primes of a fresh ciphertext.
    public var maxLimbCount: Int { coefficientModuli.count }
    /// Number of slots (N).
    public var slotCount: Int { degree }
    /// log2 of the full coefficient modulus Q (the data primes).
    public var logQ: Double { contexts.last!.logQ }
    /// log2(Q P): the modulus the security bound applies to (Q when there is no special prime).
    public var logQP: Double { keyContext.logQ }

    public func context(limbCount: Int) -> PolyContext { contexts[limbCount - 1] }
    func level(_ limbCount: Int) -> LevelConstants { levels[limbCount - 1] }

    public var fingerprintHex: String { fingerprint.prefix(8).map { String($0, radix: 16).leftPadded(2) }.joined() }

    public var description: String {
        let name = preset.map { "\($0.rawValue): " } ?? ""
        let special = specialModulus.map { ", P=\($0) (log2 QP = \(Int(logQP.rounded()))))" } ?? ""
        return "\(name)N=\(degree), t=\(plaintextModulus), q=\(coefficientModuli) (log2 Q = \(Int(logQ.rounded()))))\(special)"
    }

    /// Largest number of ciphertexts switched down to `limbCount` primes (the first prime only by default)
    /// that can be summed with decryption still correct, from the documented bound on the noise of each
    /// (see docs/RLWE.md). The plaintext values must also sum to less than t (or within ±(t-1)/2 signed).
    /// The bound assumes ciphertexts switched down from the full modulus, whose noise is then the switch's
    /// rounding; fresh ciphertexts never switched carry more noise than that (about 3 bits at the full modulus,
    /// where the figure exceeds Int.max for every preset anyway). Site files and aggregates always hold
    /// switched ciphertexts.
    public func aggregateCapacity(limbCount: Int = 1) -> Int {
        level(limbCount).aggregateCapacity(degree: degree, t: plaintextModulus)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}

/// Constants for one level (the first l primes).
final class LevelConstants: Sendable {
    let context: PolyContext
    /// Q_l mod t.
    let qModT: UInt64
    /// floor(Q_l / t) mod q_i.
    let delta: [UInt64]
    /// (Q_l / q_i)^-1 mod q_i.
    let qHatInverse: [ShoupMultiplier]
    /// t (Q_l / q_i)^-1 mod q_i (decryption: [y_i t]_(q_i) in one Shoup multiplication).
    let qHatInverseTimesT: [ShoupMultiplier]
    /// q_i^-1 mod 2^64 (exact division).
    let inverse64: [UInt64]
    let composer: CrtComposer
    /// q_last^-1 mod q_j for j < l (modulus switching), empty at l = 1.
    let lastInverse: [ShoupMultiplier]
    // Multiplication: Q_l -> P and back.
    let toAux: BaseConverter
    let fromAux: BaseConverter
    let auxContext: PolyContext
    let extended: PolyContext  // Q_l ∪ P
    /// Q_l^-1 mod p_j.
    let qInverseModAux: [ShoupMultiplier]
    let logQ: Double
    /// Hybrid key switching (nil without a special prime): the context Q_l ∪ {P} in which keys are applied,
    /// and P^-1 mod q_j for the rounded division by P back to Q_l.
    let keySwitchContext: PolyContext?
    let specialInverse: [ShoupMultiplier]

    init(context: PolyContext, t: Modulus, auxiliary: PolyContext, special: NttTables?) {
        self.context = context
        let moduli = context.moduli
        var qt: UInt64 = 1
        for q in moduli { qt = t.multiply(qt, t.reduce(q.value)) }
        qModT = qt
        delta = moduli.map { q in
            let tInv = q.inverse(q.reduce(t.value))!
            return q.multiply(q.negate(q.reduce(qt)), tInv)
        }
        qHatInverse = CrtComposer.puncturedProductInverses(moduli)
        qHatInverseTimesT = zip(moduli, qHatInverse).map { q, h in
            ShoupMultiplier(q.multiply(h.operand, q.reduce(t.value)), modulus: q)
        }
        inverse64 = moduli.map { q in
            // Newton iteration for the inverse modulo 2^64 of an odd number.
            var x: UInt64 = q.value
            for _ in 0..<6 { x = x &* (2 &- q.value &* x) }
            return x
        }
        composer = CrtComposer(moduli: moduli)
        if moduli.count > 1 {
            let last = moduli.last!.value
            lastInverse = moduli.dropLast().map { q in ShoupMultiplier(q.inverse(q.reduce(last))!, modulus: q) }
        } else {
            lastInverse = []
        }
        auxContext = auxiliary
        toAux = BaseConverter(source: moduli, target: auxiliary.moduli)
        fromAux = BaseConverter(source: auxiliary.moduli, target: moduli)
        extended = PolyContext(tables: context.tables + auxiliary.tables)
        qInverseModAux = auxiliary.moduli.map { p in
            var prod: UInt64 = 1
            for q in moduli { prod = p.multiply(prod, p.reduce(q.value)) }
            return ShoupMultiplier(p.inverse(prod)!, modulus: p)
        }
        logQ = context.logQ
        if let special {
            keySwitchContext = PolyContext(tables: context.tables + [special])
            let p = special.modulus.value
            specialInverse = moduli.map { q in ShoupMultiplier(q.inverse(q.reduce(p))!, modulus: q) }
        } else {
            keySwitchContext = nil
            specialInverse = []
        }
    }

    /// See `BfvParameters.aggregateCapacity`. Each ciphertext switched to this level carries, per
    /// coefficient, a rounding term r_0 + sum_j r_1j * s_j with every r uniform in [-1/2, 1/2] and s ternary:
    /// a sum of N + 1 independent terms of range at most 1. Hoeffding's inequality bounds it by
    /// a = sqrt(ln(2 / 2^-80) * (N + 1) / 2) except with probability 2^-80 per coefficient. Adding 2 for the
    /// switched fresh noise (scaled by q_0 / Q, far below 1) and the encoding rounding, the sum of k such
    /// ciphertexts decrypts correctly while k * t * (a + 2) / Q_l < 1/2.
    func aggregateCapacity(degree: Int, t: UInt64) -> Int {
        let a = (Foundation.log(2.0) * 81.0 * Double(degree + 1) / 2.0).squareRoot()
        let perCiphertext = a + 2.0
        let invariant = Double(t) * perCiphertext / Foundation.pow(2.0, logQ)
        let k = 0.5 / invariant
        return k >= Double(Int.max) ? Int.max : Int(k.rounded(.down))
    }
}

import Foundation
