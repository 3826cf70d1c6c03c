"""`make up`'s supervisor: a killed process is back without a human; status shows all; down stops all.

The supervised set is started the way `make up` starts it (``deploy/local/stack.sh procs-up``:
the config rendered from the stack's process list, supervisord), on the session's Kafka and Redis
and on free ports (never the fixed 8080/9101...: another stack may be running), with a few of the
stack's processes (``BINRELAY_STACK_ONLY``). Times are measured and printed; the only bound
asserted is the issue's promise (back within 10 s), on the supervisor's own restart time as its
log records it. Serving again is polled with a generous deadline.
"""

from __future__ import annotations

import os
import random
import re
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from binrelay_devservers.stack import processes
from tests.supervision import alive, kill_leftover_supervisor, respawn_times

REPO = Path(__file__).resolve().parents[2]
STACK = REPO / "deploy" / "local" / "stack.sh"
SET = ("ingest", "classifier", "classifier-urgent", "observer", "devserver-sms")
DEADLINE = 60.0


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_block(width: int) -> int:
    """A base port whose base+1..base+width are all free right now."""
    for _ in range(200):
        base = random.randrange(20000, 60000, 20)
        if all(_free(base + i) for i in range(1, width + 1)):
            return base
    raise RuntimeError("no block of free ports")


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return int(r.status)
    except Exception:
        return 0


class Supervised:
    def __init__(self, env: dict[str, str], run: Path) -> None:
        self.env, self.run = env, run

    def stack(self, command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(STACK), command], env=self.env, capture_output=True, text=True, timeout=180,
                              check=check)

    def status(self) -> dict[str, tuple[str, int | None]]:
        out = self.stack("procs-status", check=False).stdout
        states: dict[str, tuple[str, int | None]] = {}
        for line in out.splitlines():
            m = re.match(r"^(\S+)\s+(\S+)(?:\s+pid (\d+))?", line)
            if m:
                states[m[1]] = (m[2], int(m[3]) if m[3] else None)
        return states

    def url(self, name: str) -> str:
        if name == "ingest":
            return f"http://127.0.0.1:{self.env['BINRELAY_HTTP_PORT']}/healthz"
        if name == "devserver-sms":
            return f"http://127.0.0.1:{self.env['SMS_GATEWAY_PORT']}/messages"
        port = next(p.metrics_port for p in processes(self.env) if p.name == name)
        return f"http://127.0.0.1:{port}/metrics"

    def log_times(self, name: str, pid: int) -> tuple[datetime, datetime]:
        """When supervisord saw ``pid`` of ``name`` exit, and when it spawned the next one (its log)."""
        return respawn_times(self.run / "logs" / "supervisord.log", name, pid)


@pytest.fixture
def supervised(kafka_bootstrap: str, redis_url: str, secrets_dir: Path, tmp_path: Path) -> Iterator[Supervised]:
    run = Path(os.environ.get("TMPDIR", "/tmp")) / f"binrelay-sup-{os.getpid()}-{random.randrange(10**6)}"
    run.mkdir(parents=True)  # short: supervisord's unix socket path must stay under ~100 characters
    base = _free_block(19)
    env = {
        **os.environ,
        "BINRELAY_RUN_DIR": str(run),
        "BINRELAY_STACK_ONLY": " ".join(SET),
        "BINRELAY_METRICS_PORT_BASE": str(base),
        "BINRELAY_HTTP_PORT": str(_free_block(1) + 1),
        "SMS_GATEWAY_PORT": str(_free_block(1) + 1),
        "BINRELAY_PROMETHEUS": "0",
        "BINRELAY_KAFKA": kafka_bootstrap,
        "BINRELAY_REDIS_URL": redis_url,
        "BINRELAY_SECRETS_DIR": str(secrets_dir),
        "BINRELAY_NETWORKS_DIR": str(REPO / "deploy" / "networks"),
        "BINRELAY_ATTACHMENTS_DIR": str(tmp_path / "attachments"),
        "BINRELAY_LOG_LEVEL": "WARNING",
    }
    sup = Supervised(env, run)
    try:
        up = sup.stack("procs-up", check=False)
        assert up.returncode == 0, up.stdout + up.stderr
        yield sup
    finally:
        sup.stack("procs-down", check=False)
        kill_leftover_supervisor(run)  # the test failed before down: leave nothing behind


def _kill_and_wait_back(sup: Supervised, name: str) -> None:
    state, pid = sup.status()[name]
    assert state == "RUNNING" and pid
    deadline = time.monotonic() + DEADLINE
    while _get(sup.url(name)) != 200:
        assert time.monotonic() < deadline, f"{name} never served before the kill"
        time.sleep(0.2)
    os.kill(pid, signal.SIGKILL)
    t0 = time.monotonic()
    back_pid, running_at, serving_at = None, None, None
    while time.monotonic() < t0 + DEADLINE:
        state, new = sup.status().get(name, ("?", None))
        if state == "RUNNING" and new and new != pid:
            back_pid = new
            running_at = running_at or time.monotonic() - t0
            if _get(sup.url(name)) == 200:
                serving_at = time.monotonic() - t0
                break
        time.sleep(0.1)
    assert back_pid, f"{name} not restarted within {DEADLINE} s: {sup.status()}"
    assert serving_at is not None, f"{name} restarted (pid {back_pid}) but not serving within {DEADLINE} s"
    exited, spawned = sup.log_times(name, pid)
    restart = (spawned - exited).total_seconds()
    print(f"\n{name}: kill -9 pid {pid} -> supervisord respawned it in {restart:.3f} s (its log), "
          f"RUNNING (new pid {back_pid}) after {running_at:.2f} s, serving after {serving_at:.2f} s")
    assert restart <= 10, f"supervisord took {restart:.1f} s to start {name} again"


def test_a_killed_process_is_back_status_shows_all_and_down_stops_all(supervised: Supervised) -> None:
    """Given the stack's processes under its supervisor,
    when ingest (the HTTP front door), a stage process and a loopback server are killed with SIGKILL,
    then each is started again by the supervisor (a new pid, serving again) without a human;
    and `procs-status` lists every process with its state; `procs-down` leaves no process behind."""
    sup = supervised
    states = sup.status()
    assert set(states) == set(SET), states
    assert all(s == "RUNNING" for s, _ in states.values()), states
    for name in ("ingest", "classifier", "devserver-sms"):
        _kill_and_wait_back(sup, name)

    pids = [pid for _, pid in sup.status().values() if pid]
    supervisor_pid = int((sup.run / "supervisord.pid").read_text())
    down = sup.stack("procs-down", check=False)
    assert down.returncode == 0, down.stderr
    for pid in [*pids, supervisor_pid]:
        assert not alive(pid), f"pid {pid} still running after procs-down"
    assert "stopped" in sup.stack("procs-status", check=False).stdout


def test_down_after_supervisord_was_killed_leaves_none_of_its_processes_and_only_those(
        supervised: Supervised) -> None:
    """Given the stack's processes under its supervisor, and a process of the same run folder
    (its environment names it too) that the supervisor did not start,
    when supervisord is killed with SIGKILL (what procs-down does when a stop outlasts 30 s: its
    children live on) and procs-down runs,
    then none of the processes it had started is left running, and the other process still is."""
    from binrelay_devservers.stack import supervised_pids

    sup = supervised
    pids = [pid for _, pid in sup.status().values() if pid]
    assert len(pids) == len(SET), sup.status()
    bystander = subprocess.Popen(["sleep", "600"], env=sup.env)  # ours too, but not supervised
    try:
        supervisor_pid = int((sup.run / "supervisord.pid").read_text())
        os.kill(supervisor_pid, signal.SIGKILL)
        deadline = time.monotonic() + DEADLINE
        while alive(supervisor_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        orphans = [pid for pid in pids if alive(pid)]
        assert orphans, "no child outlived supervisord: nothing to show"
        assert set(orphans) <= set(supervised_pids(sup.run))
        down = sup.stack("procs-down", check=False)
        assert down.returncode == 0, down.stdout + down.stderr
        left = [pid for pid in pids if alive(pid)]
        assert not left, f"procs-down left {len(left)} of {len(orphans)} orphaned processes running: {left}"
        assert supervised_pids(sup.run) == []
        assert bystander.poll() is None, "procs-down stopped a process the supervisor had not started"
    finally:
        bystander.kill()
        bystander.wait()
