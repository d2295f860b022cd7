#!/usr/bin/env python3
"""Compare f4saoi inspect runs of one set (the first unmoved, the others at
moved poses): boards whose defect list changes, and per defect type how many
calls appear or vanish, with whether the truth has them."""
import json
import os
import sys
from collections import Counter


def defects(ds):
    return frozenset((d["type"], tuple(d.get("pins") or [])) for d in ds)


def is_true(d, tr):
    return any(t[0] == d[0] and (set(t[1]) & set(d[1]) or not t[1] and not d[1]) for t in tr)


def load(path):
    out = {}
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            ds = r.get("defects") or []
            out[os.path.basename(r["image"])] = (r["verdict"], defects(ds))
    return out


def main():
    truth = {img: ds for img, (_, ds) in load(sys.argv[1]).items()}
    base = load(sys.argv[2])
    flipped = {}
    kinds = Counter()
    for path in sys.argv[3:]:
        other = load(path)
        for img, (v, ds) in base.items():
            if img not in other:
                continue
            v2, ds2 = other[img]
            if ds2 == ds and v2 == v:
                continue
            flipped.setdefault(img, set()).add(path.rsplit("stability-", 1)[-1][:-6])
            tr = truth.get(img, frozenset())
            for d in ds ^ ds2:
                kinds[(d[0], "true" if is_true(d, tr) else "false")] += 1
            if v2 != v and (v == "error" or v2 == "error"):
                kinds[("error", "-")] += 1
    print(f"{len(base)} boards, {len(flipped)} change under a moved pose")
    for (k, t), n in sorted(kinds.items()):
        print(f"  {k:22s} {t:5s} calls that flip: {n}")
    for img in sorted(flipped):
        v, ds = base[img]
        print(f"{img}  [{' '.join(sorted(flipped[img]))}]  base {v} {sorted(ds, key=str)}")


if __name__ == "__main__":
    main()
