import Foundation
import RLWE
import Testing

/// Multiplicative depth at t = 1 073 479 681: the noise budget after each multiplication with
/// relinearisation (and after a rotation at each depth) against the documented table (docs/RLWE.md).
@Suite struct MultiplicativeDepthTests {
    /// Documented lower bounds of the noise budget after d = 0, 1, ... multiplications (squarings with
    /// relinearisation of a fresh public-key encryption): the measured budgets of docs/RLWE.md minus 6 bits
    /// (repeated runs differ by up to 2 bits at depth 18).
    /// The supported depth is the last d listed; one more multiplication exhausts the budget.
    static func budgetBounds(_ p: BfvPreset) -> [Int] {
        switch p {
        case .n4096: [61, 8]
        case .n8192: [118, 76, 33]
        case .n16384: [336, 292, 249, 205, 161, 117, 73, 29]
        case .n32768: [778, 734, 689, 644, 600, 554, 509, 464, 420, 374, 329, 284, 238, 193, 148, 103, 58, 13]
        }
    }

    @Test(arguments: BfvPreset.allCases)
    func budgetPerMultiplication(preset: BfvPreset) throws {
        let f = PresetFixture.of(preset)
        let p = f.parameters
        let n = p.degree
        let half = n / 2
        let tm = try Modulus(p.plaintextModulus)
        let rk = f.keyGenerator.relinearizationKey()
        let gk = try f.keyGenerator.galoisKeys(rotationSteps: [1], columnSwap: false)
        let ev = Evaluator(parameters: p, relinearizationKey: rk, galoisKeys: gk)
        let bounds = Self.budgetBounds(preset)
        let depth = bounds.count - 1
        // Key-switch bound of docs/RLWE.md: a rotation leaves at least min(budget - 1, this).
        let keySwitchBound = NoiseBounds.keySwitchBudget(p)

        // Debug builds (the AddressSanitizer pass) stop the two largest presets after two multiplications:
        // the same code as the full chains of the smaller presets, at a fraction of the cost.
        #if DEBUG
        let fullChain = n <= 8192
        #else
        let fullChain = true
        #endif

        var values = f.randomValues()
        var c = try f.encryptor.encrypt(f.encoder.encode(values))
        var budgets: [Int] = []
        var rotated: [Int] = []
        var d = 0
        while true {
            if d > 0 {
                c = try ev.multiplyRelinearize(c, c)
                values = values.map { tm.multiply($0, $0) }
            }
            let b = try f.decryptor.noiseBudget(c)
            budgets.append(b)
            let correct = try f.encoder.decode(f.decryptor.decrypt(c)) == values
            // Never a silent wrong value: a ciphertext that decrypts wrongly reports an exhausted budget.
            #expect(correct || b == 0, "depth \(d): wrong decryption with budget \(b)")
            if d <= depth {
                #expect(correct, "depth \(d) within the supported depth \(depth)")
                #expect(b >= bounds[d], "depth \(d): budget \(b) < documented \(bounds[d])")
            }
            // A rotation (key switch) fresh, after one multiplication and at the supported depth.
            if d == 0 || d == 1 || d == depth {
                let r = try ev.rotateRows(c, by: 1)
                let expected = (0..<n).map { i in i < half ? values[(i + 1) % half] : values[half + (i - half + 1) % half] }
                #expect(try f.encoder.decode(f.decryptor.decrypt(r)) == expected, "rotation at depth \(d)")
                let rb = try f.decryptor.noiseBudget(r)
                rotated.append(rb)
                #expect(rb >= min(b - 1, keySwitchBound), "depth \(d): budget \(rb) after rotation, \(b) before")
            }
            if b == 0 || (!fullChain && d == 2) { break }
            d += 1
            // Each multiplication costs more than 40 bits and the budget at the supported depth is below that.
            #expect(d <= depth + 1, "budget \(b) left after \(d - 1) multiplications; supported depth \(depth)")
            if d > depth + 1 { break }
        }
        print("noise budget \(preset) after 0, 1, ... multiplications: \(budgets); after a rotation at depth 0, 1, \(depth): \(rotated)")
        guard fullChain else { return }
        // The supported depth is reached, and the next multiplication exhausts the budget.
        #expect(budgets.count == depth + 2, "budget exhausted after \(budgets.count - 1) multiplications, documented \(depth) + 1")
        #expect(budgets.last == 0)
    }
}
