import RLWE

/// A study of `count` parties: their secret keys, the CRS and the collective public key from their shares.
struct Study: Sendable {
    let parameters: BfvParameters
    let crs: CommonReferenceString
    let parties: [PartyID]
    let secrets: [SecretKey]
    let shares: [PublicKeyShare]
    let publicKey: PublicKey

    init(_ preset: BfvPreset, parties count: Int) throws {
        parameters = BfvParameters.preset(preset)
        crs = CommonReferenceString.fresh()
        parties = PartyID.first(count)
        secrets = (0..<count).map { _ in KeyGenerator(parameters: BfvParameters.preset(preset)).secretKey }
        let ckg = PublicKeyGenProtocol(parameters: parameters, crs: crs)
        shares = try zip(parties, secrets).map { try ckg.share(party: $0, secretKey: $1) }
        publicKey = try ckg.combine(shares, parties: parties)
    }

    var collectiveSecret: SecretKey { SecretKey.sum(secrets) }
    var encoder: BatchEncoder { BatchEncoder(parameters: parameters) }

    /// `sites` encryptions of random values below `bound` under the collective key, switched to `limbCount`
    /// primes as sites do before transport, and their sum; with the expected slot totals.
    func aggregate(sites: Int, limbCount: Int, bound: UInt64) throws -> (Ciphertext, [UInt64]) {
        var rng = SystemRandomNumberGenerator()
        let evaluator = Evaluator(parameters: parameters)
        let encryptor = Encryptor(publicKey: publicKey)
        var totals = [UInt64](repeating: 0, count: parameters.degree)
        var cts: [Ciphertext] = []
        for _ in 0..<sites {
            let values = (0..<parameters.degree).map { _ in UInt64.random(in: 0..<bound, using: &rng) }
            for j in values.indices { totals[j] += values[j] }
            cts.append(try evaluator.modSwitch(encryptor.encrypt(encoder.encode(values)), toLimbCount: limbCount))
        }
        return (try evaluator.sum(cts), totals)
    }

    /// Every active party's decryption share of `ct`.
    func shares(_ ct: Ciphertext, decryption: DecryptionShareProtocol) throws -> [DecryptionShare] {
        try decryption.activeParties.map { p in
            try decryption.share(ct, party: p, secret: .additive(secrets[Int(p.value) - 1]))
        }
    }
}
