import DpSamplerTrials
import Paillier
import Privacy
import Testing

@Suite("Privacy ledger")
struct PrivacyLedgerTests {
    static let release = PrivacyMechanism.discreteGaussian(l2Sensitivity: 1, sigmaSquared: 5)  // rho = 1/10

    @Test("spends add up; remaining and (epsilon, delta) follow")
    func spending() throws {
        var ledger = try PrivacyLedger(budget: Rational(1, 4))
        try ledger.spend(Self.release, label: "table 1")
        try ledger.spend(.discreteLaplace(l1Sensitivity: 1, scale: 10), label: "table 2")  // rho = 1/200
        #expect(ledger.spent == Rational(1, 10) + Rational(1, 200))
        #expect(ledger.remaining == Rational(1, 4) - ledger.spent)
        #expect(ledger.spends.map(\.label) == ["table 1", "table 2"])
        let (spent, budget) = try ledger.approximateDP(delta: 1e-6)
        #expect(spent < budget)
        // the spent rho is converted rounded up: 21/200 is not a double
        let nearest = ledger.spent.doubleValue
        let rhoUp = Rational(exactly: nearest)! >= ledger.spent ? nearest : nearest.nextUp
        #expect(Rational(exactly: rhoUp)! >= ledger.spent && Rational(exactly: rhoUp.nextDown)! < ledger.spent)
        #expect(spent == (try ApproximateDP.epsilon(rho: rhoUp, delta: 1e-6)))
    }

    @Test("a spend beyond the budget is refused and changes nothing")
    func refusal() throws {
        var ledger = try PrivacyLedger(budget: Rational(1, 4))
        try ledger.spend(Self.release, label: "a")
        try ledger.spend(Self.release, label: "b")
        let before = ledger
        #expect(!ledger.canSpend(Self.release))
        #expect(throws: PrivacyError.budgetExceeded(label: "c", requested: Rational(1, 10), remaining: Rational(1, 20))) {
            try ledger.spend(Self.release, label: "c")
        }
        #expect(ledger == before)
        // exactly the remaining budget is allowed
        try ledger.spend(.discreteGaussian(l2Sensitivity: 1, sigmaSquared: 10), label: "c")
        #expect(ledger.remaining == 0)
    }

    @Test("a refused release samples nothing")
    func refusedReleaseDrawsNoRandomness() throws {
        var ledger = try PrivacyLedger(budget: Rational(1, 20))
        var randomness = NoiseRandomness(generator: SeededGenerator(seed: 50))
        var untouched = NoiseRandomness(generator: SeededGenerator(seed: 50))
        #expect(throws: PrivacyError.self) {
            try ledger.release([BigInt(10), BigInt(20)], mechanism: Self.release, label: "x", using: &randomness)
        }
        #expect(ledger.spends.isEmpty)
        #expect(randomness.bits(64) == untouched.bits(64))
        ledger = try PrivacyLedger(budget: 1)
        let noisy = try ledger.release([BigInt(10), BigInt(20)], mechanism: Self.release, label: "x", using: &randomness)
        #expect(noisy.count == 2 && ledger.spent == Rational(1, 10))
    }

    @Test("labels, budgets and mechanisms are validated")
    func validation() throws {
        #expect(throws: PrivacyError.nonPositiveParameter(name: "budget", value: 0)) { try PrivacyLedger(budget: 0) }
        var ledger = try PrivacyLedger(budget: 1)
        #expect(throws: PrivacyError.invalidLabel("")) { try ledger.spend(Self.release, label: "") }
        try ledger.spend(Self.release, label: "t")
        #expect(throws: PrivacyError.invalidLabel("t")) { try ledger.spend(Self.release, label: "t") }
        #expect(throws: PrivacyError.nonPositiveParameter(name: "scale", value: 0)) {
            try ledger.spend(.discreteLaplace(l1Sensitivity: 1, scale: 0), label: "u")
        }
        #expect(ledger.spends.count == 1)
    }
}
