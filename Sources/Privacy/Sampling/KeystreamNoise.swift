// Noise drawn from a keystream: the samplers fed by ChaCha20 under a given key, so that a release's noise is a
// function of its seed alone (docs/PRIVACY.md, "Crashes, reproducibility and the seed"). Kept in this module, with
// the concrete generator, so that the generic samplers are specialised for it (a generator supplied from another
// module would run them unspecialised, through witness tables, several times slower).

import Crypto

/// The ChaCha20 keystream of a 32-byte key and a stream number (swift-crypto's ChaCha20-Poly1305 over zero bytes,
/// the tag discarded): the 12-byte nonce is the stream number and a block counter, little-endian.
package struct ChaChaKeystream: RandomNumberGenerator {
    private static let zeros = [UInt8](repeating: 0, count: 16_384)

    private let key: SymmetricKey
    private let stream: UInt32
    private var block: UInt64 = 0
    private var buffer: [UInt8] = []
    private var position = 0

    package init(key: [UInt8], stream: UInt32) {
        precondition(key.count == 32, "a ChaCha20 key has 32 bytes")
        self.key = SymmetricKey(data: key)
        self.stream = stream
    }

    package mutating func next() -> UInt64 {
        if position + 8 > buffer.count { refill() }
        let value = buffer.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: UInt64.self)) }
        position += 8
        return value
    }

    private mutating func refill() {
        var nonce = withUnsafeBytes(of: stream.littleEndian) { Array($0) }
        nonce += withUnsafeBytes(of: block.littleEndian) { Array($0) }
        block += 1
        // A 12-byte nonce and a 32-byte key are what ChaChaPoly takes: neither call can fail.
        let sealed = try! ChaChaPoly.seal(Self.zeros, using: key, nonce: try! ChaChaPoly.Nonce(data: nonce))
        buffer = Array(sealed.ciphertext)
        position = 0
    }
}

extension DiscreteGaussian {
    /// `count` samples drawn from the keystream `stream` of `key`. A sample beyond the range of `Int64`
    /// (probability far below 2^-1000 at any sigma^2 a release uses) is saturated to `Int64.min` or `Int64.max`,
    /// which is post-processing of the exact sample.
    package func saturatedSamples(count: Int, key: [UInt8], stream: UInt32) -> [Int64] {
        var randomness = NoiseRandomness(generator: ChaChaKeystream(key: key, stream: stream))
        var out: [Int64] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            switch sampleInteger(using: &randomness) {
            case .small(let v): out.append(v)
            case .large(let v): out.append(v.signum < 0 ? Int64.min : Int64.max)
            }
        }
        return out
    }
}
