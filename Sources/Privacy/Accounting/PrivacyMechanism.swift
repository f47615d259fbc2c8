// The privacy loss of one noisy release, exactly, in zero-concentrated differential privacy (zCDP).
//
// Sources:
// - Discrete Gaussian: Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy" (NeurIPS
//   2020): with L2 sensitivity Delta it satisfies (Delta^2 / (2 sigma^2))-zCDP. OpenDP's
//   `make_gaussian` on an integer domain records the same rho.
// - Discrete Laplace: the same paper (and Ghosh, Roughgarden, Sundararajan 2009 for the geometric
//   mechanism): with L1 sensitivity Delta and scale t it is (Delta / t)-DP; OpenDP's `make_laplace` on an integer
//   domain records epsilon = Delta / t.
// - Pure DP to zCDP: Bun and Steinke, "Concentrated Differential Privacy: Simplifications, Extensions, and Lower
//   Bounds" (TCC 2016), Proposition 1.4: epsilon-DP implies (epsilon^2 / 2)-zCDP (OpenDP's `make_pureDP_to_zCDP`).
// - Sequential composition: the same paper, Lemma 1.7: rho adds up.

import Paillier  // for BigInt (GMP)

/// A noise mechanism on integer vectors with its parameters and sensitivity, and the privacy loss it costs.
public enum PrivacyMechanism: Sendable, Hashable {
    /// Discrete Gaussian noise of parameter `sigmaSquared` on a query whose L2 sensitivity squared is
    /// `l2SensitivitySquared` (for counts where one person changes k cells by 1 each, that is k).
    case discreteGaussian(l2SensitivitySquared: Rational, sigmaSquared: Rational)
    /// Discrete Laplace noise of `scale` on a query of L1 sensitivity `l1Sensitivity`.
    case discreteLaplace(l1Sensitivity: Rational, scale: Rational)

    /// Discrete Gaussian noise for L2 sensitivity `l2Sensitivity`.
    public static func discreteGaussian(l2Sensitivity: Rational, sigmaSquared: Rational) -> PrivacyMechanism {
        .discreteGaussian(l2SensitivitySquared: l2Sensitivity * l2Sensitivity, sigmaSquared: sigmaSquared)
    }

    /// Checks that every parameter is positive.
    public func validate() throws(PrivacyError) {
        switch self {
        case .discreteGaussian(let sensitivitySquared, let sigmaSquared):
            try Self.requirePositive(sensitivitySquared, "l2SensitivitySquared")
            try Self.requirePositive(sigmaSquared, "sigmaSquared")
        case .discreteLaplace(let sensitivity, let scale):
            try Self.requirePositive(sensitivity, "l1Sensitivity")
            try Self.requirePositive(scale, "scale")
        }
    }

    /// The zCDP privacy loss: Delta^2 / (2 sigma^2) for the discrete Gaussian, epsilon^2 / 2 with
    /// epsilon = Delta / t for the discrete Laplace.
    public func rho() throws(PrivacyError) -> Rational {
        try validate()
        switch self {
        case .discreteGaussian(let sensitivitySquared, let sigmaSquared):
            return sensitivitySquared / (Rational(2) * sigmaSquared)
        case .discreteLaplace:
            return PrivacyAccounting.rho(pureEpsilon: try pureEpsilon()!)
        }
    }

    /// The pure-DP epsilon Delta / t of the discrete Laplace mechanism; nil for the discrete Gaussian, which has
    /// no finite pure-DP epsilon.
    public func pureEpsilon() throws(PrivacyError) -> Rational? {
        try validate()
        switch self {
        case .discreteGaussian: return nil
        case .discreteLaplace(let sensitivity, let scale): return sensitivity / scale
        }
    }

    /// The sampler of this mechanism's noise.
    public func noise() throws(PrivacyError) -> any IntegerNoise {
        try validate()
        switch self {
        case .discreteGaussian(_, let sigmaSquared): return try DiscreteGaussian(sigmaSquared: sigmaSquared)
        case .discreteLaplace(_, let scale): return try DiscreteLaplace(scale: scale)
        }
    }

    private static func requirePositive(_ value: Rational, _ name: String) throws(PrivacyError) {
        guard value.signum > 0 else { throw .nonPositiveParameter(name: name, value: value) }
    }
}

/// zCDP accounting on exact rationals.
public enum PrivacyAccounting {
    /// epsilon-DP implies (epsilon^2 / 2)-zCDP.
    public static func rho(pureEpsilon epsilon: Rational) -> Rational {
        epsilon * epsilon / Rational(2)
    }

    /// Sequential composition: the rho of several releases on the same data is their sum.
    public static func composed(_ rhos: some Sequence<Rational>) -> Rational {
        rhos.reduce(Rational.zero, +)
    }

    /// The discrete Gaussian sigma^2 for a target rho and L2 sensitivity squared: the exact value
    /// Delta^2 / (2 rho) rounded up to a multiple of `1 / denominator` (default 1: an integer), so that the rho
    /// actually spent, Delta^2 / (2 sigma^2), never exceeds the target.
    public static func sigmaSquared(targetRho rho: Rational, l2SensitivitySquared sensitivitySquared: Rational,
                                    denominator: BigInt = BigInt(1)) throws(PrivacyError) -> Rational {
        guard rho.signum > 0 else { throw .nonPositiveParameter(name: "targetRho", value: rho) }
        guard sensitivitySquared.signum > 0 else {
            throw .nonPositiveParameter(name: "l2SensitivitySquared", value: sensitivitySquared)
        }
        guard denominator.signum > 0 else {
            throw .nonPositiveParameter(name: "denominator", value: Rational(denominator))
        }
        return (sensitivitySquared / (Rational(2) * rho)).roundedUp(toDenominator: denominator)
    }

    /// The discrete Laplace scale for a target pure epsilon and L1 sensitivity: Delta / epsilon rounded up to a
    /// multiple of `1 / denominator`, so that the epsilon actually spent never exceeds the target.
    public static func laplaceScale(targetEpsilon epsilon: Rational, l1Sensitivity sensitivity: Rational,
                                    denominator: BigInt = BigInt(1)) throws(PrivacyError) -> Rational {
        guard epsilon.signum > 0 else { throw .nonPositiveParameter(name: "targetEpsilon", value: epsilon) }
        guard sensitivity.signum > 0 else { throw .nonPositiveParameter(name: "l1Sensitivity", value: sensitivity) }
        guard denominator.signum > 0 else {
            throw .nonPositiveParameter(name: "denominator", value: Rational(denominator))
        }
        return (sensitivity / epsilon).roundedUp(toDenominator: denominator)
    }
}
