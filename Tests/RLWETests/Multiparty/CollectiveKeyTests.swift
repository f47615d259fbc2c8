import RLWE
import Testing

/// Collective key generation (CKG): the key every party derives, its relation to the sum of the secrets, and the
/// refusal of shares that do not belong.
@Suite struct CollectiveKeyTests {
    /// Every party combines the published shares in its own order (and from their bytes) and obtains the same
    /// key, byte for byte.
    @Test func everyPartyDerivesAByteIdenticalKey() throws {
        let study = try Study(.n4096, parties: 5)
        let ckg = PublicKeyGenProtocol(parameters: study.parameters, crs: study.crs)
        let reference = study.publicKey.serialized()
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<4 {
            let received = try study.shares.shuffled(using: &rng).map {
                try PublicKeyShare(serialized: $0.serialized(), parameters: study.parameters)
            }
            let key = try ckg.combine(received, parties: study.parties.shuffled(using: &rng))
            #expect(key.serialized() == reference)
            #expect(key.fingerprint == study.publicKey.fingerprint)
        }
        // A party that rebuilds the protocol from the manifest's seed gets the same key too.
        let again = PublicKeyGenProtocol(parameters: study.parameters, crs: try CommonReferenceString(seed: study.crs.seed))
        #expect(try again.combine(study.shares, parties: study.parties).serialized() == reference)
    }

    /// The combined key is the single-key formula (-(a s + e), a) for s = Σ s_i, with e = Σ e_i: p_0 + a s is
    /// small, within N times the error bound, with the variance of N errors; and the ordinary decryptor with s
    /// decrypts what sites encrypt under it.
    @Test(arguments: [1, 4])
    func keyIsTheSingleKeyFormulaForTheSumOfSecrets(parties: Int) throws {
        let study = try Study(.n4096, parties: parties)
        let e = study.publicKey.error(secretKey: study.collectiveSecret)
        let bound = Double(Samplers.errorBound * parties)
        #expect(e.allSatisfy { abs($0) <= bound })
        let variance = e.reduce(0.0) { $0 + $1 * $1 } / Double(e.count)
        let expected = Samplers.errorVariance * Double(parties)
        #expect(abs(variance - expected) < 0.1 * expected, "variance \(variance), expected \(expected)")
        // A secret that is not the sum leaves a uniform residue, not an error.
        let wrong = study.publicKey.error(secretKey: study.secrets[0])
        #expect(parties == 1 || !wrong.allSatisfy { abs($0) <= bound })
        let values = (0..<study.parameters.degree).map { UInt64($0 * 7919 % 65_536) }
        let ct = try Encryptor(publicKey: study.publicKey).encrypt(study.encoder.encode(values))
        #expect(try study.encoder.decode(Decryptor(secretKey: study.collectiveSecret).decrypt(ct)) == values)
    }

    /// A missing, duplicated or foreign share (another study's CRS, another preset, a party outside the list)
    /// is refused with the party named.
    @Test func sharesThatDoNotBelongAreRefused() throws {
        let study = try Study(.n4096, parties: 3)
        let ckg = PublicKeyGenProtocol(parameters: study.parameters, crs: study.crs)
        let s = study.shares
        #expect(throws: RlweError.missingShare(party: 2, protocolName: PublicKeyGenProtocol.name)) {
            try ckg.combine([s[0], s[2]], parties: study.parties)
        }
        #expect(throws: RlweError.duplicateShare(party: 1, protocolName: PublicKeyGenProtocol.name)) {
            try ckg.combine([s[0], s[1], s[2], s[0]], parties: study.parties)
        }
        let otherStudy = PublicKeyGenProtocol(parameters: study.parameters, crs: .fresh())
        let foreign = try otherStudy.share(party: study.parties[1], secretKey: study.secrets[1])
        #expect(throws: RlweError.foreignShare(party: 2, protocolName: PublicKeyGenProtocol.name, field: "common reference string")) {
            try ckg.combine([s[0], foreign, s[2]], parties: study.parties)
        }
        let outsider = try ckg.share(party: PartyID(9), secretKey: study.secrets[1])
        #expect(throws: RlweError.foreignShare(party: 9, protocolName: PublicKeyGenProtocol.name, field: "party list (not a member)")) {
            try ckg.combine(s + [outsider], parties: study.parties)
        }
        // Bytes of another kind or preset are refused before any arithmetic.
        #expect(throws: RlweError.self) {
            try PublicKeyShare(serialized: s[0].serialized(), parameters: .preset(.n8192))
        }
        #expect(throws: RlweError.self) {
            try PublicKeyShare(serialized: Array(s[0].serialized().dropLast()), parameters: study.parameters)
        }
        #expect(throws: RlweError.invalidPartyID(party: 0, reason: "party IDs start at 1")) { try PartyID(0) }
        #expect(throws: RlweError.self) { try ckg.combine(s, parties: study.parties + [study.parties[0]]) }
    }
}
