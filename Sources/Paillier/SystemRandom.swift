// Randomness for keys, randomisers and test data: only the operating system's CSPRNG.
//
// `SystemRandomNumberGenerator` reads getrandom(2) on Linux and arc4random on Apple platforms. GMP's own
// generators (seeded, deterministic) are never used.

import CGMP

extension BigInt {
    /// A uniform integer in `0..<2^bits` from the OS CSPRNG.
    public static func randomBits(_ bits: Int) -> BigInt {
        precondition(bits >= 0, "bit count must be non-negative")
        guard bits > 0 else { return BigInt() }
        var generator = SystemRandomNumberGenerator()
        let wordCount = (bits + 63) / 64
        var words = [UInt64](repeating: 0, count: wordCount)
        for i in 0..<wordCount {
            words[i] = generator.next()
        }
        let excess = wordCount * 64 - bits
        if excess > 0 {
            words[wordCount - 1] &= UInt64.max >> UInt64(excess)
        }
        let value = BigInt(littleEndianWords: words)
        words.withUnsafeMutableBytes { he_secure_zero($0.baseAddress, $0.count) }
        return value
    }

    /// A uniform integer in `0..<bound` (bound > 0) by rejection sampling from the OS CSPRNG.
    public static func random(below bound: BigInt) -> BigInt {
        precondition(bound.signum > 0, "bound must be positive")
        let bits = bound.bitWidth
        while true {
            let candidate = randomBits(bits)
            if candidate < bound { return candidate }
        }
    }

    /// A uniform unit of Z_n (1 <= r < n, gcd(r, n) = 1).
    public static func randomUnit(modulo n: BigInt) -> BigInt {
        while true {
            let r = random(below: n)
            if !r.isZero, BigInt.gcd(r, n) == BigInt(1) { return r }
        }
    }
}
