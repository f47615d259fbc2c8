import EncryptedStats
import HEFiles

// The shared variant panel: which variants every site counts, in which order, oriented to which REF/ALT.

/// Reading and indexing the shared variant panel.
///
/// Format (see docs/GWAS-INPUT.md): one variant per line, five fields `CHR POS ID REF ALT` separated by tabs or
/// spaces. `CHR` is an autosome `1`-`22`, `X` or `XY` (PLINK's 23 and 25), optionally `chr`-prefixed (the
/// analysis refuses other chromosomes).
/// Lines whose first field starts with `#` are comments; the first line may also be the header `CHR POS ID REF ALT`
/// (first field `CHR` or `CHROM`, any case). `POS` is a positive 1-based integer; `REF` and `ALT` are different,
/// non-empty strings of `A C G T N` (either case, stored upper-case), or ALT is `.` (a variant monomorphic in the
/// reference). No two lines may share an `ID`, and no two may
/// describe the same allele pair at the same position (`CHR` compared without a `chr` prefix, alleles in either
/// order).
public enum VariantPanel {
    /// Reads and validates a panel file; the result's order is the order of the encrypted vector.
    public static func read(path: String) throws(GwasError) -> [PanelVariant] {
        let lines = try TextTable.read(path: path, what: "a variant panel (lines 'CHR POS ID REF ALT')")
        var panel: [PanelVariant] = []
        panel.reserveCapacity(lines.count)
        var lineOfID: [String: Int] = [:]
        lineOfID.reserveCapacity(lines.count)
        // Variants at each (chromosome, position), for duplicate detection: line numbers and alleles.
        var chromosomeIndex: [Substring: Int] = [:]
        var atPosition: [Int: [(line: Int, alleles: (String, String))]] = [:]
        atPosition.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            let fields = line.fields
            if fields[0].hasPrefix("#") { continue }
            if index == 0, ["chr", "chrom"].contains(fields[0].lowercased()) { continue }
            guard fields.count == 5 else {
                throw .inputField(path: path, line: line.number, field: "columns",
                                  expected: "5 columns CHR POS ID REF ALT", found: "\(fields.count) columns")
            }
            guard PlinkChromosome.code(for: fields[0]) != nil else {
                // The key holder's report refuses such variants; failing here tells the site before it sends a file.
                throw .inputField(path: path, line: line.number, field: "CHR",
                                  expected: "an autosome 1-22, X or XY (optionally 'chr'-prefixed; Y and MT are not "
                                      + "analysed: without each sample's sex PLINK's results there cannot be reproduced)",
                                  found: fields[0])
            }
            guard let pos = Int(fields[1]), pos > 0, pos < 1 << 40, fields[1].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw .inputField(path: path, line: line.number, field: "POS",
                                  expected: "a positive integer below 2^40", found: fields[1])
            }
            for (name, allele) in [("REF", fields[3]), ("ALT", fields[4])]
            where !isSequenceAllele(allele) && !(name == "ALT" && allele == missingAllele) {
                throw .inputField(path: path, line: line.number, field: name,
                                  expected: "a non-empty string of A, C, G, T, N" + (name == "ALT" ? " (or '.')" : ""),
                                  found: allele)
            }
            for (name, value) in [("ID", fields[2]), ("REF", fields[3]), ("ALT", fields[4])]
            where value.utf8.count > ContainerFormat.maxLabelLength {
                throw .inputField(path: path, line: line.number, field: name,
                                  expected: "at most \(ContainerFormat.maxLabelLength) bytes (the site file's limit)",
                                  found: "\(value.utf8.count) bytes: \(value.prefix(20))...")
            }
            let variant = PanelVariant(chrom: fields[0], pos: pos, id: fields[2],
                                       ref: fields[3].uppercased(), alt: fields[4].uppercased())
            guard variant.ref != variant.alt else {
                throw .inputField(path: path, line: line.number, field: "ALT",
                                  expected: "an allele different from REF", found: fields[4])
            }
            if let first = lineOfID[variant.id] {
                throw .inputDuplicate(path: path, line: line.number, firstLine: first, field: "ID", value: variant.id)
            }
            let chrom = normalizedChromosome(variant.chrom)
            let chromIndex: Int
            if let known = chromosomeIndex[chrom] {
                chromIndex = known
            } else {
                chromIndex = chromosomeIndex.count
                chromosomeIndex[chrom] = chromIndex
            }
            let key = chromIndex << 40 | pos
            for other in atPosition[key, default: []] where other.alleles == (variant.ref, variant.alt)
                || other.alleles == (variant.alt, variant.ref) {
                throw .inputDuplicate(path: path, line: line.number, firstLine: other.line, field: "CHR:POS:REF:ALT",
                                      value: "\(variant.chrom):\(pos):\(variant.ref):\(variant.alt)")
            }
            lineOfID[variant.id] = line.number
            atPosition[key, default: []].append((line.number, (variant.ref, variant.alt)))
            panel.append(variant)
        }
        return panel
    }

    /// Chromosome name without a leading `chr` (any case) and, when it is a number, without leading zeros; the
    /// sex chromosomes and mitochondria by PLINK's numbers (`X` 23, `Y` 24, `XY` 25, `MT` or `M` 26, any case). So
    /// `chr7`, `07` and `7` name the same chromosome, and `chrX`, `x` and `23` another, as PLINK reads them.
    package static func normalizedChromosome<S: StringProtocol>(_ name: S) -> Substring {
        var s = Substring(name)
        if s.count > 3, s.prefix(3).lowercased() == "chr" { s = s.dropFirst(3) }
        if s.count <= 2, s.utf8.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }) {
            switch s.lowercased() {
            case "x": return "23"
            case "y": return "24"
            case "xy": return "25"
            case "mt", "m": return "26"
            default: break
            }
        }
        if s.count > 1, s.first == "0", s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            let trimmed = s.drop { $0 == "0" }
            s = trimmed.isEmpty ? s.suffix(1) : trimmed
        }
        return s
    }

    /// The ALT of a panel variant that is monomorphic in the reference the panel was made from (VCF ALT `.`):
    /// every call is REF/REF or missing, and PLINK writes its minor allele as `0`.
    public static let missingAllele = "."

    package static func isSequenceAllele(_ allele: String) -> Bool {
        !allele.isEmpty && allele.utf8.allSatisfy { "ACGTNacgtn".utf8.contains($0) }
    }
}
