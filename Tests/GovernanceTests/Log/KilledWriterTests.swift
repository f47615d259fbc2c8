// A writer process killed with SIGKILL at an arbitrary moment of its appends: every entry it reported as logged is
// in the log, at most one more is (logged, killed before reporting), the log verifies, and the next append repairs
// whatever the kill left. The moments are not controlled; TornTailTests covers every byte prefix deterministically.

import Dispatch
import Foundation
import Testing
import Governance
#if canImport(Glibc)
import Glibc
#endif

@Suite("Append-only log: writer processes (killed with SIGKILL, or two at once)")
struct KilledWriterTests {
    static let writer: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: exe).deletingLastPathComponent()
        while directory.path != "/",
              !FileManager.default.fileExists(atPath: directory.appendingPathComponent("governance-log-writer").path) {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("governance-log-writer").path
    }()

    struct Stalled: Error, CustomStringConvertible { var description: String }

    /// Starts the writer on `log`, kills it once it has reported `reported` entries, returns what it reported.
    static func killWriter(log: String, start: Int, after reported: Int) throws -> [Int] {
        let output = log + ".stdout"
        FileManager.default.createFile(atPath: output, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: writer)
        process.arguments = [log, String(start), "1000000"]
        process.standardOutput = handle
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        // Wait (without any assertion on time) until enough appends were reported; give up after a minute.
        var lines: [Int] = []
        for _ in 0 ..< 60_000 {
            lines = Self.reportedIndices(output)
            if lines.count >= reported || !process.isRunning { break }
            usleep(1000)
        }
        kill(process.processIdentifier, SIGKILL)
        guard exited.wait(timeout: .now() + 30) == .success else { throw Stalled(description: "writer did not exit") }
        guard process.terminationReason == .uncaughtSignal else {
            throw Stalled(description: "writer exited with \(process.terminationStatus) before it was killed")
        }
        // The output is read again after the kill: a line written just before it counts too.
        return Self.reportedIndices(output)
    }

    /// The indices the writer printed so far, read with plain POSIX calls (Foundation's whole-file readers leak
    /// a buffer per call under LeakSanitizer in this toolchain, and this is called in a polling loop).
    static func reportedIndices(_ path: String) -> [Int] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            bytes += buffer[0 ..< n]
        }
        return bytes.split(separator: UInt8(ascii: "\n")).compactMap { Int(String(decoding: $0, as: UTF8.self)) }
    }

    static let directories: [String] = [FileManager.default.temporaryDirectory.path]
        + (FileManager.default.fileExists(atPath: "/dev/shm") ? ["/dev/shm"] : [])

    @Test("every reported entry is logged and the log verifies after a kill", arguments: directories)
    func killed(base: String) throws {
        let directory = URL(fileURLWithPath: base).appendingPathComponent("governance-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("decryptions.log").path
        var logged = 0
        for (round, after) in [1, 3, 8, 20, 2, 13].enumerated() {
            let reported = try Self.killWriter(log: path, start: logged, after: after)
            let log = AppendOnlyLog(path: path)
            let contents = try log.read()
            // Each run continues the log: its entries are numbered from the log's size before it.
            #expect(reported == Array(logged ..< logged + reported.count), "round \(round): \(reported)")
            let count = contents.entries.count
            #expect(count >= logged + reported.count && count <= logged + reported.count + 1, "round \(round)")
            #expect(contents.entries == (0 ..< count).map { Array("entry \($0)".utf8) }, "round \(round)")
            let report = try log.verify(publicKey: LogFixture.logKey.publicKey)
            #expect(report.isValid, "round \(round): \(report.problems)")
            #expect(report.entryCount == UInt64(count))
            logged = count
        }
        var log = AppendOnlyLog(path: path)
        #expect(try log.append([1], signingKey: LogFixture.logKey).leafIndex == UInt64(logged))
        #expect(try log.read().tornTail == nil)
    }

    @Test("two writer processes appending at once are both logged completely, each in its own order")
    func twoProcesses() throws {
        // On disk, where each append's fsync keeps the two writers' runs overlapping.
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("decryptions.log").path
        let perWriter = 100
        var runs: [(process: Process, output: String, exited: DispatchSemaphore)] = []
        for (n, start) in [0, 1000].enumerated() {
            let output = path + ".stdout\(n)"
            FileManager.default.createFile(atPath: output, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.writer)
            process.arguments = [path, String(start), String(perWriter)]
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            let exited = DispatchSemaphore(value: 0)
            process.terminationHandler = { _ in exited.signal() }
            runs.append((process, output, exited))
        }
        for run in runs { try run.process.run() }
        for run in runs {
            guard run.exited.wait(timeout: .now() + 120) == .success else {
                throw Stalled(description: "writer did not finish")
            }
            #expect(run.process.terminationStatus == 0)
        }
        let contents = try AppendOnlyLog(path: path).read()
        #expect(contents.entries.count == 2 * perWriter)
        for (run, start) in zip(runs, [0, 1000]) {
            let indices = Self.reportedIndices(run.output)
            #expect(indices.count == perWriter && indices == indices.sorted())
            for (i, index) in indices.enumerated() {
                #expect(contents.entries[index] == Array("entry \(start + i)".utf8))
            }
        }
        #expect(try AppendOnlyLog(path: path).verify(publicKey: LogFixture.logKey.publicKey).isValid)
    }
}
