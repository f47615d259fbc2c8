// Crash consistency: whatever byte prefix of an append reaches the file, reopening gives the state before it (the
// torn bytes reported, never taken for an entry) and the next append cuts them off and logs normally.

import Crypto
import Foundation
import Testing
import Governance

@Suite("Append-only log: interrupted appends")
struct TornTailTests {
    @Test("every byte prefix of the last append reads as the previous state, and the next append repairs it")
    func everyPrefix() throws {
        // On tmpfs when there is one: the appends' fsyncs are what the test repeats most, and cost nothing there.
        let (directory, log) = try LogFixture.makeLog(count: 3, in: LogFixture.fastDirectory)
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = try LogFixture.bytes(of: log)
        let previousHead = try log.read().latestHead
        var extended = log
        try extended.append(LogFixture.entry(3), signingKey: LogFixture.logKey, time: LogFixture.time(3))
        let after = try LogFixture.bytes(of: log)
        let publicKey = LogFixture.logKey.publicKey
        for length in before.count ..< after.count {
            try LogFixture.write(Array(after[..<length]), to: log)
            let contents = try log.read()
            #expect(contents.entries == (0 ..< 3).map(LogFixture.entry), "prefix \(length)")
            #expect(contents.latestHead == previousHead)
            let torn = length - before.count
            let entryRecordLength = LogFormat.recordOverhead + 8 + LogFixture.entry(3).count
            #expect(contents.tornTail == (torn == 0 ? nil : TornTail(offset: UInt64(before.count), length: UInt64(torn),
                                                                     completeEntryRecords: torn >= entryRecordLength ? 1 : 0)))
            let report = try log.verify(publicKey: publicKey)
            #expect(report.isValid && report.entryCount == 3, "prefix \(length): \(report.problems)")
            // A fresh value (a new process) appends: the torn bytes go, the entry is logged as leaf 3.
            var next = AppendOnlyLog(path: log.path)
            let receipt = try next.append(Array("after the crash".utf8), signingKey: LogFixture.logKey,
                                          time: LogFixture.time(4))
            #expect(receipt.leafIndex == 3)
            let repaired = try log.read()
            #expect(repaired.tornTail == nil)
            #expect(repaired.entries == (0 ..< 3).map(LogFixture.entry) + [Array("after the crash".utf8)])
            #expect(try log.verify(publicKey: publicKey).isValid)
        }
    }

    @Test("bytes after the last head that no append could have left are damage: read and append refuse them")
    func garbageIsNotTorn() throws {
        let (directory, log) = try LogFixture.makeLog(count: 2)
        defer { try? FileManager.default.removeItem(at: directory) }
        let clean = try LogFixture.bytes(of: log)
        // Zeros as a filesystem may leave after a crash, a full record header of them included.
        let damaged = clean + [UInt8](repeating: 0, count: 20)
        try LogFixture.write(damaged, to: log)
        let report = try log.verify(publicKey: LogFixture.logKey.publicKey)
        #expect(report.tornTail == nil)
        #expect(report.problems == [.recordHeaderCorrupt(record: 4, offset: UInt64(clean.count))])
        #expect(throws: GovernanceError.logDamaged(path: log.path, problem: report.problems[0])) { try log.read() }
        var next = AppendOnlyLog(path: log.path)
        #expect(throws: GovernanceError.logDamaged(path: log.path, problem: report.problems[0])) {
            try next.append([1], signingKey: LogFixture.logKey)
        }
        #expect(try LogFixture.bytes(of: log) == damaged)
        // A short tail of zeros (fewer than a record header) is indistinguishable from a cut-off header.
        try LogFixture.write(clean + [0, 0, 0], to: log)
        #expect(try log.read().tornTail == TornTail(offset: UInt64(clean.count), length: 3, completeEntryRecords: 0))
    }

    @Test("a missing or damaged file header is named, not repaired")
    func fileHeader() throws {
        let (directory, log) = try LogFixture.makeLog(count: 1)
        defer { try? FileManager.default.removeItem(at: directory) }
        let clean = try LogFixture.bytes(of: log)
        try LogFixture.write(Array(clean[..<5]), to: log)
        #expect(throws: GovernanceError.logDamaged(path: log.path, problem: .fileHeaderTruncated(size: 5))) {
            try log.read()
        }
        var version = clean
        version[8] = 2
        try LogFixture.write(version, to: log)
        #expect(throws: GovernanceError.logDamaged(path: log.path, problem: .unsupportedVersion(found: 2))) {
            try log.read()
        }
        var next = AppendOnlyLog(path: log.path)
        #expect(throws: GovernanceError.logDamaged(path: log.path, problem: .unsupportedVersion(found: 2))) {
            try next.append([1], signingKey: LogFixture.logKey)
        }
    }
}
