"""`make up` supervises its servers too: Redis or a Kafka node killed with SIGKILL is back without a
human, and the pipeline works again; `make down` leaves nothing behind.

The stack is started the way `make up` starts it (``deploy/local/stack.sh up``: the servers'
first-start steps, the servers under supervisord, the topics, ACLs and zone, then the services),
in a run folder of its own and on free ports (never the fixed 9092/6379/8080...: another stack
may be running), with the services a report needs to reach its police zone (ingest and the
stages, both lanes; no channels, no Synapse, no Prometheus). It shares the session's secrets folder
(so the test reads the zone topic as admin), not its broker. Times are printed, never asserted
beyond the supervisor's own promise (respawned within 10 s, from its log).
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from binrelay_shared import topics
from tests.conftest import LOCAL, REPO, TEST_ZONE, free_port
from tests.kafka_helpers import TopicReader
from tests.supervision import alive, kill_leftover_supervisor, respawn_times

pytestmark = pytest.mark.integration

STACK = LOCAL / "stack.sh"
SERVICES = ("ingest", "classifier", "privacy-filter", "dispatcher",  # both lanes: ingest's pre-check may call
            "classifier-urgent", "privacy-filter-urgent", "dispatcher-urgent")  # a report possibly urgent
DEADLINE = 180.0


class Stack:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.run = Path(env["BINRELAY_RUN_DIR"])
        self.url = f"http://127.0.0.1:{env['BINRELAY_HTTP_PORT']}"
        self.bootstrap = f"127.0.0.1:{env['KAFKA_PORT']}"

    def sh(self, command: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(STACK), command], env=self.env, capture_output=True, text=True, timeout=timeout,
                              check=False)

    def status(self) -> dict[str, tuple[str, int | None]]:
        states: dict[str, tuple[str, int | None]] = {}
        for line in self.sh("procs-status", timeout=60).stdout.splitlines():
            m = re.match(r"^(\S+)\s+(\S+)(?:\s+pid (\d+))?", line)
            if m:
                states[m[1]] = (m[2], int(m[3]) if m[3] else None)
        return states

    def respawn_seconds(self, name: str, pid: int) -> float:
        """From supervisord's log: when it saw ``pid`` of ``name`` killed, and spawned the next."""
        exited, spawned = respawn_times(self.run / "logs" / "supervisord.log", name, pid)
        return (spawned - exited).total_seconds()


@pytest.fixture
def stack(secrets_dir: Path) -> Iterator[Stack]:
    run = Path(os.environ.get("TMPDIR", "/tmp")) / f"binrelay-srv-{os.getpid()}-{random.randrange(10**6)}"
    run.mkdir(parents=True)  # short: supervisord's unix socket path must stay under ~100 characters
    base = random.randrange(20000, 60000, 20)  # metrics ports base+1..base+8: the services above
    env = {
        **os.environ,
        "BINRELAY_RUN_DIR": str(run),
        "BINRELAY_SECRETS_DIR": str(secrets_dir),
        "KAFKA_PORT": str(free_port()),
        "KAFKA_CTRL_PORT": str(free_port()),
        "REDIS_PORT": str(free_port()),
        "BINRELAY_HTTP_PORT": str(free_port()),
        "BINRELAY_METRICS_PORT_BASE": str(base),
        "BINRELAY_SYNAPSE": "0",
        "BINRELAY_PROMETHEUS": "0",
        "BINRELAY_STACK_ONLY": " ".join(SERVICES),
        "BINRELAY_LOG_LEVEL": "WARNING",
    }
    for name in ("BINRELAY_KAFKA", "BINRELAY_REDIS_URL", "KAFKA_NODES", "KAFKA_DATA_DIR", "REDIS_DATA_DIR"):
        env.pop(name, None)
    s = Stack(env)
    try:
        up = s.sh("up")
        assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
        yield s
    finally:
        s.sh("down", timeout=300)
        kill_leftover_supervisor(run)  # the test failed before down: leave nothing behind


def _post(stack: Stack, key: str, idem: str) -> httpx.Response:
    body = {"text": f"Verdachte man kijkt in autos, Grote Zavel {idem[-6:]}", "reporter": {"ref": "demo-1"},
            "network": "zavel"}
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": idem}
    deadline = time.monotonic() + DEADLINE
    while True:
        try:
            resp = httpx.post(f"{stack.url}/v1/reports", json=body, headers=headers, timeout=30)
            if resp.status_code == 202 or time.monotonic() > deadline:
                return resp
            assert resp.status_code in (409, 503, 504), resp.text
        except httpx.HTTPError:
            assert time.monotonic() < deadline, "ingest never answered"
        time.sleep(1)


def _dispatched(stack: Stack, report_id: str) -> None:
    async def read() -> bool:
        reader = await TopicReader(stack.bootstrap, topics.dispatch(TEST_ZONE)).start(from_beginning=True)
        try:
            await reader.wait_for(lambda m: m.get("report_id") == report_id, timeout=DEADLINE)
            return True
        except AssertionError:
            return False
        finally:
            await reader.stop()

    if not asyncio.run(read()):
        redis = f"redis://127.0.0.1:{stack.env['REDIS_PORT']}/0"
        trace = subprocess.run([str(REPO / ".venv" / "bin" / "binrelay"), "trace", report_id],
                               env={**stack.env, "BINRELAY_REDIS_URL": redis}, capture_output=True, text=True,
                               check=False)  # fmt: skip
        raise AssertionError(f"report {report_id} not on the zone topic; its trace:\n{trace.stdout}{trace.stderr}")


def _kill_and_wait_back(stack: Stack, name: str) -> None:
    state, pid = stack.status()[name]
    assert state == "RUNNING" and pid, stack.status()
    os.kill(pid, signal.SIGKILL)
    t0 = time.monotonic()
    while time.monotonic() < t0 + DEADLINE:
        state, new = stack.status().get(name, ("?", None))
        if state == "RUNNING" and new and new != pid:
            break
        time.sleep(0.2)
    else:
        raise AssertionError(f"{name} not back within {DEADLINE} s: {stack.status()}")
    restart = stack.respawn_seconds(name, pid)
    print(f"\n{name}: kill -9 pid {pid} -> respawned in {restart:.3f} s (supervisord's log), "
          f"RUNNING (pid {new}) after {time.monotonic() - t0:.1f} s")
    assert restart <= 10, f"supervisord took {restart:.1f} s to start {name} again"


@pytest.mark.timeout(1800)  # a whole stack, started and stopped, on a shared 2-core machine
def test_redis_and_kafka_killed_are_back_and_the_pipeline_works_again(stack: Stack) -> None:
    """Given the stack started as `make up` starts it, Kafka and Redis under its supervisor,
    when a report is posted (it reaches the zone topic), then Redis and then the Kafka node are
    killed with SIGKILL,
    then each is started again by the supervisor (a new pid) without a human, the API key made
    before the kills still works (Redis kept it), a new report reaches the zone topic again;
    and `down` leaves no process of the stack running."""
    states = stack.status()
    assert {"kafka", "redis", *SERVICES} <= set(states), states
    assert all(s == "RUNNING" for s, _ in states.values()), states
    key = (stack.run / "demo.key").read_text().strip()
    first = _post(stack, key, f"srv-{uuid.uuid4().hex}")
    assert first.status_code == 202, first.text
    _dispatched(stack, first.json()["report_id"])

    _kill_and_wait_back(stack, "redis")
    _kill_and_wait_back(stack, "kafka")
    wait = subprocess.run([str(LOCAL / "kafka.sh"), "wait", "120"], env=stack.env, capture_output=True, text=True,
                          check=False)
    assert wait.returncode == 0, wait.stderr
    t0 = time.monotonic()
    again = _post(stack, key, f"srv-{uuid.uuid4().hex}")
    assert again.status_code == 202, again.text
    _dispatched(stack, again.json()["report_id"])
    print(f"a report accepted {time.monotonic() - t0:.1f} s after Kafka was back, and on the zone topic")

    pids = [pid for _, pid in stack.status().values() if pid]
    supervisor = int((stack.run / "supervisord.pid").read_text())
    down = stack.sh("down", timeout=300)
    assert down.returncode == 0, down.stderr
    left = [pid for pid in [*pids, supervisor] if alive(pid)]
    assert not left, f"still running after down: {left}"
