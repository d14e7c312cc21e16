#!/usr/bin/env python3
"""Lays the M4 Hourly series out as per-key CSVs for `streamcast train` and `streamcast evaluate`.

Writes OUT/H1.csv ... OUT/H414.csv, each `timestamp,value` on an hourly grid starting 2000-01-01 00:00 (M4 gave no
start dates; any hourly grid will do). By default every series loses its last 48 points (the validation split: the model and the job see the rest, and
`m4_score.py --from-evaluate` scores the forecasts in the last row of each file written by
`evaluate --forecast-layout origin` against those 48). --keep-all writes the whole training series.
Beside the CSVs it writes README.md, naming where the data come from, so that the note travels with the copy.
"""
import argparse
import csv
import datetime
import os

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("--input", default="data/m4/Hourly-train.csv")
p.add_argument("--out", required=True)
p.add_argument("--holdout", type=int, default=48, help="points dropped from the end of every series (default 48)")
p.add_argument("--keep-all", action="store_true", help="same as --holdout 0")
a = p.parse_args()
holdout = 0 if a.keep_all else a.holdout
os.makedirs(a.out, exist_ok=True)
start = datetime.datetime(2000, 1, 1)
n = 0
with open(a.input, newline="") as f:
    r = csv.reader(f)
    next(r)
    for row in r:
        key = row[0]
        values = [v for v in row[1:] if v != ""]
        if holdout:
            values = values[:-holdout]
        with open(os.path.join(a.out, key + ".csv"), "w") as out:
            out.write("timestamp,value\n")
            for i, v in enumerate(values):
                ts = start + datetime.timedelta(hours=i)
                out.write(ts.strftime("%Y-%m-%d %H:%M:%S") + "," + v + "\n")
        n += 1
with open(os.path.join(a.out, "README.md"), "w") as note:
    note.write("# M4 Hourly\n\n"
               f"{n} hourly series of the M4 forecasting competition (Makridakis, Spiliotis & Assimakopoulos, \"The M4\n"
               "Competition: 100,000 time series and 61 forecasting methods\", International Journal of Forecasting\n"
               "36(1), 2020), from the competition's repository Mcompetitions/M4-methods (Dataset/Train/Hourly-train.csv),\n"
               "one file per series on an hourly grid from 2000-01-01 (M4 gave no start dates)"
               + (f", each without its last {holdout} points.\n" if holdout else ", whole.\n"))
print(f"wrote {n} series to {a.out} (last {holdout} points of each held out)")
