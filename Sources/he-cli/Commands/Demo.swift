import ArgumentParser
import EncryptedStats
import Foundation
import GWAS
import HEFiles

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the whole three-role flow on built-in example tables and check the totals.",
        discussion: """
        In a temporary folder: the key holder generates keys, four hospitals each encrypt their own table of diagnoses by outcome, an aggregator sums the encrypted files, and the key holder decrypts the total. The decrypted totals are printed next to the plaintext sums (which only this demo can compute, since it plays every role). Exits with code 80 if any total differs.

        With --parties N, the BFV flow has no key holder: N decryption parties generate the study's key together (each keeps a share, no one holds the secret key), every party verifies the aggregate and the release policy, logs its decryption share in its own log, and the shares are combined into the totals (docs/MULTIPARTY.md).

        Example:
          he-cli demo
          he-cli demo --scheme paillier --keep demo-files/
          he-cli demo --parties 3
        """
    )

    @Option(help: "Scheme to run: paillier or bfv (default: every scheme in this build).")
    var scheme: SchemeID?

    @Option(help: "Keep the files in DIR/<scheme> (created; must not exist yet) instead of a temporary folder.",
            completion: .directory)
    var keep: String?

    @Option(help: "Run the BFV flow with N decryption parties (2 or more, all needed) instead of one key holder.")
    var parties: Int?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let parties {
            if parties < 2 || parties > 100 { throw ValidationError("--parties must be between 2 and 100") }
            if let scheme, scheme != .bfv { throw ValidationError("--parties runs BFV (Paillier keeps a single key holder)") }
        }
    }

    func run() throws {
        try reportingErrors {
            if let parties {
                if !(try runFlow(.bfv, parties: parties)) { throw ExitCode(ExitCodes.crypto) }
                return
            }
            let schemes = scheme.map { [$0] } ?? SchemeRegistry.availableSchemes
            var allMatch = true
            for s in schemes {
                allMatch = try runFlow(s) && allMatch
            }
            if !allMatch { throw ExitCode(ExitCodes.crypto) }
        }
    }

    private func say(_ line: String) { if !common.quiet { print(line) } }

    private func runFlow(_ scheme: SchemeID, parties: Int? = nil) throws -> Bool {
        let fm = FileManager.default
        let dir: String
        if let keep {
            dir = (keep as NSString).appendingPathComponent(scheme.description)
            guard !fm.fileExists(atPath: dir) else { throw HEFilesError.outputExists(path: dir) }
            try Directories.create(dir, parents: true)
        } else {
            dir = fm.temporaryDirectory.appendingPathComponent("he-cli-demo-\(UUID().uuidString)").path
            try Directories.create(dir, parents: false)
        }
        defer { if keep == nil { try? fm.removeItem(atPath: dir) } }

        let start = Date()
        let (rows, columns) = (DemoStudy.rows, DemoStudy.columns)
        let totals: DecryptedTotals
        if let parties {
            say("== \(scheme) with \(parties) decryption parties and no key holder, in \(dir)")
            totals = try DemoStudy.runMultiparty(parties: parties, in: dir) { step in
                switch step {
                case let .studyCreated(file, n):
                    say("coordinator: signed \(file) naming \(n) decryption parties and a fresh common seed")
                case let .keyShared(party, file):
                    say("party:       \(party) drew its key share and published \(file)")
                case let .collectiveKey(fingerprint, limbs, identical):
                    say("parties:     each recombined the collective key \(fingerprint.hex.prefix(16))... "
                        + (identical ? "(byte-identical for all)" : "(DIFFERENT BYTES)") + "; sites keep \(limbs) prime(s)")
                case let .siteEncrypted(site, file, bytes):
                    say("site:        \(site) encrypted and signed \(rows.count)x\(columns.count) counts -> \(file) (\(bytes) bytes)")
                case let .aggregated(files):
                    say("aggregator:  verified and summed \(files) signed files -> total.he, without any key")
                case let .shareIssued(party, file, entry):
                    say("party:       \(party) verified total.he and the policy, logged entry \(entry) of its own log, then wrote \(file)")
                case let .combined(contributors, entry):
                    say("combiner:    combined the shares -> totals.csv (sites: \(contributors.joined(separator: ", ")))"
                        + (entry.map { "; logged as entry \($0)" } ?? ""))
                    say("")
                }
            }
        } else {
        say("== \(scheme): three-role flow in \(dir)")
        totals = try DemoStudy.run(scheme: scheme, in: dir) { step in
            switch step {
            case let .keysGenerated(fingerprint):
                say("key holder:  generated keys, fingerprint \(fingerprint.hex.prefix(16))...")
            case let .studySigned(file, sites, coordinator):
                say("coordinator: signed \(file) naming \(sites) sites' signing keys, key \(coordinator.hex.prefix(16))...")
            case let .siteEncrypted(site, file, bytes):
                say("site:        \(site) encrypted and signed \(rows.count)x\(columns.count) counts -> \(file) (\(bytes) bytes)")
            case let .aggregated(files):
                say("aggregator:  verified and summed \(files) signed files -> total.he, without any key")
            case let .decrypted(contributors, verified):
                say("key holder:  \(verified ? "verified (sum recomputed from the signed files) and " : "")decrypted total.he -> "
                    + "totals.csv (sites: \(contributors.joined(separator: ", ")))")
            case let .logged(log, entry, treeSize):
                say("key holder:  release policy checked; logged as entry \(entry) of \(log) (tree size \(treeSize)) before "
                    + "totals.csv was written")
                say("")
            }
        }
        }
        let plain = DemoStudy.plaintextTotals
        var match = true
        let labelWidth = max(rows.map(\.count).max()!, 9)
        say("diagnosis".padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "  " + columns.map { $0.leftPad(22) }.joined())
        for (i, label) in rows.enumerated() {
            var line = label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "  "
            for j in columns.indices {
                let (p, d) = (plain[i * columns.count + j], totals.values[i * columns.count + j])
                match = match && p == d
                line += "\(d) (plain \(p))\(p == d ? " ok" : " MISMATCH")".leftPad(22)
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
