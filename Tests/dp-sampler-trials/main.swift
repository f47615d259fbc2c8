// dp-sampler-trials: goodness-of-fit trials of the exact discrete Gaussian and Laplace samplers in a plain
// release build (docs/PRIVACY.md, "Tests").
//
//   dp-sampler-trials [--samples N] [--seed S] [--workers W] [--python PATH]
//
// For each case (sigma in {0.5, 3, 1000}, Laplace scale in {1, 10, 1000}) draws N samples (default 10^6) from a
// SHA-256 counter-mode stream with seed S (default 1), hands the histograms to Tests/Oracles/dp_sampler_gof.py
// (scipy chi-square against the exact pmf, computed there independently) and exits 1 when any p <= 0.001.
// The interpreter is --python or HE_TEST_PYTHON. scripts/test.sh runs it after the BFV trials.
import Dispatch
import DpSamplerTrials
import Foundation
import HETestSupport

func usage(_ message: String) -> Never {
    FileHandle.standardError.write(Data(
        "dp-sampler-trials: \(message)\nusage: dp-sampler-trials [--samples N] [--seed S] [--workers W] [--python PATH]\n".utf8))
    exit(64)
}

var samples = 1_000_000
var seed: UInt64 = 1
var workers = ProcessInfo.processInfo.activeProcessorCount
var python = ProcessInfo.processInfo.environment["HE_TEST_PYTHON"]
var arguments = CommandLine.arguments.dropFirst()
while let a = arguments.popFirst() {
    switch a {
    case "--samples", "--seed", "--workers":
        guard let text = arguments.popFirst(), let n = UInt64(text), n >= 1 else { usage("\(a) needs a positive integer") }
        switch a {
        case "--samples": samples = Int(n)
        case "--seed": seed = n
        default: workers = Int(n)
        }
    case "--python":
        guard let path = arguments.popFirst() else { usage("--python needs a path") }
        python = path
    case "-h", "--help":
        print("usage: dp-sampler-trials [--samples N] [--seed S] [--workers W] [--python PATH]")
        exit(0)
    default:
        usage("unknown option \"\(a)\"")
    }
}
guard let python, !python.isEmpty else { usage("set HE_TEST_PYTHON or pass --python (a Python with scipy)") }

let oracle = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Oracles/dp_sampler_gof.py").path
let cases = SamplerTrials.Case.standard

/// Draws every case's histogram, `workers` cases at a time; returns them with each case's sampling time.
func drawAll(_ cases: [SamplerTrials.Case], samples: Int, seed: UInt64, workers: Int) -> [([Int64: Int], Double)] {
    let lock = NSLock()
    nonisolated(unsafe) var results = [([Int64: Int], Double)](repeating: ([:], 0), count: cases.count)
    let queue = DispatchQueue(label: "dp-sampler-trials", attributes: .concurrent)
    let group = DispatchGroup()
    let slots = DispatchSemaphore(value: workers)
    for (index, c) in cases.enumerated() {
        slots.wait()
        queue.async(group: group) {
            defer { slots.signal() }
            let start = DispatchTime.now().uptimeNanoseconds
            let histogram = try! SamplerTrials.histogram(c, samples: samples, seed: caseSeed(seed, index))
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            lock.withLock { results[index] = (histogram, elapsed) }
        }
    }
    group.wait()
    return results
}

/// A distinct stream per case: the seed and the case's position.
@Sendable func caseSeed(_ seed: UInt64, _ index: Int) -> UInt64 { seed &* 1000 &+ UInt64(index) }

let started = DispatchTime.now().uptimeNanoseconds
let drawn = drawAll(cases, samples: samples, seed: seed, workers: workers)
let samplingSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9

let requests = cases.enumerated().map { index, c in
    SamplerTrials.request(c, histogram: drawn[index].0, seed: caseSeed(seed, index))
}
let answer = try ChildProcess.run(python, [oracle], input: try JSONSerialization.data(withJSONObject: requests))
guard answer.status == 0,
      let verdicts = try JSONSerialization.jsonObject(with: Data(answer.stdout.utf8)) as? [[String: Any]],
      verdicts.count == cases.count else {
    FileHandle.standardError.write(Data("dp-sampler-trials: the oracle failed: \(answer.stderr)\n".utf8))
    exit(1)
}
var failed = false
for (index, verdict) in verdicts.enumerated() {
    let p = verdict["p"] as? Double ?? 0
    let line = String(format: "%@: %d samples in %.1f s, chi2 = %.1f on %d df, p = %.4f%@",
                      cases[index].name, samples, drawn[index].1, verdict["chi2"] as? Double ?? .nan,
                      verdict["dof"] as? Int ?? 0, p, p > 0.001 ? "" : "  FAILED (p <= 0.001)")
    print(line)
    if !(p > 0.001) { failed = true }
}
print(String(format: "sampling wall time %.1f s with %d workers", samplingSeconds, workers))
exit(failed ? 1 : 0)
