import EncryptedStats
import HEFiles
import HETestSupport
import Testing

/// The hints of a site's encryption (as he-cli encrypt gives them).
private let encryptHints = ValueHints(maxValue: "--max-value", decimals: "decimals need --value-type decimal with --scale",
                                      negative: "negative values need --value-type signed",
                                      scale: "raise --scale or round the data")

private func parse(_ text: String, _ encoding: ValueEncoding = .count, max: UInt64 = 1000) throws -> CountTable {
    try CountTableReader.parse(Array(text.utf8), path: "t.csv", encoding: encoding, maxValue: max, hints: encryptHints)
}

private func error(_ text: String, _ encoding: ValueEncoding = .count, max: UInt64 = 1000) -> EncryptedStatsError? {
    do {
        _ = try parse(text, encoding, max: max)
        return nil
    } catch let e as EncryptedStatsError {
        return e
    } catch {
        return nil
    }
}

@Suite("Count table reader")
struct CountTableReaderTests {
    @Test("labels, quoting, CRLF, BOM and blank lines")
    func parsesRFC4180() throws {
        let text = "\u{FEFF}\"diagnosis, ICD-10\",cases,\"con\"\"trols\"\r\n\"flu\nA\",3,4\r\n\r\nasthma, 10 ,0\r\n"
        let t = try parse(text)
        #expect(t.rowHeader == "diagnosis, ICD-10")
        #expect(t.columnLabels == ["cases", "con\"trols"])
        #expect(t.rowLabels == ["flu\nA", "asthma"])
        #expect(t.values == [3, 4, 10, 0])
    }

    // Found by the csv fuzz target: a quote followed by a combining mark (one Character to Swift) was not
    // escaped when a label was written back, and the output did not parse.
    @Test("labels written with CSVParser.quote parse back to themselves",
          arguments: ["\"\u{59B}la", "a\r\nb", "\"\u{301}", " x", "x ", "#x", "a,b", "plain", "\u{0}", "\"\"\""])
    func quoteRoundTrips(label: String) throws {
        let text = "k," + CSVParser.quote(label) + "\n" + CSVParser.quote(label + "!") + ",7\n"
        let t = try parse(text)
        #expect(t.columnLabels == [label])
        #expect(t.rowLabels == [label + "!"])
        #expect(t.values == [7])
    }

    // OWASP, "CSV Injection": a cell starting with =, +, -, @, tab or carriage return is run as a formula by
    // spreadsheets; output labels get a leading single quote, and still parse back (with the quote).
    @Test("text fields a spreadsheet would run as formulas get a leading quote and parse back with it",
          arguments: ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A9)", "\tx", "\rx",
                      "=1,2", "-", "+", "=", "-1.5.2", "-1e"])
    func formulaLabels(label: String) throws {
        let written = CSVParser.quoteText(label)
        #expect(written.hasPrefix("'") || written.hasPrefix("\"'"), "\(written)")
        let text = "k," + written + "\n" + CSVParser.quoteText(label + "!") + ",7\n"
        let t = try parse(text)
        #expect(t.columnLabels == ["'" + label])
        #expect(t.rowLabels == ["'" + label + "!"])
    }

    @Test("numbers, ordinary labels and labels with a quote inside are written as before; semicolons are quoted")
    func ordinaryLabels() throws {
        for label in ["-3", "+1.5", "2e-4", "-0.25E+3", "12", "asthma", "non-smoker", "a=b", "'quoted", "x@y", " =x"] {
            #expect(CSVParser.quoteText(label) == CSVParser.quote(label), "\(label)")
        }
        #expect(CSVParser.quoteText("a;=b") == "\"a;=b\"")
        #expect(CSVParser.quoteText("=a;b") == "\"'=a;b\"")
        #expect(CSVParser.quoteText("=\"x\"") == "\"'=\"\"x\"\"\"")
        let t = try parse("k,\"a;=b\"\nrow,1\n")
        #expect(t.columnLabels == ["a;=b"])
    }

    @Test("value types: signed integers and fixed-point decimals")
    func valueTypes() throws {
        let signed = try parse("k,v\na,-5\nb,+7\n", .signedInteger, max: 10)
        #expect(signed.values == [-5, 7])
        let fixed = try parse("k,v\na,-1.25\nb,3\nc,0.5\n", .fixedPoint(scale: 2), max: 10)
        #expect(fixed.values == [-125, 300, 50])
        #expect(formatValue(-125, encoding: .fixedPoint(scale: 2)) == "-1.25")
        #expect(formatValue(5, encoding: .fixedPoint(scale: 3)) == "0.005")
    }

    @Test("errors name the line, the column and what was expected")
    func errors() {
        #expect(error("k,a,b\nx,1,-2\n") == .tableValue(
            path: "t.csv", line: 2, column: 3, columnLabel: "b", found: "-2",
            expected: "a non-negative integer count (negative values need --value-type signed)"))
        #expect(error("k,a\nx,1001\n")?.description
            == "t.csv: line 2, column 2 ('a'): found '1001', expected a non-negative integer count of at most 1000 in absolute value (--max-value)")
        #expect(error("k,a\nx,1.5\n")?.description.contains("decimals need --value-type decimal") == true)
        #expect(error("k,a\nx,1.255\n", .fixedPoint(scale: 2))?.description.contains("3 decimal places") == true)
        #expect(error("k,a\nx,1e3\n")?.description.contains("no exponent notation") == true)
        #expect(error("k,a\nx,1,000\n") == .tableRowWidth(path: "t.csv", line: 2, expected: 2, found: 3))
        #expect(error("k,a\nx,\n")?.description.contains("the cell is empty") == true)
        #expect(error("k,a\nx,99999999999999999999\n")?.description.contains("line 2, column 2") == true)
        #expect(error("k,a,a\nx,1,2\n") == .tableLabel(path: "t.csv", line: 1, column: 3, reason: "column label 'a' repeats column 2"))
        #expect(error("k,a\nx,1\nx,2\n") == .tableLabel(path: "t.csv", line: 3, column: 1, reason: "row label 'x' repeats the row on line 2"))
        #expect(error("k,a\nx,\"1\n") == .tableSyntax(path: "t.csv", line: 2, column: 2, reason: "quoted field is not closed before the end of the file"))
        #expect(error("k,a\nx,1\"2\n")?.description.hasPrefix("t.csv: line 2, column 2: a double quote inside an unquoted field") == true)
        #expect(error("k,a\n\"x\"y,1\n")?.description.hasPrefix("t.csv: line 2, column 1: unexpected character after the closing quote") == true)
        #expect(error("") == .tableEmpty(path: "t.csv", reason: "the table is empty (expected a header row and at least one data row)"))
        #expect(error("k,a\n") == .tableEmpty(path: "t.csv", reason: "the table has a header row but no data rows"))
        #expect(error("k,a\n,1\n") == .tableLabel(path: "t.csv", line: 2, column: 1, reason: "empty row label"))
        // Labels longer than the container format stores are refused where they are, not when writing.
        let long = String(repeating: "é", count: 2049)  // 4098 bytes
        #expect(error("k,a\nx,1\n\(long),2\n") == .tableLabel(path: "t.csv", line: 3, column: 1,
                                                          reason: "row label of 4098 bytes; labels are at most 4096"))
        #expect(error("k,a,\(long)\nx,1,2\n") == .tableLabel(path: "t.csv", line: 1, column: 3,
                                                          reason: "column label of 4098 bytes; labels are at most 4096"))
        #expect(error("\(long),a\nx,1\n") == .tableLabel(path: "t.csv", line: 1, column: 1,
                                                      reason: "label column name of 4098 bytes; labels are at most 4096"))
        #expect((try? parse("k,a\n\(String(repeating: "y", count: 4096)),1\n")) != nil)
    }

    @Test("a # line of one field before the header is a comment; a header whose first label starts with # is kept")
    func commentLines() throws {
        let decrypted = try parse("# contributors (2): a b\n#second comment\nk,x,y\nr1,1,2\n")
        #expect(decrypted.rowHeader == "k")
        #expect(decrypted.rowLabels == ["r1"])
        let hashHeader = try parse("#diagnosis,cases,controls\nasthma,12,30\ncopd,1,2\n")
        #expect(hashHeader.rowHeader == "#diagnosis")
        #expect(hashHeader.columnLabels == ["cases", "controls"])
        #expect(hashHeader.rowLabels == ["asthma", "copd"])
        #expect(hashHeader.values == [12, 30, 1, 2])
    }

    @Test("decrypted totals written as CSV read back to the same table")
    func totalsRoundTrip() throws {
        let layout = SlotLayout(slotsPerCiphertext: 8, slotBits: 60, slotCapacity: 1 << 40)
        let schema = TableSchema(shape: TableShape(rowHeader: "group, age", rowLabels: ["a", "#b", "c\"d"],
                                                   columnLabels: ["x", "y"], encoding: .fixedPoint(scale: 3)),
                                 layout: layout)
        let totals = DecryptedTotals(schema: schema, values: [1, -2, 3000, 4, 5, 6], contributors: ["s1", "s2"],
                                     scheme: .paillier, publicKeyFingerprint: Fingerprint(sha256Of: [0]))
        let csv = TotalsWriter.csv(totals)
        #expect(csv.hasPrefix("# contributors (2): s1 s2\n\"group, age\",x,y\n"))
        let back = try CountTableReader.parse(Array(csv.utf8), path: "totals.csv", encoding: .fixedPoint(scale: 3),
                                              maxValue: 1000, hints: encryptHints)
        #expect(back == totals.table)
        let json = TotalsWriter.json(totals)
        #expect(json.contains("\"contributors\": [\"s1\", \"s2\"]"))
        #expect(json.contains("{\"label\": \"c\\\"d\", \"values\": [0.005, 0.006]}"))
    }
}

@Suite("JSON strings")
struct JSONStringTests {
    @Test("control characters, DEL and C1 controls are escaped")
    func escapes() {
        #expect(jsonString("tab\there \u{1b}[31m \u{9b}31m \u{7f}") == "\"tab\\there \\u001b[31m \\u009b31m \\u007f\"")
    }
}
