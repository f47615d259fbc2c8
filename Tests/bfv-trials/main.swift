// bfv-trials: decryption-failure trials for the BFV presets in a plain release build (docs/RLWE.md).
//
//   bfv-trials [--trials N] [--workers W] [PRESET ...]
//   bfv-trials --multiparty PARTIES [--trials N] [--workers W] [PRESET ...]
//
// Runs N (default 10,000) independent fresh public-key encryptions per preset (default: every preset), each
// decrypted and compared exactly, plus switched ciphertexts, aggregates at the documented capacity and
// products; prints one summary line per preset and exits 1 when a decryption fails or a documented noise
// bound does not hold. scripts/test.sh runs it for every preset.
//
// With --multiparty, the same for multi-party decryption by PARTIES parties under their collective key
// (docs/MULTIPARTY.md): fresh ciphertexts (default per preset: MultipartyTrials.defaultFresh) and 100-site
// aggregates at the level that admits them, each decrypted from the parties' shares and compared exactly, with
// the combined noise checked against its stated bound. scripts/test.sh runs it with 10 parties.
import Foundation
import BfvTrials
import RLWE

func usage(_ message: String) -> Never {
    FileHandle.standardError.write(Data("""
        bfv-trials: \(message)
        usage: bfv-trials [--multiparty PARTIES] [--trials N] [--workers W] [PRESET ...]   (presets: \
        \(BfvPreset.allCases.map(\.rawValue).joined(separator: " ")))

        """.utf8))
    exit(64)
}

var trials: Int? = nil
var multiparty: Int? = nil
var workers = ProcessInfo.processInfo.activeProcessorCount
var presets: [BfvPreset] = []
var arguments = CommandLine.arguments.dropFirst()
while let a = arguments.popFirst() {
    switch a {
    case "--trials", "--workers", "--multiparty":
        guard let text = arguments.popFirst() else { usage("\(a) needs a value") }
        guard let n = Int(text), n >= 1 else { usage("\(a) must be a positive integer, got \"\(text)\"") }
        switch a {
        case "--trials": trials = n
        case "--workers": workers = n
        default: multiparty = n
        }
    case "-h", "--help":
        print("usage: bfv-trials [--multiparty PARTIES] [--trials N] [--workers W] [PRESET ...]")
        exit(0)
    default:
        guard let p = BfvPreset(rawValue: a) else { usage("unknown preset or option \"\(a)\"") }
        presets.append(p)
    }
}
if presets.isEmpty { presets = BfvPreset.allCases }

var failed = false
if let parties = multiparty {
    for preset in presets {
        let counts = MultipartyTrials.defaultCounts(preset)
        let report = try await MultipartyTrials.run(
            preset, parties: parties, fresh: trials ?? counts.fresh, aggregates: counts.aggregates, workers: workers)
        print(report.summary)
        for v in report.violations {
            print("  FAILED: \(v)")
            failed = true
        }
    }
    exit(failed ? 1 : 0)
}
for preset in presets {
    let parameters = BfvParameters.preset(preset)
    let report = try await BfvTrials.run(
        parameters, name: preset.rawValue, keys: BfvTrials.Keys(parameters: parameters),
        counts: BfvTrials.Counts.full(preset, fresh: trials ?? 10_000), workers: workers)
    print(report.summary)
    for v in report.violations {
        print("  FAILED: \(v)")
        failed = true
    }
}
exit(failed ? 1 : 0)
