"""Credentials of the ingest API: one per channel adapter, police zone, coordinator or operator.

A key looks like ``binr_<id>_<secret>``: ``id`` is 12 hex digits (public: it names the key in
``binrelay keys list`` and in logs), ``secret`` is 32 random bytes (256 bits, URL-safe base64).
Redis stores, at ``bin:key:<id>``, only the **SHA-256 of the whole key** — a fast unsalted hash
is enough because the key is high-entropy random, not a password — plus the key's scope:

* ``role`` — ``adapter`` (posts members' reports), ``coordinator`` / ``police`` (post messages),
  ``operator`` (both, and may read any report);
* ``networks`` — network ids the key may post for, or ``*`` (all networks of its zone);
* ``zone`` — the police zone the key belongs to;
* ``adapter`` — the adapter's name (``sms-gateway``, ``email``, ``matrix``, ``webhook``...);
* ``rate`` — optional per-key limit (requests per second) overriding the default;
* ``label`` — free text for operators (no personal data, please), ``created``, ``revoked``.

The plaintext key is shown once, at creation. Revoking marks the record (kept for the audit);
ingest refuses revoked keys at once (the check runs in Redis on every request).

Records are **MACed**: ``mac`` is an HMAC-SHA256, with a server secret (``BINRELAY_API_KEY_MAC``,
by default the file ``<secrets_dir>/api-key-mac``), over the key id and every field that grants
something (:data:`MAC_FIELDS`). Ingest refuses (401, as an unknown key) a record whose MAC does not
verify, so writing a record into Redis — even with Redis credentials — does not make a credential:
only ``binrelay keys create`` (which holds the secret) does. ``revoked`` and ``label`` are left out:
they grant nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from pydantic import SecretStr
from redis.asyncio import Redis

from binrelay_shared.events import utcnow
from binrelay_shared.secrets import load_secret
from binrelay_shared.settings import Settings

KEY_PREFIX = "bin:key:"
KEY_INDEX = "bin:keys"
_KEY_RE = re.compile(r"binr_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})")


class Role(StrEnum):
    adapter = "adapter"
    coordinator = "coordinator"
    police = "police"
    operator = "operator"


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """A credential's scope, as stored (never the key itself)."""

    id: str
    role: Role
    networks: tuple[str, ...] | None
    """Network ids the key may post for; ``None`` means every network of its zone (``*``)."""
    zone: str
    adapter: str
    label: str = ""
    rate: int | None = None
    created: str = ""
    revoked: str = ""

    @property
    def all_networks(self) -> bool:
        return self.networks is None

    def covers(self, network_id: str | None) -> bool:
        """May this key post for (or read) ``network_id``? ``None`` = the zone, no network."""
        if network_id is None or self.networks is None:
            return True
        return network_id in self.networks


#: The fields of a record its MAC covers (with the key id), in this order.
MAC_FIELDS = ("hash", "role", "networks", "zone", "adapter", "rate")


def api_key_mac(settings: Settings) -> SecretStr:
    """The server secret that MACs key records (:class:`~binrelay_shared.secrets.MissingSecret`
    naming ``BINRELAY_API_KEY_MAC`` when it is neither set nor in its file)."""
    path = settings.api_key_mac_file or settings.secrets_dir / "api-key-mac"
    return load_secret("BINRELAY_API_KEY_MAC", settings.api_key_mac, path)


def record_mac(secret: SecretStr, key_id: str, fields: Mapping[str, str]) -> str:
    """HMAC-SHA256 (hex) of a record's granting fields, bound to its key id."""
    message = "\n".join(["binrelay-api-key-v1", key_id, *(fields.get(f) or "" for f in MAC_FIELDS)])
    return hmac.new(secret.get_secret_value().encode(), message.encode(), hashlib.sha256).hexdigest()


def mac_valid(secret: SecretStr, key_id: str, fields: Mapping[str, str]) -> bool:
    """Was this record written by :func:`create_key` with this secret (and not changed since)?"""
    return hmac.compare_digest(fields.get("mac") or "", record_mac(secret, key_id, fields))


def record_digest(fields: Mapping[str, str]) -> str:
    """SHA-1 (hex) of the MACed fields and the MAC, as the gate script computes it in Redis
    (``redis.sha1hex``) to tell that a record it reads is the one verified here."""
    return hashlib.sha1("\n".join(fields.get(f) or "" for f in (*MAC_FIELDS, "mac")).encode()).hexdigest()


def hash_key(key: str) -> str:
    """SHA-256 hex digest of the whole key (what Redis keeps)."""
    return hashlib.sha256(key.encode()).hexdigest()


def parse_key(key: str) -> str | None:
    """The key's id if ``key`` has the right shape, else ``None``."""
    m = _KEY_RE.fullmatch(key)
    return m.group(1) if m else None


def networks_field(networks: Iterable[str] | None) -> str:
    """Stored form of a network scope: ``*`` or ``,a,b,`` (commas around: exact match in Lua)."""
    if networks is None:
        return "*"
    names = sorted({n.strip() for n in networks if n.strip()})
    if "*" in names:
        return "*"
    return "," + ",".join(names) + ","


def record_from_hash(key_id: str, data: dict[bytes, bytes] | dict[str, str]) -> KeyRecord:
    d = {(k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
         for k, v in data.items()}  # fmt: skip
    nets = d.get("networks", "*")
    return KeyRecord(
        id=key_id,
        role=Role(d.get("role", "adapter")),
        networks=None if nets == "*" else tuple(n for n in nets.split(",") if n),
        zone=d.get("zone", ""),
        adapter=d.get("adapter", ""),
        label=d.get("label", ""),
        rate=int(d["rate"]) if d.get("rate") else None,
        created=d.get("created", ""),
        revoked=d.get("revoked", ""),
    )


async def create_key(
    redis: Redis,
    *,
    mac_key: SecretStr,
    role: Role | str,
    zone: str,
    networks: Iterable[str] | None = None,
    adapter: str | None = None,
    label: str = "",
    rate: int | None = None,
) -> tuple[str, KeyRecord]:
    """Create a credential; return the plaintext key (show it once) and its record (MACed with
    ``mac_key``, see :func:`api_key_mac`)."""
    role = Role(role)
    key_id = secrets.token_hex(6)
    key = f"binr_{key_id}_{secrets.token_urlsafe(32)}"
    fields: dict[str, str] = {
        "hash": hash_key(key),
        "role": role.value,
        "networks": networks_field(networks),
        "zone": zone,
        "adapter": adapter or role.value,
        "label": label,
        "created": utcnow().isoformat(timespec="seconds"),
    }
    if rate:
        fields["rate"] = str(int(rate))
    fields["mac"] = record_mac(mac_key, key_id, fields)
    pipe = redis.pipeline(transaction=True)
    pipe.hset(KEY_PREFIX + key_id, mapping=fields)  # type: ignore[arg-type]
    pipe.sadd(KEY_INDEX, key_id)
    await pipe.execute()
    return key, record_from_hash(key_id, fields)


async def list_keys(redis: Redis) -> list[KeyRecord]:
    """Every credential's record (revoked ones included), oldest first."""
    ids = sorted((i.decode() if isinstance(i, bytes) else i) for i in await redis.smembers(KEY_INDEX))
    pipe = redis.pipeline(transaction=False)
    for key_id in ids:
        pipe.hgetall(KEY_PREFIX + key_id)
    rows = await pipe.execute() if ids else []
    records = [record_from_hash(i, row) for i, row in zip(ids, rows, strict=True) if row]
    return sorted(records, key=lambda r: (r.created, r.id))


async def revoke_key(redis: Redis, key_id: str) -> bool:
    """Revoke a credential by id (refused from now on); False if there is no such key."""
    if not await redis.exists(KEY_PREFIX + key_id):
        return False
    await redis.hset(KEY_PREFIX + key_id, "revoked", utcnow().isoformat(timespec="seconds"))
    return True
