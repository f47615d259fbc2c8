import ArgumentParser
import EncryptedStats
import Foundation
import GWAS
import Governance
import HEFiles

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a key, site file or aggregate contains (needs no key; shows nothing secret).",
        discussion: """
        Prints the scheme and its parameters, the key fingerprint, the table schema, the contributing sites, the sizes (including bytes per encrypted value) and verifies the file's SHA-256 checksum.

        Example:
          he-cli inspect st-marys.he
          he-cli inspect keys/public.hekey
          he-cli inspect --manifest study.hem st-marys.he   (whether each signed statement verifies)
        """
    )

    @Argument(help: "A container file (.hekey or .he).", completion: .file())
    var file: String

    @Option(help: "Labels to list per dimension before eliding the rest.")
    var labels = 12

    @OptionGroup var study: ManifestOptions

    @OptionGroup var common: CommonOptions

    func run() throws {
        try reportingErrors {
            let reader = try ContainerReader(path: file)
            let h = reader.header
            // Read the payload through to verify the whole-file checksum (chunk by chunk; nothing is decrypted).
            var chunkBytes: [Int] = []
            while let c = try reader.nextChunk() { chunkBytes.append(c.count) }

            var lines: [(String, String)] = []
            lines.append(("file", file))
            lines.append(("format", "he-toolkit container, version \(reader.formatVersion)"))
            lines.append(("content", h.kind.description))
            lines.append(("integrity", "SHA-256 verified (header and whole file)"))
            lines.append(("scheme", h.scheme.description))
            if let evaluator = try? SchemeRegistry.evaluator(scheme: h.scheme, parameters: h.parameters) {
                for (k, v) in evaluator.parameterSummary { lines.append(("  " + k, v)) }
            } else {
                lines.append(("  parameters", "\(h.parameters.count) bytes (this build cannot interpret them)"))
            }
            lines.append(("parameter fingerprint", h.parameterFingerprint.description))
            lines.append(("public-key fingerprint", h.publicKeyFingerprint.description))
            switch h.kind {
            case .publicKey:
                lines.append(("public key", "\(chunkBytes[0]) bytes"))
            case .secretKey:
                lines.append(("public key", "\(chunkBytes[0]) bytes"))
                lines.append(("secret key", "\(chunkBytes[1]) bytes (not shown)"))
                // inspect shows nothing secret, so it reads the file; the commands that use the key would refuse it.
                do throws(HEFilesError) {
                    try SecretKeyFile.check(file)
                } catch .secretKeyPermissions {
                    Console.warning("\(file) is readable or writable by other users; decrypt and gwas report refuse "
                                    + "it until you run: chmod 600 \(file)")
                } catch let error where error.isSecretKeyRefusal {
                    Console.warning("decrypt and gwas report refuse this key: \(ErrorMessages.message(error))")
                } catch {}
            case .publicKeyShare, .shamirShare, .decryptionShare, .partyKey:
                lines.append(("party", h.contributors.first ?? "?"))
                lines.append(("chunks", "\(chunkBytes.count) (the last one the party's signed envelope)"))
            case .siteTable, .aggregate:
                let s = h.schema!
                lines.append(("table kind", s.kind.description))
                lines.append(("dimensions", "\(s.rowLabels.count) rows x \(s.columnLabels.count) columns = \(s.valueCount) values"))
                lines.append(("label column", s.rowHeader))
                lines.append(("columns", elide(s.columnLabels)))
                lines.append(("rows", elide(s.rowLabels)))
                if !s.metadataFields.isEmpty {
                    lines.append(("row metadata", s.metadataFields.joined(separator: ", ")))
                }
                lines.append(("value encoding", s.encoding.description))
                let layout = s.layout
                lines.append(("layout", layout.slotsDescription + " per ciphertext"))
                lines.append(("slot capacity", "|sum| <= \(layout.slotCapacity)"))
                if layout.maxContributions > 0 {
                    lines.append(("contributions", "at most \(layout.maxContributions) can be summed (noise bound)"))
                }
                lines.append(("value bound", "|sum| <= \(h.valueBound) (declared bounds of the contributions added up)"))
                lines.append(("contributors", "\(h.contributors.count): \(h.contributors.joined(separator: ", "))"))
                lines += try statementLines(h, path: file, contentDigest: reader.contentDigest, manifest: study.source?.load())
                let sizes = EncryptedFileSizes(header: h, fileBytes: reader.fileSize)
                lines.append(("ciphertexts", "\(sizes.ciphertextCount), \(chunkBytes.first ?? 0) bytes each"))
                lines.append(("bytes per value", String(format: "%.2f for this table; %.2f per slot of a full ciphertext",
                                                        sizes.bytesPerValue,
                                                        Double(chunkBytes.first ?? 0) / Double(layout.slotsPerCiphertext))))
                lines.append(("vs 32-bit integers", String(format: "%.2fx (file size / (4 bytes x %d values))",
                                                           sizes.expansionOver32BitIntegers, sizes.valueCount)))
            }
            lines.append(("file size", byteCount(reader.fileSize)))
            let width = lines.map(\.0.count).max() ?? 0
            for (k, v) in lines { print(k.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + terminalSafe(v)) }
        }
    }

    private func elide(_ list: [String]) -> String {
        let shown = list.prefix(max(labels, 1)).map { "'\($0)'" }.joined(separator: ", ")
        let count = max(labels, 1)
        return list.count > count ? shown + ", ... (\(list.count - count) more)" : shown
    }
}
