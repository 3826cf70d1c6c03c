"""``/v1/members`` on the real Kafka and Redis, the registry on SQLite and on PostgreSQL:
coordinator and police keys manage the members of their networks only; bad fields are named."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from binrelay_shared import topics
from binrelay_shared.db import database_url, make_engine
from binrelay_shared.members import Registry
from binrelay_shared.settings import Settings
from tests.conftest import REPO
from tests.ingest.conftest import Keys, running_app
from tests.kafka_helpers import TopicReader

from .conftest import NETWORKS

H = Keys.header
AT = "2026-11-01T10:00:00+01:00"


def body(mid: str, network: str, phone: str, **kw: object) -> dict[str, object]:
    return {"id": mid, "networks": [network], "phone": phone, "language": "nl",
            "consent": {"sms": {"at": AT, "how": "form", "by": "zavel-coord-1"}}, **kw}


@pytest.fixture
async def api(settings: Settings, db_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    registry = Registry(make_engine(database_url(db_settings)), NETWORKS)
    await registry.seed_from(REPO / "deploy" / "members.example.yaml")
    registry.name_owners = False
    async with running_app(settings, members=registry) as client:
        yield client


async def test_coordinator_manages_own_network_only(api: httpx.AsyncClient, keys: Keys, settings: Settings) -> None:
    reader = await TopicReader(settings.kafka, topics.MEMBERS_CHANGED).start()
    try:
        r = await api.post("/v1/members", json=body("zavel-api-1", "zavel", "0470 31 00 01"),
                           headers=H(keys.coordinator_zavel))
        assert r.status_code == 201, r.text
        assert r.json()["phone"] == "+32470310001"
        changed = await reader.wait_for(lambda m: m.get("member_id") == "zavel-api-1", timeout=30)
        assert changed[0]["networks"] == ["zavel"] and changed[0]["change"] == "added"
        assert "+32470310001" not in str(changed)  # the event carries no personal data

        r = await api.post("/v1/members", json=body("meudon-api-1", "meudon", "0470 31 00 02"),
                           headers=H(keys.coordinator_zavel))
        assert r.status_code == 403 and r.json()["fields"][0]["field"] == "networks"
        r = await api.get("/v1/members/meudon-member-1", headers=H(keys.coordinator_zavel))
        assert r.status_code == 403
        r = await api.get("/v1/members?network=meudon", headers=H(keys.coordinator_zavel))
        assert r.status_code == 403
        r = await api.get("/v1/members", headers=H(keys.coordinator_zavel))
        assert r.status_code == 200
        assert {m["id"] for m in r.json()["members"]} >= {"zavel-api-1", "zavel-member-1"}
        assert all("zavel" in m["networks"] for m in r.json()["members"])

        r = await api.patch("/v1/members/zavel-api-1", json={"networks": ["zavel", "meudon"]},
                            headers=H(keys.coordinator_zavel))
        assert r.status_code == 403 and "meudon" in r.json()["fields"][0]["reason"]
        r = await api.patch("/v1/members/zavel-api-1", json={"email": "api1@example.org", "language": "fr"},
                            headers=H(keys.coordinator_zavel))
        assert r.status_code == 200, r.text
        assert r.json()["channel_order"] == ["sms", "email"] and r.json()["language"] == "fr"

        r = await api.delete("/v1/members/zavel-api-1", headers=H(keys.coordinator_zavel))
        assert r.status_code == 204
        await reader.wait_for(lambda m: m.get("member_id") == "zavel-api-1" and m["change"] == "removed", timeout=30)
        r = await api.get("/v1/members/zavel-api-1", headers=H(keys.coordinator_zavel))
        assert r.status_code == 404
    finally:
        await reader.stop()


async def test_police_and_adapter_keys(api: httpx.AsyncClient, keys: Keys) -> None:
    r = await api.get("/v1/members/meudon-member-1", headers=H(keys.police))  # zone 5339: every network
    assert r.status_code == 200
    r = await api.get("/v1/members/meudon-member-1", headers=H(keys.police_other_zone))
    assert r.status_code == 403
    r = await api.get("/v1/members", headers=H(keys.adapter))
    assert r.status_code == 403 and r.json()["fields"][0]["field"] == "Authorization"
    r = await api.get("/v1/members", headers=H("binr_000000000000_" + "x" * 43))
    assert r.status_code == 401


async def test_bad_fields_are_named_without_their_values(api: httpx.AsyncClient, keys: Keys) -> None:
    r = await api.post("/v1/members", json=body("zavel-api-2", "zavel", "+32 470 98", email="nope"),
                       headers=H(keys.coordinator_zavel))
    assert r.status_code == 422
    fields = {f["field"]: f["reason"] for f in r.json()["fields"]}
    assert set(fields) == {"phone", "email"} and "not a valid phone number" in fields["phone"]
    assert "+32 470 98" not in r.text and "nope" not in r.text
    r = await api.post("/v1/members", json=body("zavel-api-3", "zavel", "+447700900007"),
                       headers=H(keys.coordinator_zavel))  # zavel-member-1's number
    assert r.status_code == 409
    assert r.json()["fields"] == [{"field": "phone", "reason": "duplicate phone: another member already has it"}]
    r = await api.post("/v1/members", json=body("zavel-api-4", "zavel", "+32470310004", roles=["boss"]),
                       headers=H(keys.coordinator_zavel))
    assert r.status_code == 422 and r.json()["fields"][0]["field"].startswith("roles")
