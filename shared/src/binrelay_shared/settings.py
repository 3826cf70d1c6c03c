"""Settings from environment variables, all prefixed ``BINRELAY_`` (e.g. ``BINRELAY_KAFKA``).

Every service reads the same :class:`Settings`; a service ignores what it does not use.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NoReturn, TypeVar

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from .topics import MAX_INPUT_BYTES

if TYPE_CHECKING:
    from .network import MembersFile, Network, PlanError

ENV_PREFIX = "BINRELAY_"


class Settings(BaseSettings):
    """Runtime configuration of a BIN Relay process."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    kafka: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers, comma-separated")
    redis_url: str = Field("redis://127.0.0.1:6379/0", description="Redis URL")
    zone_id: str = Field("5339", description="Police zone served when a report names none")
    networks_dir: Path = Field(Path("deploy/networks"), description="Communication plans (YAML)")
    members_file: Path = Field(
        Path("deploy/members.example.yaml"), description="Members' personal data (YAML, supplied by a deployment)"
    )
    attachments_dir: Path = Field(Path(".run/attachments"), description="Attachment store root")
    database_url: str = Field(
        "sqlite+aiosqlite:///.run/binrelay.db",
        description="The registry's (and ledger's) database: sqlite+aiosqlite:///PATH (default) or "
        "postgresql+asyncpg://USER@HOST:PORT/DB (password: BINRELAY_DATABASE_PASSWORD[_FILE], never in the URL)",
    )
    members_refresh_seconds: float = Field(
        300.0, gt=0, description="How often a process holding members reloads them all from the registry, "
        "besides the change events (a change whose event was lost is seen within this time)",
    )
    database_password: SecretStr | None = Field(None, description="Password of the database user (or use _FILE)")
    database_password_file: Path | None = Field(None, description="File holding the database user's password")
    log_level: str = Field("INFO", description="Log level")
    log_json: bool | None = Field(None, description="JSON logs; default: JSON unless on a TTY")
    metrics_port: int | None = Field(None, description="Port of the /metrics endpoint (None: off)")
    metrics_host: str = Field(
        "127.0.0.1", description="Bind address of the /metrics endpoint (0.0.0.0 in a container, for Prometheus)"
    )
    http_host: str = Field("127.0.0.1", description="Ingest HTTP bind address")
    http_port: int = Field(8080, description="Ingest HTTP port")
    max_body_bytes: int = Field(
        64 * 1024,
        ge=1024,
        le=MAX_INPUT_BYTES // 4,
        description="Largest accepted HTTP request body (at most a quarter of the largest record a stage "
        "takes, topics.MAX_INPUT_BYTES: see docs/ARCHITECTURE.md, 'Record sizes')",
    )
    batch_max_records: int = Field(500, description="Most records a stage takes in one batch")
    batch_timeout_ms: int = Field(
        100, description="Longest a stage's poll waits when nothing is there (it returns at the first record)"
    )
    commit_interval_ms: int = Field(100, description="How often a stage commits published offsets")
    fetch_max_wait_ms: int = Field(
        25, ge=1, description="Longest the broker holds a stage's fetch of ordinary reports to gather fetch_min_bytes"
    )
    fetch_min_bytes: int = Field(
        64 * 1024, ge=1, description="What a stage's fetch of ordinary reports waits for (urgent ones: nothing)"
    )
    batch_chunk_records: int = Field(
        32, ge=1, description="Ordinary reports a stage works on between looks for urgent ones"
    )
    trace_ttl_seconds: int = Field(7 * 24 * 3600, description="How long trace records are kept")
    lanes: Literal["both", "ordinary", "urgent"] = Field(
        "both", description="Which lanes a stage process reads: both, or one (run a process per lane)"
    )
    instance: str = Field(
        "0",
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="Which instance of a stage this process is, when several run (0, 1, ...): part of its Kafka "
        "transactional ids (binrelay.<principal>.<stage>.<lane>.<instance>). Keep it stable across restarts "
        "(a restarted instance then fences its dead predecessor and aborts its open transaction at once) and "
        "unique among running instances of a stage and lane (two alike fence each other)",
    )
    transactions: Literal["on", "off"] = Field(
        "on",
        description="Whether the stages consume and publish in Kafka transactions (exactly once). Always on: "
        "off (at least once, the dispatcher dedups by report id) exists only for `make bench`'s comparison "
        "column (what transactions cost); never run a deployment with it",
    )
    transaction_timeout_ms: int = Field(
        30_000, ge=1000, le=900_000,
        description="How long a stage's Kafka transaction may stay open before the broker aborts it: how long "
        "an instance that died and is not restarted holds read_committed readers (a restarted one frees them at once)",
    )
    ordinary_nice: int = Field(
        10, ge=0, le=19, description="CPU niceness a process of the ordinary lane alone takes (0: none)"
    )
    trace_flush_ms: int = Field(
        50, ge=0, description="How long a stage collects trace entries before writing them (0: at once)"
    )
    secrets_dir: Path = Field(
        Path(".run/secrets"), description="Generated secrets, one file each (see binrelay_shared.secrets)"
    )

    # Kafka security (binrelay_shared.kafka_security): SASL/SCRAM-SHA-512 over TLS by default.
    kafka_user: str | None = Field(
        None, description="Kafka principal this process connects as (default: the service's own name)"
    )
    kafka_password: SecretStr | None = Field(None, description="SCRAM password of kafka_user (or use _FILE)")
    kafka_password_file: Path | None = Field(
        None, description="File holding kafka_user's SCRAM password (default: <secrets_dir>/kafka/<user>)"
    )
    kafka_ca_file: Path | None = Field(
        None, description="CA certificate (PEM) the broker's TLS certificate is checked against "
        "(default: <secrets_dir>/tls/ca.pem)"
    )
    kafka_security: Literal["sasl_ssl", "plaintext"] = Field(
        "sasl_ssl", description="sasl_ssl (SCRAM-SHA-512 over TLS), or plaintext: an explicit opt-out for a "
        "broker you run elsewhere without security"
    )
    # Redis security (see binrelay_shared.redis_acl and binrelay_shared.redis_auth)
    redis_user: str | None = Field(None, description="Redis ACL user (default: the process's own, e.g. ingest)")
    redis_password: SecretStr | None = Field(None, description="Password of the Redis user (else read from a file)")
    redis_password_file: Path | None = Field(
        None, description="File holding the Redis user's password (default: <secrets_dir>/redis/<user>)"
    )
    api_key_mac: SecretStr | None = Field(
        None, description="Server secret that MACs API key records (else read from a file)"
    )
    api_key_mac_file: Path | None = Field(
        None, description="File holding the API key MAC secret (default: <secrets_dir>/api-key-mac)"
    )


S = TypeVar("S", bound=BaseSettings)


def settings_or_exit(kind: type[S]) -> S:
    """``kind()`` read from the environment; on a bad value, exit 2 naming each variable and why
    (a service's start-up must not answer a typo with a stack trace)."""
    try:
        return kind()
    except ValidationError as exc:
        prefix = str(kind.model_config.get("env_prefix", ""))
        for error in exc.errors():
            name = prefix + "_".join(str(part) for part in error["loc"]).upper()
            print(f"error: {name}={error.get('input')!r}: {error['msg']}", file=sys.stderr)
        sys.exit(2)
    except SettingsError as exc:  # a list or mapping setting whose value is not JSON
        prefix = str(kind.model_config.get("env_prefix", ""))
        field = re.search(r'field "([^"]+)"', str(exc))
        name = prefix + field[1].upper() if field else "a setting"
        print(f"error: {name} is not valid JSON: a list or mapping setting is given as JSON, "
              f"e.g. {name}='{{\"key\": \"value\"}}'", file=sys.stderr)
        sys.exit(2)


def networks_or_exit(settings: Settings, *, members: bool | MembersFile = False) -> dict[str, Network]:
    """Every network file in ``settings.networks_dir``, read and checked by the one shared loader
    (with ``members=True``, its contacts checked against the members file too; given members —
    the registry's — against those).

    A problem anywhere in a file stops the process: each problem (file, line, place, fix) is
    printed to stderr, the same words in every service, and it exits 2 — never a traceback, never
    a network quietly skipped or a section quietly defaulted.
    """
    from .network import PlanError, load_networks

    people = members if not isinstance(members, bool) else (members_or_exit(settings) if members else None)
    try:
        return load_networks(settings.networks_dir, people)
    except PlanError as exc:
        _exit_with(exc, f"the network files in {settings.networks_dir}")


def members_or_exit(settings: Settings, *, required: bool = True) -> MembersFile:
    """The members file (``settings.members_file``), read by the shared loader; a problem in it
    stops the process like :func:`networks_or_exit`. ``required=False``: a file that does not
    exist is an empty members list (a channel adapter then knows every reporter as unknown)."""
    from .network import MembersFile, PlanError, load_members

    path = settings.members_file
    if not required and not path.exists():
        print(f"warning: members file {path} does not exist: every reporter is unknown", file=sys.stderr)
        return MembersFile()
    try:
        return load_members(path)
    except PlanError as exc:
        _exit_with(exc, f"the members file {path}")


def _exit_with(exc: PlanError, what: str) -> NoReturn:
    print(f"error: {what} cannot be used ({len(exc.problems)} problem(s)):", file=sys.stderr)
    for problem in exc.problems:
        print(problem, file=sys.stderr)
    sys.exit(2)
