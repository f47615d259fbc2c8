import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

private let python = OracleEnvironment.python
private let oraclesRequired = OracleEnvironment.required
/// The repository root, from this file's path (Tests/HeCLITests/...).
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

private func runPython(_ arguments: [String], in directory: String) throws -> RunResult {
    let executable = try #require(python, "HE_REQUIRE_ORACLES=1 but HE_TEST_PYTHON is not set")
    let result = try ChildProcess.run(executable, arguments, currentDirectory: directory)
    return RunResult(status: result.status, stdout: result.stdout, stderr: result.stderr)
}

@Suite("python-paillier sites and keys", .enabled(if: python != nil || oraclesRequired,
                                                   "HE_TEST_PYTHON is not set (python with phe); set HE_REQUIRE_ORACLES=1 to make this an error"))
struct PheInteropTests {
    @Test("a Python site encrypting with phe aggregates with native sites")
    func pythonSite() throws {
        let keys = SharedKeys.for(.paillier)
        let dir = Scratch()
        #expect(try dir.run("export", "--public-key", keys.publicKey, "--out", "pk.json", "--quiet").status == 0)
        dir.write("diagnosis,cases,controls\nasthma,-5,3\ncopd,40,190\nflu,0,7\n", to: "py.csv")
        dir.write("diagnosis,cases,controls\nasthma,15,2\ncopd,-41,10\nflu,1,1\n", to: "native.csv")
        let py = try runPython([repositoryRoot + "/scripts/phe_encrypt_table.py", "--public-key", "pk.json", "--in", "py.csv",
                                "--out", "py.json", "--value-type", "signed", "--max-value", "1000"], in: dir.path)
        try #require(py.status == 0, "\(py.stderr)")
        // The bound travels in the table (max_value); --max-value may repeat it.
        let imported = try dir.run("import", "--table", "py.json", "--key", keys.publicKey, "--site", "python-lab",
                                   "--max-value", "1000", "--out", "py.he", "--quiet")
        try #require(imported.status == 0, "\(imported.stderr)")
        try #require(try dir.run("encrypt", "--public-key", keys.publicKey, "--site", "native", "--in", "native.csv",
                                 "--value-type", "signed", "--max-value", "1000", "--out", "native.he", "--quiet").status == 0)
        try #require(try dir.run("aggregate", "--out", "t.he", "py.he", "native.he", "--quiet").status == 0)
        let r = try dir.run("decrypt", "--secret-key", keys.secretKey, "--in", "t.he", "--out", "t.csv", "--quiet")
        try #require(r.status == 0, "\(r.stderr)")
        let (contributors, values) = parseTotals(try String(contentsOfFile: dir.file("t.csv"), encoding: .utf8))
        #expect(contributors == ["python-lab", "native"])
        #expect(values == [[10, 5], [-1, 200], [1, 8]])

        // A table encrypted under another key is refused at import, naming the cell.
        let other = Scratch()
        try #require(try other.run("keygen", "--bits", "2048", "--out", "k", "--quiet").status == 0)
        let wrong = try dir.run("import", "--table", "py.json", "--key", other.file("k/public.hekey"), "--site", "x",
                                "--out", "wrong.he")
        #expect(wrong.status == 65)
        #expect(wrong.stderr.contains("py.json and "))
        #expect(wrong.stderr.contains("the table was encrypted under another public key"))
        #expect(!dir.exists("wrong.he"))
    }

    @Test("the phe script checks cells and labels as encrypt does; import keeps the table's bound in table units")
    func pythonSiteChecks() throws {
        let keys = SharedKeys.for(.paillier)
        let dir = Scratch()
        #expect(try dir.run("export", "--public-key", keys.publicKey, "--out", "pk.json", "--quiet").status == 0)
        func script(_ csv: String, _ extra: [String] = []) throws -> RunResult {
            dir.write(csv, to: "in.csv")
            return try runPython([repositoryRoot + "/scripts/phe_encrypt_table.py", "--public-key", "pk.json",
                                  "--in", "in.csv", "--out", "out.json"] + extra, in: dir.path)
        }
        // Refused before anything is encrypted or written, naming line and column.
        let refusals: [(String, [String], String)] = [
            ("k,a,b\nr1,140737488355331,1\n", [], "in.csv: line 2, column 2 (a): '140737488355331' is above --max-value 1000000000"),
            ("k,a\nr1,1001\n", ["--max-value", "1000"], "line 2, column 2 (a): '1001' is above --max-value 1000"),
            ("k,a\nr1,1_000\n", [], "line 2, column 2 (a): '1_000': expected a non-negative integer count without digit group separators"),
            ("k,a\nr1,\u{0663}\n", [], "line 2, column 2 (a): '\u{0663}': expected a non-negative integer count in plain digits"),
            ("k,a\nr1,-1\n", [], "line 2, column 2 (a): '-1' is negative; use --value-type signed"),
            ("k,a\n ,1\n", [], "in.csv: line 2, column 1: empty label"),
            ("k,a,a\nr1,1,2\n", [], "in.csv: line 1, column 3: label 'a' repeats column 2"),
            ("k,a\nr1,1.255\n", ["--value-type", "decimal", "--scale", "2"], "'1.255' has 3 decimal places"),
            ("k,a\nr1,-0\n", [], "line 2, column 2 (a): '-0' is negative; use --value-type signed"),
            ("k,a\nr1,\"1\"2\n", [], "in.csv: line 2: ',' expected after '\"'"),
            ("k,a\nr1,1\n", ["--out", "in.csv"], "in.csv: is the input table; choose another --out"),
        ]
        for (csv, extra, message) in refusals {
            let r = try script(csv, extra)
            #expect(r.status != 0 && r.stderr.contains(message), "\(csv): \(r.stderr)")
            #expect(!dir.exists("out.json"))
            #expect(try String(contentsOfFile: dir.file("in.csv"), encoding: .utf8) == csv, "the input is never replaced")
        }
        // A decrypted totals file's comment line is skipped, as by he-cli encrypt.
        #expect(try script("# contributors (2): a b\nk,a\nr1,1\n").status == 0)
        try FileManager.default.removeItem(atPath: dir.file("out.json"))

        // A byte-order mark (Excel's CSV UTF-8) is not part of the first label, as with he-cli encrypt, and a
        // decimal bound is in table units on both paths: the two sites aggregate and decrypt.
        let table = "\u{FEFF}measure,value\nbmi,75.9\nweight,-1923.15\n"
        try #require(try script(table, ["--value-type", "decimal", "--scale", "2", "--max-value", "5000"]).status == 0)
        dir.write(table, to: "native.csv")
        try #require(try dir.run("import", "--table", "out.json", "--key", keys.publicKey, "--site", "py",
                                 "--out", "py.he", "--quiet").status == 0)
        try #require(try dir.run("encrypt", "--public-key", keys.publicKey, "--site", "native", "--in", "native.csv",
                                 "--value-type", "decimal", "--scale", "2", "--max-value", "5000", "--out", "native.he",
                                 "--quiet").status == 0)
        let alone = try dir.run("decrypt", "--secret-key", keys.secretKey, "--in", "py.he", "--out", "py.csv", "--quiet")
        #expect(alone.status == 0, "\(alone.stderr)")
        // The same schema and declared bound as the native site's file (5000 x 10^2 stored units).
        let described = { (name: String) throws -> [Substring] in
            try dir.run("inspect", name).stdout.split(separator: "\n").filter { line in
                ["label column", "columns", "rows", "value encoding", "layout", "slot capacity", "value bound"]
                    .contains { line.hasPrefix($0) }
            }
        }
        #expect(try described("py.he") == described("native.he"))
        #expect(try described("py.he").contains { $0.hasSuffix("|sum| <= 500000 (declared bounds of the contributions added up)") })
        try #require(try dir.run("aggregate", "--out", "t.he", "py.he", "native.he", "--quiet").status == 0)
        try #require(try dir.run("decrypt", "--secret-key", keys.secretKey, "--in", "t.he", "--out", "t.csv", "--quiet").status == 0)
        let totals = try String(contentsOfFile: dir.file("t.csv"), encoding: .utf8)
        #expect(totals.contains("measure,value\nbmi,151.80\nweight,-3846.30\n"), "\(totals)")

        // --max-value must agree with the table's max_value, and fit the key when it is the only declaration.
        let conflict = try dir.run("import", "--table", "out.json", "--key", keys.publicKey, "--site", "py",
                                   "--max-value", "6000", "--out", "c.he")
        #expect(conflict.status == 65)
        #expect(conflict.stderr.contains("out.json and --max-value 6000"))
        #expect(conflict.stderr.contains("\"max_value\": 5000"))
        var json = try String(contentsOfFile: dir.file("out.json"), encoding: .utf8)
        json = json.replacingOccurrences(of: "\"max_value\": 5000, ", with: "")
        dir.write(json, to: "old.json")
        let tooBig = try dir.run("import", "--table", "old.json", "--key", keys.publicKey, "--site", "py",
                                 "--max-value", "140737488355327", "--out", "c.he")
        #expect(tooBig.status == 64)
        #expect(tooBig.stderr.contains("--max-value: 140737488355327 does not fit this key's slots (at most "), "\(tooBig.stderr)")
        #expect(try dir.run("import", "--table", "old.json", "--key", keys.publicKey, "--site", "py",
                            "--max-value", "0", "--out", "c.he").status == 64)
        // Labels follow the CSV rules at import too: not empty, at most 4096 bytes.
        for (label, message) in [("", "the label of row 1 is empty"),
                                 (String(repeating: "x", count: 4097), "the label of row 1 has 4097 bytes; labels are at most 4096")] {
            dir.write(json.replacingOccurrences(of: "\"label\": \"bmi\"", with: "\"label\": \"\(label)\""), to: "label.json")
            let r = try dir.run("import", "--table", "label.json", "--key", keys.publicKey, "--site", "py", "--out", "c.he")
            #expect(r.status == 65 && r.stderr.contains("label.json: ") && r.stderr.contains(message), "\(r.stderr)")
        }
        #expect(!dir.exists("c.he"))
    }

    @Test("a table of unobfuscated phe ciphertexts is re-randomised on import")
    func unobfuscatedCiphertextsAreRerandomised() throws {
        let keys = SharedKeys.for(.paillier)
        let dir = Scratch()
        #expect(try dir.run("export", "--public-key", keys.publicKey, "--out", "pk.json", "--quiet").status == 0)
        // phe's ciphertext(be_secure=False) with r = 1 is c = 1 + m n: anyone can read m = (c - 1) / n.
        let make = """
        import json
        from phe import paillier
        from phe.util import base64_to_int
        jwk = json.load(open('pk.json'))
        pk = paillier.PaillierPublicKey(n=base64_to_int(jwk['n']))
        cell = lambda v: {'v': str(pk.encrypt(v, r_value=1).ciphertext(be_secure=False)), 'e': 0}
        rows = [{'label': 'r%d' % i, 'values': [cell(10 * i + 1), cell(10 * i + 2)]} for i in range(3)]
        json.dump({'format': 'he-toolkit phe table', 'version': 1, 'public_key': jwk, 'row_header': 'k',
                   'columns': ['a', 'b'], 'max_value': 100, 'rows': rows}, open('plain.json', 'w'))
        """
        let made = try runPython(["-c", make], in: dir.path)
        try #require(made.status == 0, "\(made.stderr)")
        for name in ["one.he", "two.he"] {
            let r = try dir.run("import", "--table", "plain.json", "--key", keys.publicKey, "--site", "py", "--out", name, "--quiet")
            try #require(r.status == 0, "\(r.stderr)")
        }
        // Same table, same key, same site: without fresh randomness the two files would be byte-identical.
        let one = try Data(contentsOf: URL(fileURLWithPath: dir.file("one.he")))
        let two = try Data(contentsOf: URL(fileURLWithPath: dir.file("two.he")))
        #expect(one.count == two.count)
        #expect(one != two)
        for name in ["one.he", "two.he"] {
            try #require(try dir.run("decrypt", "--secret-key", keys.secretKey, "--in", name, "--out", name + ".csv",
                                     "--quiet").status == 0)
            #expect(parseTotals(try String(contentsOfFile: dir.file(name + ".csv"), encoding: .utf8)).values
                == [[1, 2], [11, 12], [21, 22]])
        }
    }

    @Test("keys round-trip through phe's JWK JSON, and phe decrypts with the exported secret key")
    func keysRoundTrip() throws {
        let keys = SharedKeys.for(.paillier)
        let dir = Scratch()
        #expect(try dir.run("export", "--public-key", keys.publicKey, "--out", "pk.json", "--quiet").status == 0)
        #expect(try dir.run("export", "--secret-key", keys.secretKey, "--out", "sk.json", "--quiet").status == 0)
        let mode = try FileManager.default.attributesOfItem(atPath: dir.file("sk.json"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let check = """
        import json
        from phe import paillier
        from phe.util import base64_to_int
        sk = json.load(open('sk.json'))
        pk = paillier.PaillierPublicKey(n=base64_to_int(sk['pub']['n']))
        priv = paillier.PaillierPrivateKey(pk, base64_to_int(sk['p']), base64_to_int(sk['q']))
        assert priv.decrypt(pk.encrypt(-123456789)) == -123456789
        assert base64_to_int(json.load(open('pk.json'))['n']) == pk.n
        print('ok')
        """
        let r = try runPython(["-c", check], in: dir.path)
        #expect(r.status == 0 && r.stdout.contains("ok"), "\(r.stderr)")

        // The shared test key has 2048 bits: importing it warns as keygen does.
        let imported = try dir.run("import", "--public-key", "pk.json", "--out", "pk.hekey")
        #expect(imported.status == 0)
        #expect(imported.stderr.contains("warning: the imported key has a 2048-bit modulus, 112-bit security (NIST SP 800-57)"),
                "\(imported.stderr)")
        #expect(try dir.run("import", "--secret-key", "sk.json", "--out", "sk.hekey", "--quiet").status == 0)
        let original = try dir.run("inspect", keys.publicKey).stdout
        let roundTrip = try dir.run("inspect", "pk.hekey").stdout
        let fingerprintLine = { (s: String) in s.split(separator: "\n").first { $0.hasPrefix("public-key fingerprint") } }
        #expect(fingerprintLine(original) != nil)
        #expect(fingerprintLine(original) == fingerprintLine(roundTrip))
        // The imported secret key decrypts what the original public key encrypted.
        dir.write("k,v\na,7\n", to: "t.csv")
        #expect(try dir.run("encrypt", "--public-key", keys.publicKey, "--site", "s", "--in", "t.csv", "--out", "t.he", "--quiet").status == 0)
        #expect(try dir.run("decrypt", "--secret-key", "sk.hekey", "--in", "t.he", "--out", "t.out.csv", "--quiet").status == 0)
        #expect(parseTotals(try String(contentsOfFile: dir.file("t.out.csv"), encoding: .utf8)).values == [[7]])
        // A phe private key readable by others is refused like a secret key file.
        chmod(dir.file("sk.json"), 0o644)
        let loose = try dir.run("import", "--secret-key", "sk.json", "--out", "sk2.hekey")
        #expect(loose.status == 77)
        #expect(loose.stderr.contains("chmod 600 sk.json"))
    }

    @Test("BFV keys are refused by the python-paillier commands")
    func bfvRefused() throws {
        let dir = Scratch()
        let r = try dir.run("export", "--public-key", SharedKeys.for(.bfv).publicKey, "--out", "pk.json")
        #expect(r.status == 80)
        #expect(r.stderr.contains("only Paillier keys can be used with python-paillier"))
        #expect(!dir.exists("pk.json"))
    }
}
