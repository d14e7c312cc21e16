#!/usr/bin/env bash
# Starts a standalone Kafka broker (KRaft: broker and controller in one JVM) bound to 127.0.0.1, in its own JVM,
# from jars resolved from Maven Central. Data, logs and the PID file under $STREAMCAST_CLUSTER_DIR.
#   STREAMCAST_KAFKA_PORT (9092), STREAMCAST_KAFKA_CONTROLLER_PORT (9093), STREAMCAST_KAFKA_HEAP (1g)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if running kafka; then log "Kafka already running (pid $(cat "$(pid_file kafka)")) on $BOOTSTRAP"; exit 0; fi
CP="$(classpath kafka)"
KDIR="$CLUSTER_DIR/kafka"
mkdir -p "$KDIR"
cat > "$KDIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
log.dirs=$KDIR/data
num.partitions=2
# Topics are created before a job is submitted (scripts/create-topics.sh), never by a client's first write:
# a producer writing into a partition the broker is still creating can have its first request refused and a
# later one accepted, after which every retry fails with OutOfOrderSequenceException (KAFKA-15591, fixed in
# Kafka 4.5). A missing topic is then an error that names it, not a race.
auto.create.topics.enable=false
# One partition each for the group and transaction coordinators' internal topics: on one broker the default 50
# partitions only delay the first consumer group and the first initTransactions of a fresh broker.
offsets.topic.num.partitions=1
transaction.state.log.num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
cat > "$KDIR/log4j2.properties" <<PROPS
appender.file.type=File
appender.file.name=file
appender.file.fileName=$LOG_DIR/kafka.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file
logger.kafka.name=kafka
logger.kafka.level=WARN
logger.apache.name=org.apache.kafka
logger.apache.level=WARN
logger.started.name=kafka.server.KafkaRaftServer
logger.started.level=INFO
# the transaction coordinator: producer id/epoch changes, commits and aborts (also of timed-out transactions)
logger.txn.name=kafka.coordinator.transaction
logger.txn.level=INFO
logger.txn2.name=org.apache.kafka.coordinator.transaction
logger.txn2.level=INFO
PROPS

if [[ ! -f "$KDIR/data/meta.properties" ]]; then
  CLUSTER_ID="$("$JAVA" -cp "$CP" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
  log "formatting $KDIR/data (cluster id $CLUSTER_ID)"
  "$JAVA" -Dlog4j2.configurationFile="$KDIR/log4j2.properties" -cp "$CP" kafka.tools.StorageTool format --standalone \
      -t "$CLUSTER_ID" -c "$KDIR/server.properties" >> "$LOG_DIR/kafka-format.log" 2>&1 \
      || die "formatting the Kafka log directory failed: see $LOG_DIR/kafka-format.log"
fi

port_open "$KAFKA_PORT" && die "port $KAFKA_PORT is in use: set STREAMCAST_KAFKA_PORT"
log "starting Kafka on $BOOTSTRAP"
nohup "$JAVA" -Xmx"${STREAMCAST_KAFKA_HEAP:-1g}" -Dlog4j2.configurationFile="$KDIR/log4j2.properties" \
    -cp "$CP" kafka.Kafka "$KDIR/server.properties" > "$LOG_DIR/kafka.out" 2>&1 < /dev/null &
echo $! > "$(pid_file kafka)"
if ! wait_until "${STREAMCAST_KAFKA_START_TIMEOUT:-60}" "Kafka on $BOOTSTRAP" port_open "$KAFKA_PORT"; then
  tail -20 "$LOG_DIR/kafka.out" >&2 || true
  stop_process kafka 5
  exit 1
fi
running kafka || die "Kafka exited: see $LOG_DIR/kafka.out"
log "Kafka up on $BOOTSTRAP (pid $(cat "$(pid_file kafka)"))"
