import Crypto
import Dispatch
import Governance
import Paillier
import Privacy

// The noise of a differentially private release (docs/PRIVACY.md): exact discrete Gaussian samples (the Privacy
// module's CKS20 sampler, no floating point) driven by a keystream from the release's seed, so that the noise of
// a release follows from its seed alone. The seed is fresh from the OS CSPRNG for every new release and is kept
// only sealed in the decryption log.

/// Discrete Gaussian noise for a release.
package enum ReleaseNoise {
    /// Cells per keystream (and per parallel piece).
    static let cellsPerChunk = 4096
    /// The HKDF-SHA256 info of the ChaCha20 key derived from a release's seed.
    static let streamInfo = Array("he-toolkit dp noise stream v1".utf8)

    /// `count` samples of the discrete Gaussian with `sigmaSquared`, from `seed`. A sample beyond the range of
    /// `Int64` (probability below 2^-1000 for any sigma^2 a release can have) is saturated to `Int64.min` or
    /// `Int64.max`; with the clamping of released counts at 0 that is post-processing and changes no guarantee.
    package static func discreteGaussian(count: Int, sigmaSquared: Rational, seed: NoiseSeed) throws(GovernanceError) -> [Int64] {
        let noise: DiscreteGaussian
        do throws(PrivacyError) { noise = try DiscreteGaussian(sigmaSquared: sigmaSquared) } catch {
            throw .privateReleaseUnsupported(reason: "\(error)")
        }
        // One ChaCha20 key per release, derived from the seed; one keystream per chunk of cells.
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: seed.bytes), info: streamInfo, outputByteCount: 32)
            .withUnsafeBytes { Array($0) }
        let chunks = (count + cellsPerChunk - 1) / cellsPerChunk
        let pieces = parallelMap(count: chunks) { (chunk) -> [Int64] in
            noise.saturatedSamples(count: min(cellsPerChunk, count - chunk * cellsPerChunk), key: key, stream: UInt32(chunk))
        }
        return pieces.flatMap { $0 }
    }

    /// `count + noise`, clamped at 0 (a released count is never negative) and saturated at `Int64.max`.
    package static func noisyCount(_ count: Int64, _ noise: Int64) -> Int64 {
        let (sum, overflow) = count.addingReportingOverflow(noise)
        if overflow { return noise < 0 ? 0 : Int64.max }
        return max(0, sum)
    }
}

/// The noise of a release drawn in the background from a fresh seed while the input is verified and decrypted
/// (the noise does not depend on the data), so that a differentially private release costs little more time than
/// an exact one. The release takes it only when it turns out to be a new release; a repeat uses the noise of the
/// entry it repeats, and the prepared seed is discarded unused.
package final class PreparedNoise: @unchecked Sendable {
    package let seed: NoiseSeed
    package let plan: PrivateReleasePlan
    private let ready = DispatchSemaphore(value: 0)
    // Written once by the background task before `ready` is signalled; read only after waiting on it.
    private var result: Result<[Int64], GovernanceError> = .success([])

    /// Starts drawing `plan`'s noise from a fresh seed.
    package init(_ plan: PrivateReleasePlan) {
        self.plan = plan
        seed = NoiseSeed.fresh()
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            do throws(GovernanceError) {
                result = .success(try ReleaseNoise.discreteGaussian(count: plan.cells, sigmaSquared: plan.sigmaSquared, seed: seed))
            } catch {
                result = .failure(error)
            }
            ready.signal()
        }
    }

    /// The noise, once drawn.
    package func noise() throws(GovernanceError) -> [Int64] {
        ready.wait()
        ready.signal()
        return try result.get()
    }
}
