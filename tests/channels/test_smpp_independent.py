"""SMPP against an implementation this project did not write: ``smpplib`` (PyPI).

The loopback SMSC decodes with the same PDU module the sender encodes with, so a shared mistake
would cancel out. Here each side meets smpplib instead:

- smpplib's client binds, submits (GSM default alphabet and UCS-2) and sends ``enquire_link``
  to the project's SMSC (binrelay_devservers.smsc);
- the project's SMPP sender talks to a small server that decodes every PDU with smpplib and
  answers with PDUs smpplib encodes: binds, submits (short, Latin-1, long UCS-2 in
  ``message_payload``), ``enquire_link`` both ways, and a re-bind after the server drops the
  connection.
"""

from __future__ import annotations

import asyncio
import struct
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import smpplib.client
import smpplib.consts
import smpplib.smpp

from binrelay_devservers.smsc import SmscState, start_smsc
from binrelay_senders.base import Retryable
from binrelay_senders.providers.smpp import SmppReceiver
from binrelay_senders.registry import make_receiver
from binrelay_shared.events import Channel
from tests.channels.conftest import sender_settings
from tests.channels.servers import job
from tests.conftest import free_port

pytestmark = pytest.mark.integration


async def _until(predicate: Callable[[], Any], timeout: float = 30.0) -> Any:
    """Wait for ``predicate`` to hold (the bound only stops a hang; no assertion races a clock)."""
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, "condition not met"
        await asyncio.sleep(0.02)
    return value


# -- smpplib's client against the project's SMSC ------------------------------------------------


def _smpplib_session(port: int, password: str) -> list[str]:
    """Bind with smpplib, submit two messages, enquire_link, unbind: the answers' command names."""
    client = smpplib.client.Client("127.0.0.1", port, timeout=30, allow_unknown_opt_params=True)
    answers = []
    client.connect()
    try:
        answers.append(client.bind_transmitter(system_id="binrelay", password=password).command)
        for text, coding in (("Alarm: verdachte wagen @ Zavel", smpplib.consts.SMPP_ENCODING_DEFAULT),
                             ("Опасность: inbraak", smpplib.consts.SMPP_ENCODING_ISO10646)):
            payload = text.encode("ascii") if coding == smpplib.consts.SMPP_ENCODING_DEFAULT else text.encode(
                "utf-16-be")
            client.send_message(
                source_addr_ton=smpplib.consts.SMPP_TON_ALNUM, source_addr="BINRelay",
                dest_addr_ton=smpplib.consts.SMPP_TON_INTL, dest_addr_npi=smpplib.consts.SMPP_NPI_ISDN,
                destination_addr="32470000021", short_message=payload, data_coding=coding,
            )
            answers.append(client.read_pdu().command)
        client.send_pdu(smpplib.smpp.make_pdu("enquire_link", client=client))
        answers.append(client.read_pdu().command)
        answers.append(client.unbind().command)
    finally:
        client.disconnect()
    return answers


async def test_smpplib_client_binds_submits_and_enquires_at_the_project_smsc() -> None:
    """Given the project's loopback SMSC,
    when smpplib's client binds, submits a GSM and a UCS-2 message, sends enquire_link and unbinds,
    then every answer is the right response, and the SMSC recorded both texts as written."""
    state = SmscState()
    port = free_port()
    server = await start_smsc(state, port)
    try:
        answers = await asyncio.to_thread(_smpplib_session, port, state.password)
    finally:
        server.close()
    assert answers == ["bind_transmitter_resp", "submit_sm_resp", "submit_sm_resp", "enquire_link_resp",
                       "unbind_resp"]
    assert [(m["to"], m["text"], m["data_coding"]) for m in state.sent] == [
        ("+32470000021", "Alarm: verdachte wagen @ Zavel", 0),
        ("+32470000021", "Опасность: inbraak", 8),
    ]


# -- the project's sender against an smpplib-decoding server ------------------------------------


@dataclass
class SmpplibServer:
    """What the smpplib-decoding server saw, and how it should behave."""

    binds: list[tuple[str, str]] = field(default_factory=list)
    submits: list[dict[str, Any]] = field(default_factory=list)
    enquiries: int = 0
    answered_our_enquiry: list[int] = field(default_factory=list)
    drop_after_submits: int | None = None  # close the connection after answering this many
    connections: int = 0
    writers: list[asyncio.StreamWriter] = field(default_factory=list)


class _Sequence:
    """What smpplib's PDUs ask of a client: a sequence counter (the server's own requests)."""

    sequence = 0

    def next_sequence(self) -> int:
        self.sequence += 1
        return self.sequence


def _answer(name: str, sequence: int, **params: Any) -> bytes:
    pdu = smpplib.smpp.make_pdu(name, client=_Sequence(), **params)
    pdu.sequence = sequence
    pdu.status = smpplib.consts.SMPP_ESME_ROK
    return bytes(pdu.generate())


def _text(pdu: Any) -> str:
    raw = pdu.short_message or getattr(pdu, "message_payload", None) or b""
    return raw.decode("utf-16-be") if pdu.data_coding == smpplib.consts.SMPP_ENCODING_ISO10646 else raw.decode(
        "latin-1")


async def _serve(state: SmpplibServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    state.connections += 1
    state.writers.append(writer)
    try:
        while True:
            head = await reader.readexactly(4)
            (length,) = struct.unpack(">L", head)
            data = head + await reader.readexactly(length - 4)
            pdu = smpplib.smpp.parse_pdu(data, client=_Sequence(), allow_unknown_opt_params=True)
            if pdu.command == "bind_transmitter":
                state.binds.append((pdu.system_id.decode(), pdu.password.decode()))
                writer.write(_answer("bind_transmitter_resp", pdu.sequence, system_id="independent"))
            elif pdu.command == "submit_sm":
                state.submits.append({"to": pdu.destination_addr.decode(), "ton": pdu.dest_addr_ton,
                                      "coding": pdu.data_coding, "text": _text(pdu)})
                writer.write(_answer("submit_sm_resp", pdu.sequence, message_id=f"m{len(state.submits)}"))
                if state.drop_after_submits is not None and len(state.submits) >= state.drop_after_submits:
                    state.drop_after_submits = None
                    await writer.drain()
                    writer.close()
                    return
            elif pdu.command == "enquire_link":
                state.enquiries += 1
                writer.write(_answer("enquire_link_resp", pdu.sequence))
            elif pdu.command == "enquire_link_resp":
                state.answered_our_enquiry.append(pdu.sequence)
            elif pdu.command == "unbind":
                writer.write(_answer("unbind_resp", pdu.sequence))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


@pytest.fixture
async def independent() -> AsyncIterator[tuple[int, SmpplibServer]]:
    state = SmpplibServer()
    port = free_port()
    server = await asyncio.start_server(lambda r, w: _serve(state, r, w), "127.0.0.1", port)
    try:
        yield port, state
    finally:
        server.close()


async def test_the_sender_speaks_smpp_that_smpplib_decodes_and_rebinds_after_a_drop(
    independent: tuple[int, SmpplibServer], redis_url: str
) -> None:
    """Given the project's SMPP sender and a server decoding with smpplib that drops the
    connection after the first submit,
    when three SMS are sent one after another (short GSM, Latin-1, long UCS-2),
    then smpplib reads the bind's credentials, each destination as an international number and
    each text as written (the long one in message_payload), and the sender bound a second time
    after the drop and delivered the rest."""
    port, state = independent
    state.drop_after_submits = 1
    settings = sender_settings(redis_url, sms_transport="smpp")
    receiver = make_receiver(Channel.sms, settings, smpp_port=port, smpp_password="s3cret-independent")
    assert isinstance(receiver, SmppReceiver)
    long_text = "Опасность: " + " ".join(["inbraak bezig, blijf binnen."] * 10)
    texts = ["Alarm: verdachte wagen (test).", "Alerte : véhicule suspect, Place du Grand Sablon.", long_text]
    try:
        ids = []
        for n, text in enumerate(texts):
            for _ in range(5):  # a job the drop interrupts is retried, as the worker would
                try:
                    ids.append(await receiver.send(job(Channel.sms, f"+32 470 00 00 3{n}", text=text)))
                    break
                except Retryable as exc:  # smpp_connection_lost / smpp_not_bound
                    assert "smpp" in str(exc), exc
    finally:
        await receiver.close()
    assert state.binds == [("binrelay", "s3cret-independent")] * 2 and state.connections == 2
    assert [s["text"] for s in state.submits] == texts
    assert {(s["to"], s["ton"]) for s in state.submits} == {
        (f"3247000003{n}", smpplib.consts.SMPP_TON_INTL) for n in range(3)}
    assert [s["coding"] for s in state.submits] == [3, 3, 8]  # Latin-1 while it fits, else UCS-2
    assert ids == ["m1", "m2", "m3"]


async def test_the_sender_keeps_its_session_alive_with_enquire_link_both_ways(
    independent: tuple[int, SmpplibServer], redis_url: str
) -> None:
    """Given the project's SMPP sender bound to the smpplib-decoding server, with a 0.2 s
    keep-alive interval,
    when it sits idle, then the server receives enquire_link PDUs (and answers them);
    when the server sends its own enquire_link, the sender answers with an enquire_link_resp of
    the same sequence number, which smpplib decodes."""
    port, state = independent
    settings = sender_settings(redis_url, sms_transport="smpp")
    receiver = make_receiver(Channel.sms, settings, smpp_port=port, smpp_password="pw",
                             smpp_enquire_link_seconds=0.2)
    try:
        await receiver.send(job(Channel.sms, "+32 470 00 00 40", text="Eerste bericht"))
        await _until(lambda: state.enquiries >= 2)
        server_side = state.writers[-1]
        server_side.write(_answer("enquire_link", 4242))
        await server_side.drain()
        await _until(lambda: state.answered_our_enquiry)
        assert state.answered_our_enquiry == [4242]
        await receiver.send(job(Channel.sms, "+32 470 00 00 41", text="Tweede bericht"))
    finally:
        await receiver.close()
    assert state.connections == 1 and len(state.binds) == 1
    assert [s["text"] for s in state.submits] == ["Eerste bericht", "Tweede bericht"]
