// The byte framing both proof files share (docs/AUDIT-LOG.md): magic (4) | version (1) | path length (1) |
// reserved 0 0 | two u64 sizes (8 + 8) | path hashes (32 each).

enum ProofFraming {
    static let version: UInt8 = 1

    static func encode(magic: [UInt8], _ first: UInt64, _ second: UInt64, path: [MerkleHash]) -> [UInt8] {
        var bytes = magic + [version, UInt8(path.count), 0, 0]
        ByteWriter.appendU64(first, to: &bytes)
        ByteWriter.appendU64(second, to: &bytes)
        for hash in path { bytes += hash.bytes }
        return bytes
    }

    /// The two sizes and the path of `bytes`; every failure names `what`, the byte offset and what was expected.
    static func decode(_ bytes: [UInt8], what: String, magic: [UInt8],
                       maxPath: Int) throws(GovernanceError) -> (UInt64, UInt64, [MerkleHash]) {
        func invalid(_ offset: Int, _ expected: String) -> GovernanceError {
            .invalidEncoding(what: what, offset: offset, expected: expected)
        }
        guard bytes.count >= 24 else { throw invalid(bytes.count, "at least 24 bytes, found \(bytes.count)") }
        guard Array(bytes[0 ..< 4]) == magic else {
            throw invalid(0, "magic \"\(String(decoding: magic, as: UTF8.self))\"")
        }
        guard bytes[4] == version else { throw invalid(4, "version 1, found \(bytes[4])") }
        let count = Int(bytes[5])
        guard count <= maxPath else { throw invalid(5, "a path of at most \(maxPath) hashes, found \(count)") }
        guard bytes[6] == 0, bytes[7] == 0 else { throw invalid(6, "reserved bytes 0") }
        guard bytes.count == 24 + 32 * count else {
            throw invalid(min(bytes.count, 24 + 32 * count), "\(24 + 32 * count) bytes, found \(bytes.count)")
        }
        var path: [MerkleHash] = []
        for i in 0 ..< count {
            path.append(try MerkleHash(bytes: Array(bytes[24 + 32 * i ..< 56 + 32 * i])))
        }
        return (ByteReader.u64(bytes, at: 8), ByteReader.u64(bytes, at: 16), path)
    }
}
