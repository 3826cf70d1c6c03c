"""The sender worker: one per channel, a :class:`~binrelay_shared.stage.Stage` on the outbox topic.

Per job: hold it if it is early (``send_at``), claim its idempotency key, send through the
channel's receiver with retries (exponential backoff with full jitter), mark the key
done, and emit the :class:`DeliveryOutcome` (plus, on a permanent failure or an exhausted retry
budget, a new ``DeliveryJob`` on the member's next channel: outcome ``fell_back``). The stage
publishes all that, then commits the batch: a worker killed mid-batch re-reads the batch and the
keys tell it what was already sent (see :mod:`.idempotency` for the one at-least-once window).

Urgent jobs (``DeliveryJob.urgent``) come on the channel's urgent outbox, read by a consumer of
their own (``BINRELAY_LANES``: ``make up`` runs ``sender-<channel>`` and ``sender-<channel>-urgent``),
with slots of their own and a short backoff: they never wait behind ordinary jobs or their retries.

Run: ``binrelay-sender --channel email|sms|chat`` (settings: :class:`.settings.SenderSettings`, and
the settings of the channel's provider, chosen by ``BINRELAY_<CHANNEL>_TRANSPORT``: see
:mod:`.registry`).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import socket
import sys
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from prometheus_client import CollectorRegistry, Counter, Histogram
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoPermissionError, ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_delay,
    wait_random_exponential,
)

from binrelay_shared import replies, topics, trace
from binrelay_shared.events import Channel, DeliveryJob, DeliveryOutcome, Outcome, utcnow
from binrelay_shared.logging import bind_report, get_logger
from binrelay_shared.metrics import StageMetrics
from binrelay_shared.secrets import MissingSecret
from binrelay_shared.stage import Out, Stage

from .base import BatchReceiver, Permanent, Receiver, is_retryable, reason_of
from .batcher import Batcher
from .idempotency import Claims
from .registry import PROVIDERS, load
from .settings import SenderSettings

log = get_logger(__name__)
T = TypeVar("T")

#: How many answered-but-not-marked jobs a process remembers (a long Redis outage: the oldest go).
MAX_UNMARKED = 10_000

#: Redis answers that say the server cannot take the sender's write now, not that the job is bad:
#: the connection lost or timed out, a read-only replica (READONLY: a failover in progress, a
#: primary demoted), the sender's ACL user refused (NOPERM: its ACL being changed or reloaded).
REDIS_AWAY: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError, ReadOnlyError,
                                               NoPermissionError)


class RedisRefused(ConnectionError):
    """Redis kept refusing (READONLY, NOPERM) past the retries. A ``ConnectionError``, so the stage
    retries the batch after a pause (``binrelay_shared.stage.UNREACHABLE``) instead of
    dead-lettering the job: a job the provider answered is then settled from memory, never
    dead-lettered after its send nor sent again."""


@dataclass(frozen=True)
class Answered:
    """A job the provider answered whose ``done`` mark is not written yet (Redis away)."""

    delivery_id: str
    outcome: Outcome
    attempts: int
    reason: str | None
    provider_id: str | None


class DeliveryMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.outcomes = Counter(
            # Not binrelay_deliveries_total: the observer owns that name (with the audience label);
            # the same name from two jobs would be summed twice on every dashboard.
            "binrelay_sender_outcomes_total", "Delivery outcomes recorded by this sender, by channel",
            ["channel", "outcome"], registry=registry
        )
        self.tries = Counter(
            "binrelay_delivery_tries_total", "Send attempts by channel and result", ["channel", "result"],
            registry=registry,
        )
        self.seconds = Histogram(
            "binrelay_delivery_seconds", "Time to deliver one job (all tries)", ["channel"], registry=registry
        )


def fallback_job(job: DeliveryJob) -> DeliveryJob | None:
    """The same message on the member's next channel that has an address, or None."""
    remaining = list(job.fallback)
    while remaining:
        channel = remaining.pop(0)
        if channel is job.channel:
            continue  # never fall back onto the channel that just failed
        address = job.fallback_addresses.get(channel)
        if address:
            delivery_id = hashlib.sha256(f"{job.delivery_id}>{channel.value}".encode()).hexdigest()[:32]
            return DeliveryJob.model_validate(
                {
                    **job.model_dump(),
                    "delivery_id": delivery_id,
                    "channel": channel,
                    "address": address,
                    "fallback": tuple(remaining),
                    "fallback_addresses": {c: a for c, a in job.fallback_addresses.items() if c in remaining},
                    "attempt": job.attempt + 1,
                    "sms_segments": None,
                    "send_at": None,
                }
            )
    return None


def trace_entries(outcome: DeliveryOutcome, at: datetime) -> list[tuple[str, str, datetime]]:
    """The trace fields of an outcome: ``delivery:<channel>:<outcome>``, and for a delivery that
    did not go through, who and why: ``fell_back:<channel>:<member id>:<reason>`` or
    ``failed:<channel>:<member id>:<reason>`` (member ids and provider codes: no personal data)."""
    c, o = outcome.channel.value, outcome.outcome
    entries = [(outcome.report_id, f"delivery:{c}:{o.value}", at)]
    if o in (Outcome.failed, Outcome.fell_back) and outcome.reason != "redelivered":
        entries.append((outcome.report_id, f"{o.value}:{c}:{outcome.recipient_id}:{outcome.reason or '-'}", at))
    return entries


class SenderWorker:
    """Delivers the jobs of one channel; :meth:`process` is the stage's pure-ish function."""

    def __init__(
        self,
        receiver: Receiver,
        settings: SenderSettings,
        redis: Redis,
        registry: CollectorRegistry | None = None,
        owner: str | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.receiver = receiver
        self.channel = receiver.channel
        self.settings = settings
        self.redis = redis
        self.ack_key = settings.ack_key()  # keys the reply-to-ack lookups (a secret: never logged)
        self.claims = Claims(
            redis,
            owner or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}",
            settings.sender_lease_seconds,
            settings.sender_done_ttl_seconds,
        )
        self.metrics = DeliveryMetrics(registry or CollectorRegistry())
        self.clock = clock
        # The urgent lane has slots of its own: ordinary jobs retrying a provider that is down
        # never hold the ones an urgent job needs (both lanes in one process: BINRELAY_LANES=both).
        self._sem = asyncio.Semaphore(settings.sender_concurrency)
        self._urgent_sem = asyncio.Semaphore(settings.sender_urgent_concurrency)
        # A provider with a bulk API: the sends of concurrent jobs travel together, a batcher per
        # lane (an urgent job never waits for a request slot an ordinary batch holds).
        self._batchers: dict[bool, Batcher] = {}
        if isinstance(receiver, BatchReceiver) and receiver.batch_size > 1:
            self._batchers = {
                urgent: Batcher(receiver.send_batch, receiver.batch_size, settings.sender_batch_linger_seconds,
                                settings.sender_batch_requests)
                for urgent in (False, True)
            }
        # Jobs the provider answered whose done mark Redis has not taken yet, by idempotency key:
        # a retried batch publishes their outcome from here and never calls the provider again.
        self._unmarked: OrderedDict[str, Answered] = OrderedDict()

    # -- the stage function ---------------------------------------------------------------------

    async def process(self, jobs: list[DeliveryJob]) -> list[list[Out]]:
        async def one(job: DeliveryJob) -> list[Out]:
            async with self._urgent_sem if job.urgent else self._sem:
                return await self.handle(job)

        # Every job runs to its end before a failure is raised: the stage then redoes the batch one
        # job at a time, and the finished ones find their keys done (their outcome is republished).
        settled = await asyncio.gather(*(one(j) for j in jobs), return_exceptions=True)
        for result in settled:
            if isinstance(result, BaseException):
                raise result
        results = [r for r in settled if not isinstance(r, BaseException)]
        now = self.clock()
        entries = [
            entry
            for outs in results
            for o in outs
            if isinstance(o.event, DeliveryOutcome)
            for entry in trace_entries(o.event, now)
        ]
        # A feedback to the reporter of an earlier report: traced under that report too, so whoever
        # posted it sees the answer reach its reporter (GET /v1/reports/{id}); ids only.
        entries += [
            (job.refers_to, f"feedback:{o.event.channel.value}:{o.event.outcome.value}", now)
            for job, outs in zip(jobs, results, strict=True)
            if job.refers_to
            for o in outs
            if isinstance(o.event, DeliveryOutcome)
        ]
        try:
            await trace.record(self.redis, entries, self.settings.trace_ttl_seconds)
        except Exception as exc:  # the trace is a convenience
            log.warning("delivery trace not recorded", error=type(exc).__name__)
        return results

    async def handle(self, job: DeliveryJob) -> list[Out]:
        if job.channel is not self.channel:
            raise ValueError(f"a {job.channel.value} job on the {self.channel.value} outbox")
        with bind_report(job.report_id):
            early = await self._hold_if_early(job)
            if early is not None:
                return early
            answered = self._unmarked.get(job.idempotency_key)
            if answered is not None and answered.delivery_id == job.delivery_id:
                # Answered by the provider in this process, its done mark not written (Redis was
                # away): mark it now and publish that outcome. Whether our claim is still live or
                # its lease expired, nothing is sent again.
                log.info("answered job's outcome published", delivery_id=job.delivery_id)
                return await self._settle(job, self.claims.token(job.delivery_id), answered)
            try:
                claim = await self._redis_retry(lambda: self.claims.claim(job.idempotency_key, job.delivery_id))
            except TimeoutError:
                # Another live sender is still on this key (e.g. during a rebalance): let it finish,
                # and look again later — the job goes back to the end of the outbox.
                log.info("job requeued: key busy elsewhere", delivery_id=job.delivery_id)
                return [Out(topics.outbox(job.channel), job)]
            if not claim.acquired:
                if claim.done_outcome == "in_flight":
                    return []
                if claim.done_delivery_id == job.delivery_id and claim.done_outcome:
                    # Redelivered after a crash: the send happened; publish its outcome again.
                    outcome = Outcome(claim.done_outcome)
                    log.info("redelivered job already done", delivery_id=job.delivery_id, outcome=outcome.value)
                    outs = [self._out(job, outcome, attempts=0, reason="redelivered")]
                    if outcome is Outcome.fell_back and (nxt := fallback_job(job)) is not None:
                        outs.append(Out(topics.outbox(nxt.channel), nxt))
                    return outs
                self.metrics.outcomes.labels(self.channel.value, Outcome.duplicate.value).inc()
                log.info("duplicate job not sent", delivery_id=job.delivery_id)
                return [self._out(job, Outcome.duplicate, attempts=0, reason="already_delivered")]
            return await self._send(job, claim.token)

    # -- parts ----------------------------------------------------------------------------------

    async def _hold_if_early(self, job: DeliveryJob) -> list[Out] | None:
        """Wait for a job that is due soon; put one due later back on the outbox (never send early)."""
        if job.send_at is None:
            return None
        delay = (job.send_at - self.clock()).total_seconds()
        if delay <= 0:
            return None
        if delay <= self.settings.sender_max_hold_seconds:
            await asyncio.sleep(delay)
            return None
        await asyncio.sleep(self.settings.sender_max_hold_seconds)  # slows a requeue loop down
        log.info("early job requeued", delivery_id=job.delivery_id, due_in_s=round(delay))
        return [Out(topics.outbox(job.channel), job)]

    async def _send(self, job: DeliveryJob, token: str) -> list[Out]:
        s = self.settings
        started = time.perf_counter()
        tries = 0
        cap = min(s.sender_backoff_max, s.sender_urgent_backoff_max) if job.urgent else s.sender_backoff_max
        attempts = max(1, s.sender_max_attempts)
        provider_id: str | None = None
        # A plain loop rather than tenacity's: it runs for every job of a 10,000-member alarm, and
        # tenacity's machinery cost more than the bulk send itself (issue #18, py-spy).
        while True:
            tries += 1
            try:
                if tries > 1:
                    await self.claims.renew(job.idempotency_key, token)
                try:
                    provider_id = await self._deliver(job)
                except Exception as exc:
                    result = "retryable" if is_retryable(exc) else "permanent"
                    self.metrics.tries.labels(self.channel.value, result).inc()
                    raise
                self.metrics.tries.labels(self.channel.value, "ok").inc()
                break
            except Exception as exc:
                if not is_retryable(exc) or tries >= attempts:
                    return await self._not_delivered(job, token, exc, tries)
                log.info("delivery retrying", delivery_id=job.delivery_id, attempt=tries, reason=reason_of(exc))
                # Exponential backoff with full jitter; an urgent job waits at most
                # sender_urgent_backoff_max between tries: out soon after the provider is back.
                await asyncio.sleep(random.uniform(0, min(cap, s.sender_backoff_initial * 2 ** (tries - 1))))

        self.metrics.outcomes.labels(self.channel.value, Outcome.delivered.value).inc()
        self.metrics.seconds.labels(self.channel.value).observe(time.perf_counter() - started)
        # No log line per delivered job (10,000 of them for an alarm): the outcome event, the
        # trace and the metrics record it.
        return await self._settle(job, token, Answered(job.delivery_id, Outcome.delivered, tries, None, provider_id))

    async def _not_delivered(self, job: DeliveryJob, token: str, exc: Exception, tries: int) -> list[Out]:
        """A job that failed for good (permanent, or its retries exhausted): fall back or fail."""
        reason = reason_of(exc)
        if not isinstance(exc, Permanent):
            reason = f"retries_exhausted:{reason}"
        nxt = fallback_job(job)
        outcome = Outcome.fell_back if nxt is not None else Outcome.failed
        self.metrics.outcomes.labels(self.channel.value, outcome.value).inc()
        # Falling back is routine; a member left with no channel is not (the dispatcher tells the
        # network's coordinators on the 'failed' outcome: binrelay_dispatcher.undelivered).
        (log.warning if nxt is not None else log.error)(
            "delivery not delivered", delivery_id=job.delivery_id, outcome=outcome.value, reason=reason,
            attempts=tries, next_channel=nxt.channel.value if nxt else None, recipient_id=job.recipient_id,
        )
        return await self._settle(job, token, Answered(job.delivery_id, outcome, tries, reason, None))

    def _deliver(self, job: DeliveryJob) -> Awaitable[str | None]:
        """One try of ``job`` at the provider: alone, or in the lane's next bulk request."""
        batcher = self._batchers.get(job.urgent)
        return batcher.send(job) if batcher is not None else self.receiver.send(job)

    async def _settle(self, job: DeliveryJob, token: str, answered: Answered) -> list[Out]:
        """Mark the provider's answer done (at once: this round trip is the at-least-once window),
        then return its outcome. The answer is remembered until the mark is written: if Redis stays
        away past ``sender_done_retry_seconds`` this raises (the stage retries the batch) and the
        retried job publishes the remembered outcome instead of being sent again."""
        key = job.idempotency_key
        self._unmarked[key] = answered
        self._unmarked.move_to_end(key)
        while len(self._unmarked) > MAX_UNMARKED:
            _, dropped = self._unmarked.popitem(last=False)
            log.error("answered job forgotten before its done mark", delivery_id=dropped.delivery_id)
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(REDIS_AWAY),
            stop=stop_after_delay(self.settings.sender_done_retry_seconds),
            wait=wait_random_exponential(multiplier=0.2, max=5.0),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    marked = await self.claims.done(key, token, job.delivery_id, answered.outcome.value)
        except (ReadOnlyError, NoPermissionError) as exc:
            log.error("done mark refused by Redis", delivery_id=job.delivery_id, error=type(exc).__name__)
            raise RedisRefused(f"Redis refused the done mark: {type(exc).__name__}") from exc
        if not marked:  # our lease expired and another sender claimed the key: our answer stands
            log.warning("done mark lost to another claim", delivery_id=job.delivery_id)
        if self._unmarked.get(key) == answered:
            del self._unmarked[key]
        if answered.outcome is Outcome.delivered:
            await self._remember_for_answer(job, answered.provider_id)
        outs = [self._out(job, answered.outcome, attempts=answered.attempts, reason=answered.reason)]
        if answered.outcome is Outcome.fell_back and (nxt := fallback_job(job)) is not None:
            outs.append(Out(topics.outbox(nxt.channel), nxt))
        return outs

    async def _remember_for_answer(self, job: DeliveryJob, provider_id: str | None) -> None:
        """A message that asks for an answer (``job.expects``): record it as pending for the
        recipient's address (and, in chat, for its event; by e-mail, for its Message-ID), so
        their reply can be bound to it."""
        if job.expects is None:
            return
        pending = replies.Pending(
            ref=replies.short_ref(job.report_id),
            report_id=job.report_id,
            network_id=job.network_id,
            recipient_id=job.recipient_id,
            kind=job.expects,
            until=self.clock().timestamp() + replies.ANSWER_SECONDS[job.expects],
            delivery_id=job.delivery_id,
        )
        address = replies.address_key(self.ack_key, job.channel.value, job.address)
        event_id = provider_id if job.channel is Channel.chat else None
        mail_id = provider_id if job.channel is Channel.email else None  # the Message-ID a reply names
        try:
            await replies.remember(self.redis, address, pending, event_id, mail_id)
        except Exception as exc:  # delivered all the same: a reply then gets the help text
            log.warning("pending answer not recorded", delivery_id=job.delivery_id, error=type(exc).__name__)

    async def _redis_retry(self, call: Callable[[], Awaitable[T]]) -> T:
        """Redis calls ride out a short Redis blip or refusal (then raise one the stage answers by
        retrying the batch after a pause: see :class:`RedisRefused`)."""
        for attempt in range(5):
            try:
                return await call()
            except REDIS_AWAY as exc:
                if attempt == 4:
                    if isinstance(exc, (ReadOnlyError, NoPermissionError)):
                        raise RedisRefused(f"Redis refused the claim: {type(exc).__name__}") from exc
                    raise
                await asyncio.sleep(0.5 * 2**attempt)
        raise AssertionError("unreachable")

    def _out(self, job: DeliveryJob, outcome: Outcome, attempts: int, reason: str | None = None) -> Out:
        event = DeliveryOutcome(
            **job.envelope(),
            delivery_id=job.delivery_id,
            audience=job.audience,
            recipient_id=job.recipient_id,
            channel=job.channel,
            outcome=outcome,
            attempts=attempts,
            reason=reason,
            purpose=job.purpose,
            refers_to=job.refers_to,
        )
        return Out(topics.DELIVERIES, event)


# -- the process ----------------------------------------------------------------------------------


def build_stage(
    receiver: Receiver, settings: SenderSettings, redis: Redis, registry: CollectorRegistry, metrics: StageMetrics
) -> tuple[Stage[DeliveryJob], SenderWorker]:
    """The sender stage of ``receiver``'s channel and its worker (not attached to a broker yet)."""
    worker = SenderWorker(receiver, settings, redis, registry)
    stage: Stage[DeliveryJob] = Stage(
        name=f"sender-{receiver.channel.value}",
        input_topic=topics.outbox(receiver.channel),
        model=DeliveryJob,
        process=worker.process,
        metrics=metrics,
        redis=redis,
        trace_ttl_seconds=settings.trace_ttl_seconds,
    )
    return stage, worker


def main(argv: list[str] | None = None) -> None:
    """``binrelay-sender --channel email|sms|chat``: run one channel's sender until SIGTERM."""
    from faststream import FastStream

    from binrelay_shared.logging import configure_logging
    from binrelay_shared.metrics import serve_metrics
    from binrelay_shared.redis_auth import check_redis_or_exit
    from binrelay_shared.runtime import make_runtime, yield_to_urgent_lane
    from binrelay_shared.settings import settings_or_exit

    parser = argparse.ArgumentParser(prog="binrelay-sender", description=main.__doc__)
    parser.add_argument("--channel", required=True, choices=[c.value for c in PROVIDERS])
    args = parser.parse_args(argv)
    channel = Channel(args.channel)
    name = f"sender-{channel.value}"
    # Everything read and checked before anything starts: a bad value exits 2 naming its variable.
    settings = settings_or_exit(SenderSettings)
    provider = load(channel, settings.transport(channel))
    provider_settings = settings_or_exit(provider.settings)
    configure_logging(name, settings.log_level, settings.log_json)
    check_redis_or_exit(settings, name)  # a missing or wrong Redis secret: exit 2, naming the setting
    runtime = make_runtime(name, settings)
    serve_metrics(runtime.registry, settings)
    try:  # a missing secret (ack key, gateway token, SMPP password) stops here, exit 2
        receiver = provider.create(provider_settings, settings, runtime.redis)
        stage, worker = build_stage(receiver, settings, runtime.redis, runtime.registry, runtime.stage_metrics())
    except MissingSecret as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    # The channel's outbox and its urgent twin (topics.URGENT_LANE), each read by a consumer of its
    # own; deployed as a process per lane (BINRELAY_LANES), the ordinary one at a lower CPU priority.
    yield_to_urgent_lane(settings)
    stage.attach(
        runtime.broker, max_records=min(settings.batch_max_records, 200), batch_timeout_ms=settings.batch_timeout_ms,
        lanes=settings.lanes,
    )
    app = FastStream(runtime.broker)

    @app.after_shutdown
    async def _close() -> None:
        await worker.receiver.close()
        await runtime.redis.aclose()

    log.info("starting", channel=channel.value, transport=provider.name, kafka=settings.kafka)
    asyncio.run(app.run())


if __name__ == "__main__":
    main()
