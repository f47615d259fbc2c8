import Governance
import HEFiles

// python-paillier keys and tables from and to files: the flows of `he-cli export` and `he-cli import`.

extension PheInterop {
    /// A Paillier key file (public, or secret when `secret`) written as phe JWK JSON to `output` (a secret key with
    /// mode 0600, never replacing a file). Returns the key material.
    @discardableResult
    public static func exportKey(from keyPath: String, secret: Bool, to output: String) throws(EncryptedStatsError) -> SchemeKeys {
        let keys = secret ? try KeyFiles.readSecret(keyPath) : try KeyFiles.readPublic(keyPath)
        try requirePaillier(keys, keyPath)
        let json = secret ? try exportSecretKey(keys) : try exportPublicKey(keys)
        try files { () throws(HEFilesError) in
            try AtomicFileWriter.write(Array((json + "\n").utf8), to: output, mode: secret ? 0o600 : 0o644,
                                       replaceExisting: !secret)
        }
        return keys
    }

    /// A phe public or (when `secret`) private JWK JSON file written as a key file. The secret JSON is checked and
    /// read like a secret key file (not a symbolic link, the user's own file, readable by its owner only). Returns the key material.
    @discardableResult
    public static func importKey(from jsonPath: String, secret: Bool, to output: String) throws(EncryptedStatsError) -> SchemeKeys {
        let text = try readJSONText(jsonPath, secret: secret)
        let keys = secret ? try importSecretKey(json: text, path: jsonPath) : try importPublicKey(json: text, path: jsonPath)
        if secret { try KeyFiles.writeSecret(keys, to: output) } else { try KeyFiles.writePublic(keys, to: output) }
        return keys
    }

    /// A Python site's encrypted table (the JSON of scripts/phe_encrypt_table.py) written as a packed site file
    /// under the public key in `keyPath` (see ``importEncryptedTable(jsonPath:keys:keyPath:site:maxValue:to:)``).
    @discardableResult
    /// With `signing` (the manifest and the site's signing key file), the file is signed for the study.
    public static func importTable(from jsonPath: String, publicKeyPath keyPath: String, site: String, maxValue: UInt64?,
                                   to output: String,
                                   signing: (manifest: ManifestSource, signingKeyPath: String)? = nil) throws(EncryptedStatsError) -> ContainerHeader {
        let keys = try KeyFiles.readPublic(keyPath)
        try requirePaillier(keys, keyPath)
        let signer = try signing.map { (s) throws(EncryptedStatsError) in
            try SiteSigner.open(manifest: s.manifest, signingKeyPath: s.signingKeyPath, encryptionKeyPath: keyPath)
        }
        return try importEncryptedTable(jsonPath: jsonPath, keys: keys, keyPath: keyPath, site: site, maxValue: maxValue,
                                        to: output, signer: signer)
    }

    /// python-paillier has Paillier keys only; a BFV key file is refused naming the file.
    static func requirePaillier(_ keys: SchemeKeys, _ path: String) throws(EncryptedStatsError) {
        guard keys.scheme == .paillier else {
            throw .scheme(operation: path, reason: "only Paillier keys can be used with python-paillier (this key is \(keys.scheme))")
        }
    }

    private static func readJSONText(_ path: String, secret: Bool = false) throws(EncryptedStatsError) -> String {
        let bytes = try files { () throws(HEFilesError) in secret ? try SecretKeyFile.read(path) : try readWholeFile(path) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .jsonInput(path: path, reason: "expected JSON text in UTF-8, found bytes that are not UTF-8")
        }
        return text
    }
}
