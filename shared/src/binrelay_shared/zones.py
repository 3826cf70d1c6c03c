"""Police zones as Kafka tenants: ``binrelay zones add|revoke|list`` (docs/POLICE-ZONES.md).

Adding zone 5339 makes principal ``zone-5339`` with a generated SCRAM password
(``<secrets_dir>/kafka/zone-5339``), READ on ``bin.dispatch.5339.v1`` and on consumer groups
``zone-5339-*`` only (:func:`binrelay_shared.acl.zone`), and writes the zone's client bundle to
``<secrets_dir>/../zones/5339/`` (``.run/zones/5339/`` by default; 0700, files 0600):

* ``ca.pem`` — the CA that signed the broker's certificate;
* ``kcat.conf`` — for ``kcat -F``;
* ``client.properties`` — for Java clients (and Kafka's console tools);
* ``consume.py`` — a runnable aiokafka consumer reading the settings from ``kcat.conf``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import acl, topics
from .kafka_security import ADMIN, KafkaClientConfig, kafka_client_config, password_file
from .secrets import ensure_secret
from .settings import Settings


def bundle_dir(settings: Settings, zone_id: str) -> Path:
    return (settings.secrets_dir.parent / "zones" / zone_id).absolute()


@dataclass
class ZoneBundle:
    zone_id: str
    principal: str
    topic: str
    group_prefix: str
    folder: Path

    @property
    def files(self) -> dict[str, Path]:
        return {name: self.folder / name for name in ("kcat.conf", "client.properties", "consume.py", "ca.pem")}


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o600)


CONSUME_PY = '''"""Police zone {zone}: print the dispatches of bin.dispatch.{zone}.v1 (aiokafka).

    python consume.py            # from the beginning, then follow
Settings come from kcat.conf beside this file (principal {principal}).
"""
import asyncio
import json
from pathlib import Path

from aiokafka import AIOKafkaConsumer
from aiokafka.helpers import create_ssl_context

HERE = Path(__file__).resolve().parent
conf = dict(line.split("=", 1) for line in (HERE / "kcat.conf").read_text().splitlines() if "=" in line)


async def main() -> None:
    consumer = AIOKafkaConsumer(
        "{topic}",
        bootstrap_servers=conf["bootstrap.servers"],
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_plain_username=conf["sasl.username"],
        sasl_plain_password=conf["sasl.password"],
        ssl_context=create_ssl_context(cafile=conf["ssl.ca.location"]),
        group_id="{group}feed",  # a zone's groups must start with {group}
        auto_offset_reset="earliest",
        isolation_level="read_committed",  # only committed transactions: each report once
    )
    await consumer.start()
    try:
        async for record in consumer:
            print(json.dumps(json.loads(record.value), ensure_ascii=False))
    finally:
        await consumer.stop()


if __name__ == "__main__":
    asyncio.run(main())
'''


def write_bundle(settings: Settings, zone_id: str, password: str, ca: Path) -> ZoneBundle:
    """The zone's ready-made client configurations (see the module's docstring)."""
    p = acl.zone(zone_id)
    b = ZoneBundle(zone_id, p.name, topics.dispatch(zone_id), acl.zone_group_prefix(zone_id),
                   bundle_dir(settings, zone_id))
    b.folder.mkdir(parents=True, exist_ok=True)
    os.chmod(b.folder, 0o700)
    os.chmod(b.folder.parent, 0o700)
    files = b.files
    _write_private(files["ca.pem"], ca.read_text())
    _write_private(files["kcat.conf"], "\n".join([
        f"bootstrap.servers={settings.kafka}",
        "security.protocol=SASL_SSL",
        "sasl.mechanisms=SCRAM-SHA-512",
        f"sasl.username={p.name}",
        f"sasl.password={password}",
        f"ssl.ca.location={files['ca.pem']}",
        # The relay publishes in Kafka transactions: read only what is committed, so each report is
        # seen once (librdkafka's default; said here so a copied config keeps it).
        "isolation.level=read_committed",
        "",
    ]))
    _write_private(files["client.properties"], "\n".join([
        f"# Police zone {zone_id}: Java clients (and Kafka's console tools: --consumer.config).",
        f"# Topic {b.topic}; consumer groups must start with {b.group_prefix}",
        f"bootstrap.servers={settings.kafka}",
        "security.protocol=SASL_SSL",
        "sasl.mechanism=SCRAM-SHA-512",
        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
        f'username="{p.name}" password="{password}";',
        "ssl.truststore.type=PEM",
        f"ssl.truststore.location={files['ca.pem']}",
        f"group.id={b.group_prefix}feed",
        "auto.offset.reset=earliest",
        "# The relay publishes in Kafka transactions: without this (Java's default is read_uncommitted)",
        "# a reader may see records of an aborted attempt, i.e. a report twice.",
        "isolation.level=read_committed",
        "",
    ]))
    _write_private(files["consume.py"], CONSUME_PY.format(zone=zone_id, principal=p.name, topic=b.topic,
                                                          group=b.group_prefix))
    return b


def admin_config(settings: Settings) -> KafkaClientConfig:
    """The admin principal's connection (``BINRELAY_KAFKA_USER`` is ignored: this is the admin)."""
    return kafka_client_config(settings.model_copy(update={"kafka_user": None}), ADMIN)


async def add(settings: Settings, zone_id: str) -> ZoneBundle:
    """Create (or refresh) zone ``zone_id``: its topic, credential, ACLs and client bundle."""
    from .kafka import ensure_topics

    principal = acl.zone(zone_id)  # validates the id
    admin_kafka = admin_config(settings)
    await ensure_topics(admin_kafka, [zone_id])
    password = ensure_secret(password_file(settings.secrets_dir, principal.name)).get_secret_value()
    admin = acl.Admin(admin_kafka.librdkafka())
    admin.set_password(principal.name, password)
    admin.apply(principal)
    assert admin_kafka.ca_file is not None
    return write_bundle(settings, zone_id, password, admin_kafka.ca_file)


def revoke(settings: Settings, zone_id: str) -> tuple[bool, int]:
    """Remove zone ``zone_id``'s credential, ACLs, password file and bundle; return (had a
    credential, ACLs removed). Its topic is kept (the dispatcher may still write to it)."""
    principal = acl.zone(zone_id)
    admin = acl.Admin(admin_config(settings).librdkafka())
    had = admin.delete_user(principal.name)
    removed = admin.remove_acls(principal.name)
    password_file(settings.secrets_dir, principal.name).unlink(missing_ok=True)
    shutil.rmtree(bundle_dir(settings, zone_id), ignore_errors=True)
    return had, removed


def apply_table(settings: Settings) -> list[tuple[str, int, int]]:
    """Make every service principal's SCRAM credential match its password file (generated when
    missing) and its ACLs match the table; return (principal, added, removed) per principal."""
    admin = acl.Admin(admin_config(settings).librdkafka())
    done = []
    for p in acl.TABLE:
        password = ensure_secret(password_file(settings.secrets_dir, p.name)).get_secret_value()
        admin.set_password(p.name, password)
        added, removed = admin.apply(p)
        done.append((p.name, added, removed))
    return done
