"""Free TCP ports on 127.0.0.1 for the servers the tests, the bench and the fault suite start.

Ports come from *below* the kernel's ephemeral range (``net.ipv4.ip_local_port_range``, 32768–60999
by default), never from it. A port the kernel hands out for ``bind(0)`` is an ephemeral one: when
the server on it is killed (the fault suite kills a broker and starts it again on the same port),
a client reconnecting to it may be given that very port as its own source port and connect to
itself (TCP simultaneous open). It then reads its own TLS hello back ("WRONG_VERSION_NUMBER") and,
worse, holds the port, so the restarted broker cannot bind it. Seen in `make test`: a 3-node
cluster lost a node for good and 300 reports stayed undispatched.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

#: Where ports are drawn when the ephemeral range cannot be read (Linux's default starts at 32768).
LOW = 20000
_given: set[int] = set()  # handed out by this process: two servers started together never share one


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now, outside the ephemeral range."""
    high = _ephemeral_low() - 1
    low = LOW if high - LOW >= 1000 else 1024
    for _ in range(1000):
        port = random.randint(low, high)
        if port in _given:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _given.add(port)
        return port
    raise RuntimeError(f"no free TCP port on 127.0.0.1 between {low} and {high}")
