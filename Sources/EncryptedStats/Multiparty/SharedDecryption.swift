import HEFiles
import RLWE

// Decryption through the parties' shares (`party combine`): a scheme instance that decrypts each ciphertext by
// combining the shares the parties issued for it, so that the key holder's whole release path (verification,
// policy, small cells, log, outputs) runs unchanged on a multi-party aggregate.

/// The verified decryption shares of one aggregate, by ciphertext digest, and the protocol that combines them.
package struct PartyCombination: Sendable {
    let protocolInstance: DecryptionShareProtocol
    /// Shares of every active party, by the digest of the ciphertext they decrypt.
    let shares: [[UInt8]: [DecryptionShare]]
    /// The parties whose shares are combined (for messages and the log).
    package let activeNames: [String]
}

/// BFV vectors decrypted by combining decryption shares; everything else is ``BFVVectors``.
struct SharedBFVDecryptor: AdditiveVectorDecryptor {
    typealias Ciphertext = RLWE.Ciphertext
    static let schemeID = SchemeID.bfv

    let base: BFVVectors
    let combination: PartyCombination
    let encoder: BatchEncoder

    init(keys: SchemeKeys, combination: PartyCombination) throws(EncryptedStatsError) {
        base = try BFVVectors(keys: keys.publicOnly)
        self.combination = combination
        encoder = BatchEncoder(parameters: base.bfv)
    }

    var parameters: [UInt8] { base.parameters }
    var layout: SlotLayout { base.layout }
    var parameterSummary: [(String, String)] { base.parameterSummary }

    func encrypt(slots: ArraySlice<Int64>, bound: UInt64) throws(EncryptedStatsError) -> Ciphertext {
        try base.encrypt(slots: slots, bound: bound)
    }
    func add(_ a: Ciphertext, _ b: Ciphertext) throws(EncryptedStatsError) -> Ciphertext { try base.add(a, b) }
    func compact(_ c: Ciphertext) throws(EncryptedStatsError) -> Ciphertext { try base.compact(c) }
    func serialize(_ c: Ciphertext) -> [UInt8] { base.serialize(c) }
    func deserialize(_ bytes: [UInt8]) throws(EncryptedStatsError) -> Ciphertext { try base.deserialize(bytes) }

    func decrypt(_ c: Ciphertext, count: Int, bound: UInt64) throws(EncryptedStatsError) -> [Int64] {
        guard let shares = combination.shares[c.shareDigest] else {
            throw .scheme(operation: "combine", reason: "no decryption share of the parties covers this ciphertext")
        }
        let plaintext = try rlwe("combine") { () throws(RlweError) in try combination.protocolInstance.decrypt(c, shares: shares) }
        let values = try rlwe("combine") { () throws(RlweError) in try encoder.decodeSigned(plaintext) }
        guard values[count...].allSatisfy({ $0 == 0 }) else {
            throw .scheme(operation: "combine", reason: "an unused slot is not zero (a share is wrong or the ciphertext damaged)")
        }
        return Array(values.prefix(count))
    }
}
