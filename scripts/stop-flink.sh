#!/usr/bin/env bash
# Stops the TaskManagers and the JobManager started by start-flink.sh (by their PID files). Running jobs are not
# savepointed: stop them first with scripts/flink.sh stop --savepointPath DIR JOB_ID. A job running when the cluster
# stops is suspended and forgotten (no HA services), but its latest checkpoints are retained: resume it after
# start-flink.sh with scripts/submit.sh -s "$(scripts/latest-checkpoint.sh)" (docs/deploy.md, "After a full cluster
# stop"). Never resubmit it without -s: it would read its topics from the start again.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
for f in "$PID_DIR"/taskmanager*.pid; do
  [[ -e "$f" ]] && stop_process "$(basename "$f" .pid)" "${STREAMCAST_STOP_TIMEOUT:-30}"
done
stop_process jobmanager "${STREAMCAST_STOP_TIMEOUT:-30}"
