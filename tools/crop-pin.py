#!/usr/bin/env python3
"""Crops the neighbourhood of one pin from an inspected image, enlarged, for
looking at a call (development aid; needs ImageMagick's convert).
Usage: tools/crop-pin.py RESULTS.jsonl IMAGE_NAME PIN OUT.png [HALF_MM]"""
import json, math, os, subprocess, sys
res, name, pin, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
half = float(sys.argv[5]) if len(sys.argv) > 5 else 0.6
for l in open(res):
    r = json.loads(l)
    if os.path.basename(r["image"]) == name:
        break
else:
    sys.exit("not found")
part = json.load(open(os.path.join(os.path.dirname(__file__), "..", "models", "parts", r["part"] + ".json")))
n = part["pins"]; B = (n // 2 - 1) * 0.4; ry = part["signal_pad"]["row_y_mm"]
col = (pin - 1) // 2
u, v = -B / 2 + 0.4 * col, (-ry if pin % 2 else ry)
p = r["pose"]; rot = int(sys.argv[6]) if len(sys.argv) > 6 else 0
th = math.radians(p["theta_deg"] + rot); k = 1000 / p["um_per_px"]
x = p["x_px"] + (u * math.cos(th) - v * math.sin(th)) * k
y = p["y_px"] + (u * math.sin(th) + v * math.cos(th)) * k
hp = int(half * k)
subprocess.run(["convert", r["image"], "-crop", f"{2*hp}x{2*hp}+{int(x)-hp}+{int(y)-hp}", "+repage",
                "-filter", "point", "-resize", f"{max(1, 400 // (2*hp))*100}%", out], check=True)
print(out, x, y)
