/// Largest log2(Q) for 128-bit classical security with ternary (uniform {-1, 0, 1}) secrets and error
/// sigma ≈ 3.2, from Table 1 of the HomomorphicEncryption.org Security Standard (Albrecht et al., 2018).
public enum SecurityTable {
    public static let maxLogQ128: [Int: Int] = [
        1024: 27, 2048: 54, 4096: 109, 8192: 218, 16384: 438, 32768: 881,
    ]

    public static let supportedDegrees = 1024...32768

    /// Throws unless Q is within the 128-bit bound for N.
    public static func validate(degree: Int, logQ: Double) throws(RlweError) {
        guard let bound = maxLogQ128[degree] else {
            throw .invalidDegree(degree: degree, supported: supportedDegrees)
        }
        guard logQ <= Double(bound) else {
            throw .insecureParameters(degree: degree, logQ: logQ, maxLogQ: bound)
        }
    }
}
