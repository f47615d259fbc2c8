import Crypto
import HEFiles

// The coordinator's flows on manifest files (`he-cli study ...`) and the check of a whole study folder.

public enum StudyFiles {
    /// Version 1 of a study: no sites yet, pinned to the encryption key in `publicKeyPath`, signed with the
    /// coordinator's key file. Never replaces an existing file.
    @discardableResult
    public static func initialise(study: String, publicKeyPath: String, signingKeyPath: String, maxValue: UInt64,
                                  maxSites: UInt32, inputsRequired: Bool, testStudy: Bool,
                                  policy: ReleasePolicy? = nil,
                                  to output: String) throws(GovernanceError) -> SignedManifest {
        let key = try SigningKeyFiles.readSecret(signingKeyPath)
        let header = try files { () throws(HEFilesError) in try ContainerReader.readHeader(publicKeyPath) }
        guard header.kind == .publicKey else {
            throw .file(.wrongContentKind(path: publicKeyPath, expected: "a public key", found: header.kind.description))
        }
        var manifest = StudyManifest(studyID: study, coordinatorKey: key.publicKey,
                                     encryptionKeyFingerprint: header.publicKeyFingerprint, maxValue: maxValue,
                                     maxSites: maxSites, inputsRequired: inputsRequired, testStudy: testStudy)
        // The whole policy is written (defaults included), and must be one the manifest's own checks accept.
        var chosen = policy ?? ReleasePolicy.standard
        chosen.testStudy = testStudy
        manifest.policy = chosen.manifestPolicy
        _ = try ReleasePolicy(manifest: manifest)
        let signed = try manifest.signed(with: key, path: output)
        try files { () throws(HEFilesError) in try AtomicFileWriter.write(signed.bytes, to: output, replaceExisting: false) }
        return signed
    }

    /// Version 1 of a multi-party BFV study (docs/MULTIPARTY.md): no sites and no encryption key yet (the
    /// collective key is set by ``setEncryptionKey(publicKeyPath:manifest:signingKeyPath:to:)`` once the parties
    /// have combined it), the decryption parties with their public keys (`party.pub` files), the threshold, the BFV
    /// parameters field and a fresh 32-byte common seed from the operating system's random source.
    @discardableResult
    public static func initialiseMultiparty(study: String, parties: [(name: String, keyPath: String)], threshold: UInt32?,
                                            parameters: [UInt8], signingKeyPath: String, maxValue: UInt64,
                                            maxSites: UInt32, inputsRequired: Bool, testStudy: Bool,
                                            policy: ReleasePolicy? = nil,
                                            to output: String) throws(GovernanceError) -> SignedManifest {
        let key = try SigningKeyFiles.readSecret(signingKeyPath)
        var keys: [(name: String, key: PartyPublicKey)] = []
        for p in parties { keys.append((p.name, try PartyKeyFiles.readPublic(p.keyPath))) }
        let seed = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        var manifest = StudyManifest(studyID: study, coordinatorKey: key.publicKey, encryptionKeyFingerprint: .zero,
                                     maxValue: maxValue, maxSites: maxSites, inputsRequired: inputsRequired,
                                     testStudy: testStudy)
        manifest.multiparty = try StudyManifest.Multiparty(parameters: parameters, seed: seed,
                                                           threshold: threshold ?? UInt32(keys.count), parties: keys)
        var chosen = policy ?? ReleasePolicy.standard
        chosen.testStudy = testStudy
        manifest.policy = chosen.manifestPolicy
        _ = try ReleasePolicy(manifest: manifest)
        let signed = try manifest.signed(with: key, path: output)
        try files { () throws(HEFilesError) in try AtomicFileWriter.write(signed.bytes, to: output, replaceExisting: false) }
        return signed
    }

    /// The next version of a multi-party study with its encryption key set to the collective public key in
    /// `publicKeyPath` (written by `party combine-key`).
    @discardableResult
    public static func setEncryptionKey(publicKeyPath: String, manifest source: ManifestSource, signingKeyPath: String,
                                        to output: String) throws(GovernanceError) -> SignedManifest {
        let previous = try source.load()
        guard previous.manifest.multiparty != nil else {
            throw .multipartyInvalid(reason: "\(previous.path) is a single-key study: its encryption key was fixed by study init")
        }
        let header = try files { () throws(HEFilesError) in try ContainerReader.readHeader(publicKeyPath) }
        guard header.kind == .publicKey else {
            throw .file(.wrongContentKind(path: publicKeyPath, expected: "a public key", found: header.kind.description))
        }
        guard header.parameters == previous.manifest.multiparty!.parameters else {
            throw .multipartyInvalid(reason: "\(publicKeyPath) has other BFV parameters than the study")
        }
        let next = try previous.manifest.settingEncryptionKey(header.publicKeyFingerprint, after: previous)
        return try sign(next, signingKeyPath: signingKeyPath, to: output)
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

    /// One file checked by ``verify(manifest:files:)``: its statements' sites (a site file or aggregate) or its
    /// version (a manifest of the chain), or the problem found.
    public struct FileCheck: Sendable {
        public var path: String
        public var sites: [String]
        /// For a manifest file: its version.
        public var manifestVersion: UInt32?
        public var problem: GovernanceError?
    }

    /// Checks every container in `paths` (files, or folders whose `*.he` and `*.hem` files are checked) against
    /// the manifest: statements, and for site files the content digest recomputed from the file. Also reports a
    /// site signed in two site files. Manifest files (`*.hem`) are checked as the chain that ends at `manifest`
    /// (``verifyChain(head:files:)``).
    public static func verify(manifest: SignedManifest, files paths: [String]) -> [FileCheck] {
        var results: [FileCheck] = []
        var siteFile: [String: String] = [:]
        let all = expand(paths)
        let manifests = all.filter { $0.hasSuffix(".hem") }
        results += verifyChain(head: manifest, files: manifests)
        for path in all where !path.hasSuffix(".hem") {
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

    /// Checks manifest files as versions of the chain that ends at `head`: each must verify, be of `head`'s
    /// study and coordinator key, and be the very version its successor names (SHA-256 of the file); a version
    /// newer than `head`, a second file of one version (a fork), a version missing between two given ones, and a
    /// file of a lower version that the chain does not lead to are each a problem. The file holding `head`
    /// itself is reported as version `head.version`.
    public static func verifyChain(head: SignedManifest, files paths: [String]) -> [FileCheck] {
        let m = head.manifest
        var results: [FileCheck] = []
        var byVersion: [UInt32: [SignedManifest]] = [:]
        for path in paths {
            do throws(GovernanceError) {
                let signed = try SignedManifest.read(path)
                let v = signed.manifest.version
                guard signed.manifest.studyID == m.studyID else {
                    throw .manifestChainBroken(path: path, study: signed.manifest.studyID, version: v,
                                               reason: "the manifest verified against is of study '\(m.studyID)'")
                }
                guard signed.manifest.coordinatorKey == m.coordinatorKey else {
                    throw .manifestChainBroken(path: path, study: m.studyID, version: v,
                                               reason: "it is signed by another coordinator key")
                }
                guard v <= m.version else {
                    throw .manifestChainBroken(path: path, study: m.studyID, version: v,
                                               reason: "it is newer than version \(m.version) in \(head.path): verify against it")
                }
                if v == m.version, signed.digest != head.digest {
                    throw .manifestForked(path: path, study: m.studyID, version: v)
                }
                byVersion[v, default: []].append(signed)
            } catch {
                results.append(FileCheck(path: path, sites: [], manifestVersion: nil, problem: error))
            }
        }
        var expected: Fingerprint? = head.digest
        var missing: UInt32? = nil
        var version = m.version
        while version >= 1 {
            let given = byVersion[version] ?? []
            var next: Fingerprint? = nil
            if given.isEmpty, expected != nil, version < m.version { missing = version }
            for signed in given {
                if let expected, signed.digest == expected {
                    results.append(FileCheck(path: signed.path, sites: signed.manifest.roster.map(\.id),
                                             manifestVersion: version, problem: nil))
                    next = signed.manifest.previousDigest
                } else {
                    let reason = expected == nil
                        ? "version \(missing ?? version + 1) is not among the files given, so this one cannot be chained to version \(m.version)"
                        : "it is not the version \(version) that version \(version + 1) names (a fork or a rewritten file)"
                    let problem: GovernanceError = version == m.version
                        ? .manifestForked(path: signed.path, study: m.studyID, version: version)
                        : .manifestChainBroken(path: signed.path, study: m.studyID, version: version, reason: reason)
                    results.append(FileCheck(path: signed.path, sites: [], manifestVersion: version, problem: problem))
                }
            }
            expected = next
            version -= 1
        }
        return results.sorted { ($0.manifestVersion ?? 0, $0.path) < ($1.manifestVersion ?? 0, $1.path) }
    }

    static func expand(_ paths: [String]) -> [String] {
        var out: [String] = []
        for p in paths {
            if let names = directoryEntries(p) {
                out += names.filter { $0.hasSuffix(".he") || $0.hasSuffix(".hem") }.sorted().map { p + "/" + $0 }
            } else {
                out.append(p)
            }
        }
        return out
    }
}
