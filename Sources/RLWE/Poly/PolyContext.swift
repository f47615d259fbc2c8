import Foundation

/// The ring Z_Q[X]/(X^N + 1) with Q = q_0 * ... * q_(k-1) in residue-number-system form.
///
/// Contexts for fewer primes (after modulus switching) are prefixes: `dropLast()` removes q_(k-1).
public final class PolyContext: Sendable, Equatable {
    public let degree: Int
    public let moduli: [Modulus]
    public let tables: [NttTables]

    public convenience init(degree: Int, moduli: [UInt64]) throws(RlweError) {
        var ts: [NttTables] = []
        for q in moduli {
            let m = try Modulus(q)
            ts.append(try NttTables(degree: degree, modulus: m))
        }
        self.init(tables: ts)
    }

    public init(tables: [NttTables]) {
        precondition(!tables.isEmpty)
        degree = tables[0].degree
        self.tables = tables
        moduli = tables.map(\.modulus)
    }

    public var limbCount: Int { moduli.count }

    /// The context with the last `count` primes removed.
    public func dropLast(_ count: Int = 1) -> PolyContext {
        PolyContext(tables: Array(tables.dropLast(count)))
    }

    /// The context with the first `count` primes.
    public func prefix(_ count: Int) -> PolyContext {
        count == limbCount ? self : PolyContext(tables: Array(tables.prefix(count)))
    }

    /// log2(Q).
    public var logQ: Double { moduli.reduce(0.0) { $0 + log2Double($1.value) } }

    public static func == (lhs: PolyContext, rhs: PolyContext) -> Bool {
        lhs === rhs || (lhs.degree == rhs.degree && lhs.moduli == rhs.moduli)
    }
}

@inlinable
func log2Double(_ x: UInt64) -> Double { Foundation.log2(Double(x)) }
