#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every error the Governance module throws.
///
/// Each case says what was wrong and where (file, record, byte offset) and what was expected. No case carries key
/// material: keys appear only as their public key ids (SHA-256 of the public key).
public enum GovernanceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A hash of another length than 32 bytes.
    case invalidHashLength(length: Int, expected: Int)
    /// A tree size larger than the tree (or than the other size of a proof).
    case treeSizeOutOfRange(size: UInt64, available: UInt64)
    /// A leaf index not below the tree size.
    case leafIndexOutOfRange(index: UInt64, treeSize: UInt64)
    /// Serialised bytes (tree head, inclusion proof) that do not have the documented form.
    case invalidEncoding(what: String, offset: Int, expected: String)
    /// A key other than the log's: the log (or tree head) names `logKeyID`, the key given has `givenKeyID`.
    case signingKeyMismatch(logKeyID: LogKeyID, givenKeyID: LogKeyID)
    /// The Ed25519 signer reported a failure.
    case signingFailed
    /// A signed tree head whose signature does not verify under the log key.
    case treeHeadSignatureInvalid(treeSize: UInt64)
    /// An inclusion proof for another tree size than the signed tree head it is checked against.
    case proofTreeSizeMismatch(proofSize: UInt64, headSize: UInt64)
    /// An inclusion proof that does not lead from the entry to the tree head's root.
    case inclusionProofInvalid(leafIndex: UInt64, treeSize: UInt64)
    /// A consistency proof that does not show the older tree to be a prefix of the newer one.
    case consistencyProofInvalid(oldSize: UInt64, newSize: UInt64)
    /// An entry larger than a log record holds.
    case entryTooLarge(size: Int, limit: Int)
    /// A system call on a file failed (`errno` is the C error number).
    case fileOperationFailed(path: String, operation: String, errno: Int32)
    /// A log file is damaged or was altered: what, in which record and at which byte is in `problem`.
    case logDamaged(path: String, problem: LogProblem)
    /// A log file is shorter than when this process last read it: it was truncated or replaced by another
    /// writer.
    case logShrank(path: String, knownSize: UInt64, size: UInt64)
    /// A log file does not exist.
    case logNotFound(path: String)

    public var description: String {
        switch self {
        case let .invalidHashLength(length, expected): "hash of \(length) bytes, expected \(expected)"
        case let .treeSizeOutOfRange(size, available): "tree size \(size) exceeds \(available)"
        case let .leafIndexOutOfRange(index, treeSize): "leaf index \(index) is not below the tree size \(treeSize)"
        case let .invalidEncoding(what, offset, expected): "\(what), byte \(offset): expected \(expected)"
        case let .signingKeyMismatch(logKeyID, givenKeyID):
            "the log's key is \(logKeyID), the key given is \(givenKeyID)"
        case .signingFailed: "Ed25519 signing failed"
        case let .treeHeadSignatureInvalid(treeSize):
            "the signature of the tree head of size \(treeSize) does not verify under the log key"
        case let .proofTreeSizeMismatch(proofSize, headSize):
            "the proof is for a tree of \(proofSize) entries, the tree head has \(headSize)"
        case let .inclusionProofInvalid(leafIndex, treeSize):
            "the proof does not show the entry as leaf \(leafIndex) of the tree of \(treeSize) entries"
        case let .consistencyProofInvalid(oldSize, newSize):
            "the proof does not show the tree of \(oldSize) entries to be a prefix of the tree of \(newSize)"
        case let .entryTooLarge(size, limit): "entry of \(size) bytes exceeds the limit of \(limit)"
        case let .fileOperationFailed(path, operation, errno):
            "\(path): \(operation) failed: \(String(cString: strerror(errno))) (errno \(errno))"
        case let .logDamaged(path, problem): "\(path): \(problem)"
        case let .logShrank(path, knownSize, size):
            "\(path): the log is now \(size) bytes, shorter than the \(knownSize) bytes already read"
        case let .logNotFound(path): "\(path): no such log"
        }
    }
}
