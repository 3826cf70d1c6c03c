"""The member registry: members in the database, read and changed through :class:`Registry`.

Every change is checked before anything is written — a bad phone number, an address another
member already has, an unknown network or role — and refused with :class:`RegistryError`, whose
problems name the row (for an import), the field and the reason; an import is one transaction:
every row or none. Each change is written to ``member_changes`` (field names, never values).
The registry never logs personal data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from binrelay_shared.db import make_engine, session_factory
from binrelay_shared.events import utcnow
from binrelay_shared.network.members import Member, MembersFile

from .models import ChangeRow, ConsentRow, MemberNetwork, MemberRoleRow, MemberRow, MetaRow
from .problems import Change, RegistryError, RowProblem, UnknownMember
from .record import Consent, MemberRecord, member_view

__all__ = ["Change", "Registry", "RegistryError", "RowProblem", "UnknownMember"]

UNIQUE_FIELDS = ("phone", "email", "chat_id")


def _record(row: MemberRow) -> MemberRecord:
    return MemberRecord.model_validate({
        "id": row.id, "name": row.name, "networks": sorted(n.network_id for n in row.networks),
        "roles": sorted(r.role for r in row.roles), "phone": row.phone, "email": row.email,
        "chat_id": row.chat_id, "language": row.language, "channel_order": row.channel_order,
        "quiet_hours": row.quiet_hours,
        "consent": {c.channel: {"given": c.given, "at": c.at, "how": c.how, "by": c.recorded_by} for c in row.consents},
        "excluded": row.excluded, "created_at": row.created_at, "updated_at": row.updated_at,
    })


def _fill(row: MemberRow, rec: MemberRecord) -> None:
    row.name = rec.name
    row.phone = rec.phone
    row.email = rec.email
    row.chat_id = rec.chat_id
    row.language = rec.language
    row.channel_order = list(rec.channel_order)
    row.quiet_hours = str(rec.quiet_hours) if rec.quiet_hours else None
    row.excluded = rec.excluded
    row.networks = [MemberNetwork(member_id=rec.id, network_id=n) for n in rec.networks]
    row.roles = [MemberRoleRow(member_id=rec.id, role=r.value) for r in rec.roles]
    row.consents = [ConsentRow(member_id=rec.id, channel=ch, given=c.given, at=c.at, how=c.how, recorded_by=c.by)
                    for ch, c in rec.consent.items()]


def _changed_fields(before: MemberRecord | None, after: MemberRecord) -> list[str]:
    names = [n for n in MemberRecord.model_fields if n not in ("created_at", "updated_at")]
    if before is None:
        return [n for n in names if getattr(after, n) not in (None, [], {}, False)]
    return [n for n in names if getattr(before, n) != getattr(after, n)]


class Registry:
    """The members in the database at ``engine`` (see :mod:`binrelay_shared.db`).

    ``networks``: the network ids a member may be in (unknown ones are refused); None: any."""

    def __init__(self, engine: AsyncEngine, networks: Collection[str] | None = None) -> None:
        self.engine = engine
        self.sessions = session_factory(engine)
        self.networks = set(networks) if networks is not None else None
        self.name_owners = True  # a refusal names the member who has the address (False: the API's callers)

    @classmethod
    def at(cls, url: str, networks: Collection[str] | None = None) -> Registry:
        return cls(make_engine(url), networks)

    async def close(self) -> None:
        await self.engine.dispose()

    # -- reading --------------------------------------------------------------------------------

    async def get(self, member_id: str) -> MemberRecord:
        async with self.sessions() as s:
            row = await s.get(MemberRow, member_id)
            if row is None:
                raise UnknownMember(member_id)
            return _record(row)

    async def find(self, member_ids: Iterable[str]) -> dict[str, MemberRecord]:
        """The members among ``member_ids`` that are in the registry."""
        ids = list(dict.fromkeys(member_ids))
        out: dict[str, MemberRecord] = {}
        async with self.sessions() as s:
            for i in range(0, len(ids), 500):
                rows = await s.scalars(select(MemberRow).where(MemberRow.id.in_(ids[i:i + 500])))
                out.update((r.id, _record(r)) for r in rows)
        return out

    async def all(self, networks: Collection[str] | None = None) -> list[MemberRecord]:
        """Every member (``networks``: those in at least one of them), by id."""
        q = select(MemberRow).order_by(MemberRow.id)
        if networks is not None:
            q = q.where(MemberRow.id.in_(select(MemberNetwork.member_id)
                                          .where(MemberNetwork.network_id.in_(list(networks)))))
        async with self.sessions() as s:
            return [_record(r) for r in await s.scalars(q)]

    async def count(self) -> int:
        async with self.sessions() as s:
            return int(await s.scalar(select(func.count()).select_from(MemberRow)) or 0)

    async def snapshot(self, *, every_address: bool = False) -> MembersFile:
        """Every member as the network contract knows them (what the dispatcher routes with;
        ``every_address``: with the channels they gave no consent on, to recognise who writes in)."""
        return MembersFile.model_construct(members=await self._views(None, every_address))  # ids: the primary key

    async def members(self, member_ids: Iterable[str], *, every_address: bool = False) -> dict[str, Member | None]:
        """Each of ``member_ids`` as the network contract knows them, None for those not (or no more) there."""
        ids = list(dict.fromkeys(member_ids))
        found: dict[str, Member | None] = dict.fromkeys(ids)
        for i in range(0, len(ids), 500):
            found.update((m.id, m) for m in await self._views(ids[i:i + 500], every_address))
        return found

    async def _views(self, ids: list[str] | None, every_address: bool) -> list[Member]:
        """Members (all, or ``ids``) read with four plain queries and built straight into the
        contract's members, without the ORM's objects or a record's checks (stored values were
        checked when written): 10,000 members are every start's and every reload's work, in
        every process holding members."""
        def only(query: Any, column: Any) -> Any:
            return query if ids is None else query.where(column.in_(ids))

        nets: dict[str, list[str]] = {}
        roles: dict[str, list[str]] = {}
        consented: dict[str, set[str]] = {}
        async with self.engine.connect() as conn:
            for mid, net in await conn.execute(only(select(MemberNetwork.member_id, MemberNetwork.network_id),
                                                    MemberNetwork.member_id)):
                nets.setdefault(mid, []).append(net)
            for mid, role in await conn.execute(only(select(MemberRoleRow.member_id, MemberRoleRow.role),
                                                     MemberRoleRow.member_id)):
                roles.setdefault(mid, []).append(role)
            for mid, channel in await conn.execute(only(select(ConsentRow.member_id, ConsentRow.channel)
                                                        .where(ConsentRow.given.is_(True)), ConsentRow.member_id)):
                consented.setdefault(mid, set()).add(channel)
            columns = (MemberRow.id, MemberRow.name, MemberRow.phone, MemberRow.email, MemberRow.chat_id,
                       MemberRow.language, MemberRow.channel_order, MemberRow.quiet_hours, MemberRow.excluded)
            rows = await conn.execute(only(select(*columns), MemberRow.id).order_by(MemberRow.id))
            return [member_view(
                id=r.id, name=r.name, networks=sorted(nets.get(r.id, [])), roles=sorted(roles.get(r.id, [])),
                language=r.language, order=list(r.channel_order),
                addresses={c: a for c, a in (("sms", r.phone), ("email", r.email), ("chat", r.chat_id)) if a},
                consented=consented.get(r.id, set()), quiet_hours=r.quiet_hours, excluded=r.excluded,
                every_address=every_address) for r in rows]

    async def consent_by_channel(self) -> list[tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]]:
        """Each member not excluded as (networks, channels in order, channels with consent given):
        no id, no address — what the ledger counts, read with three plain queries (every hour,
        10,000 members)."""
        nets: dict[str, list[str]] = {}
        given: dict[str, set[str]] = {}
        async with self.engine.connect() as conn:
            for mid, net in await conn.execute(select(MemberNetwork.member_id, MemberNetwork.network_id)):
                nets.setdefault(mid, []).append(net)
            for mid, channel in await conn.execute(select(ConsentRow.member_id, ConsentRow.channel)
                                                   .where(ConsentRow.given.is_(True))):
                given.setdefault(mid, set()).add(channel)
            rows = await conn.execute(select(MemberRow.id, MemberRow.channel_order)
                                      .where(MemberRow.excluded.is_(False)))
            return [(tuple(sorted(nets.get(r.id, []))), tuple(r.channel_order), frozenset(given.get(r.id, ())))
                    for r in rows]

    async def history(self, member_id: str) -> list[dict[str, object]]:
        async with self.sessions() as s:
            rows = await s.scalars(select(ChangeRow).where(ChangeRow.member_id == member_id).order_by(ChangeRow.seq))
            return [{"at": r.at.isoformat(), "change": r.change, "by": r.by, "fields": r.fields} for r in rows]

    # -- checking -------------------------------------------------------------------------------

    def _own_problems(self, rec: MemberRecord, row: int | None) -> list[RowProblem]:
        problems = []
        if self.networks is not None:
            for n in rec.networks:
                if n not in self.networks:
                    known = ", ".join(sorted(self.networks)) or "none"
                    problems.append(RowProblem(row, "networks", f"unknown network {n!r} (known: {known})"))
        return problems

    async def _taken(self, s: AsyncSession, recs: Sequence[MemberRecord]) -> dict[tuple[str, str], str]:
        """(field, value) → member id, for the addresses of ``recs`` already in the registry."""
        taken: dict[tuple[str, str], str] = {}
        for name in UNIQUE_FIELDS:
            column = getattr(MemberRow, name)
            values = [v for v in (getattr(r, name) for r in recs) if v]
            for i in range(0, len(values), 500):
                for mid, value in await s.execute(select(MemberRow.id, column).where(column.in_(values[i:i + 500]))):
                    taken[(name, value)] = mid
        return taken

    async def check(self, s: AsyncSession, recs: Sequence[MemberRecord],
                    rows: Sequence[int | None]) -> list[RowProblem]:
        """Every problem of ``recs`` as a whole: unknown networks, an address used twice in them
        or by another member already in the registry."""
        problems: list[RowProblem] = []
        taken = await self._taken(s, recs)
        seen: dict[tuple[str, str], tuple[str, int | None]] = {}
        ids: dict[str, int | None] = {}
        for rec, row in zip(recs, rows, strict=True):
            problems += self._own_problems(rec, row)
            if rec.id in ids:
                problems.append(RowProblem(row, "id", f"member id {rec.id!r} appears twice"
                                           + (f" (also row {ids[rec.id]})" if ids[rec.id] else "")))
            ids[rec.id] = row
            for name in UNIQUE_FIELDS:
                value = getattr(rec, name)
                if not value:
                    continue
                if (name, value) in seen and seen[(name, value)][0] != rec.id:
                    other = seen[(name, value)][1]
                    also = f" in row {other}" if other else ""
                    problems.append(RowProblem(row, name, f"duplicate {name}: also given{also}; "
                                               "each address belongs to one member"))
                seen[(name, value)] = (rec.id, row)
                owner = taken.get((name, value))
                if owner is not None and owner != rec.id:
                    who = f"member {owner!r}" if self.name_owners else "another member"
                    problems.append(RowProblem(row, name, f"duplicate {name}: {who} already has it"))
        return problems

    # -- changing -------------------------------------------------------------------------------

    async def add(self, rec: MemberRecord, by: str) -> Change:
        async with self.sessions.begin() as s:
            if await s.get(MemberRow, rec.id) is not None:
                raise RegistryError([RowProblem(None, "id", f"member {rec.id!r} already exists: "
                                                f"use update, or choose another id")], status=409)
            await self._refuse(s, [rec], [None])
            self._insert(s, rec, by, utcnow())
        return Change(rec.id, "added", set(rec.networks))

    async def update(self, apply: MemberRecord, by: str, change: str = "updated") -> tuple[MemberRecord, Change]:
        """Replace the member ``apply.id`` by ``apply`` (the whole record, e.g. ``old.with_fields(...)``)."""
        member_id = apply.id
        async with self.sessions.begin() as s:
            row = await s.get(MemberRow, member_id)
            if row is None:
                raise UnknownMember(member_id)
            before = _record(row)
            await self._refuse(s, [apply], [None])
            now = utcnow()
            _fill(row, apply)
            row.updated_at = now
            s.add(ChangeRow(member_id=member_id, at=now, change=change, by=by, fields=_changed_fields(before, apply)))
            await s.flush()
            after = _record(row)
        return after, Change(member_id, change, set(before.networks) | set(apply.networks))

    async def remove(self, member_id: str, by: str) -> tuple[MemberRecord, Change]:
        async with self.sessions.begin() as s:
            row = await s.get(MemberRow, member_id)
            if row is None:
                raise UnknownMember(member_id)
            before = _record(row)
            await s.delete(row)
            s.add(ChangeRow(member_id=member_id, at=utcnow(), change="removed", by=by, fields=[]))
        return before, Change(member_id, "removed", set(before.networks))

    async def import_records(self, recs: Sequence[MemberRecord], by: str, rows: Sequence[int | None] | None = None,
                             *, dry_run: bool = False) -> list[Change]:
        """Add or replace every record in one transaction; any problem refuses them all."""
        rows = list(rows) if rows is not None else list(range(1, len(recs) + 1))
        changes: list[Change] = []
        async with self.sessions.begin() as s:
            await self._refuse(s, recs, rows)
            if dry_run:
                await s.rollback()
                return []
            now = utcnow()
            existing: dict[str, MemberRow] = {}
            for i in range(0, len(recs), 500):
                chunk = [r.id for r in recs[i:i + 500]]
                existing.update((r.id, r) for r in await s.scalars(select(MemberRow).where(MemberRow.id.in_(chunk))))
            for rec in recs:
                row = existing.get(rec.id)
                if row is None:
                    self._insert(s, rec, by, now)
                    changes.append(Change(rec.id, "added", set(rec.networks)))
                    continue
                before = _record(row)
                fields = _changed_fields(before, rec)
                if not fields:
                    continue
                _fill(row, rec)
                row.updated_at = now
                s.add(ChangeRow(member_id=rec.id, at=now, change="imported", by=by, fields=fields))
                changes.append(Change(rec.id, "updated", set(before.networks) | set(rec.networks)))
        return changes

    async def delete_row(self, s: AsyncSession, member_id: str) -> bool:
        """Delete member ``member_id`` with all it has (the erasure's part in the registry)."""
        row = await s.get(MemberRow, member_id)
        if row is None:
            return False
        await s.delete(row)
        return True

    async def _refuse(self, s: AsyncSession, recs: Sequence[MemberRecord], rows: Sequence[int | None]) -> None:
        problems = await self.check(s, recs, rows)
        if problems:
            conflict = all(p.reason.startswith("duplicate") for p in problems) and rows == [None]
            raise RegistryError(problems, status=409 if conflict else 422)

    def _insert(self, s: AsyncSession, rec: MemberRecord, by: str, now: datetime) -> None:
        row = MemberRow(id=rec.id, created_at=now, updated_at=now)
        _fill(row, rec)
        s.add(row)
        s.add(ChangeRow(member_id=rec.id, at=now, change="added", by=by, fields=_changed_fields(None, rec)))

    async def purge_history(self, older_than: datetime) -> int:
        """Drop the registry's history entries older than ``older_than`` (retention); how many."""
        async with self.sessions.begin() as s:
            result = await s.execute(delete(ChangeRow).where(ChangeRow.at < older_than))
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # -- meta -------------------------------------------------------------------------------------

    async def meta(self, key: str) -> str | None:
        async with self.sessions() as s:
            row = await s.get(MetaRow, key)
            return row.value if row else None

    async def seed_from(self, path: Path, by: str = "members-file") -> int | None:
        """Import the members file ``path`` once: if the registry never imported a members file.
        Returns how many members were imported, None when it had already been done (an erased
        member does not come back at the next start)."""
        from binrelay_shared.network.members import load_members

        if await self.meta("seeded_from") is not None:
            return None
        data = load_members(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]  # noqa: ASYNC240 - once, at start
        at = utcnow()
        recs = [MemberRecord.from_member(m, at=at, how=f"members file {path.name}", by=by) for m in data.members]
        try:
            async with self.sessions.begin() as s:
                if await s.get(MetaRow, "seeded_from") is not None:
                    return None
                await self._refuse(s, recs, list(range(1, len(recs) + 1)))
                for rec in recs:
                    if await s.get(MemberRow, rec.id) is None:
                        self._insert(s, rec, by, at)
                s.add(MetaRow(key="seeded_from", value=f"{path.name} sha256:{digest} at {at.isoformat()}"))
        except IntegrityError:
            return None  # another process seeded it at the same moment
        return len(recs)


async def consent_withdrawn(registry: Registry, member_id: str, channel: str, at: datetime, how: str,
                            by: str) -> tuple[MemberRecord, Change]:
    """Record a withdrawal of consent on ``channel`` (e.g. an SMS STOP)."""
    rec = await registry.get(member_id)
    consent = dict(rec.consent)
    consent[channel] = Consent(given=False, at=at, how=how, by=by)  # type: ignore[index]
    updated = rec.model_copy(update={"consent": consent})
    return await registry.update(updated, by)


