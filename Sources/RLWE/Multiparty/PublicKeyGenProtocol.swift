/// One party's share of the collective public key: p_0,i = -(a s_i + e_i) over the data primes (evaluation
/// form), with a expanded from the study's ``CommonReferenceString``. Public.
public struct PublicKeyShare: Sendable, Equatable {
    public let parameters: BfvParameters
    public let party: PartyID
    /// The study's CRS digest: a share made for another study is refused by name.
    public let crsDigest: [UInt8]
    let p0: RnsPoly<Eval>

    public static func == (a: PublicKeyShare, b: PublicKeyShare) -> Bool {
        a.parameters.fingerprint == b.parameters.fingerprint && a.party == b.party && a.crsDigest == b.crsDigest
            && a.p0 == b.p0
    }
}

/// Collective key generation (CKG of Mouchet, Troncoso-Pastoriza, Bossuat and Hubaux, PoPETs 2021(4)): every
/// party publishes p_0,i = -(a s_i + e_i) for the common a; the sum Σ p_0,i = -(a s + e) with s = Σ s_i and
/// e = Σ e_i, paired with a, is an ordinary BFV public key for the secret s that no party holds. Sites encrypt
/// under it with ``Encryptor`` as under any public key.
///
/// Combining is a sum modulo every prime, so the key is byte-identical whatever order the shares arrive in;
/// every party recomputes it and compares ``PublicKey/fingerprint``.
public struct PublicKeyGenProtocol: Sendable {
    public static let name = "public-key generation"
    public let parameters: BfvParameters
    public let crs: CommonReferenceString
    /// The seed of a, derived from the CRS: it is the public key's seed, so the key serialises as usual.
    let aSeed: [UInt8]
    let a: RnsPoly<Eval>

    public init(parameters: BfvParameters, crs: CommonReferenceString) {
        self.parameters = parameters
        self.crs = crs
        aSeed = crs.derivedSeed(label: 1)
        var prg = try! ChaCha20Prg(seed: aSeed)
        a = Samplers.uniform(context: parameters.context(limbCount: parameters.maxLimbCount), prg: &prg)
    }

    /// The share of `party` holding `secretKey` (its own s_i, from ``KeyGenerator/init(parameters:)``): fresh
    /// error e_i from the operating system's CSPRNG, zeroed once used.
    public func share(party: PartyID, secretKey: SecretKey) throws(RlweError) -> PublicKeyShare {
        guard secretKey.parameters.fingerprint == parameters.fingerprint else {
            throw .parameterMismatch(expected: parameters.fingerprintHex, found: secretKey.parameters.fingerprintHex)
        }
        try party.validate(for: parameters)
        let top = parameters.context(limbCount: parameters.maxLimbCount)
        var ePrg = try! ChaCha20Prg(seed: ChaCha20Prg.freshSeed())
        var e = Samplers.poly(context: top, coefficients: Samplers.errorCoefficients(degree: parameters.degree, prg: &ePrg))
            .forwardNtt()
        ePrg.erase()
        var p0 = try secretKey.withEval(limbCount: top.limbCount) { s in a * s }
        p0 += e
        e.secureZero()
        p0.negate()
        return PublicKeyShare(parameters: parameters, party: party, crsDigest: crs.digest, p0: p0)
    }

    /// The collective public key from the shares of exactly `parties`: refuses a missing, duplicated or foreign
    /// share (another study's CRS, another parameter set, a party not in the list), naming the party.
    public func combine(_ shares: [PublicKeyShare], parties: [PartyID]) throws(RlweError) -> PublicKey {
        try finish(aggregate(shares, parties: parties))
    }

    /// The sum of the shares of exactly `parties`, checked as in ``combine(_:parties:)``: itself a share (with
    /// the lowest party's ID), so that sums of subsets can be combined further up a tree.
    public func aggregate(_ shares: [PublicKeyShare], parties: [PartyID]) throws(RlweError) -> PublicKeyShare {
        let expected = try PartyID.validated(parties, for: parameters)
        let ordered = try checkedShares(
            shares, expected: expected, protocolName: Self.name, party: \.party,
            mismatch: { s in
                if s.parameters.fingerprint != parameters.fingerprint { return "parameter set" }
                if s.crsDigest != crs.digest { return "common reference string" }
                return nil
            })
        var sum = ordered[0].p0
        for s in ordered.dropFirst() { sum += s.p0 }
        return PublicKeyShare(parameters: parameters, party: expected[0], crsDigest: crs.digest, p0: sum)
    }

    /// The public key (Σ p_0,i, a) from an aggregated share.
    public func finish(_ aggregate: PublicKeyShare) throws(RlweError) -> PublicKey {
        guard aggregate.parameters.fingerprint == parameters.fingerprint, aggregate.crsDigest == crs.digest else {
            throw .foreignShare(party: aggregate.party.value, protocolName: Self.name, field: "common reference string")
        }
        return PublicKey(parameters: parameters, p0: aggregate.p0, p1: a, seed: aSeed)
    }
}
