"""Kafka is trusted by default (issue 14, DESIGN §6): on the session's real, secure broker, a
client with no credentials, wrong credentials or another tenant's credentials gets an error from
the broker — never data; each service principal is refused outside its row of the ACL table; a
police zone reads its own dispatch feed and nothing else."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError, TopicAuthorizationFailedError
from pydantic import SecretStr

from binrelay_shared import acl, topics, zones
from binrelay_shared.events import Channel
from binrelay_shared.kafka_security import KafkaClientConfig, check_credentials, kafka_client_config
from binrelay_shared.settings import Settings
from tests.conftest import REPO, TEST_ZONE
from tests.kafka_helpers import produce

KCAT = REPO / ".venv" / "bin" / "kcat"  # deploy/local/sysdeps.sh: Debian's kcat on a Kafka-4-ready librdkafka
OTHER_ZONE = "5340"
OUTBOXES = [topics.outbox(c) for c in (Channel.sms, Channel.email, Channel.chat)]
#: Every topic of the pipeline, both zones' feeds included.
PIPELINE = sorted(topics.all_topics([TEST_ZONE, OTHER_ZONE]))


def kcat(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    if not KCAT.exists():
        pytest.fail(f"{KCAT} is missing: run `make sysdeps` (it installs kcat and this wrapper)")
    return subprocess.run([str(KCAT), *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def zone_bundles(settings: Settings) -> Iterator[dict[str, zones.ZoneBundle]]:
    """Given zones 5339 and 5340 added with `binrelay zones add` (their client bundles written)."""
    import asyncio

    bundles = {z: asyncio.run(zones.add(settings, z)) for z in (TEST_ZONE, OTHER_ZONE)}
    yield bundles
    zones.revoke(settings, OTHER_ZONE)


def allowed(p: acl.Principal, operation: str, topic: str) -> bool:
    return any(
        g.resource == "TOPIC" and g.operation == operation
        and (topic.startswith(g.name) if g.prefixed else topic == g.name)
        for g in p.grants
    )


def first_forbidden(p: acl.Principal, operation: str) -> str:
    """The most sensitive pipeline topic ``p`` may not ``operation`` (READ or WRITE)."""
    sensitive = [topics.URGENT_LANE[topics.REPORTS_RECEIVED], topics.REPORTS_RECEIVED, topics.REPORTS_CLEARED,
                 topics.outbox(Channel.sms), topics.dispatch(TEST_ZONE), *PIPELINE]
    return next(t for t in sensitive if not allowed(p, operation, t))


async def read_one(kafka: KafkaClientConfig, topic: str) -> None:
    consumer = AIOKafkaConsumer(topic, **kafka.aiokafka(), group_id=None, auto_offset_reset="earliest")
    try:
        await consumer.start()
        await consumer.getmany(timeout_ms=2000)
    finally:
        await consumer.stop()


async def write_one(kafka: KafkaClientConfig, topic: str) -> None:
    producer = AIOKafkaProducer(**kafka.aiokafka(), request_timeout_ms=10_000)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b'{"forged": true}')
    finally:
        await producer.stop()


# -- no credentials, wrong credentials --------------------------------------------------------


async def test_an_anonymous_aiokafka_client_gets_no_connection_at_all(kafka_bootstrap: str) -> None:
    """Given the broker, when aiokafka connects without TLS and SASL (as the old PLAINTEXT stack
    allowed), or with TLS but no SASL login, then it cannot even bootstrap: no metadata, no data."""
    for extra in ({}, {"security_protocol": "SSL", "ssl_context": kafka_client_config(
            Settings(kafka=kafka_bootstrap), acl.ADMIN).ssl_context()}):
        consumer = AIOKafkaConsumer(topics.REPORTS_RECEIVED, bootstrap_servers=kafka_bootstrap,
                                    request_timeout_ms=5000, **extra)  # type: ignore[arg-type]
        with pytest.raises(KafkaConnectionError):
            await consumer.start()
        await consumer.stop()


def test_kcat_without_credentials_lists_nothing_and_forges_nothing(kafka_bootstrap: str) -> None:
    """Given the broker, when kcat is used as in the issue (`kcat -b … -L`, `kcat -P` onto the urgent
    lane) with no credentials, then it fails and prints no topic name."""
    listed = kcat("-b", kafka_bootstrap, "-L", "-m", "5")
    assert listed.returncode != 0
    assert "bin.reports" not in listed.stdout + listed.stderr
    forged = subprocess.run(
        [str(KCAT), "-b", kafka_bootstrap, "-P", "-t", topics.URGENT_LANE[topics.REPORTS_RECEIVED],
         "-X", "message.timeout.ms=5000"],
        input='{"text": "forged police alarm"}\n', capture_output=True, text=True, timeout=60,
    )
    assert forged.returncode != 0


async def test_a_wrong_password_is_an_authentication_error_never_data(settings: Settings) -> None:
    """Given the ingest principal with a wrong password, when it logs in, then the broker answers
    with an authentication failure (and the client, consuming, gets no record)."""
    from binrelay_shared.kafka_security import KafkaAuthError

    wrong = kafka_client_config(settings.model_copy(update={"kafka_password": SecretStr("not-the-password")}),
                                "ingest")
    with pytest.raises(KafkaAuthError, match="SaslAuthenticationFailed"):
        await check_credentials(wrong)
    consumer = AIOKafkaConsumer(topics.REPORTS_RECEIVED, **wrong.aiokafka(), request_timeout_ms=5000)
    with pytest.raises(KafkaConnectionError):
        await consumer.start()
    await consumer.stop()


def test_kcat_with_a_wrong_password_gets_an_authentication_error(zone_bundles: dict[str, zones.ZoneBundle],
                                                                  tmp_path: Path) -> None:
    conf = zone_bundles[TEST_ZONE].files["kcat.conf"].read_text()
    bad = tmp_path / "bad.conf"
    bad.write_text("\n".join(
        "sasl.password=wrong" if line.startswith("sasl.password=") else line for line in conf.splitlines()))
    run = kcat("-F", str(bad), "-t", topics.dispatch(TEST_ZONE), "-C", "-o", "beginning", "-e", "-m", "5")
    assert run.returncode != 0
    assert "Authentication failed" in run.stderr


# -- police zones -----------------------------------------------------------------------------


def test_a_zone_reads_its_feed_with_kcat_as_the_docs_say(zone_bundles: dict[str, zones.ZoneBundle],
                                                         kafka_bootstrap: str) -> None:
    """Given zone 5339's bundle, when a dispatch is on its topic and the zone runs the kcat line
    that `binrelay zones add` printed, then it reads the dispatch."""
    import asyncio

    marker = f"zone-feed-check-{os.getpid()}"
    asyncio.run(produce(kafka_bootstrap, topics.dispatch(TEST_ZONE), [f'{{"marker": "{marker}"}}'.encode()]))
    b = zone_bundles[TEST_ZONE]
    run = kcat("-F", str(b.files["kcat.conf"]), "-t", b.topic, "-C", "-o", "beginning", "-e")
    assert run.returncode == 0, run.stderr
    assert marker in run.stdout


@pytest.mark.parametrize(
    "topic",
    [topics.REPORTS_RECEIVED, topics.URGENT_LANE[topics.REPORTS_RECEIVED], topics.REPORTS_CLEARED, *OUTBOXES,
     topics.dispatch(OTHER_ZONE), topics.DELIVERIES, topics.DLQ],
)
def test_a_zone_is_refused_every_topic_but_its_own_with_kcat(zone_bundles: dict[str, zones.ZoneBundle],
                                                            topic: str) -> None:
    """Given zone 5339's credentials, when it reads raw reports, cleared reports, an outbox,
    zone 5340's feed or anything else, then the broker refuses: topic authorization failed."""
    run = kcat("-F", str(zone_bundles[TEST_ZONE].files["kcat.conf"]), "-t", topic, "-C", "-o", "beginning", "-e")
    assert run.returncode != 0
    assert "Topic authorization failed" in run.stderr
    assert "{" not in run.stdout  # no record


async def test_a_zone_with_aiokafka_reads_its_feed_and_is_refused_elsewhere(
    zone_bundles: dict[str, zones.ZoneBundle], settings: Settings
) -> None:
    """Given zone 5339's principal in aiokafka, when it reads its feed, it may; when it reads
    bin.reports.received.v1, bin.reports.cleared.v1, an outbox or zone 5340's feed, it is refused."""
    kafka = kafka_client_config(settings, acl.zone_principal(TEST_ZONE))
    await read_one(kafka, topics.dispatch(TEST_ZONE))
    for topic in (topics.REPORTS_RECEIVED, topics.REPORTS_CLEARED, *OUTBOXES, topics.dispatch(OTHER_ZONE)):
        with pytest.raises(TopicAuthorizationFailedError):
            await read_one(kafka, topic)


@pytest.mark.parametrize("topic", PIPELINE)
async def test_forging_onto_any_pipeline_topic_without_a_service_credential_fails(
    zone_bundles: dict[str, zones.ZoneBundle], settings: Settings, topic: str
) -> None:
    """Given a logged-in client that is not a service (zone 5339), when it produces to a
    pipeline topic — an urgent 'police alarm' included — then the broker refuses the write."""
    kafka = kafka_client_config(settings, acl.zone_principal(TEST_ZONE))
    with pytest.raises(TopicAuthorizationFailedError):
        await write_one(kafka, topic)


async def test_a_revoked_zone_can_no_longer_log_in(settings: Settings) -> None:
    """Given zone 5341 added then revoked, when its old password is used, the login is refused."""
    from binrelay_shared.kafka_security import KafkaAuthError

    bundle = await zones.add(settings, "5341")
    password = next(line.split("=", 1)[1] for line in bundle.files["kcat.conf"].read_text().splitlines()
                    if line.startswith("sasl.password="))
    old = kafka_client_config(settings.model_copy(update={"kafka_password": SecretStr(password)}), "zone-5341")
    await check_credentials(old)
    zones.revoke(settings, "5341")
    assert not bundle.folder.exists()
    with pytest.raises(KafkaAuthError):
        await check_credentials(old)


# -- each service principal -------------------------------------------------------------------


@pytest.mark.parametrize("principal", acl.TABLE, ids=lambda p: p.name)
async def test_each_service_principal_is_refused_outside_its_table(principal: acl.Principal,
                                                                   settings: Settings) -> None:
    """Given a service's own credentials (it logs in), when it reads a topic its row of the ACL
    table does not grant, and writes to one it does not grant, then the broker refuses both."""
    kafka = kafka_client_config(settings, principal.name)
    await check_credentials(kafka)
    with pytest.raises(TopicAuthorizationFailedError):
        await read_one(kafka, first_forbidden(principal, "READ"))
    with pytest.raises(TopicAuthorizationFailedError):
        await write_one(kafka, first_forbidden(principal, "WRITE"))


# -- a service with a missing or wrong secret stops at start ----------------------------------


@pytest.mark.parametrize("case", ["missing", "wrong"])
def test_a_service_with_a_missing_or_wrong_secret_stops_at_start_naming_the_setting(
    settings: Settings, tmp_path: Path, case: str
) -> None:
    """Given the classifier started with no password file (or a wrong BINRELAY_KAFKA_PASSWORD),
    when it starts, then it exits 2 at once naming the setting, and never prints a password."""
    env = {**os.environ, "BINRELAY_KAFKA": settings.kafka, "BINRELAY_REDIS_URL": settings.redis_url,
           "BINRELAY_METRICS_PORT": ""}
    env.pop("BINRELAY_METRICS_PORT")
    if case == "missing":
        # Every other secret is there (the CA, the Redis password): only the Kafka password is missing.
        (tmp_path / "tls").mkdir()
        (tmp_path / "tls" / "ca.pem").write_bytes((settings.secrets_dir / "tls" / "ca.pem").read_bytes())
        (tmp_path / "redis").mkdir()
        (tmp_path / "redis" / "classifier").write_bytes((settings.secrets_dir / "redis" / "classifier").read_bytes())
        env["BINRELAY_SECRETS_DIR"] = str(tmp_path)
    else:
        env["BINRELAY_KAFKA_PASSWORD"] = "wrong-password-123"
    run = subprocess.run([str(REPO / ".venv" / "bin" / "binrelay-classifier")], env=env, capture_output=True,
                         text=True, timeout=120, cwd=REPO)
    assert run.returncode == 2, run.stderr
    assert "BINRELAY_KAFKA_PASSWORD" in run.stderr
    if case == "missing":
        assert str(tmp_path / "kafka" / "classifier") in run.stderr
    else:
        assert "refused principal 'classifier'" in run.stderr
        assert "wrong-password-123" not in run.stderr + run.stdout


# -- transactions (issue 16): each stage's own transactional ids, read_committed zones ------------


#: The stages that run transactions, and the topic each reads (TxnOffsetCommit needs READ on it).
TRANSACTIONAL = {"classifier": topics.REPORTS_RECEIVED, "privacy-filter": topics.REPORTS_CLASSIFIED,
                 "dispatcher": topics.REPORTS_CLEARED}


async def _transaction(kafka: KafkaClientConfig, tid: str, topic: str, group: str,
                       source: str = topics.REPORTS_RECEIVED) -> None:
    """A transaction as a stage runs one: a record to ``topic`` and an offset of ``group`` on
    ``source``, committed."""
    from aiokafka import TopicPartition

    producer = AIOKafkaProducer(**kafka.aiokafka(), transactional_id=tid, request_timeout_ms=10_000)
    try:
        await asyncio.wait_for(producer.start(), 30)
        async with producer.transaction():
            await producer.send_and_wait(topic, b'{"check": "transactional write"}')
            await producer.send_offsets_to_transaction({TopicPartition(source, 0): 0}, group)
    finally:
        await producer.stop()


def test_the_table_grants_each_stage_its_own_transactional_id_prefix_and_no_one_else_any() -> None:
    for p in acl.TABLE:
        txn = {g for g in p.grants if g.resource == "TRANSACTIONAL_ID"}
        if p.name in TRANSACTIONAL:
            prefix = f"binrelay.{p.name}."
            assert txn == {acl.Grant("TRANSACTIONAL_ID", prefix, op, prefixed=True) for op in ("WRITE", "DESCRIBE")}
        else:
            assert txn == set(), f"{p.name} does not run transactions"


@pytest.mark.parametrize("name", TRANSACTIONAL)
async def test_a_stage_runs_a_transaction_with_its_own_id_and_is_refused_another_stages(
    settings: Settings, name: str
) -> None:
    """Given a stage's principal (its grants: the table's row, nothing more), when it commits a
    transaction (a record and its group's offsets) with a transactional id of its own prefix, then
    the broker takes it; with another stage's prefix (which would fence that stage's producer),
    the broker refuses: transactional id authorization failed."""
    from aiokafka.errors import KafkaError

    from binrelay_shared.transactions import transactional_id

    kafka = kafka_client_config(settings, name)
    other = next(o for o in TRANSACTIONAL if o != name)
    group, source = f"binrelay-{name}", TRANSACTIONAL[name]
    await _transaction(kafka, transactional_id(name, "acl-check", "ordinary", "t"), topics.DLQ, group, source)
    with pytest.raises(KafkaError) as refused:
        await _transaction(kafka, transactional_id(other, other, "ordinary", "t"), topics.DLQ, group, source)
    assert "TransactionalIdAuthorization" in type(refused.value).__name__, repr(refused.value)


async def test_a_principal_without_a_transactional_grant_cannot_open_a_transaction(settings: Settings) -> None:
    """Given a sender's principal (no transactional grant), when it starts a transactional producer
    with any id, the broker refuses."""
    from aiokafka.errors import KafkaError

    kafka = kafka_client_config(settings, "sender-sms")
    with pytest.raises(KafkaError) as refused:
        await _transaction(kafka, "binrelay.sender-sms.x.ordinary.0", topics.DELIVERIES, "binrelay-sender-sms")
    assert "TransactionalIdAuthorization" in type(refused.value).__name__, repr(refused.value)


def test_a_zone_with_its_kcat_conf_never_sees_an_aborted_transaction(zone_bundles: dict[str, zones.ZoneBundle],
                                                                    kafka_bootstrap: str) -> None:
    """Given zone 5339's bundle (isolation.level=read_committed in every client file), when a
    transaction writes a dispatch to its feed and is aborted, and another is committed, then the
    zone's kcat line shows the committed one only."""
    from tests.kafka_helpers import admin_kafka

    b = zone_bundles[TEST_ZONE]
    for name in ("kcat.conf", "client.properties"):
        assert "isolation.level=read_committed" in b.files[name].read_text().splitlines(), name
    assert 'isolation_level="read_committed"' in b.files["consume.py"].read_text()
    marker = f"txn-{os.getpid()}"

    async def write() -> None:
        producer = AIOKafkaProducer(**admin_kafka(kafka_bootstrap).aiokafka(), transactional_id=f"test-zone-{marker}")
        await producer.start()
        try:
            await producer.begin_transaction()
            await producer.send_and_wait(b.topic, f'{{"marker": "{marker}-aborted"}}'.encode())
            await producer.abort_transaction()
            async with producer.transaction():
                await producer.send_and_wait(b.topic, f'{{"marker": "{marker}-committed"}}'.encode())
        finally:
            await producer.stop()

    asyncio.run(write())
    run = kcat("-F", str(b.files["kcat.conf"]), "-t", b.topic, "-C", "-o", "beginning", "-e")
    assert run.returncode == 0, run.stderr
    assert f"{marker}-committed" in run.stdout
    assert f"{marker}-aborted" not in run.stdout


# -- the auditor ------------------------------------------------------------------------------


async def test_the_auditor_reads_every_topic_the_audit_needs_and_can_change_nothing(settings: Settings) -> None:
    """Given the ``auditor`` principal (binrelay audit's), when the audit reads every audited topic
    from a time (offsets by time, read_committed, no consumer group), then the broker lets it; and
    it is refused reading any other topic, writing any topic, joining a consumer group and
    creating a topic."""
    from datetime import timedelta

    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import GroupAuthorizationFailedError, TopicAuthorizationFailedError

    from binrelay_shared import audit
    from binrelay_shared.events import utcnow

    kafka = kafka_client_config(settings, acl.AUDITOR)
    await check_credentials(kafka)
    await audit.read_records(kafka, utcnow() - timedelta(minutes=10), timeout=120)
    pipeline = sorted(topics.all_topics([TEST_ZONE]))
    audited = audit.audited_topics(pipeline)
    assert {"received", "dispatch", "job", "outcome", "letter"} == set(audited.values())
    for topic in sorted(set(pipeline) - set(audited)):  # classified, cleared, responses, members' changes
        with pytest.raises(TopicAuthorizationFailedError):
            await read_one(kafka, topic)
    for topic in pipeline:
        with pytest.raises(TopicAuthorizationFailedError):
            await write_one(kafka, topic)
    consumer = AIOKafkaConsumer(topics.DLQ, **kafka.aiokafka(), group_id="binrelay-audit", auto_offset_reset="earliest")
    with pytest.raises(GroupAuthorizationFailedError):
        try:
            await consumer.start()
            await consumer.getmany(timeout_ms=5000)
        finally:
            await consumer.stop()
    admin = AIOKafkaAdminClient(**kafka.aiokafka())
    await admin.start()
    try:
        answer = await admin.create_topics([NewTopic("bin.audit-made.v1", 1, 1)])
    except TopicAuthorizationFailedError:
        pass
    else:
        assert {err for _, err, *_ in answer.topic_errors} == {TopicAuthorizationFailedError.errno}, answer
    finally:
        await admin.close()
