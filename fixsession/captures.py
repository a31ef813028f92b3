"""Capture formats: FIX traffic as it was recorded, in four formats, and redaction.

Owns the formats and their detection: ``raw`` (the SOH byte stream as it crossed the wire),
``text`` (documentation style, ``|`` for SOH, one message per line), ``quickfix`` (QuickFIX's
message-log lines, ``TIMESTAMP : message``) and ``fixlog`` (fixsession's own lines,
``TIMESTAMP > message`` for sent and ``<`` for received, ``|`` for SOH, other unprintable bytes
escaped, RawData(96) redacted). FIX SBE traffic is written in fixlog as ``sbe `` and the
message's bytes in hex (RawData masked likewise), so any bytes round-trip. A capture reads back
as ``Record``s: the bytes of one frame (or one garbled region), its direction when known, its
time, and whether it is SBE. Bytes in, records out, and back: no files (``recording`` reads and
writes them), no FIX rules beyond framing.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Final

from fixsession import _moved, binance, sbe
from fixsession.errors import BinanceError, CaptureError
from fixsession.framing import Framer, Garbled
from fixsession.message import byte_sum, raw_data_end, raw_data_length_of

SOH: Final = b"\x01"
SENT: Final = ">"
RECEIVED: Final = "<"
EXTENSIONS: Final = {".fix": "raw", ".txt": "text", ".log": "quickfix", ".fixlog": "fixlog"}
"""What the file name says about the format (detection by content wins when they disagree)."""


class Format(enum.StrEnum):
    """A capture file's format: raw bytes, text lines, QuickFIX's log, or fixlog."""

    RAW = "raw"
    TEXT = "text"
    QUICKFIX = "quickfix"
    FIXLOG = "fixlog"


@dataclass(frozen=True, slots=True)
class Record:
    """One frame of a capture (or one garbled region: ``data`` is always what crossed).

    ``direction`` is ``">"`` for what the recording side sent and ``"<"`` for what it
    received, None when the format does not say; ``timestamp`` is epoch seconds, or None;
    ``sbe``: the bytes are FIX SBE (one message as its SOFH delimits it, or what could not be).
    """

    data: bytes
    direction: str | None = None
    timestamp: float | None = None
    sbe: bool = False


# -- reading ------------------------------------------------------------------------------------

_STAMP: Final = rb"\d{8}-\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?"
_QUICKFIX_LINE: Final = re.compile(rb"(" + _STAMP + rb") : (.*)")
_FIXLOG_LINE: Final = re.compile(rb"(" + _STAMP + rb") ([<>]) (.*)")
_ESCAPE: Final = re.compile(rb"\\(x[0-9a-fA-F]{2}|\\)")


def detect(data: bytes) -> Format:
    """The format of a capture, from its first line."""
    first = data.lstrip(b"\r\n").split(b"\n", 1)[0].rstrip(b"\r")
    if _FIXLOG_LINE.fullmatch(first):
        return Format.FIXLOG
    if _QUICKFIX_LINE.fullmatch(first):
        return Format.QUICKFIX
    if SOH in first or not first:
        return Format.RAW
    if first.startswith(b"8=") and b"|" in first:
        return Format.TEXT
    raise CaptureError(
        "not a FIX capture fixsession can read (raw SOH bytes, '|' text, QuickFIX message "
        "log or fixsession log lines)"
    )


def parse(data: bytes, format: Format | str | None = None) -> list[Record]:
    """The records of a capture held in ``data`` (format detected when not given)."""
    kind = detect(data) if format is None else Format(format)
    if kind is Format.RAW:
        return [Record(_item_bytes(item, data)) for item in _frames(data)]
    records = []
    for number, line in enumerate(data.split(b"\n"), 1):
        line = line.rstrip(b"\r")
        if not line.strip():
            continue
        if kind is Format.TEXT:
            records.append(Record(line.replace(b"|", SOH)))
            continue
        pattern = _QUICKFIX_LINE if kind is Format.QUICKFIX else _FIXLOG_LINE
        found = pattern.fullmatch(line)
        if found is None:
            raise CaptureError(f"line {number} is not a {kind.value} line: {line[:60]!r}")
        timestamp = binance.parse_sending_time(found.group(1).decode())
        if kind is Format.QUICKFIX:
            records.append(Record(found.group(2), None, timestamp))
        elif found.group(3).startswith(SBE_MARK):
            text = found.group(3)[len(SBE_MARK) :]
            try:
                data = bytes.fromhex(text.decode("ascii"))
            except ValueError:
                raise CaptureError(f"line {number}: not hex after 'sbe ': {text[:60]!r}") from None
            records.append(Record(data, found.group(2).decode(), timestamp, sbe=True))
        else:
            records.append(Record(_unescape(found.group(3)), found.group(2).decode(), timestamp))
    return records


def _frames(data: bytes) -> list[bytes | Garbled]:
    framer = Framer(max_frame_size=max(64, len(data) + 64))
    return framer.feed(data) + framer.close()


def _item_bytes(item: bytes | Garbled, data: bytes) -> bytes:
    if isinstance(item, Garbled):
        return data[item.offset : item.offset + item.length]
    return item


def _unescape(text: bytes) -> bytes:
    def one(found: re.Match[bytes]) -> bytes:
        code = found.group(1)
        return b"\\" if code == b"\\" else bytes([int(code[1:], 16)])

    return _ESCAPE.sub(one, text.replace(b"|", SOH))


# -- directions and times -------------------------------------------------------------------------


def with_directions(records: Iterable[Record]) -> list[Record]:
    """Records with a direction each, as the initiator would have recorded them.

    Where the capture gives none, a frame whose SenderCompID(49) is the one that sent the
    first Logon is ``">"``, any other is ``"<"``; a garbled region without a readable
    SenderCompID follows the record before it.
    """
    records = list(records)
    if all(record.direction is not None for record in records):
        return records
    initiator = next(
        (sender for record in records if peek(record.data, 35) == "A"
         and (sender := peek(record.data, 49)) is not None),
        None,
    )  # fmt: skip
    out: list[Record] = []
    previous = SENT
    for record in records:
        direction = record.direction
        if direction is None:
            sender = peek(record.data, 49)
            direction = previous if sender is None else SENT if sender == initiator else RECEIVED
        previous = direction
        out.append(replace(record, direction=direction))
    return out


def with_times(records: Iterable[Record]) -> list[Record]:
    """Records with a time each: SendingTime(52) where the capture gives none, else the time
    of the record before (0.0 for a capture with no time at all)."""
    out: list[Record] = []
    previous = 0.0
    for record in records:
        timestamp = record.timestamp
        if timestamp is None:
            sending_time = peek(record.data, 52)
            parsed = binance.parse_sending_time(sending_time) if sending_time else None
            timestamp = parsed if parsed is not None else previous
        previous = timestamp
        out.append(replace(record, timestamp=timestamp))
    return out


def peek(data: bytes, tag: int) -> str | None:
    """A field's value read straight from a frame's bytes (its first occurrence), or None;
    for frames that may be garbled, where decoding the message would fail."""
    marker = b"\x01%d=" % tag
    start = data.find(marker)
    if start < 0:
        return None
    start += len(marker)
    end = data.find(SOH, start)
    return data[start:end].decode("utf-8", "replace") if end >= 0 else None


# -- writing ------------------------------------------------------------------------------------


def redact(data: bytes) -> bytes:
    """``data`` (a frame, a garbled region, any bytes) with every RawData(96) value (a Logon's
    signature) replaced by ``*``s of the same length, also where it is cut off, and where
    ``data`` begins with the field (a region that starts right after a frame's end); see
    ``set_raw_data`` for CheckSum(10)."""
    if data.startswith(_RAW_DATA_FIELD[1:]):
        return set_raw_data(SOH + data)[1:]
    return set_raw_data(data)


def redact_sbe(data: bytes, value: bytes | None = None) -> bytes:
    """SBE bytes with a Logon's RawData (its signature) replaced by ``value`` if as long, or
    by ``*``s; a Logon cut short or unreadable has everything after its fixed block masked
    (wherever RawData would be). Anything else is returned as it is."""
    if len(data) < sbe.PREFIX or data[8:10] != _SBE_LOGON:
        return data
    try:
        signature = sbe.decode(data).values.get("RawData")
    except BinanceError:
        start = min(len(data), sbe.PREFIX + int.from_bytes(data[6:8], "little"))
        return data[:start] + b"*" * (len(data) - start)
    if not signature:
        return data
    raw = signature.encode()
    at = data.rfind(raw)
    if at < 0 or (value is not None and len(value) != len(raw)):
        return data
    return data[:at] + (value if value is not None else b"*" * len(raw)) + data[at + len(raw) :]


_SBE_LOGON: Final = (20008).to_bytes(2, "little")
SBE_MARK: Final = b"sbe "


def set_raw_data(frame: bytes, value: bytes | None = None) -> bytes:
    """``frame`` with RawData(96)'s value replaced by ``value`` if it is as long (the first
    RawData only), or, when ``value`` is None, every RawData value by ``*``s.

    A value runs as far as its RawDataLength(95) says, else to the next SOH, else to the end
    of ``frame`` (a truncated Logon). CheckSum(10), when the frame ends with one, moves by
    what the change added to the byte sum: a right CheckSum stays right, and a wrong one
    stays exactly as wrong (a garbled frame must not come out valid).
    """
    start = frame.find(_RAW_DATA_FIELD)
    if start < 0:
        return frame
    trailer = _TRAILER.search(frame)
    body_end = trailer.start() + 1 if trailer is not None else len(frame)
    out = bytearray(frame)
    while start >= 0:
        value_start = start + len(_RAW_DATA_FIELD)
        end = raw_data_end(frame, value_start, _declared_length(frame, start), body_end)
        end = len(frame) if end < 0 else end
        if value is None:
            out[value_start:end] = b"*" * (end - value_start)
        elif len(value) == end - value_start:
            out[value_start:end] = value
            break
        else:
            return frame
        start = frame.find(_RAW_DATA_FIELD, end)
    if trailer is not None and end <= trailer.start():
        delta = byte_sum(bytes(out[: trailer.start()])) - byte_sum(frame[: trailer.start()])
        checksum = (int(trailer.group(1)) + delta) % 256
        out[trailer.start() + 4 : trailer.start() + 7] = b"%03d" % checksum
    return bytes(out)


_RAW_DATA_FIELD: Final = SOH + b"96="
_TRAILER: Final = re.compile(rb"\x0110=([0-9]{3})\x01\Z")


def _declared_length(frame: bytes, raw_data: int) -> int:
    """The length RawDataLength(95) gives the RawData whose field starts at ``raw_data``
    (its SOH), when 95 is the field right before it; else -1."""
    previous = frame.rfind(SOH, 0, raw_data)
    field = frame[previous + 1 : raw_data]
    return raw_data_length_of(field[3:]) if field.startswith(b"95=") else -1


class SbePieces:
    """A FIX SBE byte stream cut into records: each message as its SOFH delimits it
    (whatever its content); after a SOFH that cannot be followed, the rest of the stream in
    pieces of at most ``_SBE_PIECE_LIMIT`` bytes (1 MiB)."""

    def __init__(self) -> None:
        self.pending = bytearray()
        self.lost = False  # a bad SOFH: no message boundary can be trusted any more

    def take(self, data: bytes, close: bool) -> list[bytes]:
        """The messages and pieces ``data`` completes (all that is left on close)."""
        pending = self.pending
        pending += data
        out = []
        while not self.lost and len(pending) >= sbe.SOFH.size:
            length, encoding = sbe.SOFH.unpack_from(pending)
            if encoding != sbe.ENCODING_TYPE or not sbe.PREFIX <= length <= _SBE_PIECE_LIMIT:
                self.lost = True
                break
            if len(pending) < length:
                break
            out.append(bytes(pending[:length]))
            del pending[:length]
        if pending and (close or (self.lost and len(pending) >= _SBE_PIECE_LIMIT)):
            out.append(bytes(pending))
            pending.clear()
        return out


_SBE_PIECE_LIMIT: Final = 1 << 20


def format_record(record: Record, format: Format | str = Format.FIXLOG) -> bytes:
    """One record as it is written in ``format`` (a line, except for raw)."""
    kind = Format(format)
    if kind is Format.RAW:
        return record.data
    if kind is Format.TEXT:
        return record.data.replace(SOH, b"|") + b"\n"
    stamp = binance.format_sending_time(record.timestamp or 0.0, 6).encode()
    if kind is Format.QUICKFIX:
        return stamp + b" : " + record.data + b"\n"
    direction = (record.direction or SENT).encode()
    if record.sbe:
        text = SBE_MARK + redact_sbe(record.data).hex().encode()
    else:
        text = _escape(redact(record.data))
        if text.startswith(SBE_MARK):  # FIX bytes that would read back as an SBE line
            text = b"\\x73" + text[1:]
    return stamp + b" " + direction + b" " + text + b"\n"


_PLAIN: Final = frozenset(range(0x20, 0x7F)) - {ord("|"), ord("\\")}
_WRITTEN_AS_IS: Final = bytes(sorted(_PLAIN | {1}))


def _escape(data: bytes) -> bytes:
    if not data.translate(None, _WRITTEN_AS_IS):
        return data.replace(SOH, b"|")
    out = bytearray()
    for byte in data:
        if byte == 1:
            out += b"|"
        elif byte == ord("\\"):
            out += b"\\\\"
        elif byte in _PLAIN:
            out.append(byte)
        else:
            out += b"\\x%02x" % byte
    return bytes(out)


def __getattr__(name: str) -> object:  # names that moved elsewhere: old imports keep working
    return _moved.attribute(__name__, name)
