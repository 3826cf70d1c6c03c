"""The few SMPP 3.4 PDUs a transmitter needs, encoded and decoded by hand (no SMPP library).

A PDU is a 16-byte header — ``command_length``, ``command_id``, ``command_status``,
``sequence_number``, all big-endian unsigned 32-bit — and a body of C-strings (NUL-terminated),
single bytes and optional TLVs (tag, length, value). Shared by the SMPP receiver and the loopback
SMSC in ``binrelay_devservers.smsc``.
"""

from __future__ import annotations

import asyncio
import struct
from dataclasses import dataclass, field

GENERIC_NACK = 0x80000000
BIND_TRANSMITTER = 0x00000002
BIND_TRANSMITTER_RESP = 0x80000002
SUBMIT_SM = 0x00000004
SUBMIT_SM_RESP = 0x80000004
UNBIND = 0x00000006
UNBIND_RESP = 0x80000006
ENQUIRE_LINK = 0x00000015
ENQUIRE_LINK_RESP = 0x80000015

# command_status values (SMPP 3.4 §5.1.3) used here
ESME_ROK = 0x00
ESME_RINVMSGLEN = 0x01
ESME_RSYSERR = 0x08
ESME_RINVSRCADR = 0x0A
ESME_RINVDSTADR = 0x0B
ESME_RBINDFAIL = 0x0D
ESME_RINVPASWD = 0x0E
ESME_RINVSYSID = 0x0F
ESME_RMSGQFUL = 0x14
ESME_RTHROTTLED = 0x58

TLV_MESSAGE_PAYLOAD = 0x0424
DATA_CODING_LATIN1 = 0x03
DATA_CODING_UCS2 = 0x08
HEADER = struct.Struct(">IIII")
MAX_PDU = 64 * 1024


@dataclass
class Pdu:
    command_id: int
    status: int = 0
    sequence: int = 0
    body: bytes = b""

    def encode(self) -> bytes:
        return HEADER.pack(HEADER.size + len(self.body), self.command_id, self.status, self.sequence) + self.body


async def read_pdu(reader: asyncio.StreamReader) -> Pdu:
    head = await reader.readexactly(HEADER.size)
    length, command_id, status, sequence = HEADER.unpack(head)
    if not HEADER.size <= length <= MAX_PDU:
        raise ValueError("bad PDU length")
    body = await reader.readexactly(length - HEADER.size)
    return Pdu(command_id, status, sequence, body)


def cstr(value: str) -> bytes:
    return value.encode("ascii", "replace") + b"\x00"


class Cursor:
    """Reads a PDU body field by field."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.pos = 0

    def cstr(self) -> str:
        end = self.body.index(b"\x00", self.pos)
        value = self.body[self.pos : end].decode("ascii", "replace")
        self.pos = end + 1
        return value

    def byte(self) -> int:
        value = self.body[self.pos]
        self.pos += 1
        return value

    def take(self, n: int) -> bytes:
        value = self.body[self.pos : self.pos + n]
        self.pos += n
        return value

    def tlvs(self) -> dict[int, bytes]:
        found = {}
        while self.pos + 4 <= len(self.body):
            tag, length = struct.unpack(">HH", self.body[self.pos : self.pos + 4])
            self.pos += 4
            found[tag] = self.take(length)
        return found


def bind_transmitter(system_id: str, password: str, sequence: int) -> Pdu:
    body = cstr(system_id) + cstr(password) + cstr("") + bytes([0x34, 0, 0]) + cstr("")
    return Pdu(BIND_TRANSMITTER, 0, sequence, body)


def encode_text(text: str) -> tuple[int, bytes]:
    """Latin-1 when the text fits it, else UCS-2 (UTF-16BE)."""
    try:
        return DATA_CODING_LATIN1, text.encode("latin-1")
    except UnicodeEncodeError:
        return DATA_CODING_UCS2, text.encode("utf-16-be")


def decode_text(data_coding: int, data: bytes) -> str:
    if data_coding == DATA_CODING_UCS2:
        return data.decode("utf-16-be", "replace")
    return data.decode("latin-1", "replace")


def submit_sm(source: str, destination: str, text: str, sequence: int) -> Pdu:
    coding, payload = encode_text(text)
    number = destination.lstrip("+")
    head = (
        cstr("")  # service_type
        + bytes([5, 0]) + cstr(source)  # source: alphanumeric
        + bytes([1, 1]) + cstr(number)  # destination: international, E.164
        + bytes([0, 0, 0])  # esm_class, protocol_id, priority_flag
        + cstr("") + cstr("")  # schedule_delivery_time, validity_period
        + bytes([0, 0, coding, 0])  # registered_delivery, replace_if_present, data_coding, sm_default_msg_id
    )
    if len(payload) <= 140:
        body = head + bytes([len(payload)]) + payload
    else:  # long text: the whole message in the message_payload TLV (the SMSC segments it)
        body = head + bytes([0]) + struct.pack(">HH", TLV_MESSAGE_PAYLOAD, len(payload)) + payload
    return Pdu(SUBMIT_SM, 0, sequence, body)


@dataclass
class Submitted:
    source: str
    destination: str
    text: str
    data_coding: int
    tlvs: dict[int, bytes] = field(default_factory=dict)


def parse_submit_sm(body: bytes) -> Submitted:
    c = Cursor(body)
    c.cstr()
    c.byte(), c.byte()
    source = c.cstr()
    c.byte(), c.byte()
    destination = c.cstr()
    c.byte(), c.byte(), c.byte()
    c.cstr(), c.cstr()
    c.byte(), c.byte()
    coding = c.byte()
    c.byte()
    length = c.byte()
    short = c.take(length)
    tlvs = c.tlvs()
    data = tlvs.get(TLV_MESSAGE_PAYLOAD, short)
    return Submitted(source, destination, decode_text(coding, data), coding, tlvs)
