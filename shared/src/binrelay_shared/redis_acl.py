"""Who may do what in Redis: one ACL user per process kind, as ONE table (:data:`USERS`).

Redis's ``default`` user is switched off: a client that has not authenticated gets ``NOAUTH``
for every command. Each service authenticates as its own user (``BINRELAY_REDIS_USER``, default
the service's name) with a generated password (``<secrets_dir>/redis/<user>``) and may touch only
its key patterns with only its commands. :func:`render` turns the table into a Redis ``aclfile``
(passwords as SHA-256 hashes, never in clear), which ``deploy/local/redis.sh`` writes on every
start (``python -m binrelay_shared.redis_acl <secrets dir> <acl file>``) and
``deploy/compose.yaml`` mounts.

What Redis 7.0 (Debian's redis-server here) allows, and how it is used:

* key patterns ``~p`` (read and write) and ``%R~p`` (read only); a key a Lua script *declares*
  (``EVAL``/``EVALSHA`` ``KEYS``) needs read **and** write permission, so a pattern a service
  only reads is read in its scripts without being declared (ingest's gate reads ``bin:key:*``);
* commands ``+cmd`` / ``+cmd|sub``, checked for every call, those a Lua script makes included.
  Commands are per user, not per key pattern (selectors would allow that, at the cost of a much
  longer table: not used).

The inventory (read from the code; the tests try, per user, one key and one command outside
its row, and the pipeline tests prove each row is enough):

==============  ==================================================================================
user            keys
==============  ==================================================================================
ingest          ``bin:idem:*`` ``bin:rl:*`` ``bin:report:*`` (the gate's idempotency, rate and
                report records), ``bin:trace:*`` (the first trace entry), ``bin:key:*`` read only
classifier,     ``bin:trace:*`` (their trace entries, one script call per batch)
privacy-filter
dispatcher      ``binrelay:dispatcher:*`` (dedup claims, pending acks, timers), ``bin:trace:*``
sender-email    ``bin:delivery:*`` (at most one send per delivery key), ``bin:trace:*``,
                ``bin:reply:pending:*`` ``bin:reply:ref:*`` ``bin:reply:mail:*`` (what a mail asks)
sender-sms      as sender-email, and ``bin:ack:sms:*`` (the alerts awaiting a number's "OK")
sender-chat     as sender-email, and ``bin:ack:chat:*``, ``bin:chat:dm:*`` (direct rooms)
adapter-sms     ``bin:ack:sms:*`` (reads the alerts a reply acknowledges, then drops them)
adapter-matrix  ``bin:ack:chat:*`` read only
adapter-smtp    ``bin:reply:pending:*`` (drops what a reply answered); ``bin:reply:ref:*``,
                ``bin:reply:mail:*``, ``bin:reply:settled:*`` read only
operator        ``bin:key:*``, ``bin:keys`` (``binrelay keys``), ``bin:trace:*`` read only
                (``binrelay trace``), ``bin:dlq:replayed`` (letters replayed, ``binrelay dlq``)
admin           everything (tests' fixtures, operations by hand)
==============  ==================================================================================

The observer uses no Redis: it has no user.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr

from .secrets import ensure_secret

#: What every client may do: check the connection, pick its database.
CONNECTION = ("ping", "select", "echo")
#: What runs a Lua script through redis-py (EVALSHA, loaded again with SCRIPT LOAD after a restart)
SCRIPTS = ("evalsha", "eval", "script|load", "script|exists")
TRACE = "bin:trace:*"


@dataclass(frozen=True)
class RedisUser:
    """One row of the ACL table."""

    name: str
    purpose: str
    keys: tuple[str, ...] = ()
    """Key patterns read and written (``~pattern``)."""
    read_keys: tuple[str, ...] = ()
    """Key patterns only read (``%R~pattern``)."""
    commands: tuple[str, ...] = ()
    """Commands allowed besides :data:`CONNECTION` (``+command`` or ``+command|subcommand``)."""
    all_access: bool = False
    """Every key, channel and command (the admin)."""
    forbidden_example: tuple[str, ...] = field(default=("FLUSHALL",))
    """A command outside the row, for the tests (one that would do harm)."""

    def rule(self, password: SecretStr) -> str:
        """The ``user`` line of an ACL file (the password as its SHA-256, never in clear)."""
        digest = hashlib.sha256(password.get_secret_value().encode()).hexdigest()
        head = f"user {self.name} on #{digest} resetkeys resetchannels"
        if self.all_access:
            return f"{head} ~* &* +@all"
        keys = [f"~{p}" for p in self.keys] + [f"%R~{p}" for p in self.read_keys]
        commands = [f"+{c}" for c in (*CONNECTION, *self.commands)]
        return " ".join([head, *keys, "-@all", *commands])


_STAGE = ("hset", "expire", *SCRIPTS)  # the trace writer's script: HSET + EXPIRE per report

USERS: tuple[RedisUser, ...] = (
    RedisUser(
        "ingest",
        "the HTTP API: credentials (read), idempotency, rate limits, report records, first trace entry",
        keys=("bin:idem:*", "bin:rl:*", "bin:report:*", TRACE),
        read_keys=("bin:key:*",),
        commands=(*SCRIPTS, "get", "set", "del", "hget", "hmget", "hgetall", "hset", "incr", "incrby", "expire",
                  "pexpire", "pttl"),
    ),
    RedisUser("classifier", "trace entries of the classified reports", keys=(TRACE,), commands=_STAGE),
    RedisUser("privacy-filter", "trace entries of the cleared reports", keys=(TRACE,), commands=_STAGE),
    RedisUser(
        "dispatcher",
        "dedup claims, pending acknowledgements and approvals, timers; answers settled; SMS consent "
        "withdrawals (read); trace entries",
        keys=("binrelay:dispatcher:*", "bin:reply:settled:*", TRACE),
        read_keys=("bin:consent:*",),
        commands=(*_STAGE, "get", "set", "del", "exists", "zadd", "zrem", "zcard", "zrangebyscore", "zscore",
                  "sadd", "scard", "multi", "exec",  # sadd..exec: members not reached, counted once per report
                  "hgetall"),  # the members who sent STOP
    ),
    RedisUser(
        "sender-email",
        "delivery claims; what a recipient is asked to answer (pending, by ref, by Message-ID); trace entries",
        keys=("bin:delivery:*", "bin:reply:pending:*", "bin:reply:ref:*", "bin:reply:mail:*", TRACE),
        commands=(*_STAGE, "get", "set", "del", "multi", "exec"),
    ),
    RedisUser(
        "sender-sms",
        "delivery claims; what a recipient is asked to answer (pending, by ref); trace entries",
        keys=("bin:delivery:*", "bin:reply:pending:*", "bin:reply:ref:*", TRACE),
        commands=(*_STAGE, "get", "set", "del", "multi", "exec"),
    ),
    RedisUser(
        "sender-chat",
        "delivery claims; what a recipient is asked to answer (pending, by ref, by chat event); direct "
        "rooms; trace entries",
        keys=("bin:delivery:*", "bin:reply:pending:*", "bin:reply:ref:*", "bin:reply:event:*", "bin:chat:dm:*",
              TRACE),
        commands=(*_STAGE, "get", "set", "del", "multi", "exec"),
    ),
    RedisUser(
        "adapter-sms",
        "binds an SMS reply to what it answers (and then drops it); records STOP",
        keys=("bin:reply:pending:*", "bin:consent:*"),
        read_keys=("bin:reply:ref:*", "bin:reply:settled:*"),
        commands=("hgetall", "hdel", "mget", "hsetnx"),
    ),
    RedisUser(
        "adapter-smtp", "binds an e-mail reply (In-Reply-To, ref, sender) to what it answers (and then drops it)",
        keys=("bin:reply:pending:*",),
        read_keys=("bin:reply:ref:*", "bin:reply:mail:*", "bin:reply:settled:*"),
        commands=("get", "hgetall", "hdel", "mget"),
    ),
    RedisUser(
        "adapter-matrix", "binds a chat reply (thread, reaction, ref) to what it answers (and then drops it)",
        keys=("bin:reply:pending:*",),
        read_keys=("bin:reply:ref:*", "bin:reply:event:*", "bin:reply:settled:*"),
        commands=("get", "hgetall", "hdel", "mget"),
    ),
    RedisUser(
        "operator",
        "binrelay keys create|list|revoke, binrelay trace, binrelay dlq (the replay records)",
        keys=("bin:key:*", "bin:keys", "bin:dlq:replayed"),
        read_keys=(TRACE,),
        commands=("hset", "hget", "hgetall", "sadd", "smembers", "exists", "multi", "exec",
                  "hsetnx", "hexists", "hdel"),  # hsetnx..hdel: a letter replayed at most once
    ),
    RedisUser("admin", "tests' fixtures and operations by hand", all_access=True, forbidden_example=()),
)

BY_NAME = {u.name: u for u in USERS}


def password_file(secrets_dir: Path, user: str) -> Path:
    """Where the password of Redis user ``user`` lives (see :mod:`.secrets`)."""
    return secrets_dir / "redis" / user


def render(secrets_dir: Path) -> str:
    """The ACL file of :data:`USERS`, passwords generated under ``secrets_dir`` when missing.

    The ``default`` user is off: an unauthenticated command is refused with ``NOAUTH``, and no
    password logs in as it (``resetpass``). It is nevertheless allowed every command: Redis 7.0
    (Debian 12's 7.0.15) replays its append-only file as ``default`` and re-checks ACLs at
    ``EXEC`` (redis/redis#14541, fixed upstream by #14545), so with ``-@all`` every ``MULTI/EXEC``
    in the file — API keys, and every script's effects (Redis 7 logs them as ``MULTI/EXEC``): the
    dispatcher's and senders' claims — was refused and silently dropped on restart
    (tests/integration/test_redis_restart.py; found by ``make chaos``).
    """
    # Redis's ACL file takes no comments: every line is a user.
    lines = ["user default off resetpass allkeys allchannels +@all"]
    secrets_dir.mkdir(parents=True, exist_ok=True)
    secrets_dir.chmod(0o700)
    for user in USERS:
        lines.append(user.rule(ensure_secret(password_file(secrets_dir, user.name))))
    return "\n".join(lines) + "\n"


def write_acl_file(secrets_dir: Path, path: Path) -> Path:
    """Write :func:`render`'s file to ``path`` (mode 0600: it holds password hashes)."""
    text = render(secrets_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, "utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)
    return path


def main(argv: list[str] | None = None) -> None:
    """``python -m binrelay_shared.redis_acl SECRETS_DIR ACL_FILE``: write the ACL file."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m binrelay_shared.redis_acl SECRETS_DIR ACL_FILE", file=sys.stderr)
        sys.exit(2)
    write_acl_file(Path(args[0]), Path(args[1]))


if __name__ == "__main__":
    main()
