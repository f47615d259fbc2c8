import EncryptedStats
import HEFiles

// PLINK 1.9's text conventions: chromosome codes, right-aligned fixed-width columns and its 4-significant-digit
// number style, reproduced so that our report files read the same as PLINK's, byte for byte where the values agree.

/// PLINK's chromosome codes for the chromosomes analysed: the autosomes, X and XY.
public enum PlinkChromosome {
    /// The code PLINK prints in its CHR column: `1`..`22`, `X` or `23` -> 23, `XY` or `25` -> 25, with an
    /// optional `chr` prefix and letters in any case, and leading zeros (`chr07` -> 7). Y, MT and other contigs
    /// return nil.
    ///
    /// X and XY follow PLINK 1.9 without sex information, which is what pooled counts carry: every sample's sex is
    /// ambiguous, and PLINK then analyses X and XY exactly like an autosome (haploid calls read as homozygous).
    /// On Y and MT PLINK's results differ (Y is missing for every sample not known to be male, MT calls are
    /// haploid), so such panels are refused rather than analysed differently from PLINK.
    public static func code(for name: String) -> Int? {
        let body = VariantPanel.normalizedChromosome(name)
        guard !body.isEmpty, body.count <= 2, body.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let value = Int(body), (1...23).contains(value) || value == 25 else { return nil }
        return value
    }
}

/// PLINK's number and column formatting.
enum PlinkFormat {
    /// The chi-square p-value as PLINK 1.9 prints it in `.assoc` and `.model`. PLINK computes the tail with
    /// dcdflib's `cdfchi`; for 1 df its incomplete gamma ratio takes the erfc branch, which returns 0 once
    /// (chisq / 2) exceeds -exparg(1) = 0.99999 * 1022 ln 2 (about 708.389, where exp(-x^2) for x^2 = chisq / 2
    /// would fall below the smallest normal double). So PLINK prints 0 for 1-df statistics above about 1416.78,
    /// whose p-values (subnormal, below 2e-308) this code computes; the report files print PLINK's 0 there, and
    /// the full-precision table keeps the value. With 2 df PLINK's tail is exp(-chisq / 2) down to the subnormal
    /// range, as here (tested against plink1.9 on both sides of the boundary).
    static func printedChiSquareP(_ p: Double, chiSquare: Double, degreesOfFreedom: Int) -> Double {
        degreesOfFreedom == 1 && chiSquare / 2 > dcdflibUnderflowArgument ? 0 : p
    }

    /// -exparg(1) of dcdflib for IEEE doubles: 0.99999 * (1022 ln 2).
    static let dcdflibUnderflowArgument = 0.99999 * 1022 * 0.69314718055994530942

    /// A number the way PLINK's 4-significant-digit writer prints it (a `%g` relative): fixed notation from
    /// 0.0001 to 9999, otherwise d.ddde-XX / d.ddde+XX (three exponent digits from 1e100); trailing zeros dropped;
    /// "nan", "inf"; rounding half to even with PLINK's 5e-11 tolerance, after the same power-of-ten scaling, so
    /// that the last digit agrees with PLINK whenever the values do.
    static func g4(_ value: Double) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximumG4Length) { buffer in
            let length = g4(value, into: buffer.baseAddress!)
            return String(decoding: UnsafeBufferPointer(start: buffer.baseAddress, count: length), as: UTF8.self)
        }
    }

    /// Longest text `g4` produces ("-1.234e-308").
    static let maximumG4Length = 16

    /// Writes `g4(value)` as ASCII at `out` (room for `maximumG4Length` bytes) and returns its length.
    static func g4(_ value: Double, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var w = AsciiWriter(out)
        if value.isNaN {
            w.text("nan")
            return w.count
        }
        var x = value
        if x < 0 {
            w.byte(UInt8(ascii: "-"))
            x = -x
        }
        if x == 0 {
            w.byte(UInt8(ascii: "0"))
            return w.count
        }
        if x.isInfinite {
            w.text("inf")
            return w.count
        }
        if x < 9.9994999999999e-5 {
            var exponent = 0
            if x < 9.9994999999999e-16 {
                if x < 9.9994999999999e-128 {
                    if x < 9.9994999999999e-256 {
                        x *= 1e256
                        exponent |= 256
                    } else {
                        x *= 1e128
                        exponent |= 128
                    }
                }
                if x < 9.9994999999999e-64 { x *= 1e64; exponent |= 64 }
                if x < 9.9994999999999e-32 { x *= 1e32; exponent |= 32 }
                if x < 9.9994999999999e-16 { x *= 1e16; exponent |= 16 }
            }
            if x < 9.9994999999999e-8 { x *= 1e8; exponent |= 8 }
            if x < 9.9994999999999e-4 { x *= 1e4; exponent |= 4 }
            if x < 9.9994999999999e-2 { x *= 1e2; exponent |= 2 }
            if x < 9.9994999999999e-1 { x *= 10; exponent += 1 }
            w.mantissa(x)
            w.exponent(exponent, sign: UInt8(ascii: "-"))
            return w.count
        }
        if x >= 9999.4999999999 {
            var exponent = 0
            if x >= 9.9994999999999e15 {
                if x >= 9.9994999999999e127 {
                    if x >= 9.9994999999999e255 {
                        x *= 1e-256
                        exponent |= 256
                    } else {
                        x *= 1e-128
                        exponent |= 128
                    }
                }
                if x >= 9.9994999999999e63 { x *= 1e-64; exponent |= 64 }
                if x >= 9.9994999999999e31 { x *= 1e-32; exponent |= 32 }
                if x >= 9.9994999999999e15 { x *= 1e-16; exponent |= 16 }
            }
            if x >= 9.9994999999999e7 { x *= 1e-8; exponent |= 8 }
            if x >= 9.9994999999999e3 { x *= 1e-4; exponent |= 4 }
            if x >= 9.9994999999999e1 { x *= 1e-2; exponent |= 2 }
            if x >= 9.9994999999999 { x *= 0.1; exponent += 1 }
            w.mantissa(x)
            w.exponent(exponent, sign: UInt8(ascii: "+"))
            return w.count
        }
        if x >= 0.99994999999999 {
            // 1 to 4 integer digits, the rest of the four significant digits as decimals.
            if x < 9.9994999999999 {
                w.mantissa(x)
            } else if x < 99.994999999999 {
                let r = roundHalfEven(x * 100)
                w.digits(r / 100, count: 2)
                w.fraction(r % 100, digits: 2)
            } else if x < 999.94999999999 {
                let r = roundHalfEven(x * 10)
                w.digits(r / 10, count: 3)
                w.fraction(r % 10, digits: 1)
            } else {
                w.digits(roundHalfEven(x), count: 4)
            }
            return w.count
        }
        // 0.0001 <= x < 0.99995: "0." then leading zeros, then four significant digits.
        w.text("0.")
        if x < 9.9994999999999e-3 {
            x *= 100
            w.text("00")
        }
        if x < 9.9994999999999e-2 {
            x *= 10
            w.byte(UInt8(ascii: "0"))
        }
        w.digits(roundHalfEven(x * 10000), count: 4, stripTrailingZeros: true)
        return w.count
    }

    /// Rounds half to even, treating values within 5e-11 of a half as exact halves (PLINK's tolerance for
    /// binary noise in decimal ties).
    static func roundHalfEven(_ x: Double) -> Int {
        let whole = Int(x)
        let bias = whole & 1 == 0 ? 0.49999999995 : 0.50000000005
        return whole + Int((x - Double(whole)) + bias)
    }

    /// PLINK's SNP column width: at least 4; whenever an identifier is longer than the current width, the width
    /// becomes its length + 2 (so the result depends on the order of the identifiers, exactly as in PLINK).
    static func snpWidth<S: Sequence<String>>(_ ids: S) -> Int {
        var width = 4
        for id in ids where id.utf8.count > width { width = id.utf8.count + 2 }
        return width
    }
}

/// Appends ASCII at a raw pointer; the caller guarantees the room.
struct AsciiWriter {
    private let start: UnsafeMutablePointer<UInt8>
    private(set) var count = 0

    init(_ start: UnsafeMutablePointer<UInt8>) { self.start = start }

    mutating func byte(_ b: UInt8) {
        start[count] = b
        count += 1
    }

    mutating func text(_ s: StaticString) {
        s.withUTF8Buffer { for b in $0 { byte(b) } }
    }

    /// `value` as exactly `count` digits (zero-padded), optionally without its trailing zeros (keeping one digit).
    mutating func digits(_ value: Int, count digits: Int, stripTrailingZeros: Bool = false) {
        var v = value
        var last = digits
        for i in stride(from: digits - 1, through: 0, by: -1) {
            start[count + i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
        }
        if stripTrailingZeros {
            while last > 1, start[count + last - 1] == UInt8(ascii: "0") { last -= 1 }
        }
        count += last
    }

    /// "." and `value` as `digits` decimals without trailing zeros; nothing for 0.
    mutating func fraction(_ value: Int, digits: Int) {
        guard value > 0 else { return }
        byte(UInt8(ascii: "."))
        self.digits(value, count: digits, stripTrailingZeros: true)
    }

    /// d.ddd of a value in [1, 10) with PLINK's rounding, trailing zeros dropped.
    mutating func mantissa(_ x: Double) {
        let r = PlinkFormat.roundHalfEven(x * 1000)
        digits(r / 1000, count: 1)
        fraction(r % 1000, digits: 3)
    }

    /// "e-05", "e+12", "e-123".
    mutating func exponent(_ value: Int, sign: UInt8) {
        byte(UInt8(ascii: "e"))
        byte(sign)
        digits(value, count: value >= 100 ? 3 : 2)
    }
}
