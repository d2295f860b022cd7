#!/usr/bin/env python3
"""Lists, for every truth defect of a given type, the inspect measures of its
pins and whether it was found (development aid).
Usage: tools/defect-pins.py TRUTH.jsonl RESULTS.jsonl TYPE"""
import json, os, sys
T = {os.path.basename(json.loads(l)["image"]): json.loads(l) for l in open(sys.argv[1])}
R = {}
for l in open(sys.argv[2]):
    r = json.loads(l)
    R[os.path.basename(r["image"])] = r
typ = sys.argv[3]
for n, t in sorted(T.items()):
    r = R.get(n)
    for d in t["defects"]:
        if d["type"] != typ:
            continue
        found = r and any(e["type"] == typ and e["pins"] == d["pins"] for e in r.get("defects", []))
        c = t["conditions"]
        js = {j["pin"]: j for j in (r or {}).get("joints", [])}
        meas = " | ".join(" ".join(f"{k[:8]}={v}" for k, v in js.get(p, {}).items() if k != "pin") for p in d["pins"][:1])
        print(f"{'OK ' if found else 'ESC'} {n} {d['pins']} {r['verdict'] if r else '-'} {c['lighting']} {c['mask']} {c['finish']} gray={c['gray']} off={c['connector_offset_mm']} :: {meas}")
