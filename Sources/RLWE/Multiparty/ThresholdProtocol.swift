import Crypto

/// Owner of secret polynomials (Shamir coefficients and shares): zeroes them when the last copy goes away, like
/// the secret key's storage. Immutable while shared.
final class SecretPolys: @unchecked Sendable {
    // `var` only so that `deinit` can zero them.
    private(set) var polys: [RnsPoly<Eval>]

    init(_ polys: [RnsPoly<Eval>]) { self.polys = polys }

    deinit { for i in polys.indices { polys[i].secureZero() } }
}

/// A party's secret Shamir polynomial f_i(X) = s_i + a_1 X + ... + a_(t-1) X^(t-1), a_k uniform over R_Q (the data
/// primes, evaluation form; X ranges over Z_Q, evaluated prime by prime). Secret; kept only until its shares
/// are sent.
public struct ShamirPolynomial: Sendable {
    public let party: PartyID
    let storage: SecretPolys
}

/// What one party sends another over a private, authenticated channel: f_from(id_to). Secret: it must travel
/// encrypted (to the recipient), never in clear.
public struct ShamirShare: Sendable {
    public let parameters: BfvParameters
    public let from: PartyID
    public let to: PartyID
    /// Digest of the sharing (threshold and the full party list): a share of another sharing is refused.
    public let sharingDigest: [UInt8]
    let value: RnsPoly<Eval>
}

/// A party's share S_j = Σ_i f_i(id_j) = F(id_j) of the collective secret s = F(0), F = Σ_i f_i. Any t parties
/// recover additive shares of s from it (``additiveShare(active:limbCount:)``); fewer learn nothing about s.
/// Secret.
public struct ThresholdSecretShare: Sendable {
    public let parameters: BfvParameters
    public let party: PartyID
    public let threshold: Int
    public let sharingDigest: [UInt8]
    let storage: SecretPolys

    /// λ_j S_j over the first `limbCount` primes, λ_j the Lagrange coefficient of this party for `active` at 0:
    /// Σ over the active parties of these equals s whenever at least t of them are active.
    func additiveShare(active: [PartyID], limbCount: Int) throws(RlweError) -> RnsPoly<Eval> {
        let lambda = try ThresholdProtocol.lagrangeCoefficient(party: party, active: active, parameters: parameters)
        var s = storage.polys[0].prefix(limbCount)
        s.multiply(byResidues: Array(lambda.prefix(limbCount)))
        return s
    }
}

/// Dealer-less t-of-N threshold sharing of the collective secret (Mouchet, Bertrand and Hubaux, J. Cryptology
/// 36:10, 2023): every party Shamir-shares its own s_i with a random polynomial of degree t - 1 whose constant
/// term is s_i; each party sums what it receives into F(id_j) for F = Σ f_i, whose constant term is
/// s = Σ s_i. No one ever holds s or F. For an active set T of at least t parties, party j's additive share is
/// λ_j F(id_j) with λ_j = Π_(k ∈ T, k ≠ j) id_k / (id_k - id_j), computed modulo each prime; these sum to s,
/// and ``DecryptionShareProtocol`` uses them in place of the s_i.
public struct ThresholdProtocol: Sendable {
    public static let name = "threshold sharing"
    public let parameters: BfvParameters
    /// Every party of the key (N), sorted.
    public let parties: [PartyID]
    public let threshold: Int
    let sharingDigest: [UInt8]

    public init(parameters: BfvParameters, parties: [PartyID], threshold: Int) throws(RlweError) {
        self.parameters = parameters
        self.parties = try PartyID.validated(parties, for: parameters)
        guard threshold >= 1, threshold <= parties.count else {
            throw .invalidThreshold(threshold: threshold, parties: parties.count, reason: "need 1 <= t <= N")
        }
        self.threshold = threshold
        // SHA-256 of "he-toolkit/bfv/sharing/v1" ‖ party-list digest ‖ t (u16) ‖ parameter fingerprint.
        let tag = Array("he-toolkit/bfv/sharing/v1".utf8) + partyListDigest(self.parties)
            + [UInt8(truncatingIfNeeded: threshold), UInt8(truncatingIfNeeded: threshold >> 8)] + parameters.fingerprint
        sharingDigest = Array(SHA256.hash(data: tag))
    }

    /// The Shamir polynomial of `party` for its secret key s_i, with fresh uniform coefficients.
    public func polynomial(party: PartyID, secretKey: SecretKey) throws(RlweError) -> ShamirPolynomial {
        guard parties.contains(party) else { throw .invalidPartyID(party: party.value, reason: "not a party of this sharing") }
        guard secretKey.parameters.fingerprint == parameters.fingerprint else {
            throw .parameterMismatch(expected: parameters.fingerprintHex, found: secretKey.parameters.fingerprintHex)
        }
        let top = parameters.context(limbCount: parameters.maxLimbCount)
        var polys = [try secretKey.withEval(limbCount: top.limbCount) { s in s }]
        var prg = try! ChaCha20Prg(seed: ChaCha20Prg.freshSeed())
        for _ in 1..<threshold { polys.append(Samplers.uniform(context: top, prg: &prg)) }
        prg.erase()
        return ShamirPolynomial(party: party, storage: SecretPolys(polys))
    }

    /// f_from(id_to) for the recipient `to` (Horner's rule prime by prime).
    public func share(_ polynomial: ShamirPolynomial, to recipient: PartyID) throws(RlweError) -> ShamirShare {
        guard parties.contains(recipient) else {
            throw .invalidPartyID(party: recipient.value, reason: "not a party of this sharing")
        }
        let coefficients = polynomial.storage.polys
        let context = coefficients[0].context
        let x = context.moduli.map { $0.reduce(UInt64(recipient.value)) }
        var acc = coefficients[coefficients.count - 1]
        for k in stride(from: coefficients.count - 2, through: 0, by: -1) {
            acc.multiply(byResidues: x)
            acc += coefficients[k]
        }
        return ShamirShare(parameters: parameters, from: polynomial.party, to: recipient, sharingDigest: sharingDigest, value: acc)
    }

    /// `party`'s threshold share from the shares every party sent it (its own included); refuses a missing,
    /// duplicated or foreign share (another sharing, another recipient), naming the sender.
    public func aggregate(_ received: [ShamirShare], party: PartyID) throws(RlweError) -> ThresholdSecretShare {
        guard parties.contains(party) else { throw .invalidPartyID(party: party.value, reason: "not a party of this sharing") }
        let ordered = try checkedShares(
            received, expected: parties, protocolName: Self.name, party: \.from,
            mismatch: { s in
                if s.parameters.fingerprint != parameters.fingerprint { return "parameter set" }
                if s.sharingDigest != sharingDigest { return "sharing (threshold or party list)" }
                if s.to != party { return "recipient" }
                return nil
            })
        var sum = ordered[0].value
        for s in ordered.dropFirst() { sum += s.value }
        return ThresholdSecretShare(
            parameters: parameters, party: party, threshold: threshold, sharingDigest: sharingDigest,
            storage: SecretPolys([sum]))
    }

    /// λ_party = Π_(k ∈ active, k ≠ party) id_k / (id_k - id_party) modulo each data prime.
    public static func lagrangeCoefficient(party: PartyID, active: [PartyID], parameters: BfvParameters) throws(RlweError)
        -> [UInt64]
    {
        let set = try PartyID.validated(active, for: parameters)
        guard set.contains(party) else { throw .invalidPartyID(party: party.value, reason: "not in the active set") }
        return parameters.context(limbCount: parameters.maxLimbCount).moduli.map { q in
            var numerator: UInt64 = 1
            var denominator: UInt64 = 1
            let j = q.reduce(UInt64(party.value))
            for k in set where k != party {
                let x = q.reduce(UInt64(k.value))
                numerator = q.multiply(numerator, x)
                denominator = q.multiply(denominator, q.subtract(x, j))
            }
            // Nonzero: IDs are distinct and nonzero modulo q (validated).
            return q.multiply(numerator, q.inverse(denominator)!)
        }
    }
}
