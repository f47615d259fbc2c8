import Foundation
import HEFiles
import HETestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif


/// Release hygiene of the key holder's outputs (docs/SECURITY.md): decrypted outputs are mode 0600, --quiet keeps
/// every policy warning, secret keys are opened without following links and checked on the open file, and CSV
/// labels that a spreadsheet would run as formulas are neutralised.
@Suite("he-cli release hygiene")
struct ReleaseHygieneTests {
    static let table = "diagnosis,cases,controls\nasthma,12,30\ncopd,4,19\n"

    @Test("a secret key named through a symbolic link is refused (decrypt, gwas report, inspect warns)")
    func secretKeySymlinkRefused() throws {
        let keys = SharedKeys.for(.paillier)
        let dir = Scratch()
        dir.write(Self.table, to: "t.csv")
        try #require(try dir.run("encrypt", "--public-key", keys.publicKey, "--site", "a", "--in", "t.csv",
                                 "--out", "a.he", "--quiet").status == 0)
        try FileManager.default.createSymbolicLink(atPath: dir.file("link.hekey"), withDestinationPath: keys.secretKey)
        try expectRefusal(dir, ["decrypt", "--secret-key", "link.hekey", "--in", "a.he", "--out", "a.csv"], code: 77,
                          message: ["link.hekey: is a symbolic link; a secret key is read only from a regular file named directly"])
        try expectRefusal(dir, ["gwas", "report", "--secret-key", "link.hekey", "--in", "a.he", "--out", "rep"], code: 77,
                          message: ["link.hekey: is a symbolic link"])
        let inspect = try dir.run("inspect", "link.hekey")
        #expect(inspect.status == 0 && inspect.stderr.contains("refuse this key: link.hekey: is a symbolic link"),
                "\(inspect.stderr)")
        // The key itself, named directly, is read.
        try FileManager.default.copyItem(atPath: keys.secretKey, toPath: dir.file("own.hekey"))
        #expect(try dir.run("decrypt", "--secret-key", "own.hekey", "--in", "a.he", "--out", "a.csv", "--quiet").status == 0)
    }

    @Test("a signing key named through a symbolic link or open to others is refused")
    func signingKeyRefused() throws {
        let keys = SharedKeys.for(.paillier)
        let dir = Scratch()
        let env: [String: String?] = ["HE_TOOLKIT_STATE": dir.file("state")]
        try #require(try dir.run("site-key", "generate", "--out", "coord").status == 0)
        try FileManager.default.createSymbolicLink(atPath: dir.file("link.key"), withDestinationPath: dir.file("coord/signing.key"))
        func initStudy(_ key: String) throws -> RunResult {
            try dir.run(environment: env, "study", "init", "--study", "s", "--public-key", keys.publicKey,
                        "--signing-key", key, "--max-value", "100", "--max-sites", "3", "--out", "m.hem")
        }
        let link = try initStudy("link.key")
        #expect(link.status == 77 && link.stderr.contains("link.key: is a symbolic link"), "\(link.status) \(link.stderr)")
        chmod(dir.file("coord/signing.key"), 0o640)
        let open = try initStudy("coord/signing.key")
        #expect(open.status == 77 && open.stderr.contains("coord/signing.key: secret key file is accessible by other users (mode 0640)"),
                "\(open.status) \(open.stderr)")
        #expect(!dir.exists("m.hem"))
        chmod(dir.file("coord/signing.key"), 0o600)
        let ok = try initStudy("coord/signing.key")
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test("a secret key or signing key owned by another user is refused",
          .enabled(if: runningAsRoot, "chown to another user needs root (CI runs the suite as root)"))
    func otherOwnerRefused() throws {
        let keys = SharedKeys.for(.paillier)
        let dir = Scratch()
        dir.write(Self.table, to: "t.csv")
        try #require(try dir.run("encrypt", "--public-key", keys.publicKey, "--site", "a", "--in", "t.csv",
                                 "--out", "a.he", "--quiet").status == 0)
        try FileManager.default.copyItem(atPath: keys.secretKey, toPath: dir.file("theirs.hekey"))
        let nobody: uid_t = 65534
        try #require(chown(dir.file("theirs.hekey"), nobody, gid_t(nobody)) == 0)
        try expectRefusal(dir, ["decrypt", "--secret-key", "theirs.hekey", "--in", "a.he", "--out", "a.csv"], code: 77,
                          message: ["theirs.hekey: secret key file is owned by user ID 65534, not by the user reading it (user ID \(geteuid()))"])
        try #require(try dir.run("site-key", "generate", "--out", "coord").status == 0)
        try #require(chown(dir.file("coord/signing.key"), nobody, gid_t(nobody)) == 0)
        let r = try dir.run(environment: ["HE_TOOLKIT_STATE": dir.file("state")], "study", "init", "--study", "s",
                            "--public-key", keys.publicKey, "--signing-key", "coord/signing.key", "--max-value", "100",
                            "--max-sites", "3", "--out", "m.hem")
        #expect(r.status == 77 && r.stderr.contains("coord/signing.key: secret key file is owned by user ID 65534"),
                "\(r.status) \(r.stderr)")
        chown(dir.file("theirs.hekey"), geteuid(), getegid())
        #expect(try dir.run("decrypt", "--secret-key", "theirs.hekey", "--in", "a.he", "--out", "a.csv", "--quiet").status == 0)
    }

}
