import RLWE
import Testing

@Suite struct SerializationTests {
    @Test(arguments: BfvPreset.allCases)
    func roundTripsAndSizes(preset: BfvPreset) throws {
        let f = PresetFixture.of(preset)
        let p = f.parameters
        let values = f.randomValues()
        let ct = try f.encryptor.encrypt(f.encoder.encode(values))
        let bytes = ct.serialized()
        let bitsPerCoefficient = p.coefficientModuli.reduce(0) { $0 + (64 - $1.leadingZeroBitCount) }
        #expect(bytes.count == 38 + 2 + 2 * p.degree * bitsPerCoefficient / 8)
        let back = try Ciphertext(serialized: bytes, parameters: p)
        #expect(back.polys == ct.polys)
        #expect(try f.encoder.decode(f.decryptor.decrypt(back)) == values)

        // Smallest level: within 4x of N plain 32-bit integers.
        let small = try Evaluator(parameters: p).modSwitchToSmallest(ct)
        let smallBytes = small.serialized()
        #expect(smallBytes.count <= 4 * 4 * p.degree)
        #expect(try f.encoder.decode(f.decryptor.decrypt(Ciphertext(serialized: smallBytes, parameters: p))) == values)

        // Seeded symmetric: seed + c0.
        let sym = try Encryptor(secretKey: f.keyGenerator.secretKey).encrypt(f.encoder.encode(values))
        let symBytes = sym.serialized()
        #expect(symBytes.count == 38 + 1 + 32 + p.degree * bitsPerCoefficient / 8)
        #expect(try f.encoder.decode(f.decryptor.decrypt(Ciphertext(serialized: symBytes, parameters: p))) == values)

        // Keys.
        let sk = try SecretKey(serialized: f.keyGenerator.secretKey.serialized(), parameters: p)
        #expect(try f.encoder.decode(Decryptor(secretKey: sk).decrypt(ct)) == values)
        let pk = try PublicKey(serialized: f.publicKey.serialized(), parameters: p)
        let viaPk = try Encryptor(publicKey: pk).encrypt(f.encoder.encode(values))
        #expect(try f.encoder.decode(f.decryptor.decrypt(viaPk)) == values)
    }

    @Test func corruptOrForeignBytesAreRefused() throws {
        let f = PresetFixture.of(.n4096)
        let other = PresetFixture.of(.n8192)
        let ct = try f.encryptor.encrypt(f.encoder.encode([1, 2, 3] as [UInt64]))
        let bytes = ct.serialized()
        #expect {
            try Ciphertext(serialized: bytes, parameters: other.parameters)
        } throws: { e in
            if case .fingerprintMismatch = e as? RlweError { return true } else { return false }
        }
        #expect {
            try Ciphertext(serialized: Array(bytes.dropLast(5)), parameters: f.parameters)
        } throws: { e in
            if case .truncated(let expected, let actual) = e as? RlweError { return expected == bytes.count && actual == bytes.count - 5 }
            return false
        }
        #expect {
            try Ciphertext(serialized: bytes + [0], parameters: f.parameters)
        } throws: { e in
            if case .trailingBytes = e as? RlweError { return true } else { return false }
        }
        var garbled = bytes
        for i in 40..<48 { garbled[i] = 0xFF }  // first coefficient all ones: >= q_0
        #expect {
            try Ciphertext(serialized: garbled, parameters: f.parameters)
        } throws: { e in
            if case .coefficientOutOfRange(0, 0, _, _) = e as? RlweError { return true } else { return false }
        }
        var badMagic = bytes
        badMagic[0] = 0
        #expect {
            try Ciphertext(serialized: badMagic, parameters: f.parameters)
        } throws: { e in
            if case .invalidHeader = e as? RlweError { return true } else { return false }
        }
        #expect(throws: RlweError.self) { try PublicKey(serialized: bytes, parameters: f.parameters) }
        #expect(try BfvParameters.preset(identifying: bytes).fingerprint == f.parameters.fingerprint)
        #expect(try BfvParameters.preset(identifying: other.publicKey.serialized()).preset == .n8192)
        #expect(throws: RlweError.self) { try BfvParameters.preset(identifying: badMagic) }
        #expect(throws: RlweError.self) { try BfvParameters.preset(identifying: Array(bytes.prefix(20))) }
        #expect(throws: RlweError.self) { try Ciphertext(serialized: [], parameters: f.parameters) }
    }
}

@Suite struct SecretKeySerializationTests {
    @Test func invalidPatternIsRefused() throws {
        let f = PresetFixture.of(.n4096)
        var bytes = f.keyGenerator.secretKey.serialized()
        #expect(try SecretKey(serialized: bytes, parameters: f.parameters).serialized() == bytes)
        bytes[38] = 0b10  // first coefficient pattern 2
        #expect(throws: RlweError.self) { try SecretKey(serialized: bytes, parameters: f.parameters) }
    }
}
