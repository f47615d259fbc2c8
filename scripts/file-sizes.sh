#!/usr/bin/env bash
# Measures the size of encrypted site files against the same counts stored as plain 32-bit integers, for both
# schemes, on tables of several sizes (docs/BENCHMARKS.md, "File sizes").
#   usage: scripts/file-sizes.sh            (builds he-cli in release mode first)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product he-cli >/dev/null
HE="$(swift build -c release --show-bin-path)/he-cli"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$HE" keygen --scheme paillier --out "$work/paillier" --quiet >/dev/null
"$HE" keygen --scheme bfv --out "$work/bfv" --quiet >/dev/null

# rows x columns: a small clinical table, a 1,000 x 12 table, and 100,000 x 12 (a GWAS panel's genotype counts).
printf '%-9s %15s %12s %14s %10s\n' scheme "table" values "file bytes" "vs int32"
for shape in 5x3 1000x12 100000x12; do
    rows=${shape%x*}; cols=${shape#*x}
    table="$work/t-$shape.csv"
    awk -v r="$rows" -v c="$cols" 'BEGIN { srand(7); printf "label"; for (j = 1; j <= c; j++) printf ",c%d", j; print "";
        for (i = 1; i <= r; i++) { printf "r%d", i; for (j = 1; j <= c; j++) printf ",%d", int(rand() * 5000); print "" } }' > "$table"
    values=$((rows * cols))
    for scheme in paillier bfv; do
        out="$work/$scheme-$shape.he"
        "$HE" encrypt --public-key "$work/$scheme/public.hekey" --site s --in "$table" --out "$out" --max-value 100000 --quiet
        bytes=$(stat -c %s "$out")
        awk -v s="$scheme" -v t="${rows}x${cols}" -v v="$values" -v b="$bytes" \
            'BEGIN { printf "%-9s %15s %12d %14d %9.2fx\n", s, t, v, b, b / (4 * v) }'
    done
done
