"""A loopback SMSC speaking the SMPP 3.4 subset the SMPP sender uses (transmitter only).

Answers ``bind_transmitter`` (checking system_id and password), ``submit_sm`` (recording the
message, or failing as told), ``enquire_link`` and ``unbind``; anything else gets
``generic_nack``. Like the HTTP gateway it can be told to fail the next n submissions
transiently (``ESME_RTHROTTLED``) or permanently (``ESME_RINVDSTADR``).

``SmscState.sent`` holds the messages accepted; ``SmscState.received`` every ``submit_sm`` that
arrived, repeats and refused ones included, with the status answered (SMPP has no idempotency
key: a repeat is a second SMS), so a test counts what the sender put on the wire
(``submit_counts``). With ``SmscState.delay`` each ``submit_sm_resp`` comes that many seconds
after its request, answered out of the reading loop, so several submissions are outstanding at
once as on a real SMSC; ``SmscState.max_outstanding`` is the most a client had unanswered at one
time (how a test sees the sender's SMPP window).

Run: ``binrelay-devserver smsc --port 2775``.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from binrelay_senders.providers import smpp_pdu as p


@dataclass
class SmscState:
    system_id: str = "binrelay"
    password: str = "dev-smpp"
    sent: list[dict[str, Any]] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    """Every submit_sm that arrived (repeats included): ``{"seq", "to", "text", "status"}``."""
    fail_mode: str | None = None
    fail_count: int = 0
    binds: int = 0
    delay: float = 0.0
    """Seconds before each submit_sm_resp (answered concurrently: a window fills up)."""
    outstanding: int = 0
    max_outstanding: int = 0


def submit_counts(state: SmscState) -> Counter[tuple[str, str]]:
    """How many submit_sm the SMSC received per (destination, text), repeats included."""
    return Counter((r["to"], r["text"]) for r in list(state.received))


def _record_submit(state: SmscState, body: bytes) -> dict[str, Any]:
    """Record a submit_sm on arrival, before deciding its answer (a malformed one: ``to`` None)."""
    record: dict[str, Any] = {"seq": len(state.received), "to": None, "from": None, "text": None,
                              "data_coding": None, "status": None}
    try:
        sm = p.parse_submit_sm(body)
    except Exception:
        pass
    else:
        record.update({"to": "+" + sm.destination, "from": sm.source, "text": sm.text,
                       "data_coding": sm.data_coding})
    state.received.append(record)
    return record


def _answer_submit(
    state: SmscState, pdu: p.Pdu, record: dict[str, Any], bound: bool, writer: asyncio.StreamWriter
) -> None:
    """Write a recorded submit_sm's answer (accepted, or failed as the state says)."""
    state.outstanding -= 1
    answer = b""
    if not bound:
        status = p.ESME_RBINDFAIL
    elif state.fail_count > 0:
        state.fail_count -= 1
        status = p.ESME_RINVDSTADR if state.fail_mode == "permanent" else p.ESME_RTHROTTLED
    elif record["to"] is None:
        raise ValueError("malformed submit_sm")  # as before: the connection is dropped
    elif not 6 <= len(record["to"]) - 1 <= 15 or not record["to"][1:].isdigit():
        status = p.ESME_RINVDSTADR
    else:
        status = p.ESME_ROK
        mid = uuid.uuid4().hex[:16]
        answer = p.cstr(mid)
        state.sent.append({"id": mid, "to": record["to"], "from": record["from"], "text": record["text"],
                           "data_coding": record["data_coding"]})
    record["status"] = status
    writer.write(p.Pdu(p.SUBMIT_SM_RESP, status, pdu.sequence, answer).encode())


async def _answer_later(
    state: SmscState, pdu: p.Pdu, record: dict[str, Any], bound: bool, writer: asyncio.StreamWriter
) -> None:
    await asyncio.sleep(state.delay)
    try:
        _answer_submit(state, pdu, record, bound, writer)
        await writer.drain()
    except (ValueError, ConnectionError):  # malformed, or the client left: drop the connection
        writer.close()


async def _serve_client(state: SmscState, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    bound = False
    answering: set[asyncio.Task[None]] = set()
    try:
        while True:
            pdu = await p.read_pdu(reader)
            if pdu.command_id == p.BIND_TRANSMITTER:
                c = p.Cursor(pdu.body)
                system_id, password = c.cstr(), c.cstr()
                ok = system_id == state.system_id and password == state.password
                bound = ok
                state.binds += ok
                status = p.ESME_ROK if ok else p.ESME_RINVPASWD
                writer.write(p.Pdu(p.BIND_TRANSMITTER_RESP, status, pdu.sequence, p.cstr("binrelay-smsc")).encode())
            elif pdu.command_id == p.SUBMIT_SM:
                record = _record_submit(state, pdu.body)  # on arrival
                state.outstanding += 1
                state.max_outstanding = max(state.max_outstanding, state.outstanding)
                if state.delay:
                    task = asyncio.ensure_future(_answer_later(state, pdu, record, bound, writer))
                    answering.add(task)
                    task.add_done_callback(answering.discard)
                    continue
                _answer_submit(state, pdu, record, bound, writer)
            elif pdu.command_id == p.ENQUIRE_LINK:
                writer.write(p.Pdu(p.ENQUIRE_LINK_RESP, 0, pdu.sequence).encode())
            elif pdu.command_id == p.UNBIND:
                writer.write(p.Pdu(p.UNBIND_RESP, 0, pdu.sequence).encode())
                await writer.drain()
                return
            elif pdu.command_id & 0x80000000:
                continue  # a response (e.g. to our nothing): ignore
            else:
                writer.write(p.Pdu(p.GENERIC_NACK, 0x03, pdu.sequence).encode())  # ESME_RINVCMDID
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def start_smsc(state: SmscState, port: int, host: str = "127.0.0.1") -> asyncio.Server:
    """Start the SMSC in the running event loop; ``server.close()`` stops it."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _serve_client(state, reader, writer)

    return await asyncio.start_server(handle, host, port)
