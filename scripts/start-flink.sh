#!/usr/bin/env bash
# Starts a standalone Flink 2.2.1 session cluster bound to 127.0.0.1 without flink-dist: a JobManager and a
# TaskManager, each its own JVM, from jars resolved from Maven Central (scripts/classpath/flink/pom.xml),
# JVM sizes computed by Flink's BashJavaUtils as its bin/ scripts do.
#   start-flink.sh [all|jobmanager|taskmanager]     (all by default; 'taskmanager' adds one more TaskManager to a
#   running cluster every time, e.g. to add slots or to replace a lost one; 'all' starts one only if none runs)
#   STREAMCAST_FLINK_REST_PORT (8081), STREAMCAST_FLINK_RPC_PORT (6123), STREAMCAST_FLINK_SLOTS (2),
#   STREAMCAST_STATE_BACKEND (rocksdb), STREAMCAST_ROCKSDB_LOG_FILES (60: RocksDB LOG files kept in logs/rocksdb),
#   STREAMCAST_FLINK_SQL (false; true adds what a distribution's lib/ has for SQL jobs and the Kafka SQL connector,
#   scripts/classpath/flink-sql: for scripts/sql-client.sh)
# Configuration in $STREAMCAST_CLUSTER_DIR/flink/conf/config.yaml; checkpoints and savepoints under
# $STREAMCAST_CLUSTER_DIR/{checkpoints,savepoints}; checkpoints are retained when a job is cancelled or the cluster
# stops (resume with scripts/submit.sh -s "$(scripts/latest-checkpoint.sh)"); logs in $STREAMCAST_CLUSTER_DIR/logs
# (rolled at 20 MB, 5 kept per process; RocksDB's own LOG files in logs/rocksdb, at most 10 MB x 3 per RocksDB instance,
# the newest 60 kept when a TaskManager starts); web UI on the REST port.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
WHAT="${1:-all}"
CP="$(classpath flink)"
if [[ "${STREAMCAST_FLINK_SQL:-false}" == true ]]; then
  CP="$CP:$(classpath flink-sql)"
fi
CONF="$CLUSTER_DIR/flink/conf"
mkdir -p "$CONF" "$CLUSTER_DIR/checkpoints" "$CLUSTER_DIR/savepoints" "$LOG_DIR/rocksdb"

write_config() {
  cat > "$CONF/config.yaml" <<YAML
# Written by scripts/start-flink.sh: a one-machine session cluster bound to 127.0.0.1.
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: $FLINK_RPC_PORT
jobmanager.bind-host: 127.0.0.1
jobmanager.memory.process.size: 1024m
taskmanager.host: 127.0.0.1
taskmanager.bind-host: 127.0.0.1
taskmanager.numberOfTaskSlots: $FLINK_SLOTS
taskmanager.memory.process.size: 1728m
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $FLINK_REST_PORT
parallelism.default: 2
state.backend.type: ${STREAMCAST_STATE_BACKEND:-rocksdb}
execution.checkpointing.dir: file://$CLUSTER_DIR/checkpoints
execution.checkpointing.savepoint-dir: file://$CLUSTER_DIR/savepoints
# keep the latest checkpoints when a job is cancelled or the cluster is stopped (the job is then suspended): with no
# HA services a stopped cluster forgets its jobs, and a retained checkpoint is the only way back to their state
execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION
execution.checkpointing.num-retained: 2
state.backend.rocksdb.log.dir: $LOG_DIR/rocksdb
state.backend.rocksdb.log.max-file-size: 10mb
state.backend.rocksdb.log.file-num: 3
restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: 1000
restart-strategy.fixed-delay.delay: 1 s
heartbeat.interval: 1000
heartbeat.timeout: 8000
pipeline.generic-types: false
env.java.opts.all: $JAVA_OPENS
YAML
  cat > "$CONF/log4j.properties" <<'PROPS'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = RollingFile
appender.main.append = true
appender.main.fileName = ${sys:log.file}
appender.main.filePattern = ${sys:log.file}.%i
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
appender.main.policies.type = Policies
appender.main.policies.size.type = SizeBasedTriggeringPolicy
appender.main.policies.size.size = 20MB
appender.main.strategy.type = DefaultRolloverStrategy
appender.main.strategy.max = 5
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
# the transactional producers' ids and epochs
logger.kafkatxn.name = org.apache.kafka.clients.producer.internals.TransactionManager
logger.kafkatxn.level = INFO
# each commit and abort of the Kafka sinks (DEBUG) is off by default: thousands of lines an hour. To diagnose a
# stall of read_committed readers set it to DEBUG here and restart the TaskManagers.
logger.kafkasink.name = org.apache.flink.connector.kafka.sink
logger.kafkasink.level = INFO
# Flink's WARN "Name collision: Group already contains a Metric with the name 'pendingCommittables'" repeats for the
# Kafka sinks' committers (3,008 lines in 13 minutes in issue 12) and says only that a second gauge was not registered
logger.metricgroup.name = org.apache.flink.metrics.MetricGroup
logger.metricgroup.level = ERROR
PROPS
  cp "$CONF/log4j.properties" "$CONF/log4j-cli.properties"
}

# bash_java_utils COMMAND: Flink's computed JVM arguments (line 1) and dynamic properties (line 2).
bash_java_utils() {
  "$JAVA" -cp "$CP" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$CONF" 2>/dev/null \
      | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

rest() { curl -sf "http://127.0.0.1:$FLINK_REST_PORT$1"; }

start_jobmanager() {
  if running jobmanager; then log "JobManager already running (pid $(cat "$(pid_file jobmanager)"))"; return; fi
  write_config
  port_open "$FLINK_REST_PORT" && die "port $FLINK_REST_PORT is in use: set STREAMCAST_FLINK_REST_PORT"
  local params jvm dyn
  params="$(bash_java_utils GET_JM_RESOURCE_PARAMS)"
  jvm="$(sed -n 1p <<< "$params")"; dyn="$(sed -n 2p <<< "$params")"
  [[ -n "$jvm" ]] || die "BashJavaUtils computed no JobManager JVM parameters (check $CONF/config.yaml)"
  log "starting JobManager (REST on 127.0.0.1:$FLINK_REST_PORT)"
  # shellcheck disable=SC2086
  nohup "$JAVA" $jvm $JAVA_OPENS -Dlog.file="$LOG_DIR/jobmanager.log" \
      -Dlog4j.configurationFile="file:$CONF/log4j.properties" -cp "$CP" \
      org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$CONF" \
      --executionMode cluster $dyn > "$LOG_DIR/jobmanager.out" 2>&1 < /dev/null &
  echo $! > "$(pid_file jobmanager)"
  if ! wait_until "${STREAMCAST_FLINK_START_TIMEOUT:-90}" "the JobManager's REST API" rest /overview; then
    tail -20 "$LOG_DIR/jobmanager.out" "$LOG_DIR/jobmanager.log" >&2 || true
    stop_process jobmanager 5
    exit 1
  fi
  log "JobManager up (pid $(cat "$(pid_file jobmanager)")): http://127.0.0.1:$FLINK_REST_PORT"
}

# taskmanager_running: true when a TaskManager started by this script is alive.
taskmanager_running() {
  local f
  for f in "$PID_DIR"/taskmanager-*.pid; do
    [[ -e "$f" ]] && running "$(basename "$f" .pid)" && return 0
  done
  return 1
}

# start_taskmanager ADD: starts TaskManager number N (PID file pids/taskmanager-N.pid, log logs/taskmanager-N.log);
# unless ADD is 1, only when none runs.
start_taskmanager() {
  local add="${1:-0}"
  running jobmanager || die "no JobManager running: start-flink.sh all"
  if [[ $add != 1 ]] && taskmanager_running; then log "a TaskManager is already running: start-flink.sh taskmanager adds one"; return; fi
  local params jvm dyn n
  params="$(bash_java_utils GET_TM_RESOURCE_PARAMS)"
  jvm="$(sed -n 1p <<< "$params")"; dyn="$(sed -n 2p <<< "$params")"
  [[ -n "$jvm" ]] || die "BashJavaUtils computed no TaskManager JVM parameters (check $CONF/config.yaml)"
  n="$(find "$LOG_DIR" -maxdepth 1 -name 'taskmanager-*.out' | wc -l)"; n=$((n + 1))
  # RocksDB's LOG files of ended runs: the newest STREAMCAST_ROCKSDB_LOG_FILES (60: at most 600 MB) are kept
  prune_oldest "$LOG_DIR/rocksdb" "${STREAMCAST_ROCKSDB_LOG_FILES:-60}"
  log "starting TaskManager $n ($FLINK_SLOTS slots)"
  # shellcheck disable=SC2086
  nohup "$JAVA" $jvm $JAVA_OPENS -Dlog.file="$LOG_DIR/taskmanager-$n.log" \
      -Dlog4j.configurationFile="file:$CONF/log4j.properties" -cp "$CP" \
      org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$CONF" $dyn \
      > "$LOG_DIR/taskmanager-$n.out" 2>&1 < /dev/null &
  echo $! > "$(pid_file "taskmanager-$n")"
  # the TaskManager's own log says when it has registered (the REST count may still include a lost TaskManager)
  if ! wait_until "${STREAMCAST_FLINK_START_TIMEOUT:-90}" "the TaskManager to register" \
      grep -q "Successful registration at resource manager" "$LOG_DIR/taskmanager-$n.log"; then
    tail -20 "$LOG_DIR/taskmanager-$n.out" "$LOG_DIR/taskmanager-$n.log" >&2 || true
    stop_process "taskmanager-$n" 5
    exit 1
  fi
  log "TaskManager $n up (pid $(cat "$(pid_file "taskmanager-$n")"))"
}

case "$WHAT" in
  all) start_jobmanager; start_taskmanager 0 ;;
  jobmanager) start_jobmanager ;;
  taskmanager) start_taskmanager 1 ;;
  *) die "usage: start-flink.sh [all|jobmanager|taskmanager]" ;;
esac
