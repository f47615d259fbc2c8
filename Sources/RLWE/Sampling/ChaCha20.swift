/// The ChaCha20 stream cipher (RFC 8439) used as a deterministic generator: a 32-byte seed expands into
/// an unbounded key stream, so a uniformly random polynomial can travel as its seed.
///
/// The key stream is produced four blocks at a time (``fourBlocks(_:into:)``: one block per SIMD lane), which is
/// the same stream as one block after another.
public struct ChaCha20Prg: Sendable {
    /// Bytes buffered per refill: four 64-byte blocks.
    static let bufferBytes = 256
    private var state: [UInt32]  // 16 words
    private var words = [UInt32](repeating: 0, count: bufferBytes / 4)
    private var position = bufferBytes

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
    }

    static func word(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }

    /// The 64-byte block for `input` (RFC 8439 section 2.3).
    public static func block(state input: [UInt32]) -> [UInt8] {
        var words = [UInt32](repeating: 0, count: 16)
        words.withUnsafeMutableBufferPointer { blockWords(input, into: $0.baseAddress!) }
        var out = [UInt8](repeating: 0, count: 64)
        for i in 0..<64 { out[i] = UInt8(truncatingIfNeeded: words[i >> 2] >> (8 * UInt32(i & 3))) }
        return out
    }

    /// The block as 16 little-endian words.
    @inline(__always)
    static func blockWords(_ s: [UInt32], into out: UnsafeMutablePointer<UInt32>) {
        var x0 = s[0], x1 = s[1], x2 = s[2], x3 = s[3], x4 = s[4], x5 = s[5], x6 = s[6], x7 = s[7]
        var x8 = s[8], x9 = s[9], x10 = s[10], x11 = s[11], x12 = s[12], x13 = s[13], x14 = s[14], x15 = s[15]
        @inline(__always) func rotl(_ v: UInt32, _ n: UInt32) -> UInt32 { (v << n) | (v >> (32 - n)) }
        @inline(__always) func qr(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32, _ d: inout UInt32) {
            a = a &+ b; d = rotl(d ^ a, 16)
            c = c &+ d; b = rotl(b ^ c, 12)
            a = a &+ b; d = rotl(d ^ a, 8)
            c = c &+ d; b = rotl(b ^ c, 7)
        }
        for _ in 0..<10 {
            qr(&x0, &x4, &x8, &x12); qr(&x1, &x5, &x9, &x13); qr(&x2, &x6, &x10, &x14); qr(&x3, &x7, &x11, &x15)
            qr(&x0, &x5, &x10, &x15); qr(&x1, &x6, &x11, &x12); qr(&x2, &x7, &x8, &x13); qr(&x3, &x4, &x9, &x14)
        }
        out[0] = x0 &+ s[0]; out[1] = x1 &+ s[1]; out[2] = x2 &+ s[2]; out[3] = x3 &+ s[3]
        out[4] = x4 &+ s[4]; out[5] = x5 &+ s[5]; out[6] = x6 &+ s[6]; out[7] = x7 &+ s[7]
        out[8] = x8 &+ s[8]; out[9] = x9 &+ s[9]; out[10] = x10 &+ s[10]; out[11] = x11 &+ s[11]
        out[12] = x12 &+ s[12]; out[13] = x13 &+ s[13]; out[14] = x14 &+ s[14]; out[15] = x15 &+ s[15]
    }

    /// The four blocks at counters c, c + 1, c + 2, c + 3 of `s` (c = s[12], carrying into s[13] past 2^32 like
    /// ``refill()``): the quarter rounds run on SIMD vectors whose lane b is block b, and the 16 result vectors
    /// are stored whole, word-major (word w of block b at index 4 w + b), which keeps the compiler from
    /// splitting them into scalar lanes. ``next()`` and ``fill(_:)`` read in block order.
    @inline(__always)
    static func fourBlocks(_ s: [UInt32], into out: UnsafeMutableRawPointer) {
        typealias V = SIMD4<UInt32>
        let c12 = V(repeating: s[12]) &+ V(0, 1, 2, 3)
        // A lane whose counter wrapped past 2^32 carries into word 13.
        let c13 = V(repeating: s[13]) &+ V.zero.replacing(with: 1, where: c12 .< V(repeating: s[12]))
        var x0 = V(repeating: s[0]), x1 = V(repeating: s[1]), x2 = V(repeating: s[2]), x3 = V(repeating: s[3])
        var x4 = V(repeating: s[4]), x5 = V(repeating: s[5]), x6 = V(repeating: s[6]), x7 = V(repeating: s[7])
        var x8 = V(repeating: s[8]), x9 = V(repeating: s[9]), x10 = V(repeating: s[10]), x11 = V(repeating: s[11])
        var x12 = c12, x13 = c13, x14 = V(repeating: s[14]), x15 = V(repeating: s[15])
        // The two shifted halves have no bit in common, so + equals |. Written with |, LLVM recognises a
        // rotation, which baseline x86-64 (SSE2) has no vector instruction for, and rotates lane by lane in
        // general-purpose registers (about 1.4x slower than the one-block scalar code); with + it keeps the
        // vector shifts (pslld, psrld).
        @inline(__always) func rotl(_ v: V, _ n: UInt32) -> V { (v &<< V(repeating: n)) &+ (v &>> V(repeating: 32 - n)) }
        @inline(__always) func qr(_ a: inout V, _ b: inout V, _ c: inout V, _ d: inout V) {
            a &+= b; d = rotl(d ^ a, 16)
            c &+= d; b = rotl(b ^ c, 12)
            a &+= b; d = rotl(d ^ a, 8)
            c &+= d; b = rotl(b ^ c, 7)
        }
        for _ in 0..<10 {
            qr(&x0, &x4, &x8, &x12); qr(&x1, &x5, &x9, &x13); qr(&x2, &x6, &x10, &x14); qr(&x3, &x7, &x11, &x15)
            qr(&x0, &x5, &x10, &x15); qr(&x1, &x6, &x11, &x12); qr(&x2, &x7, &x8, &x13); qr(&x3, &x4, &x9, &x14)
        }
        @inline(__always) func store(_ w: Int, _ v: V) { out.storeBytes(of: v, toByteOffset: 16 * w, as: V.self) }
        store(0, x0 &+ V(repeating: s[0])); store(1, x1 &+ V(repeating: s[1]))
        store(2, x2 &+ V(repeating: s[2])); store(3, x3 &+ V(repeating: s[3]))
        store(4, x4 &+ V(repeating: s[4])); store(5, x5 &+ V(repeating: s[5]))
        store(6, x6 &+ V(repeating: s[6])); store(7, x7 &+ V(repeating: s[7]))
        store(8, x8 &+ V(repeating: s[8])); store(9, x9 &+ V(repeating: s[9]))
        store(10, x10 &+ V(repeating: s[10])); store(11, x11 &+ V(repeating: s[11]))
        store(12, x12 &+ c12); store(13, x13 &+ c13)
        store(14, x14 &+ V(repeating: s[14])); store(15, x15 &+ V(repeating: s[15]))
    }

    /// The buffered word holding stream byte `position` (block position / 64, word (position mod 64) / 4).
    @inline(__always)
    private static func wordIndex(_ position: Int) -> Int { ((position & 63) >> 2) << 2 | position >> 6 }

    private mutating func refill() {
        words.withUnsafeMutableBytes { Self.fourBlocks(state, into: $0.baseAddress!) }
        let before = state[12]
        state[12] = before &+ 4
        if state[12] < before { state[13] = state[13] &+ 1 }  // 2^32 blocks: carry into the nonce word
        position = 0
    }

    /// Fills `buffer` with key-stream bytes.
    public mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var i = 0
        while i < buffer.count {
            if position == Self.bufferBytes { refill() }
            let take = min(Self.bufferBytes - position, buffer.count - i)
            words.withUnsafeBufferPointer { w in
                for k in 0..<take {
                    let p = position + k
                    buffer[i + k] = UInt8(truncatingIfNeeded: w[Self.wordIndex(p)] >> (8 * UInt32(p & 3)))
                }
            }
            position += take
            i += take
        }
    }

    /// The next 8 key-stream bytes as a little-endian word.
    @inline(__always)
    public mutating func next() -> UInt64 {
        if position & 7 == 0 {
            if position == Self.bufferBytes { refill() }
            // Two consecutive words of one block: 4 apart in the word-major buffer.
            let w = Self.wordIndex(position)
            let v = UInt64(words[w]) | UInt64(words[w + 4]) << 32
            position += 8
            return v
        }
        var v: UInt64 = 0
        withUnsafeMutableBytes(of: &v) { fill($0) }
        return UInt64(littleEndian: v)
    }

    /// Overwrites the key (the seed), the counter and the buffered key stream with zeros; the generator then
    /// produces only the key stream of the all-zero key. Used once a generator that derived secret values is
    /// done.
    public mutating func erase() {
        state.secureZero()
        words.secureZero()
        position = Self.bufferBytes
    }

    public mutating func bytes(_ count: Int) -> [UInt8] {
        var r = [UInt8](repeating: 0, count: count)
        r.withUnsafeMutableBytes { fill($0) }
        return r
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
