#!/usr/bin/env python3
"""Large random case/control cohort for timing the key holder's statistics beside plink1.9.

Writes into --out: cohort.bed/.bim/.fam (PLINK binary, A1 = ALT, A2 = REF as PLINK's VCF import would store them),
cohort.pheno, and counts.tsv (the pooled genotype counts in the VariantCounts layout the key holder decrypts).
"""

import argparse
import os

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--variants", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)
    n, m = args.samples, args.variants

    draw = rng.random(n)
    pheno = np.where(draw < 0.45, 2, np.where(draw < 0.9, 1, -9))
    ids = [f"S{i:05d}" for i in range(n)]
    with open(os.path.join(args.out, "cohort.fam"), "w") as f:
        for sid in ids:
            f.write(f"{sid} {sid} 0 0 0 -9\n")
    with open(os.path.join(args.out, "cohort.pheno"), "w") as f:
        for sid, p in zip(ids, pheno):
            f.write(f"{sid} {sid} {p}\n")

    freqs = rng.uniform(0.005, 0.5, size=m)
    alt = rng.binomial(2, freqs[:, None], size=(m, n)).astype(np.int8)  # ALT allele count
    alt[rng.random((m, n)) < 0.02] = -1  # missing

    # .bed codes with A1 = ALT: hom-ALT 00, missing 01, het 10, hom-REF 11; four samples per byte, low bits first.
    code = np.select([alt == 2, alt == -1, alt == 1], [0, 1, 2], 3).astype(np.uint8)
    pad = (-n) % 4
    code = np.pad(code, ((0, 0), (0, pad)), constant_values=1).reshape(m, -1, 4)
    packed = code[:, :, 0] | (code[:, :, 1] << 2) | (code[:, :, 2] << 4) | (code[:, :, 3] << 6)
    with open(os.path.join(args.out, "cohort.bed"), "wb") as f:
        f.write(bytes([0x6C, 0x1B, 0x01]))
        f.write(packed.astype(np.uint8).tobytes())

    chrom = 1 + (np.arange(m) * 22 // m)
    pos = np.arange(m) * 100 + 1000
    bases = np.array(["A", "C", "G", "T"])
    ref = bases[np.arange(m) % 4]
    altb = bases[(np.arange(m) + 1) % 4]
    with open(os.path.join(args.out, "cohort.bim"), "w") as f:
        for i in range(m):
            f.write(f"{chrom[i]}\trs{i}\t0\t{pos[i]}\t{altb[i]}\t{ref[i]}\n")

    groups = [pheno == 2, pheno == 1, (pheno != 1) & (pheno != 2)]
    columns = []
    for mask in groups:
        sub = alt[:, mask]
        columns += [(sub == 0).sum(axis=1), (sub == 1).sum(axis=1), (sub == 2).sum(axis=1), (sub == -1).sum(axis=1)]
    table = np.stack(columns, axis=1)
    with open(os.path.join(args.out, "counts.tsv"), "w") as f:
        f.write("CHROM\tPOS\tID\tREF\tALT\t" + "\t".join(
            f"{g}_{c}" for g in ("CASE", "CONTROL", "UNKNOWN") for c in ("HOMREF", "HET", "HOMALT", "MISSING")) + "\n")
        for i in range(m):
            f.write(f"{chrom[i]}\t{pos[i]}\trs{i}\t{ref[i]}\t{altb[i]}\t" + "\t".join(map(str, table[i])) + "\n")


if __name__ == "__main__":
    main()
