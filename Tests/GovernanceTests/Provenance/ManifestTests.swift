// The study manifest: its bytes round-trip, every change of a byte breaks the coordinator signature, versions
// chain, and the state directory refuses a rolled-back or forked version and another coordinator key.

import Foundation
import HEFiles
import HETestSupport
import Testing
import Governance

/// A manifest of study `study` with sites `sites` (fresh keys), signed by `coordinator`.
func sampleManifest(study: String = "study-1", sites: [String] = ["site-a", "site-b"],
                    coordinator: SigningSecretKey = SigningSecretKey()) throws -> SignedManifest {
    var signed = try StudyManifest(studyID: study, coordinatorKey: coordinator.publicKey,
                                   encryptionKeyFingerprint: Fingerprint(sha256Of: Array("encryption key".utf8)),
                                   maxValue: 1000, maxSites: 8).signed(with: coordinator, path: "v1.hem")
    for (i, site) in sites.enumerated() {
        signed = try signed.manifest.adding(.init(id: site, key: SigningSecretKey().publicKey), after: signed)
            .signed(with: coordinator, path: "v\(i + 2).hem")
    }
    return signed
}

@Suite("Study manifest")
struct ManifestTests {
    @Test("bytes round-trip and name the previous version")
    func roundTrip() throws {
        let coordinator = SigningSecretKey()
        let v1 = try sampleManifest(sites: [], coordinator: coordinator)
        let v2 = try v1.manifest.adding(.init(id: "site-b", key: SigningSecretKey().publicKey), after: v1)
            .signed(with: coordinator, path: "v2.hem")
        let v3 = try v2.manifest.adding(.init(id: "site-a", key: SigningSecretKey().publicKey), after: v2)
            .signed(with: coordinator, path: "v3.hem")
        let decoded = try SignedManifest(decoding: v3.bytes, path: "v3.hem")
        #expect(decoded == v3)
        #expect(decoded.manifest.version == 3)
        #expect(decoded.manifest.previousDigest == v2.digest)
        #expect(v2.manifest.previousDigest == v1.digest)
        #expect(decoded.manifest.roster.map(\.id) == ["site-a", "site-b"])
        #expect(decoded.manifest.inputsRequired && !decoded.manifest.testStudy)
        let v4 = try v3.manifest.removing(site: "site-b", after: v3).signed(with: coordinator, path: "v4.hem")
        #expect(try SignedManifest(decoding: v4.bytes, path: "v4.hem").manifest.roster.map(\.id) == ["site-a"])
    }

    @Test("every flipped byte is refused (signature or encoding)")
    func everyByteCovered() throws {
        let signed = try sampleManifest()
        for i in signed.bytes.indices {
            var bytes = signed.bytes
            bytes[i] ^= 0x01
            #expect(throws: GovernanceError.self, "byte \(i)") { try SignedManifest(decoding: bytes, path: "m.hem") }
        }
        #expect(throws: GovernanceError.self) { try SignedManifest(decoding: Array(signed.bytes.dropLast()), path: "m.hem") }
    }

    @Test("only the coordinator's key signs; a site over max sites is refused")
    func coordinatorAndBounds() throws {
        let signed = try sampleManifest()
        #expect(throws: GovernanceError.self) { try signed.manifest.signed(with: SigningSecretKey(), path: "x.hem") }
        var small = signed.manifest
        small.maxSites = 2
        #expect(throws: GovernanceError.rosterFull(study: "study-1", site: "site-c", maxSites: 2)) {
            try small.adding(.init(id: "site-c", key: SigningSecretKey().publicKey), after: signed)
        }
    }

    @Test("the state directory refuses rollback, fork and another coordinator")
    func trust() throws {
        let dir = ScratchDirectory()
        let trust = ManifestTrust(directory: dir.file("state"))
        let coordinator = SigningSecretKey()
        let v1 = try sampleManifest(sites: [], coordinator: coordinator)
        let v2 = try v1.manifest.adding(.init(id: "site-a", key: SigningSecretKey().publicKey), after: v1)
            .signed(with: coordinator, path: "v2.hem")
        let fork = try v1.manifest.adding(.init(id: "site-z", key: SigningSecretKey().publicKey), after: v1)
            .signed(with: coordinator, path: "fork.hem")
        try trust.admit(v2, coordinator: coordinator.publicKey.fingerprint)
        try trust.admit(v2, coordinator: nil)
        #expect(throws: GovernanceError.manifestRolledBack(path: "v1.hem", study: "study-1", version: 1, seen: 2)) {
            try trust.admit(v1, coordinator: nil)
        }
        #expect(throws: GovernanceError.manifestForked(path: "fork.hem", study: "study-1", version: 2)) {
            try trust.admit(fork, coordinator: nil)
        }
        let other = try sampleManifest(coordinator: SigningSecretKey())
        #expect(throws: GovernanceError.self) { try trust.admit(other, coordinator: nil) }
        #expect(throws: GovernanceError.self) {
            try ManifestTrust(directory: dir.file("fresh")).admit(other, coordinator: coordinator.publicKey.fingerprint)
        }
        #expect(try trust.record(study: "study-1")?.version == 2)
    }

    @Test("signing key files: round trip, 0600, refused when open to others or damaged")
    func keyFiles() throws {
        let dir = ScratchDirectory()
        let pub = try SigningKeyFiles.generate(in: dir.file("k"))
        let secretPath = dir.file("k/signing.key")
        #expect(try SigningKeyFiles.readPublic(dir.file("k/signing.pub")) == pub)
        #expect(try SigningKeyFiles.readSecret(secretPath).publicKey == pub)
        #expect(throws: GovernanceError.self) { try SigningKeyFiles.generate(in: dir.file("k")) }
        chmod(secretPath, 0o640)
        #expect(throws: GovernanceError.file(.secretKeyPermissions(path: secretPath, mode: 0o640))) {
            try SigningKeyFiles.readSecret(secretPath)
        }
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: dir.file("k/signing.pub"))))
        bytes[20] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: dir.file("bad.pub")))
        #expect(throws: GovernanceError.self) { try SigningKeyFiles.readPublic(dir.file("bad.pub")) }
    }

    @Test("a secret signing key named through a symbolic link is refused; the file itself is read")
    func signingKeySymlink() throws {
        let dir = ScratchDirectory()
        let pub = try SigningKeyFiles.generate(in: dir.file("k"))
        let link = dir.file("link.key")
        try #require(symlink(dir.file("k/signing.key"), link) == 0)
        #expect(throws: GovernanceError.file(.secretKeySymlink(path: link))) { try SigningKeyFiles.readSecret(link) }
        #expect(try SigningKeyFiles.readSecret(dir.file("k/signing.key")).publicKey == pub)
    }

    @Test("a secret signing key owned by another user is refused, whatever its mode",
          .enabled(if: geteuid() == 0, "chown to another user needs root (CI runs the suite as root)"))
    func signingKeyOwner() throws {
        let dir = ScratchDirectory()
        try SigningKeyFiles.generate(in: dir.file("k"))
        let secretPath = dir.file("k/signing.key")
        try #require(chown(secretPath, 65534, 65534) == 0)
        #expect(throws: GovernanceError.file(.secretKeyOwner(path: secretPath, owner: 65534, user: UInt32(geteuid())))) {
            try SigningKeyFiles.readSecret(secretPath)
        }
    }
}
