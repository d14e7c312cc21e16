#!/usr/bin/env bash
# Prints the newest complete retained checkpoint under $STREAMCAST_CLUSTER_DIR/checkpoints (a chk-N directory with its
# _metadata) as a file:// URI for scripts/submit.sh -s, e.g. after stop-flink.sh and start-flink.sh:
#   scripts/submit.sh -s "$(scripts/latest-checkpoint.sh)"            # the newest of any job
#   scripts/submit.sh -s "$(scripts/latest-checkpoint.sh JOB_ID)"     # the newest of that job
# Fails when there is none.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROOT="$CLUSTER_DIR/checkpoints${1:+/$1}"
[[ -d "$ROOT" ]] || die "no checkpoint directory $ROOT"
best="$(find "$ROOT" -path '*/chk-*/_metadata' -type f -printf '%T@ %h\n' 2>/dev/null | sort -n | tail -1 | cut -d' ' -f2-)"
[[ -n "$best" ]] || die "no retained checkpoint (chk-N/_metadata) under $ROOT"
echo "file://$best"
