// The parameters field of BFV parameters, as file formats store it (docs/FORMAT.md), little-endian:
//   u32 N | u64 t | u8 k | k x u64 q_i [| u64 P]
// the last field only for parameters with a special key-switching prime P. Decoding returns the preset object when
// the primes are a preset's, and otherwise validates custom parameters against the 128-bit security table.

extension BfvParameters {
    /// The parameters field of these parameters.
    public var parametersField: [UInt8] {
        var out: [UInt8] = []
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        put(UInt32(degree))
        put(plaintextModulus)
        put(UInt8(coefficientModuli.count))
        for q in coefficientModuli { put(q) }
        if let specialModulus { put(specialModulus) }
        return out
    }

    /// Parameters from a parameters field; every failure names the field.
    public static func decoding(parametersField bytes: [UInt8]) throws(RlweError) -> BfvParameters {
        var offset = 0
        func take<T: FixedWidthInteger>(_: T.Type, _ field: String) throws(RlweError) -> T {
            let n = MemoryLayout<T>.size
            guard n <= bytes.count - offset else {
                throw .malformedParameters(field: field, reason: "needs \(n) bytes but the header has only \(bytes.count - offset) left")
            }
            var v: T = 0
            for i in (offset ..< offset + n).reversed() { v = (v << 8) | T(bytes[i]) }
            offset += n
            return v
        }
        let n = Int(try take(UInt32.self, "degree"))
        let t = try take(UInt64.self, "plaintext modulus")
        let k = Int(try take(UInt8.self, "prime count"))
        var moduli: [UInt64] = []
        for i in 0 ..< k { moduli.append(try take(UInt64.self, "prime \(i + 1)")) }
        let special: UInt64? = offset == bytes.count ? nil : try take(UInt64.self, "special prime")
        guard offset == bytes.count else {
            throw .malformedParameters(field: "length", reason: "\(bytes.count - offset) bytes after the special prime")
        }
        if let preset = BfvPreset.allCases.first(where: { p in
            let candidate = BfvParameters.preset(p)
            return candidate.degree == n && candidate.plaintextModulus == t && candidate.coefficientModuli == moduli
                && candidate.specialModulus == special
        }) {
            return BfvParameters.preset(preset)
        }
        return try BfvParameters(degree: n, plaintextModulus: t, coefficientModuli: moduli, specialModulus: special)
    }
}
