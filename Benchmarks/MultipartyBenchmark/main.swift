// Release-mode timings of multi-party decryption (Sources/RLWE/Multiparty): per-party decryption-share time and
// combine time for a study's aggregate, beside single-key decryption of the same ciphertexts in the same run.
// Times are thread CPU time; each figure is the fastest of the passes. Prints one line per N:
//   "parties <N> preset <p> primes <l> ciphertexts <c> decrypt_ms <d> share_ms <s> combine_ms <m> share/decrypt <r>"
// where share_ms is one party's time for all ciphertexts (the mean over the parties of a pass) and combine_ms
// the combiner's (checking, summing the N shares and decoding, per ciphertext, summed).
// Usage: MultipartyBenchmark [--parties 3,10,100] [--variants 100000] [--counts 12] [--sites 100] [--passes 3]
import Foundation
import RLWE

var partyCounts = [3, 10, 100]
var variants = 100_000
var countsPerVariant = 12
var sites = 100
var passes = 3
var components = false
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let a = arguments.next() {
    if a == "--components" {
        components = true
        continue
    }
    if a == "--table" {
        printTable()
        exit(0)
    }
    guard let value = arguments.next() else {
        FileHandle.standardError.write(Data("\(a) needs a value\n".utf8))
        exit(2)
    }
    switch a {
    case "--parties": partyCounts = value.split(separator: ",").map { Int($0)! }
    case "--variants": variants = Int(value)!
    case "--counts": countsPerVariant = Int(value)!
    case "--sites": sites = Int(value)!
    case "--passes": passes = Int(value)!
    default:
        FileHandle.standardError.write(Data("unknown argument \(a)\n".utf8))
        exit(2)
    }
}

/// The smudging bounds per preset and level (docs/MULTIPARTY.md): the room, the most parties that K = 1, 100 and
/// 1,000 summed encryptions admit, and the figures for 3, 10 and 100 parties with 100-site aggregates.
func printTable() {
    print("| preset | primes | log2 Q_l | log2 room | max N (K = 1) | max N (K = 100) | max N (K = 1000) | N = 3 / 10 / 100, K = 100: log2 A, log2 combined sigma, log2 (B + T) |")
    print("|---|---|---|---|---|---|---|---|")
    for p in BfvPreset.allCases {
        let parameters = BfvParameters.preset(p)
        for l in 1...parameters.maxLimbCount {
            let maxN = [1, 100, 1000].map { SmudgingBound.maximumParties(parameters: parameters, limbCount: l, ciphertexts: $0) }
            if l > 1 && maxN[0] == 0 { continue }
            let figures = [3, 10, 100].map { n -> String in
                guard let b = try? SmudgingBound(parameters: parameters, limbCount: l, keyParties: n, ciphertexts: 100) else {
                    return "refused"
                }
                return "\(b.widthBits), \(String(format: "%.1f", Foundation.log2(b.combinedStandardDeviation))), "
                    + String(format: "%.1f", b.log2NoiseBoundWithTail)
            }
            let room = (try? SmudgingBound(parameters: parameters, limbCount: l, keyParties: 1, ciphertexts: 1).log2Room)
                ?? (parameters.context(limbCount: l).logQ - 1 - Foundation.log2(Double(parameters.plaintextModulus)))
            print("| `\(p.rawValue)` | \(l) | \(String(format: "%.1f", parameters.context(limbCount: l).logQ)) | "
                + "\(String(format: "%.1f", room)) | \(maxN.map(String.init).joined(separator: " | ")) | "
                + "\(figures.joined(separator: " / ")) |")
            if maxN[2] >= 100_000 { break }
        }
    }
}

/// Thread CPU time in nanoseconds.
func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// The parts of a share at N = 4096 and 2 primes: the ciphertext digest and the key stream the sampler reads.
if components {
    let p = BfvParameters.preset(.n4096)
    let kg = KeyGenerator(parameters: p)
    let ct = try Encryptor(publicKey: kg.publicKey()).encrypt(BatchEncoder(parameters: p).encode([1, 2, 3] as [UInt64]))
    var t0 = now()
    for _ in 0..<100 { _ = ct.shareDigest }
    print("digest_us \(Double(now() - t0) / 100e3)")
    t0 = now()
    for _ in 0..<100 { _ = ct.serialized() }
    print("serialize_us \(Double(now() - t0) / 100e3)")
    var prg = try ChaCha20Prg(seed: ChaCha20Prg.freshSeed())
    var acc: UInt64 = 0
    t0 = now()
    for _ in 0..<(100 * 4096) { acc ^= prg.next() }
    print("keystream_word_ns \(Double(now() - t0) / (100 * 4096)) \(acc & 1)")
    var buffer = [UInt8](repeating: 0, count: 4096 * 8)
    t0 = now()
    for _ in 0..<100 { buffer.withUnsafeMutableBytes { prg.fill($0) } }
    print("fill_word_ns \(Double(now() - t0) / (100 * 4096)) \(buffer[5] & 1)")
    let dec = Decryptor(secretKey: kg.secretKey)
    t0 = now()
    for _ in 0..<100 { _ = try dec.decrypt(ct) }
    print("decrypt_us \(Double(now() - t0) / 100e3)")
    exit(0)
}

for n in partyCounts {
    guard let (preset, limbs) = BfvPreset.allCases.lazy.compactMap({ p -> (BfvPreset, Int)? in
        SmudgingBound.smallestLimbCount(parameters: .preset(p), parties: n, ciphertexts: sites).map { (p, $0) }
    }).first else {
        print("parties \(n): no preset admits \(sites)-site aggregates")
        continue
    }
    let parameters = BfvParameters.preset(preset)
    let parties = PartyID.first(n)
    let secrets = (0..<n).map { _ in KeyGenerator(parameters: parameters).secretKey }
    let ckg = PublicKeyGenProtocol(parameters: parameters, crs: .fresh())
    let publicKey = try ckg.combine(zip(parties, secrets).map { try ckg.share(party: $0, secretKey: $1) }, parties: parties)
    let encoder = BatchEncoder(parameters: parameters)
    let encryptor = Encryptor(publicKey: publicKey)
    let evaluator = Evaluator(parameters: parameters)
    let ciphertextCount = (variants * countsPerVariant + parameters.slotCount - 1) / parameters.slotCount
    var rng = SystemRandomNumberGenerator()
    let ciphertexts = try (0..<ciphertextCount).map { _ in
        let values = (0..<parameters.slotCount).map { _ in UInt64.random(in: 0..<1000, using: &rng) }
        return try evaluator.modSwitch(encryptor.encrypt(encoder.encode(values)), toLimbCount: limbs)
    }
    let decryptor = Decryptor(secretKey: SecretKey.sum(secrets))
    let decryption = try DecryptionShareProtocol(
        collectiveKey: publicKey, keyParties: n, activeParties: parties, ciphertexts: sites)
    var best = (decrypt: UInt64.max, share: UInt64.max, combine: UInt64.max)
    for _ in 0..<passes {
        var decrypt: UInt64 = 0
        var share: UInt64 = 0
        var combine: UInt64 = 0
        for ct in ciphertexts {
            var t0 = now()
            let expected = try decryptor.decrypt(ct)
            decrypt += now() - t0
            var shares: [DecryptionShare] = []
            for (p, s) in zip(parties, secrets) {
                t0 = now()
                shares.append(try decryption.share(ct, party: p, secret: .additive(s)))
                share += now() - t0
            }
            t0 = now()
            let plaintext = try decryption.decrypt(ct, shares: shares)
            combine += now() - t0
            guard plaintext == expected else { fatalError("a multi-party decryption differs from the single-key one") }
        }
        best = (min(best.decrypt, decrypt), min(best.share, share / UInt64(n)), min(best.combine, combine))
    }
    func ms(_ ns: UInt64) -> String { String(format: "%.1f", Double(ns) / 1e6) }
    print(
        "parties \(n) preset \(preset.rawValue) primes \(limbs) ciphertexts \(ciphertextCount) decrypt_ms \(ms(best.decrypt)) "
            + "share_ms \(ms(best.share)) combine_ms \(ms(best.combine)) share/decrypt "
            + String(format: "%.2f", Double(best.share) / Double(best.decrypt)))
}
