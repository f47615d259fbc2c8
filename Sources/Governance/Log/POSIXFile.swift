#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file descriptor and the few system calls the log needs, each failure a `GovernanceError` naming the
/// file, the operation and errno. Closed when the value is consumed or dropped.
struct POSIXFile: ~Copyable {
    let path: String
    let descriptor: Int32

    /// Opens `path` with `flags` (O_CLOEXEC is added) and, when created, `mode`.
    init(path: String, flags: Int32, mode: mode_t = 0o600) throws(GovernanceError) {
        let descriptor = open(path, flags | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw .fileOperationFailed(path: path, operation: "open", errno: errno) }
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Closes the file here (and so releases a lock held on it), not earlier.
    consuming func release() {}

    private func fail(_ operation: String) -> GovernanceError {
        .fileOperationFailed(path: path, operation: operation, errno: errno)
    }

    /// Waits for an exclusive lock on the whole file (flock: held per open file description, so a second open in
    /// the same process waits as another process does). Released when the file is closed.
    func lockExclusive() throws(GovernanceError) {
        while flock(descriptor, LOCK_EX) != 0 {
            if errno != EINTR { throw fail("flock") }
        }
    }

    func size() throws(GovernanceError) -> UInt64 {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw fail("fstat") }
        return UInt64(status.st_size)
    }

    /// The device and inode: whether a path still names the same file.
    func identity() throws(GovernanceError) -> FileIdentity {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw fail("fstat") }
        return FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }

    /// The bytes [offset, offset + count).
    func read(at offset: UInt64, count: Int) throws(GovernanceError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("pread")
            }
            if n == 0 { break }
            done += n
        }
        return Array(bytes[0 ..< done])
    }

    func write(_ bytes: [UInt8], at offset: UInt64) throws(GovernanceError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in
                pwrite(descriptor, buffer.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("pwrite")
            }
            done += n
        }
    }

    func truncate(to size: UInt64) throws(GovernanceError) {
        guard ftruncate(descriptor, off_t(size)) == 0 else { throw fail("ftruncate") }
    }

    func sync() throws(GovernanceError) {
        guard fsync(descriptor) == 0 else { throw fail("fsync") }
    }

    /// Flushes the directory holding `path`, so that a file created or renamed in it survives a crash.
    static func syncDirectory(of path: String) throws(GovernanceError) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let handle = try POSIXFile(path: directory, flags: O_RDONLY | O_DIRECTORY)
        try handle.sync()
    }

    /// The whole file at `path`.
    static func readAll(_ path: String) throws(GovernanceError) -> [UInt8] {
        let file = try POSIXFile(path: path, flags: O_RDONLY)
        return try file.read(at: 0, count: Int(try file.size()))
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func rename(_ from: String, to: String) throws(GovernanceError) {
        #if canImport(Glibc)
        let status = Glibc.rename(from, to)
        #else
        let status = Darwin.rename(from, to)
        #endif
        guard status == 0 else {
            throw .fileOperationFailed(path: to, operation: "rename", errno: errno)
        }
    }
}

/// Device and inode of an open file.
struct FileIdentity: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
}
