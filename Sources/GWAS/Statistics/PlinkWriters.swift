import EncryptedStats
import HEFiles

// Report files in PLINK 1.9's layout (.assoc, .model, .hwe, .frq) plus a tab-separated full-precision table.
//
// Every file is first written to a temporary file next to its destination; only when all requested files are
// complete are they renamed into place, so a failure never leaves a partial report behind.


#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The report files `PlinkWriter` can produce.
public enum PlinkReportFile: String, Sendable, CaseIterable, Hashable {
    /// `--assoc`: allelic test per variant.
    case assoc
    /// `--model`: GENO, TREND, ALLELIC, DOM, REC rows per variant.
    case model
    /// `--hardy`: exact Hardy-Weinberg test, ALL/AFF/UNAFF rows.
    case hwe
    /// `--freq`: A1 frequency and allele observations.
    case frq
    /// Tab-separated table of every statistic at full precision (shortest exact round-trip decimal).
    case full

    /// The suffix appended to the output prefix, the same as PLINK's for the PLINK files.
    public var fileExtension: String {
        switch self {
        case .assoc: ".assoc"
        case .model: ".model"
        case .hwe: ".hwe"
        case .frq: ".frq"
        case .full: ".gwas.tsv"
        }
    }
}

/// Writes analysis results as PLINK 1.9 report files.
public enum PlinkWriter {
    /// Columns of the full-precision table, in order.
    public static let fullColumns = [
        "CHR", "SNP", "BP", "REF", "ALT", "A1", "A2",
        "C_A1_AFF", "C_A2_AFF", "C_A1_UNAFF", "C_A2_UNAFF", "F_A", "F_U", "CHISQ", "P", "OR",
        "MAF", "NCHROBS",
        "CHISQ_GENO", "DF_GENO", "P_GENO", "CHISQ_TREND", "P_TREND", "CHISQ_ALLELIC", "P_ALLELIC",
        "CHISQ_DOM", "P_DOM", "CHISQ_REC", "P_REC",
        "GENO_ALL", "O_HET_ALL", "E_HET_ALL", "P_HWE", "GENO_AFF", "P_HWE_AFF", "GENO_UNAFF", "P_HWE_UNAFF",
    ]

    /// Writes `prefix` + each file's extension (for example `out.assoc`), each with mode 0600 (decrypted results),
    /// and returns the paths written.
    ///
    /// - Throws: `GwasError.notEnoughPhenotypes` when `.assoc` or `.model` is requested but fewer than
    ///   two samples have a case/control phenotype (PLINK skips those reports then); `GwasError.file(.fileUnwritable)` when a file
    ///   cannot be written (nothing is left behind in that case).
    @discardableResult
    public static func write(reports: [VariantReport], prefix: String,
                             files: Set<PlinkReportFile>) throws(GwasError) -> [String] {
        try write(try render(reports: reports, prefix: prefix, files: files), receipt: nil)
    }

    /// The bytes of every report file asked for, with its path (`prefix` + extension), in a fixed order; refuses
    /// association files without two phenotyped samples. Nothing is written.
    public static func render(reports: [VariantReport], prefix: String,
                              files: Set<PlinkReportFile>) throws(GwasError) -> [(path: String, bytes: [UInt8])] {
        let ordered = PlinkReportFile.allCases.filter(files.contains)
        let phenotyped = reports.map(\.phenotypedSamples).max() ?? 0
        if phenotyped < 2 && (files.contains(.assoc) || files.contains(.model)) {
            throw GwasError.notEnoughPhenotypes(found: phenotyped)
        }
        return ordered.map { (prefix + $0.fileExtension, renderBytes($0, reports: reports)) }
    }

    /// Writes rendered report files (mode 0600: they are released results), all or none, and with `receipt` the
    /// release receipt at its path beside them.
    public static func write(_ staged: [(path: String, bytes: [UInt8])],
                             receipt: (path: String, receipt: ReleaseReceipt)?) throws(GwasError) -> [String] {
        // Every file is staged beside its destination, then all are renamed into place together (or none is).
        return try GWAS.files { () throws(HEFilesError) in
            var writers: [AtomicFileWriter] = []
            for (path, bytes) in staged {
                // Decrypted results: readable by their owner only, whatever the mode of a file they replace.
                let output = try AtomicFileWriter(destination: path, mode: AtomicFileWriter.ownerOnly)
                writers.append(output)
                try output.write(bytes)
            }
            if let receipt {
                let output = try AtomicFileWriter(destination: receipt.path, mode: AtomicFileWriter.ownerOnly)
                writers.append(output)
                try output.write(Array(receipt.receipt.json.utf8))
            }
            try AtomicFileWriter.commitAll(writers)
            return writers.map(\.destination)
        }
    }

    /// The text of one report file.
    package static func render(_ file: PlinkReportFile, reports: [VariantReport]) -> String {
        String(decoding: renderBytes(file, reports: reports), as: UTF8.self)
    }

    static func renderBytes(_ file: PlinkReportFile, reports: [VariantReport]) -> [UInt8] {
        var out = ReportText()
        switch file {
        case .assoc: assoc(reports, into: &out)
        case .model: model(reports, into: &out)
        case .hwe: hwe(reports, into: &out)
        case .frq: frq(reports, into: &out)
        case .full: full(reports, into: &out)
        }
        return out.bytes
    }

    static func assoc(_ reports: [VariantReport], into out: inout ReportText) {
        let width = PlinkFormat.snpWidth(reports.lazy.map(\.variant.id))
        out.header(snpWidth: width, "         BP   A1      F_A      F_U   A2        CHISQ            P           OR \n")
        for r in reports {
            let a = r.assoc
            out.variant(r, width)
            out.append(" ")
            out.pad(r.variant.pos, 10)
            out.append(" ")
            out.pad(r.a1, 4)
            out.append(" ")
            out.g4(a.frequencyAffected, 8)
            out.append(" ")
            out.g4(a.frequencyUnaffected, 8)
            out.append(" ")
            out.pad(r.a2, 4)
            out.append(" ")
            if let chi = a.chiSquare, let p = a.p {
                out.g4(chi, 12)
                out.append(" ")
                out.g4(PlinkFormat.printedChiSquareP(p, chiSquare: chi, degreesOfFreedom: 1), 12)
            } else {
                out.append("          NA           NA")
            }
            out.append(" ")
            out.g4(a.oddsRatio, 12)
            out.append(" \n")
        }
    }

    static func model(_ reports: [VariantReport], into out: inout ReportText) {
        let width = PlinkFormat.snpWidth(reports.lazy.map(\.variant.id))
        out.header(snpWidth: width, "   A1   A2     TEST            AFF          UNAFF        CHISQ   DF            P\n")
        for r in reports {
            for test in r.model {
                out.variant(r, width)
                out.append(" ")
                out.alleles(r)
                out.append("  ")
                out.pad(test.kind.rawValue, 7)
                out.append(" ")
                out.counts(test.affected, 14)
                out.append(" ")
                out.counts(test.unaffected, 14)
                out.append(" ")
                if let chi = test.chiSquare, let df = test.degreesOfFreedom, let p = test.p {
                    out.g4(chi, 12)
                    out.append("    \(df) ")
                    out.g4(PlinkFormat.printedChiSquareP(p, chiSquare: chi, degreesOfFreedom: df), 12)
                    out.append("\n")
                } else {
                    out.append("          NA   NA           NA\n")
                }
            }
        }
    }

    static func hwe(_ reports: [VariantReport], into out: inout ReportText) {
        let width = PlinkFormat.snpWidth(reports.lazy.map(\.variant.id))
        // Without any case/control phenotype PLINK writes a single ALL(NP) row per variant.
        let phenotypes = (reports.map(\.phenotypedSamples).max() ?? 0) > 0
        out.header(snpWidth: width, "     TEST   A1   A2                 GENO   O(HET)   E(HET)            P \n")
        for r in reports {
            for row in r.hardy where phenotypes || row.group == .all {
                out.variant(r, width)
                if phenotypes {
                    out.pad(row.group.rawValue, 9)
                    out.append(" ")
                } else {
                    out.append("  ALL(NP) ")
                }
                out.alleles(r)
                out.append(" ")
                out.counts([row.homA1, row.het, row.homA2], 20)
                out.append(" ")
                if let observed = row.observedHeterozygosity, let expected = row.expectedHeterozygosity {
                    out.g4(observed, 8)
                    out.append(" ")
                    out.g4(expected, 8)
                    out.append(" ")
                } else {
                    out.append("     nan      nan ")
                }
                out.g4(row.p, 12)
                out.append("\n")
            }
        }
    }

    static func frq(_ reports: [VariantReport], into out: inout ReportText) {
        let width = PlinkFormat.snpWidth(reports.lazy.map(\.variant.id))
        out.append(" CHR  ")
        out.append(String(repeating: " ", count: max(0, width - 4)))
        out.append("SNP   A1   A2          MAF  NCHROBS\n")
        // PLINK walks chromosomes in code order (and variants in file order within one).
        let order = reports.indices.sorted {
            (reports[$0].chromosomeCode, $0) < (reports[$1].chromosomeCode, $1)
        }
        for index in order {
            let r = reports[index]
            out.variant(r, width)
            out.append(" ")
            out.alleles(r)
            out.append(" ")
            out.g4(r.frequency.a1Frequency, 12)
            out.append(" ")
            out.pad(r.frequency.alleleObservations, 8)
            out.append("\n")
        }
    }

    static func full(_ reports: [VariantReport], into out: inout ReportText) {
        out.append(fullColumns.joined(separator: "\t"))
        out.append("\n")
        for r in reports {
            let a = r.assoc
            let geno = r.modelTest(.genotypic), trend = r.modelTest(.trend), allelic = r.modelTest(.allelic)
            let dom = r.modelTest(.dominant), rec = r.modelTest(.recessive)
            let all = r.hardyRow(.all), aff = r.hardyRow(.affected), unaff = r.hardyRow(.unaffected)
            var first = true
            func field(_ text: String) {
                if !first { out.append("\t") }
                first = false
                out.append(text)
            }
            func number(_ value: Double?) {
                if !first { out.append("\t") }
                first = false
                out.full(value)
            }
            func genotypes(_ row: HardyRow?) {
                field(row.map { "\($0.homA1)/\($0.het)/\($0.homA2)" } ?? "NA")
            }
            field(String(r.chromosomeCode))
            field(r.variant.id)
            field(String(r.variant.pos))
            field(r.variant.ref)
            field(r.variant.alt)
            field(r.a1)
            field(r.a2)
            for count in [a.caseA1, a.caseA2, a.controlA1, a.controlA2] { field(String(count)) }
            for value in [a.frequencyAffected, a.frequencyUnaffected, a.chiSquare, a.p, a.oddsRatio,
                          r.frequency.a1Frequency] { number(value) }
            field(String(r.frequency.alleleObservations))
            number(geno?.chiSquare)
            field(geno?.degreesOfFreedom.map(String.init) ?? "NA")
            for value in [geno?.p, trend?.chiSquare, trend?.p, allelic?.chiSquare, allelic?.p,
                          dom?.chiSquare, dom?.p, rec?.chiSquare, rec?.p] { number(value) }
            genotypes(all)
            for value in [all?.observedHeterozygosity, all?.expectedHeterozygosity, all?.p] { number(value) }
            genotypes(aff)
            number(aff?.p)
            genotypes(unaff)
            number(unaff?.p)
            out.append("\n")
        }
    }
}

/// Test access to the formatting internals.
package enum PlinkWriterProbe {
    package static func g4(_ value: Double) -> String { PlinkFormat.g4(value) }
    package static func render(_ file: PlinkReportFile, _ reports: [VariantReport]) -> String {
        PlinkWriter.render(file, reports: reports)
    }
}
