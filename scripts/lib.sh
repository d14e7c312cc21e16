# Common settings and helpers of the cluster scripts; sourced, not run.
# Everything lives under $STREAMCAST_CLUSTER_DIR (default: target/cluster in the repository).

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLUSTER_DIR="${STREAMCAST_CLUSTER_DIR:-$REPO_DIR/target/cluster}"
mkdir -p "$CLUSTER_DIR"
CLUSTER_DIR="$(cd "$CLUSTER_DIR" && pwd)"
PID_DIR="$CLUSTER_DIR/pids"
LOG_DIR="$CLUSTER_DIR/logs"
mkdir -p "$PID_DIR" "$LOG_DIR"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
MVN="${MVN:-mvn}"
MVN_OPTS="${STREAMCAST_MVN_OPTS:--B -q}"

KAFKA_PORT="${STREAMCAST_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${STREAMCAST_KAFKA_CONTROLLER_PORT:-9093}"
FLINK_REST_PORT="${STREAMCAST_FLINK_REST_PORT:-8081}"
FLINK_RPC_PORT="${STREAMCAST_FLINK_RPC_PORT:-6123}"
FLINK_SLOTS="${STREAMCAST_FLINK_SLOTS:-2}"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

# The JVM flags Flink's distribution passes on Java 17, and the Vector API module for the vector kernel.
JAVA_OPENS="--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED \
--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
--add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED \
--add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED --add-modules jdk.incubator.vector"

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
die() { echo "error: $*" >&2; exit 1; }

# classpath NAME: the class path of scripts/classpath/NAME/pom.xml, resolved by Maven once and cached.
classpath() {
  local name="$1" file="$CLUSTER_DIR/$1.classpath"
  if [[ -s "$file" ]]; then
    local ok=1 jar
    IFS=':' read -r -a jars < "$file"
    for jar in "${jars[@]}"; do [[ -f "$jar" ]] || { ok=0; break; }; done
    if [[ $ok == 1 ]]; then cat "$file"; return; fi
  fi
  # shellcheck disable=SC2086
  "$MVN" $MVN_OPTS -f "$REPO_DIR/scripts/classpath/$name/pom.xml" dependency:build-classpath \
      -Dmdep.outputFile="$file" >&2 || die "cannot resolve the $name class path (mvn dependency:build-classpath)"
  cat "$file"
}

pid_file() { echo "$PID_DIR/$1.pid"; }

# prune_oldest DIR KEEP: deletes the files directly in DIR but the KEEP most recently modified (RocksDB's LOG files:
# each RocksDB instance, one per stateful subtask and run, writes files of its own that outlive it).
prune_oldest() {
  local dir="$1" keep="$2"
  [[ -d "$dir" ]] || return 0
  [[ "$keep" =~ ^[0-9]+$ ]] || die "the number of files to keep in $dir must be a whole number, got '$keep'"
  find "$dir" -maxdepth 1 -type f -printf '%T@ %p\n' | sort -rn | tail -n +"$((keep + 1))" | cut -d' ' -f2- \
    | while IFS= read -r f; do rm -f -- "$f"; done
}

# running NAME: true when NAME's PID file names a live process.
running() {
  local f; f="$(pid_file "$1")"
  [[ -f "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null
}

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND every half second; fails after SECONDS.
wait_until() {
  local limit="$1" what="$2"; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "error: timed out after ${limit}s waiting for $what" >&2
      return 1
    fi
    sleep 0.5
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# stop_process NAME [GRACE_SECONDS]: SIGTERM, then SIGKILL after the grace period; removes the PID file.
stop_process() {
  local name="$1" grace="${2:-30}" f pid
  f="$(pid_file "$name")"
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + grace))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name did not stop in ${grace}s: kill -9 $pid"
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$f"
}
