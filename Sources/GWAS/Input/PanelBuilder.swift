import CHTSlib
import EncryptedStats
import HEFiles

// Building the shared variant panel from one or more VCF/BCF files (he-cli gwas panel): biallelic SNPs on the
// chromosomes the report analyses, optionally in a region and above a call rate and a minor allele frequency,
// named by their VCF ID or CHR:POS:REF:ALT, with strand-ambiguous A/T and C/G SNPs flagged.
//
// With several files the variants are pooled as `gwas encrypt` and the report pool them: the same chromosome (without
// a `chr` prefix), position and allele pair (in either order) is one variant, oriented as in the first file that
// has it, and a file without the variant counts every one of its samples as missing for it. So the call rate is
// over all samples of all files, and the allele frequency over all called alleles.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A chromosome, or a 1-based inclusive range of positions on it.
public struct GenomicRegion: Sendable, Hashable, CustomStringConvertible {
    /// The chromosome as written (compared as the panel compares them: without `chr`, leading zeros, X = 23).
    public var chromosome: String
    public var start: Int
    public var end: Int

    /// `CHR`, `CHR:START-END` or `CHR:START-` (bcftools' and PLINK's notation; commas in numbers allowed); nil when
    /// the text is not one of these or START > END.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let chrom = parts.first, !chrom.isEmpty, !chrom.contains(where: \.isWhitespace) else { return nil }
        chromosome = String(chrom)
        start = 1
        end = Int.max
        guard parts.count == 2 else { return }
        let range = parts[1].split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        func number(_ s: Substring) -> Int? {
            let digits = s.filter { $0 != "," }
            guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let v = Int(digits), v > 0 else { return nil }
            return v
        }
        guard let first = number(range[0]) else { return nil }
        start = first
        if range.count == 2 {
            if range[1].isEmpty { end = Int.max } else {
                guard let last = number(range[1]), last >= first else { return nil }
                end = last
            }
        } else {
            end = first
        }
    }

    public var description: String {
        start == 1 && end == Int.max ? chromosome : "\(chromosome):\(start)-" + (end == Int.max ? "" : "\(end)")
    }

    func contains(chromosome c: Substring, position: Int) -> Bool {
        c == VariantPanel.normalizedChromosome(chromosome) && position >= start && position <= end
    }
}

/// What `PanelBuilder.build` keeps.
public struct PanelFilters: Sendable, Hashable {
    /// Keep variants called in at least this fraction of all samples (0...1).
    public var minimumCallRate: Double?
    /// Keep variants whose minor allele frequency over the called alleles is at least this (0...0.5).
    public var minimumMinorAlleleFrequency: Double?
    public var region: GenomicRegion?
    /// Leave strand-ambiguous (A/T, C/G) SNPs out instead of only flagging them.
    public var excludeAmbiguous: Bool

    public init(minimumCallRate: Double? = nil, minimumMinorAlleleFrequency: Double? = nil, region: GenomicRegion? = nil,
                excludeAmbiguous: Bool = false) {
        self.minimumCallRate = minimumCallRate
        self.minimumMinorAlleleFrequency = minimumMinorAlleleFrequency
        self.region = region
        self.excludeAmbiguous = excludeAmbiguous
    }

    var needsGenotypes: Bool { minimumCallRate != nil || minimumMinorAlleleFrequency != nil }

    /// Whether any filter beyond "biallelic SNPs on the analysed chromosomes" is set.
    public var needsAny: Bool { needsGenotypes || region != nil || excludeAmbiguous }
}

/// The panel built from VCF/BCF files, with what was left out and why.
public struct BuiltPanel: Sendable {
    /// In chromosome (PLINK's order: 1-22, X, XY) then position order, then REF and ALT.
    public var variants: [PanelVariant]
    /// IDs of the kept strand-ambiguous SNPs (A/T, C/G), in panel order.
    public var ambiguous: [String]
    /// Variants whose VCF ID was `.` (or repeated an earlier variant's ID) and that are named CHR:POS:REF:ALT.
    public var namedByPosition: Int
    public var files: Int
    public var samples: Int
    public var records: Int
    /// Records left out, by reason, in a fixed order: not a biallelic SNP (an indel, a multi-allelic or
    /// monomorphic record, a symbolic allele), a chromosome other than 1-22, X or XY, outside the region.
    public var skippedRecords: [(reason: String, count: Int)]
    /// Distinct variants left out by the call-rate, MAF and ambiguity filters.
    public var filteredVariants: [(reason: String, count: Int)]
}

/// Builds the shared variant panel (docs/GWAS-INPUT.md, "Building the panel").
public enum PanelBuilder {
    /// Reads every record of every file (VCF, bgzipped VCF or BCF) and returns the panel.
    ///
    /// - Throws: the reader's errors (`inputUnreadable`, `vcfHeader`, `vcfRecord`), and `vcfHeader` for a file
    ///   without samples when a call-rate or MAF filter needs genotypes. Two variants with the same VCF ID are not
    ///   an error: the second is named by its position.
    public static func build(vcfPaths: [String], filters: PanelFilters) throws(GwasError) -> BuiltPanel {
        struct Entry {
            var variant: PanelVariant
            var vcfID: String
            /// CHR:POS:REF:ALT with the alleles as the first file writes them (bcftools' %CHROM:%POS:%REF:%ALT).
            var positional: String
            var called: Int = 0
            var altAlleles: Int = 0
            var alleles: Int = 0
        }
        var entries: [Entry] = []
        var index: [String: Int] = [:]  // "chromCode:pos:A:B" with A < B
        var samples = 0, records = 0
        var notSNP = 0, otherChromosome = 0, outsideRegion = 0
        for path in vcfPaths {
            let reader = try VCFReader(path: path)
            if filters.needsGenotypes && reader.sampleNames.isEmpty {
                throw .vcfHeader(path: path, reason: "the file has no samples, so the call-rate and minor-allele-"
                                 + "frequency filters cannot be applied (build the panel without them, or from a VCF with genotypes)")
            }
            samples += reader.sampleNames.count
            // Variants this file has already counted: a second record of the same variant in one file is not counted
            // twice.
            var seenHere = Set<Int>()
            while try reader.next() {
                records += 1
                reader.noteLocation()
                reader.unpackAlleles()
                guard reader.alleleCount == 2 else { notSNP += 1; continue }
                let refText = String(cString: reader.allele(0)), altText = String(cString: reader.allele(1))
                let ref = refText.uppercased(), alt = altText.uppercased()
                guard ref.count == 1, alt.count == 1, "ACGT".contains(ref), "ACGT".contains(alt), ref != alt else {
                    notSNP += 1
                    continue
                }
                let chrom = reader.chromosome(rid: reader.record.pointee.rid)
                guard let code = PlinkChromosome.code(for: chrom) else { otherChromosome += 1; continue }
                let pos = reader.position
                if let region = filters.region, !region.contains(chromosome: VariantPanel.normalizedChromosome(chrom), position: pos) {
                    outsideRegion += 1
                    continue
                }
                let key = "\(code):\(pos):" + (ref < alt ? "\(ref):\(alt)" : "\(alt):\(ref)")
                let k: Int
                if let known = index[key] {
                    k = known
                } else {
                    k = entries.count
                    index[key] = k
                    entries.append(Entry(variant: PanelVariant(chrom: chrom, pos: pos, id: "", ref: ref, alt: alt),
                                         vcfID: reader.identifier, positional: "\(chrom):\(pos):\(refText):\(altText)"))
                }
                guard seenHere.insert(k).inserted else { continue }
                if filters.needsGenotypes, let gt = try reader.genotypes() {
                    let ploidy = reader.sampleNames.isEmpty ? 0 : gt.count / reader.sampleNames.count
                    // Allele index 1 is ALT of this record; it is the panel's ALT unless the record is swapped.
                    let altIndex: Int32 = entries[k].variant.alt == alt ? 1 : 0
                    for s in 0 ..< reader.sampleNames.count {
                        var calledAlleles = 0, alts = 0, missing = false
                        for j in 0 ..< ploidy {
                            let v = gt[s * ploidy + j]
                            if v == he_bcf_int32_vector_end() { break }
                            if he_bcf_gt_is_missing(v) != 0 { missing = true; break }
                            calledAlleles += 1
                            if he_bcf_gt_allele(v) == altIndex { alts += 1 }
                        }
                        if missing || calledAlleles == 0 { continue }
                        entries[k].called += 1
                        entries[k].alleles += calledAlleles
                        entries[k].altAlleles += alts
                    }
                }
            }
        }
        var kept: [Entry] = []
        var lowCallRate = 0, lowMAF = 0, ambiguousExcluded = 0
        for e in entries {
            if let minimum = filters.minimumCallRate, samples == 0 || Double(e.called) / Double(samples) < minimum {
                lowCallRate += 1
                continue
            }
            if let minimum = filters.minimumMinorAlleleFrequency {
                let f = e.alleles == 0 ? 0 : Double(e.altAlleles) / Double(e.alleles)
                if min(f, 1 - f) < minimum { lowMAF += 1; continue }
            }
            if filters.excludeAmbiguous && isStrandAmbiguous(e.variant) { ambiguousExcluded += 1; continue }
            kept.append(e)
        }
        kept.sort { a, b in
            let (ca, cb) = (PlinkChromosome.code(for: a.variant.chrom)!, PlinkChromosome.code(for: b.variant.chrom)!)
            if ca != cb { return ca < cb }
            if a.variant.pos != b.variant.pos { return a.variant.pos < b.variant.pos }
            return (a.variant.ref, a.variant.alt) < (b.variant.ref, b.variant.alt)
        }
        // IDs: the VCF's, unless it is `.`, has a character the panel cannot hold (whitespace), or repeats an
        // earlier variant's; then CHR:POS:REF:ALT as bcftools' %CHROM:%POS:%REF:%ALT writes it.
        var used = Set<String>()
        var namedByPosition = 0
        var variants: [PanelVariant] = []
        variants.reserveCapacity(kept.count)
        for e in kept {
            var v = e.variant
            let positional = e.positional
            let vcfID = e.vcfID
            if vcfID != ".", !vcfID.isEmpty, !vcfID.contains(where: \.isWhitespace), !vcfID.hasPrefix("#"),
               vcfID.utf8.count <= ContainerFormat.maxLabelLength, !used.contains(vcfID) {
                v.id = vcfID
            } else {
                v.id = positional
                namedByPosition += 1
            }
            if used.contains(v.id) {
                // CHR:POS:REF:ALT is unique per variant; a VCF ID that equals another variant's positional name
                // cannot take it twice.
                v.id = positional + ":\(variants.count + 1)"
            }
            used.insert(v.id)
            variants.append(v)
        }
        return BuiltPanel(variants: variants, ambiguous: variants.filter(isStrandAmbiguous).map(\.id),
                          namedByPosition: namedByPosition, files: vcfPaths.count, samples: samples, records: records,
                          skippedRecords: [("not a biallelic SNP", notSNP),
                                           ("on a chromosome other than 1-22, X or XY", otherChromosome),
                                           ("outside the region", outsideRegion)],
                          filteredVariants: [("call rate below the minimum", lowCallRate),
                                             ("minor allele frequency below the minimum", lowMAF),
                                             ("strand-ambiguous (A/T or C/G), excluded", ambiguousExcluded)])
    }

    /// A SNP whose alleles are complementary (A/T or C/G): its strand cannot be told from the alleles alone.
    public static func isStrandAmbiguous(_ v: PanelVariant) -> Bool {
        let pair = Set([v.ref, v.alt])
        return pair == ["A", "T"] || pair == ["C", "G"]
    }

    /// The panel file: the header `CHR POS ID REF ALT`, a comment line naming how it was built, one tab-separated
    /// line per variant. Written atomically; `path` `-` writes it to standard output.
    public static func write(_ panel: BuiltPanel, comment: String, to path: String) throws(GwasError) {
        var out = "CHR\tPOS\tID\tREF\tALT\n"
        out += "# " + comment.filter { $0 != "\n" && $0 != "\r" } + "\n"
        for v in panel.variants { out += "\(v.chrom)\t\(v.pos)\t\(v.id)\t\(v.ref)\t\(v.alt)\n" }
        do {
            if path == "-" { try writeStandardOutput(Array(out.utf8)) } else { try AtomicFileWriter.write(Array(out.utf8), to: path) }
        } catch {
            throw .file(error)
        }
    }
}
