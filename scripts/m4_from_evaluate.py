#!/usr/bin/env python3
"""Collects the 48-step forecasts made at each M4 series' last real row from `streamcast evaluate` output.

`evaluate` writes in row t, column forecast_h{k} (forecast for k = 1), the forecast OF row t made k rows earlier.
Feed it series padded with scripts/m4_hourly_to_csv.py --pad 48: the forecast made at the last real row T for
T + k is then in row T + k, column forecast_h{k}, computed when row T was processed (before any padded value was
seen). Writes `id,f1..f48` for `python3 ../shared/tools/m4_score.py FILE`.

(`m4_score.py --from-evaluate DIR` reads the LAST row's forecast..forecast_h48 instead: with `evaluate`'s layout
those are 48 forecasts of the last input value made from 48 different origins, not a forecast of the next 48.)
"""
import argparse
import csv
import os

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("evaluate_dir")
p.add_argument("--out", required=True)
p.add_argument("--pad", type=int, default=48, help="padding rows at the end of each file (default 48)")
a = p.parse_args()
H = a.pad
names = sorted((f for f in os.listdir(a.evaluate_dir) if f.startswith("H") and f.endswith(".csv")),
               key=lambda f: int(f[1:-4]))
with open(a.out, "w") as out:
    out.write("id," + ",".join(f"f{k}" for k in range(1, H + 1)) + "\n")
    for f in names:
        rows = list(csv.DictReader(open(os.path.join(a.evaluate_dir, f))))
        last_real = len(rows) - 1 - H
        fc = []
        for k in range(1, H + 1):
            col = "forecast" if k == 1 else f"forecast_h{k}"
            fc.append(rows[last_real + k][col])
        out.write(f[:-4] + "," + ",".join(fc) + "\n")
print(f"wrote {len(names)} forecasts to {a.out}")
