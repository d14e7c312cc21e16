#!/usr/bin/env bash
# Stops the TaskManager and JobManager started by start-flink.sh (by their PID files). Running jobs are not
# savepointed: stop them first with scripts/flink.sh stop --savepointPath DIR JOB_ID.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
stop_process taskmanager "${STREAMCAST_STOP_TIMEOUT:-30}"
stop_process jobmanager "${STREAMCAST_STOP_TIMEOUT:-30}"
