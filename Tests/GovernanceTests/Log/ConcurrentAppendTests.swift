// Two appenders at once, each with its own open of the log (as two processes would have): the flock on the lock
// file serialises them, so both streams are logged completely, each in its own order, and the log verifies.

import Crypto
import Dispatch
import Foundation
import Synchronization
import Testing
import Governance

@Suite("Append-only log: concurrent appenders")
struct ConcurrentAppendTests {
    static let perAppender = 40

    @Test("two threads with separate opens both get every entry logged, in order")
    func twoAppenders() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("decryptions.log").path
        let receipts = Mutex<[String: [UInt64]]>([:])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            let name = worker == 0 ? "A" : "B"
            var log = AppendOnlyLog(path: path)
            let key = LogFixture.logKey
            for i in 0 ..< Self.perAppender {
                do {
                    let receipt = try log.append(Array("\(name)-\(i)".utf8), signingKey: key)
                    receipts.withLock { $0[name, default: []].append(receipt.leafIndex) }
                } catch {
                    failures.withLock { $0.append("\(name)-\(i): \(error)") }
                }
            }
        }
        #expect(failures.withLock { $0 } == [])
        let log = AppendOnlyLog(path: path)
        let contents = try log.read()
        #expect(contents.entries.count == 2 * Self.perAppender)
        #expect(contents.tornTail == nil)
        let indices = receipts.withLock { $0 }
        for name in ["A", "B"] {
            let mine = try #require(indices[name])
            #expect(mine == mine.sorted() && Set(mine).count == Self.perAppender, "\(name) out of order: \(mine)")
            for (i, index) in mine.enumerated() {
                #expect(contents.entries[Int(index)] == Array("\(name)-\(i)".utf8))
            }
        }
        #expect(Set(indices.values.joined()).count == 2 * Self.perAppender)
        let report = try log.verify(publicKey: LogFixture.logKey.publicKey)
        #expect(report.isValid, "\(report.problems)")
    }
}
