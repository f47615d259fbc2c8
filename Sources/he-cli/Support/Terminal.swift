import ArgumentParser
import EncryptedStats
import Foundation
import GWAS
import Governance
import HEFiles

#if canImport(Glibc)
import Glibc
#endif

/// Exit codes (documented in docs/CLI.md and in `he-cli --help`). They follow sysexits.h where it has a code.
enum ExitCodes {
    static let usage: Int32 = 64       // EX_USAGE: wrong options or arguments
    static let input: Int32 = 65       // EX_DATAERR: bad table, damaged or incompatible container, refusal
    static let noInput: Int32 = 66     // EX_NOINPUT: an input file cannot be opened
    static let cannotCreate: Int32 = 73  // EX_CANTCREAT: output exists and must not be replaced (keys)
    static let io: Int32 = 74          // EX_IOERR: write, rename or sync failed
    static let permission: Int32 = 77  // EX_NOPERM: secret key file readable by others
    static let crypto: Int32 = 80      // key does not match, decryption failed, scheme refused the operation

    static func code(for error: HEFilesError) -> Int32 {
        switch error {
        case .fileUnreadable: noInput
        case .fileUnwritable: io
        case .outputExists: cannotCreate
        case .outputIsInput, .outputNotRegularFile: usage
        case .secretKeyPermissions, .secretKeyOwner, .secretKeySymlink: permission
        default: input
        }
    }

    static func code(for error: GovernanceError) -> Int32 {
        switch error {
        case let .file(inner): code(for: inner)
        case .fileOperationFailed: io
        default: input
        }
    }

    static func code(for error: EncryptedStatsError) -> Int32 {
        switch error {
        case let .file(inner): code(for: inner)
        case let .governance(inner): code(for: inner)
        case .valueBoundTooLarge, .scaleTooLarge: usage
        case .keyMismatch, .keySchemeMismatch, .scheme, .paillier, .rlwe: crypto
        default: input
        }
    }

    static func code(for error: GwasError) -> Int32 {
        switch error {
        case let .file(inner): code(for: inner)
        case let .stats(inner): code(for: inner)
        case .inputUnreadable: noInput
        default: input
        }
    }
}

extension HEFilesError {
    /// A refusal of a secret key file by `SecretKeyFile` (its mode, its owner, a symbolic link).
    var isSecretKeyRefusal: Bool {
        switch self {
        case .secretKeyPermissions, .secretKeyOwner, .secretKeySymlink: true
        default: false
        }
    }
}

/// The message for a library error, with the he-cli option that fixes it where there is one (the library names no
/// option).
enum ErrorMessages {
    static func message(_ error: HEFilesError) -> String {
        switch error {
        case .outputIsInput: error.description + " (choose another --out)"
        default: error.description
        }
    }

    static func message(_ error: GovernanceError) -> String {
        switch error {
        case let .file(inner): message(inner)
        case .manifestRolledBack, .manifestForked, .coordinatorKeyMismatch:
            error.description + " (seen manifests are recorded in \(manifestStateDirectory()); compare with --coordinator)"
        default: error.description
        }
    }

    static func message(_ error: EncryptedStatsError) -> String {
        switch error {
        case let .file(inner): message(inner)
        case let .governance(inner): message(inner)
        case .inputsRequired: error.description + " (give them with --inputs FILE... or a folder)"
        case .slotOverflow: error.description + " (encrypt with a smaller --max-value)"
        case .valueBoundTooLarge: "--max-value: \(error)"
        case let .declaredBoundDisagrees(path, declared, given):
            "\(path) and --max-value \(given) cannot be combined: the table declares \"max_value\": \(declared), the "
                + "bound its cells were checked against"
        case let .scaleTooLarge(scale, capacity, largest):
            "--scale: \(scale) decimal places do not fit this key's slots (at most \(capacity) in stored units); "
                + (largest.map { "use --scale \($0) or less" } ?? "round the data to whole numbers")
        default: error.description
        }
    }

    static func message(_ error: GwasError) -> String {
        switch error {
        case let .file(inner): message(inner)
        case let .stats(inner): message(inner)
        default: error.description
        }
    }
}

/// Standard error output; nothing secret is ever passed to it.
enum Console {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("he-cli: error: \(terminalSafe(message))\n".utf8))
    }

    static func warning(_ message: String) {
        FileHandle.standardError.write(Data("he-cli: warning: \(terminalSafe(message))\n".utf8))
    }

    static func note(_ message: String, quiet: Bool) {
        if !quiet { FileHandle.standardError.write(Data("\(terminalSafe(message))\n".utf8)) }
    }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }
}

/// `text` with control characters written as `\u{1b}`-style escapes. Labels and file names come from files other
/// people wrote (a site's table, an aggregate); printed raw, an escape sequence in one could rewrite what the
/// key holder's terminal shows, and a line feed could forge a line of output.
func terminalSafe(_ text: String) -> String {
    func unsafe(_ u: Unicode.Scalar) -> Bool { u.properties.generalCategory == .control }
    guard text.unicodeScalars.contains(where: unsafe) else { return text }
    var out = String.UnicodeScalarView()
    for u in text.unicodeScalars {
        if unsafe(u) { out.append(contentsOf: "\\u{\(String(u.value, radix: 16))}".unicodeScalars) } else { out.append(u) }
    }
    return String(out)
}

/// Runs a command body, turning library errors into a message on standard error and a documented exit code.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as HEFilesError {
        Console.error(ErrorMessages.message(error))
        throw ExitCode(ExitCodes.code(for: error))
    } catch let error as EncryptedStatsError {
        Console.error(ErrorMessages.message(error))
        throw ExitCode(ExitCodes.code(for: error))
    } catch let error as GwasError {
        Console.error(ErrorMessages.message(error))
        throw ExitCode(ExitCodes.code(for: error))
    } catch let error as GovernanceError {
        Console.error(ErrorMessages.message(error))
        throw ExitCode(ExitCodes.code(for: error))
    }
}

/// Progress on standard error, only when it is a terminal and not `--quiet`, once the work has taken
/// `Progress.delay` seconds (1 by default, `HE_CLI_PROGRESS_AFTER`): done and total, the percentage and an estimate
/// of the time left from the rate so far. Nothing at all is written when standard error is not a terminal.
final class Progress {
    private let label: String
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(_ label: String, quiet: Bool) {
        self.label = label
        self.enabled = !quiet && Console.stderrIsTerminal
    }

    /// Seconds of work before progress is drawn: `HE_CLI_PROGRESS_AFTER` (a non-negative number), else 1.
    static let delay: Double = delaySetting.value ?? 1

    /// `HE_CLI_PROGRESS_AFTER` read once: its value, or the problem with it.
    static let delaySetting: (value: Double?, problem: String?) = {
        guard let text = ProcessInfo.processInfo.environment["HE_CLI_PROGRESS_AFTER"] else { return (nil, nil) }
        guard let v = Double(text), v.isFinite, v >= 0 else {
            return (nil, "HE_CLI_PROGRESS_AFTER must be a number of seconds (0 or more), found '\(text)'")
        }
        return (v, nil)
    }()

    func update(_ done: Int, _ total: Int) {
        guard enabled else { return }
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        guard elapsed >= Progress.delay, now.timeIntervalSince(lastDraw) >= 0.1 || done == total else { return }
        lastDraw = now
        drawn = true
        let percent = total > 0 ? 100 * done / total : 100
        var line = "\r\(label): \(done)/\(total) (\(percent)%)"
        if done > 0 && done < total {
            line += ", about \(durationText(elapsed * Double(total - done) / Double(done))) left"
        }
        FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drawn = false
    }

    var handler: ProgressHandler { { [self] in update($0, $1) } }
}

/// A progress line for work without a count (key generation: a search for random primes has no known length):
/// the time elapsed, redrawn every half second on a terminal after `Progress.delay`; nothing otherwise.
final class ElapsedTicker: @unchecked Sendable {
    private let lock = NSLock()
    private var timer: (any DispatchSourceTimer)?
    private var drawn = false

    init(_ label: String, quiet: Bool) {
        guard !quiet && Console.stderrIsTerminal else { return }
        let start = Date()
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + Progress.delay, repeating: 0.5)
        timer.setEventHandler { [self] in
            let text = "\r\(label)... \(durationText(Date().timeIntervalSince(start))) elapsed\u{1B}[K"
            lock.lock()
            defer { lock.unlock() }
            guard self.timer != nil else { return }
            drawn = true
            FileHandle.standardError.write(Data(text.utf8))
        }
        self.timer = timer
        timer.resume()
    }

    /// Stops the ticker and clears its line.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        timer?.cancel()
        timer = nil
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drawn = false
    }
}

/// `12 s`, `3 min 05 s`, `1 h 02 min`.
func durationText(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    if s < 60 { return "\(s) s" }
    if s < 3600 { return String(format: "%d min %02d s", s / 60, s % 60) }
    return String(format: "%d h %02d min", s / 3600, s % 3600 / 60)
}

/// Options every command shares.
struct CommonOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Print only results and errors (no progress, no notes).")
    var quiet = false
}

func byteCount(_ n: UInt64) -> String {
    if n < 10 * 1024 { return "\(n) bytes" }
    let units = ["KiB", "MiB", "GiB"]
    var v = Double(n) / 1024
    var i = 0
    while v >= 1024 && i < units.count - 1 { v /= 1024; i += 1 }
    return String(format: "%.1f %@ (%llu bytes)", v, units[i], n)
}

/// Value type of table cells.
enum ValueType: String, ExpressibleByArgument, CaseIterable {
    case count
    case signed
    case decimal
}

extension SchemeID: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.description) }
    public var defaultValueDescription: String { description }
    public static var allValueDescriptions: [String: String] {
        ["paillier": "Paillier on GMP, 3072-bit modulus by default", "bfv": "BFV ring-LWE, preset n4096 by default"]
    }
}

extension TotalsFormat: ExpressibleByArgument {}
