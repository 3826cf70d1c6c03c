#!/usr/bin/env bash
# Local Redis (Debian's redis-server) on loopback, without Docker.
#
#   deploy/local/redis.sh start|stop|status|prepare|run|wait
#
# `start` runs it as a daemon (the tests); `make up` runs `prepare` (the ACL file, below), then
# `run` (the server in the foreground) under its supervisor (binrelay_devservers.stack), which
# restarts it when it exits; `wait` until it answers; `stop` and `status` work on either.
#
#   REDIS_PORT      (default 6379)
#   REDIS_DATA_DIR  (default $BINRELAY_RUN_DIR/redis-$REDIS_PORT; BINRELAY_RUN_DIR: <repo>/.run)
#   BINRELAY_SECRETS_DIR (default <repo>/.run/secrets): the users' passwords, redis/<user>
#
# ACL users on: the default user is off (an unauthenticated command gets NOAUTH); the users and
# what each may do come from binrelay_shared.redis_acl (one table), rendered at every start into
# $REDIS_DATA_DIR/users.acl (password hashes only), passwords generated when missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
PORT=${REDIS_PORT:-6379}
RUN=${BINRELAY_RUN_DIR:-$repo/.run}
DATA=${REDIS_DATA_DIR:-$RUN/redis-$PORT}
PIDFILE="$DATA/redis.pid"
SECRETS=${BINRELAY_SECRETS_DIR:-$RUN/secrets}
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

# The server's first-start steps: installed, its folder, the ACL file (rendered at every start).
prepare() {
  install
  mkdir -p "$DATA"
  "$PY" -m binrelay_shared.redis_acl "$SECRETS" "$DATA/users.acl"
}

server_args() {
  ARGS=(--bind 127.0.0.1 --port "$PORT" --dir "$DATA" --pidfile "$PIDFILE" --save "" --appendonly yes
        --protected-mode yes --aclfile "$DATA/users.acl")
}

wait_ready() {
  for _ in $(seq 1 "${1:-100}"); do
    if admin_cli ping 2>/dev/null | grep -q PONG; then log "ready on 127.0.0.1:$PORT (ACL users, passwords in $SECRETS/redis/)"; return; fi
    sleep 0.1
  done
  log "not ready; see $DATA/redis.log (or, supervised, the stack's logs/redis.log)"; exit 1
}

start() {
  if running; then log "already running on 127.0.0.1:$PORT"; return; fi
  prepare
  server_args
  redis-server "${ARGS[@]}" --daemonize yes --logfile "$DATA/redis.log" >/dev/null
  wait_ready
}

# In the foreground, for a supervisor: `prepare` done before; the log on stdout.
run() {
  if running && [ "$(cat "$PIDFILE")" != "$$" ]; then
    log "already runs outside the supervisor (pid $(cat "$PIDFILE")): make down, then make up"; exit 1
  fi
  [ -f "$DATA/users.acl" ] || { log "not prepared ($DATA/users.acl missing): run redis.sh prepare"; exit 1; }
  server_args
  echo $$ >"$PIDFILE"
  exec redis-server "${ARGS[@]}" --daemonize no --logfile "" </dev/null
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
  prepare) prepare ;;
  run) run ;;
  wait) wait_ready 600 ;;
  install) install ;;
  status) if running; then echo "running on 127.0.0.1:$PORT"; else echo "stopped"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status|install|prepare|run|wait" >&2; exit 2 ;;
esac
