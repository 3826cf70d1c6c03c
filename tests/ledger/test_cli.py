"""``binrelay log`` and its bad input: dates, an unknown network, a missing ledger."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from binrelay.cli import app
from binrelay_shared.db.engine import engine
from binrelay_shared.events import Kind, Origin, ResponseKind
from binrelay_shared.ledger import store
from binrelay_shared.ledger.rows import rows_of
from tests.conftest import REPO
from tests.ledger.events import dispatch, outcome, response

NOV = datetime(2026, 11, 14, 10, 0, tzinfo=UTC)


@pytest.fixture
async def ledger_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A ledger with November's police message, its approval, an acknowledged report, an
    escalation and a feedback; and one entry each side of November (Brussels)."""
    events = [
        dispatch("p-nov", NOV, kind=Kind.prevention, origin=Origin.police, held="approval"),
        response("p-nov", NOV + timedelta(minutes=7), ResponseKind.approve, responder="zavel-officer-1"),
        dispatch("r-nov", NOV + timedelta(hours=1)),
        response("r-nov", NOV + timedelta(hours=1, minutes=2)),
        outcome("r-nov", NOV, NOV + timedelta(hours=1, minutes=20), purpose="escalation", recipient="zavel-steer-1",
                dispatched=NOV + timedelta(hours=1, minutes=15)),
        dispatch("f-nov", NOV + timedelta(days=1), kind=Kind.feedback, origin=Origin.police, refers_to="r-nov"),
        outcome("f-nov", NOV + timedelta(days=1), NOV + timedelta(days=1, seconds=9), audience="reporter",
                recipient="zavel-member-9", refers_to="r-nov"),
        dispatch("r-oct", datetime(2026, 10, 31, 22, 30, tzinfo=UTC)),  # 31 October 23:30 Brussels
        dispatch("r-dec", datetime(2026, 11, 30, 23, 30, tzinfo=UTC)),  # 1 December 00:30 Brussels
    ]

    eng = engine(database_url)
    await store.write(eng, [r for e in events for r in rows_of(e)])
    await eng.dispose()
    monkeypatch.setenv("BINRELAY_DATABASE_URL", database_url)
    monkeypatch.setenv("BINRELAY_NETWORKS_DIR", str(REPO / "deploy" / "networks"))
    monkeypatch.setenv("COLUMNS", "200")  # the table on one line per entry
    return database_url


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_log_of_november_as_a_table(ledger_env: str) -> None:
    """Given November's entries and one just outside each end (Brussels time),
    when `binrelay log --network zavel --from 2026-11-01 --to 2026-11-30` runs,
    then it prints November's entries in order: who approved, who acknowledged, to whom it escalated,
    the feedback to the reporter; nothing of October or December."""
    code, out, err = run("log", "--network", "zavel", "--from", "2026-11-01", "--to", "2026-11-30")
    assert code == 0, err
    lines = [line for line in out.splitlines() if line.startswith("│ 2026-")]
    entries = [next(e for e in ("police message", "approval", "report", "acknowledgement", "escalation",
                                "feedback") if e in line) for line in lines]
    assert entries == ["police message", "approval", "report", "acknowledgement", "escalation", "police message",
                       "feedback"], out
    assert "zavel-officer-1" in lines[1] and "zavel-coord-1" in lines[3] and "zavel-steer-1" in lines[4]
    assert "7 entries" in out
    assert "r-oct" not in out and "r-dec" not in out


def test_the_log_as_csv(ledger_env: str) -> None:
    code, out, err = run("log", "--network", "zavel", "--from", "2026-11-14", "--to", "2026-11-14", "--csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["entry"], r["report"], r["member"]) for r in rows] == [
        ("police_message", "p-nov", ""), ("approval", "p-nov", "zavel-officer-1"), ("report", "r-nov", ""),
        ("acknowledgement", "r-nov", "zavel-coord-1"), ("escalation", "r-nov", "zavel-steer-1")]
    assert rows[0]["detail"] == "held: approval"
    assert datetime.fromisoformat(rows[0]["at"]) == NOV


@pytest.mark.parametrize(("args", "message"), [
    (("--from", "2026-11-31", "--to", "2026-12-01"), "--from '2026-11-31' is not a date"),
    (("--from", "1/11/2026", "--to", "2026-11-30"), "--from '1/11/2026' is not a date"),
    (("--from", "2026-11-01", "--to", "november"), "--to 'november' is not a date"),
    (("--from", "2026-11-30", "--to", "2026-11-01"), "--to 2026-11-01 is before --from 2026-11-30"),
])
def test_bad_dates_are_refused_with_the_option_named(ledger_env: str, args: tuple[str, ...], message: str) -> None:
    code, out, err = run("log", "--network", "zavel", *args)
    assert code == 2
    assert message in err and "fix:" in err and "Traceback" not in out + err


def test_an_unknown_network_is_refused_with_the_known_ones(ledger_env: str) -> None:
    code, _, err = run("log", "--network", "zavle", "--from", "2026-11-01", "--to", "2026-11-30")
    assert code == 2
    assert "unknown network 'zavle'" in err and "kastelein, meudon, zavel" in err


def test_a_missing_ledger_says_how_to_get_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "nowhere.db"
    monkeypatch.setenv("BINRELAY_DATABASE_URL", f"sqlite+aiosqlite:///{missing}")
    monkeypatch.setenv("BINRELAY_NETWORKS_DIR", str(REPO / "deploy" / "networks"))
    code, _, err = run("log", "--network", "zavel", "--from", "2026-11-01", "--to", "2026-11-30")
    assert code == 2 and f"no ledger database at {missing}" in err and "make up" in err
    assert not missing.exists()


def test_the_ledger_process_stops_with_a_clear_message_when_its_database_cannot_be_opened(tmp_path: Path) -> None:
    """Given BINRELAY_DATABASE_URL naming a SQLite file under a path that is a file, not a folder (and a
    PostgreSQL password in another URL would be hidden the same way), when binrelay-ledger starts,
    then it exits 2 naming the database and the setting, without a traceback."""
    import os
    import subprocess
    import sys

    (tmp_path / "not-a-folder").write_text("")  # the database layer creates missing folders, not this
    env = {**os.environ, "BINRELAY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/not-a-folder/ledger.db",
           "BINRELAY_NETWORKS_DIR": str(REPO / "deploy" / "networks"), "BINRELAY_KAFKA_SECURITY": "plaintext",
           "BINRELAY_LOG_JSON": "false"}
    done = subprocess.run([str(Path(sys.executable).parent / "binrelay-ledger")], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "cannot open the ledger's database" in done.stderr and "BINRELAY_DATABASE_URL" in done.stderr
    assert "Traceback" not in done.stderr
