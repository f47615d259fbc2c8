import Foundation

/// The noise analysis of a multi-party decryption (docs/MULTIPARTY.md, "Smudging"): how wide each party's
/// smudging noise must be to hide the ciphertext's noise within statistical distance 2^-40, and whether the
/// ciphertext's modulus leaves room for it.
///
/// - Ciphertext noise B (per coefficient, aligned worst case over `ciphertexts` summed encryptions): under a
///   collective key of N parties, s = Σ s_i and e = Σ e_i, so one fresh encryption carries e u + e_1 + e_2 s
///   with variance 14 n N + 10.5 (n the ring degree), bounded by 11 standard deviations (a tail of 2^-80 for
///   these near-Gaussian sums, the convention of docs/RLWE.md's key-switch bound) plus 1 for the encoding's
///   rounding. A ciphertext switched below the top level carries that scaled by Q_l / Q plus the rounding
///   r_0 + r_1 s, of variance (1 + n 2N/3) / 12, bounded the same way. B = ciphertexts × that per-ciphertext
///   bound.
/// - Smudging: each share adds X = round(V_1 + V_2 + V_3) - 3A/2 per coefficient, V_i uniform on [0, A) with
///   A = 2^``widthBits`` (``SmudgingSampler``). Lemma (Hellinger shift bound): for a density f with Fisher
///   information I, H²(f(· - c), f) <= c² I / 8 (Cauchy-Schwarz on √f(x) - √f(x - c) = ∫ (√f)'); H² is
///   subadditive over independent coordinates and TV <= √2 H, so for n independent coordinates
///   shifted by the vector c, TV <= ||c||_2 √I / 2. For the sum of three uniforms on [0, A),
///   I = 2√3 ln(2 + √3) / A² ≈ 4.562 / A²; rounding is a function, so the same bound holds for X, and
///   ||c||_2 <= √n B. Requiring TV <= 2^-40 gives A >= 2^39 √I_3 √n B. The sampler draws exactly
///   round(V_1 + V_2 + V_3) (``SmudgingSampler``), so nothing is added for it.
/// - Room: decryption is exact while B + T < Q_l / (2t), where T bounds the sum of the active parties'
///   smudging: min(1.5 A × parties, Hoeffding over the 3 uniforms and the rounding term of each party with tail
///   2^-80). A switch to another key (``PublicKeySwitchProtocol``) adds each party's u_i e' + e_1 s' terms.
public struct SmudgingBound: Sendable, Equatable, CustomStringConvertible {
    /// Primes of the ciphertext (its level).
    public let limbCount: Int
    /// Parties whose secrets make up the collective key (N).
    public let keyParties: Int
    /// Parties whose shares are combined (N, or t of a threshold decryption).
    public let activeParties: Int
    /// Fresh encryptions summed into the ciphertext.
    public let ciphertexts: Int
    /// log2 of B, the bound on the ciphertext's noise per coefficient.
    public let log2NoiseBound: Double
    /// log2 of A: one party's noise is the rounded sum of three uniforms on [0, A).
    public let widthBits: Int
    /// log2 of T, the bound on the sum of the active parties' smudging per coefficient.
    public let log2SmudgingTail: Double
    /// log2(B + T + 2): the largest combined noise of a decryption, which must stay below the room.
    public let log2NoiseBoundWithTail: Double
    /// log2(Q_l / 2t): the noise a decryption tolerates.
    public let log2Room: Double
    /// log2 of the statistical distance between a share and one computed without the ciphertext noise.
    public let log2StatisticalDistance: Double

    /// Fisher information of the sum of three uniforms on [0, 1): 2√3 ln(2 + √3).
    static let fisherInformation3 = 2.0 * 3.0.squareRoot() * Foundation.log(2.0 + 3.0.squareRoot())
    /// Standard deviations bounding the ciphertext noise, and log(2 / 2^-80) for the Hoeffding tail.
    static let noiseSigmas = 11.0
    static let hoeffdingLog = Foundation.log(2.0) * 81.0

    /// The bound for a ciphertext of `limbCount` primes that sums `ciphertexts` fresh encryptions under a key of
    /// `keyParties` parties, decrypted by `activeParties` of them (default: all). Throws
    /// ``RlweError/insufficientNoiseRoom(limbCount:parties:ciphertexts:neededBits:availableBits:)`` when the
    /// modulus leaves too little room, with both figures.
    public init(
        parameters: BfvParameters, limbCount: Int, keyParties: Int, activeParties: Int? = nil, ciphertexts: Int,
        keySwitch: Bool = false
    ) throws(RlweError) {
        let active = activeParties ?? keyParties
        guard limbCount >= 1, limbCount <= parameters.maxLimbCount else {
            throw .invalidField(name: "prime count", value: limbCount, expected: "1...\(parameters.maxLimbCount)")
        }
        guard keyParties >= 1, active >= 1, active <= keyParties else {
            throw .invalidThreshold(threshold: active, parties: keyParties, reason: "need 1 <= active parties <= key parties")
        }
        guard ciphertexts >= 1 else { throw .invalidField(name: "ciphertext count", value: ciphertexts, expected: ">= 1") }
        self.limbCount = limbCount
        self.keyParties = keyParties
        self.activeParties = active
        self.ciphertexts = ciphertexts
        let n = Double(parameters.degree)
        let parties = Double(keyParties)
        let logQl = parameters.context(limbCount: limbCount).logQ
        let fresh = Self.noiseSigmas * (14.0 * n * parties + 10.5).squareRoot() + 1.0
        var perCiphertext = fresh
        if limbCount < parameters.maxLimbCount {
            let rounding = Self.noiseSigmas * ((1.0 + n * 2.0 * parties / 3.0) / 12.0).squareRoot()
            perCiphertext = fresh * Foundation.pow(2.0, logQl - parameters.logQ) + rounding + 1.0
        }
        let noise = Double(ciphertexts) * perCiphertext
        log2NoiseBound = Foundation.log2(noise)
        // A >= 2^39 sqrt(I_3) sqrt(n) B, rounded up to a power of two.
        widthBits = Int((39.0 + Foundation.log2(Self.fisherInformation3.squareRoot() * n.squareRoot() * noise)).rounded(.up))
        let a = Foundation.pow(2.0, Double(widthBits))
        log2StatisticalDistance = Foundation.log2(Self.fisherInformation3.squareRoot() * n.squareRoot() * noise / (2.0 * a))
        let hard = 1.5 * a * Double(active) + 1.5 * Double(active)
        let hoeffding = (Self.hoeffdingLog * Double(active) * (3.0 * a * a + 9.0) / 2.0).squareRoot()
        var tail = min(hard, hoeffding)
        if keySwitch { tail += Double(active) * (Self.noiseSigmas * (14.0 * n + 10.5).squareRoot() + 1.0) }
        log2SmudgingTail = Foundation.log2(tail)
        log2Room = logQl - 1.0 - Foundation.log2(Double(parameters.plaintextModulus))
        let needed = noise + tail + 2.0
        log2NoiseBoundWithTail = Foundation.log2(needed)
        guard widthBits <= 120, needed < Foundation.pow(2.0, log2Room) else {
            throw .insufficientNoiseRoom(
                limbCount: limbCount, parties: active, ciphertexts: ciphertexts,
                neededBits: Foundation.log2(needed), availableBits: log2Room)
        }
    }

    /// Standard deviation of one party's smudging noise: √(A²/4 + 1/12) (three uniforms of variance
    /// (A² - 1)/12 and the rounding term of variance 1/3).
    public var partyStandardDeviation: Double {
        let a = Foundation.pow(2.0, Double(widthBits))
        return (a * a / 4.0 + 1.0 / 12.0).squareRoot()
    }

    /// Standard deviation of the combined smudging of the active parties: √(active) × the party's.
    public var combinedStandardDeviation: Double { Double(activeParties).squareRoot() * partyStandardDeviation }

    /// The largest number of parties (all active) that `ciphertexts` summed encryptions at `limbCount` primes
    /// admit, 0 when not even one does (searched up to `limit`).
    public static func maximumParties(
        parameters: BfvParameters, limbCount: Int, ciphertexts: Int, limit: Int = 100_000
    ) -> Int {
        func fits(_ p: Int) -> Bool {
            (try? SmudgingBound(parameters: parameters, limbCount: limbCount, keyParties: p, ciphertexts: ciphertexts)) != nil
        }
        guard fits(1) else { return 0 }
        var low = 1
        var high = limit
        if fits(high) { return high }
        while high - low > 1 {
            let mid = (low + high) / 2
            if fits(mid) { low = mid } else { high = mid }
        }
        return low
    }

    /// The fewest primes at which `ciphertexts` summed encryptions decrypt among `parties` parties (nil: none):
    /// the level to which sites may switch ciphertexts before transport in a multi-party study.
    public static func smallestLimbCount(parameters: BfvParameters, parties: Int, ciphertexts: Int) -> Int? {
        (1...parameters.maxLimbCount).first { l in
            (try? SmudgingBound(parameters: parameters, limbCount: l, keyParties: parties, ciphertexts: ciphertexts)) != nil
        }
    }

    public var description: String {
        "\(activeParties) of \(keyParties) parties, \(ciphertexts) ciphertext(s) at \(limbCount) prime(s): "
            + "log2 B = \(String(format: "%.1f", log2NoiseBound)), A = 2^\(widthBits), "
            + "log2 tail = \(String(format: "%.1f", log2SmudgingTail)), log2 room = \(String(format: "%.1f", log2Room)), "
            + "distance <= 2^\(String(format: "%.1f", log2StatisticalDistance))"
    }
}

/// The smudging sampler: per coefficient X = U_1 + U_2 + U_3 + R - 3A/2 with U_i uniform on [0, A) (A = 2^a) and
/// R = round(W_1 + W_2 + W_3) for W_i uniform on [0, 1), which takes 0, 1, 2, 3 with probabilities 1, 23, 23, 1
/// in 48 and is independent of the U_i: then X + 3A/2 = round(V_1 + V_2 + V_3) exactly, V_i = U_i + W_i uniform
/// on [0, A). Mean 0, variance A²/4 + 1/12, |X| <= 1.5 A.
///
/// Key-stream use: each U_i takes a whole word when a <= 64; above, a word and an (a - 64)-bit field of a shared
/// word. R comes from a key-stream byte b < 240 as b mod 48 (0 -> 0, 1...23 -> 1, 24...46 -> 2, 47 -> 3, by
/// additions and shifts); a byte >= 240 is skipped, the only branch on random data, which
/// depends on a byte that is then discarded and so tells nothing about any kept value (as in the ternary
/// sampler). Everything else is masks, additions and shifts; the branches on a are on the public width.
enum SmudgingSampler {
    /// Adds one sample per coefficient to every limb of `poly` (the same integer reduced modulo each prime).
    static func add(to poly: inout RnsPoly<Coeff>, widthBits a: Int, prg: inout ChaCha20Prg) {
        precondition(a >= 2 && a <= 120)
        let n = poly.degree
        let moduli = poly.context.moduli
        let wide = a > 64
        let lowMask: UInt64 = a >= 64 ? .max : (1 << UInt64(a)) - 1
        let fieldBits = wide ? a - 64 : 64
        let highMask: UInt64 = wide ? (1 << UInt64(fieldBits)) - 1 : 0
        let fieldsPerWord = 64 / fieldBits
        let offset = Int128(3) << (a - 1)
        // |X| <= 1.5 A < 2^67 for a <= 66: the high word is below 8 and high (2^64 mod q) fits a word, so two
        // one-word Barrett reductions replace the 128-bit one (a public choice, made on the width).
        let narrow = a <= 66
        let wordModQ = moduli.map { $0.reduce(high: 1, low: 0) }
        var bytes = prg.bytes(n + n / 8 + 64)
        var k = 0
        var spare: UInt64 = 0
        var spareFields = 0
        poly.data.withUnsafeMutableBufferPointer { d in
            for j in 0..<n {
                var u: UInt128 = 0
                for _ in 0..<3 {
                    var v = UInt128(prg.next() & lowMask)
                    if wide {
                        if spareFields == 0 {
                            spare = prg.next()
                            spareFields = fieldsPerWord
                        }
                        v |= UInt128(spare & highMask) << 64
                        spare >>= UInt64(fieldBits)
                        spareFields -= 1
                    }
                    u &+= v
                }
                var b = 255
                while b >= 240 {
                    if k == bytes.count {
                        bytes.secureZero()
                        bytes = prg.bytes(64)
                        k = 0
                    }
                    b = Int(bytes[k])
                    k += 1
                }
                // m in [0, 48): (m + 63) >> 6 is [m >= 1], (m + 40) >> 6 is [m >= 24], (m + 17) >> 6 is [m >= 47].
                let m = UInt64(b) % 48
                let r = ((m + 63) >> 6) + ((m + 40) >> 6) + ((m + 17) >> 6)
                let x = Int128(bitPattern: u &+ UInt128(r)) &- offset
                let sign = x >> 127  // all ones when negative
                let magnitude = UInt128(bitPattern: (x ^ sign) &- sign)
                let negative = UInt64(truncatingIfNeeded: sign)
                let high = UInt64(truncatingIfNeeded: magnitude >> 64)
                let low = UInt64(truncatingIfNeeded: magnitude)
                for (i, q) in moduli.enumerated() {
                    let r = narrow
                        ? q.add(q.reduce(low), q.reduce(high &* wordModQ[i])) : q.reduce(high: high, low: low)
                    let signed = (q.negate(r) & negative) | (r & ~negative)
                    d[i * n + j] = q.add(d[i * n + j], signed)
                }
            }
        }
        bytes.secureZero()
        spare = 0
    }
}
