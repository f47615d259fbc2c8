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
        // Everything is done in functions of their own, so that the parsed command, any error and the message are
        // released before the process exits (LeakSanitizer, which the test suite runs he-cli under, reports what
        // is still allocated at exit).
        Glibc.exit(runAndReport())
    }

    /// Runs the command, prints what there is to print and returns the exit code.
    private static func runAndReport() -> Int32 {
        let (code, message, toStandardOutput) = outcome()
        if let message {
            if toStandardOutput { print(message) } else { FileHandle.standardError.write(Data(message.utf8)) }
        }
        return code
    }

    /// The exit code and what to print (on standard output for help, version and completion scripts).
    private static func outcome() -> (code: Int32, message: String?, toStandardOutput: Bool) {
        do {
            var command = try parseAsRoot()
            try command.run()
            return (0, nil, false)
        } catch {
            let code = exitCode(for: error)
            let text = fullMessage(for: error)
            if code == .success { return (0, text.isEmpty ? nil : text, true) }
            // An error of a command body was already reported (its ExitCode carries no message).
            guard !text.isEmpty else { return (code.rawValue, nil, false) }
            let body = text.hasPrefix("Error: ") ? String(text.dropFirst("Error: ".count)) : text
            let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { terminalSafe(String($0)) }
            return (code.rawValue, "he-cli: error: " + lines.joined(separator: "\n") + "\n", false)
        }
    }
}
