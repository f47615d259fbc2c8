// VCF/BCF input as `he-cli gwas encrypt` reads it: GwasFiles.count(vcf:phenotypes:panel:), i.e. our htslib wrapper
// (VCFReader) and GenotypeCounter, against a fixed panel and phenotype file. The input is the whole VCF/BCF file
// (plain text, BCF, or BGZF-compressed; htslib tells them apart by their first bytes).
// Invariants of a file that counts: one VariantCounts per panel variant, and for every variant and phenotype group
// the called plus missing genotypes equal the number of that group's samples in the VCF.
import EncryptedStats
import HEFiles
import GWAS
import FuzzSupport

let panelPath = Scratch.write("panel.tsv", Array("""
    CHR\tPOS\tID\tREF\tALT
    1\t100\trs1\tA\tG
    1\t200\trs2\tC\tT
    2\t300\trs3\tG\tA
    chr2\t400\trs4\tACG\tA

    """.utf8))
let phenotypePath = Scratch.write("site.pheno", Array("""
    FID IID PHENO
    f1 S1 2
    f2 S2 1
    f3 S3 -9
    f4 S4 2
    f5 S5 1

    """.utf8))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVCF(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let vcf = Scratch.write("site.vcf", input.rest())
    let site: GwasFiles.SiteCounts
    do {
        site = try GwasFiles.count(vcf: vcf, phenotypes: phenotypePath, panel: panelPath)
    } catch {
        return 0
    }
    let s = site.summary
    check(site.counts.count == site.panel.count, "\(site.counts.count) counts for \(site.panel.count) panel variants")
    check(site.countedSamples == UInt64(s.cases + s.controls + s.unknownPhenotype), "counted samples")
    check(s.cases + s.controls + s.unknownPhenotype + s.samplesWithoutPhenotype == s.vcfSamples, "sample groups")
    for (variant, c) in zip(site.panel, site.counts) {
        for (group, n) in [(c.cases, s.cases), (c.controls, s.controls), (c.unknownPhenotype, s.unknownPhenotype)] {
            check(group.called + group.missing == UInt64(n),
                  "\(variant.id): \(group) does not add up to the group's \(n) samples")
        }
    }
    check(s.recordsMatched <= s.records, "more records matched than read")
    return 0
}

FuzzDriver.run(fuzzVCF)
