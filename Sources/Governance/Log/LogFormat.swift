import Crypto

/// The byte layout of an append-only log file (docs/AUDIT-LOG.md is the specification).
///
///     file    = header, record*
///     header  = magic "\x89HELOG\r\n" (8 bytes), version u16 = 1, reserved u16 = 0        (12 bytes)
///     record  = kind u8, reserved 3 bytes = 0, payload length L u32,
///               header check (first 4 bytes of SHA-256 of the 8 bytes before it),
///               payload (L bytes), checksum (SHA-256 of the 12 + L bytes before it)       (44 + L bytes)
///     entry payload      = leaf index u64, entry bytes                  (8 <= L <= 8 + maxEntryBytes)
///     tree-head payload  = tree-head body (80 bytes), Ed25519 signature (64 bytes)       (L = 144)
package enum LogFormat {
    package static let magic: [UInt8] = [0x89, 0x48, 0x45, 0x4C, 0x4F, 0x47, 0x0D, 0x0A]
    package static let version: UInt16 = 1
    package static let fileHeaderByteCount = 12
    package static let recordHeaderByteCount = 12
    package static let checksumByteCount = 32
    /// Bytes of a record besides its payload.
    package static let recordOverhead = recordHeaderByteCount + checksumByteCount
    /// The largest entry a log holds (16 MiB).
    package static let maxEntryBytes = 1 << 24

    package enum Kind: UInt8, Sendable {
        case entry = 1
        case treeHead = 2
    }

    package static var fileHeader: [UInt8] {
        var bytes = magic
        ByteWriter.appendU16(version, to: &bytes)
        ByteWriter.appendU16(0, to: &bytes)
        return bytes
    }

    /// The 4-byte check of a record header's first 8 bytes.
    package static func headerCheck<Bytes: Collection<UInt8>>(_ prefix: Bytes) -> [UInt8] {
        Array(SHA256.hash(data: Array(prefix)).prefix(4))
    }

    /// A whole record: header, payload, checksum.
    package static func record(kind: Kind, payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [kind.rawValue, 0, 0, 0]
        ByteWriter.appendU32(UInt32(payload.count), to: &bytes)
        bytes += headerCheck(bytes)
        bytes += payload
        bytes += SHA256.hash(data: bytes)
        return bytes
    }

    package static func entryRecord(index: UInt64, entry: [UInt8]) -> [UInt8] {
        var payload: [UInt8] = []
        payload.reserveCapacity(8 + entry.count)
        ByteWriter.appendU64(index, to: &payload)
        payload += entry
        return record(kind: .entry, payload: payload)
    }

    package static func treeHeadRecord(_ signedHead: SignedTreeHead) -> [UInt8] {
        record(kind: .treeHead, payload: signedHead.serialized)
    }
}
