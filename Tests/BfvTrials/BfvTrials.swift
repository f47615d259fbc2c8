import Foundation
import RLWE

/// Decryption-failure trials for one BFV parameter set, shared by `DecryptionTrialTests` (a few hundred trials
/// per preset inside the AddressSanitizer suite) and the `bfv-trials` tool (10,000 per preset in a plain release
/// build, run by `scripts/test.sh`). docs/RLWE.md gives the counts, the bounds checked and the measured budgets.
///
/// Each fresh trial is an independent public-key encryption of a uniformly random full-slot plaintext (fresh
/// encryption randomness), decrypted and compared exactly, with its noise budget recorded. Among them, groups of
/// ``sitesPerAggregate`` ciphertexts are switched down to the first prime (each decrypted and measured), summed,
/// and the sum added to itself by doubling up to the documented aggregate capacity; pairs are multiplied and
/// relinearised. Every result is compared with the expected plaintext.
public enum BfvTrials {
    /// Distinct site ciphertexts per aggregate: their sum, added to itself by doubling, makes an aggregate of
    /// sitesPerAggregate x floor(capacity / sitesPerAggregate) ciphertexts.
    public static let sitesPerAggregate = 10

    public struct Counts: Sendable, Equatable {
        public let fresh: Int
        public let aggregates: Int
        public let multiplied: Int

        /// `aggregates` and `multiplied` are lowered when `fresh` is too small to feed them.
        public init(fresh: Int, aggregates: Int, multiplied: Int) {
            precondition(fresh >= 1 && aggregates >= 0 && multiplied >= 0, "at least one fresh trial, no negative counts")
            self.fresh = fresh
            self.aggregates = min(aggregates, fresh / BfvTrials.sitesPerAggregate)
            self.multiplied = min(multiplied, fresh / 2)
        }

        /// The full run: 10,000 fresh ciphertexts per preset, with aggregates and products in proportion to what
        /// they cost at each size.
        public static func full(_ preset: BfvPreset, fresh: Int = 10_000) -> Counts {
            switch preset {
            case .n4096: Counts(fresh: fresh, aggregates: 200, multiplied: 200)
            case .n8192: Counts(fresh: fresh, aggregates: 100, multiplied: 50)
            case .n16384: Counts(fresh: fresh, aggregates: 40, multiplied: 20)
            case .n32768: Counts(fresh: fresh, aggregates: 10, multiplied: 4)
            }
        }
    }

    /// The secret and public key of one trial run.
    public struct Keys: Sendable {
        public let keyGenerator: KeyGenerator
        public let publicKey: PublicKey

        public init(keyGenerator: KeyGenerator, publicKey: PublicKey) {
            self.keyGenerator = keyGenerator
            self.publicKey = publicKey
        }

        public init(parameters: BfvParameters) {
            keyGenerator = KeyGenerator(parameters: parameters)
            publicKey = keyGenerator.publicKey()
        }
    }

    /// What a run measured: every decryption that did not give the expected plaintext, and the sorted noise
    /// budgets (bits) of fresh, switched, aggregated and multiplied ciphertexts.
    public struct Report: Sendable {
        public let parameters: BfvParameters
        public let name: String
        public let counts: Counts
        public let workers: Int
        public let seconds: Double
        public let failures: [String]
        public let fresh: [Int]
        public let switched: [Int]
        public let aggregate: [Int]
        public let multiplied: [Int]

        public init(
            parameters: BfvParameters, name: String, counts: Counts, workers: Int, seconds: Double,
            failures: [String], fresh: [Int], switched: [Int], aggregate: [Int], multiplied: [Int]
        ) {
            self.parameters = parameters
            self.name = name
            self.counts = counts
            self.workers = workers
            self.seconds = seconds
            self.failures = failures
            self.fresh = fresh.sorted()
            self.switched = switched.sorted()
            self.aggregate = aggregate.sorted()
            self.multiplied = multiplied.sorted()
        }

        /// Every documented bound the run breaks (docs/RLWE.md, "Noise budget"); empty when the run holds.
        public var violations: [String] {
            var v: [String] = []
            if !failures.isEmpty {
                v.append("\(failures.count) decryption failures: \(failures.prefix(10).joined(separator: ", "))")
            }
            if fresh.count != counts.fresh { v.append("\(fresh.count) fresh ciphertexts measured, \(counts.fresh) planned") }
            if switched.count != counts.aggregates * BfvTrials.sitesPerAggregate {
                v.append("\(switched.count) switched ciphertexts, \(counts.aggregates * BfvTrials.sitesPerAggregate) planned")
            }
            if aggregate.count != counts.aggregates { v.append("\(aggregate.count) aggregates, \(counts.aggregates) planned") }
            if multiplied.count != counts.multiplied { v.append("\(multiplied.count) products, \(counts.multiplied) planned") }
            let logT = 64 - parameters.plaintextModulus.leadingZeroBitCount
            let logN = parameters.degree.trailingZeroBitCount
            // Fresh budget: at least log2(Q) - log2(t) - log2(N) - 10 (a whole number of bits, so the ceiling).
            let freshBound = Int((parameters.logQ - Double(logT + logN + 10)).rounded(.up))
            if let low = fresh.first, low < freshBound { v.append("fresh budget \(low) below \(freshBound)") }
            // The aggregate capacity must be backed by the measured budget of switched ciphertexts: a sum of k
            // ciphertexts with budget b each decrypts while k < 2^(b - 1).
            let capacity = parameters.aggregateCapacity()
            if capacity < 1000 { v.append("aggregate capacity \(capacity) below 1000") }
            if let low = switched.first, Double(capacity) >= Foundation.pow(2.0, Double(low - 1)) {
                v.append("aggregate capacity \(capacity) not below 2^(\(low) - 1) (switched budget \(low))")
            }
            if let low = aggregate.first, low < 1 { v.append("aggregate at capacity with budget \(low)") }
            // Multiplication costs at most log2(t) + log2(N) + 20 bits, and the product keeps a budget.
            if let low = multiplied.first {
                if let f = fresh.first, low < f - (logT + logN + 20) {
                    v.append("product budget \(low) more than \(logT + logN + 20) bits below fresh \(f)")
                }
                if low <= 0 { v.append("product without budget") }
            }
            return v
        }

        public var summary: String {
            func range(_ b: [Int]) -> String { b.isEmpty ? "-" : "min \(b.first!) median \(b[b.count / 2]) max \(b.last!)" }
            let aggregateSize = BfvTrials.sitesPerAggregate * (parameters.aggregateCapacity() / BfvTrials.sitesPerAggregate)
            return """
                decryption trials \(name) (\(workers) workers, \(String(format: "%.1f", seconds)) s): \
                \(fresh.count) fresh public-key ciphertexts, budget \(range(fresh)); \
                \(switched.count) switched to one prime, budget \(range(switched)); \
                \(aggregate.count) aggregates of \(aggregateSize) ciphertexts, budget \(range(aggregate)); \
                \(multiplied.count) products, budget \(range(multiplied)); failures \(failures.count)
                """
        }
    }

    /// Runs `counts` trials on `workers` threads, each with its own share and its own random stream.
    public static func run(
        _ parameters: BfvParameters, name: String, keys: Keys, counts: Counts,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount
    ) async throws -> Report {
        let workers = max(1, workers)
        let encryptor = Encryptor(publicKey: keys.publicKey)
        let decryptor = Decryptor(secretKey: keys.keyGenerator.secretKey)
        let evaluator = Evaluator(parameters: parameters, relinearizationKey: keys.keyGenerator.relinearizationKey())
        let start = Date()
        let parts = try await withThrowingTaskGroup(of: Part.self) { group in
            for w in 0..<workers {
                let fresh = Self.share(counts.fresh, worker: w, of: workers)
                if fresh == 0 { continue }
                let share = Counts(
                    fresh: fresh, aggregates: Self.share(counts.aggregates, worker: w, of: workers),
                    multiplied: Self.share(counts.multiplied, worker: w, of: workers))
                group.addTask {
                    try Self.trials(parameters, encryptor, decryptor, evaluator, share)
                }
            }
            var all: [Part] = []
            for try await p in group { all.append(p) }
            return all
        }
        return Report(
            parameters: parameters, name: name, counts: counts, workers: workers,
            seconds: Date().timeIntervalSince(start),
            failures: parts.flatMap(\.failures), fresh: parts.flatMap(\.fresh), switched: parts.flatMap(\.switched),
            aggregate: parts.flatMap(\.aggregate), multiplied: parts.flatMap(\.multiplied))
    }

    static func share(_ total: Int, worker: Int, of workers: Int) -> Int {
        total / workers + (worker < total % workers ? 1 : 0)
    }

    struct Part: Sendable {
        var failures: [String] = []
        var fresh: [Int] = []
        var switched: [Int] = []
        var aggregate: [Int] = []
        var multiplied: [Int] = []
    }

    /// Uniform values in [0, t) from a ChaCha20 stream (seeded by the OS CSPRNG), by rejection.
    static func randomSlots(_ prg: inout ChaCha20Prg, count: Int, below t: UInt64) -> [UInt64] {
        let mask: UInt64 = t.nonzeroBitCount == 1 ? t - 1 : (1 << UInt64(64 - t.leadingZeroBitCount)) - 1
        var out = [UInt64]()
        out.reserveCapacity(count)
        while out.count < count {
            let v = prg.next() & mask
            if v < t { out.append(v) }
        }
        return out
    }

    /// The sum of `count` >= 1 copies of c, by doubling (log2(count) additions).
    public static func sumOfCopies(_ ev: Evaluator, _ c: Ciphertext, count: Int) throws -> Ciphertext {
        precondition(count >= 1, "at least one copy")
        var result: Ciphertext? = nil
        var power = c
        var e = count
        while e > 0 {
            if e & 1 == 1 { result = try result.map { try ev.add($0, power) } ?? power }
            power = try ev.add(power, power)
            e >>= 1
        }
        return result!
    }

    /// One worker's trials: fresh encryptions decrypted and measured; the first aggregates x sitesPerAggregate
    /// of them also switched and aggregated; the first 2 x multiplied of them multiplied in pairs.
    static func trials(
        _ p: BfvParameters, _ encryptor: Encryptor, _ decryptor: Decryptor, _ ev: Evaluator, _ counts: Counts
    ) throws -> Part {
        let n = p.degree
        let encoder = BatchEncoder(parameters: p)
        let tm = try Modulus(p.plaintextModulus)
        let repeats = p.aggregateCapacity() / sitesPerAggregate
        var prg = try ChaCha20Prg(seed: ChaCha20Prg.freshSeed())
        var r = Part()
        var groupSum: Ciphertext? = nil
        var groupValues = [UInt64](repeating: 0, count: n)
        var sitesInGroup = 0
        var pending: (Ciphertext, [UInt64])? = nil
        for trial in 0..<counts.fresh {
            let values = randomSlots(&prg, count: n, below: p.plaintextModulus)
            let ct = try encryptor.encrypt(encoder.encode(values))
            let (plain, budget) = try decryptor.decryptWithNoiseBudget(ct)
            if try encoder.decode(plain) != values { r.failures.append("fresh trial \(trial)") }
            r.fresh.append(budget)

            if r.aggregate.count < counts.aggregates {
                let small = try ev.modSwitchToSmallest(ct)
                let (smallPlain, smallBudget) = try decryptor.decryptWithNoiseBudget(small)
                if try encoder.decode(smallPlain) != values { r.failures.append("switched trial \(trial)") }
                r.switched.append(smallBudget)
                groupSum = try groupSum.map { try ev.add($0, small) } ?? small
                for i in 0..<n { groupValues[i] = tm.add(groupValues[i], values[i]) }
                sitesInGroup += 1
                if sitesInGroup == sitesPerAggregate {
                    // repeats x groupSum: an aggregate of sitesPerAggregate x repeats ciphertexts.
                    let result = try sumOfCopies(ev, groupSum!, count: repeats)
                    let factor = tm.reduce(UInt64(repeats))
                    let expected = groupValues.map { tm.multiply($0, factor) }
                    let (sumPlain, sumBudget) = try decryptor.decryptWithNoiseBudget(result)
                    if try encoder.decode(sumPlain) != expected { r.failures.append("aggregate ending at trial \(trial)") }
                    r.aggregate.append(sumBudget)
                    groupSum = nil
                    groupValues = [UInt64](repeating: 0, count: n)
                    sitesInGroup = 0
                }
            }

            if r.multiplied.count < counts.multiplied {
                if let (other, otherValues) = pending {
                    let product = try ev.multiplyRelinearize(other, ct)
                    let expected = zip(otherValues, values).map { tm.multiply($0, $1) }
                    let (productPlain, productBudget) = try decryptor.decryptWithNoiseBudget(product)
                    if try encoder.decode(productPlain) != expected { r.failures.append("product ending at trial \(trial)") }
                    r.multiplied.append(productBudget)
                    pending = nil
                } else {
                    pending = (ct, values)
                }
            }
        }
        return r
    }
}
