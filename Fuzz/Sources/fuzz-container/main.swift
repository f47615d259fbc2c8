// Container files of every content kind (public key, secret key, encrypted site table, aggregate; count tables and
// GWAS genotype counts) through the functions the CLI runs on them:
//   he-cli inspect          ContainerReader (header, chunks, whole-file checksum) and the scheme's parameter summary
//   he-cli encrypt/export   KeyFiles.readPublic / KeyFiles.readSecret for key files
//   he-cli aggregate        EncryptedTableFiles.aggregate (header checks, every chunk deserialised, re-serialised)
//   he-cli decrypt          EncryptedTableFiles.decrypt, when the file names a committed test key
//   he-cli gwas report      GwasFiles.decrypt and Gwas.analyse for GWAS tables under a test key
// The input is the file. When it fails only on a checksum, the same bytes with both digests recomputed are tried
// too, so mutations reach the header and payload decoders.
// Invariants: a file that reads has the chunk count and payload size of its header; a current-version file
// re-encodes to the same bytes;
// aggregating it alone gives a file with its schema, contributors and bound; decrypted values lie within the bound.
import EncryptedStats
import HEFiles
import GWAS
import FuzzSupport

let testKeys = [TestKeys.secret(.paillier), TestKeys.secret(.bfv)]

func exercise(_ bytes: [UInt8]) -> HEFilesError? {
    let path = Scratch.write("input.he", bytes)
    let header: ContainerHeader, chunks: [[UInt8]], version: UInt16
    do {
        (header, chunks, version) = try readContainer(path)
    } catch {
        return error
    }
    check(chunks.count == header.payloadChunkCount, "\(chunks.count) chunks, header says \(header.payloadChunkCount)")
    check(header.payloadByteCount == chunks.reduce(0) { $0 + 4 + UInt64($1.count) }, "payload byte count")
    // Older versions that are still read (version 1 keys and BFV tables) are written in the current version.
    if version == ContainerFormat.version {
        check(ContainerWriter.encode(header: header, chunks: chunks) == bytes, "the container does not re-encode to its bytes")
    }
    if let evaluator = try? SchemeRegistry.evaluator(scheme: header.scheme, parameters: header.parameters) {
        _ = evaluator.parameterSummary
    }
    switch header.kind {
    case .publicKeyShare, .shamirShare, .decryptionShare, .partyKey:
        // Multi-party files: one party, its payload, then its signed envelope (verified against a manifest only).
        check(header.contributors.count == 1 && chunks.count >= 2 && header.scheme == .bfv, "party file layout")
    case .publicKey:
        _ = try? KeyFiles.readPublic(path)
    case .secretKey:
        _ = try? KeyFiles.readSecret(path)
    case .siteTable, .aggregate:
        let out = Scratch.path("aggregate.he")
        Scratch.remove("aggregate.he")
        if let summed = try? EncryptedTableFiles.aggregate(inputs: [path], to: out) {
            check(summed.kind == .aggregate && summed.schema == header.schema, "aggregate schema differs")
            check(summed.contributors == header.contributors && summed.valueBound == header.valueBound,
                  "aggregate contributors or bound differ")
        }
        for key in testKeys where key.keys.publicKeyFingerprint == header.publicKeyFingerprint {
            if let totals = try? EncryptedTableFiles.decrypt(path, keys: key.keys, keyPath: key.path) {
                check(totals.values.count == header.schema!.valueCount, "decrypted value count")
                for v in totals.values { check(v.magnitude <= header.valueBound, "decrypted \(v) outside the bound") }
                if let (panel, terms) = totals.gwasMantelHaenszelTerms {
                    check(panel.count == terms.count, "Mantel-Haenszel panel and terms differ in length")
                    _ = try? MantelHaenszel.analyse(panel: panel, terms: terms, sites: totals.contributors.count,
                                                    keepAlleleOrder: false)
                }
                if let (panel, terms, oddsRatios) = totals.gwasMetaAnalysisTerms {
                    check(panel.count == terms.count, "meta-analysis panel and values differ in length")
                    if let results = try? MetaAnalysis.analyse(panel: panel, terms: terms) {
                        _ = MetaAnalysisWriter.render(results, oddsRatios: oddsRatios)
                    }
                }
            }
            if header.schema?.kind == .gwasGenotypeCounts,
               let pooled = try? GwasFiles.decrypt(path, keys: key.keys, keyPath: key.path) {
                check(pooled.panel.count == pooled.counts.count, "pooled panel and counts differ in length")
                _ = try? Gwas.analyse(panel: pooled.panel, counts: pooled.counts)
            }
        }
    }
    return nil
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzContainer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch exercise(bytes) {
    case .headerChecksumMismatch?, .checksumMismatch?:
        if let fixed = withContainerDigestsFixed(bytes) { _ = exercise(fixed) }
    default:
        break
    }
    return 0
}

FuzzDriver.run(fuzzContainer)
