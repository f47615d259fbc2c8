// The study manifest: its bytes round-trip, every change of a byte breaks the coordinator signature, versions
// chain, and the state directory refuses a rolled-back or forked version and another coordinator key.

#if canImport(Glibc)
import Glibc
#endif
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

    /// Versions 1 to 6 of one study, each chained to the one before.
    func chain(_ coordinator: SigningSecretKey, count: Int = 6) throws -> [SignedManifest] {
        var out = [try sampleManifest(sites: [], coordinator: coordinator)]
        for i in 2 ... count {
            out.append(try out[i - 2].manifest.adding(.init(id: "site-\(i)", key: SigningSecretKey().publicKey), after: out[i - 2])
                .signed(with: coordinator, path: "v\(i).hem"))
        }
        return out
    }

    @Test("admitting a manifest waits for the state file's lock; concurrent admissions leave the highest version")
    func admissionsLocked() throws {
        let coordinator = SigningSecretKey()
        let versions = try chain(coordinator)
        let dir = ScratchDirectory()
        let trust = ManifestTrust(directory: dir.file("state"))
        try trust.admit(versions[0], coordinator: nil)
        // Hold the lock as another run would, between reading the record and replacing it.
        let lockPath = dir.file("state") + "/manifest-" + Fingerprint(sha256Of: Array("study-1".utf8)).hex.prefix(32) + ".state.lock"
        let fd = open(lockPath, O_RDWR)
        #expect(fd >= 0, "no lock file at \(lockPath)")
        #expect(flock(fd, LOCK_EX) == 0)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            _ = try? trust.admit(versions[3], coordinator: nil)
            done.signal()
        }
        let waited = done.wait(timeout: .now() + .milliseconds(300)) == .timedOut
        #expect(waited, "admit did not wait for the lock")
        if waited { #expect(try trust.record(study: "study-1")?.version == 1) }
        close(fd)
        if waited { done.wait() }
        #expect(try trust.record(study: "study-1")?.version == 4)

        for round in 0 ..< 10 {
            let dir = ScratchDirectory()
            let trust = ManifestTrust(directory: dir.file("state"))
            DispatchQueue.concurrentPerform(iterations: 8) { thread in
                for v in versions.indices.shuffled() where (v + thread + round) % 2 == 0 || v == versions.count - 1 {
                    _ = try? trust.admit(versions[v], coordinator: nil)
                }
            }
            #expect(try trust.record(study: "study-1")?.version == 6, "round \(round)")
        }
    }

    @Test("study verify's chain check: the versions of one chain verify; a fork, a gap, a newer version, another study and a rewritten file are named")
    func chainCheck() throws {
        let dir = ScratchDirectory()
        let coordinator = SigningSecretKey()
        let versions = try chain(coordinator)
        func write(_ m: SignedManifest, _ name: String) throws -> String {
            let path = dir.file(name)
            try Data(m.bytes).write(to: URL(fileURLWithPath: path))
            return path
        }
        var paths: [String] = []
        for (i, m) in versions.enumerated() { paths.append(try write(m, "v\(i + 1).hem")) }
        let head = try SignedManifest.read(paths[4])    // version 5
        let ok = StudyFiles.verifyChain(head: head, files: Array(paths[0 ... 4]))
        #expect(ok.allSatisfy { $0.problem == nil } && ok.count == 5)
        #expect(ok.compactMap(\.manifestVersion) == [1, 2, 3, 4, 5])

        // Version 6 is newer than the head; a fork of version 3; version 2 rewritten (re-signed, other content).
        let fork = try versions[1].manifest.adding(.init(id: "site-z", key: SigningSecretKey().publicKey), after: versions[1])
            .signed(with: coordinator, path: "fork.hem")
        let forkPath = try write(fork, "v3-fork.hem")
        let other = try write(try sampleManifest(study: "other", sites: [], coordinator: coordinator), "other.hem")
        let checks = StudyFiles.verifyChain(head: head, files: paths + [forkPath, other])
        func problem(_ name: String) -> String? {
            checks.first { $0.path == dir.file(name) }?.problem.map { "\($0)" }
        }
        #expect(problem("v6.hem")?.contains("newer than version 5") == true)
        #expect(problem("v3-fork.hem")?.contains("not the version 3 that version 4 names") == true)
        #expect(problem("v3.hem") == nil)
        #expect(problem("other.hem")?.contains("of study 'other' is not in the manifest chain: the manifest verified against is of study 'study-1'") == true)

        // A gap: without version 3, versions 1 and 2 cannot be chained to the head.
        let gap = StudyFiles.verifyChain(head: head, files: [paths[0], paths[1], paths[3], paths[4]])
        #expect(gap.filter { $0.problem != nil }.map(\.path) == [paths[0], paths[1]])
        #expect(gap.first { $0.path == paths[1] }?.problem.map { "\($0)" }?.contains("version 3 is not among the files given") == true)
        // A file whose bytes were changed does not verify at all.
        var bytes = versions[2].bytes
        bytes[bytes.count - 1] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: paths[2]))
        let damaged = StudyFiles.verifyChain(head: head, files: Array(paths[0 ... 4]))
        #expect(damaged.filter { $0.problem != nil }.map(\.path).sorted() == [paths[0], paths[1], paths[2]].sorted())
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
