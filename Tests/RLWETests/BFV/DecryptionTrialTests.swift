import Foundation
import RLWE
import Testing

/// Decryption-failure trials and the aggregate capacity the command-line tool relies on.
@Suite struct DecryptionTrialTests {
    /// Trials per preset. Release builds (the suite of `scripts/test.sh`): 10,000 independent fresh public-key
    /// encryptions of random full-slot plaintexts; one in `sitesPerAggregate` of them is also switched down to
    /// the first prime and summed into aggregates at the documented capacity; `multiplied` pairs are
    /// multiplied and relinearised. Debug builds (the AddressSanitizer pass of `scripts/sanitize.sh`) run the
    /// same code on a few trials. Measured cost and the counts chosen: docs/RLWE.md.
    struct Counts {
        let fresh: Int
        let aggregates: Int
        let multiplied: Int
    }

    static func counts(_ p: BfvPreset) -> Counts {
        #if DEBUG
        let base = Counts(fresh: 2 * sitesPerAggregate, aggregates: 2, multiplied: 2)
        #else
        let base: Counts
        switch p {
        case .n4096: base = Counts(fresh: 10_000, aggregates: 200, multiplied: 200)
        case .n8192: base = Counts(fresh: 10_000, aggregates: 100, multiplied: 50)
        case .n16384: base = Counts(fresh: 10_000, aggregates: 40, multiplied: 20)
        case .n32768: base = Counts(fresh: 500, aggregates: 10, multiplied: 4)
        }
        #endif
        guard let fresh = requestedFreshTrials else { return base }
        return Counts(
            fresh: fresh, aggregates: min(base.aggregates, fresh / sitesPerAggregate),
            multiplied: min(base.multiplied, fresh / 2))
    }

    /// `HE_BFV_TRIALS=N` sets the number of fresh trials for every preset (the full run of docs/RLWE.md:
    /// `HE_BFV_TRIALS=10000 swift test -c release --filter DecryptionTrialTests`); aggregates and products stay
    /// as above, or fewer when N is too small for them.
    static let requestedFreshTrials: Int? = {
        guard let text = ProcessInfo.processInfo.environment["HE_BFV_TRIALS"] else { return nil }
        guard let n = Int(text), n >= 2 else {
            fatalError("HE_BFV_TRIALS must be an integer of at least 2, got \"\(text)\"")
        }
        return n
    }()

    /// `HE_BFV_TRIAL_PRESET=n32768` (a ``BfvPreset`` name) runs the trials of that preset only, for a full run
    /// one preset at a time.
    static let requestedPreset: BfvPreset? = {
        guard let text = ProcessInfo.processInfo.environment["HE_BFV_TRIAL_PRESET"] else { return nil }
        guard let preset = BfvPreset(rawValue: text) else {
            fatalError("HE_BFV_TRIAL_PRESET must be one of \(BfvPreset.allCases.map(\.rawValue)), got \"\(text)\"")
        }
        return preset
    }()

    /// Distinct site ciphertexts per aggregate: their sum, added to itself by doubling, makes an aggregate of
    /// sitesPerAggregate x floor(capacity / sitesPerAggregate) ciphertexts.
    static let sitesPerAggregate = 10

    struct WorkerResult: Sendable {
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
    static func sumOfCopies(_ ev: Evaluator, _ c: Ciphertext, count: Int) throws -> Ciphertext {
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

    static func share(_ total: Int, worker: Int, of workers: Int) -> Int {
        total / workers + (worker < total % workers ? 1 : 0)
    }

    /// One worker's trials: fresh encryptions decrypted and measured; every `sitesPerAggregate`-th group of
    /// the first aggregates x sitesPerAggregate ciphertexts switched and aggregated; pairs multiplied.
    static func runTrials(
        _ f: PresetFixture, _ ev: Evaluator, fresh: Int, aggregates: Int, multiplied: Int
    ) throws -> WorkerResult {
        let p = f.parameters
        let n = p.degree
        let tm = try Modulus(p.plaintextModulus)
        let repeats = p.aggregateCapacity() / sitesPerAggregate
        var prg = try ChaCha20Prg(seed: ChaCha20Prg.freshSeed())
        var r = WorkerResult()
        var groupSum: Ciphertext? = nil
        var groupValues = [UInt64](repeating: 0, count: n)
        var sitesInGroup = 0
        var pending: (Ciphertext, [UInt64])? = nil
        for trial in 0..<fresh {
            let values = randomSlots(&prg, count: n, below: p.plaintextModulus)
            let ct = try f.encryptor.encrypt(f.encoder.encode(values))
            let (plain, budget) = try f.decryptor.decryptWithNoiseBudget(ct)
            if try f.encoder.decode(plain) != values { r.failures.append("fresh trial \(trial)") }
            r.fresh.append(budget)

            if r.aggregate.count < aggregates {
                let small = try ev.modSwitchToSmallest(ct)
                let (smallPlain, smallBudget) = try f.decryptor.decryptWithNoiseBudget(small)
                if try f.encoder.decode(smallPlain) != values { r.failures.append("switched trial \(trial)") }
                r.switched.append(smallBudget)
                groupSum = try groupSum.map { try ev.add($0, small) } ?? small
                for i in 0..<n { groupValues[i] = tm.add(groupValues[i], values[i]) }
                sitesInGroup += 1
                if sitesInGroup == sitesPerAggregate {
                    // repeats x groupSum: an aggregate of sitesPerAggregate x repeats ciphertexts.
                    let result = try sumOfCopies(ev, groupSum!, count: repeats)
                    let factor = tm.reduce(UInt64(repeats))
                    let expected = groupValues.map { tm.multiply($0, factor) }
                    let (sumPlain, sumBudget) = try f.decryptor.decryptWithNoiseBudget(result)
                    if try f.encoder.decode(sumPlain) != expected { r.failures.append("aggregate ending at trial \(trial)") }
                    r.aggregate.append(sumBudget)
                    groupSum = nil
                    groupValues = [UInt64](repeating: 0, count: n)
                    sitesInGroup = 0
                }
            }

            if r.multiplied.count < multiplied {
                if let (other, otherValues) = pending {
                    let product = try ev.multiplyRelinearize(other, ct)
                    let expected = zip(otherValues, values).map { tm.multiply($0, $1) }
                    let (productPlain, productBudget) = try f.decryptor.decryptWithNoiseBudget(product)
                    if try f.encoder.decode(productPlain) != expected { r.failures.append("product ending at trial \(trial)") }
                    r.multiplied.append(productBudget)
                    pending = nil
                } else {
                    pending = (ct, values)
                }
            }
        }
        return r
    }

    /// At least 10,000 independent public-key encryptions per preset, each decrypted and compared exactly, with
    /// the noise budget of each recorded; aggregates at the documented capacity and products of fresh pairs.
    @Test(arguments: BfvPreset.allCases)
    func randomTrialsDecrypt(preset: BfvPreset) async throws {
        if let only = Self.requestedPreset, only != preset { return }
        let f = PresetFixture.of(preset)
        let p = f.parameters
        let counts = Self.counts(preset)
        let ev = Evaluator(parameters: p, relinearizationKey: f.keyGenerator.relinearizationKey())
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let start = Date()
        let results = try await withThrowingTaskGroup(of: WorkerResult.self) { group in
            for w in 0..<workers {
                let fresh = Self.share(counts.fresh, worker: w, of: workers)
                let aggregates = Self.share(counts.aggregates, worker: w, of: workers)
                let multiplied = Self.share(counts.multiplied, worker: w, of: workers)
                group.addTask {
                    try Self.runTrials(f, ev, fresh: fresh, aggregates: aggregates, multiplied: multiplied)
                }
            }
            var all: [WorkerResult] = []
            for try await r in group { all.append(r) }
            return all
        }
        let seconds = Date().timeIntervalSince(start)
        let failures = results.flatMap(\.failures)
        let fresh = results.flatMap(\.fresh).sorted()
        let switched = results.flatMap(\.switched).sorted()
        let aggregate = results.flatMap(\.aggregate).sorted()
        let multiplied = results.flatMap(\.multiplied).sorted()
        func summary(_ b: [Int]) -> String { b.isEmpty ? "-" : "min \(b.first!) median \(b[b.count / 2]) max \(b.last!)" }
        print("""
            decryption trials \(preset) (\(workers) workers, \(String(format: "%.1f", seconds)) s): \
            \(fresh.count) fresh public-key ciphertexts, budget \(summary(fresh)); \
            \(switched.count) switched to one prime, budget \(summary(switched)); \
            \(aggregate.count) aggregates of \(Self.sitesPerAggregate * (p.aggregateCapacity() / Self.sitesPerAggregate)) \
            ciphertexts, budget \(summary(aggregate)); \
            \(multiplied.count) products, budget \(summary(multiplied)); failures \(failures.count)
            """)
        #expect(failures.isEmpty, "decryption failures: \(failures.prefix(10))")
        #expect(fresh.count == counts.fresh)
        #expect(aggregate.count == counts.aggregates)
        #expect(multiplied.count == counts.multiplied)
        #expect(switched.count == counts.aggregates * Self.sitesPerAggregate)

        // Documented fresh budget: log2(Q) - log2(t) - log2(N) - 10 or more (docs/RLWE.md).
        let freshBound = Int(p.logQ) - 30 - p.degree.trailingZeroBitCount - 10
        #expect(fresh.first! >= freshBound, "fresh budget \(fresh.first!) < \(freshBound)")
        // The aggregate capacity must be backed by the measured budget of switched ciphertexts: a sum of k
        // ciphertexts with budget b each decrypts while k < 2^(b - 1).
        let capacity = p.aggregateCapacity()
        #expect(capacity >= 1000)
        #expect(Double(capacity) < Foundation.pow(2.0, Double(switched.first! - 1)), "capacity \(capacity), budget \(switched.first!)")
        #expect(aggregate.first! >= 1)
        // Documented multiplication cost: at most log2(t) + log2(N) + 20 bits, and the product keeps a budget.
        let mulCost = 30 + p.degree.trailingZeroBitCount + 20
        #expect(multiplied.first! >= fresh.first! - mulCost, "fresh \(fresh.first!), product \(multiplied.first!)")
        #expect(multiplied.first! > 0)
    }

    /// The worst case for a sum of k switched ciphertexts is k copies of the same one (noise adds up
    /// aligned). k x c by doubling: decryption must give k x m mod t at k = aggregateCapacity().
    @Test(arguments: BfvPreset.allCases)
    func aggregateAtCapacityDecrypts(preset: BfvPreset) throws {
        let f = PresetFixture.of(preset)
        let p = f.parameters
        let ev = Evaluator(parameters: p)
        let tm = try Modulus(p.plaintextModulus)
        let values = f.randomValues(below: 1000)
        let small = try ev.modSwitchToSmallest(f.encryptor.encrypt(f.encoder.encode(values)))
        let k = p.aggregateCapacity()
        let result = try Self.sumOfCopies(ev, small, count: k)
        let expected = values.map { tm.multiply($0, tm.reduce(UInt64(k))) }
        #expect(try f.encoder.decode(f.decryptor.decrypt(result)) == expected)
        #expect(try f.decryptor.noiseBudget(result) >= 1)
        // And a realistic aggregate: 20 different sites, 2^20 per slot each, summed after switching.
        var sites: [Ciphertext] = []
        var total = [UInt64](repeating: 0, count: p.degree)
        for _ in 0..<20 {
            let v = f.randomValues(below: 1 << 20)
            for i in 0..<v.count { total[i] += v[i] }
            sites.append(try ev.modSwitchToSmallest(f.encryptor.encrypt(f.encoder.encode(v))))
        }
        #expect(try f.encoder.decode(f.decryptor.decrypt(ev.sum(sites))) == total)
    }
}
