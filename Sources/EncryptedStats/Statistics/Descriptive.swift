import HEFiles

// Mean, variance and standard deviation from the three pooled moments a key holder decrypts: the number of
// observations, their sum and their sum of squares.
//
// The textbook shortcut (sumsq - sum^2 / n) / (n - 1) in floating point cancels catastrophically when the mean is
// large against the spread. Here the numerator n * sumsq - sum^2 is computed exactly in wide integer arithmetic,
// and only the final division is done in floating point, so the variance carries full double precision.

/// Summary statistics of a pooled sample.
public struct Summary: Sendable, Equatable {
    /// Number of observations.
    public var count: UInt64
    /// Arithmetic mean (values divided by 10^scale).
    public var mean: Double
    /// Sample variance with n - 1 in the denominator; nil for a single observation.
    public var variance: Double?
    /// Square root of `variance`; nil for a single observation.
    public var standardDeviation: Double?
    /// Number of decimal digits of the fixed-point encoding the sums were taken in.
    public var scale: Int

    public init(count: UInt64, mean: Double, variance: Double?, standardDeviation: Double?, scale: Int) {
        self.count = count
        self.mean = mean
        self.variance = variance
        self.standardDeviation = standardDeviation
        self.scale = scale
    }
}

/// Descriptive statistics from pooled moments.
public enum Descriptive {
    /// Supported fixed-point scales: 10^scale must be exact in a double.
    public static let supportedScales = 0...22

    /// Summary from `count`, `sum` and `sumOfSquares` of integers; with `scale` s > 0 the integers are fixed-point
    /// encodings v = round(x * 10^s) of the real values x, and the results are in units of x.
    ///
    /// Any integer type works (`Int64`, `UInt64`, `Int128`, or a big-integer type conforming to `BinaryInteger`);
    /// n * sumsq - sum^2 is evaluated exactly whatever the size of the operands.
    ///
    /// - Throws: `EncryptedStatsError.emptySample` when `count` is 0, `.unsupportedScale` for a scale outside
    ///   `supportedScales`, `.inconsistentMoments` when the sums cannot come from `count` real values
    ///   (negative sum of squares, or n * sumsq < sum^2).
    public static func summary<S: BinaryInteger, Q: BinaryInteger>(
        count: UInt64, sum: S, sumOfSquares: Q, scale: Int = 0
    ) throws(EncryptedStatsError) -> Summary {
        guard count > 0 else { throw EncryptedStatsError.emptySample }
        guard supportedScales.contains(scale) else {
            throw EncryptedStatsError.unsupportedScale(scale, supported: supportedScales)
        }
        guard sumOfSquares >= 0 else { throw EncryptedStatsError.inconsistentMoments(count: count) }
        let unit = exactPowerOfTen(scale)
        let n = Double(count)
        let mean = Double(sum) / n / unit

        let sumMagnitude = WideUnsigned(sum.magnitude)
        let numerator = WideUnsigned(count) * WideUnsigned(sumOfSquares.magnitude)
        let square = sumMagnitude * sumMagnitude
        guard let spread = numerator.subtracting(square) else {
            throw EncryptedStatsError.inconsistentMoments(count: count)
        }
        guard count > 1 else {
            return Summary(count: count, mean: mean, variance: nil, standardDeviation: nil, scale: scale)
        }
        let variance = spread.doubleValue / (n * Double(count - 1)) / unit / unit
        return Summary(count: count, mean: mean, variance: variance, standardDeviation: variance.squareRoot(),
                       scale: scale)
    }

    /// 10^k exactly (k <= 22).
    static func exactPowerOfTen(_ k: Int) -> Double {
        var value = 1.0
        for _ in 0..<k { value *= 10 }
        return value
    }
}

/// A non-negative integer of any size, as little-endian 64-bit limbs; just enough arithmetic for exact moments.
struct WideUnsigned: Equatable, Sendable {
    private(set) var limbs: [UInt64]

    init<T: BinaryInteger>(_ value: T) {
        precondition(value >= 0, "WideUnsigned holds non-negative values")
        precondition(UInt.bitWidth == 64, "limbs are machine words of 64 bits")
        // `words` is the two's-complement representation, least significant first; for a non-negative value it is
        // the magnitude (possibly followed by a zero sign word).
        self.init(limbs: value.words.map { UInt64($0) })
    }

    private init(limbs: [UInt64]) {
        self.limbs = limbs
        normalise()
    }

    private mutating func normalise() {
        while let last = limbs.last, last == 0 { limbs.removeLast() }
    }

    static func * (lhs: WideUnsigned, rhs: WideUnsigned) -> WideUnsigned {
        if lhs.limbs.isEmpty || rhs.limbs.isEmpty { return WideUnsigned(limbs: []) }
        var result = [UInt64](repeating: 0, count: lhs.limbs.count + rhs.limbs.count)
        for (i, a) in lhs.limbs.enumerated() {
            var carry: UInt64 = 0
            for (j, b) in rhs.limbs.enumerated() {
                let product = a.multipliedFullWidth(by: b)
                let (low1, overflow1) = product.low.addingReportingOverflow(result[i + j])
                let (low2, overflow2) = low1.addingReportingOverflow(carry)
                result[i + j] = low2
                carry = product.high &+ (overflow1 ? 1 : 0) &+ (overflow2 ? 1 : 0)
            }
            result[i + rhs.limbs.count] = carry
        }
        return WideUnsigned(limbs: result)
    }

    /// self - other, or nil when other > self.
    func subtracting(_ other: WideUnsigned) -> WideUnsigned? {
        if other.limbs.count > limbs.count { return nil }
        var result = limbs
        var borrow = false
        for i in 0..<result.count {
            let b = i < other.limbs.count ? other.limbs[i] : 0
            let (d1, o1) = result[i].subtractingReportingOverflow(b)
            let (d2, o2) = d1.subtractingReportingOverflow(borrow ? 1 : 0)
            result[i] = d2
            borrow = o1 || o2
        }
        return borrow ? nil : WideUnsigned(limbs: result)
    }

    /// The value rounded to a double (the top 128 bits are used; relative error below 2^-52).
    var doubleValue: Double {
        guard let top = limbs.last else { return 0 }
        let k = limbs.count
        var value = Double(top)
        if k >= 2 { value = value * 0x1p64 + Double(limbs[k - 2]) }
        let shift = 64 * max(0, k - 2)
        return shift == 0 ? value : value * Double(sign: .plus, exponent: shift, significand: 1)
    }
}
