import ArgumentParser
import Foundation
import Governance
import HEFiles
import Privacy

// `he-cli audit`: the decryption log's entries, its verification, and inclusion proofs (docs/GOVERNANCE.md).

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show and verify the decryption log, and prove that a release was logged (key holder, auditors, sites).",
        discussion: """
        Example:
          he-cli audit show --log releases.helog
          he-cli audit head --log releases.helog --out head-2026-12.sth
          he-cli audit verify --log releases.helog --log-key log-key/signing.pub --head head-2026-12.sth
          he-cli audit prove --log releases.helog --entry 3 --out entry-3.proof
          he-cli audit check-proof --proof entry-3.proof --log-key log-key/signing.pub
        """,
        subcommands: [Show.self, Head.self, Verify.self, Prove.self, CheckProof.self]
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every entry of the log (text or JSON lines).")

        @Option(help: "The decryption log.", completion: .file()) var log: String
        @Option(help: "Output format: text or json (one entry per line, as logged).") var format: StatisticsFormat = .text
        @Option(help: "The delta of the (epsilon, delta) equivalent of each study's privacy spending (text format; default 1e-6, below 1/n for studies of up to a million people).")
        var delta: Double = 1e-6

        func validate() throws {
            guard delta > 0, delta < 1 else { throw ValidationError("--delta must be between 0 and 1 (exclusive), got \(delta)") }
        }

        func run() throws {
            try reportingErrors {
                let (entries, contents) = try AuditFiles.entries(logPath: log)
                for (e, bytes) in zip(entries, contents.entries) {
                    if format == .json { print(String(decoding: bytes, as: UTF8.self)); continue }
                    guard let r = e.record else { print("\(e.index)  DAMAGED: \(terminalSafe(e.problem ?? ""))"); continue }
                    var line = "\(e.index)  \(r.time)  \(r.outcome.rawValue)  \(r.command)  by \(terminalSafe(r.analyst))"
                    line += "  sites \(r.sites.count)\(r.sitesVerified ? " verified" : " unverified"): \(terminalSafe(r.sites.joined(separator: ", ")))"
                    if let study = r.study { line += "  study \(terminalSafe(study)) v\(r.manifestVersion ?? 0)" }
                    let withheld = r.suppressed.values.reduce(0, +)
                    if withheld > 0 { line += "  withheld \(withheld)" }
                    for o in r.outputs { line += "  \(terminalSafe(o.name)) \(o.sha256.prefix(16))..." }
                    if let repeatOf = r.repeatOf { line += "  (repeat of \(repeatOf))" }
                    if let refusal = r.refusal { line += "  REFUSED: \(terminalSafe(refusal))" }
                    print(line)
                }
                if format == .text {
                    print("\(entries.count) entr\(entries.count == 1 ? "y" : "ies")"
                          + (contents.latestHead.map { ", tree head of size \($0.head.size), root \($0.head.root.hex)" } ?? ""))
                    if let torn = contents.tornTail { print("interrupted append after the last tree head (not logged): \(torn)") }
                    for line in try privacyLines(contents.entries) { print(line) }
                }
            }
        }

        /// One paragraph per study with a privacy budget or differentially private releases.
        func privacyLines(_ entries: [[UInt8]]) throws -> [String] {
            var lines: [String] = []
            for s in try PrivacySpending.studies(entries) where s.budget != nil || !s.releases.isEmpty {
                lines.append("privacy budget of study \(terminalSafe(s.study)) (zCDP rho): budget \(s.budget?.description ?? "none"), "
                             + "spent \(s.spent) in \(s.releases.count) release(s)"
                             + (s.releases.isEmpty ? "" : " (entries \(s.releases.map(String.init).joined(separator: ", ")))")
                             + (s.remaining.map { ", remaining \($0)" } ?? "")
                             + (s.refusals > 0 ? "; \(s.refusals) differentially private request(s) refused" : ""))
                let spentEpsilon = s.spent.signum > 0 ? ((try? ApproximateDP.epsilon(rho: s.spent.doubleValue, delta: delta)) ?? .nan) : 0
                var equivalent = "  as (epsilon, delta) with delta \(delta): spent epsilon \(formatted(spentEpsilon))"
                if let budget = s.budget {
                    equivalent += ", budget epsilon \(formatted((try? ApproximateDP.epsilon(rho: budget.doubleValue, delta: delta)) ?? .nan))"
                }
                lines.append(equivalent)
                if let remaining = s.remaining, remaining.signum < 0 {
                    lines.append("  OVERSPENT: the releases spent more than the study's latest budget")
                }
            }
            return lines
        }

        func formatted(_ x: Double) -> String { String(format: "%.6g", x) }
    }

    struct Head: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save the log's latest signed tree head, for a later `audit verify --head` (detects truncation and rewriting).")

        @Option(help: "The decryption log.", completion: .file()) var log: String
        @Option(help: "Output file (144 bytes).", completion: .file()) var out: String

        func run() throws {
            try reportingErrors {
                try refuseOutputsReplacingInputs(outputs: [out], inputs: [log])
                let head = try AuditFiles.saveHead(logPath: log, to: out)
                print("saved the tree head of size \(head.head.size), root \(head.head.root.hex), to \(out)")
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify every hash, root and signature, consistency with a saved head, and the release rules over the history.")

        @Option(help: "The decryption log.", completion: .file()) var log: String
        @Option(name: .customLong("log-key"), help: "The log's public key (signing.pub).", completion: .file()) var logKey: String
        @Option(help: "A tree head saved earlier with `audit head`.", completion: .file()) var head: String?

        func run() throws {
            try reportingErrors {
                let report = try AuditFiles.verify(logPath: log, publicKeyPath: logKey, savedHeadPath: head)
                for p in report.problems { print("PROBLEM \(terminalSafe(p))") }
                if let torn = report.tornTail { print("note: interrupted append after the last tree head (not logged): \(torn)") }
                guard report.isValid else {
                    Console.error("\(log): \(report.problems.count) problem(s)")
                    throw ExitCode(ExitCodes.input)
                }
                print("ok \(log): \(report.entryCount) entries, every hash, signature and release rule verifies"
                      + (head != nil ? "; consistent with \(head!)" : ""))
            }
        }
    }

    struct Prove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the inclusion proof of one entry against the latest tree head.")

        @Option(help: "The decryption log.", completion: .file()) var log: String
        @Option(help: "The entry's number (as `audit show` and release receipts give it).") var entry: UInt64
        @Option(help: "Output proof file (JSON).", completion: .file()) var out: String

        func run() throws {
            try reportingErrors {
                try refuseOutputsReplacingInputs(outputs: [out], inputs: [log])
                let proof = try AuditFiles.prove(logPath: log, entry: entry, to: out)
                print("wrote the proof of entry \(entry) in the tree of size \(proof.signedHead.head.size) to \(out)")
            }
        }
    }

    struct CheckProof: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-proof",
            abstract: "Check an inclusion proof with only the log's public key; print the release it proves.")

        @Option(help: "The proof file from `audit prove`.", completion: .file()) var proof: String
        @Option(name: .customLong("log-key"), help: "The log's public key (signing.pub).", completion: .file()) var logKey: String

        func run() throws {
            try reportingErrors {
                let (p, r) = try AuditFiles.checkProof(proof, publicKeyPath: logKey)
                print("ok: entry \(p.proof.leafIndex) is in the log whose tree head of size \(p.signedHead.head.size) is signed by the log key")
                print("  \(r.outcome.rawValue) \(r.command) at \(r.time) by \(terminalSafe(r.analyst)), sites \(terminalSafe(r.sites.joined(separator: ", ")))")
                for o in r.outputs { print("  output \(terminalSafe(o.name)) sha256 \(o.sha256)") }
            }
        }
    }
}
