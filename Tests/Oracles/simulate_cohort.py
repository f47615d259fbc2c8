#!/usr/bin/env python3
"""Simulated case/control cohort split across sites, for testing and benchmarking GWAS counting.

Writes into OUT:
  panel.tsv                       shared variant panel (CHR POS ID REF ALT, with header)
  siteK.vcf.gz / siteK.bcf        per-site genotypes (the last site as BCF), siteK.pheno per-site phenotypes
  pooled.vcf.gz, pooled.pheno     every counted sample of every site in one VCF, for PLINK 1.9
  manifest.json                   site files, sample counts and the IDs of the planted variants

Genotypes depend only on --seed; --split-seed only changes which samples go to which site.

Planted variants (IDs in the manifest): ~30% and 100% missing calls, missingness only in cases, REF/ALT
swapped at one site, a variant absent at one site, monomorphic REF-only and ALT-only variants, an exact 0.5
frequency tie, ALT seen only in cases / only in controls, a very strong association, a multi-allelic record at
one site, haploid calls, half-calls (0/.), triploid calls (and 0/1/. padded ones), a record without GT at one
site, and a record with ALT '.' at one site. With 150 variants or more the last block of variants is on
chromosome X. Site 0 has no cases, site 1 uses phased calls and carries a sample without a phenotype
line plus a phenotype line for a sample it does not have, site 2 names chromosomes 'chrN' and has a record
outside the panel. All of that is invisible in the pooled files, which hold exactly what PLINK must count.

With --pooled-only, only panel.tsv and the pooled files are written (benchmarks).
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

SPECIAL = ["miss30", "miss100", "missCasesOnly", "swapped", "absent", "monoRef", "monoAlt", "tie",
           "caseOnlyAlt", "controlOnlyAlt", "strong", "multiAllelic", "haploid", "halfCall", "triploid",
           "noGT", "dotAlt"]
BASES = np.array(list("ACGT"))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--samples", type=int, default=3000)
    p.add_argument("--variants", type=int, default=3000)
    p.add_argument("--sites", type=int, default=4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--split-seed", type=int, default=1)
    p.add_argument("--pooled-only", action="store_true")
    p.add_argument("--bgzip-threads", type=int, default=1)
    a = p.parse_args()
    if a.sites < 4:
        p.error("--sites must be at least 4 (sites 0-3 carry planted features)")
    if a.variants < len(SPECIAL) + 5 or a.samples < 40 * a.sites:
        p.error("need at least %d variants and %d samples" % (len(SPECIAL) + 5, 40 * a.sites))
    return a


def simulate(a):
    rng = np.random.default_rng(a.seed)
    n, m = a.samples, a.variants
    # Phenotypes: 2 case, 1 control, 0 missing.
    status = rng.choice([2, 1, 0], size=n, p=[0.42, 0.50, 0.08])
    is_case = status == 2
    p = rng.uniform(0.02, 0.5, size=m)
    p_case = p.copy()
    assoc = rng.choice(np.arange(len(SPECIAL), m), size=min(10, m - len(SPECIAL)), replace=False)
    p_case[assoc] = np.minimum(0.95, p[assoc] * 1.8 + 0.05)
    sp = {name: i for i, name in enumerate(SPECIAL)}
    p[sp["strong"]], p_case[sp["strong"]] = 0.05, 0.70
    p[sp["multiAllelic"]] = p_case[sp["multiAllelic"]] = 0.35
    g = np.empty((m, n), dtype=np.int8)
    for start in range(0, m, 5000):  # in chunks, to bound memory at benchmark sizes
        stop = min(m, start + 5000)
        freq = np.where(is_case[None, :], p_case[start:stop, None], p[start:stop, None])
        block = (rng.random(freq.shape) < freq).astype(np.int8) + (rng.random(freq.shape) < freq).astype(np.int8)
        block[rng.random(freq.shape) < 0.01] = 3  # 1% missing calls everywhere
        g[start:stop] = block
    # Planted variants.
    g[sp["miss30"], rng.random(n) < 0.30] = 3
    g[sp["miss100"], :] = 3
    row = g[sp["missCasesOnly"]]
    row[row == 3] = 0
    row[is_case & (rng.random(n) < 0.25)] = 3
    g[sp["monoRef"]] = np.where(g[sp["monoRef"]] == 3, 3, 0)
    g[sp["monoAlt"]] = np.where(g[sp["monoAlt"]] == 3, 3, 2)
    row = g[sp["tie"]]
    called = np.flatnonzero(row != 3)
    half = len(called) // 2
    row[called[:half]] = 0
    row[called[half:2 * half]] = 2
    row[called[2 * half:]] = 1
    row = g[sp["caseOnlyAlt"]]
    row[:] = np.where(row == 3, 3, 0)
    row[is_case & (rng.random(n) < 0.15)] = 1
    row = g[sp["controlOnlyAlt"]]
    row[:] = np.where(row == 3, 3, 0)
    row[(status == 1) & (rng.random(n) < 0.15)] = 1

    # Variant sites: chromosomes 1..22 in blocks, increasing positions.
    nchrom = min(22, max(1, m // 50))
    chrom = 1 + (np.arange(m) * nchrom) // m
    pos = np.zeros(m, dtype=np.int64)
    for c in range(1, nchrom + 1):
        idx = np.flatnonzero(chrom == c)
        pos[idx] = 10_000 + np.cumsum(rng.integers(50, 500, size=len(idx)))
    # The last block is chromosome X (PLINK's 23): without sex information PLINK analyses it like an autosome.
    if nchrom >= 3:
        chrom[chrom == nchrom] = 23
    ref_i = rng.integers(0, 4, size=m)
    alt_i = (ref_i + rng.integers(1, 4, size=m)) % 4
    ref, alt = BASES[ref_i], BASES[alt_i]
    ids = np.array(["rs%d" % (i + 1) for i in range(m)], dtype=object)
    for name, i in sp.items():
        ids[i] = "rs%d_%s" % (i + 1, name)

    # Sites: site 0 has no cases; sizes differ.
    srng = np.random.default_rng(a.split_seed + 7919)
    k = a.sites
    weights = np.linspace(1.0, 2.0, k)
    weights /= weights.sum()
    site = srng.choice(k, size=n, p=weights)
    site[(site == 0) & is_case] = srng.integers(1, k, size=int(((site == 0) & is_case).sum()))
    for s in range(k):  # every site keeps some samples
        if not (site == s).any():
            site[np.flatnonzero(~is_case)[s]] = s

    # Calls that are written verbatim, identically at the site and in the pooled VCF: {(variant, sample): text}.
    verbatim = {}
    ms = 1  # site with the multi-allelic record
    for j in srng.choice(np.flatnonzero(site == ms), size=min(6, int((site == ms).sum())), replace=False):
        verbatim[(sp["multiAllelic"], j)] = srng.choice(["1/2", "0/2", "2/2"])
    hs = np.flatnonzero(site == 1)[:8]
    for j in hs:
        verbatim[(sp["haploid"], j)] = {0: "0", 1: "1", 2: "1", 3: "."}[int(g[sp["haploid"], j])]
    for j in srng.choice(n, size=10, replace=False):
        verbatim[(sp["halfCall"], j)] = srng.choice(["0/.", "./1", ".|0"])
    for k, j in enumerate(srng.choice(n, size=10, replace=False)):
        # Six calls of ploidy 3 (missing for PLINK), four padded with '.' (PLINK reads 0/1/. as 0/1).
        verbatim[(sp["triploid"], j)] = srng.choice(["0/0/1", "1/1/1", "0/1/1"] if k < 6 else ["0/1/.", "1/1/.", "0/0/."])
    # dotAlt: every sample of site 1 is hom-ref there, so site 1 writes ALT '.'.
    g[sp["dotAlt"], site == 1] = np.where(g[sp["dotAlt"], site == 1] == 3, 3, 0)
    # Absent at site 3, no GT at site 2: the pooled VCF shows those samples as missing.
    g[sp["absent"], site == 3] = 3
    g[sp["noGT"], site == 2] = 3
    return dict(n=n, m=m, status=status, g=g, chrom=chrom, pos=pos, ref=ref, alt=alt, ids=ids, site=site,
                verbatim=verbatim, sp=sp)


def open_bgzip(path, threads):
    out = open(path, "wb")
    proc = subprocess.Popen(["bgzip", "-c", "-@", str(threads)], stdin=subprocess.PIPE, stdout=out)
    return proc, out


def chrom_name(code):
    """The name written for PLINK chromosome code `code` (23 is X)."""
    return "X" if int(code) == 23 else str(int(code))


def write_vcf(path, d, samples, variant_rows, bgzip_threads, chrom_prefix="", phased=False,
              site_index=None, extra_sample=None, extra_record=False):
    """variant_rows: indices of variants to write. Writes bgzipped VCF at path."""
    g, sp, verbatim = d["g"], d["sp"], d["verbatim"]
    sep = "|" if phased else "/"
    table = np.frombuffer(("0%s0\t0%s1\t1%s1\t.%s.\t" % (sep, sep, sep, sep)).encode(), dtype=np.uint8).reshape(4, 4)
    swapped_table = table[[2, 1, 0, 3]]
    proc, out = open_bgzip(path, bgzip_threads)
    w = proc.stdin
    names = ["s%06d" % j for j in samples] + ([extra_sample] if extra_sample else [])
    head = ["##fileformat=VCFv4.2"]
    head += ["##contig=<ID=%s%s>" % (chrom_prefix, chrom_name(c)) for c in sorted(set(d["chrom"].tolist()))]
    head += ['##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
             '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
             "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT"] + names)]
    w.write(("\n".join(head) + "\n").encode())
    extra_gt = np.array([0], dtype=np.int64)
    chunk = 2000
    samples = np.asarray(samples)
    for start in range(0, len(variant_rows), chunk):
        rows = variant_rows[start:start + chunk]
        codes = g[np.ix_(rows, samples)]
        if extra_sample:
            codes = np.concatenate([codes, np.zeros((len(rows), 1), dtype=np.int8)], axis=1)
        lines = []
        for r_i, v in enumerate(rows):
            ref, alt = d["ref"][v], d["alt"][v]
            swap = site_index == 2 and v == sp["swapped"]
            tab = swapped_table if swap else table
            if swap:
                ref, alt = alt, ref
            if v == sp["multiAllelic"] and (site_index in (None, 1)):
                other = BASES[[b not in (ref, alt) for b in BASES]][0]
                alt = alt + "," + other
            if v == sp["dotAlt"] and site_index == 1:
                alt = "."
            fmt = "GT"
            if v == sp["noGT"] and site_index == 2:
                body = "\t".join(["10"] * codes.shape[1])
                fmt = "DP"
            else:
                cells = tab[codes[r_i]].reshape(-1)
                body = None
                specials = [(k, verbatim[(v, j)]) for k, j in enumerate(samples) if (v, j) in verbatim] \
                    if v in (sp["multiAllelic"], sp["haploid"], sp["halfCall"], sp["triploid"]) else []
                if specials:
                    parts = cells.tobytes().decode().rstrip("\t").split("\t")
                    for k, text in specials:
                        parts[k] = text
                    body = "\t".join(parts)
                else:
                    body = cells[:-1].tobytes().decode()
            prefix = "%s%s\t%d\t%s\t%s\t%s\t.\t.\t.\t%s\t" % (chrom_prefix, chrom_name(d["chrom"][v]), d["pos"][v],
                                                         d["ids"][v], ref, alt, fmt)
            lines.append(prefix + body)
            if extra_record and v == rows[0] and start == 0:
                lines.append("%s%s\t%d\tnot_in_panel\tA\tC\t.\t.\t.\tGT\t%s" % (
                    chrom_prefix, chrom_name(d["chrom"][v]), d["pos"][v] + 1,
                    "\t".join(["0/1"] * codes.shape[1])))
        w.write(("\n".join(lines) + "\n").encode())
    w.close()
    if proc.wait() != 0:
        sys.exit("bgzip failed for " + path)
    out.close()


def pheno_code(status, style):
    if status == 0:
        return {"a": "-9", "b": "NA", "c": "0", "d": "-9"}[style]
    return str(status)


def main():
    a = parse_args()
    os.makedirs(a.out, exist_ok=True)
    d = simulate(a)
    m, status, site = d["m"], d["status"], d["site"]
    with open(os.path.join(a.out, "panel.tsv"), "w") as f:
        f.write("CHR\tPOS\tID\tREF\tALT\n")
        for v in range(m):
            f.write("%s\t%d\t%s\t%s\t%s\n" % (chrom_name(d["chrom"][v]), d["pos"][v], d["ids"][v], d["ref"][v], d["alt"][v]))
    all_rows = np.arange(m)
    everyone = np.arange(d["n"])
    write_vcf(os.path.join(a.out, "pooled.vcf.gz"), d, everyone, all_rows, a.bgzip_threads)
    with open(os.path.join(a.out, "pooled.pheno"), "w") as f:
        f.write("FID\tIID\tPHENO\n")
        for j in everyone:
            f.write("s%06d\ts%06d\t%s\n" % (j, j, pheno_code(status[j], "a")))
    manifest = {"samples": int(d["n"]), "variants": int(m), "sites": [],
                "special": {name: str(d["ids"][i]) for name, i in d["sp"].items()}}
    if not a.pooled_only:
        for s in range(a.sites):
            members = np.flatnonzero(site == s)
            rows = all_rows[all_rows != d["sp"]["absent"]] if s == 3 else all_rows
            vcf = os.path.join(a.out, "site%d.vcf.gz" % s)
            write_vcf(vcf, d, members, rows, a.bgzip_threads, chrom_prefix="chr" if s == 2 else "",
                      phased=(s == 1), site_index=s, extra_sample="extra-no-phenotype" if s == 1 else None,
                      extra_record=(s == 2))
            if s == a.sites - 1:
                bcf = os.path.join(a.out, "site%d.bcf" % s)
                subprocess.run(["bcftools", "view", "-Ob", "-o", bcf, vcf], check=True)
                os.remove(vcf)
                vcf = bcf
            style = "abcd"[s % 4]
            pheno = os.path.join(a.out, "site%d.pheno" % s)
            with open(pheno, "w") as f:
                if style == "a":
                    f.write("FID IID PHENO\n")
                elif style == "b":
                    f.write("sample\tphenotype\n")
                for j in members:
                    name, code = "s%06d" % j, pheno_code(status[j], style)
                    f.write("%s %s %s\n" % (name, name, code) if style in "ac" else "%s\t%s\n" % (name, code))
                if s == 1:
                    f.write("absent-from-vcf\t2\n")
            manifest["sites"].append({"vcf": os.path.basename(vcf), "pheno": os.path.basename(pheno),
                                      "samples": int(len(members)),
                                      "cases": int((status[members] == 2).sum())})
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main()
