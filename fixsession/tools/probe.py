"""Driving a FIX peer with exactly the bytes you choose: a raw client, live replay, a script.

Owns ``RawClient`` (a connection that follows no rules of its own: it sends the frames it is
given, crafted Logons included, and reads what comes back), ``replay_live`` (a capture's
client side sent to an acceptor at HOST:PORT, its replies compared with the captured ones)
and ``ScriptedAcceptor`` (a capture's acceptor side played to a gateway under test). Fuzzing
an acceptor with malformed frames is ``fuzzer``. The rules live in the core; this module only
moves bytes and time.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import ssl
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixsession import binance, sbe, sbe_schema, sbefix
from fixsession.captures import RECEIVED, SENT, Record, with_directions, with_times
from fixsession.errors import BinanceError, RequestError
from fixsession.framing import Framer, Garbled, is_frame
from fixsession.message import Message, byte_sum
from fixsession.spec import Tag
from fixsession.tools.replay import IGNORED, VENUE_IDS, compare, compare_streams, infer_role
from fixsession.transport import open_stream

Item = bytes | Garbled


def wrap(body: bytes) -> bytes:
    """A frame around ``body`` (the fields from MsgType on, SOH-terminated)."""
    head = b"8=FIX.4.4\x019=%d\x01" % len(body)
    return head + body + b"10=%03d\x01" % (byte_sum(head + body) % 256)


class RawClient:
    """A FIX connection with no rules: ``frame`` builds frames with this client's header
    (MsgSeqNum counted unless given), ``send`` writes bytes as they are, ``receive`` reads
    the next frame or garbled region."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        comp_id: str,
        api_key: str = "",
        private_key: Ed25519PrivateKey | None = None,
        target_comp_id: str = "SPOT",
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.comp_id = comp_id
        self.api_key = api_key
        self.private_key = private_key
        self.target_comp_id = target_comp_id
        self.seq = 1
        self._framer = Framer()
        self._items: collections.deque[Item] = collections.deque()
        self.eof = False

    @classmethod
    async def open(
        cls,
        host: str,
        port: int,
        *,
        tls: ssl.SSLContext | None,
        server_hostname: str | None = None,
        **options: object,
    ) -> RawClient:
        """Connect (TCP or TLS) to an acceptor; not logged on yet."""
        reader, writer = await open_stream(host, port, tls, server_hostname)
        return cls(reader, writer, **options)  # type: ignore[arg-type]

    def frame(
        self,
        msg_type: str,
        body: str = "",
        *,
        seq: int | None = None,
        comp_id: str | None = None,
        sending_time: str | None = None,
    ) -> bytes:
        """A frame with this client's header; ``body`` is fields with ``|`` for SOH."""
        if seq is None:
            seq, self.seq = self.seq, self.seq + 1
        sending_time = sending_time or binance.format_sending_time(time.time(), 3)
        head = (
            f"35={msg_type}|34={seq}|49={comp_id or self.comp_id}|52={sending_time}|"
            f"56={self.target_comp_id}|"
        )
        return wrap((head + body).replace("|", "\x01").encode())

    def logon_frame(
        self,
        *,
        heart_bt_int: int = 30,
        reset: str = "Y",
        extra: str = "",
        sending_time: str | None = None,
        key: Ed25519PrivateKey | None = None,
        api_key: str | None = None,
    ) -> bytes:
        """A Logon signed with the client's key (or ``key``)."""
        key = key or self.private_key
        if key is None:
            raise ValueError("a Logon needs a private key")
        seq, self.seq = self.seq, self.seq + 1
        sending_time = sending_time or binance.format_sending_time(time.time(), 3)
        signature = binance.sign_logon(key, self.comp_id, self.target_comp_id, seq, sending_time)
        body = (
            f"95={len(signature)}|96={signature}|98=0|108={heart_bt_int}|141={reset}|"
            f"553={api_key if api_key is not None else self.api_key}|25035=2|{extra}"
        )
        return self.frame("A", body, seq=seq, sending_time=sending_time)

    def send(self, data: bytes) -> None:
        """Write ``data`` as it is."""
        self.writer.write(data)

    async def receive(self, timeout: float = 10.0) -> Item:
        """The next frame (bytes) or garbled region; ``EOFError`` once the peer has closed
        and everything is read, ``TimeoutError`` if nothing comes."""
        async with asyncio.timeout(timeout):
            while not self._items:
                if self.eof:
                    raise EOFError("the acceptor closed the connection")
                try:
                    data = await self.reader.read(65536)
                except (ConnectionError, ssl.SSLError):
                    data = b""
                if not data:
                    self.eof = True
                    self._items.extend(self._close())
                else:
                    self._items.extend(self._feed(data))
        return self._items.popleft()

    def _feed(self, data: bytes) -> list[Item]:
        """The items ``data`` completes."""
        return self._framer.feed(data)

    def _close(self) -> list[Item]:
        """What is left at the end of the stream."""
        return self._framer.close()

    async def receive_message(self, timeout: float = 10.0) -> Message:
        """The next frame, decoded (ValueError for a garbled one)."""
        item = await self.receive(timeout)
        if isinstance(item, Garbled):
            raise ValueError(f"garbled: {item.error.text}")
        return Message.decode(item)

    def close(self) -> None:
        """Close the connection."""
        with contextlib.suppress(Exception):
            self.writer.close()


class SbeRawClient(RawClient):
    """A ``RawClient`` for Binance's FIX SBE ports: the FIX frames it is given to send go out
    as the SBE messages they stand for (``send_sbe``: port 9002; else FIX, port 9001, whose
    Logon then names the schema), other bytes as they are; what arrives is SBE, handed back
    as the FIX frame each message stands for (an SBE fault as ``Garbled`` with its error)."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, **options: Any
    ) -> None:
        self.send_sbe: bool = options.pop("send_sbe", True)
        super().__init__(reader, writer, **options)
        self._sbe = sbe.SbeFramer()
        self._fields = sbefix.SessionFields(
            local_comp_id=self.comp_id, peer_comp_id=self.target_comp_id
        )

    def logon_frame(self, **options: Any) -> bytes:
        if not self.send_sbe:  # port 9001: the FIX Logon asks for SBE answers
            options["extra"] = options.get("extra", "") + (
                f"25050={sbe_schema.SCHEMA_ID}|25051={sbe_schema.SCHEMA_VERSION}|"
            )
        return super().logon_frame(**options)

    def send(self, data: bytes) -> None:
        if self.send_sbe and is_frame(data):
            with contextlib.suppress(ValueError):  # (what SBE cannot carry goes as it is)
                data = sbefix.to_sbe(Message.decode(data), from_venue=False)
        self.writer.write(data)

    def _feed(self, data: bytes) -> list[Item]:
        return [self._as_fix(item) for item in self._sbe.feed(data)]

    def _close(self) -> list[Item]:
        return []  # (a message cut short by the end is not one)

    def _as_fix(self, item: sbe.SbeItem) -> Item:
        if isinstance(item, sbe.SbeGarbled):
            return Garbled(0, item.length, cast(RequestError, item.error), b"")
        try:
            return sbefix.to_fix(item, self._fields).encode()
        except BinanceError as error:
            return Garbled(0, item.length, cast(RequestError, error), b"")


# -- live replay ---------------------------------------------------------------------------------


@dataclass
class LiveReplay:
    """What an acceptor answered to a capture's client side, compared with the capture."""

    captured: list[Record]
    replayed: list[bytes]
    findings: list[str]


def _rewrite(frame: bytes, client: RawClient, now: float) -> bytes:
    """A captured client frame made current: SendingTime now, a Logon signed again with the
    given key and API key. Garbled frames are sent as they were."""
    if not is_frame(frame):
        return frame
    message = Message.decode(frame)
    sending_time = binance.format_sending_time(now, 3)
    fields = [(tag, sending_time if tag == Tag.SENDING_TIME else value) for tag, value in message]
    if message.msg_type == "A" and client.private_key is not None:
        seq = message.get_int(Tag.MSG_SEQ_NUM) or 1
        sender = message.get(Tag.SENDER_COMP_ID) or client.comp_id
        target = message.get(Tag.TARGET_COMP_ID) or client.target_comp_id
        signature = binance.sign_logon(client.private_key, sender, target, seq, sending_time)
        replaced: dict[int, str] = {
            Tag.RAW_DATA: signature,
            Tag.RAW_DATA_LENGTH: str(len(signature)),
        }
        if client.api_key:
            replaced[Tag.USERNAME] = client.api_key
        fields = [(tag, replaced.get(tag, value)) for tag, value in fields]
    return Message(message.msg_type, fields).encode()


async def replay_live(
    records: Sequence[Record],
    client_factory: Callable[[], Awaitable[RawClient]],
    *,
    reply_timeout: float = 5.0,
    pace: bool = True,
    ignored: frozenset[int] = IGNORED | VENUE_IDS,
) -> LiveReplay:
    """Send a capture's client side to an acceptor and compare its replies.

    Client frames go out at the captured pace (``pace``) with SendingTime made current and
    Logons signed again; after each, the replies the capture shows before the next client
    frame are awaited (at most ``reply_timeout`` each) and compared field by field, ignoring
    ``ignored`` (by default what any replay ignores, and the IDs the acceptor assigns).
    """
    records = with_times(with_directions(records))
    client_side = SENT if infer_role(records) == "initiator" else RECEIVED
    captured_replies = [r for r in records if r.direction != client_side]
    client = await client_factory()
    replies: list[bytes] = []
    started = time.monotonic()
    first = (records[0].timestamp or 0.0) if records else 0.0
    try:
        for index, record in enumerate(records):
            if record.direction != client_side:
                continue
            if pace and record.timestamp is not None:
                delay = (record.timestamp - first) - (time.monotonic() - started)
                if delay > 0:
                    await asyncio.sleep(delay)
            client.send(_rewrite(record.data, client, time.time()))
            expected = 0
            for later in records[index + 1 :]:
                if later.direction == client_side:
                    break
                expected += 1
            gap = _gap(records, index) if pace else 0.0
            for _ in range(expected):
                try:
                    item = await client.receive(reply_timeout + gap)
                except (EOFError, TimeoutError):
                    break
                replies.append(item if isinstance(item, bytes) else b"")
    finally:
        client.close()
    findings = compare_streams(captured_replies, replies, "reply", ignored=ignored)
    return LiveReplay(captured_replies, replies, findings)


def _gap(records: Sequence[Record], index: int) -> float:
    """How long the capture waited between record ``index`` and the next client frame."""
    start = records[index].timestamp or 0.0
    for later in records[index + 1 :]:
        if later.direction == records[index].direction:
            return max(0.0, (later.timestamp or start) - start)
    return max(0.0, (records[-1].timestamp or start) - start)


# -- a scripted acceptor -------------------------------------------------------------------------


class ScriptedAcceptor:
    """Plays the acceptor's side of a capture to whatever connects, and compares what the
    client sends with the capture's client side: a gateway's test without an exchange.

    The client's frames are compared field by field, ignoring what legitimately differs
    (SendingTime, the signature, the API key, BodyLength, CheckSum, venue IDs); the
    acceptor's frames go out with SendingTime made current and TargetCompID set to the
    client's SenderCompID. Heartbeats the client sends on its own timer are skipped. The
    Logon's signature is not verified: this is a script, not an exchange.

    ``pace`` keeps the capture's timing: an acceptor frame goes out no sooner than its gap
    after the record before it in the capture (divided by ``pace``: 1.0 is the capture's own
    speed, 10.0 ten times faster), so a TestRequest or Logout that came after a silence comes
    after one again. None (the default) plays every acceptor frame as soon as it is due.
    """

    def __init__(
        self,
        records: Sequence[Record],
        *,
        ignored: frozenset[int] = IGNORED | VENUE_IDS | {Tag.USERNAME},
        reply_timeout: float = 10.0,
        pace: float | None = None,
    ) -> None:
        if pace is not None and pace <= 0:
            raise ValueError("pace must be positive (1.0 plays at the capture's speed)")
        records = with_times(with_directions(records))
        self.pace = pace
        self.client_side = SENT if infer_role(records) == "initiator" else RECEIVED
        self.records = records
        self.ignored = ignored
        self.reply_timeout = reply_timeout
        self.findings: list[str] = []
        self.received: list[bytes] = []
        self._server: asyncio.Server | None = None
        self._done = asyncio.Event()
        self.address: tuple[str, int] | None = None

    async def start(
        self, host: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None
    ) -> tuple[str, int]:
        """Listen on loopback; ``host`` and ``port`` say where."""
        self._server = await asyncio.start_server(self._handle, host, port, ssl=tls)
        bound = self._server.sockets[0].getsockname()
        self.address = (str(bound[0]), int(bound[1]))
        return self.address

    async def finish(self, timeout: float = 10.0) -> list[str]:
        """Wait for the script to end (the capture played out, or the client gone); the
        findings. Stops listening."""
        try:
            await asyncio.wait_for(self._done.wait(), timeout)
        except TimeoutError:
            self.findings.append(f"the script did not finish within {timeout:g} s")
        if self._server is not None:
            self._server.close()
        return self.findings

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = RawClient(reader, writer, comp_id="SPOT")
        client_id = ""
        expected = [r for r in self.records if r.direction == self.client_side]
        position = 0
        # The capture time of the record played or received last, and when that happened.
        captured: float | None = None
        played = time.monotonic()
        try:
            for record in self.records:
                if record.direction != self.client_side:
                    if self.pace is not None and captured is not None:
                        gap = (record.timestamp or 0.0) - captured
                        await asyncio.sleep(played + gap / self.pace - time.monotonic())
                    writer.write(_as_acceptor(record.data, client_id, time.time()))
                    await writer.drain()
                    captured, played = record.timestamp or 0.0, time.monotonic()
                    continue
                data = await self._next_from_client(peer, record.data)
                captured, played = record.timestamp or 0.0, time.monotonic()
                if data is None:
                    self.findings.append(
                        f"client message {position} was captured but not sent "
                        f"({len(expected)} captured, {position} sent)"
                    )
                    break
                self.received.append(data)
                client_id = client_id or (Message.decode(data).get(Tag.SENDER_COMP_ID) or "")
                difference = compare(record.data, data, self.ignored)
                if difference is not None and len(self.findings) < 10:
                    self.findings.append(f"client message {position}: {difference}")
                position += 1
        except (ConnectionError, ssl.SSLError, ValueError) as error:
            self.findings.append(f"the connection failed: {error}")
        finally:
            writer.close()
            self._done.set()

    async def _next_from_client(self, peer: RawClient, captured: bytes) -> bytes | None:
        heartbeat = b"\x0135=0\x01"
        while True:
            try:
                item = await peer.receive(self.reply_timeout)
            except (EOFError, TimeoutError):
                return None
            data = item if isinstance(item, bytes) else b""
            if heartbeat in data and b"\x01112=" not in data and heartbeat not in captured:
                continue  # the client's own heartbeat timer
            return data


def _as_acceptor(frame: bytes, client_id: str, now: float) -> bytes:
    """A captured acceptor frame made current: SendingTime now, TargetCompID the client's."""
    if not is_frame(frame):
        return frame
    message = Message.decode(frame)
    sending_time = binance.format_sending_time(now, 6)
    return message.replace(
        [(Tag.SENDING_TIME, sending_time)]
        + ([(Tag.TARGET_COMP_ID, client_id)] if client_id else [])
    ).encode()
