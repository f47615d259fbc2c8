#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto

// Writing and streaming reading of containers. Layout (docs/FORMAT.md):
//   preamble (16) | header (L) | SHA-256(preamble + header) (32) | payload chunks | SHA-256(everything before) (32)

/// Serialises a container: header, chunks and both digests.
public enum ContainerWriter {
    /// The complete container bytes for `header` and `chunks` (the header's payload counts are filled in).
    public static func encode(header: ContainerHeader, chunks: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        var w = StreamingEncoder(header: header, chunks: chunks)
        w.emit { out.append(contentsOf: $0) }
        return out
    }

    /// Writes the container atomically to `path` (see `AtomicFileWriter`) and returns the header as written (its
    /// payload counts filled in), so that no caller reads it back.
    @discardableResult
    public static func write(header: ContainerHeader, chunks: [[UInt8]], to path: String, secret: Bool = false,
                             replaceExisting: Bool = true) throws(HEFilesError) -> ContainerHeader {
        if let problem = ContainerFormat.encodingProblem(header) {
            throw .unencodableHeader(output: path, field: problem.field, reason: problem.reason)
        }
        let file = try AtomicFileWriter(destination: path, mode: secret ? 0o600 : 0o644,
                                        replaceExisting: replaceExisting)
        var w = StreamingEncoder(header: header, chunks: chunks)
        try w.emit { (bytes) throws(HEFilesError) in try file.write(bytes) }
        try file.commit()
        return w.header
    }

    private struct StreamingEncoder {
        var header: ContainerHeader
        let chunks: [[UInt8]]

        init(header: ContainerHeader, chunks: [[UInt8]]) {
            var h = header
            h.payloadChunkCount = chunks.count
            h.payloadByteCount = chunks.reduce(0) { $0 + 4 + UInt64($1.count) }
            self.header = h
            self.chunks = chunks
        }

        mutating func emit<E: Error>(_ sink: ([UInt8]) throws(E) -> Void) throws(E) {
            var hash = SHA256()
            func put(_ b: [UInt8]) throws(E) {
                hash.update(data: b)
                try sink(b)
            }
            let body = ContainerFormat.encodeHeader(header)
            try put(ContainerFormat.preamble(headerLength: body.count, version: header.formatVersion))
            try put(body)
            try put(Array(hash.finalize()))  // digest over preamble + header; hashing continues
            for c in chunks {
                var w = ByteWriter()
                w.u32(UInt32(c.count))
                try put(w.bytes)
                try put(c)
            }
            try sink(Array(hash.finalize()))
        }
    }
}
