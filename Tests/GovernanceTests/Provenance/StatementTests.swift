// Site statements: bytes round-trip, the signature covers every field, and `ProvenanceCheck` refuses a
// statement of an unknown site, under another key, of another study or manifest, a truncated one, and a header
// whose contributors are not the signed sites, naming the file and the site.

import HEFiles
import Testing
import Governance

@Suite("Site statements")
struct StatementTests {
    let coordinator = SigningSecretKey()
    let siteA = SigningSecretKey()

    func study(_ id: String = "study-1") throws -> SignedManifest {
        let v1 = try StudyManifest(studyID: id, coordinatorKey: coordinator.publicKey,
                                   encryptionKeyFingerprint: Fingerprint(sha256Of: [1]), maxValue: 100, maxSites: 4)
            .signed(with: coordinator, path: "v1.hem")
        return try v1.manifest.adding(.init(id: "site-a", key: siteA.publicKey), after: v1).signed(with: coordinator, path: "m.hem")
    }

    func header(_ statements: [[UInt8]], contributors: [String] = ["site-a"]) -> ContainerHeader {
        var h = ContainerHeader(scheme: .paillier, kind: .siteTable, parameters: [1, 2, 3],
                                publicKeyFingerprint: Fingerprint(sha256Of: [1]), schema: nil,
                                contributors: contributors, valueBound: 10)
        h.statements = statements
        return h
    }

    func statement(_ m: SignedManifest, site: String = "site-a", key: SigningSecretKey? = nil,
                   study: String? = nil) throws -> SiteStatement {
        try SiteStatement(studyID: study ?? m.manifest.studyID, manifestDigest: m.digest, siteID: site,
                          contentDigest: Fingerprint(sha256Of: [9]), createdMilliseconds: 1_700_000_000_000,
                          key: key ?? siteA)
    }

    @Test("round trip; the signature covers every byte")
    func roundTrip() throws {
        let m = try study()
        let s = try statement(m)
        let decoded = try SiteStatement(decoding: s.encoded, path: "a.he", index: 1)
        #expect(decoded == s && decoded.isSigned(by: siteA.publicKey))
        let again = try statement(m)
        #expect(s.nonce.count == 16 && s.nonce != again.nonce)
        for i in s.encoded.indices {
            var bytes = s.encoded
            bytes[i] ^= 0x80
            if let other = try? SiteStatement(decoding: bytes, path: "a.he", index: 1) {
                #expect(!other.isSigned(by: siteA.publicKey), "byte \(i)")
            }
        }
        #expect(try ProvenanceCheck.verify(header: header([s.encoded]), path: "a.he", manifest: m,
                                           contentDigest: Fingerprint(sha256Of: [9])) == [s])
    }

    @Test("refusals name the file and the site")
    func refusals() throws {
        let m = try study()
        let good = try statement(m)
        func refused(_ h: ContainerHeader, _ expected: GovernanceError) {
            #expect(throws: expected) { try ProvenanceCheck.verify(header: h, path: "x.he", manifest: m) }
        }
        refused(header([]), .unsignedFile(path: "x.he", site: "site-a"))
        refused(header([try statement(m, site: "site-q", key: SigningSecretKey()).encoded], contributors: ["site-q"]),
                .siteNotOnRoster(path: "x.he", site: "site-q"))
        refused(header([try statement(m, key: SigningSecretKey()).encoded]), .statementSignatureInvalid(path: "x.he", site: "site-a"))
        refused(header([try statement(m, study: "other").encoded]),
                .statementOtherStudy(path: "x.he", site: "site-a", study: "other", expected: "study-1"))
        let old = try StudyManifest(studyID: "study-1", coordinatorKey: coordinator.publicKey,
                                    encryptionKeyFingerprint: Fingerprint(sha256Of: [1]), maxValue: 100, maxSites: 4)
            .signed(with: coordinator, path: "old.hem")
        refused(header([try SiteStatement(studyID: "study-1", manifestDigest: old.digest, siteID: "site-a",
                                          contentDigest: Fingerprint(sha256Of: [9]), createdMilliseconds: 0, key: siteA).encoded]),
                .statementOtherManifest(path: "x.he", site: "site-a", manifestVersion: 2))
        refused(header([good.encoded], contributors: ["site-q"]),
                .contributorsDisagree(path: "x.he", contributors: ["site-q"], signed: ["site-a"]))
        refused(header([good.encoded, good.encoded], contributors: ["site-a", "site-b"]),
                .duplicateSite(site: "site-a", first: "x.he", second: "x.he"))
        refused(header([Array(good.encoded.dropLast())]), .statementDamaged(
            path: "x.he", index: 1, reason: "the signature has 63 bytes, not 64 (contributor 'site-a')"))
        #expect(throws: GovernanceError.contentDigestMismatch(path: "x.he", site: "site-a")) {
            try ProvenanceCheck.verify(header: header([good.encoded]), path: "x.he", manifest: m,
                                       contentDigest: Fingerprint(sha256Of: [8]))
        }
    }
}
