#!/usr/bin/env bash
# How much of a GWAS's top hits survive the noise of a differentially private release (docs/PRIVACY.md,
# "Accuracy"): for each cohort and each rho, REPEATS (default 5) fresh `gwas report --dp RHO` releases of the
# pooled counts; for each, how many of the top-100 variants by the exact allelic p-value (an exact report of the
# same aggregate) are in the noisy report's top-100. Prints the mean, minimum and maximum overlap.
#
#   Benchmarks/dp-accuracy.sh            cohorts "600x250" (the GWAS pipeline tests' size) and "3000x3000"
#   COHORTS="600x250" REPEATS=3 Benchmarks/dp-accuracy.sh
#
# Each cohort: simulate_cohort.py (seed 1, 4 sites), one BFV key, a signed study with dp-budget 1000, the 4 sites'
# signed files and their aggregate. The exact report is an unverified decryption without the manifest, which only
# the key holder can make and which the study's policy would refuse: it is the reference here, nothing is released.
# Needs a Python with numpy (HE_TEST_PYTHON, else .venv-test/bin/python) and bgzip.
set -euo pipefail
cd "$(dirname "$0")/.."
cohorts=${COHORTS:-600x250 3000x3000}
repeats=${REPEATS:-5}
python=$(realpath -ms "${HE_TEST_PYTHON:-.venv-test/bin/python}")
[ -x "$python" ] || { echo "no Python with numpy: set HE_TEST_PYTHON or run scripts/deps.sh test" >&2; exit 69; }
swift build -c release --product he-cli >&2
hecli=$(swift build -c release --show-bin-path)/he-cli
root=$PWD

echo "| cohort (samples x variants, 4 sites) | rho | top-100 kept: mean | min | max |"
echo "|---|---|---|---|---|"
for cohort in $cohorts; do
  samples=${cohort%x*}; variants=${cohort#*x}
  out=$root/bench-out/dp-accuracy/$cohort
  if [ ! -f "$out/manifest.json" ]; then
    mkdir -p "$out"
    "$python" Tests/Oracles/simulate_cohort.py --out "$out" --variants "$variants" --samples "$samples" --sites 4 \
      --seed 1 >&2
  fi
  work=$out/run
  rm -rf "$work"; mkdir -p "$work"
  (
    cd "$work"
    export HE_TOOLKIT_STATE=$PWD/state
    q() { "$hecli" "$@" --quiet >/dev/null; }
    q keygen --scheme bfv --out keys
    for who in coord site0 site1 site2 site3 logkey; do q site-key generate --out "$who"; done
    q study init --study accuracy --public-key keys/public.hekey --signing-key coord/signing.key --max-value 100000 \
      --max-sites 10 --gwas-min-mac 0 --dp-budget 1000 --out m0.hem
    for i in 0 1 2 3; do
      q study add-site --manifest "m$i.hem" --site "site$i" --site-key "site$i/signing.pub" \
        --signing-key coord/signing.key --out "m$((i + 1)).hem"
    done
    i=0
    for pair in $("$python" -c 'import json,sys; print(" ".join(s["vcf"] + "," + s["pheno"] for s in json.load(open(sys.argv[1]))["sites"]))' ../manifest.json); do
      q gwas encrypt --vcf "../${pair%,*}" --pheno "../${pair#*,}" --panel ../panel.tsv --site "site$i" \
        --public-key keys/public.hekey --out "s$i.he" --manifest m4.hem --signing-key "site$i/signing.key"
      i=$((i + 1))
    done
    q aggregate --manifest m4.hem --out pooled.he s?.he
    q gwas report --secret-key keys/secret.hekey --in pooled.he --out exact --assoc
    for rho in 0.01 0.1 1; do
      for r in $(seq 1 "$repeats"); do
        # another request every time (rho changed by a millionth or less), so no release repeats an earlier one
        q gwas report --secret-key keys/secret.hekey --in pooled.he --out "dp-$rho-$r" --assoc --manifest m4.hem \
          --inputs s?.he --log releases.helog --log-key logkey/signing.key --dp "$("$python" -c "import sys; print(f'{float(sys.argv[1]) * (1 + int(sys.argv[2]) / 1e6):.9f}')" "$rho" "$r")"
      done
    done
    "$python" - "$cohort" "$repeats" <<'PY'
import sys
cohort, repeats = sys.argv[1], int(sys.argv[2])
def top(path):
    rows = [l.split() for l in open(path)][1:]
    rows = [(float(r[8]), r[1]) for r in rows if r[8] != "NA"]
    return {name for _, name in sorted(rows)[:100]}
exact = top("exact.assoc")
for rho in ("0.01", "0.1", "1"):
    kept = [len(exact & top(f"dp-{rho}-{r}.assoc")) for r in range(1, repeats + 1)]
    print(f"| {cohort} | {rho} | {sum(kept) / len(kept):.1f} | {min(kept)} | {max(kept)} |")
PY
  )
done
