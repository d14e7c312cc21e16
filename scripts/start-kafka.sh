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

PORT_HINT="set STREAMCAST_KAFKA_PORT (now $KAFKA_PORT) and STREAMCAST_KAFKA_CONTROLLER_PORT (now $KAFKA_CONTROLLER_PORT) to free ports"
port_open "$KAFKA_PORT" && die "port $KAFKA_PORT (the broker's listener) is in use: set STREAMCAST_KAFKA_PORT to a free port"
port_open "$KAFKA_CONTROLLER_PORT" \
  && die "port $KAFKA_CONTROLLER_PORT (the KRaft controller's listener) is in use: set STREAMCAST_KAFKA_CONTROLLER_PORT to a free port"
# Kafka's own messages (a port it cannot bind, a bad log directory) go to kafka.log through log4j2.properties above;
# kafka.out only gets what the JVM itself prints. Only what this start appends to kafka.log is shown.
KLOG="$LOG_DIR/kafka.log"
klog_from=$(($(stat -c %s "$KLOG" 2>/dev/null || echo 0) + 1))
log "starting Kafka on $BOOTSTRAP (controller 127.0.0.1:$KAFKA_CONTROLLER_PORT)"
nohup "$JAVA" -Xmx"${STREAMCAST_KAFKA_HEAP:-1g}" -Dlog4j2.configurationFile="$KDIR/log4j2.properties" \
    -cp "$CP" kafka.Kafka "$KDIR/server.properties" > "$LOG_DIR/kafka.out" 2>&1 < /dev/null &
echo $! > "$(pid_file kafka)"

# kafka_failure: the cause of a failed start, from what this start wrote: the first ERROR line of kafka.log
# (e.g. "Socket server failed to bind to 127.0.0.1:9093: Address already in use"), else the last lines of both files.
kafka_failure() {
  local new cause
  new="$(tail -c +"$klog_from" "$KLOG" 2>/dev/null || true)"
  cause="$(grep -m1 -E '\] (ERROR|FATAL) ' <<<"$new" || true)"
  if [[ -n "$cause" ]]; then
    echo "  $cause"
    # the exception's own message, the line after the ERROR line (the stack trace is in the log)
    grep -m1 -A1 -F -- "$cause" <<<"$new" | sed -n '2{/^[[:alnum:]_.$]*\(Exception\|Error\): /s/^/  /p}'
    local bound
    bound="$(grep -m1 -oE 'failed to bind to [0-9.]+:[0-9]+' <<<"$new" | grep -oE '[0-9]+$' || true)"
    if [[ "$bound" == "$KAFKA_CONTROLLER_PORT" ]]; then
      echo "  port $bound is the KRaft controller's listener: set STREAMCAST_KAFKA_CONTROLLER_PORT to a free port"
    elif [[ "$bound" == "$KAFKA_PORT" ]]; then
      echo "  port $bound is the broker's listener: set STREAMCAST_KAFKA_PORT to a free port"
    elif grep -q 'Address already in use' <<<"$new"; then
      echo "  a port is in use: $PORT_HINT"
    fi
  else
    [[ -n "$new" ]] && tail -20 <<<"$new" | sed 's/^/  /'
    tail -20 "$LOG_DIR/kafka.out" 2>/dev/null | sed 's/^/  /'
  fi
  echo "  full logs: $KLOG and $LOG_DIR/kafka.out"
}

# Waits for the broker's port, and stops waiting as soon as the process is gone (a bind error kills it at once).
deadline=$((SECONDS + ${STREAMCAST_KAFKA_START_TIMEOUT:-60}))
until port_open "$KAFKA_PORT"; do
  if ! running kafka; then
    sleep 0.5   # let log4j flush the last lines
    { echo "error: Kafka exited while starting on $BOOTSTRAP:"; kafka_failure; } >&2
    rm -f "$(pid_file kafka)"
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    { echo "error: timed out after ${STREAMCAST_KAFKA_START_TIMEOUT:-60}s waiting for Kafka on $BOOTSTRAP" \
        "(STREAMCAST_KAFKA_START_TIMEOUT); the process is still running:"; kafka_failure
      echo "  if a port is in use: $PORT_HINT"; } >&2
    stop_process kafka 5
    exit 1
  fi
  sleep 0.5
done
log "Kafka up on $BOOTSTRAP (pid $(cat "$(pid_file kafka)"))"
