"""The benchmark's own stack: Kafka, Redis and the services on free loopback ports.

Nothing here is a test fixture: the benchmark starts what it measures, in the same way `make up`
does (deploy/local/*.sh and the services' entry points), on ports of its own.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from binrelay_devservers.ports import free_port

if TYPE_CHECKING:
    from binrelay_shared.kafka_security import KafkaClientConfig

REPO = Path(__file__).resolve().parent.parent
LOCAL = REPO / "deploy" / "local"
ZONE = "5339"



def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Stack:
    """Kafka + Redis (+ services) for one benchmark run."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="binrelay-bench-")))
    kafka_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)
    #: sasl_ssl: the broker as `make up` runs it (TLS, SCRAM, ACLs; each service its own
    #: principal); plaintext: security off, for the comparison only (kafka.sh KAFKA_SECURITY).
    security: str = "sasl_ssl"
    #: on: the stages in Kafka transactions, as deployed; off: at least once, for the comparison
    #: only (BINRELAY_TRANSACTIONS, binrelay_shared.settings.Settings.transactions).
    transactions: str = "on"
    #: Resident memory per process name: the most seen by :meth:`sample_memory` (MB).
    rss_max: dict[str, float] = field(default_factory=dict)
    _sampler: threading.Thread | None = None
    _sampling: threading.Event = field(default_factory=threading.Event)

    @property
    def secrets_dir(self) -> Path:
        return self.root / "secrets"

    @property
    def kafka(self) -> KafkaClientConfig:
        """How the benchmark's own clients (feeders, readers, raw loops) connect: as admin."""
        from binrelay_shared.acl import ADMIN
        from binrelay_shared.kafka_security import kafka_client_config
        from binrelay_shared.settings import Settings

        return kafka_client_config(
            Settings(kafka=self.bootstrap, secrets_dir=self.secrets_dir, kafka_security=self.security,  # type: ignore[arg-type]
                     kafka_user=None), ADMIN)

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def _infra_env(self) -> dict[str, str]:
        return {
            **os.environ,
            "KAFKA_PORT": str(self.kafka_port),
            "KAFKA_CTRL_PORT": str(free_port()),
            "KAFKA_DATA_DIR": str(self.root / "kafka"),
            "KAFKA_HEAP": os.environ.get("KAFKA_HEAP", "512m"),
            "REDIS_PORT": str(self.redis_port),
            "REDIS_DATA_DIR": str(self.root / "redis"),
            "BINRELAY_SECRETS_DIR": str(self.secrets_dir),
            "KAFKA_SECURITY": self.security,
        }

    def start_infra(self) -> None:
        """Start Kafka and Redis and create the topics (call before any event loop runs)."""
        env = self._infra_env()
        subprocess.run([str(LOCAL / "kafka.sh"), "start"], env=env, check=True)
        subprocess.run([str(LOCAL / "redis.sh"), "start"], env=env, check=True)
        from binrelay_shared.kafka import ensure_topics

        asyncio.run(ensure_topics(self.kafka, [ZONE]))
        if self.security != "plaintext":
            from binrelay_shared.settings import Settings
            from binrelay_shared.zones import apply_table

            apply_table(Settings(kafka=self.bootstrap, secrets_dir=self.secrets_dir))

    def service_env(self) -> dict[str, str]:
        return {
            **os.environ,
            "BINRELAY_KAFKA": self.bootstrap,
            "BINRELAY_REDIS_URL": self.redis_url,
            "BINRELAY_ZONE_ID": ZONE,
            "BINRELAY_SECRETS_DIR": str(self.secrets_dir),
            "BINRELAY_KAFKA_SECURITY": self.security,
            "BINRELAY_TRANSACTIONS": self.transactions,
            "BINRELAY_LOG_JSON": "true",
            "BINRELAY_LOG_LEVEL": "WARNING",
            "BINRELAY_ATTACHMENTS_DIR": str(self.root / "attachments"),
            "BINRELAY_DATABASE_URL": f"sqlite+aiosqlite:///{self.root}/registry.db",  # the member registry
            **self.extra_env,
        }

    def start_stage(self, name: str, split: bool = True) -> None:
        """Start a stage service as deployed (deploy/local/stack.sh): a process per lane, the
        ordinary one at a lower CPU priority — or, with ``split`` False, one process for both."""
        if not split:
            self.start_service(name)
            return
        self.start_service(name, env={"BINRELAY_LANES": "ordinary"})
        self.start_service(f"{name}-urgent", env={"BINRELAY_LANES": "urgent"})

    def start_channels(self) -> dict[str, str]:
        """Start the loopback SMS gateway and SMTP sink and the real SMS and e-mail senders, a
        process per lane as deployed (the urgent outbox has a process of its own). Returns the
        gateway's URL and the sink's mail folder (each mail a ``<n>.eml`` file)."""
        from binrelay_shared.local_secrets import ensure_all

        ensure_all(self.secrets_dir)  # the gateway's token and webhook secret, the senders' ack key
        gateway_port, smtp_port = free_port(), free_port()
        maildir = self.root / "mail"
        self.extra_env.update({
            "BINRELAY_SMS_GATEWAY_URL": f"http://127.0.0.1:{gateway_port}",
            "BINRELAY_SMTP_HOST": "127.0.0.1",
            "BINRELAY_SMTP_PORT": str(smtp_port),
            # As `make up` runs it (deploy/local/stack.sh): the loopback gateway's bulk endpoint.
            "BINRELAY_SMS_GATEWAY_BATCH_SIZE": os.environ.get("BINRELAY_SMS_GATEWAY_BATCH_SIZE", "100"),
        })
        self.start_service("devserver:sms", "sms", "--port", str(gateway_port))
        self.start_service("devserver:smtp", "smtp", "--port", str(smtp_port), "--maildir", str(maildir))
        for channel in ("sms", "email"):
            self.start_service(f"sender:{channel}", "--channel", channel, env={"BINRELAY_LANES": "ordinary"})
            self.start_service(f"sender:{channel}-urgent", "--channel", channel, env={"BINRELAY_LANES": "urgent"})
        return {"gateway": f"http://127.0.0.1:{gateway_port}", "maildir": str(maildir)}

    def start_service(self, name: str, *args: str, env: dict[str, str] | None = None) -> None:
        log = (self.root / f"{name}.log").open("ab")
        binary = name.split(":")[0].removesuffix("-urgent")  # "sender:sms-urgent" → binrelay-sender
        self.procs[name] = subprocess.Popen(
            [str(REPO / ".venv" / "bin" / f"binrelay-{binary}"), *args],
            env={**self.service_env(), **(env or {})},
            stdout=log,
            stderr=log,
            cwd=REPO,
        )

    def stop_service(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                log = (self.root / f"{name}.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{name} exited:\n{log}")

    def memory(self) -> dict[str, float]:
        return {name: rss_mb(p.pid) for name, p in self.procs.items() if p.poll() is None}

    def sample_memory(self, every: float = 0.5) -> None:
        """Sample every process's resident memory in a thread until :meth:`stop`, keeping the
        most seen per process in :attr:`rss_max` (a figure taken once, after the load, misses
        the peak of a fan-out)."""

        def run() -> None:
            while not self._sampling.wait(every):
                for name, proc in list(self.procs.items()):
                    try:
                        mb = rss_mb(proc.pid)
                    except OSError:  # exited between the listing and the read
                        continue
                    if mb == mb and mb > self.rss_max.get(name, 0.0):  # NaN: not yet a process
                        self.rss_max[name] = mb

        self._sampler = threading.Thread(target=run, name="rss-sampler", daemon=True)
        self._sampler.start()

    def stop(self) -> None:
        self._sampling.set()
        if self._sampler is not None:
            self._sampler.join(5)
        for name in list(self.procs):
            self.stop_service(name)
        env = self._infra_env()
        subprocess.run([str(LOCAL / "redis.sh"), "stop"], env=env, check=False)
        subprocess.run([str(LOCAL / "kafka.sh"), "stop"], env=env, check=False)


def wait_until(predicate: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(predicate) and predicate():
            return
        time.sleep(0.2)
    raise TimeoutError("condition not met")
