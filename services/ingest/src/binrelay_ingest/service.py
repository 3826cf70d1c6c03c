"""Entry point of the ingest process: the HTTP API under uvicorn, metrics on their own port."""

from __future__ import annotations

import gc
import sys

import uvicorn
from prometheus_client import CollectorRegistry

from binrelay_shared.kafka_security import require_kafka
from binrelay_shared.logging import configure_logging, get_logger
from binrelay_shared.metrics import serve_metrics
from binrelay_shared.redis_auth import check_redis_or_exit
from binrelay_shared.secrets import MissingSecret
from binrelay_shared.settings import Settings, networks_or_exit, settings_or_exit

from .app import NAME, REDIS_USER, FrontDoor, create_app
from .core import IngestLimits
from .http_limits import limited_protocol
from .keys import api_key_mac


def main() -> None:
    settings = settings_or_exit(Settings)
    limits = settings_or_exit(IngestLimits)
    configure_logging("ingest", settings.log_level, settings.log_json)
    networks = {net_id: net.file for net_id, net in networks_or_exit(settings).items()}
    # A missing or wrong secret stops here (exit 2, the setting named), not at the first report.
    check_redis_or_exit(settings, REDIS_USER)
    try:
        api_key_mac(settings)
    except MissingSecret as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    require_kafka(settings, NAME)
    registry = CollectorRegistry()
    serve_metrics(registry, settings)
    app = create_app(settings, limits=limits, registry=registry, networks=networks, front_door=False)
    asgi = FrontDoor(app, app.state.core)  # outermost: the hot POSTs skip FastAPI's middleware
    gc.collect()
    gc.freeze()  # what start-up built lives forever: keep it out of every later collection
    get_logger(__name__).info("starting", http=f"{settings.http_host}:{settings.http_port}")
    uvicorn.run(
        asgi,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        loop="uvloop",
        http=limited_protocol(limits.max_header_bytes),  # httptools, oversized heads answered 431
        proxy_headers=False,
        server_header=False,
    )


if __name__ == "__main__":
    main()
