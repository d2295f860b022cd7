#!/usr/bin/env python3
"""Distributions of inspect's per-pin measures on good pins and on pins the
truth marks defective, per measure (development aid for the thresholds).
Usage: tools/joint-stats.py TRUTH.jsonl RESULTS.jsonl"""
import json, os, sys
from collections import defaultdict

def load(p):
    d = {}
    for line in open(p):
        try:
            r = json.loads(line)
        except ValueError:
            continue
        d[os.path.basename(r["image"])] = r
    return d

truth, res = load(sys.argv[1]), load(sys.argv[2])
measures = ["overhang_mm", "solder_to_body_mm", "flux_cover", "area_ratio", "toe_ratio", "offset_x_mm", "offset_y_mm"]
good = defaultdict(list)
bad = defaultdict(list)
worst = defaultdict(list)
for name, t in truth.items():
    r = res.get(name)
    if not r or r["verdict"] == "error" or "joints" not in r:
        continue
    if any(d["type"] == "missing_part" for d in t["defects"]):
        continue
    tp = defaultdict(set)
    for d in t["defects"]:
        for p in d["pins"]:
            tp[p].add(d["type"])
    for j in r["joints"]:
        pin = j["pin"]
        m = dict(j)
        if j.get("wet_ratio") is not None:
            m["area_ratio"] = j["wet_ratio"]
        kinds = tp.get(pin, set())
        for k in measures:
            v = m.get(k)
            if v is None:
                continue
            if k.startswith("offset"):
                v = abs(v)
            rel = {"overhang_mm": "excess_solder", "solder_to_body_mm": "excess_solder",
                   "flux_cover": "flux_rise", "area_ratio": "insufficient_solder", "toe_ratio": "insufficient_solder",
                   "offset_x_mm": "offset", "offset_y_mm": "offset"}[k]
            if rel in kinds:
                bad[k].append((v, name, pin))
            elif not kinds:
                good[k].append((v, name, pin, t.get("conditions", {})))

def q(v, f):
    return v[min(len(v) - 1, int(f * len(v)))]

for k in measures:
    g = sorted(x[0] for x in good[k])
    b = sorted(x[0] for x in bad[k])
    if g:
        print(f"{k:18s} good n={len(g):5d} p1={q(g,.01):.3f} p50={q(g,.5):.3f} p99={q(g,.99):.3f} p999={q(g,.999):.3f} max={g[-1]:.3f}")
    if b:
        print(f"{'':18s} bad  n={len(b):5d} min={b[0]:.3f} p10={q(b,.1):.3f} p50={q(b,.5):.3f} max={b[-1]:.3f}")
    hi = k in ("overhang_mm", "flux_cover", "offset_x_mm", "offset_y_mm")
    ws = sorted(good[k], key=lambda x: -x[0] if hi else x[0])[:4]
    for w in ws:
        c = w[3]
        print(f"{'':20s} worst good {w[0]:.3f} {w[1]} pin {w[2]} {c.get('lighting')} {c.get('mask')} {c.get('finish')} gray={c.get('gray')} um={c.get('um_per_px_true', '')}")
