#!/usr/bin/env bash
# Out-of-sample check of the bundled model's recipe on NAB dev: two folds. The 34 NAB dev series, sorted by path,
# are split into the even- and the odd-numbered ones; fold A trains on the synthetic sample, M4 Hourly's training
# file and the odd NAB series and is evaluated on the even ones, fold B the other way round. Training uses the
# bundled model's settings (README, "Regenerate ... the bundled model"); evaluation is `evaluate --threshold 0.5` as
# for the headline. Each series is thus forecast and scored by a model that never saw it, and the two folds'
# per-series CSVs are merged into OUT/merged, which the scorers read as they read `evaluate`'s own folder.
#
#   scripts/nab_twofold.sh NAB_DEV_DIR M4_HOURLY_TRAIN_CSV OUT
#
# NAB_DEV_DIR holds the 34 series, labels_windows.json and LICENSE.txt (README, "Getting public data");
# tools/target/streamcast.jar must be built (bin/streamcast builds it). OUT must not exist or be a folder this script
# wrote before (it is emptied). About 3–5 minutes on 2 cores.
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 NAB_DEV_DIR M4_HOURLY_TRAIN_CSV OUT" >&2
  exit 2
fi
[ -d "$1" ] || { echo "NAB_DEV_DIR $1 is not a folder: give the NAB dev folder (README, \"Getting public data\")" >&2; exit 1; }
[ -n "$3" ] || { echo "OUT is empty: give a folder for the folds' data, models and results" >&2; exit 1; }
if [ -e "$3" ] && [ ! -f "$3/.nab-twofold" ]; then
  echo "OUT $3 exists and was not written by this script: give a new folder (it would be emptied)" >&2
  exit 1
fi
NAB="$(CDPATH= cd -- "$1" >/dev/null && pwd)"
M4="$2"
mkdir -p -- "$3"
OUT="$(CDPATH= cd -- "$3" >/dev/null && pwd)"
HERE="$(CDPATH= cd -- "$(dirname "$0")/.." >/dev/null && pwd)"
JAR="$HERE/tools/target/streamcast.jar"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
[ -f "$JAR" ] || { echo "$JAR is missing: build it with bin/streamcast or mvn -B -q package -pl tools -am -DskipTests" >&2; exit 1; }
[ -f "$NAB/labels_windows.json" ] || { echo "$NAB has no labels_windows.json: is it the NAB dev folder?" >&2; exit 1; }
[ -f "$M4" ] || { echo "$M4 does not exist: give M4's Hourly-train.csv" >&2; exit 1; }
run() { "$JAVA" -Xmx4g --add-modules jdk.incubator.vector -jar "$JAR" "$@"; }

find "$OUT" -mindepth 1 -delete
touch "$OUT/.nab-twofold"
mkdir -p "$OUT/shared"
run sample --out "$OUT/shared/sample" > "$OUT/sample.log"
python3 "$HERE/scripts/m4_hourly_to_csv.py" --input "$M4" --keep-all --out "$OUT/shared/m4-hourly" > /dev/null
for fold in A B; do
  mkdir -p "$OUT/$fold/train/sample" "$OUT/$fold/train/nab-dev" "$OUT/$fold/test"
  cp "$OUT/shared/sample/series.csv" "$OUT/$fold/train/sample/"
  cp -r "$OUT/shared/m4-hourly" "$OUT/$fold/train/"
  cp "$NAB/LICENSE.txt" "$OUT/$fold/train/nab-dev/"
  cp "$NAB/LICENSE.txt" "$OUT/$fold/test/"
done
i=0
while IFS= read -r s; do
  if [ $((i % 2)) -eq 0 ]; then train=B; test=A; else train=A; test=B; fi
  d="$(dirname "$s")"
  mkdir -p "$OUT/$train/train/nab-dev/$d" "$OUT/$test/test/$d"
  cp "$NAB/$s" "$OUT/$train/train/nab-dev/$d/"
  cp "$NAB/$s" "$OUT/$test/test/$d/"
  i=$((i + 1))
done < <(cd "$NAB" && find . -mindepth 2 -name '*.csv' | sed 's|^\./||' | LC_ALL=C sort)
if [ "$i" -lt 2 ]; then
  echo "$NAB holds $i series in its category folders: give the NAB dev folder (34 series)" >&2
  exit 1
fi
echo "$i series, $(find "$OUT/A/test" -name '*.csv' | wc -l) in fold A's test, $(find "$OUT/B/test" -name '*.csv' | wc -l) in B's"

mkdir -p "$OUT/merged"
for fold in A B; do
  run train --input "$OUT/$fold/train" --out "$OUT/$fold/model.scm" --model-version "nab-fold-$fold" \
      --loss mae --lr 2e-3 --epochs 20 --patience 4 --stop-on mse --no-progress > "$OUT/$fold/train.log" 2>&1 \
      || { echo "fold $fold: training failed, see $OUT/$fold/train.log" >&2; exit 1; }
  grep '^kept epoch' "$OUT/$fold/train.log" | sed "s/^/fold $fold: /" || true
  run evaluate --data "$OUT/$fold/test" --labels "$NAB/labels_windows.json" --out "$OUT/$fold/eval" \
      --model "$OUT/$fold/model.scm" --threshold 0.5 > "$OUT/$fold/evaluate.log" 2>&1 \
      || { echo "fold $fold: evaluate failed, see $OUT/$fold/evaluate.log" >&2; exit 1; }
  (cd "$OUT/$fold/eval" && find . -mindepth 2 -name '*.csv' -exec cp --parents -t "$OUT/merged" {} +)
done
echo "$(find "$OUT/merged" -name '*.csv' | wc -l) series forecast and scored out of sample in $OUT/merged"
