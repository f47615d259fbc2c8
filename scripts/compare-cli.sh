#!/usr/bin/env bash
# Runs the same good and bad inputs through two he-cli binaries and compares their standard output, standard error
# and exit codes byte for byte (timing notes excepted), and checks that each reads the other's files: the check that
# a change of structure changed no behaviour.
#
#   scripts/compare-cli.sh OLD_HE_CLI NEW_HE_CLI
#
# To compare with an earlier commit: git worktree add /tmp/he-old REV && (cd /tmp/he-old && swift build --product
# he-cli) && scripts/compare-cli.sh /tmp/he-old/.build/debug/he-cli .build/debug/he-cli
set -uo pipefail
[ $# -eq 2 ] && [ -x "$1" ] && [ -x "$2" ] || { echo "usage: scripts/compare-cli.sh OLD_HE_CLI NEW_HE_CLI" >&2; exit 64; }
OLD=$(realpath "$1"); NEW=$(realpath "$2")
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT; cd "$d"

"$OLD" keygen --scheme paillier --bits 2048 --out k -q >/dev/null 2>&1
"$OLD" keygen --scheme bfv --out kb -q >/dev/null 2>&1
printf 'diagnosis,cases,controls\nasthma,12,30\ncopd,4,19\n' > a.csv
printf 'diagnosis,cases\nx,1.5\n' > dec.csv; printf 'diagnosis,cases\nx,-1\n' > neg.csv
printf 'diagnosis;cases\nx;1\n' > semi.csv; printf 'diagnosis,cases\nx,1e3\n' > exp.csv
printf 'diagnosis,cases\nx,"1\n' > quote.csv; : > empty.csv; printf 'diagnosis,cases\nx,1,2\n' > wide.csv
printf 'diagnosis,cases,cases\nx,1,2\n' > dupcol.csv; printf 'a,b\nx,0\ny,0\n' > zero.csv
printf 'variable,count,sum,sum_squares\nbmi,3,75.90,1923.15\n' > s.csv
"$OLD" encrypt --public-key k/public.hekey --site a --in a.csv --out a.he -q
"$OLD" encrypt --public-key k/public.hekey --site b --in a.csv --out b.he -q
"$OLD" encrypt --public-key kb/public.hekey --site c --in a.csv --out c.he -q
cp a.he a-copy.he; head -c 100 a.he > trunc.he; printf 'hello' > notc.he
cp k/secret.hekey loose.hekey; chmod 644 loose.hekey

n=0; diffs=0
# run COMMAND [OUTPUT]: the same command with both binaries; OUTPUT, when given, is kept as OUTPUT.old from the old one.
run() {
  n=$((n + 1))
  eval "\"$OLD\" $1" > o1 2> e1; r1=$?
  if [ -n "${2:-}" ] && [ -e "$2" ]; then mv "$2" "$2.old"; fi
  eval "\"$NEW\" $1" > o2 2> e2; r2=$?
  if [ -z "${2:-}" ]; then rm -f o.he t.csv o.json rep.*; fi
  sed -i 's/timing: .*//' e1 e2
  if [ "$r1" != "$r2" ] || ! cmp -s e1 e2 || ! cmp -s o1 o2; then
    diffs=$((diffs + 1)); echo "differs: he-cli $1 (exit $r1 vs $r2)"; diff e1 e2 | head -4; diff o1 o2 | head -4
  fi
}
for c in "encrypt --public-key k/public.hekey --site a --in nosuch.csv --out o.he" \
    "encrypt --public-key k/public.hekey --site a --in dec.csv --out o.he" \
    "encrypt --public-key k/public.hekey --site a --in neg.csv --out o.he" \
    "encrypt --public-key k/public.hekey --site a --in semi.csv --out o.he" \
    "encrypt --public-key k/public.hekey --site a --in exp.csv --out o.he" \
    "encrypt --public-key k/public.hekey --site a --in quote.csv --out o.he" \
    "encrypt --public-key k/public.hekey --site a --in empty.csv --out o.he" \
    "encrypt --public-key k/public.hekey --site a --in wide.csv --out o.he" \
    "encrypt --public-key k/public.hekey --site a --in dupcol.csv --out o.he" \
    "encrypt --public-key k/public.hekey --site a --in a.csv --out o.he --max-value 1000000000000000" \
    "encrypt --public-key k/public.hekey --site a --in a.csv --out o.he --value-type decimal --scale 18" \
    "encrypt --public-key k/secret.hekey --site a --in a.csv --out o.he" \
    "encrypt --public-key k/public.hekey --site 'a b' --in a.csv --out o.he" \
    "encrypt --public-key k/public.hekey --site a --in a.csv --out a.csv" \
    "encrypt --public-key notc.he --site a --in a.csv --out o.he" \
    "aggregate --out o.he a.he a-copy.he" "aggregate --out o.he a.he c.he" "aggregate --out o.he a.he trunc.he" \
    "aggregate --out o.he a.he notc.he" "aggregate --out o.he a.he k/public.hekey" \
    "aggregate --out o.he a.he b.he --public-key kb/public.hekey" "aggregate --out /dev/null a.he b.he" \
    "decrypt --secret-key loose.hekey --in a.he --out t.csv" "decrypt --secret-key k/public.hekey --in a.he --out t.csv" \
    "decrypt --secret-key kb/secret.hekey --in a.he --out t.csv" "decrypt --secret-key k/secret.hekey --in c.he --out t.csv" \
    "chi2 --in zero.csv" "chi2 --in dec.csv" "summary --in a.csv" "summary --in s.csv --scale 1" \
    "keygen --scheme bfv --out k" "keygen --scheme paillier --bits 2048 --out a.csv" "inspect notc.he" "inspect trunc.he" \
    "import --table nosuch.json --key k/public.hekey --site p --out o.he" "export --public-key kb/public.hekey --out o.json" \
    "gwas report --secret-key k/secret.hekey --in a.he --out rep" \
    "gwas encrypt --vcf nosuch.vcf --pheno p --panel q --site s --public-key k/public.hekey --out o.he"; do
  run "$c"
done
# Good inputs: files written by the old binary are read by the new one (and the new one's by the old one below).
for s in k kb; do
  run "encrypt --public-key $s/public.hekey --site a --in a.csv --out a-$s.he" "a-$s.he"
  run "encrypt --public-key $s/public.hekey --site b --in a.csv --out b-$s.he" "b-$s.he"
  run "aggregate --out t-$s.he a-$s.he.old b-$s.he.old" "t-$s.he"
  run "aggregate --out u-$s.he a-$s.he b-$s.he" "u-$s.he"
  run "inspect t-$s.he.old"
  run "decrypt --secret-key $s/secret.hekey --in t-$s.he.old --out t-$s.csv" "t-$s.csv"
  run "decrypt --secret-key $s/secret.hekey --in u-$s.he --out u-$s.csv" "u-$s.csv"
  run "decrypt --secret-key $s/secret.hekey --in a-$s.he.old --out one-$s.json" "one-$s.json"
  run "chi2 --in t-$s.csv.old"
  run "chi2 --in t-$s.csv.old --yates --format json"
done
run "summary --in s.csv"; run "summary --in s.csv --format json"
run "--help"; run "encrypt --help"; run "gwas report --help"; run "--version"
echo "$n cases, $diffs differ"
[ "$diffs" -eq 0 ]
