#!/usr/bin/env bash
# How stable the verdicts of a generated set are under tiny pose changes:
# inspects every board of an eval-inspect.sh set again with the registered
# pose moved by +-D px in x and in y (AOI_POSE_NUDGE) and lists the boards
# whose defect list changes.  A verdict that flips on a hundredth of a pixel
# is a knife edge: it flips just as well on resampling noise or on any
# change to registration.
# Usage: tools/eval-stability.sh [BUILD_DIR] [SET_DIR] [D]
set -euo pipefail
build=${1:-build}; set=${2:-/tmp/f4saoi-eval}; d=${3:-0.02}
f4saoi=$build/src/f4saoi
here=$(cd "$(dirname "$0")" && pwd)
runs=()
for nudge in 0,0 "$d",0 -"$d",0 0,"$d" 0,-"$d"; do
  out=$set/stability-${nudge/,/_}.jsonl
  : > "$out"
  for dir in "$set"/*/; do
    g=$(basename "$dir")
    IFS=- read -r part um rot <<< "$g"
    AOI_POSE_NUDGE=$nudge "$f4saoi" inspect -p "$part" -u "$um" -r "$rot" -j "$(nproc)" -q "$dir" >> "$out" || true
  done
  runs+=("$out")
done
python3 "$here/stability.py" "$set/truth.jsonl" "${runs[@]}"
