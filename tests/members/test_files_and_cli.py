"""Import and export of members (CSV, JSON, the YAML members file) and the `binrelay members` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from binrelay.cli import app
from binrelay_shared.members import Registry, RegistryError
from binrelay_shared.members.files import import_text, read_records, write_records
from tests.conftest import REPO

BAD_CSV = """id,name,networks,roles,phone,email,language,consent
csv-1,Lid Een,zavel,,+32 470 99 00 01,csv1@example.org,nl,sms;email
csv-2,Lid Twee,zavel,,+32 470 99 00 01,,fr,sms
csv-3,,atlantis,boss,12,,nl,
csv-4,,zavel,,+447700900001,,nl,sms
csv-5,,meudon,,+32 470 99 00 05,not-an-address,nl,
"""


async def test_csv_import_names_every_bad_row_and_imports_nothing(registry: Registry) -> None:
    await registry.seed_from(REPO / "deploy" / "members.example.yaml")
    before = await registry.count()
    with pytest.raises(RegistryError) as info:
        await import_text(registry, BAD_CSV, "csv", source="bad.csv", by="t")
    found = {(p.row, p.field, p.reason.split(":")[0].split(" (")[0]) for p in info.value.problems}
    assert found == {
        (2, "phone", "duplicate phone"),
        (3, "roles", "Input should be 'coordinator', 'steering_group' or 'officer'"),
        (3, "phone", "not a valid phone number"),
        (3, "networks", "unknown network 'atlantis'"),
        (4, "phone", "duplicate phone"),
        (5, "email", "not an e-mail address"),
    }
    assert await registry.count() == before  # nothing half-imported
    good = "\n".join(BAD_CSV.splitlines()[:2]) + "\n"
    changes, n = await import_text(registry, good, "csv", source="ok.csv", by="t", dry_run=True)
    assert (changes, n) == ([], 1) and await registry.count() == before
    changes, n = await import_text(registry, good, "csv", source="ok.csv", by="t")
    assert [c.member_id for c in changes] == ["csv-1"]
    got = await registry.get("csv-1")
    assert got.consent["email"].how == "import:ok.csv" and got.phone == "+32470990001"


@pytest.mark.parametrize("fmt", ["csv", "json", "yaml"])
async def test_export_imports_back_unchanged(registry: Registry, fmt: str) -> None:
    await registry.seed_from(REPO / "deploy" / "members.example.yaml")
    everyone = await registry.all()
    text = write_records(everyone, fmt)  # type: ignore[arg-type]
    records, _rows, problems = read_records(text, fmt, source="x", by="t")  # type: ignore[arg-type]
    assert problems == []
    if fmt != "csv":  # CSV has one consent time for all channels of a member
        assert [r.model_dump(exclude={"created_at", "updated_at"}) for r in records] == \
            [r.model_dump(exclude={"created_at", "updated_at"}) for r in everyone]
    changes, _ = await import_text(registry, text, fmt, source="x", by="t")  # type: ignore[arg-type]
    assert fmt == "csv" or changes == []


def test_cli_add_show_update_remove(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BINRELAY_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/r.db")
    monkeypatch.setenv("BINRELAY_MEMBERS_FILE", str(REPO / "deploy" / "members.example.yaml"))
    monkeypatch.setenv("BINRELAY_NETWORKS_DIR", str(REPO / "deploy" / "networks"))
    monkeypatch.setenv("BINRELAY_KAFKA", "127.0.0.1:9")  # no Kafka: a warning, the change stays made
    run = CliRunner().invoke
    r = run(app, ["members", "add", "zavel-cli-1", "-n", "zavel", "--phone", "0470 55 66 77", "--consent", "sms"])
    assert r.exit_code == 0, r.output
    assert "services were not told" in r.output
    r = run(app, ["members", "show", "zavel-cli-1", "--json"])
    shown = json.loads(r.output)
    assert shown["phone"] == "+32470556677" and shown["consent"]["sms"]["by"] == "operator"
    r = run(app, ["members", "update", "zavel-cli-1", "--email", "cli1@example.org", "--consent", "email",
                  "--withdraw", "sms", "--language", "fr"])
    assert r.exit_code == 0, r.output
    shown = json.loads(run(app, ["members", "show", "zavel-cli-1", "--json"]).output)
    assert shown["consent"]["sms"]["given"] is False and shown["consent"]["email"]["given"] is True
    assert shown["channel_order"] == ["sms", "email"] and shown["language"] == "fr"
    r = run(app, ["members", "add", "zavel-cli-2", "-n", "nowhere", "--phone", "+32 470 55 66 77"])
    assert r.exit_code == 1 and "unknown network 'nowhere'" in r.output and "duplicate phone" in r.output
    assert "Traceback" not in r.output
    r = run(app, ["members", "remove", "zavel-cli-1"])
    assert r.exit_code == 0
    r = run(app, ["members", "show", "zavel-cli-1"])
    assert r.exit_code == 1 and "no member 'zavel-cli-1'" in r.output
    r = run(app, ["members", "list", "-n", "zavel", "--json"])
    listed = json.loads(r.output)
    assert "zavel-member-1" in {m["id"] for m in listed} and "+44" not in r.output  # list shows no addresses


def test_cli_erasing_an_unknown_id_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BINRELAY_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/r.db")
    monkeypatch.setenv("BINRELAY_NETWORKS_DIR", str(REPO / "deploy" / "networks"))
    for command in (["members", "erase", "nobody-1"], ["members", "export", "nobody-1"]):
        r = CliRunner().invoke(app, command)
        assert r.exit_code == 1, r.output
        assert "no member 'nobody-1' in the registry" in r.output and "Traceback" not in r.output
