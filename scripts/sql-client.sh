#!/usr/bin/env bash
# Flink's own SQL client (org.apache.flink.table.client.SqlClient, embedded mode) against the cluster of
# start-flink.sh, which must have been started with STREAMCAST_FLINK_SQL=true (the table runtime and the Kafka SQL
# connector on its class path, as in a distribution's lib/):
#   scripts/sql-client.sh -f sql/src/main/sql/forecast-kafka.sql          (runs the script's statements and returns)
#   scripts/sql-client.sh                                                 (interactive)
# Every argument goes to the SQL client. Its class path: scripts/classpath/flink, flink-sql and sql-client (the
# 2.2.0 client with the 2.2.1 gateway, planner and runtime; see that pom). The client submits to the cluster named
# in $STREAMCAST_CLUSTER_DIR/flink/conf/config.yaml; its log goes to logs/sql-client.log.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
CP="$(classpath flink):$(classpath flink-sql):$(classpath sql-client)"
CONF="$CLUSTER_DIR/flink/conf"
[[ -f "$CONF/config.yaml" ]] || die "no $CONF/config.yaml: start the cluster with STREAMCAST_FLINK_SQL=true scripts/start-flink.sh"
# shellcheck disable=SC2086
FLINK_CONF_DIR="$CONF" exec "$JAVA" $JAVA_OPENS -Dlog.file="$LOG_DIR/sql-client.log" \
    -Dlog4j.configurationFile="file:$CONF/log4j-cli.properties" -cp "$CP" \
    org.apache.flink.table.client.SqlClient "$@"
