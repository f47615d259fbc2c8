import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

/// Per-site counts summed over sites must equal the genotype counts PLINK 1.9 reports on the pooled VCF, for
/// every variant of a simulated cohort with planted edge cases, whatever the split of samples across sites.
@Suite("Genotype counts against PLINK 1.9")
struct PlinkCountTests {
    struct Cohort {
        var dir: GWASTemporaryDirectory
        var panel: [PanelVariant]
        var sites: [(vcf: String, pheno: String)]
        var special: [String: String]
    }

    static func simulate(seed: Int, splitSeed: Int, samples: Int, variants: Int) throws -> Cohort {
        let dir = try GWASTemporaryDirectory()
        try GWASOracles.run(GWASOracles.python, [
            GWASOracles.repositoryRoot + "/Tests/Oracles/simulate_cohort.py", "--out", dir.path,
            "--samples", "\(samples)", "--variants", "\(variants)", "--seed", "\(seed)", "--split-seed", "\(splitSeed)",
        ], name: "HE_TEST_PYTHON")
        let manifestData = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
        let siteEntries = try #require(manifest["sites"] as? [[String: Any]])
        let sites = try siteEntries.map { entry in
            (vcf: dir.path + "/" + (try #require(entry["vcf"] as? String)),
             pheno: dir.path + "/" + (try #require(entry["pheno"] as? String)))
        }
        let special = try #require(manifest["special"] as? [String: String])
        return Cohort(dir: dir, panel: try VariantPanel.read(path: dir.path + "/panel.tsv"), sites: sites,
                      special: special)
    }

    /// Runs PLINK 1.9 on the pooled VCF and returns, per SNP, (A1, A2, all, cases, controls) counts.
    static func plinkCounts(_ cohort: Cohort) throws -> (ids: [String], rows: [String: PlinkRow]) {
        let dir = cohort.dir.path
        return try plinkCounts(vcf: dir + "/pooled.vcf.gz", pheno: dir + "/pooled.pheno", out: dir + "/plink")
    }

    /// Runs PLINK 1.9 on `vcf` with `pheno` (with `--double-id` unless `doubleID` is false: then PLINK splits
    /// sample IDs at their underscore into FID and IID) and returns, per SNP, (A1, A2, all, cases, controls).
    static func plinkCounts(vcf: String, pheno: String, out: String,
                            doubleID: Bool = true) throws -> (ids: [String], rows: [String: PlinkRow]) {
        try GWASOracles.run(GWASOracles.plink, [
            "--vcf", vcf, "--pheno", pheno, "--allow-no-sex", "--keep-allele-order", "--vcf-half-call", "missing",
            "--model", "--freqx", "--out", out,
        ] + (doubleID ? ["--double-id"] : []), name: "plink1.9")
        let dir = (out as NSString).deletingLastPathComponent
        let base = (out as NSString).lastPathComponent
        return try parsePlink(frqx: dir + "/" + base + ".frqx", model: dir + "/" + base + ".model")
    }

    static func parsePlink(frqx frqxPath: String, model modelPath: String) throws -> (ids: [String], rows: [String: PlinkRow]) {
        var ids: [String] = []
        var rows: [String: PlinkRow] = [:]
        let frqx = try String(contentsOfFile: frqxPath, encoding: .utf8)
        for line in frqx.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t").map(String.init)
            try #require(f.count == 10, "unexpected .frqx line: \(line)")
            let n = try f[4...].map { try #require(UInt64($0), "count in \(line)") }
            // C(HOM A1) C(HET) C(HOM A2) C(HAP A1) C(HAP A2) C(MISSING); A1 = ALT, A2 = REF with --keep-allele-order.
            try #require(n[3] == 0 && n[4] == 0, "no haploid counts expected on autosomes: \(line)")
            ids.append(f[1])
            rows[f[1]] = PlinkRow(a1: f[2], a2: f[3], all: GenotypeCounts(homRef: n[2], het: n[1], homAlt: n[0], missing: n[5]))
        }
        let model = try String(contentsOfFile: modelPath, encoding: .utf8)
        for line in model.split(separator: "\n").dropFirst() {
            let f = line.split(separator: " ").map(String.init)
            if f.count == 10, f[4] == "ALLELIC" { rows[f[1]]?.allelicP = Double(f[9]) }
            guard f.count >= 7, f[4] == "GENO" else { continue }
            func counts(_ text: String) throws -> GenotypeCounts {
                let n = try text.split(separator: "/").map { try #require(UInt64($0), "count in \(line)") }
                try #require(n.count == 3)
                return GenotypeCounts(homRef: n[2], het: n[1], homAlt: n[0])
            }
            try #require(rows[f[1]] != nil, "SNP \(f[1]) of .model missing from .frqx")
            rows[f[1]]!.cases = try counts(f[5])
            rows[f[1]]!.controls = try counts(f[6])
        }
        return (ids, rows)
    }

    struct PlinkRow {
        var a1: String, a2: String
        var all: GenotypeCounts
        var cases: GenotypeCounts?, controls: GenotypeCounts?
        var allelicP: Double?
    }

    static func add(_ a: [VariantCounts], _ b: [VariantCounts]) -> [VariantCounts] {
        zip(a, b).map { VariantCounts(cases: $0.cases + $1.cases, controls: $0.controls + $1.controls,
                                      unknownPhenotype: $0.unknownPhenotype + $1.unknownPhenotype) }
    }

    @Test("the simulated cohort is a function of its seeds", .enabled(if: GWASOracles.plinkEnabled, GWASOracles.plinkReason))
    func deterministic() throws {
        let a = try Self.simulate(seed: 5, splitSeed: 3, samples: 200, variants: 60)
        let b = try Self.simulate(seed: 5, splitSeed: 3, samples: 200, variants: 60)
        let c = try Self.simulate(seed: 6, splitSeed: 3, samples: 200, variants: 60)
        func contents(_ cohort: Cohort) throws -> [String] {
            let dir = cohort.dir.path
            return try ["panel.tsv", "pooled.pheno", "site1.pheno"].map {
                try String(contentsOfFile: dir + "/" + $0, encoding: .utf8)
            } + [try GWASOracles.run(GWASOracles.bcftools, ["view", "-H", dir + "/pooled.vcf.gz"], name: "bcftools"),
                 try GWASOracles.run(GWASOracles.bcftools, ["view", "-H", dir + "/site3.bcf"], name: "bcftools")]
        }
        #expect(try contents(a) == contents(b))
        #expect(try contents(a) != contents(c))
    }

    @Test("VCF sample IDs like sample_1: a phenotype file for PLINK's default FID/IID split, as PLINK reads it",
          .enabled(if: GWASOracles.plinkEnabled, GWASOracles.plinkReason))
    func underscoreSampleIDsAgainstPlink() throws {
        let dir = try GWASTemporaryDirectory()
        var rng = SystemRandomNumberGenerator()
        let samples = 60, variants = 40
        var text = "##fileformat=VCFv4.2\n##contig=<ID=1>\n"
        text += "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
        text += "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t"
        // From 1: PLINK refuses the IID 0 (its missing-ID code) that tsk_0 would split into.
        text += (1...samples).map { "sample_\($0)" }.joined(separator: "\t") + "\n"
        var panel: [PanelVariant] = []
        for v in 0..<variants {
            let calls = (0..<samples).map { _ in ["0/0", "0/1", "1/1", "./.", "0|0", "1|0"].randomElement(using: &rng)! }
            panel.append(PanelVariant(chrom: "1", pos: 1000 + 10 * v, id: "v\(v)", ref: "A", alt: "G"))
            text += "1\t\(1000 + 10 * v)\tv\(v)\tA\tG\t.\t.\t.\tGT\t" + calls.joined(separator: "\t") + "\n"
        }
        let vcf = try dir.write("u.vcf", text)
        // FID sample, IID the number: what PLINK 1.9 makes of these IDs without --double-id. Every code, and one
        // sample without a line.
        let codes = ["2", "1", "0", "-9", "NA", "2", "1"]
        let pheno = try dir.write("u.pheno", (1..<samples).map { "sample \($0) \(codes[$0 % codes.count])\n" }.joined())
        let (ids, plink) = try Self.plinkCounts(vcf: vcf, pheno: pheno, out: dir.path + "/plink", doubleID: false)
        #expect(ids == panel.map(\.id))
        let (counts, summary) = try GenotypeCounter.count(vcfPath: vcf, phenotypes: try PhenotypeTable.read(path: pheno),
                                                          panel: panel)
        #expect(summary.samplesWithoutPhenotype == 1 && summary.phenotypeSamplesNotInVCF == 0)
        let nCases = UInt64(summary.cases), nControls = UInt64(summary.controls)
        #expect(nCases > 0 && nControls > 0)
        for (variant, c) in zip(panel, counts) {
            let row = try #require(plink[variant.id])
            let cases = try #require(row.cases), controls = try #require(row.controls)
            // PLINK still counts the sample without a phenotype line in --freqx; the counter leaves it out.
            #expect(c.cases == GenotypeCounts(homRef: cases.homRef, het: cases.het, homAlt: cases.homAlt,
                                              missing: nCases - cases.called), "\(variant.id)")
            #expect(c.controls == GenotypeCounts(homRef: controls.homRef, het: controls.het, homAlt: controls.homAlt,
                                                 missing: nControls - controls.called), "\(variant.id)")
            #expect(c.all.called <= row.all.called && row.all.called - c.all.called <= 1, "\(variant.id)")
        }
    }

    @Test("site counts summed = PLINK 1.9 --freqx/--model on the pooled VCF", .timeLimit(.minutes(6)),
          .enabled(if: GWASOracles.plinkEnabled, GWASOracles.plinkReason), arguments: [1, 2])
    func pooledAgainstPlink(splitSeed: Int) throws {
        let cohort = try Self.simulate(seed: 2026, splitSeed: splitSeed, samples: 1500, variants: 1200)
        let panel = cohort.panel

        // Each site counts its own files; the sums are what the key holder decrypts.
        var summed = [VariantCounts](repeating: VariantCounts(), count: panel.count)
        var summaries: [SiteInputSummary] = []
        for site in cohort.sites {
            let (counts, summary) = try GenotypeCounter.count(
                vcfPath: site.vcf, phenotypes: try PhenotypeTable.read(path: site.pheno), panel: panel)
            #expect(counts.count == panel.count)
            summed = Self.add(summed, counts)
            summaries.append(summary)
        }
        #expect(summaries[0].cases == 0, "site 0 has no cases")
        #expect(Set(summaries.map(\.vcfSamples)).count == summaries.count, "sites differ in size")

        // The pooled VCF counted as one site gives the same vector: the split does not matter.
        let pooledPhenotypes = try PhenotypeTable.read(path: cohort.dir.path + "/pooled.pheno")
        let pooled = try GenotypeCounter.count(vcfPath: cohort.dir.path + "/pooled.vcf.gz",
                                               phenotypes: pooledPhenotypes, panel: panel)
        #expect(pooled.counts == summed)

        // PLINK 1.9 on the pooled VCF: same SNPs in the same order, A1 = panel ALT, identical integer counts.
        let (ids, plink) = try Self.plinkCounts(cohort)
        #expect(ids == panel.map(\.id))
        let nCases = UInt64(pooled.summary.cases), nControls = UInt64(pooled.summary.controls)
        #expect(nCases == UInt64(summaries.map(\.cases).reduce(0, +)))
        var mismatches: [String] = []
        for (variant, counts) in zip(panel, summed) {
            guard let row = plink[variant.id], let cases = row.cases, let controls = row.controls else {
                mismatches.append("\(variant.id): no PLINK row")
                continue
            }
            let pinned = row.a1 == variant.alt && row.a2 == variant.ref
                && counts.all == row.all
                && counts.cases == GenotypeCounts(homRef: cases.homRef, het: cases.het, homAlt: cases.homAlt,
                                                  missing: nCases - cases.called)
                && counts.controls == GenotypeCounts(homRef: controls.homRef, het: controls.het,
                                                     homAlt: controls.homAlt, missing: nControls - controls.called)
            if !pinned { mismatches.append("\(variant.id): ours \(counts), PLINK \(row)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) variants differ: \(mismatches.prefix(5))")

        // The planted edge cases reached the counter.
        let byID = Dictionary(uniqueKeysWithValues: zip(panel.map(\.id), summed))
        func planted(_ name: String) throws -> VariantCounts {
            let id = try #require(cohort.special[name])
            return try #require(byID[id])
        }
        #expect(try planted("miss100").all.called == 0)
        let miss30 = try planted("miss30").all
        #expect(Double(miss30.missing) / Double(miss30.missing + miss30.called) > 0.2)
        #expect(try planted("monoRef").all.het + planted("monoRef").all.homAlt == 0)
        #expect(try planted("monoAlt").all.het + planted("monoAlt").all.homRef == 0)
        #expect(try planted("tie").all.refAlleles == planted("tie").all.altAlleles)
        #expect(try planted("caseOnlyAlt").controls.altAlleles == 0 && planted("caseOnlyAlt").cases.altAlleles > 0)
        #expect(try planted("controlOnlyAlt").cases.altAlleles == 0 && planted("controlOnlyAlt").controls.altAlleles > 0)
        #expect(try planted("missCasesOnly").controls.missing == 0 && planted("missCasesOnly").cases.missing > 0)
        let strongID = try #require(cohort.special["strong"])
        let strongP = try #require(plink[strongID]?.allelicP)
        #expect(strongP < 1e-50, "PLINK's allelic P of the planted strong association")
        let total = summaries.reduce(into: SiteInputSummary()) { t, s in
            t.multiAllelicRecordsMatched += s.multiAllelicRecordsMatched
            t.monomorphicRecordsMatched += s.monomorphicRecordsMatched
            t.recordsWithoutGenotypes += s.recordsWithoutGenotypes
            t.panelVariantsAbsent += s.panelVariantsAbsent
            t.recordsNotInPanel += s.recordsNotInPanel
            t.samplesWithoutPhenotype += s.samplesWithoutPhenotype
            t.phenotypeSamplesNotInVCF += s.phenotypeSamplesNotInVCF
            t.halfCalls += s.halfCalls
            t.haploidCalls += s.haploidCalls
            t.polyploidCalls += s.polyploidCalls
            t.callsWithOtherAlleles += s.callsWithOtherAlleles
        }
        #expect(total.multiAllelicRecordsMatched == 1 && total.monomorphicRecordsMatched == 1)
        #expect(total.recordsWithoutGenotypes == 1 && total.panelVariantsAbsent == 1 && total.recordsNotInPanel == 1)
        #expect(total.samplesWithoutPhenotype == 1 && total.phenotypeSamplesNotInVCF == 1)
        #expect(total.halfCalls > 0 && total.haploidCalls > 0 && total.polyploidCalls > 0 && total.callsWithOtherAlleles > 0)
    }
}
