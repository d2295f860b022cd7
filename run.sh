#!/usr/bin/env bash
# run.sh - install what is missing, build, and run f4saoi's main job or its tests.
#
#   ./run.sh demo    install + build + inspect the bundled samples/ (records, overlays, score)
#   ./run.sh test    install + build + the whole test suite (normal, scalar, ASan+UBSan;
#                    a build without OpenCV and GStreamer)
#   ./run.sh build   install + build only
#   ./run.sh bench   install + build (release) + benchmarks
#
# Idempotent: packages already installed are not touched, builds are incremental.
set -euo pipefail
cd "$(dirname "$0")"

PKGS=(
  gcc g++ meson ninja-build pkg-config python3
  libglib2.0-dev libcjson-dev
  libturbojpeg0-dev libjpeg62-turbo-dev libpng-dev
  libopencv-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-tools
  libcriterion-dev
  chromium
)

log() { printf '==> %s\n' "$*" >&2; }

install_missing() {
  local missing=() p
  for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# build DIR [meson options...]
build() {
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >/dev/null
  fi
  ninja -C "$dir" | { grep -v "^\[" || true; }
}

# Prints "name: N passed, N failed" from a meson JSON test log.
summary() {
  python3 - "$@" <<'PY'
import json, re, sys
# Counts Criterion's individual tests where the runner printed its synthesis
# line, otherwise meson's per-executable result.
ok = bad = skip = 0
syn = re.compile(r"Synthesis: Tested: (\d+) \| Passing: (\d+) \| Failing: (\d+) \| Crashing: (\d+)")
for path in sys.argv[1:-1]:
    for line in open(path):
        r = json.loads(line)
        m = syn.search((r.get("stdout") or "") + (r.get("stderr") or ""))
        if m:
            tested, passing = int(m.group(1)), int(m.group(2))
            ok += passing
            bad += tested - passing
            if r["result"] not in ("OK", "EXPECTEDFAIL", "SKIP") and tested == passing:
                bad += 1
        elif r["result"] in ("OK", "EXPECTEDFAIL"): ok += 1
        elif r["result"] == "SKIP": skip += 1
        else: bad += 1
print(f"{sys.argv[-1]}: {ok} passed, {bad} failed, {skip} skipped")
PY
}

cmd=${1:-demo}
case "$cmd" in
  build)
    install_missing
    build build
    ;;
  demo)
    install_missing
    build build
    mkdir -p out
    log "part catalogue (first lines; f4saoi parts lists all 52)"
    ./build/src/f4saoi parts | head -5
    for p in AXT540124 AXT640124; do
      ./build/src/f4saoi footprint "$p" -o "out/$p.svg"
    done
    log "wrote out/AXT540124.svg and out/AXT640124.svg (foot patterns in mm)"
    rc=0
    # The socket job states the scale; the header job reads it from the
    # station calibration shipped in calib/ (tools/make-calib-example.sh).
    for side in socket:AXT540124:-u:12 header:AXT640124:--calib:calib/samples-12um.json; do
      IFS=: read -r name part opt val <<<"$side"
      log "inspecting $part on samples/$name ($opt $val; overlays in out/$name)"
      ./build/src/f4saoi inspect -p "$part" "$opt" "$val" --overlay "out/$name" \
        --jsonl "out/$name.jsonl" "samples/$name" || rc=$?
      python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    d = ", ".join("%s %s" % (x["type"], x["pins"]) for x in r["defects"]) or "-"
    print("  %-45s %-5s %s" % (r["image"].split("/")[-1], r["verdict"], r["error"] or d))' "out/$name.jsonl"
      log "score against samples/$name/truth.jsonl"
      ./build/src/f4saoi score "samples/$name/truth.jsonl" "out/$name.jsonl" | sed -n '1,12p'
    done
    log "records in out/*.jsonl, overlay pictures in out/socket and out/header (exit status of inspect: $rc)"
    ;;
  test)
    install_missing
    build build
    rc=0
    log "test suite (default build)"
    meson test -C build --print-errorlogs --num-processes 2 || rc=1
    summary build/meson-logs/testlog.json "default" >&2 || true
    log "test suite with SIMD forced off (AOI_SIMD=scalar)"
    meson test -C build --setup=scalar --print-errorlogs --num-processes 2 || rc=1
    summary build/meson-logs/testlog-scalar.json "scalar" >&2 || true
    log "test suite under ASan+UBSan"
    build build-sanitize -Db_sanitize=address,undefined -Db_lundef=false
    meson test -C build-sanitize --setup=sanitize --print-errorlogs --num-processes 2 || rc=1
    summary build-sanitize/meson-logs/testlog-sanitize.json "sanitize" >&2 || true
    log "the optional parts left out (-Dopencv=disabled -Dgstreamer=disabled): build, calib tests"
    build build-minimal -Dopencv=disabled -Dgstreamer=disabled
    meson test -C build-minimal --print-errorlogs --num-processes 2 calib || rc=1
    summary build-minimal/meson-logs/testlog.json "minimal" >&2 || true
    summary build/meson-logs/testlog.json build/meson-logs/testlog-scalar.json \
      build-sanitize/meson-logs/testlog-sanitize.json build-minimal/meson-logs/testlog.json "tests" || true
    exit $rc
    ;;
  bench)
    install_missing
    build build-release --buildtype=release
    meson test -C build-release --benchmark --verbose
    ;;
  -h|--help|help)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    ;;
  *)
    echo "run.sh: unknown command '$cmd' (demo, test, build, bench)" >&2
    exit 2
    ;;
esac
