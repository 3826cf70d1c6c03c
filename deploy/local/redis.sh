#!/usr/bin/env bash
# Local Redis (Debian's redis-server) on loopback, without Docker.
#
#   deploy/local/redis.sh start|stop|status
#
#   REDIS_PORT      (default 6379)
#   REDIS_DATA_DIR  (default <repo>/.run/redis-$REDIS_PORT)
#   BINRELAY_SECRETS_DIR (default <repo>/.run/secrets): the users' passwords, redis/<user>
#
# ACL users on: the default user is off (an unauthenticated command gets NOAUTH); the users and
# what each may do come from binrelay_shared.redis_acl (one table), rendered at every start into
# $REDIS_DATA_DIR/users.acl (password hashes only), passwords generated when missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
PORT=${REDIS_PORT:-6379}
DATA=${REDIS_DATA_DIR:-$repo/.run/redis-$PORT}
PIDFILE="$DATA/redis.pid"
SECRETS=${BINRELAY_SECRETS_DIR:-$repo/.run/secrets}
PY=${BINRELAY_PYTHON:-$repo/.venv/bin/python}

log() { echo "redis: $*" >&2; }

install() {
  command -v redis-server >/dev/null && return
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing Debian's redis-server (once)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }
  else
    log "redis-server not found: install it (apt-get install redis-server)"; exit 1
  fi
}

# redis-cli as the admin user (password from the secrets folder, through the environment).
admin_cli() { REDISCLI_AUTH=$(cat "$SECRETS/redis/admin" 2>/dev/null) redis-cli --user admin -p "$PORT" "$@"; }

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

start() {
  if running; then log "already running on 127.0.0.1:$PORT"; return; fi
  install
  mkdir -p "$DATA"
  "$PY" -m binrelay_shared.redis_acl "$SECRETS" "$DATA/users.acl"
  redis-server --bind 127.0.0.1 --port "$PORT" --daemonize yes --dir "$DATA" \
    --pidfile "$PIDFILE" --logfile "$DATA/redis.log" --save "" --appendonly yes \
    --protected-mode yes --aclfile "$DATA/users.acl" >/dev/null
  for _ in $(seq 1 100); do
    if admin_cli ping 2>/dev/null | grep -q PONG; then log "ready on 127.0.0.1:$PORT (ACL users, passwords in $SECRETS/redis/)"; return; fi
    sleep 0.1
  done
  log "not ready; see $DATA/redis.log"; exit 1
}

stop() {
  if running; then
    local pid; pid=$(cat "$PIDFILE")
    admin_cli shutdown nosave >/dev/null 2>&1 || kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill "$pid"; fi  # SHUTDOWN refused (e.g. no admin password)
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    log "stopped"
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  install) install ;;
  status) if running; then echo "running on 127.0.0.1:$PORT"; else echo "stopped"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status|install" >&2; exit 2 ;;
esac
