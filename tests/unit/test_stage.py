"""The stage shell on faststream's in-memory TestKafkaBroker: decode → call → publish, dead letters."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker
from prometheus_client import CollectorRegistry

from binrelay_shared import topics
from binrelay_shared.codec import encode
from binrelay_shared.events import Report, Reporter, ReportReceived, Stamps, utcnow
from binrelay_shared.metrics import StageMetrics
from binrelay_shared.stage import Out, Stage


def _event(report_id: str, text: str = "Inbraak bezig") -> ReportReceived:
    return ReportReceived(
        report_id=report_id,
        network_id="meudon",
        zone_id="5339",
        trace_id="t",
        stamps=Stamps(received=utcnow()),
        report=Report(text=text, reporter=Reporter(ref="m-1")),
    )


async def test_a_stage_publishes_one_output_per_input_and_dead_letters_the_rest() -> None:
    """Given a stage whose work fails on one report,
    when a batch holds a good report, garbage and the failing report,
    then the good one is published and the two others are dead-lettered with their reasons."""
    broker = KafkaBroker()
    registry = CollectorRegistry()

    async def process(events: list[ReportReceived]) -> list[list[Out]]:
        if any(e.report.text == "boom" for e in events):
            raise ValueError("boom")
        return [[Out("bin.test.out", e)] for e in events]

    stage = Stage(
        name="test",
        input_topic=topics.REPORTS_RECEIVED,
        model=ReportReceived,
        process=process,
        metrics=StageMetrics(registry, "test"),
    )
    stage.attach(broker)
    outputs: list[dict[str, object]] = []
    letters: list[dict[str, object]] = []

    @broker.subscriber("bin.test.out")
    async def sink(body: dict[str, object]) -> None:
        outputs.append(body)

    @broker.subscriber(topics.DLQ)
    async def dlq(body: dict[str, object]) -> None:
        letters.append(body)

    async with TestKafkaBroker(broker) as br:
        await br.publish_batch(
            encode(_event("good")), b"garbage", encode(_event("bad", text="boom")), topic=topics.REPORTS_RECEIVED
        )

    assert [o["report_id"] for o in outputs] == ["good"]
    assert sorted((x["reason"], x["report_id"]) for x in letters) == [
        ("decode_error", None),
        ("processing_error", "bad"),
    ]
    assert registry.get_sample_value("binrelay_dead_letters_total", {"stage": "test", "reason": "decode_error"}) == 1
    assert registry.get_sample_value("binrelay_messages_in_total", {"stage": "test"}) == 3


async def test_urgent_reports_are_published_before_the_rest_of_their_batch_is_processed() -> None:
    """Given a batch with ordinary reports around an urgent one,
    when the stage handles it, then the urgent report's output is published (and awaited)
    before the ordinary reports are even processed."""
    from aiokafka import ConsumerRecord

    events = [_event("calm-1"), _event("urgent").model_copy(update={"possibly_urgent": True}), _event("calm-2")]
    timeline: list[str] = []

    async def process(batch: list[ReportReceived]) -> list[list[Out]]:
        timeline.append("process " + ",".join(e.report_id for e in batch))
        return [[Out("bin.test.out", e)] for e in batch]

    async def publish(topic: str, value: bytes, key: bytes | None) -> None:
        timeline.append("publish " + orjson.loads(value)["report_id"])

    stage = Stage(
        name="test",
        input_topic=topics.REPORTS_RECEIVED,
        model=ReportReceived,
        process=process,
        metrics=StageMetrics(CollectorRegistry(), "test"),
    )
    stage.publish = publish
    records = [
        ConsumerRecord(topics.REPORTS_RECEIVED, 0, i, 0, 0, None, encode(e), None, 0, 0, [])
        for i, e in enumerate(events)
    ]
    await stage.handle_records(records)
    assert timeline == [
        "process urgent",
        "publish urgent",
        "process calm-1,calm-2",
        "publish calm-1",
        "publish calm-2",
    ]


async def test_an_urgent_report_fetched_during_a_large_batch_waits_for_one_chunk_not_the_batch() -> None:
    """Given a stage working on 100 ordinary reports in chunks of 10,
    when an urgent report is fetched by the consumer while the first chunk is worked on,
    then it is processed and published right after that chunk, before the other 90,
    and every record the call took in is handed back for the commit."""
    from aiokafka import ConsumerRecord

    timeline: list[str] = []

    async def process(batch: list[ReportReceived]) -> list[list[Out]]:
        timeline.append(f"process {len(batch)}" + (" urgent" if batch[0].possibly_urgent else ""))
        return [[Out("bin.test.out", e)] for e in batch]

    async def publish(topic: str, value: bytes, key: bytes | None) -> None:
        if orjson.loads(value)["possibly_urgent"]:
            timeline.append("publish urgent")

    stage = Stage(
        name="test",
        input_topic=topics.REPORTS_RECEIVED,
        model=ReportReceived,
        process=process,
        metrics=StageMetrics(CollectorRegistry(), "test"),
    )
    stage.publish = publish
    stage.chunk_records = 10

    def record(offset: int, event: ReportReceived) -> ConsumerRecord[bytes, bytes]:
        return ConsumerRecord(topics.REPORTS_RECEIVED, 0, offset, 0, 0, None, encode(event), None, 0, 0, [])

    records = [record(i, _event(f"calm-{i}")) for i in range(100)]
    late = [record(100, _event("urgent").model_copy(update={"possibly_urgent": True}))]

    async def pull(n: int) -> list[ConsumerRecord[bytes, bytes]]:
        taken, late[:] = list(late), []
        return taken

    await stage.handle_records(records, pull=pull, limit=500)
    assert timeline[:3] == ["process 10", "process 1 urgent", "publish urgent"]
    assert timeline[3:] == ["process 10"] * 9
    assert [r.offset for r in records] == list(range(101))


async def test_an_empty_poll_is_not_followed_by_a_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """Given a stage attached to a broker, when its consumer's poll finds nothing,
    then the subscriber polls again at once (faststream's own batch subscriber sleeps
    batch_timeout_ms first, and a record arriving meanwhile waits for that sleep)."""
    import anyio
    from faststream.kafka.subscriber.usecase import BatchSubscriber

    from binrelay_shared.consumer import PromptBatchSubscriber

    broker = KafkaBroker()
    stage = Stage(name="test", input_topic=topics.REPORTS_RECEIVED, model=ReportReceived,
                  process=_passthrough, metrics=StageMetrics(CollectorRegistry(), "test"))
    stage.attach(broker, batch_timeout_ms=100)
    subscribers = [s for s in broker.subscribers if isinstance(s, BatchSubscriber)]
    assert len(subscribers) == 2  # the input topic and its urgent twin
    assert all(isinstance(s, PromptBatchSubscriber) for s in subscribers)
    subscriber = subscribers[0]

    async def no_sleep(seconds: float) -> None:
        raise AssertionError(f"paused {seconds} s after an empty poll")

    polls: list[tuple[int, int]] = []

    class Consumer:
        async def getmany(self, timeout_ms: int, max_records: int) -> dict[object, list[object]]:
            polls.append((timeout_ms, max_records))
            return {}

    monkeypatch.setattr(anyio, "sleep", no_sleep)
    assert await subscriber.get_msg(Consumer()) == ()
    assert polls == [(100, 500)]


async def _passthrough(events: list[ReportReceived]) -> list[list[Out]]:
    return [[Out("bin.test.out", e)] for e in events]


async def test_urgent_outputs_go_on_the_urgent_lane_and_others_on_the_topic() -> None:
    """Given a stage whose outputs go to the classified-reports topic,
    when it handles an urgent and an ordinary report,
    then the urgent one is published on the topic's urgent twin, the ordinary one on the topic,
    and both are traced and counted under the topic's own name."""
    from aiokafka import ConsumerRecord

    published: list[tuple[str, str]] = []

    async def process(batch: list[ReportReceived]) -> list[list[Out]]:
        return [[Out(topics.REPORTS_CLASSIFIED, e)] for e in batch]

    async def publish(topic: str, value: bytes, key: bytes | None) -> None:
        published.append((orjson.loads(value)["report_id"], topic))

    registry = CollectorRegistry()
    stage = Stage(name="test", input_topic=topics.REPORTS_RECEIVED, model=ReportReceived, process=process,
                  metrics=StageMetrics(registry, "test"))
    stage.publish = publish
    events = [_event("calm"), _event("urgent").model_copy(update={"possibly_urgent": True})]
    records = [ConsumerRecord(topics.REPORTS_RECEIVED, 0, i, 0, 0, None, encode(e), None, 0, 0, [])
               for i, e in enumerate(events)]
    await stage.handle_records(records)
    assert sorted(published) == [("calm", topics.REPORTS_CLASSIFIED),
                                 ("urgent", topics.URGENT_LANE[topics.REPORTS_CLASSIFIED])]
    assert registry.get_sample_value(
        "binrelay_messages_out_total", {"stage": "test", "topic": topics.REPORTS_CLASSIFIED}) == 2


_ORDINARY = (topics.REPORTS_RECEIVED, "binrelay-t")
_URGENT = (topics.URGENT_LANE[topics.REPORTS_RECEIVED], "binrelay-t-urgent")


@pytest.mark.parametrize(
    ("lanes", "expected"), [("both", {_ORDINARY, _URGENT}), ("ordinary", {_ORDINARY}), ("urgent", {_URGENT})]
)
def test_a_stage_process_reads_the_lanes_it_is_given(lanes: str, expected: set[tuple[str, str]]) -> None:
    """Given a stage on the received-reports topic, when it is attached for one lane or both,
    then it subscribes to that lane's topic only, in that lane's consumer group."""
    broker = KafkaBroker()
    stage = Stage(name="t", input_topic=topics.REPORTS_RECEIVED, model=ReportReceived, process=_passthrough,
                  metrics=StageMetrics(CollectorRegistry(), "t"))
    stage.attach(broker, lanes=lanes)
    subscribed = {(name, sub.group_id) for sub in broker.subscribers for name in sub.topic_names}  # type: ignore[attr-defined]
    assert subscribed == expected


@pytest.mark.parametrize(("lanes", "nice", "expected"), [("ordinary", 10, [10]), ("ordinary", 0, []),
                                                         ("urgent", 10, []), ("both", 10, [])])
def test_only_a_process_of_the_ordinary_lane_alone_lowers_its_cpu_priority(
    monkeypatch: pytest.MonkeyPatch, lanes: str, nice: int, expected: list[int]
) -> None:
    """Given a stage process's lanes and ordinary_nice, when it starts,
    then it renices itself only if it reads the ordinary lane alone (and a niceness is set)."""
    from binrelay_shared import runtime
    from binrelay_shared.settings import Settings

    calls: list[int] = []
    monkeypatch.setattr(runtime.os, "nice", calls.append)
    runtime.yield_to_urgent_lane(Settings(lanes=lanes, ordinary_nice=nice))
    assert calls == expected


def test_a_bad_lanes_setting_stops_the_service_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Given BINRELAY_LANES set to a value that is no lane, when a service reads its settings,
    then it exits with status 2 and a message naming the variable and the allowed values."""
    from binrelay_shared.settings import Settings, settings_or_exit

    monkeypatch.setenv("BINRELAY_LANES", "fast")
    with pytest.raises(SystemExit) as exit_info:
        settings_or_exit(Settings)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "BINRELAY_LANES='fast'" in err and "'ordinary'" in err and "Traceback" not in err


async def test_a_batch_whose_work_cannot_reach_redis_is_retried_not_dead_lettered() -> None:
    """Given a stage whose work needs Redis, and Redis unreachable for a moment,
    when a batch is handled, then the call raises (the handler rewinds and retries the batch)
    and nothing is dead-lettered; when Redis is back, the same batch is published."""
    from aiokafka import ConsumerRecord
    from redis.exceptions import ConnectionError as RedisConnectionError

    published: list[tuple[str, str]] = []
    redis_up = False

    async def process(batch: list[ReportReceived]) -> list[list[Out]]:
        if not redis_up:
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        return [[Out("bin.test.out", e)] for e in batch]

    async def publish(topic: str, value: bytes, key: bytes | None) -> None:
        published.append((topic, orjson.loads(value).get("report_id")))

    registry = CollectorRegistry()
    stage = Stage(name="test", input_topic=topics.REPORTS_RECEIVED, model=ReportReceived, process=process,
                  metrics=StageMetrics(registry, "test"))
    stage.publish = publish
    records = [ConsumerRecord(topics.REPORTS_RECEIVED, 0, i, 0, 0, None, encode(_event(f"r-{i}")), None, 0, 0, [])
               for i in range(3)]
    with pytest.raises(RedisConnectionError):
        await stage.handle_records(list(records))
    assert published == []
    redis_up = True
    await stage.handle_records(list(records))
    assert published == [("bin.test.out", f"r-{i}") for i in range(3)]
    assert registry.get_sample_value(
        "binrelay_dead_letters_total", {"stage": "test", "reason": "processing_error"}) in (None, 0)


# --- compensation: what a batch did elsewhere, undone or confirmed with it ---------------------


class _Claims:
    """A :class:`~binrelay_shared.stage.Compensation` like the dispatcher's: the work claims each
    report; a failed batch's claims are dropped, a published one's are confirmed."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.batch: list[str] = []
        self.published: list[str] = []
        self.done: list[str] = []

    def begin_batch(self) -> None:
        self.calls.append("begin")
        self.batch = []

    async def undo_batch(self) -> None:
        self.calls.append("undo")
        self.batch = []

    def batch_published(self) -> None:
        self.calls.append("published")
        self.published += self.batch
        self.batch = []

    async def confirm_published(self) -> None:
        self.calls.append("confirm")
        self.done += self.published
        self.published = []


def _records(ids: list[str]) -> list[Any]:
    from aiokafka import ConsumerRecord

    return [ConsumerRecord(topics.REPORTS_RECEIVED, 0, i, 0, 0, None, encode(_event(rid)), None, 0, 0, [])
            for i, rid in enumerate(ids)]


class _Broker:
    """A publisher that refuses every message while ``down``, and keeps the report ids it took."""

    def __init__(self, down: bool = True) -> None:
        self.down = down
        self.published: list[str] = []

    async def __call__(self, topic: str, value: bytes, key: bytes | None) -> None:
        if self.down:
            raise ConnectionError("broker gone")
        self.published.append(orjson.loads(value)["report_id"])


def _claiming(claims: _Claims) -> Any:
    async def process(batch: list[ReportReceived]) -> list[list[Out]]:
        claims.batch += [e.report_id for e in batch]
        return [[Out("bin.test.out", e)] for e in batch]

    return process


async def test_a_compensated_batch_whose_publishing_fails_is_undone_and_confirmed_once_retried() -> None:
    """Given a stage with a compensation (claims made by its work) and a broker that refuses to publish,
    when a batch is handled, then the call raises (the handler rewinds the batch) and the
    compensation undid the batch's claims — nothing is confirmed;
    when the same batch is handled again with the broker back,
    then its outputs are published and, after that, its claims confirmed."""
    claims = _Claims()
    broker = _Broker()
    stage = Stage(name="test", input_topic=topics.REPORTS_RECEIVED, model=ReportReceived,
                  process=_claiming(claims), metrics=StageMetrics(CollectorRegistry(), "test"),
                  compensation=claims)
    stage.publish = broker
    with pytest.raises(ConnectionError):
        await stage.handle_records(_records(["r-1", "r-2"]))
    assert claims.calls == ["begin", "undo"]
    assert claims.done == [] and claims.batch == []

    broker.down = False
    await stage.handle_records(_records(["r-1", "r-2"]))
    assert claims.calls == ["begin", "undo", "begin", "published", "confirm"]
    assert broker.published == ["r-1", "r-2"] and claims.done == ["r-1", "r-2"]


async def test_a_stage_with_a_trace_writer_confirms_after_its_trace_write() -> None:
    """Given a compensated stage that writes a trace (Redis unreachable: the trace is a convenience),
    when a batch is published, then the compensation's confirmation runs as the trace writer's
    rider, after the batch is handed on: the batch's trace is written once it is published (in a
    transaction: committed), never before."""
    from redis.asyncio import Redis

    claims = _Claims()
    down = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    stage = Stage(name="test", input_topic=topics.REPORTS_RECEIVED, model=ReportReceived,
                  process=_claiming(claims), metrics=StageMetrics(CollectorRegistry(), "test"),
                  redis=down, compensation=claims)
    stage.publish = _Broker(down=False)
    try:
        assert stage.trace is not None and stage.trace.riders == [claims.confirm_published]
        await stage.handle_records(_records(["r-1"]))
    finally:
        await down.aclose()
    assert claims.calls == ["begin", "published", "confirm"]
    assert claims.done == ["r-1"]


async def test_a_stage_without_compensation_handles_a_failed_publish_as_before() -> None:
    """Given a stage with no compensation (every stage but the dispatcher's),
    when its publishing fails, then the call raises and nothing else happens;
    when retried, the batch is published; its trace writer has no rider."""
    from redis.asyncio import Redis

    broker = _Broker()
    down = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    stage = Stage(name="test", input_topic=topics.REPORTS_RECEIVED, model=ReportReceived, process=_passthrough,
                  metrics=StageMetrics(CollectorRegistry(), "test"), redis=down)
    stage.publish = broker
    try:
        assert stage.compensation is None and stage.trace is not None and stage.trace.riders == []
        with pytest.raises(ConnectionError):
            await stage.handle_records(_records(["r-1"]))
        broker.down = False
        await stage.handle_records(_records(["r-1"]))
    finally:
        await down.aclose()
    assert broker.published == ["r-1"]


async def test_outputs_made_outside_a_batch_are_emitted_under_the_stage_compensation() -> None:
    """Given a compensated stage and work done outside any consumed batch (a scheduler's tick),
    when its outputs cannot be published, then emit raises and the work is undone;
    when they can, emit publishes them, then the work is confirmed, and returns the outputs."""
    claims = _Claims()
    stage = Stage(name="test", input_topic=topics.REPORTS_RECEIVED, model=ReportReceived,
                  process=_passthrough, metrics=StageMetrics(CollectorRegistry(), "test"), compensation=claims)
    broker = _Broker()

    async def tick() -> list[Out]:
        claims.batch.append("timer-1")
        return [Out("bin.test.out", _event("timer-1"))]

    stage.publish = broker
    with pytest.raises(ConnectionError):
        await stage.emit(tick)
    assert claims.calls == ["begin", "undo"] and claims.done == []
    broker.down = False
    outs = await stage.emit(tick)
    assert [o.event.report_id for o in outs] == ["timer-1"]  # type: ignore[attr-defined]
    assert broker.published == ["timer-1"]
    assert claims.calls == ["begin", "undo", "begin", "published", "confirm"] and claims.done == ["timer-1"]
