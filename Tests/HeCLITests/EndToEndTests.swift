import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

@Suite("he-cli end to end")
struct EndToEndTests {
    /// k sites encrypt random tables, the aggregate decrypts to the plaintext sums.
    @Test("totals equal the plaintext sums", arguments: schemesUnderTest, [1, 3, 20])
    func flatAggregation(scheme: SchemeID, sites k: Int) throws {
        let keys = SharedKeys.for(scheme)
        let dir = Scratch()
        var g = SystemRandomNumberGenerator()
        let rows = Int.random(in: 1 ... 6, using: &g)
        let columns = Int.random(in: 1 ... 5, using: &g)
        var tables: [RandomTable] = []
        var files: [String] = []
        for i in 0 ..< k {
            let t = RandomTable.make(rows: rows, columns: columns, max: 50_000, using: &g)
            tables.append(t)
            dir.write(t.csv, to: "site\(i).csv")
            let r = try dir.run("encrypt", "--public-key", keys.publicKey, "--site", "site-\(i)", "--in", "site\(i).csv",
                                "--out", "site\(i).he", "--max-value", "50000", "--quiet")
            #expect(r.status == 0, "\(r.stderr)")
            files.append("site\(i).he")
        }
        let agg = try dir.run(["aggregate", "--out", "total.he", "--quiet"] + files)
        #expect(agg.status == 0, "\(agg.stderr)")
        let dec = try dir.run("decrypt", "--secret-key", keys.secretKey, "--in", "total.he", "--out", "totals.csv", "--quiet")
        #expect(dec.status == 0, "\(dec.stderr)")
        let (contributors, values) = parseTotals(try String(contentsOfFile: dir.file("totals.csv"), encoding: .utf8))
        #expect(contributors == (0 ..< k).map { "site-\($0)" })
        let expected = (0 ..< rows).map { r in (0 ..< columns).map { c in tables.reduce(0) { $0 + $1.values[r][c] } } }
        #expect(values == expected)
    }

    @Test("tree aggregation ((A+B)+(C+D)) equals flat aggregation", arguments: schemesUnderTest)
    func treeAggregation(scheme: SchemeID) throws {
        let keys = SharedKeys.for(scheme)
        let dir = Scratch()
        var g = SystemRandomNumberGenerator()
        for name in ["a", "b", "c", "d"] {
            dir.write(RandomTable.make(rows: 4, columns: 3, max: 1000, using: &g).csv, to: "\(name).csv")
            let r = try dir.run("encrypt", "--public-key", keys.publicKey, "--site", name, "--in", "\(name).csv",
                                "--out", "\(name).he", "--max-value", "1000", "--quiet")
            try #require(r.status == 0, "\(r.stderr)")
        }
        for args in [["ab.he", "a.he", "b.he"], ["cd.he", "c.he", "d.he"], ["tree.he", "ab.he", "cd.he"],
                     ["flat.he", "a.he", "b.he", "c.he", "d.he"]] {
            let r = try dir.run(["aggregate", "--quiet", "--out"] + args)
            try #require(r.status == 0, "\(r.stderr)")
        }
        for name in ["tree", "flat"] {
            let r = try dir.run("decrypt", "--secret-key", keys.secretKey, "--in", "\(name).he", "--out", "\(name).csv", "--quiet")
            try #require(r.status == 0, "\(r.stderr)")
        }
        let tree = try String(contentsOfFile: dir.file("tree.csv"), encoding: .utf8)
        let flat = try String(contentsOfFile: dir.file("flat.csv"), encoding: .utf8)
        #expect(tree == flat)
        #expect(tree.hasPrefix("# contributors (4): a b c d\n"))
    }

    @Test("signed and fixed-point decimal tables, JSON output", arguments: schemesUnderTest)
    func valueTypes(scheme: SchemeID) throws {
        let keys = SharedKeys.for(scheme)
        let dir = Scratch()
        dir.write("measure,sum,sum of squares\nage,-12.5,301.25\nweight,80.75,6520.5625\n", to: "x.csv")
        dir.write("measure,sum,sum of squares\nage,40.25,1620.0625\nweight,-0.0001,0.0001\n", to: "y.csv")
        for name in ["x", "y"] {
            let r = try dir.run("encrypt", "--public-key", keys.publicKey, "--site", name, "--in", "\(name).csv",
                                "--out", "\(name).he", "--value-type", "decimal", "--scale", "4", "--max-value", "10000", "--quiet")
            try #require(r.status == 0, "\(r.stderr)")
        }
        try #require(try dir.run("aggregate", "--out", "t.he", "x.he", "y.he", "--quiet").status == 0)
        let r = try dir.run("decrypt", "--secret-key", keys.secretKey, "--in", "t.he", "--out", "t.json", "--quiet")
        try #require(r.status == 0, "\(r.stderr)")
        let json = try String(contentsOfFile: dir.file("t.json"), encoding: .utf8)
        #expect(json.contains("{\"label\": \"age\", \"values\": [27.7500, 1921.3125]}"))
        #expect(json.contains("{\"label\": \"weight\", \"values\": [80.7499, 6520.5626]}"))
        #expect(json.contains("\"contributors\": [\"x\", \"y\"]"))
        #expect(json.contains("\"valueType\": \"decimal\",\n  \"scale\": 4"))
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect(parsed?["scheme"] as? String == scheme.description)
    }

    @Test("inspect shows scheme, fingerprint, schema, contributors and sizes without a key", arguments: schemesUnderTest)
    func inspect(scheme: SchemeID) throws {
        let keys = SharedKeys.for(scheme)
        let dir = Scratch()
        dir.write("diagnosis,cases,controls\nasthma,12,30\ncopd,4,19\n", to: "t.csv")
        try #require(try dir.run("encrypt", "--public-key", keys.publicKey, "--site", "st-marys", "--in", "t.csv",
                                 "--out", "t.he", "--quiet").status == 0)
        let r = try dir.run("inspect", "t.he")
        #expect(r.status == 0)
        for needle in ["an encrypted site table", "scheme                  \(scheme)", "SHA-256 verified",
                       "2 rows x 2 columns = 4 values", "'cases', 'controls'", "'asthma', 'copd'",
                       "contributors            1: st-marys", "bytes per value", "vs 32-bit integers"] {
            #expect(r.stdout.contains(needle), "missing '\(needle)' in:\n\(r.stdout)")
        }
        let keyInfo = try dir.run("inspect", keys.secretKey)
        #expect(keyInfo.status == 0)
        #expect(keyInfo.stdout.contains("(not shown)"))
        let fingerprint = try dir.run("inspect", keys.publicKey).stdout
        #expect(fingerprint.contains("a public key"))
        // A secret key file others may read is shown (nothing secret is printed) with a warning.
        try FileManager.default.copyItem(atPath: keys.secretKey, toPath: dir.file("loose.hekey"))
        chmod(dir.file("loose.hekey"), 0o644)
        let loose = try dir.run("inspect", "loose.hekey")
        #expect(loose.status == 0 && loose.stderr.contains("loose.hekey is readable or writable by other users"), "\(loose.stderr)")
        // Labels are other people's text: control characters are shown escaped, never sent to the terminal.
        dir.write("diagnosis,cases\n\"red\u{1b}[31m\",1\nok,2\n", to: "esc.csv")
        try #require(try dir.run("encrypt", "--public-key", keys.publicKey, "--site", "st-marys", "--in", "esc.csv",
                                 "--out", "esc.he", "--quiet").status == 0)
        let escaped = try dir.run("inspect", "esc.he").stdout
        #expect(!escaped.contains("\u{1b}") && escaped.contains("'red\\u{1b}[31m'"), "\(escaped)")
        // --labels N shows N labels (at least one) and counts the others.
        let one = try dir.run("inspect", "--labels", "0", "t.he").stdout
        #expect(one.contains("'cases', ... (1 more)") && one.contains("'asthma', ... (1 more)"), "\(one)")
    }

    @Test("keygen writes the secret key 0600 and refuses to overwrite existing keys")
    func keygenRefusesOverwrite() throws {
        let dir = Scratch()
        try FileManager.default.createDirectory(atPath: dir.file("keys"), withIntermediateDirectories: true)
        dir.write("precious", to: "keys/secret.hekey")
        let r = try dir.run("keygen", "--scheme", "paillier", "--bits", "2048", "--out", "keys")
        #expect(r.status == 73)
        #expect(r.stderr.contains("keys/secret.hekey: already exists; refusing to overwrite it"))
        #expect(try String(contentsOfFile: dir.file("keys/secret.hekey"), encoding: .utf8) == "precious")
        #expect(!dir.exists("keys/public.hekey"))

        let ok = try dir.run("keygen", "--scheme", "paillier", "--bits", "2048", "--out", "fresh", "--quiet")
        #expect(ok.status == 0)
        #expect(ok.stdout.trimmingCharacters(in: .whitespacesAndNewlines).count == 64)
        let mode = try FileManager.default.attributesOfItem(atPath: dir.file("fresh/secret.hekey"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(!ok.stdout.contains("HESK") && !ok.stderr.contains("HESK"))
    }

    @Test("the demo runs the three roles and its totals match")
    func demo() throws {
        let dir = Scratch()
        let r = try dir.run("demo", "--scheme", "paillier")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("paillier totals equal the plaintext sums"))
        #expect(r.stdout.contains("468 (plain 468) ok"))
        #expect(!r.stdout.contains("MISMATCH"))
        // The demo is a signed study: manifest, signed site files, verified aggregate and decryption.
        #expect(r.stdout.contains("coordinator: signed study.hem naming 4 sites' signing keys"))
        #expect(r.stdout.contains("key holder:  verified (sum recomputed from the signed files) and decrypted total.he"))
    }

    @Test("the multi-party demo: three parties, no key holder, byte-identical collective key, totals match")
    func partiesDemo() throws {
        let dir = Scratch()
        let r = try dir.run("demo", "--parties", "3")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("(byte-identical for all)"))
        #expect(r.stdout.contains("custodian-3 verified total.he and the policy, logged entry 0"))
        #expect(r.stdout.contains("bfv totals equal the plaintext sums") && !r.stdout.contains("MISMATCH"))
        #expect(try dir.run("demo", "--parties", "1").status == 64)
        #expect(try dir.run("demo", "--parties", "3", "--scheme", "paillier").status == 64)
    }

    @Test("completion scripts and help with worked examples")
    func completionAndHelp() throws {
        let dir = Scratch()
        for shell in ["bash", "zsh", "fish"] {
            let r = try dir.run("--generate-completion-script", shell)
            #expect(r.status == 0)
            #expect(r.stdout.contains("aggregate"))
        }
        for command in ["keygen", "encrypt", "aggregate", "decrypt", "inspect", "demo", "import", "export", "party init",
                        "party keygen", "party combine-key", "party decrypt-share", "party combine", "study set-key"] {
            let r = try dir.run(command.split(separator: " ").map(String.init) + ["--help"])
            #expect(r.status == 0)
            #expect(r.stdout.contains("Example"), "\(command) --help has no example")
        }
        let usage = try dir.run("encrypt", "--site", "x")
        #expect(usage.status == 64)
        // Defaults and the version are shown by name and number, as written.
        let keygen = try dir.run("keygen", "--help").stdout
        #expect(keygen.contains("paillier (the default) or bfv") && !keygen.contains("(default: 1)"), "\(keygen)")
        #expect(try dir.run("--version").stdout.contains("container format \(ContainerFormat.version)"))
    }
}
