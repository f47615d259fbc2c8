// Accounting against OpenDP 0.16 (Tests/Oracles/dp_oracle.py): for the same sensitivity and scale, the rho,
// epsilon and (epsilon, delta) recorded here match OpenDP's measurement maps.

import Foundation
import Paillier
import Privacy
import Testing

@Suite("Accounting against OpenDP")
struct OpenDPOracleTests {
    static let sensitivities = [1, 2, 5]
    static let gaussianScales = [0.5, 3.0, 10.0, 1000.0, 1.25]
    static let laplaceScales = [1.0, 10.0, 1000.0, 2.5]
    static let deltas = [1e-5, 1e-6, 1e-9]
    static let epsilons = [0.5, 1.0, 3.0]

    /// Equal within `ulps` units in the last place of the larger value.
    static func close(_ a: Double, _ b: Double, relative: Double) -> Bool {
        a == b || abs(a - b) <= relative * max(abs(a), abs(b))
    }

    @Test("rho, epsilon and (epsilon, delta) agree with OpenDP's maps",
          .enabled(if: PrivacyOracle.usable, "set HE_TEST_PYTHON to a Python with opendp"))
    func againstOpenDP() throws {
        let grid = { (scales: [Double]) in Self.sensitivities.flatMap { d in scales.map { [Double(d), $0] } } }
        let request: [String: Any] = ["gaussian": grid(Self.gaussianScales), "laplace": grid(Self.laplaceScales),
                                      "deltas": Self.deltas, "epsilons": Self.epsilons]
        guard let answer = try PrivacyOracle.run("dp_oracle.py", request) as? [String: [[String: Any]]] else {
            throw PrivacyOracle.Failure(description: "dp_oracle.py gave an unexpected answer")
        }
        var compared = 0
        for entry in answer["gaussian"] ?? [] {
            let sensitivity = try #require(entry["sensitivity"] as? Double), scale = try #require(entry["scale"] as? Double)
            let sigma = try #require(Rational(exactly: scale))
            let rho = try PrivacyMechanism.discreteGaussian(l2Sensitivity: Rational(Int(sensitivity)),
                                                            sigmaSquared: sigma * sigma).rho()
            let openRho = try #require(entry["rho"] as? Double)
            // OpenDP rounds rho up in floating point; the exact rho is never above it and within a few ulps
            #expect(Rational(exactly: openRho)! >= rho, "rho \(sensitivity) \(scale)")
            #expect(Self.close(rho.doubleValue, openRho, relative: 1e-15), "rho \(sensitivity) \(scale)")
            try compareProfile(entry, rho: openRho, what: "Gaussian \(sensitivity) \(scale)")
            try compareLedger(entry, mechanism: .discreteGaussian(l2Sensitivity: Rational(Int(sensitivity)),
                                                                  sigmaSquared: sigma * sigma))
            compared += 1
        }
        for entry in answer["laplace"] ?? [] {
            let sensitivity = try #require(entry["sensitivity"] as? Double), scale = try #require(entry["scale"] as? Double)
            let mechanism = PrivacyMechanism.discreteLaplace(l1Sensitivity: Rational(Int(sensitivity)),
                                                             scale: try #require(Rational(exactly: scale)))
            let epsilon = try #require(try mechanism.pureEpsilon()), rho = try mechanism.rho()
            let openEpsilon = try #require(entry["epsilon"] as? Double), openRho = try #require(entry["rho"] as? Double)
            #expect(Rational(exactly: openEpsilon)! >= epsilon && Self.close(epsilon.doubleValue, openEpsilon, relative: 1e-15))
            #expect(Rational(exactly: openRho)! >= rho && Self.close(rho.doubleValue, openRho, relative: 1e-15))
            try compareProfile(entry, rho: openRho, what: "Laplace \(sensitivity) \(scale)")
            try compareLedger(entry, mechanism: mechanism)
            compared += 1
        }
        #expect(compared == Self.sensitivities.count * (Self.gaussianScales.count + Self.laplaceScales.count))
    }

    /// What a ledger records for one release of `mechanism` (its exact rho, converted) against OpenDP's profile.
    private func compareLedger(_ entry: [String: Any], mechanism: PrivacyMechanism) throws {
        var ledger = try PrivacyLedger(budget: try mechanism.rho())
        try ledger.spend(mechanism, label: "release")
        let epsilons = try #require(entry["epsilon_at_delta"] as? [Double])
        for (delta, expected) in zip(Self.deltas, epsilons) {
            let (spent, _) = try ledger.approximateDP(delta: delta)
            #expect(Self.close(spent, expected, relative: 1e-12), "\(mechanism): ledger epsilon at \(delta): \(spent) vs \(expected)")
        }
    }

    /// The conversion of OpenDP's own rho, so that only the conversion is compared.
    private func compareProfile(_ entry: [String: Any], rho: Double, what: String) throws {
        let epsilons = try #require(entry["epsilon_at_delta"] as? [Double])
        for (delta, expected) in zip(Self.deltas, epsilons) {
            let ours = try ApproximateDP.epsilon(rho: rho, delta: delta)
            #expect(Self.close(ours, expected, relative: 1e-12), "\(what): epsilon at delta \(delta): \(ours) vs \(expected)")
        }
        let deltas = try #require(entry["delta_at_epsilon"] as? [Double])
        for (epsilon, expected) in zip(Self.epsilons, deltas) {
            let ours = try ApproximateDP.delta(rho: rho, epsilon: epsilon)
            #expect(Self.close(ours, expected, relative: 1e-12), "\(what): delta at epsilon \(epsilon): \(ours) vs \(expected)")
        }
    }
}
