// Arbitrary-precision integers over GMP with exact ownership.
//
// `BigInt` is a value type with copy-on-write over a final class that owns one `mpz_t` behind a pointer (a
// `__mpz_struct` must not live inline in a Swift `var`: GMP writes through aliased arguments such as
// `mpz_mul(a, a, b)`, which Swift's exclusivity rules forbid). The owning class initialises the integer once
// and clears it exactly once in `deinit`, zeroing its limbs first; GMP's allocator is switched to one that
// zeroes every block it frees or moves, so growing an integer does not leave old limbs behind either.

import CGMP

/// GMP's allocation functions are switched once, before the first integer is created.
private let zeroingAllocatorInstalled: Void = {
    he_gmp_install_zeroing_allocator()
}()

/// Owner of one initialised `mpz_t`. Never mutated once shared: `BigInt` copies before writing unless the
/// reference is unique, which is what makes the `@unchecked Sendable` sound.
final class MPZStorage: @unchecked Sendable {
    let mpz: UnsafeMutablePointer<__mpz_struct>

    init() {
        _ = zeroingAllocatorInstalled
        mpz = .allocate(capacity: 1)
        __gmpz_init(mpz)
    }

    /// An integer with room for `bits` bits, so that it does not need to grow while it is computed.
    init(capacityBits bits: Int) {
        _ = zeroingAllocatorInstalled
        mpz = .allocate(capacity: 1)
        __gmpz_init2(mpz, mp_bitcnt_t(max(bits, 64)))
    }

    init(copying other: MPZStorage) {
        _ = zeroingAllocatorInstalled
        mpz = .allocate(capacity: 1)
        __gmpz_init_set(mpz, other.mpz)
    }

    deinit {
        he_mpz_zero_and_clear(mpz)
        mpz.deallocate()
    }
}

/// A signed arbitrary-precision integer (GMP `mpz_t`) with value semantics.
///
/// Arithmetic that depends on secret values in a way that could leak through timing is named for it:
/// ``powMod(_:_:)`` is variable-time, ``powModSecret(_:_:)`` uses `mpz_powm_sec`.
public struct BigInt: Sendable {
    var storage: MPZStorage

    init(storage: MPZStorage) {
        self.storage = storage
    }

    /// Zero.
    public init() {
        storage = MPZStorage()
    }

    public init(_ value: Int) {
        self.init(Int64(value))
    }

    public init(_ value: Int64) {
        storage = MPZStorage()
        if value >= 0 {
            setMagnitude(UInt64(value))
        } else {
            setMagnitude(value.magnitude)
            __gmpz_neg(storage.mpz, storage.mpz)
        }
    }

    public init(_ value: UInt64) {
        storage = MPZStorage()
        setMagnitude(value)
    }

    private func setMagnitude(_ value: UInt64) {
        // `unsigned long` is 64 bits on the platforms this package supports (LP64 Linux and macOS).
        __gmpz_set_ui(storage.mpz, UInt(value))
    }

    /// Parses an optionally signed integer in the given radix (2...62). Returns nil for anything else,
    /// including an empty string or embedded spaces.
    public init?(_ text: String, radix: Int = 10) {
        guard (2...62).contains(radix), !text.isEmpty else { return nil }
        var body = Substring(text)
        if body.first == "-" { body = body.dropFirst() }
        guard !body.isEmpty, body.utf8.allSatisfy({ isAlphanumericASCII($0) }) else { return nil }
        let value = MPZStorage()
        let status = text.withCString { __gmpz_set_str(value.mpz, $0, Int32(radix)) }
        guard status == 0 else { return nil }
        storage = value
    }

    /// The non-negative integer whose big-endian magnitude is `bytes` (leading zeros allowed).
    public init(bigEndianBytes bytes: some Collection<UInt8>) {
        storage = MPZStorage()
        let array = Array(bytes)
        guard !array.isEmpty else { return }
        array.withUnsafeBytes { raw in
            __gmpz_import(storage.mpz, raw.count, 1, 1, 1, 0, raw.baseAddress)
        }
    }

    /// The non-negative integer with the given 64-bit words, least significant first.
    public init(littleEndianWords words: some Collection<UInt64>) {
        storage = MPZStorage(capacityBits: words.count * 64)
        let array = Array(words)
        guard !array.isEmpty else { return }
        array.withUnsafeBytes { raw in
            __gmpz_import(storage.mpz, array.count, -1, 8, 0, 0, raw.baseAddress)
        }
    }

    // MARK: Access for code that works on GMP directly

    /// Read-only pointer to the integer, valid only inside `body`.
    package func withMPZ<R>(_ body: (UnsafePointer<__mpz_struct>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(storage.mpz) }
    }

    /// Mutable pointer to this integer (copied first if it is shared), valid only inside `body`.
    package mutating func withMutableMPZ<R>(_ body: (UnsafeMutablePointer<__mpz_struct>) throws -> R) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) {
            storage = MPZStorage(copying: storage)
        }
        return try withExtendedLifetime(storage) { try body(storage.mpz) }
    }

    /// A fresh integer computed by `body` from an empty, initialised `mpz_t`.
    package static func computing(_ body: (UnsafeMutablePointer<__mpz_struct>) throws -> Void) rethrows -> BigInt {
        let result = MPZStorage()
        try body(result.mpz)
        return BigInt(storage: result)
    }

    // MARK: Properties

    /// -1, 0 or 1.
    public var signum: Int { Int(he_mpz_sgn(storage.mpz)) }

    public var isZero: Bool { signum == 0 }

    public var isOdd: Bool { __gmpz_tstbit(storage.mpz, 0) == 1 && !isZero }

    /// Number of bits in the magnitude (0 for zero).
    public var bitWidth: Int {
        isZero ? 0 : Int(__gmpz_sizeinbase(storage.mpz, 2))
    }

    /// Bit `index` of the magnitude (two's complement for negative values, as `mpz_tstbit`).
    public func bit(_ index: Int) -> Bool {
        precondition(index >= 0, "bit index must be non-negative")
        return __gmpz_tstbit(storage.mpz, mp_bitcnt_t(index)) == 1
    }

    /// The value as `UInt64` if it is non-negative and fits.
    public var uint64Value: UInt64? {
        guard signum >= 0, bitWidth <= 64 else { return nil }
        return UInt64(__gmpz_get_ui(storage.mpz))
    }

    /// The value as `Int64` if it fits.
    public var int64Value: Int64? {
        if signum >= 0 {
            guard bitWidth <= 63 else { return nil }
            return Int64(__gmpz_get_ui(storage.mpz))
        }
        let magnitude = -self
        guard let m = magnitude.uint64Value, m <= UInt64(Int64.max) + 1 else { return nil }
        return m == UInt64(Int64.max) + 1 ? Int64.min : -Int64(m)
    }

    /// The magnitude as exactly `count` big-endian bytes, or nil if it does not fit.
    public func bigEndianBytes(count: Int) -> [UInt8]? {
        let needed = (bitWidth + 7) / 8
        guard needed <= count else { return nil }
        var out = [UInt8](repeating: 0, count: count)
        if needed > 0 {
            out.withUnsafeMutableBytes { raw in
                var written = 0
                _ = __gmpz_export(raw.baseAddress! + (count - needed), &written, 1, 1, 1, 0, storage.mpz)
                precondition(written == needed, "mpz_export wrote an unexpected length")
            }
        }
        return out
    }

    /// The magnitude in the fewest big-endian bytes (empty for zero).
    public var minimalBigEndianBytes: [UInt8] {
        bigEndianBytes(count: (bitWidth + 7) / 8)!
    }

    /// The magnitude as `count` 64-bit words, least significant first, or nil if it does not fit.
    public func littleEndianWords(count: Int) -> [UInt64]? {
        let needed = (bitWidth + 63) / 64
        guard needed <= count else { return nil }
        var out = [UInt64](repeating: 0, count: count)
        if needed > 0 {
            out.withUnsafeMutableBytes { raw in
                var written = 0
                _ = __gmpz_export(raw.baseAddress!, &written, -1, 8, 0, 0, storage.mpz)
                precondition(written == needed, "mpz_export wrote an unexpected length")
            }
        }
        return out
    }

    /// Text in the given radix (2...62), with a leading `-` for negative values.
    public func toString(radix: Int = 10) -> String {
        precondition((2...62).contains(radix), "radix must be in 2...62")
        let length = Int(__gmpz_sizeinbase(storage.mpz, Int32(radix))) + 2
        var buffer = [CChar](repeating: 0, count: length)
        buffer.withUnsafeMutableBufferPointer { buf in
            _ = __gmpz_get_str(buf.baseAddress, Int32(radix), storage.mpz)
        }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: Arithmetic

    public static func + (a: BigInt, b: BigInt) -> BigInt {
        computing { __gmpz_add($0, a.storage.mpz, b.storage.mpz) }
    }

    public static func - (a: BigInt, b: BigInt) -> BigInt {
        computing { __gmpz_sub($0, a.storage.mpz, b.storage.mpz) }
    }

    public static func * (a: BigInt, b: BigInt) -> BigInt {
        computing { __gmpz_mul($0, a.storage.mpz, b.storage.mpz) }
    }

    public static prefix func - (a: BigInt) -> BigInt {
        computing { __gmpz_neg($0, a.storage.mpz) }
    }

    public static func + (a: BigInt, b: Int) -> BigInt { a + BigInt(b) }
    public static func - (a: BigInt, b: Int) -> BigInt { a - BigInt(b) }
    public static func * (a: BigInt, b: Int) -> BigInt { a * BigInt(b) }

    /// The remainder of floor division by a positive `modulus`: always in `0..<modulus`.
    public func modulo(_ modulus: BigInt) -> BigInt {
        precondition(modulus.signum > 0, "modulus must be positive")
        return BigInt.computing { __gmpz_fdiv_r($0, storage.mpz, modulus.storage.mpz) }
    }

    /// Floor division by a non-zero divisor.
    public func floorDivided(by divisor: BigInt) -> BigInt {
        precondition(!divisor.isZero, "division by zero")
        return BigInt.computing { __gmpz_fdiv_q($0, storage.mpz, divisor.storage.mpz) }
    }

    /// Division known to be exact (faster than general division; the result is unspecified otherwise).
    public func dividedExactly(by divisor: BigInt) -> BigInt {
        precondition(!divisor.isZero, "division by zero")
        return BigInt.computing { __gmpz_divexact($0, storage.mpz, divisor.storage.mpz) }
    }

    public static func << (a: BigInt, shift: Int) -> BigInt {
        precondition(shift >= 0, "shift must be non-negative")
        return computing { __gmpz_mul_2exp($0, a.storage.mpz, mp_bitcnt_t(shift)) }
    }

    /// Floor division by 2^shift.
    public static func >> (a: BigInt, shift: Int) -> BigInt {
        precondition(shift >= 0, "shift must be non-negative")
        return computing { __gmpz_fdiv_q_2exp($0, a.storage.mpz, mp_bitcnt_t(shift)) }
    }

    /// The floor of the square root of a non-negative integer (`mpz_sqrt`).
    public func squareRoot() -> BigInt {
        precondition(signum >= 0, "square root of a negative integer")
        return BigInt.computing { __gmpz_sqrt($0, storage.mpz) }
    }

    /// `self^exponent mod modulus`, **variable time**: use only when the exponent and base are public.
    public func powMod(_ exponent: BigInt, _ modulus: BigInt) -> BigInt {
        precondition(exponent.signum >= 0, "negative exponent")
        precondition(modulus.signum > 0, "modulus must be positive")
        return BigInt.computing { __gmpz_powm($0, storage.mpz, exponent.storage.mpz, modulus.storage.mpz) }
    }

    /// `self^exponent mod modulus` with `mpz_powm_sec`: the time and memory access pattern do not depend on
    /// the exponent's value. Requires an odd modulus and a positive exponent.
    public func powModSecret(_ exponent: BigInt, _ modulus: BigInt) -> BigInt {
        precondition(exponent.signum > 0, "mpz_powm_sec needs a positive exponent")
        precondition(modulus.isOdd, "mpz_powm_sec needs an odd modulus")
        return BigInt.computing { __gmpz_powm_sec($0, storage.mpz, exponent.storage.mpz, modulus.storage.mpz) }
    }

    /// The inverse modulo `modulus`, or nil if none exists.
    public func inverse(modulo modulus: BigInt) -> BigInt? {
        precondition(modulus.signum > 0, "modulus must be positive")
        var exists: Int32 = 0
        let result = BigInt.computing { exists = __gmpz_invert($0, storage.mpz, modulus.storage.mpz) }
        return exists != 0 ? result : nil
    }

    public static func gcd(_ a: BigInt, _ b: BigInt) -> BigInt {
        computing { __gmpz_gcd($0, a.storage.mpz, b.storage.mpz) }
    }

    /// GMP's probable-prime test (`mpz_probab_prime_p`: trial division, Baillie-PSW, then `rounds - 24`
    /// Miller-Rabin rounds). True for "probably prime" and "definitely prime".
    public func isProbablePrime(rounds: Int = 32) -> Bool {
        __gmpz_probab_prime_p(storage.mpz, Int32(rounds)) > 0
    }
}

extension BigInt: Equatable, Comparable, Hashable {
    public static func == (a: BigInt, b: BigInt) -> Bool {
        __gmpz_cmp(a.storage.mpz, b.storage.mpz) == 0
    }

    public static func < (a: BigInt, b: BigInt) -> Bool {
        __gmpz_cmp(a.storage.mpz, b.storage.mpz) < 0
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(signum)
        hasher.combine(minimalBigEndianBytes)
    }
}

extension BigInt: CustomStringConvertible {
    /// Decimal text.
    public var description: String { toString(radix: 10) }
}

@inline(__always)
private func isAlphanumericASCII(_ c: UInt8) -> Bool {
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
}
