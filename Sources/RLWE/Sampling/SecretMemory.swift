// Zeroing of memory that held secret values (the secret key, its seed, sampled secrets and errors).
//
// `explicit_bzero` (glibc) and `memset_s` (Darwin) are stores the optimiser must keep even when the buffer is
// freed right after. Swift arrays are copy-on-write: zeroing goes through `withUnsafeMutableBytes`, which
// zeroes the buffer in place when this array is its only owner and otherwise first makes a private copy, so a
// buffer still shared with another array is left for its last owner. Copies the runtime made earlier (a
// reallocation while an array grew) are not reachable and cannot be zeroed; docs/SIDE-CHANNELS.md lists what
// this does and does not cover.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Overwrites `buffer` with zeros; the stores are not removed by the optimiser.
func secureZero(_ buffer: UnsafeMutableRawBufferPointer) {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return }
    #if canImport(Glibc)
    explicit_bzero(base, buffer.count)
    #elseif canImport(Darwin)
    _ = memset_s(base, buffer.count, 0, buffer.count)
    #else
    for i in 0..<buffer.count { buffer[i] = 0 }
    #endif
}

extension Array where Element: BitwiseCopyable {
    /// Overwrites the elements with zero bits (in place when this array owns its buffer alone).
    mutating func secureZero() {
        withUnsafeMutableBytes { RLWE.secureZero($0) }
    }
}

extension RnsPoly {
    /// Overwrites the residues with zeros (for polynomials derived from the secret key).
    mutating func secureZero() {
        data.secureZero()
    }
}
