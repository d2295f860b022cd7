#!/usr/bin/env bash
# Teaching, measured: per station look (light + mask) and part, 3 golden boards
# teach a station model; 12 boards of the same look are inspected with and
# without it.  Prints both score tables.
# Usage: tools/eval-teach.sh [BUILD_DIR] [OUT_DIR] [BOARDS_PER_STATION]
set -euo pipefail
build=${1:-build}; out=${2:-/tmp/f4saoi-teach}; n=${3:-12}
f4saoi=$build/src/f4saoi
rm -rf "$out"; mkdir -p "$out"
: > "$out/truth.jsonl"; : > "$out/with.jsonl"; : > "$out/without.jsonl"
s=0
for part in AXT540124 AXT640124; do
  for look in coaxial:green ring:blue rgb:red coaxial:black; do
    light=${look%%:*} mask=${look#*:} d=$out/$part-$light-$mask
    mkdir -p "$d"
    "$f4saoi" synth -p "$part" -o "$d/golden" -n 3 -d none -u 12 -r 0 --lighting "$light" --mask "$mask" -s $((7000 + 50 * s)) -q
    "$f4saoi" synth -p "$part" -o "$d/boards" -n "$n" -u 12 -r 0 --lighting "$light" --mask "$mask" -s $((7010 + 50 * s)) -q
    if "$f4saoi" teach -p "$part" -u 12 -o "$d/station.json" -q "$d"/golden/*.png "$d"/golden/*.jpg 2>"$d/teach.log" ||
       "$f4saoi" teach -p "$part" -u 12 -o "$d/station.json" -q $(ls "$d"/golden/*.* | grep -v jsonl) 2>"$d/teach.log"; then
      "$f4saoi" inspect -p "$part" -u 12 --model "$d/station.json" -q "$d/boards" >> "$out/with.jsonl" || true
    else
      echo "teaching refused for $d: $(cat "$d/teach.log")" >&2
      "$f4saoi" inspect -p "$part" -u 12 -q "$d/boards" >> "$out/with.jsonl" || true
    fi
    "$f4saoi" inspect -p "$part" -u 12 -q "$d/boards" >> "$out/without.jsonl" || true
    cat "$d/boards/truth.jsonl" >> "$out/truth.jsonl"
    s=$((s + 1))
  done
done
echo "== without a station model"; "$f4saoi" score "$out/truth.jsonl" "$out/without.jsonl" | sed -n '1,12p'
echo "== with the taught station model"; "$f4saoi" score "$out/truth.jsonl" "$out/with.jsonl" | sed -n '1,12p'
