#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/TARGET/, not committed) from the samples:
# the sample exports, and the return files and manifest built from them.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/corpus
mkdir -p "$out"/{export_reader,return_xlsx,return_xml,return_json,manifest,period,diff,reproduce}
cp samples/2024-25/*.xlsx "$out/export_reader/"
cargo build --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for q in 1 2 3 4; do
  target/debug/yjb-return build "samples/2024-25/q$q-export.xlsx" --period "2024-25 Q$q" \
    --archive "$tmp" --generated-at 2025-01-20T09:30:00Z > /dev/null
  dir="$tmp/2024-25-Q$q"
  cp "$dir/return.xlsx" "$out/return_xlsx/q$q.xlsx"
  cp "$dir/return.xml" "$out/return_xml/q$q.xml"
  cp "$dir/return.json" "$out/return_json/q$q.json"
  cp "$dir/manifest.json" "$out/manifest/q$q.json"
done
# diff and reproduce: four control bytes first (all zero: nothing stretched), then a byte
# choosing the files' kinds, then the files.
seed() { # seed TARGET NAME CHOICE FILE [FILE2]
  local target=$1 name=$2 choice=$3
  shift 3
  {
    printf '\0\0\0\0'
    printf "\\$(printf '%03o' "$choice")"
    cat "$1"
    if [ $# -gt 1 ]; then printf '\0'; cat "$2"; fi
  } > "$out/$target/$name"
}
a="$tmp/2024-25-Q1" b="$tmp/2024-25-Q2"
seed diff json-json 0 "$a/return.json" "$b/return.json"
seed diff xml-json 1 "$a/return.xml" "$b/return.json"
seed diff json-xml 2 "$a/return.json" "$b/return.xml"
seed diff xml-xml 3 "$a/return.xml" "$b/return.xml"
# The reproduce target's own return (Q1, the export named by its absolute path, as the target
# builds it), so that an unchanged seed reproduces.
fixture="$tmp/fixture"
target/debug/yjb-return build "$(pwd)/samples/2024-25/q1-export.xlsx" --period "2024-25 Q1" \
  --out "$fixture" --generated-at 2024-07-22T09:30:00Z > /dev/null
for json in 0 4; do
  seed reproduce "manifest-$json" $((0 + json)) "$fixture/manifest.json"
  seed reproduce "json-$json" $((1 + json)) "$fixture/return.json"
  seed reproduce "xml-$json" $((2 + json)) "$fixture/return.xml"
  seed reproduce "xlsx-$json" $((3 + json)) "$fixture/return.xlsx"
done
for p in "2024-25 Q2" "2024-25Q2" "2024/25 Q2" "Q2 2024-25" "q3 2023/24" "2024-25 Q5" \
  "2024-10-21T09:30:00Z" "2024-07-01" "1/7/2024"; do
  printf '%s' "$p" > "$out/period/$(printf '%s' "$p" | tr -c 'A-Za-z0-9' '_')"
done
echo "seeded $out"
