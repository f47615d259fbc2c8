// A deterministic generator for reproducible sampler tests: SHA-256 in counter mode over a 32-byte seed.
// Never used for real noise, which comes from the OS CSPRNG.

import Crypto

/// Word i of the stream is from SHA-256(seed || block counter); each hash gives four 64-bit words.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private let seed: [UInt8]
    private var counter: UInt64 = 0
    private var block: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var used = 4

    /// The stream for a 64-bit test seed (expanded to 32 bytes through SHA-256 of its decimal text and a label).
    public init(seed: UInt64) {
        self.seed = Array(SHA256.hash(data: Array("he-toolkit dp sampler test seed \(seed)".utf8)))
    }

    public mutating func next() -> UInt64 {
        if used == 4 { refill() }
        defer { used += 1 }
        switch used {
        case 0: return block.0
        case 1: return block.1
        case 2: return block.2
        default: return block.3
        }
    }

    private mutating func refill() {
        var input = seed
        withUnsafeBytes(of: counter.littleEndian) { input.append(contentsOf: $0) }
        counter += 1
        let digest = SHA256.hash(data: input)
        digest.withUnsafeBytes { raw in
            block = (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                     raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                     raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
                     raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        }
        used = 0
    }
}
