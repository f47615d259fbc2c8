import Crypto
import Foundation
import Governance
import HEFiles
import RLWE

// The decryption parties' flows on files (`he-cli party ...`, docs/MULTIPARTY.md): collective key generation
// (each party's public-key share, and for t-of-N its Shamir shares encrypted to the other parties), the combined
// key every party recomputes, decryption shares issued at most once per ciphertext under the release policy and
// each party's own log, and their combination into the totals.

/// The files of one decryption party, in its folder (created by `party init`).
public struct PartyFolder: Sendable {
    public static let identityKeyName = PartyKeyFiles.secretFileName
    public static let keyGenerationName = "key-generation.hekey"
    public static let decryptionKeyName = "decryption-key.hekey"
    public static let issuedSharesName = "issued-shares"

    public var path: String
    public init(_ path: String) { self.path = path }

    public var identityKey: String { path + "/" + Self.identityKeyName }
    public var keyGeneration: String { path + "/" + Self.keyGenerationName }
    public var decryptionKey: String { path + "/" + Self.decryptionKeyName }
    public var issuedShares: String { path + "/" + Self.issuedSharesName }
}

/// What `party keygen` wrote.
public struct PartyKeyGeneration: Sendable {
    public var publicKeyShare: String
    public var shamirShares: [String]
    public var secretFile: String
}

/// The collective key as `party combine-key` wrote it.
public struct CombinedKey: Sendable {
    public var keys: SchemeKeys
    public var publicKeyPath: String
    public var transportLimbCount: Int
    /// The party's decryption key file, when run by a party.
    public var decryptionKeyPath: String?
}

/// What `party decrypt-share` issued.
public struct IssuedShare: Sendable {
    public var path: String
    public var ciphertexts: Int
    /// Ciphertexts whose share was issued before (returned as stored).
    public var reused: Int
    public var active: [String]
    public var smudging: String
    public var receipt: ReleaseReceipt
}

public enum PartyFiles {
    // MARK: study and identity

    /// Version 1 of a multi-party study (see `StudyFiles.initialiseMultiparty`), with the BFV parameters of
    /// `preset`; refused when the preset leaves no room for the parties' smudging noise at any level.
    @discardableResult
    public static func initialiseStudy(study: String, parties: [(name: String, keyPath: String)], threshold: UInt32?,
                                       preset: String?, signingKeyPath: String, maxValue: UInt64, maxSites: UInt32,
                                       inputsRequired: Bool, testStudy: Bool, policy: ReleasePolicy?,
                                       to output: String) throws(EncryptedStatsError) -> SignedManifest {
        let keys = try BFVVectors.generateKeys(preset: preset)
        let bfv = try BFVVectors.decodeParameters(keys.parameters)
        guard SmudgingBound.smallestLimbCount(parameters: bfv, parties: parties.count, ciphertexts: Int(maxSites)) != nil else {
            throw .party(path: output, reason: "preset \(preset ?? BFVVectors.defaultPreset.rawValue) leaves no room for the smudging noise of \(parties.count) parties decrypting aggregates of \(maxSites) sites, even at all \(bfv.maxLimbCount) primes (docs/MULTIPARTY.md, \"Presets\"): use a larger preset or fewer sites")
        }
        return try governance { () throws(GovernanceError) in
            try StudyFiles.initialiseMultiparty(study: study, parties: parties, threshold: threshold, parameters: keys.parameters,
                                                signingKeyPath: signingKeyPath, maxValue: maxValue, maxSites: maxSites,
                                                inputsRequired: inputsRequired, testStudy: testStudy, policy: policy, to: output)
        }
    }

    /// The manifest's multi-party section, the party `name` and its secret identity (checked against the manifest).
    struct Member {
        var manifest: SignedManifest
        var setup: StudyManifest.Multiparty
        var party: StudyManifest.Multiparty.Party
        var identity: PartySecretKey
        var bfv: BfvParameters
        var crs: CommonReferenceString
        var ids: [PartyID]
    }

    static func study(_ manifest: SignedManifest) throws(EncryptedStatsError) -> (StudyManifest.Multiparty, BfvParameters, CommonReferenceString, [PartyID]) {
        guard let setup = manifest.manifest.multiparty else {
            throw .party(path: manifest.path, reason: "study '\(manifest.manifest.studyID)' has a single key holder, not decryption parties")
        }
        let bfv = try BFVVectors.decodeParameters(setup.parameters)
        let crs = try rlwe("common seed") { () throws(RlweError) in try CommonReferenceString(seed: setup.seed) }
        let ids = try rlwe("party IDs") { () throws(RlweError) in try setup.parties.map { (p) throws(RlweError) in try PartyID(p.id) } }
        return (setup, bfv, crs, ids)
    }

    static func member(_ source: ManifestSource, party name: String, folder: PartyFolder) throws(EncryptedStatsError) -> Member {
        let manifest = try governance { () throws(GovernanceError) in try source.load() }
        let (setup, bfv, crs, ids) = try study(manifest)
        guard let party = setup.party(name) else {
            throw .party(path: manifest.path, reason: "'\(name)' is not a decryption party of study '\(manifest.manifest.studyID)' (parties: \(setup.parties.map(\.name).joined(separator: ", ")))")
        }
        let identity = try governance { () throws(GovernanceError) in try PartyKeyFiles.readSecret(folder.identityKey) }
        guard identity.publicKey == party.key else {
            throw .party(path: folder.identityKey, reason: "this is not the key of party '\(name)' in \(manifest.path) (its public key has fingerprint \(party.key.fingerprint.hex.prefix(16))...)")
        }
        return Member(manifest: manifest, setup: setup, party: party, identity: identity, bfv: bfv, crs: crs, ids: ids)
    }

    // MARK: key generation

    static let shamirInfo: [UInt8] = Array("he-toolkit Shamir share v1".utf8) + [0]

    /// A party's part of the collective key generation: draws its secret key share (kept in its folder, mode
    /// 0600), and publishes into `output` its signed public-key share and, in a t-of-N study, one Shamir share of
    /// its secret for every other party, encrypted to that party (HPKE, X25519, ChaCha20-Poly1305) and signed.
    public static func keygen(manifest source: ManifestSource, party name: String, folder: PartyFolder,
                              publishTo output: String) throws(EncryptedStatsError) -> PartyKeyGeneration {
        let me = try member(source, party: name, folder: folder)
        try files { () throws(HEFilesError) in try AtomicFileWriter.checkDestination(me.keyGenerationPath(folder), replaceExisting: false) }
        let m = me.manifest.manifest
        let secret = KeyGenerator(parameters: me.bfv).secretKey
        let myID = me.ids[Int(me.party.id) - 1]
        let pkShare = try rlwe("public-key share") { () throws(RlweError) in
            try PublicKeyGenProtocol(parameters: me.bfv, crs: me.crs).share(party: myID, secretKey: secret)
        }
        let subject = Fingerprint(unchecked: me.crs.digest)
        var secretPayload: [[UInt8]] = [secret.serialized()]
        var shamirFiles: [(String, [UInt8])] = []
        if me.setup.isThreshold {
            let sharing = try rlwe("threshold sharing") { () throws(RlweError) in
                try ThresholdProtocol(parameters: me.bfv, parties: me.ids, threshold: Int(me.setup.threshold))
            }
            let polynomial = try rlwe("threshold sharing") { () throws(RlweError) in try sharing.polynomial(party: myID, secretKey: secret) }
            for other in me.setup.parties {
                let share = try rlwe("threshold sharing") { () throws(RlweError) in try sharing.share(polynomial, to: PartyID(other.id)) }
                if other.name == name { secretPayload.append(share.serialized()); continue }
                let sealed = try seal(share.serialized(), to: other, from: me.party.name, study: m.studyID, subject: subject)
                let bytes = try PartyFile.encode(kind: .shamirShare, manifest: m, party: me.party, key: me.identity.signing,
                                                 keyFingerprint: .zero, subject: subject, recipient: other.name, payload: [sealed])
                shamirFiles.append((output + "/" + "\(name).to-\(other.name).hes", bytes))
            }
        }
        let publicShare = output + "/" + "\(name).key-share.hes"
        let publicBytes = try PartyFile.encode(kind: .publicKeyShare, manifest: m, party: me.party, key: me.identity.signing,
                                               keyFingerprint: .zero, subject: subject, payload: [pkShare.serialized()])
        let secretBytes = try PartyFile.encode(kind: .partyKey, manifest: m, party: me.party, key: me.identity.signing,
                                               keyFingerprint: .zero, subject: subject, payload: secretPayload)
        try files { () throws(HEFilesError) in
            try makeOutputDirectory(output)
            for path in [publicShare] + shamirFiles.map(\.0) { try AtomicFileWriter.checkDestination(path, replaceExisting: false) }
            try AtomicFileWriter.write(secretBytes, to: me.keyGenerationPath(folder), mode: 0o600, replaceExisting: false)
            for (path, bytes) in shamirFiles { try AtomicFileWriter.write(bytes, to: path, replaceExisting: false) }
            try AtomicFileWriter.write(publicBytes, to: publicShare, replaceExisting: false)
        }
        return PartyKeyGeneration(publicKeyShare: publicShare, shamirShares: shamirFiles.map(\.0), secretFile: me.keyGenerationPath(folder))
    }

    static func seal(_ plaintext: [UInt8], to recipient: StudyManifest.Multiparty.Party, from sender: String, study: String,
                     subject: Fingerprint) throws(EncryptedStatsError) -> [UInt8] {
        do {
            let key = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: recipient.key.agreement)
            var sender = try HPKE.Sender(recipientKey: key, ciphersuite: .Curve25519_SHA256_ChachaPoly,
                                         info: Data(shamirInfo + Array("\(study)\0\(sender)\0\(recipient.name)".utf8)))
            let sealed = try sender.seal(plaintext, authenticating: subject.bytes)
            return Array(sender.encapsulatedKey) + Array(sealed)
        } catch {
            throw .party(path: recipient.name, reason: "could not encrypt the Shamir share to party '\(recipient.name)'")
        }
    }

    static func open(_ sealed: [UInt8], me: Member, from sender: String, path: String, subject: Fingerprint) throws(EncryptedStatsError) -> [UInt8] {
        guard sealed.count > 32 else { throw .party(path: path, reason: "the encrypted Shamir share is truncated") }
        do {
            var receiver = try HPKE.Recipient(privateKey: me.identity.agreement, ciphersuite: .Curve25519_SHA256_ChachaPoly,
                                              info: Data(shamirInfo + Array("\(me.manifest.manifest.studyID)\0\(sender)\0\(me.party.name)".utf8)),
                                              encapsulatedKey: Data(sealed[0 ..< 32]))
            return Array(try receiver.open(sealed[32...], authenticating: subject.bytes))
        } catch {
            throw .party(path: path, reason: "the Shamir share from party '\(sender)' does not open with the key of party '\(me.party.name)'")
        }
    }

    // MARK: combining the key

    /// The collective public key from the parties' published shares (files, or folders of `*.hes` files): every
    /// party of the manifest exactly once, each signed by that party. Written to `output` (byte-identical
    /// whoever runs it). Run by a party (`party` and its folder), it also writes the party's decryption key:
    /// its secret share (N-of-N), or its threshold share from the Shamir shares sent to it (t-of-N).
    public static func combineKey(manifest source: ManifestSource, shares inputs: [String], to output: String,
                                  party: (name: String, folder: PartyFolder)? = nil) throws(EncryptedStatsError) -> CombinedKey {
        let manifest: SignedManifest
        var me: Member? = nil
        if let party {
            me = try member(source, party: party.name, folder: party.folder)
            manifest = me!.manifest
        } else {
            manifest = try governance { () throws(GovernanceError) in try source.load() }
        }
        let (setup, bfv, crs, ids) = try study(manifest)
        let subject = Fingerprint(unchecked: crs.digest)
        let found = try partyFiles(inputs, kind: .publicKeyShare, manifest: manifest)
        var byParty: [String: PartyFile] = [:]
        for f in found {
            guard f.envelope.subject == subject else {
                throw .party(path: f.path, reason: "the key share of party '\(f.party.name)' is for another common seed (an earlier setup of the study?)")
            }
            if let other = byParty[f.party.name] {
                throw .party(path: f.path, reason: "party '\(f.party.name)' has two key shares: \(other.path) and \(f.path)")
            }
            byParty[f.party.name] = f
        }
        if let missing = setup.parties.first(where: { byParty[$0.name] == nil }) {
            throw .party(path: inputs.joined(separator: ", "), reason: "the key share of party '\(missing.name)' is missing")
        }
        let shares = try rlwe("public-key share") { () throws(RlweError) in
            try setup.parties.map { (p) throws(RlweError) in
                guard byParty[p.name]!.payload.count == 1 else { throw .invalidField(name: "key share chunks", value: byParty[p.name]!.payload.count, expected: "1") }
                return try PublicKeyShare(serialized: byParty[p.name]!.payload[0], parameters: bfv)
            }
        }
        let publicKey = try rlwe("collective key") { () throws(RlweError) in
            try PublicKeyGenProtocol(parameters: bfv, crs: crs).combine(shares, parties: ids)
        }
        let limbs = SmudgingBound.smallestLimbCount(parameters: bfv, parties: setup.parties.count,
                                                    ciphertexts: Int(manifest.manifest.maxSites)) ?? bfv.maxLimbCount
        var keys = SchemeKeys(scheme: .bfv, parameters: setup.parameters, publicKey: publicKey.serialized(), secretKey: nil)
        keys.transportLimbCount = limbs
        if manifest.manifest.encryptionKeyFingerprint != .zero, manifest.manifest.encryptionKeyFingerprint != keys.publicKeyFingerprint {
            throw .party(path: manifest.path, reason: "the collective key from these shares (\(keys.publicKeyFingerprint.hex)) is not the study's encryption key (\(manifest.manifest.encryptionKeyFingerprint.hex))")
        }
        let info = CollectiveKeyInfo(transportLimbCount: limbs, parties: UInt32(setup.parties.count), threshold: setup.threshold,
                                     study: manifest.manifest.studyID, seedDigest: crs.digest)
        var decryptionKeyPath: String? = nil
        var decryptionBytes: [UInt8]? = nil
        if let me, let party {
            let generated = try PartyFile.read(me.keyGenerationPath(party.folder), kind: .partyKey, manifest: manifest, secret: true)
            guard generated.envelope.party == me.party.name, generated.envelope.subject == subject else {
                throw .party(path: generated.path, reason: "not the key generation of party '\(me.party.name)' for this study's common seed")
            }
            let secret = try rlwe("key share") { () throws(RlweError) in try SecretKey(serialized: generated.payload[0], parameters: bfv) }
            let myID = ids[Int(me.party.id) - 1]
            var payload: [[UInt8]] = [keys.publicKey]
            if setup.isThreshold {
                let sharing = try rlwe("threshold sharing") { () throws(RlweError) in
                    try ThresholdProtocol(parameters: bfv, parties: ids, threshold: Int(setup.threshold))
                }
                var received: [ShamirShare] = []
                guard generated.payload.count == 2 else {
                    throw .party(path: generated.path, reason: "a t-of-N key generation holds the party's own Shamir share")
                }
                received.append(try rlwe("Shamir share") { () throws(RlweError) in try ShamirShare(serialized: generated.payload[1], parameters: bfv) })
                var seen: [String: String] = [me.party.name: generated.path]
                for f in try partyFiles(inputs, kind: .shamirShare, manifest: manifest) where f.envelope.recipient == me.party.name {
                    guard f.envelope.subject == subject else {
                        throw .party(path: f.path, reason: "the Shamir share from party '\(f.party.name)' is for another common seed")
                    }
                    if let other = seen[f.party.name] {
                        throw .party(path: f.path, reason: "party '\(f.party.name)' sent two Shamir shares to '\(me.party.name)': \(other) and \(f.path)")
                    }
                    seen[f.party.name] = f.path
                    let plain = try open(f.payload.first ?? [], me: me, from: f.party.name, path: f.path, subject: subject)
                    received.append(try rlwe("Shamir share") { () throws(RlweError) in try ShamirShare(serialized: plain, parameters: bfv) })
                }
                if let missing = setup.parties.first(where: { seen[$0.name] == nil }) {
                    throw .party(path: inputs.joined(separator: ", "), reason: "the Shamir share from party '\(missing.name)' to '\(me.party.name)' is missing")
                }
                _ = try rlwe("threshold share") { () throws(RlweError) in try sharing.aggregate(received, party: myID) }
                payload += received.sorted { $0.from < $1.from }.map { $0.serialized() }
            } else {
                payload.append(secret.serialized())
            }
            decryptionKeyPath = party.folder.decryptionKey
            decryptionBytes = try PartyFile.encode(kind: .partyKey, manifest: manifest.manifest, party: me.party, key: me.identity.signing,
                                                   keyFingerprint: keys.publicKeyFingerprint, subject: subject, payload: payload)
        }
        try KeyFiles.writeCollective(keys, info: info, to: output)
        if let decryptionKeyPath, let decryptionBytes {
            try files { () throws(HEFilesError) in try AtomicFileWriter.write(decryptionBytes, to: decryptionKeyPath, mode: 0o600) }
        }
        return CombinedKey(keys: keys, publicKeyPath: output, transportLimbCount: limbs, decryptionKeyPath: decryptionKeyPath)
    }

    /// The party files of `kind` among `inputs` (files, or folders whose `*.hes` files are read), verified.
    static func partyFiles(_ inputs: [String], kind: ContentKind, manifest: SignedManifest) throws(EncryptedStatsError) -> [PartyFile] {
        var out: [PartyFile] = []
        for input in inputs {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue {
                let names = ((try? FileManager.default.contentsOfDirectory(atPath: input)) ?? []).filter { $0.hasSuffix(".hes") }.sorted()
                for name in names {
                    let path = input + "/" + name
                    guard (try? ContainerReader.readHeader(path))?.kind == kind else { continue }
                    out.append(try PartyFile.read(path, kind: kind, manifest: manifest))
                }
            } else {
                out.append(try PartyFile.read(input, kind: kind, manifest: manifest))
            }
        }
        return out
    }

    static func makeOutputDirectory(_ path: String) throws(HEFilesError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .fileUnwritable(path: path, reason: "exists and is not a directory") }
            return
        }
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw .fileUnwritable(path: path, reason: "cannot create the folder")
        }
    }
}

extension PartyFiles.Member {
    func keyGenerationPath(_ folder: PartyFolder) -> String { folder.keyGeneration }
}
