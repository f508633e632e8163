#!/usr/bin/env bash
# What a partner does with standard tools only (curl, jq, openssl, base64, sha256sum):
# fetch Viet Nam's trust list, check its signature against the pinned trust anchor, and
# extract the document signer certificates. The steps are those of docs/static-api.md.
#
# Usage: verify_trust_list.sh BASE_URL PINNED_ANCHOR_PEM OUT_DIR
set -euo pipefail
BASE=$1
PINNED=$(realpath "$2")
OUT=$3
mkdir -p "$OUT"
cd "$OUT"

curl -fsS "$BASE/trust-anchor.pem" -o anchor.pem
# The anchor served must be the one pinned out of band.
cmp -s anchor.pem "$PINNED" || { echo "trust anchor differs from the pinned one" >&2; exit 1; }
openssl x509 -in anchor.pem -pubkey -noout > anchor.pub

check() {  # check PATH LOCALFILE
  local f=$1 local_file=$2
  curl -fsS "$BASE/$f.sig" -o "$local_file.sig"
  jq -r .statement "$local_file.sig" | base64 -d > "$local_file.statement"
  jq -r .signature "$local_file.sig" | base64 -d > "$local_file.sigder"
  openssl dgst -sha256 -verify anchor.pub -signature "$local_file.sigder" "$local_file.statement" >/dev/null
  test "$(jq -r .file "$local_file.statement")" = "$f"
  test "$(jq -r .sha256 "$local_file.statement")" = "$(sha256sum "$local_file" | cut -d' ' -f1)"
  test "$(jq -r .size "$local_file.statement")" = "$(wc -c < "$local_file" | tr -d ' ')"
  test "$(date -u +%s)" -le "$(date -u -d "$(jq -r .expires "$local_file.statement")" +%s)"
  echo "verified $f"
}

curl -fsS "$BASE/.well-known/vaxpass.json" -o index.json
check .well-known/vaxpass.json index.json
curl -fsS "$BASE/trust-lists/dsc.json" -o dsc.json
check trust-lists/dsc.json dsc.json
curl -fsS "$BASE/trust-lists/csca.pem" -o csca.pem
check trust-lists/csca.pem csca.pem

# The document signers, one PEM each, each chaining to the CSCA.
n=0
for der in $(jq -r '.[] | select(.certificateType == "DSC") | .rawData' dsc.json); do
  n=$((n + 1))
  printf '%s' "$der" | base64 -d | openssl x509 -inform DER -out "dsc-$n.pem"
  openssl verify -CAfile csca.pem "dsc-$n.pem" >/dev/null
  echo "signer $n: $(openssl x509 -in "dsc-$n.pem" -noout -subject)"
done
test "$n" -ge 1
echo "$n document signers verified"
