#!/usr/bin/env bash
# System packages the local stack and the tests need, installed once when missing:
# a JDK and Maven (Kafka from Maven Central), Redis, curl, Prometheus (and promtool), openssl (the
# local CA), kcat (police zones' example client), PostgreSQL (the registry's tests on PostgreSQL),
# Chromium (headless: the evaluation's PDF and its screenshot test). Then the Kafka jars are fetched and .venv/bin/kcat
# is set up (see kcat_wrapper), and Node with npm installs the contract validators (contract_tools).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
need=()
command -v java >/dev/null || need+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need+=(maven)
command -v redis-server >/dev/null || need+=(redis-server)
command -v curl >/dev/null || need+=(curl)
command -v prometheus >/dev/null || need+=(prometheus)   # metrics tests and `make up`
command -v openssl >/dev/null || need+=(openssl)         # kafka.sh: the local CA and broker certificate
command -v kcat >/dev/null || need+=(kcat)               # README and docs/POLICE-ZONES.md, zone tests
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)  # the registry's tests on PostgreSQL
command -v chromium >/dev/null || need+=(chromium)       # the yearly evaluation's PDF and its screenshot test
command -v node >/dev/null || need+=(nodejs)             # tests/contracts: the official AsyncAPI parser
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "sysdeps: missing ${need[*]}: install them with your package manager" >&2; exit 1
  fi
  echo "sysdeps: installing ${need[*]}" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
"$here/kafka.sh" fetch

# tests/contracts/node_modules: the outside validators the contract tests run (npm, pinned by the
# committed package-lock.json); installed again only when the lock file changed.
contract_tools() {
  local dir stamp
  dir=$(cd "$here/../../tests/contracts" && pwd)
  stamp="$dir/node_modules/.binrelay-lock"
  if [ -f "$stamp" ] && cmp -s "$stamp" "$dir/package-lock.json"; then return 0; fi
  echo "sysdeps: installing the contract validators (npm ci in tests/contracts)" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
  cp "$dir/package-lock.json" "$stamp"
}
contract_tools

# .venv/bin/kcat: Debian's kcat on a librdkafka that can log in to Kafka 4. librdkafka before 2.6.1
# answers SCRAM with a nonce Kafka 4 rejects (confluentinc/librdkafka#4895; Debian 12 ships 2.0.2),
# so the wrapper points kcat at the librdkafka that confluent-kafka's wheel (in .venv) carries.
kcat_wrapper() {
  local repo venv lib
  repo=$(cd "$here/../.." && pwd); venv="$repo/.venv"
  [ -d "$venv/bin" ] || return 0
  lib=$(ls "$venv"/lib/python3*/site-packages/confluent_kafka.libs/librdkafka-*.so.1 2>/dev/null | head -1)
  [ -n "$lib" ] || { echo "sysdeps: confluent-kafka's librdkafka not in .venv: run make venv" >&2; return 0; }
  mkdir -p "$venv/lib/rdkafka"
  ln -sf "$lib" "$venv/lib/rdkafka/librdkafka.so.1"
  cat >"$venv/bin/kcat" <<'SH'
#!/bin/sh
# Debian's kcat with the librdkafka of confluent-kafka's wheel (SCRAM with Kafka 4; deploy/local/sysdeps.sh).
here=$(cd "$(dirname "$0")/.." && pwd)
LD_LIBRARY_PATH="$here/lib/rdkafka${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec /usr/bin/kcat "$@"
SH
  chmod 755 "$venv/bin/kcat"
}
kcat_wrapper
