/// Generation of NTT-friendly primes and primitive roots of unity.
public enum NttPrimes {
    /// The largest `count` primes q < 2^bits with q ≡ 1 (mod 2N), in decreasing order, skipping `excluding`.
    public static func generate(
        bits: Int, degree: Int, count: Int, excluding: Set<UInt64> = []
    ) throws(RlweError) -> [UInt64] {
        guard bits >= 2, bits <= 61 else {
            throw .invalidModulus(modulus: 0, reason: "prime size \(bits) bits is outside 2...61")
        }
        let step = UInt64(2 * degree)
        var result: [UInt64] = []
        let top: UInt64 = bits == 64 ? UInt64.max : (1 << UInt64(bits)) - 1
        var candidate = top - (top % step) + 1
        if candidate > top { candidate -= step }
        let floor: UInt64 = 1 << UInt64(bits - 1)
        while result.count < count, candidate > floor {
            if !excluding.contains(candidate), Modulus.isPrime(candidate) { result.append(candidate) }
            candidate -= step
        }
        guard result.count == count else {
            throw .primeSearchExhausted(bits: bits, degree: degree, found: result.count, wanted: count)
        }
        return result
    }

    /// The smallest primitive 2N-th root of unity modulo the prime q (deterministic, so that the
    /// evaluation form is reproducible).
    public static func minimalPrimitiveRoot(degree: Int, modulus: Modulus) throws(RlweError) -> UInt64 {
        let q = modulus.value
        let order = UInt64(2 * degree)
        guard (q - 1) % order == 0 else { throw .notNttFriendly(modulus: q, degree: degree) }
        let cofactor = (q - 1) / order
        // Find any primitive 2N-th root: g = x^((q-1)/2N) with g^N = -1.
        var root: UInt64 = 0
        var x: UInt64 = 2
        while x < q {
            let g = modulus.power(x, cofactor)
            if modulus.power(g, UInt64(degree)) == q - 1 {
                root = g
                break
            }
            x += 1
        }
        guard root != 0 else { throw .notNttFriendly(modulus: q, degree: degree) }
        // All primitive 2N-th roots are the odd powers of one of them; take the smallest.
        let square = modulus.multiply(root, root)
        var current = root
        var best = root
        for _ in 0..<degree {
            if current < best { best = current }
            current = modulus.multiply(current, square)
        }
        return best
    }
}
