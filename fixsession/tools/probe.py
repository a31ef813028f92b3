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
import random
import ssl
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixsession import binance, errors
from fixsession.binance import RULES, Limit, Pacer
from fixsession.captures import RECEIVED, SENT, Record, with_directions, with_times
from fixsession.framing import Framer, Garbled, is_frame
from fixsession.message import Message, byte_sum
from fixsession.spec import SessionType, Tag
from fixsession.tools.malformed import Malformed, generate
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


# -- fuzzing -------------------------------------------------------------------------------------

SILENT: Final = "silent drop"
DISCONNECT: Final = "disconnect"
NO_ANSWER: Final = "no answer"


@dataclass
class _Pending:
    index: int
    bad: Malformed
    probe: str
    probe_seq: int
    sent_at: float
    epoch: int  # which correction of the MsgSeqNum count it was sent under
    codes: list[int] = field(default_factory=list)


@dataclass
class FuzzReport:
    """How the acceptor answered each kind of malformed frame.

    ``outcomes[kind]`` counts answers: ``"reject -1177"`` (a typed reject with that code),
    ``"silent drop"`` (no reject, but the TestRequest after it was answered), ``"disconnect"``
    or ``"no answer"``. ``expected[kind]`` is Binance's code for that kind.
    """

    sent: int = 0
    outcomes: dict[str, collections.Counter[str]] = field(default_factory=dict)
    expected: dict[str, int] = field(default_factory=dict)
    connections: int = 0
    still_serving: bool = False
    elapsed: float = 0.0

    def record(self, bad: Malformed, outcome: str) -> None:
        self.outcomes.setdefault(bad.kind, collections.Counter())[outcome] += 1
        self.expected[bad.kind] = bad.code

    def count(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.outcomes.values())

    @property
    def answered(self) -> int:
        return self.sent - self.count(NO_ANSWER)

    @property
    def as_expected(self) -> int:
        return sum(
            counter[f"reject {self.expected[kind]}"] for kind, counter in self.outcomes.items()
        )


class _Pacer:
    """``binance.Pacer`` on the monotonic clock, for a sender that awaits its turn."""

    def __init__(self, limit: Limit) -> None:
        self._pacer = Pacer(limit, slack=0.05)

    async def wait(self, messages: int) -> None:
        """Return once ``messages`` more may be sent (and count them as sent)."""
        while (delay := self._pacer.delay(time.monotonic(), messages)) > 0:
            await asyncio.sleep(delay)
        now = time.monotonic()
        for _ in range(messages):
            self._pacer.sent(now)


async def fuzz(
    open_client: Callable[[str], Awaitable[RawClient]],
    *,
    count: int,
    seed: int = 0,
    session_type: SessionType = SessionType.ORDER_ENTRY,
    message_limit: Limit | None = None,
    kinds: Sequence[str] | None = None,
    window: int = 64,
    reply_timeout: float = 10.0,
    progress: Callable[[FuzzReport], None] | None = None,
) -> FuzzReport:
    """Log on with ``open_client(comp_id)`` and send ``count`` malformed frames, each followed
    by a TestRequest whose Heartbeat marks the end of the acceptor's answer to it; tally the
    answers per kind. A dropped connection is logged on again (a fresh CompID each time)."""
    rng = random.Random(seed)
    limit = message_limit or RULES[session_type].message_limit
    pacer = _Pacer(limit)
    report = FuzzReport()
    started = time.monotonic()
    queue: collections.deque[tuple[int, Malformed]] = collections.deque(
        (index, generate(rng, session_type, kinds)) for index in range(count)
    )
    connection = 0
    while queue:
        connection += 1
        if connection > count + 10:
            break
        client = await _logged_on(open_client, f"FZ{connection}", session_type, pacer)
        report.connections += 1
        await _fuzz_connection(client, queue, report, pacer, window, reply_timeout, progress)
    client = await _logged_on(open_client, f"FZ{connection + 1}", session_type, pacer)
    report.connections += 1
    report.still_serving = await _still_serving(client, pacer, reply_timeout)
    report.elapsed = time.monotonic() - started
    return report


async def _logged_on(
    open_client: Callable[[str], Awaitable[RawClient]],
    comp_id: str,
    session_type: SessionType,
    pacer: _Pacer,
) -> RawClient:
    client = await open_client(comp_id)
    await pacer.wait(1)
    extra = "9406=Y|" if session_type is SessionType.DROP_COPY else ""
    client.send(client.logon_frame(extra=extra))
    answer = await client.receive_message()
    if answer.msg_type != "A":
        error = errors.from_message(answer)
        client.close()
        raise ConnectionError(f"the acceptor refused the Logon: {error or answer}")
    return client


async def _fuzz_connection(
    client: RawClient,
    queue: collections.deque[tuple[int, Malformed]],
    report: FuzzReport,
    pacer: _Pacer,
    window: int,
    reply_timeout: float,
    progress: Callable[[FuzzReport], None] | None,
) -> None:
    """Send from ``queue`` until it is empty or the connection ends; what was sent but not
    answered when the connection ended goes back to the front of the queue."""
    pending: collections.deque[_Pending] = collections.deque()
    room = asyncio.Semaphore(window)
    done = asyncio.Event()
    last_report = time.monotonic()
    epoch = 0

    def finish(outcome: str) -> None:
        nonlocal last_report
        entry = pending.popleft()
        report.record(entry.bad, outcome)
        report.sent += 1
        room.release()
        if progress is not None and time.monotonic() - last_report >= 1.0:
            last_report = time.monotonic()
            progress(report)

    async def read() -> None:
        nonlocal epoch
        try:
            while True:
                timeout = reply_timeout
                if pending:
                    timeout = max(0.01, pending[0].sent_at + reply_timeout - time.monotonic())
                try:
                    item = await client.receive(timeout)
                except TimeoutError:
                    if pending:
                        finish(NO_ANSWER)
                        return  # the acceptor is stuck: start over on a new connection
                    if done.is_set():
                        return
                    continue
                if isinstance(item, Garbled):
                    continue
                message = Message.decode(item)
                if message.msg_type == "1":  # the acceptor's TestRequest: answer it
                    await pacer.wait(1)
                    reply = f"112={message.get(112) or ''}|" if message.get(112) else ""
                    client.send(client.frame("0", reply))
                    continue
                if message.msg_type == "0" and pending and message.get(112) == pending[0].probe:
                    head = pending[0]
                    codes = head.codes
                    finish(f"reject {','.join(map(str, codes))}" if codes else SILENT)
                    if done.is_set() and not pending:
                        return
                    continue
                code = message.get(Tag.ERROR_CODE)
                if code is not None and pending:
                    head = pending[0]
                    if _rejects_probe(message, head):
                        # The acceptor counts MsgSeqNums differently from Binance: take its
                        # count (once per correction: frames already in flight carry the old).
                        error = errors.from_message(message)
                        if head.epoch == epoch and error is not None and error.params:
                            client.seq -= head.probe_seq - int(error.params[0])
                            epoch += 1
                        codes = head.codes
                        finish(f"reject {','.join(map(str, codes))}" if codes else SILENT)
                        continue
                    head.codes.append(int(code))
                if message.msg_type == "5":
                    if pending:
                        finish(DISCONNECT)
                    return
        except EOFError:
            if pending:
                finish(DISCONNECT)

    reader = asyncio.create_task(read())
    try:
        while queue and not reader.done():
            await room.acquire()
            if reader.done():
                room.release()
                break
            index, bad = queue.popleft()
            await pacer.wait(2)
            sending_time = binance.format_sending_time(time.time(), 3)
            client.send(bad.frame(client.seq, client.comp_id, sending_time))
            client.seq += bad.consumes_seq
            probe = f"p{index}"
            pending.append(_Pending(index, bad, probe, client.seq, time.monotonic(), epoch))
            client.send(client.frame("1", f"112={probe}|"))
            await client.writer.drain()
        done.set()
        await reader
    except (ConnectionError, ssl.SSLError):
        pass
    finally:
        if not reader.done():
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
        for entry in reversed(pending):  # sent but never answered: again, elsewhere
            queue.appendleft((entry.index, entry.bad))
        if not client.eof:
            with contextlib.suppress(Exception):
                client.send(client.frame("5"))
        client.close()


def _rejects_probe(message: Message, entry: _Pending) -> bool:
    """Whether ``message`` is a BadSeqNum reject of the TestRequest probe of ``entry``."""
    return (
        message.get(Tag.ERROR_CODE) == "-1179"
        and message.get(Tag.REF_MSG_TYPE) == "1"
        and message.get(Tag.REF_SEQ_NUM) == str(entry.probe_seq)
    )


async def _still_serving(client: RawClient, pacer: _Pacer, timeout: float) -> bool:
    """A TestRequest answered, then a Logout answered: the acceptor still serves."""
    await pacer.wait(2)
    client.send(client.frame("1", "112=still-serving|"))
    try:
        while True:
            message = await client.receive_message(timeout)
            if message.msg_type == "0" and message.get(112) == "still-serving":
                break
        client.send(client.frame("5"))
        while (await client.receive_message(timeout)).msg_type != "5":
            pass
        return True
    except (EOFError, TimeoutError, ValueError, ConnectionError):
        return False
    finally:
        client.close()


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
