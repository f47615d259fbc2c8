import HEFiles
import RLWE

// A multi-party study's collective public key file (docs/FORMAT.md, "Collective public key"): an ordinary public
// key container whose second chunk says how many primes site ciphertexts keep, so that sites encrypt under it with
// `encrypt` exactly as under a single key holder's key.

struct CollectiveKeyInfo: Sendable, Equatable {
    static let magic: [UInt8] = Array("HEMK".utf8)
    var transportLimbCount: Int
    var parties: UInt32
    var threshold: UInt32
    var study: String
    var seedDigest: [UInt8]

    var encoded: [UInt8] {
        var w = ByteWriter()
        w.raw(Self.magic)
        w.u16(1)
        w.u8(UInt8(transportLimbCount))
        w.u8(0)
        w.u32(parties)
        w.u32(threshold)
        w.string(study)
        w.raw(seedDigest)
        return w.bytes
    }

    init(transportLimbCount: Int, parties: UInt32, threshold: UInt32, study: String, seedDigest: [UInt8]) {
        self.transportLimbCount = transportLimbCount; self.parties = parties; self.threshold = threshold
        self.study = study; self.seedDigest = seedDigest
    }

    init(decoding bytes: [UInt8], path: String, maxLimbCount: Int) throws(EncryptedStatsError) {
        var r = ByteReader(bytes) { field, reason in
            EncryptedStatsError.file(.inconsistentHeader(path: path, field: "collective key \(field)", reason: reason))
        }
        func bad(_ reason: String) -> EncryptedStatsError { .file(.inconsistentHeader(path: path, field: "collective key", reason: reason)) }
        guard try r.raw(4, "magic") == Self.magic, try r.u16("version") == 1 else { throw bad("chunk 2 is not a collective-key description") }
        transportLimbCount = Int(try r.u8("prime count"))
        guard transportLimbCount >= 1, transportLimbCount <= maxLimbCount, try r.u8("reserved") == 0 else {
            throw bad("prime count \(transportLimbCount) is outside 1...\(maxLimbCount)")
        }
        parties = try r.u32("parties")
        threshold = try r.u32("threshold")
        study = try r.string("study")
        seedDigest = try r.raw(32, "seed digest")
        guard r.isAtEnd else { throw bad("bytes after the seed digest") }
    }
}

extension KeyFiles {
    /// Writes a collective public key file (never replacing an existing file unless it has the same bytes).
    static func writeCollective(_ keys: SchemeKeys, info: CollectiveKeyInfo, to path: String) throws(EncryptedStatsError) {
        let header = ContainerHeader(scheme: .bfv, kind: .publicKey, parameters: keys.parameters,
                                     publicKeyFingerprint: keys.publicKeyFingerprint, schema: nil, contributors: [], valueBound: 0)
        let bytes = ContainerWriter.encode(header: header, chunks: [keys.publicKey, info.encoded])
        try files { () throws(HEFilesError) in try AtomicFileWriter.write(bytes, to: path) }
    }
}
