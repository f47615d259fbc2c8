// The zCDP budget of one study and what has been spent from it. A value type: persistence (and its tamper
// evidence) is the caller's.
//
// Spending is checked before anything else happens: `spend` either records the release and returns, or throws
// `PrivacyError.budgetExceeded` and leaves the ledger unchanged; `release` spends first and samples noise only
// after the spend was recorded.

import Paillier  // for BigInt (GMP)

/// A study's zCDP budget and the releases that spent it.
public struct PrivacyLedger: Sendable, Hashable {
    /// One recorded release.
    public struct Spend: Sendable, Hashable {
        /// A label unique in this ledger (for example the output's name).
        public let label: String
        public let mechanism: PrivacyMechanism
        /// The zCDP cost of the release, exactly.
        public let rho: Rational
    }

    /// The total zCDP budget rho of the study.
    public let budget: Rational
    public private(set) var spends: [Spend] = []

    /// A ledger with nothing spent; `budget` must be positive.
    public init(budget: Rational) throws(PrivacyError) {
        guard budget.signum > 0 else { throw .nonPositiveParameter(name: "budget", value: budget) }
        self.budget = budget
    }

    /// The rho spent so far (sequential composition: the sum of the spends).
    public var spent: Rational { PrivacyAccounting.composed(spends.map(\.rho)) }

    /// The rho left to spend.
    public var remaining: Rational { budget - spent }

    /// Whether `mechanism` fits in what remains (false for invalid parameters).
    public func canSpend(_ mechanism: PrivacyMechanism) -> Bool {
        guard let rho = try? mechanism.rho() else { return false }
        return rho <= remaining
    }

    /// Records a release of `mechanism` under `label`, or throws and changes nothing: `budgetExceeded` when its
    /// rho exceeds what remains, `invalidLabel` for an empty or repeated label, and the mechanism's own error for
    /// invalid parameters.
    @discardableResult
    public mutating func spend(_ mechanism: PrivacyMechanism, label: String) throws(PrivacyError) -> Spend {
        guard !label.isEmpty, !spends.contains(where: { $0.label == label }) else { throw .invalidLabel(label) }
        let rho = try mechanism.rho()
        let left = remaining
        guard rho <= left else { throw .budgetExceeded(label: label, requested: rho, remaining: left) }
        let record = Spend(label: label, mechanism: mechanism, rho: rho)
        spends.append(record)
        return record
    }

    /// Spends for `mechanism` and then returns `counts` with independent noise added to each; when the spend is
    /// refused, nothing is sampled.
    public mutating func release<G: RandomNumberGenerator>(_ counts: [BigInt], mechanism: PrivacyMechanism,
                                                           label: String,
                                                           using randomness: inout NoiseRandomness<G>)
        throws(PrivacyError) -> [BigInt] {
        let noise = try mechanism.noise()
        try spend(mechanism, label: label)
        return noise.addingNoise(to: counts, using: &randomness)
    }

    /// The same with noise from the OS CSPRNG.
    public mutating func release(_ counts: [BigInt], mechanism: PrivacyMechanism, label: String)
        throws(PrivacyError) -> [BigInt] {
        var randomness = NoiseRandomness()
        return try release(counts, mechanism: mechanism, label: label, using: &randomness)
    }

    /// The (epsilon, delta)-DP equivalent of the spent and of the whole budget at `delta` (ApproximateDP).
    public func approximateDP(delta: Double) throws(PrivacyError) -> (spent: Double, budget: Double) {
        (try ApproximateDP.epsilon(rho: Self.upward(spent), delta: delta),
         try ApproximateDP.epsilon(rho: Self.upward(budget), delta: delta))
    }

    /// The smallest `Double` not below `value`, so that a converted rho is never understated.
    static func upward(_ value: Rational) -> Double {
        let nearest = value.doubleValue
        guard let exact = Rational(exactly: nearest) else { return nearest }
        return exact < value ? nearest.nextUp : nearest
    }
}
