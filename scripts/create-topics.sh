#!/usr/bin/env bash
# Creates the job's topics on the broker at $STREAMCAST_BOOTSTRAP (default 127.0.0.1:$STREAMCAST_KAFKA_PORT):
# events, forecasts and anomalies with 2 partitions; events-dlq, models and model-errors with 1.
# The job's output topics and the models topic take the broker's append time as the record timestamp: the sinks
# (the learner's announcements on models too) would otherwise stamp
# each record with its event time, and the broker's time-based retention (log.retention.hours, 7 days by default)
# deletes a segment as soon as its newest timestamp is older than that, i.e. at once for a replayed or back-dated
# stream, committed forecasts included. The event time stays in each record's "ts" field.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SERVERS="${STREAMCAST_BOOTSTRAP:-$BOOTSTRAP}"
CP="$(classpath kafka)"
create() {
  "$JAVA" -Dlog4j2.configurationFile="$CLUSTER_DIR/kafka/log4j2.properties" -cp "$CP" org.apache.kafka.tools.TopicCommand \
      --bootstrap-server "$SERVERS" --create --if-not-exists --topic "$1" --partitions "$2" --replication-factor 1 "${@:3}"
}
APPEND_TIME=(--config message.timestamp.type=LogAppendTime)
create events 2
create forecasts 2 "${APPEND_TIME[@]}"
create anomalies 2 "${APPEND_TIME[@]}"
create events-dlq 1 "${APPEND_TIME[@]}"
create models 1 "${APPEND_TIME[@]}"
create model-errors 1 "${APPEND_TIME[@]}"
