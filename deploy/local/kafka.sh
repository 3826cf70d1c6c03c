#!/usr/bin/env bash
# Local Apache Kafka (KRaft, one combined broker+controller) without Docker.
#
#   deploy/local/kafka.sh start|stop|status|wait
#
# Environment (all optional):
#   KAFKA_PORT        broker port on 127.0.0.1            (default 9092)
#   KAFKA_CTRL_PORT   controller port                     (default KAFKA_PORT+1)
#   KAFKA_DATA_DIR    log dirs, pid and server log         (default <repo>/.run/kafka-$KAFKA_PORT)
#   KAFKA_HEAP        JVM heap                             (default 384m)
#   BINRELAY_CACHE    where the jars are cached           (default ~/.cache/binrelay)
#
# The jars come from Maven Central once (deploy/local/kafka/pom.xml, maven-dependency-plugin's
# copy-dependencies); later starts use the cache and need no network.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/kafka/pom.xml")
CACHE=${BINRELAY_CACHE:-$HOME/.cache/binrelay}
LIBS="$CACHE/kafka-$KAFKA_VERSION/libs"
PORT=${KAFKA_PORT:-9092}
CTRL_PORT=${KAFKA_CTRL_PORT:-$((PORT + 1))}
DATA=${KAFKA_DATA_DIR:-$repo/.run/kafka-$PORT}
HEAP=${KAFKA_HEAP:-384m}
PIDFILE="$DATA/kafka.pid"

log() { echo "kafka: $*" >&2; }

fetch() {
  if [ -f "$LIBS/.complete" ]; then return; fi
  command -v java >/dev/null || { log "java not found: install a JDK 17 (apt-get install openjdk-17-jre-headless)"; exit 1; }
  command -v mvn >/dev/null || { log "mvn not found: install Maven (apt-get install maven)"; exit 1; }
  log "fetching Apache Kafka $KAFKA_VERSION from Maven Central into $LIBS (once)"
  mkdir -p "$LIBS"
  mvn -q -B -f "$here/kafka/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$LIBS" -DincludeScope=runtime
  touch "$LIBS/.complete"
}

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

wait_ready() {
  # The port opens before the broker has registered with the controller; a metadata request
  # through the bundled admin tool is the honest readiness check, but it costs a JVM start.
  # Port + the "Kafka Server started" line is enough and takes no extra JVM.
  local deadline=$((SECONDS + ${1:-60}))
  while [ $SECONDS -lt $deadline ]; do
    if ! running; then log "broker exited; see $DATA/logs/server.log"; tail -20 "$DATA/logs/server.log" >&2 || true; return 1; fi
    if port_open && grep -q "Kafka Server started" "$DATA/logs/server.log" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  log "not ready after ${1:-60}s; see $DATA/logs/server.log"; return 1
}

start() {
  if running; then log "already running on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"; return; fi
  if port_open; then log "port $PORT is taken by another process: set KAFKA_PORT"; exit 1; fi
  fetch
  mkdir -p "$DATA/logs" "$DATA/data"
  cat > "$DATA/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CTRL_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CTRL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA/data
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=168
PROPS
  local cp="$LIBS/*"
  local jvm=(-Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:TieredStopAtLevel=1
             -Xss512k -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=128m
             -Djava.awt.headless=true -Dkafka.logs.dir="$DATA/logs"
             -Dlog4j2.configurationFile="$here/kafka/log4j2.properties")
  if [ ! -f "$DATA/data/meta.properties" ]; then
    java "${jvm[@]}" -cp "$cp" kafka.tools.StorageTool format \
      -t "$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null)" \
      -c "$DATA/server.properties" >"$DATA/logs/format.log" 2>&1 \
      || { log "storage format failed:"; cat "$DATA/logs/format.log" >&2; exit 1; }
  fi
  nohup java "${jvm[@]}" -cp "$cp" kafka.Kafka "$DATA/server.properties" \
      >"$DATA/logs/stdout.log" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  wait_ready 90
  log "ready on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"), data $DATA)"
}

stop() {
  if ! running; then rm -f "$PIDFILE"; return; fi
  local pid; pid=$(cat "$PIDFILE")
  kill "$pid"
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && { log "did not stop in 30s; killing"; kill -9 "$pid"; }
  rm -f "$PIDFILE"
  log "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"; else echo "stopped"; exit 1; fi ;;
  wait) wait_ready "${2:-60}" ;;
  fetch) fetch ;;
  *) echo "usage: $0 start|stop|status|wait|fetch" >&2; exit 2 ;;
esac
