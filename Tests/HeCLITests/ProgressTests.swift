import EncryptedStats
import Foundation
import HETestSupport
import Testing

/// Progress lines: a time estimate on a terminal (a pseudo-terminal made by util-linux `script`), nothing otherwise.
@Suite("he-cli progress on a terminal only")
struct ProgressTests {
    /// `script` runs the command on a pseudo-terminal and copies what it wrote there to our standard output.
    static let script = OracleEnvironment.executable(named: "script")

    private func onTerminal(_ dir: Scratch, _ arguments: [String]) throws -> ChildProcess.Result {
        let command = ([HeCLI.binary] + arguments).map { "'\($0)'" }.joined(separator: " ")
        var environment = ProcessInfo.processInfo.environment
        environment["HE_CLI_PROGRESS_AFTER"] = "0"
        return try ChildProcess.run(try #require(Self.script), ["-q", "-e", "-c", command, "/dev/null"],
                                    currentDirectory: dir.path, environment: environment)
    }

    @Test("aggregate and keygen draw progress with a time on a terminal, and write nothing of it to a pipe",
          .enabled(if: script != nil, "needs util-linux script"))
    func terminalOnly() throws {
        let dir = Scratch()
        let keys = SharedKeys.for(.paillier)
        // 20 x 50 = 1000 values, a few dozen Paillier ciphertexts per file: aggregate reports after each ciphertext of each
        // file, so its first update already has a rate for the estimate.
        var csv = "g," + (1 ... 50).map { "c\($0)" }.joined(separator: ",") + "\n"
        for r in 1 ... 20 { csv += "r\(r)," + (1 ... 50).map { String(($0 * r) % 97) }.joined(separator: ",") + "\n" }
        dir.write(csv, to: "t.csv")
        for site in ["a", "b"] {
            let r = try dir.run("encrypt", "--public-key", keys.publicKey, "--site", site, "--in", "t.csv", "--out", "\(site).he",
                                "--quiet")
            try #require(r.status == 0, "\(r.stderr)")
        }
        let aggregate = ["aggregate", "--out", "t.he", "a.he", "b.he"]
        let tty = try onTerminal(dir, aggregate)
        #expect(tty.status == 0, "\(tty.stdout)")
        #expect(tty.stdout.contains("aggregating: 1/") && tty.stdout.contains("%), about ") && tty.stdout.contains(" s left"), "\(tty.stdout)")
        let piped = try dir.run(environment: ["HE_CLI_PROGRESS_AFTER": "0"], aggregate)
        #expect(piped.status == 0 && !piped.stderr.contains("aggregating") && !piped.stderr.contains("\u{1B}"), "\(piped.stderr)")
        // --quiet: nothing on the terminal either.
        let quiet = try onTerminal(dir, aggregate + ["--quiet"])
        #expect(quiet.status == 0 && !quiet.stdout.contains("aggregating: "), "\(quiet.stdout)")

        let keygen = ["keygen", "--scheme", "paillier", "--bits", "2048"]
        let ttyKeys = try onTerminal(dir, keygen + ["--out", "k1"])
        #expect(ttyKeys.status == 0 && ttyKeys.stdout.contains("generating a paillier key pair... 0 s elapsed"), "\(ttyKeys.stdout)")
        let pipedKeys = try dir.run(environment: ["HE_CLI_PROGRESS_AFTER": "0"], keygen + ["--out", "k2"])
        #expect(pipedKeys.status == 0 && !pipedKeys.stderr.contains("generating"), "\(pipedKeys.stderr)")
    }

    @Test("HE_CLI_PROGRESS_AFTER that is not a number of seconds is a usage error")
    func badDelay() throws {
        let dir = Scratch()
        let r = try dir.run(environment: ["HE_CLI_PROGRESS_AFTER": "soon"], "inspect", "x.he")
        #expect(r.status == 64 && r.stderr == "he-cli: error: HE_CLI_PROGRESS_AFTER must be a number of seconds (0 or more), found 'soon'\n",
                "\(r.stderr)")
    }
}
