/// The ChaCha20 stream cipher (RFC 8439) used as a deterministic generator: a 32-byte seed expands into
/// an unbounded key stream, so a uniformly random polynomial can travel as its seed.
public struct ChaCha20Prg: Sendable {
    private var state: [UInt32]  // 16 words
    private var block: [UInt8] = []
    private var position = 64

    /// Generator keyed by `seed` (32 bytes), with nonce `nonce` (12 bytes) and initial block `counter`.
    public init(seed: [UInt8], nonce: [UInt8] = [UInt8](repeating: 0, count: 12), counter: UInt32 = 0)
        throws(RlweError)
    {
        guard seed.count == 32 else { throw .invalidSeedLength(length: seed.count) }
        precondition(nonce.count == 12)
        var s: [UInt32] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574]
        for i in 0..<8 { s.append(Self.word(seed, 4 * i)) }
        s.append(counter)
        for i in 0..<3 { s.append(Self.word(nonce, 4 * i)) }
        state = s
        block = [UInt8](repeating: 0, count: 64)
    }

    static func word(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }

    /// The 64-byte block for the current counter (RFC 8439 section 2.3).
    public static func block(state input: [UInt32]) -> [UInt8] {
        var x = input
        @inline(__always) func quarter(_ a: Int, _ b: Int, _ c: Int, _ d: Int) {
            x[a] = x[a] &+ x[b]; x[d] ^= x[a]; x[d] = x[d] << 16 | x[d] >> 16
            x[c] = x[c] &+ x[d]; x[b] ^= x[c]; x[b] = x[b] << 12 | x[b] >> 20
            x[a] = x[a] &+ x[b]; x[d] ^= x[a]; x[d] = x[d] << 8 | x[d] >> 24
            x[c] = x[c] &+ x[d]; x[b] ^= x[c]; x[b] = x[b] << 7 | x[b] >> 25
        }
        for _ in 0..<10 {
            quarter(0, 4, 8, 12); quarter(1, 5, 9, 13); quarter(2, 6, 10, 14); quarter(3, 7, 11, 15)
            quarter(0, 5, 10, 15); quarter(1, 6, 11, 12); quarter(2, 7, 8, 13); quarter(3, 4, 9, 14)
        }
        var out = [UInt8](repeating: 0, count: 64)
        for i in 0..<16 {
            let w = x[i] &+ input[i]
            out[4 * i] = UInt8(truncatingIfNeeded: w)
            out[4 * i + 1] = UInt8(truncatingIfNeeded: w >> 8)
            out[4 * i + 2] = UInt8(truncatingIfNeeded: w >> 16)
            out[4 * i + 3] = UInt8(truncatingIfNeeded: w >> 24)
        }
        return out
    }

    private mutating func refill() {
        block = Self.block(state: state)
        state[12] = state[12] &+ 1
        if state[12] == 0 { state[13] = state[13] &+ 1 }  // 2^32 blocks: carry into the nonce word
        position = 0
    }

    /// Fills `buffer` with key-stream bytes.
    public mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var i = 0
        while i < buffer.count {
            if position == 64 { refill() }
            let take = min(64 - position, buffer.count - i)
            for k in 0..<take { buffer[i + k] = block[position + k] }
            position += take
            i += take
        }
    }

    public mutating func bytes(_ count: Int) -> [UInt8] {
        var r = [UInt8](repeating: 0, count: count)
        r.withUnsafeMutableBytes { fill($0) }
        return r
    }

    public mutating func next() -> UInt64 {
        var v: UInt64 = 0
        withUnsafeMutableBytes(of: &v) { fill($0) }
        return UInt64(littleEndian: v)
    }

    /// A fresh 32-byte seed from the operating system's CSPRNG (getrandom on Linux).
    public static func freshSeed() -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        var s = [UInt8](repeating: 0, count: 32)
        for i in stride(from: 0, to: 32, by: 8) {
            let v = rng.next()
            for k in 0..<8 { s[i + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
        }
        return s
    }
}
