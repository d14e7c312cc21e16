#!/usr/bin/env bash
# Creates the job's topics on the broker at $STREAMCAST_BOOTSTRAP (default 127.0.0.1:$STREAMCAST_KAFKA_PORT):
# events, forecasts and anomalies with 2 partitions; events-dlq, models and model-errors with 1.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SERVERS="${STREAMCAST_BOOTSTRAP:-$BOOTSTRAP}"
CP="$(classpath kafka)"
create() {
  "$JAVA" -Dlog4j2.configurationFile="$CLUSTER_DIR/kafka/log4j2.properties" -cp "$CP" org.apache.kafka.tools.TopicCommand \
      --bootstrap-server "$SERVERS" --create --if-not-exists --topic "$1" --partitions "$2" --replication-factor 1
}
create events 2
create forecasts 2
create anomalies 2
create events-dlq 1
create models 1
create model-errors 1
