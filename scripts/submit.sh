#!/usr/bin/env bash
# Submits the forecast job to the cluster of start-flink.sh with Flink's CLI, detached:
#   scripts/submit.sh [-s SAVEPOINT] [-p PARALLELISM] [job options...]
# e.g. scripts/submit.sh -D streamcast.checkpoint-interval=5s
#      scripts/submit.sh -s file:///…/savepoints/savepoint-1a2b3c-…
# Job options are ForecastJobMain's (--model, --job-name, -D key=value, ...); --bootstrap-servers defaults to the
# broker of start-kafka.sh ($STREAMCAST_BOOTSTRAP overrides). The jar is $STREAMCAST_JOB_JAR
# (default job/target/streamcast-cluster.jar). Prints the CLI's output, including the JobID.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
JAR="${STREAMCAST_JOB_JAR:-$REPO_DIR/job/target/streamcast-cluster.jar}"
[[ -f "$JAR" ]] || die "no $JAR: build it with 'mvn -pl job -am package -DskipTests'"
RUN_OPTS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -s|--fromSavepoint) RUN_OPTS+=(-s "$2"); shift 2 ;;
    -p|--parallelism) RUN_OPTS+=(-p "$2"); shift 2 ;;
    *) break ;;
  esac
done
HAS_SERVERS=0
for a in "$@"; do [[ "$a" == --bootstrap-servers* ]] && HAS_SERVERS=1; done
JOB_ARGS=("$@")
[[ $HAS_SERVERS == 1 ]] || JOB_ARGS=(--bootstrap-servers "${STREAMCAST_BOOTSTRAP:-$BOOTSTRAP}" "${JOB_ARGS[@]}")
exec "$(dirname "$0")/flink.sh" run -d "${RUN_OPTS[@]}" -c io.streamcast.jobs.ForecastJobMain "$JAR" "${JOB_ARGS[@]}"
