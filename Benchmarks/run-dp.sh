#!/usr/bin/env bash
# Differential-privacy samplers: samples per second of this package's exact discrete Gaussian and Laplace
# (DPSamplerBenchmark, release build, OS CSPRNG) beside OpenDP's CKS20 samplers (opendp 0.16 make_gaussian /
# make_laplace on vectors of integers), in the same run. Prints both rates and the ratio ours / OpenDP (above 1.0:
# we are faster).
# Usage: Benchmarks/run-dp.sh [samples per round (default 200000)] [rounds (default 5)]
# Python: $HE_TEST_PYTHON, else .venv-test/bin/python, else python3 (needs the `opendp` module).
set -euo pipefail
# Benchmark programs are declared only when asked for (Package.swift).
export HE_BENCHMARKS=1
cd "$(dirname "$0")/.."
samples="${1:-200000}"
rounds="${2:-5}"
python="${HE_TEST_PYTHON:-}"
if [[ -z "$python" ]]; then
    if [[ -x .venv-test/bin/python ]]; then python=.venv-test/bin/python; else python=python3; fi
fi

swift build -c release --product DPSamplerBenchmark >&2
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" >&2
ours=$(.build/release/DPSamplerBenchmark --samples "$samples" --rounds "$rounds")
peer=$("$python" Benchmarks/dp/opendp_peer.py "$samples" "$rounds")
printf '| case | he-toolkit samples/s | OpenDP samples/s | ratio |\n|---|---|---|---|\n'
# rows in the order of our output, each joined with the peer's line of the same case
awk -F '\t' 'NR == FNR { peer[$1] = $2; next } { printf "| %s | %d | %d | %.2f |\n", $1, $2, peer[$1], $2 / peer[$1] }' \
    <(printf '%s\n' "$peer") <(printf '%s\n' "$ours")
echo "median of $rounds rounds of $samples samples each" >&2
