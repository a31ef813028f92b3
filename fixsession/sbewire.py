"""A session's bytes when one direction or both are FIX SBE (Binance's ports 9001 and 9002).

Owns which encoding each direction uses (``Encoding``) and ``SbeWire``, which stands where a
session's ``framing.Framer`` stands: what arrives in SBE is framed by ``sbe.SbeFramer`` and
handed on as the FIX frame it stands for (``sbefix.to_fix``), so every session rule applies
unchanged; what a session sends is turned into SBE (``sbefix.to_sbe``) as it is queued. An
SBE fault becomes a ``framing.Garbled`` with Binance's error, as a garbled FIX frame does.
No I/O, no clock.
"""

from __future__ import annotations

import enum
from typing import Final

from fixsession import sbe, sbefix
from fixsession.errors import BinanceError, RequestError
from fixsession.framing import Framer, Garbled, Item
from fixsession.message import Message

_LOGON: Final = b"\x0135=A\x01"  # in a frame's first 32 bytes when it is a Logon
_MARKET_DATA_REQUEST: Final = b"\x0135=V\x01"


class Encoding(enum.StrEnum):
    """What goes each way: ``fix`` (port 9000), ``sbe-responses`` (port 9001: FIX requests,
    SBE responses; the Logon names the schema in SbeSchemaId(25050)/SbeSchemaVersion(25051)),
    ``sbe`` (port 9002: SBE both ways)."""

    FIX = "fix"
    SBE_RESPONSES = "sbe-responses"
    SBE = "sbe"

    def sbe_in(self, *, venue: bool) -> bool:
        """Whether the side (``venue`` or gateway) receives SBE."""
        return self is Encoding.SBE or (self is Encoding.SBE_RESPONSES and not venue)

    def sbe_out(self, *, venue: bool) -> bool:
        """Whether the side (``venue`` or gateway) sends SBE."""
        return self is Encoding.SBE or (self is Encoding.SBE_RESPONSES and venue)


class SbeWire:
    """A session's framer and encoder for an encoding with SBE in it (see the module)."""

    def __init__(self, encoding: Encoding, *, venue: bool, max_frame_size: int) -> None:
        self.encoding = encoding
        self.venue = venue
        self.fields = sbefix.SessionFields()
        self._sbe_out = encoding.sbe_out(venue=venue)
        self._fix = None if encoding.sbe_in(venue=venue) else Framer(max_frame_size=max_frame_size)
        self._sbe = sbe.SbeFramer(max_message_size=max_frame_size)
        self._offset = 0

    @property
    def broken(self) -> BinanceError | None:
        """The SBE stream cannot be followed any more (a bad SOFH): why."""
        return self._sbe.broken if self._fix is None else None

    @property
    def pending(self) -> int:
        """Bytes held for the message being waited for."""
        return self._fix.pending if self._fix is not None else self._sbe.buffered

    @property
    def in_garbage(self) -> bool:
        """A garbled FIX region has begun and is not reported yet (never in SBE)."""
        return self._fix is not None and self._fix.in_garbage

    def close(self) -> list[Item]:
        """End of stream: what is left (FIX only: SBE reports faults at once)."""
        return self._fix.close() if self._fix is not None else []

    def feed(self, data: bytes) -> list[Item]:
        """The FIX frames (and faults) that ``data`` completes."""
        if self._fix is not None:
            return self._fix.feed(data)
        items: list[Item] = []
        for item in self._sbe.feed(data):
            offset = self._offset
            if isinstance(item, sbe.SbeGarbled):
                self._offset += item.length
                items.append(_garbled(offset, item.length, item.error))
                continue
            try:
                frame = sbefix.to_fix(item, self.fields).encode()
            except BinanceError as error:
                items.append(_garbled(offset, 0, error))
                continue
            self._offset += len(frame)
            items.append(frame)
        return items

    def fault(self, message: Message) -> RequestError | None:
        """What a venue answering in SBE must refuse in a valid message: a price or quantity
        it could not write back (``sbefix.decimal_fault``)."""
        return sbefix.decimal_fault(message) if self.venue and self._sbe_out else None

    def logged_on(self, message: Message) -> None:
        """The peer's Logon was accepted (a venue learns its options from it)."""
        self.fields.learn_logon(message, from_peer=True)

    def outbound(self, frame: bytes) -> bytes:
        """A frame the session queued, in the encoding the peer reads."""
        logon = not self.venue and _LOGON in frame[:32]  # its CompIDs: the answers lack them
        request = not self.venue and _MARKET_DATA_REQUEST in frame[:32]  # ties market data
        if not (logon or request or self._sbe_out):
            return frame
        message = Message.decode(frame)
        if logon:
            self.fields.learn_logon(message, from_peer=False)
        elif request:
            self.fields.market_data.learn_request(message)
        if not self._sbe_out:
            return frame
        return sbefix.to_sbe(message, from_venue=self.venue, mini_reports=self.fields.mini_reports)


def _garbled(offset: int, length: int, error: BinanceError) -> Garbled:
    assert isinstance(error, RequestError)
    return Garbled(offset, length, error, b"")
