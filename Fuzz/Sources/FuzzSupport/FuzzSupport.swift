// Shared pieces of the fuzz targets: a scratch directory for the files the readers open, a cursor over the fuzz
// input, invariant checks that abort (libFuzzer reports an abort as a crash), and the committed test keys.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibFuzzer
import EncryptedStats
import HEFiles
import GWAS

/// Stops the run with a message: an invariant of a successfully parsed input does not hold.
public func invariantFailure(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    let text = Array("INVARIANT FAILED (\(file):\(line)): \(message)\n".utf8)
    _ = text.withUnsafeBytes { Glibc.write(2, $0.baseAddress!, $0.count) }
    abort()
}

/// Checks an invariant of a successfully parsed input; a violation is a finding, like a crash.
public func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                  file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { invariantFailure(message(), file: file, line: line) }
}

/// A per-process directory for the files handed to the readers (they open paths, as `he-cli` does). It lives under
/// `$HE_FUZZ_SCRATCH`, else `/dev/shm` when present, else `$TMPDIR` or `/tmp`, and is removed at exit.
public enum Scratch {
    public static let directory: String = {
        let env = ProcessInfoLite.environment
        var base = env["HE_FUZZ_SCRATCH"] ?? ""
        if base.isEmpty {
            var st = stat()
            base = stat("/dev/shm", &st) == 0 && access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (env["TMPDIR"] ?? "/tmp")
        }
        var template = Array("\(base)/he-fuzz-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            invariantFailure("cannot create a scratch directory under \(base)")
        }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        atexit { Scratch.removeAll() }
        return path
    }()

    /// The path of `name` inside the scratch directory.
    public static func path(_ name: String) -> String { directory + "/" + name }

    /// Writes `bytes` to `name` in the scratch directory (mode 0600, so secret key files are accepted) and returns
    /// its path.
    @discardableResult
    public static func write(_ name: String, _ bytes: some Collection<UInt8>) -> String {
        let p = path(name)
        unlink(p)
        let fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { invariantFailure("cannot create \(p)") }
        defer { close(fd) }
        let data = Array(bytes)
        var done = 0
        while done < data.count {
            let n = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, data.count - done) }
            guard n > 0 else { invariantFailure("cannot write \(p)") }
            done += n
        }
        return p
    }

    /// Removes `name` from the scratch directory if it exists.
    public static func remove(_ name: String) { unlink(path(name)) }

    /// Reads a whole file (for copying committed fixtures into the scratch directory).
    public static func readFile(_ path: String) -> [UInt8] {
        guard let f = fopen(path, "rb") else { invariantFailure("cannot open \(path)") }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n == 0 { break }
            out += buffer[0 ..< n]
        }
        return out
    }

    static func removeAll() {
        guard let dir = opendir(directory) else { return }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { unlink(directory + "/" + name) }
        }
        closedir(dir)
        rmdir(directory)
    }
}

/// The process environment without Foundation.
enum ProcessInfoLite {
    static var environment: [String: String] {
        var out: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { out[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return out
    }
}

/// Consumes a fuzz input front to back; reads past the end yield zeros / empty arrays.
public struct FuzzInput {
    public let bytes: [UInt8]
    public private(set) var offset = 0

    public init(_ data: UnsafePointer<UInt8>, _ count: Int) {
        bytes = Array(UnsafeBufferPointer(start: data, count: count))
    }

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var isAtEnd: Bool { offset >= bytes.count }

    public mutating func u8() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func u16() -> UInt16 { UInt16(u8()) | UInt16(u8()) << 8 }

    public mutating func u32() -> UInt32 { UInt32(u16()) | UInt32(u16()) << 16 }

    public mutating func u64() -> UInt64 { UInt64(u32()) | UInt64(u32()) << 32 }

    /// Up to `n` bytes.
    public mutating func take(_ n: Int) -> [UInt8] {
        let end = min(bytes.count, offset + max(0, n))
        defer { offset = end }
        return Array(bytes[min(offset, end) ..< end])
    }

    /// A `u32` length, then up to that many bytes.
    public mutating func blob() -> [UInt8] { take(Int(u32())) }

    /// Everything not yet consumed.
    public mutating func rest() -> [UInt8] { take(bytes.count - offset) }
}

/// The committed test keys (Fuzz/corpus/test-keys, generated by Fuzz/make-corpus.sh; test use only), copied to the scratch
/// directory with mode 0600 and loaded through `KeyFiles` once per process.
public enum TestKeys {
    /// Fuzz/corpus/test-keys, found next to this source file, or `$HE_FUZZ_KEYS`.
    public static let directory: String = {
        if let dir = ProcessInfoLite.environment["HE_FUZZ_KEYS"], !dir.isEmpty { return dir }
        // #filePath is .../Fuzz/Sources/FuzzSupport/FuzzSupport.swift.
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count > 3 else { invariantFailure("cannot locate Fuzz/corpus/test-keys from \(#filePath); set HE_FUZZ_KEYS") }
        parts.removeLast(3)
        return parts.joined(separator: "/") + "/corpus/test-keys"
    }()

    public static func file(_ scheme: SchemeID, secret: Bool) -> String {
        "\(directory)/\(scheme)-test-only-\(secret ? "secret" : "public").hekey"
    }

    /// Secret-key material of `scheme`, read as `he-cli decrypt` reads it.
    public static func secret(_ scheme: SchemeID) -> (keys: SchemeKeys, path: String) {
        let path = Scratch.write("test-key-\(scheme).hekey", Scratch.readFile(file(scheme, secret: true)))
        do {
            return (try KeyFiles.readSecret(path), path)
        } catch {
            invariantFailure("the committed test key \(file(scheme, secret: true)) does not load: \(error)")
        }
    }

    /// Path of the committed public key of `scheme`.
    public static func publicPath(_ scheme: SchemeID) -> String { file(scheme, secret: false) }
}

/// Container bytes with both SHA-256 digests recomputed (the header digest after the header whose length the
/// preamble gives, the file digest over everything before the last 32 bytes), so that mutated headers and payloads
/// reach the decoders behind the checksums. Nil when the bytes are too short to hold the digests.
public func withContainerDigestsFixed(_ bytes: [UInt8]) -> [UInt8]? {
    let pre = ContainerFormat.preambleSize, d = ContainerFormat.digestSize
    guard bytes.count >= pre else { return nil }
    let headerLength = Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16 | Int(bytes[15]) << 24
    let headerEnd = pre + headerLength
    guard headerEnd + 2 * d <= bytes.count else { return nil }
    var out = bytes
    out.replaceSubrange(headerEnd ..< headerEnd + d, with: Fingerprint(sha256Of: out[0 ..< headerEnd]).bytes)
    let fileEnd = out.count - d
    out.replaceSubrange(fileEnd ..< out.count, with: Fingerprint(sha256Of: out[0 ..< fileEnd]).bytes)
    return out
}

/// Header and chunks of a container file that reads completely, or the error.
public func readContainer(_ path: String) throws(HEFilesError)
    -> (header: ContainerHeader, chunks: [[UInt8]], version: UInt16)
{
    let reader = try ContainerReader(path: path)
    return (reader.header, try reader.readAllChunks(), reader.formatVersion)
}

/// Encrypts a few values with `scheme` and, when it holds a secret key, decrypts them again; a key that loads must
/// be usable, and one with a secret key must decrypt what it encrypts.
public func checkKeyWorks(_ keys: SchemeKeys) {
    func run<S: AdditiveVectorDecryptor>(_ s: S) {
        let values: [Int64] = [0, 1, 2, 12_345]
        do {
            let v = try s.encrypt(values, bound: 12_345, site: "fuzz-site")
            if keys.hasSecretKey {
                let back = try s.decrypt(v)
                check(back == values, "a key that loads decrypts \(values) as \(back)")
            }
        } catch {
            invariantFailure("a key that loads cannot encrypt or decrypt: \(error)")
        }
    }
    do {
        run(try SchemeRegistry.instance(for: keys))
    } catch {
        invariantFailure("a key that loads has no scheme instance: \(error)")
    }
}

/// Runs libFuzzer on `testOneInput` with the program's arguments and exits with its status. Each target's
/// top-level code ends with this call, after its globals (scratch files, keys) are set up: the targets keep their
/// own Swift `main`, so that one build can carry both the test suite and the fuzz targets (docs/FUZZING.md).
public enum FuzzDriver {
    nonisolated(unsafe) private static var body: ((UnsafePointer<UInt8>, Int) -> CInt)? = nil
    nonisolated(unsafe) private static var empty: UInt8 = 0

    public static func run(_ testOneInput: @escaping (UnsafePointer<UInt8>, Int) -> CInt) -> Never {
        body = testOneInput
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            guard let data else { return withUnsafePointer(to: &FuzzDriver.empty) { FuzzDriver.body!($0, 0) } }
            return FuzzDriver.body!(data, size)
        }
        exit(status)
    }
}
