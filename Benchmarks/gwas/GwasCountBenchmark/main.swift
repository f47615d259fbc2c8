// Times the site-side genotype counting (no encryption) on one VCF/BCF:
//   GwasCountBenchmark VCF PHENO PANEL [--threads N]
// Prints the elapsed seconds and the counting summary to stderr, a checksum of the counts to stdout.

import EncryptedStats
import GWAS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func printError(_ text: String) {
    var text = text + "\n"
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

func seconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

var args = Array(CommandLine.arguments.dropFirst())
var threads = 0
if let i = args.firstIndex(of: "--threads"), i + 1 < args.count, let n = Int(args[i + 1]) {
    threads = n
    args.removeSubrange(i...(i + 1))
}
guard args.count == 3 else {
    printError("usage: GwasCountBenchmark VCF PHENO PANEL [--threads N]")
    exit(64)
}
do {
    let start = seconds()
    let phenotypes = try PhenotypeTable.read(path: args[1])
    let panel = try VariantPanel.read(path: args[2])
    let read = seconds()
    let (counts, summary) = try GenotypeCounter.count(vcfPath: args[0], phenotypes: phenotypes, panel: panel,
                                                      decompressionThreads: threads)
    let end = seconds()
    var checksum: UInt64 = 0
    for c in counts { for (k, s) in c.slots.enumerated() { checksum = checksum &* 31 &+ s &* UInt64(k + 1) } }
    printError(summary.description)
    printError("read phenotypes+panel: \(read - start) s, count: \(end - read) s")
    print("variants \(counts.count) checksum \(checksum)")
} catch {
    printError("error: \(error)")
    exit(1)
}
