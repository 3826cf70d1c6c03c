"""The member registry on SQLite and on a real PostgreSQL: add, update, remove, import all-or-nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from binrelay_shared.db import database_url
from binrelay_shared.db.migrate import current, upgrade
from binrelay_shared.members import MemberFields, MemberRecord, Registry, RegistryError, UnknownMember
from binrelay_shared.settings import Settings

AT = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


def rec(mid: str, phone: str | None = "+32470123456", **kw: object) -> MemberRecord:
    data: dict[str, object] = {"id": mid, "networks": ["zavel"], "phone": phone, "language": "nl",
                               "consent": {"sms": {"at": AT.isoformat(), "how": "form", "by": "zavel-coord-1"}}}
    data.update(kw)
    return MemberRecord.model_validate({k: v for k, v in data.items() if v is not None})


async def test_migrations_reach_every_head_and_run_twice(db_settings: Settings) -> None:
    await upgrade(database_url(db_settings))  # a second start finds nothing to do
    at, heads = await current(database_url(db_settings))
    assert at == heads and "members_0001" in at


async def test_add_show_update_remove(registry: Registry) -> None:
    await registry.add(rec("zavel-new-1", "0470 12 34 56", email="New.One@Example.org", name="Nieuw Lid"), by="cli")
    got = await registry.get("zavel-new-1")
    assert got.phone == "+32470123456"  # E.164; a national number is Belgian
    assert got.email == "new.one@example.org"
    assert got.consent["sms"].at == AT and got.consent["sms"].by == "zavel-coord-1"
    assert got.created_at is not None and got.created_at.tzinfo is not None
    member = got.to_member()
    assert [a.channel for a in member.channels] == ["sms"]  # no consent on e-mail: not usable
    assert member.consent

    changed = got.with_fields(MemberFields.model_validate({"networks": ["zavel", "meudon"], "language": "fr"}))
    after, change = await registry.update(changed, by="api:coordinator")
    assert after.networks == ["meudon", "zavel"] and after.language == "fr"
    assert change.networks == {"zavel", "meudon"}
    assert after.updated_at is not None and after.created_at is not None and after.updated_at >= after.created_at
    history = await registry.history("zavel-new-1")
    assert [h["change"] for h in history] == ["added", "updated"]
    assert set(history[1]["fields"]) == {"networks", "language"}  # type: ignore[arg-type]
    assert "+32470123456" not in str(history)  # names of fields, never values

    before, change = await registry.remove("zavel-new-1", by="cli")
    assert change.change == "removed" and before.id == "zavel-new-1"
    with pytest.raises(UnknownMember):
        await registry.get("zavel-new-1")


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("phone", "+32 470 98", "not a valid phone number"),
    ("phone", "call me", "not a phone number"),
    ("email", "nobody-at-example.org", "not an e-mail address"),
    ("chat_id", "zavel-1", "not a Matrix id"),
    ("roles", ["boss"], "Input should be"),
])
def test_bad_fields_are_named(field: str, value: object, reason: str) -> None:
    with pytest.raises(ValueError) as info:
        rec("x-1", **{field: value})
    assert reason in str(info.value) and field in str(info.value)
    assert str(value) not in str(info.value).replace(f"input_value={value!r}", "")  # never the value itself


async def test_refusals_name_the_field(registry: Registry) -> None:
    await registry.add(rec("a-1"), by="t")
    with pytest.raises(RegistryError) as info:
        await registry.add(rec("a-2", "+32 470 12 34 56"), by="t")
    assert info.value.status == 409
    assert [(p.field, p.reason) for p in info.value.problems] == [
        ("phone", "duplicate phone: member 'a-1' already has it")]
    with pytest.raises(RegistryError) as info:
        await registry.add(rec("a-1", "+32470000001"), by="t")
    assert info.value.problems[0].field == "id" and info.value.status == 409
    with pytest.raises(RegistryError) as info:
        await registry.add(rec("a-3", "+32470000002", networks=["atlantis"]), by="t")
    assert info.value.problems[0].field == "networks" and "unknown network 'atlantis'" in info.value.problems[0].reason
    assert await registry.count() == 1


async def test_import_is_all_or_nothing_and_names_every_bad_row(registry: Registry) -> None:
    await registry.add(rec("old-1", "+32470000009"), by="t")
    good = [rec("i-1", "+32470000001"), rec("i-2", "+32470000002")]
    bad = [*good, rec("i-3", "+32470000001"), rec("i-4", "+32470000009"), rec("i-5", "+32470000005",
                                                                               networks=["nowhere"])]
    with pytest.raises(RegistryError) as info:
        await registry.import_records(bad, by="t")
    assert [(p.row, p.field) for p in info.value.problems] == [(3, "phone"), (4, "phone"), (5, "networks")]
    assert await registry.count() == 1  # nothing half-imported

    assert await registry.import_records(good, by="t", dry_run=True) == []
    assert await registry.count() == 1
    changes = await registry.import_records(good, by="t")
    assert [c.member_id for c in changes] == ["i-1", "i-2"]
    again = await registry.import_records([good[0].model_copy(update={"language": "de"}), good[1]], by="t")
    assert [(c.member_id, c.change) for c in again] == [("i-1", "updated")]  # unchanged rows: no change


async def test_seed_once(registry: Registry) -> None:
    from tests.conftest import REPO

    n = await registry.seed_from(REPO / "deploy" / "members.example.yaml")
    assert n and n == await registry.count()
    officer = await registry.get("officer-5339-zavel")
    assert officer.phone == "+447700900001" and officer.consent["sms"].given
    await registry.remove("zavel-member-1", by="t")
    assert await registry.seed_from(REPO / "deploy" / "members.example.yaml") is None  # erased stay erased
    snapshot = await registry.snapshot()
    assert "zavel-member-1" not in snapshot.by_id()
    # The fast read (plain queries) gives what each record's own view gives.
    records = await registry.all()
    assert snapshot.by_id() == {r.id: r.to_member() for r in records}
    assert (await registry.snapshot(every_address=True)).by_id() == {r.id: r.to_member(every_address=True)
                                                                     for r in records}
    assert await registry.members(["officer-5339-zavel", "nobody"]) == {
        "officer-5339-zavel": officer.to_member(), "nobody": None}


def test_processes_starting_together_import_the_members_file_once(tmp_path: Path) -> None:
    """Given a fresh SQLite registry and a members file of 2,000 members,
    when four processes open the registry at once (each lane's dispatcher, the adapters),
    then each starts (none fails on a locked database) and the file is imported once."""
    import subprocess
    import sys

    import yaml

    from tests.conftest import REPO

    members = [{"id": f"m-{i}", "networks": ["zavel"], "consent": True,
                "channels": [{"channel": "sms", "address": f"+44{7700900 if i < 1000 else 1632960}{i % 1000:03d}"}]}
               for i in range(2000)]
    path = tmp_path / "members.yaml"
    path.write_text(yaml.safe_dump({"members": members}))
    env = {"BINRELAY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/r.db", "BINRELAY_MEMBERS_FILE": str(path),
           "PATH": "/usr/bin:/bin"}
    code = ("from binrelay_shared.members.service import registry_members_or_exit as r;"
            "from binrelay_shared.settings import Settings; print(len(r(Settings()).members))")
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env, cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [e for _, e in outs]
    assert [o.strip() for o, _ in outs] == ["2000"] * 4
