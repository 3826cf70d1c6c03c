"""Credentials cannot be forged in Redis: key records are MACed with a server secret.

The attack of issue 14: writing a key hash with role police into Redis (with `redis-cli`) minted a
working police credential. Now ingest refuses (401, like an unknown key) a record that
`binrelay keys create` did not write, and `keys create` itself needs Redis credentials.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from pathlib import Path

import httpx
import pytest

from binrelay_ingest.keys import hash_key, networks_field, parse_key, record_mac
from tests.conftest import REPO
from tests.ingest.conftest import Keys, report
from tests.redis_helpers import admin_redis, mac_key

pytestmark = pytest.mark.integration

BINRELAY = str(REPO / ".venv" / "bin" / "binrelay")
ALARM = {"kind": "alarm", "text": "Inbraak bezig, Grote Zavel", "network": "zavel"}


def _keys_create(redis_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "BINRELAY_REDIS_URL": redis_url, "BINRELAY_NETWORKS_DIR": str(REPO / "deploy" / "networks"),
            **env}  # fmt: skip
    return subprocess.run([BINRELAY, "keys", "create", "--role", "police", "--json"], env=full, capture_output=True,
                          text=True, timeout=60)  # fmt: skip


async def _forge(redis_url: str, **extra: str) -> str:
    """Write a police key record straight into Redis, as `redis-cli HSET` would (as the admin)."""
    key_id = secrets.token_hex(6)
    key = f"binr_{key_id}_{secrets.token_urlsafe(32)}"
    fields = {"hash": hash_key(key), "role": "police", "networks": "*", "zone": "5339", "adapter": "police",
              "label": "forged", **extra}  # fmt: skip
    redis = admin_redis(redis_url)
    try:
        await redis.hset(f"bin:key:{key_id}", mapping=fields)  # type: ignore[arg-type]
        await redis.sadd("bin:keys", key_id)
    finally:
        await redis.aclose()
    return key


async def test_a_key_record_written_straight_into_redis_is_refused(api: httpx.AsyncClient, redis_url: str) -> None:
    """Given a police key record written into Redis by hand (no MAC, or a MAC made with another
    secret),
    when an alarm is posted with that key, and its report is asked for,
    then ingest answers 401 as for an unknown key: nothing is published."""
    for key in (await _forge(redis_url), await _forge(redis_url, mac="0" * 64)):
        resp = await api.post("/v1/messages", json=ALARM, headers=Keys.header(key))
        assert resp.status_code == 401, resp.text
        assert resp.json()["fields"][0]["field"] == "Authorization"
        got = await api.get("/v1/reports/" + "r" * 26, headers=Keys.header(key))
        assert got.status_code == 401


async def test_a_genuine_record_changed_in_redis_is_refused(
    api: httpx.AsyncClient, keys: Keys, redis_url: str
) -> None:
    """Given an adapter key made by `create_key` that works,
    when its record's role is rewritten to police in Redis (its MAC kept),
    then the key is refused from the next request on — also by a process that verified it before."""
    assert (await api.post("/v1/reports", json=report(), headers=Keys.header(keys.other_adapter))).status_code == 202
    key_id = parse_key(keys.other_adapter)
    redis = admin_redis(redis_url)
    try:
        await redis.hset(f"bin:key:{key_id}", "role", "police")
        resp = await api.post("/v1/messages", json=ALARM, headers=Keys.header(keys.other_adapter))
        assert resp.status_code == 401, resp.text
        again = await api.post("/v1/reports", json=report(), headers=Keys.header(keys.other_adapter))
        assert again.status_code == 401
    finally:
        await redis.hset(f"bin:key:{key_id}", "role", "adapter")
    assert (await api.post("/v1/reports", json=report(), headers=Keys.header(keys.other_adapter))).status_code == 202


def test_a_record_macs_its_granting_fields_bound_to_its_id() -> None:
    """Given a record and the server secret,
    when the role, scope, rate, hash or id changes,
    then the MAC changes (a label does not grant anything: it is left out)."""
    secret = mac_key()
    fields = {"hash": "h", "role": "adapter", "networks": networks_field(None), "zone": "5339", "adapter": "sms"}
    mac = record_mac(secret, "0123456789ab", fields)
    for name, value in (("role", "police"), ("networks", ",zavel,"), ("zone", "*"), ("adapter", "x"),
                        ("rate", "9999"), ("hash", "other")):  # fmt: skip
        assert record_mac(secret, "0123456789ab", {**fields, name: value}) != mac, name
    assert record_mac(secret, "0123456789ac", fields) != mac
    assert record_mac(secret, "0123456789ab", {**fields, "label": "anything"}) == mac


async def test_a_key_made_by_keys_create_works_and_without_redis_credentials_none_is_made(
    api: httpx.AsyncClient, redis_url: str, tmp_path: Path
) -> None:
    """Given `binrelay keys create`,
    when it is run with the operator's Redis credentials, the police key it prints posts an alarm;
    when it is run without them (no password file) or with a wrong password, it exits 2 naming
    BINRELAY_REDIS_PASSWORD and no key is printed."""
    made = _keys_create(redis_url)
    assert made.returncode == 0, made.stderr
    key = json.loads(made.stdout)["key"]
    resp = await api.post("/v1/messages", json=ALARM, headers=Keys.header(key))
    assert resp.status_code == 202, resp.text

    missing = _keys_create(redis_url, BINRELAY_REDIS_PASSWORD_FILE=str(tmp_path / "none"))
    wrong = _keys_create(redis_url, BINRELAY_REDIS_PASSWORD="not-the-password")
    for result in (missing, wrong):
        assert result.returncode == 2, result.stdout + result.stderr
        assert "binr_" not in result.stdout
    assert "BINRELAY_REDIS_PASSWORD" in missing.stderr
    assert "operator" in wrong.stderr


def test_keys_create_without_the_mac_secret_makes_no_key(redis_url: str, tmp_path: Path) -> None:
    """Given no API key MAC secret (its file missing),
    when `binrelay keys create` is run,
    then it exits 2 naming BINRELAY_API_KEY_MAC, and prints no key."""
    result = _keys_create(redis_url, BINRELAY_API_KEY_MAC_FILE=str(tmp_path / "none"))
    assert result.returncode == 2
    assert "BINRELAY_API_KEY_MAC" in result.stderr
    assert "binr_" not in result.stdout
