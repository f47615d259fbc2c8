import Crypto

// The content digest of a container (docs/FORMAT.md, "Content digest"): what a site's signed statement names.
// It covers the header without its statements and every payload chunk, so a statement can be stored inside the
// file whose content it signs, and it is the same whichever statements a file carries.

/// SHA-256 over the context string, the header encoded without statements, and every payload chunk.
public enum ContentDigest {
    /// Domain separation: no other hash of the toolkit starts with these bytes.
    public static let context: [UInt8] = Array("he-toolkit content digest v1".utf8) + [0]

    /// The content digest of `header` (its statements ignored, its payload counts taken from `chunks`) and
    /// `chunks`.
    public static func compute(header: ContainerHeader, chunks: [[UInt8]]) -> Fingerprint {
        var h = header
        h.payloadChunkCount = chunks.count
        h.payloadByteCount = chunks.reduce(0) { $0 + 4 + UInt64($1.count) }
        var builder = Builder(header: h)
        for c in chunks { builder.add(chunk: c) }
        return builder.finalize()
    }

    /// Computes the digest while the chunks stream past (``ContainerReader`` uses it).
    public struct Builder {
        private var hash = SHA256()

        /// Starts with `header`, whose payload counts must be final.
        public init(header: ContainerHeader) {
            var h = header
            h.statements = []
            self.init(headerWithoutStatements: ContainerFormat.encodeHeader(h))
        }

        /// Starts with the header's bytes up to its statements, as a file holds them: decoding is canonical, so
        /// these are the bytes ``init(header:)`` encodes, without encoding a schema of many labels again.
        init(headerWithoutStatements body: ArraySlice<UInt8>) {
            var w = ByteWriter()
            w.raw(ContentDigest.context)
            w.u32(UInt32(body.count))
            hash.update(data: w.bytes)
            hash.update(data: body)
        }

        init(headerWithoutStatements body: [UInt8]) { self.init(headerWithoutStatements: body[...]) }

        public mutating func add(chunk: [UInt8]) {
            var w = ByteWriter()
            w.u32(UInt32(chunk.count))
            hash.update(data: w.bytes)
            hash.update(data: chunk)
        }

        public func finalize() -> Fingerprint { Fingerprint(unchecked: Array(hash.finalize())) }
    }
}
