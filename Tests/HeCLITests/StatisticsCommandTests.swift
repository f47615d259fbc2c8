import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

/// `he-cli chi2` and `he-cli summary` on decrypted totals, against scipy / numpy (Tests/Oracles/scipy_stats.py).
@Suite("he-cli chi2 and summary")
struct StatisticsCommandTests {
    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    private func scipy(_ request: [String: Any]) throws -> [String: Any] {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self)
        return try json(try Oracles.python(["scipy_stats.py"], input: body))
    }

    private func close(_ a: Double?, _ b: Double?, _ tolerance: Double = 1e-9) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return Oracles.relativeError(a, b) < tolerance || abs(a - b) < 1e-300
    }

    @Test("chi2 on random r x c tables equals scipy.stats.chi2_contingency, with and without Yates",
          .enabled(if: Oracles.pythonUsable, "needs HE_TEST_PYTHON (scipy)"))
    func chi2AgainstScipy() throws {
        let dir = Scratch()
        var g = SystemRandomNumberGenerator()
        var tables: [[[UInt64]]] = []
        while tables.count < 8 {
            let rows = tables.count < 2 ? 2 : Int.random(in: 2 ... 4, using: &g)
            let columns = tables.count < 2 ? 2 : Int.random(in: 2 ... 5, using: &g)
            let scale = UInt64([3, 50, 5000][tables.count % 3])
            let t = (0 ..< rows).map { _ in (0 ..< columns).map { _ in UInt64.random(in: 0 ... scale, using: &g) } }
            let rowZero = t.contains { $0.allSatisfy { $0 == 0 } }
            let columnZero = (0 ..< columns).contains { c in t.allSatisfy { $0[c] == 0 } }
            if !rowZero && !columnZero { tables.append(t) }
        }
        var requests: [[String: Any]] = []
        var ours: [[String: Any]] = []
        for (k, t) in tables.enumerated() {
            var csv = "# contributors (2): a b\noutcome," + (0 ..< t[0].count).map { "c\($0)" }.joined(separator: ",") + "\n"
            for (i, row) in t.enumerated() { csv += "r\(i)," + row.map(String.init).joined(separator: ",") + "\n" }
            dir.write(csv, to: "t\(k).csv")
            let yates = k < 2 && k % 2 == 1
            let r = try dir.run(["chi2", "--in", "t\(k).csv", "--format", "json"] + (yates ? ["--yates"] : []))
            try #require(r.status == 0, "\(r.stderr)")
            ours.append(try json(r.stdout))
            requests.append(["table": t.map { $0.map { Int($0) } }, "correction": yates])
            // Text output names the same numbers.
            let text = try dir.run("chi2", "--in", "t\(k).csv")
            let dfLine = text.stdout.split(separator: "\n").first { $0.hasPrefix("df ") }
            #expect(text.status == 0 && dfLine?.split(separator: " ").last == "\((t.count - 1) * (t[0].count - 1))"[...],
                    "\(text.stdout)")
        }
        let answers = try #require(try scipy(["contingency": requests])["contingency"] as? [[String: Any]])
        for (k, (mine, ref)) in zip(ours, answers).enumerated() {
            let context = "table \(k): \(tables[k])"
            #expect(close(mine["statistic"] as? Double, ref["statistic"] as? Double), "\(context): \(mine) vs \(ref)")
            #expect(close(mine["pValue"] as? Double, ref["p"] as? Double), "\(context): \(mine) vs \(ref)")
            #expect(mine["df"] as? Int == ref["dof"] as? Int, "\(context)")
            let e1 = try #require(mine["expected"] as? [[Double]]), e2 = try #require(ref["expected"] as? [[Double]])
            #expect(zip(e1, e2).allSatisfy { zip($0, $1).allSatisfy { close($0, $1) } }, "\(context): expected counts")
            let lowExpected = e2.joined().contains { $0 < 5 }
            #expect((mine["warnings"] as? [String])?.isEmpty == !lowExpected, "\(context): warnings \(mine)")
        }
    }

    @Test("summary of pooled count, sum and sum of squares equals numpy on the pooled values",
          .enabled(if: Oracles.pythonUsable, "needs HE_TEST_PYTHON (numpy)"), arguments: schemesUnderTest)
    func summaryAgainstNumpy(scheme: SchemeID) throws {
        let dir = Scratch()
        let keys = SharedKeys.for(scheme)
        var g = SystemRandomNumberGenerator()
        // Values with one decimal (stored as tenths); sites encrypt with scale 2 so sums of squares are exact.
        var pooled: [String: [Int]] = ["bmi": [], "delta": []]
        var files: [String] = []
        for site in ["a", "b", "c"] {
            var csv = "variable,count,sum,sum_squares\n"
            for (name, range) in [("bmi", 150 ... 450), ("delta", -300 ... 200)] {
                let values = (0 ..< Int.random(in: 5 ... 40, using: &g)).map { _ in Int.random(in: range, using: &g) }
                pooled[name]! += values
                let sum = values.reduce(0, +), squares = values.reduce(0) { $0 + $1 * $1 }
                // sum in tenths -> "x.y0"; squares in hundredths -> "x.yz".
                csv += "\(name),\(values.count),\(decimal(sum * 10, 2)),\(decimal(squares, 2))\n"
            }
            dir.write(csv, to: "\(site).csv")
            let r = try dir.run("encrypt", "--public-key", keys.publicKey, "--site", site, "--in", "\(site).csv",
                                "--out", "\(site).he", "--value-type", "signed", "--quiet")
            // Signed integers are refused for decimal cells: the documented way is --value-type decimal.
            #expect(r.status == 65)
            let ok = try dir.run("encrypt", "--public-key", keys.publicKey, "--site", site, "--in", "\(site).csv",
                                 "--out", "\(site).he", "--value-type", "decimal", "--scale", "2",
                                 "--max-value", "100000", "--quiet")
            try #require(ok.status == 0, "\(ok.stderr)")
            files.append("\(site).he")
        }
        try #require(try dir.run(["aggregate", "--quiet", "--out", "t.he"] + files).status == 0)
        try #require(try dir.run("decrypt", "--secret-key", keys.secretKey, "--in", "t.he", "--out", "t.csv", "--quiet").status == 0)
        let r = try dir.run("summary", "--in", "t.csv", "--format", "json")
        try #require(r.status == 0, "\(r.stderr)")
        let rows = try #require(try json(r.stdout)["rows"] as? [[String: Any]])
        #expect(try json(r.stdout)["scale"] as? Int == 2)
        let names = ["bmi", "delta"]
        let reference = try #require(try scipy(["moments": names.map { ["values": pooled[$0]!, "scale": 1] }])["moments"]
            as? [[String: Any]])
        for (i, name) in names.enumerated() {
            let row = rows[i]
            #expect(row["variable"] as? String == name)
            #expect(row["n"] as? Int == pooled[name]!.count)
            #expect(close(row["mean"] as? Double, reference[i]["mean"] as? Double), "\(name): \(row) vs \(reference[i])")
            #expect(close(row["variance"] as? Double, reference[i]["exact_variance"] as? Double), "\(name): \(row) vs \(reference[i])")
            let sd = (reference[i]["exact_variance"] as? Double).map { $0.squareRoot() }
            #expect(close(row["sd"] as? Double, sd), "\(name)")
        }
        // --scale given explicitly gives the same answer; text output has one line per variable.
        let explicit = try dir.run("summary", "--in", "t.csv", "--scale", "2", "--format", "json")
        #expect(explicit.stdout == r.stdout)
        let text = try dir.run("summary", "--in", "t.csv")
        #expect(text.status == 0 && text.stdout.split(separator: "\n").count == 3, "\(text.stdout)")
        // Other columns are not read: neither their text nor their decimal places change anything.
        let totals = try String(contentsOfFile: dir.file("t.csv"), encoding: .utf8)
        var extra = ""
        for line in totals.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("#") || line.isEmpty { extra += line + "\n"; continue }
            extra += line + (line.hasPrefix("variable,") ? ",unit,weight\n" : ",mm Hg,0.12345678\n")
        }
        dir.write(extra, to: "extra.csv")
        let withExtra = try dir.run("summary", "--in", "extra.csv", "--format", "json")
        #expect(withExtra.status == 0, "\(withExtra.stderr)")
        #expect(withExtra.stdout == r.stdout)
    }

    private func decimal(_ v: Int, _ scale: Int) -> String {
        formatValue(Int64(v), encoding: .fixedPoint(scale: scale))
    }

    @Test("chi2 on a 2 x 2 table adds the odds ratio, Woolf's interval and Fisher's exact test, as scipy computes them",
          .enabled(if: Oracles.pythonUsable, "needs HE_TEST_PYTHON (scipy)"))
    func twoByTwoAgainstScipy() throws {
        let dir = Scratch()
        let tables: [[[Int]]] = [[[120, 80], [300, 420]], [[3, 9], [11, 2]], [[0, 6], [7, 5]]]
        let reference = try #require(try scipy(["two_by_two": tables])["two_by_two"] as? [[String: Any]])
        for (k, (t, ref)) in zip(tables, reference).enumerated() {
            dir.write("# contributors (2): a b\nexposure,cases,controls\nsmoker,\(t[0][0]),\(t[0][1])\n"
                      + "non-smoker,\(t[1][0]),\(t[1][1])\n", to: "t\(k).csv")
            let r = try dir.run("chi2", "--in", "t\(k).csv", "--format", "json")
            try #require(r.status == 0, "\(r.stderr)")
            let mine = try json(r.stdout)
            #expect(close(mine["oddsRatio"] as? Double, ref["odds_ratio"] as? Double, 1e-13), "\(t): \(mine) vs \(ref)")
            #expect(close(mine["fisherPValue"] as? Double, ref["fisher_p"] as? Double), "\(t): \(mine) vs \(ref)")
            let ci = mine["oddsRatioCI"] as? [Double]
            if t.joined().contains(0) {
                #expect(mine["oddsRatioCI"] is NSNull, "\(t): \(mine)")
            } else {
                let refCI = try #require(ref["ci"] as? [Double])
                #expect(ci.map { close($0[0], refCI[0], 1e-12) && close($0[1], refCI[1], 1e-12) } == true,
                        "\(t): \(mine) vs \(ref)")
            }
            let text = try dir.run("chi2", "--in", "t\(k).csv")
            let lines = text.stdout.split(separator: "\n").map(String.init)
            let orLine = try #require(lines.first { $0.hasPrefix("odds ratio ") }, "\(text.stdout)")
            #expect(orLine.hasSuffix("(odds of 'cases' in 'smoker' against 'non-smoker')"), "\(orLine)")
            let fisherLine = try #require(lines.first { $0.hasPrefix("Fisher p   ") }, "\(text.stdout)")
            let fisherText = fisherLine.dropFirst(11).split(separator: " ").first.map(String.init)
            #expect(close(fisherText.flatMap(Double.init), ref["fisher_p"] as? Double), "\(fisherLine)")
            let ciLine = try #require(lines.first { $0.hasPrefix("95% CI     ") }, "\(text.stdout)")
            #expect(t.joined().contains(0) ? ciLine == "95% CI     NA (a cell is 0)" : ciLine.hasSuffix("(Woolf)"), "\(ciLine)")
        }
        // A larger table has no odds ratio; its Fisher test is the r x c one (this observed table is among the most
        // probable of its margins, so p = 1 up to rounding).
        dir.write("g,a,b,c\nx,1,2,3\ny,4,5,7\n", to: "wide.csv")
        let wide = try dir.run("chi2", "--in", "wide.csv", "--format", "json")
        let wideJSON = try json(wide.stdout)
        #expect(wide.status == 0 && wideJSON["oddsRatio"] == nil, "\(wide.stdout)")
        #expect(close(wideJSON["fisherPValue"] as? Double, 1, 1e-12), "\(wide.stdout)")
        dir.write("g,a,b,c\nx,3,0,0\ny,0,3,0\nz,0,0,3\n", to: "diagonal.csv")
        let diagonal = try dir.run("chi2", "--in", "diagonal.csv")
        let diagonalLine = try #require(diagonal.stdout.split(separator: "\n").first { $0.hasPrefix("Fisher p   ") }, "\(diagonal.stdout)")
        #expect(diagonalLine.hasSuffix(" (exact, Freeman-Halton)"), "\(diagonalLine)")
        #expect(close(diagonalLine.dropFirst(11).split(separator: " ").first.flatMap { Double($0) }, 6.0 / 1680, 1e-12),
                "\(diagonalLine)")  // 6 tables of probability 1/1680 (FisherExactTests)
        dir.write("g,a,b,c,d\n" + (1 ... 4).map { "r\($0),40,40,40,40\n" }.joined(), to: "big.csv")
        let big = try dir.run("chi2", "--in", "big.csv")
        #expect(big.stdout.contains("Fisher p   NA (more than 1000000 tables with these margins; use the chi-square p-value)"),
                "\(big.stdout)")
    }

    @Test("chi2 prints a p-value below the smallest double as a bound with its log10")
    func underflowingPValue() throws {
        let dir = Scratch()
        dir.write("g,a,b\nx,1000000,0\ny,0,1000000\n", to: "t.csv")
        let text = try dir.run("chi2", "--in", "t.csv")
        #expect(text.status == 0, "\(text.stderr)")
        // chi2 = 2e6 on 1 df: p = erfc(z), z = sqrt(x / 2); ln erfc(z) = -z^2 - ln(z sqrt(pi)) - 1 / (2 z^2) + ...
        // gives log10 p = -434297.7305 (scipy.stats.chi2.logsf underflows to -inf here).
        #expect(text.stdout.contains("p-value    < 4.9e-324 (log10 p = -434297.73)"), "\(text.stdout)")
        let json = try dir.run("chi2", "--in", "t.csv", "--format", "json")
        #expect(json.stdout.contains("\"pValue\": 0"), "\(json.stdout)")
        dir.write("g,a,b\nx,5,5\ny,5,5\n", to: "even.csv")
        let even = try dir.run("chi2", "--in", "even.csv", "--format", "json")
        #expect(even.stdout.contains("\"logPValue\": 0.0,") && !even.stdout.contains("-0.0"), "\(even.stdout)")
    }

    @Test("chi2 and summary refusals name the file and the reason")
    func refusals() throws {
        let dir = Scratch()
        dir.write("g,a,b\nx,1,0\ny,2,0\n", to: "zero.csv")
        dir.write("g,a,b\nx,1,2\ny,2,3\nz,4,4\n", to: "three.csv")
        dir.write("g,a,b\nx,1,2\ny,2.5,3\n", to: "decimal.csv")
        dir.write("v,count,sum\nbmi,3,75\n", to: "nosq.csv")
        dir.write("g,a,b\nx,99999999999999999999,2\ny,2,3\n", to: "huge.csv")
        dir.write("g,a,b\n\"all checks\npassed\",0,0\ny,2,3\n", to: "forged.csv")
        dir.write("v,count,sum,sum_squares\nbmi,3,75,10\n", to: "inconsistent.csv")
        dir.write("v,count,sum,sum_squares\nbmi,2.50,5.00,12.50\n", to: "fraction.csv")
        let cases: [([String], Int32, String)] = [
            (["chi2", "--in", "zero.csv"], 65, "zero.csv: column 'b' sums to 0, so its expected counts are 0"),
            (["chi2", "--in", "three.csv", "--yates"], 65, "2 x 2 tables only"),
            (["chi2", "--in", "decimal.csv"], 65,
             "decimal.csv: line 3, column 2 ('a'): found '2.5', expected a non-negative integer count (chi2 tests counts; a decimal table is not one)"),
            (["chi2", "--in", "forged.csv"], 65, "forged.csv: row 'all checks\\u{a}passed' sums to 0"),
            (["chi2", "--in", "huge.csv"], 65,
             "huge.csv: line 2, column 2 ('a'): found '99999999999999999999', expected a non-negative integer count of at most 9223372036854775807 in absolute value\n"),
            (["chi2", "--in", "absent.csv"], 66, "absent.csv"),
            (["summary", "--in", "nosq.csv"], 65, "nosq.csv: no column 'sum_squares'"),
            (["summary", "--in", "inconsistent.csv"], 65, "inconsistent.csv: row 'bmi': no 3 real values have this sum and sum of squares"),
            (["summary", "--in", "fraction.csv"], 65, "fraction.csv: row 'bmi': count 2.50 is not a non-negative whole number"),
            (["summary", "--in", "nosq.csv", "--scale", "40"], 64, "--scale must be between 0 and"),
        ]
        for (args, code, message) in cases {
            let r = try dir.run(args)
            #expect(r.status == code, "\(args): exit \(r.status), \(r.stderr)")
            #expect(r.stderr.contains(message), "\(args): '\(message)' not in: \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(args) printed: \(r.stdout)")
        }
    }

    @Test("help of every new command shows a worked example")
    func help() throws {
        let dir = Scratch()
        for command in [["chi2"], ["summary"], ["gwas"], ["gwas", "panel"], ["gwas", "encrypt"], ["gwas", "report"]] {
            let r = try dir.run(command + ["--help"])
            #expect(r.status == 0)
            #expect(r.stdout.contains("Example") || r.stdout.contains("he-cli gwas encrypt --vcf"), "\(command) --help: \(r.stdout)")
        }
    }
}
