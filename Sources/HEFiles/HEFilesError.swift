import Foundation

// The single error type of the HEFiles module: container files, key and output files, site identifiers. Every
// case names the file (and where it helps, the section or field) and what was expected. No case ever carries key
// material or decrypted values.

/// Errors raised by HEFiles.
public enum HEFilesError: Error, Sendable, Hashable {
    /// A scheme payload (key or ciphertext bytes) could not be decoded.
    case invalidPayload(path: String, chunk: Int, reason: String)
    /// A file could not be opened or read (missing, a directory, permission denied).
    case fileUnreadable(path: String, reason: String)
    /// A file could not be written, renamed into place or synchronised.
    case fileUnwritable(path: String, reason: String)
    /// An output that must never be replaced (a key file) already exists.
    case outputExists(path: String)
    /// An output path names one of the command's input files, which writing the output would destroy.
    case outputIsInput(output: String, input: String)
    /// An output path names something other than a regular file (a device, FIFO, symbolic link or directory),
    /// which writing beside it and renaming into place would replace.
    case outputNotRegularFile(path: String, found: String)
    /// A file that must hold data is empty (0 bytes); `expected` says what it should contain.
    case emptyFile(path: String, expected: String)
    /// The file does not start with the container magic bytes.
    case notAContainer(path: String)
    /// The container's format version is not one this build can read.
    case unsupportedFormatVersion(path: String, found: UInt16, supported: UInt16)
    /// A version-1 Paillier table: its packing (48-bit signed digits) is no longer read; the table must be
    /// encrypted again.
    case retiredPaillierPacking(path: String, version: UInt16)
    /// The file ends before the section the header promises.
    case truncated(path: String, section: String, expectedBytes: UInt64, availableBytes: UInt64)
    /// Bytes follow the end of the container.
    case trailingBytes(path: String, count: UInt64)
    /// The SHA-256 over the header does not match: the header was altered or damaged.
    case headerChecksumMismatch(path: String)
    /// The SHA-256 over the whole container does not match: the payload was altered or damaged.
    case checksumMismatch(path: String)
    /// A header field is invalid or contradicts another field.
    case inconsistentHeader(path: String, field: String, reason: String)
    /// The container holds something else than the command needs (for example a key where a table was expected).
    case wrongContentKind(path: String, expected: String, found: String)
    /// A secret key file can be read by other users; it is refused until its mode is tightened.
    case secretKeyPermissions(path: String, mode: UInt32)
    /// A secret key path names a symbolic link; a secret key is read only from the file itself.
    case secretKeySymlink(path: String)
    /// A secret key file belongs to another user than the one reading it (numeric user IDs).
    case secretKeyOwner(path: String, owner: UInt32, user: UInt32)
    /// A site identifier is empty, too long or contains characters that are not allowed.
    case invalidSiteID(String, reason: String)
    /// A header value (a label, a site ID) cannot be stored in the container format; nothing was written.
    case unencodableHeader(output: String, field: String, reason: String)
}

extension HEFilesError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .invalidPayload(path, chunk, reason):
            return "\(path): payload chunk \(chunk): \(reason)"
        case let .fileUnreadable(path, reason):
            return "\(path): cannot read: \(reason)"
        case let .fileUnwritable(path, reason):
            return "\(path): cannot write: \(reason)"
        case let .outputExists(path):
            return "\(path): already exists; refusing to overwrite it (move it away or choose another output path)"
        case let .outputIsInput(output, input):
            return output == input
                ? "\(output): is both an input and the output; writing the output would destroy the input"
                : "\(output): is the same file as the input \(input); writing the output would destroy the input"
        case let .outputNotRegularFile(path, found):
            return "\(path): is \(found); outputs are written beside the destination and renamed into place, which "
                + "would replace it, so give the path of a regular file"
        case let .emptyFile(path, expected):
            return "\(path): the file is empty (0 bytes); expected \(expected)"
        case let .notAContainer(path):
            return "\(path): not an he-toolkit container (the file does not start with the container magic bytes)"
        case let .unsupportedFormatVersion(path, found, supported):
            return "\(path): container format version \(found) is not supported (this build reads versions up to \(supported))"
        case let .retiredPaillierPacking(path, version):
            return "\(path): a Paillier table of container format version \(version), whose packing (48-bit signed slots) "
                + "this build no longer reads; encrypt the site's table again with this he-cli (key files of version "
                + "\(version) are still read)"
        case let .truncated(path, section, expected, available):
            return "\(path): file is truncated: \(section) needs \(expected) bytes but only \(available) remain"
        case let .trailingBytes(path, count):
            return "\(path): \(count) unexpected bytes after the end of the container"
        case let .headerChecksumMismatch(path):
            return "\(path): header checksum mismatch (the header is damaged or was modified)"
        case let .checksumMismatch(path):
            return "\(path): SHA-256 checksum mismatch (the file is damaged or was modified)"
        case let .inconsistentHeader(path, field, reason):
            return "\(path): inconsistent header: \(field): \(reason)"
        case let .wrongContentKind(path, expected, found):
            return "\(path): expected \(expected) but the file holds \(found)"
        case let .secretKeyPermissions(path, mode):
            return "\(path): secret key file is accessible by other users (mode 0\(String(mode & 0o777, radix: 8))); "
                + "run: chmod 600 \(shellQuoted(path))"
        case let .secretKeySymlink(path):
            return "\(path): is a symbolic link; a secret key is read only from a regular file named directly, so "
                + "give the path of the key file itself (or replace the link by the file)"
        case let .secretKeyOwner(path, owner, user):
            return "\(path): secret key file is owned by user ID \(owner), not by the user reading it (user ID \(user)); "
                + "a secret key must belong to the user who uses it (as root run: chown \(user) \(shellQuoted(path)))"
        case let .invalidSiteID(site, reason):
            return "invalid site ID '\(site)': \(reason)"
        case let .unencodableHeader(output, field, reason):
            return "cannot write \(output): \(field): \(reason); nothing was written"
        }
    }
}

/// Quotes a path for a shell command shown to the user, only when it needs quoting.
package func shellQuoted(_ path: String) -> String {
    let safe = path.allSatisfy { $0.isLetter || $0.isNumber || "-_./+:@%,".contains($0) }
    if safe && !path.isEmpty { return path }
    return "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// At most `limit` characters of a value quoted in a message, marked when cut: a line of junk (a binary file read
/// as text) must not become a megabyte of standard error.
package func excerpt(_ value: String, limit: Int = 80) -> String {
    guard value.count > limit else { return value }
    return String(value.prefix(limit)) + "... (\(value.utf8.count) bytes)"
}
