// The random source of every sampler: uniform bits and exactly uniform integers, drawn from a
// `RandomNumberGenerator`. Production code uses the operating system's CSPRNG (`SystemRandomNumberGenerator`, the
// default); tests inject a seeded deterministic generator to make runs reproducible.
//
// Bits are handed out from a 64-bit buffer so that a Bernoulli(1/2) costs one bit, not one system call. Bits left
// in the buffer are never used for anything else and are independent of every value already sampled, so they
// carry no information about the noise.

import Paillier  // for BigInt (GMP)

/// Uniform random bits and integers for the exact samplers.
public struct NoiseRandomness<Generator: RandomNumberGenerator> {
    private var generator: Generator
    private var buffer: UInt64 = 0
    private var buffered = 0

    /// Draws from `generator`: for the package's tests, which inject a seeded generator. `package` access, so
    /// that code outside this package can only construct the OS-CSPRNG randomness (`init()`).
    package init(generator: Generator) {
        self.generator = generator
    }

    /// `count` uniform bits (1...64) in the low bits of the result.
    public mutating func bits(_ count: Int) -> UInt64 {
        precondition((1...64).contains(count), "bit count must be in 1...64")
        if count == 64 { return generator.next() }
        if buffered >= count {
            let value = buffer & ((1 << UInt64(count)) - 1)
            buffer >>= UInt64(count)
            buffered -= count
            return value
        }
        // Take the `buffered` bits left and `count - buffered` bits of a fresh word.
        let fresh = generator.next()
        let needed = count - buffered
        let value = buffer | ((fresh & ((1 << UInt64(needed)) - 1)) << UInt64(buffered))
        buffer = fresh >> UInt64(needed)
        buffered = 64 - needed
        return value
    }

    /// One uniform bit.
    public mutating func bit() -> Bool { bits(1) == 1 }

    /// A uniform integer in `0..<bound` (bound > 0), exactly: candidates of `bitWidth(bound - 1)` bits are drawn
    /// until one is below `bound` (no modulo bias; fewer than 2 draws on average). The number of draws is
    /// independent of the value returned.
    public mutating func uniform(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "bound must be positive")
        if bound == 1 { return 0 }
        let width = 64 - (bound - 1).leadingZeroBitCount
        while true {
            let candidate = bits(width)
            if candidate < bound { return candidate }
        }
    }

    /// A uniform integer in `0..<bound` (bound > 0), exactly, by the same rejection on `bitWidth(bound - 1)` bits.
    public mutating func uniform(below bound: BigInt) -> BigInt {
        precondition(bound.signum > 0, "bound must be positive")
        if let small = bound.uint64Value { return BigInt(uniform(below: small)) }
        let width = (bound - 1).bitWidth
        let wordCount = (width + 63) / 64
        let topBits = width - (wordCount - 1) * 64
        var words = [UInt64](repeating: 0, count: wordCount)
        while true {
            for i in 0..<(wordCount - 1) { words[i] = generator.next() }
            words[wordCount - 1] = bits(topBits)
            let candidate = BigInt(littleEndianWords: words)
            if candidate < bound { return candidate }
        }
    }
}

extension NoiseRandomness where Generator == SystemRandomNumberGenerator {
    /// Randomness from the operating system's CSPRNG (`getrandom(2)` on Linux).
    public init() {
        self.init(generator: SystemRandomNumberGenerator())
    }
}
