import Foundation

/// Reads files the tests capture (a child process's standard output and error, oracle output).
public enum TextFile {
    /// The file's bytes as UTF-8 text (invalid sequences replaced), or nil when it cannot be opened.
    ///
    /// Reads through `FileHandle` rather than `String(contentsOfFile:)` or `Data(contentsOf:)`: in the Swift
    /// 6.3 toolchain those leak a 4 KiB buffer inside FoundationEssentials' `readBytesFromFile` for every
    /// empty file, and a run with `--quiet` leaves standard output empty, so LeakSanitizer would report the
    /// toolchain's leak against the test suite.
    public static func read(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.readToEnd() else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}
