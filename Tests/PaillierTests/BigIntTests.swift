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
