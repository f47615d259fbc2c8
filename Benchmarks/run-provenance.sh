#!/usr/bin/env bash
# What verifying a signed study costs, beside the same work without verification, in one run (docs/BENCHMARKS.md,
# "Signed studies"): a 10-site BFV GWAS study, every site file signed under one manifest;
#   aggregate                    vs  aggregate --manifest          (every statement and content digest checked)
#   gwas report                  vs  gwas report --manifest --inputs DIR   (statements checked, the sum recomputed)
#   gwas report --manifest --inputs DIR   vs  the same with --log --log-key   (the release logged and fsynced)
# alternated RUNS times (default 3); medians of wall-clock seconds.
#
#   Benchmarks/run-provenance.sh [VARIANTS] [SAMPLES]      (default 100000 x 2000)
#
# The cohort (Tests/Oracles/simulate_cohort.py) goes to bench-out/gwas-e2e/ and is shared with run-gwas.sh.
# HE_CLI=path runs another he-cli binary instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/.."
variants=${1:-100000}
samples=${2:-2000}
sites=10
runs=${RUNS:-3}
out=bench-out/gwas-e2e/${variants}x${samples}
python=${HE_TEST_PYTHON:-.venv-test/bin/python}
[ -x "$python" ] || { echo "no Python with numpy: set HE_TEST_PYTHON or run scripts/deps.sh test" >&2; exit 69; }
if [ ! -f "$out/manifest.json" ]; then
  mkdir -p "$out"
  "$python" Tests/Oracles/simulate_cohort.py --out "$out" --variants "$variants" --samples "$samples" \
    --sites "$sites" --bgzip-threads 2
fi
if [ -n "${HE_CLI:-}" ]; then he=$HE_CLI; else
  swift build -c release --product he-cli >&2
  he=$(swift build -c release --show-bin-path)/he-cli
fi
work=bench-out/provenance/${variants}x${samples}
rm -rf "$work"; mkdir -p "$work/signed"
export HE_TOOLKIT_STATE=$work/state

"$he" keygen --scheme bfv --out "$work/keys" --quiet >/dev/null
"$he" site-key generate --out "$work/coordinator" --quiet >/dev/null
"$he" site-key generate --out "$work/log-key" --quiet >/dev/null
"$he" study init --study bench --public-key "$work/keys/public.hekey" --signing-key "$work/coordinator/signing.key" \
  --max-value "$samples" --max-sites "$sites" --out "$work/study-0.hem" --quiet
for s in $(seq 0 $((sites - 1))); do
  "$he" site-key generate --out "$work/site$s-key" --quiet >/dev/null
  "$he" study add-site --manifest "$work/study-$s.hem" --site "site$s" --site-key "$work/site$s-key/signing.pub" \
    --signing-key "$work/coordinator/signing.key" --out "$work/study-$((s + 1)).hem" --quiet
done
manifest=$work/study-$sites.hem
for s in $(seq 0 $((sites - 1))); do
  vcf=$out/site$s.vcf.gz; [ -f "$vcf" ] || vcf=$out/site$s.bcf
  "$he" gwas encrypt --vcf "$vcf" --pheno "$out/site$s.pheno" --panel "$out/panel.tsv" --site "site$s" \
    --public-key "$work/keys/public.hekey" --manifest "$manifest" --signing-key "$work/site$s-key/signing.key" \
    --out "$work/signed/site$s.he" --quiet
done

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
timed() { local name=$1; shift; /usr/bin/time -f "$name %e" -a -o "$work/times.txt" "$@" >/dev/null 2>"$work/err" \
  || { cat "$work/err" >&2; exit 1; }; }
: > "$work/times.txt"
for r in $(seq 1 "$runs"); do
  timed aggregate "$he" aggregate --out "$work/plain.he" "$work"/signed/site*.he --quiet
  timed aggregate-verified "$he" aggregate --manifest "$manifest" --out "$work/total.he" "$work"/signed/site*.he --quiet
  timed report "$he" gwas report --secret-key "$work/keys/secret.hekey" --in "$work/total.he" --out "$work/plain" --assoc --quiet
  timed report-verified "$he" gwas report --secret-key "$work/keys/secret.hekey" --in "$work/total.he" --out "$work/verified" \
    --assoc --manifest "$manifest" --inputs "$work/signed" --quiet
  timed report-logged "$he" gwas report --secret-key "$work/keys/secret.hekey" --in "$work/total.he" --out "$work/logged" \
    --assoc --manifest "$manifest" --inputs "$work/signed" --log "$work/releases.helog" --log-key "$work/log-key/signing.key" --quiet
done
cmp "$work/verified.assoc" "$work/logged.assoc" && echo "the logged report equals the verified one" >&2
# The study's default policy withholds variants below gwas-min-mac 5 from the verified reports: every line they
# hold is a line of the unverified report.
[ -z "$(grep -vxFf "$work/plain.assoc" "$work/verified.assoc")" ] \
  && echo "every line of the verified report is in the unverified one ($(($(wc -l < "$work/plain.assoc") - $(wc -l < "$work/verified.assoc"))) variants withheld)" >&2
t() { awk -v n="$1" '$1 == n { print $2 }' "$work/times.txt" | median; }
echo "| $sites-site BFV study, $variants variants x $samples samples | without verification s | with s | ratio |"
echo "|---|---|---|---|"
echo "| aggregate (--manifest) | $(t aggregate) | $(t aggregate-verified) | $(awk -v a="$(t aggregate)" -v b="$(t aggregate-verified)" 'BEGIN { printf "%.2f", b / a }') |"
echo "| gwas report (--manifest --inputs) | $(t report) | $(t report-verified) | $(awk -v a="$(t report)" -v b="$(t report-verified)" 'BEGIN { printf "%.2f", b / a }') |"
echo "| gwas report --manifest --inputs, and with --log | $(t report-verified) | $(t report-logged) | $(awk -v a="$(t report-verified)" -v b="$(t report-logged)" 'BEGIN { printf "%.3f", b / a }') |"
echo "| added by verification, in unverified aggregates | $(awk -v a="$(t aggregate)" -v b="$(t aggregate-verified)" 'BEGIN { printf "%.2f", (b - a) / a }') (aggregate) | $(awk -v a="$(t aggregate)" -v p="$(t report)" -v v="$(t report-verified)" 'BEGIN { printf "%.2f", (v - p) / a }') (report) | |"
