#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Folders for a command's outputs, created readable by their owner only.

public enum Directories {
    /// Creates `path` with mode 0700; with `parents`, also every missing folder above it (an existing folder is
    /// kept); without, `path` must not exist yet.
    public static func create(_ path: String, parents: Bool) throws(HEFilesError) {
        if parents {
            var prefix = path.hasPrefix("/") ? "" : "."
            for component in path.split(separator: "/") {
                prefix += "/" + component
                if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                    throw .fileUnwritable(path: path, reason: errnoDescription())
                }
            }
            var st = stat()
            guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
                throw .fileUnwritable(path: path, reason: String(cString: strerror(ENOTDIR)))
            }
        } else if mkdir(path, 0o700) != 0 {
            throw .fileUnwritable(path: path, reason: errnoDescription())
        }
    }
}
