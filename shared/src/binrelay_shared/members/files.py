"""Members in files: CSV, JSON and the YAML members file, read with every bad row named, and written.

Reading never stops at the first problem: each row is validated on its own and every problem is
returned as a :class:`~.registry.RowProblem` (row, field, reason) — a row is counted from 1, the
first member (a CSV's header is not a row). :func:`import_file` then checks the good rows
against each other and the registry (duplicate addresses, unknown networks) and imports all of
them or none.

CSV columns (lists separated by ``;``): ``id, name, networks, roles, phone, email, chat_id,
language, channel_order, quiet_hours, consent, consent_at, consent_how, consent_by, excluded`` —
``consent`` names the channels with consent given; the three ``consent_*`` columns say when, how
and by whom for all of them (default: the import's time, ``import:<file>``, who imports).
JSON: a list of members as ``binrelay members show --json`` prints them (or ``{"members": [...]}``).
YAML: the members file (``deploy/members.example.yaml``): ``consent: true`` is consent on each channel.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from binrelay_shared.events import utcnow
from binrelay_shared.network.members import Member

from .record import MemberRecord
from .registry import Change, Registry, RegistryError, RowProblem

Format = Literal["csv", "json", "yaml"]
CSV_COLUMNS = ("id", "name", "networks", "roles", "phone", "email", "chat_id", "language", "channel_order",
               "quiet_hours", "consent", "consent_at", "consent_how", "consent_by", "excluded")
_LISTS = ("networks", "roles", "channel_order", "consent")


def format_of(path: Path, given: str | None = None) -> Format:
    name = (given or path.suffix.lstrip(".")).lower()
    if name in ("yml", "yaml"):
        return "yaml"
    if name in ("csv", "json"):
        return name  # type: ignore[return-value]
    raise RegistryError([RowProblem(None, "file", f"{path}: unknown format {name!r}: use .csv, .json or .yaml "
                                                  "(or --format)")])


def _problems(row: int, exc: ValidationError) -> list[RowProblem]:
    out = []
    for e in exc.errors():
        field = str(e["loc"][0]) if e["loc"] else "row"
        reason = str(e["msg"]).removeprefix("Value error, ")
        out.append(RowProblem(row, field, reason))
    return out


def _csv_row(raw: dict[str, Any], *, at: datetime, how: str, by: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in raw.items():
        if key is None:
            raise ValueError("more cells than columns")
        value = (value or "").strip()
        if key in _LISTS:
            data[key] = [v.strip() for v in value.split(";") if v.strip()]
        elif key == "excluded":
            if value.lower() not in ("", "true", "false", "yes", "no", "1", "0"):
                raise ValueError(f"excluded: {value!r} is not true or false")
            data[key] = value.lower() in ("true", "yes", "1")
        elif value:
            data[key] = value
    consent = data.pop("consent", [])
    when = data.pop("consent_at", None) or at.isoformat()
    data["consent"] = {c: {"given": True, "at": when, "how": data.pop("consent_how", how),
                           "by": data.pop("consent_by", by)} for c in consent}
    data.pop("consent_how", None)
    data.pop("consent_by", None)
    return data


def _unknown_networks(row: int, item: Any, networks: Collection[str] | None) -> list[RowProblem]:
    given = item.get("networks") if isinstance(item, dict) else None
    if networks is None or not isinstance(given, list):
        return []
    return [RowProblem(row, "networks", f"unknown network {n!r} (known: {', '.join(sorted(networks))})")
            for n in given if isinstance(n, str) and n not in networks]


def read_records(text: str, fmt: Format, *, source: str, by: str, networks: Collection[str] | None = None,
                 ) -> tuple[list[MemberRecord], list[int], list[RowProblem]]:
    """The members in ``text``: (good records, their rows, problems of the bad rows)."""
    at = utcnow()
    how = f"import:{source}"
    records: list[MemberRecord] = []
    rows: list[int] = []
    problems: list[RowProblem] = []
    items: list[tuple[int, Any]] = []
    try:
        if fmt == "csv":
            reader = csv.DictReader(io.StringIO(text))
            unknown = [c for c in reader.fieldnames or () if c not in CSV_COLUMNS]
            if unknown or "id" not in (reader.fieldnames or ()):
                what = f"unknown column(s) {', '.join(unknown)}" if unknown else "no id column"
                return [], [], [RowProblem(None, "header", f"{what}: the columns are {', '.join(CSV_COLUMNS)}")]
            for i, raw in enumerate(reader, start=1):
                try:
                    items.append((i, _csv_row(raw, at=at, how=how, by=by)))
                except ValueError as exc:
                    problems.append(RowProblem(i, "row", str(exc)))
        else:
            data = json.loads(text) if fmt == "json" else yaml.safe_load(text)
            if isinstance(data, dict) and set(data) == {"members"}:
                data = data["members"]
            if not isinstance(data, list):
                return [], [], [RowProblem(None, "file", "expected a list of members (or {members: [...]})")]
            items = list(enumerate(data, start=1))
    except (json.JSONDecodeError, yaml.YAMLError, csv.Error, UnicodeDecodeError) as exc:
        return [], [], [RowProblem(None, "file", f"cannot be read as {fmt}: {exc}")]
    for i, item in items:
        try:
            if fmt == "yaml" and _members_file_item(item):
                rec = MemberRecord.from_member(Member.model_validate(item), at=at, how=how, by=by)
            else:
                rec = MemberRecord.model_validate(item)
        except ValidationError as exc:
            problems += _problems(i, exc)
            problems += _unknown_networks(i, item, networks)  # the good rows get theirs from Registry.check
            continue
        except ValueError as exc:
            problems.append(RowProblem(i, "channels", str(exc)))
            continue
        records.append(rec)
        rows.append(i)
    return records, rows, problems


def _members_file_item(item: Any) -> bool:
    """An item of the members file (``channels:`` and ``consent: true``) rather than an export's record."""
    return isinstance(item, dict) and ("channels" in item or isinstance(item.get("consent"), bool))


async def import_text(registry: Registry, text: str, fmt: Format, *, source: str, by: str,
                      dry_run: bool = False) -> tuple[list[Change], int]:
    """Import every member of ``text`` or none: (changes, members read). Raises
    :class:`RegistryError` with every problem of every row (the rows' own, then duplicates and
    unknown networks among the good ones)."""
    records, rows, problems = read_records(text, fmt, source=source, by=by, networks=registry.networks)
    async with registry.sessions() as s:
        problems += await registry.check(s, records, rows)
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise RegistryError(problems)
    if dry_run:
        return [], len(records)
    return await registry.import_records(records, by, rows), len(records)


def write_records(records: Sequence[MemberRecord], fmt: Format) -> str:
    """``records`` as CSV, JSON or YAML (each readable by :func:`read_records`)."""
    if fmt == "json":
        return json.dumps([r.model_dump(mode="json", exclude_none=True) for r in records], indent=2,
                          ensure_ascii=False) + "\n"
    if fmt == "yaml":
        return yaml.safe_dump({"members": [r.model_dump(mode="json", exclude_none=True) for r in records]},
                              allow_unicode=True, sort_keys=False)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in records:
        given = [c for c, v in r.consent.items() if v.given]
        first = r.consent[given[0]] if given else None
        writer.writerow({
            "id": r.id, "name": r.name or "", "networks": ";".join(r.networks),
            "roles": ";".join(x.value for x in r.roles), "phone": r.phone or "", "email": r.email or "",
            "chat_id": r.chat_id or "", "language": r.language, "channel_order": ";".join(r.channel_order),
            "quiet_hours": str(r.quiet_hours) if r.quiet_hours else "", "consent": ";".join(given),
            "consent_at": first.at.isoformat() if first else "", "consent_how": first.how if first else "",
            "consent_by": first.by if first else "", "excluded": "true" if r.excluded else "false",
        })
    return out.getvalue()
