"""Dispatcher CPU per report: the pure planning, and the whole batch with Redis (not a timed test).

    .venv/bin/python bench/dispatcher_bench.py [--reports 5000] [--rounds 3] [--redis-url URL]
    .venv/bin/python bench/dispatcher_bench.py --capture FILE    # every output, for equivalence checks

Inputs are realistic ReportCleared events: ``bench/reports.py``'s reports (nl/fr/en/de, ~10%
urgent, personal data) run through the classifier's ``classify_batch`` and the privacy filter's
``_clear_all`` with the seed plans' policies, exactly as those services do. They are built once
and cached as JSON lines (``--inputs``), so two versions of the dispatcher see the same bytes.
Their received stamps are spread over a week (quiet hours, digests and weekdays all happen), and a
share of them is rewritten as police alarms, closings, broadcasts, coordinator messages and
flagged reports, so every route of the seed plans is taken.

Measured with ``time.process_time`` (CPU of this process only; Redis runs in its own):

* ``decode``  — ``ReportCleared.model_validate_json``, as the stage does for each record;
* ``plan``    — ``Dispatcher.plan`` per event (routing, templates, jobs), no I/O;
* ``batch``   — ``Dispatcher.process_reports`` over batches of ``--batch`` events against a real
  local Redis (planning + claims + state); ``batch - plan`` is what Redis costs.

``--capture`` runs every report twice (the second pass must publish nothing), then approves,
rejects and acknowledges what waits, runs the timers a week on, and writes every Out (topic, key,
full JSON) and the Redis state left (keys, values, TTLs to 100 s). The clock is fixed, so two
versions give byte-identical files; only a digest's ``trace_id`` (``new_id()`` per digest) is left
out. To check a change against the code before it::

    git worktree add /tmp/before <commit>
    PYTHONPATH=/tmp/before/services/dispatcher/src .venv/bin/python bench/dispatcher_bench.py --capture /tmp/a
    .venv/bin/python bench/dispatcher_bench.py --capture /tmp/b && cmp /tmp/a /tmp/b

Without ``--redis-url`` a throwaway Redis is started with ``deploy/local/redis.sh`` on a free
port and a temporary directory, and stopped at the end. The plans are the service's defaults
(``deploy/networks``, ``deploy/members.example.yaml``), zone 5339 as in bench/harness.py.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import free_port
from bench.reports import make_report

REPO = Path(__file__).resolve().parent.parent
NETWORKS_DIR = REPO / "deploy" / "networks"
MEMBERS_FILE = REPO / "deploy" / "members.example.yaml"
DEFAULT_INPUTS = Path(tempfile.gettempdir()) / "binrelay-dispatcher-bench-inputs.jsonl"
#: The dispatcher's clock in every run: after every received stamp, so outputs are reproducible.
NOW = datetime(2024, 6, 12, 9, 30, tzinfo=UTC)
FIRST_RECEIVED = datetime(2024, 6, 3, 0, 0, tzinfo=UTC)  # a Monday, Brussels 02:00

#: Rewrites of an ordinary report, with their share: (share, origin, kind, flags).
VARIANTS: list[tuple[float, str, str, tuple[str, ...]]] = [
    (0.03, "police", "alarm", ()),
    (0.02, "police", "closing", ()),
    (0.02, "police", "prevention", ()),
    (0.02, "coordinator", "feedback", ()),
    (0.03, "member", "report", ("vigilante",)),
]


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------


def build_inputs(n: int, seed: int = 5339) -> list[bytes]:
    """``n`` encoded ReportCleared events, built as the classifier and privacy filter build them."""
    from binrelay_classifier.service import process as classify
    from binrelay_privacy.policy import PrivacyPolicy
    from binrelay_privacy.service import _clear_all, load_policies
    from binrelay_shared.codec import encode
    from binrelay_shared.events import Flag, Kind, Origin, ReportClassified, ReportReceived
    from binrelay_shared.network import load_networks

    rng = random.Random(seed)
    received: list[ReportReceived] = []
    flagged: list[tuple[str, ...]] = []  # flags set after classification (the lexicon may not)
    for i in range(n):
        _, raw, _ = make_report(rng, rng.random() < 0.1)
        event = ReportReceived.model_validate_json(raw)
        at = FIRST_RECEIVED + timedelta(seconds=i * (7 * 86400 // max(n, 1)) + rng.randint(0, 59))
        report = event.report
        update: dict[str, Any] = {}
        roll, acc = rng.random(), 0.0
        flags: tuple[str, ...] = ()
        for share, origin, kind, vflags in VARIANTS:
            acc += share
            if roll < acc:
                update = {"origin": Origin(origin), "kind": Kind(kind)}
                flags = vflags
                break
        if rng.random() < 0.3:  # a chat adapter's message id: dedup by message, not by report id
            update |= {"adapter": "matrix", "adapter_message_id": f"$ev{i}:{seed}"}
        if update.get("kind") is Kind.closing:
            update["refers_to"] = "0" * 32
        received.append(event.model_copy(update={
            "stamps": event.stamps.model_copy(update={"received": at}),
            "report": report.model_copy(update=update),
        }))
        flagged.append(flags)
    classified_outs = asyncio.run(classify(received))
    classified: list[ReportClassified] = []
    for flags, outs in zip(flagged, classified_outs, strict=True):
        ev = outs[0].event
        assert isinstance(ev, ReportClassified)
        if flags:
            ev = ev.model_copy(update={"classification": ev.classification.model_copy(
                update={"flags": tuple(Flag(f) for f in flags)})})
        classified.append(ev)
    cleared = _clear_all(classified, load_policies(load_networks(NETWORKS_DIR, None)), PrivacyPolicy(), None)
    return [encode(outs[0].event) for outs in cleared]


def load_inputs(path: Path, n: int) -> list[bytes]:
    """The cached inputs at ``path`` (built and written when missing or too few)."""
    if path.exists():
        lines = path.read_bytes().splitlines()
        if len(lines) >= n:
            return lines[:n]
    lines = build_inputs(n)
    path.write_bytes(b"\n".join(lines) + b"\n")
    return lines


# ---------------------------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------------------------


@contextmanager
def local_redis(url: str | None) -> Iterator[str]:
    """``url``, or a throwaway Redis started with deploy/local/redis.sh (stopped on exit)."""
    if url:
        yield url
        return
    port = free_port()
    data = tempfile.mkdtemp(prefix="binrelay-dispatcher-bench-redis-")
    env = {**os.environ, "REDIS_PORT": str(port), "REDIS_DATA_DIR": data}
    script = str(REPO / "deploy" / "local" / "redis.sh")
    subprocess.run([script, "start"], env=env, check=True, capture_output=True)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        subprocess.run([script, "stop"], env=env, check=False, capture_output=True)


# ---------------------------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------------------------


def _dispatcher(redis: Any) -> Any:
    from binrelay_dispatcher.dispatcher import Dispatcher
    from binrelay_dispatcher.service import load_plans
    from binrelay_shared.settings import Settings

    settings = Settings(networks_dir=NETWORKS_DIR, members_file=MEMBERS_FILE, zone_id="5339")
    dispatcher = Dispatcher(load_plans(settings), redis, clock=lambda: NOW)
    gc.collect()
    gc.freeze()  # as the services do after start-up: what is loaded stays out of later collections
    return dispatcher


def _decode(raws: list[bytes]) -> list[Any]:
    from binrelay_shared.codec import decode
    from binrelay_shared.events import ReportCleared

    return [decode(ReportCleared, r) for r in raws]


def _cpu_us(fn: Any, n: int, rounds: int) -> float:
    """Best CPU µs per item over ``rounds`` runs of ``fn()`` (which processes ``n`` items)."""
    best = float("inf")
    for _ in range(rounds):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best / n * 1e6


async def _batches(dispatcher: Any, events: list[Any], batch: int) -> list[list[Any]]:
    results: list[list[Any]] = []
    for i in range(0, len(events), batch):
        dispatcher.claims.begin_batch()
        results.extend(await dispatcher.process_reports(events[i:i + batch]))
    return results


def measure(raws: list[bytes], redis_url: str, rounds: int, batch: int) -> dict[str, float]:
    from binrelay_shared.redis_auth import redis_client
    from binrelay_shared.settings import Settings

    events = _decode(raws)
    n = len(events)
    out: dict[str, float] = {}
    out["decode"] = _cpu_us(lambda: _decode(raws), n, rounds)

    async def run() -> None:
        redis = redis_client(Settings(redis_url=redis_url), "admin")
        dispatcher = _dispatcher(redis)
        for e in events[:200]:  # warm-up: template compilation, zoneinfo, lazy indexes
            dispatcher.plan(e)
        out["plan"] = _cpu_us(lambda: [dispatcher.plan(e) for e in events], n, rounds)
        best = float("inf")
        for _ in range(rounds):
            await redis.flushdb()  # every report fresh, as in production
            t0 = time.process_time()
            await _batches(dispatcher, events, batch)
            best = min(best, time.process_time() - t0)
        out["batch"] = best / n * 1e6
        await redis.flushdb()
        await redis.aclose()

    asyncio.run(run())
    out["redis"] = out["batch"] - out["plan"]
    return out


def capture(raws: list[bytes], redis_url: str, path: Path, batch: int) -> int:
    """Every Out (topic, key, JSON) of every report, then the Redis state left, as JSON lines."""
    from binrelay_dispatcher import state
    from binrelay_shared.codec import encode
    from binrelay_shared.events import Response, ResponseKind
    from binrelay_shared.publisher import key_of
    from binrelay_shared.redis_auth import redis_client
    from binrelay_shared.settings import Settings

    def _out(o: Any, drop: tuple[str, ...] = ()) -> dict[str, Any]:
        event = orjson.loads(encode(o.event))
        for f in drop:
            event.pop(f)
        return {"topic": o.topic, "key": (key_of(o.event, o.key) or b"").decode(), "event": event}

    events = _decode(raws)

    async def run() -> list[bytes]:
        redis: Any = redis_client(Settings(redis_url=redis_url), "admin")  # replies are bytes (no decode_responses)
        await redis.flushdb()
        dispatcher = _dispatcher(redis)
        lines: list[bytes] = []
        # Twice: the second pass must find every report a duplicate (and publish nothing).
        for attempt in (1, 2):
            results = await _batches(dispatcher, events, batch)
            for e, outs in zip(events, results, strict=True):
                lines.append(orjson.dumps({"pass": attempt, "report": e.report_id, "outs": [_out(o) for o in outs]}))
        # Then the later phases: approve (or reject) every pending approval, acknowledge every
        # other escalation, and run the timers a week on (escalations, quiet hours, digests).
        pending = [e for e in events if await redis.exists(state.approval_key(e.report_id))]
        acks = [e for e in events if await redis.exists(state.ack_key(e.report_id))]
        responses = [Response(report_id=e.report_id, network_id=e.network_id, responder_id="x",
                              kind=ResponseKind.approve if i % 3 else ResponseKind.reject, via="cli",
                              at=e.stamps.received + timedelta(hours=i % 24))
                     for i, e in enumerate(pending)]
        responses += [Response(report_id=e.report_id, network_id=e.network_id, responder_id="x",
                               kind=ResponseKind.acknowledge, via="cli", at=NOW) for e in acks[::2]]
        for r, outs in zip(responses, await dispatcher.process_responses(responses), strict=True):
            lines.append(orjson.dumps({"response": r.report_id, "kind": r.kind.value, "outs": [
                _out(o) for o in outs]}))
        dispatcher.clock = lambda: NOW + timedelta(days=8)
        while outs := await dispatcher.due(limit=1000):
            for o in outs:  # a digest's trace id is new_id(): fresh per call, left out
                lines.append(orjson.dumps({"due": _out(o, drop=("trace_id",) if o.event.report_id.startswith(
                    "digest-") else ())}))
        for key in sorted(await redis.keys("binrelay:dispatcher:*")):
            kind = (await redis.type(key)).decode()
            if kind == "zset":
                value: Any = [[m.decode(), s] for m, s in await redis.zrange(key, 0, -1, withscores=True)]
            else:
                value = (await redis.get(key) or b"").decode()
            ttl = await redis.ttl(key)
            lines.append(orjson.dumps({"redis": key.decode(), "type": kind, "value": value,
                                       "ttl": ttl if ttl < 0 else round(ttl, -2)}))
        await redis.flushdb()
        await redis.aclose()
        return lines

    lines = asyncio.run(run())
    path.write_bytes(b"\n".join(lines) + b"\n")
    return len(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3, help="runs per figure; the best is kept")
    parser.add_argument("--batch", type=int, default=500, help="events per process_reports call")
    parser.add_argument("--inputs", type=Path, default=DEFAULT_INPUTS, help="cached inputs (JSON lines)")
    parser.add_argument("--redis-url", default=None, help="an existing Redis (its db is FLUSHED)")
    parser.add_argument("--capture", type=Path, default=None, help="write every output here instead")
    args = parser.parse_args()

    from binrelay_shared.logging import configure_logging

    configure_logging("dispatcher", "WARNING", True)  # as bench/harness.py runs the services
    raws = load_inputs(args.inputs, args.reports)
    with local_redis(args.redis_url) as url:
        if args.capture:
            count = capture(raws, url, args.capture, args.batch)
            print(f"{count} lines written to {args.capture}")
            return 0
        figures = measure(raws, url, args.rounds, args.batch)
    print(f"dispatcher CPU per report ({len(raws)} reports, best of {args.rounds}, time.process_time):")
    print(f"  decode ReportCleared (stage, not the dispatcher): {figures['decode']:8.1f} µs")
    print(f"  plan (routing, templates, jobs)                 : {figures['plan']:8.1f} µs")
    print(f"  process_reports, batches of {args.batch:<4} (plan + Redis): {figures['batch']:8.1f} µs")
    print(f"  of which Redis (claims, state)                  : {figures['redis']:8.1f} µs")
    print(orjson.dumps({k: round(v, 1) for k, v in figures.items()}).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
