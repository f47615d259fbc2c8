import RLWE
import Testing

/// Decryption-failure trials and the aggregate capacity the command-line tool relies on.
@Suite struct DecryptionTrialTests {
    /// Ciphertexts per preset: each full-slot ciphertext is N coefficient-wise decryption trials (a
    /// failure in any coefficient would corrupt slots and be caught by the comparison), so every preset
    /// runs at least 10,000 x 6 coefficient trials with fresh encryption randomness under shared keys.
    static func ciphertextCount(_ p: BfvPreset) -> Int {
        switch p {
        case .n4096: 16
        case .n8192: 8
        case .n16384: 4
        case .n32768: 2
        }
    }

    @Test(arguments: BfvPreset.allCases)
    func randomTrialsDecryptAtEveryLevel(preset: BfvPreset) throws {
        let f = PresetFixture.of(preset)
        let p = f.parameters
        let ev = Evaluator(parameters: p)
        var trials = 0
        var minFresh = Int.max
        var minSmallest = Int.max
        for _ in 0..<Self.ciphertextCount(preset) {
            let values = f.randomValues()
            let ct = try f.encryptor.encrypt(f.encoder.encode(values))
            #expect(try f.encoder.decode(f.decryptor.decrypt(ct)) == values)
            minFresh = min(minFresh, try f.decryptor.noiseBudget(ct))
            let small = try ev.modSwitchToSmallest(ct)
            #expect(try f.encoder.decode(f.decryptor.decrypt(small)) == values)
            minSmallest = min(minSmallest, try f.decryptor.noiseBudget(small))
            trials += p.degree
        }
        #expect(trials >= 60_000)
        // Documented fresh budget: log2(Q) - log2(t) - log2(N) - 10 or more (docs/RLWE.md).
        let freshBound = Int(p.logQ) - 30 - p.degree.trailingZeroBitCount - 10
        #expect(minFresh >= freshBound, "fresh budget \(minFresh) < \(freshBound)")
        // The aggregate capacity must be backed by the measured budget of switched ciphertexts: a sum of k
        // ciphertexts with budget b each decrypts while k < 2^(b - 1).
        let capacity = p.aggregateCapacity()
        #expect(capacity >= 1000)
        #expect(Double(capacity) < Foundation.pow(2.0, Double(minSmallest - 1)), "capacity \(capacity), budget \(minSmallest)")
    }

    /// The worst case for a sum of k switched ciphertexts is k copies of the same one (noise adds up
    /// aligned). k x c by doubling: decryption must give k x m mod t at k = aggregateCapacity().
    @Test(arguments: BfvPreset.allCases)
    func aggregateAtCapacityDecrypts(preset: BfvPreset) throws {
        let f = PresetFixture.of(preset)
        let p = f.parameters
        let ev = Evaluator(parameters: p)
        let tm = try Modulus(p.plaintextModulus)
        let values = f.randomValues(below: 1000)
        let small = try ev.modSwitchToSmallest(f.encryptor.encrypt(f.encoder.encode(values)))
        let k = p.aggregateCapacity()
        var result: Ciphertext? = nil
        var power = small
        var e = k
        while e > 0 {
            if e & 1 == 1 { result = try result.map { try ev.add($0, power) } ?? power }
            power = try ev.add(power, power)
            e >>= 1
        }
        let expected = values.map { tm.multiply($0, tm.reduce(UInt64(k))) }
        #expect(try f.encoder.decode(f.decryptor.decrypt(result!)) == expected)
        #expect(try f.decryptor.noiseBudget(result!) >= 1)
        // And a realistic aggregate: 20 different sites, 2^20 per slot each, summed after switching.
        var sites: [Ciphertext] = []
        var total = [UInt64](repeating: 0, count: p.degree)
        for _ in 0..<20 {
            let v = f.randomValues(below: 1 << 20)
            for i in 0..<v.count { total[i] += v[i] }
            sites.append(try ev.modSwitchToSmallest(f.encryptor.encrypt(f.encoder.encode(v))))
        }
        #expect(try f.encoder.decode(f.decryptor.decrypt(ev.sum(sites))) == total)
    }
}

import Foundation
