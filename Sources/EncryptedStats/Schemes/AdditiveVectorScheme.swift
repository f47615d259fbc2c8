import HEFiles

// The scheme-agnostic layer: additively homomorphic vectors of integers. Code above this file (containers,
// tables, the CLI, statistics) works with `any AdditiveVectorScheme` and never learns which scheme it runs on.

/// Public side of a scheme instance: enough to encrypt (when it holds a public key), to add ciphertexts and to
/// serialise them. Values are signed 64-bit integers; a slot holds any value whose absolute value is at most
/// `layout.slotCapacity`.
public protocol AdditiveVectorScheme: Sendable {
    /// One ciphertext: `layout.slotsPerCiphertext` values.
    associatedtype Ciphertext: Sendable

    static var schemeID: SchemeID { get }

    /// Canonical parameter bytes written in every container header. They contain no secret and are all an
    /// aggregator needs to add ciphertexts.
    var parameters: [UInt8] { get }
    /// How values are packed (Paillier) or batched (BFV) into ciphertexts.
    var layout: SlotLayout { get }
    /// Human-readable parameters for `inspect` (for example `n = 3072 bits`).
    var parameterSummary: [(String, String)] { get }

    /// Encrypts up to `layout.slotsPerCiphertext` values (missing slots are zero) of one contribution whose
    /// values all lie within its declared `bound` (Paillier stores signed values with that offset). Requires a
    /// public key.
    func encrypt(slots: ArraySlice<Int64>, bound: UInt64) throws(EncryptedStatsError) -> Ciphertext
    /// All ciphertexts of one contribution, in order, written-ready (after `compact`); `progress` is called with
    /// (done, total) ciphertexts. The default encrypts one ciphertext after the other.
    func encryptCiphertexts(_ values: [Int64], bound: UInt64,
                            progress: ((Int, Int) -> Void)?) throws(EncryptedStatsError) -> [Ciphertext]
    /// The homomorphic sum of two ciphertexts (slot-wise).
    func add(_ a: Ciphertext, _ b: Ciphertext) throws(EncryptedStatsError) -> Ciphertext
    /// Prepares a ciphertext for writing: BFV switches to the smallest modulus that is still safe, Paillier
    /// leaves it as it is.
    func compact(_ c: Ciphertext) throws(EncryptedStatsError) -> Ciphertext
    func serialize(_ c: Ciphertext) -> [UInt8]
    func deserialize(_ bytes: [UInt8]) throws(EncryptedStatsError) -> Ciphertext
}

/// A scheme instance that also holds the secret key.
public protocol AdditiveVectorDecryptor: AdditiveVectorScheme {
    /// Decrypts the first `count` slots of a ciphertext whose contributions declared bounds adding up to
    /// `bound` (the container's value bound).
    func decrypt(_ c: Ciphertext, count: Int, bound: UInt64) throws(EncryptedStatsError) -> [Int64]
}

/// A vector of encrypted integers with the bookkeeping that keeps sums correct: which sites contributed and an
/// upper bound on the absolute value of every slot.
public struct EncryptedVector<Scheme: AdditiveVectorScheme>: Sendable {
    public var ciphertexts: [Scheme.Ciphertext]
    /// Number of values (the last ciphertext may have unused slots).
    public var count: Int
    /// Upper bound on the absolute value of every slot: the sum of the declared bounds of all contributions.
    public var valueBound: UInt64
    /// Site IDs, in the order they were added.
    public var contributors: [String]

    public init(ciphertexts: [Scheme.Ciphertext], count: Int, valueBound: UInt64, contributors: [String]) {
        self.ciphertexts = ciphertexts
        self.count = count
        self.valueBound = valueBound
        self.contributors = contributors
    }
}

extension AdditiveVectorScheme {
    /// Encrypts `values` for one site, after checking that every value lies within `bound` (in absolute value)
    /// and that `bound` fits a slot.
    public func encrypt(_ values: [Int64], bound: UInt64, site: String,
                        progress: ((Int, Int) -> Void)? = nil) throws(EncryptedStatsError) -> EncryptedVector<Self> {
        try files { () throws(HEFilesError) in try SiteID.validate(site) }
        guard !values.isEmpty else { throw .scheme(operation: "encrypt", reason: "the vector is empty") }
        guard bound >= 1, bound <= layout.slotCapacity else {
            throw .scheme(operation: "encrypt",
                          reason: "the declared bound \(bound) is outside 1...\(layout.slotCapacity) (slot capacity)")
        }
        if let i = values.firstIndex(where: { $0.magnitude > bound }) {
            throw .scheme(operation: "encrypt", reason: "value \(i + 1) exceeds the declared bound \(bound)")
        }
        let cts = try encryptCiphertexts(values, bound: bound, progress: progress)
        return EncryptedVector(ciphertexts: cts, count: values.count, valueBound: bound, contributors: [site])
    }

    public func encryptCiphertexts(_ values: [Int64], bound: UInt64,
                                   progress: ((Int, Int) -> Void)?) throws(EncryptedStatsError) -> [Ciphertext] {
        let per = layout.slotsPerCiphertext
        var cts: [Ciphertext] = []
        let total = layout.ciphertextCount(forValues: values.count)
        cts.reserveCapacity(total)
        for start in stride(from: 0, to: values.count, by: per) {
            let c = try encrypt(slots: values[start ..< min(start + per, values.count)], bound: bound)
            cts.append(try compact(c))
            progress?(cts.count, total)
        }
        return cts
    }

    /// Encrypts non-negative counts (each at most `bound`).
    public func encrypt(_ values: [UInt64], bound: UInt64, site: String) throws(EncryptedStatsError) -> EncryptedVector<Self> {
        guard bound <= UInt64(Int64.max) else {
            throw .scheme(operation: "encrypt", reason: "the declared bound \(bound) exceeds \(Int64.max)")
        }
        if let i = values.firstIndex(where: { $0 > bound }) {
            throw .scheme(operation: "encrypt", reason: "value \(i + 1) exceeds the declared bound \(bound)")
        }
        return try encrypt(values.map { Int64($0) }, bound: bound, site: site)
    }

    /// The slot-wise sum of two encrypted vectors of the same length, under the aggregation rule (no site twice,
    /// bounds within a slot, contributions within the noise bound).
    public func add(_ a: EncryptedVector<Self>, _ b: EncryptedVector<Self>) throws(EncryptedStatsError) -> EncryptedVector<Self> {
        let names = ("the first vector", "the second vector")
        guard a.count == b.count else {
            throw .incompatibleInputs(first: names.0, second: names.1, reason: "vector lengths differ (\(a.count) vs \(b.count))")
        }
        var rule = AggregationRule(layout: layout)
        try rule.admit(contributors: a.contributors, bound: a.valueBound, source: names.0)
        try rule.admit(contributors: b.contributors, bound: b.valueBound, source: names.1)
        var out: [Ciphertext] = []
        out.reserveCapacity(a.ciphertexts.count)
        for (x, y) in zip(a.ciphertexts, b.ciphertexts) { out.append(try add(x, y)) }
        return EncryptedVector(ciphertexts: out, count: a.count, valueBound: rule.bound, contributors: rule.contributors)
    }

    /// Serialised size of one ciphertext divided by the number of values it carries.
    public func bytesPerValue(_ c: Ciphertext) -> Double {
        Double(serialize(c).count) / Double(layout.slotsPerCiphertext)
    }
}

extension AdditiveVectorDecryptor {
    /// Decrypts all values of an encrypted vector.
    public func decrypt(_ v: EncryptedVector<Self>) throws(EncryptedStatsError) -> [Int64] {
        var out: [Int64] = []
        out.reserveCapacity(v.count)
        let per = layout.slotsPerCiphertext
        for (i, c) in v.ciphertexts.enumerated() {
            out += try decrypt(c, count: min(per, v.count - i * per), bound: v.valueBound)
        }
        return out
    }
}
