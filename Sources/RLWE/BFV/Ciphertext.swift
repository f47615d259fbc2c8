/// A BFV ciphertext: two polynomials (three after a multiplication before relinearisation) in coefficient
/// form over the first `limbCount` coefficient primes.
public struct Ciphertext: Sendable {
    public let parameters: BfvParameters
    public internal(set) var polys: [RnsPoly<Coeff>]
    /// For a fresh symmetric encryption: the seed that expands to c_1, so the ciphertext serialises as seed + c_0.
    public internal(set) var seed: [UInt8]?

    init(parameters: BfvParameters, polys: [RnsPoly<Coeff>], seed: [UInt8]? = nil) {
        self.parameters = parameters
        self.polys = polys
        self.seed = seed
    }

    /// Number of polynomials (2, or 3 after multiplication).
    public var size: Int { polys.count }
    /// Number of coefficient primes left.
    public var limbCount: Int { polys[0].limbCount }
}
