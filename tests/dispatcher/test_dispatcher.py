"""The dispatcher's state handling on a real Redis, with an injected clock (no Kafka, no sleeping).

Dedup, acknowledgement and escalation, approval, quiet-hours release and the daily digest.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from prometheus_client import CollectorRegistry
from redis.asyncio import Redis

from binrelay_dispatcher import state
from binrelay_dispatcher.dispatcher import Dispatcher
from binrelay_dispatcher.metrics import DispatcherMetrics
from binrelay_shared import topics, trace
from binrelay_shared.events import DeliveryJob, Dispatch, ReportCleared, Response, ResponseKind
from binrelay_shared.network import Network
from binrelay_shared.stage import Out, Stage
from tests.redis_helpers import admin_redis

from .helpers import cleared, seed_networks

Nets = dict[str, Network]
NIGHT = datetime.fromisoformat("2026-03-03T23:30:00+01:00")
DAY = datetime.fromisoformat("2026-03-03T14:00:00+01:00")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = admin_redis(redis_url.rsplit("/", 1)[0] + "/2")  # its own database: timers are global
    await client.flushdb()
    yield client
    await client.aclose()


@pytest.fixture(scope="module")
def networks() -> dict[str, Network]:
    return seed_networks()


def jobs(outs: list[Out]) -> list[DeliveryJob]:
    return [o.event for o in outs if isinstance(o.event, DeliveryJob)]


def dispatches(outs: list[Out]) -> list[Dispatch]:
    return [o.event for o in outs if isinstance(o.event, Dispatch)]


def flat(results: list[list[Out]]) -> list[Out]:
    return [o for r in results for o in r]


async def test_same_report_twice_is_dispatched_once(redis: Redis, networks: Nets) -> None:
    """Given a police alarm for Zavel,
    when the same ReportCleared arrives twice in one batch and once more in a later batch,
    and another copy arrives under a new report id but with the same adapter message id,
    then one Dispatch and one job per recipient are produced, and nothing for the copies."""
    d = Dispatcher(networks, redis, Clock(NIGHT))
    alarm = cleared("zavel", NIGHT, origin="police", kind="alarm", urgency="urgent", adapter_message_id="m-1")
    first = await d.process_reports([alarm, alarm])
    assert len(dispatches(first[0])) == 1 and first[1] == []
    assert len(jobs(first[0])) == 7
    for job in jobs(first[0]):  # the sender can fall back without the members file
        assert set(job.fallback_addresses) == set(job.fallback)
    assert {o.topic for o in first[0] if isinstance(o.event, DeliveryJob)} <= {
        topics.outbox("sms"), topics.outbox("chat"), topics.outbox("email")}
    assert await d.process_reports([alarm]) == [[]]
    copy = alarm.model_copy(update={"report_id": "another-id-same-adapter-message"})
    assert await d.process_reports([copy]) == [[]]


async def test_undoing_a_batch_after_a_failed_publish_lets_the_retry_through(redis: Redis, networks: Nets) -> None:
    """Given a batch whose publishing failed,
    when its claims are released and the batch is processed again,
    then the retry produces the same jobs (nothing is lost), with the same delivery ids."""
    d = Dispatcher(networks, redis, Clock(NIGHT))
    alarm = cleared("zavel", NIGHT, origin="police", kind="alarm", urgency="urgent")
    d.claims.begin_batch()
    first = jobs(flat(await d.process_reports([alarm])))
    await d.claims.undo_batch()
    again = jobs(flat(await d.process_reports([alarm])))
    assert sorted(j.delivery_id for j in again) == sorted(j.delivery_id for j in first)


async def test_unacknowledged_urgent_report_escalates_to_the_officer(redis: Redis, networks: Nets) -> None:
    """Given an urgent member report in Meudon at 03:00 (acknowledgement timeout 10 min),
    when nobody acknowledges, and the scheduler looks at 03:09 and then at 03:10,
    then nothing happens at 03:09 and the officer gets an escalation SMS at 03:10, once."""
    at = datetime.fromisoformat("2026-03-03T03:00:00+01:00")
    clock = Clock(at)
    registry = CollectorRegistry()
    d = Dispatcher(networks, redis, clock, DispatcherMetrics(registry))
    report = cleared("meudon", at, urgency="urgent", category="burglary")
    initial = jobs(flat(await d.process_reports([report])))
    assert {j.audience for j in initial} == {"coordinators"} and {j.channel.value for j in initial} == {"sms"}
    assert {j.purpose for j in initial} == {"message"}
    clock.now = at + timedelta(minutes=9)
    assert await d.due() == []
    clock.now = at + timedelta(minutes=10)
    escalated = jobs(await d.due())
    assert [(j.audience, j.recipient_id, j.channel.value) for j in escalated] == [
        ("officer", "officer-5339-meudon", "sms")]
    assert "ESCALATIE" in escalated[0].text
    assert escalated[0].purpose == "escalation"  # carried into its outcome: the ledger counts escalations
    assert registry.get_sample_value("binrelay_dispatcher_escalations_total") == 1
    clock.now = at + timedelta(minutes=30)
    assert await d.due() == []


async def test_acknowledgement_stops_the_escalation(redis: Redis, networks: Nets) -> None:
    """Given two urgent member reports in Meudon, A and B,
    when a stranger (a member the plan does not name for acknowledgements) replies OK to both, and
    a coordinator replies OK to A only, within the timeout,
    then the stranger's replies change nothing — B escalates to the officer when the timeout passes
    (the positive check that the stranger was ignored) — and A, acknowledged, escalates never."""
    at = datetime.fromisoformat("2026-03-03T03:00:00+01:00")
    clock = Clock(at)
    d = Dispatcher(networks, redis, clock)
    a = cleared("meudon", at, urgency="urgent")
    b = cleared("meudon", at, urgency="urgent")
    await d.process_reports([a, b])

    def ack(report: ReportCleared, who: str) -> Response:
        return Response(report_id=report.report_id, network_id="meudon", responder_id=who,
                        kind=ResponseKind.acknowledge, via="sms")

    assert await d.process_responses([ack(a, "meudon-member-1"), ack(b, "meudon-member-1")]) == [[], []]
    assert "response:acknowledge:not_entitled" in await trace.read(redis, a.report_id)
    assert await d.process_responses([ack(a, "meudon-coord-2")]) == [[]]
    clock.now = at + timedelta(minutes=11)
    escalated = jobs(await d.due())
    assert {(j.report_id, j.audience) for j in escalated} == {(b.report_id, "officer")}
    clock.now = at + timedelta(hours=2)
    assert await d.due() == []


async def test_a_closing_names_the_alarm_it_closes_in_the_zone_dispatch(redis: Redis, networks: Nets) -> None:
    """Given a police closing message that refers to an alarm, when it is dispatched, then its
    Dispatch carries the alarm's id (the coordinator's log links the two); an alarm carries none."""
    d = Dispatcher(networks, redis, Clock(NIGHT))
    alarm = cleared("zavel", NIGHT, origin="police", kind="alarm", urgency="urgent", text="Vermiste man")
    closing = cleared("zavel", NIGHT, origin="police", kind="closing", refers_to=alarm.report_id,
                      text="Man teruggevonden")
    outs = flat(await d.process_reports([alarm, closing]))
    assert {x.report_id: x.refers_to for x in dispatches(outs)} == {alarm.report_id: None,
                                                                    closing.report_id: alarm.report_id}


async def test_police_prevention_waits_for_approval_then_waits_for_morning(redis: Redis, networks: Nets) -> None:
    """Given a police prevention message for Zavel at 23:30,
    when it is dispatched, then only the approval requests go out (held until morning: 07:00);
    when a coordinator approves it at 23:45,
    then the group's messages wait for each member's end of quiet hours and go out then, once."""
    clock = Clock(NIGHT)
    d = Dispatcher(networks, redis, clock)
    msg = cleared("zavel", NIGHT, origin="police", kind="prevention", text="Sluit uw etalage goed af")
    [outs] = await d.process_reports([msg])
    assert dispatches(outs)[0].held == "approval"
    assert jobs(outs) == []  # the approval requests are held until morning too
    approve = Response(report_id=msg.report_id, network_id="zavel", responder_id="zavel-coord-1",
                       kind=ResponseKind.approve, via="chat", at=NIGHT + timedelta(minutes=15))
    assert await d.process_responses([approve]) == [[]]
    clock.now = datetime.fromisoformat("2026-03-04T06:30:00+01:00")
    early = jobs(await d.due())
    assert [j.recipient_id for j in early] == ["zavel-member-1"]  # own quiet hours end at 06:30
    assert early[0].send_at == clock.now
    clock.now = datetime.fromisoformat("2026-03-04T07:00:00+01:00")
    morning = jobs(await d.due())
    requests = [j for j in morning if j.audience in ("coordinators", "steering_group")]
    group = [j for j in morning if j.audience == "group"]
    assert len(requests) == 3 and all("binrelay approve" in j.text for j in requests)
    # coordinators and steering group read the text in the approval request
    assert sorted(j.recipient_id for j in group) == ["zavel-member-2", "zavel-member-3", "zavel-member-4"]
    assert all(j.send_at == clock.now for j in group)
    assert await d.process_responses([approve]) == [[]]  # approving twice changes nothing


async def test_rejected_message_never_reaches_the_group(redis: Redis, networks: Nets) -> None:
    """Given two police feedback messages for Meudon held for approval, `rejected` and `approved`,
    when a coordinator rejects the first (e.g. `binrelay approve --reject`) and then someone
    approves both,
    then the approved one reaches the group (the positive check that the same calls would show
    a group delivery), and the rejected one never does: not on the approval, not on any timer a
    day later."""
    clock = Clock(DAY)
    d = Dispatcher(networks, redis, clock)
    rejected = cleared("meudon", DAY, origin="police", kind="feedback")
    approved = cleared("meudon", DAY, origin="police", kind="feedback")
    await d.process_reports([rejected, approved])

    def response(msg: ReportCleared, kind: ResponseKind, who: str, via: str) -> Response:
        # At the test clock's time (a Tuesday afternoon): with the real time, an approval given in the
        # evening rightly holds the group message until the (real) morning, which the test clock below
        # never reaches — the test failed every evening.
        return Response(report_id=msg.report_id, responder_id=who, kind=kind, via=via,  # type: ignore[arg-type]
                        at=clock.now)

    results = await d.process_responses([
        response(rejected, ResponseKind.reject, "operator", "cli"),
        response(rejected, ResponseKind.approve, "meudon-coord-1", "sms"),
        response(approved, ResponseKind.approve, "meudon-coord-1", "sms"),
    ])
    assert results[:2] == [[], []]
    released = jobs(results[2])
    clock.now = DAY + timedelta(days=1, hours=12)  # past every quiet hour and digest
    released += jobs(await d.due())
    assert {j.report_id for j in released} == {approved.report_id}
    assert any(j.audience == "group" for j in released)


async def test_daily_digest_collects_non_urgent_reports(redis: Redis, networks: Nets) -> None:
    """Given two non-urgent member reports in Meudon during the day,
    when the digest time (08:00 next day) comes,
    then each coordinator gets ONE digest with both reports, in their language."""
    clock = Clock(DAY)
    d = Dispatcher(networks, redis, clock)
    a = cleared("meudon", DAY, text="Graffiti op de muur")
    b = cleared("meudon", DAY + timedelta(hours=1), text="Kapotte straatlamp")
    outs = flat(await d.process_reports([a, b]))
    assert jobs(outs) == [] and len(dispatches(outs)) == 2
    clock.now = datetime.fromisoformat("2026-03-04T08:00:00+01:00")
    digest = jobs(await d.due())
    assert sorted(j.recipient_id for j in digest) == ["meudon-coord-1", "meudon-coord-2"]
    for j in digest:
        assert "Graffiti" in j.text and "straatlamp" in j.text
        assert j.report_id == "digest-meudon-20260304"
    assert {j.language for j in digest} == {"nl", "fr"}


async def test_a_redelivered_report_adds_no_second_digest_entry(redis: Redis, networks: Nets) -> None:
    """Given a non-urgent Meudon report waiting for the morning digest,
    when the same report is delivered again a minute later (a replay after a crash),
    then the digest still lists it once and no timer was added for the copy."""
    clock = Clock(DAY)
    d = Dispatcher(networks, redis, clock)
    a = cleared("meudon", DAY, text="Graffiti op de muur")
    await d.process_reports([a])
    before = await redis.zcard(state.TIMERS)
    assert before > 0
    clock.now = DAY + timedelta(minutes=1)
    assert await d.process_reports([a]) == [[]]
    assert await redis.zcard(state.TIMERS) == before
    clock.now = datetime.fromisoformat("2026-03-04T08:00:00+01:00")
    for j in jobs(await d.due()):
        assert j.text.count("Graffiti") == 1


async def test_a_batch_whose_publishing_fails_is_dispatched_on_the_retry(redis: Redis, networks: Nets) -> None:
    """Given the dispatcher's stage with a broker that fails to publish,
    when a batch with a police alarm is handled, the handler raises (faststream will redeliver);
    when the same records are handled again with a working broker,
    then the Dispatch and every job are published: the first attempt's claims did not swallow them."""
    from aiokafka.structs import ConsumerRecord

    from binrelay_shared.codec import encode
    from binrelay_shared.metrics import StageMetrics

    d = Dispatcher(networks, redis, Clock(NIGHT))
    stage = Stage(
        name="dispatcher-test", input_topic=topics.REPORTS_CLEARED, model=type(cleared("zavel", NIGHT)),
        process=d.process_reports, metrics=StageMetrics(CollectorRegistry(), "dispatcher-test"),
        compensation=d.claims,
    )
    alarm = cleared("zavel", NIGHT, origin="police", kind="alarm", urgency="urgent")
    record = ConsumerRecord(topics.REPORTS_CLEARED, 0, 7, 0, 0, b"zavel", encode(alarm), None, 5, 100, ())

    async def broken(topic: str, value: bytes, key: bytes | None) -> None:
        raise ConnectionError("broker gone")

    sent: list[str] = []

    async def working(topic: str, value: bytes, key: bytes | None) -> None:
        sent.append(topic)

    stage.publish = broken
    with pytest.raises(ConnectionError):
        await stage.handle_records([record])
    stage.publish = working
    await stage.handle_records([record])
    assert sent.count(topics.dispatch("5339")) == 1
    assert len([t for t in sent if t.startswith("bin.outbox.")]) == 7
    sent.clear()
    await stage.handle_records([record])  # a true duplicate now
    assert sent == []


# --- claims are provisional until the outputs are published ------------------------------------


async def test_claims_of_a_dispatcher_killed_before_publishing_are_taken_over(redis: Redis, networks: Nets) -> None:
    """Given a police alarm processed by dispatcher A (its claims made in Redis)
    whose outputs were never published nor confirmed (A was killed: it is simply dropped),
    when a new dispatcher B (a new process: a new token) gets the same report redelivered,
    then B produces the Dispatch and every job, with the same delivery ids;
    and once B has confirmed, a third process takes the report for the duplicate it is."""
    alarm = cleared("zavel", NIGHT, origin="police", kind="alarm", urgency="urgent", adapter_message_id="m-9")
    a = Dispatcher(networks, redis, Clock(NIGHT))
    a.claims.begin_batch()
    [first] = await a.process_reports([alarm])
    assert len(dispatches(first)) == 1 and len(jobs(first)) == 7
    del a  # killed between its claims and its publish: nothing published, nothing confirmed

    b = Dispatcher(networks, redis, Clock(NIGHT + timedelta(minutes=1)))
    b.claims.begin_batch()
    [again] = await b.process_reports([alarm])
    assert len(dispatches(again)) == 1
    assert sorted(j.delivery_id for j in jobs(again)) == sorted(j.delivery_id for j in jobs(first))
    await b.claims.confirm_claims()  # B's publish was acknowledged

    c = Dispatcher(networks, redis, Clock(NIGHT + timedelta(minutes=2)))
    assert await c.process_reports([alarm]) == [[]]


async def test_a_confirmed_report_is_a_duplicate_for_the_next_process(redis: Redis, networks: Nets) -> None:
    """Given a police alarm dispatched by A, published and confirmed,
    when a new dispatcher B gets it again (redelivered after a restart), twice in one batch,
    and once more under another report id with the same adapter message id,
    then B dispatches nothing for any of them."""
    alarm = cleared("zavel", NIGHT, origin="police", kind="alarm", urgency="urgent", adapter_message_id="m-10")
    a = Dispatcher(networks, redis, Clock(NIGHT))
    a.claims.begin_batch()
    assert len(jobs(flat(await a.process_reports([alarm])))) == 7
    await a.claims.confirm_claims()
    assert await redis.get(state.seen_key(alarm.report_id)) == b"done"

    b = Dispatcher(networks, redis, Clock(NIGHT))
    copy = alarm.model_copy(update={"report_id": "another-id-same-adapter-message-10"})
    assert await b.process_reports([alarm, alarm, copy]) == [[], [], []]


async def test_after_a_crash_the_report_is_dispatched_once_per_batch_and_copies_stay_duplicates(
    redis: Redis, networks: Nets
) -> None:
    """Given a police alarm whose claims a killed dispatcher A left unconfirmed,
    when dispatcher B gets it twice in one batch, with a copy under another report id but the
    same adapter message id, and the alarm again in a later batch (not yet confirmed),
    then B dispatches it once, the copy not at all, and the later batch nothing."""
    alarm = cleared("zavel", NIGHT, origin="police", kind="alarm", urgency="urgent", adapter_message_id="m-11")
    a = Dispatcher(networks, redis, Clock(NIGHT))
    a.claims.begin_batch()
    await a.process_reports([alarm])
    del a

    b = Dispatcher(networks, redis, Clock(NIGHT))
    copy = alarm.model_copy(update={"report_id": "another-id-same-adapter-message-11"})
    b.claims.begin_batch()
    results = await b.process_reports([copy, alarm, alarm, copy])
    assert results[0] == [] and results[2] == [] and results[3] == []
    assert len(dispatches(results[1])) == 1 and len(jobs(results[1])) == 7
    b.claims.begin_batch()
    assert await b.process_reports([alarm]) == [[]]  # its own claim, not yet confirmed: a duplicate


async def test_a_job_already_done_is_not_sent_again_when_its_report_is_taken_over(
    redis: Redis, networks: Nets
) -> None:
    """Given a police alarm whose report claim a killed dispatcher A left unconfirmed,
    but two of whose jobs are done (one confirmed ``done``, one claimed ``1`` by the scheduler's
    path or an earlier version),
    when dispatcher B takes the report over,
    then it dispatches the report and sends the other five jobs only."""
    alarm = cleared("zavel", NIGHT, origin="police", kind="alarm", urgency="urgent")
    a = Dispatcher(networks, redis, Clock(NIGHT))
    a.claims.begin_batch()
    first = jobs(flat(await a.process_reports([alarm])))
    del a
    done, legacy = first[0], first[1]
    await redis.set(state.job_key(done.idempotency_key), b"done", keepttl=True)
    await redis.set(state.job_key(legacy.idempotency_key), b"1", keepttl=True)

    b = Dispatcher(networks, redis, Clock(NIGHT))
    b.claims.begin_batch()
    [outs] = await b.process_reports([alarm])
    assert len(dispatches(outs)) == 1
    assert sorted(j.delivery_id for j in jobs(outs)) == sorted(j.delivery_id for j in first[2:])


async def test_a_report_taken_over_adds_no_second_timer(redis: Redis, networks: Nets) -> None:
    """Given a non-urgent Meudon report (waiting for the digest) processed by a dispatcher that
    was killed before publishing,
    when a new dispatcher takes it over a minute later,
    then it publishes the Dispatch, adds no timer, and the digest lists the report once."""
    clock = Clock(DAY)
    a = Dispatcher(networks, redis, clock)
    report = cleared("meudon", DAY, text="Graffiti op de muur")
    a.claims.begin_batch()
    await a.process_reports([report])
    before = await redis.zcard(state.TIMERS)
    assert before > 0
    del a

    clock.now = DAY + timedelta(minutes=1)
    b = Dispatcher(networks, redis, clock)
    b.claims.begin_batch()
    [outs] = await b.process_reports([report])
    assert len(dispatches(outs)) == 1
    assert await redis.zcard(state.TIMERS) == before
    await b.claims.confirm_claims()
    clock.now = datetime.fromisoformat("2026-03-04T08:00:00+01:00")
    digest = jobs(await b.due())
    assert digest
    for j in digest:
        assert j.text.count("Graffiti") == 1


async def test_the_stage_confirms_its_claims_only_once_published(redis: Redis, networks: Nets) -> None:
    """Given the dispatcher's stage and a police alarm record,
    when its publishing fails, no claim of it is left confirmed;
    when it is handled again and published, its report and job claims are confirmed (``done``),
    so a restarted dispatcher (a new token) takes the record, redelivered, for a duplicate."""
    from aiokafka.structs import ConsumerRecord

    from binrelay_shared.codec import encode
    from binrelay_shared.metrics import StageMetrics

    def stage_of(d: Dispatcher) -> Stage[ReportCleared]:
        return Stage(
            name="dispatcher-test", input_topic=topics.REPORTS_CLEARED, model=type(cleared("zavel", NIGHT)),
            process=d.process_reports, metrics=StageMetrics(CollectorRegistry(), "dispatcher-test"),
            compensation=d.claims,
        )

    alarm = cleared("zavel", NIGHT, origin="police", kind="alarm", urgency="urgent")
    record = ConsumerRecord(topics.REPORTS_CLEARED, 0, 7, 0, 0, b"zavel", encode(alarm), None, 5, 100, ())
    sent: list[bytes] = []

    async def broken(topic: str, value: bytes, key: bytes | None) -> None:
        raise ConnectionError("broker gone")

    async def working(topic: str, value: bytes, key: bytes | None) -> None:
        sent.append(value)

    a = Dispatcher(networks, redis, Clock(NIGHT))
    stage = stage_of(a)
    stage.publish = broken
    with pytest.raises(ConnectionError):
        await stage.handle_records([record])
    assert await redis.get(state.seen_key(alarm.report_id)) is None
    stage.publish = working
    await stage.handle_records([record])
    assert len(sent) == 8
    assert await redis.get(state.seen_key(alarm.report_id)) == b"done"
    keys = await redis.keys(state.PREFIX + "job:" + alarm.report_id + ":*")
    assert len(keys) == 7 and set(await redis.mget(keys)) == {b"done"}

    sent.clear()
    restarted = stage_of(Dispatcher(networks, redis, Clock(NIGHT)))
    restarted.publish = working
    await restarted.handle_records([record])
    assert sent == []


# --- timers and responses: nothing lost when publishing fails or the process dies --------------


async def _escalation_due(redis: Redis, networks: Nets) -> tuple[Clock, Dispatcher]:
    """An urgent Meudon report at 03:00 nobody acknowledged; the clock at 03:10, when it escalates."""
    at = datetime.fromisoformat("2026-03-03T03:00:00+01:00")
    clock = Clock(at)
    d = Dispatcher(networks, redis, clock)
    d.claims.begin_batch()
    await d.process_reports([cleared("meudon", at, urgency="urgent", category="burglary")])
    await d.claims.confirm_claims()
    clock.now = at + timedelta(minutes=10)
    return clock, d


async def test_a_scheduler_tick_whose_publishing_fails_escalates_on_the_next(redis: Redis, networks: Nets) -> None:
    """Given an escalation due, when the scheduler takes it and publishing fails,
    then the tick is undone (timer due again, report still unacknowledged-pending, job claims
    released) and the next tick produces the same escalation."""
    clock, d = await _escalation_due(redis, networks)
    d.claims.begin_batch()
    first = jobs(await d.due())
    assert [j.audience for j in first] == ["officer"]
    await d.claims.undo_batch()  # the broker refused the tick's outputs
    d.claims.begin_batch()
    again = jobs(await d.due())
    assert [j.delivery_id for j in again] == [j.delivery_id for j in first]
    d.claims.batch_published()
    await d.claims.confirm_published()
    clock.now += timedelta(hours=1)  # long past the lease: the published timer is gone
    d.claims.begin_batch()
    assert await d.due() == []


async def test_a_timer_taken_by_a_dispatcher_that_died_is_sent_by_the_next_after_the_lease(
    redis: Redis, networks: Nets
) -> None:
    """Given the daily digest due at 08:00, taken by dispatcher A, which dies before publishing,
    when dispatcher B looks during A's lease, then it finds nothing (the timer is A's);
    when B looks after the lease, then it sends the digest (A's job claims taken over), once."""
    clock = Clock(DAY)
    a = Dispatcher(networks, redis, clock)
    await a.process_reports([cleared("meudon", DAY, text="Graffiti op de muur")])
    await a.claims.confirm_claims()
    clock.now = datetime.fromisoformat("2026-03-04T08:00:00+01:00")
    a.claims.begin_batch()
    taken = jobs(await a.due())
    assert len(taken) == 2
    del a  # killed: nothing published, nothing confirmed, nothing released

    b = Dispatcher(networks, redis, clock)
    b.claims.begin_batch()
    assert await b.due() == []
    clock.now += timedelta(seconds=state.TIMER_LEASE_SECONDS + 1)
    sent = jobs(await b.due())
    assert sorted(j.delivery_id for j in sent) == sorted(j.delivery_id for j in taken)
    b.claims.batch_published()
    await b.claims.confirm_published()
    clock.now += timedelta(hours=1)
    assert await Dispatcher(networks, redis, clock).due() == []


async def _feedback_held_for_approval(redis: Redis, networks: Nets) -> tuple[Dispatcher, ReportCleared, Response]:
    """A police feedback message for Meudon held for approval during the day (published and
    confirmed), and a coordinator's approval of it five minutes later."""
    d = Dispatcher(networks, redis, Clock(DAY))
    msg = cleared("meudon", DAY, origin="police", kind="feedback")
    d.claims.begin_batch()
    await d.process_reports([msg])
    await d.claims.confirm_claims()
    approve = Response(report_id=msg.report_id, network_id="meudon", responder_id="meudon-coord-1",
                       kind=ResponseKind.approve, via="sms", at=DAY + timedelta(minutes=5))
    return d, msg, approve


async def test_an_approval_whose_publishing_fails_releases_the_deliveries_on_the_retry(
    redis: Redis, networks: Nets
) -> None:
    """Given a police feedback message for Meudon held for approval (daytime: no quiet hours),
    when a coordinator's approval is processed and publishing its deliveries fails,
    then the approval is pending again and the redelivered approval releases the deliveries."""
    d, msg, approve = await _feedback_held_for_approval(redis, networks)
    d.claims.begin_batch()
    [first] = await d.process_responses([approve])
    assert jobs(first), "the approval releases deliveries"
    await d.claims.undo_batch()  # the broker refused them
    assert b'"pending"' in (await redis.get(state.approval_key(msg.report_id)) or b"")
    d.claims.begin_batch()
    [again] = await d.process_responses([approve])
    assert sorted(j.delivery_id for j in jobs(again)) == sorted(j.delivery_id for j in jobs(first))
    await d.claims.confirm_claims()
    d.claims.begin_batch()
    assert await d.process_responses([approve]) == [[]]  # published now: a second approval changes nothing


async def test_the_scheduler_loop_retries_a_tick_the_broker_refused(redis: Redis, networks: Nets) -> None:
    """Given the scheduler running over a stage whose broker refuses the first publish,
    when an escalation is due, then it is published on a later tick, and its timer is removed."""
    from binrelay_dispatcher.timers import scheduler
    from binrelay_shared.metrics import StageMetrics

    _clock, d = await _escalation_due(redis, networks)
    stage: Stage[Response] = Stage(name="dispatcher-test", input_topic=topics.RESPONSES, model=Response,
                                   process=d.process_responses, metrics=StageMetrics(CollectorRegistry(), "t"),
                                   compensation=d.claims)
    sent: list[str] = []
    refusals = 0

    async def publish(topic: str, value: bytes, key: bytes | None) -> None:
        nonlocal refusals
        if refusals == 0:
            refusals += 1
            raise ConnectionError("broker gone")
        sent.append(topic)

    stage.publish = publish
    task = asyncio.create_task(scheduler(d, stage, tick=0.01))
    try:
        for _ in range(200):
            if sent:
                break
            await asyncio.sleep(0.01)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert refusals == 1 and sent == [topics.outbox("sms", urgent=True)]  # an urgent report's escalation: urgent lane
    assert await redis.zcard(state.TIMERS) == 0


async def test_the_scheduler_stops_when_a_cancel_reaches_a_tick_as_another_error(
    redis: Redis, networks: Nets
) -> None:
    """Given the scheduler in a tick whose Redis call turns the task's cancellation into a
    TimeoutError (async-timeout does that when its own timeout fires at the same moment),
    when the scheduler is cancelled, then it stops — it does not log a failed tick and go on."""
    from binrelay_dispatcher.timers import scheduler
    from binrelay_shared.metrics import StageMetrics

    d = Dispatcher(networks, redis, Clock(DAY))
    stage: Stage[Response] = Stage(name="dispatcher-test", input_topic=topics.RESPONSES, model=Response,
                                   process=d.process_responses, metrics=StageMetrics(CollectorRegistry(), "t"),
                                   compensation=d.claims)
    in_tick = asyncio.Event()

    async def due(limit: int = 200) -> list[Out]:
        in_tick.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            raise TimeoutError from None  # the cancel, swallowed into a timeout
        return []

    d.due = due  # type: ignore[method-assign]
    task = asyncio.create_task(scheduler(d, stage, tick=0.01))
    await asyncio.wait_for(in_tick.wait(), 30)
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=30)
    assert task in done and task.cancelled()


async def test_the_scheduler_refuses_a_stage_not_compensated_by_the_dispatchers_claims(
    redis: Redis, networks: Nets
) -> None:
    """Given a stage without the dispatcher's claims as its compensation,
    when the scheduler is started over it, then it stops at once with the reason — its ticks
    would otherwise take timers that are never removed nor given back."""
    from binrelay_dispatcher.timers import scheduler
    from binrelay_shared.metrics import StageMetrics

    d = Dispatcher(networks, redis, Clock(DAY))
    stage: Stage[Response] = Stage(name="dispatcher-test", input_topic=topics.RESPONSES, model=Response,
                                   process=d.process_responses, metrics=StageMetrics(CollectorRegistry(), "t"))
    with pytest.raises(ValueError, match="compensated by the dispatcher's claims"):
        await scheduler(d, stage, tick=0.01)


async def test_an_approval_applied_by_a_dispatcher_that_died_is_applied_again_on_redelivery(
    redis: Redis, networks: Nets
) -> None:
    """Given a police feedback message for Meudon held for approval during the day,
    when dispatcher A applies a coordinator's approval and dies before publishing the deliveries,
    and dispatcher B gets the same approval redelivered,
    then B releases the same deliveries (A's claims taken over);
    and another coordinator's approval afterwards changes nothing."""
    a, _msg, approve = await _feedback_held_for_approval(redis, networks)
    a.claims.begin_batch()
    [first] = await a.process_responses([approve])
    assert jobs(first)
    timers = await redis.zcard(state.TIMERS)
    del a  # killed before publishing

    b = Dispatcher(networks, redis, Clock(DAY + timedelta(minutes=6)))
    b.claims.begin_batch()
    [again] = await b.process_responses([approve])
    assert sorted(j.delivery_id for j in jobs(again)) == sorted(j.delivery_id for j in jobs(first))
    assert await redis.zcard(state.TIMERS) == timers  # no second set of held jobs
    await b.claims.confirm_claims()
    other = approve.model_copy(update={"responder_id": "meudon-coord-2", "at": DAY + timedelta(minutes=7)})
    b.claims.begin_batch()
    assert await b.process_responses([other]) == [[]]


async def test_a_batch_met_by_an_unreachable_redis_is_retried_not_dead_lettered(networks: Nets) -> None:
    """Given the dispatcher's stage whose Redis is unreachable (restarting, say),
    when a batch of reports is handled, then the call raises for the handler to rewind and
    retry the batch — the reports are not sent to the dead-letter topic."""
    from aiokafka.structs import ConsumerRecord
    from redis.exceptions import ConnectionError as RedisConnectionError

    from binrelay_shared.codec import encode
    from binrelay_shared.metrics import StageMetrics

    down = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    d = Dispatcher(networks, down, Clock(DAY))
    stage = Stage(
        name="dispatcher-test", input_topic=topics.REPORTS_CLEARED, model=type(cleared("meudon", DAY)),
        process=d.process_reports, metrics=StageMetrics(CollectorRegistry(), "dispatcher-test"),
        compensation=d.claims,
    )
    sent: list[str] = []

    async def publish(topic: str, value: bytes, key: bytes | None) -> None:
        sent.append(topic)

    stage.publish = publish
    reports = [cleared("meudon", DAY, text=f"Graffiti {i}") for i in range(3)]
    records = [ConsumerRecord(topics.REPORTS_CLEARED, 0, i, 0, 0, b"meudon", encode(r), None, 6, 100, ())
               for i, r in enumerate(reports)]
    try:
        with pytest.raises(RedisConnectionError):
            await stage.handle_records(records)
        assert topics.DLQ not in sent
    finally:
        await down.aclose()
