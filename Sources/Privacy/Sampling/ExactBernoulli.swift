// Exact Bernoulli trials with rational parameters (BernoulliKernels.swift).

import Paillier  // for BigInt (GMP)

/// Bernoulli trials whose success probability is a rational `p` or `exp(-gamma)` for a rational `gamma`, with no
/// floating point: each reduces to comparisons of exactly uniform integers.
public enum ExactBernoulli {
    /// True with probability `p`; fails with `PrivacyError.probabilityOutOfRange` unless 0 <= p <= 1.
    public static func sample<G: RandomNumberGenerator>(probability p: Rational,
                                                        using randomness: inout NoiseRandomness<G>)
        throws(PrivacyError) -> Bool {
        guard p.signum >= 0, p <= Rational.one else { throw .probabilityOutOfRange(p) }
        return randomness.bernoulli(p.numerator, over: p.denominator)
    }

    /// True with probability `exp(-gamma)`; fails with `PrivacyError.negativeParameter` unless gamma >= 0.
    public static func sampleExpMinus<G: RandomNumberGenerator>(_ gamma: Rational,
                                                                using randomness: inout NoiseRandomness<G>)
        throws(PrivacyError) -> Bool {
        guard gamma.signum >= 0 else { throw .negativeParameter(name: "gamma", value: gamma) }
        return randomness.bernoulliExpMinus(gamma.numerator, over: gamma.denominator)
    }
}
