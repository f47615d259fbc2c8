import Foundation
import HEFiles
import HETestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Permission bits of a file (nil when it does not exist).
private func mode(_ path: String) -> mode_t? {
    var st = stat()
    guard lstat(path, &st) == 0 else { return nil }
    return st.st_mode & 0o7777
}

/// The test process's umask (from /proc, without changing it: umask is per process and tests run in parallel).
private let processUmask: mode_t = {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
       let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
       let value = mode_t(line.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces), radix: 8) {
        return value
    }
    return 0o022
}()

/// Writes `text` to `name` in `dir` with exactly `bits`.
private func existing(_ dir: Scratch, _ name: String, bits: mode_t) {
    dir.write("an earlier file\n", to: name)
    chmod(dir.file(name), bits)
}

/// Release hygiene of the key holder's outputs (docs/SECURITY.md): decrypted outputs are mode 0600, --quiet keeps
/// every policy warning, secret keys are opened without following links and checked on the open file, and CSV
/// labels that a spreadsheet would run as formulas are neutralised.
@Suite("he-cli release hygiene")
struct ReleaseHygieneTests {
    static let table = "diagnosis,cases,controls\nasthma,12,30\ncopd,4,19\n"

    @Test("decrypted totals (CSV and JSON) are mode 0600, also over an existing 0644 or 0666 file; ciphertexts keep 0644 minus the umask")
    func totalsOwnerOnly() throws {
        let keys = SharedKeys.for(.paillier)
        let dir = Scratch()
        dir.write(Self.table, to: "t.csv")
        for site in ["a", "b"] {
            let r = try dir.run("encrypt", "--public-key", keys.publicKey, "--site", site, "--in", "t.csv",
                                "--out", "\(site).he", "--quiet")
            try #require(r.status == 0, "\(r.stderr)")
        }
        try #require(try dir.run("aggregate", "--out", "total.he", "a.he", "b.he", "--quiet").status == 0)
        let shared = 0o644 & ~processUmask
        #expect(mode(dir.file("a.he")) == shared)
        #expect(mode(dir.file("total.he")) == shared)
        #expect(mode(keys.publicKey) == shared)
        #expect(mode(keys.secretKey) == 0o600)

        existing(dir, "old.csv", bits: 0o644)
        existing(dir, "old.json", bits: 0o666)
        for out in ["old.csv", "old.json", "new.csv", "new.json"] {
            let r = try dir.run("decrypt", "--secret-key", keys.secretKey, "--in", "total.he", "--out", out, "--quiet")
            try #require(r.status == 0, "\(r.stderr)")
            #expect(mode(dir.file(out)) == 0o600, "\(out): mode \(String(mode(dir.file(out)) ?? 0, radix: 8))")
            let text = try String(contentsOfFile: dir.file(out), encoding: .utf8)
            #expect(text.contains("asthma") && !text.contains("an earlier file"))
        }
        // A single site's file decrypted is decrypted data as well.
        let r = try dir.run("decrypt", "--secret-key", keys.secretKey, "--in", "a.he", "--out", "a.csv", "--quiet")
        try #require(r.status == 0, "\(r.stderr)")
        #expect(mode(dir.file("a.csv")) == 0o600)
    }

    @Test("gwas report files are mode 0600, also over existing 0644 files; the GWAS site files keep 0644 minus the umask")
    func gwasReportOwnerOnly() throws {
        let keys = SharedKeys.for(.paillier)
        let dir = Scratch()
        TinySite.write(dir)
        for site in ["north", "south"] {
            let r = try TinySite.encrypt(dir, keys: keys, site: site, out: "\(site).he")
            try #require(r.status == 0, "\(r.stderr)")
        }
        try #require(try dir.run("aggregate", "--out", "pooled.he", "north.he", "south.he", "--quiet").status == 0)
        #expect(mode(dir.file("north.he")) == 0o644 & ~processUmask)
        existing(dir, "rep.frq", bits: 0o644)
        existing(dir, "rep.gwas.tsv", bits: 0o664)
        let r = try dir.run("gwas", "report", "--secret-key", keys.secretKey, "--in", "pooled.he", "--out", "rep",
                            "--assoc", "--model", "--hardy", "--freq", "--full", "--quiet")
        try #require(r.status == 0, "\(r.stderr)")
        for ext in [".assoc", ".model", ".hwe", ".frq", ".gwas.tsv"] {
            #expect(mode(dir.file("rep" + ext)) == 0o600, "rep\(ext): mode \(String(mode(dir.file("rep" + ext)) ?? 0, radix: 8))")
        }
        #expect(try String(contentsOfFile: dir.file("rep.frq"), encoding: .utf8).contains("rs1"))
    }

    @Test("--quiet keeps the warnings of decrypt: no manifest, a single site's data")
    func quietDecryptWarns() throws {
        let keys = SharedKeys.for(.paillier)
        let dir = Scratch()
        dir.write(Self.table, to: "t.csv")
        try #require(try dir.run("encrypt", "--public-key", keys.publicKey, "--site", "a", "--in", "t.csv",
                                 "--out", "a.he", "--quiet").status == 0)
        for quiet in [true, false] {
            let r = try dir.run(["decrypt", "--secret-key", keys.secretKey, "--in", "a.he", "--out", "a.csv"]
                                + (quiet ? ["--quiet"] : []))
            try #require(r.status == 0, "\(r.stderr)")
            #expect(r.stderr.contains("he-cli: warning: a.he holds a single site's data, not a sum over several sites"),
                    "quiet \(quiet): \(r.stderr)")
            #expect(r.stderr.contains("he-cli: warning: no --manifest: the contributor list and the content of the file are not verified"),
                    "quiet \(quiet): \(r.stderr)")
            #expect(quiet == r.stdout.isEmpty, "\(r.stdout)")
        }
    }

    @Test("--quiet keeps the warnings of gwas report: no manifest, a single site's data")
    func quietGwasReportWarns() throws {
        let keys = SharedKeys.for(.paillier)
        let dir = Scratch()
        TinySite.write(dir)
        try #require(try TinySite.encrypt(dir, keys: keys, site: "north", out: "north.he").status == 0)
        let r = try dir.run("gwas", "report", "--secret-key", keys.secretKey, "--in", "north.he", "--out", "rep",
                            "--freq", "--quiet")
        try #require(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty, "\(r.stdout)")
        #expect(r.stderr.contains("he-cli: warning: north.he holds a single site's data, not a sum over several sites"),
                "\(r.stderr)")
        #expect(r.stderr.contains("he-cli: warning: no --manifest"), "\(r.stderr)")
        #expect(!r.stderr.contains("contributing sites"), "notes stay quiet: \(r.stderr)")
    }

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
        // A python-paillier private key given to import is a secret key file too.
        try #require(try dir.run("export", "--secret-key", keys.secretKey, "--out", "sk.json", "--quiet").status == 0)
        try FileManager.default.createSymbolicLink(atPath: dir.file("link.json"), withDestinationPath: dir.file("sk.json"))
        try expectRefusal(dir, ["import", "--secret-key", "link.json", "--out", "imported.hekey"], code: 77,
                          message: ["link.json: is a symbolic link"])
        #expect(try dir.run("import", "--secret-key", "sk.json", "--out", "imported.hekey", "--quiet").status == 0)
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

    @Test("CSV totals neutralise labels a spreadsheet would run as formulas; numbers and JSON labels are unchanged")
    func csvInjection() throws {
        let keys = SharedKeys.for(.paillier)
        let dir = Scratch()
        let csv = """
        =cmd|' /C calc'!A0,"+cases",@controls,-5
        "=HYPERLINK(""http://example.org"",""x"")",12,-30,1
        +1+1,-4,19,2
        -flu,0,0,3
        @SUM(A1),1,1,4
        "\ttab",2,2,5
        "\rcr",3,3,6
        -7,4,4,7
        plain,5,5,8

        """
        dir.write(csv, to: "evil.csv")
        let e = try dir.run("encrypt", "--public-key", keys.publicKey, "--site", "a", "--in", "evil.csv",
                            "--out", "a.he", "--value-type", "signed", "--quiet")
        try #require(e.status == 0, "\(e.stderr)")
        try #require(try dir.run("decrypt", "--secret-key", keys.secretKey, "--in", "a.he", "--out", "t.csv", "--quiet").status == 0)
        let lines = try String(contentsOfFile: dir.file("t.csv"), encoding: .utf8).components(separatedBy: "\n")
        #expect(lines[0] == "# contributors (1): a")
        #expect(lines[1] == "'=cmd|' /C calc'!A0,'+cases,'@controls,-5")
        #expect(lines[2] == "\"'=HYPERLINK(\"\"http://example.org\"\",\"\"x\"\")\",12,-30,1")
        #expect(lines[3] == "'+1+1,-4,19,2")
        #expect(lines[4] == "'-flu,0,0,3")
        #expect(lines[5] == "'@SUM(A1),1,1,4")
        #expect(lines[6] == "'\ttab,2,2,5")
        #expect(lines[7] == "\"'\rcr\",3,3,6")
        #expect(lines[8] == "-7,4,4,7")
        #expect(lines[9] == "plain,5,5,8")

        try #require(try dir.run("decrypt", "--secret-key", keys.secretKey, "--in", "a.he", "--out", "t.json", "--quiet").status == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.file("t.json")))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["rowHeader"] as? String == "=cmd|' /C calc'!A0")
        #expect(json["columns"] as? [String] == ["+cases", "@controls", "-5"])
        let rows = try #require(json["rows"] as? [[String: Any]])
        #expect(rows.map { $0["label"] as? String } == ["=HYPERLINK(\"http://example.org\",\"x\")", "+1+1", "-flu",
                                                         "@SUM(A1)", "\ttab", "\rcr", "-7", "plain"])
        #expect(rows.map { ($0["values"] as? [Int]) ?? [] } == [[12, -30, 1], [-4, 19, 2], [0, 0, 3], [1, 1, 4], [2, 2, 5],
                                                                [3, 3, 6], [4, 4, 7], [5, 5, 8]])
    }
}
