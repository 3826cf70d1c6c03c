#!/usr/bin/env bash
# System packages the local stack and the tests need, installed once when missing:
# a JDK and Maven (Kafka from Maven Central), Redis, curl, Prometheus (and promtool). Then the Kafka jars are fetched.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
need=()
command -v java >/dev/null || need+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need+=(maven)
command -v redis-server >/dev/null || need+=(redis-server)
command -v curl >/dev/null || need+=(curl)
command -v prometheus >/dev/null || need+=(prometheus)   # metrics tests and `make up`
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "sysdeps: missing ${need[*]}: install them with your package manager" >&2; exit 1
  fi
  echo "sysdeps: installing ${need[*]}" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
"$here/kafka.sh" fetch
