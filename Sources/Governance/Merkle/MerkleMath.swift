/// Tree-shape arithmetic shared by proof generation and verification (RFC 9162 section 2.1).
enum MerkleMath {
    /// The largest power of two strictly smaller than `n` (n >= 2): the size `k` of the left subtree of a tree of
    /// `n` leaves.
    static func splitPoint(_ n: UInt64) -> UInt64 {
        precondition(n >= 2)
        return UInt64(1) << (63 - (n - 1).leadingZeroBitCount)
    }

    static func isPowerOfTwo(_ n: UInt64) -> Bool { n != 0 && n & (n - 1) == 0 }
}
