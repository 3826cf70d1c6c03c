"""How every Kafka client of BIN Relay connects: SASL/SCRAM-SHA-512 over TLS, one principal each.

:func:`kafka_client_config` is the ONE place a client's connection settings come from — the
services' brokers and producers, the observer, the CLI, the adapters, the tests and the bench
all call it. It reads (``BINRELAY_`` prefix):

* ``KAFKA`` — bootstrap servers;
* ``KAFKA_USER`` — the principal (default: the name the calling service passes, e.g. ``ingest``);
* ``KAFKA_PASSWORD`` (a ``SecretStr``) or ``KAFKA_PASSWORD_FILE`` (default
  ``<secrets_dir>/kafka/<user>``) — its SCRAM password;
* ``KAFKA_CA_FILE`` (default ``<secrets_dir>/tls/ca.pem``) — the CA the broker's certificate is
  checked against (hostname included);
* ``KAFKA_SECURITY`` — ``sasl_ssl`` (default) or ``plaintext``, an explicit opt-out for a broker
  run elsewhere without security.

A service calls :func:`require_kafka` at start: a missing or wrong secret stops it with exit 2
and a message naming the setting, before it takes any message.

``python -m binrelay_shared.kafka_security scram-args <secrets_dir>`` is how deploy/local/kafka.sh
bootstraps the principals' SCRAM credentials at format time (see there).
"""

from __future__ import annotations

import asyncio
import os
import ssl
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from .secrets import MissingSecret, ensure_secret, load_secret
from .settings import Settings

#: The super user: creates topics, ACLs and zone credentials; the broker's own inter-broker login.
ADMIN = "admin"
MECHANISM = "SCRAM-SHA-512"
SCRAM_ITERATIONS = 8192


def password_file(secrets_dir: Path, user: str) -> Path:
    """Where the SCRAM password of ``user`` is kept: ``<secrets_dir>/kafka/<user>``."""
    return secrets_dir / "kafka" / user


def ca_file(secrets_dir: Path) -> Path:
    """The local CA's certificate (written by deploy/local/kafka.sh on first start)."""
    return secrets_dir / "tls" / "ca.pem"


@dataclass(frozen=True)
class KafkaClientConfig:
    """A client's connection settings, in the forms the three client libraries want."""

    bootstrap: str
    security: str  # "sasl_ssl" | "plaintext"
    user: str | None = None
    password: SecretStr | None = field(default=None, repr=False)
    ca_file: Path | None = None

    @property
    def servers(self) -> list[str]:
        return self.bootstrap.split(",")

    def ssl_context(self) -> ssl.SSLContext:
        from aiokafka.helpers import create_ssl_context

        return create_ssl_context(cafile=str(self.ca_file) if self.ca_file else None)

    def aiokafka(self) -> dict[str, Any]:
        """Keyword arguments for ``AIOKafkaProducer``/``AIOKafkaConsumer``/``AIOKafkaAdminClient``."""
        if self.security == "plaintext":
            return {"bootstrap_servers": self.servers}
        assert self.password is not None
        return {
            "bootstrap_servers": self.servers,
            "security_protocol": "SASL_SSL",
            "sasl_mechanism": MECHANISM,
            "sasl_plain_username": self.user,
            "sasl_plain_password": self.password.get_secret_value(),
            "ssl_context": self.ssl_context(),
        }

    def faststream(self) -> dict[str, Any]:
        """Keyword arguments for faststream's ``KafkaBroker``."""
        if self.security == "plaintext":
            return {"bootstrap_servers": self.servers}
        from faststream.security import SASLScram512

        assert self.password is not None and self.user is not None
        return {
            "bootstrap_servers": self.servers,
            "security": SASLScram512(
                username=self.user, password=self.password.get_secret_value(), ssl_context=self.ssl_context()
            ),
        }

    def librdkafka(self) -> dict[str, str]:
        """Configuration for confluent-kafka (librdkafka) clients, e.g. its ``AdminClient``; the
        same keys kcat reads from a ``-F`` file."""
        conf = {"bootstrap.servers": self.bootstrap}
        if self.security == "plaintext":
            return conf
        assert self.password is not None and self.user is not None
        conf.update({
            "security.protocol": "SASL_SSL",
            "sasl.mechanisms": MECHANISM,
            "sasl.username": self.user,
            "sasl.password": self.password.get_secret_value(),
        })
        if self.ca_file:
            conf["ssl.ca.location"] = str(self.ca_file)
        return conf


def kafka_client_config(settings: Settings, principal: str | None = None) -> KafkaClientConfig:
    """How a client of ``principal`` (overridden by ``BINRELAY_KAFKA_USER``) connects.

    Raises :class:`MissingSecret` naming the setting when the password or the CA is missing.
    """
    if settings.kafka_security == "plaintext":
        return KafkaClientConfig(bootstrap=settings.kafka, security="plaintext")
    user = settings.kafka_user or principal
    if not user:
        raise MissingSecret("BINRELAY_KAFKA_USER is not set: set it to the Kafka principal to connect as")
    path = settings.kafka_password_file or password_file(settings.secrets_dir, user)
    setting = "BINRELAY_KAFKA_PASSWORD_FILE" if settings.kafka_password_file else "BINRELAY_KAFKA_PASSWORD"
    password = load_secret(setting, settings.kafka_password, path)
    ca = settings.kafka_ca_file or ca_file(settings.secrets_dir)
    if not ca.is_file():
        raise MissingSecret(
            f"BINRELAY_KAFKA_CA_FILE: {ca} does not exist: run `make up` (which generates the local CA) "
            "or set BINRELAY_KAFKA_CA_FILE to the CA certificate of your broker"
        )
    return KafkaClientConfig(bootstrap=settings.kafka, security="sasl_ssl", user=user, password=password, ca_file=ca)


class KafkaAuthError(RuntimeError):
    """The broker refused this process's credentials; the message names the setting."""


async def check_credentials(config: KafkaClientConfig, timeout: float = 30.0) -> None:
    """Log in to a bootstrap server once (TLS handshake, SCRAM exchange); raise
    :class:`KafkaAuthError` if the broker refuses the certificate check or the credentials.

    An unreachable broker is not an error here (it may come up later; the clients retry)."""
    from aiokafka.conn import create_conn
    from aiokafka.errors import KafkaError

    kwargs = config.aiokafka()
    kwargs.pop("bootstrap_servers")
    for server in config.servers:
        host, _, port = server.rpartition(":")
        try:
            conn = await asyncio.wait_for(
                create_conn(host, int(port), request_timeout_ms=int(timeout * 1000), **kwargs), timeout
            )
        except ssl.SSLError as exc:
            raise KafkaAuthError(
                f"TLS with Kafka at {server} failed ({exc.reason}): check BINRELAY_KAFKA_CA_FILE"
            ) from None
        except KafkaError as exc:
            raise KafkaAuthError(
                f"Kafka at {server} refused principal {config.user!r} ({type(exc).__name__}): check "
                "BINRELAY_KAFKA_PASSWORD / BINRELAY_KAFKA_PASSWORD_FILE and BINRELAY_KAFKA_USER"
            ) from None
        except (OSError, TimeoutError):
            continue  # not reachable (yet): the next server, or the clients' own retries
        conn.close()
        return


def require_kafka(settings: Settings, principal: str) -> KafkaClientConfig:
    """A service's Kafka connection settings, checked against the broker; on a missing or refused
    secret, exit 2 with a message naming the setting (never its value)."""
    try:
        config = kafka_client_config(settings, principal)
        if config.security != "plaintext":
            asyncio.run(check_credentials(config))
    except (MissingSecret, KafkaAuthError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    return config


# -- bootstrap at format time ----------------------------------------------------------------------


def scram_arg(user: str, password: str) -> str:
    """One ``--add-scram`` value for Kafka's StorageTool (kafka.sh hands it over in a 0600 java
    @argfile, never on a command line)."""
    return f"{MECHANISM}=[name={user},iterations={SCRAM_ITERATIONS},password={password}]"


def _main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("scram-args", "principals"):
        print("usage: python -m binrelay_shared.kafka_security scram-args|principals <secrets_dir>", file=sys.stderr)
        return 2
    from .acl import bootstrap_principals

    secrets_dir = Path(argv[1])
    for user in bootstrap_principals():
        if argv[0] == "principals":
            print(user)
            continue
        password = ensure_secret(password_file(secrets_dir, user)).get_secret_value()
        print("--add-scram")
        print(scram_arg(user, password))
    return 0


if __name__ == "__main__":
    os.umask(0o077)
    sys.exit(_main(sys.argv[1:]))
