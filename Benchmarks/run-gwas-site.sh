#!/usr/bin/env bash
# GWAS site side: genotype counting (no encryption) vs plink1.9 --freq on the same VCF, in the same run.
#
#   Benchmarks/run-gwas-site.sh [VARIANTS] [SAMPLES]      (default 100000 x 2000)
#
# Generates a simulated cohort (not committed) under bench-out/gwas-site/, builds GwasCountBenchmark in release
# mode, times both (and the counter on a BCF copy) in interleaved runs, and prints the ratios of median times.
# RUNS (default 5) sets the number of timed runs.
# Needs a Python with numpy (HE_TEST_PYTHON, else .venv-test/bin/python), plink1.9, bgzip and bcftools.
set -euo pipefail
# Benchmark programs are declared only when asked for (Package.swift).
export HE_BENCHMARKS=1
cd "$(dirname "$0")/.."

variants=${1:-100000}
samples=${2:-2000}
runs=${RUNS:-5}
out=bench-out/gwas-site/${variants}x${samples}
python=${HE_TEST_PYTHON:-.venv-test/bin/python}
for tool in plink1.9 bgzip bcftools; do
  command -v "$tool" >/dev/null || { echo "$tool is not on PATH (scripts/deps.sh bench installs it)" >&2; exit 69; }
done
[ -x "$python" ] || { echo "no Python with numpy: set HE_TEST_PYTHON or run scripts/deps.sh test" >&2; exit 69; }

if [ ! -f "$out/pooled.vcf.gz" ]; then
  echo "Generating $variants variants x $samples samples in $out ..." >&2
  mkdir -p "$out"
  "$python" Tests/Oracles/simulate_cohort.py --out "$out" --variants "$variants" --samples "$samples" \
    --pooled-only --bgzip-threads 2
fi
[ -f "$out/pooled.bcf" ] || bcftools view -Ob -o "$out/pooled.bcf" "$out/pooled.vcf.gz"

swift build -c release --product GwasCountBenchmark >&2
bin=$(swift build -c release --show-bin-path)/GwasCountBenchmark

ours_vcf="$bin $out/pooled.vcf.gz $out/pooled.pheno $out/panel.tsv"
ours_bcf="$bin $out/pooled.bcf $out/pooled.pheno $out/panel.tsv"
plink="plink1.9 --vcf $out/pooled.vcf.gz --keep-allele-order --double-id --allow-no-sex --vcf-half-call missing --freq --out $out/plink-freq"

# Both read the same file; check the counter agrees with itself on VCF and BCF before timing.
a=$($ours_vcf 2>/dev/null); b=$($ours_bcf 2>/dev/null)
[ "$a" = "$b" ] || { echo "VCF and BCF counts differ: $a vs $b" >&2; exit 1; }

# Runs alternate between the three commands so that load from other processes hits all of them alike.
# /usr/bin/time reports wall-clock and CPU (user + system) seconds; medians over the runs are compared.
times=$out/times.txt
: > "$times"
for run in $(seq 0 "$runs"); do   # run 0 warms the page cache and is not counted
  for name in plink vcf bcf; do
    case $name in plink) cmd=$plink ;; vcf) cmd=$ours_vcf ;; bcf) cmd=$ours_bcf ;; esac
    /usr/bin/time -f "$name %e %U %S" -o "$out/time.tmp" $cmd >/dev/null 2>&1
    [ "$run" -gt 0 ] && cat "$out/time.tmp" >> "$times"
  done
done

awk -v variants="$variants" -v samples="$samples" -v runs="$runs" '
  { wall[$1] = wall[$1] " " $2; cpu[$1] = cpu[$1] " " ($3 + $4) }
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    pw = median(wall["plink"]); pc = median(cpu["plink"])
    printf "\nGWAS site side, %d variants x %d samples, median of %d interleaved runs\n", variants, samples, runs
    printf "  %-36s %8s %8s %12s %12s\n", "", "wall s", "cpu s", "wall ratio", "cpu ratio"
    printf "  %-36s %8.3f %8.3f\n", "plink1.9 --freq (bgzipped VCF)", pw, pc
    split("vcf bcf", names, " ")
    label["vcf"] = "GwasCountBenchmark (bgzipped VCF)"; label["bcf"] = "GwasCountBenchmark (BCF)"
    for (k = 1; k <= 2; k++) {
      w = median(wall[names[k]]); c = median(cpu[names[k]])
      printf "  %-36s %8.3f %8.3f %12.2f %12.2f\n", label[names[k]], w, c, w / pw, c / pc
    }
    print "  target: wall ratio <= 1.5 for the bgzipped VCF"
  }' "$times"
