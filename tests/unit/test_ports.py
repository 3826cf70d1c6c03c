"""The servers tests and benches start get ports a client can never take as its own source port."""

from __future__ import annotations

import socket

from binrelay_devservers import ports
from tests.conftest import free_port


def test_ports_come_from_below_the_ephemeral_range_and_are_never_handed_out_twice() -> None:
    """Given the kernel's ephemeral range (the source ports of outgoing connections),
    when a hundred ports are asked for,
    then each is below that range (a client reconnecting to a killed broker cannot connect to
    itself on the broker's port and hold it), free to bind, and none is given twice."""
    low = ports._ephemeral_low()
    given = [free_port() for _ in range(100)]
    assert all(1024 <= p < low for p in given), [p for p in given if not 1024 <= p < low]
    assert len(set(given)) == len(given)
    with socket.socket() as s:
        s.bind(("127.0.0.1", given[-1]))
