#!/usr/bin/env python3
"""Writes models/parts/*.json, one file per F4S part number.

Run once when the catalog or the pattern sources change; the files it writes are
the project's data (committed), and a user correcting a number edits them
directly.  Sources: ../shared/reference/F4S-catalog.txt (dimension tables A/B/C/D,
metal-mask ratios) and ../shared/spec/geometry.md (pad sizes and their provenance).
Usage: tools/gen-models.py [OUTDIR]   (default: models/parts)
"""
import json
import os
import sys

PINS = [10, 16, 20, 24, 26, 30, 34, 40, 42, 48, 50, 60, 80]

# Catalog dimension tables, transcribed as printed (pins: (A, B, C)).
CATALOG = {
    "socket": {
        10: (4.50, 1.60, 3.40), 16: (5.70, 2.80, 4.60), 20: (6.50, 3.60, 5.40),
        24: (7.30, 4.40, 6.20), 26: (7.70, 4.80, 6.60), 30: (8.50, 5.60, 7.40),
        34: (9.30, 6.40, 8.20), 40: (10.50, 7.60, 9.40), 42: (10.90, 8.00, 9.80),
        48: (12.10, 9.20, 11.00), 50: (12.50, 9.60, 11.40), 60: (14.50, 11.60, 13.40),
        80: (18.50, 15.60, 17.40),
    },
    "header": {
        10: (3.80, 1.60, 3.20), 16: (5.00, 2.80, 4.40), 20: (5.80, 3.60, 5.20),
        24: (6.60, 4.40, 6.00), 26: (7.00, 4.80, 6.40), 30: (7.80, 5.60, 7.20),
        34: (8.60, 6.40, 8.00), 40: (9.80, 7.60, 9.20), 42: (10.20, 8.00, 9.60),
        48: (11.40, 9.20, 10.80), 50: (11.80, 9.60, 11.20), 60: (13.80, 11.60, 13.20),
        80: (17.80, 15.60, 17.20),
    },
}
D = {"socket": 0.97, "header": 0.83}

CAT = {"source": "catalog", "note": "F4S catalog, dimension table"}
CAD = {"source": "cad", "note": "third-party CAD model of AXT624124, consistent with catalog A/B/C"}
PROV = {"source": "provisional",
        "note": "no drawing in the text catalog; correct from the official drawing"}

PATTERN = {
    "header": {
        "signal_pad": {"size_mm": [0.23, 0.75], "row_y_mm": 1.225, "provenance": CAD},
        "holddown_pad": {"size_mm": [0.45, 0.655], "y_mm": 0.703, "provenance": CAD},
        "body": {"width_mm": 1.86, "provenance": {"source": "cad", "note": "fab layer of the CAD model; length is catalog A"}},
        "terminal": {"width_mm": 0.13, "tip_y_mm": 1.40, "provenance": PROV},
        "holddown_terminal": {"size_mm": [0.35, 0.50], "provenance": PROV},
    },
    "socket": {
        "signal_pad": {"size_mm": [0.23, 0.80], "row_y_mm": 1.70,
                       "provenance": {"source": "provisional",
                                      "note": "same pad width as header; rows placed outside the 3.6 mm body"}},
        "holddown_pad": {"size_mm": [0.45, 0.70], "y_mm": 1.15, "provenance": PROV},
        "body": {"width_mm": 3.60, "provenance": {"source": "catalog", "note": "3.6 mm width; length is catalog A"}},
        "terminal": {"width_mm": 0.13, "tip_y_mm": 2.05, "provenance": PROV},
        "holddown_terminal": {"size_mm": [0.35, 0.55], "provenance": PROV},
    },
}

MASK = {
    "signal_openings": [
        {"thickness_mm": 0.150, "opening_ratio": 0.48},
        {"thickness_mm": 0.120, "opening_ratio": 0.60},
    ],
    "holddown_opening_ratio": 1.00,
    "provenance": {"source": "catalog", "note": "recommended metal mask pattern"},
}


def part_numbers(side, n):
    digit = "5" if side == "socket" else "6"
    return [("standard", f"AXT{digit}{n:02d}124"), ("inspection", f"AXT{digit}E{n:02d}26")]


def model(side, n, use, number):
    a, b, c = CATALOG[side][n]
    m = {
        "format": "f4saoi-part",
        "version": 1,
        "part": number,
        "series": "F4S",
        "side": side,
        "use": use,
        "pins": n,
        "pitch_mm": 0.4,
        "mated_height_mm": 1.0,
        "catalog": {"A_mm": a, "B_mm": b, "C_mm": c, "D_mm": D[side], "provenance": CAT},
    }
    m.update(json.loads(json.dumps(PATTERN[side])))
    m["mask"] = MASK
    return m


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "models", "parts")
    os.makedirs(out, exist_ok=True)
    count = 0
    for side in ("socket", "header"):
        for n in PINS:
            for use, number in part_numbers(side, n):
                with open(os.path.join(out, number + ".json"), "w", encoding="utf-8") as f:
                    json.dump(model(side, n, use, number), f, indent=2)
                    f.write("\n")
                count += 1
    print(f"wrote {count} part models to {out}")


if __name__ == "__main__":
    main()
