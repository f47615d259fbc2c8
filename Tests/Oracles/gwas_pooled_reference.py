#!/usr/bin/env python3
"""References for the encrypted GWAS pipeline, computed from a simulated cohort's pooled files.

Given a directory written by simulate_cohort.py (panel.tsv, pooled.vcf.gz, pooled.pheno), writes into --out:
  expected_default.tsv, expected_kao.tsv   every statistic recomputed with scipy and exact rational arithmetic
                                           (plink_cohort.recompute) from the pooled genotypes, without and with
                                           --keep-allele-order, in panel order
  plink/default.*, plink/kao.*             plink1.9 --assoc/--hardy/--freq and --model on the pooled VCF
                                           (only with --plink)
  plink/midp_cell0.*                       the same with --hardy midp and --model --cell 0

The genotypes are read here from the pooled VCF independently of the Swift reader, with PLINK 1.9's import rules:
a call with a missing allele (half-call), an allele outside the panel pair (multi-allelic records) or a ploidy
above 2 is missing (alleles after the second that are all '.' are dropped first: 0/1/. is 0/1); a haploid call
counts as homozygous. Alleles are oriented to the panel's REF/ALT.
"""

import argparse
import gzip
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plink_cohort import MISSING, recompute, write_expected  # noqa: E402


def read_panel(path):
    panel = []
    with open(path) as f:
        for i, line in enumerate(f):
            fields = line.split()
            if not fields or fields[0].startswith("#") or (i == 0 and fields[0].upper() in ("CHR", "CHROM")):
                continue
            panel.append((fields[0], int(fields[1]), fields[2], fields[3].upper(), fields[4].upper()))
    return panel


def read_pheno(path, samples):
    codes = {}
    with open(path) as f:
        for i, line in enumerate(f):
            fields = line.split()
            if not fields or (i == 0 and fields[0] == "FID"):
                continue
            codes[fields[1]] = fields[2]

    def code(value):
        return {"1": 1, "2": 2}.get(value, -9)
    return np.array([code(codes[s]) for s in samples], dtype=np.int64)


def alt_count(call, ref_index, alt_index):
    alleles = call.replace("|", "/").split("/")
    if len(alleles) > 2 and all(a == "." for a in alleles[2:]):
        alleles = alleles[:2]  # PLINK 1.9 reads 0/1/. as 0/1
    if len(alleles) > 2 or "." in alleles:
        return MISSING
    if len(alleles) == 1:
        alleles = alleles * 2
    n = 0
    for a in alleles:
        a = int(a)
        if a == alt_index:
            n += 1
        elif a != ref_index:
            return MISSING
    return n


def read_pooled(path, panel):
    by_site = {}
    for chrom, pos, vid, ref, alt in panel:
        by_site.setdefault((chrom.removeprefix("chr"), pos), []).append((vid, ref, alt))
    genotypes = {}
    with gzip.open(path, "rt") as f:
        for line in f:
            if line.startswith("##"):
                continue
            fields = line.rstrip("\n").split("\t")
            if line.startswith("#"):
                samples = fields[9:]
                continue
            alleles = [fields[3].upper()] + [a.upper() for a in fields[4].split(",")]
            gt = fields[8].split(":").index("GT")
            for vid, ref, alt in by_site.get((fields[0].removeprefix("chr"), int(fields[1])), []):
                if ref in alleles and alt in alleles:
                    ri, ai = alleles.index(ref), alleles.index(alt)
                elif fields[4] == "." and fields[3].upper() in (ref, alt):
                    ri, ai = (0, -1) if fields[3].upper() == ref else (-1, 0)
                else:
                    continue
                genotypes[vid] = np.array([alt_count(c.split(":")[gt], ri, ai) for c in fields[9:]],
                                          dtype=np.int64)
    variants = []
    for chrom, pos, vid, ref, alt in panel:
        g = genotypes.get(vid, np.full(len(samples), MISSING, dtype=np.int64))
        variants.append([chrom, pos, vid, ref, alt, g])
    return samples, variants


def run_plink(plink, cohort, out, name, extra, hardy=("--hardy",), model=()):
    os.makedirs(os.path.join(out, "plink"), exist_ok=True)
    prefix = os.path.join(out, "plink", name)
    base = [plink, "--vcf", os.path.join(cohort, "pooled.vcf.gz"), "--double-id", "--vcf-half-call", "missing",
            "--pheno", os.path.join(cohort, "pooled.pheno"), "--allow-no-sex", "--threads", "1"] + extra
    for flags in (["--assoc", *hardy, "--freq"], ["--model", *model]):
        proc = subprocess.run(base + flags + ["--out", prefix], capture_output=True, text=True)
        if proc.returncode != 0:
            sys.stderr.write(proc.stdout + proc.stderr)
            raise SystemExit(f"plink failed ({proc.returncode}): {' '.join(base + flags)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cohort", required=True, help="directory written by simulate_cohort.py")
    parser.add_argument("--out", required=True)
    parser.add_argument("--plink", help="plink1.9 executable; skip PLINK runs when absent")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    panel = read_panel(os.path.join(args.cohort, "panel.tsv"))
    samples, variants = read_pooled(os.path.join(args.cohort, "pooled.vcf.gz"), panel)
    pheno = read_pheno(os.path.join(args.cohort, "pooled.pheno"), samples)
    write_expected(os.path.join(args.out, "expected_default.tsv"), recompute(pheno, variants, False))
    write_expected(os.path.join(args.out, "expected_kao.tsv"), recompute(pheno, variants, True))
    if args.plink:
        run_plink(args.plink, args.cohort, args.out, "default", [])
        run_plink(args.plink, args.cohort, args.out, "kao", ["--keep-allele-order"])
        run_plink(args.plink, args.cohort, args.out, "midp_cell0", [], hardy=("--hardy", "midp"), model=("--cell", "0"))


if __name__ == "__main__":
    main()
