"""Structured logging, configured once per process.

JSON lines when stdout is not a terminal (what operators ship to their log store), readable
console output on a terminal. The report id is bound as context with :func:`bind_report`, so
every line about a report carries it. Log *ids and kinds*, never report text, names, numbers or
addresses: that rule is tested (tests/integration).

No line per report on the hot path: what every report does is counted (the metrics, and a
:class:`Tally` that logs one summary line per interval); a line is for an exceptional outcome.
A report's own line is at DEBUG, and a DEBUG call costs little when DEBUG is off: the level is
checked before any processor runs.
"""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import structlog

_configured = False


def configure_logging(service: str, level: str = "INFO", json: bool | None = None) -> None:
    """Configure structlog and the standard library's logging for this process (idempotent)."""
    global _configured
    if _configured:
        return
    _configured = True
    use_json = (not sys.stderr.isatty()) if json is None else json
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer() if use_json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        # The level first: a call below it (a report's DEBUG line) stops there, before the
        # context is merged and the time stamped (~7 µs per call otherwise, for nothing).
        processors=[structlog.stdlib.filter_by_level, *shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Libraries log per message at INFO (faststream) or chatter on connect (aiokafka): warnings only.
    for noisy in ("faststream", "aiokafka", "kafka", "uvicorn.access", "nio", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    structlog.contextvars.bind_contextvars(service=service)


def get_logger(name: str | None = None) -> structlog.stdlib.BoundLogger:
    """A structlog logger (configure_logging first, once, in the process entry point)."""
    logger: structlog.stdlib.BoundLogger = structlog.get_logger(name)
    return logger


@contextmanager
def bind_report(report_id: str | None, **ids: str) -> Iterator[None]:
    """Bind the report id (and other ids, never personal data) to every log line inside."""
    with structlog.contextvars.bound_contextvars(report_id=report_id, **ids):
        yield


class Tally:
    """Outcomes of many reports, logged as one INFO line per ``interval`` seconds instead of one
    line per report.

    ``add(**kinds)`` counts one outcome under its kinds (bounded values: a route, a reason, never
    an id or personal data); the first ``add`` after ``interval`` seconds logs ``event`` with the
    count per combination of kinds and the total since the last line. Nothing is logged while
    nothing happens, and nothing runs in the background. The metrics count the same outcomes
    continuously; this is the operator's line in the log.
    """

    __slots__ = ("_clock", "_counts", "_event", "_interval", "_log", "_since")

    def __init__(self, log: Any, event: str, interval: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._log = log
        self._event = event
        self._interval = interval
        self._clock = clock
        self._counts: Counter[tuple[tuple[str, Any], ...]] = Counter()
        self._since = clock()

    def add(self, **kinds: Any) -> None:
        """Count one outcome (and log the summary when the interval is over)."""
        self._counts[tuple(sorted(kinds.items()))] += 1
        if self._clock() - self._since >= self._interval:
            self.flush()

    def flush(self) -> None:
        """Log what was counted since the last line, if anything, and start again."""
        now = self._clock()
        if self._counts:
            self._log.info(
                self._event,
                total=sum(self._counts.values()),
                seconds=round(now - self._since, 1),
                counts=[{**dict(kinds), "n": n} for kinds, n in self._counts.most_common()],
            )
            self._counts.clear()
        self._since = now
