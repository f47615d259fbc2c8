// Release-mode timings of the RLWE layer: NTT, BFV operations and the polynomial product, with NTL's
// product in the same process. Times are thread CPU time, the fastest of the repetitions (the host's interference only
// adds time, in bursts of milliseconds). Prints one line per measurement: "<op> <N> <microseconds>".
// Usage: RLWEBenchmark [--degrees 4096,4096p,8192,16384] [--repetitions 21] [--only multiply_relin,rotate_rows]
//                      [--allocator retain|default] [--lockstep]
//
// A degree names the preset of that N; `4096p` is N = 4096 in SEAL's layout for those 109 bits: the preset's first
// prime (55 bits) for data and its second (54 bits) as the special key-switching prime (custom parameters, same
// primes, same t). It gives each operation the same work as SEAL's at N = 4096; the preset keeps both primes for
// data (one multiplication's noise budget at t ≈ 2^30, see docs/RLWE.md), so its per-limb operations do twice that.
//
// `--lockstep` lets a driver interleave this program with a peer operation by operation
// (Benchmarks/rlwe/interleave.py): before each measurement it prints "ready <op> <N>" and reads a line from
// standard input, "run" (measure once more and print the result line) or "next" (go on).
//
// `--allocator retain` (the default) raises glibc's mmap and trim thresholds before the first measurement, so that
// freed polynomial buffers stay in the process, as they do in SEAL's memory pool; with glibc's defaults every
// large temporary of an operation is returned to the kernel when freed and faulted in again, zeroed, at the next
// operation (docs/BENCHMARKS.md gives both).
import CNTLOracle
import Foundation
import RLWE

var degrees = ["4096", "4096p", "8192", "16384"]
var repetitions = 21
var only: Set<String>? = nil
var retainFreedMemory = true
var lockstep = false
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let a = arguments.next() {
    switch a {
    case "--degrees": degrees = arguments.next()!.split(separator: ",").map(String.init)
    case "--repetitions": repetitions = Int(arguments.next()!)!
    case "--only": only = Set(arguments.next()!.split(separator: ",").map(String.init))
    case "--lockstep": lockstep = true
    case "--allocator":
        switch arguments.next() {
        case "retain": retainFreedMemory = true
        case "default": retainFreedMemory = false
        default:
            FileHandle.standardError.write(Data("--allocator takes retain or default\n".utf8))
            exit(2)
        }
    default:
        FileHandle.standardError.write(Data("unknown argument \(a)\n".utf8))
        exit(2)
    }
}

/// glibc's mallopt, looked up at run time (the Glibc module does not export malloc.h): a 32 MiB mmap threshold and
/// a 256 MiB trim threshold keep the freed buffers of one operation for the next.
func retainFreedMemoryInProcess() {
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    let mTrimThreshold: Int32 = -1, mMmapThreshold: Int32 = -3  // <malloc.h>
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else {
        FileHandle.standardError.write(Data("mallopt not found: the allocator keeps its defaults\n".utf8))
        return
    }
    let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
    guard mallopt(mMmapThreshold, 32 << 20) == 1, mallopt(mTrimThreshold, 256 << 20) == 1 else {
        FileHandle.standardError.write(Data("mallopt refused the thresholds: the allocator keeps its defaults\n".utf8))
        return
    }
}
if retainFreedMemory { retainFreedMemoryInProcess() }

/// Thread CPU time in nanoseconds: robust when other processes share the cores (the SEAL peer uses the same clock).
func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

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

/// The fastest of `repetitions` runs of `body`, each run repeated `inner` times, in microseconds.
@MainActor func fastest(inner: Int = 1, _ body: () throws -> Void) rethrows -> Double {
    var samples: [Double] = []
    try body()  // warm-up
    for _ in 0..<repetitions {
        let start = now()
        for _ in 0..<inner { try body() }
        samples.append(Double(now() - start) / 1000.0 / Double(inner))
    }
    return samples.min()!
}

/// Times `body` as operation `op` unless `--only` leaves it out.
@MainActor func measure(_ op: String, _ label: String, inner: Int = 1, _ body: () throws -> Void) rethrows {
    try gate(op, label) { try fastest(inner: inner, body) }
}

/// Reports `time()` (microseconds) for `op` unless `--only` leaves it out; with `--lockstep`, as often as the
/// driver asks.
@MainActor func gate(_ op: String, _ label: String, _ time: () throws -> Double) rethrows {
    guard only?.contains(op) ?? true else { return }
    guard lockstep else { return report(op, label, try time()) }
    while true {
        print("ready", op, label)
        fflush(nil)  // all C streams: `stdout` itself is not concurrency-safe to name
        switch readLine() {
        case "run": report(op, label, try time())
        case "next": return
        case let other:
            FileHandle.standardError.write(Data("lockstep: expected run or next, got \(other ?? "end of input")\n".utf8))
            exit(2)
        }
    }
}

func report(_ op: String, _ label: String, _ us: Double) {
    print(op, label, String(format: "%.2f", us))
    fflush(nil)  // all C streams: `stdout` itself is not concurrency-safe to name
}

for label in degrees {
    let sealLayout = label.hasSuffix("p")
    guard let n = Int(sealLayout ? String(label.dropLast()) : label),
        let preset = BfvPreset.allCases.first(where: { $0.degree == n })
    else {
        FileHandle.standardError.write(Data("--degrees: no preset for \(label)\n".utf8))
        exit(2)
    }
    var params = BfvParameters.preset(preset)
    if sealLayout {
        // SEAL's layout: every prime but the last for data, the last as the special prime.
        let primes = params.coefficientModuli + (params.specialModulus.map { [$0] } ?? [])
        params = try BfvParameters(
            degree: n, plaintextModulus: params.plaintextModulus, coefficientModuli: Array(primes.dropLast()),
            specialModulus: primes.last!)
    }

    // NTT of one limb (the first, largest prime).
    let q = try Modulus(params.coefficientModuli[0])
    let tables = try NttTables(degree: n, modulus: q)
    var rng = SystemRandomNumberGenerator()
    var x = (0..<n).map { _ in UInt64.random(in: 0..<q.value, using: &rng) }
    let y = (0..<n).map { _ in UInt64.random(in: 0..<q.value, using: &rng) }
    measure("ntt_forward", label, inner: 20) { tables.forward(&x) }
    measure("ntt_inverse", label, inner: 20) { tables.inverse(&x) }
    // Negacyclic product of two coefficient-form polynomials modulo one prime, ours vs NTL's.
    measure("poly_mul", label, inner: 10) { _ = negacyclicProduct(x, y, tables) }
    // NTL times itself, with the same clock, inside the C++ oracle.
    gate("ntl_poly_mul", label) {
        var ntlSamples: [Double] = []
        for _ in 0..<repetitions { ntlSamples.append(cntl_time_negacyclic_multiply(x, y, n, q.value, 10) / 1000.0) }
        return ntlSamples.min()!
    }

    // BFV.
    var keygen: KeyGenerator!
    keygen = KeyGenerator(parameters: params)
    measure("keygen", label) {
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
    try measure("encode", label) { _ = try encoder.encode(values) }
    try measure("encrypt", label) { ct = try encryptor.encrypt(pt) }
    try measure("encrypt_symmetric", label) { _ = try Encryptor(secretKey: keygen.secretKey).encrypt(pt) }
    try measure("decrypt", label) { _ = try decryptor.decrypt(ct) }
    try measure("add", label, inner: 10) { _ = try evaluator.add(ct, ct2) }
    try measure("multiply_plain", label) { _ = try evaluator.multiplyPlain(ct, pt) }
    try measure("multiply_relin", label) { _ = try evaluator.multiplyRelinearize(ct, ct2) }
    try measure("rotate_rows", label) { _ = try evaluator.rotateRows(ct, by: 1) }
    try measure("rotate_columns", label) { _ = try evaluator.rotateColumns(ct) }
    try measure("mod_switch_smallest", label) { _ = try evaluator.modSwitchToSmallest(ct) }
    measure("serialize", label) { _ = ct.serialized() }
    if only == nil {
        report("ciphertext_bytes", label, Double(ct.serialized().count))
        report("ciphertext_bytes_smallest", label, Double(try evaluator.modSwitchToSmallest(ct).serialized().count))
        report("ciphertext_bytes_symmetric", label, Double(try Encryptor(secretKey: keygen.secretKey).encrypt(pt).serialized().count))
    }
}
