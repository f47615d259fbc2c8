// Bernoulli kernels of Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy" (NeurIPS
// 2020; arXiv:2004.00010): Bernoulli(exp(-gamma))
// by von Neumann's method, on exact integers.
//
// Each kernel has a word path (UInt64 arithmetic with every product and sum checked for overflow) and a BigInt
// path. A step whose operands do not fit a word runs on BigInt instead; that step samples the same distribution,
// so switching never changes the output distribution (a retry would, and none is made).

import Paillier  // for BigInt (GMP)

extension NoiseRandomness {
    // MARK: Bernoulli(numerator / denominator)

    /// True with probability `numerator / denominator` (0 <= numerator <= denominator, denominator > 0).
    mutating func bernoulli(_ numerator: UInt64, over denominator: UInt64) -> Bool {
        uniform(below: denominator) < numerator
    }

    mutating func bernoulli(_ numerator: BigInt, over denominator: BigInt) -> Bool {
        uniform(below: denominator) < numerator
    }

    // MARK: Bernoulli(exp(-gamma)), gamma = numerator / denominator

    /// Bernoulli(exp(-n/d)) for 0 <= n/d <= 1: K counts up while Bernoulli(gamma / K) succeeds; true when the
    /// final K is odd. The probability of an odd K is sum_k (-gamma)^k / k! = exp(-gamma).
    mutating func bernoulliExpMinusAtMostOne(_ numerator: UInt64, over denominator: UInt64) -> Bool {
        var k: UInt64 = 1
        while true {
            let (scaled, overflow) = denominator.multipliedReportingOverflow(by: k)
            let success = overflow
                ? bernoulli(BigInt(numerator), over: BigInt(denominator) * BigInt(k))
                : bernoulli(numerator, over: scaled)
            if !success { break }
            k += 1
        }
        return k & 1 == 1
    }

    mutating func bernoulliExpMinusAtMostOne(_ numerator: BigInt, over denominator: BigInt) -> Bool {
        if let n = numerator.uint64Value, let d = denominator.uint64Value {
            return bernoulliExpMinusAtMostOne(n, over: d)
        }
        var k = BigInt(1)
        while bernoulli(numerator, over: denominator * k) { k = k + 1 }
        return k.isOdd
    }

    /// Bernoulli(exp(-1)).
    mutating func bernoulliExpMinusOne() -> Bool {
        bernoulliExpMinusAtMostOne(1 as UInt64, over: 1)
    }

    /// Bernoulli(exp(-n/d)) for any n/d >= 0: floor(gamma) independent Bernoulli(exp(-1)) (stopping at the first
    /// failure), then Bernoulli(exp(-(gamma - floor(gamma)))).
    mutating func bernoulliExpMinus(_ numerator: UInt64, over denominator: UInt64) -> Bool {
        let whole = numerator / denominator
        var i: UInt64 = 0
        while i < whole {
            if !bernoulliExpMinusOne() { return false }
            i += 1
        }
        return bernoulliExpMinusAtMostOne(numerator % denominator, over: denominator)
    }

    mutating func bernoulliExpMinus(_ numerator: BigInt, over denominator: BigInt) -> Bool {
        if let n = numerator.uint64Value, let d = denominator.uint64Value {
            return bernoulliExpMinus(n, over: d)
        }
        let whole = numerator.floorDivided(by: denominator)
        var i = BigInt(0)
        while i < whole {
            if !bernoulliExpMinusOne() { return false }
            i = i + 1
        }
        return bernoulliExpMinusAtMostOne(numerator.modulo(denominator), over: denominator)
    }
}
