#!/usr/bin/env bash
# Regenerates calib/samples-12um.json: the calibration of the station that
# "took" samples/ (12 um/px, distortion-free lens), measured by f4saoi calib
# from rendered views of a 0.5 mm chessboard with a colour cast-free light.
# Usage: tools/make-calib-example.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
f4saoi=${1:-build}/src/f4saoi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$f4saoi" synth --target chessboard:13x9:0.5 -u 12 --size 1280x960 -n 4 -s 1 -o "$tmp" -q
"$f4saoi" calib --target chessboard:13x9:0.5 --no-distortion --white-patch target \
  -o calib/samples-12um.json "$tmp"/*.png
