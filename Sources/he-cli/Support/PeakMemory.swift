#if canImport(Glibc)
import Glibc
#endif

/// With the environment variable `HE_CLI_REPORT_PEAK_MEMORY` set, `he-cli` prints its peak resident set size on
/// standard error when it exits (`he-cli: peak resident memory: 28592 kB`), for memory measurements such as the
/// streaming-aggregation test. The value is `VmHWM` of `/proc/self/status`, the peak of this program's own memory
/// since it started; `getrusage`'s maximum is not used because after a vfork-style spawn it also includes the peak
/// of the process that started `he-cli`.
enum PeakMemoryReport {
    static func installIfRequested() {
        guard getenv("HE_CLI_REPORT_PEAK_MEMORY") != nil else { return }
        atexit {
            guard let file = fopen("/proc/self/status", "r") else { return }
            defer { fclose(file) }
            var buffer = [CChar](repeating: 0, count: 256)
            while fgets(&buffer, Int32(buffer.count), file) != nil {
                let length = buffer.firstIndex(of: 0) ?? buffer.count
                let line = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                guard line.hasPrefix("VmHWM:") else { continue }
                let value = line.dropFirst("VmHWM:".count).drop { $0 == " " || $0 == "\t" }.prefix { $0 != "\n" }
                let message = Array("he-cli: peak resident memory: \(value)\n".utf8)
                _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            }
        }
    }
}
