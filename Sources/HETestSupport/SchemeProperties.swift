import EncryptedStats
import HEFiles

// Properties every conformance of the scheme seam must have, written once and run on each scheme (Paillier and
// BFV) by EncryptedStatsTests. Each returns nil when the property holds and otherwise says what failed, so that
// the calling test records it with its own location.

public enum SchemeProperties {
    /// Encrypting and decrypting gives the values back, for a vector that fills one ciphertext and spills into the
    /// next (the last ciphertext partly used).
    public static func roundTrip<S: AdditiveVectorDecryptor>(_ scheme: S, bound: UInt64,
                                                             signed: Bool) throws -> String? {
        let count = scheme.layout.slotsPerCiphertext + 3
        let values = randomValues(count, bound: bound, signed: signed)
        let v = try scheme.encrypt(values, bound: bound, site: "a")
        guard v.ciphertexts.count == scheme.layout.ciphertextCount(forValues: count) else {
            return "\(v.ciphertexts.count) ciphertexts for \(count) values"
        }
        let back = try scheme.decrypt(v)
        return back == values ? nil : "decrypted values differ from the encrypted ones"
    }

    /// The sum of two sites' vectors decrypts to the slot-wise sum, with both sites listed and the bounds added.
    public static func additionIsSlotwise<S: AdditiveVectorDecryptor>(_ scheme: S, bound: UInt64,
                                                                      signed: Bool) throws -> String? {
        let count = min(scheme.layout.slotsPerCiphertext, 40)
        let a = randomValues(count, bound: bound, signed: signed), b = randomValues(count, bound: bound, signed: signed)
        let sum = try scheme.add(try scheme.encrypt(a, bound: bound, site: "a"), try scheme.encrypt(b, bound: bound, site: "b"))
        guard sum.contributors == ["a", "b"], sum.valueBound == 2 * bound else {
            return "sum lists \(sum.contributors) with bound \(sum.valueBound)"
        }
        return try scheme.decrypt(sum) == zip(a, b).map(+) ? nil : "the decrypted sum is not the slot-wise sum"
    }

    /// A serialised and deserialised ciphertext decrypts like the original; a truncated one is refused.
    public static func serializationRoundTrip<S: AdditiveVectorDecryptor>(_ scheme: S, bound: UInt64) throws -> String? {
        let values = randomValues(5, bound: bound, signed: false)
        let c = try scheme.encrypt(values, bound: bound, site: "a").ciphertexts[0]
        let bytes = scheme.serialize(c)
        guard try scheme.decrypt(try scheme.deserialize(bytes), count: 5, bound: bound) == values else {
            return "a deserialised ciphertext decrypts to other values"
        }
        do {
            _ = try scheme.deserialize(Array(bytes.dropLast()))
            return "a ciphertext one byte short was accepted"
        } catch {
            return nil
        }
    }

    /// The aggregation rule holds for in-memory sums: a site twice and bounds past the slot capacity are refused.
    public static func aggregationRuleRefusals<S: AdditiveVectorDecryptor>(_ scheme: S) throws -> String? {
        let bound = scheme.layout.slotCapacity / 2 + 1
        let a = try scheme.encrypt([1, 2, 3], bound: bound, site: "a")
        do {
            _ = try scheme.add(a, a)
            return "the same site twice was summed"
        } catch EncryptedStatsError.duplicateContributor(site: "a", _, _) {}
        do {
            _ = try scheme.add(a, try scheme.encrypt([1, 2, 3], bound: bound, site: "b"))
            return "bounds adding up past the slot capacity were summed"
        } catch EncryptedStatsError.slotOverflow {}
        return nil
    }

    /// A value above the declared bound, and a bound above the slot capacity, are refused before encryption.
    public static func boundRefusals<S: AdditiveVectorDecryptor>(_ scheme: S) throws -> String? {
        do {
            _ = try scheme.encrypt([1, 11, 3], bound: 10, site: "a")
            return "a value above its declared bound was encrypted"
        } catch EncryptedStatsError.scheme {}
        do {
            _ = try scheme.encrypt([1], bound: scheme.layout.slotCapacity + 1, site: "a")
            return "a bound above the slot capacity was accepted"
        } catch EncryptedStatsError.scheme {}
        return nil
    }

    private static func randomValues(_ count: Int, bound: UInt64, signed: Bool) -> [Int64] {
        let b = Int64(bound)
        return (0 ..< count).map { _ in Int64.random(in: (signed ? -b : 0) ... b) }
    }
}
