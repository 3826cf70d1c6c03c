"""Who may do what on Kafka: ONE table of principals and their grants (DESIGN §6 "Trusted by default").

The broker denies everything no ACL allows (``allow.everyone.if.no.acl.found=false``); each
service has a principal of its own holding only the grants below, and a police zone is a tenant
that reads its own dispatch topic and nothing else (:func:`zone`). ``binrelay acl apply`` (and
``binrelay topics create``) make the broker's ACLs match this table, idempotently; ``binrelay acl
list`` prints it.

Consumer groups: a service's groups are ``binrelay-<stage name>`` and ``binrelay-<stage name>-
urgent`` (:meth:`binrelay_shared.stage.Stage.attach`), hence a PREFIXED group grant per service;
a zone's groups must start with ``zone-<id>-``.

Transactions: a stage consumes and publishes in Kafka transactions (:mod:`.transactions`) whose
ids start with ``binrelay.<principal>.``; :func:`transactions` grants WRITE (InitProducerId,
AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit, EndTxn, transactional produce) and DESCRIBE
(FindCoordinator) on that prefix and nothing else, so a principal cannot take over (fence) another
service's transactions. TxnOffsetCommit and AddOffsetsToTxn also need READ on the consumer group,
which the group grant gives.

The admin side talks to the broker with confluent-kafka's ``AdminClient`` (librdkafka): aiokafka's
admin client has no ACL or SCRAM-credential calls, and confluent-kafka is Confluent's maintained
client with ``create_acls``/``describe_acls``/``delete_acls`` and
``alter_user_scram_credentials``/``describe_user_scram_credentials``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from . import topics
from .events import Channel
from .transactions import id_prefix

Operation = Literal["READ", "WRITE", "DESCRIBE"]
Resource = Literal["TOPIC", "GROUP", "TRANSACTIONAL_ID"]
RESOURCES = ("TOPIC", "GROUP", "TRANSACTIONAL_ID")

ADMIN = "admin"
OPERATOR = "operator"
AUDITOR = "auditor"


@dataclass(frozen=True, order=True)
class Grant:
    """ALLOW ``operation`` on ``resource`` ``name`` (a name prefix when ``prefixed``)."""

    resource: Resource
    name: str
    operation: Operation
    prefixed: bool = False

    def __str__(self) -> str:
        pattern = f"{self.name}*" if self.prefixed else self.name
        kind = "txn" if self.resource == "TRANSACTIONAL_ID" else self.resource.lower()
        return f"{self.operation:<8} {kind:<5} {pattern}"


@dataclass(frozen=True)
class Principal:
    name: str
    role: str
    grants: tuple[Grant, ...]

    @property
    def reads(self) -> list[Grant]:
        return [g for g in self.grants if g.resource == "TOPIC" and g.operation == "READ"]

    @property
    def writes(self) -> list[Grant]:
        return [g for g in self.grants if g.resource == "TOPIC" and g.operation == "WRITE"]


def read(*names: str, prefixed: bool = False) -> tuple[Grant, ...]:
    return tuple(Grant("TOPIC", n, "READ", prefixed) for n in names)


def write(*names: str, prefixed: bool = False) -> tuple[Grant, ...]:
    return tuple(Grant("TOPIC", n, "WRITE", prefixed) for n in names)


def groups(prefix: str) -> tuple[Grant, ...]:
    """The consumer groups whose ids start with ``prefix`` (join, fetch and commit offsets)."""
    return (Grant("GROUP", prefix, "READ", prefixed=True),)


def transactions(principal: str) -> tuple[Grant, ...]:
    """The transactional ids of ``principal``'s stages (``binrelay.<principal>.*``: write, describe)."""
    prefix = id_prefix(principal)
    return (Grant("TRANSACTIONAL_ID", prefix, "WRITE", prefixed=True),
            Grant("TRANSACTIONAL_ID", prefix, "DESCRIBE", prefixed=True))


def _with_twin(topic: str) -> tuple[str, str]:
    return topic, topics.URGENT_LANE[topic]


RECEIVED = _with_twin(topics.REPORTS_RECEIVED)
CLASSIFIED = _with_twin(topics.REPORTS_CLASSIFIED)
CLEARED = _with_twin(topics.REPORTS_CLEARED)
CHANNELS = (Channel.sms, Channel.email, Channel.chat)
OUTBOXES = tuple(t for c in CHANNELS for t in _with_twin(topics.outbox(c)))  # each with its urgent twin
DISPATCH_PREFIX = "bin.dispatch."


def _sender(channel: Channel) -> Principal:
    # Reads its outbox and its urgent twin; writes outcomes, its own outboxes (a job put back for
    # later) and the other channels' (the fallback job on the member's next channel), dead letters.
    return Principal(
        f"sender-{channel.value}",
        f"sends {channel.value} deliveries",
        read(*_with_twin(topics.outbox(channel))) + write(topics.DELIVERIES, *OUTBOXES, topics.DLQ)
        + groups(f"binrelay-sender-{channel.value}"),
    )


#: THE table. Every Kafka principal of the pipeline and all it may do; nothing else is allowed.
TABLE: tuple[Principal, ...] = (
    Principal("ingest", "HTTP front door: publishes received reports; members changed over the API",
              write(*RECEIVED, topics.MEMBERS_CHANGED)),
    Principal(
        "classifier", "received -> classified",
        read(*RECEIVED) + write(*CLASSIFIED, topics.DLQ) + groups("binrelay-classifier") + transactions("classifier"),
    ),
    Principal(
        "privacy-filter", "classified -> cleared (personal data removed)",
        read(*CLASSIFIED) + write(*CLEARED, topics.DLQ) + groups("binrelay-privacy-filter")
        + transactions("privacy-filter"),
    ),
    Principal(
        "dispatcher",
        "cleared + responses -> zone dispatch, delivery jobs; failed deliveries -> coordinators' alerts",
        read(*CLEARED, topics.RESPONSES, topics.DELIVERIES, topics.MEMBERS_CHANGED)
        + write(DISPATCH_PREFIX, prefixed=True) + write(*OUTBOXES, topics.DLQ)
        + groups("binrelay-dispatcher") + transactions("dispatcher"),
    ),
    *(_sender(c) for c in CHANNELS),
    # The inbound adapters read members' changes (no group: each process reads it all, from the end).
    Principal("adapter-sms", "inbound SMS: coordinators' OK replies; a member's STOP (their consent changed)",
              write(topics.RESPONSES, topics.MEMBERS_CHANGED) + read(topics.MEMBERS_CHANGED)),
    Principal("adapter-matrix", "inbound chat: coordinators' OK replies",
              write(topics.RESPONSES) + read(topics.MEMBERS_CHANGED)),
    Principal("adapter-smtp", "inbound e-mail: replies to what the relay mailed",
              write(topics.RESPONSES) + read(topics.MEMBERS_CHANGED)),
    Principal(
        "observer", "metrics: watches dispatches, deliveries, responses; consumer lag (offsets only)",
        read(DISPATCH_PREFIX, prefixed=True) + read(topics.DELIVERIES, topics.RESPONSES)
        + groups("binrelay-observer")
        + (Grant("TOPIC", "bin.", "DESCRIBE", True), Grant("GROUP", "binrelay-", "DESCRIBE", True)),
    ),
    Principal(
        "ledger", "the coordinator's log and the statistics store: reads dispatches, deliveries, responses",
        read(DISPATCH_PREFIX, prefixed=True) + read(topics.DELIVERIES, topics.RESPONSES) + groups("binrelay-ledger"),
    ),
    Principal(
        # binrelay audit (and make chaos): reads, from offsets found by time, without a consumer
        # group; READ implies DESCRIBE (metadata, offsets). The received topics hold what reporters
        # wrote: its password is an operator's secret, but it can change nothing anywhere.
        AUDITOR, "binrelay audit: reads received, zone dispatch, outbox, outcome and dead-letter topics; nothing else",
        read(*RECEIVED, *OUTBOXES, topics.DELIVERIES, topics.DLQ) + read(DISPATCH_PREFIX, prefixed=True),
    ),
    Principal(
        OPERATOR, "the CLI's dlq list/replay, approve and members (replay puts letters back on their source topic)",
        # DELIVERIES: the dispatcher reads outcomes there (undelivered alerts), so letters come from it too
        # DELIVERIES read: a member's access request lists the messages sent to them (binrelay members export ID)
        read(topics.DLQ, topics.DELIVERIES)
        + write(*RECEIVED, *CLASSIFIED, *CLEARED, topics.RESPONSES, *OUTBOXES, topics.DELIVERIES,
                topics.MEMBERS_CHANGED),
    ),
)

ZONE_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def zone_principal(zone_id: str) -> str:
    return f"zone-{zone_id}"


def zone_group_prefix(zone_id: str) -> str:
    return f"zone-{zone_id}-"


def zone(zone_id: str) -> Principal:
    """A police zone: READ on its own dispatch topic and its own consumer groups, nothing else."""
    if not ZONE_ID.match(zone_id):
        raise ValueError(f"zone id {zone_id!r}: use letters, digits, - or _ (e.g. 5339)")
    return Principal(
        zone_principal(zone_id), f"police zone {zone_id}: its dispatch feed",
        read(topics.dispatch(zone_id)) + groups(zone_group_prefix(zone_id)),
    )


def principal(name: str) -> Principal:
    for p in TABLE:
        if p.name == name:
            return p
    raise KeyError(name)


def bootstrap_principals() -> list[str]:
    """The principals whose SCRAM credentials are created when the broker's storage is formatted."""
    return [ADMIN, *(p.name for p in TABLE)]


def table_text(principals: Iterable[Principal] = TABLE) -> str:
    lines = [f"{ADMIN}: super user (topics, ACLs, zone credentials; the broker's inter-broker login)"]
    for p in principals:
        lines.append(f"{p.name}: {p.role}")
        lines += [f"    {g}" for g in p.grants]
    return "\n".join(lines)


# -- applying it: confluent-kafka's AdminClient --------------------------------------------------


def _binding(user: str, g: Grant, *, as_filter: bool = False) -> Any:
    from confluent_kafka.admin import (
        AclBinding,
        AclBindingFilter,
        AclOperation,
        AclPermissionType,
        ResourcePatternType,
        ResourceType,
    )

    kind = AclBindingFilter if as_filter else AclBinding
    return kind(
        ResourceType[g.resource], g.name,
        ResourcePatternType.PREFIXED if g.prefixed else ResourcePatternType.LITERAL,
        f"User:{user}", "*", AclOperation[g.operation], AclPermissionType.ALLOW,
    )


def _grant_of(binding: Any) -> Grant | None:
    from confluent_kafka.admin import AclPermissionType, ResourcePatternType

    if binding.permission_type != AclPermissionType.ALLOW or binding.host != "*":
        return None
    if binding.operation.name not in ("READ", "WRITE", "DESCRIBE") or binding.restype.name not in RESOURCES:
        return None
    return Grant(binding.restype.name, binding.name, binding.operation.name,
                 binding.resource_pattern_type == ResourcePatternType.PREFIXED)


class Admin:
    """The admin principal's client (confluent-kafka), for ACLs and SCRAM credentials."""

    def __init__(self, conf: dict[str, str], timeout: float = 30.0) -> None:
        from confluent_kafka.admin import AdminClient

        # log_level 4: warnings and errors only (librdkafka prints its info lines, e.g. a purged
        # background queue at close, on stderr: noise in `make up`).
        self.client = AdminClient({**conf, "client.id": "binrelay-admin", "log_level": 4})
        self.timeout = timeout

    def _wait(self, futures: Any) -> list[Any]:
        items = futures.values() if isinstance(futures, dict) else futures
        return [f.result(timeout=self.timeout) for f in items]

    def acls_of(self, user: str) -> set[Grant]:
        from confluent_kafka.admin import AclBindingFilter, AclOperation, AclPermissionType, ResourcePatternType
        from confluent_kafka.admin import ResourceType as R

        # None matches any name / host (the library's annotations say str)
        flt = AclBindingFilter(R.ANY, None, ResourcePatternType.ANY, f"User:{user}", None,  # type: ignore[arg-type]
                               AclOperation.ANY, AclPermissionType.ANY)
        found = self.client.describe_acls(flt).result(timeout=self.timeout)
        return {g for b in found if (g := _grant_of(b)) is not None}

    def apply(self, p: Principal) -> tuple[int, int]:
        """Make ``p``'s ACLs exactly its grants; return (added, removed)."""
        have = self.acls_of(p.name)
        want = set(p.grants)
        add, drop = want - have, have - want
        if add:
            self._wait(self.client.create_acls([_binding(p.name, g) for g in sorted(add)]))
        if drop:
            self._wait(self.client.delete_acls([_binding(p.name, g, as_filter=True) for g in sorted(drop)]))
        return len(add), len(drop)

    def remove_acls(self, user: str) -> int:
        have = self.acls_of(user)
        if have:
            self._wait(self.client.delete_acls([_binding(user, g, as_filter=True) for g in sorted(have)]))
        return len(have)

    def set_password(self, user: str, password: str) -> None:
        from confluent_kafka.admin import ScramCredentialInfo, ScramMechanism, UserScramCredentialUpsertion

        info = ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192)
        self._wait(self.client.alter_user_scram_credentials(
            [UserScramCredentialUpsertion(user, info, password.encode())]))

    def delete_user(self, user: str) -> bool:
        from confluent_kafka.admin import ScramMechanism, UserScramCredentialDeletion
        from confluent_kafka.error import KafkaException

        try:
            self._wait(self.client.alter_user_scram_credentials(
                [UserScramCredentialDeletion(user, ScramMechanism.SCRAM_SHA_512)]))
        except KafkaException as exc:
            if "RESOURCE_NOT_FOUND" in str(exc) or "not found" in str(exc).lower():
                return False
            raise
        return True

    def zones(self) -> list[str]:
        """Zone ids that hold ACLs on the broker."""
        from confluent_kafka.admin import AclBindingFilter, AclOperation, AclPermissionType, ResourcePatternType
        from confluent_kafka.admin import ResourceType as R

        flt = AclBindingFilter(R.ANY, None, ResourcePatternType.ANY, None, None,  # type: ignore[arg-type]
                               AclOperation.ANY, AclPermissionType.ANY)
        found = self.client.describe_acls(flt).result(timeout=self.timeout)
        return sorted({b.principal[len("User:zone-"):] for b in found if b.principal.startswith("User:zone-")})


__all__ = ["ADMIN", "AUDITOR", "OPERATOR", "TABLE", "Admin", "Grant", "Principal", "bootstrap_principals", "principal",
           "table_text", "zone"]
