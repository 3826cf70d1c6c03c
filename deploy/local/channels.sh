#!/usr/bin/env bash
# The channel I/O of the local stack: loopback SMTP sink and SMS gateway, Synapse (Matrix), the
# three channel senders and the three inbound adapters. Called by stack.sh after the services.
#
#   deploy/local/channels.sh up|down|status
#
#   BINRELAY_SYNAPSE=0   skip Synapse (and the chat sender and Matrix bot)
#
# Pids in .run/pids/, logs in .run/logs/<name>.log, mails the sink received in .run/mail/.
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
export BINRELAY_SECRETS_DIR=${BINRELAY_SECRETS_DIR:-$RUN/secrets}  # the dev servers sign with the same files
SMTP_SINK_PORT=${SMTP_SINK_PORT:-2525}
SMS_GATEWAY_PORT=${SMS_GATEWAY_PORT:-8025}
export SYNAPSE_PORT=${SYNAPSE_PORT:-8008}
export BINRELAY_SMTP_PORT=$SMTP_SINK_PORT
export BINRELAY_SMTP_LISTEN_PORT=${BINRELAY_SMTP_LISTEN_PORT:-2526}
export BINRELAY_SMS_GATEWAY_URL=http://127.0.0.1:$SMS_GATEWAY_PORT
export BINRELAY_SMS_WEBHOOK_PORT=${BINRELAY_SMS_WEBHOOK_PORT:-8026}
export BINRELAY_INGEST_URL=http://127.0.0.1:$BINRELAY_HTTP_PORT
USE_SYNAPSE=${BINRELAY_SYNAPSE:-1}

# name, metrics port ('-' for none), command...
PROCS=(
  "devserver-smtp - binrelay-devserver smtp --port $SMTP_SINK_PORT --maildir $RUN/mail"
  "devserver-sms - binrelay-devserver sms --port $SMS_GATEWAY_PORT --webhook-url http://127.0.0.1:$BINRELAY_SMS_WEBHOOK_PORT/v1/sms/inbound"
  "devserver-smsc - binrelay-devserver smsc --port ${SMSC_PORT:-2775}"
  "sender-email 9111 binrelay-sender --channel email"
  "sender-sms 9112 binrelay-sender --channel sms"
  "sender-chat 9113 binrelay-sender --channel chat"
  "adapter-smtp 9114 binrelay-adapter-smtp"
  "adapter-sms 9115 binrelay-adapter-sms"
  "adapter-matrix 9116 binrelay-adapter-matrix"
)

running() { [ -f "$PIDS/$1.pid" ] && kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; }

start() {
  local name=$1 port=$2; shift 2
  if running "$name"; then echo "$name: already running"; return; fi
  local cmd=$1; shift
  if [ "$port" != - ]; then export BINRELAY_METRICS_PORT=$port; else unset BINRELAY_METRICS_PORT; fi
  nohup "$BIN/$cmd" "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
}

up() {
  mkdir -p "$PIDS" "$LOGS" "$RUN/mail"
  if [ "$USE_SYNAPSE" = 1 ]; then
    "$here/synapse.sh" start
    local sdata="$RUN/synapse-$SYNAPSE_PORT"
    # The bot, the members' chat accounts (their ids are on this server: federation is off, so a
    # DM to another server name is forbidden), the networks' rooms.
    "$BIN/python" -m binrelay_devservers.matrix_setup --url "http://127.0.0.1:$SYNAPSE_PORT" \
      --secret-file "$sdata/registration_shared_secret" --state-dir "$sdata" \
      --members-file "${BINRELAY_MEMBERS_FILE:-deploy/members.example.yaml}" >"$RUN/matrix.env"
    # shellcheck disable=SC1091
    source "$RUN/matrix.env"
  fi
  if [ ! -s "$RUN/adapter.key" ] || [ -z "$(cat "$RUN/adapter.key")" ]; then
    "$BIN/binrelay" keys create --role adapter --adapter channels --label "local inbound adapters" -q >"$RUN/adapter.key"
    chmod 600 "$RUN/adapter.key"
  fi
  export BINRELAY_ADAPTER_API_KEY; BINRELAY_ADAPTER_API_KEY=$(cat "$RUN/adapter.key")
  for entry in "${PROCS[@]}"; do
    # shellcheck disable=SC2086
    set -- $entry
    if [ "$USE_SYNAPSE" != 1 ] && { [ "$1" = sender-chat ] || [ "$1" = adapter-matrix ]; }; then continue; fi
    start "$@"
  done
  sleep 1
  for entry in "${PROCS[@]}"; do
    # shellcheck disable=SC2086
    set -- $entry
    if [ -f "$PIDS/$1.pid" ] && ! running "$1"; then
      echo "$1 failed to start; last lines of $LOGS/$1.log:" >&2; tail -20 "$LOGS/$1.log" >&2; exit 1
    fi
  done
  cat <<MSG
Channels: SMTP sink 127.0.0.1:$SMTP_SINK_PORT (mails in $RUN/mail/), SMS gateway http://127.0.0.1:$SMS_GATEWAY_PORT/messages,
  SMSC (SMPP, for BINRELAY_SMS_TRANSPORT=smpp) 127.0.0.1:${SMSC_PORT:-2775}, senders' metrics :9111-9113, adapters' :9114-9116,
  Matrix $( [ "$USE_SYNAPSE" = 1 ] && echo "http://127.0.0.1:$SYNAPSE_PORT (rooms #bin-<network>:binrelay.test; members' passwords in .run/synapse-$SYNAPSE_PORT/member-passwords.json)" || echo off ),
  report by mail: <network>@reports.binrelay.test via SMTP 127.0.0.1:$BINRELAY_SMTP_LISTEN_PORT,
  report by SMS:  curl -X POST http://127.0.0.1:$SMS_GATEWAY_PORT/_control/inbound -d '{"from":"+447700900999","text":"..."}'
MSG
}

down() {
  for entry in "${PROCS[@]}"; do
    # shellcheck disable=SC2086
    set -- $entry
    if running "$1"; then kill "$(cat "$PIDS/$1.pid")"; fi
  done
  for entry in "${PROCS[@]}"; do
    # shellcheck disable=SC2086
    set -- $entry
    for _ in $(seq 1 100); do running "$1" || break; sleep 0.1; done
    running "$1" && kill -9 "$(cat "$PIDS/$1.pid")"
    rm -f "$PIDS/$1.pid"
  done
  "$here/synapse.sh" stop || true
}

status() {
  "$here/synapse.sh" status || true
  for entry in "${PROCS[@]}"; do
    # shellcheck disable=SC2086
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
