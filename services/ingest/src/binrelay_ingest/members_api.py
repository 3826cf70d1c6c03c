"""``/v1/members``: the member registry over the API, for coordinator and police keys, scoped.

A coordinator key sees and changes the members of its own networks; a police key those of every
network of its zone (``networks: *``) or of its networks; an operator key every member; an
adapter key nothing (403). A member is in scope when one of their networks is; a change may only
add or drop networks in scope (403 naming ``networks`` otherwise), and a member who is also in
a network out of scope cannot be removed (drop your networks from them instead). Bad fields:
422 naming each field, never echoing the value; an address another member has: 409.

Each change is published as ``bin.members.changed.v1`` (ids only) once the registry has it, so
the dispatcher and the adapters see it without a restart. Consent given over the API is
recorded with the ``by`` the body names, or the key id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from binrelay_shared import topics
from binrelay_shared.codec import encode
from binrelay_shared.logging import get_logger
from binrelay_shared.members.problems import Change, RegistryError, events_of
from binrelay_shared.members.record import MEMBER_ID, MemberFields, MemberRecord
from binrelay_shared.network import NetworkFile
from binrelay_shared.settings import Settings

from .api_models import ErrorBody

if TYPE_CHECKING:
    from binrelay_shared.members.registry import Registry
from .core import Credential, Ingest
from .credentials import credential
from .errors import ApiError, unauthenticated
from .keys import KEY_PREFIX, KeyRecord, Role, record_from_hash

log = get_logger(__name__)

MemberId = Annotated[str, Path(pattern=MEMBER_ID, description="Member id")]


class MemberIn(MemberRecord):
    """A member to add (``created_at``/``updated_at`` are set by the registry)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "id": "zavel-member-12", "name": "Lid Voorbeeld", "networks": ["zavel"], "phone": "+32470123456",
        "email": "lid12@example.org", "language": "nl", "channel_order": ["sms", "email"],
        "consent": {"sms": {"given": True, "at": "2026-11-01T10:00:00+01:00", "how": "form", "by": "zavel-coord-1"}},
    }]})


class MemberList(BaseModel):
    members: list[MemberRecord] = Field(default_factory=list)


class Members:
    """The registry as the API uses it: opened at the first request (so an app that never
    serves one never touches the database), changes announced through ingest's producer."""

    def __init__(self, settings: Settings, core: Ingest, networks: Mapping[str, NetworkFile],
                 registry: Registry | None = None) -> None:
        self.settings = settings
        self.core = core
        self.networks = networks
        self._registry = registry

    async def registry(self) -> Registry:
        if self._registry is None:
            from binrelay_shared.members.service import open_registry

            registry = await open_registry(self.settings, list(self.networks))
            registry.name_owners = False  # a caller must not learn who, elsewhere, has an address
            self._registry = registry
        return self._registry

    async def close(self) -> None:
        if self._registry is not None:
            await self._registry.close()

    async def key(self, cred: Credential) -> KeyRecord:
        """The caller's key, checked as the gate checks it (hash, MAC, not revoked); 403 for an adapter."""
        raw = {(k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
               for k, v in (await self.core.redis.hgetall(KEY_PREFIX + cred.id)).items()}
        if raw.get("hash") != cred.hash or raw.get("revoked") or not self.core.gate.verified_record(cred.id, raw):
            raise unauthenticated()
        key = record_from_hash(cred.id, raw)
        if key.role is Role.adapter:
            raise ApiError(403, "forbidden: adapter keys do not manage members",
                           [("Authorization", "use a coordinator, police or operator key")])
        return key

    def scope(self, key: KeyRecord) -> set[str] | None:
        """The networks ``key`` may manage members of; None: all (an operator)."""
        if key.role is Role.operator and key.networks is None:
            return None
        if key.networks is None:
            return {nid for nid, n in self.networks.items() if n.zone == key.zone}
        return set(key.networks)

    async def announce(self, changes: list[Change]) -> None:
        """Tell the services; the change is made even if Kafka is away (they reload within minutes)."""
        try:
            futures = [await self.core.publisher.enqueue(topics.MEMBERS_CHANGED, encode(e), e.member_id.encode())
                       for e in events_of(changes)]
            for f in futures:
                await f
        except Exception as exc:  # the registry has it; the watchers' periodic reload will see it
            log.warning("member change not announced", error=type(exc).__name__)


def _forbidden(field: str, reason: str) -> ApiError:
    return ApiError(403, "forbidden: out of this credential's scope", [(field, reason)])


def _refused(exc: RegistryError) -> ApiError:
    fields = [(p.field, p.reason) for p in exc.problems]
    status = exc.status
    return ApiError(status, {404: "no such member", 409: "conflict"}.get(status, "invalid member: " + ", ".join(
        dict.fromkeys(f for f, _ in fields))), fields)


def _in_scope(rec: MemberRecord, scope: set[str] | None) -> bool:
    return scope is None or bool(scope & set(rec.networks))


def _check_networks(before: set[str], after: set[str], scope: set[str] | None) -> None:
    if scope is None:
        return
    outside = sorted((before ^ after) - scope)
    if outside:
        raise _forbidden("networks", f"not yours to add or drop: {', '.join(outside)}")


def _json(data: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(data), status, media_type="application/json")


Cred = Annotated[Credential, Depends(credential)]


def router(members: Members) -> APIRouter:
    """The ``/v1/members`` routes."""
    api = APIRouter(prefix="/v1/members", tags=["members"])
    errors: dict[int | str, dict[str, Any]] = {s: {"model": ErrorBody} for s in (401, 403, 404, 409, 413, 422)}

    async def scoped(cred: Credential, member_id: str) -> tuple[Registry, KeyRecord, set[str] | None, MemberRecord]:
        key = await members.key(cred)
        scope = members.scope(key)
        registry = await members.registry()
        try:
            rec = await registry.get(member_id)
        except RegistryError as exc:
            raise _refused(exc) from None
        if not _in_scope(rec, scope):
            raise _forbidden("member_id", "this member is in none of your networks")
        return registry, key, scope, rec

    @api.get("", response_model=MemberList, responses=errors, summary="The members of your networks")
    async def list_members(
        cred: Cred,
        network: Annotated[list[str] | None, Query(description="Only these networks (repeatable)")] = None,
    ) -> Response:
        key = await members.key(cred)
        scope = members.scope(key)
        unknown = sorted(set(network or ()) - set(members.networks))
        if unknown:  # a typo must not read as "no members"
            raise ApiError(422, "unknown network", [("network", f"no such network: {len(unknown)} given; "
                                                                 "see the networks of the zone")])
        wanted = set(network) if network else scope
        if scope is not None and wanted is not None and not wanted <= scope:
            raise _forbidden("network", f"not yours: {', '.join(sorted(wanted - scope))}")
        recs = await (await members.registry()).all(wanted)
        return _json({"members": [r.model_dump(mode="json", exclude_none=True) for r in recs]})

    @api.get("/{member_id}", response_model=MemberRecord, responses=errors, summary="One member")
    async def get_member(member_id: MemberId, cred: Cred) -> Response:
        _, _, _, rec = await scoped(cred, member_id)
        return _json(rec.model_dump(mode="json", exclude_none=True))

    @api.post("", status_code=201, response_model=MemberRecord, responses=errors, summary="Add a member")
    async def add_member(body: MemberIn, cred: Cred) -> Response:
        key = await members.key(cred)
        scope = members.scope(key)
        if not body.networks and scope is not None:
            raise _forbidden("networks", "name at least one of your networks")
        _check_networks(set(), set(body.networks), scope)
        rec = MemberRecord.model_validate(body.model_dump(exclude={"created_at", "updated_at"}))
        registry = await members.registry()
        try:
            change = await registry.add(rec, f"key:{key.id}")
        except RegistryError as exc:
            raise _refused(exc) from None
        await members.announce([change])
        return _json((await registry.get(rec.id)).model_dump(mode="json", exclude_none=True), 201)

    @api.patch("/{member_id}", response_model=MemberRecord, responses=errors,
               summary="Change a member (only the fields given; null empties an optional field)")
    async def update_member(member_id: MemberId, body: MemberFields, cred: Cred) -> Response:
        registry, key, scope, old = await scoped(cred, member_id)
        unset = {f for f in body.model_fields_set if getattr(body, f) is None}
        try:
            new = old.with_fields(body, unset=unset)
        except ValidationError as exc:  # the fields are fine alone, not together (e.g. an order without address)
            raise ApiError(422, "invalid member", [(str(e["loc"][0]) if e["loc"] else "(body)",
                                                    str(e["msg"]).removeprefix("Value error, "))
                                                   for e in exc.errors()]) from None
        _check_networks(set(old.networks), set(new.networks), scope)
        try:
            after, change = await registry.update(new, f"key:{key.id}")
        except RegistryError as exc:
            raise _refused(exc) from None
        await members.announce([change])
        return _json(after.model_dump(mode="json", exclude_none=True))

    @api.delete("/{member_id}", status_code=204, responses=errors, summary="Remove a member")
    async def remove_member(member_id: MemberId, cred: Cred) -> Response:
        registry, key, scope, old = await scoped(cred, member_id)
        if scope is not None and not set(old.networks) <= scope:
            raise _forbidden("networks", "the member is also in networks not yours: drop yours from them "
                                         "instead (PATCH networks)")
        try:
            _, change = await registry.remove(member_id, f"key:{key.id}")
        except RegistryError as exc:
            raise _refused(exc) from None
        await members.announce([change])
        return Response(status_code=204)

    return api
