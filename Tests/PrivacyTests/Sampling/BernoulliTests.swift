import DpSamplerTrials
import Paillier
import Privacy
import Testing

@Suite("Exact Bernoulli")
struct BernoulliTests {
    @Test("certain and impossible outcomes")
    func extremes() throws {
        var randomness = NoiseRandomness(generator: SeededGenerator(seed: 20))
        for _ in 0..<500 {
            #expect(try ExactBernoulli.sample(probability: 0, using: &randomness) == false)
            #expect(try ExactBernoulli.sample(probability: 1, using: &randomness) == true)
            #expect(try ExactBernoulli.sampleExpMinus(0, using: &randomness) == true)
        }
    }

    @Test("parameters are validated")
    func validation() {
        var randomness = NoiseRandomness(generator: SeededGenerator(seed: 21))
        #expect(throws: PrivacyError.probabilityOutOfRange(Rational(3, 2))) {
            try ExactBernoulli.sample(probability: Rational(3, 2), using: &randomness)
        }
        #expect(throws: PrivacyError.probabilityOutOfRange(Rational(-1, 2))) {
            try ExactBernoulli.sample(probability: Rational(-1, 2), using: &randomness)
        }
        #expect(throws: PrivacyError.negativeParameter(name: "gamma", value: Rational(-1, 3))) {
            try ExactBernoulli.sampleExpMinus(Rational(-1, 3), using: &randomness)
        }
    }

    @Test("Bernoulli(p) and Bernoulli(exp(-gamma)) frequencies (chi-square, scipy)",
          .enabled(if: PrivacyOracle.usable, "set HE_TEST_PYTHON to a Python with scipy"))
    func frequencies() throws {
        var randomness = NoiseRandomness(generator: SeededGenerator(seed: 22))
        var requests: [[String: Any]] = []
        let trials = 20_000
        for p in [Rational(1, 3), Rational(999, 1000), Rational(BigInt(1) << 70 - 1, BigInt(1) << 71)] {
            var counts: [Int64: Int] = [:]
            for _ in 0..<trials { counts[try ExactBernoulli.sample(probability: p, using: &randomness) ? 1 : 0, default: 0] += 1 }
            requests.append(["name": "Bernoulli(\(p))", "kind": "bernoulli", "numerator": p.numerator.description,
                             "denominator": p.denominator.description, "histogram": PrivacyOracle.histogram(counts)])
        }
        // gamma below 1, exactly 1, above 1 with a fraction, an integer above 1, and one beyond 64-bit words
        let gammas = [Rational(1, 3), Rational(1), Rational(5, 2), Rational(3),
                      Rational(BigInt(1) << 65 + 1, BigInt(1) << 66)]
        for gamma in gammas {
            var counts: [Int64: Int] = [:]
            for _ in 0..<trials { counts[try ExactBernoulli.sampleExpMinus(gamma, using: &randomness) ? 1 : 0, default: 0] += 1 }
            requests.append(["name": "Bernoulli(exp(-\(gamma)))", "kind": "bernoulli_exp",
                             "numerator": gamma.numerator.description, "denominator": gamma.denominator.description,
                             "histogram": PrivacyOracle.histogram(counts)])
        }
        for (name, p) in try PrivacyOracle.goodnessOfFit(requests) {
            #expect(p > 0.001, "\(name): p = \(p)")
        }
    }
}
