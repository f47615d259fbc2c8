import CGMP
import Paillier
import Testing

@Suite("BigInt")
struct BigIntTests {
    @Test("decimal, bytes and words round trip")
    func roundTrips() throws {
        let text = "-123456789012345678901234567890"
        let x = try #require(BigInt(text))
        #expect(x.description == text)
        let y = try #require(BigInt("123456789012345678901234567890"))
        #expect(BigInt(bigEndianBytes: y.minimalBigEndianBytes) == y)
        #expect(BigInt(littleEndianWords: y.littleEndianWords(count: 3)!) == y)
        #expect(y.bigEndianBytes(count: 5) == nil)
        #expect(BigInt("12 3") == nil)
        #expect(BigInt("") == nil)
        #expect(BigInt("-") == nil)
    }
}

@Suite("BigInt arithmetic")
struct BigIntArithmeticTests {
    @Test("arithmetic agrees with 64-bit integers where both apply")
    func smallValues() throws {
        let values: [Int64] = [0, 1, -1, 7, -7, 1 << 40, -(1 << 40) + 3, Int64.max, Int64.min]
        for a in values {
            #expect(BigInt(a).int64Value == a)
            #expect(BigInt(a).description == String(a))
            for b in [Int64(3), -5, 1 << 20] {
                #expect((BigInt(a) + BigInt(b)).description == (BigInt(String(a))! + BigInt(String(b))!).description)
                let (product, overflow) = a.multipliedReportingOverflow(by: b)
                if !overflow { #expect((BigInt(a) * BigInt(b)).int64Value == product) }
                #expect(BigInt(a).modulo(BigInt(b.magnitude)).uint64Value == UInt64(((a % Int64(b.magnitude)) + Int64(b.magnitude)) % Int64(b.magnitude)))
                let truncated = a / b
                let floored = (a % b != 0 && (a < 0) != (b < 0)) ? truncated - 1 : truncated
                #expect(BigInt(a).floorDivided(by: BigInt(b)).int64Value == floored)
            }
        }
        #expect(BigInt(UInt64.max).uint64Value == UInt64.max)
        #expect(BigInt(UInt64.max).int64Value == nil)
        #expect(BigInt(-1).uint64Value == nil)
        #expect((BigInt(1) << 100) >> 99 == BigInt(2))
        #expect((BigInt(6) * BigInt(7)).dividedExactly(by: BigInt(7)) == BigInt(6))
    }

    @Test("square root is the floor of the real square root")
    func squareRoot() {
        for n: UInt64 in [0, 1, 2, 3, 4, 15, 16, 17, 999_999, 1_000_000, UInt64.max] {
            let r = BigInt(n).squareRoot()
            #expect(r * r <= BigInt(n) && (r + 1) * (r + 1) > BigInt(n))
        }
        let big = (BigInt(1) << 200) + 12345
        let r = big.squareRoot()
        #expect(r * r <= big && (r + 1) * (r + 1) > big)
        #expect(r == BigInt(1) << 100)
    }

    @Test("modular exponentiation, constant-time variant, inverse and gcd")
    func modular() throws {
        let p = BigInt.randomPrime(bits: 256)
        let a = BigInt.random(below: p)
        let e = BigInt.randomBits(200) + 1
        #expect(a.powMod(e, p) == a.powModSecret(e, p))
        #expect(a.powMod(p - 1, p) == BigInt(1) || a.isZero)
        let inverse = try #require(BigInt(3).inverse(modulo: p))
        #expect((inverse * BigInt(3)).modulo(p) == BigInt(1))
        #expect(BigInt(6).inverse(modulo: BigInt(9)) == nil)
        #expect(BigInt.gcd(BigInt(12), BigInt(18)) == BigInt(6))
        #expect(BigInt(7).isProbablePrime() && !BigInt(91).isProbablePrime())
    }

    @Test("copies are independent (copy on write)")
    func copyOnWrite() {
        var a = BigInt(5)
        let b = a
        a.withMutableMPZ { __gmpz_add_ui($0, $0, 1) }
        #expect(a == BigInt(6))
        #expect(b == BigInt(5))
    }
}
