// Variant panels as `he-cli gwas encrypt --panel` reads them: VariantPanel.read(path:).
// Invariants of a panel that parses: IDs unique, positions positive, REF != ALT, alleles upper-case A/C/G/T/N
// (ALT may be '.', a variant monomorphic in the reference),
// and the panel written back (with its header line) parses to the same variants in the same order.
import EncryptedStats
import HEFiles
import GWAS
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPanel(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let path = Scratch.write("panel.tsv", input.rest())
    let panel: [PanelVariant]
    do {
        panel = try VariantPanel.read(path: path)
    } catch {
        return 0
    }
    check(Set(panel.map(\.id)).count == panel.count, "repeated variant ID")
    var text = "CHR\tPOS\tID\tREF\tALT\n"
    for v in panel {
        check(v.pos > 0, "position \(v.pos) of \(v.id)")
        check(v.ref != v.alt, "REF equals ALT for \(v.id)")
        for a in [v.ref, v.alt] where !(a == v.alt && a == VariantPanel.missingAllele) {
            check(!a.isEmpty && a.utf8.allSatisfy { "ACGTN".utf8.contains($0) }, "allele '\(a)' of \(v.id)")
        }
        check(v.ref != VariantPanel.missingAllele, "REF '.' of \(v.id)")
        text += "\(v.chrom)\t\(v.pos)\t\(v.id)\t\(v.ref)\t\(v.alt)\n"
    }
    let again = Scratch.write("panel-again.tsv", Array(text.utf8))
    do {
        let reread = try VariantPanel.read(path: again)
        check(reread == panel, "the panel written back parses to different variants")
    } catch {
        invariantFailure("the panel written back does not parse: \(error)")
    }
    return 0
}

FuzzDriver.run(fuzzPanel)
