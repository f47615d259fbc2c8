import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

// The bad-input matrix: every kind of damaged, wrong, missing or conflicting input that a site, an aggregator or a
// key holder can hand to `he-cli`, run against the built binary. Each case checks the message (file and reason,
// and line or field where there is one), the documented exit code, and, through `expectRefusal`, that the scratch
// directory is unchanged afterwards: no output, no temporary file, every input and existing output byte-identical.
// It is one file of some 750 lines on purpose: one table of cases over one set of fixtures, read as a whole.

/// One bad input: how to prepare it in a copy of the template directory, the command, and what must be reported.
struct BadInput: Sendable, CustomTestStringConvertible {
    typealias Args = [String]
    var name: String
    var setup: @Sendable (Scratch) throws -> Void = { _ in }
    var args: [String]
    var code: Int32
    var message: [String]
    var testDescription: String { name }
}

/// Good files every case starts from, made once per test run: keys of both schemes and of a second Paillier key
/// pair, a count table with site files and an aggregate, files with another schema, a duplicate site and bounds
/// that overflow together, and a small GWAS site (VCF, phenotypes, panel, encrypted counts).
private enum MatrixTemplate {
    static let table = "diagnosis,cases,controls\nasthma,12,30\ncopd,4,19\n"
    static let vcf = """
    ##fileformat=VCFv4.2
    ##contig=<ID=1>
    ##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
    #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ta\tb\tc\td

    """
    static let vcfRecords = "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0/0\t0/1\t1/1\t./.\n1\t200\trs2\tT\tC\t.\t.\t.\tGT\t0/1\t0/0\t0/0\t0/1\n"
    static let panelHeader = "CHR\tPOS\tID\tREF\tALT\n"
    static let panel = panelHeader + "1\t100\trs1\tA\tG\n1\t200\trs2\tT\tC\n"
    static let pheno = "a\t2\nb\t1\nc\t2\nd\t1\n"

    static let directory: Scratch = {
        let dir = Scratch()
        func copy(_ from: String, _ to: String) {
            do { try FileManager.default.copyItem(atPath: from, toPath: dir.file(to)) } catch {
                preconditionFailure("cannot copy \(from): \(error)")
            }
        }
        func run(_ args: String...) {
            let r = try? dir.run(args + ["--quiet"])
            precondition(r?.status == 0, "template: he-cli \(args.joined(separator: " ")) failed: \(r?.stderr ?? "")")
        }
        let paillier = SharedKeys.for(.paillier), other = SharedKeys.otherPaillier, bfv = SharedKeys.for(.bfv)
        copy(paillier.publicKey, "pub.hekey")
        copy(paillier.secretKey, "sec.hekey")
        copy(other.publicKey, "other-pub.hekey")
        copy(other.secretKey, "other-sec.hekey")
        copy(bfv.publicKey, "bfv-pub.hekey")
        copy(bfv.secretKey, "bfv-sec.hekey")
        try? FileManager.default.createDirectory(atPath: dir.file("folder"), withIntermediateDirectories: false)
        try? FileManager.default.createDirectory(atPath: dir.file("keys"), withIntermediateDirectories: false)
        copy(paillier.publicKey, "keys/public.hekey")
        copy(paillier.secretKey, "keys/secret.hekey")
        dir.write(table, to: "t.csv")
        dir.write(table.replacingOccurrences(of: "controls", with: "Controls"), to: "t2.csv")
        run("encrypt", "--public-key", "pub.hekey", "--site", "a", "--in", "t.csv", "--out", "a.he")
        run("encrypt", "--public-key", "pub.hekey", "--site", "b", "--in", "t.csv", "--out", "b.he")
        run("encrypt", "--public-key", "pub.hekey", "--site", "a", "--in", "t.csv", "--out", "a2.he")
        run("encrypt", "--public-key", "pub.hekey", "--site", "c", "--in", "t2.csv", "--out", "s2.he")
        run("encrypt", "--public-key", "other-pub.hekey", "--site", "o", "--in", "t.csv", "--out", "o.he")
        run("encrypt", "--public-key", "bfv-pub.hekey", "--site", "c", "--in", "t.csv", "--out", "c.he")
        run("aggregate", "--out", "ab.he", "a.he", "b.he")
        // Two site files whose declared bounds are each over half a slot: fine alone, an overflow together.
        guard let capacity = try? ContainerReader.readHeader(dir.file("a.he")).schema?.layout.slotCapacity else {
            preconditionFailure("template: a.he has no schema")
        }
        let half = String(capacity / 2 + 1)
        run("encrypt", "--public-key", "pub.hekey", "--site", "d", "--in", "t.csv", "--out", "big1.he", "--max-value", half)
        run("encrypt", "--public-key", "pub.hekey", "--site", "e", "--in", "t.csv", "--out", "big2.he", "--max-value", half)
        dir.write(vcf + vcfRecords, to: "tiny.vcf")
        dir.write(pheno, to: "tiny.pheno")
        dir.write(panel, to: "panel.tsv")
        run("gwas", "encrypt", "--vcf", "tiny.vcf", "--pheno", "tiny.pheno", "--panel", "panel.tsv", "--site", "north",
            "--public-key", "pub.hekey", "--out", "g.he")
        return dir
    }()

    /// A fresh scratch directory holding a copy of the template (secret keys keep mode 0600).
    static func copy() throws -> Scratch {
        let dir = Scratch()
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            try FileManager.default.copyItem(atPath: directory.file(name), toPath: dir.file(name))
        }
        for key in ["sec.hekey", "other-sec.hekey", "bfv-sec.hekey", "keys/secret.hekey"] {
            chmod(dir.file(key), 0o600)
        }
        return dir
    }
}

// MARK: - Building the cases

private func writes(_ text: String, to name: String) -> @Sendable (Scratch) throws -> Void {
    { dir in dir.write(text, to: name) }
}

private func writesBytes(_ bytes: [UInt8], to name: String) -> @Sendable (Scratch) throws -> Void {
    { dir in try Data(bytes).write(to: URL(fileURLWithPath: dir.file(name))) }
}

private func all(_ steps: (@Sendable (Scratch) throws -> Void)...) -> @Sendable (Scratch) throws -> Void {
    { dir in for step in steps { try step(dir) } }
}

/// An existing output that a refused command must leave as it was.
private let existingOutput = writes("previous output, must survive\n", to: "out.he")

/// Where in a container a damage case cuts or flips a byte.
private enum Spot: String, CaseIterable, Sendable {
    case header = "inside the header"
    case headerDigest = "inside the header checksum"
    case payload = "inside the payload"
    case lastByte = "at the last byte"

    func offset(in bytes: [UInt8]) -> Int {
        let headerLength = Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16 | Int(bytes[15]) << 24
        switch self {
        case .header: return 16 + headerLength / 2
        case .headerDigest: return 16 + headerLength + 16
        case .payload:
            // The middle of the first chunk's bytes (after its 4-byte length prefix).
            let start = 16 + headerLength + 32
            let length = Int(bytes[start]) | Int(bytes[start + 1]) << 8 | Int(bytes[start + 2]) << 16
                | Int(bytes[start + 3]) << 24
            return start + 4 + length / 2
        case .lastByte: return bytes.count - 1
        }
    }

    var truncationMessage: String {
        switch self {
        case .header, .headerDigest: "file is truncated: header and header checksum needs"
        case .payload, .lastByte: "file is truncated: payload and checksum needs"
        }
    }

    var flipMessage: String {
        switch self {
        case .header, .headerDigest: "header checksum mismatch (the header is damaged or was modified)"
        case .payload, .lastByte: "SHA-256 checksum mismatch (the file is damaged or was modified)"
        }
    }
}

/// A copy of `source` as `name`, edited by `edit` (secret keys keep mode 0600 so that the damage is what is found).
private func damaged(_ source: String, as name: String,
                     _ edit: @escaping @Sendable ([UInt8]) -> [UInt8]) -> @Sendable (Scratch) throws -> Void {
    { dir in
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.file(source))))
        try Data(edit(bytes)).write(to: URL(fileURLWithPath: dir.file(name)))
        chmod(dir.file(name), 0o600)
    }
}

/// A copy of `source` as `name` with its header or chunks changed and both checksums recomputed: damage that a
/// checksum cannot reveal (a faulty or dishonest writer), which the payload checks must catch.
private func rewritten(_ source: String, as name: String,
                       _ edit: @escaping @Sendable (inout ContainerHeader, inout [[UInt8]]) -> Void)
    -> @Sendable (Scratch) throws -> Void {
    { dir in
        let reader = try ContainerReader(path: dir.file(source))
        var chunks = try reader.readAllChunks()
        var header = reader.header
        edit(&header, &chunks)
        try ContainerWriter.write(header: header, chunks: chunks, to: dir.file(name))
    }
}

/// The five container kinds, each with the command that reads a damaged copy named `bad.he`.
private let containerKinds: [(kind: String, source: String, args: [String])] = [
    ("public key", "pub.hekey", ["encrypt", "--public-key", "bad.he", "--site", "z", "--in", "t.csv", "--out", "out.he"]),
    ("secret key", "sec.hekey", ["decrypt", "--secret-key", "bad.he", "--in", "ab.he", "--out", "out.csv"]),
    ("encrypted site table", "a.he", ["aggregate", "--out", "out.he", "b.he", "bad.he"]),
    ("encrypted aggregate", "ab.he", ["decrypt", "--secret-key", "sec.hekey", "--in", "bad.he", "--out", "out.csv"]),
    ("GWAS genotype counts", "g.he", ["gwas", "report", "--secret-key", "sec.hekey", "--in", "bad.he", "--out", "rep"]),
]

private let damageCases: [BadInput] = containerKinds.flatMap { kind in
    Spot.allCases.flatMap { spot in
        [
            BadInput(name: "\(kind.kind) truncated \(spot.rawValue)",
                     setup: damaged(kind.source, as: "bad.he") { Array($0.prefix(spot.offset(in: $0))) },
                     args: kind.args, code: 65, message: ["bad.he: " + spot.truncationMessage]),
            BadInput(name: "\(kind.kind) with a bit flipped \(spot.rawValue)",
                     setup: damaged(kind.source, as: "bad.he") { b in
                         var b = b
                         b[spot.offset(in: b)] ^= 0x10
                         return b
                     },
                     args: kind.args, code: 65, message: ["bad.he: " + spot.flipMessage]),
        ]
    }
}

private let containerCases: [BadInput] = [
    BadInput(name: "wrong magic", setup: damaged("a.he", as: "bad.he") { [0x89, 0x50] + $0.dropFirst(2) },
             args: ["aggregate", "--out", "out.he", "b.he", "bad.he"], code: 65,
             message: ["bad.he: not an he-toolkit container (the file does not start with the container magic bytes)"]),
    BadInput(name: "unsupported container version",
             setup: damaged("pub.hekey", as: "bad.he") { b in var b = b; b[8] = 4; return b },
             args: ["encrypt", "--public-key", "bad.he", "--site", "z", "--in", "t.csv", "--out", "out.he"], code: 65,
             message: ["bad.he: container format version 4 is not supported (this build reads versions up to 3)"]),
    BadInput(name: "damaged length prefix of a payload chunk",
             setup: damaged("sec.hekey", as: "bad.he") { b in
                 // The secret key's second chunk: its length prefix follows the first chunk (the public key).
                 var b = b
                 let headerLength = Int(b[12]) | Int(b[13]) << 8 | Int(b[14]) << 16 | Int(b[15]) << 24
                 let first = 16 + headerLength + 32
                 let second = first + 4 + (Int(b[first]) | Int(b[first + 1]) << 8)
                 b[second + 1] = 0xFF  // at least 65,280 bytes: more than the file holds
                 return b
             },
             args: ["decrypt", "--secret-key", "bad.he", "--in", "ab.he", "--out", "out.csv"], code: 65,
             message: ["bad.he: payload chunk 2: its length prefix says", "(the file is damaged or was modified)"]),
    BadInput(name: "Paillier ciphertext outside the modulus, with valid checksums",
             setup: rewritten("a.he", as: "bad.he") { _, chunks in chunks = chunks.map { [UInt8](repeating: 0xFF, count: $0.count) } },
             args: ["aggregate", "--out", "out.he", "b.he", "bad.he"], code: 65,
             message: ["bad.he: payload chunk 1: invalid Paillier ciphertext: value is not below n^2"]),
    BadInput(name: "BFV ciphertext of the wrong length, with valid checksums",
             setup: rewritten("c.he", as: "bad.he") { _, chunks in chunks = chunks.map { Array($0.prefix($0.count / 2)) } },
             args: ["decrypt", "--secret-key", "bfv-sec.hekey", "--in", "bad.he", "--out", "out.csv"], code: 65,
             message: ["bad.he: payload chunk 1: "]),
    BadInput(name: "decrypted values beyond the declared bound, with valid checksums",
             setup: rewritten("ab.he", as: "bad.he") { header, _ in header.valueBound = 1 },
             args: ["decrypt", "--secret-key", "sec.hekey", "--in", "bad.he", "--out", "out.csv"], code: 65,
             message: ["bad.he: payload chunk 1: the plaintext does not decode as packed slots: slot 0 holds 24, above 1, the most the declared bounds allow"]),
    BadInput(name: "inspect of a truncated file", setup: damaged("ab.he", as: "bad.he") { Array($0.dropLast(40)) },
             args: ["inspect", "bad.he"], code: 65, message: ["bad.he: file is truncated: payload and checksum needs"]),
    BadInput(name: "inspect of a table", args: ["inspect", "t.csv"], code: 65, message: ["t.csv: not an he-toolkit container"]),
    BadInput(name: "bytes after the end of the container", setup: damaged("ab.he", as: "bad.he") { $0 + [0] },
             args: ["decrypt", "--secret-key", "sec.hekey", "--in", "bad.he", "--out", "out.csv"], code: 65,
             message: ["bad.he: 1 unexpected bytes after the end of the container"]),
    BadInput(name: "empty container file", setup: writes("", to: "empty.he"),
             args: ["aggregate", "--out", "out.he", "a.he", "empty.he"], code: 65,
             message: ["empty.he: the file is empty (0 bytes); expected an he-toolkit container"]),
    BadInput(name: "CSV given as an encrypted file", setup: existingOutput,
             args: ["aggregate", "--out", "out.he", "a.he", "t.csv"], code: 65,
             message: ["t.csv: not an he-toolkit container"]),
    BadInput(name: "secret key of the other scheme",
             args: ["decrypt", "--secret-key", "bfv-sec.hekey", "--in", "ab.he", "--out", "out.csv"], code: 80,
             message: ["ab.he was encrypted with paillier but bfv-sec.hekey holds a bfv key"]),
    BadInput(name: "files of both schemes aggregated", setup: existingOutput,
             args: ["aggregate", "--out", "out.he", "a.he", "c.he"], code: 65,
             message: ["a.he and c.he cannot be combined: different schemes (paillier vs bfv)"]),
    BadInput(name: "aggregate checked against a public key of the other scheme",
             args: ["aggregate", "--public-key", "bfv-pub.hekey", "--out", "out.he", "a.he"], code: 80,
             message: ["a.he was not encrypted under the key in bfv-pub.hekey"]),
    BadInput(name: "secret key of another key pair",
             args: ["decrypt", "--secret-key", "other-sec.hekey", "--in", "ab.he", "--out", "out.csv"], code: 80,
             message: ["ab.he was not encrypted under the key in other-sec.hekey (public-key fingerprints differ)"]),
    BadInput(name: "GWAS report with the secret key of another key pair",
             args: ["gwas", "report", "--secret-key", "other-sec.hekey", "--in", "g.he", "--out", "rep"], code: 80,
             message: ["g.he was not encrypted under the key in other-sec.hekey"]),
    BadInput(name: "site files under different keys",
             args: ["aggregate", "--out", "out.he", "a.he", "o.he"], code: 65,
             message: ["a.he and o.he cannot be combined: encrypted under different public keys"]),
    BadInput(name: "secret key given as the public key", setup: existingOutput,
             args: ["encrypt", "--public-key", "sec.hekey", "--site", "z", "--in", "t.csv", "--out", "out.he"], code: 65,
             message: ["sec.hekey: expected a public key but the file holds a secret key"]),
    BadInput(name: "secret key given as the public key to gwas encrypt",
             args: ["gwas", "encrypt", "--vcf", "tiny.vcf", "--pheno", "tiny.pheno", "--panel", "panel.tsv",
                    "--site", "z", "--public-key", "sec.hekey", "--out", "out.he"], code: 65,
             message: ["sec.hekey: expected a public key but the file holds a secret key"]),
    BadInput(name: "public key given as the secret key",
             args: ["decrypt", "--secret-key", "pub.hekey", "--in", "ab.he", "--out", "out.csv"], code: 65,
             message: ["pub.hekey: expected a secret key but the file holds a public key"]),
    BadInput(name: "public key given as the secret key to gwas report",
             args: ["gwas", "report", "--secret-key", "pub.hekey", "--in", "g.he", "--out", "rep"], code: 65,
             message: ["pub.hekey: expected a secret key but the file holds a public key"]),
    BadInput(name: "site file given as the public key",
             args: ["encrypt", "--public-key", "a.he", "--site", "z", "--in", "t.csv", "--out", "out.he"], code: 65,
             message: ["a.he: expected a public key but the file holds an encrypted site table"]),
    BadInput(name: "public key given as a site file",
             args: ["aggregate", "--out", "out.he", "a.he", "pub.hekey"], code: 65,
             message: ["pub.hekey: expected an encrypted site table or aggregate but the file holds a public key"]),
    BadInput(name: "site files with different schemas", setup: existingOutput,
             args: ["aggregate", "--out", "out.he", "a.he", "s2.he"], code: 65,
             message: ["a.he and s2.he cannot be combined: different table schemas: column label 2 differs: 'controls' vs 'Controls'"]),
    BadInput(name: "the same site twice",
             args: ["aggregate", "--out", "out.he", "a.he", "a2.he"], code: 65,
             message: ["site 'a' contributes to both a.he and a2.he; summing them would count its data twice"]),
    BadInput(name: "the same file twice",
             args: ["aggregate", "--out", "out.he", "a.he", "b.he", "a.he"], code: 65,
             message: ["site 'a' contributes to both a.he and a.he"]),
    BadInput(name: "a site again beside an aggregate that holds it",
             args: ["aggregate", "--out", "out.he", "ab.he", "b.he"], code: 65,
             message: ["site 'b' contributes to both ab.he and b.he"]),
    BadInput(name: "declared bounds that overflow a slot", setup: existingOutput,
             args: ["aggregate", "--out", "out.he", "big1.he", "big2.he"], code: 65,
             message: ["summing big1.he, big2.he could overflow a slot: the declared value bounds add up to"]),
    BadInput(name: "GWAS counts aggregated with a count table",
             args: ["aggregate", "--out", "out.he", "g.he", "a.he"], code: 65,
             message: ["g.he and a.he cannot be combined", "table kinds differ (gwasGenotypeCounts vs countTable)"]),
    BadInput(name: "GWAS report of a count table",
             args: ["gwas", "report", "--secret-key", "sec.hekey", "--in", "ab.he", "--out", "rep"], code: 65,
             message: ["ab.he: expected encrypted GWAS genotype counts (from he-cli gwas encrypt) but the file holds a countTable"]),
    BadInput(name: "secret key readable by others (0644)", setup: { dir in chmod(dir.file("sec.hekey"), 0o644) },
             args: ["decrypt", "--secret-key", "sec.hekey", "--in", "ab.he", "--out", "out.csv"], code: 77,
             message: ["sec.hekey: secret key file is accessible by other users (mode 0644); run: chmod 600 sec.hekey"]),
    BadInput(name: "secret key readable by the group (0640), GWAS report",
             setup: { dir in chmod(dir.file("sec.hekey"), 0o640) },
             args: ["gwas", "report", "--secret-key", "sec.hekey", "--in", "g.he", "--out", "rep"], code: 77,
             message: ["sec.hekey: secret key file is accessible by other users (mode 0640); run: chmod 600 sec.hekey"]),
]

// MARK: Count tables (CSV)

private let encryptBad = ["encrypt", "--public-key", "pub.hekey", "--site", "z", "--in", "bad.csv", "--out", "out.he"]

private func csvCase(_ name: String, _ csv: String, _ message: String, code: Int32 = 65,
                     extra: [String] = []) -> BadInput {
    BadInput(name: "CSV: " + name, setup: all(writes(csv, to: "bad.csv"), existingOutput), args: encryptBad + extra,
             code: code, message: [message])
}

private func csvBytesCase(_ name: String, _ bytes: [UInt8], _ message: String) -> BadInput {
    BadInput(name: "CSV: " + name, setup: all(writesBytes(bytes, to: "bad.csv"), existingOutput), args: encryptBad,
             code: 65, message: [message])
}

private let header = "diagnosis,cases,controls\n"

private let csvCases: [BadInput] = [
    csvCase("negative count", header + "asthma,12,-3\n",
            "bad.csv: line 2, column 3 ('controls'): found '-3', expected a non-negative integer count (negative values need --value-type signed)"),
    csvCase("non-integer count", header + "asthma,1.5,3\n",
            "bad.csv: line 2, column 2 ('cases'): found '1.5', expected a non-negative integer count (decimals need --value-type decimal with --scale)"),
    csvCase("text in a cell", header + "asthma,12,30\ncopd,4,x19\n",
            "bad.csv: line 3, column 3 ('controls'): found 'x19', expected a non-negative integer count"),
    csvCase("count beyond UInt64", header + "asthma,99999999999999999999999,3\n",
            "bad.csv: line 2, column 2 ('cases'): found '99999999999999999999999', expected a non-negative integer count of at most 1000000000 in absolute value (--max-value)"),
    csvCase("count beyond the declared bound", header + "asthma,2000,3\n",
            "bad.csv: line 2, column 2 ('cases'): found '2000', expected a non-negative integer count of at most 1000 in absolute value (--max-value)",
            extra: ["--max-value", "1000"]),
    csvCase("signed value beyond Int64", header + "asthma,-9223372036854775809,3\n",
            "bad.csv: line 2, column 2 ('cases'): found '-9223372036854775809', expected an integer of at most",
            extra: ["--value-type", "signed"]),
    csvCase("too many decimal places", header + "asthma,1.25,3\n",
            "bad.csv: line 2, column 2 ('cases'): found '1.25', expected a decimal number with at most 1 decimal places (found 2 decimal places; raise --scale or round the data)",
            extra: ["--value-type", "decimal", "--scale", "1"]),
    csvCase("empty cell", header + "asthma,,3\n",
            "bad.csv: line 2, column 2 ('cases'): found '', expected a non-negative integer count (the cell is empty)"),
    csvCase("blank cell", header + "asthma,12, \n",
            "bad.csv: line 2, column 3 ('controls'): found ' ', expected a non-negative integer count (the cell is empty)"),
    csvCase("exponent notation", header + "asthma,1e3,3\n",
            "bad.csv: line 2, column 2 ('cases'): found '1e3', expected a non-negative integer count written out in full (no exponent notation)"),
    csvCase("digit group separator", header + "asthma,\"1,000\",3\n",
            "bad.csv: line 2, column 2 ('cases'): found '1,000', expected a non-negative integer count without digit group separators"),
    csvCase("row with too few fields", header + "asthma,12,30\ncopd,4\n",
            "bad.csv: line 3: expected 3 fields like the header row, found 2"),
    csvCase("row with too many fields", header + "asthma,12,30,7\n",
            "bad.csv: line 2: expected 3 fields like the header row, found 4"),
    csvCase("duplicate row label", header + "asthma,12,30\nasthma,4,19\n",
            "bad.csv: line 3, column 1: row label 'asthma' repeats the row on line 2"),
    csvCase("duplicate column label", "diagnosis,cases,cases\nasthma,12,30\n",
            "bad.csv: line 1, column 3: column label 'cases' repeats column 2"),
    csvCase("empty column label", "diagnosis,cases,\nasthma,12,30\n",
            "bad.csv: line 1, column 3: empty column label in the header row"),
    csvCase("empty row label", header + ",12,30\n", "bad.csv: line 2, column 1: empty row label"),
    csvCase("quoted field never closed", header + "\"asthma,12,30\n",
            "bad.csv: line 2, column 1: quoted field is not closed before the end of the file"),
    csvCase("stray double quote", header + "asth\"ma,12,30\n",
            "bad.csv: line 2, column 1: a double quote inside an unquoted field"),
    csvCase("header row only", header, "bad.csv: the table has a header row but no data rows"),
    csvCase("label column only", "diagnosis\nasthma\n",
            "bad.csv: line 1: the header row needs a label column and at least one value column"),
    csvCase("semicolon-separated spreadsheet export", "diagnosis;cases;controls\nasthma;12;30\n",
            "bad.csv: line 1: the header row needs a label column and at least one value column; it is separated by "
            + "semicolons, but tables are comma-separated (CSV)"),
    csvCase("tab-separated table", "diagnosis\tcases\tcontrols\nasthma\t12\t30\n",
            "bad.csv: line 1: the header row needs a label column and at least one value column; it is separated by "
            + "tabs, but tables are comma-separated (CSV)"),
    csvCase("empty file", "", "bad.csv: the table is empty (expected a header row and at least one data row)"),
    csvBytesCase("byte-order mark and nothing else", [0xEF, 0xBB, 0xBF],
                 "bad.csv: the table is empty (expected a header row and at least one data row)"),
    // The byte-order mark is skipped: line and column numbers and the labels are those of the text after it.
    csvBytesCase("byte-order mark before a bad cell", [0xEF, 0xBB, 0xBF] + Array((header + "asthma,12,30\ncopd,x,19\n").utf8),
                 "bad.csv: line 3, column 2 ('cases'): found 'x', expected a non-negative integer count"),
    csvBytesCase("invalid UTF-8 in a cell", Array((header + "asthma,").utf8) + [0xFF, 0x31] + Array(",30\n".utf8),
                 "bad.csv: line 2, column 2: field is not valid UTF-8"),
    csvBytesCase("invalid UTF-8 in a label", Array("diagnosis,cases,contr".utf8) + [0xC3, 0x28] + Array("ls\nasthma,1,2\n".utf8),
                 "bad.csv: line 1, column 3: field is not valid UTF-8"),
    csvBytesCase("UTF-16 text (Excel 'Unicode Text')",
                 [0xFF, 0xFE] + Array(header.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] },
                 "bad.csv: line 1, column 1: the file is UTF-16 little-endian text, not UTF-8"),
]

private let optionCases: [BadInput] = [
    BadInput(name: "--max-value beyond UInt64", setup: existingOutput,
             args: ["encrypt", "--public-key", "pub.hekey", "--site", "z", "--in", "t.csv", "--out", "out.he",
                    "--max-value", "99999999999999999999"], code: 64,
             message: ["The value '99999999999999999999' is invalid for '--max-value <max-value>'"]),
    BadInput(name: "--max-value beyond the key's slots",
             args: ["encrypt", "--public-key", "pub.hekey", "--site", "z", "--in", "t.csv", "--out", "out.he",
                    "--max-value", "9223372036854775808"], code: 64,
             message: ["--max-value: 9223372036854775808 does not fit this key's slots"]),
    BadInput(name: "--max-value 0",
             args: ["encrypt", "--public-key", "pub.hekey", "--site", "z", "--in", "t.csv", "--out", "out.he",
                    "--max-value", "0"], code: 64, message: ["--max-value must be at least 1"]),
    BadInput(name: "invalid site ID",
             args: ["encrypt", "--public-key", "pub.hekey", "--site", "st marys", "--in", "t.csv", "--out", "out.he"],
             code: 64, message: ["invalid --site 'st marys'"]),
]

// MARK: Missing files, folders, outputs

private let fileCases: [BadInput] = [
    BadInput(name: "output is a symbolic link (to a device)",
             setup: { dir in try FileManager.default.createSymbolicLink(atPath: dir.file("out.he"), withDestinationPath: "/dev/null") },
             args: ["encrypt", "--public-key", "pub.hekey", "--site", "z", "--in", "t.csv", "--out", "out.he"],
             code: 64, message: ["out.he: is a symbolic link; outputs are written beside the destination and renamed into place"]),
    BadInput(name: "output is a character device",
             args: ["export", "--public-key", "pub.hekey", "--out", "/dev/null"],
             code: 64, message: ["/dev/null: is a character device; outputs are written beside the destination"]),
    BadInput(name: "a device given as a site file",
             args: ["aggregate", "--out", "out.he", "a.he", "/dev/null"],
             code: 66, message: ["/dev/null: cannot read: is not a regular file (a pipe or a device)"]),
    BadInput(name: "a report file is a folder",
             setup: { dir in try FileManager.default.createDirectory(atPath: dir.file("rep.frq"), withIntermediateDirectories: false) },
             args: ["gwas", "report", "--secret-key", "sec.hekey", "--in", "g.he", "--out", "rep", "--assoc", "--freq"],
             code: 74, message: ["rep.frq: cannot write: Is a directory"]),
    BadInput(name: "missing table", setup: existingOutput,
             args: ["encrypt", "--public-key", "pub.hekey", "--site", "z", "--in", "missing.csv", "--out", "out.he"],
             code: 66, message: ["missing.csv: cannot read: No such file or directory"]),
    BadInput(name: "folder given as the table",
             args: ["encrypt", "--public-key", "pub.hekey", "--site", "z", "--in", "folder", "--out", "out.he"],
             code: 66, message: ["folder: cannot read: is a directory"]),
    BadInput(name: "missing public key",
             args: ["encrypt", "--public-key", "missing.hekey", "--site", "z", "--in", "t.csv", "--out", "out.he"],
             code: 66, message: ["missing.hekey: cannot read: No such file or directory"]),
    BadInput(name: "folder given as the secret key",
             args: ["decrypt", "--secret-key", "folder", "--in", "ab.he", "--out", "out.csv"],
             code: 66, message: ["folder: cannot read: is a directory"]),
    BadInput(name: "missing secret key",
             args: ["decrypt", "--secret-key", "missing.hekey", "--in", "ab.he", "--out", "out.csv"],
             code: 66, message: ["missing.hekey: cannot read: No such file or directory"]),
    BadInput(name: "missing site file",
             args: ["aggregate", "--out", "out.he", "a.he", "missing.he"],
             code: 66, message: ["missing.he: cannot read: No such file or directory"]),
    BadInput(name: "folder given as a site file",
             args: ["aggregate", "--out", "out.he", "a.he", "folder"], code: 66,
             message: ["folder: cannot read: is a directory"]),
    BadInput(name: "output folder does not exist",
             args: ["encrypt", "--public-key", "pub.hekey", "--site", "z", "--in", "t.csv", "--out", "no-such-folder/out.he"],
             code: 74, message: ["no-such-folder/out.he: cannot write: No such file or directory"]),
    BadInput(name: "output folder is a file",
             args: ["aggregate", "--out", "t.csv/out.he", "a.he", "b.he"],
             code: 74, message: ["t.csv/out.he: cannot write: Not a directory"]),
    BadInput(name: "output is a folder",
             args: ["decrypt", "--secret-key", "sec.hekey", "--in", "ab.he", "--out", "folder"],
             code: 74, message: ["folder: cannot write: Is a directory"]),
    BadInput(name: "output is the input table",
             args: ["encrypt", "--public-key", "pub.hekey", "--site", "z", "--in", "t.csv", "--out", "t.csv"],
             code: 64, message: ["t.csv: is both an input and the output; writing the output would destroy the input"]),
    BadInput(name: "output is one of the aggregated files",
             args: ["aggregate", "--out", "a.he", "a.he", "b.he"],
             code: 64, message: ["a.he: is both an input and the output"]),
    BadInput(name: "output is the secret key",
             args: ["decrypt", "--secret-key", "sec.hekey", "--in", "ab.he", "--out", "sec.hekey"],
             code: 64, message: ["sec.hekey: is both an input and the output"]),
    BadInput(name: "output is the input under another spelling",
             args: ["decrypt", "--secret-key", "sec.hekey", "--in", "ab.he", "--out", "./ab.he"],
             code: 64, message: ["./ab.he: is the same file as the input ab.he"]),
    BadInput(name: "output is a symbolic link to an input",
             setup: { dir in try FileManager.default.createSymbolicLink(atPath: dir.file("link.he"), withDestinationPath: "a.he") },
             args: ["aggregate", "--out", "link.he", "a.he", "b.he"],
             code: 64, message: ["link.he: is the same file as the input a.he"]),
    BadInput(name: "output is the panel",
             args: ["gwas", "encrypt", "--vcf", "tiny.vcf", "--pheno", "tiny.pheno", "--panel", "panel.tsv",
                    "--site", "z", "--public-key", "pub.hekey", "--out", "panel.tsv"],
             code: 64, message: ["panel.tsv: is both an input and the output"]),
    BadInput(name: "a report file is the input",
             setup: { dir in try FileManager.default.copyItem(atPath: dir.file("g.he"), toPath: dir.file("rep.frq")) },
             args: ["gwas", "report", "--secret-key", "sec.hekey", "--in", "rep.frq", "--out", "rep", "--freq"],
             code: 64, message: ["rep.frq: is both an input and the output"]),
    BadInput(name: "exported key written over its source",
             args: ["export", "--secret-key", "sec.hekey", "--out", "sec.hekey"],
             code: 64, message: ["sec.hekey: is both an input and the output"]),
    BadInput(name: "key files that already exist",
             args: ["keygen", "--bits", "2048", "--out", "keys"],
             code: 73, message: ["keys/public.hekey: already exists; refusing to overwrite it"]),
    BadInput(name: "exported secret key over an existing file",
             setup: writes("{\"previous\": true}\n", to: "previous.json"),
             args: ["export", "--secret-key", "sec.hekey", "--out", "previous.json"],
             code: 73, message: ["previous.json: already exists; refusing to overwrite it"]),
]

// MARK: GWAS inputs

private func gwasCase(_ name: String, vcf: String = "tiny.vcf", pheno: String = "tiny.pheno",
                      panel: String = "panel.tsv", setup: @escaping @Sendable (Scratch) throws -> Void,
                      code: Int32 = 65, _ message: String) -> BadInput {
    BadInput(name: "GWAS: " + name, setup: all(setup, existingOutput),
             args: ["gwas", "encrypt", "--vcf", vcf, "--pheno", pheno, "--panel", panel, "--site", "z",
                    "--public-key", "pub.hekey", "--out", "out.he"],
             code: code, message: [message])
}

private let vcfHeader = MatrixTemplate.vcf
private let panelHeader = MatrixTemplate.panelHeader

private let gwasCases: [BadInput] = [
    gwasCase("VCF without GT", vcf: "nogt.vcf", setup: writes(
        vcfHeader.replacingOccurrences(of: "ID=GT,Number=1,Type=String", with: "ID=DP,Number=1,Type=Integer")
            + "1\t100\trs1\tA\tG\t.\t.\t.\tDP\t3\t4\t5\t6\n1\t200\trs2\tT\tC\t.\t.\t.\tDP\t5\t6\t7\t8\n", to: "nogt.vcf"),
        "nogt.vcf: none of the 2 records matching the panel has a GT field, so there are no genotypes to count"),
    gwasCase("VCF record with too few sample columns", vcf: "bad.vcf",
             setup: writes(vcfHeader + "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0/0\t0/1\t1/1\n", to: "bad.vcf"),
             "bad.vcf: record 1:100: field columns: expected 4 sample columns, found 3"),
    gwasCase("VCF record with a non-numeric POS", vcf: "bad.vcf",
             setup: writes(vcfHeader + "1\tx\trs1\tA\tG\t.\t.\t.\tGT\t0/0\t0/1\t1/1\t./.\n", to: "bad.vcf"),
             "bad.vcf: record 1: field POS: expected a positive 1-based position, found 'x'"),
    gwasCase("VCF record with a malformed GT", vcf: "bad.vcf",
             setup: writes(vcfHeader + "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0/0\t0/x\t1/1\t./.\n", to: "bad.vcf"),
             "bad.vcf: record 1:100: field GT of sample b: expected alleles (numbers or '.') separated by '/' or '|', found '0/x'"),
    gwasCase("VCF with two records for one panel variant", vcf: "bad.vcf",
             setup: writes(vcfHeader + MatrixTemplate.vcfRecords + MatrixTemplate.vcfRecords, to: "bad.vcf"),
             "bad.vcf: record 1:100: field CHROM/POS/REF/ALT: second record for panel variant rs1"),
    gwasCase("CSV given as the VCF", vcf: "t.csv", setup: { _ in },
             "t.csv: VCF/BCF header: not a VCF or BCF file (expected VCF text, bgzipped VCF or BCF)"),
    gwasCase("empty VCF", vcf: "empty.vcf", setup: writes("", to: "empty.vcf"),
             "empty.vcf: the file is empty (0 bytes); expected a VCF or BCF file"),
    gwasCase("missing VCF", vcf: "missing.vcf", setup: { _ in }, code: 66,
             "missing.vcf: cannot read: No such file or directory"),
    gwasCase("folder given as the VCF", vcf: "folder", setup: { _ in }, code: 66, "folder: cannot read: is a directory"),
    gwasCase("phenotype file with only unknown samples", pheno: "bad.pheno", setup: writes("x\t2\ny\t1\n", to: "bad.pheno"),
             "tiny.vcf: no VCF sample has a line in bad.pheno, so there is nothing to count"),
    gwasCase("phenotype value outside 1/2/0/-9/NA", pheno: "bad.pheno", setup: writes("a\t2\nb\t3\n", to: "bad.pheno"),
             "bad.pheno:2: field PHENO: expected 2 (case), 1 (control), or 0, -9, NA (missing), found '3'"),
    gwasCase("phenotype written as a word", pheno: "bad.pheno",
             setup: writes("FID\tIID\tPHENO\nf\ta\t2\nf\tb\tcontrol\n", to: "bad.pheno"),
             "bad.pheno:3: field PHENO: expected 2 (case), 1 (control), or 0, -9, NA (missing), found 'control'"),
    gwasCase("phenotype file naming a sample twice", pheno: "bad.pheno", setup: writes("a\t2\nb\t1\na\t1\n", to: "bad.pheno"),
             "bad.pheno:3: field sample: 'a' already appears on line 1; expected each sample once"),
    gwasCase("phenotype line with a missing column", pheno: "bad.pheno", setup: writes("a\t2\nb\n", to: "bad.pheno"),
             "bad.pheno:2: field columns: expected 2 columns like the first data line"),
    gwasCase("empty phenotype file", pheno: "bad.pheno", setup: writes("", to: "bad.pheno"),
             "bad.pheno: the file is empty (0 bytes); expected phenotype lines"),
    gwasCase("phenotype file with invalid UTF-8", pheno: "bad.pheno",
             setup: writesBytes(Array("a\t2\n".utf8) + [0x62, 0xFF] + Array("\t1\n".utf8), to: "bad.pheno"),
             "bad.pheno:2: field 1: expected UTF-8 text, found 'b\\xFF'"),
    gwasCase("missing phenotype file", pheno: "missing.pheno", setup: { _ in }, code: 66,
             "missing.pheno: cannot read: No such file or directory"),
    gwasCase("panel with a duplicate ID", panel: "bad.tsv",
             setup: writes(panelHeader + "1\t100\trs1\tA\tG\n1\t200\trs1\tT\tC\n", to: "bad.tsv"),
             "bad.tsv:3: field ID: 'rs1' already appears on line 2; expected each ID once"),
    gwasCase("panel listing a variant twice (alleles swapped)", panel: "bad.tsv",
             setup: writes(panelHeader + "1\t100\trs1\tA\tG\n1\t100\trs9\tG\tA\n", to: "bad.tsv"),
             "bad.tsv:3: field CHR:POS:REF:ALT: '1:100:G:A' already appears on line 2"),
    gwasCase("panel on an unknown chromosome", panel: "bad.tsv",
             setup: writes(panelHeader + "1\t100\trs1\tA\tG\nchrUn_gl000220\t200\trs2\tT\tC\n", to: "bad.tsv"),
             "bad.tsv:3: field CHR: expected an autosome 1-22, X or XY (optionally 'chr'-prefixed; Y and MT are not analysed: without each sample's sex PLINK's results there cannot be reproduced), found 'chrUn_gl000220'"),
    gwasCase("panel on chromosome Y", panel: "bad.tsv",
             setup: writes(panelHeader + "Y\t100\trs1\tA\tG\n", to: "bad.tsv"),
             "bad.tsv:2: field CHR: expected an autosome 1-22, X or XY"),
    gwasCase("panel with a non-numeric POS", panel: "bad.tsv",
             setup: writes(panelHeader + "1\t100\trs1\tA\tG\n1\tabc\trs2\tT\tC\n", to: "bad.tsv"),
             "bad.tsv:3: field POS: expected a positive integer below 2^40, found 'abc'"),
    gwasCase("panel with REF equal to ALT", panel: "bad.tsv", setup: writes(panelHeader + "1\t100\trs1\tA\tA\n", to: "bad.tsv"),
             "bad.tsv:2: field ALT: expected an allele different from REF, found 'A'"),
    gwasCase("panel with a symbolic allele", panel: "bad.tsv",
             setup: writes(panelHeader + "1\t100\trs1\tA\t<DEL>\n", to: "bad.tsv"),
             "bad.tsv:2: field ALT: expected a non-empty string of A, C, G, T, N (or '.'), found '<DEL>'"),
    gwasCase("panel line with four columns", panel: "bad.tsv", setup: writes(panelHeader + "1\t100\trs1\tA\n", to: "bad.tsv"),
             "bad.tsv:2: field columns: expected 5 columns CHR POS ID REF ALT"),
    gwasCase("panel with a header and no variants", panel: "bad.tsv", setup: writes(panelHeader, to: "bad.tsv"),
             "bad.tsv:1: field variants: expected at least one panel variant, found 'none'"),
    gwasCase("UTF-16 panel", panel: "bad.tsv",
             setup: writesBytes([0xFF, 0xFE] + Array(MatrixTemplate.panel.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] },
                                to: "bad.tsv"),
             "bad.tsv:1: field encoding: expected UTF-8 text, found 'UTF-16 little-endian text (save the file as UTF-8)'"),
    gwasCase("panel with invalid UTF-8 in an ID", panel: "bad.tsv",
             setup: writesBytes(Array((panelHeader + "1\t100\tr").utf8) + [0xFF] + Array("s1\tA\tG\n".utf8), to: "bad.tsv"),
             "bad.tsv:2: field 3: expected UTF-8 text, found 'r\\xFFs1'"),
    gwasCase("missing panel", panel: "missing.tsv", setup: { _ in }, code: 66,
             "missing.tsv: cannot read: No such file or directory"),
]

// MARK: python-paillier JSON and the statistics on decrypted totals

private let tableJSONStart = "{\"format\": \"he-toolkit phe table\", \"version\": 1, \"public_key\": {\"n\": \"AQAB\"}, "
    + "\"row_header\": \"d\", \"columns\": [\"c\"]"
private let tableJSONRows = ", \"rows\": [{\"label\": \"r\", \"values\": [{\"v\": \"1\", \"e\": 0}]}]}"

private func importTable(_ json: String) -> BadInput.Args {
    ["import", "--table", json, "--key", "pub.hekey", "--site", "py", "--out", "out.he"]
}

private let interopCases: [BadInput] = [
    BadInput(name: "CSV given as a python-paillier public key",
             args: ["import", "--public-key", "t.csv", "--out", "out.hekey"], code: 65,
             message: ["t.csv: invalid python-paillier JSON: public key: not valid JSON"]),
    BadInput(name: "python-paillier public key without n",
             setup: writes("{\"kty\": \"DAJ\", \"alg\": \"PAI-GN1\", \"key_ops\": [\"encrypt\"]}", to: "pk.json"),
             args: ["import", "--public-key", "pk.json", "--out", "out.hekey"], code: 65,
             message: ["pk.json: invalid python-paillier JSON: public key: missing field \"n\""]),
    BadInput(name: "python-paillier key that is not UTF-8", setup: writesBytes([0xFF, 0xFE, 0x7B], to: "pk.json"),
             args: ["import", "--public-key", "pk.json", "--out", "out.hekey"], code: 65,
             message: ["pk.json: expected JSON text in UTF-8, found bytes that are not UTF-8"]),
    BadInput(name: "Python site table without rows", setup: all(writes(tableJSONStart + "}", to: "py.json"), existingOutput),
             args: importTable("py.json"), code: 65, message: ["py.json: missing field \"rows\""]),
    BadInput(name: "Python site table of another format",
             setup: writes(tableJSONStart.replacingOccurrences(of: "he-toolkit phe table", with: "other") + tableJSONRows,
                           to: "py.json"),
             args: importTable("py.json"), code: 65,
             message: ["py.json: \"format\" must be \"he-toolkit phe table\" and \"version\" 1"]),
    BadInput(name: "Python site table under another public key",
             setup: all(writes(tableJSONStart + tableJSONRows, to: "py.json"), existingOutput),
             args: importTable("py.json"), code: 65,
             message: ["py.json and pub.hekey cannot be combined: the table was encrypted under another public key"]),
    BadInput(name: "BFV key exported for python-paillier",
             args: ["export", "--public-key", "bfv-pub.hekey", "--out", "out.json"], code: 80,
             message: ["bfv-pub.hekey: only Paillier keys can be used with python-paillier (this key is bfv)"]),
    BadInput(name: "Python site table imported under a BFV key",
             setup: writes(tableJSONStart + tableJSONRows, to: "py.json"),
             args: ["import", "--table", "py.json", "--key", "bfv-pub.hekey", "--site", "py", "--out", "out.he"], code: 80,
             message: ["bfv-pub.hekey: only Paillier keys can be used with python-paillier (this key is bfv)"]),
    BadInput(name: "imported public key over an existing key file",
             setup: { dir in
                 let r = try dir.run("export", "--public-key", "pub.hekey", "--out", "pk.json", "--quiet")
                 try #require(r.status == 0, "\(r.stderr)")
             },
             args: ["import", "--public-key", "pk.json", "--out", "keys/public.hekey"], code: 73,
             message: ["keys/public.hekey: already exists; refusing to overwrite it"]),
    BadInput(name: "chi2 of a table with an empty row",
             setup: writes("exposure,cases,controls\nsmoker,0,0\nnon-smoker,300,420\n", to: "totals.csv"),
             args: ["chi2", "--in", "totals.csv"], code: 65,
             message: ["totals.csv: row 'smoker' sums to 0, so its expected counts are 0"]),
    BadInput(name: "chi2 of a one-column table", setup: writes("exposure,cases\nsmoker,1\nnon-smoker,2\n", to: "totals.csv"),
             args: ["chi2", "--in", "totals.csv"], code: 65,
             message: ["totals.csv: a contingency table needs at least 2 rows and 2 columns"]),
    BadInput(name: "chi2 --yates on a 3 x 2 table",
             setup: writes("exposure,cases,controls\na,1,2\nb,3,4\nc,5,6\n", to: "totals.csv"),
             args: ["chi2", "--in", "totals.csv", "--yates"], code: 65,
             message: ["totals.csv: Yates' continuity correction applies to 2 x 2 tables only; this table is 3 x 2"]),
    BadInput(name: "chi2 of a table with a negative count",
             setup: writes("exposure,cases,controls\na,1,-2\nb,3,4\n", to: "totals.csv"),
             args: ["chi2", "--in", "totals.csv"], code: 65,
             message: ["totals.csv: line 2, column 3 ('controls'): found '-2', expected a non-negative integer count"]),
    BadInput(name: "summary without a sum_squares column",
             setup: writes("variable,count,sum\nbmi,3,75\n", to: "totals.csv"),
             args: ["summary", "--in", "totals.csv"], code: 65,
             message: ["totals.csv: no column 'sum_squares' (the header row needs count, sum and sum_squares; found count, sum)"]),
    BadInput(name: "summary of impossible moments",
             setup: writes("variable,count,sum,sum_squares\nbmi,3,75,10\n", to: "totals.csv"),
             args: ["summary", "--in", "totals.csv"], code: 65,
             message: ["totals.csv: row 'bmi': no 3 real values have this sum and sum of squares"]),
    BadInput(name: "summary of a zero count",
             setup: writes("variable,count,sum,sum_squares\nbmi,0,0,0\n", to: "totals.csv"),
             args: ["summary", "--in", "totals.csv"], code: 65,
             message: ["totals.csv: row 'bmi': mean and variance need at least one observation"]),
]

// MARK: Permissions (only meaningful when file modes are enforced, i.e. not for root)

private func chmodding(_ name: String, _ mode: mode_t) -> @Sendable (Scratch) throws -> Void {
    { dir in chmod(dir.file(name), mode) }
}

private let permissionCases: [BadInput] = [
    BadInput(name: "unreadable table (mode 000)", setup: all(chmodding("t.csv", 0o000), existingOutput),
             args: ["encrypt", "--public-key", "pub.hekey", "--site", "z", "--in", "t.csv", "--out", "out.he"],
             code: 66, message: ["t.csv: cannot read: Permission denied"]),
    BadInput(name: "unreadable public key (mode 000)", setup: chmodding("pub.hekey", 0o000),
             args: ["encrypt", "--public-key", "pub.hekey", "--site", "z", "--in", "t.csv", "--out", "out.he"],
             code: 66, message: ["pub.hekey: cannot read: Permission denied"]),
    BadInput(name: "unreadable secret key (mode 000)", setup: chmodding("sec.hekey", 0o000),
             args: ["decrypt", "--secret-key", "sec.hekey", "--in", "ab.he", "--out", "out.csv"],
             code: 66, message: ["sec.hekey: cannot read: Permission denied"]),
    BadInput(name: "unreadable site file (mode 000)", setup: chmodding("b.he", 0o000),
             args: ["aggregate", "--out", "out.he", "a.he", "b.he"],
             code: 66, message: ["b.he: cannot read: Permission denied"]),
    BadInput(name: "unreadable VCF (mode 000)", setup: chmodding("tiny.vcf", 0o000),
             args: ["gwas", "encrypt", "--vcf", "tiny.vcf", "--pheno", "tiny.pheno", "--panel", "panel.tsv",
                    "--site", "z", "--public-key", "pub.hekey", "--out", "out.he"],
             code: 66, message: ["tiny.vcf: cannot read: Permission denied"]),
    BadInput(name: "read-only output folder (mode 555)", setup: chmodding("folder", 0o555),
             args: ["aggregate", "--out", "folder/out.he", "a.he", "b.he"],
             code: 74, message: ["folder/out.he: cannot write: Permission denied"]),
    BadInput(name: "inaccessible output folder (mode 000)", setup: chmodding("folder", 0o000),
             args: ["decrypt", "--secret-key", "sec.hekey", "--in", "ab.he", "--out", "folder/out.csv"],
             code: 74, message: ["folder/out.csv: cannot write: Permission denied"]),
]

enum BadInputMatrix {
    static let cases: [BadInput] = damageCases + containerCases + csvCases + optionCases + fileCases + gwasCases
        + interopCases
    static let permissions: [BadInput] = permissionCases
}

@Suite("he-cli bad-input matrix")
struct BadInputMatrixTests {
    private func check(_ c: BadInput) throws {
        let dir = try MatrixTemplate.copy()
        defer {
            // Give back permissions a case took away, so that the scratch directory can be removed.
            for name in ["t.csv", "pub.hekey", "b.he", "tiny.vcf"] { chmod(dir.file(name), 0o644) }
            chmod(dir.file("sec.hekey"), 0o600)
            chmod(dir.file("folder"), 0o755)
        }
        try c.setup(dir)
        try expectRefusal(dir, c.args, code: c.code, message: c.message)
    }

    @Test("is refused with its message and exit code, leaving every file as it was", arguments: BadInputMatrix.cases)
    func refusal(_ c: BadInput) throws {
        try check(c)
    }

    @Test("a file the user may not read or a folder it may not write is refused",
          .disabled(if: runningAsRoot, "running as root: file modes do not stop root from reading or writing, so these refusals cannot happen"),
          arguments: BadInputMatrix.permissions)
    func permissionRefusal(_ c: BadInput) throws {
        try check(c)
    }

    @Test("a FIFO given as the output is refused before any work and stays a FIFO")
    func fifoOutput() throws {
        let dir = Scratch()
        dir.write(MatrixTemplate.table, to: "t.csv")
        try #require(mkfifo(dir.file("out.he"), 0o644) == 0)
        let r = try dir.run("encrypt", "--public-key", SharedKeys.for(.bfv).publicKey, "--site", "z", "--in", "t.csv",
                            "--out", "out.he")
        #expect(r.status == 64)
        #expect(r.stderr.contains("out.he: is a FIFO (named pipe); outputs are written beside the destination"), "\(r.stderr)")
        var st = stat()
        #expect(lstat(dir.file("out.he"), &st) == 0 && st.st_mode & S_IFMT == S_IFIFO)
        #expect(dir.listing.sorted() == ["out.he", "t.csv"])
    }

    @Test("the matrix covers at least 40 distinct bad inputs")
    func coverage() {
        let names = (BadInputMatrix.cases + BadInputMatrix.permissions).map(\.name)
        #expect(Set(names).count == names.count, "duplicate case names")
        #expect(names.count >= 40)
    }
}
