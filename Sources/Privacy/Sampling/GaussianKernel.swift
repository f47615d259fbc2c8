// Discrete Gaussian kernel: Canonne, Kamath and Steinke (NeurIPS 2020; arXiv:2004.00010), the discrete
// Gaussian sampler.
//
// For sigma^2 = a/b: t = floor(sigma) + 1; draw Y from the discrete Laplace of scale t and accept it with
// probability exp(-(|Y| - sigma^2/t)^2 / (2 sigma^2)). Accepted values have P(Y = y) proportional to
// exp(-y^2 / (2 sigma^2)) (proved in the paper). In integers the exponent is
//   gamma = (|Y| b t - a)^2 / (2 a b t^2).
//
// Timing (docs/PRIVACY.md): rejected rounds are independent of the result; the accepted round's Laplace draw and its
// Bernoulli(exp(-gamma)) both take longer for larger |Y|. Not constant time.

import Paillier  // for BigInt (GMP)

/// Precomputed integers of one discrete Gaussian: sigma^2 = a/b in lowest terms and t = floor(sigma) + 1.
struct GaussianConstants: Sendable {
    let a: BigInt
    let b: BigInt
    let t: BigInt
    /// 2 a b t^2
    let denominator: BigInt
    /// b t
    let bt: BigInt
    /// The same as words, when t, b t, a and 2 a b t^2 all fit.
    let words: (a: UInt64, t: UInt64, bt: UInt64, denominator: UInt64)?

    init(sigmaSquared: Rational) {
        a = sigmaSquared.numerator
        b = sigmaSquared.denominator
        t = sigmaSquared.squareRootFloor + 1
        bt = b * t
        denominator = BigInt(2) * a * bt * t
        if let a = a.uint64Value, let t = t.uint64Value, let bt = bt.uint64Value,
           let denominator = denominator.uint64Value {
            words = (a, t, bt, denominator)
        } else {
            words = nil
        }
    }
}

extension NoiseRandomness {
    /// One discrete Gaussian sample.
    mutating func discreteGaussian(_ c: GaussianConstants) -> SampledInteger {
        while true {
            let y = c.words.map { discreteLaplace(t: $0.t, s: 1) } ?? discreteLaplace(t: c.t, s: BigInt(1))
            if acceptGaussian(y.magnitude, c) { return y }
        }
    }

    /// Bernoulli(exp(-gamma)) with gamma = (|Y| b t - a)^2 / (2 a b t^2), on words when nothing overflows.
    private mutating func acceptGaussian(_ magnitude: SampledMagnitude, _ c: GaussianConstants) -> Bool {
        if let w = c.words, case .word(let y) = magnitude {
            let (ybt, overflow) = y.multipliedReportingOverflow(by: w.bt)
            if !overflow {
                let difference = ybt >= w.a ? ybt - w.a : w.a - ybt
                let (square, squareOverflow) = difference.multipliedReportingOverflow(by: difference)
                if !squareOverflow { return bernoulliExpMinus(square, over: w.denominator) }
            }
        }
        let y: BigInt
        switch magnitude {
        case .word(let v): y = BigInt(v)
        case .big(let v): y = v
        }
        let difference = y * c.bt - c.a
        return bernoulliExpMinus(difference * difference, over: c.denominator)
    }
}
