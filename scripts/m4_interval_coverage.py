#!/usr/bin/env python3
"""Coverage of the served 90% prediction intervals on the M4 Hourly validation split, against the held-out points.

Reads the folder `evaluate --forecast-layout origin` wrote over the validation input (DIR/H1.csv ...: the last row of
each file holds the forecast and its intervals made at the series' end: `lower`/`upper` for horizon 1,
`lower_h{K/2}`/`upper_h{K/2}` and `lower_h{K}`/`upper_h{K}` for the two longer horizons) and M4's hourly training
file, whose last --holdout points of each series are the truth (`m4_hourly_to_csv.py` held them out). For each of the
three horizons it prints the share of series whose held-out point lies within the interval made for it, and how many
series had no interval there (a key too young for that horizon). One point per series and horizon, so with 414 series
the share has about ±1.5 points of binomial noise. `evaluate`'s own coverage (its console and report.md) is over every
scored row of the input instead.

usage: m4_interval_coverage.py --input <M4 Hourly-train.csv> --evaluated DIR [--holdout 48]
"""
import argparse
import math

from m4_evaluated import evaluated_rows, m4_series

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("--input", default="data/m4/Hourly-train.csv")
p.add_argument("--evaluated", required=True, help="the evaluate --forecast-layout origin output folder")
p.add_argument("--holdout", type=int, default=48, help="held-out points per series, the model's K (default 48)")
a = p.parse_args()
k = a.holdout
if k < 1:
    raise SystemExit(f"--holdout must be at least 1, got {k}: give the points held out of each series (48 for M4)")
horizons = sorted({1, k // 2, k} - {0})


def bound(row, name, h):
    column = name if h == 1 else f"{name}_h{h}"
    if column not in row:
        raise SystemExit(f"no column {column} in {a.evaluated}: was it written by evaluate --forecast-layout origin "
                         f"with a model of horizon {k}?")
    text = row[column]
    return math.nan if text in ("", "NaN") else float(text)


inside = {h: 0 for h in horizons}
counted = {h: 0 for h in horizons}
without = {h: 0 for h in horizons}
series = 0
for key, values in m4_series(a.input):
    truth = values[-k:]
    rows = evaluated_rows(a.evaluated, key)
    if len(rows) != len(values) - k:
        raise SystemExit(f"{a.evaluated}/{key}.csv has {len(rows)} rows, but {key} has {len(values) - k} points before "
                         f"its last {k}: was {a.evaluated} evaluated on the input m4_hourly_to_csv.py writes with "
                         f"--holdout {k}?")
    last = rows[-1]
    series += 1
    for h in horizons:
        lo, hi = bound(last, "lower", h), bound(last, "upper", h)
        if math.isnan(lo) or math.isnan(hi):
            without[h] += 1
            continue
        counted[h] += 1
        inside[h] += lo <= truth[h - 1] <= hi
for h in horizons:
    share = inside[h] / counted[h] if counted[h] else math.nan
    print(f"horizon {h}: held-out coverage {share:.3f} over {counted[h]} of {series} series "
          f"({without[h]} without an interval)")
