import HEFiles

// Key files: containers of kind publicKey (one chunk: the public key) and secretKey (two chunks: the public key,
// then the secret key). Secret key files are written with mode 0600 and refused when others can access them, when
// another user owns them and when the path is a symbolic link.

public enum KeyFiles {
    /// Default file names inside the `--out` directory of `he-cli keygen`.
    public static let publicKeyName = "public.hekey"
    public static let secretKeyName = "secret.hekey"

    private static func header(_ keys: SchemeKeys, kind: ContentKind) -> ContainerHeader {
        ContainerHeader(scheme: keys.scheme, kind: kind, parameters: keys.parameters,
                        publicKeyFingerprint: keys.publicKeyFingerprint, schema: nil, contributors: [], valueBound: 0)
    }

    /// Writes the public key file (never replacing an existing file).
    public static func writePublic(_ keys: SchemeKeys, to path: String) throws(EncryptedStatsError) {
        try files { () throws(HEFilesError) in
            try ContainerWriter.write(header: header(keys, kind: .publicKey), chunks: [keys.publicKey], to: path,
                                      replaceExisting: false)
        }
    }

    /// Writes the secret key file with mode 0600 (never replacing an existing file).
    public static func writeSecret(_ keys: SchemeKeys, to path: String) throws(EncryptedStatsError) {
        guard let secret = keys.secretKey else {
            throw .scheme(operation: "write secret key", reason: "the key material has no secret key")
        }
        try files { () throws(HEFilesError) in
            try ContainerWriter.write(header: header(keys, kind: .secretKey), chunks: [keys.publicKey, secret],
                                      to: path, secret: true, replaceExisting: false)
        }
    }

    /// Reads a public key file. A secret key file is refused: sites and aggregators never need it.
    /// A multi-party study's collective key carries a second chunk (``CollectiveKeyInfo``): how many primes site
    /// ciphertexts keep.
    public static func readPublic(_ path: String) throws(EncryptedStatsError) -> SchemeKeys {
        let (header, chunks) = try files { () throws(HEFilesError) in try read(path, kind: .publicKey) }
        guard chunks.count == 1 || (chunks.count == 2 && header.scheme == .bfv) else {
            throw .inconsistentHeader(path: path, field: "payload chunk count", reason: "\(chunks.count) chunks in a public key file")
        }
        var keys = try keys(header, publicKey: chunks[0], secretKey: nil, path: path)
        if chunks.count == 2 {
            let bfv = try BFVVectors.decodeParameters(header.parameters)
            keys.transportLimbCount = try CollectiveKeyInfo(decoding: chunks[1], path: path, maxLimbCount: bfv.maxLimbCount).transportLimbCount
        }
        return keys
    }

    /// Reads a secret key file, opened without following a symbolic link and refused unless the opened file belongs
    /// to the effective user and only its owner can access it (see `SecretKeyFile.open`).
    public static func readSecret(_ path: String) throws(EncryptedStatsError) -> SchemeKeys {
        let header: ContainerHeader, chunks: [[UInt8]]
        do throws(HEFilesError) {
            (header, chunks) = try read(path, kind: .secretKey)
        } catch {
            // A readable file that is not a secret key (typically the public key given by mistake) is reported as
            // such: asking to chmod a public key would send the user the wrong way. Its header holds nothing secret.
            switch error {
            case .secretKeyPermissions, .secretKeyOwner:
                if let h = try? ContainerReader.readHeader(path), h.kind != .secretKey {
                    throw .wrongContentKind(path: path, expected: ContentKind.secretKey.description, found: h.kind.description)
                }
            default: break
            }
            throw .file(error)
        }
        return try keys(header, publicKey: chunks[0], secretKey: chunks[1], path: path)
    }

    private static func read(_ path: String, kind: ContentKind) throws(HEFilesError) -> (ContainerHeader, [[UInt8]]) {
        let reader = kind == .secretKey ? try ContainerReader(secretKeyPath: path) : try ContainerReader(path: path)
        guard reader.header.kind == kind else {
            throw .wrongContentKind(path: path, expected: kind.description, found: reader.header.kind.description)
        }
        return (reader.header, try reader.readAllChunks())
    }

    private static func keys(_ h: ContainerHeader, publicKey: [UInt8], secretKey: [UInt8]?,
                             path: String) throws(EncryptedStatsError) -> SchemeKeys {
        let keys = SchemeKeys(scheme: h.scheme, parameters: h.parameters, publicKey: publicKey, secretKey: secretKey)
        guard keys.publicKeyFingerprint == h.publicKeyFingerprint else {
            throw .inconsistentHeader(path: path, field: "public-key fingerprint",
                                      reason: "is not the SHA-256 of the public key in the payload")
        }
        do {
            try SchemeRegistry.validate(keys)
        } catch {
            // Never echo key bytes: scheme errors name the failed check only.
            guard let reason = error.schemeRefusal else { throw error }
            throw .invalidPayload(path: path, chunk: 1, reason: reason)
        }
        return keys
    }
}
