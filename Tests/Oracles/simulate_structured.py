#!/usr/bin/env python3
"""Case/control cohort with population structure between sites, for the site-stratified tests.

Each site draws its own allele frequency per variant from a Balding-Nichols model around an ancestral frequency
(F_ST = --fst) and has its own case fraction (alternating between --case-low and --case-high); genotypes do not
depend on the phenotype within a site, so every variant is null and any association of the pooled data comes
from confounding by site. Writes into OUT:
  panel.tsv                   CHR POS ID REF ALT, with header
  siteK.vcf, siteK.pheno      per-site genotypes (GT only) and phenotypes (FID IID PHENO, 2 case / 1 control)
  pooled.vcf, pooled.pheno    every sample in one file, for PLINK 1.9
  sites.clusters              FID IID siteK per sample (PLINK --within)
"""
import argparse
import os

import numpy as np


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True)
    p.add_argument("--sites", type=int, default=4)
    p.add_argument("--samples", type=int, default=1400)
    p.add_argument("--variants", type=int, default=300)
    p.add_argument("--fst", type=float, default=0.05)
    p.add_argument("--case-low", type=float, default=0.2)
    p.add_argument("--case-high", type=float, default=0.8)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    os.makedirs(a.out, exist_ok=True)
    m, k = a.variants, a.sites
    ancestral = rng.uniform(0.1, 0.5, size=m)
    shape = (1 - a.fst) / a.fst
    freq = rng.beta(ancestral * shape, (1 - ancestral) * shape, size=(k, m)).clip(0.01, 0.99)
    site = np.sort(rng.integers(0, k, size=a.samples))
    for s in range(k):  # every site keeps at least 20 samples
        if (site == s).sum() < 20:
            site[rng.choice(a.samples, 20, replace=False)] = s
    site = np.sort(site)
    case_fraction = np.where(np.arange(k) % 2 == 0, a.case_low, a.case_high)
    status = np.where(rng.random(a.samples) < case_fraction[site], 2, 1)
    geno = rng.binomial(2, freq[site].T)  # variants x samples
    names = ["s%06d" % j for j in range(a.samples)]
    pos = 10000 + np.arange(m) * 137
    with open(os.path.join(a.out, "panel.tsv"), "w") as f:
        f.write("CHR\tPOS\tID\tREF\tALT\n")
        for i in range(m):
            f.write("1\t%d\tsnp%d\tA\tG\n" % (pos[i], i + 1))
    calls = np.array(["0/0", "0/1", "1/1"])

    def write(path, members):
        with open(path, "w") as f:
            f.write("##fileformat=VCFv4.2\n##contig=<ID=1>\n")
            f.write('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n')
            f.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(names[j] for j in members) + "\n")
            for i in range(m):
                f.write("1\t%d\tsnp%d\tA\tG\t.\tPASS\t.\tGT\t" % (pos[i], i + 1))
                f.write("\t".join(calls[geno[i, members]]) + "\n")

    def pheno(path, members):
        with open(path, "w") as f:
            f.write("FID IID PHENO\n")
            for j in members:
                f.write("%s %s %d\n" % (names[j], names[j], status[j]))

    everyone = np.arange(a.samples)
    for s in range(k):
        members = np.flatnonzero(site == s)
        write(os.path.join(a.out, "site%d.vcf" % s), members)
        pheno(os.path.join(a.out, "site%d.pheno" % s), members)
    write(os.path.join(a.out, "pooled.vcf"), everyone)
    pheno(os.path.join(a.out, "pooled.pheno"), everyone)
    with open(os.path.join(a.out, "sites.clusters"), "w") as f:
        for j in everyone:
            f.write("%s %s site%d\n" % (names[j], names[j], site[j]))


if __name__ == "__main__":
    main()
