#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Reading whole small files, secret-key permission checks, and the one read loop every reader uses.

package func errnoDescription(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}

/// Secret key files (the encryption secret key, an Ed25519 signing key, a python-paillier private key): opened
/// without following a symbolic link, then checked on the open descriptor, so the file that is checked is the file
/// that is read (no check-then-open race).
public enum SecretKeyFile {
    /// Opens `path` for reading after the checks and returns the descriptor (the caller closes it).
    ///
    /// Refused: a symbolic link as the last path component (`O_NOFOLLOW`; ``HEFilesError/secretKeySymlink(path:)``),
    /// anything but a regular file, a file owned by another user than the effective user
    /// (``HEFilesError/secretKeyOwner(path:owner:user:)``), and a file its group or other users can read, write or
    /// execute (``HEFilesError/secretKeyPermissions(path:mode:)``). Owner and mode are read with `fstat` on the
    /// opened descriptor.
    package static func open(_ path: String) throws(HEFilesError) -> Int32 {
        // O_NONBLOCK: opening a named pipe must not wait for a writer; it is refused below like any non-file.
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else {
            let code = errno
            var st = stat()
            if code == ELOOP, lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFLNK { throw .secretKeySymlink(path: path) }
            throw .fileUnreadable(path: path, reason: errnoDescription(code))
        }
        do throws(HEFilesError) {
            var st = stat()
            guard fstat(fd, &st) == 0 else { throw .fileUnreadable(path: path, reason: errnoDescription()) }
            let type = st.st_mode & S_IFMT
            if type == S_IFDIR { throw .fileUnreadable(path: path, reason: "is a directory") }
            if type != S_IFREG {
                throw .fileUnreadable(path: path, reason: "is not a regular file (a pipe or a device); a secret key is "
                                      + "read from a file")
            }
            let user = UInt32(geteuid())
            if UInt32(st.st_uid) != user { throw .secretKeyOwner(path: path, owner: UInt32(st.st_uid), user: user) }
            if UInt32(st.st_mode) & 0o077 != 0 {
                throw .secretKeyPermissions(path: path, mode: UInt32(st.st_mode) & 0o7777)
            }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
            return fd
        } catch {
            close(fd)
            throw error
        }
    }

    /// Runs the checks of ``open(_:)`` on `path` without reading it.
    public static func check(_ path: String) throws(HEFilesError) {
        close(try open(path))
    }

    /// The whole (small) file after the checks of ``open(_:)``, read from the descriptor that was checked.
    public static func read(_ path: String) throws(HEFilesError) -> [UInt8] {
        let fd = try open(path)
        defer { close(fd) }
        var out: [UInt8] = []
        while let chunk = try readChunk(fd, path: path) { out.append(contentsOf: chunk) }
        return out
    }
}

/// The next bytes of `fd` (at most 64 KiB), retrying reads interrupted by a signal; nil at the end of the file.
package func readChunk(_ fd: Int32, path: String) throws(HEFilesError) -> [UInt8]? {
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            throw .fileUnreadable(path: path, reason: errnoDescription())
        }
        if n == 0 { return nil }
        chunk.removeSubrange(n...)
        return chunk
    }
}

/// The name errors give to standard input (an input path of `-`).
public let standardInputName = "standard input"

/// The name errors give to standard output (an output path of `-`).
public let standardOutputName = "standard output"

/// Writes all of `bytes` to standard output (an output path of `-`), retrying interrupted and short writes.
package func writeStandardOutput(_ bytes: [UInt8]) throws(HEFilesError) {
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(1, $0.baseAddress! + done, bytes.count - done) }
        if n < 0 {
            if errno == EINTR { continue }
            throw .fileUnwritable(path: standardOutputName, reason: errnoDescription())
        }
        done += n
    }
}

/// Reads a whole (small) file, or all of standard input when `path` is `-`.
package func readWholeInput(_ path: String) throws(HEFilesError) -> [UInt8] {
    guard path == "-" else { return try readWholeFile(path) }
    var out: [UInt8] = []
    while let chunk = try readChunk(0, path: standardInputName) { out.append(contentsOf: chunk) }
    return out
}

/// Reads a whole (small) file, such as a CSV table.
package func readWholeFile(_ path: String) throws(HEFilesError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .fileUnreadable(path: path, reason: errnoDescription()) }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw .fileUnreadable(path: path, reason: errnoDescription()) }
    if (st.st_mode & S_IFMT) == S_IFDIR { throw .fileUnreadable(path: path, reason: "is a directory") }
    var out: [UInt8] = []
    while let chunk = try readChunk(fd, path: path) { out.append(contentsOf: chunk) }
    return out
}
