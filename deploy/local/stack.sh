#!/usr/bin/env bash
# The whole local stack without Docker: Kafka, Redis, topics, and the four services.
#
#   deploy/local/stack.sh up|down|status
#
# Services run in the background; pids in .run/pids/, logs in .run/logs/<service>.log.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
RUN="$repo/.run"
PIDS="$RUN/pids"
LOGS="$RUN/logs"
BIN="$repo/.venv/bin"
export BINRELAY_KAFKA=${BINRELAY_KAFKA:-127.0.0.1:${KAFKA_PORT:-9092}}
export BINRELAY_REDIS_URL=${BINRELAY_REDIS_URL:-redis://127.0.0.1:${REDIS_PORT:-6379}/0}
export BINRELAY_HTTP_PORT=${BINRELAY_HTTP_PORT:-8080}
export BINRELAY_LOG_JSON=true
# Redis security: every secret (Redis users' passwords, the API key MAC, the webhook and ack keys)
# is a file here, generated on first start, mode 0600 in a 0700 folder, never printed.
export BINRELAY_SECRETS_DIR=${BINRELAY_SECRETS_DIR:-$RUN/secrets}

# process name, metrics port, lanes it reads (- : not a stage). Each stage runs a process per
# lane: the ordinary one lowers its CPU priority, so an urgent report never queues behind a
# batch of ordinary ones for a core (README, "The urgent lane"). The binary is the name less
# "-urgent".
SERVICES=("ingest 9101 -" "classifier 9102 ordinary" "privacy-filter 9103 ordinary" "dispatcher 9104 ordinary"
          "observer 9105 -" "classifier-urgent 9106 urgent" "privacy-filter-urgent 9107 urgent"
          "dispatcher-urgent 9108 urgent")

running() { [ -f "$PIDS/$1.pid" ] && kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; }

up() {
  local t0=$SECONDS
  mkdir -p "$PIDS" "$LOGS"
  "$here/kafka.sh" start
  "$BIN/python" -m binrelay_shared.local_secrets "$BINRELAY_SECRETS_DIR" >/dev/null  # Redis security
  "$here/redis.sh" start
  "$BIN/binrelay" topics create >/dev/null
  for entry in "${SERVICES[@]}"; do
    set -- $entry
    if running "$1"; then echo "$1: already running"; continue; fi
    if [ "$3" = - ]; then unset BINRELAY_LANES; else export BINRELAY_LANES=$3; fi
    BINRELAY_METRICS_PORT=$2 nohup "$BIN/binrelay-${1%-urgent}" >>"$LOGS/$1.log" 2>&1 </dev/null &
    echo $! >"$PIDS/$1.pid"
  done
  for _ in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:$BINRELAY_HTTP_PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  for entry in "${SERVICES[@]}"; do
    set -- $entry
    running "$1" || { echo "$1 failed to start; last lines of $LOGS/$1.log:" >&2; tail -20 "$LOGS/$1.log" >&2; exit 1; }
  done
  demo_key  # an adapter credential for the example below (ingest authenticates every request)
  "$here/channels.sh" up  # channel I/O: SMTP sink, SMS gateway, Synapse, senders, inbound adapters
  local prom="not started (install Debian's prometheus to get it)"
  if "$here/prometheus.sh" start 2>/dev/null; then prom="http://127.0.0.1:${PROM_PORT:-9090}  (alerts: /alerts)"; fi
  cat <<MSG

BIN Relay is up ($((SECONDS - t0)) s).
  ingest API     http://127.0.0.1:$BINRELAY_HTTP_PORT/v1/reports   (OpenAPI: http://127.0.0.1:$BINRELAY_HTTP_PORT/docs)
  metrics        http://127.0.0.1:9101/metrics (ingest)  :9102 (classifier)  :9103 (privacy-filter)  :9104 (dispatcher)  :9105 (observer)
                 urgent lane: :9106 (classifier)  :9107 (privacy-filter)  :9108 (dispatcher)
  Prometheus     $prom
  Kafka          $BINRELAY_KAFKA        Redis  $BINRELAY_REDIS_URL  (ACL users; unauthenticated: NOAUTH)
  secrets        $BINRELAY_SECRETS_DIR/  (redis/<user>, api-key-mac, ack-key, sms-webhook, ...; values never printed)
  demo key       $(cat "$RUN/demo.key")   (adapter, every network; in .run/demo.key)
  logs           $LOGS/

Post a first report, then see where it went:

  key=\$(cat .run/demo.key)   # a demo adapter key; make your own: .venv/bin/binrelay keys create --help
  id=\$(curl -s -X POST http://127.0.0.1:$BINRELAY_HTTP_PORT/v1/reports -H 'content-type: application/json' \\
    -H "Authorization: Bearer \$key" \\
    -d '{"text":"Verdachte man kijkt in autos, Grote Zavel","reporter":{"ref":"demo-1"},"network":"zavel"}' \\
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["report_id"])'); echo \$id
  sleep 1; .venv/bin/binrelay trace \$id

The police zone's feed: kcat -b $BINRELAY_KAFKA -t bin.dispatch.5339.v1 -C -o beginning -e
Stop everything: make down
MSG
}

# The demo adapter key in .run/demo.key: reused while Redis still knows it, created otherwise.
demo_key() {
  local file="$RUN/demo.key" id
  if [ -s "$file" ]; then
    id=$(sed -n 's/^binr_\([0-9a-f]*\)_.*/\1/p' "$file")
    if "$BIN/binrelay" keys list --json 2>/dev/null | grep -q "\"id\": \"$id\".*\"revoked\": null"; then return; fi
  fi
  "$BIN/binrelay" keys create --role adapter --adapter demo --label "make up demo" -q >"$file"
  chmod 600 "$file"
}

down() {
  "$here/channels.sh" down || true
  for entry in "${SERVICES[@]}"; do
    set -- $entry
    if running "$1"; then kill "$(cat "$PIDS/$1.pid")"; fi
  done
  for entry in "${SERVICES[@]}"; do
    set -- $entry
    for _ in $(seq 1 100); do running "$1" || break; sleep 0.1; done
    running "$1" && kill -9 "$(cat "$PIDS/$1.pid")"
    rm -f "$PIDS/$1.pid"
  done
  "$here/prometheus.sh" stop
  "$here/redis.sh" stop
  "$here/kafka.sh" stop
}

status() {
  "$here/channels.sh" status || true
  "$here/kafka.sh" status || true
  "$here/redis.sh" status || true
  "$here/prometheus.sh" status || true
  for entry in "${SERVICES[@]}"; do
    set -- $entry
    if running "$1"; then echo "$1: running (pid $(cat "$PIDS/$1.pid"))"; else echo "$1: stopped"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
