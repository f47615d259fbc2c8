import HEFiles

// A site's signed statement (docs/FORMAT.md, "Site statement"): this site, of this study under this manifest,
// made the content with this digest at this time. Stored in the container header (format version 3) of the site
// file and of every aggregate that includes it.

/// A statement and its Ed25519 signature by the site's key.
public struct SiteStatement: Sendable, Hashable {
    static let version: UInt16 = 1
    static let context: [UInt8] = Array("he-toolkit site statement v1".utf8) + [0]

    public let studyID: String
    public let manifestDigest: Fingerprint
    public let siteID: String
    /// The ``ContentDigest`` of the site file.
    public let contentDigest: Fingerprint
    /// Milliseconds since 1970-01-01 UTC.
    public let createdMilliseconds: UInt64
    public let nonce: [UInt8]
    public let signature: [UInt8]

    /// Signs a new statement with `key`, a fresh 16-byte nonce from the operating system's generator.
    public init(studyID: String, manifestDigest: Fingerprint, siteID: String, contentDigest: Fingerprint,
                createdMilliseconds: UInt64, key: SigningSecretKey) throws(GovernanceError) {
        var rng = SystemRandomNumberGenerator()
        let nonce = (0 ..< 16).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        try self.init(studyID: studyID, manifestDigest: manifestDigest, siteID: siteID, contentDigest: contentDigest,
                      createdMilliseconds: createdMilliseconds, nonce: nonce, key: key)
    }

    /// As the other initialiser with a given nonce (known-answer files).
    public init(studyID: String, manifestDigest: Fingerprint, siteID: String, contentDigest: Fingerprint,
                createdMilliseconds: UInt64, nonce: [UInt8], key: SigningSecretKey) throws(GovernanceError) {
        precondition(nonce.count == 16)
        let fields = Self.fields(studyID: studyID, manifestDigest: manifestDigest, siteID: siteID,
                                 contentDigest: contentDigest, createdMilliseconds: createdMilliseconds, nonce: nonce)
        self.signature = try key.signature(for: Self.context + fields)
        self.studyID = studyID
        self.manifestDigest = manifestDigest
        self.siteID = siteID
        self.contentDigest = contentDigest
        self.createdMilliseconds = createdMilliseconds
        self.nonce = nonce
    }

    /// Everything but the signature, as encoded.
    var signedFields: [UInt8] {
        Self.fields(studyID: studyID, manifestDigest: manifestDigest, siteID: siteID, contentDigest: contentDigest,
                    createdMilliseconds: createdMilliseconds, nonce: nonce)
    }

    private static func fields(studyID: String, manifestDigest: Fingerprint, siteID: String, contentDigest: Fingerprint,
                               createdMilliseconds: UInt64, nonce: [UInt8]) -> [UInt8] {
        var w = HEFiles.ByteWriter()
        w.u16(Self.version)
        w.u16(0)
        w.string(studyID)
        w.raw(manifestDigest.bytes)
        w.string(siteID)
        w.raw(contentDigest.bytes)
        w.u64(createdMilliseconds)
        w.raw(nonce)
        return w.bytes
    }

    /// The statement's bytes as stored in a container header.
    public var encoded: [UInt8] { signedFields + signature }

    /// Decodes a statement (the signature is not checked here: see ``isSigned(by:)``).
    public init(decoding bytes: [UInt8], path: String, index: Int) throws(GovernanceError) {
        var r = HEFiles.ByteReader(bytes) { field, reason in
            GovernanceError.statementDamaged(path: path, index: index, reason: "\(field): \(reason)")
        }
        func bad(_ reason: String) -> GovernanceError { .statementDamaged(path: path, index: index, reason: reason) }
        let v = try r.u16("version")
        guard v == Self.version else { throw bad("statement version \(v) is not supported (this build reads 1)") }
        guard try r.u16("reserved") == 0 else { throw bad("reserved: must be 0") }
        studyID = try r.string("study ID", maxLength: SiteID.maxLength)
        manifestDigest = Fingerprint(unchecked: try r.raw(32, "manifest digest"))
        siteID = try r.string("site ID", maxLength: SiteID.maxLength)
        contentDigest = Fingerprint(unchecked: try r.raw(32, "content digest"))
        createdMilliseconds = try r.u64("creation time")
        nonce = try r.raw(16, "nonce")
        guard r.remaining == 64 else { throw bad("the signature has \(r.remaining) bytes, not 64") }
        signature = try r.raw(64, "signature")
    }

    /// Whether the signature verifies under `key`.
    public func isSigned(by key: SigningPublicKey) -> Bool {
        key.isValidSignature(signature, for: Self.context + signedFields)
    }
}
