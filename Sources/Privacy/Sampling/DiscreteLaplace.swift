// The discrete Laplace distribution on the integers: P(x) proportional to exp(-|x| / scale), sampled exactly
// (LaplaceKernel.swift).

import Paillier  // for BigInt (GMP)

/// Discrete Laplace noise with a positive rational `scale`: P(x) = (e^(1/scale) - 1) / (e^(1/scale) + 1) *
/// exp(-|x| / scale). With L1 sensitivity Delta it gives (Delta / scale)-differential privacy.
public struct DiscreteLaplace: IntegerNoise, Hashable {
    public let scale: Rational

    /// Fails with `PrivacyError.nonPositiveParameter` unless `scale > 0`.
    public init(scale: Rational) throws(PrivacyError) {
        guard scale.signum > 0 else { throw .nonPositiveParameter(name: "scale", value: scale) }
        self.scale = scale
    }

    public func sampleInteger<G: RandomNumberGenerator>(using randomness: inout NoiseRandomness<G>) -> SampledInteger {
        // scale = t / s in the paper's notation
        randomness.discreteLaplace(t: scale.numerator, s: scale.denominator)
    }
}
