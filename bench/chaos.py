"""The fault suite (``make chaos``): reports through a replicated pipeline while it is broken on purpose.

One run, on free loopback ports, nothing shared with ``make up``:

* a 3-node KRaft cluster (``deploy/local/kafka.sh``, ``KAFKA_NODES=3``: topics replicated 3
  times, ``min.insync.replicas=2``), Redis (``deploy/local/redis.sh``, append-only file), the
  pipeline's topics and ACLs, as ``make up`` makes them;
* under supervisord, as ``make up`` runs them (``deploy/local/stack.sh procs-up``): ingest, the
  loopback SMS gateway and SMTP sink, and **two instances** of each stage and sender process
  (``BINRELAY_STACK_INSTANCES=2``; each instance has ``BINRELAY_INSTANCE`` 0 or 1);
* ``--reports`` reports posted to ingest at ``--rate`` per second (each with an
  ``Idempotency-Key``: a 504 or a dropped connection is retried with the same key, as a client is
  told to), and, during the load, the faults of ``--faults``:

  ``stage``    kill -9 one instance of each stage (classifier, privacy filter, dispatcher) and of
               each sender (SMS, e-mail); supervisord starts them again;
  ``leader``   kill -9 the broker leading the zone topic's first partition; started again
               ``--broker-down`` seconds later (Kafka is not supervised yet);
  ``redis``    Redis stopped and started again (its append-only file keeps the claims);
  ``gateway``  the SMS gateway answers 503 to everything for ``--gateway-down`` seconds;
  ``member``   a coordinator removed from the member registry (``binrelay members remove``) and,
               ``--member-gap`` seconds later (default: 15 % of the load, at least 10 s), added
               again as they were (``binrelay members import`` of their exported record); nothing
               is restarted: the running dispatchers take both changes from
               ``bin.members.changed.v1``. The table says how many deliveries were planned for the
               member while absent (must be none, past the change's way to the dispatchers) and
               after (some, if the other coordinator got some).

Then ``binrelay audit`` (binrelay_shared.audit + the wire counts of the gateway and the sink) is
run until the pipeline has settled, and a table is printed: accepted, dispatched once, duplicates
on the zone topic (read_committed), deliveries lost, sent twice, and how long each killed process
took to be back (RUNNING under a new pid, supervisord's view).

    .venv/bin/python bench/chaos.py [--reports 20000] [--rate 100] [--faults stage,leader,...]
                                    [--json-out FILE] [--keep]

The machine is shared: develop with a few hundred reports. No figure here is asserted; the short
version in ``make test`` (tests/integration/test_chaos.py) asserts what must hold.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.reports import make_report
from binrelay import wire
from binrelay_devservers.ports import free_port
from binrelay_devservers.stack import processes, respawn_times
from binrelay_shared import topics
from binrelay_shared.audit import Absence, Audit, Records, absence_deliveries, account, read_records

REPO = Path(__file__).resolve().parent.parent
LOCAL = REPO / "deploy" / "local"
BIN = REPO / ".venv" / "bin"
ZONE = "5339"
FAULTS = ("stage", "leader", "redis", "gateway", "member")
#: The processes killed by the ``stage`` fault: instance 0 of each stage and sender (ordinary lane).
KILLED = ("classifier", "privacy-filter", "dispatcher", "sender-sms", "sender-email")
#: The stack's processes the suite does not run (inbound adapters, observer, SMPP server).
LEFT_OUT = re.compile(r"^(observer|adapter-.*|devserver-smsc|prometheus)$")
#: The member the ``member`` fault removes and adds again, and the one planned for the same reports.
MEMBER, PEER = "zavel-coord-1", "zavel-coord-2"
#: How long a registry change may take to reach the dispatchers (event, registry read) on a loaded machine.
MEMBER_GRACE = 10.0


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_block(width: int) -> int:
    """A base port whose base+1..base+width are all free right now."""
    for _ in range(500):
        base = random.randrange(20000, 60000, 50)
        if all(_free(base + i) for i in range(1, width + 1)):
            return base
    raise RuntimeError("no block of free ports")


def write_members(path: Path) -> None:
    """The example members, without their chat addresses: the suite runs no Matrix homeserver,
    so a chat job would wait forever for a sender that is not there (SMS and e-mail are counted
    at the wire; chat is not)."""
    data = yaml.safe_load((REPO / "deploy" / "members.example.yaml").read_text("utf-8"))
    for member in data["members"]:
        member["channels"] = [c for c in member.get("channels", []) if c.get("channel") != "chat"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


def _ours(pid: int, root: Path) -> bool:
    """Whether ``pid`` is alive and one of this run's processes (its environment names our folder)."""
    try:
        return str(root) in Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
    except OSError:
        return False


@dataclass
class Recovery:
    """A process killed on purpose, and when it was back."""

    name: str
    killed_at: float
    pid: int
    back_after: float | None = None  # seconds until RUNNING under a new pid (supervisord), as polled
    how: str = "supervisord"
    respawned_after: float | None = None  # supervisord's own log: from the exit it saw to the next spawn


@dataclass
class Chaos:
    """The suite's stack: a 3-node cluster, Redis, and the supervised processes, on free ports."""

    instances: int = 2
    nodes: int = 3
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(
        prefix="chaos-", dir=os.environ.get("TMPDIR", "/tmp"))))  # short: supervisord's socket path
    env: dict[str, str] = field(default_factory=dict)
    key: str = ""
    events: list[str] = field(default_factory=list)
    recoveries: list[Recovery] = field(default_factory=list)
    absence: Absence | None = None
    fault_errors: list[str] = field(default_factory=list)
    records: Records | None = None  # the last audit's records
    t0: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        kafka_ports = [free_port() for _ in range(self.nodes)]
        self.env = {
            **os.environ,
            "KAFKA_NODES": str(self.nodes),
            "KAFKA_PORT": str(kafka_ports[0]),
            "KAFKA_PORTS": ",".join(map(str, kafka_ports)),
            "KAFKA_CTRL_PORTS": ",".join(str(free_port()) for _ in range(self.nodes)),
            "KAFKA_DATA_DIR": str(self.root / "kafka"),
            "KAFKA_HEAP": os.environ.get("KAFKA_HEAP", "384m"),
            "REDIS_PORT": str(free_port()),
            "REDIS_DATA_DIR": str(self.root / "redis"),
            "BINRELAY_RUN_DIR": str(self.root / "run"),
            "BINRELAY_SECRETS_DIR": str(self.root / "secrets"),
            "BINRELAY_METRICS_PORT_BASE": str(free_block(20 * self.instances + 20)),
            "BINRELAY_HTTP_PORT": str(free_port()),
            "SMS_GATEWAY_PORT": str(free_port()),
            "SMTP_SINK_PORT": str(free_port()),
            "BINRELAY_SMS_WEBHOOK_PORT": str(free_port()),
            "BINRELAY_SYNAPSE": "0",
            "BINRELAY_PROMETHEUS": "0",
            "BINRELAY_STACK_INSTANCES": str(self.instances),
            # Kafka and Redis are this harness's own daemons (it kills and restarts them itself):
            # the supervisor runs the pipeline's processes only.
            "BINRELAY_INFRA": "0",
            "BINRELAY_ZONE_ID": ZONE,
            "BINRELAY_NETWORKS_DIR": str(REPO / "deploy" / "networks"),
            "BINRELAY_MEMBERS_FILE": str(self.root / "members.yaml"),
            # The registry (seeded from the members file at the first start), for the services and
            # the suite's `binrelay members` alike.
            "BINRELAY_DATABASE_URL": f"sqlite+aiosqlite:///{self.root / 'run' / 'binrelay.db'}",
            "BINRELAY_ATTACHMENTS_DIR": str(self.root / "attachments"),
            "BINRELAY_LOG_LEVEL": "WARNING",
        }
        for drop in ("KAFKA_SECURITY", "BINRELAY_KAFKA", "BINRELAY_REDIS_URL", "BINRELAY_KAFKA_USER"):
            self.env.pop(drop, None)
        self.env["BINRELAY_REDIS_URL"] = f"redis://127.0.0.1:{self.env['REDIS_PORT']}/0"
        self.env["BINRELAY_STACK_ONLY"] = " ".join(self.names())

    # -- the stack ------------------------------------------------------------------------------

    def names(self) -> list[str]:
        """The supervised processes: the stack's list, two of each stage and sender, minus LEFT_OUT."""
        env = {k: v for k, v in self.env.items() if k != "BINRELAY_STACK_ONLY"}
        return [p.name for p in processes(env) if not LEFT_OUT.match(p.name)]

    def log(self, text: str) -> None:
        line = f"[{time.monotonic() - self.t0:7.1f} s] {text}"
        self.events.append(line)
        print(line, flush=True)

    def sh(self, script: str, *args: str, check: bool = True, timeout: float = 300) -> str:
        done = subprocess.run([str(LOCAL / script), *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout)
        if check and done.returncode != 0:
            raise RuntimeError(f"{script} {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout.strip()

    @property
    def bootstrap(self) -> str:
        return self.env["BINRELAY_KAFKA"]

    @property
    def ingest(self) -> str:
        return f"http://127.0.0.1:{self.env['BINRELAY_HTTP_PORT']}"

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.env['SMS_GATEWAY_PORT']}"

    @property
    def maildir(self) -> Path:
        return self.root / "run" / "mail"

    def admin(self) -> Any:
        """How the suite's own clients connect to the cluster: as admin."""
        from binrelay_shared.settings import Settings
        from binrelay_shared.zones import admin_config

        return admin_config(Settings(kafka=self.bootstrap, secrets_dir=Path(self.env["BINRELAY_SECRETS_DIR"])))

    def auditor(self) -> Any:
        """How the audit connects: as the read-only ``auditor`` principal, as ``binrelay audit`` does."""
        from binrelay_shared import acl
        from binrelay_shared.kafka_security import kafka_client_config
        from binrelay_shared.settings import Settings

        return kafka_client_config(Settings(kafka=self.bootstrap, secrets_dir=Path(self.env["BINRELAY_SECRETS_DIR"])),
                                   acl.AUDITOR)

    def start(self) -> None:
        """Cluster, Redis, topics and ACLs, an ingest key, the members file, the supervised processes."""
        from binrelay_shared.kafka import ensure_topics
        from binrelay_shared.local_secrets import ensure_all
        from binrelay_shared.settings import Settings
        from binrelay_shared.zones import apply_table

        secrets = Path(self.env["BINRELAY_SECRETS_DIR"])
        ensure_all(secrets)
        self.log(f"starting a {self.nodes}-node Kafka cluster, Redis ({self.root})")
        self.sh("kafka.sh", "start", timeout=600)
        self.env["BINRELAY_KAFKA"] = self.sh("kafka.sh", "bootstrap")
        self.sh("redis.sh", "start")
        asyncio.run(ensure_topics(self.admin(), [ZONE]))
        apply_table(Settings(kafka=self.bootstrap, secrets_dir=secrets))
        write_members(Path(self.env["BINRELAY_MEMBERS_FILE"]))
        done = subprocess.run([str(BIN / "binrelay"), "keys", "create", "--role", "adapter", "--adapter", "chaos",
                               "--label", "chaos suite", "--rate", "100000", "-q"],
                              env=self.env, capture_output=True, text=True, check=True, timeout=60)
        self.key = done.stdout.strip()
        self.log(f"starting {len(self.names())} processes under supervisord")
        self.sh("stack.sh", "procs-up", timeout=600)
        self.wait_serving()

    def wait_serving(self, timeout: float = 900) -> None:  # 24 processes starting at once on a loaded machine
        deadline = time.monotonic() + timeout
        for url in (f"{self.ingest}/healthz", f"{self.gateway}/healthz"):
            while True:
                try:
                    if httpx.get(url, timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{url} not serving after {timeout:.0f} s")
                time.sleep(0.5)

    def stop(self) -> None:
        """Everything down, nothing left behind.

        ``stack.sh procs-down`` gives supervisord 30 s, then kills it with SIGKILL — and its
        children live on: on a loaded machine stopping ~25 processes group by group (15 s each
        at most) takes longer, and earlier runs left dozens behind. So: every process stopped
        through supervisord first (it waits for each), then procs-down, then whatever of the
        pids seen before is still alive is killed."""
        pids = [pid for _, pid in self.status().values() if pid]
        conf = self.root / "run" / "supervisord.conf"
        if conf.exists():
            subprocess.run([str(BIN / "supervisorctl"), "-c", str(conf), "stop", "all"], env=self.env,
                           capture_output=True, timeout=600, check=False)
        self.sh("stack.sh", "procs-down", check=False)
        pid_file = self.root / "run" / "supervisord.pid"
        if pid_file.exists():  # procs-down failed
            pids.append(int(pid_file.read_text() or 0))
        for pid in pids:
            if pid and _ours(pid, self.root):
                os.kill(pid, signal.SIGKILL)
        self.sh("redis.sh", "stop", check=False)
        self.sh("kafka.sh", "stop", check=False)

    def status(self) -> dict[str, tuple[str, int | None]]:
        out = self.sh("stack.sh", "procs-status", check=False)
        states: dict[str, tuple[str, int | None]] = {}
        for line in out.splitlines():
            m = re.match(r"^(\S+)\s+(\S+)(?:\s+pid (\d+))?", line)
            if m:
                states[m[1]] = (m[2], int(m[3]) if m[3] else None)
        return states

    def read_respawns(self) -> None:
        """Each killed process's restart time as supervisord's log has it (the polled RUNNING time
        also counts the status calls, slow on a loaded machine)."""
        log = self.root / "run" / "logs" / "supervisord.log"
        for rec in self.recoveries:
            if rec.how != "supervisord":
                continue
            try:
                exited, spawned = respawn_times(log, rec.name, rec.pid)
            except (AssertionError, OSError):
                continue
            rec.respawned_after = round((spawned - exited).total_seconds(), 3)

    # -- faults ---------------------------------------------------------------------------------

    async def kill_process(self, name: str) -> None:
        state, pid = (await asyncio.to_thread(self.status)).get(name, ("?", None))
        if state != "RUNNING" or not pid:
            self.log(f"{name}: not running ({state}), not killed")
            return
        os.kill(pid, signal.SIGKILL)
        rec = Recovery(name, time.monotonic(), pid)
        self.recoveries.append(rec)
        self.log(f"kill -9 {name} (pid {pid})")
        deadline = rec.killed_at + 120
        while time.monotonic() < deadline:
            state, new = (await asyncio.to_thread(self.status)).get(name, ("?", None))
            if state == "RUNNING" and new and new != pid:
                rec.back_after = time.monotonic() - rec.killed_at
                self.log(f"{name} back (pid {new}) after {rec.back_after:.1f} s")
                return
            await asyncio.sleep(0.2)
        self.log(f"{name} NOT back after 120 s")

    async def kill_leader(self, down: float) -> None:
        from aiokafka.admin import AIOKafkaAdminClient

        topic = topics.dispatch(ZONE)
        admin = AIOKafkaAdminClient(**self.admin().aiokafka())
        await admin.start()
        try:
            [desc] = await admin.describe_topics([topic])
        finally:
            await admin.close()
        part = next(p for p in desc["partitions"] if p.get("partition", p.get("partition_index")) == 0)
        victim = part.get("leader", part.get("leader_id"))
        pid = int(await asyncio.to_thread(self.sh, "kafka.sh", "pid", str(victim)))
        os.kill(pid, signal.SIGKILL)
        rec = Recovery(f"kafka node {victim} (leader of {topic}[0])", time.monotonic(), pid,
                       how=f"restarted by the suite after {down:.0f} s (Kafka is not supervised)")
        self.recoveries.append(rec)
        self.log(f"kill -9 Kafka node {victim} (pid {pid}), leader of {topic}[0]")
        elected = await self._new_leader(topic, victim, rec.killed_at)
        rec.how += f"; new leader elected after {elected:.1f} s" if elected is not None else "; no new leader in 120 s"
        self.log(f"{topic}[0]: new leader elected after {elected:.1f} s" if elected is not None
                 else f"{topic}[0]: no new leader within 120 s")
        await asyncio.sleep(max(0.0, down - (time.monotonic() - rec.killed_at)))
        # kafka.sh start waits 90 s for the node; on a loaded machine it may need longer: wait on.
        await asyncio.to_thread(self.sh, "kafka.sh", "start", check=False, timeout=600)
        await asyncio.to_thread(self.sh, "kafka.sh", "wait", "600", timeout=700)
        rec.back_after = time.monotonic() - rec.killed_at
        self.log(f"Kafka node {victim} started again, {rec.back_after:.1f} s after the kill")

    async def _new_leader(self, topic: str, victim: int, since: float) -> float | None:
        from aiokafka.admin import AIOKafkaAdminClient

        while time.monotonic() < since + 120:
            admin = AIOKafkaAdminClient(**self.admin().aiokafka())
            try:
                await admin.start()
                [desc] = await admin.describe_topics([topic])
                part = next(p for p in desc["partitions"] if p.get("partition", p.get("partition_index")) == 0)
                leader = part.get("leader", part.get("leader_id"))
                if leader not in (victim, -1, None):
                    return time.monotonic() - since
            except Exception:  # the cluster is electing: ask again
                pass
            finally:
                await admin.close()
            await asyncio.sleep(0.5)
        return None

    async def restart_redis(self) -> None:
        t = time.monotonic()
        await asyncio.to_thread(self.sh, "redis.sh", "stop")
        self.log("Redis stopped")
        await asyncio.sleep(2)
        await asyncio.to_thread(self.sh, "redis.sh", "start")
        rec = Recovery("redis", t, 0, back_after=time.monotonic() - t, how="restarted by the suite (stop, start)")
        self.recoveries.append(rec)
        self.log(f"Redis started again ({rec.back_after:.1f} s down)")

    async def gateway_down(self, seconds: float) -> None:
        async with httpx.AsyncClient(timeout=10) as client:
            r = await client.post(f"{self.gateway}/_control/down", json={"seconds": seconds})
            r.raise_for_status()
        self.log(f"SMS gateway down (503 to every send) for {seconds:.0f} s")
        await asyncio.sleep(seconds)
        self.log("SMS gateway back")

    def binrelay(self, *args: str) -> str:
        """``binrelay ARGS`` as an operator runs it, in the suite's environment; its output."""
        done = subprocess.run([str(BIN / "binrelay"), *args], env=self.env, capture_output=True, text=True,
                              timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"binrelay {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout.strip()

    async def member_change(self, gap: float, member: str = MEMBER, peer: str = PEER) -> None:
        """Remove a coordinator from the registry, then add them again as they were; no restart."""
        everyone = self.root / "members.json"
        await asyncio.to_thread(self.binrelay, "members", "export", "--format", "json", "--out", str(everyone))
        record = [m for m in json.loads(everyone.read_text("utf-8")) if m["id"] == member]
        if not record:
            raise RuntimeError(f"{member} is not in the registry")
        saved = self.root / "member.json"
        saved.write_text(json.dumps(record), "utf-8")
        saved.chmod(0o600)  # personal data (fictitious here)
        await asyncio.to_thread(self.binrelay, "members", "remove", member, "--by", "chaos suite")
        removed = datetime.now(UTC)  # removed and announced: the dispatchers' part starts (the grace)
        self.log(f"member {member} removed from the registry (binrelay members remove; no restart)")
        await asyncio.sleep(gap)
        added = datetime.now(UTC)  # still absent until the command has run: "absent" ends early, never late
        await asyncio.to_thread(self.binrelay, "members", "import", str(saved), "--by", "chaos suite")
        self.absence = Absence(member, peer, removed, added)
        self.log(f"member {member} added again (binrelay members import; no restart)")

    # -- load -----------------------------------------------------------------------------------

    async def post_reports(self, n: int, rate: float, seed: int = 7) -> dict[str, Any]:
        """``n`` reports at ``rate``/s through ingest; each retried with its Idempotency-Key until a
        202 (or a refusal, or 300 s)."""
        rng = random.Random(seed)
        bodies = []
        for i in range(n):
            _, raw, network = make_report(rng, rng.random() < 0.1)
            event = orjson.loads(raw)
            bodies.append({"text": event["report"]["text"], "reporter": {"ref": f"chaos-{i}"},
                           "network": network, "location": event["report"]["location"],
                           "language": event["report"]["language_hint"]})
        accepted: dict[str, str] = {}
        answers: dict[str, int] = {}
        gate = asyncio.Semaphore(200)
        start = time.monotonic()
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
        async with httpx.AsyncClient(base_url=self.ingest, timeout=30, limits=limits,
                                     headers={"Authorization": f"Bearer {self.key}"}) as client:

            async def one(i: int) -> None:
                key = f"chaos-{seed}-{i}"
                deadline = time.monotonic() + 300
                async with gate:
                    while True:
                        try:
                            r = await client.post("/v1/reports", json=bodies[i], headers={"Idempotency-Key": key})
                            status = r.status_code
                        except httpx.HTTPError as exc:
                            status, r = -1, None
                            answers[type(exc).__name__] = answers.get(type(exc).__name__, 0) + 1
                        answers[str(status)] = answers.get(str(status), 0) + 1
                        if r is not None and status in (200, 202):
                            accepted[key] = r.json()["report_id"]
                            return
                        if (400 <= status < 500 and status not in (409, 429)) or time.monotonic() > deadline:
                            return
                        await asyncio.sleep(1.0)

            tasks = []
            for i in range(n):
                delay = start + i / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(one(i)))
            await asyncio.gather(*tasks)
        self.log(f"posted {n} reports in {time.monotonic() - start:.1f} s: {len(accepted)} accepted; answers {answers}")
        return {"posted": n, "accepted": len(accepted), "answers": answers, "ids": set(accepted.values())}

    # -- audit ----------------------------------------------------------------------------------

    async def audit(self, since: datetime) -> Audit:
        records = await read_records(self.auditor(), since)
        await asyncio.to_thread(wire.add_sms_gateway, records, self.gateway)
        if self.maildir.is_dir():
            wire.add_maildir(records, self.maildir)
        self.records = records
        return account(records, since, datetime.now(UTC))

    async def settle(self, since: datetime, timeout: float) -> Audit:
        """Audit until nothing is missing any more, or the figures stop moving for a minute."""
        deadline = time.monotonic() + timeout
        last, same_since = None, time.monotonic()
        while True:
            result = await self.audit(since)
            s = result.summary()
            figures = (s["dispatched_once"], s["zone_duplicates"], s["not_dispatched"], s["deliveries_lost"],
                       s["deliveries_planned"], s["delivered"])
            self.log(f"audit: {s['accepted']} accepted, {s['dispatched_once']} dispatched once, "
                     f"{s['not_dispatched']} not (yet) dispatched, {s['deliveries_planned']} deliveries, "
                     f"{s['deliveries_lost']} without outcome (yet)")
            if not result.not_dispatched and not result.deliveries_lost:
                return result
            if figures != last:
                last, same_since = figures, time.monotonic()
            if time.monotonic() - same_since > 60 or time.monotonic() > deadline:
                return result
            await asyncio.sleep(10)


async def run(chaos: Chaos, reports: int, rate: float, faults: list[str], broker_down: float,
              gateway_down: float, settle: float, killed: tuple[str, ...] = KILLED,
              member_gap: float | None = None) -> dict[str, Any]:
    since = datetime.now(UTC) - timedelta(seconds=1)
    span = reports / rate
    load = asyncio.create_task(chaos.post_reports(reports, rate))

    async def at(share: float, work: Any) -> None:
        await asyncio.sleep(span * share)
        try:
            await work
        except Exception as exc:  # a fault that could not be injected: said, and the run goes on
            chaos.log(f"FAULT NOT INJECTED: {type(exc).__name__}: {str(exc)[:500]}")
            chaos.fault_errors.append(f"{type(exc).__name__}: {str(exc)[:500]}")

    plan = []
    if "stage" in faults:
        for i, name in enumerate(killed):
            plan.append(at(0.15, _after(i * 1.0, chaos.kill_process(name))))
    if "leader" in faults:
        plan.append(at(0.3, chaos.kill_leader(broker_down)))
    if "redis" in faults:
        plan.append(at(0.5, chaos.restart_redis()))
    if "gateway" in faults:
        plan.append(at(0.55, chaos.gateway_down(gateway_down)))
    if "member" in faults:
        plan.append(at(0.7, chaos.member_change(member_gap or max(10.0, span * 0.15))))
    await asyncio.gather(*plan)
    posted = await load
    ended = time.monotonic()
    result = await chaos.settle(since, settle)
    settled = time.monotonic() - ended if result.ok else None
    chaos.read_respawns()
    member = None
    if chaos.absence is not None and chaos.records is not None:
        member = absence_deliveries(chaos.records, chaos.absence, MEMBER_GRACE)
    # Anything still being retried at the end shows up here; a last look for repeats.
    return {"posted": {k: v for k, v in posted.items() if k != "ids"},
            "ingest_accepted_in_audit": len(posted["ids"]), "audit": result.summary(), "audit_obj": result,
            "recoveries": [r.__dict__ for r in chaos.recoveries], "faults": faults, "member": member,
            "fault_errors": chaos.fault_errors,
            "reports": reports, "rate": rate, "accepted_ids": posted["ids"],
            "settled_after_last_post_s": None if settled is None else round(settled, 1)}


async def _after(delay: float, work: Any) -> None:
    await asyncio.sleep(delay)
    await work


def table(result: dict[str, Any]) -> str:
    a = result["audit"]
    lines = [
        f"BIN Relay fault suite: {result['reports']} reports at {result['rate']:.0f}/s, a 3-node Kafka cluster, "
        f"two instances of each stage and sender; faults: {', '.join(result['faults']) or 'none'}",
        f"  reports accepted by ingest (202)            : {result['posted']['accepted']:>7}",
        f"  accepted reports on the received topic       : {a['accepted']:>7}",
        f"  dispatched exactly once (zone topic, rc)     : {a['dispatched_once']:>7}",
        f"  duplicates on the zone topic (read_committed): {a['zone_duplicates']:>7}"
        f"   ({a['zone_duplicate_records']} extra records)",
        f"  reports lost (not dispatched, no letter)     : {a['not_dispatched']:>7}",
        f"  dead-lettered (with a reason)                : {a['dead_lettered']:>7}",
        f"  deliveries planned                           : {a['deliveries_planned']:>7}"
        f"   (delivered {a['delivered']}, fell back {a['fell_back']}, failed {a['failed']},"
        f" duplicate not sent {a['duplicate_not_sent']}, due later {a['scheduled']})",
        f"  deliveries lost (no outcome / no reason)     : {a['deliveries_lost'] + a['failed_without_reason']:>7}"
        f"   {a['deliveries_lost_by_channel'] or ''}",
        f"  sent twice at the wire ({'+'.join(a['wire_checked']):<9})          : {a['sent_twice']:>7}"
        f"   ({a['wire_repeats_deduplicated']} repeats absorbed by the gateway's key;"
        f" {a['delivered_not_at_wire']} delivered but not at the wire {a['delivered_not_at_wire_by_channel'] or ''})",
    ]
    settled = result.get("settled_after_last_post_s")
    lines.append("  everything settled (audit clean) after the last post: "
                 + (f"{settled:.0f} s (audited every ~10 s)" if settled is not None else "NEVER"))
    for r in result["recoveries"]:
        back = f"{r['back_after']:.1f} s" if r["back_after"] is not None else "NOT BACK"
        how = r["how"] if r.get("respawned_after") is None else (
            f"supervisord: respawned {r['respawned_after']:.1f} s after the exit, by its log;"
            " RUNNING under a new pid as polled")
        lines.append(f"  back after kill: {r['name']:<46} {back:>8}  ({how})")
    m = result.get("member")
    if m:
        lines.append(
            f"  member {m['member']} removed {m['absent_s']:.0f} s (registry, no restart): deliveries planned for"
            f" them while absent: {m['planned_while_absent']}"
            + (f" (the last {m['last_while_absent_s']} s after the removal)" if m.get("last_while_absent_s") else "")
            + f" (the other coordinator: {m['peer_planned_while_absent']});"
            f" within {m['grace_s']:.0f} s of the removal: {m['planned_within_grace']}"
            + (f" (last {m['last_within_grace_s']} s after)" if m["last_within_grace_s"] is not None else "")
            + f"; after the re-add: {m['planned_after_readd']}"
            + (f" (first {m['first_after_readd_s']} s after)" if m["first_after_readd_s"] is not None else "")
            + f", the other coordinator {m['peer_planned_after_readd']}; before the removal: "
            f"{m['planned_before_removal']} (accounted for above) — {'as it should' if m['ok'] else 'WRONG'}")
    for e in result.get("fault_errors") or ():
        lines.append(f"  FAULT NOT INJECTED: {e}")
    ok = a["ok"] and (not m or m["ok"])
    lines.append("  verdict: " + ("nothing lost, nothing sent twice" if ok else "SOMETHING LOST OR DOUBLED")
                 + ("" if not m or m["ok"] else "; the removed member was planned for"))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=20000)
    parser.add_argument("--rate", type=float, default=100.0, help="reports per second posted to ingest")
    parser.add_argument("--faults", default=",".join(FAULTS), help=f"comma-separated, of: {', '.join(FAULTS)}")
    parser.add_argument("--broker-down", type=float, default=20.0, help="seconds the killed broker stays down")
    parser.add_argument("--gateway-down", type=float, default=60.0, help="seconds the SMS gateway answers 503")
    parser.add_argument("--member-gap", type=float, help="seconds the removed member stays out of the registry")
    parser.add_argument("--settle", type=float, default=900.0, help="longest wait for the pipeline to settle (s)")
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--json-out", type=Path, default=REPO / "bench" / "results" / "chaos.json")
    parser.add_argument("--keep", action="store_true", help="leave the stack running (and its folder) at the end")
    parser.add_argument("--stop", type=Path, metavar="DIR", help="stop the stack a --keep run left in DIR")
    args = parser.parse_args()
    if args.stop:
        kept = Chaos.__new__(Chaos)
        kept.root, kept.env = args.stop, json.loads((args.stop / "env.json").read_text())
        kept.stop()
        shutil.rmtree(args.stop, ignore_errors=True)
        return 0
    faults = [f for f in args.faults.split(",") if f]
    unknown = set(faults) - set(FAULTS)
    if unknown:
        parser.error(f"--faults: unknown {', '.join(sorted(unknown))} (use {', '.join(FAULTS)})")
    chaos = Chaos(instances=args.instances)
    try:
        chaos.start()
        result = asyncio.run(run(chaos, args.reports, args.rate, faults, args.broker_down, args.gateway_down,
                                 args.settle, member_gap=args.member_gap))
    finally:
        if args.keep:
            env_file = chaos.root / "env.json"
            env_file.write_text(json.dumps(chaos.env))
            env_file.chmod(0o600)
            print(f"left running: binrelay audit with the environment of {env_file};"
                  f" stop it: .venv/bin/python bench/chaos.py --stop {chaos.root}")
        else:
            chaos.stop()
    result.pop("audit_obj")
    result.pop("accepted_ids")
    result["events"] = chaos.events
    print(table(result))
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(result, indent=2, default=str))
    if not args.keep:
        shutil.rmtree(chaos.root, ignore_errors=True)
    return 0 if result["audit"]["ok"] and (not result["member"] or result["member"]["ok"]) else 1


if __name__ == "__main__":
    sys.exit(main())
