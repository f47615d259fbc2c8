import Crypto
import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Result of one `he-cli` run.
struct RunResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Locates and runs the built `he-cli` binary as a separate process.
enum HeCLI {
    /// `he-cli` sits next to the test bundle in the build products directory (override: `HE_CLI_PATH`).
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["HE_CLI_PATH"] { return path }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // On platforms where the tests run inside a .xctest bundle directory, step out of it.
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("he-cli").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("he-cli").path
    }()

    /// Runs `he-cli` in `directory`; `environment` adds to (or, with nil values, removes from) the test
    /// process's environment.
    @discardableResult
    static func run(_ arguments: [String], in directory: String, environment: [String: String?] = [:]) throws -> RunResult {
        var merged: [String: String]?
        if !environment.isEmpty {
            merged = ProcessInfo.processInfo.environment
            for (name, value) in environment { merged?[name] = value }
        }
        let child = try ChildProcess.run(binary, arguments, currentDirectory: directory, environment: merged)
        let result = RunResult(status: child.status, stdout: child.stdout, stderr: child.stderr)
        try SanitizerReport.check(stderr: result.stderr, arguments: arguments)
        return result
    }
}

/// A report of a sanitizer in the `he-cli` child process. When the suite runs under `--sanitize=address` or
/// `--sanitize=thread`, `he-cli` is built with the same sanitizer; its reports go to the child's standard
/// error, and an expected non-zero exit (a refusal test) would otherwise hide them. Every run is checked, so a
/// report fails the test whatever the exit status.
struct SanitizerReport: Error, CustomStringConvertible {
    var arguments: [String]
    var report: String

    /// The first lines of every sanitizer runtime's report.
    static let markers = ["ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "WARNING: ThreadSanitizer",
                          "ERROR: ThreadSanitizer", "runtime error:"]

    static func check(stderr: String, arguments: [String]) throws {
        guard markers.contains(where: { stderr.contains($0) }) else { return }
        throw SanitizerReport(arguments: arguments, report: stderr)
    }

    var description: String { "sanitizer report from he-cli \(arguments.joined(separator: " ")):\n\(report)" }
}

/// A scratch directory removed when the value goes away.
final class Scratch: @unchecked Sendable {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("he-cli-test-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ text: String, to name: String) {
        let written = FileManager.default.createFile(atPath: file(name), contents: Data(text.utf8))
        precondition(written, "cannot write test input \(file(name))")
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }

    /// Files in the directory, hidden ones included (a leftover temporary file would show up here).
    var listing: Set<String> { Set((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []) }

    @discardableResult
    func run(_ arguments: String...) throws -> RunResult { try HeCLI.run(arguments, in: path) }
    @discardableResult
    func run(_ arguments: [String]) throws -> RunResult { try HeCLI.run(arguments, in: path) }

    /// Every file, folder and symbolic link under the directory (hidden ones included), by relative path, with its
    /// type, permission bits and, for files, the SHA-256 of the content. Two equal snapshots mean no file was
    /// added, removed, changed or re-moded. A file the test process cannot read is recorded as such.
    func snapshot() -> [String: String] {
        var out: [String: String] = [:]
        func walk(_ relative: String) {
            let full = relative.isEmpty ? path : path + "/" + relative
            var st = stat()
            guard lstat(full, &st) == 0 else { return }
            let mode = String(st.st_mode & 0o7777, radix: 8)
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                if !relative.isEmpty { out[relative] = "dir \(mode)" }
                for name in ((try? FileManager.default.contentsOfDirectory(atPath: full)) ?? []).sorted() {
                    walk(relative.isEmpty ? name : relative + "/" + name)
                }
            case S_IFLNK:
                out[relative] = "link -> " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: full)) ?? "?")
            default:
                // FileHandle, not FileManager.contents(atPath:), which leaks a buffer for every empty file
                // (see HETestSupport.TextFile).
                if let handle = FileHandle(forReadingAtPath: full), let data = try? handle.readToEnd() ?? Data() {
                    try? handle.close()
                    out[relative] = "file \(mode) " + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
                } else {
                    out[relative] = "file \(mode) unreadable, \(st.st_size) bytes"
                }
            }
        }
        walk("")
        return out
    }

    @discardableResult
    func run(environment: [String: String?], _ arguments: String...) throws -> RunResult {
        try HeCLI.run(arguments, in: path, environment: environment)
    }
    @discardableResult
    func run(environment: [String: String?], _ arguments: [String]) throws -> RunResult {
        try HeCLI.run(arguments, in: path, environment: environment)
    }

    /// Starts he-cli with `arguments` here (the process environment with `environment` laid over it, output
    /// discarded), sends it SIGKILL after `delay` seconds and waits for it: a crash at that moment.
    func runKilled(environment: [String: String?], _ arguments: [String], after delay: TimeInterval) throws {
        var merged = ProcessInfo.processInfo.environment
        for (k, v) in environment { merged[k] = v }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: HeCLI.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: path)
        process.environment = merged
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(useconds_t(delay * 1_000_000))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// Runs a command that must be refused and checks (1) that standard error holds every expected message, (2) the
/// exit code, (3)-(4) that nothing under the scratch directory was created, removed or changed: no output, no
/// temporary file, every input and every existing output byte for byte as before.
@discardableResult
func expectRefusal(_ dir: Scratch, _ args: [String], code: Int32, message: [String],
                   sourceLocation: SourceLocation = #_sourceLocation) throws -> RunResult {
    let before = dir.snapshot()
    let r = try dir.run(args)
    #expect(r.status == code, "exit code \(r.status), stderr: \(r.stderr)", sourceLocation: sourceLocation)
    for m in message {
        #expect(r.stderr.contains(m), "'\(m)' not in: \(r.stderr)", sourceLocation: sourceLocation)
    }
    let after = dir.snapshot()
    let changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
    #expect(changed.isEmpty, "files created, removed or changed: \(changed)", sourceLocation: sourceLocation)
    return r
}

/// Whether the tests run as root, for whom file permissions do not block reading or writing.
var runningAsRoot: Bool { geteuid() == 0 }

/// One key pair per scheme, generated once per test run through `he-cli keygen` (the smallest sizes: a fresh
/// key is not what these tests are about).
final class SharedKeys: Sendable {
    let directory: String
    var publicKey: String { directory + "/public.hekey" }
    var secretKey: String { directory + "/secret.hekey" }

    private init(scheme: SchemeID) {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("he-cli-keys-\(scheme)-\(UUID().uuidString)").path
        let extra = scheme == .paillier ? ["--bits", "2048"] : []
        let r = try! HeCLI.run(["keygen", "--scheme", scheme.description, "--out", directory, "--quiet"] + extra,
                               in: FileManager.default.temporaryDirectory.path)
        precondition(r.status == 0, "keygen failed: \(r.stderr)")
    }

    private static let paillier = SharedKeys(scheme: .paillier)
    static func `for`(_ scheme: SchemeID) -> SharedKeys {
        switch scheme {
        case .paillier: paillier
        case .bfv: bfv
        }
    }
    private static let bfv = SharedKeys(scheme: .bfv)
    /// A second Paillier key pair, for files under another key of the same scheme.
    static let otherPaillier = SharedKeys(scheme: .paillier)
}

/// A random count table as CSV together with its values.
struct RandomTable {
    var rows: [String]
    var columns: [String]
    var values: [[Int64]]

    static func make<G: RandomNumberGenerator>(rows: Int, columns: Int, max: Int64, signed: Bool = false,
                                               using g: inout G) -> RandomTable {
        RandomTable(rows: (0 ..< rows).map { "row \($0 + 1)" }, columns: (0 ..< columns).map { "col \($0 + 1)" },
                    values: (0 ..< rows).map { _ in
                        (0 ..< columns).map { _ in Int64.random(in: (signed ? -max : 0) ... max, using: &g) }
                    })
    }

    var csv: String {
        var s = "label," + columns.joined(separator: ",") + "\n"
        for (r, v) in zip(rows, values) { s += r + "," + v.map(String.init).joined(separator: ",") + "\n" }
        return s
    }
}

/// Parses a totals CSV written by `he-cli decrypt`: (contributors, values row by row).
func parseTotals(_ text: String) -> (contributors: [String], values: [[Int64]]) {
    var lines = text.split(separator: "\n").map(String.init)
    var contributors: [String] = []
    if let first = lines.first, first.hasPrefix("# contributors") {
        contributors = first.split(separator: ":", maxSplits: 1)[1].split(separator: " ").map(String.init)
        lines.removeFirst()
    }
    let values = lines.dropFirst().map { line in line.split(separator: ",").dropFirst().map { Int64($0)! } }
    return (contributors, values)
}

/// Schemes this build supports, the parameter list of the per-scheme tests.
let schemesUnderTest: [SchemeID] = SchemeRegistry.availableSchemes
