// Package-visible views for tests and trials: the collective secret no party holds, and the noise terms the
// documentation bounds. Never part of a protocol run.

extension SecretKey {
    /// The key with coefficients Σ s_i: the collective secret of an additive key (tests only).
    package static func sum(_ keys: [SecretKey]) -> SecretKey {
        var c = [Int64](repeating: 0, count: keys[0].parameters.degree)
        for k in keys { for (j, v) in k.coefficients.enumerated() { c[j] += v } }
        defer { c.secureZero() }
        return SecretKey(parameters: keys[0].parameters, coefficients: c)
    }
}

extension PublicKey {
    /// The centred coefficients of p_0 + p_1 s over the data primes: -e when the key is (-(a s + e), a).
    package func error(secretKey: SecretKey) -> [Double] {
        var x = p1
        try! secretKey.withEval(limbCount: p1.limbCount) { s in x *= s }
        x += p0
        return centred(x.inverseNtt(), count: parameters.degree)
    }
}

extension DecryptionShareProtocol {
    /// The first `count` coefficients of Σ_i h_i - c_1 s = Σ_i X_i, centred: the combined smudging noise.
    package func combinedSmudging(
        _ ct: Ciphertext, _ aggregate: AggregatedDecryptionShare, collectiveSecret: SecretKey, count: Int
    ) -> [Double] {
        var x = aggregate.h
        x -= try! collectiveSecret.withEval(limbCount: ct.limbCount) { s in ct.polys[1].multiplied(byEvaluated: s) }
        return centred(x, count: count)
    }
}

/// The centred representatives of the first `count` coefficients as doubles (CRT composition).
func centred(_ x: RnsPoly<Coeff>, count: Int) -> [Double] {
    let composer = CrtComposer(moduli: x.context.moduli)
    let half = BigWords.halved(composer.product)
    let n = x.degree
    return (0..<count).map { j in
        let v = composer.compose((0..<x.limbCount).map { x.data[$0 * n + j] })
        let negative = BigWords.compare(v, half) > 0
        let magnitude = negative ? BigWords.difference(composer.product, v) : v
        let d = magnitude.reversed().reduce(0.0) { $0 * 18_446_744_073_709_551_616.0 + Double($1) }
        return negative ? -d : d
    }
}

extension DecryptionShareProtocol {
    /// Bit length of the largest |c_0 + Σ h_i - round(Q_l m / t)| over the coefficients: the combined noise
    /// (ciphertext noise plus smudging) that ``SmudgingBound`` bounds, for the expected plaintext m.
    package func noiseBits(_ ct: Ciphertext, _ aggregate: AggregatedDecryptionShare, expected: Plaintext) -> Int {
        var x = aggregate.h
        x += ct.polys[0]
        x -= expected.scaled(limbCount: ct.limbCount)
        let composer = parameters.level(ct.limbCount).composer
        return x.data.withUnsafeBufferPointer { composer.maxCenteredBitLength($0, degree: parameters.degree) }
    }
}
