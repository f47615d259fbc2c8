import RLWE
import Testing

/// t-of-N threshold decryption from dealer-less Shamir sharing of the collective secret.
@Suite struct ThresholdTests {
    /// The threshold shares of every party after each has Shamir-shared its secret with every other.
    static func thresholdShares(_ study: Study, threshold: Int) throws -> (ThresholdProtocol, [PartyID: ThresholdSecretShare]) {
        let sharing = try ThresholdProtocol(parameters: study.parameters, parties: study.parties, threshold: threshold)
        let polynomials = try zip(study.parties, study.secrets).map { try sharing.polynomial(party: $0, secretKey: $1) }
        var result: [PartyID: ThresholdSecretShare] = [:]
        for recipient in study.parties {
            let received = try polynomials.map { try sharing.share($0, to: recipient) }.shuffled()
            result[recipient] = try sharing.aggregate(received, party: recipient)
        }
        return (sharing, result)
    }

    /// Several random sets of t (and t + 1) of N = 7 parties decrypt an aggregate exactly; t - 1 parties are
    /// refused, and their combination (forced) is not the plaintext.
    @Test func anyTOfNDecryptAndFewerDoNot() throws {
        let n = 7
        let t = 4
        let study = try Study(.n4096, parties: n)
        let (_, shares) = try Self.thresholdShares(study, threshold: t)
        let (ct, totals) = try study.aggregate(sites: 5, limbCount: 2, bound: 1 << 20)
        var rng = SystemRandomNumberGenerator()
        for size in [t, t, t, t + 1, n] {
            let active = Array(study.parties.shuffled(using: &rng).prefix(size))
            let d = try DecryptionShareProtocol(
                collectiveKey: study.publicKey, keyParties: n, activeParties: active, ciphertexts: 5)
            let decryptionShares = try active.map { try d.share(ct, party: $0, secret: .threshold(shares[$0]!)) }
            #expect(try study.encoder.decode(d.decrypt(ct, shares: decryptionShares)) == totals, "active \(active)")
        }
        for _ in 0..<3 {
            let active = Array(study.parties.shuffled(using: &rng).prefix(t - 1))
            let d = try DecryptionShareProtocol(
                collectiveKey: study.publicKey, keyParties: n, activeParties: active, ciphertexts: 5)
            #expect(throws: RlweError.invalidThreshold(threshold: t, parties: t - 1, reason: "too few active parties")) {
                try d.share(ct, party: active[0], secret: .threshold(shares[active[0]]!))
            }
            let forced = try active.map {
                try d.share(ct, party: $0, secret: .threshold(shares[$0]!), belowThreshold: true)
            }
            #expect(try study.encoder.decode(d.decrypt(ct, shares: forced)) != totals)
        }
    }

    /// The Lagrange-weighted shares of any t parties sum to the collective secret: their threshold decryption
    /// equals the additive one, and the Lagrange coefficients of a set sum to 1 modulo every prime.
    @Test func lagrangeCoefficientsReconstructAtZero() throws {
        let p = BfvParameters.preset(.n8192)
        let active = try [3, 8, 21, 1000].map { try PartyID($0) }
        let lambdas = try active.map { try ThresholdProtocol.lagrangeCoefficient(party: $0, active: active, parameters: p) }
        for (i, q) in p.coefficientModuli.enumerated() {
            let sum = lambdas.reduce(UInt64(0)) { ($0 + $1[i]) % q }
            #expect(sum == 1)  // interpolating the constant polynomial 1 at 0
        }
        #expect(throws: RlweError.self) {
            try ThresholdProtocol.lagrangeCoefficient(party: PartyID(5), active: active, parameters: p)
        }
    }

    /// Shamir shares travel as bytes; a missing, duplicated or foreign one (another sharing, another
    /// recipient) is refused, naming the sender.
    @Test func shamirSharesThatDoNotBelongAreRefused() throws {
        let study = try Study(.n4096, parties: 3)
        let sharing = try ThresholdProtocol(parameters: study.parameters, parties: study.parties, threshold: 2)
        let polys = try zip(study.parties, study.secrets).map { try sharing.polynomial(party: $0, secretKey: $1) }
        let me = study.parties[0]
        let received = try polys.map { try ShamirShare(serialized: sharing.share($0, to: me).serialized(), parameters: study.parameters) }
        let name = ThresholdProtocol.name
        _ = try sharing.aggregate(received, party: me)
        #expect(throws: RlweError.missingShare(party: 3, protocolName: name)) {
            try sharing.aggregate(Array(received.prefix(2)), party: me)
        }
        #expect(throws: RlweError.duplicateShare(party: 2, protocolName: name)) {
            try sharing.aggregate(received + [received[1]], party: me)
        }
        let misrouted = try sharing.share(polys[1], to: study.parties[2])
        #expect(throws: RlweError.foreignShare(party: 2, protocolName: name, field: "recipient")) {
            try sharing.aggregate([received[0], misrouted, received[2]], party: me)
        }
        let other = try ThresholdProtocol(parameters: study.parameters, parties: study.parties, threshold: 3)
        let otherShare = try other.share(other.polynomial(party: study.parties[2], secretKey: study.secrets[2]), to: me)
        #expect(throws: RlweError.foreignShare(party: 3, protocolName: name, field: "sharing (threshold or party list)")) {
            try sharing.aggregate([received[0], received[1], otherShare], party: me)
        }
        #expect(throws: RlweError.self) { try ThresholdProtocol(parameters: study.parameters, parties: study.parties, threshold: 4) }
    }
}
