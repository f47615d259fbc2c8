import Foundation
import RLWE

/// The documented noise bounds of docs/RLWE.md that several suites check.
enum NoiseBounds {
    /// A lower bound on the noise budget a key switch (relinearisation or rotation) can leave: the budget of a
    /// ciphertext whose only noise is the key-switching term. That term is sum_i d_i e_i / P plus the rounding
    /// of the division by P (P = 1 and no rounding without a special prime). With d_i uniform below q_i
    /// (E[d_i^2] = q_i^2 / 3) and e_i of variance 10.5 (the centred binomial of parameter 21), the sum stays
    /// below 10 standard deviations, q_max sqrt(350 k N); the rounding term
    /// r_0 + r_1 s (r uniform in [-1/2, 1/2], s ternary) stays below sqrt(ln(2^81) (N + 1) / 2) except with
    /// probability 2^-80 (Hoeffding). Budget >= log2(Q) - 1 - log2(t) - log2(bound), minus one bit of slack.
    static func keySwitchBudget(_ p: BfvParameters) -> Int {
        let n = Double(p.degree)
        let k = Double(p.maxLimbCount)
        let qMax = Double(p.coefficientModuli.max()!)
        let digitNoise = qMax * (350 * k * n).squareRoot() / Double(p.specialModulus ?? 1)
        let rounding = p.specialModulus == nil ? 0 : (log(2.0) * 81 * (n + 1) / 2).squareRoot()
        let bound = digitNoise + rounding
        return Int((p.logQ - 1 - log2(Double(p.plaintextModulus)) - log2(bound)).rounded(.down)) - 1
    }
}
