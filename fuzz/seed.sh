#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/TARGET/, not committed) from the samples:
# the sample exports, and the return files and manifest built from them.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/corpus
mkdir -p "$out"/{export_reader,return_xlsx,return_xml,return_json,manifest,period}
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
for p in "2024-25 Q2" "2024-25Q2" "2024/25 Q2" "Q2 2024-25" "q3 2023/24" "2024-25 Q5" \
  "2024-10-21T09:30:00Z" "2024-07-01" "1/7/2024"; do
  printf '%s' "$p" > "$out/period/$(printf '%s' "$p" | tr -c 'A-Za-z0-9' '_')"
done
echo "seeded $out"
