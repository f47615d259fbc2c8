import ArgumentParser
import EncryptedStats
import Foundation

// The decryption log options of the release commands (`decrypt`, docs/GOVERNANCE.md).

struct ReleaseLogOptions: ParsableArguments {
    @Option(help: "The decryption log (created on first use); the release or refusal is logged and fsynced before any output is written.",
            completion: .file())
    var log: String?

    @Option(name: .customLong("log-key"), help: "The key holder's Ed25519 log key (signing.key from `he-cli site-key generate`, mode 0600); with --log.",
            completion: .file())
    var logKey: String?

    @Option(help: "Who runs the release, as logged (default: the user name); with --log.")
    var analyst: String?

    func validate() throws {
        if (log == nil) != (logKey == nil) {
            throw ValidationError("--log and --log-key go together: give both to log the release, or neither")
        }
        if analyst != nil && log == nil { throw ValidationError("--analyst applies with --log only") }
    }

    /// The logging of this run; nil without `--log`.
    func logging() throws(EncryptedStatsError) -> ReleaseLogging? {
        guard let log, let logKey else { return nil }
        let who = analyst ?? ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.userName
        return try ReleaseLogging.open(logPath: log, keyPath: logKey, analyst: who)
    }

    var paths: [String] { [log, logKey].compactMap { $0 } }

    static let unloggedWarning = "no --log: this release is not recorded in a decryption log, and the differencing rule "
        + "(no two releases of one table that differ by fewer sites than the policy's minimum) cannot be checked"
}
