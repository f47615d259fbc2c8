// Report files in PLINK 1.9's layout (.assoc, .model, .hwe, .frq) plus a tab-separated full-precision table.
//
// Every file is first written to a temporary file next to its destination; only when all requested files are
// complete are they renamed into place, so a failure never leaves a partial report behind.

import Foundation

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
    /// Tab-separated table of every statistic at full (17 significant digit) precision.
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

    /// Writes `prefix` + each file's extension (for example `out.assoc`) and returns the paths written.
    ///
    /// - Throws: `EncryptedStatsError.notEnoughPhenotypes` when `.assoc` or `.model` is requested but fewer than
    ///   two samples have a case/control phenotype (PLINK skips those reports then); `.outputFailed` when a file
    ///   cannot be written (nothing is left behind in that case).
    @discardableResult
    public static func write(reports: [VariantReport], prefix: String,
                             files: Set<PlinkReportFile>) throws -> [String] {
        let ordered = PlinkReportFile.allCases.filter(files.contains)
        let phenotyped = reports.map(\.phenotypedSamples).max() ?? 0
        if phenotyped < 2 && (files.contains(.assoc) || files.contains(.model)) {
            throw EncryptedStatsError.notEnoughPhenotypes(found: phenotyped)
        }
        var staged: [StagedFile] = []
        do {
            for file in ordered {
                let path = prefix + file.fileExtension
                let output = try StagedFile(destination: path)
                staged.append(output)
                try output.append(render(file, reports: reports))
                try output.finish()
            }
            for output in staged { try output.commit() }
        } catch {
            for output in staged { output.discard() }
            throw error
        }
        return staged.map(\.destination)
    }

    /// The text of one report file.
    package static func render(_ file: PlinkReportFile, reports: [VariantReport]) -> String {
        switch file {
        case .assoc: assoc(reports)
        case .model: model(reports)
        case .hwe: hwe(reports)
        case .frq: frq(reports)
        case .full: full(reports)
        }
    }

    typealias F = PlinkFormat

    static func assoc(_ reports: [VariantReport]) -> String {
        let width = F.snpWidth(reports.lazy.map(\.variant.id))
        var out = " CHR " + F.pad("SNP", width) + "         BP   A1      F_A      F_U   A2        CHISQ "
            + "           P           OR \n"
        for r in reports {
            let a = r.assoc
            out += F.pad(String(r.chromosomeCode), 4) + " " + F.pad(r.variant.id, width) + " "
                + F.pad(String(r.variant.pos), 10) + " " + F.pad(r.a1, 4) + " "
                + (a.frequencyAffected.map { F.g4($0, width: 8) } ?? "      NA") + " "
                + (a.frequencyUnaffected.map { F.g4($0, width: 8) } ?? "      NA") + " "
                + F.pad(r.a2, 4) + " "
            if let chi = a.chiSquare, let p = a.p {
                out += F.g4(chi, width: 12) + " " + F.g4(p, width: 12)
            } else {
                out += "          NA           NA"
            }
            out += " " + (a.oddsRatio.map { F.g4($0, width: 12) } ?? "          NA") + " \n"
        }
        return out
    }

    static func model(_ reports: [VariantReport]) -> String {
        let width = F.snpWidth(reports.lazy.map(\.variant.id))
        var out = " CHR " + F.pad("SNP", width) + "   A1   A2     TEST            AFF          UNAFF "
            + "       CHISQ   DF            P\n"
        for r in reports {
            let prefix = F.pad(String(r.chromosomeCode), 4) + " " + F.pad(r.variant.id, width) + " "
                + F.pad(r.a1, 4) + " " + F.pad(r.a2, 4) + "  "
            for test in r.model {
                out += prefix + F.pad(test.kind.rawValue, 7) + " "
                    + F.pad(test.affected.map(String.init).joined(separator: "/"), 14) + " "
                    + F.pad(test.unaffected.map(String.init).joined(separator: "/"), 14) + " "
                if let chi = test.chiSquare, let df = test.degreesOfFreedom, let p = test.p {
                    out += F.g4(chi, width: 12) + "    \(df) " + F.g4(p, width: 12) + "\n"
                } else {
                    out += "          NA   NA           NA\n"
                }
            }
        }
        return out
    }

    static func hwe(_ reports: [VariantReport]) -> String {
        let width = F.snpWidth(reports.lazy.map(\.variant.id))
        // Without any case/control phenotype PLINK writes a single ALL(NP) row per variant.
        let phenotypes = (reports.map(\.phenotypedSamples).max() ?? 0) > 0
        var out = " CHR " + F.pad("SNP", width) + "     TEST   A1   A2                 GENO   O(HET)   E(HET)"
            + "            P \n"
        for r in reports {
            let prefix = F.pad(String(r.chromosomeCode), 4) + " " + F.pad(r.variant.id, width)
            let alleles = F.pad(r.a1, 4) + " " + F.pad(r.a2, 4) + " "
            for row in phenotypes ? r.hardy : r.hardy.filter({ $0.group == .all }) {
                let test = phenotypes ? F.pad(row.group.rawValue, 9) + " " : "  ALL(NP) "
                out += prefix + test + alleles + F.pad("\(row.homA1)/\(row.het)/\(row.homA2)", 20) + " "
                if let observed = row.observedHeterozygosity, let expected = row.expectedHeterozygosity {
                    out += F.g4(observed, width: 8) + " " + F.g4(expected, width: 8) + " " + F.g4(row.p, width: 12)
                } else {
                    out += "     nan      nan " + F.g4(row.p, width: 12)
                }
                out += "\n"
            }
        }
        return out
    }

    static func frq(_ reports: [VariantReport]) -> String {
        let width = F.snpWidth(reports.lazy.map(\.variant.id))
        var out = " CHR  " + String(repeating: " ", count: max(0, width - 4)) + "SNP   A1   A2          MAF  NCHROBS\n"
        // PLINK walks chromosomes in code order (and variants in file order within one).
        let ordered = reports.enumerated().sorted {
            ($0.element.chromosomeCode, $0.offset) < ($1.element.chromosomeCode, $1.offset)
        }
        for (_, r) in ordered {
            out += F.pad(String(r.chromosomeCode), 4) + " " + F.pad(r.variant.id, width) + " "
                + F.pad(r.a1, 4) + " " + F.pad(r.a2, 4) + " "
                + (r.frequency.a1Frequency.map { F.g4($0, width: 12) } ?? "          NA") + " "
                + F.int(r.frequency.alleleObservations, width: 8) + "\n"
        }
        return out
    }

    static func full(_ reports: [VariantReport]) -> String {
        func number(_ value: Double?) -> String {
            guard let value else { return "NA" }
            return String(format: "%.17g", value)
        }
        func genotypes(_ row: HardyRow?) -> String {
            guard let row else { return "NA" }
            return "\(row.homA1)/\(row.het)/\(row.homA2)"
        }
        var out = fullColumns.joined(separator: "\t") + "\n"
        for r in reports {
            let a = r.assoc
            let geno = r.modelTest(.genotypic), trend = r.modelTest(.trend), allelic = r.modelTest(.allelic)
            let dom = r.modelTest(.dominant), rec = r.modelTest(.recessive)
            let all = r.hardyRow(.all), aff = r.hardyRow(.affected), unaff = r.hardyRow(.unaffected)
            let fields: [String] = [
                String(r.chromosomeCode), r.variant.id, String(r.variant.pos), r.variant.ref, r.variant.alt, r.a1, r.a2,
                String(a.caseA1), String(a.caseA2), String(a.controlA1), String(a.controlA2),
                number(a.frequencyAffected), number(a.frequencyUnaffected), number(a.chiSquare), number(a.p),
                number(a.oddsRatio),
                number(r.frequency.a1Frequency), String(r.frequency.alleleObservations),
                number(geno?.chiSquare), geno?.degreesOfFreedom.map(String.init) ?? "NA", number(geno?.p),
                number(trend?.chiSquare), number(trend?.p), number(allelic?.chiSquare), number(allelic?.p),
                number(dom?.chiSquare), number(dom?.p), number(rec?.chiSquare), number(rec?.p),
                genotypes(all), number(all?.observedHeterozygosity), number(all?.expectedHeterozygosity),
                number(all?.p), genotypes(aff), number(aff?.p), genotypes(unaff), number(unaff?.p),
            ]
            out += fields.joined(separator: "\t") + "\n"
        }
        return out
    }
}

/// A file written under a temporary name in the destination's directory and renamed into place on commit.
private final class StagedFile {
    let destination: String
    let temporary: String
    private var descriptor: Int32

    init(destination: String) throws {
        self.destination = destination
        var generator = SystemRandomNumberGenerator()
        temporary = destination + ".tmp-\(getpid())-\(String(generator.next() as UInt64, radix: 36))"
        descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Self.failure(destination) }
    }

    deinit {
        if descriptor >= 0 { _ = close(descriptor) }
    }

    private static func failure(_ path: String) -> EncryptedStatsError {
        .outputFailed(path: path, reason: String(cString: strerror(errno)))
    }

    func append(_ text: String) throws {
        var text = text
        try text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, base + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Self.failure(destination)
                }
                offset += written
            }
        }
    }

    func finish() throws {
        guard descriptor >= 0 else { return }
        let result = close(descriptor)
        descriptor = -1
        if result != 0 { throw Self.failure(destination) }
    }

    func commit() throws {
        guard rename(temporary, destination) == 0 else { throw Self.failure(destination) }
    }

    func discard() {
        if descriptor >= 0 {
            _ = close(descriptor)
            descriptor = -1
        }
        unlink(temporary)
    }
}

/// Test access to the formatting internals.
package enum PlinkWriterProbe {
    package static func g4(_ value: Double) -> String { PlinkFormat.g4(value) }
    package static func render(_ file: PlinkReportFile, _ reports: [VariantReport]) -> String {
        PlinkWriter.render(file, reports: reports)
    }
}
