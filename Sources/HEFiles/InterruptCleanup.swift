#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Removal of temporary outputs when a command is interrupted, and signals held back around a group of renames.

/// The temporary files being written (at most `InterruptCleanup.capacity` at once), removed if the process is
/// interrupted (tracked only when `InterruptCleanup.install()` was called, by a single-threaded command-line program).
nonisolated(unsafe) private let pendingTemporaries: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
    let p = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: InterruptCleanup.capacity)
    p.initialize(repeating: nil, count: InterruptCleanup.capacity)
    return p
}()
nonisolated(unsafe) private var cleanupInstalled = false
/// An empty folder a command created for its outputs, removed (if still empty) on interruption.
nonisolated(unsafe) private var pendingDirectory: UnsafeMutablePointer<CChar>?

/// Removes the temporary output files when the process receives SIGINT, SIGTERM or SIGHUP, then lets the signal
/// terminate the process as usual. For single-threaded programs; a command writes a few outputs at most (the
/// report files of `gwas report` are staged together).
package enum InterruptCleanup {
    static let capacity = 16
    static let signals = [SIGINT, SIGTERM, SIGHUP]

    package static func install() {
        cleanupInstalled = true
        _ = pendingTemporaries
        for sig in signals {
            signal(sig) { s in
                for i in 0 ..< InterruptCleanup.capacity {
                    if let p = pendingTemporaries[i] { unlink(p) }
                }
                if let d = pendingDirectory { rmdir(d) }
                signal(s, SIG_DFL)
                raise(s)
            }
        }
    }

    /// Registers `path` for removal on a signal; returns its slot (nil when not installed or full).
    static func track(_ path: String) -> Int? {
        guard cleanupInstalled else { return nil }
        for i in 0 ..< capacity where pendingTemporaries[i] == nil {
            pendingTemporaries[i] = strdup(path)
            return i
        }
        return nil
    }

    static func untrack(_ slot: Int?) {
        guard let slot, let p = pendingTemporaries[slot] else { return }
        pendingTemporaries[slot] = nil
        free(p)
    }

    /// Registers (or, with nil, forgets) a folder the command created, to be removed on interruption if it is
    /// still empty (rmdir removes nothing else).
    package static func removeOnInterrupt(directory: String?) {
        guard cleanupInstalled else { return }
        let old = pendingDirectory
        pendingDirectory = directory.map { strdup($0) }
        free(old)
    }

    /// Runs `body` with the cleanup signals held back, so a group of renames is not cut in the middle; a signal
    /// that arrives meanwhile is delivered when `body` returns.
    package static func deferringSignals<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        var block = sigset_t()
        var previous = sigset_t()
        sigemptyset(&block)
        for sig in signals { sigaddset(&block, sig) }
        sigprocmask(SIG_BLOCK, &block, &previous)
        defer { sigprocmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }
}

