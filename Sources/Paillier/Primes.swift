// Prime generation for Paillier moduli.

extension BigInt {
    /// A random probable prime of exactly `bits` bits with its two top bits set (so that the product of two
    /// such primes has exactly `2 * bits` bits).
    ///
    /// Every candidate is drawn afresh from the OS CSPRNG (no incremental search, so every prime of the
    /// range is equally likely) and tested with `mpz_probab_prime_p` at `rounds` (trial division,
    /// Baillie-PSW, and `rounds - 24` Miller-Rabin rounds).
    public static func randomPrime(bits: Int, rounds: Int = 32) -> BigInt {
        precondition(bits >= 16, "prime size too small")
        let top = (BigInt(3) << (bits - 2))
        while true {
            var candidate = randomBits(bits - 2) + top
            if !candidate.isOdd {
                candidate = candidate + 1
                if candidate.bitWidth != bits { continue }
            }
            if candidate.isProbablePrime(rounds: rounds) { return candidate }
        }
    }
}
