import DpSamplerTrials
import Paillier
import Privacy
import Testing

@Suite("Discrete Gaussian and Laplace")
struct DiscreteNoiseTests {
    @Test("parameters must be positive")
    func validation() {
        #expect(throws: PrivacyError.nonPositiveParameter(name: "sigmaSquared", value: 0)) {
            try DiscreteGaussian(sigmaSquared: 0)
        }
        #expect(throws: PrivacyError.nonPositiveParameter(name: "scale", value: Rational(-1, 2))) {
            try DiscreteLaplace(scale: Rational(-1, 2))
        }
    }

    @Test("the same seed gives the same noise; noise is added per cell")
    func reproducibleAndPerCell() throws {
        let gaussian = try DiscreteGaussian(sigmaSquared: 9)
        var a = NoiseRandomness(generator: SeededGenerator(seed: 30))
        var b = NoiseRandomness(generator: SeededGenerator(seed: 30))
        let counts = (0..<50).map { BigInt($0 * 100) }
        let noisy = gaussian.addingNoise(to: counts, using: &a)
        let noise = gaussian.samples(count: 50, using: &b)
        #expect(noisy == zip(counts, noise).map { $0 + $1 })
        #expect(Set(noise).count > 5)
        // the OS CSPRNG path runs too
        #expect(try DiscreteLaplace(scale: 10).samples(count: 20).count == 20)
    }

    /// 20,000 samples per case; dp-sampler-trials runs 10^6 (docs/PRIVACY.md). Then non-integer scales on the word
    /// path (Laplace t/s with s > 1, including a scale below 1, and sigma^2 = 7/3), and two cases whose parameters
    /// are beyond 64-bit words, so that every step runs on GMP integers.
    @Test("goodness of fit against the exact pmf, 20,000 samples per case (scipy)",
          .enabled(if: PrivacyOracle.usable, "set HE_TEST_PYTHON to a Python with scipy"))
    func goodnessOfFit() throws {
        let wide = BigInt(1) << 64
        let cases = SamplerTrials.Case.standard + [
            .laplace(scale: Rational(5, 2)), .laplace(scale: Rational(1, 3)),
            SamplerTrials.Case(kind: .gaussian, parameter: Rational(7, 3), name: "Gaussian sigma^2 = 7/3"),
            SamplerTrials.Case(kind: .gaussian, parameter: Rational(BigInt(9) * wide + 1, wide), name: "Gaussian sigma^2 ~ 9 (GMP path)"),
            SamplerTrials.Case(kind: .laplace, parameter: Rational(BigInt(3) * wide + 1, wide), name: "Laplace t ~ 3 (GMP path)"),
        ]
        var requests: [[String: Any]] = []
        for (index, c) in cases.enumerated() {
            let seed = UInt64(40 + index)
            requests.append(SamplerTrials.request(c, histogram: try SamplerTrials.histogram(c, samples: 20_000, seed: seed), seed: seed))
        }
        for (name, p) in try PrivacyOracle.goodnessOfFit(requests) {
            #expect(p > 0.001, "\(name): p = \(p)")
        }
    }

    /// The oracle must be able to fail: samples of sigma^2 = 9 against the pmf of sigma^2 = 10, and of scale 10
    /// against scale 11, are rejected.
    @Test("the goodness-of-fit oracle rejects a slightly wrong distribution",
          .enabled(if: PrivacyOracle.usable, "set HE_TEST_PYTHON to a Python with scipy"))
    func oracleRejectsWrongParameters() throws {
        let pairs: [(SamplerTrials.Case, Rational)] = [(.gaussian(sigma: 3), 10), (.laplace(scale: 10), 11)]
        var requests: [[String: Any]] = []
        for (index, (c, wrong)) in pairs.enumerated() {
            var request = SamplerTrials.request(c, histogram: try SamplerTrials.histogram(c, samples: 20_000,
                                                                                         seed: UInt64(60 + index)),
                                                seed: UInt64(60 + index))
            request["numerator"] = wrong.numerator.description
            request["denominator"] = wrong.denominator.description
            requests.append(request)
        }
        for (name, p) in try PrivacyOracle.goodnessOfFit(requests) {
            #expect(p < 1e-6, "\(name) against a wrong pmf: p = \(p)")
        }
    }
}
