import Crypto
import Foundation
import Testing
import Governance

@Suite("Append-only log: appending, reading, proofs")
struct AppendOnlyLogTests {
    @Test("appended entries are logged in order, each under a signed head whose root covers it")
    func appendAndRead() throws {
        let (directory, log) = try LogFixture.makeLog(count: 9)
        defer { try? FileManager.default.removeItem(at: directory) }
        let contents = try log.read()
        #expect(contents.entries == (0 ..< 9).map(LogFixture.entry))
        #expect(contents.treeHeads.count == 9)
        #expect(contents.tornTail == nil)
        let publicKey = LogFixture.logKey.publicKey
        for (i, signed) in contents.treeHeads.enumerated() {
            #expect(signed.head.size == UInt64(i + 1))
            #expect(signed.head.root == definitionRoot(contents.entries[...i]))
            #expect(signed.head.timestampMilliseconds == AppendOnlyLog.milliseconds(LogFixture.time(i)))
            #expect(signed.head.keyID == LogKeyID(publicKey: publicKey))
            #expect(signed.isValid(for: publicKey))
        }
        let report = try log.verify(publicKey: publicKey, savedHead: contents.treeHeads[3])
        #expect(report.isValid, "\(report.problems)")
        #expect(report.entryCount == 9)
        #expect(report.treeHeadCount == 9)
        #expect(report.latestHead == contents.latestHead)
    }

    @Test("a third party checks an inclusion proof with only the signed head, the entry and the log's public key")
    func thirdPartyInclusion() throws {
        let (directory, log) = try LogFixture.makeLog(count: 13)
        defer { try? FileManager.default.removeItem(at: directory) }
        let contents = try log.read()
        let publicKey = LogFixture.logKey.publicKey
        for size in [5, 13] as [UInt64] {
            let head = contents.treeHeads[Int(size) - 1]
            let transported = try SignedTreeHead(serialized: head.serialized)
            #expect(transported == head)
            for index in 0 ..< size {
                let proof = try InclusionProof(serialized: try contents.inclusionProof(leafIndex: index, treeSize: size)
                    .serialized)
                try proof.verify(entry: contents.entries[Int(index)], against: transported, publicKey: publicKey)
                #expect(throws: GovernanceError.inclusionProofInvalid(leafIndex: index, treeSize: size)) {
                    try proof.verify(entry: LogFixture.entry(99), against: transported, publicKey: publicKey)
                }
            }
        }
        let proof = try contents.inclusionProof(leafIndex: 2)
        #expect(throws: GovernanceError.proofTreeSizeMismatch(proofSize: 13, headSize: 5)) {
            try proof.verify(entry: contents.entries[2], against: contents.treeHeads[4], publicKey: publicKey)
        }
        #expect(throws: GovernanceError.self) {
            try proof.verify(entry: contents.entries[2], against: contents.treeHeads[12],
                             publicKey: LogFixture.otherKey.publicKey)
        }
        var forged = contents.treeHeads[12]
        forged.signature = flipped(forged.signature, at: 10)
        #expect(throws: GovernanceError.treeHeadSignatureInvalid(treeSize: 13)) {
            try proof.verify(entry: contents.entries[2], against: forged, publicKey: publicKey)
        }
    }

    @Test("serialised proofs and heads of the wrong form are refused with the offset")
    func serialisation() throws {
        let proof = InclusionProof(leafIndex: 1, treeSize: 3, path: [.emptyTree, .leaf([1])])
        let bytes = proof.serialized
        #expect(bytes.count == 24 + 64)
        #expect(try InclusionProof(serialized: bytes) == proof)
        #expect(throws: GovernanceError.invalidEncoding(what: "inclusion proof", offset: 0, expected: "magic \"HLIP\"")) {
            try InclusionProof(serialized: flipped(bytes, at: 0))
        }
        #expect(throws: GovernanceError.self) { try InclusionProof(serialized: Array(bytes.dropLast())) }
        #expect(throws: GovernanceError.self) { try InclusionProof(serialized: bytes + [0]) }
        #expect(throws: GovernanceError.self) { try SignedTreeHead(serialized: [UInt8](repeating: 0, count: 143)) }
        #expect(throws: GovernanceError.invalidHashLength(length: 31, expected: 32)) {
            try MerkleHash(bytes: [UInt8](repeating: 0, count: 31))
        }
    }

    @Test("the tree-head encoding is the documented 80 bytes behind the signing context")
    func treeHeadEncoding() throws {
        let head = TreeHead(size: 0x0102, root: .emptyTree, timestampMilliseconds: 0x0A0B,
                            keyID: LogKeyID(publicKey: LogFixture.logKey.publicKey))
        let body = head.encoded
        #expect(body.count == 80)
        #expect(Array(body[0 ..< 8]) == [0x02, 0x01, 0, 0, 0, 0, 0, 0])
        #expect(Array(body[8 ..< 40]) == MerkleHash.emptyTree.bytes)
        #expect(Array(body[40 ..< 48]) == [0x0B, 0x0A, 0, 0, 0, 0, 0, 0])
        #expect(Array(body[48 ..< 80]) == Array(SHA256.hash(data: LogFixture.logKey.publicKey.rawRepresentation)))
        #expect(head.signedMessage == Array("he-toolkit/merkle-log/tree-head/v1".utf8) + body)
        #expect(try TreeHead(encoded: body) == head)
        let signed = try SignedTreeHead.sign(head, with: LogFixture.logKey)
        #expect(LogFixture.logKey.publicKey.isValidSignature(signed.signature, for: head.signedMessage))
        #expect(!LogFixture.logKey.publicKey.isValidSignature(signed.signature, for: body))
    }

    @Test("timestamps never decrease, even when the clock goes back")
    func clockGoesBack() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var log = AppendOnlyLog(path: directory.appendingPathComponent("log").path)
        let first = try log.append([1], signingKey: LogFixture.logKey, time: LogFixture.time(100))
        let second = try log.append([2], signingKey: LogFixture.logKey, time: LogFixture.time(5))
        #expect(second.signedHead.head.timestampMilliseconds == first.signedHead.head.timestampMilliseconds)
        #expect(try log.verify(publicKey: LogFixture.logKey.publicKey).isValid)
    }

    @Test("another key, an oversized entry or a missing file are refused, and nothing is written")
    func refusals() throws {
        var (directory, log) = try LogFixture.makeLog(count: 2)
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = try LogFixture.bytes(of: log)
        #expect(throws: GovernanceError.signingKeyMismatch(logKeyID: LogKeyID(publicKey: LogFixture.logKey.publicKey),
                                                           givenKeyID: LogKeyID(publicKey: LogFixture.otherKey.publicKey))) {
            try log.append([3], signingKey: LogFixture.otherKey)
        }
        #expect(throws: GovernanceError.entryTooLarge(size: (1 << 24) + 1, limit: 1 << 24)) {
            try log.append([UInt8](repeating: 0, count: (1 << 24) + 1), signingKey: LogFixture.logKey)
        }
        #expect(try LogFixture.bytes(of: log) == before)
        let missing = AppendOnlyLog(path: directory.appendingPathComponent("absent").path)
        #expect(throws: GovernanceError.logNotFound(path: missing.path)) { try missing.read() }
    }

    @Test("a second value continues the log another wrote, and a value notices the file shrinking")
    func separateValues() throws {
        var (directory, first) = try LogFixture.makeLog(count: 3)
        defer { try? FileManager.default.removeItem(at: directory) }
        var second = AppendOnlyLog(path: first.path)
        #expect(try second.append(LogFixture.entry(3), signingKey: LogFixture.logKey).leafIndex == 3)
        #expect(try first.append(LogFixture.entry(4), signingKey: LogFixture.logKey).leafIndex == 4)
        #expect(try second.append(LogFixture.entry(5), signingKey: LogFixture.logKey).leafIndex == 5)
        #expect(try first.read().entries == (0 ..< 6).map(LogFixture.entry))
        #expect(try first.verify(publicKey: LogFixture.logKey.publicKey).isValid)
        // Cut the last append off behind both values' backs, in place (same inode).
        let bytes = try LogFixture.bytes(of: first)
        let ranges = LogFixture.recordRanges(bytes)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: first.path))
        try handle.truncate(atOffset: UInt64(ranges[ranges.count - 2].lowerBound))
        try handle.close()
        #expect(throws: GovernanceError.logShrank(path: first.path, knownSize: UInt64(bytes.count),
                                                  size: UInt64(ranges[ranges.count - 2].lowerBound))) {
            try second.append([9], signingKey: LogFixture.logKey)
        }
        // `first` had not read that append: to it the file is as it left it, and it goes on.
        #expect(try first.append([9], signingKey: LogFixture.logKey).leafIndex == 5)
    }
}

@Suite("Append-only log: timestamps")
struct TimestampTests {
    @Test("dates before 1970 and beyond u64 milliseconds are clamped, not trapped on")
    func clamped() {
        #expect(AppendOnlyLog.milliseconds(Date(timeIntervalSince1970: -5)) == 0)
        #expect(AppendOnlyLog.milliseconds(Date(timeIntervalSince1970: 1.5)) == 1500)
        #expect(AppendOnlyLog.milliseconds(Date(timeIntervalSince1970: 1e300)) == .max)
        #expect(AppendOnlyLog.milliseconds(Date(timeIntervalSince1970: .nan)) == 0)
    }
}

@Suite("Append-only log: consistency between saved heads")
struct ConsistencyProofTests {
    @Test("a third party holding an earlier and a later signed head checks the log's consistency proof")
    func thirdPartyConsistency() throws {
        let (directory, log) = try LogFixture.makeLog(count: 11)
        defer { try? FileManager.default.removeItem(at: directory) }
        let contents = try log.read()
        let publicKey = LogFixture.logKey.publicKey
        for (old, new) in [(1, 11), (4, 11), (6, 8), (11, 11), (3, 4)] as [(UInt64, UInt64)] {
            let proof = try ConsistencyProof(serialized: try contents.consistencyProof(oldSize: old, newSize: new)
                .serialized)
            let (older, newer) = (contents.treeHeads[Int(old) - 1], contents.treeHeads[Int(new) - 1])
            try proof.verify(from: older, to: newer, publicKey: publicKey)
            if old != new {
                #expect(throws: GovernanceError.self) { try proof.verify(from: newer, to: older, publicKey: publicKey) }
                var forged = older
                forged.head.root = .leaf([0])
                #expect(throws: GovernanceError.treeHeadSignatureInvalid(treeSize: old)) {
                    try proof.verify(from: forged, to: newer, publicKey: publicKey)
                }
            }
        }
        // Heads of a history rewritten under the same key: well signed, but no proof joins them to the old ones.
        let (otherDirectory, rewritten) = try LogFixture.makeLog(count: 11) { $0 == 2 ? [9] : LogFixture.entry($0) }
        defer { try? FileManager.default.removeItem(at: otherDirectory) }
        let other = try rewritten.read()
        let proof = try other.consistencyProof(oldSize: 5)
        #expect(throws: GovernanceError.consistencyProofInvalid(oldSize: 5, newSize: 11)) {
            try proof.verify(from: contents.treeHeads[4], to: other.treeHeads[10], publicKey: publicKey)
        }
        #expect(throws: GovernanceError.self) { try ConsistencyProof(serialized: Array(proof.serialized.dropLast())) }
    }
}
