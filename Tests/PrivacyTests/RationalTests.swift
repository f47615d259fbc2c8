import Paillier
import Privacy
import Testing

@Suite("Rational")
struct RationalTests {
    @Test("normalised: lowest terms, positive denominator")
    func normalised() {
        let r = Rational(BigInt(6), BigInt(-4))
        #expect(r.numerator == BigInt(-3) && r.denominator == BigInt(2))
        #expect(Rational(0, -7) == Rational.zero && Rational(0, -7).denominator == BigInt(1))
        #expect(Rational(10, 5).isInteger && Rational(10, 5) == 2)
        #expect(r.description == "-3/2" && Rational(4).description == "4")
    }

    @Test("arithmetic and order are exact")
    func arithmetic() {
        let a = Rational(1, 3), b = Rational(1, 6)
        #expect(a + b == Rational(1, 2))
        #expect(a - b == b)
        #expect(a * b == Rational(1, 18))
        #expect(a / b == 2)
        #expect(-a == Rational(-1, 3))
        #expect(b < a && Rational(-1, 2) < Rational(-1, 3))
        // 1/3 as a Double is not 1/3; as rationals, ten tenths are exactly one
        #expect((0..<10).reduce(Rational.zero) { acc, _ in acc + Rational(1, 10) } == 1)
    }

    @Test("floor, ceiling, fractional part and square root floor")
    func integerParts() {
        #expect(Rational(7, 2).floor == BigInt(3) && Rational(7, 2).ceiling == BigInt(4))
        #expect(Rational(-7, 2).floor == BigInt(-4) && Rational(-7, 2).ceiling == BigInt(-3))
        #expect(Rational(-7, 2).fractionalPart == Rational(1, 2))
        #expect(Rational(1, 4).squareRootFloor == BigInt(0))
        #expect(Rational(9).squareRootFloor == BigInt(3) && Rational(35, 4).squareRootFloor == BigInt(2))
        #expect(Rational(1_000_000).squareRootFloor == BigInt(1000))
        #expect(Rational(7, 3).roundedUp(toDenominator: BigInt(4)) == Rational(10, 4))
        #expect(Rational(7, 3).roundedDown(toDenominator: BigInt(4)) == Rational(9, 4))
        #expect(Rational(5, 2).roundedUp(toDenominator: BigInt(2)) == Rational(5, 2))
    }

    @Test("exact conversion from Double and correctly rounded conversion to Double")
    func doubles() throws {
        #expect(Rational(exactly: 0.5) == Rational(1, 2))
        #expect(Rational(exactly: -3.0) == -3)
        #expect(Rational(exactly: 0.1) == Rational(BigInt(3_602_879_701_896_397), BigInt(1) << 55))
        #expect(Rational(exactly: Double.nan) == nil && Rational(exactly: .infinity) == nil)
        let tiny = try #require(Rational(exactly: Double.leastNonzeroMagnitude))
        #expect(tiny == Rational(BigInt(1), BigInt(1) << 1074))
        for value in [0.1, 1.0 / 3.0, -2.5e-7, 123456.789, 1e300, 3.0] {
            #expect(try #require(Rational(exactly: value)).doubleValue == value)
        }
        #expect(Rational(1, 3).doubleValue == 1.0 / 3.0)
        #expect(Rational(-2, 7).doubleValue == -2.0 / 7.0)
        #expect(Rational(1, 10).doubleValue == 0.1)
        // halfway between 1 and its successor, rounds to even (1); a hair above rounds up
        let half = Rational(BigInt(1) << 53 + 1, BigInt(1) << 53)
        #expect(half.doubleValue == 1.0)
        let above = half + Rational(BigInt(1), BigInt(1) << 80)
        #expect(above.doubleValue == 1.0.nextUp)
    }

    @Test("parsing accepts integers and quotients only")
    func parsing() {
        #expect(Rational("3/4") == Rational(3, 4))
        #expect(Rational("-6/8") == Rational(-3, 4))
        #expect(Rational("12") == 12)
        for bad in ["", "1/0", "1/-2", "0.25", "1/2/3", "a/b", "/2", "2/"] {
            #expect(Rational(bad) == nil, "\(bad)")
        }
    }
}
