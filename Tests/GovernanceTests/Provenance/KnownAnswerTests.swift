// The known-answer signed study of Resources/provenance-kat: a manifest signed with the RFC 8032 section 7.1
// TEST 1 secret key as a test-only coordinator key, and a site file (a 2 x 2 Paillier table, 2048-bit test key
// public.hekey) whose statement is signed with the TEST 2 secret key as a test-only site key. Written once by
// he-cli with those keys in signing-key files. Checked here by this library, re-signed byte for byte on Linux
// (BoringSSL's deterministic Ed25519), and by the independent reader Tests/Oracles/provenance_oracle.py,
// written from docs/FORMAT.md alone.

import Foundation
import HEFiles
import HETestSupport
import Testing
import Governance

@Suite("Provenance known-answer files")
struct KnownAnswerTests {
    static func resource(_ name: String) -> String {
        Bundle.module.url(forResource: "provenance-kat/" + name, withExtension: nil, subdirectory: "Resources")!.path
    }
    static let oracle = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Oracles/provenance_oracle.py").path

    let testVectorCoordinator = try! SigningSecretKey(seed: hexBytes(Ed25519VectorTests.vectors.first { $0.name == "TEST 1" }!.secretKey))
    let testVectorSite = try! SigningSecretKey(seed: hexBytes(Ed25519VectorTests.vectors.first { $0.name == "TEST 2" }!.secretKey))

    @Test("the manifest and the site file verify, and re-signing reproduces their bytes")
    func verifies() throws {
        let m = try SignedManifest.read(Self.resource("manifest.hem"))
        #expect(m.manifest.coordinatorKey == testVectorCoordinator.publicKey)
        #expect(m.manifest.site("test-vector-site")?.key == testVectorSite.publicKey)
        #expect(m.manifest.studyID == "test-vector-study" && m.manifest.version == 2 && m.manifest.testStudy)
        #expect(m.manifest.encryptionKeyFingerprint == (try ContainerReader.readHeader(Self.resource("public.hekey"))).publicKeyFingerprint)

        let reader = try ContainerReader(path: Self.resource("site.he"))
        #expect(reader.formatVersion == 3)
        _ = try reader.readAllChunks()
        let statements = try ProvenanceCheck.verify(header: reader.header, path: "site.he", manifest: m,
                                                    contentDigest: reader.contentDigest)
        #if os(Linux)
        let resigned = try m.manifest.signed(with: testVectorCoordinator, path: "manifest.hem")
        #expect(resigned.bytes == m.bytes)
        let s = statements[0]
        let again = try SiteStatement(studyID: s.studyID, manifestDigest: s.manifestDigest, siteID: s.siteID,
                                      contentDigest: s.contentDigest, createdMilliseconds: s.createdMilliseconds,
                                      nonce: s.nonce, key: testVectorSite)
        #expect(again.encoded == reader.header.statements[0])
        #endif
    }

    @Test("the independent Python reader parses the files from FORMAT.md and verifies them; a changed file fails",
          .enabled(if: OracleEnvironment.python != nil || OracleEnvironment.required, "HE_TEST_PYTHON is not set"))
    func pythonReader() throws {
        let dir = ScratchDirectory()
        let reader = try ContainerReader(path: Self.resource("site.he"))
        var chunks = try reader.readAllChunks()
        let digest = try #require(reader.contentDigest)
        chunks[0][100] ^= 1
        let tampered = dir.file("tampered.he")
        try Data(ContainerWriter.encode(header: reader.header, chunks: chunks)).write(to: URL(fileURLWithPath: tampered))

        let python = try OracleEnvironment.requirePython()
        let result = try ChildProcess.run(python, [Self.oracle, Self.resource("manifest.hem"), Self.resource("site.he"), tampered])
        try #require(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let manifest = try #require(report["manifest"] as? [String: Any])
        let m = try SignedManifest.read(Self.resource("manifest.hem"))
        #expect(manifest["signatureVerifies"] as? Bool == true)
        #expect(manifest["digest"] as? String == m.digest.hex)
        #expect(manifest["coordinatorFingerprint"] as? String == m.manifest.coordinatorKey.fingerprint.hex)
        let files = try #require(report["files"] as? [[String: Any]])
        let good = try #require(files[0]["statements"] as? [[String: Any]])
        #expect(files[0]["contentDigest"] as? String == digest.hex)
        #expect(good.count == 1 && good[0]["verifies"] as? Bool == true && good[0]["site"] as? String == "test-vector-site")
        let bad = try #require(files[1]["statements"] as? [[String: Any]])
        #expect(bad[0]["verifies"] as? Bool == false)
    }
}
