// DPSamplerBenchmark: samples per second of the exact discrete Gaussian and Laplace samplers, drawing from the OS
// CSPRNG as in production (docs/BENCHMARKS.md, "Differential-privacy samplers").
//
//   DPSamplerBenchmark [--samples N] [--rounds R]
//
// Prints one line per case: `case<TAB>samples per second` (the median of R rounds of N samples each, as a vector
// of noise added to N zero counts, which is what a release does).
import Dispatch
import Foundation
import Paillier
import Privacy

var samples = 200_000
var rounds = 5
var arguments = CommandLine.arguments.dropFirst()
while let a = arguments.popFirst() {
    guard let text = arguments.popFirst(), let n = Int(text), n > 0 else {
        FileHandle.standardError.write(Data("usage: DPSamplerBenchmark [--samples N] [--rounds R]\n".utf8))
        exit(64)
    }
    switch a {
    case "--samples": samples = n
    case "--rounds": rounds = n
    default:
        FileHandle.standardError.write(Data("unknown option \(a)\n".utf8))
        exit(64)
    }
}

let cases: [(String, any IntegerNoise)] = [
    ("gaussian sigma=0.5", try DiscreteGaussian(sigmaSquared: Rational(1, 4))),
    ("gaussian sigma=3", try DiscreteGaussian(sigmaSquared: 9)),
    ("gaussian sigma=1000", try DiscreteGaussian(sigmaSquared: 1_000_000)),
    ("laplace t=1", try DiscreteLaplace(scale: 1)),
    ("laplace t=10", try DiscreteLaplace(scale: 10)),
    ("laplace t=1000", try DiscreteLaplace(scale: 1000)),
]
let zeros = [BigInt](repeating: BigInt(0), count: samples)
var sink = BigInt(0)
for (name, noise) in cases {
    var rates: [Double] = []
    for _ in 0..<rounds {
        let start = DispatchTime.now().uptimeNanoseconds
        let noisy = noise.addingNoise(to: zeros)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        sink = sink + noisy[0]
        rates.append(Double(samples) / seconds)
    }
    rates.sort()
    print("\(name)\t\(Int(rates[rates.count / 2]))")
}
if sink == BigInt(Int64.max) { print("") }  // keeps the samples alive
