import Foundation
import RLWE
import Testing

/// Collective decryption (CKS to the zero key) and re-encryption to an analyst's key (PCKS).
@Suite struct DecryptionShareTests {
    static let sites = 100

    /// The smallest preset, and its fewest primes, at which `parties` parties decrypt a `sites`-site aggregate.
    static func smallestSetting(parties: Int) -> (BfvPreset, Int)? {
        for p in BfvPreset.allCases {
            if let l = SmudgingBound.smallestLimbCount(parameters: .preset(p), parties: parties, ciphertexts: sites) {
                return (p, l)
            }
        }
        return nil
    }

    /// 3, 10 and 100 parties decrypt the sum of 100 site encryptions under their collective key exactly, at the
    /// level sites switch their ciphertexts to (the fewest primes that leave room for the smudging).
    @Test(arguments: [3, 10, 100])
    func partiesDecryptAHundredSiteAggregate(parties: Int) throws {
        let (preset, limbs) = try #require(Self.smallestSetting(parties: parties))
        let study = try Study(preset, parties: parties)
        let (aggregate, totals) = try study.aggregate(sites: Self.sites, limbCount: limbs, bound: 1 << 20)
        let decryption = try DecryptionShareProtocol(
            collectiveKey: study.publicKey, keyParties: parties, activeParties: study.parties, ciphertexts: Self.sites)
        let shares = try study.shares(aggregate, decryption: decryption).shuffled()
        let received = try shares.map { try DecryptionShare(serialized: $0.serialized(), parameters: study.parameters) }
        #expect(try study.encoder.decode(decryption.decrypt(aggregate, shares: received)) == totals)
    }

    /// A ciphertext switched to one prime leaves too little room for smudging at every preset: refused, with
    /// the bits needed and available.
    @Test func tooLittleRoomIsRefusedWithTheNumbers() throws {
        let study = try Study(.n4096, parties: 3)
        let (aggregate, _) = try study.aggregate(sites: 2, limbCount: 1, bound: 100)
        let decryption = try DecryptionShareProtocol(
            collectiveKey: study.publicKey, keyParties: 3, activeParties: study.parties, ciphertexts: 2)
        let error = #expect(throws: RlweError.self) {
            try decryption.share(aggregate, party: study.parties[0], secret: .additive(study.secrets[0]))
        }
        guard case let .insufficientNoiseRoom(limbCount, parties, ciphertexts, needed, available)? = error else {
            Issue.record("expected insufficientNoiseRoom, got \(String(describing: error))")
            return
        }
        #expect(limbCount == 1 && parties == 3 && ciphertexts == 2)
        #expect(needed > available && available > 20)
        for p in BfvPreset.allCases {
            #expect(SmudgingBound.maximumParties(parameters: .preset(p), limbCount: 1, ciphertexts: 1) == 0)
        }
    }

    /// Combining refuses a missing, duplicated or foreign share (another ciphertext, another study, another
    /// active set), naming the party.
    @Test func sharesThatDoNotBelongAreRefused() throws {
        let study = try Study(.n4096, parties: 3)
        let (ct, _) = try study.aggregate(sites: 2, limbCount: 2, bound: 100)
        let (other, _) = try study.aggregate(sites: 2, limbCount: 2, bound: 100)
        let d = try DecryptionShareProtocol(
            collectiveKey: study.publicKey, keyParties: 3, activeParties: study.parties, ciphertexts: 2)
        let s = try study.shares(ct, decryption: d)
        let name = DecryptionShareProtocol.name
        #expect(throws: RlweError.missingShare(party: 3, protocolName: name)) { try d.decrypt(ct, shares: [s[0], s[1]]) }
        #expect(throws: RlweError.duplicateShare(party: 2, protocolName: name)) { try d.decrypt(ct, shares: s + [s[1]]) }
        let wrongCiphertext = try d.share(other, party: study.parties[1], secret: .additive(study.secrets[1]))
        #expect(throws: RlweError.foreignShare(party: 2, protocolName: name, field: "ciphertext")) {
            try d.decrypt(ct, shares: [s[0], wrongCiphertext, s[2]])
        }
        let otherStudy = try Study(.n4096, parties: 3)
        let d2 = try DecryptionShareProtocol(
            collectiveKey: otherStudy.publicKey, keyParties: 3, activeParties: otherStudy.parties, ciphertexts: 2)
        let foreign = try d2.share(ct, party: study.parties[2], secret: .additive(otherStudy.secrets[2]))
        #expect(throws: RlweError.foreignShare(party: 3, protocolName: name, field: "collective key")) {
            try d.decrypt(ct, shares: [s[0], s[1], foreign])
        }
        let d3 = try DecryptionShareProtocol(
            collectiveKey: study.publicKey, keyParties: 3, activeParties: study.parties, ciphertexts: 5)
        let miscounted = try d3.share(ct, party: study.parties[0], secret: .additive(study.secrets[0]))
        #expect(throws: RlweError.foreignShare(party: 1, protocolName: name, field: "declared ciphertext count")) {
            try d.decrypt(ct, shares: [miscounted, s[1], s[2]])
        }
        #expect(throws: RlweError.self) {
            try DecryptionShare(serialized: Array(s[0].serialized().dropLast(3)), parameters: study.parameters)
        }
        #expect(throws: RlweError.self) { try d.share(ct, party: PartyID(7), secret: .additive(study.secrets[0])) }
    }

    /// The combined smudging noise Σ X_i, measured over 1,000 decryptions (64 coefficients of each), has the
    /// standard deviation `SmudgingBound.combinedStandardDeviation` states, within 10%; and never exceeds its
    /// tail bound.
    @Test func smudgingNoiseHasTheStatedDeviation() throws {
        let study = try Study(.n4096, parties: 3)
        let secret = study.collectiveSecret
        let (ct, _) = try study.aggregate(sites: 1, limbCount: 2, bound: 1000)
        let d = try DecryptionShareProtocol(
            collectiveKey: study.publicKey, keyParties: 3, activeParties: study.parties, ciphertexts: 1)
        let bound = try d.bound(for: ct)
        var sum = 0.0
        var squares = 0.0
        var count = 0.0
        var largest = 0.0
        for _ in 0..<1000 {
            let aggregate = try d.aggregate(try study.shares(ct, decryption: d), for: ct)
            #expect(try study.encoder.decode(d.finish(ct, aggregate)).count == study.parameters.degree)
            for x in d.combinedSmudging(ct, aggregate, collectiveSecret: secret, count: 64) {
                sum += x
                squares += x * x
                count += 1
                largest = max(largest, abs(x))
            }
        }
        let mean = sum / count
        let sd = (squares / count - mean * mean).squareRoot()
        let stated = bound.combinedStandardDeviation
        print("smudging over \(Int(count)) coefficients of 1000 decryptions: sd \(sd), stated \(stated), ratio \(sd / stated)")
        #expect(abs(sd - stated) < 0.1 * stated, "measured \(sd), stated \(stated)")
        #expect(abs(mean) < 0.05 * stated)
        #expect(largest <= Foundation.pow(2.0, bound.log2SmudgingTail))
    }

    /// PCKS: the parties re-encrypt the aggregate to an analyst's own key; the analyst decrypts it exactly with
    /// its single key, and a share of another analyst key is refused.
    @Test func analystDecryptsTheSwitchedCiphertext() throws {
        let study = try Study(.n4096, parties: 4)
        let analyst = KeyGenerator(parameters: study.parameters)
        let (aggregate, totals) = try study.aggregate(sites: 10, limbCount: 2, bound: 1 << 20)
        let pcks = try PublicKeySwitchProtocol(
            collectiveKey: study.publicKey, targetKey: analyst.publicKey(), keyParties: 4,
            activeParties: study.parties, ciphertexts: 10)
        let shares = try study.parties.map { p in
            try pcks.share(aggregate, party: p, secret: .additive(study.secrets[Int(p.value) - 1]))
        }
        let received = try shares.reversed().map {
            try PublicKeySwitchShare(serialized: $0.serialized(), parameters: study.parameters)
        }
        let switched = try pcks.combine(received, for: aggregate)
        #expect(switched.limbCount == aggregate.limbCount)
        #expect(try study.encoder.decode(Decryptor(secretKey: analyst.secretKey).decrypt(switched)) == totals)
        // The collective secret does not decrypt it.
        #expect(try study.encoder.decode(Decryptor(secretKey: study.collectiveSecret).decrypt(switched)) != totals)
        let otherAnalyst = try PublicKeySwitchProtocol(
            collectiveKey: study.publicKey, targetKey: KeyGenerator(parameters: study.parameters).publicKey(),
            keyParties: 4, activeParties: study.parties, ciphertexts: 10)
        let foreign = try otherAnalyst.share(aggregate, party: study.parties[0], secret: .additive(study.secrets[0]))
        #expect(throws: RlweError.foreignShare(party: 1, protocolName: PublicKeySwitchProtocol.name, field: "analyst key")) {
            try pcks.combine([foreign] + shares.dropFirst(), for: aggregate)
        }
    }
}
