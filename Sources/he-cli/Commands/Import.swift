import ArgumentParser
import EncryptedStats
import Foundation
import GWAS
import HEFiles

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import python-paillier (phe) keys or a Python site's encrypted table.",
        discussion: """
        Keys: a phe public JWK becomes a public key file, a phe private JWK a secret key file (0600). Tables: the JSON written by scripts/phe_encrypt_table.py (one phe ciphertext per cell) becomes a packed site file that aggregates with every other site file under the same key. The cells are encrypted, so their bound is the Python site's declaration: the table's max_value (scripts/phe_encrypt_table.py --max-value, checked against every cell there), in table units like he-cli encrypt --max-value.

        Example:
          he-cli import --public-key public-phe.json --out keys/public.hekey
          he-cli import --table python-site.json --key keys/public.hekey --site python-lab --out python-lab.he
          he-cli import --table python-site.json --key keys/public.hekey --site python-lab --out python-lab.he --manifest study.hem --signing-key python-lab/signing.key
        """
    )

    @Option(name: .customLong("public-key"), help: "phe public key JSON to import.", completion: .file())
    var publicKey: String?

    @Option(name: .customLong("secret-key"), help: "phe private key JSON to import (mode 0600).", completion: .file())
    var secretKey: String?

    @Option(help: "Encrypted table JSON from a Python site.", completion: .file())
    var table: String?

    @Option(help: "Public key file the table was encrypted under (with --table).", completion: .file())
    var key: String?

    @Option(help: "Site ID of the Python site (with --table).")
    var site: String?

    @Option(name: .customLong("max-value"),
            help: "With --table: the Python site's largest absolute cell value in table units, for a table without max_value (default as for he-cli encrypt); must equal max_value when the table has one.")
    var maxValue: UInt64?

    @Option(help: "Output file.", completion: .file())
    var out: String

    @OptionGroup var signing: SigningOptions

    @OptionGroup var common: CommonOptions

    func validate() throws {
        let given = [publicKey, secretKey, table].compactMap { $0 }.count
        guard given == 1 else { throw ValidationError("give exactly one of --public-key, --secret-key and --table") }
        if table != nil {
            guard key != nil, site != nil else { throw ValidationError("--table needs --key and --site") }
        } else if maxValue != nil {
            throw ValidationError("--max-value applies to --table only")
        }
        if let maxValue, maxValue == 0 { throw ValidationError("--max-value must be at least 1") }
        if table == nil && signing.signingKey != nil { throw ValidationError("--manifest and --signing-key apply to --table only") }
    }

    func run() throws {
        try reportingErrors {
            try refuseOutputsReplacingInputs(outputs: [out], inputs: [publicKey, secretKey, table, key].compactMap { $0 } + signing.paths)
            if let publicKey {
                let keys = try PheInterop.importKey(from: publicKey, secret: false, to: out)
                warnBelow128Bits(keys)
                if !common.quiet { print("imported public key \(keys.publicKeyFingerprint) into \(out)") }
            } else if let secretKey {
                let keys = try PheInterop.importKey(from: secretKey, secret: true, to: out)
                warnBelow128Bits(keys)
                if !common.quiet { print("imported the secret key of \(keys.publicKeyFingerprint) into \(out) (mode 0600)") }
            } else if let table, let key, let site {
                let header = try PheInterop.importTable(from: table, publicKeyPath: key, site: site, maxValue: maxValue,
                                                        to: out, signing: signing.signing)
                if !common.quiet {
                    let s = header.schema!
                    print("imported \(s.rowLabels.count) rows x \(s.columnLabels.count) columns of site '\(site)' into \(out)")
                }
            }
        }
    }

    /// The security warning `keygen` gives for a 2048-bit modulus, for an imported key of that size.
    private func warnBelow128Bits(_ keys: SchemeKeys) {
        guard !common.quiet, let bits = keys.modulusBits, let security = keys.securityBits, security < 128 else { return }
        Console.warning("the imported key has a \(bits)-bit modulus, \(security)-bit security "
                        + "(NIST SP 800-57); keys generated for new studies have 3072 bits (128-bit security)")
    }
}
