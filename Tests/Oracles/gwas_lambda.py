#!/usr/bin/env python3
"""Genomic-control lambda and top hits from a PLINK 1.9 .assoc file, for the gwas report tests.

Usage: gwas_lambda.py FILE.assoc [COUNT]
Prints one JSON object: "lambda" = median of the CHISQ column (NA rows left out) / scipy.stats.chi2.ppf(0.5, 1),
"tested" = how many rows have a CHISQ, "top" = the SNP names of the COUNT (default 10) rows with the smallest P,
equal P values in file order.
"""
import json
import sys

import numpy as np
from scipy import stats


def main():
    path = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    with open(path) as f:
        header = f.readline().split()
        rows = [dict(zip(header, line.split())) for line in f if line.strip()]
    chisq = [float(r["CHISQ"]) for r in rows if r["CHISQ"] != "NA"]
    lam = float(np.median(chisq)) / stats.chi2.ppf(0.5, 1) if chisq else None
    tested = [(float(r["P"]), i, r["SNP"]) for i, r in enumerate(rows) if r["P"] != "NA"]
    top = [snp for _, _, snp in sorted(tested)[:count]]
    json.dump({"lambda": lam, "tested": len(chisq), "top": top}, sys.stdout)


if __name__ == "__main__":
    main()
