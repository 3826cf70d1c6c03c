#!/usr/bin/env bash
# Local PostgreSQL (Debian's postgresql) on loopback, without Docker: the registry's production
# database, started by the tests (tests/conftest.py, fixture postgres_url) on a free port.
#
#   deploy/local/postgres.sh start|stop|status
#
#   PG_PORT        (default 5432)
#   PG_DATA_DIR    (default /tmp/binrelay-pg-$PG_PORT; must be reachable by the server's user)
#   BINRELAY_SECRETS_DIR (default <repo>/.run/secrets): the password, postgres/binrelay (generated)
#
# The cluster's superuser is `binrelay` with a generated password (scram-sha-256 over TCP only, no
# trust), database `binrelay`. PostgreSQL refuses to run as root: as root, the server runs as
# Debian's `postgres` user (created by the package) and the data folder is theirs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
PORT=${PG_PORT:-5432}
DATA=${PG_DATA_DIR:-/tmp/binrelay-pg-$PORT}
SECRETS=${BINRELAY_SECRETS_DIR:-$repo/.run/secrets}
PWFILE="$SECRETS/postgres/binrelay"

log() { echo "postgres: $*" >&2; }

bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$d" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "installing Debian's postgresql (once)"
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
      d=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    else
      log "postgresql not found: install it (apt-get install postgresql)"; exit 1
    fi
  fi
  echo "$d"
}

as_owner() {  # run a server command as the data folder's owner (never root)
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

password() {
  if [ ! -s "$PWFILE" ]; then
    mkdir -p "$SECRETS/postgres"; chmod 700 "$SECRETS/postgres"
    (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$PWFILE")
  fi
}

running() { [ -f "$DATA/postmaster.pid" ] && kill -0 "$(head -1 "$DATA/postmaster.pid")" 2>/dev/null; }

start() {
  if running; then log "already running on 127.0.0.1:$PORT"; return; fi
  local bin; bin=$(bindir)
  password
  if [ ! -f "$DATA/PG_VERSION" ]; then
    mkdir -p "$DATA"; chmod 700 "$DATA"
    local pw; pw=$(mktemp); cp "$PWFILE" "$pw"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$DATA" "$pw"; fi
    as_owner "$bin/initdb" -D "$DATA" -U binrelay --pwfile="$pw" --auth-local=scram-sha-256 \
      --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$DATA.initdb.log" 2>&1 \
      || { rm -f "$pw"; log "initdb failed; see $DATA.initdb.log"; exit 1; }
    rm -f "$pw"
  fi
  as_owner "$bin/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$DATA" start >/dev/null
  if ! PGPASSWORD=$(cat "$PWFILE") "$bin/psql" -h 127.0.0.1 -p "$PORT" -U binrelay -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname='binrelay'" | grep -q 1; then
    PGPASSWORD=$(cat "$PWFILE") "$bin/createdb" -h 127.0.0.1 -p "$PORT" -U binrelay binrelay
  fi
  log "ready on 127.0.0.1:$PORT (user binrelay, password in $PWFILE)"
}

stop() {
  if running; then
    as_owner "$(bindir)/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    log "stopped"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running on 127.0.0.1:$PORT"; else echo "stopped"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
