#!/usr/bin/env bash
# Local Prometheus (Debian's package) scraping the local stack, with BIN Relay's alert rules.
#
#   deploy/local/prometheus.sh start|stop|status|config
#
# `config` writes the configuration only: `make up` runs Prometheus under its supervisor
# (binrelay_devservers.stack), with the same flags as `start`.
#
#   PROM_PORT       (default 9090)
#   PROM_DATA_DIR   (default <repo>/.run/prometheus-$PROM_PORT)
#   PROM_TARGETS    file_sd JSON of the services to scrape (default deploy/prometheus/targets.local.json)
#   PROM_INTERVAL   scrape and evaluation interval (default 5s)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
PORT=${PROM_PORT:-9090}
DATA=${PROM_DATA_DIR:-$repo/.run/prometheus-$PORT}
TARGETS=${PROM_TARGETS:-$repo/deploy/prometheus/targets.local.json}
INTERVAL=${PROM_INTERVAL:-5s}
PIDFILE="$DATA/prometheus.pid"

log() { echo "prometheus: $*" >&2; }
running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

install() {
  command -v prometheus >/dev/null && return
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing Debian's prometheus (once)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends prometheus >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }
  else
    log "prometheus not found: install it (apt-get install prometheus)"; return 1
  fi
}

config() {
  mkdir -p "$DATA/tsdb"
  cat > "$DATA/prometheus.yml" <<CONF
global:
  scrape_interval: $INTERVAL
  evaluation_interval: $INTERVAL
rule_files:
  - $repo/deploy/prometheus/rules.yml
scrape_configs:
  - job_name: binrelay
    file_sd_configs:
      - files: [$TARGETS]
        refresh_interval: 5s
CONF
}

start() {
  if running; then log "already running on 127.0.0.1:$PORT"; return; fi
  install
  config
  nohup prometheus --config.file="$DATA/prometheus.yml" --storage.tsdb.path="$DATA/tsdb" \
    --web.listen-address="127.0.0.1:$PORT" --storage.tsdb.retention.time=2d \
    >"$DATA/prometheus.log" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$PORT/-/ready" >/dev/null 2>&1; then log "ready on http://127.0.0.1:$PORT"; return; fi
    running || { log "exited; see $DATA/prometheus.log"; tail -5 "$DATA/prometheus.log" >&2; return 1; }
    sleep 0.2
  done
  log "not ready; see $DATA/prometheus.log"; return 1
}

stop() {
  if running; then
    local pid; pid=$(cat "$PIDFILE"); kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    log "stopped"
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  install) install ;;
  config) config ;;
  status) if running; then echo "running on http://127.0.0.1:$PORT"; else echo "stopped"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status|install|config" >&2; exit 2 ;;
esac
