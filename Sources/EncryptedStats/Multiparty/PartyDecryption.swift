import Foundation
import Governance
import HEFiles
import RLWE

// Decryption shares and their combination (docs/MULTIPARTY.md, "Decrypting"). A party verifies the aggregate and
// the release policy, logs the request in its own decryption log, and only then writes its share; it never
// issues two different shares of one ciphertext (the second request gets the stored one).

/// One issued share: of a decryption (CKS, to the combiner) or of a key switch to an analyst's key (PCKS).
enum IssuedShareValue: Sendable {
    case decryption(DecryptionShare)
    case keySwitch(PublicKeySwitchShare)

    var serialized: [UInt8] {
        switch self {
        case let .decryption(s): s.serialized()
        case let .keySwitch(s): s.serialized()
        }
    }
    /// The store's bytes: a tag (1 decryption, 2 key switch), then the share.
    var stored: [UInt8] {
        switch self {
        case .decryption: [1] + serialized
        case .keySwitch: [2] + serialized
        }
    }
    var ciphertextDigest: [UInt8] {
        switch self {
        case let .decryption(s): s.ciphertextDigest
        case let .keySwitch(s): s.ciphertextDigest
        }
    }
    /// What a second request must match to get this share back: the active set, the declared ciphertext count and
    /// the recipient (nil for a decryption share).
    var binding: ([UInt8], Int, [UInt8]?) {
        switch self {
        case let .decryption(s): (s.activeDigest, s.ciphertexts, nil)
        case let .keySwitch(s): (s.activeDigest, s.ciphertexts, s.targetFingerprint)
        }
    }
}

extension PartyFiles {
    /// A party's decryption key: the collective key and what the party decrypts with.
    struct DecryptionKey {
        var keys: SchemeKeys
        var publicKey: PublicKey
        var secret: PartySecret
    }

    static func decryptionKey(_ me: Member, folder: PartyFolder) throws(EncryptedStatsError) -> DecryptionKey {
        let path = folder.decryptionKey
        let file = try PartyFile.read(path, kind: .partyKey, manifest: me.manifest, secret: true)
        guard file.envelope.party == me.party.name, file.header.publicKeyFingerprint != .zero, file.payload.count >= 2 else {
            throw .party(path: path, reason: "not a decryption key of party '\(me.party.name)' (run party combine-key first)")
        }
        let pk = try rlwe("collective key") { () throws(RlweError) in try PublicKey(serialized: file.payload[0], parameters: me.bfv) }
        var keys = SchemeKeys(scheme: .bfv, parameters: me.setup.parameters, publicKey: file.payload[0], secretKey: nil)
        keys.transportLimbCount = SmudgingBound.smallestLimbCount(parameters: me.bfv, parties: me.setup.parties.count,
                                                                  ciphertexts: Int(me.manifest.manifest.maxSites))
        guard keys.publicKeyFingerprint == me.manifest.manifest.encryptionKeyFingerprint else {
            throw .party(path: path, reason: "the collective key this party combined (\(keys.publicKeyFingerprint.hex)) is not the encryption key of \(me.manifest.path) (\(me.manifest.manifest.encryptionKeyFingerprint == .zero ? "not set yet: study set-key" : me.manifest.manifest.encryptionKeyFingerprint.hex))")
        }
        let secret: PartySecret
        if me.setup.isThreshold {
            let sharing = try rlwe("threshold sharing") { () throws(RlweError) in
                try ThresholdProtocol(parameters: me.bfv, parties: me.ids, threshold: Int(me.setup.threshold))
            }
            let received = try rlwe("Shamir share") { () throws(RlweError) in
                try file.payload.dropFirst().map { (b) throws(RlweError) in try ShamirShare(serialized: b, parameters: me.bfv) }
            }
            secret = .threshold(try rlwe("threshold share") { () throws(RlweError) in
                try sharing.aggregate(received, party: try PartyID(me.party.id))
            })
        } else {
            secret = .additive(try rlwe("key share") { () throws(RlweError) in try SecretKey(serialized: file.payload[1], parameters: me.bfv) })
        }
        return DecryptionKey(keys: keys, publicKey: pk, secret: secret)
    }

    /// The active set of a decryption: every party (N-of-N), or the named parties, at least the threshold and this
    /// party among them (t-of-N). Sorted by party ID.
    static func activeSet(_ names: [String]?, setup: StudyManifest.Multiparty, me: String?, path: String) throws(EncryptedStatsError) -> [StudyManifest.Multiparty.Party] {
        guard let names, !names.isEmpty else {
            guard !setup.isThreshold else {
                throw .party(path: path, reason: "a \(setup.threshold)-of-\(setup.parties.count) study names the parties that decrypt (at least \(setup.threshold))")
            }
            return setup.parties
        }
        var set: [StudyManifest.Multiparty.Party] = []
        for n in names {
            guard let p = setup.party(n) else { throw .party(path: path, reason: "'\(n)' is not a decryption party of the study") }
            guard !set.contains(p) else { throw .party(path: path, reason: "party '\(n)' is named twice in the active set") }
            set.append(p)
        }
        guard set.count >= Int(setup.threshold) else {
            throw .party(path: path, reason: "\(set.count) active part\(set.count == 1 ? "y" : "ies"), fewer than the study's threshold \(setup.threshold): they cannot decrypt")
        }
        if let me, !set.contains(where: { $0.name == me }) {
            throw .party(path: path, reason: "party '\(me)' is not in the active set it was asked to decrypt for")
        }
        if !setup.isThreshold, set.count != setup.parties.count {
            throw .party(path: path, reason: "every party of an N-of-N study decrypts; the active set lacks \(setup.parties.filter { !set.contains($0) }.map(\.name).joined(separator: ", "))")
        }
        return set.sorted { $0.id < $1.id }
    }

    /// Issues party `name`'s decryption share of the aggregate at `path` (``IssuedShare``), after verifying it
    /// (statements, and with `inputs` the sum recomputed from the signed site files) and the release policy
    /// (minimum number of sites, the differencing rule over the party's log). The request is logged, and the log
    /// fsynced, before the share is written; a refusal is logged too. A ciphertext shared before gets the stored
    /// share; one shared before for another active set or recipient is refused.
    public static func decryptShare(_ path: String, manifest source: ManifestSource, party name: String, folder: PartyFolder,
                                    inputs: [String] = [], active names: [String]? = nil, analystKey: String? = nil,
                                    to output: String, logging: ReleaseLogging) throws(EncryptedStatsError) -> IssuedShare {
        let me = try member(source, party: name, folder: folder)
        let key = try decryptionKey(me, folder: folder)
        let active = try activeSet(names, setup: me.setup, me: name, path: path)
        let target = try analystKey.map { (p) throws(EncryptedStatsError) in try analystPublicKey(p, bfv: me.bfv, collective: key.keys) }
        let check = DecryptionCheck(manifest: me.manifest, inputs: inputs)
        var options = ["party": name, "active": active.map(\.name).joined(separator: " ")]
        if let target { options["to-analyst"] = target.fingerprint.map { String($0, radix: 16).leftPadded(to: 2) }.joined() }
        var context = try ReleaseContext.make(command: "party decrypt-share", path: path, keys: key.keys, check: check,
                                              options: options)
        let computed: (shares: [IssuedShareValue], contentDigest: Fingerprint, bound: String)
        do throws(EncryptedStatsError) {
            computed = try computeShares(path, me: me, key: key, check: check, active: active, target: target, folder: folder,
                                         context: &context)
        } catch {
            throw ReleaseGate.refuse(error, context: context, logging: logging)
        }
        context.inputDigest = computed.contentDigest
        let bytes = try PartyFile.encode(kind: .decryptionShare, manifest: me.manifest.manifest, party: me.party,
                                         key: me.identity.signing, keyFingerprint: key.keys.publicKeyFingerprint,
                                         subject: computed.contentDigest, recipient: options["to-analyst"] ?? "",
                                         active: active.map(\.name), payload: computed.shares.map(\.serialized))
        // Every share is kept before it leaves: a rerun (also after a crash) returns it, never a fresh one.
        var reused = 0
        for s in computed.shares { if try store(s, in: folder) { reused += 1 } }
        let receipt = try ReleaseGate.logRelease(context: context, outputs: [ReleaseRecord.Output(name: output, bytes: bytes)],
                                                 suppressed: [:], logging: logging)
        try files { () throws(HEFilesError) in
            try AtomicFileWriter.write(bytes, to: output, mode: AtomicFileWriter.ownerOnly)
            try AtomicFileWriter.write(Array(receipt.json.utf8), to: output + ".release.json", mode: AtomicFileWriter.ownerOnly)
        }
        return IssuedShare(path: output, ciphertexts: computed.shares.count, reused: reused, active: active.map(\.name),
                           smudging: computed.bound, receipt: receipt)
    }

    /// The analyst's own BFV public key (a `he-cli keygen --scheme bfv` public key of the study's parameters).
    static func analystPublicKey(_ path: String, bfv: BfvParameters, collective: SchemeKeys) throws(EncryptedStatsError) -> PublicKey {
        let keys = try KeyFiles.readPublic(path)
        guard keys.scheme == .bfv, keys.parameters == collective.parameters else {
            throw .incompatibleInputs(first: path, second: "the study's collective key", reason: "the analyst's key must be a BFV key of the study's parameters")
        }
        guard keys.publicKeyFingerprint != collective.publicKeyFingerprint else {
            throw .party(path: path, reason: "this is the study's collective key, not an analyst's own key")
        }
        return try rlwe("analyst key") { () throws(RlweError) in try PublicKey(serialized: keys.publicKey, parameters: bfv) }
    }

    private static func computeShares(_ path: String, me: Member, key: DecryptionKey, check: DecryptionCheck,
                                      active: [StudyManifest.Multiparty.Party], target: PublicKey?, folder: PartyFolder,
                                      context: inout ReleaseContext) throws(EncryptedStatsError) -> (shares: [IssuedShareValue], contentDigest: Fingerprint, bound: String) {
        var cache = check.schemaCache
        let reader = try files { () throws(HEFilesError) in try ContainerReader(path: path, schemaCache: &cache) }
        let h = reader.header
        guard h.kind.isEncryptedTable, let schema = h.schema else {
            throw .wrongContentKind(path: path, expected: "an encrypted site table or aggregate", found: h.kind.description)
        }
        guard h.scheme == .bfv, h.publicKeyFingerprint == key.keys.publicKeyFingerprint, h.parameters == key.keys.parameters else {
            throw .keyMismatch(keyPath: folder.decryptionKey, dataPath: path)
        }
        let expected = try EncryptedTableFiles.expectations(for: h, path: path, keys: key.keys, keyPath: folder.decryptionKey,
                                                            check: check, schemaCache: cache)
        context.read(h, schemaDigest: Fingerprint(sha256Of: cache?.bytes ?? ContainerFormat.encodeSchema(schema)))
        try context.checkSites(h)
        // The noise bound follows from the number of sites the verified statements name.
        let sites = max(h.contributors.count, 1)
        let protocolInstance = try rlwe("decryption share") { () throws(RlweError) in
            try DecryptionShareProtocol(collectiveKey: key.publicKey, keyParties: me.setup.parties.count,
                                        activeParties: try active.map { (p) throws(RlweError) in try PartyID(p.id) }, ciphertexts: sites)
        }
        let keySwitch = try target.map { (t) throws(EncryptedStatsError) in
            try rlwe("key switch share") { () throws(RlweError) in
                try PublicKeySwitchProtocol(collectiveKey: key.publicKey, targetKey: t, keyParties: me.setup.parties.count,
                                            activeParties: try active.map { (p) throws(RlweError) in try PartyID(p.id) }, ciphertexts: sites)
            }
        }
        let vectors = BFVVectors(parameters: me.bfv)
        let myID = try rlwe("party ID") { () throws(RlweError) in try PartyID(me.party.id) }
        var shares: [IssuedShareValue] = []
        var bound = ""
        var index = 0
        while let bytes = try files({ () throws(HEFilesError) in try reader.nextChunk() }) {
            if let chunks = expected.chunks, index >= chunks.count || chunks[index] != bytes {
                throw .recomputedSumDiffers(path: path, chunk: index + 1, sites: h.contributors.sorted())
            }
            let c: RLWE.Ciphertext
            do { c = try vectors.deserialize(bytes) } catch {
                throw .invalidPayload(path: path, chunk: index + 1, reason: error.schemeRefusal ?? error.description)
            }
            if index == 0 {
                // Refuses, with the numbers, a level that leaves too little room for the smudging noise.
                bound = try rlwe("decryption share") { () throws(RlweError) in
                    try protocolInstance.bound(for: c, keySwitch: target != nil)
                }.description
            }
            if let stored = try storedShare(of: c, in: folder, me: me) {
                let (activeDigest, count, recipient) = stored.binding
                guard activeDigest == protocolInstance.activeSetDigest, count == sites, recipient == target?.fingerprint else {
                    throw .party(path: path, reason: "party '\(me.party.name)' already issued a share of ciphertext \(index + 1) for another active set, site count or recipient; a second, different share of one ciphertext would reveal its key share, so none is issued")
                }
                shares.append(stored)
            } else if let keySwitch {
                shares.append(.keySwitch(try rlwe("key switch share") { () throws(RlweError) in
                    try keySwitch.share(c, party: myID, secret: key.secret)
                }))
            } else {
                shares.append(.decryption(try rlwe("decryption share") { () throws(RlweError) in
                    try protocolInstance.share(c, party: myID, secret: key.secret)
                }))
            }
            index += 1
        }
        guard let digest = reader.contentDigest else { throw .fileUnreadable(path: path, reason: "the file could not be read to its end") }
        if !expected.statements.isEmpty {
            try governance { () throws(GovernanceError) in
                try ProvenanceCheck.checkContent(of: h, path: path, statements: expected.statements, contentDigest: digest)
            }
        }
        return (shares, digest, bound)
    }

    // MARK: the store of issued shares

    static func storePath(_ digest: [UInt8], folder: PartyFolder) -> String {
        folder.issuedShares + "/" + digest.map { String($0, radix: 16).leftPadded(to: 2) }.joined() + ".share"
    }

    static func storedShare(of c: RLWE.Ciphertext, in folder: PartyFolder, me: Member) throws(EncryptedStatsError) -> IssuedShareValue? {
        let path = storePath(c.shareDigest, folder: folder)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let bytes = try files { () throws(HEFilesError) in try readWholeFile(path) }
        let body = Array(bytes.dropFirst())
        switch bytes.first {
        case 1: return .decryption(try rlwe("stored share \(path)") { () throws(RlweError) in try DecryptionShare(serialized: body, parameters: me.bfv) })
        case 2: return .keySwitch(try rlwe("stored share \(path)") { () throws(RlweError) in try PublicKeySwitchShare(serialized: body, parameters: me.bfv) })
        default: throw .party(path: path, reason: "not a stored share (unknown tag)")
        }
    }

    /// Keeps `share` (fsynced) unless it is kept already; true when it was.
    static func store(_ share: IssuedShareValue, in folder: PartyFolder) throws(EncryptedStatsError) -> Bool {
        let path = storePath(share.ciphertextDigest, folder: folder)
        if FileManager.default.fileExists(atPath: path) { return true }
        try files { () throws(HEFilesError) in
            try makeOutputDirectory(folder.issuedShares)
            try AtomicFileWriter.write(share.stored, to: path, mode: 0o600, replaceExisting: false)
        }
        return false
    }

    // MARK: combining

    /// The key a release decrypts with: the secret key file, or with `shares` the combination of the parties'
    /// shares under the collective public key file `keyPath` (which needs the manifest of `check`).
    package static func keys(_ keyPath: String, combining shares: [String]?, check: DecryptionCheck?,
                             aggregate path: String) throws(EncryptedStatsError) -> SchemeKeys {
        guard let shares else { return try KeyFiles.readSecret(keyPath) }
        guard let check else { throw .party(path: path, reason: "combining decryption shares needs the study manifest") }
        return try combination(for: path, shares: shares, manifest: check.manifest, publicKeyPath: keyPath)
    }

    /// The shares of `inputs` (files or folders) for the aggregate at `path`, verified: each signed by a party of
    /// the manifest, all for this aggregate, one active set and one recipient (`analyst`, the analyst key's
    /// fingerprint in hex, or nil for decryption to the combiner), every active party exactly once.
    static func verifiedShares(for path: String, shares inputs: [String], manifest: SignedManifest, keys: SchemeKeys,
                               analyst: String?) throws(EncryptedStatsError) -> (active: [StudyManifest.Multiparty.Party], files: [String: PartyFile], header: ContainerHeader) {
        let (setup, _, _, _) = try study(manifest)
        let header = try files { () throws(HEFilesError) in try ContainerReader.readHeader(path) }
        let reader = try files { () throws(HEFilesError) in try ContainerReader(path: path) }
        while try files({ () throws(HEFilesError) in try reader.nextChunk() }) != nil {}
        guard let digest = reader.contentDigest, reader.header == header else {
            throw .fileUnreadable(path: path, reason: "the file could not be read to its end")
        }
        let found = try partyFiles(inputs, kind: .decryptionShare, manifest: manifest)
        var byParty: [String: PartyFile] = [:]
        var activeNames: [String]? = nil
        for f in found {
            guard f.envelope.subject == digest else {
                throw .party(path: f.path, reason: "the share of party '\(f.party.name)' is for another aggregate (content \(f.envelope.subject.hex.prefix(16))..., this one \(digest.hex.prefix(16))...)")
            }
            guard f.header.publicKeyFingerprint == keys.publicKeyFingerprint else {
                throw .party(path: f.path, reason: "the share of party '\(f.party.name)' is under another collective key")
            }
            guard f.envelope.recipient == (analyst ?? "") else {
                throw .party(path: f.path, reason: f.envelope.recipient.isEmpty
                    ? "the share of party '\(f.party.name)' decrypts for the combiner, not for an analyst's key"
                    : "the share of party '\(f.party.name)' switches to the analyst key \(f.envelope.recipient.prefix(16))...\(analyst == nil ? " (combine it with --to-analyst)" : ", not this one")")
            }
            if let other = byParty[f.party.name] {
                throw .party(path: f.path, reason: "party '\(f.party.name)' has two shares: \(other.path) and \(f.path)")
            }
            if let activeNames, activeNames != f.envelope.active {
                throw .party(path: f.path, reason: "the share of party '\(f.party.name)' is for the active set [\(f.envelope.active.joined(separator: ", "))], the others for [\(activeNames.joined(separator: ", "))]")
            }
            activeNames = f.envelope.active
            byParty[f.party.name] = f
        }
        guard let activeNames else { throw .party(path: path, reason: "no decryption share was given") }
        let active = try activeSet(activeNames, setup: setup, me: nil, path: path)
        if let missing = active.first(where: { byParty[$0.name] == nil }) {
            throw .party(path: path, reason: "the share of party '\(missing.name)' (active set [\(activeNames.joined(separator: ", "))]) is missing")
        }
        if let extra = byParty.keys.sorted().first(where: { n in !active.contains { $0.name == n } }) {
            throw .party(path: byParty[extra]!.path, reason: "party '\(extra)' is not in the active set of the other shares")
        }
        for p in active where byParty[p.name]!.payload.count != header.payloadChunkCount {
            throw .party(path: byParty[p.name]!.path, reason: "the share of party '\(p.name)' covers \(byParty[p.name]!.payload.count) ciphertexts, the aggregate has \(header.payloadChunkCount)")
        }
        return (active, byParty, header)
    }

    static func collectiveKey(_ publicKeyPath: String, manifest: SignedManifest) throws(EncryptedStatsError) -> SchemeKeys {
        let keys = try KeyFiles.readPublic(publicKeyPath)
        guard keys.publicKeyFingerprint == manifest.manifest.encryptionKeyFingerprint else {
            throw .keyMismatch(keyPath: publicKeyPath, dataPath: manifest.path)
        }
        return keys
    }

    /// The verified decryption shares for the aggregate at `path` (``verifiedShares(for:shares:manifest:keys:analyst:)``),
    /// ready to decrypt it: the collective key of `publicKeyPath` with the combination attached.
    package static func combination(for path: String, shares inputs: [String], manifest: SignedManifest,
                                    publicKeyPath: String) throws(EncryptedStatsError) -> SchemeKeys {
        let (setup, bfv, _, _) = try study(manifest)
        var keys = try collectiveKey(publicKeyPath, manifest: manifest)
        let (active, byParty, header) = try verifiedShares(for: path, shares: inputs, manifest: manifest, keys: keys, analyst: nil)
        let pk = try rlwe("collective key") { () throws(RlweError) in try PublicKey(serialized: keys.publicKey, parameters: bfv) }
        let protocolInstance = try rlwe("combine") { () throws(RlweError) in
            try DecryptionShareProtocol(collectiveKey: pk, keyParties: setup.parties.count,
                                        activeParties: try active.map { (p) throws(RlweError) in try PartyID(p.id) }, ciphertexts: max(header.contributors.count, 1))
        }
        var shares: [[UInt8]: [DecryptionShare]] = [:]
        for p in active {
            let f = byParty[p.name]!
            for (i, bytes) in f.payload.enumerated() {
                let s = try rlwe("decryption share") { () throws(RlweError) in try DecryptionShare(serialized: bytes, parameters: bfv) }
                guard s.party.value == p.id else {
                    throw .party(path: f.path, reason: "ciphertext \(i + 1)'s share names party \(s.party.value), not '\(p.name)'")
                }
                shares[s.ciphertextDigest, default: []].append(s)
            }
        }
        keys.combination = PartyCombination(protocolInstance: protocolInstance, shares: shares, activeNames: active.map(\.name))
        return keys
    }

    /// Re-encrypts the aggregate at `path` to the analyst's own BFV key (`analystKeyPath`) from the parties'
    /// key-switch shares (PCKS): the combiner learns nothing, and the analyst decrypts the written aggregate with
    /// its own secret key (`he-cli decrypt`). The aggregate is verified first (statements, and with `inputs` the
    /// sum recomputed from the signed site files). The output carries the aggregate's sites, bound and statements,
    /// under the analyst's key.
    @discardableResult
    public static func reencrypt(_ path: String, manifest source: ManifestSource, publicKeyPath: String, shares inputs: [String],
                                 analystKey analystKeyPath: String, inputs siteFiles: [String] = [],
                                 to output: String) throws(EncryptedStatsError) -> ContainerHeader {
        let manifest = try governance { () throws(GovernanceError) in try source.load() }
        let (setup, bfv, _, _) = try study(manifest)
        let keys = try collectiveKey(publicKeyPath, manifest: manifest)
        let target = try analystPublicKey(analystKeyPath, bfv: bfv, collective: keys)
        let targetHex = target.fingerprint.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        let (active, byParty, _) = try verifiedShares(for: path, shares: inputs, manifest: manifest, keys: keys, analyst: targetHex)
        let check = DecryptionCheck(manifest: manifest, inputs: siteFiles)
        var cache = check.schemaCache
        let reader = try files { () throws(HEFilesError) in try ContainerReader(path: path, schemaCache: &cache) }
        let h = reader.header
        guard h.kind.isEncryptedTable, h.publicKeyFingerprint == keys.publicKeyFingerprint else {
            throw .keyMismatch(keyPath: publicKeyPath, dataPath: path)
        }
        let expected = try EncryptedTableFiles.expectations(for: h, path: path, keys: keys, keyPath: publicKeyPath, check: check,
                                                            schemaCache: cache)
        let pk = try rlwe("collective key") { () throws(RlweError) in try PublicKey(serialized: keys.publicKey, parameters: bfv) }
        let switching = try rlwe("key switch") { () throws(RlweError) in
            try PublicKeySwitchProtocol(collectiveKey: pk, targetKey: target, keyParties: setup.parties.count,
                                        activeParties: try active.map { (p) throws(RlweError) in try PartyID(p.id) },
                                        ciphertexts: max(h.contributors.count, 1))
        }
        let vectors = BFVVectors(parameters: bfv)
        var chunks: [[UInt8]] = []
        var index = 0
        while let bytes = try files({ () throws(HEFilesError) in try reader.nextChunk() }) {
            if let e = expected.chunks, index >= e.count || e[index] != bytes {
                throw .recomputedSumDiffers(path: path, chunk: index + 1, sites: h.contributors.sorted())
            }
            let c = try vectors.deserialize(bytes)
            let shares = try rlwe("key switch share") { () throws(RlweError) in
                try active.map { (p) throws(RlweError) in try PublicKeySwitchShare(serialized: byParty[p.name]!.payload[index], parameters: bfv) }
            }
            let switched = try rlwe("key switch") { () throws(RlweError) in try switching.combine(shares, for: c) }
            chunks.append(vectors.serialize(switched))
            index += 1
        }
        var header = h
        header.publicKeyFingerprint = Fingerprint(unchecked: target.fingerprint)
        return try files { () throws(HEFilesError) in try ContainerWriter.write(header: header, chunks: chunks, to: output) }
    }
}
