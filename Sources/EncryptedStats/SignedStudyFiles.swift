#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Governance
import HEFiles

// Provenance on the three roles' files: a site signs its file for a study, the key holder verifies an aggregate
// (and, given the signed site files, recomputes it) before decrypting. Verification itself is Governance's.

/// A site's key and study manifest, ready to sign the site files it writes.
public struct SiteSigner: Sendable {
    public let manifest: SignedManifest
    public let key: SigningSecretKey
    public let keyPath: String
    /// The encryption key file, for the messages.
    public let encryptionKeyPath: String

    public init(manifest: SignedManifest, key: SigningSecretKey, keyPath: String, encryptionKeyPath: String) {
        self.manifest = manifest
        self.key = key
        self.keyPath = keyPath
        self.encryptionKeyPath = encryptionKeyPath
    }

    /// Loads the manifest (verified, see ``ManifestSource/load()``) and the secret signing key.
    public static func open(manifest source: ManifestSource, signingKeyPath: String,
                            encryptionKeyPath: String) throws(EncryptedStatsError) -> SiteSigner {
        let manifest = try governance { () throws(GovernanceError) in try source.load() }
        let key = try governance { () throws(GovernanceError) in try SigningKeyFiles.readSecret(signingKeyPath) }
        return SiteSigner(manifest: manifest, key: key, keyPath: signingKeyPath, encryptionKeyPath: encryptionKeyPath)
    }

    /// Refuses to encrypt unless the key is the study's, `site` is on the roster with this signing key and
    /// `bound` is within the study's.
    func check(site: String, encryptionKey: Fingerprint, bound: UInt64) throws(EncryptedStatsError) {
        try governance { () throws(GovernanceError) in
            try ProvenanceCheck.checkSite(site, signingKey: key.publicKey, signingKeyPath: keyPath,
                                          encryptionKey: encryptionKey, encryptionKeyPath: encryptionKeyPath,
                                          bound: bound, manifest: manifest)
        }
    }

    /// The encoded statement for `site`'s file of content digest `content`, made now.
    func statement(site: String, content: Fingerprint) throws(EncryptedStatsError) -> [UInt8] {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let ms = UInt64(max(0, now.tv_sec)) * 1000 + UInt64(max(0, now.tv_nsec)) / 1_000_000
        let m = manifest.manifest
        return try governance { () throws(GovernanceError) in
            try SiteStatement(studyID: m.studyID, manifestDigest: manifest.digest, siteID: site, contentDigest: content,
                              createdMilliseconds: ms, key: key).encoded
        }
    }
}

/// What the key holder verifies before decrypting: every statement against `manifest`, and with `inputs` (the
/// signed site files) the aggregate recomputed from them.
public struct DecryptionCheck: Sendable {
    public var manifest: SignedManifest
    public var inputs: [String]
    /// The schema decoded while the folders were listed: the aggregate and the recomputation reuse it.
    package var schemaCache: ContainerFormat.DecodedSchema?

    /// `inputs` may name files and folders; a folder stands for its site files (`*.he` holding a site table).
    public init(manifest: SignedManifest, inputs: [String]) {
        self.manifest = manifest
        var files: [String] = []
        // The site files of one study share a schema: decoded once (a GWAS schema is many strings).
        var cache: ContainerFormat.DecodedSchema? = nil
        for input in inputs {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue {
                let names = ((try? FileManager.default.contentsOfDirectory(atPath: input)) ?? []).filter { $0.hasSuffix(".he") }
                for name in names.sorted() {
                    let path = input + "/" + name
                    if (try? ContainerReader.readHeader(path, schemaCache: &cache))?.kind == .siteTable { files.append(path) }
                }
            } else {
                files.append(input)
            }
        }
        self.inputs = files
        self.schemaCache = cache
    }
}

extension EncryptedTableFiles {
    /// For a site file given to decrypt: reads it through once and checks its content digest against its
    /// statement, so that no ciphertext of a file that is not what its site signed is ever decrypted. (Aggregation
    /// checks each file's digest as it reads it, and discards the sum of a file that does not match.)
    static func checkContent(of h: ContainerHeader, path: String, statements: [SiteStatement]) throws(EncryptedStatsError) {
        guard h.kind == .siteTable else { return }
        let reader = try files { () throws(HEFilesError) in try ContainerReader(path: path) }
        while try files({ () throws(HEFilesError) in try reader.nextChunk() }) != nil {}
        guard reader.header == h else { throw .fileUnreadable(path: path, reason: "the file changed while it was being read") }
        if let digest = reader.contentDigest {
            try governance { () throws(GovernanceError) in
                try ProvenanceCheck.checkContent(of: h, path: path, statements: statements, contentDigest: digest)
            }
        }
    }

    /// The ciphertexts the aggregate at `path` must hold and the statements it must carry, or nil without
    /// `check`. Refuses before anything is decrypted.
    static func expectations(for h: ContainerHeader, path: String, keys: SchemeKeys, keyPath: String,
                             check: DecryptionCheck?,
                             schemaCache: ContainerFormat.DecodedSchema?) throws(EncryptedStatsError) -> (chunks: [[UInt8]]?, statements: [SiteStatement]) {
        guard let check else { return (nil, []) }
        let statements = try governance { () throws(GovernanceError) in
            try ProvenanceCheck.verify(header: h, path: path, manifest: check.manifest)
        }
        try checkContent(of: h, path: path, statements: statements)
        guard !check.inputs.isEmpty else {
            if h.kind == .aggregate && check.manifest.manifest.inputsRequired {
                throw .inputsRequired(path: path, manifestPath: check.manifest.path)
            }
            return (nil, statements)
        }
        let sum = try recompute(inputs: check.inputs, expectedKey: (keyPath, keys.publicKeyFingerprint),
                                manifest: check.manifest, schemaCache: schemaCache, progress: nil)
        let held = h.contributors.sorted(), given = sum.header.contributors.sorted()
        guard held == given else { throw .inputSitesDiffer(path: path, aggregateSites: held, inputSites: given) }
        return (sum.chunks, statements)
    }
}
