import Dispatch
import Foundation

/// Runs a child process for the tests (he-cli, the Python oracles, plink1.9, bcftools) and waits for it.
///
/// Standard input, output and error go through temporary files, never pipes: Foundation's pipes are not
/// close-on-exec, so a pipe's write end can be inherited by a child that another test spawns at the same moment,
/// and a reader waiting for end of file would then wait for that unrelated child too. The exit is awaited with
/// the termination handler and a semaphore instead of `waitUntilExit`, whose run-loop polling on Linux can miss
/// the exit, and a child still running after `timeout` seconds is terminated and reported as an error, so a
/// stuck child fails its test with its name instead of stalling the run.
public enum ChildProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public struct TimedOut: Error, CustomStringConvertible {
        public var command: String
        public var seconds: Double
        public var description: String { "\(command) did not finish within \(Int(seconds)) s and was terminated" }
    }

    /// Runs `executable` with `arguments`; `input` is its standard input (empty when nil), `environment` replaces
    /// the inherited environment when given.
    public static func run(_ executable: String, _ arguments: [String], input: Data? = nil,
                           currentDirectory: String? = nil, environment: [String: String]? = nil,
                           timeout: Double = 900) throws -> Result {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)").path
        let paths = (input: base + ".in", output: base + ".out", error: base + ".err")
        guard FileManager.default.createFile(atPath: paths.input, contents: input ?? Data()),
              FileManager.default.createFile(atPath: paths.output, contents: nil),
              FileManager.default.createFile(atPath: paths.error, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: base])
        }
        defer { for path in [paths.input, paths.output, paths.error] { try? FileManager.default.removeItem(atPath: path) } }
        let stdin = try FileHandle(forReadingFrom: URL(fileURLWithPath: paths.input))
        let stdout = try FileHandle(forWritingTo: URL(fileURLWithPath: paths.output))
        let stderr = try FileHandle(forWritingTo: URL(fileURLWithPath: paths.error))
        defer { for handle in [stdin, stdout, stderr] { try? handle.close() } }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        if let environment { process.environment = environment }
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            _ = exited.wait(timeout: .now() + 10)
            throw TimedOut(command: ([executable] + arguments).joined(separator: " "), seconds: timeout)
        }
        return Result(status: process.terminationStatus, stdout: TextFile.read(paths.output) ?? "",
                      stderr: TextFile.read(paths.error) ?? "")
    }
}
