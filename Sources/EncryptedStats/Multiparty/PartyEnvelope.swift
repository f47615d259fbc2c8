import Crypto
import Governance
import HEFiles

// The last chunk of every file a decryption party publishes (docs/MULTIPARTY.md, "Files"): what the file is,
// whose it is, what it refers to, the digest of the other chunks, and the party's Ed25519 signature over all of
// it. A file whose chunks or header were changed, or that another party signed, is refused by name.

struct PartyEnvelope: Sendable, Equatable {
    static let magic: [UInt8] = Array("HEPE".utf8)
    /// Signed before the fields: the signature cannot be taken for one over any other toolkit message.
    static let context: [UInt8] = Array("he-toolkit party file v1".utf8) + [0]

    var kind: ContentKind
    var study: String
    var party: String
    var partyID: UInt32
    /// The public-key fingerprint written in the header (the collective key; zero before it exists).
    var keyFingerprint: Fingerprint
    /// What the file refers to: the common seed's digest (key shares, Shamir shares) or the content digest of the
    /// aggregate (decryption shares).
    var subject: Fingerprint
    /// The recipient: a party name (Shamir shares), the analyst key's fingerprint (key-switch shares), or "".
    var recipient: String
    /// The active parties of a decryption share, sorted; empty otherwise.
    var active: [String]
    /// SHA-256 over the SHA-256 digests of the other chunks, in order.
    var payloadDigest: Fingerprint

    static func payloadDigest(_ chunks: [[UInt8]]) -> Fingerprint {
        var h = SHA256()
        for c in chunks { h.update(data: Array(SHA256.hash(data: c))) }
        return Fingerprint(sha256Of: Array(h.finalize()))
    }

    var body: [UInt8] {
        var w = ByteWriter()
        w.raw(Self.magic)
        w.u16(1)
        w.u8(kind.rawValue)
        w.u8(0)
        w.string(study)
        w.string(party)
        w.u32(partyID)
        w.raw(keyFingerprint.bytes)
        w.raw(subject.bytes)
        w.string(recipient)
        w.strings(active)
        w.raw(payloadDigest.bytes)
        return w.bytes
    }

    func signed(with key: SigningSecretKey) throws(EncryptedStatsError) -> [UInt8] {
        let b = body
        return b + (try governance { () throws(GovernanceError) in try key.signature(for: Self.context + b) })
    }

    /// Decodes the envelope chunk of the file at `path` (for messages).
    init(decoding bytes: [UInt8], path: String) throws(EncryptedStatsError) {
        var r = ByteReader(bytes) { field, reason in EncryptedStatsError.party(path: path, reason: "envelope \(field): \(reason)") }
        guard try r.raw(4, "magic") == Self.magic else { throw .party(path: path, reason: "the last chunk is not a party envelope") }
        guard try r.u16("version") == 1 else { throw .party(path: path, reason: "unknown envelope version") }
        let code = try r.u8("kind")
        guard let kind = ContentKind(rawValue: code), try r.u8("reserved") == 0 else {
            throw .party(path: path, reason: "envelope kind \(code) is not known")
        }
        self.kind = kind
        study = try r.string("study")
        party = try r.string("party")
        partyID = try r.u32("party ID")
        keyFingerprint = Fingerprint(unchecked: try r.raw(32, "key fingerprint"))
        subject = Fingerprint(unchecked: try r.raw(32, "subject"))
        recipient = try r.string("recipient")
        active = try r.strings("active parties")
        payloadDigest = Fingerprint(unchecked: try r.raw(32, "payload digest"))
        guard r.remaining == 64 else { throw .party(path: path, reason: "the envelope's signature has \(r.remaining) bytes, not 64") }
    }

    init(kind: ContentKind, study: String, party: String, partyID: UInt32, keyFingerprint: Fingerprint, subject: Fingerprint,
         recipient: String = "", active: [String] = [], payloadDigest: Fingerprint) {
        self.kind = kind; self.study = study; self.party = party; self.partyID = partyID
        self.keyFingerprint = keyFingerprint; self.subject = subject; self.recipient = recipient; self.active = active
        self.payloadDigest = payloadDigest
    }
}

/// A party file read and checked: the header, its payload chunks and its verified envelope.
struct PartyFile: Sendable {
    var path: String
    var header: ContainerHeader
    var payload: [[UInt8]]
    var envelope: PartyEnvelope
    var party: StudyManifest.Multiparty.Party

    /// Reads the file at `path` of `kind` and verifies it against the study: the envelope names a party of the
    /// manifest and carries its valid signature over the header's identity and the payload; the study and the
    /// BFV parameters are the manifest's.
    static func read(_ path: String, kind: ContentKind, manifest: SignedManifest, secret: Bool = false) throws(EncryptedStatsError) -> PartyFile {
        let reader = try files { () throws(HEFilesError) in
            secret ? try ContainerReader(secretKeyPath: path) : try ContainerReader(path: path)
        }
        let h = reader.header
        guard h.kind == kind else { throw .wrongContentKind(path: path, expected: kind.description, found: h.kind.description) }
        var chunks = try files { () throws(HEFilesError) in try reader.readAllChunks() }
        guard let last = chunks.popLast() else { throw .party(path: path, reason: "the file has no envelope") }
        let envelope = try PartyEnvelope(decoding: last, path: path)
        let m = manifest.manifest
        guard let mp = m.multiparty else {
            throw .party(path: path, reason: "\(manifest.path) is a single-key study; party files belong to multi-party studies")
        }
        guard envelope.study == m.studyID else {
            throw .party(path: path, reason: "the file is of study '\(envelope.study)', not '\(m.studyID)'")
        }
        guard let party = mp.party(envelope.party), party.id == envelope.partyID else {
            throw .party(path: path, reason: "party '\(envelope.party)' (ID \(envelope.partyID)) is not a party of study '\(m.studyID)'")
        }
        guard h.contributors == [envelope.party], h.parameters == mp.parameters, envelope.kind == kind,
              envelope.keyFingerprint == h.publicKeyFingerprint else {
            throw .party(path: path, reason: "the header does not match what party '\(envelope.party)' signed")
        }
        guard envelope.payloadDigest == PartyEnvelope.payloadDigest(chunks) else {
            throw .party(path: path, reason: "the content is not what party '\(envelope.party)' signed (the file was modified)")
        }
        let signature = Array(last.suffix(64))
        guard party.key.signing.isValidSignature(signature, for: PartyEnvelope.context + envelope.body) else {
            throw .party(path: path, reason: "the signature of party '\(envelope.party)' does not verify under its key in the manifest")
        }
        return PartyFile(path: path, header: h, payload: chunks, envelope: envelope, party: party)
    }

    /// The bytes of a party file: the header, `payload` and the signed envelope.
    static func encode(kind: ContentKind, manifest: StudyManifest, party: StudyManifest.Multiparty.Party, key: SigningSecretKey,
                       keyFingerprint: Fingerprint, subject: Fingerprint, recipient: String = "", active: [String] = [],
                       payload: [[UInt8]]) throws(EncryptedStatsError) -> [UInt8] {
        let envelope = PartyEnvelope(kind: kind, study: manifest.studyID, party: party.name, partyID: party.id,
                                     keyFingerprint: keyFingerprint, subject: subject, recipient: recipient, active: active,
                                     payloadDigest: PartyEnvelope.payloadDigest(payload))
        let header = ContainerHeader(scheme: .bfv, kind: kind, parameters: manifest.multiparty!.parameters,
                                     publicKeyFingerprint: keyFingerprint, schema: nil, contributors: [party.name], valueBound: 0)
        return ContainerWriter.encode(header: header, chunks: payload + [try envelope.signed(with: key)])
    }
}
