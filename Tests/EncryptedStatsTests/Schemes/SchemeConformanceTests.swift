import EncryptedStats
import HEFiles
import HETestSupport
import Testing

/// The scheme seam's properties (HETestSupport's `SchemeProperties`), the same for every scheme: Paillier with a
/// 2048-bit key (the smallest, for speed) and BFV at preset n4096, for counts and for signed values.
@Suite("Scheme seam properties, per scheme")
struct SchemeConformanceTests {
    static let keys: [SchemeID: SchemeKeys] = {
        var out: [SchemeID: SchemeKeys] = [:]
        for scheme in SchemeRegistry.availableSchemes {
            out[scheme] = try! SchemeRegistry.generateKeys(
                scheme: scheme, options: KeyGenerationOptions(modulusBits: scheme == .paillier ? 2048 : nil))
        }
        return out
    }()

    static func instance(_ scheme: SchemeID, _ encoding: ValueEncoding) throws -> any AdditiveVectorDecryptor {
        try SchemeRegistry.instance(for: keys[scheme]!, kind: .countTable, encoding: encoding)
    }

    @Test("encryption round-trips, sums are slot-wise, serialisation round-trips",
          arguments: SchemeRegistry.availableSchemes, [false, true])
    func properties(scheme: SchemeID, signed: Bool) throws {
        let s = try Self.instance(scheme, signed ? .signedInteger : .count)
        for failure in try check(s, signed: signed) { Issue.record("\(scheme): \(failure)") }
    }

    @Test("the aggregation rule and the declared bounds are enforced", arguments: SchemeRegistry.availableSchemes)
    func refusals(scheme: SchemeID) throws {
        let s = try Self.instance(scheme, .count)
        for failure in try refusals(s) { Issue.record("\(scheme): \(failure)") }
    }

    private func check<S: AdditiveVectorDecryptor>(_ s: S, signed: Bool) throws -> [String] {
        [try SchemeProperties.roundTrip(s, bound: 1000, signed: signed),
         try SchemeProperties.additionIsSlotwise(s, bound: 1000, signed: signed),
         try SchemeProperties.serializationRoundTrip(s, bound: 1000)].compactMap { $0 }
    }

    private func refusals<S: AdditiveVectorDecryptor>(_ s: S) throws -> [String] {
        [try SchemeProperties.aggregationRuleRefusals(s), try SchemeProperties.boundRefusals(s)].compactMap { $0 }
    }
}
