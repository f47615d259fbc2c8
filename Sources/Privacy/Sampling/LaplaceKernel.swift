// Discrete Laplace kernel: Canonne, Kamath and Steinke (NeurIPS 2020; arXiv:2004.00010), the discrete
// Laplace sampler.
//
// For scale t/s (t, s positive integers) it returns Y with P(Y = y) proportional to exp(-|y| s / t):
//   U uniform in {0, ..., t-1}; accept U with probability exp(-U/t)   (U is then the remainder of X mod t)
//   V = number of successes of Bernoulli(exp(-1)) before the first failure   (geometric: floor(X / t))
//   X = U + t V is geometric with P(X = x) proportional to exp(-x / t); Y = floor(X / s) is geometric with
//   ratio exp(-s/t); a random sign, rejecting (-, 0) so that 0 is not counted twice, gives the two-sided law.
//
// Timing (docs/PRIVACY.md): the number of rejected rounds is independent of the result, but the accepted round runs
// V + 1 Bernoulli(exp(-1)) trials, so its duration grows with |Y| s / t. Not constant time.

import Paillier  // for BigInt (GMP)

extension NoiseRandomness {
    /// One discrete Laplace sample of scale `t / s` on machine words; any step that would overflow runs on BigInt.
    mutating func discreteLaplace(t: UInt64, s: UInt64) -> SampledInteger {
        while true {
            let u = uniform(below: t)
            if !bernoulliExpMinusAtMostOne(u, over: t) { continue }
            var v: UInt64 = 0
            while bernoulliExpMinusOne() { v += 1 }
            let (tv, overflowProduct) = t.multipliedReportingOverflow(by: v)
            let (x, overflowSum) = tv.addingReportingOverflow(u)
            let negative = bit()
            if overflowProduct || overflowSum {
                let y = (BigInt(t) * BigInt(v) + BigInt(u)).floorDivided(by: BigInt(s))
                if negative && y.isZero { continue }
                return SampledInteger(negative: negative, magnitude: y)
            }
            let y = x / s
            if negative && y == 0 { continue }
            return SampledInteger(negative: negative, magnitude: y)
        }
    }

    /// The same algorithm for scale `t / s` with BigInt operands.
    mutating func discreteLaplace(t: BigInt, s: BigInt) -> SampledInteger {
        if let tw = t.uint64Value, let sw = s.uint64Value { return discreteLaplace(t: tw, s: sw) }
        while true {
            let u = uniform(below: t)
            if !bernoulliExpMinusAtMostOne(u, over: t) { continue }
            var v = BigInt(0)
            while bernoulliExpMinusOne() { v = v + 1 }
            let y = (u + t * v).floorDivided(by: s)
            let negative = bit()
            if negative && y.isZero { continue }
            return SampledInteger(negative: negative, magnitude: y)
        }
    }
}
