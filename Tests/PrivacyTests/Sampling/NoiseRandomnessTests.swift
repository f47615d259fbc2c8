import DpSamplerTrials
import Paillier
import Privacy
import Testing

@Suite("Noise randomness")
struct NoiseRandomnessTests {
    @Test("the seeded test generator is deterministic and seeds differ")
    func seeded() {
        var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7), c = SeededGenerator(seed: 8)
        let x = (0..<10).map { _ in a.next() }
        #expect(x == (0..<10).map { _ in b.next() })
        #expect(x != (0..<10).map { _ in c.next() })
    }

    @Test("bits are taken from the buffer without loss: 64 one-bit draws rebuild one word")
    func bitBuffer() {
        var words = SeededGenerator(seed: 3)
        let word = words.next()
        var randomness = NoiseRandomness(generator: SeededGenerator(seed: 3))
        var rebuilt: UInt64 = 0
        for i in 0..<64 { rebuilt |= randomness.bits(1) << UInt64(i) }
        #expect(rebuilt == word)
        var mixed = NoiseRandomness(generator: SeededGenerator(seed: 3))
        let low = mixed.bits(60), high = mixed.bits(8)
        #expect(low == word & ((1 << 60) - 1) && high & 0xF == word >> 60)
    }

    @Test("uniform integers stay in range and reach every value")
    func ranges() {
        var randomness = NoiseRandomness(generator: SeededGenerator(seed: 11))
        for n: UInt64 in [1, 2, 3, 5, 8, 255, 256, 257] {
            var seen = Set<UInt64>()
            for _ in 0..<(Int(n) * 40) {
                let v = randomness.uniform(below: n)
                #expect(v < n)
                seen.insert(v)
            }
            #expect(seen.count == Int(n))
        }
        #expect(randomness.uniform(below: UInt64.max) < UInt64.max)
        let big = (BigInt(1) << 130) - 5
        for _ in 0..<200 { #expect(randomness.uniform(below: big) < big) }
    }

    @Test("uniform integers are uniform (chi-square against the exact pmf, scipy)",
          .enabled(if: PrivacyOracle.usable, "set HE_TEST_PYTHON to a Python with scipy"))
    func frequencies() throws {
        var randomness = NoiseRandomness(generator: SeededGenerator(seed: 12))
        var requests: [[String: Any]] = []
        for n: UInt64 in [2, 3, 7, 10, 100] {
            var counts: [Int64: Int] = [:]
            for _ in 0..<20_000 { counts[Int64(randomness.uniform(below: n)), default: 0] += 1 }
            requests.append(["name": "uniform \(n)", "kind": "uniform", "n": n, "histogram": PrivacyOracle.histogram(counts)])
        }
        // A bound of three words: the top part of the value, floor(v / 2^128), is uniform on 0..<3.
        let bound = BigInt(3) << 128
        var counts: [Int64: Int] = [:]
        for _ in 0..<20_000 {
            counts[(randomness.uniform(below: bound) >> 128).int64Value!, default: 0] += 1
        }
        requests.append(["name": "uniform 3 * 2^128", "kind": "uniform", "n": 3, "histogram": PrivacyOracle.histogram(counts)])
        for (name, p) in try PrivacyOracle.goodnessOfFit(requests) {
            #expect(p > 0.001, "\(name): p = \(p)")
        }
    }
}
