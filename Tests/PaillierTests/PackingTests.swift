// Packed encryption: slot widths from the capacity, round trips at random widths, sums, signed offsets with
// per-contribution bounds, and refusal at the exact overflow boundary.

import Paillier
import PropertyBased
import Testing

@Suite("Paillier packing")
struct PackingTests {
    let encryptor = Fixtures.encryptor2048
    let decryptor = Fixtures.decryptor2048

    @Test("slot width and count follow the slot capacity")
    func layoutArithmetic() throws {
        let layout = try PackedLayout(modulusBits: 2048, maxValuePerContribution: 1000, maxContributions: 1000)
        #expect(layout.slotCapacity == 1_000_000)
        #expect(layout.slotBits == 20)
        #expect(layout.slotsPerCiphertext == 2047 / 20)
        let signed = try PackedLayout(modulusBits: 2048, maxValuePerContribution: 1000, maxContributions: 1000, signed: true)
        #expect(signed.slotBits == 21)
        #expect(signed.slotsPerCiphertext == 2047 / 21)
        let exact = try PackedLayout(modulusBits: 3072, slotCapacity: 255)
        #expect(exact.slotBits == 8)
        #expect(exact.slotsPerCiphertext == 3071 / 8)
        // 2^24 - 1 (24 bits) vs 2^24 (25 bits): the width is the capacity's bit length.
        #expect(try PackedLayout(modulusBits: 3072, slotCapacity: (1 << 24) - 1).slotsPerCiphertext == 127)
        #expect(try PackedLayout(modulusBits: 3072, slotCapacity: 1 << 24).slotBits == 25)
        #expect(try PackedLayout(modulusBits: 3072, slotCapacity: (1 << 23) - 1, signed: true).slotBits == 24)
        #expect(try PackedLayout(modulusBits: 3072, slotCapacity: 1 << 23, signed: true).slotBits == 25)
        let wide = try PackedLayout(modulusBits: 2048, slotCapacity: UInt64(Int64.max))
        #expect(wide.slotBits == 63)
        #expect(wide.slotsPerCiphertext == 32)
        let wideSigned = try PackedLayout(modulusBits: 2048, slotCapacity: UInt64(Int64.max), signed: true)
        #expect(wideSigned.slotBits == 64)
        #expect(wideSigned.slotsPerCiphertext == 31)
        #expect(throws: PaillierError.self) { try PackedLayout(modulusBits: 2048, slotCapacity: UInt64(Int64.max) + 1) }
        #expect(throws: PaillierError.self) {
            try PackedLayout(modulusBits: 2048, maxValuePerContribution: UInt64(Int64.max) / 2 + 1, maxContributions: 2)
        }
        #expect(throws: PaillierError.self) { try PackedLayout(modulusBits: 2048, maxValuePerContribution: 1, maxContributions: 0) }
        #expect(throws: PaillierError.self) { try PackedLayout(modulusBits: 2048, slotCapacity: 0) }
        #expect(throws: PaillierError.self) { try PackedLayout(modulusBits: 1024, slotCapacity: 1) }
    }

    @Test("unsigned round trip and sums at random widths")
    func roundTripRandomWidths() async throws {
        await propertyCheck(count: 12, input: Gen.uint64(in: 1...UInt64(Int64.max) / 8), Gen.int(in: 1...8), Gen.int(in: 0...260)) { maxValue, contributions, count in
            let layout = try PackedLayout(publicKey: encryptor.publicKey, maxValuePerContribution: maxValue, maxContributions: contributions)
            let encoder = try PackedEncoder(layout: layout, encryptor: encryptor)
            var generator = SystemRandomNumberGenerator()
            let vectors = (0..<contributions).map { _ in (0..<count).map { _ in UInt64.random(in: 0...maxValue, using: &generator) } }
            let packed = try vectors.map { try encoder.encrypt($0, bound: maxValue) }
            #expect(packed[0].ciphertexts.count == layout.ciphertextCount(forValues: count))
            #expect(try decryptor.decrypt(packed[0]) == vectors[0])
            let total = try encoder.sum(packed)
            #expect(total.contributions == contributions)
            #expect(total.bound == maxValue * UInt64(contributions))
            let expected = (0..<count).map { i in vectors.reduce(UInt64(0)) { $0 + $1[i] } }
            #expect(try decryptor.decrypt(total) == expected)
        }
    }

    @Test("slots at their maximum sum without carrying into neighbours")
    func fullSlots() throws {
        let layout = try PackedLayout(publicKey: encryptor.publicKey, maxValuePerContribution: 7, maxContributions: 9)
        #expect(layout.slotBits == 6)
        let encoder = try PackedEncoder(layout: layout, encryptor: encryptor)
        let values = [UInt64](repeating: 7, count: layout.slotsPerCiphertext * 2 + 3)
        let one = try encoder.encrypt(values, bound: 7)
        let all = try encoder.sum([PackedCiphertexts](repeating: one, count: 9))
        #expect(try decryptor.decrypt(all) == values.map { $0 * 9 })
        // Signed: the extremes -B and B in alternate slots, at the capacity.
        let signedLayout = try PackedLayout(publicKey: encryptor.publicKey, maxValuePerContribution: 7, maxContributions: 9, signed: true)
        let signedEncoder = try PackedEncoder(layout: signedLayout, encryptor: encryptor)
        let extremes = (0..<(signedLayout.slotsPerCiphertext + 5)).map { Int64($0 % 2 == 0 ? 7 : -7) }
        let signedAll = try signedEncoder.sum([PackedCiphertexts](repeating: try signedEncoder.encryptSigned(extremes, bound: 7), count: 9))
        #expect(try decryptor.decryptSigned(signedAll) == extremes.map { $0 * 9 })
    }

    @Test("a sum past the slot capacity is refused at the exact boundary")
    func overflowRefusedAtBoundary() throws {
        let layout = try PackedLayout(publicKey: encryptor.publicKey, maxValuePerContribution: 100, maxContributions: 4)
        let encoder = try PackedEncoder(layout: layout, encryptor: encryptor)
        let one = try encoder.encrypt([100, 0, 55], bound: 100)
        let three = try encoder.sum([one, one, one])
        let four = try encoder.add(three, one)
        #expect(four.contributions == 4)
        #expect(four.bound == 400)
        #expect(try decryptor.decrypt(four) == [400, 0, 220])
        #expect(throws: PaillierError.packedSlotOverflow(bound: 500, capacity: 400)) {
            try encoder.add(four, one)
        }
        #expect(throws: PaillierError.packedSlotOverflow(bound: 600, capacity: 400)) {
            try encoder.add(three, three)
        }
        // Smaller declared bounds leave room for more contributions: what counts is the sum of the bounds.
        let small = try encoder.encrypt([50, 1, 0], bound: 50)
        let mixed = try encoder.sum([three, small, small])
        #expect(mixed.bound == 400 && mixed.contributions == 5)
        #expect(try decryptor.decrypt(mixed) == [400, 2, 165])
        #expect(throws: PaillierError.packedValueOutOfRange(index: 1, value: "101", allowed: "0...100")) {
            try encoder.encrypt([100, 101], bound: 100)
        }
        #expect(throws: PaillierError.self) { try encoder.encrypt([1], bound: 401) }
        #expect(throws: PaillierError.self) { try encoder.encrypt([0], bound: 0) }
        #expect(throws: PaillierError.self) { try encoder.encrypt([UInt64.max], bound: UInt64.max) }
        #expect(throws: PaillierError.self) {
            try PackedCiphertexts(layout: layout, keyFingerprint: one.keyFingerprint, count: 3, bound: 401, contributions: 1,
                ciphertexts: one.ciphertexts)
        }
    }

    @Test("signed values with offset encoding round trip and sum, each contribution with its own bound")
    func signedRoundTrip() async throws {
        await propertyCheck(count: 8, input: Gen.uint64(in: 1...1 << 40), Gen.int(in: 1...5), Gen.int(in: 1...150)) { bound, contributions, count in
            let layout = try PackedLayout(publicKey: encryptor.publicKey, maxValuePerContribution: bound,
                maxContributions: contributions, signed: true)
            let encoder = try PackedEncoder(layout: layout, encryptor: encryptor)
            var generator = SystemRandomNumberGenerator()
            let bounds = (0..<contributions).map { _ in UInt64.random(in: 1...bound, using: &generator) }
            let vectors = bounds.map { b in (0..<count).map { _ in Int64.random(in: -Int64(b)...Int64(b), using: &generator) } }
            let total = try encoder.sum(try zip(vectors, bounds).map { try encoder.encryptSigned($0, bound: $1) })
            #expect(total.bound == bounds.reduce(0, +))
            let expected = (0..<count).map { i in vectors.reduce(Int64(0)) { $0 + $1[i] } }
            #expect(try decryptor.decryptSigned(total) == expected)
        }
        let layout = try PackedLayout(publicKey: encryptor.publicKey, maxValuePerContribution: 10, maxContributions: 2, signed: true)
        let encoder = try PackedEncoder(layout: layout, encryptor: encryptor)
        #expect(try decryptor.decryptSigned(try encoder.encryptSigned([-10, 10, 0], bound: 10)) == [-10, 10, 0])
        #expect(throws: PaillierError.packedValueOutOfRange(index: 0, value: "-11", allowed: "-10...10")) {
            try encoder.encryptSigned([-11], bound: 10)
        }
        #expect(throws: PaillierError.self) { try encoder.encrypt([1], bound: 10) }
        let unsigned = try PackedEncoder(layout: try PackedLayout(publicKey: encryptor.publicKey, slotCapacity: 10), encryptor: encryptor)
        #expect(throws: PaillierError.self) { try unsigned.encryptSigned([1], bound: 10) }
    }

    @Test("one core and both cores give the same decrypted result")
    func parallelMatchesSequential() throws {
        let layout = try PackedLayout(publicKey: encryptor.publicKey, slotCapacity: 65535)
        let encoder = try PackedEncoder(layout: layout, encryptor: encryptor)
        let values = (0..<(layout.slotsPerCiphertext * 9 + 5)).map { UInt64(($0 * 7919) % 65536) }
        let parallel = try encoder.encrypt(values, bound: 65535, parallel: true)
        let sequential = try encoder.encrypt(values, bound: 65535, parallel: false)
        #expect(parallel.ciphertexts.count == sequential.ciphertexts.count)
        #expect(try decryptor.decrypt(parallel) == values)
        #expect(try decryptor.decrypt(sequential) == values)
        // A value out of range anywhere is reported with its index and nothing is encrypted.
        var bad = values.map { Int64($0) }
        bad[layout.slotsPerCiphertext * 4 + 2] = 65536
        #expect(throws: PaillierError.packedValueOutOfRange(index: layout.slotsPerCiphertext * 4 + 2, value: "65536", allowed: "0...65535")) {
            try encoder.encryptCiphertexts(bad[...], bound: 65535)
        }
    }

    @Test("a vector under another key or layout is refused; a wrong key does not decode silently")
    func mismatches() throws {
        let other = Fixtures.secretKey(bits: 3072)
        let layout = try PackedLayout(publicKey: encryptor.publicKey, maxValuePerContribution: 10, maxContributions: 3)
        let encoder = try PackedEncoder(layout: layout, encryptor: encryptor)
        let a = try encoder.encrypt([1, 2, 3], bound: 10)
        let otherLayout = try PackedLayout(publicKey: encryptor.publicKey, maxValuePerContribution: 11, maxContributions: 3)
        let b = try PackedEncoder(layout: otherLayout, encryptor: encryptor).encrypt([1, 2, 3], bound: 10)
        #expect(throws: PaillierError.self) { try encoder.add(a, b) }
        #expect(throws: PaillierError.self) { try encoder.add(a, try encoder.encrypt([1, 2], bound: 10)) }
        #expect(throws: PaillierError.keyMismatch) { try PaillierDecryptor(secretKey: other).decrypt(a) }
        // A ciphertext whose plaintext is not a valid packing (as after a wrong key or corruption) is reported.
        let garbage = try encryptor.encrypt(BigInt(1) << 2000)
        let forged = try PackedCiphertexts(layout: layout, keyFingerprint: a.keyFingerprint, count: 3, bound: 10,
            contributions: 1, ciphertexts: [garbage])
        #expect(throws: PaillierError.self) { try decryptor.decrypt(forged) }
        let tooBig = try PackedCiphertexts(layout: layout, keyFingerprint: a.keyFingerprint, count: 3, bound: 10,
            contributions: 1, ciphertexts: [try encryptor.encrypt(BigInt(31))])
        #expect(throws: PaillierError.self) { try decryptor.decrypt(tooBig) }
        // An unused slot that is not zero is reported.
        let stray = try PackedCiphertexts(layout: layout, keyFingerprint: a.keyFingerprint, count: 1, bound: 10,
            contributions: 1, ciphertexts: [try encryptor.encrypt(BigInt(1) << layout.slotBits)])
        #expect(throws: PaillierError.self) { try decryptor.decrypt(stray) }
    }
}
