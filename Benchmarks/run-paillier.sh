#!/usr/bin/env bash
# Paillier benchmarks: builds the Swift benchmark (release) and the C + GMP floor, then runs them together
# with python-paillier (phe + gmpy2) and pypaillier at 2048 and 3072 bits, and prints times and ratios.
#
#   Benchmarks/run-paillier.sh [ITERATIONS] [ROUNDS]
#
# Each round runs the floor, the library and the peers back to back at one key size. Every program reports,
# per operation, its fastest sample, and the table shows the lowest over the rounds: on a shared machine the
# least disturbed run is the best estimate of the cost, and all implementations get the same treatment.
# Python: $HE_BENCH_PYTHON, else $HE_TEST_PYTHON, else python3; it needs phe, gmpy2 and pypaillier
# (pip install phe gmpy2 pypaillier). Raw outputs go to bench-out/paillier/.
set -euo pipefail
# Benchmark programs are declared only when asked for (Package.swift).
export HE_BENCHMARKS=1

ITERATIONS="${1:-30}"
ROUNDS="${2:-3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/bench-out/paillier"
PY="${HE_BENCH_PYTHON:-${HE_TEST_PYTHON:-python3}}"
mkdir -p "$OUT"

if ! "$PY" -c "import phe, gmpy2, paillier" 2>/dev/null; then
    echo "error: $PY cannot import phe, gmpy2 and pypaillier ('paillier')." >&2
    echo "Create a virtualenv: python3 -m venv .venv-bench && .venv-bench/bin/pip install phe gmpy2 pypaillier" >&2
    echo "then run: HE_BENCH_PYTHON=.venv-bench/bin/python $0" >&2
    exit 1
fi

echo "== building (release)" >&2
(cd "$ROOT" && swift build -c release --product PaillierBenchmark >&2)
BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)/PaillierBenchmark"
# The C floor: any C compiler will do; the Swift toolchain brings clang when the system has no cc.
CC="${CC:-$(command -v cc || command -v clang || true)}"
if [ -z "$CC" ]; then
    echo "error: no C compiler (cc or clang) for Benchmarks/paillier/gmp_floor.c; set CC" >&2
    exit 1
fi
"$CC" -O2 -o "$OUT/gmp_floor" "$ROOT/Benchmarks/paillier/gmp_floor.c" $(pkg-config --cflags --libs gmp)

for BITS in 2048 3072; do
    : > "$OUT/results-$BITS.txt"
    for ROUND in $(seq 1 "$ROUNDS"); do
        echo "== $BITS bits, round $ROUND/$ROUNDS" >&2
        "$OUT/gmp_floor" "$BITS" "$ITERATIONS" | sed 's/^/floor_/' >> "$OUT/results-$BITS.txt"
        "$BIN" "$BITS" "$ITERATIONS" 5 | sed 's/^/swift_/' >> "$OUT/results-$BITS.txt"
        "$PY" "$ROOT/Benchmarks/paillier/peers.py" "$BITS" "$ITERATIONS" 5 >> "$OUT/results-$BITS.txt"
    done
done

"$PY" - "$OUT" <<'PYEOF'
import sys

out = sys.argv[1]

def load(bits):
    best = {}
    means = {}
    for line in open("%s/results-%d.txt" % (out, bits)):
        name, value = line.split()
        v = float(value)
        if name.endswith("_mean"):
            means.setdefault(name, []).append(v)
        elif name.endswith("per_second_1core") or name.endswith("per_second_2core"):
            best[name] = max(best.get(name, 0.0), v)
        else:
            best[name] = min(best.get(name, float("inf")), v)
    for name, values in means.items():
        best[name] = sum(values) / len(values)
    return best

def fmt(us):
    if us >= 1e5:
        return "%.0f ms" % (us / 1e3)
    if us >= 1e3:
        return "%.2f ms" % (us / 1e3)
    return "%.2f us" % us

rows = [
    # operation, ours, reference, how the ratio is read
    ("keygen (mean of all runs)", "swift_keygen_mean", "phe_keygen_mean", "vs phe"),
    ("encrypt (DJN, constant time, 1 core)", "swift_encrypt_djn_1core", "floor_enc_djn_ct", "vs GMP floor, constant time (<= 1.15)"),
    ("encrypt (DJN, constant time, 1 core)", "swift_encrypt_djn_1core", "floor_enc_djn", "vs GMP floor, variable-time table"),
    ("encrypt (DJN, constant time, 1 core)", "swift_encrypt_djn_1core", "pypaillier_encrypt", "vs pypaillier"),
    ("encrypt (DJN, table halves on 2 cores)", "swift_encrypt_djn", "pypaillier_encrypt", "vs pypaillier (< 1)"),
    ("encrypt (DJN, table halves on 2 cores)", "swift_encrypt_djn", "phe_encrypt", "vs phe"),
    ("encrypt (textbook)", "swift_encrypt_textbook", "floor_enc_rn_sec", "vs GMP floor, mpz_powm_sec (<= 1.15)"),
    ("encrypt (textbook)", "swift_encrypt_textbook", "floor_enc_rn", "vs GMP floor, variable-time mpz_powm"),
    ("encrypt (textbook)", "swift_encrypt_textbook", "phe_encrypt", "vs phe"),
    ("decrypt (CRT)", "swift_decrypt", "floor_crt", "vs GMP floor (<= 1.15)"),
    ("decrypt (CRT)", "swift_decrypt", "phe_decrypt", "vs phe (< 1)"),
    ("decrypt (CRT)", "swift_decrypt", "pypaillier_decrypt", "vs pypaillier"),
    ("decrypt (CRT halves on 2 cores)", "swift_decrypt_2core", "phe_decrypt", "vs phe (< 1)"),
    ("decrypt (CRT halves on 2 cores)", "swift_decrypt_2core", "pypaillier_decrypt", "vs pypaillier"),
    ("add", "swift_add", "floor_mulmod", "vs GMP floor (<= 1.15)"),
    ("add", "swift_add", "phe_add", "vs phe"),
    ("scalar multiply (20-bit k)", "swift_scalar_mul", "phe_scalar_mul", "vs phe"),
    ("DJN table build", "swift_djn_table_build", "floor_djn_ct_table_build", "vs GMP floor, same table (1 core)"),
    ("packed count, 1 core", "swift_packed_per_count_1core", "phe_encrypt", "vs phe per value (<= 1/500)"),
    ("packed count, 2 cores", "swift_packed_per_count_2core", "phe_encrypt", "vs phe per value (<= 1/500)"),
]

def ratio(ours, ref, how):
    if "1/500" in how:
        return "1/%.0f" % (ref / ours)
    return "%.3f" % (ours / ref)

for bits in (2048, 3072):
    r = load(bits)
    print()
    print("Paillier, |n| = %d bits (slot width %d, %d slots per ciphertext)"
          % (bits, r.get("swift_packed_slot_bits", 0), r.get("swift_packed_slots_per_ciphertext", 0)))
    print("| operation | he-toolkit | reference | reference time | ratio |")
    print("|---|---|---|---|---|")
    for label, ours, ref, how in rows:
        if ours not in r or ref not in r:
            continue
        print("| %s | %s | %s | %s | %s |" % (label, fmt(r[ours]), how, fmt(r[ref]), ratio(r[ours], r[ref], how)))
    print("| packed counts per second | %.0f (1 core), %.0f (2 cores) | | | |"
          % (r["swift_packed_counts_per_second_1core"], r["swift_packed_counts_per_second_2core"]))
PYEOF
