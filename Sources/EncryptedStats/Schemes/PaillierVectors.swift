import HEFiles
import Paillier

// Paillier conformance of the scheme-agnostic layer, on the Paillier library's bound-driven packing
// (`PackedLayout`): slots of w bits, w the bit length of the largest value a slot may reach, and as many
// slots per ciphertext as fit below 2^(|n| - 1).
//
// The slot capacity C (the largest |sum| a slot may reach) must be the same at every site, so it is derived
// from what every site's file already shares, the table kind and the value encoding (docs/FORMAT.md):
//   count tables         C = 2^47 - 1 (declared bounds of any size, e.g. the default --max-value 10^9 from
//                        up to 140,000 sites)
//   GWAS genotype counts C = 2^24 - 1 pooled samples (e.g. 1,000 sites of 16,000 samples, or 30 biobanks of
//                        500,000), 24-bit slots: 127 counts per 3072-bit ciphertext
// Counts are stored as they are; signed and fixed-point values v with |v| <= b (the site's declared bound)
// are stored as v + b, so a sum whose declared bounds add up to B decodes by subtracting B. Aggregation
// refuses any sum whose declared bounds pass C, so no slot can carry into its neighbour.
//
// Parameters field (docs/FORMAT.md): the canonical Paillier public-key encoding (`HEPK`, version, bits, n).
// n is all an aggregator needs to add ciphertexts (a product mod n^2), so no key file is needed to aggregate,
// and the parameter fingerprint equals the public-key fingerprint.

/// Additively homomorphic vectors with packed Paillier.
public struct PaillierVectors: AdditiveVectorDecryptor {
    public typealias Ciphertext = PaillierCiphertext

    public static let schemeID = SchemeID.paillier
    /// Slot capacity of count tables (any encoding).
    public static let countTableCapacity: UInt64 = (1 << 47) - 1
    /// Slot capacity of GWAS genotype-count tables: the largest pooled number of samples.
    public static let gwasCapacity: UInt64 = (1 << 24) - 1
    /// Slot capacity of site-stratified (Mantel-Haenszel) terms: fixed point at 10^9, every term of a site at most
    /// its number of called alleles, so a slot holds the terms of 2^62 / (2 x 10^9), about 2.3 x 10^9, pooled samples.
    public static let mantelHaenszelCapacity: UInt64 = (1 << 62) - 1
    /// Slot capacity of meta-analysis sums: fixed point at 10^6, every value of a site at most 10^10 in magnitude,
    /// so a slot holds the sums of 461 sites.
    public static let metaAnalysisCapacity: UInt64 = (1 << 62) - 1
    /// Below this many ciphertexts, textbook encryption is used: building the DJN fixed-base table costs more
    /// than the encryptions it would speed up.
    public static let djnThreshold = 24
    /// Ciphertexts encrypted together on all cores between two progress reports.
    static let batchSize = 512

    public let publicKey: PaillierPublicKey
    private let encryptor: PaillierEncryptor
    private let encoder: PackedEncoder
    private let secret: PaillierDecryptor?
    /// The packing of this instance.
    public let packing: PackedLayout
    public let layout: SlotLayout

    public var parameters: [UInt8] { publicKey.serialized() }
    public var publicKeyFingerprint: Fingerprint { Fingerprint(unchecked: publicKey.fingerprint) }
    public var parameterSummary: [(String, String)] {
        [("modulus n", "\(publicKey.bits) bits"),
         ("security", PaillierKeySize.securityBits(forModulusBits: publicKey.bits).map { "\($0)-bit" } ?? "unknown"),
         ("ciphertext", "\(PaillierCiphertext.serializedByteCount(for: publicKey)) bytes (mod n^2)")]
    }

    /// The packing every site uses for a table of `kind` with `encoding` under a `modulusBits`-bit key.
    public static func packing(modulusBits: Int, kind: TableKind, encoding: ValueEncoding) throws(EncryptedStatsError) -> PackedLayout {
        let capacity = switch kind {
        case .countTable: countTableCapacity
        case .gwasGenotypeCounts: gwasCapacity
        case .gwasMantelHaenszel: mantelHaenszelCapacity
        case .gwasMetaAnalysis: metaAnalysisCapacity
        }
        return try paillier("paillier packing") {
            try PackedLayout(modulusBits: modulusBits, slotCapacity: capacity, signed: encoding != .count)
        }
    }

    /// An instance for `publicKey` (and `secretKey` when decryption is needed) packing tables of `kind` with
    /// `encoding`.
    public init(publicKey: PaillierPublicKey, secretKey: PaillierSecretKey? = nil, kind: TableKind = .countTable,
                encoding: ValueEncoding = .count, randomizer: PaillierRandomizer = .textbook) throws(EncryptedStatsError) {
        let packing = try Self.packing(modulusBits: publicKey.bits, kind: kind, encoding: encoding)
        let encryptor = PaillierEncryptor(publicKey: publicKey, randomizer: randomizer)
        self.publicKey = publicKey
        self.encryptor = encryptor
        self.secret = secretKey.map { PaillierDecryptor(secretKey: $0) }
        self.packing = packing
        self.encoder = try paillier("paillier packing") { try PackedEncoder(layout: packing, encryptor: encryptor) }
        self.layout = SlotLayout(slotsPerCiphertext: packing.slotsPerCiphertext, slotBits: packing.slotBits,
                                 slotCapacity: packing.slotCapacity)
    }

    /// An instance from the parameters field of a container (no secret key).
    public init(parameters bytes: [UInt8], kind: TableKind = .countTable, encoding: ValueEncoding = .count) throws(EncryptedStatsError) {
        let publicKey = try paillier("paillier parameters") { try PaillierPublicKey(serialized: bytes) }
        try self.init(publicKey: publicKey, kind: kind, encoding: encoding)
    }

    public func encrypt(slots: ArraySlice<Int64>, bound: UInt64) throws(EncryptedStatsError) -> PaillierCiphertext {
        try paillier("encrypt") { try encryptor.encrypt(try packing.plaintext(packing: slots, bound: bound)) }
    }

    /// All ciphertexts of one contribution, encrypted on all cores in batches of `batchSize` (in order;
    /// `progress` is called on the calling thread after each batch).
    public func encryptCiphertexts(_ values: [Int64], bound: UInt64,
                                   progress: ((Int, Int) -> Void)?) throws(EncryptedStatsError) -> [PaillierCiphertext] {
        let per = packing.slotsPerCiphertext
        let total = packing.ciphertextCount(forValues: values.count)
        var out: [PaillierCiphertext] = []
        out.reserveCapacity(total)
        for first in stride(from: 0, to: total, by: Self.batchSize) {
            let last = min(first + Self.batchSize, total)
            out += try paillier("encrypt") {
                try encoder.encryptCiphertexts(values[first * per ..< min(last * per, values.count)], bound: bound)
            }
            progress?(out.count, total)
        }
        return out
    }

    public func add(_ a: PaillierCiphertext, _ b: PaillierCiphertext) throws(EncryptedStatsError) -> PaillierCiphertext {
        encryptor.add(a, b)
    }

    public func compact(_ c: PaillierCiphertext) throws(EncryptedStatsError) -> PaillierCiphertext { c }

    public func serialize(_ c: PaillierCiphertext) -> [UInt8] { c.serialized(for: publicKey) }

    public func deserialize(_ bytes: [UInt8]) throws(EncryptedStatsError) -> PaillierCiphertext {
        try paillier("read ciphertext") { try PaillierCiphertext(serialized: bytes, publicKey: publicKey) }
    }

    public func decrypt(_ c: PaillierCiphertext, count: Int, bound: UInt64) throws(EncryptedStatsError) -> [Int64] {
        guard let secret else { throw .scheme(operation: "decrypt", reason: "no secret key is loaded") }
        do {
            return try packing.values(unpacking: try secret.decrypt(c), count: count, bound: bound)
        } catch PaillierError.packedDecodeFailed(let detail) {
            throw .scheme(operation: "decrypt", reason: "the plaintext does not decode as packed slots: \(detail)")
        } catch let error as PaillierError {
            throw .paillier(operation: "decrypt", error)
        } catch {
            throw .scheme(operation: "decrypt", reason: "\(error)")
        }
    }

    /// Packs already encrypted single values (python-paillier ciphertexts of integers v_j, each with
    /// |v_j| <= `bound`) into one re-randomised packed ciphertext (Horner's rule, `PackedEncoder.pack`).
    public func pack(_ singles: ArraySlice<PaillierCiphertext>, bound: UInt64) throws(EncryptedStatsError) -> PaillierCiphertext {
        try paillier("pack") { try encoder.pack(singles, bound: bound) }
    }
}
