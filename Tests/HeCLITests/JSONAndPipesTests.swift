import EncryptedStats
import Foundation
import HEFiles
import HETestSupport
import Testing

/// The JSON that `decrypt` writes as input of the statistics, and `-` as standard input and output.
@Suite("he-cli JSON inputs, pipes and error messages")
struct JSONAndPipesTests {
    /// Encrypts `csv` at two sites (the same table twice), aggregates and returns the directory with t.he.
    private func aggregate(_ csv: String, scheme: SchemeID, extra: [String] = []) throws -> Scratch {
        let dir = Scratch()
        let keys = SharedKeys.for(scheme)
        dir.write(csv, to: "site.csv")
        for site in ["a", "b"] {
            let r = try dir.run(["encrypt", "--public-key", keys.publicKey, "--site", site, "--in", "site.csv",
                                 "--out", "\(site).he", "--quiet"] + extra)
            try #require(r.status == 0, "\(r.stderr)")
        }
        try #require(try dir.run("aggregate", "--quiet", "--out", "t.he", "a.he", "b.he").status == 0)
        return dir
    }

    @Test("chi2 and summary read decrypt's JSON as they read its CSV, from a file or from a pipe",
          arguments: schemesUnderTest)
    func jsonEqualsCSV(scheme: SchemeID) throws {
        let keys = SharedKeys.for(scheme)
        let counts = try aggregate("exposure,cases,controls\nsmoker,60,40\nnon-smoker,150,210\nformer,33,41\n", scheme: scheme)
        for format in ["csv", "json"] {
            let r = try counts.run("decrypt", "--secret-key", keys.secretKey, "--in", "t.he", "--out", "t.\(format)",
                                   "--quiet")
            try #require(r.status == 0, "\(r.stderr)")
        }
        for args in [["--format", "json"], ["--format", "text"]] {
            let fromCSV = try counts.run(["chi2", "--in", "t.csv"] + args)
            let fromJSON = try counts.run(["chi2", "--in", "t.json"] + args)
            #expect(fromCSV.status == 0 && fromJSON.status == 0, "\(fromJSON.stderr)")
            #expect(fromCSV.stdout == fromJSON.stdout && fromCSV.stdout.contains("statistic"), "\(fromJSON.stdout)")
            // decrypt --out - piped into chi2 --in -: the same result, and no file named '-'.
            let pipe = try ChildProcess.run("/bin/sh", ["-c", "\"$0\" decrypt --secret-key \"$1\" --in t.he --out - --format json --quiet"
                                                        + " | \"$0\" chi2 --in - " + args.joined(separator: " "),
                                                        HeCLI.binary, keys.secretKey], currentDirectory: counts.path)
            #expect(pipe.status == 0 && pipe.stdout == fromCSV.stdout, "\(pipe.stderr)")
            #expect(!counts.exists("-"))
        }
        // Decimal moments: the JSON keeps the decimals exact and its scale is found as in the CSV.
        let moments = try aggregate("variable,count,sum,sum_squares\nbmi,3,75.90,1923.15\nsystolic,3,391.00,51161.00\n",
                                    scheme: scheme, extra: ["--value-type", "decimal", "--scale", "2", "--max-value", "100000"])
        for format in ["csv", "json"] {
            let r = try moments.run("decrypt", "--secret-key", keys.secretKey, "--in", "t.he", "--out", "m.\(format)", "--quiet")
            try #require(r.status == 0, "\(r.stderr)")
        }
        let csv = try moments.run("summary", "--in", "m.csv", "--format", "json")
        let json = try moments.run("summary", "--in", "m.json", "--format", "json")
        #expect(csv.status == 0 && json.stdout == csv.stdout && csv.stdout.contains("\"scale\": 2"), "\(json.stderr)")
        let stdin = try ChildProcess.run(HeCLI.binary, ["summary", "--in", "-", "--format", "json"],
                                         input: try Data(contentsOf: URL(fileURLWithPath: moments.file("m.json"))))
        #expect(stdin.status == 0 && stdin.stdout == csv.stdout, "\(stdin.stderr)")
    }

    @Test("decrypt --out - writes the totals to standard output and the summary to standard error")
    func decryptToStandardOutput() throws {
        let keys = SharedKeys.for(.paillier)
        let dir = try aggregate("g,a,b\nx,1,2\ny,3,4\n", scheme: .paillier)
        let r = try dir.run("decrypt", "--secret-key", keys.secretKey, "--in", "t.he", "--out", "-")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "# contributors (2): a b\ng,a,b\nx,2,4\ny,6,8\n", "\(r.stdout)")
        #expect(r.stderr.contains("decrypted totals of 2 site(s) written to standard output"), "\(r.stderr)")
        #expect(!dir.exists("-"))
        let logged = try dir.run("decrypt", "--secret-key", keys.secretKey, "--in", "t.he", "--out", "-",
                                 "--log", "r.helog", "--log-key", keys.secretKey)
        #expect(logged.status == 64 && logged.stderr.contains("--out - cannot be combined with --log"), "\(logged.stderr)")
        #expect(logged.stdout.isEmpty && !dir.exists("r.helog"))
    }

    @Test("a damaged decrypted-totals JSON is refused with its line, column and what was expected")
    func jsonRefusals() throws {
        let dir = Scratch()
        let head = "{\n  \"format\": \"he-toolkit decrypted totals\",\n  \"version\": 1,\n  \"rowHeader\": \"g\",\n"
            + "  \"columns\": [\"a\", \"b\"],\n  \"rows\": [\n"
        dir.write(head + "    {\"label\": \"x\", \"values\": [1, \"2\"]}\n  ]\n}\n", to: "string.json")
        dir.write(head + "    {\"label\": \"x\", \"values\": [1, 2]},\n    {\"label\": \"y\", \"values\": [3, -4]}\n  ]\n}\n", to: "negative.json")
        dir.write(head + "    {\"label\": \"x\", \"values\": [1, 2, 3]},\n    {\"label\": \"y\", \"values\": [3, 4]}\n  ]\n}\n", to: "wide.json")
        dir.write(head + "    {\"label\": \"x\", \"values\": [1, null]},\n    {\"label\": \"y\", \"values\": [3, 4]}\n  ]\n}\n", to: "withheld.json")
        dir.write(head + "    {\"label\": \"x\", \"values\": [1, 2]\n", to: "truncated.json")
        dir.write("{\"format\": \"something else\"}\n", to: "other.json")
        dir.write("{\"format\": \"he-toolkit decrypted totals\", \"version\": 2}\n", to: "version.json")
        let cases: [(String, String)] = [
            ("string.json", "string.json: line 7, column 34: \"values\": expected numbers (or null for a withheld cell), found a string"),
            ("negative.json", "negative.json: line 8, column 34 ('b'): found '-4', expected a non-negative integer count"),
            ("wide.json", "wide.json: line 7: expected 3 fields like the header row, found 4"),
            ("withheld.json", "withheld.json: line 7, column 34 ('b'): found '', expected a non-negative integer count (the cell is empty)"),
            ("truncated.json", "truncated.json: line 8, column 1: JSON: unexpected end of the file (the object is not closed)"),
            ("other.json", "other.json: line 1, column 1: not the JSON that he-cli decrypt writes (expected \"format\": \"he-toolkit decrypted totals\")"),
            ("version.json", "version.json: line 1, column 54: decrypted totals JSON version 2; this build reads version 1"),
        ]
        for (file, message) in cases {
            let r = try dir.run("chi2", "--in", file)
            #expect(r.status == 65, "\(file): exit \(r.status), \(r.stderr)")
            #expect(r.stderr.contains(message), "\(file): '\(message)' not in: \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(file) printed: \(r.stdout)")
        }
        let empty = try ChildProcess.run(HeCLI.binary, ["chi2", "--in", "-"], input: Data())
        #expect(empty.status == 65 && empty.stderr.contains("he-cli: error: standard input: the table is empty"), "\(empty.stderr)")
    }

    @Test("inspect --json gives the text output's facts as one JSON object, with every label", arguments: schemesUnderTest)
    func inspectJSON(scheme: SchemeID) throws {
        let keys = SharedKeys.for(scheme)
        let rows = (1 ... 15).map { "row \($0)" } + ["tab\there"]
        let dir = try aggregate("g,a,b\n" + rows.map { "\($0),1,2\n" }.joined(), scheme: scheme)
        let r = try dir.run("inspect", "--json", "t.he")
        try #require(r.status == 0, "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)")
        #expect(object["rows"] as? [String] == rows)
        #expect(object["columns"] as? [String] == ["a", "b"])
        #expect(object["contributors"] as? [String] == ["a", "b"])
        #expect(object["valueCount"] as? Int == 32 && object["rowCount"] as? Int == 16 && object["columnCount"] as? Int == 2)
        #expect(object["scheme"] as? String == scheme.description && object["content"] as? String == "an encrypted aggregate")
        #expect(object["integrityVerified"] as? Bool == true && (object["statements"] as? [String])?.isEmpty == true)
        let size = try FileManager.default.attributesOfItem(atPath: dir.file("t.he"))[.size] as? Int
        #expect(object["fileBytes"] as? Int == size)
        // The same numbers as the text output.
        let text = try dir.run("inspect", "t.he").stdout
        let layout = try #require(text.split(separator: "\n").first { $0.hasPrefix("layout ") }, "\(text)")
        let slots = try #require(object["slotsPerCiphertext"] as? Int)
        #expect(layout.contains(" \(slots) "), "\(layout) vs \(slots)")
        let fingerprint = try #require(object["publicKeyFingerprint"] as? String)
        #expect(text.contains("public-key fingerprint  \(fingerprint)"), "\(text)")
        #expect(text.contains("... (4 more)") && !r.stdout.contains("more)"), "text elides the labels, JSON does not")
        // A key file: its sizes, nothing of the table.
        let key = try dir.run("inspect", "--json", keys.publicKey)
        let keyObject = try #require(try JSONSerialization.jsonObject(with: Data(key.stdout.utf8)) as? [String: Any], "\(key.stdout)")
        #expect(keyObject["content"] as? String == "a public key" && keyObject["publicKeyBytes"] is Int && keyObject["rows"] == nil)
        #expect(keyObject["publicKeyFingerprint"] as? String == fingerprint)
    }

    @Test("every error, ArgumentParser's usage errors included, starts with the one prefix he-cli: error:")
    func oneErrorPrefix() throws {
        let dir = Scratch()
        dir.write("g,a,b\nx,1,2\ny,3,4\n", to: "t.csv")
        let cases: [([String], Int32)] = [
            (["chi2"], 64),                                    // missing option
            (["chi2", "--in", "t.csv", "--bogus"], 64),        // unknown option
            (["chi2", "--in", "t.csv", "--format", "xml"], 64),  // invalid value
            (["summary", "--in", "t.csv", "--scale", "40"], 64),  // validation
            (["no-such-command"], 64),                         // unknown subcommand
            (["keygen", "--scheme", "nope", "--out", "k"], 64),
            (["chi2", "--in", "absent.csv"], 66),              // a library error
            (["summary", "--in", "t.csv"], 65),
        ]
        for (args, code) in cases {
            let r = try dir.run(args)
            #expect(r.status == code, "\(args): exit \(r.status)")
            #expect(r.stderr.hasPrefix("he-cli: error: "), "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("Error: ") && r.stdout.isEmpty, "\(args): \(r.stderr)")
        }
        // Usage errors keep ArgumentParser's usage lines after the message.
        let missing = try dir.run("chi2")
        #expect(missing.stderr.hasPrefix("he-cli: error: Missing expected argument '--in <in>'\n")
                && missing.stderr.contains("Usage: he-cli chi2 --in <in>"), "\(missing.stderr)")
        // Help and version still go to standard output with exit 0.
        let help = try dir.run("chi2", "--help"), version = try dir.run("--version")
        #expect(help.status == 0 && help.stdout.contains("USAGE: he-cli chi2") && help.stderr.isEmpty)
        #expect(version.status == 0 && version.stdout.hasPrefix("he-cli "))
    }

    @Test("encrypt --in - reads the site's table from standard input")
    func encryptFromStandardInput() throws {
        let keys = SharedKeys.for(.paillier)
        let dir = Scratch()
        let csv = "g,a,b\nx,1,2\ny,3,4\n"
        let r = try ChildProcess.run(HeCLI.binary, ["encrypt", "--public-key", keys.publicKey, "--site", "a", "--in", "-",
                                                    "--out", "a.he", "--quiet"], input: Data(csv.utf8), currentDirectory: dir.path)
        try #require(r.status == 0, "\(r.stderr)")
        let totals = try dir.run("decrypt", "--secret-key", keys.secretKey, "--in", "a.he", "--out", "-", "--quiet")
        #expect(totals.stdout == "# contributors (1): a\n" + csv, "\(totals.stdout)")
        let bad = try ChildProcess.run(HeCLI.binary, ["encrypt", "--public-key", keys.publicKey, "--site", "a", "--in", "-",
                                                      "--out", "b.he"], input: Data("g,a\nx,-1\n".utf8), currentDirectory: dir.path)
        #expect(bad.status == 65 && bad.stderr.hasPrefix("he-cli: error: standard input: line 2, column 2 ('a'): found '-1'"),
                "\(bad.stderr)")
        #expect(!dir.exists("b.he"))
    }
}
