#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
// A read-only file with a read buffer, used by the container reader.

/// A read-only file with a read buffer; closed exactly once.
struct BufferedFile: ~Copyable {
    let path: String
    let size: UInt64
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var position = 0

    init(path: String) throws(HEFilesError) {
        // O_NONBLOCK: opening a named pipe must not wait for a writer; it is refused below like any non-file.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw .fileUnreadable(path: path, reason: errnoDescription()) }
        try self.init(descriptor: fd, path: path)
    }

    /// A secret key file, opened and checked by ``SecretKeyFile/open(_:)`` (no symbolic link, the reader's own
    /// file, mode 0600 or narrower).
    init(secretKeyPath path: String) throws(HEFilesError) {
        try self.init(descriptor: SecretKeyFile.open(path), path: path)
    }

    /// Takes ownership of the open descriptor `fd` (closed on failure too).
    private init(descriptor fd: Int32, path: String) throws(HEFilesError) {
        self.path = path
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let reason = errnoDescription()
            Glibc.close(fd)
            throw .fileUnreadable(path: path, reason: reason)
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            Glibc.close(fd)
            throw .fileUnreadable(path: path, reason: "is a directory")
        }
        // The reader checks every section against the file's size before reading it, which a pipe does not have.
        if (st.st_mode & S_IFMT) != S_IFREG {
            Glibc.close(fd)
            throw .fileUnreadable(path: path, reason: "is not a regular file (a pipe or a device); containers are read "
                                  + "from files, so save it to a file first")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        self.fd = fd
        self.size = UInt64(st.st_size)
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    mutating func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// Up to `n` bytes; fewer only at the end of the file.
    mutating func readUpTo(_ n: Int) throws(HEFilesError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(n)
        while out.count < n {
            if position == buffer.count {
                guard try refill() else { break }
            }
            let take = min(n - out.count, buffer.count - position)
            out.append(contentsOf: buffer[position ..< position + take])
            position += take
        }
        return out
    }

    mutating func readExactly(_ n: Int, section: String) throws(HEFilesError) -> [UInt8] {
        let out = try readUpTo(n)
        guard out.count == n else {
            throw .truncated(path: path, section: section, expectedBytes: UInt64(n), availableBytes: UInt64(out.count))
        }
        return out
    }

    private mutating func refill() throws(HEFilesError) -> Bool {
        guard let chunk = try readChunk(fd, path: path) else { return false }
        buffer = chunk
        position = 0
        return true
    }
}
