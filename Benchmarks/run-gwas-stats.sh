#!/usr/bin/env bash
# Key-holder statistics vs plink1.9 on the same cohort (100,000 variants x 2,000 samples by default).
# Ours starts from the decrypted pooled counts; PLINK starts from its binary genotype files, which is the work a
# single site holding all genotypes would do. Both produce .assoc/.hwe/.frq, then .model.
#
#   Benchmarks/run-gwas-stats.sh [variants] [samples]     (needs python3 with numpy, plink1.9, hyperfine)
set -euo pipefail
# Benchmark programs are declared only when asked for (Package.swift).
export HE_BENCHMARKS=1
cd "$(dirname "$0")/.."
variants=${1:-100000}
samples=${2:-2000}
python=${HE_TEST_PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$python" Benchmarks/gwas_stats_cohort.py --out "$work" --variants "$variants" --samples "$samples"
swift build -c release --product GwasStatsBenchmark >/dev/null
bench=$(swift build -c release --show-bin-path)/GwasStatsBenchmark
plink="plink1.9 --bfile $work/cohort --pheno $work/cohort.pheno --allow-no-sex --threads 1"

"$bench" "$work/counts.tsv" "$work/ours" assoc,model,hwe,frq,full
hyperfine --warmup 1 --runs 5 --export-markdown "$work/assoc.md" \
    -n "plink1.9 --assoc --hardy --freq" "$plink --assoc --hardy --freq --out $work/plink" \
    -n "key holder: assoc,hwe,frq" "$bench $work/counts.tsv $work/ours assoc,hwe,frq"
hyperfine --warmup 1 --runs 5 --export-markdown "$work/model.md" \
    -n "plink1.9 --model" "$plink --model --out $work/plink" \
    -n "key holder: model" "$bench $work/counts.tsv $work/ours model"
cat "$work/assoc.md" "$work/model.md"
for f in assoc hwe frq model; do
    cmp -s "$work/ours.$f" "$work/plink.$f" && echo "$f: identical to plink1.9" || echo "$f: differs from plink1.9"
done
