import HEFiles
import Paillier

/// The thread limit of the parallel loops (packed Paillier encryption and sums, batch decryption, the CRT halves
/// of a decryption, the DJN table build): all cores by default, `HE_THREADS=n` in the environment, or
/// `Parallelism.$threadLimit.withValue(n) { ... }` for one task. Results never depend on it.
public typealias Parallelism = Paillier.Parallelism
