// Release-mode timings of the RLWE layer: NTT, BFV operations and the polynomial product, with NTL's
// product in the same process. Times are thread CPU time (medians). Prints one line per measurement: "<op> <N> <median microseconds>".
// Usage: RLWEBenchmark [--degrees 4096,8192,16384] [--repetitions 21] [--only multiply_relin,rotate_rows]
import CNTLOracle
import Foundation
import RLWE

var degrees = [4096, 8192, 16384]
var repetitions = 21
var only: Set<String>? = nil
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let a = arguments.next() {
    switch a {
    case "--degrees": degrees = arguments.next()!.split(separator: ",").map { Int($0)! }
    case "--repetitions": repetitions = Int(arguments.next()!)!
    case "--only": only = Set(arguments.next()!.split(separator: ",").map(String.init))
    default:
        FileHandle.standardError.write(Data("unknown argument \(a)\n".utf8))
        exit(2)
    }
}

/// Thread CPU time in nanoseconds: robust when other processes share the cores (the SEAL peer uses the same clock).
func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Median over `repetitions` runs of `body`, each run repeated `inner` times, in microseconds.
/// a * b mod (X^N + 1, q) through the NTT, from coefficient form to coefficient form.
func negacyclicProduct(_ x: [UInt64], _ y: [UInt64], _ tables: NttTables) -> [UInt64] {
    let q = tables.modulus
    var a = x
    var b = y
    tables.forward(&a)
    tables.forward(&b)
    a.withUnsafeMutableBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            for i in 0..<pa.count { pa[i] = q.multiply(pa[i], pb[i]) }
        }
    }
    tables.inverse(&a)
    return a
}

@MainActor func median(inner: Int = 1, _ body: () throws -> Void) rethrows -> Double {
    var samples: [Double] = []
    try body()  // warm-up
    for _ in 0..<repetitions {
        let start = now()
        for _ in 0..<inner { try body() }
        samples.append(Double(now() - start) / 1000.0 / Double(inner))
    }
    samples.sort()
    return samples[samples.count / 2]
}

/// Times `body` as operation `op` unless `--only` leaves it out.
@MainActor func measure(_ op: String, _ n: Int, inner: Int = 1, _ body: () throws -> Void) rethrows {
    guard only?.contains(op) ?? true else { return }
    report(op, n, try median(inner: inner, body))
}

func report(_ op: String, _ n: Int, _ us: Double) {
    print(op, n, String(format: "%.2f", us))
    FileHandle.standardOutput.synchronizeFile()
}

for n in degrees {
    let preset = BfvPreset.allCases.first { $0.degree == n }!
    let params = BfvParameters.preset(preset)

    // NTT of one limb (the first, largest prime).
    let q = try Modulus(params.coefficientModuli[0])
    let tables = try NttTables(degree: n, modulus: q)
    var rng = SystemRandomNumberGenerator()
    var x = (0..<n).map { _ in UInt64.random(in: 0..<q.value, using: &rng) }
    let y = (0..<n).map { _ in UInt64.random(in: 0..<q.value, using: &rng) }
    measure("ntt_forward", n, inner: 20) { tables.forward(&x) }
    measure("ntt_inverse", n, inner: 20) { tables.inverse(&x) }
    // Negacyclic product of two coefficient-form polynomials modulo one prime, ours vs NTL's.
    measure("poly_mul", n, inner: 10) { _ = negacyclicProduct(x, y, tables) }
    if only?.contains("ntl_poly_mul") ?? true {
        var ntlSamples: [Double] = []
        for _ in 0..<repetitions { ntlSamples.append(cntl_time_negacyclic_multiply(x, y, n, q.value, 10) / 1000.0) }
        ntlSamples.sort()
        report("ntl_poly_mul", n, ntlSamples[ntlSamples.count / 2])
    }

    // BFV.
    var keygen: KeyGenerator!
    keygen = KeyGenerator(parameters: params)
    measure("keygen", n) {
        keygen = KeyGenerator(parameters: params)
        _ = keygen.publicKey()
    }
    let pk = keygen.publicKey()
    let rk = keygen.relinearizationKey()
    let gk = try keygen.galoisKeys(rotationSteps: [1], columnSwap: true)
    let encoder = BatchEncoder(parameters: params)
    let encryptor = Encryptor(publicKey: pk)
    let decryptor = Decryptor(secretKey: keygen.secretKey)
    let evaluator = Evaluator(parameters: params, relinearizationKey: rk, galoisKeys: gk)
    let values = (0..<n).map { _ in UInt64.random(in: 0..<1000, using: &rng) }
    let pt = try encoder.encode(values)
    var ct = try encryptor.encrypt(pt)
    let ct2 = try encryptor.encrypt(pt)
    try measure("encode", n) { _ = try encoder.encode(values) }
    try measure("encrypt", n) { ct = try encryptor.encrypt(pt) }
    try measure("encrypt_symmetric", n) { _ = try Encryptor(secretKey: keygen.secretKey).encrypt(pt) }
    try measure("decrypt", n) { _ = try decryptor.decrypt(ct) }
    try measure("add", n, inner: 10) { _ = try evaluator.add(ct, ct2) }
    try measure("multiply_plain", n) { _ = try evaluator.multiplyPlain(ct, pt) }
    try measure("multiply_relin", n) { _ = try evaluator.multiplyRelinearize(ct, ct2) }
    try measure("rotate_rows", n) { _ = try evaluator.rotateRows(ct, by: 1) }
    try measure("rotate_columns", n) { _ = try evaluator.rotateColumns(ct) }
    try measure("mod_switch_smallest", n) { _ = try evaluator.modSwitchToSmallest(ct) }
    measure("serialize", n) { _ = ct.serialized() }
    if only == nil {
        report("ciphertext_bytes", n, Double(ct.serialized().count))
        report("ciphertext_bytes_smallest", n, Double(try evaluator.modSwitchToSmallest(ct).serialized().count))
        report("ciphertext_bytes_symmetric", n, Double(try Encryptor(secretKey: keygen.secretKey).encrypt(pt).serialized().count))
    }
}
