// Packed encryption: round trips at random widths, sums, and refusal at the exact overflow boundary.

import Paillier
import PropertyBased
import Testing

@Suite("Paillier packing")
struct PackingTests {
    let encryptor = Fixtures.encryptor2048
    let decryptor = Fixtures.decryptor2048

    @Test("slot width and count follow the declared bound")
    func layoutArithmetic() throws {
        let layout = try PackedLayout(modulusBits: 2048, maxValuePerContribution: 1000, maxContributions: 1000)
        #expect(layout.slotBound == 1_000_000)
        #expect(layout.slotBits == 20)
        #expect(layout.slotsPerCiphertext == 2047 / 20)
        let exact = try PackedLayout(modulusBits: 3072, maxValuePerContribution: 255, maxContributions: 1)
        #expect(exact.slotBits == 8)
        #expect(exact.slotsPerCiphertext == 3071 / 8)
        let wide = try PackedLayout(modulusBits: 2048, maxValuePerContribution: UInt64.max, maxContributions: 1)
        #expect(wide.slotBits == 64)
        #expect(wide.slotsPerCiphertext == 31)
        #expect(throws: PaillierError.self) {
            try PackedLayout(modulusBits: 2048, maxValuePerContribution: UInt64.max / 2 + 1, maxContributions: 2)
        }
        #expect(throws: PaillierError.self) { try PackedLayout(modulusBits: 2048, maxValuePerContribution: 1, maxContributions: 0) }
        #expect(throws: PaillierError.self) { try PackedLayout(modulusBits: 1024, maxValuePerContribution: 1, maxContributions: 1) }
    }

    @Test("unsigned round trip and sums at random widths")
    func roundTripRandomWidths() async throws {
        await propertyCheck(count: 12, input: Gen.uint64(in: 1...UInt64.max / 8), Gen.int(in: 1...8), Gen.int(in: 0...260)) { maxValue, contributions, count in
            let layout = try PackedLayout(publicKey: encryptor.publicKey, maxValuePerContribution: maxValue, maxContributions: contributions)
            let encoder = try PackedEncoder(layout: layout, encryptor: encryptor)
            var generator = SystemRandomNumberGenerator()
            let vectors = (0..<contributions).map { _ in (0..<count).map { _ in UInt64.random(in: 0...maxValue, using: &generator) } }
            let packed = try vectors.map { try encoder.encrypt($0) }
            #expect(packed[0].ciphertexts.count == layout.ciphertextCount(forValues: count))
            #expect(try decryptor.decrypt(packed[0]) == vectors[0])
            let total = try encoder.sum(packed)
            #expect(total.contributions == contributions)
            let expected = (0..<count).map { i in vectors.reduce(UInt64(0)) { $0 + $1[i] } }
            #expect(try decryptor.decrypt(total) == expected)
        }
    }

    @Test("slots at their maximum sum without carrying into neighbours")
    func fullSlots() throws {
        let layout = try PackedLayout(publicKey: encryptor.publicKey, maxValuePerContribution: 7, maxContributions: 9)
        let encoder = try PackedEncoder(layout: layout, encryptor: encryptor)
        let values = [UInt64](repeating: 7, count: layout.slotsPerCiphertext * 2 + 3)
        let one = try encoder.encrypt(values)
        let all = try encoder.sum([PackedCiphertexts](repeating: one, count: 9))
        #expect(try decryptor.decrypt(all) == values.map { $0 * 9 })
    }

    @Test("a sum past the declared contributions is refused at the exact boundary")
    func overflowRefusedAtBoundary() throws {
        let layout = try PackedLayout(publicKey: encryptor.publicKey, maxValuePerContribution: 100, maxContributions: 4)
        let encoder = try PackedEncoder(layout: layout, encryptor: encryptor)
        let one = try encoder.encrypt([100, 0, 55])
        let three = try encoder.sum([one, one, one])
        let four = try encoder.add(three, one)
        #expect(four.contributions == 4)
        #expect(try decryptor.decrypt(four) == [400, 0, 220])
        #expect(throws: PaillierError.packedSlotOverflow(contributions: 5, maxContributions: 4)) {
            try encoder.add(four, one)
        }
        #expect(throws: PaillierError.packedSlotOverflow(contributions: 6, maxContributions: 4)) {
            try encoder.add(three, three)
        }
        #expect(throws: PaillierError.packedValueOutOfRange(index: 1, value: "101", allowed: "0...100")) {
            try encoder.encrypt([100, 101])
        }
        #expect(throws: PaillierError.self) {
            try PackedCiphertexts(layout: layout, keyFingerprint: one.keyFingerprint, count: 3, contributions: 5,
                ciphertexts: one.ciphertexts)
        }
    }

    @Test("signed values with offset encoding round trip and sum")
    func signedRoundTrip() async throws {
        await propertyCheck(count: 8, input: Gen.uint64(in: 1...1 << 40), Gen.int(in: 1...5), Gen.int(in: 1...150)) { bound, contributions, count in
            let layout = try PackedLayout.signed(publicKey: encryptor.publicKey, maxMagnitude: bound, maxContributions: contributions)
            let encoder = try PackedEncoder(layout: layout, encryptor: encryptor)
            var generator = SystemRandomNumberGenerator()
            let b = Int64(bound)
            let vectors = (0..<contributions).map { _ in (0..<count).map { _ in Int64.random(in: -b...b, using: &generator) } }
            let total = try encoder.sum(try vectors.map { try encoder.encryptSigned($0) })
            let expected = (0..<count).map { i in vectors.reduce(Int64(0)) { $0 + $1[i] } }
            #expect(try decryptor.decryptSigned(total) == expected)
        }
        let layout = try PackedLayout.signed(publicKey: encryptor.publicKey, maxMagnitude: 10, maxContributions: 2)
        let encoder = try PackedEncoder(layout: layout, encryptor: encryptor)
        #expect(try decryptor.decryptSigned(try encoder.encryptSigned([-10, 10, 0])) == [-10, 10, 0])
        #expect(throws: PaillierError.self) { try encoder.encryptSigned([-11]) }
        #expect(throws: PaillierError.self) { try encoder.encrypt([1]) }
    }

    @Test("one core and both cores give the same decrypted result")
    func parallelMatchesSequential() throws {
        let layout = try PackedLayout(publicKey: encryptor.publicKey, maxValuePerContribution: 65535, maxContributions: 1)
        let encoder = try PackedEncoder(layout: layout, encryptor: encryptor)
        let values = (0..<(layout.slotsPerCiphertext * 9 + 5)).map { UInt64(($0 * 7919) % 65536) }
        let parallel = try encoder.encrypt(values, parallel: true)
        let sequential = try encoder.encrypt(values, parallel: false)
        #expect(parallel.ciphertexts.count == sequential.ciphertexts.count)
        #expect(try decryptor.decrypt(parallel) == values)
        #expect(try decryptor.decrypt(sequential) == values)
    }

    @Test("a vector under another key or layout is refused; a wrong key does not decode silently")
    func mismatches() throws {
        let other = Fixtures.secretKey(bits: 3072)
        let layout = try PackedLayout(publicKey: encryptor.publicKey, maxValuePerContribution: 10, maxContributions: 3)
        let encoder = try PackedEncoder(layout: layout, encryptor: encryptor)
        let a = try encoder.encrypt([1, 2, 3])
        let otherLayout = try PackedLayout(publicKey: encryptor.publicKey, maxValuePerContribution: 11, maxContributions: 3)
        let b = try PackedEncoder(layout: otherLayout, encryptor: encryptor).encrypt([1, 2, 3])
        #expect(throws: PaillierError.self) { try encoder.add(a, b) }
        #expect(throws: PaillierError.self) { try encoder.add(a, try encoder.encrypt([1, 2])) }
        #expect(throws: PaillierError.keyMismatch) { try PaillierDecryptor(secretKey: other).decrypt(a) }
        // A ciphertext whose plaintext is not a valid packing (as after a wrong key or corruption) is reported.
        let garbage = try encryptor.encrypt(BigInt(1) << 2000)
        let forged = try PackedCiphertexts(layout: layout, keyFingerprint: a.keyFingerprint, count: 3,
            contributions: 1, ciphertexts: [garbage])
        #expect(throws: PaillierError.self) { try decryptor.decrypt(forged) }
        let tooBig = try PackedCiphertexts(layout: layout, keyFingerprint: a.keyFingerprint, count: 3,
            contributions: 1, ciphertexts: [try encryptor.encrypt(BigInt(31))])
        #expect(throws: PaillierError.self) { try decryptor.decrypt(tooBig) }
    }
}
