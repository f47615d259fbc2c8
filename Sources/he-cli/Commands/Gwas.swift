import ArgumentParser
import EncryptedStats
import Foundation
import GWAS
import HEFiles

struct GwasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gwas",
        abstract: "Encrypted case/control GWAS: sites encrypt genotype counts, the key holder reports PLINK 1.9 files.",
        discussion: """
        Flow (docs/CLI.md):
          key holder   he-cli keygen --scheme paillier --out keys
                       he-cli gwas panel --vcf reference.vcf.gz --out panel.tsv   (the shared panel)
          each site    he-cli gwas encrypt --vcf site.vcf.gz --pheno site.pheno --panel panel.tsv \\
                           --site st-marys --public-key keys/public.hekey --out st-marys.gwas.he
          aggregator   he-cli aggregate --out pooled.gwas.he st-marys.gwas.he city-general.gwas.he
          key holder   he-cli gwas report --secret-key keys/secret.hekey --in pooled.gwas.he --out pooled
        The report (pooled.assoc, pooled.frq, pooled.gwas.tsv) matches plink1.9 --assoc/--freq run on the
        pooled VCF with --allow-no-sex.
        Site-stratified allelic test (Cochran-Mantel-Haenszel over sites, Paillier keys): gwas encrypt --mh at each
        site, aggregate, gwas report --mh; pooled.cmh matches plink1.9 --mh --within <sites>.
        Fixed-effect meta-analysis of each site's own PLINK --logistic/--linear results (Paillier keys): gwas
        meta-encrypt at each site, aggregate, gwas report --meta; pooled.meta matches plink1.9 --meta-analysis.
        """,
        subcommands: [GwasPanel.self, GwasEncrypt.self, GwasMetaEncrypt.self, GwasReport.self]
    )
}
