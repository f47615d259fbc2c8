// The one error type of the Paillier module: every case says what was wrong, where, and what was expected.

/// Errors raised by key generation, encryption, packing and (de)serialisation.
public enum PaillierError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Modulus size other than the supported ones.
    case unsupportedKeySize(bits: Int, supported: [Int])
    /// Serialised input ended early: `what` needed `expected` bytes, `actual` were present.
    case truncated(what: String, expected: Int, actual: Int)
    /// Serialised input had bytes left over after a complete `what`.
    case trailingBytes(what: String, count: Int)
    /// Serialised input did not start with the expected magic bytes / format version.
    case badHeader(what: String, detail: String)
    /// A decoded key is not a valid Paillier key (`detail` names the failed check).
    case invalidKey(String)
    /// A ciphertext is not in Z*_{n^2}: `detail` says whether it is out of range or shares a factor with n.
    case invalidCiphertext(String)
    /// A plaintext outside the range the operation accepts.
    case plaintextOutOfRange(value: String, range: String)
    /// Operands belong to different public keys.
    case keyMismatch
    /// A packed layout that cannot be built (slot bound too large for the key, zero contributions, ...).
    case invalidPackedLayout(String)
    /// A value at `index` exceeds the bound its contribution declared.
    case packedValueOutOfRange(index: Int, value: String, allowed: String)
    /// Adding would let the declared bounds of a sum pass the layout's slot capacity: the sum is refused
    /// instead of risking a carry into the neighbouring slot.
    case packedSlotOverflow(bound: UInt64, capacity: UInt64)
    /// Packed vectors with different layouts or lengths cannot be combined.
    case packedShapeMismatch(String)
    /// A decrypted packed ciphertext does not decode under its layout (wrong key or corrupted data).
    case packedDecodeFailed(String)
    /// Malformed python-paillier JSON: `detail` names the field and what was expected.
    case invalidPheJSON(String)
    /// A python-paillier ciphertext with a non-zero exponent (encoded float); only integers are accepted.
    case unsupportedPheExponent(Int)

    public var description: String {
        switch self {
        case let .unsupportedKeySize(bits, supported):
            return "unsupported Paillier modulus size \(bits) bits (supported: \(supported.map(String.init).joined(separator: ", ")))"
        case let .truncated(what, expected, actual):
            return "truncated \(what): expected \(expected) bytes, found \(actual)"
        case let .trailingBytes(what, count):
            return "\(count) unexpected trailing bytes after \(what)"
        case let .badHeader(what, detail):
            return "not a \(what): \(detail)"
        case let .invalidKey(detail):
            return "invalid Paillier key: \(detail)"
        case let .invalidCiphertext(detail):
            return "invalid Paillier ciphertext: \(detail)"
        case let .plaintextOutOfRange(value, range):
            return "plaintext \(value) out of range \(range)"
        case .keyMismatch:
            return "operands were encrypted under different public keys"
        case let .invalidPackedLayout(detail):
            return "invalid packed layout: \(detail)"
        case let .packedValueOutOfRange(index, value, allowed):
            return "packed value \(value) at index \(index) outside the declared range \(allowed)"
        case let .packedSlotOverflow(bound, capacity):
            return "the declared bounds of the sum add up to \(bound) but a slot holds at most \(capacity): refusing to risk a slot overflow"
        case let .packedShapeMismatch(detail):
            return "packed vectors do not match: \(detail)"
        case let .packedDecodeFailed(detail):
            return "packed plaintext does not decode: \(detail)"
        case let .invalidPheJSON(detail):
            return "invalid python-paillier JSON: \(detail)"
        case let .unsupportedPheExponent(e):
            return "python-paillier ciphertext has exponent \(e); only integer plaintexts (exponent 0) are supported"
        }
    }
}
