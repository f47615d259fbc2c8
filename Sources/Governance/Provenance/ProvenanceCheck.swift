import HEFiles

// Verification of the statements a site file or an aggregate carries against a study manifest. Every refusal
// names the file and the site.

/// Verifies containers' statements against one signed manifest.
public enum ProvenanceCheck {
    /// Decodes the statements of `header` (of the file `path`) without verifying them.
    public static func statements(of header: ContainerHeader, path: String) throws(GovernanceError) -> [SiteStatement] {
        var out: [SiteStatement] = []
        for (i, bytes) in header.statements.enumerated() {
            out.append(try SiteStatement(decoding: bytes, path: path, index: i + 1))
        }
        return out
    }

    /// Verifies every statement of `header` against `manifest`: each signed by the roster key of the site it
    /// names, for this study and this manifest version, no site twice, the statements' sites exactly the
    /// header's contributors, the file under the manifest's encryption key. For a site file, `contentDigest`
    /// (computed from the file) must be the statement's; pass nil to check it later with
    /// ``checkContent(of:path:statements:contentDigest:)``. Returns the statements.
    @discardableResult
    public static func verify(header: ContainerHeader, path: String, manifest signed: SignedManifest,
                              contentDigest: Fingerprint? = nil) throws(GovernanceError) -> [SiteStatement] {
        let m = signed.manifest
        let site = header.contributors.first ?? "?"
        guard !header.statements.isEmpty else { throw .unsignedFile(path: path, site: site) }
        guard header.publicKeyFingerprint == m.encryptionKeyFingerprint else {
            throw .encryptionKeyNotInManifest(path: path, site: site, manifestPath: signed.path)
        }
        let statements: [SiteStatement]
        do { statements = try self.statements(of: header, path: path) } catch let .statementDamaged(p, index, reason) {
            throw .statementDamaged(path: p, index: index, reason: "\(reason) (contributor '\(site)')")
        }
        var seen = Set<String>()
        for s in statements {
            if let problem = problem(of: s, path: path, manifest: signed) { throw problem }
            guard seen.insert(s.siteID).inserted else { throw .duplicateSite(site: s.siteID, first: path, second: path) }
        }
        guard header.contributors.count == statements.count, Set(header.contributors) == seen else {
            throw .contributorsDisagree(path: path, contributors: header.contributors,
                                        signed: statements.map(\.siteID).sorted())
        }
        guard statements.count <= Int(m.maxSites) else {
            throw .tooManySites(path: path, count: statements.count, maxSites: m.maxSites)
        }
        if header.kind == .siteTable, let contentDigest {
            try checkContent(of: header, path: path, statements: statements, contentDigest: contentDigest)
        }
        return statements
    }

    /// Why one statement (of the file `path`) does not verify against `manifest`, or nil when it does: the site
    /// on the roster, signed by its roster key, this study, this manifest version.
    public static func problem(of s: SiteStatement, path: String, manifest signed: SignedManifest) -> GovernanceError? {
        let m = signed.manifest
        guard let entry = m.site(s.siteID) else { return .siteNotOnRoster(path: path, site: s.siteID) }
        guard s.isSigned(by: entry.key) else { return .statementSignatureInvalid(path: path, site: s.siteID) }
        guard s.studyID == m.studyID else {
            return .statementOtherStudy(path: path, site: s.siteID, study: s.studyID, expected: m.studyID)
        }
        guard s.manifestDigest == signed.digest else {
            return .statementOtherManifest(path: path, site: s.siteID, manifestVersion: m.version)
        }
        return nil
    }

    /// For a site file: the content digest computed from the file must be the one its statement signs.
    public static func checkContent(of header: ContainerHeader, path: String, statements: [SiteStatement],
                                    contentDigest: Fingerprint) throws(GovernanceError) {
        guard header.kind == .siteTable, let s = statements.first else { return }
        guard s.contentDigest == contentDigest else { throw .contentDigestMismatch(path: path, site: s.siteID) }
    }

    /// The checks a site runs before encrypting for the study: the encryption key is the manifest's, `site` is
    /// on the roster with exactly `signingKey`'s public key, and `bound` (stored units) is within the manifest's.
    public static func checkSite(_ site: String, signingKey: SigningPublicKey, signingKeyPath: String,
                                 encryptionKey: Fingerprint, encryptionKeyPath: String, bound: UInt64,
                                 manifest signed: SignedManifest) throws(GovernanceError) {
        let m = signed.manifest
        guard encryptionKey == m.encryptionKeyFingerprint else {
            throw .encryptionKeyNotInManifest(path: encryptionKeyPath, site: site, manifestPath: signed.path)
        }
        guard let entry = m.site(site) else { throw .siteNotOnRoster(path: signed.path, site: site) }
        guard entry.key == signingKey else {
            throw .signingKeyNotOnRoster(keyPath: signingKeyPath, site: site, manifestPath: signed.path)
        }
        guard bound <= m.maxValue else {
            throw .boundExceedsManifest(site: site, bound: bound, maxValue: m.maxValue, manifestPath: signed.path)
        }
    }
}
