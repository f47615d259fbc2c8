#!/usr/bin/env bash
# BFV / RLWE benchmarks: this package (release build) against Microsoft SEAL (seal-python 4.4.0) and NTL's
# polynomial product, in the same run. Prints medians in microseconds and the ratio ours / peer
# (below 1.0: we are faster).
# Usage: Benchmarks/run-rlwe.sh [degrees (default 4096,8192,16384)] [repetitions (default 21)]
# ROUNDS=R (default 1) alternates the two programs R times and keeps, per operation and side, the smallest
# of the R medians: on a shared virtual machine whose speed drifts over minutes, both sides then get
# their quiet moments.
# Python: $HE_TEST_PYTHON, else .venv-test/bin/python, else python3 (needs the `seal` module).
set -euo pipefail
cd "$(dirname "$0")/.."
degrees="${1:-4096,8192,16384}"
reps="${2:-21}"
python="${HE_TEST_PYTHON:-}"
if [[ -z "$python" ]]; then
    if [[ -x .venv-test/bin/python ]]; then python=.venv-test/bin/python; else python=python3; fi
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

swift build -c release --product RLWEBenchmark >&2
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" >&2
rounds="${ROUNDS:-1}"
for ((round = 1; round <= rounds; round++)); do
    echo "round $round of $rounds" >&2
    .build/release/RLWEBenchmark --degrees "$degrees" --repetitions "$reps" | tee -a "$out/ours.txt" >&2
    "$python" Benchmarks/rlwe/seal_peer.py --degrees "$degrees" --repetitions "$reps" | tee -a "$out/seal.txt" >&2
done
echo "medians of $reps repetitions; with ROUNDS=$rounds, the smallest median of each side over the rounds" >&2

python3 - "$out/ours.txt" "$out/seal.txt" <<'PY'
import sys
def load(path):
    d = {}
    for line in open(path):
        op, n, v = line.split()
        key = (op, int(n))
        d[key] = min(float(v), d.get(key, float("inf")))
    return d
ours, seal = load(sys.argv[1]), load(sys.argv[2])
ns = sorted({n for _, n in ours})
ops = []
for op, _ in ours:
    if op not in ops:
        ops.append(op)
print(f"{'operation':28} {'N':>6} {'ours':>12} {'SEAL':>12} {'ours/SEAL':>10}")
for n in ns:
    for op in ops:
        if op == "ntl_poly_mul" or (op, n) not in ours:
            continue
        a = ours[(op, n)]
        unit = "B" if op.startswith("ciphertext_bytes") else "us"
        if op == "poly_mul":
            b = ours.get(("ntl_poly_mul", n))
            print(f"{op:28} {n:>6} {a:>10.1f}{unit} {b:>10.1f}us {a / b:>10.2f}  (peer: NTL zz_pX)")
            continue
        b = seal.get((op, n))
        if b is None:
            print(f"{op:28} {n:>6} {a:>10.1f}{unit} {'-':>12} {'-':>10}")
        else:
            print(f"{op:28} {n:>6} {a:>10.1f}{unit} {b:>10.1f}{unit} {a / b:>10.2f}")
PY
