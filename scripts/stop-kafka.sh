#!/usr/bin/env bash
# Stops the broker started by start-kafka.sh (by its PID file). Data stay under $STREAMCAST_CLUSTER_DIR/kafka.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
stop_process kafka "${STREAMCAST_STOP_TIMEOUT:-30}"
