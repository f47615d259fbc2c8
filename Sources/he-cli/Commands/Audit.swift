import ArgumentParser
import Foundation
import Governance
import HEFiles

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
                }
            }
        }
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
