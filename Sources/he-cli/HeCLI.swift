import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import EncryptedStats
import GWAS
import HEFiles

struct HeCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "he-cli",
        abstract: "Pool statistics across hospitals without pooling patients (Paillier and BFV encryption).",
        discussion: """
        Three roles:
          key holder   he-cli keygen, later he-cli decrypt (the only role with a secret key)
          site         he-cli encrypt (a count table, under the key holder's public key)
          aggregator   he-cli aggregate (sums encrypted files; needs no key)
        Signed studies: he-cli site-key generate, he-cli study init|add-site|remove-site|show|verify, then
          --manifest with encrypt, aggregate, decrypt (docs/CLI.md, "Signed studies").
        Statistics on decrypted totals: he-cli chi2, he-cli summary.
        Encrypted GWAS: he-cli gwas panel (the shared panel), he-cli gwas encrypt (site), he-cli aggregate,
          he-cli gwas report (key holder).
        Try the whole flow on built-in example data:  he-cli demo

        Exit codes:
          0   success
          64  usage error (unknown option, missing argument, invalid option value, an output that is an input or not a regular file)
          65  input data error (bad table cell, damaged, truncated or incompatible file, refused aggregation)
          66  an input file cannot be opened
          73  an output that must not be replaced (a key file) already exists
          74  I/O error while writing an output
          77  a secret key file is readable by other users (run the chmod shown), owned by another user, or a symbolic link
          80  cryptographic error (wrong key for the file, decryption failure, key generation failure)

        Shell completion: he-cli --generate-completion-script bash|zsh|fish
        """,
        version: "he-cli 0.1.0 (container format \(ContainerFormat.version))",
        subcommands: [Keygen.self, Encrypt.self, Aggregate.self, Decrypt.self, Audit.self, Inspect.self, Demo.self,
                      Import.self, Export.self, Chi2.self, SummaryCommand.self, GwasCommand.self, SiteKey.self,
                      Study.self, Party.self]
    )
}

extension HeCLI {
    /// Parses and runs the command like `main()`, but every error, including ArgumentParser's usage errors, is
    /// written with the one prefix `he-cli: error: ` (ArgumentParser's own is `Error: `), followed by its usage
    /// lines. Help, version and completion scripts go to standard output as before.
    static func runReportingErrors() -> Never {
        do {
            var command = try parseAsRoot()
            try command.run()
            Glibc.exit(0)
        } catch {
            let code = exitCode(for: error)
            let text = fullMessage(for: error)
            if code == .success {
                if !text.isEmpty { print(text) }
                Glibc.exit(0)
            }
            if !text.isEmpty {
                // An error of a command body was already reported (its ExitCode carries no message).
                let body = text.hasPrefix("Error: ") ? String(text.dropFirst("Error: ".count)) : text
                let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { terminalSafe(String($0)) }
                FileHandle.standardError.write(Data(("he-cli: error: " + lines.joined(separator: "\n") + "\n").utf8))
            }
            Glibc.exit(code.rawValue)
        }
    }
}
