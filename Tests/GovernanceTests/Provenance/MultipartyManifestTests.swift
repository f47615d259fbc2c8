// The multi-party section of a study manifest (format version 2) and the parties' key files: bytes round-trip,
// every byte is covered by the signature, invalid sections are refused, a single-key manifest keeps version 1's
// bytes, the collective key is set once; party keys are 0600 and refused when open or damaged.

#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HEFiles
import HETestSupport
import Testing
import Governance

@Suite("Multi-party study manifest and party keys")
struct MultipartyManifestTests {
    func parties(_ names: [String]) -> [(name: String, key: PartyPublicKey)] {
        names.map { ($0, PartySecretKey().publicKey) }
    }

    func manifest(threshold: UInt32 = 2, names: [String] = ["c", "a", "b"],
                  coordinator: SigningSecretKey) throws -> SignedManifest {
        var m = StudyManifest(studyID: "mp", coordinatorKey: coordinator.publicKey, encryptionKeyFingerprint: .zero,
                              maxValue: 100, maxSites: 5)
        m.multiparty = try StudyManifest.Multiparty(parameters: [1, 2, 3, 4], seed: Array(repeating: 7, count: 32),
                                                    threshold: threshold, parties: parties(names))
        return try m.signed(with: coordinator, path: "v1.hem")
    }

    @Test("round trip in format version 2; IDs follow the sorted names; every flipped byte is refused")
    func roundTrip() throws {
        let coordinator = SigningSecretKey()
        let signed = try manifest(coordinator: coordinator)
        #expect(signed.bytes[4] == 2 && signed.bytes[5] == 0)
        let decoded = try SignedManifest(decoding: signed.bytes, path: "v1.hem")
        #expect(decoded == signed)
        let mp = try #require(decoded.manifest.multiparty)
        #expect(mp.parties.map(\.name) == ["a", "b", "c"] && mp.parties.map(\.id) == [1, 2, 3])
        #expect(mp.threshold == 2 && mp.isThreshold && mp.seed == Array(repeating: 7, count: 32))
        for i in stride(from: 0, to: signed.bytes.count, by: 7) {
            var bytes = signed.bytes
            bytes[i] ^= 0x10
            #expect(throws: GovernanceError.self, "byte \(i)") { try SignedManifest(decoding: bytes, path: "x.hem") }
        }
        // A single-key manifest is still written in format version 1.
        let single = try sampleManifest(coordinator: coordinator)
        #expect(single.bytes[4] == 1 && single.manifest.multiparty == nil)
    }

    @Test("fewer than 2 parties, a repeated name, a threshold of 1 or above N, and a short seed are refused")
    func invalidSections() throws {
        for threshold: UInt32 in [0, 1, 4] {
            #expect(throws: GovernanceError.self, "threshold \(threshold)") {
                try StudyManifest.Multiparty(parameters: [1], seed: Array(repeating: 0, count: 32), threshold: threshold,
                                             parties: parties(["a", "b", "c"]))
            }
        }
        #expect(throws: GovernanceError.multipartyInvalid(reason: "party 'a' is named twice")) {
            try StudyManifest.Multiparty(parameters: [1], seed: Array(repeating: 0, count: 32), threshold: 2,
                                         parties: parties(["a", "a"]))
        }
        #expect(throws: GovernanceError.self) {
            try StudyManifest.Multiparty(parameters: [1], seed: Array(repeating: 0, count: 32), threshold: 2, parties: parties(["a"]))
        }
        #expect(throws: GovernanceError.self) {
            try StudyManifest.Multiparty(parameters: [1], seed: Array(repeating: 0, count: 31), threshold: 2,
                                         parties: parties(["a", "b"]))
        }
    }

    @Test("the collective key is set once, in the next version of the chain")
    func settingTheKey() throws {
        let coordinator = SigningSecretKey()
        let v1 = try manifest(coordinator: coordinator)
        let key = Fingerprint(sha256Of: Array("collective".utf8))
        let v2 = try v1.manifest.settingEncryptionKey(key, after: v1).signed(with: coordinator, path: "v2.hem")
        #expect(v2.manifest.version == 2 && v2.manifest.previousDigest == v1.digest && v2.manifest.encryptionKeyFingerprint == key)
        #expect(throws: GovernanceError.self) { try v2.manifest.settingEncryptionKey(key, after: v2) }
    }

    @Test("party key files: round trip, 0600, refused when open to others or damaged")
    func keyFiles() throws {
        let dir = ScratchDirectory()
        let pub = try PartyKeyFiles.generate(in: dir.file("p"))
        let secretPath = dir.file("p/party.key")
        #expect(try PartyKeyFiles.readPublic(dir.file("p/party.pub")) == pub)
        #expect(try PartyKeyFiles.readSecret(secretPath).publicKey == pub)
        var st = stat()
        #expect(stat(secretPath, &st) == 0 && st.st_mode & 0o777 == 0o600)
        #expect(throws: GovernanceError.self) { try PartyKeyFiles.generate(in: dir.file("p")) }
        chmod(secretPath, 0o644)
        #expect(throws: GovernanceError.file(.secretKeyPermissions(path: secretPath, mode: 0o644))) {
            try PartyKeyFiles.readSecret(secretPath)
        }
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: dir.file("p/party.pub"))))
        bytes[40] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: dir.file("bad.pub")))
        #expect(throws: GovernanceError.self) { try PartyKeyFiles.readPublic(dir.file("bad.pub")) }
        // A signing key file is not a party key file.
        try SigningKeyFiles.generate(in: dir.file("s"))
        #expect(throws: GovernanceError.self) { try PartyKeyFiles.readPublic(dir.file("s/signing.pub")) }
    }
}
