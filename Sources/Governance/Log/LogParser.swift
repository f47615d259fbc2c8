import Crypto

/// One framed record of a log file, as read.
struct ParsedRecord: Sendable {
    enum Content: Sendable {
        case entry(leafIndex: UInt64, bytes: [UInt8])
        case treeHead(SignedTreeHead)
    }

    var index: Int
    var offset: UInt64
    /// Offset just after the record.
    var end: UInt64
    var content: Content
}

/// The bytes after the last complete tree-head record, when they are exactly what an interrupted append leaves:
/// complete, intact entry records and at most one record cut short by the end of the file. None of it is logged.
public struct TornTail: Hashable, Sendable, CustomStringConvertible {
    /// Where the incomplete append starts (the end of the last complete tree-head record, or of the header).
    public var offset: UInt64
    /// How many bytes it has.
    public var length: UInt64
    /// How many complete entry records it holds (written before the crash, not logged).
    public var completeEntryRecords: Int

    package init(offset: UInt64, length: UInt64, completeEntryRecords: Int) {
        self.offset = offset
        self.length = length
        self.completeEntryRecords = completeEntryRecords
    }

    public var description: String {
        "incomplete append of \(length) bytes at byte \(offset) (\(completeEntryRecords) complete entry records, "
            + "no tree head): not logged"
    }
}

/// Frames the records of a log file's bytes and checks each record on its own (header check, kind, length,
/// checksum). What records mean together (indices, roots, signatures) is `LogReplay`'s.
struct LogParser {
    var records: [ParsedRecord] = []
    var problems: [LogProblem] = []
    /// The end of the last complete tree-head record (of the header when there is none): where the logged part
    /// of the file ends.
    var committedEnd: UInt64
    var tornTail: TornTail?

    /// Parses `bytes`, the file's bytes from offset `base` to its end: base 0 for a whole file (its header is
    /// checked), else the end of a tree-head record read before, whose record number is `firstRecord - 1`.
    init(bytes: [UInt8], base: UInt64 = 0, firstRecord: Int = 0) {
        committedEnd = base
        var offset = 0
        if base == 0 {
            guard bytes.count >= LogFormat.fileHeaderByteCount else {
                problems.append(.fileHeaderTruncated(size: UInt64(bytes.count)))
                return
            }
            guard Array(bytes[0 ..< 8]) == LogFormat.magic else {
                problems.append(.badMagic)
                return
            }
            let version = ByteReader.u16(bytes, at: 8)
            guard version == LogFormat.version else {
                problems.append(.unsupportedVersion(found: version))
                return
            }
            if ByteReader.u16(bytes, at: 10) != 0 { problems.append(.reservedNotZero(record: nil, offset: 10)) }
            offset = LogFormat.fileHeaderByteCount
            committedEnd = UInt64(offset)
        }
        var recordIndex = firstRecord
        var partial = false
        while offset < bytes.count {
            let remaining = bytes.count - offset
            guard remaining >= LogFormat.recordHeaderByteCount else {
                partial = true
                break
            }
            let at = base + UInt64(offset)
            guard Array(bytes[offset + 8 ..< offset + 12]) == LogFormat.headerCheck(bytes[offset ..< offset + 8]) else {
                problems.append(.recordHeaderCorrupt(record: recordIndex, offset: at))
                break
            }
            let kindByte = bytes[offset]
            let length = ByteReader.u32(bytes, at: offset + 4)
            guard let kind = LogFormat.Kind(rawValue: kindByte) else {
                problems.append(.unknownRecordKind(record: recordIndex, offset: at, kind: kindByte))
                break
            }
            if let expected = Self.lengthProblem(kind: kind, length: length) {
                problems.append(.invalidRecordLength(record: recordIndex, offset: at, length: length, expected: expected))
                break
            }
            if bytes[offset + 1] != 0 || bytes[offset + 2] != 0 || bytes[offset + 3] != 0 {
                problems.append(.reservedNotZero(record: recordIndex, offset: at + 1))
            }
            let payloadStart = offset + LogFormat.recordHeaderByteCount
            let payloadEnd = payloadStart + Int(length)
            let end = payloadEnd + LogFormat.checksumByteCount
            guard end <= bytes.count else {
                partial = true
                break
            }
            if Array(SHA256.hash(data: bytes[offset ..< payloadEnd])) != Array(bytes[payloadEnd ..< end]) {
                problems.append(.checksumMismatch(record: recordIndex, offset: at))
            }
            let content: ParsedRecord.Content
            switch kind {
            case .entry:
                content = .entry(leafIndex: ByteReader.u64(bytes, at: payloadStart),
                                 bytes: Array(bytes[payloadStart + 8 ..< payloadEnd]))
            case .treeHead:
                // The length was checked, so the decoding cannot fail.
                guard let signed = try? SignedTreeHead(serialized: Array(bytes[payloadStart ..< payloadEnd])) else {
                    preconditionFailure("a 144-byte tree-head payload always decodes")
                }
                content = .treeHead(signed)
            }
            let recordEnd = base + UInt64(end)
            records.append(ParsedRecord(index: recordIndex, offset: at, end: recordEnd, content: content))
            if kind == .treeHead { committedEnd = recordEnd }
            recordIndex += 1
            offset = end
        }
        classifyTail(fileSize: base + UInt64(bytes.count), partial: partial)
    }

    /// What is wrong with a payload length for a kind, or nil.
    private static func lengthProblem(kind: LogFormat.Kind, length: UInt32) -> String? {
        switch kind {
        case .entry:
            Int(length) >= 8 && Int(length) <= 8 + LogFormat.maxEntryBytes
                ? nil : "8 to \(8 + LogFormat.maxEntryBytes) for an entry"
        case .treeHead:
            Int(length) == SignedTreeHead.encodedByteCount ? nil : "\(SignedTreeHead.encodedByteCount) for a tree head"
        }
    }

    /// Sets `tornTail` when everything after the committed end is what an interrupted append leaves.
    private mutating func classifyTail(fileSize: UInt64, partial: Bool) {
        guard fileSize > committedEnd else { return }
        let tail = records.filter { $0.offset >= committedEnd }
        let tailProblems = problems.contains { problem in
            guard let record = problem.record else { return true }
            return tail.contains { $0.index == record } || record >= (records.last?.index ?? -1) + 1
        }
        guard !tailProblems else { return }
        let completeEnd = tail.last?.end ?? committedEnd
        guard partial || completeEnd == fileSize else { return }
        tornTail = TornTail(offset: committedEnd, length: fileSize - committedEnd, completeEntryRecords: tail.count)
    }
}
