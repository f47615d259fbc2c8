// Paillier benchmark: per-operation times at one key size, one line per operation:
//   <operation> <fastest of the samples, microseconds>
// The fastest sample is reported because on a shared machine the least disturbed run is the best estimate of
// the cost; the C floor and the Python peers report the same statistic.
// Usage: PaillierBenchmark BITS [ITERATIONS]   (build with -c release; driven by Benchmarks/run-paillier.sh)

import Dispatch
import Paillier

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func nowMicroseconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1000
}

func fastest(_ samples: [Double]) -> Double {
    samples.min()!
}

/// Fastest of `iterations` timings of `body`, each averaged over `batch` calls.
func measure(_ iterations: Int, batch: Int = 1, _ body: () throws -> Void) rethrows -> Double {
    var samples: [Double] = []
    for _ in 0..<iterations {
        let start = nowMicroseconds()
        for _ in 0..<batch { try body() }
        samples.append((nowMicroseconds() - start) / Double(batch))
    }
    return fastest(samples)
}

func report(_ name: String, _ microseconds: Double) {
    print("\(name) \(format3(microseconds))")
}

func format3(_ x: Double) -> String {
    let scaled = (x * 1000).rounded()
    let whole = Int(scaled / 1000)
    let frac = Int(scaled) - whole * 1000
    let fracText = String(frac)
    return "\(whole)." + String(repeating: "0", count: 3 - fracText.count) + fracText
}

nonisolated(unsafe) var sink = 0
func consume(_ x: BigInt) { sink &+= x.bitWidth }

let arguments = CommandLine.arguments
guard arguments.count >= 2, let bits = Int(arguments[1]) else {
    print("usage: PaillierBenchmark BITS [ITERATIONS] [KEYGEN_ITERATIONS]")
    exit(2)
}
let iterations = arguments.count >= 3 ? Int(arguments[2]) ?? 30 : 30
let keygenIterations = arguments.count >= 4 ? Int(arguments[3]) ?? 5 : 5

do {
    // Key generation time is random (prime search), so it is reported as the mean of the runs.
    var keys: (publicKey: PaillierPublicKey, secretKey: PaillierSecretKey)?
    var keygenTotal = 0.0
    for _ in 0..<keygenIterations {
        let start = nowMicroseconds()
        keys = try PaillierKeyPair.generate(bits: bits)
        keygenTotal += nowMicroseconds() - start
    }
    report("keygen_mean", keygenTotal / Double(keygenIterations))
    let (publicKey, secretKey) = keys!

    var djn: PaillierEncryptor?
    let tableStart = nowMicroseconds()
    djn = PaillierEncryptor(publicKey: publicKey, randomizer: .djn)
    report("djn_table_build", nowMicroseconds() - tableStart)
    let encryptor = djn!
    let textbook = PaillierEncryptor(publicKey: publicKey, randomizer: .textbook)
    let decryptor = PaillierDecryptor(secretKey: secretKey)

    let m = BigInt(123_456_789)
    var c = try encryptor.encrypt(m)
    // encrypt runs the two halves of the DJN table walk on two threads; with a limit of 1 thread it is one walk.
    report("encrypt_djn", try measure(iterations) { c = try encryptor.encrypt(m) })
    report("encrypt_djn_1core", try Parallelism.$threadLimit.withValue(1) {
        try measure(iterations) { c = try encryptor.encrypt(m) }
    })
    report("encrypt_textbook", try measure(iterations) { c = try textbook.encrypt(m) })
    var d = BigInt()
    report("decrypt", measure(iterations) { d = decryptor.decryptResidue(c.value, concurrentHalves: false) })
    guard d == m else { fatalError("decryption mismatch") }
    report("decrypt_2core", try measure(iterations) { d = try decryptor.decrypt(c) })
    guard d == m else { fatalError("decryption mismatch") }
    let c2 = try encryptor.encrypt(BigInt(42))
    var sum = c
    report("add", measure(iterations, batch: 200) { sum = encryptor.add(c, c2) })
    consume(sum.value)
    let scalar = BigInt(1_000_003)
    report("scalar_mul", try measure(iterations, batch: 5) { sum = try encryptor.multiply(c, byScalar: scalar) })
    consume(sum.value)

    // Packed counts: each site count at most 1000, at most 1000 sites -> 20-bit slots.
    let layout = try PackedLayout(publicKey: publicKey, maxValuePerContribution: 1000, maxContributions: 1000)
    let packer = try PackedEncoder(layout: layout, encryptor: encryptor)
    let valueCount = layout.slotsPerCiphertext * 32
    var generator = SystemRandomNumberGenerator()
    let values = (0..<valueCount).map { _ in UInt64.random(in: 0...1000, using: &generator) }
    let packedIterations = max(3, iterations / 6)
    var packed = try packer.encrypt(values, bound: 1000)
    let oneCore = try measure(packedIterations) { packed = try packer.encrypt(values, bound: 1000, parallel: false) }
    let twoCores = try measure(packedIterations) { packed = try packer.encrypt(values, bound: 1000, parallel: true) }
    guard try decryptor.decrypt(packed) == values else { fatalError("packed round trip mismatch") }
    print("packed_slots_per_ciphertext \(layout.slotsPerCiphertext)")
    print("packed_slot_bits \(layout.slotBits)")
    report("packed_per_count_1core", oneCore / Double(valueCount))
    report("packed_per_count_2core", twoCores / Double(valueCount))
    report("packed_counts_per_second_1core", 1e6 * Double(valueCount) / oneCore)
    report("packed_counts_per_second_2core", 1e6 * Double(valueCount) / twoCores)
    if sink == 42 { print("") }
} catch {
    print("benchmark failed: \(error)")
    exit(1)
}
