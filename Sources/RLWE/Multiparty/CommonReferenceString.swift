import Crypto

/// A party of a multi-party protocol, named by a nonzero 32-bit ID.
///
/// The ID is also the party's Shamir evaluation point (``ThresholdProtocol``), so IDs must be nonzero and
/// pairwise distinct modulo every data prime. The presets' primes have 52 bits or more, so any distinct nonzero
/// IDs qualify there; custom parameters with small primes are checked by the protocols (``validate(for:)``).
public struct PartyID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: UInt32

    public init(_ value: UInt32) throws(RlweError) {
        guard value != 0 else { throw .invalidPartyID(party: 0, reason: "party IDs start at 1") }
        self.value = value
    }

    /// Throws unless the ID is nonzero modulo every data prime of `parameters`.
    public func validate(for parameters: BfvParameters) throws(RlweError) {
        for q in parameters.coefficientModuli where UInt64(value) % q == 0 {
            throw .invalidPartyID(party: value, reason: "divisible by the prime \(q)")
        }
    }

    public static func < (a: PartyID, b: PartyID) -> Bool { a.value < b.value }
    public var description: String { "party \(value)" }

    /// `count` parties with IDs 1 ... count.
    public static func first(_ count: Int) -> [PartyID] { (1...UInt32(count)).map { try! PartyID($0) } }

    /// Checks a party list: nonempty, no ID twice, each nonzero (and distinct) modulo every prime. Returns it sorted.
    static func validated(_ parties: [PartyID], for parameters: BfvParameters) throws(RlweError) -> [PartyID] {
        guard !parties.isEmpty else { throw .invalidThreshold(threshold: 0, parties: 0, reason: "no party given") }
        var seen = Set<PartyID>()
        for p in parties {
            try p.validate(for: parameters)
            guard seen.insert(p).inserted else { throw .invalidPartyID(party: p.value, reason: "listed twice") }
        }
        for q in parameters.coefficientModuli where q <= UInt64(UInt32.max) {
            var residues = Set<UInt64>()
            for p in parties where !residues.insert(UInt64(p.value) % q).inserted {
                throw .invalidPartyID(party: p.value, reason: "equal to another party's ID modulo the prime \(q)")
            }
        }
        return parties.sorted()
    }
}

/// The common random string of a study: a 32-byte seed fixed in the study's manifest, from which every party
/// expands the same public polynomials (the `a` of the collective public key) with ChaCha20 (``ChaCha20Prg``).
/// Public: it travels in clear; its digest identifies the study in every key-generation share.
public struct CommonReferenceString: Sendable, Equatable {
    public let seed: [UInt8]
    /// SHA-256 of "he-toolkit/bfv/crs/v1" ‖ seed.
    public let digest: [UInt8]

    public init(seed: [UInt8]) throws(RlweError) {
        guard seed.count == 32 else { throw .invalidSeedLength(length: seed.count) }
        self.seed = seed
        digest = Array(SHA256.hash(data: Array("he-toolkit/bfv/crs/v1".utf8) + seed))
    }

    /// A fresh seed from the operating system's CSPRNG (for a new study's manifest).
    public static func fresh() -> CommonReferenceString { try! CommonReferenceString(seed: ChaCha20Prg.freshSeed()) }

    /// The 32-byte seed for the public polynomial with `label`: the first 32 key-stream bytes of ChaCha20 keyed
    /// by the CRS seed with the label as nonce. Label 1: the collective public key's `a`.
    func derivedSeed(label: UInt64) -> [UInt8] {
        var nonce = [UInt8](repeating: 0, count: 12)
        for i in 0..<8 { nonce[i] = UInt8(truncatingIfNeeded: label >> (8 * UInt64(i))) }
        nonce[8] = 0xC5
        var prg = try! ChaCha20Prg(seed: seed, nonce: nonce)
        return prg.bytes(32)
    }
}

extension PublicKey {
    /// SHA-256 of the serialised key: what every party recomputes to confirm that it holds the same collective
    /// key, and what decryption shares name as their study's key.
    public var fingerprint: [UInt8] { Array(SHA256.hash(data: serialized())) }
}

extension Ciphertext {
    /// What the decryption and key-switch shares of this ciphertext name: SHA-256 of "he-toolkit/bfv/c1/v1" ‖
    /// parameter fingerprint ‖ prime count (u8) ‖ the residues of c_1 (u64 little-endian, limb by limb). A share
    /// depends on c_1 alone (h_i = s_i c_1 + X_i), so two ciphertexts with the same c_1 take the same shares: the
    /// store of issued shares must key on this digest (docs/MULTIPARTY.md, "Trust model").
    public var shareDigest: [UInt8] {
        var hash = SHA256()
        hash.update(data: Array("he-toolkit/bfv/c1/v1".utf8) + parameters.fingerprint + [UInt8(limbCount)])
        #if _endian(little)
        polys[1].data.withUnsafeBytes { hash.update(bufferPointer: $0) }
        #else
        polys[1].data.map(\.littleEndian).withUnsafeBytes { hash.update(bufferPointer: $0) }
        #endif
        return Array(hash.finalize())
    }
}

/// Checks a set of shares before they are combined: every share is of the expected protocol instance
/// (`matches` returns the name of the first field that differs, or nil), no party twice, and exactly the
/// expected parties. Returns the shares ordered by party ID, so that a combination never depends on the
/// order in which shares arrived.
func checkedShares<S>(
    _ shares: [S], expected: [PartyID], protocolName: String, party: (S) -> PartyID, mismatch: (S) -> String?
) throws(RlweError) -> [S] {
    let expectedSet = Set(expected)
    var byParty: [PartyID: S] = [:]
    for s in shares {
        let p = party(s)
        if let field = mismatch(s) { throw .foreignShare(party: p.value, protocolName: protocolName, field: field) }
        guard expectedSet.contains(p) else {
            throw .foreignShare(party: p.value, protocolName: protocolName, field: "party list (not a member)")
        }
        guard byParty[p] == nil else { throw .duplicateShare(party: p.value, protocolName: protocolName) }
        byParty[p] = s
    }
    for p in expected.sorted() where byParty[p] == nil {
        throw .missingShare(party: p.value, protocolName: protocolName)
    }
    return expected.sorted().map { byParty[$0]! }
}

/// SHA-256 of a sorted party list (u32 IDs, little-endian): names the active set of a decryption in its shares.
func partyListDigest(_ parties: [PartyID]) -> [UInt8] {
    var bytes = Array("he-toolkit/bfv/parties/v1".utf8)
    for p in parties.sorted() { for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: p.value >> (8 * UInt32(i)))) } }
    return Array(SHA256.hash(data: bytes))
}
