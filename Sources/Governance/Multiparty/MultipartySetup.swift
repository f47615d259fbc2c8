import HEFiles

// The multi-party section of a study manifest (docs/FORMAT.md, "Study manifest"; docs/MULTIPARTY.md): the BFV
// parameters, the 32-byte common random seed of the collective key, the decryption parties and the threshold.

extension StudyManifest {
    /// The decryption parties of a multi-party BFV study.
    public struct Multiparty: Sendable, Hashable {
        /// One decryption party: its name, its numeric ID in the protocols (1...N, in the order of names) and its keys.
        public struct Party: Sendable, Hashable {
            public var name: String
            public var id: UInt32
            public var key: PartyPublicKey
            public init(name: String, id: UInt32, key: PartyPublicKey) { self.name = name; self.id = id; self.key = key }
        }

        /// The BFV parameters field (docs/FORMAT.md) of the study's keys.
        public var parameters: [UInt8]
        /// The common random seed from which every party expands the same public polynomial.
        public var seed: [UInt8]
        /// How many parties must take part in a decryption; equal to the number of parties for N-of-N.
        public var threshold: UInt32
        /// Sorted by name; IDs 1...N in that order.
        public private(set) var parties: [Party]

        /// Parties named `keys` (assigned IDs in the order of their names); refuses duplicates, fewer than 2
        /// parties and a threshold outside 1...N (a threshold of 1 would let any one party decrypt: at least 2).
        public init(parameters: [UInt8], seed: [UInt8], threshold: UInt32,
                    parties keys: [(name: String, key: PartyPublicKey)]) throws(GovernanceError) {
            let sorted = keys.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
            for (a, b) in zip(sorted, sorted.dropFirst()) where a.name == b.name {
                throw .multipartyInvalid(reason: "party '\(a.name)' is named twice")
            }
            for p in sorted {
                if let problem = SiteID.problem(p.name) { throw .multipartyInvalid(reason: "party name '\(p.name)': \(problem)") }
            }
            guard sorted.count >= 2 else {
                throw .multipartyInvalid(reason: "a multi-party study needs at least 2 parties, \(sorted.count) given")
            }
            guard threshold >= 2, threshold <= sorted.count else {
                throw .multipartyInvalid(reason: "the threshold \(threshold) is outside 2...\(sorted.count) (the number of parties)")
            }
            guard seed.count == 32 else { throw .multipartyInvalid(reason: "the common seed has \(seed.count) bytes, not 32") }
            self.parameters = parameters
            self.seed = seed
            self.threshold = threshold
            self.parties = sorted.enumerated().map { Party(name: $0.element.name, id: UInt32($0.offset + 1), key: $0.element.key) }
        }

        public func party(_ name: String) -> Party? { parties.first { $0.name == name } }
        public func party(id: UInt32) -> Party? { parties.first { $0.id == id } }
        public var isThreshold: Bool { Int(threshold) < parties.count }
    }

    /// The next version with the study's encryption key set to `fingerprint` (a multi-party study's collective
    /// key, known only once the parties' shares are combined), chained to `previous`.
    public func settingEncryptionKey(_ fingerprint: Fingerprint, after previous: SignedManifest) throws(GovernanceError) -> StudyManifest {
        guard encryptionKeyFingerprint == .zero else {
            throw .multipartyInvalid(reason: "the study's encryption key is already set (\(encryptionKeyFingerprint.hex)); a study keeps its key")
        }
        var next = self
        next.version = version + 1
        next.previousDigest = previous.digest
        next.encryptionKeyFingerprint = fingerprint
        return next
    }
}

extension ManifestCodec {
    static func encodeMultiparty(_ mp: StudyManifest.Multiparty, into w: inout HEFiles.ByteWriter) {
        w.blob(mp.parameters)
        w.raw(mp.seed)
        w.u32(mp.threshold)
        w.u32(UInt32(mp.parties.count))
        for p in mp.parties {
            w.string(p.name)
            w.u32(p.id)
            w.raw(p.key.signing.rawBytes)
            w.raw(p.key.agreement)
        }
    }

    static func decodeMultiparty(_ r: inout HEFiles.ByteReader<GovernanceError>, path: String) throws(GovernanceError) -> StudyManifest.Multiparty {
        func bad(_ reason: String) -> GovernanceError { .manifestDamaged(path: path, reason: reason) }
        let parameters = try r.blob("multi-party parameters", maxLength: 1 << 12)
        let seed = try r.raw(32, "multi-party seed")
        let threshold = try r.u32("multi-party threshold")
        let count = Int(try r.u32("multi-party party count"))
        guard count <= maxEntries else { throw bad("multi-party party count: \(count) parties") }
        var keys: [(name: String, key: PartyPublicKey)] = []
        for i in 0 ..< count {
            let name = try r.string("party \(i + 1) name", maxLength: SiteID.maxLength)
            let id = try r.u32("party \(i + 1) ID")
            guard id == UInt32(i + 1) else { throw bad("party \(i + 1) ID: \(id), expected \(i + 1)") }
            let signing = try r.raw(32, "party \(i + 1) signing key")
            let agreement = try r.raw(32, "party \(i + 1) agreement key")
            guard let s = try? SigningPublicKey(rawBytes: signing), let key = try? PartyPublicKey(signing: s, agreement: agreement) else {
                throw bad("keys of party '\(name)' are not Ed25519 and X25519 public keys")
            }
            if let last = keys.last, !last.name.utf8.lexicographicallyPrecedes(name.utf8) {
                throw bad("parties: names not sorted or repeated ('\(name)')")
            }
            keys.append((name, key))
        }
        do {
            return try StudyManifest.Multiparty(parameters: parameters, seed: seed, threshold: threshold, parties: keys)
        } catch {
            throw bad("multi-party section: \(error)")
        }
    }
}
