#!/usr/bin/env bash
# Accuracy of `f4saoi inspect` on generated boards spanning the imaging
# contract: 6 parts (10/40/80 pins, socket and header) x 4 scales (6, 10, 14,
# 20 um/px), rotations cycling 0/90/180/270, every mask colour, finish and
# lighting, grey frames, JPEG and PNG, and defects mixed (half the boards good).
# Usage: tools/eval-inspect.sh [BUILD_DIR] [OUT_DIR] [IMAGES_PER_GROUP] [SEED] [EXTRA_SYNTH_ARGS...]
# Prints the `f4saoi score` table of the whole set (per defect type and per
# condition) and writes OUT_DIR/summary.json.
set -euo pipefail
build=${1:-build}; out=${2:-/tmp/f4saoi-eval}; n=${3:-10}; seed=${4:-5000}
shift $(( $# < 4 ? $# : 4 )) || true
f4saoi=$build/src/f4saoi
[ -n "${REUSE:-}" ] || rm -rf "$out"
mkdir -p "$out"
: > "$out/truth.jsonl"; : > "$out/results.jsonl"
g=0
for part in AXT510124 AXT540124 AXT580124 AXT610124 AXT640124 AXT680124; do
  for um in 6 10 14 20; do
    rot=$(( (g % 4) * 90 ))
    dir=$out/$part-$um-$rot
    extra=()
    (( g % 3 == 2 )) && extra+=(--gray)
    [ -n "${REUSE:-}" ] && [ -f "$dir/truth.jsonl" ] ||
    "$f4saoi" synth -p "$part" -o "$dir" -n "$n" -s $((seed + 100 * g)) -u "$um" -r "$rot" -q "${extra[@]}" "$@"
    "$f4saoi" inspect -p "$part" -u "$um" -r "$rot" -j "$(nproc)" -q "$dir" >> "$out/results.jsonl" || true
    cat "$dir/truth.jsonl" >> "$out/truth.jsonl"
    g=$((g + 1))
  done
done
"$f4saoi" score --json "$out/summary.json" "$out/truth.jsonl" "$out/results.jsonl"
