import Foundation
import Paillier
import Privacy
import Testing

@Suite("zCDP accounting")
struct AccountingTests {
    @Test("rho and epsilon of the two mechanisms, exactly")
    func formulas() throws {
        #expect(try PrivacyMechanism.discreteGaussian(l2Sensitivity: 1, sigmaSquared: 9).rho() == Rational(1, 18))
        #expect(try PrivacyMechanism.discreteGaussian(l2SensitivitySquared: 3, sigmaSquared: Rational(1, 4)).rho() == 6)
        let laplace = PrivacyMechanism.discreteLaplace(l1Sensitivity: 2, scale: 10)
        #expect(try laplace.pureEpsilon() == Rational(1, 5))
        #expect(try laplace.rho() == Rational(1, 50))
        #expect(try PrivacyMechanism.discreteGaussian(l2Sensitivity: 1, sigmaSquared: 1).pureEpsilon() == nil)
        #expect(PrivacyAccounting.composed([Rational(1, 3), Rational(1, 6), Rational(1, 2)]) == 1)
    }

    @Test("sigma^2 from a target rho never overspends")
    func sigmaFromRho() throws {
        for (rho, sensitivitySquared) in [(Rational(1, 10), Rational(1)), (Rational(1, 3), Rational(7)),
                                          (Rational(exactly: 0.01)!, Rational(2)), (Rational(5), Rational(1))] {
            for denominator in [BigInt(1), BigInt(1000)] {
                let sigmaSquared = try PrivacyAccounting.sigmaSquared(targetRho: rho, l2SensitivitySquared: sensitivitySquared,
                                                                      denominator: denominator)
                let spent = try PrivacyMechanism.discreteGaussian(l2SensitivitySquared: sensitivitySquared,
                                                                  sigmaSquared: sigmaSquared).rho()
                #expect(spent <= rho)
                // and it is the smallest such multiple of 1/denominator
                let smaller = sigmaSquared - Rational(BigInt(1), denominator)
                if smaller.signum > 0 {
                    #expect(sensitivitySquared / (Rational(2) * smaller) > rho)
                }
            }
        }
        #expect(try PrivacyAccounting.sigmaSquared(targetRho: Rational(1, 18), l2SensitivitySquared: 1) == 9)
        let scale = try PrivacyAccounting.laplaceScale(targetEpsilon: Rational(3, 10), l1Sensitivity: 1)
        #expect(scale == 4 && Rational(1) / scale <= Rational(3, 10))
    }

    @Test("invalid parameters are refused with typed errors")
    func validation() {
        #expect(throws: PrivacyError.nonPositiveParameter(name: "sigmaSquared", value: 0)) {
            try PrivacyMechanism.discreteGaussian(l2Sensitivity: 1, sigmaSquared: 0).rho()
        }
        #expect(throws: PrivacyError.nonPositiveParameter(name: "l1Sensitivity", value: -1)) {
            try PrivacyMechanism.discreteLaplace(l1Sensitivity: -1, scale: 1).rho()
        }
        #expect(throws: PrivacyError.nonPositiveParameter(name: "targetRho", value: 0)) {
            try PrivacyAccounting.sigmaSquared(targetRho: 0, l2SensitivitySquared: 1)
        }
        #expect(throws: PrivacyError.deltaOutOfRange(0)) { try ApproximateDP.epsilon(rho: 0.1, delta: 0) }
        #expect(throws: PrivacyError.deltaOutOfRange(1.5)) { try ApproximateDP.epsilon(rho: 0.1, delta: 1.5) }
        #expect(throws: PrivacyError.notFinite(name: "rho")) { try ApproximateDP.delta(rho: .nan, epsilon: 1) }
    }

    @Test("the (epsilon, delta) conversion is a valid, monotone bound")
    func conversionShape() throws {
        #expect(try ApproximateDP.delta(rho: 0, epsilon: 1) == 0)
        #expect(try ApproximateDP.epsilon(rho: 0.5, delta: 1) == 0)
        var previous = Double.infinity
        for epsilon in stride(from: 0.5, through: 5.0, by: 0.5) {
            let delta = try ApproximateDP.delta(rho: 0.1, epsilon: epsilon)
            #expect(delta < previous && delta >= 0)
            previous = delta
        }
        // Never below the direct bound epsilon = rho + 2 sqrt(rho log(1/delta)) minus its slack: the optimal
        // conversion is tighter than that textbook bound but not by more than it.
        let rho = 0.1, delta = 1e-6
        let epsilon = try ApproximateDP.epsilon(rho: rho, delta: delta)
        let textbook = rho + 2 * (rho * (-delta.log())).squareRoot()
        #expect(epsilon < textbook && epsilon > rho)
        #expect(try ApproximateDP.delta(rho: rho, epsilon: epsilon) <= delta)
    }
}

private extension Double {
    func log() -> Double { Foundation.log(self) }
}
