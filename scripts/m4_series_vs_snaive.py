#!/usr/bin/env python3
"""Counts the M4 Hourly series on which the served 48-step forecast beats seasonal naive on the validation split.

Reads the forecasts `evaluate --forecast-layout origin` wrote (DIR/H1.csv ...: the last row's forecast,
forecast_h2..forecast_h48 are the forecast from the series' end) and M4's hourly training file; the truth is each
series' last 48 points, which `m4_hourly_to_csv.py` held out. A series counts when the served forecast's mean absolute
error over the 48 points is below seasonal naive's (the last 24 seen values repeated); both have the same MASE scale,
so this is "MASE below seasonal naive's". The official measures (sMAPE, MASE, OWA) come from the M4 scorer, not
from here.

--per-horizon also prints, for horizons 1, 2, 4, 8, 12, 16, 24, 32, 40 and 48, the mean over series of the absolute
error at that horizon divided by the series' in-sample seasonal-naive error (M4's MASE scale, m = 24), for the served
forecast and for seasonal naive.

usage: m4_series_vs_snaive.py --input <M4 Hourly-train.csv> --evaluated DIR [--per-horizon]
"""
import argparse

from m4_evaluated import evaluated_rows, m4_series

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("--input", default="data/m4/Hourly-train.csv")
p.add_argument("--evaluated", required=True, help="the evaluate --forecast-layout origin output folder")
p.add_argument("--holdout", type=int, default=48)
p.add_argument("--per-horizon", action="store_true", help="also the scaled error at each of ten horizons")
a = p.parse_args()
h = a.holdout
better = 0
total = 0
horizons = [k for k in (1, 2, 4, 8, 12, 16, 24, 32, 40, 48) if k <= h]
scaled_served = {k: 0.0 for k in horizons}
scaled_snaive = {k: 0.0 for k in horizons}
scaled_n = 0  # series with an in-sample seasonal-naive error above 0 (the per-horizon means are over these)
for key, values in m4_series(a.input):
    seen, truth = values[:-h], values[-h:]
    last = evaluated_rows(a.evaluated, key)[-1]
    served = [float(last["forecast"])] + [float(last[f"forecast_h{k}"]) for k in range(2, h + 1)]
    snaive = [seen[len(seen) - 24 + (k % 24)] for k in range(h)]
    mae_served = sum(abs(x - y) for x, y in zip(served, truth)) / h
    mae_snaive = sum(abs(x - y) for x, y in zip(snaive, truth)) / h
    total += 1
    if mae_served < mae_snaive:
        better += 1
    scale = sum(abs(seen[i] - seen[i - 24]) for i in range(24, len(seen))) / (len(seen) - 24)
    if scale > 0:
        scaled_n += 1
        for k in horizons:
            scaled_served[k] += abs(served[k - 1] - truth[k - 1]) / scale
            scaled_snaive[k] += abs(snaive[k - 1] - truth[k - 1]) / scale
print(f"{a.evaluated}: served forecast better than seasonal naive on {better} of {total} series "
      f"({100.0 * better / total:.1f}%)")
if a.per_horizon:
    print("horizon        " + " ".join(f"{k:>6}" for k in horizons))
    n = max(scaled_n, 1)
    print("served         " + " ".join(f"{scaled_served[k] / n:6.3f}" for k in horizons))
    print("seasonal naive " + " ".join(f"{scaled_snaive[k] / n:6.3f}" for k in horizons))
