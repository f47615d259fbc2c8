extension Modulus {
    /// Deterministic Miller-Rabin for 64-bit integers (the first twelve primes as bases are
    /// sufficient below 3.3 * 10^24).
    public static func isPrime(_ n: UInt64) -> Bool {
        if n < 2 { return false }
        let small: [UInt64] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]
        for p in small {
            if n == p { return true }
            if n % p == 0 { return false }
        }
        var d = n - 1
        var s = 0
        while d & 1 == 0 {
            d >>= 1
            s += 1
        }
        func mulmod(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let p = a.multipliedFullWidth(by: b)
            return n.dividingFullWidth((p.high, p.low)).remainder
        }
        func powmod(_ b: UInt64, _ e: UInt64) -> UInt64 {
            var r: UInt64 = 1
            var b = b % n
            var e = e
            while e > 0 {
                if e & 1 == 1 { r = mulmod(r, b) }
                b = mulmod(b, b)
                e >>= 1
            }
            return r
        }
        witnessLoop: for a in small {
            var x = powmod(a, d)
            if x == 1 || x == n - 1 { continue }
            for _ in 1..<max(s, 1) {
                x = mulmod(x, x)
                if x == n - 1 { continue witnessLoop }
            }
            return false
        }
        return true
    }
}
