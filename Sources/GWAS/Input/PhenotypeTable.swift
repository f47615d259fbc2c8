import EncryptedStats
import HEFiles

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
/// - PLINK `--pheno` style: `FID IID PHENO`; further columns are ignored. A VCF sample is matched by `IID` (the
///   sample IDs of `plink1.9 --vcf --double-id`), or else by `FID_IID`: PLINK 1.9's default reading of VCF sample
///   IDs that contain one underscore splits them there into FID and IID, so a file written for that reading
///   (`sample 1 2` for the VCF sample `sample_1`) names the same samples. A sample is the pair (FID, IID), so IIDs
///   may repeat across families (`famA 1`, `famB 1`, as PLINK allows); such an IID matches no VCF sample by
///   itself, only through `FID_IID` (`famA_1`). A line that joins to the same `FID_IID` as another line matches no
///   sample by `FID_IID`.
/// - Two columns: `sample PHENO`.
///
/// Fields are separated by tabs or spaces. The first line may be a header: it is recognised when its first field
/// is `FID`, `IID`, `sample`, `sample_id` or `ID` (case-insensitive, an optional leading `#`) and its phenotype
/// column holds no phenotype code (so `sample 1 2` is a data line of FID `sample`). Every other line must
/// have the same number of columns as the first data line. Phenotypes: `2` case, `1` control, `0`, `-9` or `NA`
/// missing; anything else is an error. A sample named twice (the same sample name, or the same FID and IID) is an
/// error.
public struct PhenotypeTable: Sendable {
    /// One phenotype line.
    struct Entry: Sendable {
        /// The sample name (two-column files) or IID.
        var name: String
        var phenotype: Phenotype
        /// Line number in the file (1-based), or position for tables built from pairs.
        var line: Int
    }

    /// The file the table was read from (`<phenotypes>` for tables built from pairs), for error messages.
    public let path: String
    private var entries: [Entry] = []
    /// Entry index by sample name or IID.
    private var byName: [String: Int] = [:]
    /// Entry index by `FID_IID` (FID IID PHENO files only), for VCF sample IDs PLINK splits at the underscore.
    private var byJoinedID: [String: Int] = [:]
    /// Line of each (FID, IID) pair (FID IID PHENO files only), for duplicate detection.
    private var lineOfPair: [String: Int] = [:]

    /// Sample names (or IIDs) in file order.
    public var samples: [String] { entries.map(\.name) }

    /// Builds a table from sample/phenotype pairs; a repeated sample name is an error.
    public init(_ entries: [(sample: String, phenotype: Phenotype)]) throws(GwasError) {
        path = "<phenotypes>"
        for (index, entry) in entries.enumerated() {
            try add(Entry(name: entry.sample, phenotype: entry.phenotype, line: index + 1), fid: nil,
                    field: "sample")
        }
    }

    private init(path: String) {
        self.path = path
    }

    private mutating func add(_ entry: Entry, fid: String?, field: String) throws(GwasError) {
        if let fid {
            // FID IID PHENO: a sample is the pair (PLINK's IIDs need only be unique within a family, `famA 1` and
            // `famB 1`). An IID in several families names no sample by itself; FID_IID still does.
            let pair = fid + "\u{0}" + entry.name
            if let first = lineOfPair[pair] {
                throw .inputDuplicate(path: path, line: entry.line, firstLine: first, field: "FID IID",
                                      value: fid + " " + entry.name)
            }
            lineOfPair[pair] = entry.line
            byName[entry.name] = byName[entry.name] == nil ? entries.count : Self.ambiguous
        } else {
            if let first = byName[entry.name] {
                throw .inputDuplicate(path: path, line: entry.line, firstLine: entries[first].line, field: field,
                                      value: entry.name)
            }
            byName[entry.name] = entries.count
        }
        if let fid {
            // Different lines can join to the same FID_IID when the IDs themselves contain underscores (`a_b c`
            // and `a b_c`); such a name is ambiguous and matches no line by FID_IID.
            let joined = fid + "_" + entry.name
            byJoinedID[joined] = byJoinedID[joined] == nil ? entries.count : Self.ambiguous
        }
        entries.append(entry)
    }

    /// Reads a phenotype file.
    public static func read(path: String) throws(GwasError) -> PhenotypeTable {
        let lines = try TextTable.read(path: path, what: "phenotype lines ('sample PHENO' or 'FID IID PHENO')")
        var table = PhenotypeTable(path: path)
        var columns: Int?
        for (index, line) in lines.enumerated() {
            if index == 0 && isHeader(line.fields) { continue }
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
            let (sampleField, fid, sample, code) = fields.count == 2
                ? ("sample", nil, fields[0], fields[1]) : ("IID", fields[0], fields[1], fields[2])
            guard let phenotype = Phenotype(plinkCode: code) else {
                throw .inputField(path: path, line: line.number, field: "PHENO",
                                  expected: "2 (case), 1 (control), or 0, -9, NA (missing)", found: code)
            }
            try table.add(Entry(name: sample, phenotype: phenotype, line: line.number), fid: fid, field: sampleField)
        }
        return table
    }

    /// A header names its first column and has no phenotype code where the data lines have theirs: a first line
    /// `sample 1 2` is data (FID `sample`), `sample phenotype` or `FID IID PHENO` a header.
    private static func isHeader(_ fields: [String]) -> Bool {
        let first = fields[0]
        let name = (first.hasPrefix("#") ? String(first.dropFirst()) : first).lowercased()
        guard ["fid", "iid", "sample", "sample_id", "id"].contains(name) else { return false }
        let code = fields.count == 2 ? fields[1] : (fields.count > 2 ? fields[2] : "")
        return Phenotype(plinkCode: code) == nil
    }

    /// Marks an `FID_IID` that two lines produce.
    private static let ambiguous = -1

    /// The line for VCF sample `sample`: by sample name or IID, else by `FID_IID` when exactly one line joins to
    /// it; nil when there is none. `entry` numbers the lines in file order (0-based), for ``samples``.
    public func match(_ sample: String) -> (phenotype: Phenotype, entry: Int)? {
        if let i = byName[sample], i != Self.ambiguous { return (entries[i].phenotype, i) }
        guard let i = byJoinedID[sample], i != Self.ambiguous else { return nil }
        return (entries[i].phenotype, i)
    }

    /// The phenotype of VCF sample `sample` (see ``match(_:)``), or nil when the file has no line for it.
    public subscript(sample: String) -> Phenotype? { match(sample)?.phenotype }

    /// Line number of entry `entry` in the file.
    public func line(ofEntry entry: Int) -> Int { entries[entry].line }

    /// Number of samples in the table.
    public var count: Int { entries.count }
}
