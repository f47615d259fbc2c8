import EncryptedStats
import HEFiles

// Exact test of Hardy-Weinberg equilibrium (Wigginton, Cutler & Abecasis 2005), as PLINK 1.9's --hardy reports it.
//
// With the allele counts fixed, the probability of h heterozygotes among n genotypes is proportional to
// 2^h / (h! ((r - h) / 2)! ((2n - r - h) / 2)!), r = rare allele count. The p-value is the total probability of
// every h that is no more likely than the observed one (ties within a relative 2^-44 included, as PLINK does),
// divided by the total. Probabilities are walked outward from the observed count with the ratio
//     P(h + 2) / P(h) = 4 homR homC / ((h + 2)(h + 1)),
// relative to the observed probability and rescaled when they grow large, so no factorial is ever formed and a
// p-value is exact to double precision down to the smallest doubles; sums stop once a term no longer changes them.

/// Exact Hardy-Weinberg test on one group's genotype counts.
public enum HardyWeinbergTest {
    /// Relative tolerance under which two probabilities count as tied.
    static let tieTolerance = 0x1p-44

    /// Exact two-sided p-value for `homA` / `het` / `homB` genotype counts. With `midP`, half the probability of
    /// the outcomes tied with the observation is removed (Graffelman & Moreno 2013). No genotypes gives 1 (0.5
    /// with mid-p), like PLINK.
    public static func pValue(homA: UInt64, het: UInt64, homB: UInt64, midP: Bool = false) -> Double {
        // Doubles hold every count exactly up to 2^53 and cannot overflow; the walk takes O(n) steps at most.
        let observed = Double(het)
        let n = Double(homA) + observed + Double(homB)
        if n == 0 { return midP ? 0.5 : 1 }
        let rareD = 2 * Double(min(homA, homB)) + observed
        let commonD = 2 * n - rareD

        // Ratio P(h + 2) / P(h) and P(h - 2) / P(h); nil where the step leaves the support.
        func up(_ h: Double) -> Double? {
            guard h + 2 <= rareD else { return nil }
            return 4 * ((rareD - h) / 2) * ((commonD - h) / 2) / ((h + 2) * (h + 1))
        }
        func down(_ h: Double) -> Double? {
            guard h >= 2 else { return nil }
            return h * (h - 1) / (4 * ((rareD - h) / 2 + 1) * ((commonD - h) / 2 + 1))
        }

        var tail = 1.0         // includes the observation itself
        var center = 0.0       // outcomes more likely than the observation
        var threshold = 1.0    // probability of the observation, in the current units
        var ties = 1.0
        let towardsModeIsUp: Bool? = {
            if let r = up(observed), r > 1 { return true }
            if let r = down(observed), r > 1 { return false }
            return nil
        }()

        // Away from the mode probabilities never increase: everything is tail (the first steps may tie).
        func walkTail(upwards: Bool) {
            var h = observed
            var term = 1.0
            while let ratio = upwards ? up(h) : down(h) {
                term *= ratio
                h += upwards ? 2 : -2
                if term >= threshold * (1 - 2 * tieTolerance) { ties += 1 }
                let sum = tail + term
                if sum == tail { break }
                tail = sum
            }
        }
        switch towardsModeIsUp {
        case nil:
            walkTail(upwards: true)
            walkTail(upwards: false)
        case let upwards?:
            walkTail(upwards: !upwards)
            // Towards the mode and beyond: larger terms first, then (past the mode) decreasing ones.
            var h = observed
            var term = 1.0
            while let ratio = upwards ? up(h) : down(h) {
                term *= ratio
                h += upwards ? 2 : -2
                if term > threshold * (1 + tieTolerance) {
                    center += term
                    if term > 1e200 {
                        term *= 1e-200
                        center *= 1e-200
                        tail *= 1e-200
                        threshold *= 1e-200
                    }
                } else {
                    if term >= threshold * (1 - 2 * tieTolerance) { ties += 1 }
                    let sum = tail + term
                    if sum == tail && term < threshold * (1 - 2 * tieTolerance) { break }
                    tail = sum
                }
            }
        }
        if midP {
            return (tail - 0.5 * ties * threshold) / (tail + center)
        }
        return tail / (tail + center)
    }
}
