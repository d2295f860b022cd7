#!/usr/bin/env bash
# Regenerates samples/ (deterministic): per side, three golden boards and one
# board per defect type, with their truth in samples/<side>/truth.jsonl.
# Usage: tools/make-samples.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
f4saoi=${1:-build}/src/f4saoi
for side in socket:AXT540124 header:AXT640124; do
  name=${side%%:*} part=${side#*:} dir=samples/$name
  rm -rf "$dir" && mkdir -p "$dir"
  tmp=$(mktemp -d)
  "$f4saoi" synth -p "$part" -o "$tmp/golden" -n 3 -s 101 -d none -u 12 -r 0 --format jpeg -q
  i=0
  for d in bridge excess_solder flux_rise insufficient_solder offset missing_part; do
    i=$((i + 1))
    "$f4saoi" synth -p "$part" -o "$tmp/$d" -n 1 -s $((200 + i)) -d "$d" -u 12 -r 0 --format jpeg -q
  done
  for sub in "$tmp"/*; do
    tag=$(basename "$sub")
    for img in "$sub"/*.jpg; do
      new="${tag}_$(basename "$img")"
      cp "$img" "$dir/$new"
    done
    sed "s/\"image\":\"/\"image\":\"${tag}_/" "$sub/truth.jsonl" >> "$dir/truth.jsonl"
  done
  rm -rf "$tmp"
done
du -sh samples
