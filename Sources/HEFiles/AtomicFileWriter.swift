#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Atomic output: every file is written to a temporary file in the destination's directory and moved into place
// only when complete, so a failed or interrupted command never leaves a partial file and never damages an
// existing one.

/// A file being written atomically. Call `commit()` to publish it; otherwise the temporary file is removed.
package final class AtomicFileWriter {
    /// Permission bits of files only their owner may read: secret keys and every decrypted output (totals, GWAS
    /// reports). The new file replaces the destination by a rename, so an earlier file's wider mode is not kept.
    package static let ownerOnly: mode_t = 0o600

    package let destination: String
    private let temporaryPath: String
    private var fd: Int32
    private var committed = false
    private let replaceExisting: Bool
    private var buffer: [UInt8] = []

    /// - Parameters:
    ///   - mode: permission bits of the new file (``ownerOnly`` for secret keys and decrypted results, set exactly
    ///     whatever the umask; otherwise `0o644` minus the umask).
    ///   - replaceExisting: false for files that must never be overwritten (keys); `commit()` then fails if the
    ///     destination appeared in the meantime.
    package init(destination: String, mode: mode_t = 0o644, replaceExisting: Bool = true) throws(HEFilesError) {
        self.destination = destination
        self.replaceExisting = replaceExisting
        try Self.checkDestination(destination, replaceExisting: replaceExisting)
        let (dir, base) = splitPath(destination)
        var fd: Int32 = -1
        var path = ""
        for _ in 0 ..< 16 {
            var g = SystemRandomNumberGenerator()
            let suffix = String(g.next() as UInt64, radix: 36)
            // The temporary name adds up to 19 bytes; a destination name near NAME_MAX (255) gets a short one.
            let stem = base.utf8.count <= 200 ? base : "he-cli-output"
            path = (dir.isEmpty ? "" : dir + "/") + ".\(stem).tmp-\(suffix)"
            fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw .fileUnwritable(path: destination, reason: errnoDescription()) }
        if mode & 0o077 == 0 {
            // Secret keys and decrypted results: make sure the umask did not leave anything wider, and nothing
            // narrower for the owner.
            fchmod(fd, mode)
        }
        self.fd = fd
        self.temporaryPath = path
        self.cleanupSlot = InterruptCleanup.track(path)
    }

    private var cleanupSlot: Int?

    /// Refuses a destination that a commit would not replace as intended: an existing file when
    /// `replaceExisting` is false, and anything but a regular file otherwise (renaming over a device, FIFO or
    /// symbolic link would replace it: as root, even `/dev/null`). Commands call it before their work starts.
    package static func checkDestination(_ destination: String, replaceExisting: Bool = true) throws(HEFilesError) {
        var st = stat()
        guard lstat(destination, &st) == 0 else { return }
        if !replaceExisting { throw .outputExists(path: destination) }
        let type = st.st_mode & S_IFMT
        if type == S_IFDIR { throw .fileUnwritable(path: destination, reason: String(cString: strerror(EISDIR))) }
        if type != S_IFREG { throw .outputNotRegularFile(path: destination, found: fileTypeName(type)) }
    }

    deinit {
        if fd >= 0 { close(fd) }
        if !committed { unlink(temporaryPath) }
        InterruptCleanup.untrack(cleanupSlot)
    }

    package func write(_ bytes: some Collection<UInt8>) throws(HEFilesError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws(HEFilesError) {
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

    /// Flushes, syncs and closes the temporary file (idempotent).
    private func prepare() throws(HEFilesError) {
        guard fd >= 0 else { return }
        try flush()
        guard fsync(fd) == 0 else { throw .fileUnwritable(path: destination, reason: errnoDescription()) }
        guard close(fd) == 0 else {
            fd = -1
            throw .fileUnwritable(path: destination, reason: errnoDescription())
        }
        fd = -1
    }

    /// Publishes several files together: all are written and synced first, then renamed into place with the
    /// interrupt signals held back. If one rename fails, the files already renamed are put back as they were (an
    /// earlier version restored from a hard link taken just before, a new file removed), so either every
    /// destination holds its new file or none changed. (Where an earlier version cannot be linked aside, as on
    /// a file system without hard links, its new version is kept: it is never deleted.)
    package static func commitAll(_ writers: [AtomicFileWriter]) throws(HEFilesError) {
        for w in writers {
            guard w.replaceExisting else { preconditionFailure("commitAll replaces files; keys are committed alone") }
            try w.prepare()
        }
        try InterruptCleanup.deferringSignals { () throws(HEFilesError) in
            var backups: [String?] = []
            var existed: [Bool] = []
            var renamed = 0
            func rollBack() {
                for i in (0 ..< renamed).reversed() {
                    if let b = backups[i] {
                        rename(b, writers[i].destination)
                    } else if !existed[i] {
                        unlink(writers[i].destination)
                    }
                    // An earlier file that could not be linked aside is gone; its new version stays rather than
                    // nothing at all.
                }
                for b in backups.dropFirst(renamed) { if let b { unlink(b) } }
            }
            for w in writers {
                var st = stat()
                existed.append(lstat(w.destination, &st) == 0)
                let backup = w.temporaryPath + ".previous"
                backups.append(existed.last! && link(w.destination, backup) == 0 ? backup : nil)
            }
            for w in writers {
                guard rename(w.temporaryPath, w.destination) == 0 else {
                    let reason = errnoDescription()
                    rollBack()
                    throw .fileUnwritable(path: w.destination, reason: reason)
                }
                w.committed = true
                renamed += 1
            }
            for b in backups { if let b { unlink(b) } }
        }
        var directories = Set<String>()
        for w in writers { directories.insert(splitPath(w.destination).directory) }
        for dir in directories { syncDirectory(dir) }
    }

    /// Flushes, syncs and moves the file into place.
    package func commit() throws(HEFilesError) {
        try prepare()
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
        syncDirectory(splitPath(destination).directory)
    }

    /// Writes `bytes` to `destination` atomically.
    package static func write(_ bytes: [UInt8], to destination: String, mode: mode_t = 0o644,
                              replaceExisting: Bool = true) throws(HEFilesError) {
        let w = try AtomicFileWriter(destination: destination, mode: mode, replaceExisting: replaceExisting)
        try w.write(bytes)
        try w.commit()
    }
}

/// Makes a rename in `dir` durable.
private func syncDirectory(_ dir: String) {
    let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if dfd >= 0 {
        fsync(dfd)
        close(dfd)
    }
}

/// A person's name for a file type (`st_mode & S_IFMT`).
private func fileTypeName(_ type: mode_t) -> String {
    switch type {
    case S_IFDIR: "a directory"
    case S_IFLNK: "a symbolic link"
    case S_IFCHR: "a character device"
    case S_IFBLK: "a block device"
    case S_IFIFO: "a FIFO (named pipe)"
    case S_IFSOCK: "a socket"
    default: "not a regular file"
    }
}

private func splitPath(_ path: String) -> (directory: String, base: String) {
    guard let slash = path.lastIndex(of: "/") else { return ("", path) }
    let dir = String(path[..<slash])
    return (dir.isEmpty ? "/" : dir, String(path[path.index(after: slash)...]))
}
