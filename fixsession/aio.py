"""The asyncio transport: a gateway's client and the acceptor server, around sans-I/O sessions.

Owns sockets and TLS (certificate verification and SNI on by default), the one task per
connection that reads and runs the session's timers, the bounded event queue, matching
answers to requests, failing over to a new session on Binance's maintenance News, reconnecting
after a drop, and the server's connections (each with its own task; a client that stops
reading is cut off once its unread bytes pass a bound, so no session stalls another). Every
FIX rule lives in ``session`` and ``acceptor``; this module only moves bytes and time.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime
import ipaddress
import itertools
import logging
import secrets
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from types import TracebackType
from typing import Any, Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import NameOID

from fixsession import binance
from fixsession.acceptor import Exchange
from fixsession.binance import Accounts, SessionRules
from fixsession.captures import Recorder, RecordLimits
from fixsession.errors import BinanceError
from fixsession.events import (
    Action,
    Closed,
    Event,
    FaultDetected,
    LoggedOn,
    LoggedOut,
    MessageReceived,
    NewsReceived,
)
from fixsession.message import Message
from fixsession.session import PRE_LOGON_MAX_FRAME_SIZE, Acceptor, Initiator, Session
from fixsession.spec import SessionType, Tag
from fixsession.state import State

log = logging.getLogger("fixsession")
READ_SIZE: Final = 65536
DEFAULT_MAX_WRITE_BUFFER: Final = 4 * 1024 * 1024
DEFAULT_MAX_UNAUTHENTICATED: Final = 256
"""Connections a server holds open before they log on (each may cost a TLS context, about
260 KB: asyncio's TLS read buffer is 256 KiB)."""
DEFAULT_MAX_UNAUTHENTICATED_PER_IP: Final = 64
"""Of those, from one IP address (Binance counts 15 attempts per 30 s per IP on order entry,
300 per 300 s on market data; a burst of reconnects after a drop fits)."""


# -- transport events -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Disconnected:
    """The connection dropped (not a Logout the client asked for); ``error`` if Binance gave one."""

    sender_comp_id: str
    reason: str
    error: BinanceError | None = None


@dataclass(frozen=True, slots=True)
class Reconnected:
    """A new session is logged on in place of the one that dropped or is being retired."""

    sender_comp_id: str
    previous_comp_id: str
    reason: str  # "maintenance" or "reconnect"


ClientEvent = Event | Disconnected | Reconnected


@dataclass(frozen=True)
class ReconnectPolicy:
    """How a client replaces a session: after a drop, and on Binance's maintenance News.

    ``max_attempts`` connection attempts per ``window`` seconds (Binance allows 15 per 30 s
    on order entry and drop copy, 300 per 300 s on market data: stay under them); the delay
    between attempts grows from ``backoff`` to ``max_backoff``. ``give_up_after`` attempts in
    a row without a Logon end the client.
    """

    on_drop: bool = True
    on_news: bool = True
    backoff: float = 0.5
    max_backoff: float = 30.0
    max_attempts: int = 12
    window: float = 30.0
    give_up_after: int = 10


# -- one connection --------------------------------------------------------------------------


class _Link:
    """One connection and its session: the task that reads and runs the session's timers.

    ``flush`` writes what the session has to send at once, before any ``await``, so the
    order of MsgSeqNum is the order on the wire.
    """

    def __init__(
        self,
        session: Session,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        deliver: Callable[[_Link, Event], Awaitable[None]],
        max_write_buffer: int = DEFAULT_MAX_WRITE_BUFFER,
        recorder: Recorder | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.session = session
        self.reader = reader
        self.writer = writer
        self._deliver = deliver
        self._max_write_buffer = max_write_buffer
        self.recorder = recorder
        self._wall_clock = wall_clock
        self._timeout: asyncio.Timeout | None = None
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._run())

    def flush(self) -> None:
        data = self.session.data_to_send()
        if not data or self.writer.is_closing():
            return
        self.write(data)

    def write(self, data: bytes) -> None:
        """Write bytes (the session's, or raw ones) and record them."""
        self.writer.write(data)
        self._record(data, sent=True)
        if self.writer.transport.get_write_buffer_size() > self._max_write_buffer:
            log.warning("%r: the peer does not read; closing the connection", self.session)
            self.writer.transport.abort()
            self.session.connection_lost(asyncio.get_running_loop().time())
        self.poke()

    def poke(self) -> None:
        """The session's next deadline may have moved earlier: wake the task in time."""
        deadline = self.session.next_deadline()
        timeout = self._timeout
        if timeout is not None and deadline is not None:
            current = timeout.when()
            if current is None or deadline < current:
                timeout.reschedule(deadline)

    def _record(self, data: bytes, *, sent: bool) -> None:
        """Record bytes; a recorder that fails (a full disk, …) is dropped, the session goes on."""
        recorder = self.recorder
        if recorder is None:
            return
        try:
            if sent:
                recorder.sent(data, self._wall_clock())
            else:
                recorder.received(data, self._wall_clock())
        except Exception:
            log.exception("%r: recording to %s failed; recording stopped", self.session,
                          recorder.path)  # fmt: skip
            self.recorder = None
            with contextlib.suppress(Exception):
                recorder.close(self._wall_clock())
            return
        if recorder.stopped is not None:
            log.warning("%r: recording to %s stopped: over its limit %s", self.session,
                        recorder.path, recorder.stopped)  # fmt: skip
            self.recorder = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        session = self.session
        try:
            while not session.closed:
                try:
                    async with asyncio.timeout_at(session.next_deadline()) as timeout:
                        self._timeout = timeout
                        data = await self.reader.read(READ_SIZE)
                except TimeoutError:
                    session.tick(loop.time())
                else:
                    if data:
                        self._record(data, sent=False)
                        session.receive_data(data, loop.time())
                    else:
                        session.connection_lost(loop.time())
                finally:
                    self._timeout = None
                self.flush()
                for event in session.events():
                    if isinstance(event, LoggedOn) and self.recorder is not None:
                        self.recorder.logged_on()
                    await self._deliver(self, event)
        except (OSError, ssl.SSLError, asyncio.IncompleteReadError) as error:
            session.connection_lost(loop.time())
            log.info("%r: connection failed: %s", session, error)
            await self._deliver_all()
        except Exception:
            # The fault barrier: a bug while handling this connection ends this session
            # through its normal path (so the venue releases its CompID and slot, and a
            # client's callers get a typed error), and never another one.
            log.exception("%r: internal error; closing the session", session)
            try:
                session.fail(loop.time())
            except Exception:
                log.exception("%r: the session could not end cleanly", session)
            await self._deliver_all()
        finally:
            with contextlib.suppress(Exception):
                self.flush()
            if self.recorder is not None:
                with contextlib.suppress(Exception):
                    self.recorder.close(self._wall_clock())
            self.writer.close()
            with contextlib.suppress(OSError, ssl.SSLError, asyncio.TimeoutError):
                await asyncio.wait_for(self.writer.wait_closed(), 2.0)

    async def _deliver_all(self) -> None:
        """Deliver what the session still has to say after it ended, each event on its own."""
        for event in self.session.events():
            try:
                await self._deliver(self, event)
            except Exception:
                log.exception("%r: handling %s failed", self.session, type(event).__name__)


async def _finish(links: list[_Link], timeout: float) -> None:
    """Wait up to ``timeout`` for the links' Logout handshakes, then cut the rest off."""
    tasks = [link.task for link in links if link.task is not None]
    if not tasks:
        return
    _, pending = await asyncio.wait(tasks, timeout=timeout)
    if not pending:
        return
    for link in links:
        if link.task in pending:
            link.writer.transport.abort()
    _, pending = await asyncio.wait(pending, timeout=1.0)
    for task in pending:
        task.cancel()


async def open_stream(
    host: str,
    port: int,
    tls: ssl.SSLContext | None,
    server_hostname: str | None = None,
    local_addr: tuple[str, int] | None = None,
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A TCP connection (from ``local_addr`` if given), with TLS unless ``tls`` is None
    (SNI: ``server_hostname``, else ``host``)."""
    if tls is None:
        return await asyncio.open_connection(host, port, local_addr=local_addr)
    return await asyncio.open_connection(
        host, port, ssl=tls, server_hostname=server_hostname or host, local_addr=local_addr
    )


# -- the client ----------------------------------------------------------------------------------

_END: Final = object()
_ENDING: Final = frozenset({Action.LOGGED_OUT, Action.CLOSED})  # faults that end a session


class Client:
    """A logged-on FIX session with Binance, for a gateway. Get one from ``connect``.

    ``await send(message)`` sends (after pacing under the message limit) and returns the
    MsgSeqNum; ``await request(message)`` returns the first answer and raises its typed error
    if it is a reject; ``async for event in client`` yields everything else in order. The
    event queue is bounded: while it is full the client stops reading (backpressure).
    """

    def __init__(self, connector: _Connector) -> None:
        self._connector = connector
        self._queue: asyncio.Queue[object] = asyncio.Queue(connector.queue_size)
        self._answers: dict[tuple[_Link, int], asyncio.Future[MessageReceived]] = {}
        self._link: _Link | None = None
        self._retiring: set[_Link] = set()
        self._closing = False
        self._replacing: asyncio.Task[None] | None = None
        self._seen_exec_ids: dict[str, None] = {}
        self._attempts: list[float] = []
        self._ended = False  # the end of the events was put, or is owed to a full queue
        self._faults: dict[_Link, BinanceError] = {}  # what ended each session, if a fault

    @property
    def session(self) -> Initiator:
        """The current session (it changes when the client fails over or reconnects)."""
        if self._link is None:
            raise ConnectionError("the client is not connected")
        session = self._link.session
        assert isinstance(session, Initiator)
        return session

    @property
    def sender_comp_id(self) -> str:
        return self.session.sender_comp_id

    # -- sending --------------------------------------------------------------------------------

    async def send(self, message: Message, *, validate: bool = True) -> int:
        """Send an application message on the current session; its MsgSeqNum.

        Waits as long as the pacer says to stay under the session type's message limit.
        Raises the typed error Binance would answer with if the message breaks its
        dictionary (unless ``validate=False``), and ``SessionStateError`` if the session is
        not logged on.
        """
        link, seq = await self._send(message, validate)
        link.flush()
        return seq

    async def request(
        self, message: Message, timeout: float = 10.0, *, validate: bool = True
    ) -> Message:
        """Send ``message`` and return the first answer to it (matched by RefSeqNum, ClOrdID,
        MDReqID or ReqID); raise the answer's typed error if it is a reject.

        The answer is not also yielded by ``async for``; later messages about the same
        request (fills, cancels) are. ``TimeoutError`` if no answer comes in ``timeout``
        seconds, ``ConnectionError`` if the session ends first.
        """
        link, seq = await self._send(message, validate)
        key = (link, seq)
        answer: asyncio.Future[MessageReceived] = asyncio.get_running_loop().create_future()
        self._answers[key] = answer
        link.flush()
        try:
            async with asyncio.timeout(timeout):
                received = await answer
        finally:
            self._answers.pop(key, None)
        if received.error is not None:
            raise received.error
        return received.message

    def send_raw(self, data: bytes) -> None:
        """Write ``data`` on the current connection as it is, to see how the peer treats a
        malformed frame. No MsgSeqNum is used up; the answer comes through ``async for``."""
        link = self._current()
        link.flush()
        link.write(data)

    async def _send(self, message: Message, validate: bool) -> tuple[_Link, int]:
        """Pace, then encode ``message`` on the current session (not yet written)."""
        loop = asyncio.get_running_loop()
        while True:
            link = self._current()
            session = link.session
            assert isinstance(session, Initiator)
            delay = session.pacing_delay(loop.time())
            if delay <= 0:
                return link, session.send(message, loop.time(), validate=validate)
            await asyncio.sleep(delay)

    def _current(self) -> _Link:
        if self._link is None or self._link.session.closed:
            raise ConnectionError("the session is closed")
        if self._link.session.state is not State.ACTIVE:
            raise ConnectionError("the session is logging out")
        return self._link

    # -- events ---------------------------------------------------------------------------------

    def __aiter__(self) -> AsyncIterator[ClientEvent]:
        return self

    async def __anext__(self) -> ClientEvent:
        if self._ended and self._queue.empty():
            raise StopAsyncIteration  # also when the end could not be queued
        item = await self._queue.get()
        if item is _END:
            self._end()  # other readers end too
            raise StopAsyncIteration
        return item  # type: ignore[return-value]

    async def _put(self, item: object) -> None:
        await self._queue.put(item)

    def _end(self) -> None:
        """No more events: readers stop once they have read what is queued."""
        self._ended = True
        with contextlib.suppress(asyncio.QueueFull):
            self._queue.put_nowait(_END)  # wakes a reader waiting on an empty queue

    async def _deliver(self, link: _Link, event: Event) -> None:
        if isinstance(event, FaultDetected) and event.action in _ENDING:
            self._faults[link] = event.error
        if isinstance(event, MessageReceived):
            request = event.request
            answer = (
                None if request is None else self._answers.pop((link, request.msg_seq_num), None)
            )
            if answer is not None and not answer.done():
                answer.set_result(event)
                return
            exec_id = event.message.get(Tag.EXEC_ID) if event.message.msg_type == "8" else None
            if exec_id is not None and (self._retiring or len(self._seen_exec_ids) > 0):
                # While two sessions overlap, both may get the same report: deliver it once.
                if exec_id in self._seen_exec_ids:
                    return
                self._seen_exec_ids[exec_id] = None
                if len(self._seen_exec_ids) > 10_000:
                    del self._seen_exec_ids[next(iter(self._seen_exec_ids))]
        await self._put(event)
        if isinstance(event, NewsReceived) and link is self._link:
            self._maybe_replace("maintenance")
        if isinstance(event, Closed):
            await self._link_closed(link, event)

    async def _link_closed(self, link: _Link, event: Closed) -> None:
        fault = self._faults.pop(link, None)
        for (answer_link, _), answer in list(self._answers.items()):
            if answer_link is link and not answer.done():
                answer.set_exception(
                    fault or ConnectionError(f"the session closed: {event.reason}")
                )
        if link in self._retiring:
            self._retiring.discard(link)
            if not self._retiring:
                self._seen_exec_ids.clear()
            return
        if link is not self._link or self._closing:
            if self._closing:
                self._end()
            return
        session = link.session
        error = None
        if not event.clean:
            await self._put(Disconnected(session.sender_comp_id, event.reason, error))
        policy = self._connector.reconnect
        if policy is not None and policy.on_drop and not event.clean:
            self._maybe_replace("reconnect")
        else:
            self._end()

    # -- replacing the session ----------------------------------------------------------------

    def _maybe_replace(self, reason: str) -> None:
        policy = self._connector.reconnect
        if policy is None or self._closing or (self._replacing and not self._replacing.done()):
            return
        if reason == "maintenance" and not policy.on_news:
            return
        self._replacing = asyncio.get_running_loop().create_task(self._replace(reason))

    async def _replace(self, reason: str) -> None:
        """Log on a new session (with a fresh CompID), switch to it, retire the old one."""
        policy = self._connector.reconnect
        assert policy is not None
        old = self._link
        delay = policy.backoff
        failures = 0
        while not self._closing:
            await self._respect_attempt_limit(policy)
            comp_id = self._connector.next_comp_id()
            try:
                new = await self._connector.open_link(self, comp_id)
            except (OSError, ssl.SSLError, TimeoutError, BinanceError, ConnectionError) as error:
                failures += 1
                log.warning("reconnect as %s failed: %s", comp_id, error)
                if failures >= policy.give_up_after:
                    self._end()
                    return
                await asyncio.sleep(delay)
                delay = min(delay * 2, policy.max_backoff)
                continue
            self._link = new
            await self._put(Reconnected(comp_id, old.session.sender_comp_id if old else "", reason))
            if old is not None and not old.session.closed:
                self._retiring.add(old)
                old.session.logout(asyncio.get_running_loop().time())
                old.flush()
            return

    async def _respect_attempt_limit(self, policy: ReconnectPolicy) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        self._attempts = [t for t in self._attempts if t > now - policy.window]
        if len(self._attempts) >= policy.max_attempts:
            await asyncio.sleep(self._attempts[0] + policy.window - now)
        self._attempts.append(loop.time())

    # -- closing --------------------------------------------------------------------------------

    async def logout(self, timeout: float = 5.0) -> None:
        """Log out every session of the client and wait for the connections to close."""
        self._closing = True
        if self._replacing is not None and not self._replacing.done():
            self._replacing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._replacing
        links = [link for link in (self._link, *self._retiring) if link is not None]
        loop = asyncio.get_running_loop()
        for link in links:
            if not link.session.closed:
                link.session.logout(loop.time())
                link.flush()
        await _finish(links, timeout)
        self._end()


class _Connector:
    """What ``connect`` was asked for: opens links, and is the async context manager."""

    def __init__(self, **options: Any) -> None:
        self.host: str = options["host"]
        self.port: int = options["port"]
        self.api_key: str = options["api_key"]
        key = options["private_key"]
        self.private_key: Ed25519PrivateKey = (
            key if isinstance(key, Ed25519PrivateKey) else binance.load_private_key(key)
        )
        self.sender_comp_id: str | None = options["sender_comp_id"]
        self.session_type: SessionType = SessionType(options["session_type"])
        self.tls: ssl.SSLContext | None = options["tls"]
        self.server_hostname: str | None = options["server_hostname"]
        self.local_addr: tuple[str, int] | None = options["local_addr"]
        self.queue_size: int = options["queue_size"]
        self.reconnect: ReconnectPolicy | None = options["reconnect"]
        self.logon_timeout: float = options["logon_timeout"]
        self.session_options: dict[str, Any] = options["session_options"]
        self.wall_clock: Callable[[], float] = options["wall_clock"]
        self.record: Path | None = Path(options["record"]) if options["record"] else None
        if self.record is not None:
            self.record.mkdir(parents=True, exist_ok=True)
        self.client: Client | None = None
        self._comp_ids = 0

    def next_comp_id(self) -> str:
        """A fresh SenderCompID: Binance holds one for 2×HeartBtInt after a session drops."""
        self._comp_ids += 1
        if self._comp_ids == 1 and self.sender_comp_id:
            return self.sender_comp_id
        base = (self.sender_comp_id or "fs")[:4]
        return base + secrets.token_hex(2)

    async def open_link(self, client: Client, comp_id: str) -> _Link:
        reader, writer = await asyncio.wait_for(
            open_stream(self.host, self.port, self.tls, self.server_hostname, self.local_addr),
            self.logon_timeout,
        )
        loop = asyncio.get_running_loop()
        session = Initiator(
            api_key=self.api_key, private_key=self.private_key, sender_comp_id=comp_id,
            session_type=self.session_type, wall_clock=self.wall_clock, now=loop.time(),
            logon_timeout=self.logon_timeout, **self.session_options,
        )  # fmt: skip
        logged_on: asyncio.Future[Event] = loop.create_future()
        fault: list[BinanceError] = []  # what ended the session before Logon, if a fault

        async def deliver(link: _Link, event: Event) -> None:
            if not logged_on.done():
                if isinstance(event, LoggedOn):
                    logged_on.set_result(event)
                    link._deliver = client._deliver
                    if client._link is None:  # the first session: current from its Logon on
                        client._link = link
                    await client._deliver(link, event)
                elif isinstance(event, FaultDetected) and event.action in _ENDING:
                    fault.append(event.error)
                elif isinstance(event, LoggedOut) and event.error is not None:
                    logged_on.set_exception(event.error)
                elif isinstance(event, Closed):
                    error = fault[-1] if fault else None
                    logged_on.set_exception(error or ConnectionError(f"no Logon: {event.reason}"))
                return
            await client._deliver(link, event)

        recorder = None
        if self.record is not None:
            recorder = Recorder(_capture_path(self.record, comp_id, self.wall_clock()))
        link = _Link(
            session, reader, writer, deliver, recorder=recorder, wall_clock=self.wall_clock
        )
        session.logon(loop.time())
        link.flush()
        link.start()
        assert link.task is not None
        try:
            await asyncio.wait((logged_on, link.task), return_when=asyncio.FIRST_COMPLETED)
            if not logged_on.done():  # the connection ended without a word
                raise ConnectionError("no Logon: the connection ended")
            await logged_on
        except BaseException:
            if link.task is not None and not link.task.done():
                link.task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await link.task
            raise
        return link

    async def start(self) -> Client:
        client = Client(self)
        client._link = await self.open_link(client, self.next_comp_id())
        self.client = client
        return client

    def __await__(self) -> Generator[Any, None, Client]:
        return self.start().__await__()

    async def __aenter__(self) -> Client:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.client is not None:
            # Log out even when the block was cancelled.
            await asyncio.shield(self.client.logout())


def connect(
    host: str,
    port: int,
    *,
    api_key: str,
    private_key: Ed25519PrivateKey | bytes | str,
    sender_comp_id: str | None = None,
    session_type: SessionType | str = SessionType.ORDER_ENTRY,
    tls: ssl.SSLContext | bool = True,
    server_hostname: str | None = None,
    reconnect: ReconnectPolicy | None = None,
    queue_size: int = 10_000,
    logon_timeout: float = 10.0,
    wall_clock: Callable[[], float] = time.time,
    record: str | PathLike[str] | None = None,
    local_addr: tuple[str, int] | None = None,
    heart_bt_int: int = 30,
    message_handling: int = 2,
    response_mode: int | None = None,
    recv_window_ms: float | None = None,
    rules: SessionRules | None = None,
) -> _Connector:
    """Open a FIX session with Binance (or ``fixsession serve``) and log on.

    ``async with connect(host, port, api_key=..., private_key=pem) as client:`` logs on,
    and logs out when the block ends (also when it is cancelled); ``client = await
    connect(...)`` does the same without the block (call ``client.logout()``). TLS verifies
    the certificate and sends SNI by default; pass an ``ssl.SSLContext`` to trust another
    CA, or ``tls=False`` for plain TCP on loopback. A failed Logon raises its typed error
    (``InvalidSignature``, ``CompIdInUse``, …). ``reconnect`` fails over to a new session
    on maintenance News and after a drop, each time with a fresh SenderCompID. ``record``
    names a folder where each session's traffic is written as a fixlog capture;
    ``local_addr`` the (host, port) to connect from.
    """
    context: ssl.SSLContext | None
    if tls is True:
        context = ssl.create_default_context()
    elif tls is False:
        context = None
    else:
        context = tls
    return _Connector(
        host=host, port=port, api_key=api_key, private_key=private_key,
        sender_comp_id=sender_comp_id, session_type=session_type, tls=context,
        server_hostname=server_hostname, queue_size=queue_size, reconnect=reconnect,
        logon_timeout=logon_timeout, wall_clock=wall_clock, record=record,
        local_addr=local_addr, session_options={
            "heart_bt_int": heart_bt_int, "message_handling": message_handling,
            "response_mode": response_mode, "recv_window_ms": recv_window_ms, "rules": rules,
        },
    )  # fmt: skip


# -- the server ----------------------------------------------------------------------------------


class Server:
    """A Binance-compatible venue on sockets: every connection gets an ``Acceptor`` session,
    and all of them share one ``Exchange`` and one ``Accounts``.

    ``start`` listens for one session type; call it again for another (Binance has a host
    per session type), so that drop copy sees the order-entry sessions' reports. See
    ``serve`` for the one-call form.

    What a peer that has not logged on may hold is bounded, as a real exchange bounds it: at
    most ``max_unauthenticated`` such connections at once (``max_unauthenticated_per_ip``
    from one address; others are closed as they arrive, before any TLS), the TLS handshake
    and the Logon within ``logon_timeout`` of the connection, a frame of at most
    ``pre_logon_max_frame_size`` bytes waited for, and one Reject for garbage before the
    connection is closed. ``record`` names a folder for a fixlog capture per connection,
    within ``record_limits``.
    """

    def __init__(
        self,
        *,
        accounts: Accounts,
        session_type: SessionType = SessionType.ORDER_ENTRY,
        tls: ssl.SSLContext | None = None,
        exchange: Exchange | None = None,
        wall_clock: Callable[[], float] = time.time,
        max_write_buffer: int = DEFAULT_MAX_WRITE_BUFFER,
        logon_timeout: float = 10.0,
        record: str | PathLike[str] | None = None,
        record_limits: RecordLimits | None = None,
        max_unauthenticated: int = DEFAULT_MAX_UNAUTHENTICATED,
        max_unauthenticated_per_ip: int = DEFAULT_MAX_UNAUTHENTICATED_PER_IP,
        pre_logon_max_frame_size: int = PRE_LOGON_MAX_FRAME_SIZE,
    ) -> None:
        self.accounts = accounts
        self.record = Path(record) if record is not None else None
        if self.record is not None:
            self.record.mkdir(parents=True, exist_ok=True)
        self.record_limits = record_limits or RecordLimits()
        self._records: collections.deque[Path] = collections.deque()  # oldest first
        self._connections = itertools.count(1)
        self.session_type = session_type
        self.tls = tls
        self.wall_clock = wall_clock
        self.exchange = exchange or Exchange(wall_clock=wall_clock)
        self.max_write_buffer = max_write_buffer
        self.logon_timeout = logon_timeout
        self.max_unauthenticated = max_unauthenticated
        self.max_unauthenticated_per_ip = max_unauthenticated_per_ip
        self.pre_logon_max_frame_size = pre_logon_max_frame_size
        self.links: dict[Session, _Link] = {}  # every connection, by its session
        self.addresses: dict[SessionType, tuple[str, int]] = {}
        self._listeners: list[asyncio.Server] = []
        self._opening: set[asyncio.Task[None]] = set()  # every connection's task
        # Connections not logged on yet: their addresses, by connection, and counts.
        self._unauthenticated: dict[asyncio.Transport | Session, str] = {}
        self._unauthenticated_by_ip: collections.Counter[str] = collections.Counter()
        self._exchange_task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._exchange_deadline: float | None = None

    @property
    def address(self) -> tuple[str, int] | None:
        """Where the first ``start`` listens."""
        return next(iter(self.addresses.values()), None)

    @property
    def unauthenticated(self) -> int:
        """Connections open that have not logged on (yet)."""
        return len(self._unauthenticated)

    async def start(
        self, host: str = "127.0.0.1", port: int = 0, session_type: SessionType | None = None
    ) -> tuple[str, int]:
        """Listen for ``session_type`` (default: the server's); the address actually bound
        (port 0 picks a free port)."""
        kind = self.session_type if session_type is None else SessionType(session_type)
        if kind in self.addresses:
            raise ValueError(f"already listening for {kind.value} sessions")
        loop = asyncio.get_running_loop()
        listener = await loop.create_server(lambda: _Gate(self, kind), host, port)
        self._listeners.append(listener)
        bound = listener.sockets[0].getsockname()
        self.addresses[kind] = (str(bound[0]), int(bound[1]))
        if self._exchange_task is None:
            self._exchange_task = loop.create_task(self._run_exchange())
        return self.addresses[kind]

    async def serve_forever(self) -> None:
        await asyncio.gather(*(listener.serve_forever() for listener in self._listeners))

    def start_maintenance(self, seconds: float = 30.0) -> None:
        """Start Binance's News countdown on every logged-on session."""
        now = asyncio.get_running_loop().time()
        for link in list(self.links.values()):
            assert isinstance(link.session, Acceptor)
            link.session.start_maintenance(now, seconds)
            link.flush()

    async def close(self, timeout: float = 5.0) -> None:
        """Log every session out, wait for the connections to end, stop listening."""
        for listener in self._listeners:
            listener.close()
        for connection in list(self._unauthenticated):
            if isinstance(connection, asyncio.Transport):  # not past its TLS handshake yet
                connection.abort()
        now = asyncio.get_running_loop().time()
        for link in list(self.links.values()):
            if not link.session.closed:
                link.session.logout(now)
                link.flush()
        await _finish(list(self.links.values()), timeout)
        if self._exchange_task is not None:
            self._exchange_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._exchange_task
        for listener in self._listeners:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(listener.wait_closed(), timeout)

    # -- connections ----------------------------------------------------------------------------

    def _admit(self, transport: asyncio.Transport, kind: SessionType) -> None:
        """A TCP connection arrived (not read from yet): open it. At a cap on connections
        that have not logged on, the oldest such connection (from the same address, for the
        per-address cap) is closed to make room: a flood of new connections cycles through
        the attacker's own, and a client that logs on promptly gets in."""
        peer = transport.get_extra_info("peername")
        address = str(peer[0]) if peer else "unknown"
        if self._unauthenticated_by_ip[address] >= self.max_unauthenticated_per_ip:
            self._evict(address)
        if len(self._unauthenticated) >= self.max_unauthenticated:
            self._evict(None)
        self._unauthenticated[transport] = address
        self._unauthenticated_by_ip[address] += 1
        task = asyncio.get_running_loop().create_task(self._open(transport, address, kind))
        self._opening.add(task)
        task.add_done_callback(self._opening.discard)

    def _evict(self, address: str | None) -> None:
        """Close the oldest connection not logged on (from ``address``, if given)."""
        oldest = next(
            (key for key, held in self._unauthenticated.items() if address in (None, held)),
            None,
        )
        if oldest is None:
            return
        held = self._unauthenticated[oldest]
        log.info("%s: a connection that had not logged on was closed to make room", held)
        self._authenticated(oldest)
        if isinstance(oldest, asyncio.Transport):  # not past its TLS handshake yet
            oldest.abort()
        else:
            link = self.links.get(oldest)
            if link is not None:
                link.writer.transport.abort()

    def _authenticated(self, connection: asyncio.Transport | Session) -> None:
        """The connection logged on (or ended): it no longer counts as unauthenticated."""
        address = self._unauthenticated.pop(connection, None)
        if address is not None:
            self._unauthenticated_by_ip[address] -= 1
            if not self._unauthenticated_by_ip[address]:
                del self._unauthenticated_by_ip[address]

    async def _open(self, transport: asyncio.Transport, address: str, kind: SessionType) -> None:
        """Start TLS (within the Logon timeout), then run the connection's session."""
        loop = asyncio.get_running_loop()
        accepted = loop.time()
        raw = transport
        try:
            reader = asyncio.StreamReader(limit=READ_SIZE)
            protocol = asyncio.StreamReaderProtocol(reader)
            if self.tls is None:
                transport.set_protocol(protocol)
                protocol.connection_made(transport)
                transport.resume_reading()
            else:
                started = await loop.start_tls(
                    transport, protocol, self.tls, server_side=True,
                    ssl_handshake_timeout=self.logon_timeout,
                )  # fmt: skip
                if started is None:  # the connection closed during the handshake
                    self._authenticated(raw)
                    return
                transport = started
                protocol.connection_made(transport)  # start_tls leaves that to its caller
        except (OSError, ssl.SSLError) as error:
            log.info("%s: TLS handshake failed: %s", address, error or type(error).__name__)
            raw.abort()
            self._authenticated(raw)
            return
        except BaseException:
            raw.abort()
            self._authenticated(raw)
            raise
        writer = asyncio.StreamWriter(transport, protocol, reader, loop)
        await self._run_connection(reader, writer, kind, address, accepted, raw)

    async def _run_connection(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        kind: SessionType,
        address: str,
        accepted: float,
        raw: asyncio.Transport,
    ) -> None:
        session = Acceptor(
            accounts=self.accounts, session_type=kind, wall_clock=self.wall_clock,
            now=accepted, address=address, logon_timeout=self.logon_timeout,
            pre_logon_max_frame_size=self.pre_logon_max_frame_size,
        )  # fmt: skip
        self._authenticated(raw)  # counted by its session from now on
        self._unauthenticated[session] = address
        self._unauthenticated_by_ip[address] += 1
        recorder = None
        if self.record is not None:
            name = f"{kind.value}-{next(self._connections):05d}"
            recorder = self._recorder(_capture_path(self.record, name, self.wall_clock()))
        link = _Link(
            session, reader, writer, self._deliver, self.max_write_buffer, recorder,
            self.wall_clock,
        )  # fmt: skip
        self.links[session] = link
        link.start()
        assert link.task is not None
        try:
            with contextlib.suppress(asyncio.CancelledError):
                await link.task
        finally:
            del self.links[session]
            self._authenticated(session)
            try:
                self.exchange.detach(session)
            except Exception:
                log.exception("%r: the exchange could not forget the session", session)

    def _recorder(self, path: Path) -> Recorder | None:
        """A recorder for a new connection; the oldest captures past the limit are deleted."""
        try:
            recorder = Recorder(path, self.record_limits)
        except OSError as error:
            log.warning("cannot record in %s: %s", path, error.strerror or error)
            return None
        self._records.append(path)
        while len(self._records) > self.record_limits.files:
            with contextlib.suppress(OSError):
                self._records.popleft().unlink()
        return recorder

    async def _deliver(self, link: _Link, event: Event) -> None:
        session = link.session
        assert isinstance(session, Acceptor)
        if isinstance(event, LoggedOn):
            self._authenticated(session)
        self.exchange.on_event(session, event, asyncio.get_running_loop().time())
        if isinstance(event, MessageReceived) and event.error is None:
            self._flush_recipients()
            deadline = self.exchange.next_deadline()
            if deadline is not None and (
                self._exchange_deadline is None or deadline < self._exchange_deadline
            ):
                self._wake.set()  # the exchange's timer must run earlier than planned

    def _flush_recipients(self) -> None:
        """Write what the exchange sent, on just the connections it sent to."""
        for session in self.exchange.take_recipients():
            link = self.links.get(session)
            if link is not None:
                link.flush()

    async def _run_exchange(self) -> None:
        """The exchange's timers: the market-data feed and delayed drop copies."""
        loop = asyncio.get_running_loop()
        while True:
            self._exchange_deadline = deadline = self.exchange.next_deadline()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout_at(deadline):
                    await self._wake.wait()
            try:
                self.exchange.tick(loop.time())
                self._flush_recipients()
            except Exception:  # a bug: keep the venue up, and do not spin on it
                log.exception("the exchange's timers failed; trying again in a second")
                await asyncio.sleep(1.0)


class _Gate(asyncio.Protocol):
    """A new TCP connection, held unread until the server lets it in (or closes it), so a
    connection over the caps costs neither a TLS context nor a byte of buffer."""

    def __init__(self, server: Server, kind: SessionType) -> None:
        self._server = server
        self._kind = kind

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        transport.pause_reading()  # before the first read: nothing is read until admitted
        self._server._admit(transport, self._kind)


async def serve(
    host: str,
    port: int,
    *,
    accounts: Accounts,
    session_type: SessionType = SessionType.ORDER_ENTRY,
    tls: ssl.SSLContext | None = None,
    **options: Any,
) -> Server:
    """Start a Binance-compatible acceptor on ``host:port``; the running ``Server``."""
    server = Server(accounts=accounts, session_type=session_type, tls=tls, **options)
    await server.start(host, port)
    return server


def _capture_path(folder: Path, name: str, epoch: float) -> Path:
    """A new capture file in ``folder``: the UTC time, then ``name``."""
    stamp = binance.format_sending_time(epoch, 6).replace(":", "").replace(".", "-")
    return folder / f"{stamp}-{name}.fixlog"


# -- TLS for loopback tests --------------------------------------------------------------------


def self_signed_certificate(hostname: str = "localhost") -> tuple[bytes, bytes]:
    """A throw-away certificate (PEM) for ``hostname`` and 127.0.0.1, and its key (PEM).

    For a local acceptor in tests and demos; the client trusts it with
    ``ssl.create_default_context(cadata=cert.decode())``. Never for production.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(hostname), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = certificate.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert_pem, key_pem


def server_tls(cert_pem: bytes, key_pem: bytes) -> ssl.SSLContext:
    """A server TLS context from a certificate and key in PEM."""
    import os
    import tempfile

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with tempfile.TemporaryDirectory() as folder:
        cert_path = os.path.join(folder, "cert.pem")
        key_path = os.path.join(folder, "key.pem")
        with open(cert_path, "wb") as handle:
            handle.write(cert_pem)
        with open(key_path, "wb") as handle:
            handle.write(key_pem)
        context.load_cert_chain(cert_path, key_path)
    return context


def client_tls(cert_pem: bytes) -> ssl.SSLContext:
    """A client TLS context that trusts ``cert_pem`` (verification and SNI stay on)."""
    return ssl.create_default_context(cadata=cert_pem.decode("ascii"))
