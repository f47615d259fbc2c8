import Crypto
import HEFiles

// A decryption party's identity (docs/MULTIPARTY.md, "Party keys"): an Ed25519 key that signs everything the
// party publishes (its public-key share, its decryption shares) and an X25519 key to which the other parties
// encrypt the Shamir shares of a t-of-N study (HPKE, RFC 9180). Both public halves are named in the manifest.

/// The public half of a party's identity.
public struct PartyPublicKey: Sendable, Hashable {
    public let signing: SigningPublicKey
    /// X25519 public key (32 bytes).
    public let agreement: [UInt8]

    public init(signing: SigningPublicKey, agreement: [UInt8]) throws(GovernanceError) {
        guard (try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: agreement)) != nil else {
            throw .invalidEncoding(what: "X25519 public key", offset: 0, expected: "32 bytes")
        }
        self.signing = signing
        self.agreement = agreement
    }

    /// SHA-256 of the two keys' bytes.
    public var fingerprint: Fingerprint { Fingerprint(sha256Of: signing.rawBytes + agreement) }
}

/// A party's secret identity. Never printed; its file is mode 0600.
public struct PartySecretKey: Sendable {
    public let signing: SigningSecretKey
    private let agreementBytes: [UInt8]

    public init() {
        signing = SigningSecretKey()
        agreementBytes = Array(Curve25519.KeyAgreement.PrivateKey().rawRepresentation)
    }

    init(signingSeed: [UInt8], agreement: [UInt8]) throws(GovernanceError) {
        signing = try SigningSecretKey(seed: signingSeed)
        guard (try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: agreement)) != nil else {
            throw .invalidEncoding(what: "X25519 private key", offset: 0, expected: "32 bytes")
        }
        agreementBytes = agreement
    }

    /// The X25519 private key, for opening HPKE messages sent to this party.
    public var agreement: Curve25519.KeyAgreement.PrivateKey {
        try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: agreementBytes)
    }

    public var publicKey: PartyPublicKey {
        try! PartyPublicKey(signing: signing.publicKey, agreement: Array(agreement.publicKey.rawRepresentation))
    }

    var secretBytes: [UInt8] { signing.seed + agreementBytes }
}

public enum PartyKeyFiles {
    public static let secretFileName = "party.key"
    public static let publicFileName = "party.pub"
    static let secretMagic: [UInt8] = Array("HEPS".utf8)
    static let publicMagic: [UInt8] = Array("HEPP".utf8)
    /// 4 magic + 2 version + 2 reserved + 64 key bytes + 32 checksum.
    static let fileSize = 104

    /// Generates a party identity and writes `party.key` (mode 0600) and `party.pub` into `directory` (created if
    /// missing); never replaces a file.
    @discardableResult
    public static func generate(in directory: String) throws(GovernanceError) -> PartyPublicKey {
        try makeDirectory(directory)
        let key = PartySecretKey()
        let secretPath = directory + "/" + secretFileName
        let publicPath = directory + "/" + publicFileName
        try files { () throws(HEFilesError) in
            try AtomicFileWriter.checkDestination(secretPath, replaceExisting: false)
            try AtomicFileWriter.checkDestination(publicPath, replaceExisting: false)
            try AtomicFileWriter.write(encode(key.secretBytes, magic: secretMagic), to: secretPath, mode: 0o600,
                                       replaceExisting: false)
            let pub = key.publicKey
            try AtomicFileWriter.write(encode(pub.signing.rawBytes + pub.agreement, magic: publicMagic), to: publicPath,
                                       replaceExisting: false)
        }
        return key.publicKey
    }

    /// Reads a party's secret key (refused when a symbolic link, owned by another user or open to others).
    public static func readSecret(_ path: String) throws(GovernanceError) -> PartySecretKey {
        let bytes = try files { () throws(HEFilesError) in try SecretKeyFile.read(path) }
        let raw = try decode(bytes, path: path, magic: secretMagic, what: "party secret key")
        do { return try PartySecretKey(signingSeed: Array(raw[0 ..< 32]), agreement: Array(raw[32...])) } catch {
            throw .keyFileDamaged(path: path, reason: "the key bytes are not an Ed25519 seed and an X25519 key")
        }
    }

    public static func readPublic(_ path: String) throws(GovernanceError) -> PartyPublicKey {
        let bytes = try files { () throws(HEFilesError) in try readWholeFile(path) }
        let raw = try decode(bytes, path: path, magic: publicMagic, what: "party public key")
        do {
            return try PartyPublicKey(signing: try SigningPublicKey(rawBytes: Array(raw[0 ..< 32])), agreement: Array(raw[32...]))
        } catch {
            throw .keyFileDamaged(path: path, reason: "the key bytes are not an Ed25519 and an X25519 public key")
        }
    }

    static func encode(_ key: [UInt8], magic: [UInt8]) -> [UInt8] {
        var w = HEFiles.ByteWriter()
        w.raw(magic)
        w.u16(1)
        w.u16(0)
        w.raw(key)
        w.raw(Array(SHA256.hash(data: w.bytes)))
        return w.bytes
    }

    static func decode(_ bytes: [UInt8], path: String, magic: [UInt8], what: String) throws(GovernanceError) -> [UInt8] {
        guard bytes.count == fileSize else {
            throw .keyFileDamaged(path: path, reason: "\(bytes.count) bytes, a \(what) file has \(fileSize)")
        }
        guard Array(bytes[0 ..< 4]) == magic else { throw .keyFileDamaged(path: path, reason: "not a \(what) file (wrong magic)") }
        guard bytes[4] == 1, bytes[5] == 0, bytes[6] == 0, bytes[7] == 0 else {
            throw .keyFileDamaged(path: path, reason: "unknown version or nonzero reserved bytes")
        }
        guard Array(SHA256.hash(data: bytes[0 ..< 72])) == Array(bytes[72...]) else {
            throw .keyFileDamaged(path: path, reason: "SHA-256 checksum mismatch (damaged or modified)")
        }
        return Array(bytes[8 ..< 72])
    }
}
