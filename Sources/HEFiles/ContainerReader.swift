#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto

// Writing and streaming reading of containers. Layout (docs/FORMAT.md):
//   preamble (16) | header (L) | SHA-256(preamble + header) (32) | payload chunks | SHA-256(everything before) (32)

/// Reads a container from a file: the header (verified by its own digest) at once, then the payload chunk by
/// chunk, verifying the whole-file SHA-256 after the last chunk. Memory use is one chunk at a time.
public final class ContainerReader {
    public let path: String
    public let header: ContainerHeader
    /// The file's container format version (1 to 3; see `ContainerFormat.readableVersions`).
    public let formatVersion: UInt16
    /// Size of the file in bytes.
    public let fileSize: UInt64

    private var file: BufferedFile
    private var hash: SHA256
    private var content: ContentDigest.Builder
    /// The content digest (``ContentDigest``) of the file, once the last chunk has been read.
    public private(set) var contentDigest: Fingerprint?
    private var chunksRead = 0
    private var payloadBytesRead: UInt64 = 0
    private var finished = false

    /// Opens `path` and reads and verifies its header. Refuses files that are not containers, unknown versions,
    /// damaged headers, inconsistent headers and files whose size does not match the header.
    public convenience init(path: String) throws(HEFilesError) {
        var cache: ContainerFormat.DecodedSchema? = nil
        try self.init(path: path, schemaCache: &cache)
    }

    /// As ``init(path:)`` for a secret key file: the file is opened and checked by ``SecretKeyFile/open(_:)``
    /// (not a symbolic link, owned by the effective user, no group or other permission bits) before its header is
    /// read.
    public convenience init(secretKeyPath path: String) throws(HEFilesError) {
        var cache: ContainerFormat.DecodedSchema? = nil
        try self.init(path: path, schemaCache: &cache, secretKey: true)
    }

    /// As ``init(path:)``, taking the schema from `schemaCache` when the header's schema bytes are the cached
    /// ones (see `ContainerFormat.DecodedSchema`); the digest and every other check still run.
    package init(path: String, schemaCache: inout ContainerFormat.DecodedSchema?,
                 secretKey: Bool = false) throws(HEFilesError) {
        self.path = path
        var file: BufferedFile
        if secretKey { file = try BufferedFile(secretKeyPath: path) } else { file = try BufferedFile(path: path) }
        self.fileSize = file.size
        var hash = SHA256()

        let available = file.size
        guard available > 0 else { throw .emptyFile(path: path, expected: "an he-toolkit container (.he or .hekey file)") }
        let magicCount = ContainerFormat.magic.count
        let start = try file.readUpTo(ContainerFormat.preambleSize)
        guard start.count >= magicCount || ContainerFormat.magic.starts(with: start) else {
            throw .notAContainer(path: path)
        }
        guard start.starts(with: ContainerFormat.magic) else {
            if start.count < magicCount {
                throw .truncated(path: path, section: "magic", expectedBytes: UInt64(magicCount), availableBytes: available)
            }
            throw .notAContainer(path: path)
        }
        guard start.count == ContainerFormat.preambleSize else {
            throw .truncated(path: path, section: "preamble", expectedBytes: UInt64(ContainerFormat.preambleSize),
                             availableBytes: available)
        }
        var pre = ByteReader(start, range: magicCount ..< start.count) { field, reason in
            HEFilesError.inconsistentHeader(path: path, field: field, reason: reason)
        }
        let version = try pre.u16("format version")
        guard ContainerFormat.readableVersions.contains(version) else {
            throw .unsupportedFormatVersion(path: path, found: version, supported: ContainerFormat.version)
        }
        guard try pre.u16("reserved") == 0 else {
            throw .inconsistentHeader(path: path, field: "preamble reserved", reason: "must be 0")
        }
        let headerLength = Int(try pre.u32("header length"))
        guard headerLength <= ContainerFormat.maxHeaderLength else {
            throw .inconsistentHeader(path: path, field: "header length",
                                      reason: "\(headerLength) exceeds the limit of \(ContainerFormat.maxHeaderLength)")
        }
        hash.update(data: start)
        let afterPreamble = available - UInt64(ContainerFormat.preambleSize)
        guard UInt64(headerLength + ContainerFormat.digestSize) <= afterPreamble else {
            throw .truncated(path: path, section: "header and header checksum",
                             expectedBytes: UInt64(headerLength + ContainerFormat.digestSize), availableBytes: afterPreamble)
        }
        let body = try file.readExactly(headerLength, section: "header")
        hash.update(data: body)
        let storedHeaderDigest = try file.readExactly(ContainerFormat.digestSize, section: "header checksum")
        guard Array(hash.finalize()) == storedHeaderDigest else { throw .headerChecksumMismatch(path: path) }
        hash.update(data: storedHeaderDigest)

        let header = try ContainerFormat.decodeHeader(body, path: path, version: version, schemaCache: &schemaCache)
        if version == 1, header.scheme == .paillier, header.kind.isEncryptedTable {
            throw .retiredPaillierPacking(path: path, version: version)
        }
        let prefix = UInt64(ContainerFormat.preambleSize + headerLength + ContainerFormat.digestSize)
        let expectedSize = prefix + header.payloadByteCount + UInt64(ContainerFormat.digestSize)
        if available < expectedSize {
            throw .truncated(path: path, section: "payload and checksum",
                             expectedBytes: expectedSize - prefix, availableBytes: available - prefix)
        }
        if available > expectedSize {
            throw .trailingBytes(path: path, count: available - expectedSize)
        }
        self.header = header
        self.formatVersion = version
        self.file = file
        self.hash = hash
        // The statements are the header's last field (docs/FORMAT.md): the content digest covers what precedes them.
        let statementBytes = header.statements.isEmpty ? 0 : 4 + header.statements.reduce(0) { $0 + 4 + $1.count }
        self.content = ContentDigest.Builder(headerWithoutStatements: body[..<(body.count - statementBytes)])
    }

    /// Bytes of one payload chunk, or nil after the last chunk (the file checksum has then been verified).
    public func nextChunk() throws(HEFilesError) -> [UInt8]? {
        if chunksRead == header.payloadChunkCount {
            if !finished { try finish() }
            return nil
        }
        let n = header.payloadChunkCount
        let prefix = try file.readExactly(4, section: "length of payload chunk \(chunksRead + 1) of \(n)")
        let length = UInt64(prefix[0]) | UInt64(prefix[1]) << 8 | UInt64(prefix[2]) << 16 | UInt64(prefix[3]) << 24
        let left = header.payloadByteCount - payloadBytesRead - 4
        guard length <= left, length <= UInt64(ContainerFormat.maxChunkLength) else {
            throw .invalidPayload(path: path, chunk: chunksRead + 1, reason: "its length prefix says \(length) bytes but "
                                  + "only \(left) payload bytes remain (the file is damaged or was modified)")
        }
        let data = try file.readExactly(Int(length), section: "payload chunk \(chunksRead + 1) of \(n)")
        hash.update(data: prefix)
        hash.update(data: data)
        content.add(chunk: data)
        chunksRead += 1
        payloadBytesRead += 4 + length
        if chunksRead == n { try finish() }
        return data
    }

    /// Reads the remaining chunks into memory.
    public func readAllChunks() throws(HEFilesError) -> [[UInt8]] {
        var out: [[UInt8]] = []
        while let c = try nextChunk() { out.append(c) }
        return out
    }

    private func finish() throws(HEFilesError) {
        guard payloadBytesRead == header.payloadByteCount else {
            throw .inconsistentHeader(path: path, field: "payload byte count",
                                      reason: "header says \(header.payloadByteCount), chunks hold \(payloadBytesRead)")
        }
        let stored = try file.readExactly(ContainerFormat.digestSize, section: "file checksum")
        guard Array(hash.finalize()) == stored else { throw .checksumMismatch(path: path) }
        contentDigest = content.finalize()
        finished = true
        file.close()
    }

    /// Reads the header of `path` only (no payload, no whole-file checksum).
    public static func readHeader(_ path: String) throws(HEFilesError) -> ContainerHeader {
        try ContainerReader(path: path).header
    }

    /// As ``readHeader(_:)``, with a schema cache (see ``init(path:schemaCache:)``).
    package static func readHeader(_ path: String,
                                   schemaCache: inout ContainerFormat.DecodedSchema?) throws(HEFilesError) -> ContainerHeader {
        try ContainerReader(path: path, schemaCache: &schemaCache).header
    }
}
