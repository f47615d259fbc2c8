import EncryptedStats
import Foundation
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
                                "--out", "py.json", "--value-type", "signed"], in: dir.path)
        try #require(py.status == 0, "\(py.stderr)")
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

        #expect(try dir.run("import", "--public-key", "pk.json", "--out", "pk.hekey", "--quiet").status == 0)
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
