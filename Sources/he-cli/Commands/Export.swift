import ArgumentParser
import EncryptedStats
import Foundation
import GWAS
import HEFiles

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a Paillier key as python-paillier (phe) JWK JSON.",
        discussion: """
        A Python site encrypts with the exported public key using phe (scripts/phe_encrypt_table.py), and the key holder can bring the result back with `he-cli import --table`. Exporting a secret key writes a 0600 file; keep it as carefully as the key file itself.

        Example:
          he-cli export --public-key keys/public.hekey --out public-phe.json
          he-cli export --secret-key keys/secret.hekey --out private-phe.json
        """
    )

    @Option(name: .customLong("public-key"), help: "Public key file to export.", completion: .file())
    var publicKey: String?

    @Option(name: .customLong("secret-key"), help: "Secret key file to export (mode 0600).", completion: .file())
    var secretKey: String?

    @Option(help: "Output JSON file.", completion: .file(extensions: ["json"]))
    var out: String

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard (publicKey == nil) != (secretKey == nil) else {
            throw ValidationError("give exactly one of --public-key and --secret-key")
        }
    }

    func run() throws {
        try reportingErrors {
            try refuseOutputsReplacingInputs(outputs: [out], inputs: [publicKey, secretKey].compactMap { $0 })
            if let publicKey {
                let keys = try PheInterop.exportKey(from: publicKey, secret: false, to: out)
                if !common.quiet { print("exported the public key \(keys.publicKeyFingerprint.hex.prefix(16))... to \(out)") }
            } else if let secretKey {
                try PheInterop.exportKey(from: secretKey, secret: true, to: out)
                if !common.quiet { print("exported the secret key to \(out) (mode 0600)") }
            }
        }
    }
}
