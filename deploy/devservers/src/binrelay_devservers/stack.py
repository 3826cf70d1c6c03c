"""The local stack's processes — THE list — and the supervisord configuration made from it.

``make up`` (``deploy/local/stack.sh``) hands every process below to **supervisord** (PyPI
``supervisor``, in the dev group): each is restarted when it exits, with a growing pause between
quick failures (1 s, 2 s, 3 s, ... up to :data:`START_RETRIES` tries before it is marked FATAL);
``make status`` lists them with their state and pid; ``make down`` stops them all. The servers
(role ``infra``: the Kafka nodes, Redis, Synapse) run the same way, in the foreground of their
scripts (``kafka.sh run N``, ``redis.sh run``, ``synapse.sh run``), started first and stopped
last; their first-start steps (storage format, SCRAM bootstrap, TLS, Redis's ACL file, Synapse's
config) stay in the scripts (``prepare``), run by ``stack.sh`` before the supervisor starts them.
``deploy/compose.yaml`` has a service of the same name for each (``deploy/compose.cluster.yaml``
for the nodes of ``KAFKA_NODES=3``; ``tests/integration/test_compose.py`` holds them to this list).

    python -m binrelay_devservers.stack supervisord-conf   # the config, from the environment
    python -m binrelay_devservers.stack names [--role demo] # the process names
    python -m binrelay_devservers.stack prometheus-compose  # deploy/prometheus/prometheus.compose.yml
    python -m binrelay_devservers.stack sweep               # what supervisord left running (procs-down)

Every process supervisord starts carries ``BINRELAY_SUPERVISED_BY=<run dir>`` in its environment
(set in the ``[supervisord]`` section; their own children inherit it). ``stack.sh procs-down``
asks supervisord to stop everything and kills it with SIGKILL if it has not within 30 s — its
children then live on, reparented. ``sweep`` ends them: SIGTERM to every process of *this* run
folder's tag (read from ``/proc/<pid>/environ``: never another stack's, another helper's, nor a
server a script started as a daemon), SIGKILL to those still there after ``--grace`` seconds.

Each process gets the environment ``stack.sh`` exports (Kafka, Redis, secrets folder, ports,
``BINRELAY_LOG_JSON``) plus its own ``BINRELAY_METRICS_PORT`` and, for a stage or sender,
``BINRELAY_LANES`` (the ordinary lane's process lowers its own CPU priority,
``BINRELAY_ORDINARY_NICE``). The channel processes (senders, inbound adapters) also read
``<run dir>/channels.env`` (0600: the adapters' API key, the Matrix bot's settings), which no
other process sees. Logs: ``<run dir>/logs/<name>.log``.

Environment read here (defaults as ``make up``'s): ``BINRELAY_RUN_DIR`` (``<repo>/.run``),
``BINRELAY_METRICS_PORT_BASE`` (9100: ingest's metrics on base+1, ..., base+19), ``SMTP_SINK_PORT``,
``SMS_GATEWAY_PORT``, ``SMSC_PORT``, ``BINRELAY_SMS_WEBHOOK_PORT``, ``BINRELAY_SYNAPSE`` (0: no
chat sender, no Matrix bot), ``PROM_PORT`` and ``BINRELAY_PROMETHEUS`` (0: no Prometheus),
``BINRELAY_STACK_ONLY`` (names, comma or space separated: supervise only those), ``KAFKA_NODES``
(1: a process ``kafka``; 3: ``kafka``, ``kafka-2``, ``kafka-3``, one group), ``BINRELAY_INFRA`` (0: leave
Kafka, Redis and Synapse out, for servers started otherwise),
``BINRELAY_STACK_INSTANCES`` (1: how many instances of each stage and sender process run; the
copies are named ``<name>-1``, ``<name>-2``..., their metrics on base+20·i+...; each process of a
stage or sender gets ``BINRELAY_INSTANCE`` = its instance number, 0 for the first).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import signal
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]

#: In the environment of every process supervisord starts: its run folder (see :func:`sweep`).
TAG = "BINRELAY_SUPERVISED_BY"

#: Quick failures in a row (exit within ``startsecs``) before supervisord gives a process up
#: (FATAL): the pauses grow by a second each time, so that is ~8 minutes of trying.
START_RETRIES = 30


@dataclass(frozen=True)
class Proc:
    """One process of the local stack."""

    name: str
    argv: tuple[str, ...]  # argv[0]: an executable of the project's venv (.venv/bin), or an absolute path
    role: str  # "infra" (servers) | "stage" | "service" | "channel" | "demo" (loopback servers) | "monitoring"
    metrics_port: int | None = None
    lanes: str | None = None  # BINRELAY_LANES of a stage or sender process
    channel_env: bool = False  # reads <run dir>/channels.env
    env: Mapping[str, str] = field(default_factory=dict)
    group: str | None = None  # supervisord group: its processes are stopped together (a Kafka quorum)
    startsecs: int = 1  # up this long = started; a quicker exit is a failed start (retried after a pause)
    stopwaitsecs: int = 15  # how long a stop may take before SIGKILL

    def environment(self) -> dict[str, str]:
        out = dict(self.env)
        if self.metrics_port is not None:
            out["BINRELAY_METRICS_PORT"] = str(self.metrics_port)
        if self.lanes is not None:
            out["BINRELAY_LANES"] = self.lanes
        return out


STAGES = ("classifier", "privacy-filter", "dispatcher")
CHANNELS = ("email", "sms", "chat")


def processes(env: Mapping[str, str] | None = None, everything: bool = False) -> list[Proc]:
    """Every process ``make up`` supervises, with the ports ``env`` says (defaults: ``make up``'s);
    ``everything``: each process the stack can run, whatever ``env`` turns off or is installed."""
    env = os.environ if env is None else env
    if everything:
        off = ("BINRELAY_SYNAPSE", "BINRELAY_PROMETHEUS", "BINRELAY_STACK_ONLY")
        env = {k: v for k, v in env.items() if k not in off}
    run = Path(env.get("BINRELAY_RUN_DIR") or REPO / ".run")
    base = int(env.get("BINRELAY_METRICS_PORT_BASE", "9100"))
    sms_port = env.get("SMS_GATEWAY_PORT", "8025")
    webhook_port = env.get("BINRELAY_SMS_WEBHOOK_PORT", "8026")
    synapse = env.get("BINRELAY_SYNAPSE", "1") == "1"

    procs = _infra(env, synapse) if env.get("BINRELAY_INFRA", "1") == "1" else []
    procs.append(Proc("ingest", ("binrelay-ingest",), "service", base + 1))
    # A process per lane (README, "The urgent lane"): the ordinary one lowers its CPU priority.
    for i, stage in enumerate(STAGES):
        procs.append(Proc(stage, (f"binrelay-{stage}",), "stage", base + 2 + i, lanes="ordinary"))
    procs.append(Proc("observer", ("binrelay-observer",), "service", base + 5))
    procs.append(Proc("ledger", ("binrelay-ledger",), "service", base + 9))  # the coordinator's log, statistics
    for i, stage in enumerate(STAGES):
        procs.append(Proc(f"{stage}-urgent", (f"binrelay-{stage}",), "stage", base + 6 + i, lanes="urgent"))
    # The loopback channel servers (development only: the compose file's `demo` profile).
    procs += [
        Proc("devserver-smtp", ("binrelay-devserver", "smtp", "--port", env.get("SMTP_SINK_PORT", "2525"),
                                "--maildir", str(run / "mail")), "demo"),
        Proc("devserver-sms", ("binrelay-devserver", "sms", "--port", sms_port, "--webhook-url",
                               f"http://127.0.0.1:{webhook_port}/v1/sms/inbound"), "demo"),
        Proc("devserver-smsc", ("binrelay-devserver", "smsc", "--port", env.get("SMSC_PORT", "2775")), "demo"),
    ]
    # The senders, a process per lane too: urgent jobs have an outbox and a process of their own.
    for i, channel in enumerate(CHANNELS):
        if channel == "chat" and not synapse:
            continue
        argv = ("binrelay-sender", "--channel", channel)
        procs.append(Proc(f"sender-{channel}", argv, "channel", base + 11 + i, lanes="ordinary", channel_env=True))
        procs.append(Proc(f"sender-{channel}-urgent", argv, "channel", base + 17 + i, lanes="urgent",
                          channel_env=True))
    for i, adapter in enumerate(("smtp", "sms", "matrix")):
        if adapter == "matrix" and not synapse:
            continue
        procs.append(Proc(f"adapter-{adapter}", (f"binrelay-adapter-{adapter}",), "channel", base + 14 + i,
                          channel_env=True))
    if env.get("BINRELAY_PROMETHEUS", "1") == "1" and (everything or shutil.which("prometheus", path=env.get("PATH"))):
        port = env.get("PROM_PORT", "9090")
        data = Path(env.get("PROM_DATA_DIR") or run / f"prometheus-{port}")
        procs.append(Proc("prometheus", (
            "prometheus", f"--config.file={data / 'prometheus.yml'}", f"--storage.tsdb.path={data / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=2d",
        ), "monitoring"))
    instances = env.get("BINRELAY_STACK_INSTANCES", "1")
    if not instances.isdigit():
        raise ValueError(f"BINRELAY_STACK_INSTANCES={instances!r}: give a whole number, 1 or more")
    procs = with_instances(procs, int(instances))
    only = {n for n in env.get("BINRELAY_STACK_ONLY", "").replace(",", " ").split() if n}
    if only:
        unknown = only - {p.name for p in procs}
        if unknown:
            raise ValueError(f"BINRELAY_STACK_ONLY names no process of the stack: {', '.join(sorted(unknown))}")
        procs = [p for p in procs if p.name in only]
    return procs


def kafka_names(nodes: int) -> list[str]:
    """The supervised Kafka nodes' names (and their compose services'): ``kafka``, ``kafka-2``, ..."""
    return ["kafka" if i == 1 else f"kafka-{i}" for i in range(1, nodes + 1)]


def _infra(env: Mapping[str, str], synapse: bool) -> list[Proc]:
    """The servers, each in the foreground of its script (the scripts read the same environment:
    ports, data folders, secrets). Kafka's nodes form a group: stopped one after the other, the
    last would wait for a quorum that is gone. A JVM needs seconds before a bad start shows."""
    local = REPO / "deploy" / "local"
    nodes = int(env.get("KAFKA_NODES") or "1")
    if nodes < 1:
        raise ValueError(f"KAFKA_NODES must be 1 or more, not {nodes}")
    procs = [
        Proc(name, (str(local / "kafka.sh"), "run", str(i)), "infra", group="kafka" if nodes > 1 else None,
             startsecs=10, stopwaitsecs=60)
        for i, name in enumerate(kafka_names(nodes), start=1)
    ]
    procs.append(Proc("redis", (str(local / "redis.sh"), "run"), "infra"))
    if synapse:
        procs.append(Proc("synapse", (str(local / "synapse.sh"), "run"), "infra", startsecs=5))
    return procs


def with_instances(procs: list[Proc], instances: int) -> list[Proc]:
    """Each stage and sender process ``instances`` times (consumers of one group share its
    partitions): instance 0 keeps its name, instance i is ``<name>-<i>``; each knows its number
    (``BINRELAY_INSTANCE``: what makes its Kafka identity, e.g. a transactional id, its own)."""
    if instances < 1:
        raise ValueError(f"BINRELAY_STACK_INSTANCES={instances}: give 1 or more")
    out: list[Proc] = []
    for proc in procs:
        if proc.lanes is None:  # not a stage or a sender: one of it
            out.append(proc)
            continue
        for i in range(instances):
            out.append(replace(
                proc, name=proc.name if i == 0 else f"{proc.name}-{i}",
                metrics_port=None if proc.metrics_port is None else proc.metrics_port + 20 * i,
                env={**proc.env, "BINRELAY_INSTANCE": str(i)},
            ))
    return out


def _escape(value: str) -> str:
    """supervisord expands ``%(name)s`` in commands and environments: a literal % is %%."""
    return value.replace("%", "%%")


def _command(proc: Proc, bin_dir: Path, run: Path) -> str:
    exe = proc.argv[0]
    if "/" not in exe:
        local = bin_dir / exe
        exe = str(local) if local.exists() else (shutil.which(exe) or exe)
    argv = [exe, *proc.argv[1:]]
    if proc.channel_env:
        # The channel secrets file, for this process alone; exec: supervisord signals the service itself.
        script = f"set -a; . {shlex.quote(str(run / 'channels.env'))}; set +a; exec {shlex.join(argv)}"
        argv = ["/bin/sh", "-c", script]
    return _escape(shlex.join(argv))


def supervisord_conf(procs: list[Proc], run: Path, bin_dir: Path | None = None, repo: Path = REPO) -> str:
    """The supervisord configuration that runs ``procs`` (socket, pid and logs under ``run``)."""
    bin_dir = bin_dir or repo / ".venv" / "bin"
    logs = run / "logs"
    lines = [
        "; Generated by `python -m binrelay_devservers.stack supervisord-conf` (deploy/local/stack.sh): do not edit.",
        "[unix_http_server]",
        f"file={_escape(str(run / 'supervisor.sock'))}",
        "chmod=0700",
        "",
        "[supervisord]",
        f"logfile={_escape(str(logs / 'supervisord.log'))}",
        "logfile_maxbytes=10MB",
        "logfile_backups=2",
        f"pidfile={_escape(str(run / 'supervisord.pid'))}",
        f"childlogdir={_escape(str(logs))}",
        f"directory={_escape(str(repo))}",
        "identifier=binrelay",
        f'environment={TAG}="{_escape(str(run))}"',  # inherited by every child: how sweep finds them
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{_escape(str(run / 'supervisor.sock'))}",
        "",
    ]
    # Lower first at start, last at stop: the servers before everything that connects to them.
    priority = {"infra": 10, "demo": 100, "monitoring": 100, "service": 200, "stage": 200, "channel": 300}
    groups: dict[str, list[str]] = {}
    for proc in procs:
        if proc.group:
            groups.setdefault(proc.group, []).append(proc.name)
        environment = ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(proc.environment().items()))
        lines += [
            f"[program:{proc.name}]",
            f"command={_command(proc, bin_dir, run)}",
            f"directory={_escape(str(repo))}",
            *([f"environment={environment}"] if environment else []),
            f"priority={priority.get(proc.role, 200)}",
            "autostart=true",
            "autorestart=true",  # whatever the exit status: a service is never meant to stop by itself
            f"startsecs={proc.startsecs}",  # up that long = started; a quicker exit: pauses 1 s, 2 s, ...
            f"startretries={START_RETRIES}",
            "stopsignal=TERM",
            f"stopwaitsecs={proc.stopwaitsecs}",
            "stopasgroup=true",
            "killasgroup=true",
            "redirect_stderr=true",
            f"stdout_logfile={_escape(str(logs / (proc.name + '.log')))}",
            "stdout_logfile_maxbytes=50MB",
            "stdout_logfile_backups=2",
            "",
        ]
    for group, members in groups.items():
        lines += [f"[group:{group}]", f"programs={','.join(members)}", f"priority={priority['infra']}", ""]
    return "\n".join(lines)


def respawn_times(log: Path, name: str, pid: int) -> tuple[datetime, datetime]:
    """When supervisord saw ``pid`` of ``name`` killed by SIGKILL, and when it spawned the next one
    (its log, ``<run dir>/logs/supervisord.log``); AssertionError with the log's tail if it has not."""
    text = log.read_text()
    stamp = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \w+ "
    exited = re.search(stamp + rf"exited: {re.escape(name)} \(terminated by SIGKILL", text)
    assert exited, text[-2000:]
    spawned = [m for m in re.finditer(stamp + rf"spawned: '{re.escape(name)}' with pid (\d+)", text)
               if int(m[2]) != pid and m.start() > exited.start()]
    assert spawned, text[-2000:]
    fmt = "%Y-%m-%d %H:%M:%S,%f"
    return datetime.strptime(exited[1], fmt), datetime.strptime(spawned[0][1], fmt)


def tagged(environ: bytes, run: Path) -> bool:
    """Whether a process environment (``/proc/<pid>/environ``: NUL-separated) is of ``run``'s supervisor."""
    return f"{TAG}={run}".encode() in environ.split(b"\0")


def supervised_pids(run: Path, proc: Path = Path("/proc")) -> list[int]:
    """The live processes started under ``run``'s supervisor (and their children), this one excepted."""
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()  # a zombie's is empty: it is gone already
        except OSError:  # ended meanwhile, or not ours to read
            continue
        if tagged(environ, run):
            found.append(int(entry.name))
    return sorted(found)


def sweep(run: Path, grace: float = 10.0, proc: Path = Path("/proc")) -> list[int]:
    """Stop what ``run``'s supervisor left running: SIGTERM, then SIGKILL after ``grace`` seconds.

    The pids are looked up again before each signal, by their tag: a pid reused meanwhile by
    another process is never signalled. Returns the pids found at first."""
    first = supervised_pids(run, proc)
    for pid in first:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while supervised_pids(run, proc) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in supervised_pids(run, proc):
        _signal(pid, signal.SIGKILL)
    return first


def _signal(pid: int, sig: signal.Signals) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


#: Where every service serves /metrics inside its container (deploy/compose.yaml).
COMPOSE_METRICS_PORT = 9100
PROMETHEUS_COMPOSE = REPO / "deploy" / "prometheus" / "prometheus.compose.yml"


def prometheus_compose(procs: list[Proc]) -> str:
    """Compose's Prometheus configuration: every process with metrics, by its service name (its
    container's host name) on :data:`COMPOSE_METRICS_PORT`, labelled ``service`` as the local
    stack's targets are (deploy/prometheus/targets.local.json), so rules and dashboards are the same."""
    lines = [
        "# Generated by `python -m binrelay_devservers.stack prometheus-compose` from the stack's process list",
        "# (deploy/devservers/src/binrelay_devservers/stack.py): do not edit. Each service serves /metrics on",
        f"# 0.0.0.0:{COMPOSE_METRICS_PORT} in its container (BINRELAY_METRICS_HOST in deploy/compose.yaml).",
        "global:",
        "  scrape_interval: 5s",
        "  evaluation_interval: 5s",
        "rule_files: [/etc/prometheus/rules.yml]",
        "scrape_configs:",
        "  - job_name: binrelay",
        "    static_configs:",
    ]
    for proc in procs:
        if proc.metrics_port is not None:
            lines += [f'      - targets: ["{proc.name}:{COMPOSE_METRICS_PORT}"]',
                      f"        labels: {{service: {proc.name}}}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m binrelay_devservers.stack", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    conf = sub.add_parser("supervisord-conf", help="print the supervisord configuration of the stack")
    conf.add_argument("--out", type=Path, help="write it here (0600) instead of printing it")
    names = sub.add_parser("names", help="print the names of the stack's processes, one a line")
    names.add_argument("--role", help="only those of this role (infra, stage, service, channel, demo, monitoring)")
    conf.add_argument("--role", help="only the processes of this role (stack.sh starts the servers first: infra)")
    prom = sub.add_parser("prometheus-compose", help=f"write {PROMETHEUS_COMPOSE.relative_to(REPO)} (every process)")
    prom.add_argument("--check", action="store_true", help="exit 1 if the committed file is not current")
    swept = sub.add_parser("sweep", help="stop what the supervisor of BINRELAY_RUN_DIR left running")
    swept.add_argument("--grace", type=float, default=10.0, help="seconds between SIGTERM and SIGKILL")
    args = parser.parse_args(argv)
    if args.command == "sweep":
        left = sweep(Path(os.environ.get("BINRELAY_RUN_DIR") or REPO / ".run"), args.grace)
        if left:
            print(f"stopped {len(left)} process(es) the supervisor had left running: {' '.join(map(str, left))}",
                  file=sys.stderr)
        return
    if args.command == "prometheus-compose":
        text = prometheus_compose(processes(env={}, everything=True))
        if args.check:
            sys.exit(0 if PROMETHEUS_COMPOSE.read_text("utf-8") == text else 1)
        PROMETHEUS_COMPOSE.write_text(text, "utf-8")
        return
    try:
        procs = processes()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    if args.command == "names":
        print("\n".join(p.name for p in procs if args.role in (None, p.role)))
        return
    run = Path(os.environ.get("BINRELAY_RUN_DIR") or REPO / ".run")
    text = supervisord_conf([p for p in procs if args.role in (None, p.role)], run)
    if args.out is None:
        print(text)
        return
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(text, "utf-8")
    tmp.chmod(0o600)
    tmp.replace(args.out)


if __name__ == "__main__":
    main()
