"""A bad network file stops every service that reads it, with the same message and exit 2.

The services are started as their installed entry points, in subprocesses, against a networks
directory holding one broken file; nothing listens at the Kafka and Redis addresses they are given,
so a service that did not stop at its start would hang (and time out) or fail some other way.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from binrelay_shared.network import PlanError, load_networks
from tests.conftest import REPO

BIN = Path(sys.executable).parent
#: Every process that reads the network files at its start (the dispatcher also reads members).
SERVICES = (
    "binrelay-ingest",
    "binrelay-privacy-filter",
    "binrelay-observer",
    "binrelay-ledger",
    "binrelay-dispatcher",
    "binrelay-adapter-smtp",
)


def _broken(tmp_path: Path) -> Path:
    """Zavel's network file with a privacy section that names a photo mode and a kind that do not exist."""
    directory = tmp_path / "networks"
    directory.mkdir()
    text = (REPO / "deploy" / "networks" / "zavel.yaml").read_text("utf-8")
    (directory / "zavel.yaml").write_text(
        text + "\nprivacy:\n  group_photos: pixelate\n  coordinator_sees: [plate, shoe_size]\n", "utf-8"
    )
    return directory


def _problem_lines(stderr: str, directory: Path) -> list[str]:
    """The problem lines of a service's stderr: each problem's location line and its fix."""
    lines = stderr.splitlines()
    return [line for line in lines if line.startswith(str(directory)) or line.startswith("  fix:")]


def _run(service: str, directory: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "BINRELAY_NETWORKS_DIR": str(directory),
        "BINRELAY_MEMBERS_FILE": str(REPO / "deploy" / "members.example.yaml"),
        "BINRELAY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/registry.db",
        "BINRELAY_KAFKA": "127.0.0.1:9",
        "BINRELAY_REDIS_URL": "redis://127.0.0.1:9/0",
        "BINRELAY_HTTP_PORT": "9",
        "BINRELAY_SMTP_LISTEN_PORT": "9",
        "BINRELAY_ATTACHMENTS_DIR": str(tmp_path / "attachments"),
        "BINRELAY_LOG_JSON": "false",
    }
    return subprocess.run(
        [str(BIN / service)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize("service", SERVICES)
def test_a_bad_network_file_stops_the_service_with_the_loaders_message(service: str, tmp_path: Path) -> None:
    """Given a networks directory whose zavel.yaml has `privacy: {group_photos: pixelate,
    coordinator_sees: [plate, shoe_size]}`,
    when the service is started,
    then it exits 2 before serving, without a traceback, printing on stderr exactly the problems
    the shared loader (and `binrelay plan check`) reports: file, line, place and fix of each."""
    directory = _broken(tmp_path)
    with pytest.raises(PlanError) as expected:
        load_networks(directory, None)

    done = _run(service, directory, tmp_path)

    assert done.returncode == 2, done.stderr[-3000:]
    assert "Traceback" not in done.stderr + done.stdout
    assert _problem_lines(done.stderr, directory) == str(expected.value).splitlines()
    assert "privacy.group_photos" in done.stderr and "fix: use one of: withhold, blur" in done.stderr
    assert "privacy.coordinator_sees[1]" in done.stderr
