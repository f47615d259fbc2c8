import EncryptedStats
import HEFiles

// Streaming VCF/BCF reader over htslib: plain VCF, bgzipped VCF and BCF, one record in memory at a time.

import CHTSlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the records of a VCF or BCF file one at a time through htslib.
///
/// BCF records are decoded by htslib (``next()``, ``genotypes()``); VCF text lines are handed over undecoded
/// (``nextLine()``) for ``VCFTextLine`` to split. The reader owns the htslib file handle, header, record, genotype
/// buffer and line buffer and frees each exactly once when it is released. The current record, line and genotype
/// buffer are valid until the next read.
package final class VCFReader {
    package let path: String
    private let file: UnsafeMutablePointer<htsFile>
    package let header: UnsafeMutablePointer<bcf_hdr_t>
    package let record: UnsafeMutablePointer<bcf1_t>
    private var genotypeBuffer: UnsafeMutablePointer<Int32>?
    private var genotypeCapacity: Int32 = 0
    private var line = kstring_t(l: 0, m: 0, s: nil)
    /// Whether the file is VCF text (plain or bgzipped) rather than BCF.
    package let isText: Bool
    /// Sample names in header order.
    package let sampleNames: [String]
    private var lastLocation = "start of file"

    /// Opens `path`; the format (VCF, bgzipped VCF, BCF) is detected from the content.
    /// - Parameter decompressionThreads: extra htslib threads for BGZF decompression (0 = none).
    /// `path` `-` reads standard input (errors then name `standard input`; a bgzipped stream is refused, as from
    /// any pipe, because its end-of-file block cannot be checked).
    package init(path openedPath: String, decompressionThreads: Int = 0) throws(GwasError) {
        let path = openedPath == "-" ? standardInputName : openedPath
        self.path = path
        if openedPath != "-" {
            // Check what htslib would only report on its own standard-error log: a missing, unreadable or empty file
            // or a directory gets the same one-line message as every other input.
            var st = stat()
            guard stat(path, &st) == 0 else { throw .inputUnreadable(path: path, reason: String(cString: strerror(errno))) }
            if (st.st_mode & S_IFMT) == S_IFDIR { throw .inputUnreadable(path: path, reason: "is a directory") }
            // A named pipe is opened once, by htslib: a second open would consume the writer.
            if (st.st_mode & S_IFMT) != S_IFIFO {
                let probe = open(path, O_RDONLY | O_CLOEXEC)
                guard probe >= 0 else { throw .inputUnreadable(path: path, reason: String(cString: strerror(errno))) }
                close(probe)
            }
            if (st.st_mode & S_IFMT) == S_IFREG && st.st_size == 0 {
                throw .emptyFile(path: path, expected: "a VCF or BCF file (VCF text, bgzipped VCF or BCF)")
            }
        }
        errno = 0
        guard let file = hts_open(openedPath, "r") else {
            // htslib reports content it cannot recognise (binary data that is not BGZF, gzip or BCF) as ENOEXEC.
            if errno == ENOEXEC {
                throw .vcfHeader(path: path, reason: "not a VCF or BCF file (expected VCF text, bgzipped VCF or BCF)")
            }
            let reason = errno != 0 ? String(cString: strerror(errno)) : "htslib could not open the file"
            throw .inputUnreadable(path: path, reason: reason)
        }
        guard hts_get_format(file).pointee.category == variant_data else {
            hts_close(file)
            throw .vcfHeader(path: path, reason: "not a VCF or BCF file (expected VCF text, bgzipped VCF or BCF)")
        }
        // A BGZF file (bgzipped VCF, BCF) cut at a block boundary still decodes to whole records: only its missing
        // end-of-file block shows that records are lost, which would otherwise be counted as absent variants.
        if hts_get_format(file).pointee.compression == bgzf {
            switch he_hts_bgzf_check_eof(file) {
            case 0:
                hts_close(file)
                throw .vcfHeader(path: path, reason: "the BGZF end-of-file block is missing, so the file is truncated "
                                 + "(copy or download it again; a file written by bgzip, bcftools or htslib ends with it)")
            case 1:
                break
            default:
                // A pipe cannot be searched for the end-of-file block, so a truncated stream would pass unnoticed.
                hts_close(file)
                throw .vcfHeader(path: path, reason: "a bgzipped VCF or BCF read from a pipe cannot be checked for "
                                 + "truncation (its end-of-file block); give the file itself, or pipe uncompressed VCF")
            }
        }
        if decompressionThreads > 0 { _ = hts_set_threads(file, Int32(decompressionThreads)) }
        guard let header = bcf_hdr_read(file) else {
            hts_close(file)
            throw .vcfHeader(path: path, reason: "htslib could not parse the header (expected ##fileformat, a #CHROM line and unique sample names)")
        }
        guard let record = bcf_init() else {
            bcf_hdr_destroy(header)
            hts_close(file)
            throw .inputUnreadable(path: path, reason: "out of memory allocating a record")
        }
        self.file = file
        self.isText = hts_get_format(file).pointee.format == vcf
        self.header = header
        self.record = record
        let n = Int(he_bcf_hdr_nsamples(header))
        sampleNames = (0..<n).map { String(cString: he_bcf_hdr_sample_name(header, Int32($0))) }
    }

    deinit {
        free(line.s)
        free(genotypeBuffer)
        bcf_destroy(record)
        bcf_hdr_destroy(header)
        hts_close(file)
    }

    /// Reads the next record; returns false at the end of the file.
    package func next() throws(GwasError) -> Bool {
        let status = bcf_read(file, header, record)
        if status == -1 { return false }
        // An undeclared contig or FORMAT/INFO tag is only a warning: htslib declares it and parses the record.
        let fatal = record.pointee.errcode & ~(Self.contigUndeclared | Self.tagUndeclared)
        if status < -1 || fatal != 0 {
            let known = record.pointee.rid >= 0 && status == 0
            throw .vcfRecord(path: path, chrom: known ? chromosome(rid: record.pointee.rid) : "after \(lastLocation)",
                             pos: known ? position : 0, field: "record",
                             reason: "htslib could not parse it (\(Self.describe(errcode: fatal))); "
                                 + "expected a VCF 4.x data line with one column per header sample")
        }
        guard record.pointee.pos >= 0 else {
            throw .vcfRecord(path: path, chrom: chromosome(rid: record.pointee.rid), pos: 0, field: "POS",
                             reason: "expected a positive 1-based position (record after \(lastLocation))")
        }
        return true
    }

    private static let contigUndeclared: Int32 = 1, tagUndeclared: Int32 = 2

    private static func describe(errcode: Int32) -> String {
        let meanings: [(Int32, String)] = [(4, "wrong number of columns"), (8, "a value exceeds htslib's limits"),
                                           (16, "invalid characters"), (32, "invalid CHROM"),
                                           (64, "invalid INFO/FORMAT tag")]
        let found = meanings.filter { errcode & $0.0 != 0 }.map(\.1)
        return found.isEmpty ? "malformed line" : found.joined(separator: ", ")
    }

    /// Reads the next data line of a VCF text file without parsing it (blank lines are skipped); nil at the end.
    /// The bytes are valid until the next call.
    package func nextLine() throws(GwasError) -> UnsafeBufferPointer<UInt8>? {
        while true {
            let status = hts_getline(file, 10, &line)
            if status == -1 { return nil }
            guard status >= 0, let bytes = line.s else {
                throw .vcfRecord(path: path, chrom: "after \(lastLocation)", pos: 0, field: "record",
                                 reason: "htslib could not read the next line (code \(status)); expected a complete "
                                     + "VCF text or BGZF stream")
            }
            if line.l == 0 { continue }
            return UnsafeBufferPointer(start: UnsafeRawPointer(bytes).assumingMemoryBound(to: UInt8.self),
                                       count: Int(line.l))
        }
    }

    /// Sets the location quoted by errors about the following record.
    package func noteLocation(_ location: String) { lastLocation = location }

    /// Contig name of a record's `rid`.
    package func chromosome(rid: Int32) -> String {
        guard let name = he_bcf_hdr_id2name(header, rid) else { return "?" }
        return String(cString: name)
    }

    /// 1-based position of the current record.
    package var position: Int { Int(record.pointee.pos) + 1 }

    /// Remembers the current record's location for error messages about the next one.
    package func noteLocation() {
        lastLocation = "\(chromosome(rid: record.pointee.rid)):\(position)"
    }

    /// Unpacks REF and ALT of the current record.
    package func unpackAlleles() { _ = bcf_unpack(record, he_bcf_unpack_str()) }

    /// Number of alleles (REF included) of the current record; 1 when ALT is `.`.
    package var alleleCount: Int { Int(record.pointee.n_allele) }

    /// The ID column of the current record (`.` when missing); call ``unpackAlleles()`` first.
    package var identifier: String { String(cString: he_bcf_id(record)) }

    /// Allele `index` of the current record as a C string; call ``unpackAlleles()`` first.
    package func allele(_ index: Int) -> UnsafePointer<CChar> { he_bcf_allele(record, Int32(index)) }

    /// The GT values of the current record (`samples x ploidy` htslib-encoded integers), or nil when the record
    /// has no GT field. Valid until the next call to ``next()``.
    package func genotypes() throws(GwasError) -> UnsafeBufferPointer<Int32>? {
        let n = he_bcf_get_genotypes(header, record, &genotypeBuffer, &genotypeCapacity)
        if n == -1 || n == -3 { return nil }
        guard n >= 0, let buffer = genotypeBuffer else {
            throw .vcfRecord(path: path, chrom: chromosome(rid: record.pointee.rid), pos: position, field: "GT",
                             reason: "htslib could not decode the genotypes (code \(n)); expected GT as a String FORMAT field")
        }
        return UnsafeBufferPointer(start: buffer, count: Int(n))
    }
}
