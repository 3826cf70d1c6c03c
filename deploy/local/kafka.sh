#!/usr/bin/env bash
# Local Apache Kafka (KRaft, combined broker+controller nodes) without Docker, secure by default.
#
#   deploy/local/kafka.sh start|stop|status|wait|bootstrap|pid NODE|prepare|run NODE
#
# `start` runs every node as a daemon (the tests); `make up` runs `prepare` (TLS, configuration,
# storage formatted with the SCRAM credentials: the first-start steps), then each node in the
# foreground under its supervisor (`run N`, binrelay_devservers.stack), which restarts it when it
# exits; `stop` and `status` work on either (the pid file).
#
# One node by default; KAFKA_NODES=3 starts a replicated cluster: three combined
# broker+controller nodes (node ids 1..3, a controller quorum of 3 voters), each with its own ports,
# data dir, certificate and pid; the same security on every node (SASL_SSL client listeners,
# mutual-TLS controller listeners, one local CA, SCRAM credentials bootstrapped on every node's
# format). Internal topics (consumer offsets, transactions) get replication min(3, nodes) and
# min ISR min(2, nodes); the pipeline's topics get theirs from `ensure_topics` (binrelay_shared.kafka).
# `bootstrap` prints the client bootstrap list (127.0.0.1:p1,127.0.0.1:p2,...), for BINRELAY_KAFKA;
# `pid N` prints node N's pid (for fault injection: kill -9 the partition leader).
#
# Environment (all optional):
#   KAFKA_NODES         how many nodes                    (default 1)
#   KAFKA_PORT          broker port on 127.0.0.1          (default 9092; node i: KAFKA_PORT+2(i-1))
#   KAFKA_CTRL_PORT     controller port                   (default KAFKA_PORT+1; node i: its port+1)
#   KAFKA_PORTS, KAFKA_CTRL_PORTS  comma-separated ports, one per node (override the above; the
#                       tests use free ports)
#   KAFKA_DATA_DIR      log dirs, pid and server log       (default <repo>/.run/kafka-$KAFKA_PORT;
#                       several nodes: node i in <repo>/.run/kafka-cluster-$KAFKA_PORT/node-<i>,
#                       or $KAFKA_DATA_DIR/node-<i>)
#   KAFKA_HEAP          JVM heap                           (default 384m)
#   KAFKA_READY_SECONDS how long `start` waits for a node to be ready (default 90; the tests: more)
#   BINRELAY_SECRETS_DIR  passwords and the local CA      (default <repo>/.run/secrets)
#   KAFKA_TLS_SAN       extra subjectAltNames of the broker certificate, e.g. DNS:kafka.example
#   KAFKA_SECURITY      sasl_ssl (default) | plaintext — plaintext is ONLY for `make bench`'s
#                       security-off comparison: no authentication, no authorisation, anyone on
#                       the machine reads every report. Never for a stack with real data.
#   BINRELAY_CACHE      where the jars are cached         (default ~/.cache/binrelay)
#
# Security (DESIGN §6 "Trusted by default"; issue 14):
# * TLS: a local CA (<secrets>/tls/ca.key + ca.pem) is generated with openssl on first start, and
#   a broker certificate signed by it (<data>/tls/, SAN 127.0.0.1 and localhost), all 0600 in
#   0700 folders under .run/ (git-ignored). Clients check the broker against ca.pem
#   (BINRELAY_KAFKA_CA_FILE).
# * The client listener (CLIENT, 127.0.0.1:$KAFKA_PORT) is SASL_SSL with SCRAM-SHA-512 only.
# * Authorisation: KRaft's StandardAuthorizer, allow.everyone.if.no.acl.found=false — a
#   principal can do exactly what an ACL allows (binrelay_shared.acl, applied by `binrelay acl
#   apply`), nothing else. super.users: User:admin and User:broker (the node itself).
# * SCRAM credentials of admin and of every service principal are bootstrapped when the storage
#   is formatted (StorageTool --add-scram, KIP-900): passwords generated into
#   <secrets>/kafka/<principal>, handed to the StorageTool in a java @argfile (0600, removed at once), so no credential is ever
#   on a command line.
#   Later principals (police zones) are added with the admin API (`binrelay zones add`).
# * Inter-broker traffic goes over the CLIENT listener as admin with SCRAM (the password sits in
#   server.properties, 0600; Kafka prints it as [hidden]).
# * The CONTROLLER listener cannot use SCRAM (KRaft keeps SCRAM credentials in the metadata log
#   the controller serves), and a PLAINTEXT one would give whoever connects the principal
#   ANONYMOUS, which the node's own connections need as a super user: an open door. So it is SSL
#   with client certificates REQUIRED (mutual TLS), bound to 127.0.0.1: only a holder of a
#   certificate signed by the local CA — the broker itself, CN=broker -> User:broker — gets in.
# * No PLAINTEXT listener at all.
#
# The jars come from Maven Central once (deploy/local/kafka/pom.xml, maven-dependency-plugin's
# copy-dependencies); later starts use the cache and need no network.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/kafka/pom.xml")
CACHE=${BINRELAY_CACHE:-$HOME/.cache/binrelay}
LIBS="$CACHE/kafka-$KAFKA_VERSION/libs"
NODES=${KAFKA_NODES:-1}
BASE_PORT=${KAFKA_PORT:-9092}
RUN=${BINRELAY_RUN_DIR:-$repo/.run}
if [ "$NODES" -eq 1 ]; then ROOT=${KAFKA_DATA_DIR:-$RUN/kafka-$BASE_PORT}; else ROOT=${KAFKA_DATA_DIR:-$RUN/kafka-cluster-$BASE_PORT}; fi
HEAP=${KAFKA_HEAP:-384m}
IFS=, read -r -a PORTS <<<"${KAFKA_PORTS:-}"
IFS=, read -r -a CTRL_PORTS <<<"${KAFKA_CTRL_PORTS:-}"
for ((i = 0; i < NODES; i++)); do
  [ -n "${PORTS[i]:-}" ] || PORTS[i]=$((BASE_PORT + 2 * i))
  if [ -z "${CTRL_PORTS[i]:-}" ]; then
    if [ "$i" -eq 0 ] && [ -n "${KAFKA_CTRL_PORT:-}" ]; then CTRL_PORTS[i]=$KAFKA_CTRL_PORT; else CTRL_PORTS[i]=$((PORTS[i] + 1)); fi
  fi
done
VOTERS=""
for ((i = 0; i < NODES; i++)); do VOTERS+="${VOTERS:+,}$((i + 1))@127.0.0.1:${CTRL_PORTS[i]}"; done
REPLICAS=$((NODES < 3 ? NODES : 3))
MIN_ISR=$((NODES < 2 ? 1 : 2))
# Select node $1 (1-based): PORT, CTRL_PORT, DATA, PIDFILE and NODE_ID are that node's.
node() {
  NODE_ID=$1; PORT=${PORTS[$1 - 1]}; CTRL_PORT=${CTRL_PORTS[$1 - 1]}
  if [ "$NODES" -eq 1 ]; then DATA=$ROOT; else DATA=$ROOT/node-$1; fi
  PIDFILE="$DATA/kafka.pid"
}
node 1
SECRETS=${BINRELAY_SECRETS_DIR:-$repo/.run/secrets}
case "$SECRETS" in /*) ;; *) SECRETS="$repo/$SECRETS" ;; esac
SECURITY=${KAFKA_SECURITY:-sasl_ssl}
PY="$repo/.venv/bin/python"

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

# The local CA (kept) and the broker's certificate (re-issued when the CA changed).
tls() {
  local ca="$SECRETS/tls" own="$DATA/tls"
  mkdir -p "$ca" "$own"; chmod 700 "$SECRETS" "$ca" "$own"
  command -v openssl >/dev/null || { log "openssl not found: apt-get install openssl"; exit 1; }
  if [ ! -s "$ca/ca.pem" ] || [ ! -s "$ca/ca.key" ]; then
    log "generating the local CA in $ca (once)"
    (umask 077
     openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=BIN Relay local CA" \
       -keyout "$ca/ca.key" -out "$ca/ca.pem" 2>/dev/null)
  fi
  if [ -s "$own/keystore.pem" ] && openssl verify -CAfile "$ca/ca.pem" "$own/broker.pem" >/dev/null 2>&1; then
    return
  fi
  local san="IP:127.0.0.1,DNS:localhost${KAFKA_TLS_SAN:+,$KAFKA_TLS_SAN}"
  (umask 077
   openssl req -newkey rsa:2048 -nodes -subj "/CN=broker" -keyout "$own/broker.key" -out "$own/broker.csr" 2>/dev/null
   printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$san" >"$own/ext.cnf"
   openssl x509 -req -in "$own/broker.csr" -CA "$ca/ca.pem" -CAkey "$ca/ca.key" -CAcreateserial -days 825 \
     -extfile "$own/ext.cnf" -out "$own/broker.pem" 2>/dev/null
   openssl pkcs8 -topk8 -nocrypt -in "$own/broker.key" -out "$own/broker.p8"
   cat "$own/broker.p8" "$own/broker.pem" >"$own/keystore.pem"
   cp "$ca/ca.pem" "$own/truststore.pem"
   rm -f "$own/broker.csr" "$own/broker.key")
}

security_props() {
  if [ "$SECURITY" = plaintext ]; then
    cat <<PROPS
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CTRL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
PROPS
    return
  fi
  local admin_pw; admin_pw=$(head -1 "$SECRETS/kafka/admin")
  cat <<PROPS
listeners=CLIENT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CTRL_PORT
advertised.listeners=CLIENT://127.0.0.1:$PORT
listener.security.protocol.map=CLIENT:SASL_SSL,CONTROLLER:SSL
inter.broker.listener.name=CLIENT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin_pw";
ssl.keystore.type=PEM
ssl.keystore.location=$DATA/tls/keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$DATA/tls/truststore.pem
listener.name.controller.ssl.client.auth=required
ssl.principal.mapping.rules=RULE:^CN=([a-zA-Z0-9.-]+)\$/\$1/,DEFAULT
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin;User:broker
PROPS
}

# The node's first-start steps and its configuration: TLS, server.properties, the storage formatted
# with the SCRAM credentials (once). Idempotent; `start` and a supervised `run` need it done.
prepare() {
  fetch
  mkdir -p "$DATA/logs" "$DATA/data"; chmod 700 "$DATA"
  local scram=()
  if [ "$SECURITY" = plaintext ]; then
    log "WARNING: KAFKA_SECURITY=plaintext: no authentication, no authorisation (bench comparison only)"
  else
    [ -x "$PY" ] || { log "$PY not found: run make venv"; exit 1; }
    tls
    if [ ! -f "$DATA/data/meta.properties" ]; then
      # Generates the missing passwords (0600) and prints --add-scram arguments (salted).
      mapfile -t scram < <(umask 077; "$PY" -m binrelay_shared.kafka_security scram-args "$SECRETS")
      [ ${#scram[@]} -gt 0 ] || { log "could not prepare the SCRAM credentials"; exit 1; }
    elif [ ! -s "$SECRETS/kafka/admin" ]; then
      log "$DATA was formatted with an admin password that $SECRETS/kafka/admin no longer holds:"
      log "restore it, or remove $DATA to start afresh"; exit 1
    fi
  fi
  (umask 077; cat > "$DATA/server.properties" <<PROPS
process.roles=broker,controller
node.id=$NODE_ID
controller.quorum.voters=$VOTERS
controller.listener.names=CONTROLLER
$(security_props)
log.dirs=$DATA/data
num.partitions=3
offsets.topic.replication.factor=$REPLICAS
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=$REPLICAS
transaction.state.log.min.isr=$MIN_ISR
# A stage instance that died mid-transaction and is not restarted (a restarted one aborts it at
# once) holds read_committed readers until its transaction times out (30 s, transactions.py):
# look for timed-out transactions every second, not every 10 s.
transaction.abort.timed.out.transaction.cleanup.interval.ms=1000
share.coordinator.state.topic.replication.factor=$REPLICAS
share.coordinator.state.topic.min.isr=$MIN_ISR
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=168
PROPS
  )
  local cp="$LIBS/*"
  jvm_args
  local jvm=("${JVM[@]}")
  if [ ! -f "$DATA/data/meta.properties" ]; then
    # The arguments go through a java @argfile (0600, removed at once): the credentials stay off
    # every command line (/proc/<pid>/cmdline is readable by every local user).
    # One cluster id for every node of the cluster (kept in the data root).
    local uuid
    if [ -s "$ROOT/cluster.id" ]; then uuid=$(cat "$ROOT/cluster.id"); else
      uuid=$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null); echo "$uuid" >"$ROOT/cluster.id"; fi
    (umask 077
     { printf '%s\n' kafka.tools.StorageTool format -t "$uuid" -c "'$DATA/server.properties'"
       for a in "${scram[@]}"; do printf "'%s'\n" "$a"; done; } >"$DATA/format.args")
    java "${jvm[@]}" -cp "$cp" @"$DATA/format.args" >"$DATA/logs/format.log" 2>&1 \
      || { rm -f "$DATA/format.args"; log "storage format failed:"; cat "$DATA/logs/format.log" >&2; exit 1; }
    rm -f "$DATA/format.args"
  fi
}

jvm_args() {
  JVM=(-Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:TieredStopAtLevel=1
       -Xss512k -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=128m
       -Djava.awt.headless=true -Dkafka.logs.dir="$DATA/logs"
       -Dlog4j2.configurationFile="$here/kafka/log4j2.properties")
}

# A daemon of its own (the tests' brokers); `make up` runs the nodes under its supervisor instead.
start() {
  if running; then log "already running on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"; return; fi
  if port_open; then log "port $PORT is taken by another process: set KAFKA_PORT"; exit 1; fi
  prepare
  jvm_args
  nohup java "${JVM[@]}" -cp "$LIBS/*" kafka.Kafka "$DATA/server.properties" \
      >"$DATA/logs/stdout.log" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  STARTED+=("$NODE_ID")
}

# The node in the foreground, for a supervisor (binrelay_devservers.stack): `prepare` done before.
# The previous run's server log is kept as server.log.1, so `wait` reads this run's.
run() {
  if running && [ "$(cat "$PIDFILE")" != "$$" ]; then
    log "node $NODE_ID already runs outside the supervisor (pid $(cat "$PIDFILE")): make down, then make up"; exit 1
  fi
  [ -f "$DATA/data/meta.properties" ] || { log "node $NODE_ID is not prepared ($DATA): run kafka.sh prepare"; exit 1; }
  [ -f "$DATA/logs/server.log" ] && mv -f "$DATA/logs/server.log" "$DATA/logs/server.log.1"
  jvm_args
  echo $$ >"$PIDFILE"
  exec java "${JVM[@]}" -cp "$LIBS/*" kafka.Kafka "$DATA/server.properties" </dev/null
}

# Start every node (a quorum needs a majority of them up before any is ready), then wait for each.
start_all() {
  mkdir -p "$ROOT"; chmod 700 "$ROOT"
  local i
  STARTED=()
  for ((i = 1; i <= NODES; i++)); do node $i; start; done
  for i in "${STARTED[@]}"; do
    node $i; wait_ready "${KAFKA_READY_SECONDS:-90}"
    log "node $i ready on 127.0.0.1:$PORT ($SECURITY; pid $(cat "$PIDFILE"), data $DATA, secrets $SECRETS)"
  done
  [ "$NODES" -eq 1 ] || log "cluster of $NODES nodes: bootstrap $(bootstrap)"
}

bootstrap() { local i out=""; for ((i = 0; i < NODES; i++)); do out+="${out:+,}127.0.0.1:${PORTS[i]}"; done; echo "$out"; }

stop() {
  if ! running; then rm -f "$PIDFILE"; return; fi
  local pid; pid=$(cat "$PIDFILE")
  kill "$pid"
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && { log "did not stop in 30s; killing"; kill -9 "$pid"; }
  rm -f "$PIDFILE"
  log "stopped (127.0.0.1:$PORT)"
}

# All nodes at once: stopped one after the other, the last would wait for a quorum that is gone.
stop_all() {
  if [ "$NODES" -eq 1 ]; then stop; return; fi
  local i
  for ((i = 1; i <= NODES; i++)); do node $i; stop & done
  wait
}

status_all() {
  local rc=0
  for ((i = 1; i <= NODES; i++)); do
    node $i
    if running; then echo "node $i running on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"; else echo "node $i stopped"; rc=1; fi
  done
  return $rc
}

prepare_all() {
  mkdir -p "$ROOT"; chmod 700 "$ROOT"
  local i
  for ((i = 1; i <= NODES; i++)); do node $i; prepare; done
}

case "${1:-}" in
  start) start_all ;;
  prepare) prepare_all ;;
  run) node "${2:?node number}"; run ;;
  stop) stop_all ;;
  status) status_all ;;
  wait) for ((n = 1; n <= NODES; n++)); do node $n; wait_ready "${2:-60}"; done ;;
  bootstrap) bootstrap ;;
  pid) node "${2:?node number}"; cat "$PIDFILE" ;;
  fetch) fetch ;;
  *) echo "usage: $0 start|stop|status|wait|bootstrap|pid N|fetch|prepare|run N" >&2; exit 2 ;;
esac
