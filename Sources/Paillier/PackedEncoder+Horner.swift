// Horner packing: already encrypted single values (for example python-paillier ciphertexts of integers) combined
// into one packed ciphertext of the same layout as `PackedEncoder` writes.

extension PackedEncoder {
    /// Packs the ciphertexts of single values v_j (each |v_j| <= `bound`) into one packed ciphertext by Horner's
    /// rule, C = (...(c_{k-1}^(2^w) c_{k-2})^(2^w) ...) c_0, which holds sum_j v_j 2^(w j); signed layouts then add
    /// the public offset sum_j bound 2^(w j). The result is re-randomised: the singles' randomness cannot be relied
    /// on (python-paillier writes c = 1 + m n, readable by anyone, when asked for an unobfuscated ciphertext).
    public func pack(_ singles: ArraySlice<PaillierCiphertext>, bound: UInt64) throws -> PaillierCiphertext {
        guard let last = singles.last, singles.count <= layout.slotsPerCiphertext else {
            throw PaillierError.packedShapeMismatch("between 1 and \(layout.slotsPerCiphertext) ciphertexts are needed, got \(singles.count)")
        }
        try layout.checkContributionBound(bound)
        let shift = BigInt(1) << layout.slotBits
        var acc = last
        for c in singles.dropLast().reversed() {
            acc = encryptor.add(try encryptor.multiply(acc, byScalar: shift), c)
        }
        if layout.isSigned {
            let offsets = [Int64](repeating: 0, count: singles.count)
            acc = try encryptor.addPlain(acc, try layout.plaintext(packing: offsets[...], bound: bound))
        }
        return encryptor.rerandomize(acc)
    }
}
