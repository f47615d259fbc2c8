import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

/// `HE_THREADS=1` against all cores through the built `he-cli`: aggregates are byte-identical, and site files
/// encrypted on one thread or on all cores decrypt to the same totals.
@Suite("he-cli results do not depend on the thread count")
struct CLIConcurrencyDeterminismTests {
    static let oneThread: [String: String?] = ["HE_THREADS": "1"]
    static let allCores: [String: String?] = ["HE_THREADS": nil]

    @Test("aggregates are byte-identical and decrypt to the same totals on 1 thread and all cores",
          arguments: schemesUnderTest)
    func sameResults(scheme: SchemeID) throws {
        let keys = SharedKeys.for(scheme)
        let dir = Scratch()
        var g = SystemRandomNumberGenerator()
        // 100 x 30 values: about 40 Paillier ciphertexts per file at 2048 bits, enough for the DJN table (built
        // on all cores) and for a decryption that splits its CRT halves over two threads.
        let tables = (0 ..< 3).map { _ in RandomTable.make(rows: 100, columns: 30, max: 1000, using: &g) }
        let runs = [("one", Self.oneThread), ("all", Self.allCores)]
        for (name, environment) in runs {
            for (i, t) in tables.enumerated() {
                dir.write(t.csv, to: "site\(i).csv")
                let r = try dir.run(environment: environment, "encrypt", "--public-key", keys.publicKey, "--site",
                                    "site-\(i)", "--in", "site\(i).csv", "--out", "\(name)-site\(i).he",
                                    "--max-value", "1000", "--quiet")
                try #require(r.status == 0, "\(r.stderr)")
            }
        }
        // The same inputs aggregated with one thread and with all cores: the same bytes.
        let inputs = (0 ..< 3).map { "one-site\($0).he" }
        for (name, environment) in runs {
            let r = try dir.run(environment: environment, ["aggregate", "--quiet", "--out", "total-\(name).he"] + inputs)
            try #require(r.status == 0, "\(r.stderr)")
        }
        let one = try Data(contentsOf: URL(fileURLWithPath: dir.file("total-one.he")))
        let all = try Data(contentsOf: URL(fileURLWithPath: dir.file("total-all.he")))
        #expect(one == all, "aggregates differ between HE_THREADS=1 and all cores")
        // Site files encrypted on all cores, aggregated and decrypted on all cores, against everything on one
        // thread: the same totals file, equal to the plaintext sums.
        let parallelInputs = (0 ..< 3).map { "all-site\($0).he" }
        let agg = try dir.run(environment: Self.allCores, ["aggregate", "--quiet", "--out", "parallel.he"] + parallelInputs)
        try #require(agg.status == 0, "\(agg.stderr)")
        let decryptions = [("total-one.he", Self.oneThread, "one.csv"), ("total-one.he", Self.allCores, "one-all.csv"),
                           ("parallel.he", Self.allCores, "parallel.csv"), ("parallel.he", Self.oneThread, "parallel-one.csv")]
        var texts: [String] = []
        for (input, environment, output) in decryptions {
            let d = try dir.run(environment: environment, "decrypt", "--secret-key", keys.secretKey, "--in", input,
                                "--out", output, "--quiet")
            try #require(d.status == 0, "\(d.stderr)")
            texts.append(try String(contentsOfFile: dir.file(output), encoding: .utf8))
        }
        for t in texts.dropFirst() { #expect(t == texts[0]) }
        let expected = (0 ..< 100).map { r in (0 ..< 30).map { c in tables.reduce(0) { $0 + $1.values[r][c] } } }
        #expect(parseTotals(texts[0]).values == expected)
    }

    @Test("HE_THREADS that is not a positive integer is a usage error", arguments: ["0", "-2", "many", ""])
    func invalidThreadCount(value: String) throws {
        let keys = SharedKeys.for(.paillier)
        let dir = Scratch()
        dir.write("label,a\nx,1\n", to: "t.csv")
        let r = try dir.run(environment: ["HE_THREADS": value], "encrypt", "--public-key", keys.publicKey, "--site", "s",
                            "--in", "t.csv", "--out", "t.he", "--quiet")
        #expect(r.status == 64)
        #expect(r.stderr.contains("HE_THREADS must be a positive integer"), "\(r.stderr)")
        #expect(!dir.exists("t.he"))
    }
}
