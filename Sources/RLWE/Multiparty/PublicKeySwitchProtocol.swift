/// One party's share of a switch to an analyst's key: (h_0,i, h_1,i) = (s_i c_1 + u_i p'_0 + X_i, u_i p'_1 + e_1,i)
/// over the ciphertext's primes, u_i ternary, e_1,i centred binomial, X_i smudging noise. Public.
public struct PublicKeySwitchShare: Sendable {
    public let parameters: BfvParameters
    public let party: PartyID
    public let keyFingerprint: [UInt8]
    /// Fingerprint of the analyst's public key the share switches to.
    public let targetFingerprint: [UInt8]
    public let ciphertextDigest: [UInt8]
    public let activeDigest: [UInt8]
    public let ciphertexts: Int
    let h0: RnsPoly<Coeff>
    let h1: RnsPoly<Coeff>
}

/// Re-encryption to an analyst's own BFV public key (PCKS, Mouchet et al. 2021): the combiner adds the shares
/// to (c_0, 0) and obtains (c_0 + Σ h_0,i, Σ h_1,i), an encryption of the same plaintext under the analyst's key
/// at the ciphertext's level, from which it learns nothing; only the analyst decrypts it (``Decryptor``).
/// The analyst's key is a single-party key (``KeyGenerator``); its noise enters the bound
/// (``SmudgingBound``, `keySwitch`).
public struct PublicKeySwitchProtocol: Sendable {
    public static let name = "key switch to the analyst's key"
    public let decryption: DecryptionShareProtocol
    public let targetKey: PublicKey
    let targetFingerprint: [UInt8]

    /// As ``DecryptionShareProtocol/init(collectiveKey:keyParties:activeParties:ciphertexts:)``, switching to
    /// `targetKey`.
    public init(
        collectiveKey: PublicKey, targetKey: PublicKey, keyParties: Int, activeParties: [PartyID], ciphertexts: Int
    ) throws(RlweError) {
        guard targetKey.parameters.fingerprint == collectiveKey.parameters.fingerprint else {
            throw .parameterMismatch(
                expected: collectiveKey.parameters.fingerprintHex, found: targetKey.parameters.fingerprintHex)
        }
        decryption = try DecryptionShareProtocol(
            collectiveKey: collectiveKey, keyParties: keyParties, activeParties: activeParties, ciphertexts: ciphertexts)
        self.targetKey = targetKey
        targetFingerprint = targetKey.fingerprint
    }

    var parameters: BfvParameters { decryption.parameters }

    /// The share of `party` for `ct`.
    public func share(_ ct: Ciphertext, party: PartyID, secret: PartySecret) throws(RlweError) -> PublicKeySwitchShare {
        try decryption.check(ct)
        guard decryption.activeParties.contains(party) else {
            throw .invalidPartyID(party: party.value, reason: "not in the active set of this key switch")
        }
        let bound = try decryption.bound(for: ct, keySwitch: true)
        let l = ct.limbCount
        let n = parameters.degree
        var h0 = try secret.withAdditiveEval(
            party: party, active: decryption.activeParties, limbCount: l, parameters: parameters
        ) { s in ct.polys[1].multiplied(byEvaluated: s) }
        var prg = try! ChaCha20Prg(seed: ChaCha20Prg.freshSeed())
        let context = parameters.context(limbCount: l)
        var u = Samplers.poly(context: context, coefficients: Samplers.ternaryCoefficients(degree: n, prg: &prg))
            .forwardNtt()
        var a0 = (u * targetKey.p0.prefix(l)).inverseNtt()
        var h1 = (u * targetKey.p1.prefix(l)).inverseNtt()
        u.secureZero()
        h0 += a0
        a0.secureZero()
        h1 += Samplers.poly(context: context, coefficients: Samplers.errorCoefficients(degree: n, prg: &prg))
        SmudgingSampler.add(to: &h0, widthBits: bound.widthBits, prg: &prg)
        prg.erase()
        return PublicKeySwitchShare(
            parameters: parameters, party: party, keyFingerprint: decryption.keyFingerprint,
            targetFingerprint: targetFingerprint, ciphertextDigest: ct.shareDigest, activeDigest: decryption.activeDigest,
            ciphertexts: decryption.ciphertexts, h0: h0, h1: h1)
    }

    /// The ciphertext under the analyst's key from the shares of every active party; refuses a missing,
    /// duplicated or foreign share (another study, analyst key, ciphertext or active set), naming the party.
    public func combine(_ shares: [PublicKeySwitchShare], for ct: Ciphertext) throws(RlweError) -> Ciphertext {
        try decryption.check(ct)
        let digest = ct.shareDigest
        let ordered = try checkedShares(
            shares, expected: decryption.activeParties, protocolName: Self.name, party: \.party,
            mismatch: { s in
                if s.parameters.fingerprint != parameters.fingerprint { return "parameter set" }
                if s.keyFingerprint != decryption.keyFingerprint { return "collective key" }
                if s.targetFingerprint != targetFingerprint { return "analyst key" }
                if s.ciphertextDigest != digest { return "ciphertext" }
                if s.activeDigest != decryption.activeDigest { return "active party set" }
                if s.ciphertexts != decryption.ciphertexts { return "declared ciphertext count" }
                if s.h0.limbCount != ct.limbCount { return "prime count" }
                return nil
            })
        var c0 = ct.polys[0]
        var c1 = RnsPoly<Coeff>(zeroIn: ct.polys[0].context)
        for s in ordered {
            c0 += s.h0
            c1 += s.h1
        }
        return Ciphertext(parameters: parameters, polys: [c0, c1])
    }
}
