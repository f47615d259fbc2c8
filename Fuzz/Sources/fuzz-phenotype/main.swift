// Phenotype files as `he-cli gwas encrypt --pheno` reads them: PhenotypeTable.read(path:).
// Invariants of a file that parses: an IID shared by several families matches none of them; when the names are
// unique, each is non-empty and has a phenotype, and the table written back as two-column `sample PHENO` lines
// parses to the same samples and phenotypes.
import EncryptedStats
import HEFiles
import GWAS
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPhenotype(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let path = Scratch.write("site.pheno", input.rest())
    let table: PhenotypeTable
    do {
        table = try PhenotypeTable.read(path: path)
    } catch {
        return 0
    }
    check(table.count == table.samples.count, "count \(table.count) differs from \(table.samples.count) samples")
    // FID IID PHENO files may repeat an IID across families; such an IID names no sample by itself.
    var lines: [String: Int] = [:]
    for s in table.samples { lines[s, default: 0] += 1 }
    for (s, n) in lines where n > 1 { check(table[s] == nil, "IID '\(s)' of \(n) families matches one of them") }
    guard lines.count == table.samples.count else { return 0 }
    var text = "sample\tPHENO\n"
    for s in table.samples {
        check(!s.isEmpty, "empty sample name")
        guard let p = table[s] else { invariantFailure("sample '\(s)' has no phenotype") }
        text += s + "\t" + (p == .affected ? "2" : p == .unaffected ? "1" : "NA") + "\n"
    }
    let again = Scratch.write("site-again.pheno", Array(text.utf8))
    do {
        let reread = try PhenotypeTable.read(path: again)
        check(reread.samples == table.samples, "samples differ after writing the table back")
        for s in table.samples { check(reread[s] == table[s], "phenotype of '\(s)' differs") }
    } catch {
        invariantFailure("the phenotypes written back do not parse: \(error)")
    }
    return 0
}

FuzzDriver.run(fuzzPhenotype)
