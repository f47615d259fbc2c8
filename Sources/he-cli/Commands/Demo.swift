import ArgumentParser
import EncryptedStats
import Foundation

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the whole three-role flow on built-in example tables and check the totals.",
        discussion: """
        In a temporary folder: the key holder generates keys, four hospitals each encrypt their own table of diagnoses by outcome, an aggregator sums the encrypted files, and the key holder decrypts the total. The decrypted totals are printed next to the plaintext sums (which only this demo can compute, since it plays every role). Exits with code 80 if any total differs.

        Example:
          he-cli demo
          he-cli demo --scheme paillier --keep demo-files/
        """
    )

    @Option(help: "Scheme to run: paillier or bfv (default: every scheme in this build).")
    var scheme: SchemeID?

    @Option(help: "Keep the files in DIR/<scheme> (created; must not exist yet) instead of a temporary folder.",
            completion: .directory)
    var keep: String?

    @OptionGroup var common: CommonOptions

    static let columns = ["recovered", "readmitted", "died"]
    static let rows = ["pneumonia", "heart failure", "stroke", "sepsis", "hip fracture"]
    static let sites: [(id: String, counts: [[Int64]])] = [
        ("st-marys", [[120, 14, 9], [88, 21, 12], [64, 10, 15], [40, 8, 11], [75, 6, 3]]),
        ("city-general", [[210, 30, 17], [140, 33, 20], [97, 12, 19], [66, 15, 22], [101, 9, 5]]),
        ("royal-infirmary", [[95, 11, 6], [70, 18, 9], [58, 7, 12], [31, 5, 9], [60, 4, 2]]),
        ("northfield", [[43, 5, 2], [29, 7, 4], [22, 3, 6], [15, 2, 4], [27, 1, 1]]),
    ]

    func run() throws {
        try reportingErrors {
            let schemes = scheme.map { [$0] } ?? SchemeRegistry.availableSchemes
            var allMatch = true
            for s in schemes {
                allMatch = try runFlow(s) && allMatch
            }
            if !allMatch { throw ExitCode(ExitCodes.crypto) }
        }
    }

    private func say(_ line: String) { if !common.quiet { print(line) } }

    /// Creates `path` (mode 0700), reporting a failure as an unwritable output (exit 74) with the system's reason.
    private static func makeDirectory(_ path: String, parents: Bool) throws(EncryptedStatsError) {
        if parents {
            var prefix = path.hasPrefix("/") ? "" : "."
            for component in path.split(separator: "/") {
                prefix += "/" + component
                if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                    throw .fileUnwritable(path: path, reason: errnoDescription())
                }
            }
            var st = stat()
            guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
                throw .fileUnwritable(path: path, reason: String(cString: strerror(ENOTDIR)))
            }
        } else if mkdir(path, 0o700) != 0 {
            throw .fileUnwritable(path: path, reason: errnoDescription())
        }
    }

    private func runFlow(_ scheme: SchemeID) throws -> Bool {
        let fm = FileManager.default
        let dir: String
        if let keep {
            dir = (keep as NSString).appendingPathComponent(scheme.description)
            guard !fm.fileExists(atPath: dir) else { throw EncryptedStatsError.outputExists(path: dir) }
            try Self.makeDirectory(dir, parents: true)
        } else {
            // The temporary folder itself must exist: a missing TMPDIR is reported, not created.
            dir = fm.temporaryDirectory.appendingPathComponent("he-cli-demo-\(UUID().uuidString)").path
            try Self.makeDirectory(dir, parents: false)
        }
        defer { if keep == nil { try? fm.removeItem(atPath: dir) } }
        func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }

        say("== \(scheme): three-role flow in \(dir)")
        let start = Date()
        let keys = try SchemeRegistry.generateKeys(scheme: scheme, options: KeyGenerationOptions(warn: false))
        try KeyFiles.writeSecret(keys, to: path(KeyFiles.secretKeyName))
        try KeyFiles.writePublic(keys, to: path(KeyFiles.publicKeyName))
        say("key holder:  generated keys, fingerprint \(keys.publicKeyFingerprint.hex.prefix(16))...")

        let publicKey = try KeyFiles.readPublic(path(KeyFiles.publicKeyName))
        var siteFiles: [String] = []
        for site in Self.sites {
            var csv = "diagnosis," + Self.columns.joined(separator: ",") + "\n"
            for (label, counts) in zip(Self.rows, site.counts) {
                csv += label + "," + counts.map(String.init).joined(separator: ",") + "\n"
            }
            let csvPath = path("\(site.id).csv")
            try Data(csv.utf8).write(to: URL(fileURLWithPath: csvPath))
            let table = try CountTableReader.read(path: csvPath, encoding: .count, maxValue: 100_000)
            let out = path("\(site.id).he")
            try EncryptedTableFiles.encrypt(table, bound: 100_000, site: site.id, keys: publicKey, to: out)
            siteFiles.append(out)
            say("site:        \(site.id) encrypted \(Self.rows.count)x\(Self.columns.count) counts -> \(site.id).he (\(try fileSize(out)) bytes)")
        }
        let total = path("total.he")
        try EncryptedTableFiles.aggregate(inputs: siteFiles, to: total)
        say("aggregator:  summed \(siteFiles.count) encrypted files -> total.he, without any key")

        let secret = try KeyFiles.readSecret(path(KeyFiles.secretKeyName))
        let totals = try EncryptedTableFiles.decrypt(total, keys: secret, keyPath: path(KeyFiles.secretKeyName))
        try TotalsWriter.write(totals, format: .csv, to: path("totals.csv"))
        say("key holder:  decrypted total.he -> totals.csv (sites: \(totals.contributors.joined(separator: ", ")))")
        say("")

        var match = true
        let labelWidth = max(Self.rows.map(\.count).max()!, 9)
        say("diagnosis".padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "  "
            + Self.columns.map { $0.leftPad(22) }.joined())
        for (i, label) in Self.rows.enumerated() {
            var line = label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "  "
            for j in Self.columns.indices {
                let plain = Self.sites.reduce(Int64(0)) { $0 + $1.counts[i][j] }
                let decrypted = totals.values[i * Self.columns.count + j]
                match = match && plain == decrypted
                line += "\(decrypted) (plain \(plain))\(plain == decrypted ? " ok" : " MISMATCH")".leftPad(22)
            }
            say(line)
        }
        say(String(format: "\n%@ %@ in %.1f s\n", scheme.description,
                   match ? "totals equal the plaintext sums" : "TOTALS DIFFER FROM THE PLAINTEXT SUMS",
                   Date().timeIntervalSince(start)))
        if !match { Console.error("\(scheme): decrypted totals differ from the plaintext sums") }
        return match
    }
}

extension String {
    func leftPad(_ width: Int) -> String {
        count >= width ? " " + self : String(repeating: " ", count: width - count) + self
    }
}
