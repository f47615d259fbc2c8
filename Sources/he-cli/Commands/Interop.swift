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
        Keys: a phe public JWK becomes a public key file, a phe private JWK a secret key file (0600). Tables: the JSON written by scripts/phe_encrypt_table.py (one phe ciphertext per cell) becomes a packed site file that aggregates with every other site file under the same key. The cells are encrypted, so --max-value is the Python site's declaration and cannot be checked here.

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

    @Option(name: .customLong("max-value"), help: "The Python site's declared largest absolute cell value (with --table).")
    var maxValue: UInt64 = 1_000_000_000

    @Option(help: "Output file.", completion: .file())
    var out: String

    @OptionGroup var common: CommonOptions

    func validate() throws {
        let given = [publicKey, secretKey, table].compactMap { $0 }.count
        guard given == 1 else { throw ValidationError("give exactly one of --public-key, --secret-key and --table") }
        if table != nil {
            guard key != nil, site != nil else { throw ValidationError("--table needs --key and --site") }
        }
    }

    func run() throws {
        try reportingErrors {
            try refuseOutputsReplacingInputs(outputs: [out], inputs: [publicKey, secretKey, table, key].compactMap { $0 })
            if let publicKey {
                let keys = try PheInterop.importPublicKey(json: try readText(publicKey), path: publicKey)
                try KeyFiles.writePublic(keys, to: out)
                if !common.quiet { print("imported public key \(keys.publicKeyFingerprint) into \(out)") }
            } else if let secretKey {
                try SecretKeyFile.checkPermissions(secretKey)
                let keys = try PheInterop.importSecretKey(json: try readText(secretKey), path: secretKey)
                try KeyFiles.writeSecret(keys, to: out)
                if !common.quiet { print("imported the secret key of \(keys.publicKeyFingerprint) into \(out) (mode 0600)") }
            } else if let table, let key, let site {
                let keys = try KeyFiles.readPublic(key)
                try requirePaillier(keys, key)
                let header = try PheInterop.importEncryptedTable(jsonPath: table, keys: keys, keyPath: key, site: site, bound: maxValue, to: out)
                if !common.quiet {
                    let s = header.schema!
                    print("imported \(s.rowLabels.count) rows x \(s.columnLabels.count) columns of site '\(site)' into \(out)")
                }
            }
        }
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
