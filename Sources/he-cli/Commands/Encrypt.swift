import ArgumentParser
import EncryptedStats
import Foundation
import GWAS
import HEFiles

struct Encrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encrypt a count table for one site (site).",
        discussion: """
        The table is CSV: a header row, the first column holds row labels, every other cell an integer. Values are checked against --max-value; an error names the line and the column. Values are packed (Paillier) or batched (BFV) automatically.

        Example (table.csv):
          diagnosis,cases,controls
          asthma,12,30
          copd,4,19

          he-cli encrypt --public-key keys/public.hekey --site st-marys --in table.csv --out st-marys.he

        Signed for a study (the manifest is verified; the key must be the one it pins and the site on its roster with this signing key):
          he-cli encrypt --public-key keys/public.hekey --site st-marys --in table.csv --out st-marys.he --manifest study.hem --signing-key st-marys/signing.key

        Signed integers or decimals (for sums used in means and variances):
          he-cli encrypt ... --value-type signed
          he-cli encrypt ... --value-type decimal --scale 2
        """
    )

    @Option(name: .customLong("public-key"), help: "The key holder's public key file.", completion: .file())
    var publicKey: String

    @Option(help: "This site's ID (letters, digits and - _ . : @ +); it is listed in every aggregate.")
    var site: String

    @Option(name: .customLong("in"), help: "The count table (CSV; - for standard input).", completion: .file(extensions: ["csv"]))
    var input: String

    @Option(help: "Output file for the encrypted table.", completion: .file())
    var out: String

    @Option(name: .customLong("value-type"), help: "Cell type: count (non-negative integers), signed, or decimal.")
    var valueType: ValueType = .count

    @Option(help: "Decimal places of --value-type decimal (1 to 18).")
    var scale: Int?

    @Option(name: .customLong("max-value"),
            help: "Largest absolute cell value (in table units). Default: 10^9, or the largest power of ten that leaves room for 1,000 sites in the key's slots.")
    var maxValue: UInt64?

    @OptionGroup var signing: SigningOptions

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if valueType == .decimal {
            guard let scale else { throw ValidationError("--value-type decimal needs --scale (number of decimal places)") }
            guard (1 ... ValueEncoding.maxScale).contains(scale) else {
                throw ValidationError("--scale must be between 1 and \(ValueEncoding.maxScale)")
            }
        } else if scale != nil {
            throw ValidationError("--scale applies to --value-type decimal only")
        }
        if let maxValue, maxValue == 0 { throw ValidationError("--max-value must be at least 1") }
        if let problem = SiteID.problem(site) { throw ValidationError("invalid --site '\(site)': \(problem)") }
    }

    var encoding: ValueEncoding {
        switch valueType {
        case .count: .count
        case .signed: .signedInteger
        case .decimal: .fixedPoint(scale: scale ?? 0)
        }
    }

    func run() throws {
        try reportingErrors {
            try refuseOutputsReplacingInputs(outputs: [out], inputs: [input, publicKey] + signing.paths)
            let progress = Progress("encrypting", quiet: common.quiet)
            let result = try EncryptedTableFiles.encryptCSV(input, encoding: encoding, maxValue: maxValue,
                                                            hints: .encrypt, site: site, publicKeyPath: publicKey,
                                                            to: out, signing: signing.signing,
                                                            progress: progress.handler)
            progress.finish()
            if !common.quiet {
                let sizes = EncryptedFileSizes(header: result.header, fileBytes: try fileSize(out))
                print("encrypted \(result.rowCount) rows x \(result.columnCount) columns for site '\(site)' into \(out)")
                print("  \(result.header.scheme), \(sizes.ciphertextCount) ciphertext(s), \(byteCount(sizes.fileBytes)), "
                      + "bound \(result.maxValue) per cell, key \(result.header.publicKeyFingerprint.hex.prefix(16))...")
                if signing.signing != nil { print("  signed statement for site '\(site)' embedded (container format 3)") }
            }
        }
    }
}

extension ValueHints {
    /// `he-cli encrypt`: the options that fix a value error.
    static let encrypt = ValueHints(maxValue: "--max-value", decimals: "decimals need --value-type decimal with --scale",
                                    negative: "negative values need --value-type signed",
                                    scale: "raise --scale or round the data")
}

func fileSize(_ path: String) throws -> UInt64 {
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    guard let size = attributes?[.size] as? NSNumber else {
        throw HEFilesError.fileUnreadable(path: path, reason: "cannot read its size")
    }
    return size.uint64Value
}
