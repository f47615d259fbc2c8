// The discrete Gaussian distribution on the integers: P(x) proportional to exp(-x^2 / (2 sigma^2)), sampled
// exactly (GaussianKernel.swift).

import Paillier  // for BigInt (GMP)

/// Discrete Gaussian noise with a positive rational variance parameter `sigmaSquared` (the actual variance is
/// slightly below sigma^2). With L2 sensitivity Delta it gives rho-zCDP with rho = Delta^2 / (2 sigma^2).
public struct DiscreteGaussian: IntegerNoise, Hashable {
    public let sigmaSquared: Rational
    private let constants: GaussianConstants

    /// Fails with `PrivacyError.nonPositiveParameter` unless `sigmaSquared > 0`.
    public init(sigmaSquared: Rational) throws(PrivacyError) {
        guard sigmaSquared.signum > 0 else { throw .nonPositiveParameter(name: "sigmaSquared", value: sigmaSquared) }
        self.sigmaSquared = sigmaSquared
        constants = GaussianConstants(sigmaSquared: sigmaSquared)
    }

    public func sampleInteger<G: RandomNumberGenerator>(using randomness: inout NoiseRandomness<G>) -> SampledInteger {
        randomness.discreteGaussian(constants)
    }

    public static func == (a: DiscreteGaussian, b: DiscreteGaussian) -> Bool { a.sigmaSquared == b.sigmaSquared }
    public func hash(into hasher: inout Hasher) { hasher.combine(sigmaSquared) }
}
