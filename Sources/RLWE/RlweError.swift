import Foundation

/// Every error the RLWE module throws.
///
/// Each case names what was wrong, where, and what was expected, so that a caller (for example a
/// command-line tool reading a site file) can report it without guessing.
public enum RlweError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A modulus is outside the supported range (2 ..< 2^61) or is not prime.
    case invalidModulus(modulus: UInt64, reason: String)
    /// A ring degree that is not a power of two in the supported range.
    case invalidDegree(degree: Int, supported: ClosedRange<Int>)
    /// A modulus is not congruent to 1 modulo 2N, so it has no primitive 2N-th root of unity.
    case notNttFriendly(modulus: UInt64, degree: Int)
    /// Not enough NTT-friendly primes of the requested size exist.
    case primeSearchExhausted(bits: Int, degree: Int, found: Int, wanted: Int)
    /// The coefficient modulus is larger than the HomomorphicEncryption.org standard allows for 128-bit security.
    case insecureParameters(degree: Int, logQ: Double, maxLogQ: Int)
    /// The plaintext modulus cannot be used (not a batching prime, or not smaller than the coefficient moduli).
    case invalidPlaintextModulus(modulus: UInt64, reason: String)
    /// A value given to the encoder does not fit the plaintext modulus.
    case valueOutOfRange(index: Int, value: String, range: String)
    /// More values than slots.
    case tooManyValues(count: Int, slots: Int)
    /// Two operands belong to different parameter sets or different levels.
    case parameterMismatch(expected: String, found: String)
    /// An operation needs a ciphertext of a given size (number of polynomials).
    case invalidCiphertextSize(size: Int, expected: String)
    /// An operation needs more primes than the ciphertext has left.
    case levelTooLow(limbCount: Int, needed: Int)
    /// No Galois key for a rotation.
    case missingGaloisKey(element: Int)
    /// A seed does not have the required 32 bytes.
    case invalidSeedLength(length: Int)
    /// Serialised bytes do not begin with the expected magic / kind.
    case invalidHeader(expected: String, found: String)
    /// Serialised bytes are for another parameter set (SHA-256 fingerprints differ).
    case fingerprintMismatch(expected: String, found: String)
    /// Serialised bytes end before the structure is complete.
    case truncated(expectedBytes: Int, actualBytes: Int)
    /// Serialised bytes continue after the structure is complete.
    case trailingBytes(expectedBytes: Int, actualBytes: Int)
    /// A serialised field has an impossible value.
    case invalidField(name: String, value: Int, expected: String)
    /// A parameters field (`BfvParameters(parametersField:)`) is malformed at `field`.
    case malformedParameters(field: String, reason: String)
    /// A serialised coefficient is not reduced modulo its prime.
    case coefficientOutOfRange(limb: Int, index: Int, value: UInt64, modulus: UInt64)
    /// A party ID is zero, not below every prime, or given twice in a party list (multi-party protocols).
    case invalidPartyID(party: UInt32, reason: String)
    /// A multi-party combination lacks the share of an expected party.
    case missingShare(party: UInt32, protocolName: String)
    /// A multi-party combination received two shares from one party.
    case duplicateShare(party: UInt32, protocolName: String)
    /// A share belongs to another study, ciphertext, parameter set or party list; `field` names what differs.
    case foreignShare(party: UInt32, protocolName: String, field: String)
    /// The ciphertext's modulus leaves too little room for the smudging noise of a multi-party decryption:
    /// the noise bound plus the smudging tail (log2, bits) must stay below log2(Q_l / 2t).
    case insufficientNoiseRoom(limbCount: Int, parties: Int, ciphertexts: Int, neededBits: Double, availableBits: Double)
    /// A threshold operation was given fewer or more active parties than the threshold allows.
    case invalidThreshold(threshold: Int, parties: Int, reason: String)

    public var description: String {
        switch self {
        case let .invalidModulus(modulus, reason): "invalid modulus \(modulus): \(reason)"
        case let .invalidDegree(degree, supported):
            "invalid ring degree \(degree): expected a power of two in \(supported.lowerBound)...\(supported.upperBound)"
        case let .notNttFriendly(modulus, degree): "modulus \(modulus) is not 1 mod 2N for N = \(degree)"
        case let .primeSearchExhausted(bits, degree, found, wanted):
            "only \(found) of \(wanted) NTT-friendly \(bits)-bit primes found for N = \(degree)"
        case let .insecureParameters(degree, logQ, maxLogQ):
            "log2(Q) = \(String(format: "%.2f", logQ)) exceeds \(maxLogQ), the 128-bit bound of the "
                + "HomomorphicEncryption.org standard for N = \(degree) with ternary secrets"
        case let .invalidPlaintextModulus(modulus, reason): "invalid plaintext modulus \(modulus): \(reason)"
        case let .valueOutOfRange(index, value, range): "value \(value) at index \(index) is outside \(range)"
        case let .tooManyValues(count, slots): "\(count) values given but only \(slots) slots"
        case let .parameterMismatch(expected, found): "parameter mismatch: expected \(expected), found \(found)"
        case let .invalidCiphertextSize(size, expected): "ciphertext has \(size) polynomials, expected \(expected)"
        case let .levelTooLow(limbCount, needed): "ciphertext has \(limbCount) primes left, needs \(needed)"
        case let .missingGaloisKey(element): "no Galois key for element \(element)"
        case let .invalidSeedLength(length): "seed has \(length) bytes, expected 32"
        case let .invalidHeader(expected, found): "invalid header: expected \(expected), found \(found)"
        case let .fingerprintMismatch(expected, found):
            "parameter fingerprint mismatch: expected \(expected), found \(found)"
        case let .truncated(expectedBytes, actualBytes): "truncated: expected \(expectedBytes) bytes, got \(actualBytes)"
        case let .trailingBytes(expectedBytes, actualBytes):
            "trailing bytes: expected \(expectedBytes) bytes, got \(actualBytes)"
        case let .invalidField(name, value, expected): "invalid \(name) \(value): expected \(expected)"
        case let .malformedParameters(field, reason): "\(field): \(reason)"
        case let .coefficientOutOfRange(limb, index, value, modulus):
            "coefficient \(index) of limb \(limb) is \(value), not below its modulus \(modulus)"
        case let .invalidPartyID(party, reason): "invalid party ID \(party): \(reason)"
        case let .missingShare(party, proto): "\(proto): no share from party \(party)"
        case let .duplicateShare(party, proto): "\(proto): two shares from party \(party)"
        case let .foreignShare(party, proto, field):
            "\(proto): the share of party \(party) has another \(field) (another study, ciphertext or party list)"
        case let .insufficientNoiseRoom(limbCount, parties, ciphertexts, needed, available):
            "multi-party decryption of \(ciphertexts) ciphertext(s) by \(parties) parties at \(limbCount) prime(s) needs "
                + "log2(noise bound + smudging tail) = \(String(format: "%.1f", needed)) bits, but log2(Q_l / 2t) = "
                + "\(String(format: "%.1f", available)): keep more primes or use a larger preset"
        case let .invalidThreshold(threshold, parties, reason): "threshold \(threshold) of \(parties) parties: \(reason)"
        }
    }
}
