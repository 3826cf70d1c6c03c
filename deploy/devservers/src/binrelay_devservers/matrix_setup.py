"""Prepare a local Synapse for BIN Relay: the relay bot, and one room per network.

``python -m binrelay_devservers.matrix_setup --url URL --secret-file F --networks-dir D
--state-dir S`` registers the bot with the shared secret (once; its password is kept in
``S/bot-password``), logs it in, makes sure every network has a room with the alias
``#bin-<network>:<server>``, and prints the settings the senders and the bot need as
``KEY=value`` lines (``BINRELAY_MATRIX_*``) for a shell to ``source``. Idempotent.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import secrets
import shlex
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


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--url", required=True)
    p.add_argument("--secret-file", type=Path, required=True)
    p.add_argument("--networks-dir", type=Path, default=Path("deploy/networks"))
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
    with httpx.Client(base_url=args.url, timeout=60) as client:
        register(client, args.secret_file.read_text().strip(), args.bot, password)
        login = client.post(
            "/_matrix/client/v3/login",
            json={"type": "m.login.password", "identifier": {"type": "m.id.user", "user": args.bot},
                  "password": password, "device_id": "BINRELAYLOCAL"},
        )
        login.raise_for_status()
        token, user_id = login.json()["access_token"], login.json()["user_id"]
        server = user_id.split(":", 1)[1]
        auth = {"authorization": f"Bearer {token}"}
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
