// Decryption-log files as `AppendOnlyLog.read`, `verify` and `append` open them (docs/AUDIT-LOG.md). Input: the log
// file. When only record checks fail, the bytes are tried again with every record's header check and checksum
// recomputed, so mutations reach the entry, tree-head and Merkle checks. The log key is the fixed test key of
// Tests/governance-log-writer (which wrote the seeds); it protects nothing.
// Invariants: read succeeds exactly when verify finds no problem other than signatures and keys (and the heads name
// one key); a log that reads
// has the same entries, heads and interrupted append in read and verify, and every entry's inclusion proof leads
// to the latest head's root; a log that verifies takes one more append (which removes an interrupted append) and
// then verifies with one more entry.
import Crypto
import FuzzSupport
import Governance

func testKey() -> Curve25519.Signing.PrivateKey {
    try! Curve25519.Signing.PrivateKey(rawRepresentation: Array(SHA256.hash(data: Array("log key of the tests".utf8))))
}

/// The bytes with every framable record's header check and checksum recomputed, or nil when nothing changed.
func withRecordChecksFixed(_ bytes: [UInt8]) -> [UInt8]? {
    guard bytes.count >= 12 else { return nil }
    var fixed = bytes
    var offset = 12
    while offset + 12 <= fixed.count {
        let length = Int(fixed[offset + 4]) | Int(fixed[offset + 5]) << 8 | Int(fixed[offset + 6]) << 16
            | Int(fixed[offset + 7]) << 24
        fixed.replaceSubrange(offset + 8 ..< offset + 12, with: Array(SHA256.hash(data: fixed[offset ..< offset + 8])).prefix(4))
        let end = offset + 12 + length
        guard end + 32 <= fixed.count else { break }
        fixed.replaceSubrange(end ..< end + 32, with: Array(SHA256.hash(data: fixed[offset ..< end])))
        offset = end + 32
    }
    return fixed == bytes ? nil : fixed
}

func isKeyProblem(_ problem: LogProblem) -> Bool {
    switch problem {
    case .signatureInvalid, .keyMismatch: true
    default: false
    }
}

func examine(_ bytes: [UInt8]) -> Bool {
    let key = testKey()
    let path = Scratch.write("decryptions.log", bytes)
    Scratch.remove("decryptions.log.lock")
    var log = AppendOnlyLog(path: path)
    let report: LogVerificationReport
    do {
        report = try log.verify(publicKey: key.publicKey)
    } catch {
        invariantFailure("verify threw on a readable file: \(error)")
    }
    let structural = report.problems.filter { !isKeyProblem($0) }
    let contents: LogContents
    do {
        contents = try log.read()
    } catch {
        // Without the key, read refuses what verify finds, and a change of key between heads.
        var keyChange = false
        if case let .logDamaged(_, problem) = error, case .keyMismatch = problem { keyChange = true }
        check(!structural.isEmpty || keyChange, "read failed (\(error)) but verify found \(report.problems)")
        return false
    }
    check(structural.isEmpty, "read succeeded but verify found \(report.problems)")
    check(contents.size == report.entryCount, "read \(contents.size) entries, verify \(report.entryCount)")
    check(contents.treeHeads.count == report.treeHeadCount && contents.latestHead == report.latestHead,
          "read and verify disagree on the tree heads")
    check(contents.tornTail == report.tornTail, "read and verify disagree on the interrupted append")
    if let head = contents.latestHead?.head {
        check(head.size == contents.size, "the latest head does not cover every logged entry")
        for (index, entry) in contents.entries.enumerated() {
            guard let proof = try? contents.inclusionProof(leafIndex: UInt64(index)) else {
                invariantFailure("no inclusion proof for entry \(index) of \(contents.size)")
            }
            check(MerkleProof.verifyInclusion(leafIndex: UInt64(index), treeSize: head.size, leafHash: .leaf(entry),
                                              path: proof.path, root: head.root), "inclusion proof \(index) fails")
        }
    }
    guard report.isValid else { return true }
    do {
        let receipt = try log.append([0x2A], signingKey: key)
        check(receipt.leafIndex == contents.size, "appended at \(receipt.leafIndex), expected \(contents.size)")
        let after = try log.verify(publicKey: key.publicKey)
        check(after.isValid && after.tornTail == nil && after.entryCount == contents.size + 1,
              "after one append: \(after.problems), torn \(String(describing: after.tornTail))")
    } catch {
        invariantFailure("a log that verifies refused an append: \(error)")
    }
    return true
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMerkleLog(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    if !examine(input.bytes), let fixed = withRecordChecksFixed(input.bytes) { _ = examine(fixed) }
    return 0
}

FuzzDriver.run(fuzzMerkleLog)
