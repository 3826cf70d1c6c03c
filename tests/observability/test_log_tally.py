"""No log line per report on the hot path: a Tally's one summary line per interval, DEBUG lines cheap."""

from __future__ import annotations

import logging
from typing import Any

import structlog

from binrelay_shared.logging import Tally, configure_logging, get_logger


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class _Log:
    def __init__(self) -> None:
        self.lines: list[tuple[str, dict[str, Any]]] = []

    def info(self, event: str, **fields: Any) -> None:
        self.lines.append((event, fields))


def test_tally_logs_one_summary_line_per_interval() -> None:
    """Given a Tally with a 60 s interval,
    When 1,000 outcomes are counted within the interval, then one more after it,
    Then nothing is logged until the interval is over, then one line with the count per kind
    and the total; and a flush with nothing counted logs nothing."""
    clock, log = _Clock(), _Log()
    tally = Tally(log, "reports dispatched", interval=60, clock=clock)
    for i in range(1000):
        tally.add(network_id="zavel" if i % 4 else "meudon", held=None)
        clock.now += 0.01
    assert log.lines == []
    clock.now += 60
    tally.add(network_id="zavel", held="approval")
    [(event, fields)] = log.lines
    assert event == "reports dispatched"
    assert fields["total"] == 1001
    assert fields["counts"] == [
        {"held": None, "network_id": "zavel", "n": 750},
        {"held": None, "network_id": "meudon", "n": 250},
        {"held": "approval", "network_id": "zavel", "n": 1},
    ]
    tally.flush()
    assert len(log.lines) == 1


def test_debug_call_below_the_level_stops_before_the_processors() -> None:
    """Given logging configured at INFO,
    When a DEBUG line is logged,
    Then the level check (the first processor) drops it: nothing reaches the handler."""
    configure_logging("test", "INFO", True)
    assert logging.getLogger().getEffectiveLevel() <= logging.INFO
    assert structlog.get_config()["processors"][0] is structlog.stdlib.filter_by_level
    get_logger(__name__).debug("not shown")  # no exception, no output
