#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Atomic output: every file is written to a temporary file in the destination's directory and moved into place
// only when complete, so a failed or interrupted command never leaves a partial file and never damages an
// existing one.

/// The temporary file being written, removed if the process is interrupted (set only when
/// `InterruptCleanup.install()` was called, by a single-threaded command-line program).
nonisolated(unsafe) private var pendingTemporary: UnsafeMutablePointer<CChar>?
nonisolated(unsafe) private var cleanupInstalled = false

/// Removes the temporary output file when the process receives SIGINT, SIGTERM or SIGHUP, then lets the signal
/// terminate the process as usual. For single-threaded programs that write one output at a time.
package enum InterruptCleanup {
    package static func install() {
        cleanupInstalled = true
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { s in
                if let p = pendingTemporary { unlink(p) }
                signal(s, SIG_DFL)
                raise(s)
            }
        }
    }

    fileprivate static func track(_ path: String?) {
        guard cleanupInstalled else { return }
        let old = pendingTemporary
        pendingTemporary = path.map { strdup($0) }
        free(old)
    }
}

package func errnoDescription(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}

/// A file being written atomically. Call `commit()` to publish it; otherwise the temporary file is removed.
package final class AtomicFileWriter {
    package let destination: String
    private let temporaryPath: String
    private var fd: Int32
    private var committed = false
    private let replaceExisting: Bool
    private var buffer: [UInt8] = []

    /// - Parameters:
    ///   - mode: permission bits of the new file (`0o600` for secret keys; otherwise `0o644` minus the umask).
    ///   - replaceExisting: false for files that must never be overwritten (keys); `commit()` then fails if the
    ///     destination appeared in the meantime.
    package init(destination: String, mode: mode_t = 0o644, replaceExisting: Bool = true) throws(EncryptedStatsError) {
        self.destination = destination
        self.replaceExisting = replaceExisting
        if !replaceExisting && access(destination, F_OK) == 0 { throw .outputExists(path: destination) }
        let (dir, base) = splitPath(destination)
        var fd: Int32 = -1
        var path = ""
        for _ in 0 ..< 16 {
            var g = SystemRandomNumberGenerator()
            let suffix = String(g.next() as UInt64, radix: 36)
            path = (dir.isEmpty ? "" : dir + "/") + ".\(base).tmp-\(suffix)"
            fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw .fileUnwritable(path: destination, reason: errnoDescription()) }
        if mode & 0o077 == 0 {
            // Secret material: make sure the umask did not leave anything wider, and nothing narrower for the owner.
            fchmod(fd, mode)
        }
        self.fd = fd
        self.temporaryPath = path
        InterruptCleanup.track(path)
    }

    deinit {
        if fd >= 0 { close(fd) }
        if !committed { unlink(temporaryPath) }
        InterruptCleanup.track(nil)
    }

    package func write(_ bytes: some Collection<UInt8>) throws(EncryptedStatsError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws(EncryptedStatsError) {
        var done = 0
        let count = buffer.count
        while done < count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .fileUnwritable(path: destination, reason: errnoDescription())
            }
            done += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and moves the file into place.
    package func commit() throws(EncryptedStatsError) {
        try flush()
        guard fsync(fd) == 0 else { throw .fileUnwritable(path: destination, reason: errnoDescription()) }
        guard close(fd) == 0 else {
            fd = -1
            throw .fileUnwritable(path: destination, reason: errnoDescription())
        }
        fd = -1
        if replaceExisting {
            guard rename(temporaryPath, destination) == 0 else {
                throw .fileUnwritable(path: destination, reason: errnoDescription())
            }
        } else {
            // link() fails if the destination exists, so a key that appeared meanwhile is never replaced.
            guard link(temporaryPath, destination) == 0 else {
                if errno == EEXIST { throw .outputExists(path: destination) }
                throw .fileUnwritable(path: destination, reason: errnoDescription())
            }
            unlink(temporaryPath)
        }
        committed = true
        let dir = splitPath(destination).directory
        let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
    }

    /// Writes `bytes` to `destination` atomically.
    package static func write(_ bytes: [UInt8], to destination: String, mode: mode_t = 0o644,
                              replaceExisting: Bool = true) throws(EncryptedStatsError) {
        let w = try AtomicFileWriter(destination: destination, mode: mode, replaceExisting: replaceExisting)
        try w.write(bytes)
        try w.commit()
    }
}

private func splitPath(_ path: String) -> (directory: String, base: String) {
    guard let slash = path.lastIndex(of: "/") else { return ("", path) }
    let dir = String(path[..<slash])
    return (dir.isEmpty ? "/" : dir, String(path[path.index(after: slash)...]))
}

/// File permission checks for secret keys.
public enum SecretKeyFile {
    /// Refuses a secret key file that its group or other users can read, write or execute.
    public static func checkPermissions(_ path: String) throws(EncryptedStatsError) {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .fileUnreadable(path: path, reason: errnoDescription()) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw .fileUnreadable(path: path, reason: "is a directory") }
        if UInt32(st.st_mode) & 0o077 != 0 {
            throw .secretKeyPermissions(path: path, mode: UInt32(st.st_mode) & 0o7777)
        }
    }
}

/// Reads a whole (small) file, such as a CSV table.
package func readWholeFile(_ path: String) throws(EncryptedStatsError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .fileUnreadable(path: path, reason: errnoDescription()) }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw .fileUnreadable(path: path, reason: errnoDescription()) }
    if (st.st_mode & S_IFMT) == S_IFDIR { throw .fileUnreadable(path: path, reason: "is a directory") }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            throw .fileUnreadable(path: path, reason: errnoDescription())
        }
        if n == 0 { break }
        out.append(contentsOf: chunk[0 ..< n])
    }
    return out
}
