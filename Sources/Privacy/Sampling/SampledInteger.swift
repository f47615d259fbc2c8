// A sampled integer: a machine word when it fits (nearly always), a GMP integer otherwise.

import Paillier  // for BigInt (GMP)

/// The value of one sample, without a GMP allocation when it fits an `Int64`.
public enum SampledInteger: Sendable, Equatable {
    case small(Int64)
    case large(BigInt)

    /// `sign * magnitude`.
    init(negative: Bool, magnitude: UInt64) {
        if magnitude <= UInt64(Int64.max) {
            self = .small(negative ? -Int64(magnitude) : Int64(magnitude))
        } else {
            self.init(negative: negative, magnitude: BigInt(magnitude))
        }
    }

    init(negative: Bool, magnitude: BigInt) {
        let value = negative ? -magnitude : magnitude
        if let small = value.int64Value { self = .small(small) } else { self = .large(value) }
    }

    public var bigInt: BigInt {
        switch self {
        case .small(let v): BigInt(Int64(v))
        case .large(let v): v
        }
    }

    /// The value if it fits an `Int64`.
    public var int64Value: Int64? {
        switch self {
        case .small(let v): v
        case .large: nil
        }
    }

    var magnitude: SampledMagnitude {
        switch self {
        case .small(let v): .word(v.magnitude)
        case .large(let v): .big(v.signum < 0 ? -v : v)
        }
    }
}

enum SampledMagnitude {
    case word(UInt64)
    case big(BigInt)
}
