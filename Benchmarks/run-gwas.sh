#!/usr/bin/env bash
# Encrypted GWAS end to end through the release he-cli, beside plink1.9 in the same run.
#
#   Benchmarks/run-gwas.sh [VARIANTS] [SAMPLES]      (default 100000 x 2000, 10 sites)
#
# 1. site side:        he-cli gwas encrypt on the pooled VCF (all samples as one site) vs plink1.9 --freq
# 2. key-holder side:  he-cli gwas report --assoc on the encrypted counts vs plink1.9 --assoc on the pooled VCF
# 3. end to end:       10 sites: gwas encrypt per site, aggregate, gwas report, time split into parse (VCF
#                      counting), encrypt, aggregate, decrypt, statistics (timing lines printed by he-cli)
# for every scheme in SCHEMES (default "paillier bfv"), each with the default key of `he-cli keygen`.
# SITE_ONLY=1 runs only step 1; E2E_ONLY=1 only step 3.
# The cohort (simulate_cohort.py, not committed) goes to bench-out/gwas-e2e/. RUNS (default 3) timed runs of the
# site and key-holder comparisons; medians of wall-clock and CPU (user + system) seconds.
# Needs a Python with numpy (HE_TEST_PYTHON, else .venv-test/bin/python), plink1.9, bgzip and bcftools.
set -euo pipefail
cd "$(dirname "$0")/.."

variants=${1:-100000}
samples=${2:-2000}
sites=10
runs=${RUNS:-3}
schemes=${SCHEMES:-paillier bfv}
out=bench-out/gwas-e2e/${variants}x${samples}
python=${HE_TEST_PYTHON:-.venv-test/bin/python}
for tool in plink1.9 bgzip bcftools; do
  command -v "$tool" >/dev/null || { echo "$tool is not on PATH (scripts/deps.sh bench installs it)" >&2; exit 69; }
done
[ -x "$python" ] || { echo "no Python with numpy: set HE_TEST_PYTHON or run scripts/deps.sh test" >&2; exit 69; }

if [ ! -f "$out/manifest.json" ]; then
  echo "Generating $variants variants x $samples samples over $sites sites in $out ..." >&2
  mkdir -p "$out"
  "$python" Tests/Oracles/simulate_cohort.py --out "$out" --variants "$variants" --samples "$samples" \
    --sites "$sites" --bgzip-threads 2
fi

swift build -c release --product he-cli >&2
hecli=$(swift build -c release --show-bin-path)/he-cli
work=$out/run
rm -rf "$work"
mkdir -p "$work"

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
# timed NAME CMD...: appends "NAME wall cpu" to $work/times.txt
timed() {
  local name=$1; shift
  /usr/bin/time -f "$name %e %U %S" -o "$work/time.tmp" "$@" >"$work/$name.out" 2>"$work/$name.err" \
    || { cat "$work/$name.err" >&2; exit 1; }
  awk '{ print $1, $2, $3 + $4 }' "$work/time.tmp" >> "$work/times.txt"
}
stat() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$work/times.txt" | median; }

plink_common="--vcf $out/pooled.vcf.gz --double-id --vcf-half-call missing --pheno $out/pooled.pheno --allow-no-sex"
: > "$work/times.txt"
echo "| ${variants} variants x ${samples} samples | wall s | CPU s | wall ratio to PLINK | CPU ratio |"
echo "|---|---|---|---|---|"
for scheme in $schemes; do
  "$hecli" keygen --scheme "$scheme" --out "$work/keys-$scheme" --quiet >/dev/null
  [ -z "${E2E_ONLY:-}" ] || continue
  pk=$work/keys-$scheme/public.hekey
  sk=$work/keys-$scheme/secret.hekey
  # 1 + 2: runs alternate so that load from other processes hits both tools alike; run 0 (PLINK only, not
  # counted) warms the page cache.
  for run in $(seq 0 "$runs"); do
    [ "$run" -gt 0 ] || { plink1.9 $plink_common --keep-allele-order --freq --out "$work/plink-freq" >/dev/null; continue; }
    timed "plink-freq" plink1.9 $plink_common --keep-allele-order --freq --out "$work/plink-freq"
    timed "encrypt-$scheme" "$hecli" gwas encrypt --vcf "$out/pooled.vcf.gz" --pheno "$out/pooled.pheno" \
      --panel "$out/panel.tsv" --site pooled --public-key "$pk" --out "$work/pooled-$scheme.he"
    [ -z "${SITE_ONLY:-}" ] || continue
    timed "plink-assoc" plink1.9 $plink_common --assoc --out "$work/plink-assoc"
    timed "report-$scheme" "$hecli" gwas report --secret-key "$sk" --in "$work/pooled-$scheme.he" \
      --out "$work/report-$scheme" --assoc
  done
  pairs=("plink-freq encrypt-$scheme")
  if [ -z "${SITE_ONLY:-}" ]; then
    # The encrypted pipeline and PLINK agree on this cohort too.
    cmp -s "$work/report-$scheme.assoc" "$work/plink-assoc.assoc" || echo "note: $scheme .assoc differs from PLINK's (see $work)" >&2
    pairs+=("plink-assoc report-$scheme")
  fi
  for pair in "${pairs[@]}"; do
    set -- $pair
    pw=$(stat "$1" 2); pc=$(stat "$1" 3); ow=$(stat "$2" 2); oc=$(stat "$2" 3)
    echo "| $1 | $pw | $pc | | |"
    awk -v n="he-cli $2" -v ow="$ow" -v oc="$oc" -v pw="$pw" -v pc="$pc" \
      'BEGIN { printf "| %s | %s | %s | %.2f | %.2f |\n", n, ow, oc, ow / pw, oc / pc }'
  done
done

# 3: end to end over the sites (one run).
if [ -n "${SITE_ONLY:-}" ]; then
  echo "(median of $runs runs; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
  exit 0
fi
echo
echo "| end to end, $sites sites | parse s | encrypt s | aggregate s | decrypt s | statistics s | total wall s |"
echo "|---|---|---|---|---|---|---|"
for scheme in $schemes; do
  pk=$work/keys-$scheme/public.hekey
  sk=$work/keys-$scheme/secret.hekey
  files=()
  parse=0; enc=0
  start=$(date +%s.%N)
  for s in $(seq 0 $((sites - 1))); do
    vcf=$out/site$s.vcf.gz
    [ -f "$vcf" ] || vcf=$out/site$s.bcf
    "$hecli" gwas encrypt --vcf "$vcf" --pheno "$out/site$s.pheno" --panel "$out/panel.tsv" --site "site$s" \
      --public-key "$pk" --out "$work/site$s-$scheme.he" 2>"$work/site$s.err" >/dev/null
    read -r p e < <(sed -n 's/^timing: parse \([0-9.]*\) s, encrypt \([0-9.]*\) s$/\1 \2/p' "$work/site$s.err")
    parse=$(awk -v a="$parse" -v b="$p" 'BEGIN { print a + b }')
    enc=$(awk -v a="$enc" -v b="$e" 'BEGIN { print a + b }')
    files+=("$work/site$s-$scheme.he")
  done
  a0=$(date +%s.%N)
  "$hecli" aggregate --out "$work/pooled10-$scheme.he" "${files[@]}" --quiet
  a1=$(date +%s.%N)
  "$hecli" gwas report --secret-key "$sk" --in "$work/pooled10-$scheme.he" --out "$work/e2e-$scheme" \
    --assoc --freq --full 2>"$work/report10.err" >/dev/null
  end=$(date +%s.%N)
  read -r d st < <(sed -n 's/^timing: decrypt \([0-9.]*\) s, statistics \([0-9.]*\) s$/\1 \2/p' "$work/report10.err")
  awk -v n="$scheme" -v p="$parse" -v e="$enc" -v a0="$a0" -v a1="$a1" -v d="$d" -v st="$st" -v s0="$start" -v s1="$end" \
    'BEGIN { printf "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f |\n", n, p, e, a1 - a0, d, st, s1 - s0 }'
done
echo
echo "(median of $runs runs for the comparisons; one run end to end; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
