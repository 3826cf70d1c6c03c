"""``binrelay-devserver smtp|sms``: run a loopback dev server in the foreground.

Its secrets (the SMS gateway's token and webhook secret, the SMSC's password) are the ones the
services use: an option, else ``BINRELAY_<NAME>``, else the file under ``BINRELAY_SECRETS_DIR``
(``.run/secrets``) that ``make up`` generates — never a default in the code.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path


def _secret(given: str | None, env: str, name: str) -> str:
    """``given``, else ``$env``, else the first line of ``$BINRELAY_SECRETS_DIR/name``; exit 2 if none."""
    if given:
        return given
    if os.environ.get(env):
        return os.environ[env]
    path = Path(os.environ.get("BINRELAY_SECRETS_DIR", ".run/secrets")) / name
    try:
        return path.read_text("utf-8").strip().splitlines()[0]
    except (OSError, IndexError):
        print(f"error: {env} is not set and {path} does not exist: run `make up` or set {env}", file=sys.stderr)
        sys.exit(2)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="binrelay-devserver", description=__doc__)
    sub = parser.add_subparsers(dest="kind", required=True)
    smtp = sub.add_parser("smtp", help="SMTP sink that stores mails as .eml files")
    smtp.add_argument("--port", type=int, default=int(os.environ.get("SMTP_SINK_PORT", "2525")))
    smtp.add_argument("--maildir", type=Path, default=Path(os.environ.get("SMTP_SINK_DIR", ".run/mail")))
    sms = sub.add_parser("sms", help="SMS gateway (HTTP) with an inbound webhook")
    sms.add_argument("--port", type=int, default=int(os.environ.get("SMS_GATEWAY_PORT", "8025")))
    sms.add_argument("--token", help="bearer token (default: BINRELAY_SMS_GATEWAY_TOKEN or its secret file)")
    sms.add_argument("--webhook-url", default=os.environ.get("SMS_GATEWAY_WEBHOOK_URL"))
    sms.add_argument("--webhook-secret", help="HMAC secret (default: BINRELAY_SMS_WEBHOOK_SECRET or its secret file)")
    smsc = sub.add_parser("smsc", help="SMSC speaking SMPP 3.4 (transmitter)")
    smsc.add_argument("--port", type=int, default=int(os.environ.get("SMSC_PORT", "2775")))
    smsc.add_argument("--system-id", default=os.environ.get("BINRELAY_SMPP_SYSTEM_ID", "binrelay"))
    smsc.add_argument("--password", help="SMPP password (default: BINRELAY_SMPP_PASSWORD or its secret file)")
    for sub_parser in (smtp, sms, smsc):  # loopback by default; 0.0.0.0 in a container (deploy/compose.yaml)
        sub_parser.add_argument("--host", default=os.environ.get("BINRELAY_DEVSERVER_HOST", "127.0.0.1"))
    args = parser.parse_args(argv)

    if args.kind == "smtp":
        from .smtp_sink import start_sink

        controller, _ = start_sink(args.port, args.maildir, host=args.host)
        print(f"smtp sink on {args.host}:{args.port}, mails in {args.maildir}", flush=True)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        stop.wait()
        controller.stop()
    elif args.kind == "smsc":
        import asyncio

        from .smsc import SmscState, start_smsc

        async def run() -> None:
            password = _secret(args.password, "BINRELAY_SMPP_PASSWORD", "smpp-password")
            server = await start_smsc(SmscState(args.system_id, password), args.port, host=args.host)
            print(f"smsc (SMPP 3.4) on {args.host}:{args.port}", flush=True)
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
            await stop.wait()
            server.close()

        asyncio.run(run())
    else:
        import uvicorn

        from .sms_gateway import GatewayState, create_app

        state = GatewayState(
            token=_secret(args.token, "BINRELAY_SMS_GATEWAY_TOKEN", "sms-gateway-token"),
            webhook_url=args.webhook_url,
            webhook_secret=_secret(args.webhook_secret, "BINRELAY_SMS_WEBHOOK_SECRET", "sms-webhook"),
        )
        print(f"sms gateway on http://{args.host}:{args.port}", flush=True)
        uvicorn.run(create_app(state), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
