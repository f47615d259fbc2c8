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
          he-cli inspect --json total.he                    (the same as one JSON object, every label listed)
        """
    )

    @Argument(help: "A container file (.hekey or .he).", completion: .file())
    var file: String

    @Option(help: "Labels to list per dimension before eliding the rest.")
    var labels = 12

    @Flag(help: "Print one JSON object instead of text (every label, no eliding).")
    var json = false

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
            // The JSON object's members, in order, each value a JSON literal.
            var members: [(String, String)] = []
            func member(_ key: String, _ value: String) { members.append((key, jsonString(value))) }
            func member(_ key: String, _ value: some BinaryInteger) { members.append((key, "\(value)")) }
            func member(_ key: String, list: [String]) { members.append((key, "[" + list.map(jsonString).joined(separator: ", ") + "]")) }
            member("file", file)
            member("formatVersion", Int(reader.formatVersion))
            member("content", h.kind.description)
            members.append(("integrityVerified", "true"))
            member("scheme", h.scheme.description)
            member("parameterFingerprint", h.parameterFingerprint.description)
            member("publicKeyFingerprint", h.publicKeyFingerprint.description)
            lines.append(("file", file))
            lines.append(("format", "he-toolkit container, version \(reader.formatVersion)"))
            lines.append(("content", h.kind.description))
            lines.append(("integrity", "SHA-256 verified (header and whole file)"))
            lines.append(("scheme", h.scheme.description))
            if let evaluator = try? SchemeRegistry.evaluator(scheme: h.scheme, parameters: h.parameters) {
                for (k, v) in evaluator.parameterSummary { lines.append(("  " + k, v)) }
                members.append(("parameters", "{" + evaluator.parameterSummary.map { "\(jsonString($0.0)): \(jsonString($0.1))" }
                    .joined(separator: ", ") + "}"))
            } else {
                lines.append(("  parameters", "\(h.parameters.count) bytes (this build cannot interpret them)"))
            }
            lines.append(("parameter fingerprint", h.parameterFingerprint.description))
            lines.append(("public-key fingerprint", h.publicKeyFingerprint.description))
            switch h.kind {
            case .publicKey:
                lines.append(("public key", "\(chunkBytes[0]) bytes"))
                member("publicKeyBytes", chunkBytes[0])
            case .secretKey:
                lines.append(("public key", "\(chunkBytes[0]) bytes"))
                lines.append(("secret key", "\(chunkBytes[1]) bytes (not shown)"))
                member("publicKeyBytes", chunkBytes[0])
                member("secretKeyBytes", chunkBytes[1])
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
                member("party", h.contributors.first ?? "?")
                member("chunks", chunkBytes.count)
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
                let statements = try statementLines(h, path: file, contentDigest: reader.contentDigest, manifest: study.source?.load())
                lines += statements
                let sizes = EncryptedFileSizes(header: h, fileBytes: reader.fileSize)
                member("tableKind", s.kind.description)
                member("rowCount", s.rowLabels.count)
                member("columnCount", s.columnLabels.count)
                member("valueCount", s.valueCount)
                member("rowHeader", s.rowHeader)
                member("columns", list: s.columnLabels)
                member("rows", list: s.rowLabels)
                if !s.metadataFields.isEmpty { member("metadataFields", list: s.metadataFields) }
                member("valueEncoding", s.encoding.description)
                member("slotsPerCiphertext", layout.slotsPerCiphertext)
                if layout.slotBits > 0 { member("slotBits", layout.slotBits) }
                member("slotCapacity", layout.slotCapacity)
                if layout.maxContributions > 0 { member("maxContributions", layout.maxContributions) }
                member("valueBound", h.valueBound)
                member("contributors", list: h.contributors)
                // The statement lines: the first is the count (or "none"), then one per statement, then provenance.
                member("statements", list: statements.dropFirst().filter { $0.0.hasPrefix("  statement") }.map(\.1))
                if let provenance = statements.first(where: { $0.0 == "provenance" }) { member("provenance", provenance.1) }
                member("ciphertexts", sizes.ciphertextCount)
                member("ciphertextBytes", chunkBytes.first ?? 0)
                members.append(("bytesPerValue", jsonNumber(sizes.bytesPerValue)))
                lines.append(("ciphertexts", "\(sizes.ciphertextCount), \(chunkBytes.first ?? 0) bytes each"))
                lines.append(("bytes per value", String(format: "%.2f for this table; %.2f per slot of a full ciphertext",
                                                        sizes.bytesPerValue,
                                                        Double(chunkBytes.first ?? 0) / Double(layout.slotsPerCiphertext))))
                lines.append(("vs 32-bit integers", String(format: "%.2fx (file size / (4 bytes x %d values))",
                                                           sizes.expansionOver32BitIntegers, sizes.valueCount)))
            }
            lines.append(("file size", byteCount(reader.fileSize)))
            member("fileBytes", reader.fileSize)
            if json {
                print("{\n" + members.map { "  \(jsonString($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n}")
                return
            }
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
