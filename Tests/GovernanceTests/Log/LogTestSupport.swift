import Crypto
import Foundation
import Governance

/// Fixed test keys (derived from a label, never used outside the tests) and helpers to build log files.
enum LogFixture {
    static func key(_ label: String) -> Curve25519.Signing.PrivateKey {
        try! Curve25519.Signing.PrivateKey(rawRepresentation: Array(SHA256.hash(data: Array(label.utf8))))
    }

    static var logKey: Curve25519.Signing.PrivateKey { key("log key of the tests") }
    static var otherKey: Curve25519.Signing.PrivateKey { key("another key") }

    static func entry(_ i: Int) -> [UInt8] { Array("release \(i): statistic and policy".utf8) }

    /// A fixed clock: 2026-01-01T00:00:00Z plus `i` seconds.
    static func time(_ i: Int) -> Date { Date(timeIntervalSince1970: 1_767_225_600 + Double(i)) }

    /// A log of `count` entries in a fresh directory; the caller removes `directory`.
    static func makeLog(count: Int, key: Curve25519.Signing.PrivateKey = logKey, in base: URL? = nil,
                        entry: (Int) -> [UInt8] = entry) throws -> (directory: URL, log: AppendOnlyLog) {
        let directory = try temporaryDirectory(in: base)
        var log = AppendOnlyLog(path: directory.appendingPathComponent("decryptions.log").path)
        for i in 0 ..< count { try log.append(entry(i), signingKey: key, time: time(i)) }
        return (directory, log)
    }

    /// /dev/shm when it exists (fsync is free there), else the temporary directory.
    static var fastDirectory: URL? {
        FileManager.default.fileExists(atPath: "/dev/shm") ? URL(fileURLWithPath: "/dev/shm") : nil
    }

    static func bytes(of log: AppendOnlyLog) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: log.path)))
    }

    static func write(_ bytes: [UInt8], to log: AppendOnlyLog) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: log.path))
    }

    /// The records of a well-formed log file: (offset, length), in order.
    static func recordRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var offset = LogFormat.fileHeaderByteCount
        while offset < bytes.count {
            let length = Int(ByteReader.u32(bytes, at: offset + 4))
            let end = offset + LogFormat.recordOverhead + length
            ranges.append(offset ..< end)
            offset = end
        }
        return ranges
    }

    /// The file rebuilt from the header and the given records.
    static func file(_ bytes: [UInt8], records: [Range<Int>]) -> [UInt8] {
        records.reduce(Array(bytes[0 ..< LogFormat.fileHeaderByteCount])) { $0 + bytes[$1] }
    }

    /// A tree-head record signed by `key` for `head`.
    static func headRecord(_ head: TreeHead, signedBy key: Curve25519.Signing.PrivateKey) -> [UInt8] {
        let signature = Array(try! key.signature(for: head.signedMessage))
        return LogFormat.treeHeadRecord(SignedTreeHead(head: head, signature: signature))
    }

    /// The signed tree head in a tree-head record.
    static func head(in record: ArraySlice<UInt8>) throws -> SignedTreeHead {
        let payload = Array(record.dropFirst(LogFormat.recordHeaderByteCount).dropLast(LogFormat.checksumByteCount))
        return try SignedTreeHead(serialized: payload)
    }
}
