// What the two noise distributions share: one sample, vectors of samples, and noise added to integer counts.
// The versions without a `using:` argument draw from the operating system's CSPRNG.

import Paillier  // for BigInt (GMP)

/// An exact sampler of integer noise.
///
/// Timing: every sampler here is a rejection sampler and runs for a random number of rounds; docs/PRIVACY.md
/// ("Timing") states what the running time reveals about the sampled value. Sample where no adversary can time
/// the process (the key holder's machine).
public protocol IntegerNoise: Sendable {
    /// One sample, as a small integer when it fits.
    func sampleInteger<G: RandomNumberGenerator>(using randomness: inout NoiseRandomness<G>) -> SampledInteger
}

extension IntegerNoise {
    /// One sample from `randomness`.
    public func sample<G: RandomNumberGenerator>(using randomness: inout NoiseRandomness<G>) -> BigInt {
        sampleInteger(using: &randomness).bigInt
    }

    /// One sample from the OS CSPRNG.
    public func sample() -> BigInt {
        var randomness = NoiseRandomness()
        return sample(using: &randomness)
    }

    /// `count` independent samples.
    public func samples<G: RandomNumberGenerator>(count: Int, using randomness: inout NoiseRandomness<G>) -> [BigInt] {
        precondition(count >= 0, "count must be non-negative")
        return (0..<count).map { _ in sample(using: &randomness) }
    }

    /// `count` independent samples from the OS CSPRNG.
    public func samples(count: Int) -> [BigInt] {
        var randomness = NoiseRandomness()
        return samples(count: count, using: &randomness)
    }

    /// Each count plus its own independent sample.
    public func addingNoise<G: RandomNumberGenerator>(to counts: [BigInt],
                                                      using randomness: inout NoiseRandomness<G>) -> [BigInt] {
        counts.map { $0 + sample(using: &randomness) }
    }

    /// Each count plus its own independent sample from the OS CSPRNG.
    public func addingNoise(to counts: [BigInt]) -> [BigInt] {
        var randomness = NoiseRandomness()
        return addingNoise(to: counts, using: &randomness)
    }
}
