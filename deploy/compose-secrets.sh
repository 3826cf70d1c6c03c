#!/bin/bash
# deploy/compose.yaml's one-shot `secrets` service (runs in the shared image, as root): the same
# security as deploy/local/kafka.sh, in the `secrets` volume mounted at /secrets — a local CA and
# the broker's certificate (SAN DNS:kafka), one password per principal (kafka/<principal>, 0600,
# owned by the uid that reads it), the broker's server.properties + start script, and the
# database user's password (postgres/).
# NOT exercised here (no Docker engine on our machines): a starting point, see deploy/compose.yaml.
set -euo pipefail
S=${COMPOSE_SECRETS_DIR:-/secrets}  # the volume; another folder only to try the script outside Docker
mkdir -p "$S/tls" "$S/kafka" "$S/broker"
umask 077
if [ ! -s "$S/tls/ca.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=BIN Relay CA" \
    -keyout "$S/tls/ca.key" -out "$S/tls/ca.pem" 2>/dev/null
fi
# KAFKA_NODES=3 (deploy/compose.cluster.yaml): one certificate and server.properties per node
# (broker-<i>/, host kafka for node 1, kafka-<i> for the others), one cluster id, a controller
# quorum of every node; internal topics replicated min(3, nodes) with min ISR min(2, nodes).
NODES=${KAFKA_NODES:-1}
host() { if [ "$1" -eq 1 ]; then echo kafka; else echo "kafka-$1"; fi; }
REPLICAS=$((NODES < 3 ? NODES : 3))
MIN_ISR=$((NODES < 2 ? 1 : 2))
VOTERS=""
for ((i = 1; i <= NODES; i++)); do VOTERS+="${VOTERS:+,}$i@$(host "$i"):9093"; done
[ -s "$S/broker/cluster.id" ] || python -c "import base64, uuid; print(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip('='))" >"$S/broker/cluster.id"
# Passwords (generated once) and the StorageTool's --add-scram arguments.
python -m binrelay_shared.kafka_security scram-args "$S" >"$S/broker/scram.args"
for ((i = 1; i <= NODES; i++)); do
  B="$S/broker-$i" H=$(host "$i")
  mkdir -p "$B"
  if [ ! -s "$B/keystore.pem" ]; then
    openssl req -newkey rsa:2048 -nodes -subj "/CN=broker" -keyout "$B/broker.key" -out "$B/broker.csr" 2>/dev/null
    printf 'subjectAltName=DNS:%s,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' "$H" >"$B/ext.cnf"
    openssl x509 -req -in "$B/broker.csr" -CA "$S/tls/ca.pem" -CAkey "$S/tls/ca.key" -CAcreateserial \
      -days 825 -extfile "$B/ext.cnf" -out "$B/broker.pem" 2>/dev/null
    openssl pkcs8 -topk8 -nocrypt -in "$B/broker.key" | cat - "$B/broker.pem" >"$B/keystore.pem"
    cp "$S/tls/ca.pem" "$B/truststore.pem"
    rm -f "$B/broker.key" "$B/broker.csr"
  fi
  # The controller listener is reachable on the compose network (the quorum's other nodes) and
  # takes only certificates of the local CA (mutual TLS): CN=broker, the nodes themselves.
  cat >"$B/server.properties" <<PROPS
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$VOTERS
controller.listener.names=CONTROLLER
listeners=CLIENT://:9092,CONTROLLER://:9093
advertised.listeners=CLIENT://$H:9092
listener.security.protocol.map=CLIENT:SASL_SSL,CONTROLLER:SSL
inter.broker.listener.name=CLIENT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(head -1 "$S/kafka/admin")";
ssl.keystore.type=PEM
ssl.keystore.location=$B/keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$B/truststore.pem
listener.name.controller.ssl.client.auth=required
ssl.principal.mapping.rules=RULE:^CN=([a-zA-Z0-9.-]+)\$/\$1/,DEFAULT
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin;User:broker
log.dirs=/var/lib/kafka/data
num.partitions=3
offsets.topic.replication.factor=$REPLICAS
transaction.state.log.replication.factor=$REPLICAS
transaction.state.log.min.isr=$MIN_ISR
share.coordinator.state.topic.replication.factor=$REPLICAS
share.coordinator.state.topic.min.isr=$MIN_ISR
transaction.abort.timed.out.transaction.cleanup.interval.ms=1000
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
done
# Each node's start: its own folder (KAFKA_NODE_ID, set per service), the one cluster id.
cat >"$S/broker/start.sh" <<'START'
#!/bin/bash
set -euo pipefail
B=/secrets/broker-${KAFKA_NODE_ID:-1}
if [ ! -f /var/lib/kafka/data/meta.properties ]; then
  mapfile -t scram </secrets/broker/scram.args
  /opt/kafka/bin/kafka-storage.sh format -t "$(cat /secrets/broker/cluster.id)" -c "$B/server.properties" "${scram[@]}"
fi
exec /opt/kafka/bin/kafka-server-start.sh "$B/server.properties"
START
# The registry's and the ledger's database (deploy/compose.yaml's `postgres`): user binrelay's
# password, generated once; postgres/binrelay for the services (uid 65534), the same in
# postgres/server for the postgres image's entrypoint (uid 999: POSTGRES_PASSWORD_FILE).
mkdir -p "$S/postgres"
[ -s "$S/postgres/binrelay" ] || python -c "import secrets; print(secrets.token_urlsafe(24))" >"$S/postgres/binrelay"
cp "$S/postgres/binrelay" "$S/postgres/server"
chown 65534 "$S/postgres/binrelay"
chown 999 "$S/postgres/server"
chmod 711 "$S/postgres"
# The broker (apache/kafka runs as uid 1000) reads broker/ and kafka/admin; the services (uid 65534,
# `nobody`) each mount only their own password file and the CA.
chmod 700 "$S" "$S/tls" "$S/kafka" "$S/broker" "$S"/broker-*
chown -R 1000 "$S/broker" "$S"/broker-*  # server.properties holds the inter-broker (admin) login
chown 65534 "$S/tls/ca.pem" "$S"/kafka/*
chmod 711 "$S" "$S/tls" "$S/kafka"  # traversable only; every file stays 0600
