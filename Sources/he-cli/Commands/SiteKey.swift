import ArgumentParser
import Governance
import HEFiles

struct SiteKey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site-key",
        abstract: "Ed25519 signing keys of sites and of the study coordinator.",
        subcommands: [Generate.self]
    )

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a signing key pair: DIR/signing.key (secret, mode 0600) and DIR/signing.pub.",
            discussion: """
            A site sends signing.pub to the coordinator, who adds it to the study manifest (he-cli study add-site). The coordinator uses the same command for its own key and announces the printed fingerprint out of band. Existing files are never replaced.

            Example:
              he-cli site-key generate --out st-marys-signing
              he-cli site-key generate --out coordinator
            """
        )

        @Option(help: "Folder for signing.key and signing.pub (created if missing).", completion: .directory)
        var out: String

        @OptionGroup var common: CommonOptions

        func run() throws {
            try reportingErrors {
                let key = try SigningKeyFiles.generate(in: out)
                print("wrote \(out)/\(SigningKeyFiles.secretFileName) (secret, mode 0600) and \(out)/\(SigningKeyFiles.publicFileName)")
                print("  public-key fingerprint (SHA-256): \(key.fingerprint.hex)")
            }
        }
    }
}
