import EncryptedStats
import HEFiles
import HETestSupport
import RLWE
import Testing

/// The BFV parameters field of a container (docs/FORMAT.md): every preset, with or without a special
/// key-switching prime, reads back as the same parameter set; malformed fields are refused by name.
@Suite struct BFVParametersFieldTests {
    @Test("every preset's parameters field decodes to the preset itself", arguments: BfvPreset.allCases)
    func presetRoundTrip(preset: BfvPreset) throws {
        let p = BfvParameters.preset(preset)
        let field = BFVVectors.encode(p)
        // u32 N, u64 t, u8 k, k primes, and P only when there is one.
        #expect(field.count == 4 + 8 + 1 + 8 * p.coefficientModuli.count + (p.specialModulus == nil ? 0 : 8))
        let back = try BFVVectors.decodeParameters(field)
        #expect(back === p)
    }

    @Test("custom parameters keep their special prime; a truncated or extended field is refused")
    func customAndMalformed() throws {
        let custom = try BfvParameters(
            degree: 8192, plaintextModulus: BfvPreset.plaintextModulus, coefficientBits: [58, 50], specialPrimeBits: 58)
        let field = BFVVectors.encode(custom)
        let back = try BFVVectors.decodeParameters(field)
        #expect(back.fingerprint == custom.fingerprint)
        #expect(back.specialModulus == custom.specialModulus)
        // Without its special prime it is another (valid) parameter set.
        let flat = try BFVVectors.decodeParameters(Array(field.dropLast(8)))
        #expect(flat.specialModulus == nil && flat.fingerprint != custom.fingerprint)
        for bad in [Array(field.dropLast(3)), field + [0], field + [UInt8](repeating: 0, count: 9)] {
            #expect(throws: EncryptedStatsError.self) { try BFVVectors.decodeParameters(bad) }
        }
        // A special prime that breaks the 128-bit bound is refused like any other insecure set.
        let big = try BfvParameters(degree: 8192, plaintextModulus: BfvPreset.plaintextModulus, coefficientBits: [60, 60, 60])
        let insecure = BFVVectors.encode(big) + withUnsafeBytes(of: custom.specialModulus!.littleEndian, Array.init)
        #expect(throws: EncryptedStatsError.self) { try BFVVectors.decodeParameters(insecure) }
    }
}
