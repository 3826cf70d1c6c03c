"""The ledger counts members and their consent in the member registry (SQLite and a real
PostgreSQL): what the yearly evaluation's "members and consent by channel" shows."""

from __future__ import annotations

from datetime import date, datetime

from binrelay_shared.ledger import store
from binrelay_shared.ledger.consumer import registry_headcounts
from binrelay_shared.ledger.figures import BRUSSELS, Headcount, evaluate
from binrelay_shared.ledger.rows import member_rows
from binrelay_shared.members import Registry
from binrelay_shared.members.registry import consent_withdrawn

from .test_registry import AT, rec


async def _evaluation_members(registry: Registry, day: date) -> dict[str, Headcount]:
    """Count zavel's members on ``day`` as binrelay-ledger does, then read them back as
    `binrelay evaluation --network zavel --year <day's year>` does."""
    heads, networks = await registry_headcounts(registry, ["zavel"])
    await store.write(registry.engine, member_rows(heads, networks, day))
    ledger = await store.read_period(registry.engine, "zavel", datetime(day.year, 1, 1, tzinfo=BRUSSELS),
                                     datetime(day.year + 1, 1, 1, tzinfo=BRUSSELS))
    return evaluate("zavel", day.year, ledger.reports, ledger.deliveries, ledger.responses, ledger.members).members


async def test_a_member_added_through_the_registry_is_in_the_evaluations_members_and_consent(
        registry: Registry) -> None:
    """Given a member added through the registry with consent on SMS and consent on e-mail
    withdrawn (another network's member and an excluded one beside them),
    when the ledger counts the members and the evaluation reads the count,
    then zavel has that one member: on SMS with consent, on e-mail without; and when they withdraw
    SMS consent by STOP, the day's count is replaced: nobody consents any more."""
    withdrawn = {"given": False, "at": AT.isoformat(), "how": "form", "by": "zavel-coord-1"}
    given = {"at": AT.isoformat(), "how": "form", "by": "zavel-coord-1"}
    await registry.add(rec("zavel-new-1", email="new.one@example.org", channel_order=["sms", "email"],
                           consent={"sms": given, "email": withdrawn}), by="zavel-coord-1")
    await registry.add(rec("zavel-out-1", "+32470123457", excluded=True), by="zavel-coord-1")
    await registry.add(rec("kastelein-1", "+32470123458", networks=["kastelein"]), by="kastelein-coord-1")
    day = date(2026, 6, 1)

    members = await _evaluation_members(registry, day)
    assert members == {"all": Headcount(1, 1), "sms": Headcount(1, 1), "email": Headcount(1, 0)}

    await consent_withdrawn(registry, "zavel-new-1", "sms", AT, "sms STOP", "zavel-new-1")
    members = await _evaluation_members(registry, day)
    assert members == {"all": Headcount(1, 0), "sms": Headcount(1, 0), "email": Headcount(1, 0)}
