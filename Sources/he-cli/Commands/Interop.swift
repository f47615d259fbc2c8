import ArgumentParser
import EncryptedStats
import Foundation

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
                let keys = try KeyFiles.readPublic(publicKey)
                try requirePaillier(keys, publicKey)
                try AtomicFileWriter.write(Array((try PheInterop.exportPublicKey(keys) + "\n").utf8), to: out)
                if !common.quiet { print("exported the public key \(keys.publicKeyFingerprint.hex.prefix(16))... to \(out)") }
            } else if let secretKey {
                let keys = try KeyFiles.readSecret(secretKey)
                try requirePaillier(keys, secretKey)
                try AtomicFileWriter.write(Array((try PheInterop.exportSecretKey(keys) + "\n").utf8), to: out, mode: 0o600, replaceExisting: false)
                if !common.quiet { print("exported the secret key to \(out) (mode 0600)") }
            }
        }
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import python-paillier (phe) keys or a Python site's encrypted table.",
        discussion: """
        Keys: a phe public JWK becomes a public key file, a phe private JWK a secret key file (0600). Tables: the JSON written by scripts/phe_encrypt_table.py (one phe ciphertext per cell) becomes a packed site file that aggregates with every other site file under the same key. The cells are encrypted, so their bound is the Python site's declaration: the table's max_value (scripts/phe_encrypt_table.py --max-value, checked against every cell there), in table units like he-cli encrypt --max-value.

        Example:
          he-cli import --public-key public-phe.json --out keys/public.hekey
          he-cli import --table python-site.json --key keys/public.hekey --site python-lab --out python-lab.he
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
    }

    func run() throws {
        try reportingErrors {
            try refuseOutputsReplacingInputs(outputs: [out], inputs: [publicKey, secretKey, table, key].compactMap { $0 })
            if let publicKey {
                let keys = try PheInterop.importPublicKey(json: try readText(publicKey), path: publicKey)
                warnBelow128Bits(keys)
                try KeyFiles.writePublic(keys, to: out)
                if !common.quiet { print("imported public key \(keys.publicKeyFingerprint) into \(out)") }
            } else if let secretKey {
                try SecretKeyFile.checkPermissions(secretKey)
                let keys = try PheInterop.importSecretKey(json: try readText(secretKey), path: secretKey)
                warnBelow128Bits(keys)
                try KeyFiles.writeSecret(keys, to: out)
                if !common.quiet { print("imported the secret key of \(keys.publicKeyFingerprint) into \(out) (mode 0600)") }
            } else if let table, let key, let site {
                let keys = try KeyFiles.readPublic(key)
                try requirePaillier(keys, key)
                let header = try PheInterop.importEncryptedTable(jsonPath: table, keys: keys, keyPath: key, site: site,
                                                                 maxValue: maxValue, to: out)
                if !common.quiet {
                    let s = header.schema!
                    print("imported \(s.rowLabels.count) rows x \(s.columnLabels.count) columns of site '\(site)' into \(out)")
                }
            }
        }
    }

    /// The security warning `keygen` gives for a 2048-bit modulus, for an imported key of that size.
    private func warnBelow128Bits(_ keys: SchemeKeys) {
        guard !common.quiet, let scheme = try? PaillierVectors(parameters: keys.parameters),
              let security = scheme.parameterSummary.first(where: { $0.0 == "security" })?.1, security != "128-bit"
        else { return }
        let size = scheme.parameterSummary[0].1.replacingOccurrences(of: " bits", with: "-bit")
        Console.warning("the imported key has a \(size) modulus, \(security) security "
                        + "(NIST SP 800-57); keys generated for new studies have 3072 bits (128-bit security)")
    }

    private func readText(_ path: String) throws -> String {
        let bytes = try readWholeFile(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw EncryptedStatsError.jsonInput(path: path, reason: "expected JSON text in UTF-8, found bytes that are not UTF-8")
        }
        return text
    }
}

/// python-paillier has Paillier keys only; a BFV key file is refused naming the file.
private func requirePaillier(_ keys: SchemeKeys, _ path: String) throws(EncryptedStatsError) {
    guard keys.scheme == .paillier else {
        throw .scheme(operation: path, reason: "only Paillier keys can be used with python-paillier (this key is \(keys.scheme))")
    }
}
