import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs `he-cli` with absolute paths and returns its exit status and peak resident set size (KiB), as `he-cli`
/// reports it with HE_CLI_REPORT_PEAK_MEMORY: its own peak. (The maximum RSS from wait4 would also hold this test
/// process's peak, which a vfork-style spawn passes on to the child, so it would depend on the tests running beside.)
/// Standard error is also checked for sanitizer reports.
///
/// Under AddressSanitizer the child runs with an empty quarantine: ASan normally keeps up to 256 MiB of freed
/// blocks unreused (to catch use after free), so the peak would grow with the bytes freed over the whole run
/// rather than with the bytes held at once, which is what this test measures. Without the quarantine freed
/// blocks are reused as in a plain build; redzones and shadow memory grow with the live heap only, so the
/// comparison between 2 and 24 inputs keeps its meaning. The option is ignored by builds without ASan.
private func runMeasuringPeakMemory(_ arguments: [String], in dir: Scratch) throws -> (status: Int32, peakKiB: Int) {
    let errPath = dir.file(".peak-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(atPath: errPath) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let argv: [UnsafeMutablePointer<CChar>?] = ([HeCLI.binary] + arguments).map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    var environment = ProcessInfo.processInfo.environment
    let asanOptions = [environment["ASAN_OPTIONS"], "quarantine_size_mb=0:thread_local_quarantine_size_kb=0"]
    environment["ASAN_OPTIONS"] = asanOptions.compactMap { $0 }.joined(separator: ":")
    environment["HE_CLI_REPORT_PEAK_MEMORY"] = "1"
    let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for p in envp { free(p) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, HeCLI.binary, &actions, nil, argv, envp)
    try #require(spawned == 0, "posix_spawn failed: \(spawned)")
    var status: Int32 = 0
    _ = waitpid(pid, &status, 0)
    let stderr = TextFile.read(errPath) ?? ""
    try SanitizerReport.check(stderr: stderr, arguments: arguments)
    let prefix = "he-cli: peak resident memory: "
    let line = try #require(stderr.split(separator: "\n").first { $0.hasPrefix(prefix) }, "no peak in: \(stderr)")
    let kib = try #require(Int(line.dropFirst(prefix.count).prefix { $0.isNumber }), "unreadable peak: \(line)")
    return ((status >> 8) & 0xFF, kib)
}

@Suite("he-cli aggregation memory")
struct StreamingMemoryTests {
    /// Summing 24 inputs must not take noticeably more memory than summing 2: inputs are streamed one at a time.
    @Test("peak memory does not grow with the number of inputs")
    func flatMemory() throws {
        let keys = SharedKeys.for(.bfv)
        let dir = Scratch()
        var g = SystemRandomNumberGenerator()
        // 10,000 x 10 = 100,000 values: 25 BFV ciphertexts, about 1.4 MB per file.
        dir.write(RandomTable.make(rows: 10_000, columns: 10, max: 1000, using: &g).csv, to: "t.csv")
        let r = try dir.run("encrypt", "--public-key", keys.publicKey, "--site", "s0", "--in", "t.csv", "--out", "s0.he",
                            "--max-value", "1000", "--quiet")
        try #require(r.status == 0, "\(r.stderr)")
        // Further sites' files: the same ciphertexts under other site IDs (headers rewritten with valid checksums).
        let reader = try ContainerReader(path: dir.file("s0.he"))
        let chunks = try reader.readAllChunks()
        var inputs = [dir.file("s0.he")]
        for i in 1 ..< 24 {
            var h = reader.header
            h.contributors = ["s\(i)"]
            try ContainerWriter.write(header: h, chunks: chunks, to: dir.file("s\(i).he"))
            inputs.append(dir.file("s\(i).he"))
        }
        let fileKiB = Int(reader.fileSize / 1024)
        let two = try runMeasuringPeakMemory(["aggregate", "--quiet", "--out", dir.file("two.he")] + inputs.prefix(2), in: dir)
        let all = try runMeasuringPeakMemory(["aggregate", "--quiet", "--out", dir.file("all.he")] + inputs, in: dir)
        #expect(two.status == 0 && all.status == 0)
        // Holding every input would add 22 files (about 30 MB); allow less than two files' worth of growth.
        #expect(all.peakKiB - two.peakKiB < 2 * fileKiB,
                "peak RSS: 2 inputs \(two.peakKiB) KiB, 24 inputs \(all.peakKiB) KiB, one file \(fileKiB) KiB")
        // And the sum is right: 24 times the one table.
        let d = try dir.run("decrypt", "--secret-key", keys.secretKey, "--in", "all.he", "--out", "all.csv", "--quiet")
        try #require(d.status == 0, "\(d.stderr)")
        let one = try String(contentsOfFile: dir.file("t.csv"), encoding: .utf8)
        let expected = one.split(separator: "\n").dropFirst().map { $0.split(separator: ",").dropFirst().map { 24 * Int64($0)! } }
        #expect(parseTotals(try String(contentsOfFile: dir.file("all.csv"), encoding: .utf8)).values == expected)
    }
}
