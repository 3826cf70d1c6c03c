#!/bin/bash
# deploy/compose.yaml's one-shot `secrets` service (runs in the shared image, as root): the same
# security as deploy/local/kafka.sh, in the `secrets` volume mounted at /secrets — a local CA and
# the broker's certificate (SAN DNS:kafka), one password per principal (kafka/<principal>, 0600,
# owned by the uid that reads it), and the broker's server.properties + start script.
# NOT exercised here (no Docker engine on our machines): a starting point, see deploy/compose.yaml.
set -euo pipefail
S=/secrets
mkdir -p "$S/tls" "$S/kafka" "$S/broker"
umask 077
if [ ! -s "$S/tls/ca.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=BIN Relay CA" \
    -keyout "$S/tls/ca.key" -out "$S/tls/ca.pem" 2>/dev/null
fi
if [ ! -s "$S/broker/keystore.pem" ]; then
  openssl req -newkey rsa:2048 -nodes -subj "/CN=broker" -keyout "$S/broker/broker.key" -out "$S/broker/broker.csr" 2>/dev/null
  printf 'subjectAltName=DNS:kafka,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' >"$S/broker/ext.cnf"
  openssl x509 -req -in "$S/broker/broker.csr" -CA "$S/tls/ca.pem" -CAkey "$S/tls/ca.key" -CAcreateserial \
    -days 825 -extfile "$S/broker/ext.cnf" -out "$S/broker/broker.pem" 2>/dev/null
  openssl pkcs8 -topk8 -nocrypt -in "$S/broker/broker.key" | cat - "$S/broker/broker.pem" >"$S/broker/keystore.pem"
  cp "$S/tls/ca.pem" "$S/broker/truststore.pem"
  rm -f "$S/broker/broker.key" "$S/broker/broker.csr"
fi
# Passwords (generated once) and the StorageTool's --add-scram arguments.
python -m binrelay_shared.kafka_security scram-args "$S" >"$S/broker/scram.args"
cat >"$S/broker/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:9093
controller.listener.names=CONTROLLER
listeners=CLIENT://:9092,CONTROLLER://127.0.0.1:9093
advertised.listeners=CLIENT://kafka:9092
listener.security.protocol.map=CLIENT:SASL_SSL,CONTROLLER:SSL
inter.broker.listener.name=CLIENT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(head -1 "$S/kafka/admin")";
ssl.keystore.type=PEM
ssl.keystore.location=$S/broker/keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$S/broker/truststore.pem
listener.name.controller.ssl.client.auth=required
ssl.principal.mapping.rules=RULE:^CN=([a-zA-Z0-9.-]+)\$/\$1/,DEFAULT
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin;User:broker
log.dirs=/var/lib/kafka/data
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.abort.timed.out.transaction.cleanup.interval.ms=1000
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
cat >"$S/broker/start.sh" <<'START'
#!/bin/bash
set -euo pipefail
if [ ! -f /var/lib/kafka/data/meta.properties ]; then
  mapfile -t scram </secrets/broker/scram.args
  /opt/kafka/bin/kafka-storage.sh format -t "$(/opt/kafka/bin/kafka-storage.sh random-uuid)" \
    -c /secrets/broker/server.properties "${scram[@]}"
fi
exec /opt/kafka/bin/kafka-server-start.sh /secrets/broker/server.properties
START
# The broker (apache/kafka runs as uid 1000) reads broker/ and kafka/admin; the services (uid 65534,
# `nobody`) each mount only their own password file and the CA.
chmod 700 "$S" "$S/tls" "$S/kafka" "$S/broker"
chown -R 1000 "$S/broker"  # server.properties holds the inter-broker (admin) login
chown 65534 "$S/tls/ca.pem" "$S"/kafka/*
chmod 711 "$S" "$S/tls" "$S/kafka"  # traversable only; every file stays 0600
