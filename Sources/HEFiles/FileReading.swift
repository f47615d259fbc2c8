#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Reading whole small files, secret-key permission checks, and the one read loop every reader uses.

package func errnoDescription(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}

/// File permission checks for secret keys.
public enum SecretKeyFile {
    /// Refuses a secret key file that its group or other users can read, write or execute.
    public static func checkPermissions(_ path: String) throws(HEFilesError) {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .fileUnreadable(path: path, reason: errnoDescription()) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw .fileUnreadable(path: path, reason: "is a directory") }
        if UInt32(st.st_mode) & 0o077 != 0 {
            throw .secretKeyPermissions(path: path, mode: UInt32(st.st_mode) & 0o7777)
        }
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
