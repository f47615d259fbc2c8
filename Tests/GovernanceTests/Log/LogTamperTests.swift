// Every kind of damage or alteration `verify` must name, with its record and offset.

import Crypto
import Foundation
import Testing
import Governance

@Suite("Append-only log: tampering named by verify")
struct LogTamperTests {
    let publicKey = LogFixture.logKey.publicKey

    @Test("a flipped byte at every offset of a small log is named, in its record")
    func everyByte() throws {
        let (directory, log) = try LogFixture.makeLog(count: 3)
        defer { try? FileManager.default.removeItem(at: directory) }
        let clean = try LogFixture.bytes(of: log)
        let ranges = LogFixture.recordRanges(clean)
        #expect(ranges.count == 6)
        // The flipped copies are verified from memory (the same code as from the file, without a file per byte).
        for offset in clean.indices {
            let damaged = flipped(clean, at: offset, bit: offset % 8)
            let report = AppendOnlyLog.verify(bytes: damaged, publicKey: publicKey, savedHead: nil)
            let expectedRecord = ranges.firstIndex { $0.contains(offset) }
            #expect(!report.isValid, "byte \(offset) flipped, verify found nothing")
            #expect(report.tornTail == nil, "byte \(offset) flipped, taken for an interrupted append")
            #expect(report.problems.first?.record == expectedRecord, "byte \(offset): \(report.problems)")
            if let record = expectedRecord {
                let named = report.problems.compactMap { problem -> UInt64? in
                    switch problem {
                    case let .checksumMismatch(_, at), let .recordHeaderCorrupt(_, at): at
                    default: nil
                    }
                }
                #expect(named.first == UInt64(ranges[record].lowerBound), "byte \(offset): \(report.problems)")
            }
            #expect(throws: GovernanceError.self) { try AppendOnlyLog.read(bytes: damaged, path: log.path) }
        }
        // And once through the file.
        try LogFixture.write(flipped(clean, at: clean.count / 2), to: log)
        #expect(!(try log.verify(publicKey: publicKey).isValid))
    }

    @Test("a deleted entry is named where the indices stop matching")
    func deletedEntry() throws {
        let (directory, log) = try LogFixture.makeLog(count: 5)
        defer { try? FileManager.default.removeItem(at: directory) }
        let clean = try LogFixture.bytes(of: log)
        var ranges = LogFixture.recordRanges(clean)
        // Entry 2 and its tree head.
        ranges.removeSubrange(4 ..< 6)
        let shortened = LogFixture.file(clean, records: ranges)
        try LogFixture.write(shortened, to: log)
        let report = try log.verify(publicKey: publicKey)
        let offset = UInt64(LogFixture.recordRanges(shortened)[4].lowerBound)
        #expect(report.problems.first == .entryIndexMismatch(record: 4, offset: offset, expected: 2, found: 3))
        #expect(report.problems.contains { if case .treeHeadSizeMismatch(5, _, 3, 4) = $0 { true } else { false } })
        // Only the entry record: its head is then one entry short.
        var onlyEntry = LogFixture.recordRanges(clean)
        onlyEntry.remove(at: 4)
        let withoutEntry = LogFixture.file(clean, records: onlyEntry)
        try LogFixture.write(withoutEntry, to: log)
        let second = try log.verify(publicKey: publicKey)
        let headOffset = UInt64(LogFixture.recordRanges(withoutEntry)[4].lowerBound)
        #expect(second.problems.first == .treeHeadSizeMismatch(record: 4, offset: headOffset,
                                                                entriesBefore: 2, claimed: 3))
    }

    @Test("a reordered pair of appends, or of entries re-framed with fresh indices, is named")
    func reorderedPair() throws {
        let (directory, log) = try LogFixture.makeLog(count: 5)
        defer { try? FileManager.default.removeItem(at: directory) }
        let clean = try LogFixture.bytes(of: log)
        let ranges = LogFixture.recordRanges(clean)
        var swapped = ranges
        swapped.swapAt(2, 4)
        swapped.swapAt(3, 5)
        try LogFixture.write(LogFixture.file(clean, records: swapped), to: log)
        let report = try log.verify(publicKey: publicKey)
        #expect(report.problems.first == .entryIndexMismatch(record: 2, offset: UInt64(ranges[2].lowerBound),
                                                              expected: 1, found: 2))
        // Entries 1 and 2 exchanged, each record rewritten with the index of its new place and a valid checksum:
        // only the Merkle roots (and so the signatures' coverage) show it.
        var forged = Array(clean[0 ..< ranges[2].lowerBound])
        forged += LogFormat.entryRecord(index: 1, entry: LogFixture.entry(2)) + clean[ranges[3]]
        forged += LogFormat.entryRecord(index: 2, entry: LogFixture.entry(1)) + clean[ranges[5].lowerBound...]
        try LogFixture.write(forged, to: log)
        let rooted = try log.verify(publicKey: publicKey)
        let first = try #require(rooted.problems.first)
        guard case let .rootMismatch(record, _, treeSize, _, _) = first else {
            Issue.record("expected a root mismatch first, got \(rooted.problems)")
            return
        }
        #expect(record == 3 && treeSize == 2)
        #expect(rooted.problems.contains { if case .rootMismatch(5, _, 3, _, _) = $0 { true } else { false } })
    }

    @Test("a truncated tail is caught only against a saved tree head, and then named")
    func truncatedTail() throws {
        let (directory, log) = try LogFixture.makeLog(count: 6)
        defer { try? FileManager.default.removeItem(at: directory) }
        let saved = try #require(try log.read().treeHeads.last)
        let clean = try LogFixture.bytes(of: log)
        let ranges = LogFixture.recordRanges(clean)
        try LogFixture.write(LogFixture.file(clean, records: Array(ranges.prefix(8))), to: log)
        // On its own the shorter log is a valid log of 4 entries: truncation needs an outside witness.
        #expect(try log.verify(publicKey: publicKey).isValid)
        let report = try log.verify(publicKey: publicKey, savedHead: saved)
        #expect(report.problems == [.shorterThanSavedHead(savedSize: 6, logSize: 4)])
        // Cutting the last tree head alone leaves what an interrupted append leaves: reported, not logged.
        try LogFixture.write(Array(clean[..<ranges[11].lowerBound]), to: log)
        let cut = try log.verify(publicKey: publicKey, savedHead: saved)
        #expect(cut.tornTail == TornTail(offset: UInt64(ranges[10].lowerBound),
                                         length: UInt64(ranges[10].count), completeEntryRecords: 1))
        #expect(cut.problems == [.shorterThanSavedHead(savedSize: 6, logSize: 5)])
    }

    @Test("history rewritten by the key holder, with the same key or a fresh one, fails against a saved head")
    func rewrittenHistory() throws {
        let (directory, log) = try LogFixture.makeLog(count: 4)
        defer { try? FileManager.default.removeItem(at: directory) }
        let saved = try #require(try log.read().treeHeads.last)
        // The same key signs a log whose second entry differs: every head is well signed and self-consistent.
        let (otherDirectory, rewritten) = try LogFixture.makeLog(count: 6) { $0 == 1 ? Array("hidden".utf8) : LogFixture.entry($0) }
        defer { try? FileManager.default.removeItem(at: otherDirectory) }
        #expect(try rewritten.verify(publicKey: publicKey).isValid)
        #expect(try rewritten.verify(publicKey: publicKey, savedHead: saved).problems
            == [.inconsistentWithSavedHead(savedSize: 4, logSize: 6)])
        // A fresh key: the log verifies under the new key, but not against a head saved under the old one.
        let fresh = LogFixture.key("fresh key")
        let (freshDirectory, renewed) = try LogFixture.makeLog(count: 4, key: fresh)
        defer { try? FileManager.default.removeItem(at: freshDirectory) }
        #expect(try renewed.verify(publicKey: fresh.publicKey).isValid)
        #expect(try renewed.verify(publicKey: fresh.publicKey, savedHead: saved).problems.first
            == .savedHeadSignatureInvalid(treeSize: 4))
        let underOldKey = try renewed.verify(publicKey: publicKey)
        #expect(underOldKey.problems.count == 4)
        #expect(underOldKey.problems.allSatisfy { if case .keyMismatch = $0 { true } else { false } })
    }

    @Test("a tree head signed by the wrong key, or with an earlier timestamp, is named")
    func wrongSignatureAndTimestamp() throws {
        let (directory, log) = try LogFixture.makeLog(count: 4)
        defer { try? FileManager.default.removeItem(at: directory) }
        let clean = try LogFixture.bytes(of: log)
        let ranges = LogFixture.recordRanges(clean)
        let head = try LogFixture.head(in: clean[ranges[5]]).head
        // Names the log's key but is signed by another one.
        var forged = Array(clean[..<ranges[5].lowerBound]) + LogFixture.headRecord(head, signedBy: LogFixture.otherKey)
        forged += clean[ranges[6].lowerBound...]
        try LogFixture.write(forged, to: log)
        let at = UInt64(ranges[5].lowerBound)
        #expect(try log.verify(publicKey: publicKey).problems == [.signatureInvalid(record: 5, offset: at, treeSize: 3)])
        var mutable = log
        #expect(throws: GovernanceError.self) { try mutable.append([1], signingKey: LogFixture.otherKey) }
        // Signed by the log key, but earlier than the head before it.
        var early = head
        early.timestampMilliseconds -= 10_000
        forged = Array(clean[..<ranges[5].lowerBound]) + LogFixture.headRecord(early, signedBy: LogFixture.logKey)
        forged += clean[ranges[6].lowerBound...]
        try LogFixture.write(forged, to: log)
        #expect(try log.verify(publicKey: publicKey).problems
            == [.timestampDecreased(record: 5, offset: at, previous: head.timestampMilliseconds - 1000,
                                    found: early.timestampMilliseconds)])
    }

    @Test("a re-signed head over another root breaks the consistency with both neighbours")
    func inconsistentHead() throws {
        let (directory, log) = try LogFixture.makeLog(count: 4)
        defer { try? FileManager.default.removeItem(at: directory) }
        let clean = try LogFixture.bytes(of: log)
        let ranges = LogFixture.recordRanges(clean)
        var head = try LogFixture.head(in: clean[ranges[3]]).head
        let claimed = MerkleHash.leaf(Array("another history".utf8))
        let computed = head.root
        head.root = claimed
        var forged = Array(clean[..<ranges[3].lowerBound]) + LogFixture.headRecord(head, signedBy: LogFixture.logKey)
        forged += clean[ranges[4].lowerBound...]
        try LogFixture.write(forged, to: log)
        let at = UInt64(ranges[3].lowerBound)
        #expect(try log.verify(publicKey: publicKey).problems == [
            .rootMismatch(record: 3, offset: at, treeSize: 2, computed: computed, claimed: claimed),
            .inconsistentWithPreviousHead(record: 3, offset: at, previousSize: 1, size: 2),
            .inconsistentWithPreviousHead(record: 5, offset: UInt64(ranges[5].lowerBound), previousSize: 2, size: 3),
        ])
    }
}
