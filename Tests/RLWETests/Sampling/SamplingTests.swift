import Foundation
import RLWE
import Testing

/// Upper critical value of chi-square with `df` degrees of freedom at significance about 1e-6
/// (Wilson-Hilferty approximation, z = 4.75): a correct sampler fails one run in a million.
func chiSquareCritical(df: Int) -> Double {
    let d = Double(df)
    let a = 2.0 / (9.0 * d)
    return d * Foundation.pow(1.0 - a + 4.75 * a.squareRoot(), 3)
}

func chiSquare(observed: [Int], expected: [Double]) -> Double {
    zip(observed, expected).reduce(0.0) { $0 + (Double($1.0) - $1.1) * (Double($1.0) - $1.1) / $1.1 }
}

func hex(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var i = s.startIndex
    while i < s.endIndex {
        let j = s.index(i, offsetBy: 2)
        out.append(UInt8(s[i..<j], radix: 16)!)
        i = j
    }
    return out
}

@Suite struct SamplingTests {
    /// RFC 8439 section 2.3.2: block function test vector.
    @Test func chaCha20BlockVector() throws {
        var prg = try ChaCha20Prg(seed: Array(0..<32), nonce: [0, 0, 0, 9, 0, 0, 0, 0x4a, 0, 0, 0, 0], counter: 1)
        #expect(
            prg.bytes(64)
                == hex(
                    "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
                        + "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e"))
    }

    /// The generator's stream, four blocks per refill, equals the reference block function applied to one
    /// counter after another, across the 2^32 counter wrap (which carries into word 13), read by ``next()``
    /// at offsets that are multiples of 8 (the word-major fast path) and at offsets that are not, and by
    /// ``bytes(_:)``.
    @Test func streamEqualsBlockAfterBlock() throws {
        let seed = ChaCha20Prg.freshSeed()
        let nonce: [UInt8] = [7, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]
        let start: UInt32 = 0xFFFF_FFFA
        var prg = try ChaCha20Prg(seed: seed, nonce: nonce, counter: start)
        var stream: [UInt8] = []
        func appendNext() { withUnsafeBytes(of: prg.next().littleEndian) { stream += $0 } }
        while stream.count < 5 * 64 { appendNext() }  // aligned, across the first refill
        stream += prg.bytes(3)
        while stream.count < 14 * 64 { appendNext() }  // unaligned
        stream += prg.bytes(14 * 64 + 5 - stream.count)
        var expected: [UInt8] = []
        var state: [UInt32] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574]
        func word(_ b: [UInt8], _ o: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[o + $1]) << (8 * UInt32($1)) } }
        for i in 0..<8 { state.append(word(seed, 4 * i)) }
        state.append(start)
        for i in 0..<3 { state.append(word(nonce, 4 * i)) }
        for _ in 0..<15 {
            expected += ChaCha20Prg.block(state: state)
            state[12] = state[12] &+ 1
            if state[12] == 0 { state[13] = state[13] &+ 1 }
        }
        #expect(stream == Array(expected.prefix(stream.count)))
        #expect(stream.count == 14 * 64 + 5)
    }

    /// RFC 8439 section 2.4.2: encryption of the "sunscreen" plaintext (key stream XOR plaintext).
    @Test func chaCha20EncryptionVector() throws {
        var prg = try ChaCha20Prg(seed: Array(0..<32), nonce: [0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0], counter: 1)
        let plaintext = Array(
            "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it."
                .utf8)
        let stream = prg.bytes(plaintext.count)
        let ciphertext = zip(plaintext, stream).map { $0 ^ $1 }
        #expect(
            ciphertext
                == hex(
                    "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0bf91b65c5524733ab8f593dabcd62b357"
                        + "1639d624e65152ab8f530c359f0861d807ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab779"
                        + "37365af90bbf74a35be6b40b8eedf2785e42874d"))
        #expect(throws: RlweError.self) { try ChaCha20Prg(seed: [1, 2, 3]) }
    }

    @Test func seedsAreFreshAndStreamsDeterministic() throws {
        let s1 = ChaCha20Prg.freshSeed()
        let s2 = ChaCha20Prg.freshSeed()
        #expect(s1 != s2)
        var a = try ChaCha20Prg(seed: s1)
        var b = try ChaCha20Prg(seed: s1)
        #expect(a.bytes(1000) == b.bytes(1000))
    }

    @Test func uniformIsUniform() throws {
        let context = try PolyContext(degree: 32768, moduli: BfvParameters.preset(.n32768).coefficientModuli.prefix(2).map { $0 })
        var prg = try ChaCha20Prg(seed: ChaCha20Prg.freshSeed())
        let p: RnsPoly<Coeff> = Samplers.uniform(context: context, prg: &prg)
        let bins = 64
        for (i, q) in context.moduli.enumerated() {
            let limb = p.limb(i)
            #expect(limb.allSatisfy { $0 < q.value })
            var counts = [Int](repeating: 0, count: bins)
            for v in limb { counts[Int(UInt64(Double(v) / Double(q.value) * Double(bins)).clamped(to: 0...63))] += 1 }
            let expected = [Double](repeating: Double(limb.count) / Double(bins), count: bins)
            let x2 = chiSquare(observed: counts, expected: expected)
            #expect(x2 < chiSquareCritical(df: bins - 1), "chi-square \(x2)")
            let mean = limb.reduce(0.0) { $0 + Double($1) } / Double(limb.count)
            #expect(abs(mean / Double(q.value) - 0.5) < 0.01)
        }
    }

    @Test func ternaryDistribution() throws {
        var prg = try ChaCha20Prg(seed: ChaCha20Prg.freshSeed())
        let n = 300_000
        let s = Samplers.ternaryCoefficients(degree: n, prg: &prg)
        #expect(s.allSatisfy { $0 >= -1 && $0 <= 1 })
        var counts = [0, 0, 0]
        for v in s { counts[Int(v + 1)] += 1 }
        let x2 = chiSquare(observed: counts, expected: [Double](repeating: Double(n) / 3, count: 3))
        #expect(x2 < chiSquareCritical(df: 2))
        let mean = Double(s.reduce(0, +)) / Double(n)
        let variance = s.reduce(0.0) { $0 + Double($1 * $1) } / Double(n) - mean * mean
        #expect(abs(mean) < 0.01)
        #expect(abs(variance - 2.0 / 3.0) < 0.01)
    }

    /// Centred binomial: mean 0, variance 10.5, support [-21, 21], frequencies match C(42, 21 + k) / 2^42.
    @Test func errorDistribution() throws {
        var prg = try ChaCha20Prg(seed: ChaCha20Prg.freshSeed())
        let n = 1_000_000
        let e = Samplers.errorCoefficients(degree: n, prg: &prg)
        #expect(e.allSatisfy { abs($0) <= Int64(Samplers.errorBound) })
        let mean = Double(e.reduce(0, +)) / Double(n)
        let variance = e.reduce(0.0) { $0 + Double($1 * $1) } / Double(n) - mean * mean
        #expect(abs(mean) < 0.02)
        #expect(abs(variance - Samplers.errorVariance) < 0.15)
        // Chi-square over the bins with expected count >= 5 (|k| <= 12), tails pooled.
        func binomial(_ n: Int, _ k: Int) -> Double {
            var r = 1.0
            for i in 0..<k { r = r * Double(n - i) / Double(i + 1) }
            return r
        }
        let total = 4_398_046_511_104.0  // 2^42
        var observed: [Int] = []
        var expected: [Double] = []
        var tailObserved = 0
        var tailExpected = 0.0
        var counts = [Int](repeating: 0, count: 43)
        for v in e { counts[Int(v) + 21] += 1 }
        for k in -21...21 {
            let p = binomial(42, 21 + k) / total
            if abs(k) <= 12 {
                observed.append(counts[k + 21])
                expected.append(p * Double(n))
            } else {
                tailObserved += counts[k + 21]
                tailExpected += p * Double(n)
            }
        }
        observed.append(tailObserved)
        expected.append(tailExpected)
        let x2 = chiSquare(observed: observed, expected: expected)
        #expect(x2 < chiSquareCritical(df: observed.count - 1), "chi-square \(x2)")
    }
}

extension Comparable {
    func clamped(to r: ClosedRange<Self>) -> Self { min(max(self, r.lowerBound), r.upperBound) }
}
