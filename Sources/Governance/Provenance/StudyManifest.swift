import Crypto
import HEFiles

// The study manifest (docs/FORMAT.md, "Study manifest"): who the study's sites are, under which encryption key
// they encrypt and within which bounds, signed by the coordinator. Each version names the digest of the one
// before, so the versions form a chain.

/// The content of a study manifest (unsigned).
public struct StudyManifest: Sendable, Hashable {
    /// One site of the roster: its ID and the Ed25519 key its statements verify under.
    public struct Site: Sendable, Hashable {
        public var id: String
        public var key: SigningPublicKey
        public init(id: String, key: SigningPublicKey) { self.id = id; self.key = key }
    }

    /// 1 for a new study; each change adds 1.
    public var version: UInt32
    /// SHA-256 of the previous version's file; all zero in version 1.
    public var previousDigest: Fingerprint
    public var studyID: String
    /// The coordinator's Ed25519 key, which signs every version.
    public var coordinatorKey: SigningPublicKey
    /// The full SHA-256 fingerprint of the study's encryption public key (`ContainerHeader.publicKeyFingerprint`).
    public var encryptionKeyFingerprint: Fingerprint
    /// The largest value a site may declare per cell, in stored units (after fixed-point scaling).
    public var maxValue: UInt64
    /// The largest number of sites the study may have.
    public var maxSites: UInt32
    /// Whether the key holder must be given the signed site files to decrypt (default for a new study).
    public var inputsRequired: Bool
    /// Marks a study of test data.
    public var testStudy: Bool
    /// Release-policy settings, as key/value strings (kept sorted by key); ``ReleasePolicy`` reads them.
    public var policy: [String: String]
    /// The sites, kept sorted by site ID.
    public private(set) var roster: [Site]
    /// The decryption parties of a multi-party BFV study (no single key holder); nil for a single-key study.
    public var multiparty: Multiparty?

    public init(studyID: String, coordinatorKey: SigningPublicKey, encryptionKeyFingerprint: Fingerprint,
                maxValue: UInt64, maxSites: UInt32, inputsRequired: Bool = true, testStudy: Bool = false) {
        self.version = 1
        self.previousDigest = .zero
        self.studyID = studyID
        self.coordinatorKey = coordinatorKey
        self.encryptionKeyFingerprint = encryptionKeyFingerprint
        self.maxValue = maxValue
        self.maxSites = maxSites
        self.inputsRequired = inputsRequired
        self.testStudy = testStudy
        self.policy = [:]
        self.roster = []
        self.multiparty = nil
    }

    /// The roster entry of `site`, if it is on the roster.
    public func site(_ id: String) -> Site? { roster.first { $0.id == id } }

    /// The next version: `site` added (or its key replaced), chained to `previous`.
    public func adding(_ site: Site, after previous: SignedManifest) throws(GovernanceError) -> StudyManifest {
        try files { () throws(HEFilesError) in try SiteID.validate(site.id) }
        var next = successor(of: previous)
        next.roster.removeAll { $0.id == site.id }
        next.roster.append(site)
        next.roster.sort { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
        guard next.roster.count <= Int(maxSites) else {
            throw .rosterFull(study: studyID, site: site.id, maxSites: maxSites)
        }
        return next
    }

    /// The next version: `site` removed, chained to `previous`.
    public func removing(site id: String, after previous: SignedManifest) throws(GovernanceError) -> StudyManifest {
        guard self.site(id) != nil else { throw .siteNotOnRoster(path: previous.path, site: id) }
        var next = successor(of: previous)
        next.roster.removeAll { $0.id == id }
        return next
    }

    mutating func setRoster(_ sites: [Site]) { roster = sites }

    private func successor(of previous: SignedManifest) -> StudyManifest {
        var next = self
        next.version = version + 1
        next.previousDigest = previous.digest
        return next
    }

    /// Signs the manifest with the coordinator's key (which must be ``coordinatorKey``).
    public func signed(with key: SigningSecretKey, path: String) throws(GovernanceError) -> SignedManifest {
        guard key.publicKey == coordinatorKey else {
            throw .coordinatorKeyMismatch(path: path, study: studyID, expected: coordinatorKey.fingerprint,
                                          found: key.publicKey.fingerprint)
        }
        try files { () throws(HEFilesError) in try SiteID.validate(studyID) }
        var body = ManifestCodec.encodeBody(self)
        body += try key.signature(for: ManifestCodec.context + body)
        return SignedManifest(manifest: self, bytes: body, path: path)
    }
}

/// A manifest whose coordinator signature verified, with its file bytes.
public struct SignedManifest: Sendable, Hashable {
    public let manifest: StudyManifest
    /// The whole file.
    public let bytes: [UInt8]
    /// Where it was read from or will be written to (for messages).
    public let path: String
    /// SHA-256 of the whole file: what statements and the next version name.
    public var digest: Fingerprint { Fingerprint(sha256Of: bytes) }

    init(manifest: StudyManifest, bytes: [UInt8], path: String) {
        self.manifest = manifest
        self.bytes = bytes
        self.path = path
    }

    /// Decodes `bytes` and verifies the coordinator's signature under the key the manifest names.
    public init(decoding bytes: [UInt8], path: String) throws(GovernanceError) {
        let (manifest, bodyLength) = try ManifestCodec.decodeBody(bytes, path: path)
        let signature = Array(bytes[bodyLength...])
        guard signature.count == 64 else {
            throw .manifestDamaged(path: path, reason: "the signature has \(signature.count) bytes, not 64")
        }
        guard manifest.coordinatorKey.isValidSignature(signature, for: ManifestCodec.context + bytes[..<bodyLength]) else {
            throw .manifestSignatureInvalid(path: path, study: manifest.studyID)
        }
        self.init(manifest: manifest, bytes: bytes, path: path)
    }

    /// Reads and verifies the manifest file at `path`.
    public static func read(_ path: String) throws(GovernanceError) -> SignedManifest {
        try SignedManifest(decoding: files { () throws(HEFilesError) in try readWholeFile(path) }, path: path)
    }

    /// Writes the file atomically.
    public func write(to output: String) throws(GovernanceError) {
        try files { () throws(HEFilesError) in try AtomicFileWriter.write(bytes, to: output) }
    }
}
