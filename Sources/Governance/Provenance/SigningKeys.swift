#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import HEFiles

// Ed25519 signing keys of sites and of the study coordinator (swift-crypto's `Curve25519.Signing`), and their
// files (docs/FORMAT.md, "Signing key files"): magic, version, reserved, 32 key bytes, SHA-256 of what precedes.

/// An Ed25519 verification key.
public struct SigningPublicKey: Sendable, Hashable {
    /// The 32-byte RFC 8032 encoding.
    public let rawBytes: [UInt8]

    public init(rawBytes: [UInt8]) throws(GovernanceError) {
        guard rawBytes.count == 32, (try? Curve25519.Signing.PublicKey(rawRepresentation: rawBytes)) != nil else {
            throw .invalidEncoding(what: "Ed25519 public key", offset: 0, expected: "32 bytes of a curve point")
        }
        self.rawBytes = rawBytes
    }

    /// swift-crypto's key (a valid point, checked when this value was made).
    var curveKey: Curve25519.Signing.PublicKey { try! Curve25519.Signing.PublicKey(rawRepresentation: rawBytes) }

    /// SHA-256 of the 32 key bytes: what `study show` prints and `--coordinator` names.
    public var fingerprint: Fingerprint { Fingerprint(sha256Of: rawBytes) }

    /// Whether `signature` is this key's Ed25519 signature of `message`.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: rawBytes) else {
            return false
        }
        return key.isValidSignature(signature, for: message)
    }
}

/// An Ed25519 signing key. Its bytes are never part of an error or a description.
public struct SigningSecretKey: Sendable {
    /// The RFC 8032 seed (swift-crypto's key type is not `Sendable`; it is rebuilt from the seed when used).
    private let seedBytes: [UInt8]
    /// swift-crypto's key, rebuilt from the seed (the decryption log signs its tree heads with it).
    package var key: Curve25519.Signing.PrivateKey {
        // The seed was accepted by swift-crypto when this value was made.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: seedBytes)
    }

    /// A fresh key from the operating system's random source.
    public init() { seedBytes = Array(Curve25519.Signing.PrivateKey().rawRepresentation) }

    /// The key with the 32-byte RFC 8032 seed `seed` (key files and published test vectors).
    public init(seed: [UInt8]) throws(GovernanceError) {
        guard seed.count == 32, (try? Curve25519.Signing.PrivateKey(rawRepresentation: seed)) != nil else {
            throw .invalidEncoding(what: "Ed25519 secret key", offset: 0, expected: "32 bytes")
        }
        seedBytes = seed
    }

    public var publicKey: SigningPublicKey {
        // A key swift-crypto produced always encodes a valid point.
        try! SigningPublicKey(rawBytes: Array(key.publicKey.rawRepresentation))
    }

    /// The Ed25519 signature of `message`.
    public func signature(for message: [UInt8]) throws(GovernanceError) -> [UInt8] {
        guard let s = try? key.signature(for: message) else { throw .signingFailed }
        return Array(s)
    }

    var seed: [UInt8] { seedBytes }
}

/// The two files of a signing key pair: `signing.key` (secret, mode 0600) and `signing.pub`.
public enum SigningKeyFiles {
    public static let secretFileName = "signing.key"
    public static let publicFileName = "signing.pub"
    static let secretMagic: [UInt8] = Array("HESS".utf8)
    static let publicMagic: [UInt8] = Array("HESP".utf8)
    static let version: UInt16 = 1
    /// 4 magic + 2 version + 2 reserved + 32 key bytes + 32 checksum.
    static let fileSize = 72

    /// Generates a key pair and writes both files into `directory` (created if missing); never replaces a file.
    @discardableResult
    public static func generate(in directory: String) throws(GovernanceError) -> SigningPublicKey {
        try makeDirectory(directory)
        let key = SigningSecretKey()
        let secretPath = directory + "/" + secretFileName
        let publicPath = directory + "/" + publicFileName
        try files { () throws(HEFilesError) in
            try AtomicFileWriter.checkDestination(secretPath, replaceExisting: false)
            try AtomicFileWriter.checkDestination(publicPath, replaceExisting: false)
            try AtomicFileWriter.write(encode(key.seed, magic: secretMagic), to: secretPath, mode: 0o600,
                                       replaceExisting: false)
            try AtomicFileWriter.write(encode(key.publicKey.rawBytes, magic: publicMagic), to: publicPath,
                                       replaceExisting: false)
        }
        return key.publicKey
    }

    /// Reads a secret signing key, opened without following a symbolic link and refused unless the opened file
    /// belongs to the effective user and its group and other users cannot access it (see `SecretKeyFile.open`).
    public static func readSecret(_ path: String) throws(GovernanceError) -> SigningSecretKey {
        let bytes = try files { () throws(HEFilesError) in try SecretKeyFile.read(path) }
        return try SigningSecretKey(seed: decode(bytes, path: path, magic: secretMagic, what: "secret signing key"))
    }

    /// Reads a public signing key file.
    public static func readPublic(_ path: String) throws(GovernanceError) -> SigningPublicKey {
        do {
            let bytes = try files { () throws(HEFilesError) in try readWholeFile(path) }
            return try SigningPublicKey(rawBytes: decode(bytes, path: path, magic: publicMagic, what: "public signing key"))
        } catch .invalidEncoding {
            throw .keyFileDamaged(path: path, reason: "the key bytes are not an Ed25519 public key")
        }
    }

    static func encode(_ key: [UInt8], magic: [UInt8]) -> [UInt8] {
        var w = HEFiles.ByteWriter()
        w.raw(magic)
        w.u16(version)
        w.u16(0)
        w.raw(key)
        w.raw(Array(SHA256.hash(data: w.bytes)))
        return w.bytes
    }

    static func decode(_ bytes: [UInt8], path: String, magic: [UInt8], what: String) throws(GovernanceError) -> [UInt8] {
        guard bytes.count == fileSize else {
            throw .keyFileDamaged(path: path, reason: "\(bytes.count) bytes, a \(what) file has \(fileSize)")
        }
        guard Array(bytes[0 ..< 4]) == magic else {
            throw .keyFileDamaged(path: path, reason: "not a \(what) file (wrong magic)")
        }
        guard bytes[4] == 1, bytes[5] == 0, bytes[6] == 0, bytes[7] == 0 else {
            throw .keyFileDamaged(path: path, reason: "unknown version or nonzero reserved bytes")
        }
        guard Array(SHA256.hash(data: bytes[0 ..< 40])) == Array(bytes[40...]) else {
            throw .keyFileDamaged(path: path, reason: "SHA-256 checksum mismatch (damaged or modified)")
        }
        return Array(bytes[8 ..< 40])
    }
}

/// Runs a file operation of HEFiles, wrapping its error.
func files<T>(_ body: () throws(HEFilesError) -> T) throws(GovernanceError) -> T {
    do { return try body() } catch { throw .file(error) }
}

func makeDirectory(_ path: String) throws(GovernanceError) {
    var partial = path.hasPrefix("/") ? "/" : ""
    for part in path.split(separator: "/") {
        partial += part + "/"
        if mkdir(partial, 0o755) != 0 && errno != EEXIST {
            throw .fileOperationFailed(path: partial, operation: "mkdir", errno: errno)
        }
    }
}

/// The names in directory `path`, or nil when it is not a readable directory.
func directoryEntries(_ path: String) -> [String]? {
    guard let dir = opendir(path) else { return nil }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafePointer(to: entry.pointee.d_name) {
            $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}
