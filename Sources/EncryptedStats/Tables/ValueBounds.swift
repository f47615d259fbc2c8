import HEFiles

// The declared bound of a site's table: the largest absolute cell value in table units (`maxValue`) and the bound
// on the stored integers it gives (times 10^scale for decimals), checked against the key's slot capacity. The
// same rule for CSV tables (`encrypt`) and python-paillier tables (`import`).

public enum ValueBounds {
    /// The cap of the default largest value for counts and signed integers.
    public static let defaultMaxValueCap: UInt64 = 1_000_000_000

    /// The default largest value under a slot capacity: the largest power of ten that leaves room for at least
    /// 1,000 contributions, capped at 10^9 (in the table's units; fixed-point scale included).
    public static func defaultMaxValue(slotCapacity: UInt64, encoding: ValueEncoding) -> UInt64 {
        let room = slotCapacity / 1000 / UInt64(encoding.scaleFactor)
        var v: UInt64 = 1
        while v * 10 <= room && v < defaultMaxValueCap { v *= 10 }
        return v
    }

    /// The stored bound of a largest value of `maxValue` in table units, when it fits slots holding `capacity`.
    public static func storedBound(maxValue: UInt64, encoding: ValueEncoding, capacity: UInt64) -> UInt64? {
        guard let bound = encoding.storedBound(maxValue: maxValue), bound <= capacity else { return nil }
        return bound
    }

    /// The largest value in table units whose stored bound fits `capacity`.
    public static func largestMaxValue(capacity: UInt64, encoding: ValueEncoding) -> UInt64 {
        capacity / UInt64(encoding.scaleFactor)
    }

    /// The largest value (given, or the default) and its stored bound, for a table of `encoding` under a key whose
    /// slots hold `capacity`. Refuses a decimal scale that does not fit even a largest value of 1
    /// (``EncryptedStatsError/scaleTooLarge(scale:capacity:largestScale:)``, only when no value is given) and a
    /// largest value that does not fit (``EncryptedStatsError/valueBoundTooLarge(maxValue:largest:units:)``).
    public static func resolve(maxValue: UInt64?, encoding: ValueEncoding,
                               capacity: UInt64) throws(EncryptedStatsError) -> (maxValue: UInt64, bound: UInt64) {
        if maxValue == nil, case let .fixedPoint(scale) = encoding, (encoding.storedBound(maxValue: 1) ?? .max) > capacity {
            let largest = (1 ... scale).last { s in
                (ValueEncoding.fixedPoint(scale: s).storedBound(maxValue: 1) ?? .max) <= capacity
            }
            throw .scaleTooLarge(scale: scale, capacity: capacity, largestScale: largest)
        }
        let maxValue = maxValue ?? defaultMaxValue(slotCapacity: capacity, encoding: encoding)
        guard let bound = storedBound(maxValue: maxValue, encoding: encoding, capacity: capacity) else {
            throw .valueBoundTooLarge(maxValue: maxValue, largest: capacity,
                                      units: encoding.scale == 0 ? "in stored units" : "in stored units, including the decimal scale")
        }
        return (maxValue, bound)
    }
}
