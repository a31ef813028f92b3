"""Driving a FIX acceptor with exactly the bytes you choose: live replay and fuzzing.

Owns ``RawClient`` (a connection that follows no rules of its own: it sends the frames it is
given, crafted Logons included, and reads what comes back), ``replay_live`` (a capture's
client side sent to an acceptor at HOST:PORT, its replies compared with the captured ones)
and ``fuzz`` (malformed frames sent to an acceptor, each followed by a TestRequest probe, and
how the acceptor answered each kind tallied). The rules live in the core; this module only
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

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixsession import binance
from fixsession.captures import RECEIVED, SENT, Record, with_directions, with_times
from fixsession.framing import Framer, Garbled
from fixsession.message import Message, byte_sum
from fixsession.replay import compare_streams, infer_role
from fixsession.spec import Tag

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
        if tls is None:
            reader, writer = await asyncio.open_connection(host, port)
        else:
            reader, writer = await asyncio.open_connection(
                host, port, ssl=tls, server_hostname=server_hostname or host
            )
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
                    self._items.extend(self._framer.close())
                else:
                    self._items.extend(self._framer.feed(data))
        return self._items.popleft()

    async def receive_message(self, timeout: float = 10.0) -> Message:
        item = await self.receive(timeout)
        if isinstance(item, Garbled):
            raise ValueError(f"garbled: {item.error.text}")
        return Message.decode(item)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


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
    items = Framer().feed(frame)
    if len(items) != 1 or items[0] != frame:
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
) -> LiveReplay:
    """Send a capture's client side to an acceptor and compare its replies.

    Client frames go out at the captured pace (``pace``) with SendingTime made current and
    Logons signed again; after each, the replies the capture shows before the next client
    frame are awaited (at most ``reply_timeout`` each) and compared field by field.
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
    findings = compare_streams(captured_replies, replies, "reply")
    return LiveReplay(captured_replies, replies, findings)


def _gap(records: Sequence[Record], index: int) -> float:
    """How long the capture waited between record ``index`` and the next client frame."""
    start = records[index].timestamp or 0.0
    for later in records[index + 1 :]:
        if later.direction == records[index].direction:
            return max(0.0, (later.timestamp or start) - start)
    return max(0.0, (records[-1].timestamp or start) - start)
