import EncryptedStats
import GWAS
import HEFiles

#if canImport(Glibc)
import Glibc
#endif

/// Refuses an output path that names one of the command's inputs, before any work is done.
///
/// Outputs are written to a temporary file and renamed into place, so without this check `--out` equal to an input
/// would silently replace that input (a site's table, an aggregate, even the secret key) with the result. A path is
/// the same file when the strings are equal or when both exist and are the same file on disk (another spelling,
/// a symbolic or a hard link). An existing output that is not a regular file (a device, FIFO, symbolic link or
/// directory) is refused too: the rename would replace it.
func refuseOutputsReplacingInputs(outputs: [String], inputs: [String]) throws(HEFilesError) {
    for output in outputs {
        let target = fileIdentity(output)
        for input in inputs {
            if output == input {
                throw .outputIsInput(output: output, input: input)
            }
            if let target, let source = fileIdentity(input), target == source {
                throw .outputIsInput(output: output, input: input)
            }
        }
        try AtomicFileWriter.checkDestination(output)
    }
}

/// Device and inode of an existing file (following symbolic links), nil when it does not exist.
private func fileIdentity(_ path: String) -> [UInt64]? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    return [UInt64(st.st_dev), UInt64(st.st_ino)]
}
