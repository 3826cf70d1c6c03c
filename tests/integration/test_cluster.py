"""A replicated cluster: a stage's output survives the loss of the partition leader broker.

deploy/local/kafka.sh starts 3 combined broker+controller nodes (KAFKA_NODES=3) on free ports,
secure as `make up`'s single node, with the session's secrets folder; `ensure_topics` creates the
pipeline's topics with replication factor 3 and ``min.insync.replicas=2``. The classifier runs as
a process, as its own principal, producing idempotently with ``acks=all``
(binrelay_shared.kafka.DURABLE). Mid-stream, the broker leading the classifier's output partitions
is killed with SIGKILL. Every input report must be on the output topic afterwards: a record the
stage has committed its input past was acknowledged by two replicas, so it survives one broker.

The classifier consumes and publishes in Kafka transactions (binrelay_shared.transactions) and
the output is read with read_committed, as a zone reads: when the failover interrupts a batch, its
transaction is aborted or committed whole, so each report is on the output exactly once (counted
with a Counter: repeats included).

The second test makes the difference between ``acks=1`` and ``acks=all`` certain rather than
a matter of timing: the followers are paused while the leader takes records, then the leader is
killed.

One cluster start costs ~20-40 s, paid once in `make test` (the module: ~70-110 s here). No
assertion on time: the deadlines are generous and only bound a hung run.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from binrelay_shared import topics
from binrelay_shared.codec import encode
from binrelay_shared.events import Report, Reporter, ReportReceived, Stamps, new_id, utcnow
from binrelay_shared.kafka import DURABLE, ensure_topics
from binrelay_shared.settings import Settings
from binrelay_shared.zones import admin_config, apply_table
from tests.conftest import LOCAL, REPO, TEST_ZONE, free_port
from tests.kafka_helpers import admin_kafka, produce_to_every_partition

pytestmark = pytest.mark.integration

NODES = 3
REPORTS = 600


class Cluster:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.bootstrap = ""

    def run(self, *args: str) -> str:
        done = subprocess.run([str(LOCAL / "kafka.sh"), *args], env=self.env, check=True,
                              capture_output=True, text=True)
        return done.stdout.strip()

    def pid(self, node: int) -> int:
        return int(self.run("pid", str(node)))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, secrets_dir: Path) -> Iterator[Cluster]:
    ports = [free_port() for _ in range(NODES)]
    env = {
        **os.environ,
        "KAFKA_NODES": str(NODES),
        "KAFKA_PORT": str(ports[0]),
        "KAFKA_PORTS": ",".join(map(str, ports)),
        "KAFKA_CTRL_PORTS": ",".join(str(free_port()) for _ in range(NODES)),
        "KAFKA_DATA_DIR": str(tmp_path_factory.mktemp("kafka-cluster")),
        "KAFKA_HEAP": "256m",
        "BINRELAY_SECRETS_DIR": str(secrets_dir),
    }
    env.pop("KAFKA_SECURITY", None)
    c = Cluster(env)
    try:
        subprocess.run([str(LOCAL / "kafka.sh"), "start"], env=env, check=True)
        c.bootstrap = c.run("bootstrap")
        assert c.bootstrap == ",".join(f"127.0.0.1:{p}" for p in ports)
        s = Settings(kafka=c.bootstrap, secrets_dir=secrets_dir)
        asyncio.run(ensure_topics(admin_config(s), [TEST_ZONE]))
        apply_table(s)
        yield c
    finally:
        subprocess.run([str(LOCAL / "kafka.sh"), "stop"], env=env, check=False)


def _start_classifier(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([str(REPO / ".venv" / "bin" / "binrelay-classifier")], env=env,
                                stdout=out, stderr=out, cwd=REPO)


def _event(i: int) -> ReportReceived:
    return ReportReceived(
        report_id=new_id(),
        network_id=("zavel", "kastelein", "meudon")[i % 3],
        zone_id=TEST_ZONE,
        trace_id=new_id(),
        stamps=Stamps(received=utcnow()),
        report=Report(text=f"Gisteren werd fiets nummer {i} gestolen.", reporter=Reporter(ref=f"cluster-{i}")),
    )


async def _leaders(bootstrap: str, topic: str) -> dict[int, int]:
    """partition -> node id of its leader (fresh metadata)."""
    admin = AIOKafkaAdminClient(**admin_kafka(bootstrap).aiokafka())
    await admin.start()
    try:
        [desc] = await admin.describe_topics([topic])
        return {p.get("partition", p.get("partition_index")): p.get("leader", p.get("leader_id"))
                for p in desc["partitions"]}
    finally:
        await admin.close()


async def test_topics_are_replicated_three_times_with_two_in_sync(cluster: Cluster) -> None:
    admin = AIOKafkaAdminClient(**admin_kafka(cluster.bootstrap).aiokafka())
    await admin.start()
    try:
        [desc] = await admin.describe_topics([topics.REPORTS_CLASSIFIED])
        assert {len(p.get("replicas", p.get("replica_nodes", ()))) for p in desc["partitions"]} == {3}, desc
        [config] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topics.REPORTS_CLASSIFIED)])
        values = {name: value for (name, value, *_) in config.resources[0][4]}
        assert values["min.insync.replicas"] == "2"
    finally:
        await admin.close()


async def test_a_stage_loses_nothing_when_the_partition_leader_broker_is_killed(
    cluster: Cluster, redis_url: str, tmp_path: Path
) -> None:
    """Given the classifier working through reports on a 3-node cluster,
    when the broker leading its output partitions is killed (SIGKILL) mid-stream,
    then every report reaches the output topic exactly once (read_committed)."""
    events = [_event(i) for i in range(REPORTS)]
    ids = {e.report_id for e in events}
    kafka = admin_kafka(cluster.bootstrap).aiokafka()
    env = {
        **cluster.env,
        "BINRELAY_KAFKA": cluster.bootstrap,
        "BINRELAY_REDIS_URL": redis_url,
        "BINRELAY_ZONE_ID": TEST_ZONE,
        "BINRELAY_NETWORKS_DIR": str(REPO / "deploy" / "networks"),
        "BINRELAY_METRICS_PORT": str(free_port()),
        "BINRELAY_LOG_JSON": "true",
    }
    log = tmp_path / "classifier.log"
    stage = _start_classifier(env, log)
    producer = AIOKafkaProducer(**kafka, **DURABLE)
    reader = AIOKafkaConsumer(topics.REPORTS_CLASSIFIED, topics.lane(topics.REPORTS_CLASSIFIED, True), **kafka,
                              auto_offset_reset="earliest", enable_auto_commit=False, isolation_level="read_committed")
    seen: Counter[str] = Counter()
    await producer.start()
    await reader.start()

    async def read() -> None:
        assert stage.poll() is None, "the classifier exited:\n" + log.read_text()[-3000:]
        for records in (await reader.getmany(timeout_ms=500)).values():
            for r in records:
                rid = encode_id(r.value)
                if rid:
                    seen[rid] += 1

    async def read_until(count: int, timeout: float, wanted: set[str] = ids) -> None:
        deadline = time.monotonic() + timeout
        while len(seen.keys() & wanted) < count:
            assert time.monotonic() < deadline, (
                f"{len(seen.keys() & wanted)} of {count} reports on the output\n" + log.read_text()[-3000:])
            await read()

    async def read_to_end(timeout: float) -> None:
        """Until every output partition's position reaches its end (read_committed: the last
        stable offset) as of the call."""
        ends = await reader.end_offsets(list(reader.assignment()))
        deadline = time.monotonic() + timeout
        while [tp for tp, end in ends.items() if await reader.position(tp) < end]:
            assert time.monotonic() < deadline, "the output was not read to its end\n" + log.read_text()[-3000:]
            await read()

    async def feed(part: list[ReportReceived]) -> None:
        for e in part:
            await producer.send(topics.REPORTS_RECEIVED, encode(e), key=e.network_id.encode())
            await asyncio.sleep(0.005)
        await producer.flush()

    try:
        third = REPORTS // 3
        await feed(events[:third])
        await read_until(third // 2, timeout=120)
        leaders = Counter((await _leaders(cluster.bootstrap, topics.REPORTS_CLASSIFIED)).values())
        victim = leaders.most_common(1)[0][0]
        feeding = asyncio.create_task(feed(events[third:]))
        await asyncio.sleep(0.3)  # mid-stream: the classifier is publishing
        os.kill(cluster.pid(victim), signal.SIGKILL)
        await feeding
        await read_until(REPORTS, timeout=180)
        # A repeat would come from the classifier reading an input partition again from its last
        # commit. A sentinel behind everything in each input partition: once every sentinel is on
        # the output, the classifier is past every report, and each repeat is before the output's
        # end (its transaction came first) — no quiet moment to guess.
        sentinels: set[str] = set()

        def sentinel(partition: int) -> tuple[bytes, bytes]:
            e = _event(partition)
            sentinels.add(e.report_id)
            return (e.network_id or "").encode(), encode(e)

        await produce_to_every_partition(cluster.bootstrap, topics.REPORTS_RECEIVED, sentinel)
        await read_until(len(sentinels), timeout=180, wanted=sentinels)
        await read_to_end(timeout=120)
    finally:
        stage.send_signal(signal.SIGTERM)
        try:
            stage.wait(20)
        except subprocess.TimeoutExpired:
            stage.kill()
        await reader.stop()
        await producer.stop()
    counts = {k: v for k, v in seen.items() if k in ids}
    repeats = sum(v - 1 for v in counts.values())
    print(f"\ncluster failover: node {victim} (leader of {leaders[victim]} output partitions) killed;"
          f" {REPORTS} reports in, {len(counts)} distinct out, {repeats} repeats (read_committed)")
    assert set(counts) == ids, f"{len(ids - set(counts))} reports lost"
    assert repeats == 0, f"{repeats} repeats on the output: not exactly once"


def encode_id(raw: bytes | None) -> str | None:
    import orjson

    try:
        value = orjson.loads(raw or b"")
    except orjson.JSONDecodeError:
        return None
    return value.get("report_id") if isinstance(value, dict) else None


async def test_an_acknowledged_record_survives_its_leader_while_the_followers_lag(cluster: Cluster) -> None:
    """Given the followers of a partition paused (SIGSTOP: still in the ISR, not fetching),
    when a producer with the pipeline's settings (DURABLE) sends, the leader is killed (SIGKILL)
    and the followers resume (one of them becomes the leader),
    then every record the producer was told is written is on the topic.

    With ``acks=1`` the leader acknowledges at once and the records die with it (DURABLE set to
    acks=1, no idempotence, as before: "50 of 50 acknowledged, 0 of those on the topic"); with
    ``acks=all`` nothing is
    acknowledged until a follower has it, and the idempotent producer's retries land the records on
    the new leader once."""
    cluster.run("start")  # the node the other test killed, back
    topic = f"test.durability.{new_id()}"
    kafka = admin_kafka(cluster.bootstrap).aiokafka()
    admin = AIOKafkaAdminClient(**kafka)
    await admin.start()
    try:
        from aiokafka.admin import NewTopic

        await admin.create_topics([NewTopic(topic, 1, 3, topic_configs={"min.insync.replicas": "2"})])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(**kafka, **DURABLE)
    await producer.start()
    paused: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while True:  # every replica in sync before the fault
            admin = AIOKafkaAdminClient(**kafka)
            await admin.start()
            try:
                [desc] = await admin.describe_topics([topic])
            finally:
                await admin.close()
            [part] = desc["partitions"]
            if len(part.get("isr", part.get("isr_nodes", ()))) == 3:
                break
            assert time.monotonic() < deadline, f"replicas not in sync: {part}"
            await asyncio.sleep(0.5)
        await producer.send_and_wait(topic, b"warm-up")
        leader = part.get("leader", part.get("leader_id"))
        followers = [n for n in range(1, NODES + 1) if n != leader]
        for n in followers:
            pid = cluster.pid(n)
            os.kill(pid, signal.SIGSTOP)
            paused.append(pid)
        futures = [await producer.send(topic, f"r{i}".encode()) for i in range(50)]
        await asyncio.sleep(1.5)
        os.kill(cluster.pid(leader), signal.SIGKILL)
        for pid in paused:
            os.kill(pid, signal.SIGCONT)
        paused.clear()
        results = await asyncio.wait_for(asyncio.gather(*futures, return_exceptions=True), timeout=120)
    finally:
        for pid in paused:
            os.kill(pid, signal.SIGCONT)
        await producer.stop()
    acknowledged = {f"r{i}" for i, r in enumerate(results) if not isinstance(r, BaseException)}
    found: Counter[str] = Counter()
    reader = AIOKafkaConsumer(topic, **kafka, auto_offset_reset="earliest", enable_auto_commit=False)
    await reader.start()
    try:
        deadline = time.monotonic() + 60
        while not acknowledged <= set(found) and time.monotonic() < deadline:
            for records in (await reader.getmany(timeout_ms=1000)).values():
                found.update(r.value.decode() for r in records if r.value and r.value != b"warm-up")
    finally:
        await reader.stop()
    cluster.run("start")
    print(f"\nleader {leader} killed with its followers paused: {len(acknowledged)} of 50 acknowledged,"
          f" {len(acknowledged & set(found))} of those on the topic, {sum(found.values())} records read")
    assert acknowledged, "nothing was acknowledged: the producer gave up"
    assert acknowledged <= set(found), f"{len(acknowledged - set(found))} acknowledged records lost"
    assert max(found.values()) == 1, "a record was written twice (the producer's retries are idempotent)"
