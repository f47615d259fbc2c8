#!/usr/bin/env python3
"""Random case/control cohorts for checking the key holder's GWAS statistics against PLINK 1.9 and scipy.

Writes into --out:
  cohort.vcf, cohort.pheno        the cohort (PLINK --vcf / --pheno inputs)
  counts.tsv                      per-variant genotype counts in the VariantCounts wire order, counted here from
                                  the genotype matrix (independently of the Swift code)
  plink/default.*, plink/kao.*    plink1.9 --assoc/--model/--hardy/--freq reports, without and with
                                  --keep-allele-order (only with --plink); *.midp.hwe from --hardy midp,
                                  *.np.hwe from --hardy with every phenotype missing (cohort.nopheno)
  expected_default.tsv,           every statistic recomputed here at full precision with scipy and exact rational
  expected_kao.tsv                arithmetic (Hardy-Weinberg), for the same two allele orientations

The cohort deliberately contains the awkward cases: missing calls, missing phenotypes, monomorphic variants
(REF-only and ALT-only), exact 0.5 allele-frequency ties, alleles seen only in cases or only in controls, a variant
with no calls at all, ~30% missingness (also confined to cases), variants with every case or every control
missing, a minor allele that is only minor once the missing-phenotype samples are counted, indels and long
alleles, identifiers of varying length, and a very strong association (P far below 1e-50).
"""

import argparse
import functools
import math
import os
import subprocess
import sys
from fractions import Fraction

import numpy as np
from scipy import stats

MISSING = -1  # genotype code for ./.


def genotypes_hwe(rng, n, alt_freq):
    return rng.binomial(2, alt_freq, size=n)


def apply_missing(rng, genotypes, rate, mask=None):
    drop = rng.random(genotypes.size) < rate
    if mask is not None:
        drop &= mask
    genotypes = genotypes.copy()
    genotypes[drop] = MISSING
    return genotypes


def build_cohort(rng, n_samples, n_random):
    # Phenotypes: 2 = case, 1 = control, -9 / 0 = missing.
    draw = rng.random(n_samples)
    pheno = np.where(draw < 0.45, 2, np.where(draw < 0.90, 1, -9))
    unknown = pheno == -9
    pheno[unknown & (rng.random(n_samples) < 0.5)] = 0
    unknown = (pheno != 1) & (pheno != 2)
    cases = pheno == 2
    controls = pheno == 1

    variants = []  # (chrom, pos, id, ref, alt, genotypes)

    def add(chrom, vid, ref, alt, g):
        variants.append([chrom, None, vid, ref, alt, np.asarray(g, dtype=np.int64)])

    n = n_samples
    add("1", "all_missing", "A", "G", np.full(n, MISSING))
    add("1", "ref_only", "C", "T", apply_missing(rng, np.zeros(n, dtype=np.int64), 0.05))
    add("1", "alt_only", "G", "A", apply_missing(rng, np.full(n, 2), 0.05))
    add("1", "tie_all_het", "T", "C", np.ones(n, dtype=np.int64))
    half = np.zeros(n, dtype=np.int64)
    half[rng.permutation(n)[: n // 2]] = 2
    add("1", "tie_homs_only", "A", "C", half)
    g = np.zeros(n, dtype=np.int64)
    g[cases] = genotypes_hwe(rng, cases.sum(), 0.2)
    add("1", "alt_only_in_cases", "C", "G", g)
    g = np.zeros(n, dtype=np.int64)
    g[controls] = genotypes_hwe(rng, controls.sum(), 0.2)
    add("1", "alt_only_in_controls", "G", "T", g)
    add("1", "missing_30pct", "A", "T", apply_missing(rng, genotypes_hwe(rng, n, 0.3), 0.3))
    add("1", "missing_only_cases", "T", "G", apply_missing(rng, genotypes_hwe(rng, n, 0.25), 0.3, mask=cases))
    g = genotypes_hwe(rng, n, 0.3)
    g[cases] = MISSING
    add("1", "all_cases_missing", "C", "A", g)
    g = genotypes_hwe(rng, n, 0.3)
    g[controls] = MISSING
    add("1", "all_controls_missing", "G", "C", g)
    g = np.zeros(n, dtype=np.int64)
    g[cases] = genotypes_hwe(rng, cases.sum(), 0.85)
    g[~cases] = genotypes_hwe(rng, (~cases).sum(), 0.08)
    add("1", "strong_association", "A", "G", g)
    # ALT is the major allele among phenotyped samples but the minor one once the unknowns (all hom-REF) count.
    phenotyped = np.flatnonzero(~unknown)
    m = phenotyped.size
    alt_alleles = m + max(2, (unknown.sum() * 2) // 3)  # > m (major among phenotyped), < m + 2 * unknown
    g = np.zeros(n, dtype=np.int64)
    order = rng.permutation(phenotyped)
    homs = alt_alleles - m  # each hom-ALT adds one allele over a het
    g[order[:homs]] = 2
    g[order[homs:]] = 1
    add("1", "minor_only_with_unknowns", "T", "A", g)
    add("2", "chr2:1100:AC:A", "AC", "A", genotypes_hwe(rng, n, 0.35))
    add("2", "long_alt_allele", "G", "GTTTTTT", apply_missing(rng, genotypes_hwe(rng, n, 0.12), 0.04))
    het_excess = np.ones(n, dtype=np.int64)
    het_excess[rng.random(n) < 0.1] = 0
    add("2", "het_excess", "C", "T", het_excess)
    add("2", "rare_variant", "A", "C", genotypes_hwe(rng, n, 0.01))
    for i in range(n_random):
        freq = rng.uniform(0.005, 0.5)
        g = genotypes_hwe(rng, n, freq)
        if rng.random() < 0.1:  # planted association
            g[cases] = genotypes_hwe(rng, cases.sum(), min(0.95, freq * 2.5))
        if rng.random() < 0.1:  # Hardy-Weinberg deviation: inbreeding-like het deficit
            homs = (g == 1) & (rng.random(n) < 0.6)
            g[homs] = np.where(rng.random(homs.sum()) < freq, 2, 0)
        g = apply_missing(rng, g, rng.uniform(0, 0.1))
        chrom = "chr2" if i % 3 == 1 else ("22" if i % 3 == 2 else "1")
        if i % 37 == 5:
            vid = f"chr{chrom.removeprefix('chr')}:{1000 * i + 17}:ACGT:A{'C' * (i % 5)}"
        else:
            vid = f"rs{rng.integers(1, 10 ** rng.integers(1, 8))}_{i}"
        ref, alt = ["A", "C", "G", "T"], ["C", "G", "T", "A"]
        add(chrom, vid, ref[i % 4], alt[i % 4], g)

    # Group by chromosome in PLINK's code order (1, 2, 22), positions increasing.
    code = {"1": 1, "2": 2, "chr2": 2, "22": 22}
    variants.sort(key=lambda v: code[v[0]])
    position = {}
    for v in variants:
        c = code[v[0]]
        position[c] = position.get(c, 0) + int(rng.integers(50, 5000))
        v[1] = position[c]
    return pheno, variants


def write_vcf(path, sample_ids, variants):
    text = {MISSING: "./.", 0: "0/0", 1: "0/1", 2: "1/1"}
    with open(path, "w") as f:
        f.write("##fileformat=VCFv4.2\n")
        for contig in ("1", "2", "chr2", "22"):
            f.write(f"##contig=<ID={contig}>\n")
        f.write('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n')
        f.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(sample_ids) + "\n")
        for chrom, pos, vid, ref, alt, g in variants:
            f.write(f"{chrom}\t{pos}\t{vid}\t{ref}\t{alt}\t.\tPASS\t.\tGT\t")
            f.write("\t".join(text[int(x)] for x in g) + "\n")


def group_counts(g):
    return [int((g == 0).sum()), int((g == 1).sum()), int((g == 2).sum()), int((g == MISSING).sum())]


def write_counts(path, pheno, variants):
    cases, controls = pheno == 2, pheno == 1
    unknown = ~(cases | controls)
    with open(path, "w") as f:
        f.write("CHROM\tPOS\tID\tREF\tALT\t" + "\t".join(
            f"{grp}_{cls}" for grp in ("CASE", "CONTROL", "UNKNOWN") for cls in ("HOMREF", "HET", "HOMALT", "MISSING")
        ) + "\n")
        for chrom, pos, vid, ref, alt, g in variants:
            counts = group_counts(g[cases]) + group_counts(g[controls]) + group_counts(g[unknown])
            f.write(f"{chrom}\t{pos}\t{vid}\t{ref}\t{alt}\t" + "\t".join(map(str, counts)) + "\n")


# ---- independent recomputation ---------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def hwe_exact(hom1, het, hom2):
    """Exact Hardy-Weinberg p-value in integer arithmetic: sum of P(h) over P(h) <= P(observed).

    With the allele counts fixed, P(h hets) is proportional to the integer n! / (h! homr! homc!) * 2^h.
    """
    n = hom1 + het + hom2
    if n == 0:
        return 1.0
    rare = 2 * min(hom1, hom2) + het
    common = 2 * n - rare
    weights = {}
    for h in range(rare % 2, rare + 1, 2):
        homr, homc = (rare - h) // 2, (common - h) // 2
        weights[h] = math.comb(n, h) * math.comb(n - h, homr) * 2 ** h
    observed = weights[het]
    total = sum(weights.values())
    tail = sum(w for w in weights.values() if w <= observed)
    return float(Fraction(tail, total))


def chi2_table(table):
    """Pearson chi-square (no correction) through scipy, or None when a margin is zero."""
    t = np.asarray(table, dtype=float)
    if (t.sum(axis=0) == 0).any() or (t.sum(axis=1) == 0).any():
        return None
    result = stats.chi2_contingency(t, correction=False)
    return float(result[0]), int(result[2]), float(result[1])


def trend_test(case_g, ctrl_g):
    """Cochran-Armitage trend test with scores 0, 1, 2 (the N-scaled form PLINK reports)."""
    r = [case_g[0], case_g[1], case_g[2]]
    s = [ctrl_g[0], ctrl_g[1], ctrl_g[2]]
    n_i = [r[i] + s[i] for i in range(3)]
    big_r, big_n = sum(r), sum(n_i)
    t = [0, 1, 2]
    num = big_n * sum(t[i] * r[i] for i in range(3)) - big_r * sum(t[i] * n_i[i] for i in range(3))
    var = big_n * sum(t[i] ** 2 * n_i[i] for i in range(3)) - sum(t[i] * n_i[i] for i in range(3)) ** 2
    if var == 0 or big_r == 0 or big_r == big_n:
        return None
    chi = float(Fraction(big_n * num * num, big_r * (big_n - big_r) * var))
    return chi, 1, float(stats.chi2.sf(chi, 1))


def recompute(pheno, variants, keep_allele_order, cell=5):
    cases, controls = pheno == 2, pheno == 1
    rows = []
    for chrom, pos, vid, ref, alt, g in variants:
        called = g[g != MISSING]
        alt_count, ref_count = int(called.sum()), int(2 * called.size - called.sum())
        a1_is_alt = keep_allele_order or not (ref_count < alt_count)
        a1, a2 = (alt, ref) if a1_is_alt else (ref, alt)

        def oriented(sub):  # (hom A1, het, hom A2)
            c = group_counts(sub)
            return (c[2], c[1], c[0]) if a1_is_alt else (c[0], c[1], c[2])

        ca, co, al = oriented(g[cases]), oriented(g[controls]), oriented(g)
        a = 2 * ca[0] + ca[1]
        b = 2 * ca[2] + ca[1]
        c = 2 * co[0] + co[1]
        d = 2 * co[2] + co[1]
        out = {"SNP": vid, "A1": a1, "A2": a2}
        out["F_A"] = a / (a + b) if a + b else None
        out["F_U"] = c / (c + d) if c + d else None
        if a + c and b + d:
            res = chi2_table([[a, b], [c, d]])
            chi, p = (res[0], res[2]) if res else (0.0, 1.0)
            out["CHISQ"], out["P"] = chi, p
        else:
            out["CHISQ"] = out["P"] = None
        out["OR"] = (a * d) / (c * b) if c * b else None
        n_called = sum(al)
        out["MAF"] = (2 * al[0] + al[1]) / (2 * n_called) if n_called else None
        out["NCHROBS"] = 2 * n_called

        valid = min(ca + co) >= cell
        geno = None
        if valid and sum(ca) and sum(co):
            cols = [(ca[i], co[i]) for i in range(3) if ca[i] + co[i] > 0]
            if len(cols) >= 2:
                res = chi2_table([[x[0] for x in cols], [x[1] for x in cols]])
                geno = res
        out["CHISQ_GENO"], out["DF_GENO"], out["P_GENO"] = geno if geno else (None, None, None)
        trend = trend_test(ca, co)
        out["CHISQ_TREND"], out["P_TREND"] = (trend[0], trend[2]) if trend else (None, None)
        allelic = chi2_table([[a, b], [c, d]])
        out["CHISQ_ALLELIC"], out["P_ALLELIC"] = (allelic[0], allelic[2]) if allelic else (None, None)
        dom = chi2_table([[ca[0] + ca[1], ca[2]], [co[0] + co[1], co[2]]]) if valid else None
        out["CHISQ_DOM"], out["P_DOM"] = (dom[0], dom[2]) if dom else (None, None)
        rec = chi2_table([[ca[0], ca[1] + ca[2]], [co[0], co[1] + co[2]]]) if valid else None
        out["CHISQ_REC"], out["P_REC"] = (rec[0], rec[2]) if rec else (None, None)
        if n_called:
            p1 = (2 * al[0] + al[1]) / (2 * n_called)
            out["O_HET_ALL"] = al[1] / n_called
            out["E_HET_ALL"] = 2 * p1 * (1 - p1)
        else:
            out["O_HET_ALL"] = out["E_HET_ALL"] = None
        out["P_HWE"] = hwe_exact(*al)
        out["P_HWE_AFF"] = hwe_exact(*ca)
        out["P_HWE_UNAFF"] = hwe_exact(*co)
        rows.append(out)
    return rows


EXPECTED_COLUMNS = ["SNP", "A1", "A2", "F_A", "F_U", "CHISQ", "P", "OR", "MAF", "NCHROBS",
                    "CHISQ_GENO", "DF_GENO", "P_GENO", "CHISQ_TREND", "P_TREND", "CHISQ_ALLELIC", "P_ALLELIC",
                    "CHISQ_DOM", "P_DOM", "CHISQ_REC", "P_REC", "O_HET_ALL", "E_HET_ALL",
                    "P_HWE", "P_HWE_AFF", "P_HWE_UNAFF"]


def write_expected(path, rows):
    def fmt(v):
        if v is None:
            return "NA"
        if isinstance(v, float):
            return repr(v)
        return str(v)
    with open(path, "w") as f:
        f.write("\t".join(EXPECTED_COLUMNS) + "\n")
        for row in rows:
            f.write("\t".join(fmt(row[c]) for c in EXPECTED_COLUMNS) + "\n")


def run_plink(plink, out_dir, name, extra):
    os.makedirs(os.path.join(out_dir, "plink"), exist_ok=True)
    prefix = os.path.join(out_dir, "plink", name)
    base = [plink, "--vcf", os.path.join(out_dir, "cohort.vcf"), "--double-id",
            "--pheno", os.path.join(out_dir, "cohort.pheno"), "--allow-no-sex", "--threads", "1"] + extra
    # --assoc and --model are separate runs in PLINK 1.9; --hardy and --freq ride along with --assoc.
    no_pheno = os.path.join(out_dir, "cohort.nopheno")
    runs = ((base, ["--assoc", "--hardy", "--freq"], ""), (base, ["--model"], ""),
            (base, ["--hardy", "midp"], ".midp"),
            # Nobody phenotyped: PLINK writes ALL(NP) Hardy-Weinberg rows.
            ([b if b != os.path.join(out_dir, "cohort.pheno") else no_pheno for b in base], ["--hardy"], ".np"))
    for command, flags, suffix in runs:
        proc = subprocess.run(command + flags + ["--out", prefix + suffix], capture_output=True, text=True)
        if proc.returncode != 0:
            sys.stderr.write(proc.stdout + proc.stderr)
            raise SystemExit(f"plink failed ({proc.returncode}): {' '.join(command + flags)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--variants", type=int, default=300, help="random variants besides the special ones")
    parser.add_argument("--plink", help="plink1.9 executable; skip PLINK runs when absent")
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)
    pheno, variants = build_cohort(rng, args.samples, args.variants)
    sample_ids = [f"S{i:04d}" for i in range(args.samples)]
    write_vcf(os.path.join(args.out, "cohort.vcf"), sample_ids, variants)
    with open(os.path.join(args.out, "cohort.pheno"), "w") as f:
        for sid, p in zip(sample_ids, pheno):
            f.write(f"{sid} {sid} {int(p)}\n")
    with open(os.path.join(args.out, "cohort.nopheno"), "w") as f:
        for sid in sample_ids:
            f.write(f"{sid} {sid} -9\n")
    write_counts(os.path.join(args.out, "counts.tsv"), pheno, variants)
    write_expected(os.path.join(args.out, "expected_default.tsv"), recompute(pheno, variants, False))
    write_expected(os.path.join(args.out, "expected_kao.tsv"), recompute(pheno, variants, True))
    if args.plink:
        run_plink(args.plink, args.out, "default", [])
        run_plink(args.plink, args.out, "kao", ["--keep-allele-order"])


if __name__ == "__main__":
    main()
