#!/usr/bin/env bash
# A differentially private `gwas report` beside the exact one, in the same run (docs/BENCHMARKS.md, "DP release").
#
#   Benchmarks/run-dp-release.sh [VARIANTS] [SAMPLES] [RHO]     (default 100000 x 2000, rho 1)
#
# Two studies under one BFV key, each with 4 signed sites and a decryption log: one without a privacy budget
# (the peer: `gwas report --assoc`) and one with dp-budget 1000 (`gwas report --assoc --dp RHO`). Both verify
# every statement, recompute the aggregate from the signed site files, decrypt, log and write the same files; the
# DP one also samples 12 x VARIANTS exact discrete Gaussian values and logs the rho. Runs alternate, RUNS (default
# 5) of each; a DP run asks for another rho every time, so that none is a repeat of an earlier release. Prints the
# median wall-clock and CPU (user + system) seconds of each side and the ratios DP / exact.
# Needs a Python with numpy (HE_TEST_PYTHON, else .venv-test/bin/python) and bgzip.
set -euo pipefail
cd "$(dirname "$0")/.."

variants=${1:-100000}
samples=${2:-2000}
rho=${3:-1}
runs=${RUNS:-5}
out=bench-out/dp-release/${variants}x${samples}
python=$(realpath -ms "${HE_TEST_PYTHON:-.venv-test/bin/python}")
command -v bgzip >/dev/null || { echo "bgzip is not on PATH (scripts/deps.sh bench installs it)" >&2; exit 69; }
[ -x "$python" ] || { echo "no Python with numpy: set HE_TEST_PYTHON or run scripts/deps.sh test" >&2; exit 69; }
if [ ! -f "$out/manifest.json" ]; then
  echo "Generating $variants variants x $samples samples over 4 sites in $out ..." >&2
  mkdir -p "$out"
  "$python" Tests/Oracles/simulate_cohort.py --out "$out" --variants "$variants" --samples "$samples" --sites 4 \
    --bgzip-threads 2 >&2
fi

swift build -c release --product he-cli >&2
hecli=$(swift build -c release --show-bin-path)/he-cli
work=$out/run
rm -rf "$work"
mkdir -p "$work"
cd "$work"
export HE_TOOLKIT_STATE=$PWD/state
q() { "$hecli" "$@" --quiet >/dev/null; }
q keygen --scheme bfv --out keys
for who in coord site0 site1 site2 site3 logkey; do q site-key generate --out "$who"; done
sites=$("$python" -c 'import json,sys; print(" ".join(s["vcf"] + "," + s["pheno"] for s in json.load(open(sys.argv[1]))["sites"]))' ../manifest.json)
for study in exact private; do
  budget=none; [ "$study" = private ] && budget=1000
  q study init --study "$study" --public-key keys/public.hekey --signing-key coord/signing.key --max-value 100000 \
    --max-sites 10 --gwas-min-mac 0 --dp-budget "$budget" --out "$study-m0.hem"
  for i in 0 1 2 3; do
    q study add-site --manifest "$study-m$i.hem" --site "site$i" --site-key "site$i/signing.pub" \
      --signing-key coord/signing.key --out "$study-m$((i + 1)).hem"
  done
  i=0
  for pair in $sites; do
    q gwas encrypt --vcf "../${pair%,*}" --pheno "../${pair#*,}" --panel ../panel.tsv --site "site$i" \
      --public-key keys/public.hekey --out "$study-s$i.he" --manifest "$study-m4.hem" --signing-key "site$i/signing.key"
    i=$((i + 1))
  done
  q aggregate --manifest "$study-m4.hem" --out "$study.he" "$study"-s?.he
done

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
report() { # study out extra...
  local study=$1 name=$2; shift 2
  /usr/bin/time -f "%e %U %S" -o time.tmp "$hecli" gwas report --secret-key keys/secret.hekey --in "$study.he" --out "$name" \
    --assoc --manifest "$study-m4.hem" --inputs "$study"-s?.he --log "$study.helog" --log-key logkey/signing.key \
    --quiet "$@" >/dev/null
  awk '{ print $1, $2 + $3 }' time.tmp
}
: > exact.times; : > private.times
for r in $(seq 1 "$runs"); do
  report exact "exact$r" >> exact.times
  # rho * (1 + r / 1000000): another request every run, the same noise scale to within a millionth.
  report private "private$r" --dp "$("$python" -c "from fractions import Fraction as F; import sys; x = F(sys.argv[1]) * (1 + F($r, 1000000)); print(f'{x.numerator}/{x.denominator}')" "$rho")" >> private.times
done
e=$(cut -d' ' -f1 exact.times | median); p=$(cut -d' ' -f1 private.times | median)
ec=$(cut -d' ' -f2 exact.times | median); pc=$(cut -d' ' -f2 private.times | median)
echo "| ${variants} variants x ${samples} samples, rho $rho, median of $runs | exact | DP | ratio DP / exact |"
echo "|---|---|---|---|"
printf '| gwas report --assoc, wall s | %s | %s | %.3f |\n' "$e" "$p" "$(echo "$p / $e" | bc -l)"
printf '| gwas report --assoc, CPU s | %s | %s | %.3f |\n' "$ec" "$pc" "$(echo "$pc / $ec" | bc -l)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
"$hecli" audit show --log private.helog | tail -2 >&2
