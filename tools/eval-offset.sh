#!/usr/bin/env bash
# Bridges and connectors off their pads: 6 parts (10/40/80 pins, sockets and
# headers) x 4 scales (6, 10, 14, 20 um/px), rotations cycling, every mask
# colour, finish and lighting, JPEG and PNG; per group 4 boards with bridges
# only and 4 with bridges on a connector sitting 0.1-0.2 mm off its pads
# along or across the rows (terminals over the pads' sides, fillets
# squeezed under the body).  192 boards (the 10-pin socket last, so that
# the other groups keep their seeds).
# Usage: tools/eval-offset.sh [BUILD_DIR] [OUT_DIR]
# Prints the `f4saoi score` table of the whole set.
set -euo pipefail
build=${1:-build}; out=${2:-/tmp/f4saoi-offset}
f4saoi=$build/src/f4saoi
rm -rf "$out"; mkdir -p "$out"
: > "$out/truth.jsonl"; : > "$out/results.jsonl"
s=30000
for part in AXT540124 AXT640124 AXT580124 AXT610124 AXT680124 AXT510124; do
  for um in 6 10 14 20; do
    rot=$(( (s / 7) % 4 * 90 ))
    dir=$out/$part-$um-$rot
    mkdir -p "$dir"
    "$f4saoi" synth -p "$part" -o "$dir/a" -n 4 -d bridge -u "$um" -r "$rot" -s "$s" -q
    "$f4saoi" synth -p "$part" -o "$dir/b" -n 4 -d bridge,offset -u "$um" -r "$rot" -s $((s + 100)) -q
    "$f4saoi" inspect -p "$part" -u "$um" -r "$rot" -j "$(nproc)" -q "$dir" >> "$out/results.jsonl" || true
    cat "$dir"/a/truth.jsonl "$dir"/b/truth.jsonl >> "$out/truth.jsonl"
    s=$((s + 7))
  done
done
"$f4saoi" score "$out/truth.jsonl" "$out/results.jsonl"
