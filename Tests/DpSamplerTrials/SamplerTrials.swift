// Goodness-of-fit trials of the exact samplers: draw N samples of a case with a fixed seed and produce the
// histogram that Tests/Oracles/dp_sampler_gof.py tests against the exact probability mass function.

import Foundation
import Paillier
import Privacy

public enum SamplerTrials {
    /// One distribution under test.
    public struct Case: Sendable {
        public enum Kind: String, Sendable { case gaussian, laplace }
        public var kind: Kind
        /// sigma^2 for the Gaussian, the scale t for the Laplace.
        public var parameter: Rational
        public var name: String

        public init(kind: Kind, parameter: Rational, name: String) {
            self.kind = kind
            self.parameter = parameter
            self.name = name
        }

        public static func gaussian(sigma: Rational) -> Case {
            Case(kind: .gaussian, parameter: sigma * sigma, name: "discrete Gaussian sigma=\(sigma)")
        }

        public static func laplace(scale: Rational) -> Case {
            Case(kind: .laplace, parameter: scale, name: "discrete Laplace t=\(scale)")
        }

        /// The cases of the acceptance tests: sigma in {0.5, 3, 1000}, t in {1, 10, 1000}.
        public static let standard: [Case] = [
            .gaussian(sigma: Rational(1, 2)), .gaussian(sigma: 3), .gaussian(sigma: 1000),
            .laplace(scale: 1), .laplace(scale: 10), .laplace(scale: 1000),
        ]

        public func noise() throws -> any IntegerNoise {
            switch kind {
            case .gaussian: try DiscreteGaussian(sigmaSquared: parameter)
            case .laplace: try DiscreteLaplace(scale: parameter)
            }
        }
    }

    /// Counts of each sampled value.
    public static func histogram(_ c: Case, samples: Int, seed: UInt64) throws -> [Int64: Int] {
        let noise = try c.noise()
        var randomness = NoiseRandomness(generator: SeededGenerator(seed: seed))
        var counts: [Int64: Int] = [:]
        for _ in 0..<samples {
            guard let value = noise.sampleInteger(using: &randomness).int64Value else {
                preconditionFailure("a test sample does not fit Int64")
            }
            counts[value, default: 0] += 1
        }
        return counts
    }

    /// The request for dp_sampler_gof.py: the distribution and its histogram.
    public static func request(_ c: Case, histogram: [Int64: Int], seed: UInt64) -> [String: Any] {
        [
            "name": c.name, "kind": c.kind.rawValue, "seed": seed,
            "numerator": c.parameter.numerator.description, "denominator": c.parameter.denominator.description,
            "histogram": Dictionary(uniqueKeysWithValues: histogram.map { (String($0.key), $0.value) }),
        ]
    }
}
