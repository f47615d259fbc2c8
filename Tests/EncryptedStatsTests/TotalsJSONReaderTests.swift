import EncryptedStats
import Foundation
import HEFiles
import Testing

@Suite("Decrypted totals JSON: the parser and its CSV records")
struct TotalsJSONReaderTests {
    private func parse(_ text: String) throws -> JSONNode { try JSONParser.parse(Array(text.utf8), path: "t.json") }

    private func syntaxError(_ text: String) -> (line: Int, column: Int, reason: String)? {
        do {
            _ = try parse(text)
            return nil
        } catch let EncryptedStatsError.tableSyntax(_, line, column, reason) {
            return (line, column, reason)
        } catch {
            return nil
        }
    }

    @Test("strings, escapes, numbers and nesting as RFC 8259 has them; numbers keep their text")
    func values() throws {
        // A byte-order mark first, then the object.
        let node = try parse("\u{FEFF} {\"a\": [1, -0.50, 2e3, true, false, null], \"s\": \"x\\\"\\\\\\/\\n\\t\\u00e9\\ud83d\\ude00\"}\n")
        guard case let .array(items, _, _)? = node["a"] else { Issue.record("no array: \(node)"); return }
        let texts = items.map { item -> String in
            switch item {
            case let .number(t, _, _): t
            case let .bool(b, _, _): "\(b)"
            case .null: "null"
            default: "?"
            }
        }
        #expect(texts == ["1", "-0.50", "2e3", "true", "false", "null"])
        guard case let .string(s, line, column)? = node["s"] else { Issue.record("no string"); return }
        #expect(s == "x\"\\/\n\t\u{e9}\u{1F600}")
        #expect(line == 1 && column == 49, "\(line):\(column)")  // columns count from after the byte-order mark
    }

    @Test("malformed JSON is refused with the line and column of the problem")
    func refusals() {
        let cases: [(String, Int, Int, String)] = [
            ("{\"a\": 01}", 1, 7, "a number with a leading zero"),
            ("{\"a\": 1.}", 1, 9, "digits must follow the decimal point"),
            ("{\"a\": 1,\n \"a\": 2}", 2, 7, "member \"a\" appears twice"),
            ("{\"a\": \"x\ny\"}", 1, 9, "a control character inside a string"),
            ("{\"a\": \"\\ud800\"}", 1, 14, "an unpaired surrogate escape"),
            ("{\"a\": \"\\q\"}", 1, 10, "an unknown escape"),
            ("{\"a\": [1, 2}", 1, 12, "expected ',' or ']' in an array"),
            ("{\"a\": 1} x", 1, 10, "text after the end of the JSON value"),
            ("{\"a\": tru}", 1, 7, "expected a value"),
            (String(repeating: "[", count: 70) + String(repeating: "]", count: 70), 1, 65, "nested more than 64 levels deep"),
        ]
        for (text, line, column, reason) in cases {
            let e = syntaxError(text)
            #expect(e?.line == line && e?.column == column && e?.reason.hasPrefix("JSON: " + reason) == true,
                    "\(text): \(String(describing: e))")
        }
    }

    @Test("what TotalsWriter.json writes reads back as the records of the CSV it writes")
    func roundTrip() throws {
        let shape = TableShape(rowHeader: "g", rowLabels: ["x \"quoted\"", "=formula", "\u{1b}esc"], columnLabels: ["a", "b"],
                               encoding: .fixedPoint(scale: 2))
        let schema = TableSchema(shape: shape, layout: SlotLayout(slotsPerCiphertext: 8, slotBits: 40, slotCapacity: 1 << 39))
        let totals = DecryptedTotals(schema: schema, values: [1, -250, 30000, 4, 5, 6], contributors: ["s1", "s2"],
                                     scheme: .paillier, publicKeyFingerprint: Fingerprint(sha256Of: [UInt8]("key".utf8)))
        let records = try TotalsJSONReader.records(Array(TotalsWriter.json(totals).utf8), path: "t.json")
        #expect(records.map { $0.fields.map(\.text) } == [["g", "a", "b"], ["x \"quoted\"", "0.01", "-2.50"],
                                                           ["=formula", "300.00", "0.04"], ["\u{1b}esc", "0.05", "0.06"]])
        #expect(TotalsJSONReader.looksLikeJSON(Array(" \n{".utf8)) && !TotalsJSONReader.looksLikeJSON(Array("g,a\n".utf8)))
    }
}
