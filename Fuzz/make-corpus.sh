#!/usr/bin/env bash
# Regenerates the seed corpora in Fuzz/corpus/<target>/ (docs/FUZZING.md). Hand-written text seeds come from the
# heredocs below; containers, keys and phe JSON are produced by the release he-cli under the committed test keys in
# Fuzz/corpus/test-keys (created here when missing; they are for fuzzing only and protect nothing).
# Needs: a release build of he-cli (swift build -c release), python3, bcftools; phe in .venv-test for the phe table.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
hecli=${HE_CLI:-$root/.build/release/he-cli}
[ -x "$hecli" ] || { echo "build he-cli first: swift build -c release" >&2; exit 69; }
corpus=$root/Fuzz/corpus
keys=$root/Fuzz/corpus/test-keys
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$keys"
# Seeds are replaced; minimised inputs of past findings (regression-*) stay.
for t in container keyfile ciphertext phe-json csv phenotype panel vcf bfv-serialization merkle-log results totals-json; do
  mkdir -p "$corpus/$t"
  find "$corpus/$t" -type f ! -name 'regression-*' -delete
done

# Test keys: Paillier 2048 bits and BFV n4096.
for scheme in paillier bfv; do
  if [ ! -f "$keys/$scheme-test-only-secret.hekey" ]; then
    opts=(--scheme "$scheme"); [ "$scheme" = paillier ] && opts+=(--bits 2048)
    "$hecli" keygen "${opts[@]}" --out "$work/keys-$scheme" --quiet
    cp "$work/keys-$scheme/public.hekey" "$keys/$scheme-test-only-public.hekey"
    cp "$work/keys-$scheme/secret.hekey" "$keys/$scheme-test-only-secret.hekey"
  fi
  cp "$keys/$scheme-test-only-public.hekey" "$work/$scheme-public.hekey"
  install -m 600 "$keys/$scheme-test-only-secret.hekey" "$work/$scheme-secret.hekey"
done

# --- CSV count tables (the first byte selects the value encoding: 0 count, 1 signed, 2 decimal scale 1) ---
csv() { printf '%b' "$1" > "$corpus/csv/$2"; }
csv '\x00diagnosis,cases,controls\nasthma,12,30\ncopd,4,19\n' count
csv '\x00# contributors (2): a b\nlabel,x\nr1,0\n' comment
csv '\x00"quoted, header","col ""q"""\n"row\nwith newline",7\n' quoted
csv '\x01group,delta\na,-5\nb,+17\nc, 3 \n' signed
csv '\x02item,amount\nx,1.5\ny,-0.3\nz,12\n' decimal
csv '\x00a,b\r\nc,1\r\n' crlf
csv '\x00a,b,c\nr,1\n' ragged
csv '\x00a,b\nr,99999999999999999999\n' huge

# --- PLINK association results (gwas meta-encrypt --results; the harness's panel: rs1 A/G, rs2 C/T, rs3 G/GA) ---
results() { printf '%b' "$1" > "$corpus/results/$2"; }
results ' CHR SNP BP A1 TEST NMISS OR SE L95 U95 STAT P\n 1 rs1 100 G ADD 80 1.5 0.2 1 2 2 0.04\n 1 rs1 100 G COV1 80 1.1 0.3 1 2 1 0.3\n 1 rs2 200 C ADD 80 0.8 0.25 0.5 1.3 -1 0.3\n 2 rs3 300 GA ADD 0 NA NA NA NA NA NA\n' logistic
results ' CHR SNP BP A1 TEST NMISS BETA SE L95 U95 STAT P\n 1 rs2 200 T ADD 90 -0.31 0.12 -0.5 -0.1 -2.5 0.01\n' linear
results '#CHROM POS ID REF ALT A1 A2 TEST OBS_CT OR LOG(OR)_SE Z_STAT P\n1 100 rs1 A G A G ADD 70 1.2 0.2 0.9 0.3\n' plink2
results 'SNP A1 A2 BETA SE\nrs1 G A 0.1 0.00001\nrs1 G A 0.1 0.1\n' duplicate-tiny-se
# --- decrypted totals JSON (the first byte selects the value encoding: 0 count, 1 signed, 2 decimal scale 1) ---
totals() { printf '%b' "$1" > "$corpus/totals-json/$2"; }
totals '\x00{\n  "format": "he-toolkit decrypted totals",\n  "version": 1,\n  "rowHeader": "g",\n  "columns": ["a", "b"],\n  "rows": [\n    {"label": "x", "values": [1, 2]},\n    {"label": "y \\"q\\" \\u00e9", "values": [3, null]}\n  ]\n}\n' count
totals '\x02{"format": "he-toolkit decrypted totals", "version": 1, "valueType": "decimal", "scale": 1, "rowHeader": "v", "columns": ["count", "sum"], "rows": [{"label": "bmi", "values": [3, -75.9]}]}' decimal
totals '\x00{"format": "he-toolkit decrypted totals", "version": 1, "rowHeader": "SNP", "columns": ["n"], "metadataFields": ["CHR"], "rows": [{"label": "rs1", "metadata": {"CHR": "1"}, "values": [4]}]}' metadata
totals '\x00g,a\nx,1\n' csv

# --- phenotype files ---
pheno() { printf '%b' "$1" > "$corpus/phenotype/$2"; }
pheno 'FID IID PHENO\nf1 S1 2\nf2 S2 1\nf3 S3 -9\nf4 S4 0\n' plink
pheno 'S1\t2\nS2\t1\nS3\tNA\n' two-column
pheno '#sample\tpheno\nS1\t2\r\nS2\t1\r\n' header-crlf
pheno 'S1 2\nS1 1\n' duplicate
pheno 'f1 S1 2 extra\nf2 S2 1 more\n' extra-columns

# --- variant panels ---
panel() { printf '%b' "$1" > "$corpus/panel/$2"; }
panel 'CHR\tPOS\tID\tREF\tALT\n1\t100\trs1\tA\tG\n1\t200\trs2\tC\tT\n2\t300\trs3\tG\tA\n' basic
panel '# comment\nchr1 100 rs1 a g\n1 100 rs1b G A\n' chr-prefix
panel '1\t100\trs1\tA\tG\n1\t150\trs1\tC\tT\n' duplicate-id
panel 'X\t5\tx1\tACGT\tN\n22\t1099511627775\tbig\tA\tC\n' edge
panel 'CHR\tPOS\tID\tREF\tALT\n1\t100\tmono\tA\t.\n1\t200\trs2\tC\tT\n' monomorphic-alt

# --- VCF/BCF (the harness counts them against a fixed panel chr1:100 A/G, chr1:200 C/T, chr2:300 G/A and
#     phenotypes S1 case, S2 control, S3 missing, S4 case) ---
vcf_header='##fileformat=VCFv4.2\n##contig=<ID=1>\n##contig=<ID=2>\n##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\tS3\tS4\n'
printf '%b' "$vcf_header"'1\t100\trs1\tA\tG\t.\tPASS\t.\tGT\t0/0\t0/1\t1/1\t./.\n1\t200\trs2\tC\tT\t.\t.\t.\tGT\t0|1\t1|1\t0\t.\n2\t300\trs3\tA\tG\t.\t.\t.\tGT\t1/1\t0/0\t0/1\t0/0\n' > "$corpus/vcf/basic.vcf"
printf '%b' "$vcf_header"'1\t100\trs1\tA\tG,T\t.\t.\t.\tGT:DP\t0/2:5\t1/2:3\t2/2:.\t0/0/1:1\n1\t200\t.\tc\tt\t.\t.\t.\tDP:GT\t3:0/1\t4:1/0\t.:./1\t1:1\n' > "$corpus/vcf/multiallelic.vcf"
printf '%b' "$vcf_header"'1\t100\trs1\tA\tG\t.\t.\t.\tDP\t1\t2\t3\t4\n' > "$corpus/vcf/no-gt.vcf"
printf '%b' "$vcf_header"'2\t300\trs3\tA\tG\t.\t.\t.\tGT\t0/1\t0/1\t0/1\t0/1\n1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0/1\t0/1\t0/1\t0/1\n' > "$corpus/vcf/unsorted.vcf"
if command -v bcftools >/dev/null; then
  bcftools view -Ou -o "$corpus/vcf/basic.bcf" "$corpus/vcf/basic.vcf"
  bcftools view -Oz -o "$corpus/vcf/basic.vcf.gz" "$corpus/vcf/basic.vcf"
fi

# --- containers: keys, site tables, aggregates, GWAS counts of both schemes ---
printf 'diagnosis,cases,controls\nasthma,12,30\ncopd,4,19\n' > "$work/a.csv"
printf 'diagnosis,cases,controls\nasthma,1,3\ncopd,40,9\n' > "$work/b.csv"
printf 'item,amount\nx,1.5\ny,-0.25\n' > "$work/d.csv"
printf 'CHR\tPOS\tID\tREF\tALT\n1\t100\trs1\tA\tG\n1\t200\trs2\tC\tT\n' > "$work/panel.tsv"
printf 'S1 2\nS2 1\nS3 1\nS4 2\n' > "$work/site.pheno"
for scheme in paillier bfv; do
  pub=$work/$scheme-public.hekey
  "$hecli" encrypt --quiet --public-key "$pub" --site north --in "$work/a.csv" --out "$work/$scheme-north.he"
  "$hecli" encrypt --quiet --public-key "$pub" --site south --in "$work/b.csv" --out "$work/$scheme-south.he"
  "$hecli" encrypt --quiet --public-key "$pub" --site east --in "$work/d.csv" --value-type decimal --scale 2 \
    --out "$work/$scheme-decimal.he"
  "$hecli" aggregate --quiet --out "$work/$scheme-total.he" "$work/$scheme-north.he" "$work/$scheme-south.he"
  "$hecli" gwas encrypt --quiet --vcf "$corpus/vcf/basic.vcf" --pheno "$work/site.pheno" --panel "$work/panel.tsv" \
    --site west --public-key "$pub" --out "$work/$scheme-gwas.he" 2>/dev/null
done
cp "$work/paillier-secret.hekey" "$corpus/container/paillier-test-only-secret.hekey"
cp "$work/paillier-public.hekey" "$work/paillier-north.he" "$work/paillier-total.he" \
   "$work/paillier-decimal.he" "$work/paillier-gwas.he" "$work/bfv-total.he" "$work/bfv-gwas.he" "$corpus/container/"
cp "$work/bfv-public.hekey" "$corpus/container/bfv-public.hekey"

# phe JSON (first byte: 0 public JWK, 1 private JWK, 2 encrypted table under the Paillier test key).
"$hecli" export --quiet --public-key "$work/paillier-public.hekey" --out "$work/pk.json"
"$hecli" export --quiet --secret-key "$work/paillier-secret.hekey" --out "$work/sk.json"
{ printf '\x00'; cat "$work/pk.json"; } > "$corpus/phe-json/public-jwk"
{ printf '\x01'; cat "$work/sk.json"; } > "$corpus/phe-json/private-jwk"
if [ -x "$root/.venv-test/bin/python" ] && "$root/.venv-test/bin/python" -c 'import phe' 2>/dev/null; then
  "$root/.venv-test/bin/python" scripts/phe_encrypt_table.py --public-key "$work/pk.json" --in "$work/a.csv" \
    --out "$work/table.json" >/dev/null
  { printf '\x1d'; cat "$work/table.json"; } > "$corpus/phe-json/table"
fi

# Structured seeds cut from the containers above (layouts in Fuzz/Sources/fuzz-keyfile and fuzz-ciphertext).
python3 - "$work" "$corpus" <<'EOF'
import struct, sys
work, corpus = sys.argv[1], sys.argv[2]

def chunks(path):
    b = open(path, 'rb').read()
    (hlen,) = struct.unpack_from('<I', b, 12)
    header = b[16:16 + hlen]
    (plen,) = struct.unpack_from('<I', header, 68)
    params = header[72:72 + plen]
    i, out = 16 + hlen + 32, []
    while i < len(b) - 32:
        (n,) = struct.unpack_from('<I', b, i)
        out.append(b[i + 4:i + 4 + n]); i += 4 + n
    return params, out

def u32blob(x): return struct.pack('<I', len(x)) + x

for scheme, bit in (('paillier', 0), ('bfv', 1)):
    params, (pk,) = chunks(f'{work}/{scheme}-public.hekey')
    _, (pk2, sk) = chunks(f'{work}/{scheme}-secret.hekey')
    open(f'{corpus}/keyfile/{scheme}-public', 'wb').write(bytes([bit]) + u32blob(params) + u32blob(pk))
    open(f'{corpus}/keyfile/{scheme}-secret', 'wb').write(bytes([bit | 2]) + u32blob(params) + u32blob(pk2) + sk)
    if scheme == 'bfv':
        open(f'{corpus}/bfv-serialization/public-key', 'wb').write(bytes([2]) + pk)
        open(f'{corpus}/bfv-serialization/secret-key', 'wb').write(bytes([1]) + sk)
    for name, sel in (('north', 0), ('total', 2), ('gwas', 4), ('decimal', 16)):
        _, cs = chunks(f'{work}/{scheme}-{name}.he')
        body = b''.join(u32blob(c) for c in cs)
        open(f'{corpus}/ciphertext/{scheme}-{name}', 'wb').write(
            bytes([sel | bit]) + struct.pack('<QH', 100, 0) + body)
        if scheme == 'bfv' and name in ('north', 'total'):
            open(f'{corpus}/bfv-serialization/ciphertext-{name}', 'wb').write(bytes([0]) + cs[0])
EOF
# --- decryption logs (written by governance-log-writer under the tests' fixed log key) ---
logwriter=${HE_LOG_WRITER:-$root/.build/release/governance-log-writer}
[ -x "$logwriter" ] || { echo "build governance-log-writer first: swift build -c release --product governance-log-writer" >&2; exit 69; }
"$logwriter" "$work/one.log" 0 1 >/dev/null
"$logwriter" "$work/five.log" 0 5 >/dev/null
cp "$work/one.log" "$corpus/merkle-log/one-entry"
cp "$work/five.log" "$corpus/merkle-log/five-entries"
head -c 12 "$work/one.log" > "$corpus/merkle-log/header-only"
# An interrupted append: the five-entry log less the last 100 bytes of its last tree head.
head -c $(( $(stat -c %s "$work/five.log") - 100 )) "$work/five.log" > "$corpus/merkle-log/torn-tail"

echo "corpus written to Fuzz/corpus ($(find "$corpus" -type f | wc -l) files, $(du -sh "$corpus" | cut -f1))"
