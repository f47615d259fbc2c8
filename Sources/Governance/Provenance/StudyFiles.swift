import HEFiles

// The coordinator's flows on manifest files (`he-cli study ...`) and the check of a whole study folder.

public enum StudyFiles {
    /// Version 1 of a study: no sites yet, pinned to the encryption key in `publicKeyPath`, signed with the
    /// coordinator's key file. Never replaces an existing file.
    @discardableResult
    public static func initialise(study: String, publicKeyPath: String, signingKeyPath: String, maxValue: UInt64,
                                  maxSites: UInt32, inputsRequired: Bool, testStudy: Bool,
                                  to output: String) throws(GovernanceError) -> SignedManifest {
        let key = try SigningKeyFiles.readSecret(signingKeyPath)
        let header = try files { () throws(HEFilesError) in try ContainerReader.readHeader(publicKeyPath) }
        guard header.kind == .publicKey else {
            throw .file(.wrongContentKind(path: publicKeyPath, expected: "a public key", found: header.kind.description))
        }
        let manifest = StudyManifest(studyID: study, coordinatorKey: key.publicKey,
                                     encryptionKeyFingerprint: header.publicKeyFingerprint, maxValue: maxValue,
                                     maxSites: maxSites, inputsRequired: inputsRequired, testStudy: testStudy)
        let signed = try manifest.signed(with: key, path: output)
        try files { () throws(HEFilesError) in try AtomicFileWriter.write(signed.bytes, to: output, replaceExisting: false) }
        return signed
    }

    /// The next version of `source` with `site` added under the public signing key in `siteKeyPath`.
    @discardableResult
    public static func addSite(_ site: String, siteKeyPath: String, manifest source: ManifestSource,
                               signingKeyPath: String, to output: String) throws(GovernanceError) -> SignedManifest {
        let previous = try source.load()
        let siteKey = try SigningKeyFiles.readPublic(siteKeyPath)
        let next = try previous.manifest.adding(.init(id: site, key: siteKey), after: previous)
        return try sign(next, signingKeyPath: signingKeyPath, to: output)
    }

    /// The next version of `source` without `site`.
    @discardableResult
    public static func removeSite(_ site: String, manifest source: ManifestSource, signingKeyPath: String,
                                  to output: String) throws(GovernanceError) -> SignedManifest {
        let previous = try source.load()
        let next = try previous.manifest.removing(site: site, after: previous)
        return try sign(next, signingKeyPath: signingKeyPath, to: output)
    }

    private static func sign(_ m: StudyManifest, signingKeyPath: String, to output: String) throws(GovernanceError) -> SignedManifest {
        let key = try SigningKeyFiles.readSecret(signingKeyPath)
        let signed = try m.signed(with: key, path: output)
        try files { () throws(HEFilesError) in try AtomicFileWriter.write(signed.bytes, to: output, replaceExisting: false) }
        return signed
    }

    /// One file checked by ``verify(manifest:files:)``: its statements' sites, or the problem found.
    public struct FileCheck: Sendable {
        public var path: String
        public var sites: [String]
        public var problem: GovernanceError?
    }

    /// Checks every container in `paths` (files, or folders whose `*.he` files are checked) against the manifest:
    /// statements, and for site files the content digest recomputed from the file. Also reports a site signed
    /// in two site files.
    public static func verify(manifest: SignedManifest, files paths: [String]) -> [FileCheck] {
        var results: [FileCheck] = []
        var siteFile: [String: String] = [:]
        for path in expand(paths) {
            do throws(GovernanceError) {
                let reader = try files { () throws(HEFilesError) in try ContainerReader(path: path) }
                let statements = try ProvenanceCheck.verify(header: reader.header, path: path, manifest: manifest)
                while try files({ () throws(HEFilesError) in try reader.nextChunk() }) != nil {}
                if let digest = reader.contentDigest {
                    try ProvenanceCheck.checkContent(of: reader.header, path: path, statements: statements, contentDigest: digest)
                }
                if reader.header.kind == .siteTable, let site = statements.first?.siteID {
                    if let other = siteFile[site] { throw .duplicateSite(site: site, first: other, second: path) }
                    siteFile[site] = path
                }
                results.append(FileCheck(path: path, sites: statements.map(\.siteID), problem: nil))
            } catch {
                results.append(FileCheck(path: path, sites: [], problem: error))
            }
        }
        return results
    }

    static func expand(_ paths: [String]) -> [String] {
        var out: [String] = []
        for p in paths {
            if let names = directoryEntries(p) {
                out += names.filter { $0.hasSuffix(".he") }.sorted().map { p + "/" + $0 }
            } else {
                out.append(p)
            }
        }
        return out
    }
}
