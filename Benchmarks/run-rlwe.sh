#!/usr/bin/env bash
# BFV / RLWE benchmarks: this package (release build) against Microsoft SEAL (seal-python 4.4.0) and NTL's
# polynomial product, in the same run. Prints the fastest repetitions in microseconds and the ratio ours / peer
# (below 1.0: we are faster).
# Usage: Benchmarks/run-rlwe.sh [degrees (default 4096,4096p,8192,16384)] [repetitions (default 21)]
# ROUNDS=R (default 3): the two programs run side by side and take turns operation by operation
# (Benchmarks/rlwe/interleave.py), R measurements per operation and side; the table gives the smallest of each
# side, their ratio, and the median of the R paired ratios.
# ALLOCATOR=default runs ours with glibc's malloc defaults instead of `--allocator retain` (RLWEBenchmark's
# default, which keeps freed buffers in the process as SEAL's memory pool does).
# Python: $HE_TEST_PYTHON, else .venv-test/bin/python, else python3 (needs the `seal` module).
set -euo pipefail
# Benchmark programs are declared only when asked for (Package.swift).
export HE_BENCHMARKS=1
cd "$(dirname "$0")/.."
degrees="${1:-4096,4096p,8192,16384}"
reps="${2:-21}"
python="${HE_TEST_PYTHON:-}"
if [[ -z "$python" ]]; then
    if [[ -x .venv-test/bin/python ]]; then python=.venv-test/bin/python; else python=python3; fi
fi

swift build -c release --product RLWEBenchmark >&2
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" >&2
"$python" Benchmarks/rlwe/interleave.py --rounds "${ROUNDS:-3}" -- \
    .build/release/RLWEBenchmark --degrees "$degrees" --repetitions "$reps" --allocator "${ALLOCATOR:-retain}" --lockstep -- \
    "$python" Benchmarks/rlwe/seal_peer.py --degrees "$degrees" --repetitions "$reps" --lockstep
echo "fastest of $reps repetitions, ${ROUNDS:-3} rounds" >&2
