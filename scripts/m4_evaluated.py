"""What the M4 evaluation scripts share: M4's hourly training file read series by series, and the rows `evaluate`
wrote for one series."""
import csv
import os


def m4_series(path):
    """Yields (id, values) for each series of an M4 training file (`V1,V2,...`: the id, then the values), in order."""
    with open(path, newline="") as f:
        r = csv.reader(f)
        next(r)
        for row in r:
            yield row[0], [float(v) for v in row[1:] if v != ""]


def evaluated_rows(folder, key):
    """The rows of FOLDER/KEY.csv written by `evaluate`, as dictionaries; exits with a message if it is missing."""
    path = os.path.join(folder, key + ".csv")
    if not os.path.exists(path):
        raise SystemExit(f"{path} is missing: run evaluate over every series first")
    with open(path, newline="") as f:
        return list(csv.DictReader(f))
