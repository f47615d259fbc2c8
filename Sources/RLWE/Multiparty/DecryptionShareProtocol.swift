/// What a party decrypts with: its own additive secret s_i (every party of the key takes part), or its Shamir
/// share of s (``ThresholdProtocol``), which the share turns into λ_i S_i for the active set.
public enum PartySecret: Sendable {
    case additive(SecretKey)
    case threshold(ThresholdSecretShare)

    /// Calls `body` with the party's additive secret for `active` in evaluation form over `limbCount` primes
    /// (a temporary, zeroed afterwards). `belowThreshold` lets tests show what fewer than t parties get.
    func withAdditiveEval<R>(
        party: PartyID, active: [PartyID], limbCount: Int, parameters: BfvParameters, belowThreshold: Bool = false,
        _ body: (RnsPoly<Eval>) throws(RlweError) -> R
    ) throws(RlweError) -> R {
        switch self {
        case let .additive(key):
            guard key.parameters.fingerprint == parameters.fingerprint else {
                throw .parameterMismatch(expected: parameters.fingerprintHex, found: key.parameters.fingerprintHex)
            }
            return try key.withEval(limbCount: limbCount, body)
        case let .threshold(share):
            guard share.party == party else {
                throw .invalidPartyID(party: party.value, reason: "the threshold share belongs to party \(share.party.value)")
            }
            guard active.count >= share.threshold || belowThreshold else {
                throw .invalidThreshold(threshold: share.threshold, parties: active.count, reason: "too few active parties")
            }
            var s = try share.additiveShare(active: active, limbCount: limbCount)
            defer { s.secureZero() }
            return try body(s)
        }
    }
}

/// One party's decryption share of one ciphertext: h_i = s_i c_1 + X_i over the ciphertext's primes, X_i the
/// smudging noise of ``SmudgingBound``. Public, but never make two for one ciphertext (docs/MULTIPARTY.md).
public struct DecryptionShare: Sendable {
    public let parameters: BfvParameters
    public let party: PartyID
    /// Fingerprint of the collective public key (the study).
    public let keyFingerprint: [UInt8]
    /// Digest of the ciphertext the share decrypts (``Ciphertext/shareDigest``).
    public let ciphertextDigest: [UInt8]
    /// Digest of the sorted active party list.
    public let activeDigest: [UInt8]
    /// Fresh encryptions summed into the ciphertext, as declared to the smudging bound.
    public let ciphertexts: Int
    let h: RnsPoly<Coeff>
}

/// The sum of the checked shares of every active party for one ciphertext.
public struct AggregatedDecryptionShare: Sendable {
    public let parties: [PartyID]
    public let ciphertextDigest: [UInt8]
    let h: RnsPoly<Coeff>
}

/// Collective decryption (CKS to the zero key, Mouchet et al. 2021): each active party publishes
/// h_i = s_i c_1 + X_i with smudging noise X_i; c_0 + Σ h_i = Δ m + v + Σ X_i, which decodes to m exactly while
/// the noise stays within ``SmudgingBound``. A protocol instance fixes the study's key, its number of key
/// parties, the active set and the number of encryptions summed into the ciphertexts it decrypts.
///
/// Shares are computed at the ciphertext's own level (sites switch ciphertexts down before transport; the
/// bound is checked for the primes the ciphertext has left). Combining sums modulo every prime in party order:
/// the result does not depend on the order in which shares arrive.
public struct DecryptionShareProtocol: Sendable {
    public static let name = "decryption"
    public let parameters: BfvParameters
    public let keyFingerprint: [UInt8]
    public let keyParties: Int
    /// The parties whose shares are combined, sorted.
    public let activeParties: [PartyID]
    public let ciphertexts: Int
    let activeDigest: [UInt8]
    /// The digest of the sorted active set, as every share of this decryption names it.
    public var activeSetDigest: [UInt8] { activeDigest }

    /// - Parameters: `collectiveKey`: the study's key; `keyParties`: N, the parties whose secrets make it up;
    ///   `activeParties`: who decrypts (all N for additive secrets, at least t for threshold shares);
    ///   `ciphertexts`: fresh encryptions summed into each ciphertext decrypted (the aggregate's site count).
    public init(collectiveKey: PublicKey, keyParties: Int, activeParties: [PartyID], ciphertexts: Int) throws(RlweError) {
        parameters = collectiveKey.parameters
        keyFingerprint = collectiveKey.fingerprint
        self.activeParties = try PartyID.validated(activeParties, for: parameters)
        guard activeParties.count <= keyParties else {
            throw .invalidThreshold(threshold: activeParties.count, parties: keyParties, reason: "more active parties than key parties")
        }
        self.keyParties = keyParties
        self.ciphertexts = ciphertexts
        activeDigest = partyListDigest(self.activeParties)
    }

    /// The smudging bound at the ciphertext's level; throws when the modulus leaves too little room.
    public func bound(for ct: Ciphertext, keySwitch: Bool = false) throws(RlweError) -> SmudgingBound {
        try SmudgingBound(
            parameters: parameters, limbCount: ct.limbCount, keyParties: keyParties, activeParties: activeParties.count,
            ciphertexts: ciphertexts, keySwitch: keySwitch)
    }

    func check(_ ct: Ciphertext) throws(RlweError) {
        guard ct.parameters.fingerprint == parameters.fingerprint else {
            throw .parameterMismatch(expected: parameters.fingerprintHex, found: ct.parameters.fingerprintHex)
        }
        guard ct.size == 2 else { throw .invalidCiphertextSize(size: ct.size, expected: "2 (relinearise first)") }
    }

    /// The share of `party` (one of the active parties) for `ct`.
    public func share(_ ct: Ciphertext, party: PartyID, secret: PartySecret) throws(RlweError) -> DecryptionShare {
        try share(ct, party: party, secret: secret, belowThreshold: false)
    }

    /// As ``share(_:party:secret:)``; `belowThreshold` (tests only) accepts fewer active parties than t.
    package func share(_ ct: Ciphertext, party: PartyID, secret: PartySecret, belowThreshold: Bool) throws(RlweError)
        -> DecryptionShare
    {
        try check(ct)
        guard activeParties.contains(party) else {
            throw .invalidPartyID(party: party.value, reason: "not in the active set of this decryption")
        }
        let bound = try bound(for: ct)
        var h = try secret.withAdditiveEval(
            party: party, active: activeParties, limbCount: ct.limbCount, parameters: parameters,
            belowThreshold: belowThreshold
        ) { s in ct.polys[1].multiplied(byEvaluated: s) }
        var prg = try! ChaCha20Prg(seed: ChaCha20Prg.freshSeed())
        SmudgingSampler.add(to: &h, widthBits: bound.widthBits, prg: &prg)
        prg.erase()
        return DecryptionShare(
            parameters: parameters, party: party, keyFingerprint: keyFingerprint, ciphertextDigest: ct.shareDigest,
            activeDigest: activeDigest, ciphertexts: ciphertexts, h: h)
    }

    /// The sum of the shares of every active party for `ct`; refuses a missing, duplicated or foreign share
    /// (another study's key, another ciphertext, active set, site count or parameter set), naming the party.
    public func aggregate(_ shares: [DecryptionShare], for ct: Ciphertext) throws(RlweError) -> AggregatedDecryptionShare {
        try check(ct)
        let digest = ct.shareDigest
        let ordered = try checkedShares(
            shares, expected: activeParties, protocolName: Self.name, party: \.party,
            mismatch: { s in
                if s.parameters.fingerprint != parameters.fingerprint { return "parameter set" }
                if s.keyFingerprint != keyFingerprint { return "collective key" }
                if s.ciphertextDigest != digest { return "ciphertext" }
                if s.activeDigest != activeDigest { return "active party set" }
                if s.ciphertexts != ciphertexts { return "declared ciphertext count" }
                if s.h.limbCount != ct.limbCount { return "prime count" }
                return nil
            })
        var sum = ordered[0].h
        for s in ordered.dropFirst() { sum += s.h }
        return AggregatedDecryptionShare(parties: activeParties, ciphertextDigest: digest, h: sum)
    }

    /// The plaintext: round(t (c_0 + Σ h_i) / Q_l) mod t.
    public func finish(_ ct: Ciphertext, _ aggregate: AggregatedDecryptionShare) throws(RlweError) -> Plaintext {
        try check(ct)
        guard aggregate.ciphertextDigest == ct.shareDigest, aggregate.parties == activeParties else {
            throw .foreignShare(party: aggregate.parties.first?.value ?? 0, protocolName: Self.name, field: "ciphertext")
        }
        var x = aggregate.h
        x += ct.polys[0]
        return Decryptor.decode(phase: x, parameters: parameters)
    }

    /// ``aggregate(_:for:)`` then ``finish(_:_:)``.
    public func decrypt(_ ct: Ciphertext, shares: [DecryptionShare]) throws(RlweError) -> Plaintext {
        try finish(ct, aggregate(shares, for: ct))
    }
}
