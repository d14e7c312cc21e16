#!/usr/bin/env bash
# Flink's own command line (org.apache.flink.client.cli.CliFrontend) against the cluster of start-flink.sh:
#   scripts/flink.sh list
#   scripts/flink.sh stop --savepointPath file:///path/savepoints JOB_ID
#   scripts/flink.sh run -d -s SAVEPOINT -c io.streamcast.jobs.ForecastJobMain job/target/streamcast-cluster.jar ...
#   scripts/flink.sh cancel JOB_ID
set -euo pipefail
source "$(dirname "$0")/lib.sh"
CP="$(classpath flink)"
CONF="$CLUSTER_DIR/flink/conf"
[[ -f "$CONF/config.yaml" ]] || die "no $CONF/config.yaml: start the cluster with scripts/start-flink.sh"
# shellcheck disable=SC2086
FLINK_CONF_DIR="$CONF" exec "$JAVA" $JAVA_OPENS -Dlog.file="$LOG_DIR/client.log" \
    -Dlog4j.configurationFile="file:$CONF/log4j-cli.properties" -cp "$CP" \
    org.apache.flink.client.cli.CliFrontend "$@"
