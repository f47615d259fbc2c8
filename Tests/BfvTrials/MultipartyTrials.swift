import Foundation
import RLWE

/// Decryption-failure trials of multi-party decryption (docs/MULTIPARTY.md): a study of N parties with a
/// collective key; fresh encryptions of uniformly random full-slot plaintexts switched to the level that
/// admits `sites`-site aggregates (the fewest primes, ``SmudgingBound/smallestLimbCount``), each decrypted by
/// the N parties' shares and compared exactly; and aggregates of `sites` ciphertexts (10 distinct, each of
/// values below t / sites, summed and added to themselves `sites / 10` times). Every combined noise is measured
/// and checked against its stated bound. Shared by `MultipartyTrialTests` and `bfv-trials --multiparty N`.
public enum MultipartyTrials {
    public struct Report: Sendable {
        public let name: String
        public let parties: Int
        public let limbCount: Int
        public let fresh: Int
        public let aggregates: Int
        public let seconds: Double
        public let failures: [String]
        /// Largest combined noise measured (bits), for fresh ciphertexts and aggregates.
        public let freshNoiseBits: Int
        public let aggregateNoiseBits: Int
        public let freshBound: SmudgingBound
        public let aggregateBound: SmudgingBound

        /// Each failed decryption, and each measured noise above its stated bound.
        public var violations: [String] {
            var v = failures
            if freshNoiseBits > Int(freshBound.log2NoiseBoundWithTail.rounded(.up)) {
                v.append("fresh noise \(freshNoiseBits) bits above the bound \(freshBound)")
            }
            if aggregates > 0, aggregateNoiseBits > Int(aggregateBound.log2NoiseBoundWithTail.rounded(.up)) {
                v.append("aggregate noise \(aggregateNoiseBits) bits above the bound \(aggregateBound)")
            }
            return v
        }

        public var summary: String {
            """
            multi-party trials \(name), \(parties) parties, \(limbCount) prime(s) (\(String(format: "%.1f", seconds)) s): \
            \(fresh) fresh, \(aggregates) aggregates, \(failures.count) failures; largest noise fresh \(freshNoiseBits) \
            bits (bound \(String(format: "%.1f", freshBound.log2NoiseBoundWithTail)), room \
            \(String(format: "%.1f", freshBound.log2Room))), aggregates \(aggregateNoiseBits) bits (bound \
            \(String(format: "%.1f", aggregateBound.log2NoiseBoundWithTail)))
            """
        }
    }

    /// The counts `bfv-trials --multiparty` runs per preset (fresh ciphertexts, aggregates): under 90 s in all with
    /// 10 parties on the 2-core build machine (docs/MULTIPARTY.md gives the measured times).
    public static func defaultCounts(_ preset: BfvPreset) -> (fresh: Int, aggregates: Int) {
        switch preset {
        case .n4096: (5_000, 20)
        case .n8192: (1_500, 10)
        case .n16384: (300, 4)
        case .n32768: (50, 2)
        }
    }

    /// Runs the trials on `workers` threads. Throws when no level of `preset` admits the study.
    public static func run(
        _ preset: BfvPreset, parties n: Int, fresh: Int, aggregates: Int, sites: Int = 100,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount
    ) async throws -> Report {
        let start = Date()
        let p = BfvParameters.preset(preset)
        guard let l = SmudgingBound.smallestLimbCount(parameters: p, parties: n, ciphertexts: sites) else {
            throw RlweError.insufficientNoiseRoom(
                limbCount: p.maxLimbCount, parties: n, ciphertexts: sites, neededBits: .infinity, availableBits: 0)
        }
        let parties = PartyID.first(n)
        let secrets = (0..<n).map { _ in KeyGenerator(parameters: p).secretKey }
        let ckg = PublicKeyGenProtocol(parameters: p, crs: .fresh())
        let key = try ckg.combine(zip(parties, secrets).map { try ckg.share(party: $0, secretKey: $1) }, parties: parties)
        let single = try DecryptionShareProtocol(collectiveKey: key, keyParties: n, activeParties: parties, ciphertexts: 1)
        let summed = try DecryptionShareProtocol(collectiveKey: key, keyParties: n, activeParties: parties, ciphertexts: sites)
        let workers = max(1, workers)
        let parts = try await withThrowingTaskGroup(of: Part.self) { group in
            for w in 0..<workers {
                let f = BfvTrials.share(fresh, worker: w, of: workers)
                let a = BfvTrials.share(aggregates, worker: w, of: workers)
                group.addTask {
                    try trials(p, key: key, secrets: secrets, single: single, summed: summed, limbCount: l,
                               fresh: f, aggregates: a, sites: sites)
                }
            }
            var all: [Part] = []
            for try await part in group { all.append(part) }
            return all
        }
        return Report(
            name: preset.rawValue, parties: n, limbCount: l, fresh: fresh, aggregates: aggregates,
            seconds: Date().timeIntervalSince(start), failures: parts.flatMap(\.failures),
            freshNoiseBits: parts.map(\.freshBits).max() ?? 0, aggregateNoiseBits: parts.map(\.aggregateBits).max() ?? 0,
            freshBound: try SmudgingBound(parameters: p, limbCount: l, keyParties: n, ciphertexts: 1),
            aggregateBound: try SmudgingBound(parameters: p, limbCount: l, keyParties: n, ciphertexts: sites))
    }

    struct Part: Sendable {
        var failures: [String] = []
        var freshBits = 0
        var aggregateBits = 0
    }

    static func trials(
        _ p: BfvParameters, key: PublicKey, secrets: [SecretKey], single: DecryptionShareProtocol,
        summed: DecryptionShareProtocol, limbCount l: Int, fresh: Int, aggregates: Int, sites: Int
    ) throws -> Part {
        var part = Part()
        let encoder = BatchEncoder(parameters: p)
        let encryptor = Encryptor(publicKey: key)
        let ev = Evaluator(parameters: p)
        var prg = try ChaCha20Prg(seed: ChaCha20Prg.freshSeed())
        let t = p.plaintextModulus
        func decrypt(_ ct: Ciphertext, _ d: DecryptionShareProtocol, expected: Plaintext) throws -> (Bool, Int) {
            let shares = try zip(d.activeParties, secrets).map { try d.share(ct, party: $0, secret: .additive($1)) }
            let aggregate = try d.aggregate(shares, for: ct)
            return (try d.finish(ct, aggregate) == expected, d.noiseBits(ct, aggregate, expected: expected))
        }
        for i in 0..<fresh {
            let m = try encoder.encode(BfvTrials.randomSlots(&prg, count: p.slotCount, below: t))
            let ct = try ev.modSwitch(encryptor.encrypt(m), toLimbCount: l)
            let (ok, bits) = try decrypt(ct, single, expected: m)
            if !ok { part.failures.append("fresh trial \(i) did not decrypt") }
            part.freshBits = max(part.freshBits, bits)
        }
        let distinct = 10
        for i in 0..<aggregates {
            var total = [UInt64](repeating: 0, count: p.slotCount)
            var sum: Ciphertext? = nil
            for _ in 0..<distinct {
                let values = BfvTrials.randomSlots(&prg, count: p.slotCount, below: t / UInt64(sites))
                for j in values.indices { total[j] += values[j] * UInt64(sites / distinct) }
                let ct = try ev.modSwitch(encryptor.encrypt(encoder.encode(values)), toLimbCount: l)
                sum = try sum.map { try ev.add($0, ct) } ?? ct
            }
            let aggregate = try BfvTrials.sumOfCopies(ev, sum!, count: sites / distinct)
            let (ok, bits) = try decrypt(aggregate, summed, expected: try encoder.encode(total))
            if !ok { part.failures.append("aggregate \(i) did not decrypt") }
            part.aggregateBits = max(part.aggregateBits, bits)
        }
        return part
    }
}
