import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

/// A small site: samples a (case), b (control), c (missing phenotype), d (case), e (no phenotype line); the
/// phenotype file also names `ghost`, which the VCF does not have.
private struct Site {
    let dir: GWASTemporaryDirectory
    let phenotypes: PhenotypeTable

    init() throws {
        dir = try GWASTemporaryDirectory()
        phenotypes = try PhenotypeTable.read(path: try dir.write("site.pheno", "a\t2\nb\t1\nc\tNA\nd\t2\nghost\t1\n"))
    }

    /// A VCF with samples a..e and the given data lines (tab-separated after the 8 fixed columns + FORMAT).
    func vcf(_ records: [String], contigs: [String] = ["1", "2"], name: String = "site.vcf") throws -> String {
        var text = "##fileformat=VCFv4.2\n"
        for c in contigs { text += "##contig=<ID=\(c)>\n" }
        text += "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
        text += "##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Depth\">\n"
        text += "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ta\tb\tc\td\te\n"
        for r in records {
            let f = r.split(separator: " ", omittingEmptySubsequences: true)
            text += ([f[0], f[1], ".", f[2], f[3], ".", ".", "."] + f[4...]).joined(separator: "\t") + "\n"
        }
        return try dir.write(name, text)
    }

    func count(_ vcf: String, _ panel: [PanelVariant]) throws -> ([VariantCounts], SiteInputSummary) {
        let result = try GenotypeCounter.count(vcfPath: vcf, phenotypes: phenotypes, panel: panel)
        return (result.counts, result.summary)
    }
}

private func v(_ chrom: String, _ pos: Int, _ ref: String, _ alt: String, id: String? = nil) -> PanelVariant {
    PanelVariant(chrom: chrom, pos: pos, id: id ?? "\(chrom):\(pos):\(ref):\(alt)", ref: ref, alt: alt)
}

/// Counts as (homRef, het, homAlt, missing).
private func g(_ r: UInt64, _ h: UInt64, _ a: UInt64, _ m: UInt64) -> GenotypeCounts {
    GenotypeCounts(homRef: r, het: h, homAlt: a, missing: m)
}

@Suite("Genotype counter")
struct GenotypeCounterTests {
    @Test("calls split by phenotype; samples without a phenotype line ignored; absent samples reported")
    func basic() throws {
        let site = try Site()
        let vcf = try site.vcf(["1 100 A G GT 0/0 0/1 1/1 ./. 1/1", "1 200 C T GT 0|1 1|1 0/0 1/0 0/0"])
        let (counts, summary) = try site.count(vcf, [v("1", 100, "A", "G"), v("1", 200, "C", "T")])
        #expect(counts[0] == VariantCounts(cases: g(1, 0, 0, 1), controls: g(0, 1, 0, 0), unknownPhenotype: g(0, 0, 1, 0)))
        #expect(counts[1] == VariantCounts(cases: g(0, 2, 0, 0), controls: g(0, 0, 1, 0), unknownPhenotype: g(1, 0, 0, 0)))
        #expect(counts[0].slots == [1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0] as [UInt64])
        #expect(summary.vcfSamples == 5)
        #expect([summary.cases, summary.controls, summary.unknownPhenotype] == [2, 1, 1] as [Int])
        #expect(summary.samplesWithoutPhenotype == 1 && summary.examplesWithoutPhenotype == ["e"])
        #expect(summary.phenotypeSamplesNotInVCF == 1 && summary.examplesNotInVCF == ["ghost"])
        #expect(summary.records == 2 && summary.recordsMatched == 2)
        #expect(summary.description.contains("warning: VCF samples without a phenotype line, ignored: 1 (e.g. e)"))
        #expect(summary.description.contains("warning: phenotype-file samples absent from the VCF: 1 (e.g. ghost)"))
    }

    @Test("VCF sample IDs with an underscore match phenotype lines written for PLINK's FID/IID split")
    func underscoreSampleIDs() throws {
        let dir = try GWASTemporaryDirectory()
        var text = "##fileformat=VCFv4.2\n##contig=<ID=1>\n"
        text += "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
        text += "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ttsk_0\ttsk_1\ttsk_2\n"
        text += "1\t100\t.\tA\tG\t.\t.\t.\tGT\t0/1\t1/1\t0/0\n"
        let vcf = try dir.write("u.vcf", text)
        let pheno = try PhenotypeTable.read(path: try dir.write("u.pheno", "tsk 0 2\ntsk 1 1\ntsk 9 1\n"))
        let (counts, summary) = try GenotypeCounter.count(vcfPath: vcf, phenotypes: pheno, panel: [v("1", 100, "A", "G")])
        #expect(counts[0] == VariantCounts(cases: g(0, 1, 0, 0), controls: g(0, 0, 1, 0), unknownPhenotype: g(0, 0, 0, 0)))
        #expect(summary.examplesWithoutPhenotype == ["tsk_2"])
        #expect(summary.phenotypeSamplesNotInVCF == 1 && summary.examplesNotInVCF == ["9"])

        // One line naming two VCF samples (0 by IID, tsk_0 by FID_IID) is refused, naming the line.
        var both = "##fileformat=VCFv4.2\n##contig=<ID=1>\n"
        both += "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
        both += "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t0\ttsk_0\n"
        both += "1\t100\t.\tA\tG\t.\t.\t.\tGT\t0/1\t1/1\n"
        let bothVCF = try dir.write("both.vcf", both)
        let error = #expect(throws: GwasError.self) {
            try GenotypeCounter.count(vcfPath: bothVCF, phenotypes: pheno, panel: [v("1", 100, "A", "G")])
        }
        #expect(error == .inputField(path: pheno.path, line: 1, field: "IID",
                                     expected: "a line that names one VCF sample (by IID or by FID_IID)",
                                     found: "a line naming the VCF samples '0' and 'tsk_0' of \(bothVCF)"))
    }

    @Test("REF/ALT swapped relative to the panel: counts flipped")
    func swapped() throws {
        let site = try Site()
        let vcf = try site.vcf(["1 100 G A GT 0/0 0/1 1/1 ./. 0/0"])
        let (counts, summary) = try site.count(vcf, [v("1", 100, "A", "G")])
        #expect(counts[0] == VariantCounts(cases: g(0, 0, 1, 1), controls: g(0, 1, 0, 0), unknownPhenotype: g(1, 0, 0, 0)))
        #expect(summary.swappedRecordsMatched == 1)
        #expect(summary.description.contains("records with REF and ALT swapped against the panel, counts flipped: 1"))
    }

    @Test("a panel variant absent at the site counts every counted sample as missing, in panel order")
    func absent() throws {
        let site = try Site()
        let vcf = try site.vcf(["2 5 T C GT 1/1 1/1 1/1 1/1 1/1", "1 100 A G GT 0/1 0/1 0/1 0/1 0/1"])
        let panel = [v("1", 100, "A", "G"), v("1", 150, "A", "G"), v("2", 5, "T", "C")]
        let (counts, summary) = try site.count(vcf, panel)
        #expect(counts[0].all == g(0, 4, 0, 0))
        #expect(counts[1] == VariantCounts(cases: g(0, 0, 0, 2), controls: g(0, 0, 0, 1), unknownPhenotype: g(0, 0, 0, 1)))
        #expect(counts[2].all == g(0, 0, 4, 0))
        #expect(summary.panelVariantsAbsent == 1)
        #expect(summary.absentVariantIDs == [panel[1].id])
    }

    @Test("chromosomes match with or without a chr prefix; alleles case-insensitively")
    func chrPrefix() throws {
        let site = try Site()
        let vcf = try site.vcf(["chr1 100 a g GT 0/1 0/1 0/1 0/1 0/1", "2 5 T C GT 1/1 1/1 1/1 1/1 1/1"],
                               contigs: ["chr1", "2"])
        let (counts, summary) = try site.count(vcf, [v("1", 100, "A", "G"), v("chr2", 5, "T", "C")])
        #expect(counts[0].all == g(0, 4, 0, 0))
        #expect(counts[1].all == g(0, 0, 4, 0))
        #expect(summary.recordsMatched == 2)
    }

    @Test("records outside the panel or with other alleles are skipped and counted")
    func skipped() throws {
        let site = try Site()
        let vcf = try site.vcf(["1 99 A G GT 0/1 0/1 0/1 0/1 0/1", "1 100 A C GT 0/1 0/1 0/1 0/1 0/1",
                                "1 100 A G GT 1/1 1/1 1/1 1/1 1/1", "1 101 <DEL> A GT 0/1 0/1 0/1 0/1 0/1"])
        let (counts, summary) = try site.count(vcf, [v("1", 100, "A", "G"), v("1", 101, "A", "T")])
        #expect(counts[0].all == g(0, 0, 4, 0))
        #expect(counts[1].all == g(0, 0, 0, 4))
        #expect(summary.recordsNotInPanel == 1)
        #expect(summary.recordsWithOtherAlleles == 2)
        #expect(summary.recordsMatched == 1)
        #expect(summary.panelVariantsAbsent == 1)
    }

    @Test("multi-allelic records: calls with an allele outside the panel pair count as missing")
    func multiAllelic() throws {
        let site = try Site()
        let vcf = try site.vcf(["1 100 A G,T,<*> GT 0/2 1/2 2/2 0/1 0/3", "1 200 A C,G GT 1/0 2/2 1/1 0/2 1/2"])
        let (counts, summary) = try site.count(vcf, [v("1", 100, "A", "T"), v("1", 200, "G", "A")])
        // Panel A/T: a 0/2 het, b 1/2 missing, c 2/2 hom-alt, d 0/1 missing; e not counted.
        #expect(counts[0] == VariantCounts(cases: g(0, 1, 0, 1), controls: g(0, 0, 0, 1), unknownPhenotype: g(0, 0, 1, 0)))
        // Panel G/A (swapped, ALT is the record's second ALT): a 1/0 missing, b 2/2 hom-ref, c 1/1 missing, d 0/2 het.
        #expect(counts[1] == VariantCounts(cases: g(0, 1, 0, 1), controls: g(1, 0, 0, 0), unknownPhenotype: g(0, 0, 0, 1)))
        #expect(summary.multiAllelicRecordsMatched == 2)
        #expect(summary.callsWithOtherAlleles == 4)
    }

    @Test("ALT '.' matches by REF: hom-ref, or hom-alt when the site's REF is the panel's ALT")
    func dotAlt() throws {
        let site = try Site()
        let vcf = try site.vcf(["1 100 A . GT 0/0 0/0 ./. 0 0/0", "1 200 G . GT 0/0 0/0 0/0 0/0 0/0",
                                "1 300 C . GT 0/0 0/0 0/0 0/0 0/0"])
        let (counts, summary) = try site.count(vcf, [v("1", 100, "A", "G"), v("1", 200, "A", "G"), v("1", 300, "A", "G")])
        #expect(counts[0] == VariantCounts(cases: g(2, 0, 0, 0), controls: g(1, 0, 0, 0), unknownPhenotype: g(0, 0, 0, 1)))
        #expect(counts[1].all == g(0, 0, 4, 0))
        #expect(counts[2].all == g(0, 0, 0, 4))
        #expect(summary.monomorphicRecordsMatched == 2 && summary.recordsWithOtherAlleles == 1)
    }

    @Test("a matched record without GT counts every sample as missing")
    func noGenotypes() throws {
        let site = try Site()
        let vcf = try site.vcf(["1 100 A G DP 3 4 5 6 7"])
        let (counts, summary) = try site.count(vcf, [v("1", 100, "A", "G")])
        #expect(counts[0] == VariantCounts(cases: g(0, 0, 0, 2), controls: g(0, 0, 0, 1), unknownPhenotype: g(0, 0, 0, 1)))
        #expect(summary.recordsWithoutGenotypes == 1)
    }

    @Test("haploid calls count as homozygous, half-calls and ploidy above 2 as missing, 0/1/. as 0/1 (PLINK 1.9)")
    func ploidy() throws {
        let site = try Site()
        let vcf = try site.vcf(["1 100 A G GT 0 1 . 0/1 1", "1 200 A G GT 0/. ./1 .|0 ./. 0/.",
                                "1 300 A G GT 0/0/1 1/1/1 ./././. 0/1 1/1/1", "1 400 A G GT 1 0 1 0 1",
                                "1 500 A G GT 0/1/. 1|1|. 0/0/./. ./1/. 0/0/1"])
        let panel = [v("1", 100, "A", "G"), v("1", 200, "A", "G"), v("1", 300, "A", "G"), v("1", 400, "A", "G"),
                     v("1", 500, "A", "G")]
        let (counts, summary) = try site.count(vcf, panel)
        #expect(counts[0] == VariantCounts(cases: g(1, 1, 0, 0), controls: g(0, 0, 1, 0), unknownPhenotype: g(0, 0, 0, 1)))
        #expect(counts[1].all == g(0, 0, 0, 4))
        #expect(counts[2] == VariantCounts(cases: g(0, 1, 0, 1), controls: g(0, 0, 0, 1), unknownPhenotype: g(0, 0, 0, 1)))
        #expect(counts[3] == VariantCounts(cases: g(1, 0, 1, 0), controls: g(1, 0, 0, 0), unknownPhenotype: g(0, 0, 1, 0)))
        // Alleles after the second that are all '.' are padding (PLINK reads 0/1/. as 0/1); ./1/. is a half-call.
        #expect(counts[4] == VariantCounts(cases: g(0, 1, 0, 1), controls: g(0, 0, 1, 0), unknownPhenotype: g(1, 0, 0, 0)))
        #expect(summary.haploidCalls == 2 + 4)
        #expect(summary.halfCalls == 3 + 1)
        #expect(summary.polyploidCalls == 2)
    }

    @Test("a SNP record with the panel's REF and another base stands in for a panel SNP no record carries")
    func otherAltAtPanelSNP() throws {
        let site = try Site()
        // Panel A>G; the site wrote A>C (a: A/A case, b: A/C control, c: C/C unknown, d: A/A case).
        let vcf = try site.vcf(["1 100 A C GT 0/0 0/1 1/1 0/0 0/0", "1 200 A AT GT 0/0 0/1 1/1 0/0 0/0",
                                "1 300 T C GT 0/0 0/1 1/1 0/0 0/0"])
        let (counts, summary) = try site.count(vcf, [v("1", 100, "A", "G"), v("1", 200, "A", "G"), v("1", 300, "A", "G")])
        #expect(counts[0] == VariantCounts(cases: g(2, 0, 0, 0), controls: g(0, 0, 0, 1), unknownPhenotype: g(0, 0, 0, 1)))
        // An indel at the SNP's position, or a record whose REF is not the panel's, is not this variant.
        #expect(counts[1] == VariantCounts(cases: g(0, 0, 0, 2), controls: g(0, 0, 0, 1), unknownPhenotype: g(0, 0, 0, 1)))
        #expect(counts[2] == counts[1])
        #expect([summary.recordsMatched, summary.recordsWithOtherAlleles, summary.panelVariantsAbsent,
                 summary.panelVariantsCountedByReference, summary.callsWithOtherAlleles] == [0, 3, 2, 1, 2] as [Int])

        // A record carrying the pair wins, whichever comes first (split multi-allelic sites: A>C then A>G).
        let split = try site.vcf(["1 100 A C GT 0/0 0/1 1/1 0/0 0/0", "1 100 A G GT 0/1 0/0 0/0 1/1 0/0"], name: "split.vcf")
        let (both, s2) = try site.count(split, [v("1", 100, "A", "G")])
        #expect(both[0] == VariantCounts(cases: g(0, 1, 1, 0), controls: g(1, 0, 0, 0), unknownPhenotype: g(1, 0, 0, 0)))
        #expect([s2.recordsMatched, s2.recordsWithOtherAlleles, s2.panelVariantsCountedByReference, s2.callsWithOtherAlleles]
            == [1, 1, 0, 0] as [Int])
        // Two such records (A>C, A>T): their REF/REF calls may overlap, nothing is assumed.
        let two = try site.vcf(["1 100 A C GT 0/0 0/1 1/1 0/0 0/0", "1 100 A T GT 0/0 0/0 0/0 0/1 0/0"], name: "two.vcf")
        #expect(try site.count(two, [v("1", 100, "A", "G")]).0[0].all.missing == 4)
        // A panel with both A>G and A>C (a multi-allelic site split): the A>C record counts A>C exactly and
        // stands in for A>G by REF, as PLINK's A>G,C record of the merged file would have it.
        let (both2, _) = try site.count(vcf, [v("1", 100, "A", "G"), v("1", 100, "A", "C", id: "c")])
        #expect(both2[0] == counts[0])
        #expect(both2[1] == VariantCounts(cases: g(2, 0, 0, 0), controls: g(0, 1, 0, 0), unknownPhenotype: g(0, 0, 1, 0)))
    }

    @Test("chromosome names match with or without chr and leading zeros; a VCF matching no panel variant is refused")
    func chromosomeNames() throws {
        let site = try Site()
        let vcf = try site.vcf(["01 100 A G GT 0/0 0/1 1/1 ./. 1/1", "chr02 7 C T GT 0/1 0/1 0/1 0/1 0/1"],
                               contigs: ["01", "chr02"])
        let (counts, summary) = try site.count(vcf, [v("1", 100, "A", "G"), v("chr2", 7, "C", "T")])
        #expect(summary.recordsMatched == 2)
        #expect(counts[0] == VariantCounts(cases: g(1, 0, 0, 1), controls: g(0, 1, 0, 0), unknownPhenotype: g(0, 0, 1, 0)))
        #expect(PlinkChromosome.code(for: "chr07") == 7 && PlinkChromosome.code(for: "007") == 7)
        #expect(PlinkChromosome.code(for: "0") == nil && PlinkChromosome.code(for: "24") == nil && PlinkChromosome.code(for: "chrX") == 23)

        // Another naming (RefSeq accessions) matches nothing: refused, not sent as all-absent counts.
        let other = try site.vcf(["NC_000001.11 100 A G GT 0/0 0/1 1/1 ./. 1/1"], contigs: ["NC_000001.11"], name: "refseq.vcf")
        let panel = try site.dir.write("panel.tsv", "CHR POS ID REF ALT\n1 100 rs1 A G\n")
        let pheno = try site.dir.write("p.tsv", "a\t2\nb\t1\n")
        #expect(throws: GwasError.gwasNoPanelVariants(vcf: other, records: 1, panel: panel)) {
            try GwasFiles.count(vcf: other, phenotypes: pheno, panel: panel)
        }
        #expect(try GwasFiles.count(vcf: vcf, phenotypes: pheno, panel: panel).summary.recordsMatched == 1)
    }

    @Test("a second record for the same panel variant is an error naming both")
    func duplicateRecord() throws {
        let site = try Site()
        let vcf = try site.vcf(["1 100 A G GT 0/0 0/1 1/1 ./. 1/1", "1 100 G A GT 0/0 0/1 1/1 ./. 1/1"])
        #expect(throws: GwasError.vcfRecord(
            path: vcf, chrom: "1", pos: 100, field: "CHROM/POS/REF/ALT",
            reason: "second record for panel variant rs1 (first at 1:100); expected one record per panel variant")) {
            try site.count(vcf, [v("1", 100, "A", "G", id: "rs1")])
        }
    }

    @Test("malformed VCF input is an error naming the file, the record and the field")
    func malformed() throws {
        let site = try Site()
        let panel = [v("1", 100, "A", "G"), v("1", 200, "A", "G")]
        let short = try site.vcf(["1 100 A G GT 0/0 0/1 1/1 ./. 1/1", "1 200 A G GT 0/0"], name: "short.vcf")
        let error = #expect(throws: GwasError.self) { try site.count(short, panel) }
        #expect(error == .vcfRecord(path: short, chrom: "1", pos: 200, field: "columns",
                                    reason: "expected 5 sample columns, found 1"))
        #expect(error?.description == "\(short): record 1:200: field columns: expected 5 sample columns, found 1")
        let long = try site.vcf(["1 200 A G GT 0/0 0/1 1/1 ./. 1/1 0/0"], name: "long.vcf")
        #expect(throws: GwasError.vcfRecord(path: long, chrom: "1", pos: 200, field: "columns",
                                                      reason: "expected 5 sample columns, found more")) {
            try site.count(long, panel)
        }
        let badGT = try site.vcf(["1 100 A G GT:DP 0/0:3 0/x:4 1/1 ./. 1/1"], name: "gt.vcf")
        let gtError = #expect(throws: GwasError.self) { try site.count(badGT, panel) }
        #expect(gtError?.description == "\(badGT): record 1:100: field GT of sample b: expected alleles (numbers or "
            + "'.') separated by '/' or '|', found '0/x:4'")
        let badPos = try site.vcf(["1 abc A G GT 0/0 0/1 1/1 ./. 1/1"], name: "pos.vcf")
        #expect(throws: GwasError.vcfRecord(path: badPos, chrom: "1", pos: 0, field: "POS",
                                                      reason: "expected a positive 1-based position, found 'abc'")) {
            try site.count(badPos, panel)
        }
        let fewColumns = try site.dir.write("few.vcf", "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t100\trs1\tA\n")
        #expect(throws: GwasError.vcfRecord(path: fewColumns, chrom: "1", pos: 100, field: "columns",
                                                      reason: "expected at least 8 tab-separated columns")) {
            try site.count(fewColumns, panel)
        }
        let dupSamples = try site.dir.write("dup.vcf", "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ta\ta\n")
        #expect(throws: GwasError.vcfHeader(
            path: dupSamples, reason: "htslib could not parse the header (expected ##fileformat, a #CHROM line and unique sample names)")) {
            try site.count(dupSamples, panel)
        }
        let text = try site.dir.write("notes.txt", "just some text\n")
        #expect(throws: GwasError.vcfHeader(
            path: text, reason: "not a VCF or BCF file (expected VCF text, bgzipped VCF or BCF)")) {
            try site.count(text, panel)
        }
        // Binary content htslib does not recognise (an image, a container file) is not a VCF either.
        for (name, bytes) in [("image.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 64)),
                              ("site.he", ContainerFormat.magic + [UInt8](repeating: 7, count: 64))] as [(String, [UInt8])] {
            let path = site.dir.path + "/" + name
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(throws: GwasError.vcfHeader(
                path: path, reason: "not a VCF or BCF file (expected VCF text, bgzipped VCF or BCF)")) {
                try site.count(path, panel)
            }
        }
        let missing = site.dir.path + "/missing.vcf.gz"
        #expect(throws: GwasError.inputUnreadable(path: missing, reason: "No such file or directory")) {
            try site.count(missing, panel)
        }
    }

    @Test("VCF text: GT need not be the first FORMAT key; multi-digit alleles; sites-only lines")
    func textVariants() throws {
        let site = try Site()
        let vcf = try site.vcf(["1 100 A G DP:GT 3:0/1 4:1/1 5 .:0/0 7:1/0", "1 200 A C,G,T,AA,AC,AG,AT,CA,CC,CG GT 0/10 10/10 0/0 10|0 1/1"])
        let (counts, _) = try site.count(vcf, [v("1", 100, "A", "G"), v("1", 200, "A", "CG")])
        #expect(counts[0] == VariantCounts(cases: g(1, 1, 0, 0), controls: g(0, 0, 1, 0), unknownPhenotype: g(0, 0, 0, 1)))
        #expect(counts[1] == VariantCounts(cases: g(0, 2, 0, 0), controls: g(0, 0, 1, 0), unknownPhenotype: g(1, 0, 0, 0)))
        let sitesOnly = try site.dir.write("sites.vcf", "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t100\trs1\tA\tG\t.\t.\t.\n")
        let (none, summary) = try site.count(sitesOnly, [v("1", 100, "A", "G")])
        #expect(none[0] == VariantCounts())
        #expect(summary.recordsWithoutGenotypes == 1)
    }

    @Test("plain VCF, bgzipped VCF and BCF give the same counts", .enabled(if: GWASOracles.toolsEnabled, GWASOracles.toolsReason))
    func formats() throws {
        let site = try Site()
        // Every rule at once: swapped, multi-allelic, haploid, half, triploid, ALT '.', no GT, other alleles,
        // outside the panel, absent, GT not first; the text path and htslib's BCF path must agree.
        let vcf = try site.vcf(["1 100 A G GT 0/0 0/1 1/1 ./. 1/1", "1 200 C T,G GT 0|2 1|1 0/0 1/0 0/.",
                                "2 5 T C GT 1 1/1 0/0/1 0/1 0/0", "2 7 C T GT:DP 1/0:3 ./1:4 0|1:5 1/1:6 ./1:7",
                                "2 8 A . GT 0/0 0 ./. 0/0 0/0", "2 9 A C DP 3 4 5 6 7", "2 10 A C GT 0/1 0/1 0/1 0/1 0/1",
                                "2 11 A C GT 0/1 0/1 0/1 0/1 0/1", "2 12 G T DP:GT 3:0/1 4:1/1 5:0/0/0 6:. 7:1",
                                "2 13 A C GT 0/1/. 1/1/. ./1/. 0/0/. 0/0/1"])
        let panel = [v("1", 100, "A", "G"), v("1", 200, "C", "G"), v("2", 5, "T", "C"), v("2", 6, "T", "C"),
                     v("2", 7, "T", "C"), v("2", 8, "A", "T"), v("2", 9, "A", "C"), v("2", 10, "A", "T"),
                     v("2", 12, "G", "T"), v("2", 13, "A", "C")]
        let gz = site.dir.path + "/site.vcf.gz", bcf = site.dir.path + "/site.bcf"
        try GWASOracles.run(GWASOracles.bcftools, ["view", "-Oz", "-o", gz, vcf], name: "bcftools")
        try GWASOracles.run(GWASOracles.bcftools, ["view", "-Ob", "-o", bcf, vcf], name: "bcftools")
        let plain = try site.count(vcf, panel)
        #expect(plain.0[1] == VariantCounts(cases: g(0, 1, 0, 1), controls: g(0, 0, 0, 1), unknownPhenotype: g(1, 0, 0, 0)))
        #expect(plain.0[4] == VariantCounts(cases: g(1, 1, 0, 0), controls: g(0, 0, 0, 1), unknownPhenotype: g(0, 1, 0, 0)))
        #expect(plain.0[8] == VariantCounts(cases: g(0, 1, 0, 1), controls: g(0, 0, 1, 0), unknownPhenotype: g(0, 0, 0, 1)))
        let s = plain.1
        #expect(plain.0[9] == VariantCounts(cases: g(1, 1, 0, 0), controls: g(0, 0, 1, 0), unknownPhenotype: g(0, 0, 0, 1)))
        // 2:10 A>C stands in for the panel's A>T by REF (every call there carries C: 4 more other-allele calls).
        #expect([s.records, s.recordsMatched, s.recordsNotInPanel, s.recordsWithOtherAlleles] == [10, 8, 1, 1] as [Int])
        #expect([s.multiAllelicRecordsMatched, s.monomorphicRecordsMatched, s.recordsWithoutGenotypes,
                  s.panelVariantsAbsent] == [1, 1, 1, 1] as [Int])
        #expect([s.halfCalls, s.haploidCalls, s.polyploidCalls, s.callsWithOtherAlleles] == [1 + 1, 2, 2, 2 + 4] as [Int])
        #expect(s.swappedRecordsMatched == 1 && s.panelVariantsCountedByReference == 1)
        for path in [gz, bcf] {
            let other = try site.count(path, panel)
            #expect(other.0 == plain.0, "\(path)")
            #expect(other.1 == plain.1, "\(path)")
            let threaded = try GenotypeCounter.count(vcfPath: path, phenotypes: site.phenotypes, panel: panel,
                                                     decompressionThreads: 2)
            #expect(threaded.counts == plain.0 && threaded.summary == plain.1, "\(path) with 2 threads")
        }
        // A truncated BCF is an error, not a short count.
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: bcf)))
        let truncated = site.dir.path + "/truncated.bcf"
        try Data(bytes[0..<(bytes.count * 2 / 3)]).write(to: URL(fileURLWithPath: truncated))
        let error = #expect(throws: GwasError.self) { try site.count(truncated, panel) }
        #expect(error?.description.hasPrefix("\(truncated): ") == true, "\(String(describing: error))")
        // Cut at a BGZF block boundary (here: without the 28-byte end-of-file block) every record left is whole;
        // the missing end-of-file block still shows the truncation.
        for path in [gz, bcf] {
            let whole = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
            let cut = path + ".cut"
            try Data(whole.dropLast(28)).write(to: URL(fileURLWithPath: cut))
            #expect(throws: GwasError.vcfHeader(
                path: cut, reason: "the BGZF end-of-file block is missing, so the file is truncated (copy or download "
                    + "it again; a file written by bgzip, bcftools or htslib ends with it)")) { try site.count(cut, panel) }
        }
    }
}
