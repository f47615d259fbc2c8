/// Packs N integers modulo t into one plaintext (t prime, t ≡ 1 mod 2N): slot-wise addition and
/// multiplication of plaintexts become addition and multiplication of polynomials.
///
/// The slots form a 2 x N/2 matrix: `rotateRows` shifts both rows cyclically, `rotateColumns` swaps them.
/// Slot i < N/2 is row 0, column i; slot N/2 + i is row 1, column i.
public struct BatchEncoder: Sendable {
    public let parameters: BfvParameters
    /// slot index -> NTT index (bit-reversed evaluation point order).
    private let slotToNtt: [Int]

    public init(parameters: BfvParameters) {
        self.parameters = parameters
        let n = parameters.degree
        let half = n / 2
        let twoN = 2 * n
        let logN = n.trailingZeroBitCount
        var map = [Int](repeating: 0, count: n)
        var power = 1
        for i in 0..<half {
            // Row 0 holds evaluations at psi^(3^i), row 1 at psi^(-3^i).
            let index1 = (power - 1) / 2
            let index2 = (twoN - power - 1) / 2
            map[i] = bitReverse(index1, bits: logN)
            map[half + i] = bitReverse(index2, bits: logN)
            power = power * 3 % twoN
        }
        slotToNtt = map
    }

    public var slotCount: Int { parameters.degree }

    /// Encodes up to N values in [0, t); missing slots are zero.
    public func encode(_ values: [UInt64]) throws(RlweError) -> Plaintext {
        let n = parameters.degree
        guard values.count <= n else { throw .tooManyValues(count: values.count, slots: n) }
        let t = parameters.plaintextModulus
        var e = [UInt64](repeating: 0, count: n)
        for (i, v) in values.enumerated() {
            guard v < t else { throw .valueOutOfRange(index: i, value: "\(v)", range: "[0, \(t))") }
            e[slotToNtt[i]] = v
        }
        parameters.plaintextTables.inverse(&e)
        return Plaintext(unchecked: parameters, coefficients: e)
    }

    /// Encodes up to N signed values in [-(t-1)/2, (t-1)/2]; missing slots are zero.
    public func encode(_ values: [Int64]) throws(RlweError) -> Plaintext {
        let n = parameters.degree
        guard values.count <= n else { throw .tooManyValues(count: values.count, slots: n) }
        let t = parameters.plaintextModulus
        let bound = Int64((t - 1) / 2)
        var e = [UInt64](repeating: 0, count: n)
        for (i, v) in values.enumerated() {
            guard v >= -bound, v <= bound else {
                throw .valueOutOfRange(index: i, value: "\(v)", range: "[-\(bound), \(bound)]")
            }
            // v mod t without a branch on the (private) value: add t when the sign bit is set.
            e[slotToNtt[i]] = UInt64(bitPattern: v) &+ (t & UInt64(bitPattern: v >> 63))
        }
        parameters.plaintextTables.inverse(&e)
        return Plaintext(unchecked: parameters, coefficients: e)
    }

    /// The N slot values in [0, t).
    public func decode(_ plaintext: Plaintext) throws(RlweError) -> [UInt64] {
        guard plaintext.parameters.fingerprint == parameters.fingerprint else {
            throw .parameterMismatch(expected: parameters.fingerprintHex, found: plaintext.parameters.fingerprintHex)
        }
        var e = plaintext.coefficients
        parameters.plaintextTables.forward(&e)
        return slotToNtt.map { e[$0] }
    }

    /// The N slot values as centred integers in [-(t-1)/2, (t-1)/2].
    public func decodeSigned(_ plaintext: Plaintext) throws(RlweError) -> [Int64] {
        let t = parameters.plaintextModulus
        let half = t / 2
        // Subtract t when the value exceeds t/2, without a branch on the (private) value.
        return try decode(plaintext).map { Int64(bitPattern: $0 &- (t & (0 &- ((half &- $0) >> 63)))) }
    }
}
