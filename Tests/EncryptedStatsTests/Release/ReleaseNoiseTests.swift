// The noise of a differentially private release: a function of its seed alone (any thread count), of the stated
// distribution, and never a negative released count.

import EncryptedStats
import Governance
import Paillier
import Privacy
import Testing

@Suite("Release noise from a seed")
struct ReleaseNoiseTests {
    let seed = NoiseSeed(bytes: Array(0..<32))

    @Test("the same seed gives the same noise on one thread and on all; another seed gives other noise")
    func determinism() throws {
        let all = try ReleaseNoise.discreteGaussian(count: 10_000, sigmaSquared: Rational(50), seed: seed)
        let one = try Parallelism.$threadLimit.withValue(1) {
            try ReleaseNoise.discreteGaussian(count: 10_000, sigmaSquared: Rational(50), seed: seed)
        }
        #expect(all == one && all.count == 10_000)
        // A prefix of a longer vector is the shorter vector: chunks do not depend on the total.
        let longer = try ReleaseNoise.discreteGaussian(count: 12_345, sigmaSquared: Rational(50), seed: seed)
        #expect(Array(longer.prefix(10_000)) == all)
        let other = try ReleaseNoise.discreteGaussian(count: 10_000, sigmaSquared: Rational(50), seed: NoiseSeed(bytes: Array(1...32)))
        #expect(other != all)
        // Chunks are not copies of each other.
        #expect(Array(all[0..<4096]) != Array(all[4096..<8192]))
    }

    @Test("mean and variance of 200 000 samples agree with the discrete Gaussian's (sigma^2 = 1000)")
    func moments() throws {
        let n = 200_000
        let sigmaSquared = 1000.0
        let samples = try ReleaseNoise.discreteGaussian(count: n, sigmaSquared: Rational(1000), seed: seed)
        let mean = samples.reduce(0.0) { $0 + Double($1) } / Double(n)
        let variance = samples.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(n - 1)
        // For sigma^2 this large the discrete Gaussian's variance equals sigma^2 to far below these tolerances;
        // the bounds are 6 standard errors (mean: sigma / sqrt(n); variance: sigma^2 sqrt(2 / n)).
        #expect(abs(mean) < 6 * (sigmaSquared / Double(n)).squareRoot(), "mean \(mean)")
        #expect(abs(variance - sigmaSquared) < 6 * sigmaSquared * (2 / Double(n)).squareRoot(), "variance \(variance)")
    }

    @Test("a noisy count is clamped at 0 and saturates instead of overflowing")
    func noisyCounts() {
        #expect(ReleaseNoise.noisyCount(5, -3) == 2)
        #expect(ReleaseNoise.noisyCount(5, -9) == 0)
        #expect(ReleaseNoise.noisyCount(0, 4) == 4)
        #expect(ReleaseNoise.noisyCount(Int64.max, 1) == Int64.max)
        #expect(ReleaseNoise.noisyCount(3, Int64.min) == 0)
    }

    @Test("sigma^2 follows from the rho asked for: the smallest integer that does not spend more")
    func plan() throws {
        let table = try PrivateReleasePlan(unit: "u", cells: 4, l2SensitivitySquared: .one, requestedRho: Rational(1, 4))
        let tableRho = try table.rho()
        #expect(table.sigmaSquared == Rational(2) && tableRho == Rational(1, 4))
        let gwas = try PrivateReleasePlan(unit: "u", cells: 36, l2SensitivitySquared: Rational(3), requestedRho: Rational(1, 10))
        let gwasRho = try gwas.rho()
        #expect(gwas.sigmaSquared == Rational(15) && gwasRho == Rational(1, 10))
        let rounded = try PrivateReleasePlan(unit: "u", cells: 4, l2SensitivitySquared: Rational(7), requestedRho: Rational(1, 3))
        let roundedRho = try rounded.rho()
        #expect(rounded.sigmaSquared == Rational(11) && roundedRho == Rational(7, 22))
        #expect(!(Rational(1, 3) < roundedRho))
    }
}
