"""Resident memory of each service process once started, without Kafka or Redis (not a test).

    .venv/bin/python bench/service_memory.py [--imports N] [SERVICE ...]

Each service's own entry point (``main()``) runs in a fresh interpreter, as ``make up`` starts
it, with a throwaway SQLite registry and secrets directory, up to the point where it would
connect: settings read, network plans and members loaded (the dispatcher migrates and seeds
its registry), models warmed, stages built and wired. There, instead of running, the process
collects garbage (as ``freeze_heap`` does at start-up) and reports its resident set (VmRSS) and
its peak (VmHWM) from ``/proc/self/status``. What is stubbed: the Redis credential check, the
metrics HTTP server, Kafka's credential check (plaintext), and the run loop itself.

What this does not include: the buffers of a running consumer and producer and the batches in
flight (a few MB at the default batch sizes). ``--imports N`` lists, per service, the N top-level
packages whose import added the most resident memory.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fanout import NETWORK, members_file

REPO = Path(__file__).resolve().parent.parent

#: service → (module with ``main``, argv)
SERVICES: dict[str, tuple[str, list[str]]] = {
    "ingest": ("binrelay_ingest.service", []),
    "classifier": ("binrelay_classifier.service", []),
    "privacy-filter": ("binrelay_privacy.service", []),
    "dispatcher": ("binrelay_dispatcher.service", []),
    "sender-sms": ("binrelay_senders.worker", ["--channel", "sms"]),
    "sender-email": ("binrelay_senders.worker", ["--channel", "email"]),
    "sender-chat": ("binrelay_senders.worker", ["--channel", "chat"]),
}

# Runs inside the child: stubs what would connect, then the service's main().
_CHILD = r"""
import builtins, gc, json, os, sys

def _status():
    fields = {}
    for line in open("/proc/self/status"):
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) // 1024
    return fields

_top = int(os.environ["_MEM_IMPORTS"])
_by_package = {}
if _top:
    _real_import = builtins.__import__
    _depth = [0]
    def _import(name, *args, **kwargs):
        if _depth[0] or name in sys.modules:
            return _real_import(name, *args, **kwargs)
        before = _status()["VmRSS"]
        _depth[0] += 1
        try:
            return _real_import(name, *args, **kwargs)
        finally:
            _depth[0] -= 1
            top = name.split(".")[0]
            _by_package[top] = _by_package.get(top, 0) + _status()["VmRSS"] - before
    builtins.__import__ = _import

class _Started(BaseException):
    pass

_built = []

def _alarm():
    # The dispatcher plans a police alarm to every member of the network and encodes each
    # output, as its stage does before publishing: the fan-out's peak, without Kafka.
    from binrelay_classifier.classify import classify_report
    from binrelay_privacy.service import _clear_all
    from binrelay_privacy.policy import PrivacyPolicy
    from binrelay_shared.codec import encode
    from binrelay_shared.events import (Kind, Location, Origin, Report, ReportClassified, Reporter,
                                        Stamps, new_id, utcnow)
    report = Report(origin=Origin.police, kind=Kind.alarm, reporter=Reporter(ref="police-5339"),
                    text="Politie: inbraakgolf in de buurt van de Meudonstraat. Sluit ramen en deuren.",
                    location=Location(street="Meudonstraat"), language_hint="nl")
    classified = ReportClassified(report_id=new_id(), network_id=os.environ["_MEM_NETWORK"], zone_id="5339",
                                  trace_id=new_id(), stamps=Stamps(received=utcnow()), report=report,
                                  classification=classify_report(report))
    cleared = _clear_all([classified], {}, PrivacyPolicy(), None)[0][0].event
    planned = _built[0][0].plan(cleared)
    encoded = [encode(planned.dispatch), *(encode(job) for job in planned.now_jobs)]
    return len(encoded) - 1

def _report(*_a, **_k):
    gc.collect()
    out = _status()
    if _built and os.environ.get("_MEM_NETWORK"):
        out["alarm_jobs"] = _alarm()
        out["alarm"] = _status()
    if _top:
        out["imports"] = sorted(_by_package.items(), key=lambda kv: -kv[1])[:_top]
    print("MEMORY " + json.dumps(out), flush=True)
    raise _Started

import binrelay_shared.redis_auth as redis_auth
import binrelay_shared.metrics as metrics
redis_auth.check_redis_or_exit = lambda *a, **k: None
metrics.serve_metrics = lambda *a, **k: None
import faststream
faststream.FastStream.run = lambda self, *a, **k: _report()
import uvicorn
uvicorn.run = _report
import importlib
module = importlib.import_module(sys.argv[1])
if hasattr(module, "build") and sys.argv[1] == "binrelay_dispatcher.service":
    _real_build = module.build
    def _build(*a, **k):
        _built.append(_real_build(*a, **k))
        return _built[-1]
    module.build = _build
sys.argv = [sys.argv[1], *sys.argv[2:]]
try:
    module.main(*([sys.argv[1:]] if sys.argv[1:] else []))
except _Started:
    pass
"""


def measure(service: str, imports: int, workdir: Path, members: Path | None) -> dict[str, object]:
    module, argv = SERVICES[service]
    extra = {"BINRELAY_MEMBERS_FILE": str(members), "_MEM_NETWORK": NETWORK} if members else {}
    env = {
        **os.environ,
        "BINRELAY_KAFKA_SECURITY": "plaintext",
        "BINRELAY_SECRETS_DIR": str(workdir / "secrets"),
        "BINRELAY_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'registry.db'}",
        "BINRELAY_ATTACHMENTS_DIR": str(workdir / "attachments"),
        "BINRELAY_LOG_JSON": "true",
        "_MEM_IMPORTS": str(imports),
        **extra,
    }
    from binrelay_shared.local_secrets import ensure_all

    ensure_all(workdir / "secrets")  # as make up does
    done = subprocess.run([sys.executable, "-c", _CHILD, module, *argv], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    for line in done.stdout.splitlines():
        if line.startswith("MEMORY "):
            result: dict[str, object] = json.loads(line[len("MEMORY "):])
            return result
    raise RuntimeError(f"{service} did not start (exit {done.returncode}):\n{done.stderr[-2000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("services", nargs="*", help=f"some of {', '.join(SERVICES)} (default: all)")
    parser.add_argument("--members", type=int, default=0,
                        help="members added to the example members (bench/fanout.py's); the dispatcher then "
                             "also plans a police alarm to all of them and reports its peak")
    parser.add_argument("--imports", type=int, default=0, help="top packages by resident memory added")
    args = parser.parse_args()
    unknown = sorted(set(args.services) - set(SERVICES))
    if unknown:
        parser.error(f"unknown service(s) {unknown}: choose among {', '.join(SERVICES)}")
    print(f"{'service':<16} {'RSS MB':>7} {'peak MB':>8}")
    with tempfile.TemporaryDirectory(prefix="binrelay-memory-") as tmp:
        members = members_file(Path(tmp), args.members) if args.members else None
        for service in args.services or SERVICES:
            figures = measure(service, args.imports, Path(tmp), members)
            print(f"{service:<16} {figures['VmRSS']:>7} {figures['VmHWM']:>8}")
            if "alarm" in figures:
                alarm: dict[str, int] = figures["alarm"]  # type: ignore[assignment]
                print(f"  after planning and encoding an alarm's {figures['alarm_jobs']} jobs: "
                      f"RSS {alarm['VmRSS']} MB, peak {alarm['VmHWM']} MB")
            for package, mb in figures.get("imports", []):  # type: ignore[attr-defined]
                print(f"    {package:<28} {mb:>5} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
