"""Prepare a local Synapse for BIN Relay: the relay bot, the members' accounts, one room per network.

``python -m binrelay_devservers.matrix_setup --url URL --secret-file F --networks-dir D
--members --state-dir S`` registers the bot with the shared secret (once; its password is
kept in ``S/bot-password``), logs it in, registers every member of the member registry
(``BINRELAY_DATABASE_URL``, as every service opens it: migrated, ``BINRELAY_MEMBERS_FILE``
imported once) whose chat address is a user on this homeserver (``@name:<server>``: the example
members are; their passwords are kept in ``S/member-passwords.json``, 0600, to log in as one with
any Matrix client), makes sure every
network has a room with the alias ``#bin-<network>:<server>``, and prints the settings the senders
and the bot need as ``KEY=value`` lines (``BINRELAY_MATRIX_*``) for a shell to ``source``.
Idempotent.

Without the members' accounts every direct message of the dev stack fails: the homeserver has
federation off, so a chat address on another server name cannot be invited (``M_FORBIDDEN``).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import secrets
import shlex
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

import httpx

from binrelay_shared.network import PlanError, load_networks


def register(client: httpx.Client, secret: str, user: str, password: str) -> None:
    nonce = client.get("/_synapse/admin/v1/register").json()["nonce"]
    mac = hmac.new(secret.encode(), digestmod=hashlib.sha1)
    mac.update(b"\x00".join([nonce.encode(), user.encode(), password.encode(), b"notadmin"]))
    r = client.post(
        "/_synapse/admin/v1/register",
        json={"nonce": nonce, "username": user, "password": password, "admin": False, "mac": mac.hexdigest()},
    )
    if r.status_code == 400 and r.json().get("errcode") == "M_USER_IN_USE":
        return
    r.raise_for_status()


def registry_chat_ids() -> list[str]:
    """Every chat address in the member registry of the environment's settings (exits 2 naming
    the setting when the database or the members file to import cannot be used)."""
    from binrelay_shared.members.service import registry_members_or_exit
    from binrelay_shared.settings import Settings

    members = registry_members_or_exit(Settings(), every_address=True)  # consent or not: an account each
    return [a.address for m in members.members for a in m.channels if a.channel == "chat"]


def local_chat_users(chat_ids: Iterable[str], server: str) -> list[str]:
    """The localparts of the chat addresses on ``server`` (others are left alone)."""
    out: list[str] = []
    for address in chat_ids:
        if address.startswith("@") and address.endswith(f":{server}"):
            localpart = address[1:].rsplit(":", 1)[0]
            if localpart not in out:
                out.append(localpart)
    return out


def register_members(client: httpx.Client, secret: str, chat_ids: Iterable[str], server: str,
                     state_dir: Path) -> int:
    """Register the members' local chat users (once each); their passwords in the state dir."""
    pw_file = state_dir / "member-passwords.json"
    passwords: dict[str, str] = json.loads(pw_file.read_text()) if pw_file.exists() else {}
    users = local_chat_users(chat_ids, server)
    for user in users:
        password = passwords.setdefault(user, secrets.token_urlsafe(18))
        pw_file.write_text(json.dumps(passwords, indent=1, sort_keys=True))
        pw_file.chmod(0o600)
        register(client, secret, user, password)
    return len(users)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--url", required=True)
    p.add_argument("--secret-file", type=Path, required=True)
    p.add_argument("--networks-dir", type=Path, default=Path("deploy/networks"))
    p.add_argument("--members", action="store_true",
                   help="register the member registry's chat users on this homeserver (BINRELAY_DATABASE_URL)")
    p.add_argument("--state-dir", type=Path, required=True)
    p.add_argument("--bot", default="binrelay")
    args = p.parse_args(argv)

    pw_file = args.state_dir / "bot-password"
    if not pw_file.exists():
        pw_file.write_text(secrets.token_urlsafe(24))
        pw_file.chmod(0o600)
    password = pw_file.read_text().strip()
    try:  # the shared loader: the rooms are those of the networks every service accepts
        networks = load_networks(args.networks_dir, None)
    except PlanError as exc:
        raise SystemExit(f"error: {exc}") from None
    chat_ids = registry_chat_ids() if args.members else []
    secret = args.secret_file.read_text().strip()
    with httpx.Client(base_url=args.url, timeout=60) as client:
        register(client, secret, args.bot, password)
        login = client.post(
            "/_matrix/client/v3/login",
            json={"type": "m.login.password", "identifier": {"type": "m.id.user", "user": args.bot},
                  "password": password, "device_id": "BINRELAYLOCAL"},
        )
        login.raise_for_status()
        token, user_id = login.json()["access_token"], login.json()["user_id"]
        server = user_id.split(":", 1)[1]
        auth = {"authorization": f"Bearer {token}"}
        if args.members:
            count = register_members(client, secret, chat_ids, server, args.state_dir)
            print(f"# {count} member chat account(s) on {server}")
        rooms: dict[str, str] = {}
        for network, net in sorted(networks.items()):
            alias = f"#bin-{network}:{server}"
            r = client.get(f"/_matrix/client/v3/directory/room/{quote(alias)}", headers=auth)
            if r.status_code == 200:
                room_id = r.json()["room_id"]
            else:
                r = client.post(
                    "/_matrix/client/v3/createRoom",
                    headers=auth,
                    json={"room_alias_name": f"bin-{network}", "name": net.file.name,
                          "preset": "public_chat"},
                )
                r.raise_for_status()
                room_id = r.json()["room_id"]
            rooms[room_id] = network
    for key, value in (
        ("BINRELAY_MATRIX_HOMESERVER", args.url),
        ("BINRELAY_MATRIX_USER_ID", user_id),
        ("BINRELAY_MATRIX_ACCESS_TOKEN", token),
        ("BINRELAY_MATRIX_ROOMS", json.dumps(rooms)),
    ):
        print(f"export {key}={shlex.quote(value)}")


if __name__ == "__main__":
    main()
