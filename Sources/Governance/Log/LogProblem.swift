/// One thing wrong with a log file, found by reading or verifying it. Records are numbered from 0 in file order;
/// offsets are byte offsets in the file (the start of the record unless said otherwise).
public enum LogProblem: Hashable, Sendable, CustomStringConvertible {
    /// The file is shorter than its 12-byte header.
    case fileHeaderTruncated(size: UInt64)
    /// The file does not begin with the log magic "\x89HELOG\r\n": not a log, or its first bytes are damaged.
    case badMagic
    /// The header names a format version this reader does not know.
    case unsupportedVersion(found: UInt16)
    /// A reserved field is not 0.
    case reservedNotZero(record: Int?, offset: UInt64)
    /// A record header's 4-byte check does not match: its kind or length is damaged, so nothing after it can
    /// be framed.
    case recordHeaderCorrupt(record: Int, offset: UInt64)
    /// A record kind other than 1 (entry) or 2 (tree head).
    case unknownRecordKind(record: Int, offset: UInt64, kind: UInt8)
    /// A payload length impossible for the record's kind.
    case invalidRecordLength(record: Int, offset: UInt64, length: UInt32, expected: String)
    /// A record's SHA-256 checksum does not match its bytes (a changed byte in its payload or checksum).
    case checksumMismatch(record: Int, offset: UInt64)
    /// An entry record's leaf index is not the number of entries before it: an entry was removed, inserted
    /// or moved.
    case entryIndexMismatch(record: Int, offset: UInt64, expected: UInt64, found: UInt64)
    /// A tree head's size is not the number of entries before it.
    case treeHeadSizeMismatch(record: Int, offset: UInt64, entriesBefore: UInt64, claimed: UInt64)
    /// A tree head's root is not the Merkle root of the entries before it.
    case rootMismatch(record: Int, offset: UInt64, treeSize: UInt64, computed: MerkleHash, claimed: MerkleHash)
    /// A tree head names a key other than the one the log is verified with.
    case keyMismatch(record: Int, offset: UInt64, expected: LogKeyID, found: LogKeyID)
    /// A tree head's Ed25519 signature does not verify under the log key.
    case signatureInvalid(record: Int, offset: UInt64, treeSize: UInt64)
    /// A tree head's timestamp is earlier than the previous head's.
    case timestampDecreased(record: Int, offset: UInt64, previous: UInt64, found: UInt64)
    /// No consistency proof joins a tree head to the one before it: the earlier head's tree is not a prefix.
    case inconsistentWithPreviousHead(record: Int, offset: UInt64, previousSize: UInt64, size: UInt64)
    /// The tree head saved earlier is not signed by the log key (or names another key).
    case savedHeadSignatureInvalid(treeSize: UInt64)
    /// The log has fewer logged entries than a tree head saved earlier: its tail was cut off.
    case shorterThanSavedHead(savedSize: UInt64, logSize: UInt64)
    /// The log's entries do not extend the tree of a head saved earlier: entries up to the saved size were
    /// changed, removed, inserted or reordered since.
    case inconsistentWithSavedHead(savedSize: UInt64, logSize: UInt64)

    /// The record the problem is in, when it is in one.
    public var record: Int? {
        switch self {
        case .fileHeaderTruncated, .badMagic, .unsupportedVersion, .savedHeadSignatureInvalid, .shorterThanSavedHead,
             .inconsistentWithSavedHead: nil
        case let .reservedNotZero(record, _): record
        case let .recordHeaderCorrupt(record, _), let .unknownRecordKind(record, _, _),
             let .invalidRecordLength(record, _, _, _), let .checksumMismatch(record, _),
             let .entryIndexMismatch(record, _, _, _), let .treeHeadSizeMismatch(record, _, _, _),
             let .rootMismatch(record, _, _, _, _), let .keyMismatch(record, _, _, _),
             let .signatureInvalid(record, _, _), let .timestampDecreased(record, _, _, _),
             let .inconsistentWithPreviousHead(record, _, _, _): record
        }
    }

    public var description: String {
        func at(_ record: Int, _ offset: UInt64) -> String { "record \(record) (byte \(offset))" }
        switch self {
        case let .fileHeaderTruncated(size): return "file of \(size) bytes is shorter than the 12-byte log header"
        case .badMagic: return "bytes 0-7 are not the log magic \\x89HELOG\\r\\n"
        case let .unsupportedVersion(found): return "format version \(found) at byte 8; this reader knows version 1"
        case let .reservedNotZero(record, offset):
            return (record.map { "\(at($0, offset)): " } ?? "byte \(offset): ") + "reserved bytes are not 0"
        case let .recordHeaderCorrupt(record, offset):
            return "\(at(record, offset)): record header check mismatch (kind or length damaged); "
                + "nothing after it can be read"
        case let .unknownRecordKind(record, offset, kind):
            return "\(at(record, offset)): record kind \(kind), expected 1 (entry) or 2 (tree head)"
        case let .invalidRecordLength(record, offset, length, expected):
            return "\(at(record, offset)): payload length \(length), expected \(expected)"
        case let .checksumMismatch(record, offset): return "\(at(record, offset)): checksum mismatch"
        case let .entryIndexMismatch(record, offset, expected, found):
            return "\(at(record, offset)): entry carries index \(found), expected \(expected) "
                + "(an entry was removed, inserted or moved)"
        case let .treeHeadSizeMismatch(record, offset, entriesBefore, claimed):
            return "\(at(record, offset)): tree head claims size \(claimed) after \(entriesBefore) entries"
        case let .rootMismatch(record, offset, treeSize, computed, claimed):
            return "\(at(record, offset)): tree head root \(claimed) for size \(treeSize), "
                + "the entries give \(computed)"
        case let .keyMismatch(record, offset, expected, found):
            return "\(at(record, offset)): tree head names key \(found), expected \(expected)"
        case let .signatureInvalid(record, offset, treeSize):
            return "\(at(record, offset)): signature of the tree head of size \(treeSize) does not verify"
        case let .timestampDecreased(record, offset, previous, found):
            return "\(at(record, offset)): timestamp \(found) ms is before the previous head's \(previous) ms"
        case let .inconsistentWithPreviousHead(record, offset, previousSize, size):
            return "\(at(record, offset)): tree head of size \(size) is not consistent with the previous "
                + "head of size \(previousSize)"
        case let .savedHeadSignatureInvalid(treeSize):
            return "the saved tree head of size \(treeSize) is not signed by the log key"
        case let .shorterThanSavedHead(savedSize, logSize):
            return "the log holds \(logSize) logged entries, fewer than the \(savedSize) of the saved tree head "
                + "(its tail was removed)"
        case let .inconsistentWithSavedHead(savedSize, logSize):
            return "the log of \(logSize) entries does not extend the saved tree head of size \(savedSize) "
                + "(entries were changed, removed or reordered)"
        }
    }
}
