// Case/control phenotypes of one site's samples, read from a PLINK `--pheno` style file or a two-column TSV.

/// A sample's affection status in PLINK's 1/2 coding.
public enum Phenotype: Sendable, Hashable {
    /// PLINK phenotype 2.
    case affected
    /// PLINK phenotype 1.
    case unaffected
    /// PLINK phenotype 0, -9 or NA: the sample still counts in allele frequencies.
    case missing

    /// Parses PLINK's case/control coding: `2` case, `1` control, `0`, `-9` or `NA` missing.
    package init?(plinkCode: String) {
        switch plinkCode {
        case "2": self = .affected
        case "1": self = .unaffected
        case "0", "-9", "NA": self = .missing
        default: return nil
        }
    }
}

/// Phenotypes of one site's samples, keyed by the sample name used in the VCF/BCF header.
///
/// Accepted files (see docs/GWAS-INPUT.md):
/// - PLINK `--pheno` style: `FID IID PHENO`, matched to VCF samples by `IID`; further columns are ignored.
/// - Two columns: `sample PHENO`.
///
/// Fields are separated by tabs or spaces. The first line may be a header: it is recognised when its first field
/// is `FID`, `IID`, `sample`, `sample_id` or `ID` (case-insensitive, an optional leading `#`). Every other line must
/// have the same number of columns as the first data line. Phenotypes: `2` case, `1` control, `0`, `-9` or `NA`
/// missing; anything else is an error. A sample named twice is an error.
public struct PhenotypeTable: Sendable {
    private var phenotypes: [String: Phenotype]
    /// Sample names in file order.
    public private(set) var samples: [String]

    /// Builds a table from sample/phenotype pairs; a repeated sample name is an error.
    public init(_ entries: [(sample: String, phenotype: Phenotype)]) throws(EncryptedStatsError) {
        phenotypes = [:]
        samples = []
        for (index, entry) in entries.enumerated() {
            guard phenotypes.updateValue(entry.phenotype, forKey: entry.sample) == nil else {
                let first = samples.firstIndex(of: entry.sample).map { $0 + 1 } ?? 0
                throw .inputDuplicate(path: "<phenotypes>", line: index + 1, firstLine: first,
                                      field: "sample", value: entry.sample)
            }
            samples.append(entry.sample)
        }
    }

    /// Reads a phenotype file.
    public static func read(path: String) throws(EncryptedStatsError) -> PhenotypeTable {
        let lines = try TextTable.read(path: path, what: "phenotype lines ('sample PHENO' or 'FID IID PHENO')")
        var table = try PhenotypeTable([])
        var firstLineOf: [String: Int] = [:]
        var columns: Int?
        for (index, line) in lines.enumerated() {
            if index == 0 && isHeader(line.fields[0]) { continue }
            let fields = line.fields
            if columns == nil {
                guard fields.count >= 2 else {
                    throw .inputField(path: path, line: line.number, field: "PHENO",
                                      expected: "'sample PHENO' or 'FID IID PHENO' columns", found: fields[0])
                }
                columns = fields.count
            }
            guard fields.count == columns else {
                throw .inputField(path: path, line: line.number, field: "columns",
                                  expected: "\(columns!) columns like the first data line",
                                  found: "\(fields.count) columns")
            }
            let (sampleField, sample, code) = fields.count == 2
                ? ("sample", fields[0], fields[1]) : ("IID", fields[1], fields[2])
            guard let phenotype = Phenotype(plinkCode: code) else {
                throw .inputField(path: path, line: line.number, field: "PHENO",
                                  expected: "2 (case), 1 (control), or 0, -9, NA (missing)", found: code)
            }
            if let first = firstLineOf[sample] {
                throw .inputDuplicate(path: path, line: line.number, firstLine: first, field: sampleField, value: sample)
            }
            firstLineOf[sample] = line.number
            table.phenotypes[sample] = phenotype
            table.samples.append(sample)
        }
        return table
    }

    private static func isHeader(_ field: String) -> Bool {
        let name = (field.hasPrefix("#") ? String(field.dropFirst()) : field).lowercased()
        return ["fid", "iid", "sample", "sample_id", "id"].contains(name)
    }

    /// The phenotype of `sample`, or nil when the file has no line for it.
    public subscript(sample: String) -> Phenotype? { phenotypes[sample] }

    /// Number of samples in the table.
    public var count: Int { samples.count }
}
