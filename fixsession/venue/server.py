"""The Binance-compatible venue on sockets: ``Server`` and ``serve``.

Owns the venue's connections: listening for each session type, the caps on connections that
have not logged on (before any TLS is started: the oldest makes room), TLS within the Logon
timeout, an ``Acceptor`` and a transport ``Connection`` per connection, one ``Exchange`` and
one ``Accounts`` for all of them, the exchange's timers, flushing what the exchange sent to
just the sessions it sent to, recording captures within their limits, and closing everything
with a Logout. When recording, it also writes the venue's journal (``journal``): what the
sessions share, so that a recording replays as a set. FIX rules live in ``acceptor`` and
``exchange``.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import logging
import ssl
import time
from collections.abc import Callable
from os import PathLike
from pathlib import Path
from typing import Any, Final, cast

from fixsession.events import Closed, Event, FaultDetected, LoggedOn, MessageReceived
from fixsession.recording import Recorder, RecordLimits, keep_newest
from fixsession.sbewire import Encoding
from fixsession.session import PRE_LOGON_MAX_FRAME_SIZE, Session
from fixsession.spec import SessionType
from fixsession.state import State
from fixsession.stats import Stats
from fixsession.transport import (
    BURST,
    DEFAULT_MAX_WRITE_BUFFER,
    Connection,
    capture_path,
    finish,
)
from fixsession.venue import journal
from fixsession.venue.acceptor import Acceptor
from fixsession.venue.accounts import Accounts
from fixsession.venue.exchange import Exchange

log = logging.getLogger("fixsession.venue")

DEFAULT_MAX_UNAUTHENTICATED: Final = 256
"""Connections a server holds open before they log on (each may cost a TLS context, about
260 KB: asyncio's TLS read buffer is 256 KiB)."""
DEFAULT_MAX_UNAUTHENTICATED_PER_IP: Final = 64
"""Of those, from one IP address (Binance counts 15 attempts per 30 s per IP on order entry,
300 per 300 s on market data; a burst of reconnects after a drop fits)."""


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
    within ``record_limits``. ``encoding`` picks FIX (Binance's port 9000), FIX requests with
    SBE responses (9001) or SBE both ways (9002); for more than one, start a ``Server`` per
    encoding on the same ``exchange`` and ``accounts`` (Binance shares connection limits
    between FIX and FIX SBE).
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
        min_heart_bt_int: int = 5,
        encoding: Encoding | str = Encoding.FIX,
    ) -> None:
        self.encoding = Encoding(encoding)
        self.accounts = accounts
        self.record = Path(record) if record is not None else None
        if self.record is not None:
            self.record.mkdir(parents=True, exist_ok=True)
        self.record_limits = record_limits or RecordLimits()
        self._records: collections.deque[Path] = collections.deque()  # oldest first
        self._connections = itertools.count(1)
        self.session_type = session_type
        self.tls = tls
        self._tls_by_listener = False  # uvloop: see start()
        self.wall_clock = wall_clock
        self.exchange = exchange or Exchange(wall_clock=wall_clock)
        self.max_write_buffer = max_write_buffer
        self.logon_timeout = logon_timeout
        self.max_unauthenticated = max_unauthenticated
        self.max_unauthenticated_per_ip = max_unauthenticated_per_ip
        self.pre_logon_max_frame_size = pre_logon_max_frame_size
        self.min_heart_bt_int = min_heart_bt_int
        self.links: dict[Session, Connection] = {}  # every connection, by its session
        self.addresses: dict[SessionType, tuple[str, int]] = {}
        self._listeners: list[asyncio.Server] = []
        self._opening: set[asyncio.Task[None]] = set()  # every connection's task
        # Connections not logged on yet: their addresses, by connection, and counts.
        self._unauthenticated: dict[asyncio.Transport | Session, str] = {}
        self._unauthenticated_by_ip: collections.Counter[str] = collections.Counter()
        self._exchange_task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._exchange_deadline: float | None = None
        self._flushing: asyncio.Handle | None = None  # _flush_recipients, scheduled
        self._others: set[Acceptor] = set()  # sent to by the exchange, to be written
        self.stats = Stats()  # what this server has seen (fixsession.metrics exports it)
        self._journal: _JournalFile | None = None
        if self.record is not None:
            rules = self.accounts.rules
            limits = {kind: rules[kind].message_limit for kind in SessionType if kind in rules}
            header = journal.header(journal.options(self.exchange), limits, self.encoding)
            path = capture_path(self.record, "venue", wall_clock()).with_suffix(".jsonl")
            self._journal = _JournalFile(path, header, self.record_limits.file_bytes)

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
        if self.tls is not None and not isinstance(loop, asyncio.BaseEventLoop):
            # uvloop: its transports cannot be handed to start_tls once read from, so the
            # listener does the TLS handshake (within the Logon timeout), before the caps on
            # connections that have not logged on see the connection.
            self._tls_by_listener = True
            listener = await loop.create_server(
                lambda: _Gate(self, kind), host, port, ssl=self.tls,
                ssl_handshake_timeout=self.logon_timeout,
            )  # fmt: skip
        else:
            listener = await loop.create_server(lambda: _Gate(self, kind), host, port)
        self._listeners.append(listener)
        bound = listener.sockets[0].getsockname()
        self.addresses[kind] = (str(bound[0]), int(bound[1]))
        if self._exchange_task is None:
            self._exchange_task = loop.create_task(self._run_exchange())
        return self.addresses[kind]

    async def serve_forever(self) -> None:
        """Serve until cancelled."""
        await asyncio.gather(*(listener.serve_forever() for listener in self._listeners))

    def start_maintenance(self, seconds: float = 30.0) -> None:
        """Start Binance's News countdown on every logged-on session."""
        now = asyncio.get_running_loop().time()
        self._journaled("maintenance", seconds=seconds)
        log.warning("maintenance: News countdown of %g s sent to %d sessions", seconds,
                    len(self.links))  # fmt: skip
        for link in list(self.links.values()):
            assert isinstance(link.session, Acceptor)
            link.session.start_maintenance(now, seconds)
            link.flush()

    async def close(self, timeout: float = 5.0) -> None:
        """Log every session out, wait for the connections to end, stop listening."""
        for listener in self._listeners:
            listener.close()
        for connection in list(self._unauthenticated):
            if not isinstance(connection, Session):  # not past its TLS handshake yet
                connection.abort()
        now = asyncio.get_running_loop().time()
        self._journaled("shutdown")
        for link in list(self.links.values()):
            if not link.session.closed:
                link.session.logout(now)
                link.flush()
        await finish(list(self.links.values()), timeout)
        if self._exchange_task is not None:
            self._exchange_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._exchange_task
        for listener in self._listeners:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(listener.wait_closed(), timeout)
        if self._journal is not None:
            self._journal.close()

    # -- connections ----------------------------------------------------------------------------

    def _admit(self, transport: asyncio.Transport, gate: _Gate) -> None:
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
        task = asyncio.get_running_loop().create_task(self._open(transport, address, gate))
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
        if not isinstance(oldest, Session):  # not past its TLS handshake yet
            oldest.abort()
        else:
            link = self.links.get(oldest)
            if link is not None:
                link.abort()

    def _authenticated(self, connection: asyncio.Transport | Session) -> None:
        """The connection logged on (or ended): it no longer counts as unauthenticated."""
        address = self._unauthenticated.pop(connection, None)
        if address is not None:
            self._unauthenticated_by_ip[address] -= 1
            if not self._unauthenticated_by_ip[address]:
                del self._unauthenticated_by_ip[address]

    async def _open(self, transport: asyncio.Transport, address: str, gate: _Gate) -> None:
        """Give the connection its session, start TLS (within the Logon timeout, counted from
        the connection), run the session until the connection ends, then forget it."""
        loop = asyncio.get_running_loop()
        kind = gate.kind
        session = Acceptor(
            accounts=self.accounts, session_type=kind, wall_clock=self.wall_clock,
            now=loop.time(), address=address, logon_timeout=self.logon_timeout,
            pre_logon_max_frame_size=self.pre_logon_max_frame_size,
            min_heart_bt_int=self.min_heart_bt_int, encoding=self.encoding,
        )  # fmt: skip
        session.sent_counts = self.stats.messages_out  # every message sent, by MsgType
        recorder = None
        capture = None
        if self.record is not None:
            name = f"{kind.value}-{next(self._connections):05d}"
            path = capture_path(self.record, name, self.wall_clock())
            capture = path.name
            self._journaled("open", capture)
            recorder = self._recorder(path)
        link = Connection(session, self._deliver, self.max_write_buffer, recorder, self.wall_clock)
        try:
            if self.tls is None or self._tls_by_listener:
                gate.link = link
                started: asyncio.Transport | None = transport
            else:
                try:
                    started = await loop.start_tls(
                        transport, link, self.tls, server_side=True,
                        ssl_handshake_timeout=self.logon_timeout,
                    )  # fmt: skip
                except (OSError, ssl.SSLError) as error:
                    log.info("%s: TLS handshake failed: %s", address, error or type(error).__name__)
                    transport.abort()
                    return
            if started is None:  # the connection closed during the TLS handshake
                return
            self._authenticated(transport)  # counted by its session from now on
            if session.state is State.AWAITING_LOGON:  # (a TLS peer's Logon may be in already)
                self._unauthenticated[session] = address
                self._unauthenticated_by_ip[address] += 1
            self.links[session] = link
            link.connection_made(started)  # start_tls leaves that to its caller
            if gate.early:
                link.data_received(gate.early)
                gate.early = b""
            if started is transport:
                transport.resume_reading()
            await link.done
        finally:
            if not link.done.done():
                transport.abort()
                link.connection_lost(None)
            self.links.pop(session, None)
            if capture is not None:
                self._journaled("close", capture)
            self._authenticated(transport)
            self._authenticated(session)
            try:
                self.exchange.detach(session)
            except Exception:
                log.exception("%r: the exchange could not forget the session", session)

    def _journaled(
        self, kind: str, capture: str | None = None, seconds: float | None = None
    ) -> None:
        if self._journal is not None:
            self._journal.write(journal.Entry(self.wall_clock(), kind, capture, seconds))

    def _recorder(self, path: Path) -> Recorder | None:
        """A recorder for a new connection; the oldest captures past the limit are deleted."""
        try:
            recorder = Recorder(
                path, self.record_limits, sbe_sent=self.encoding.sbe_out(venue=True),
                sbe_received=self.encoding.sbe_in(venue=True),
            )  # fmt: skip
        except OSError as error:
            log.warning("cannot record in %s: %s", path, error.strerror or error)
            return None
        keep_newest(self._records, path, self.record_limits.files)
        return recorder

    def _deliver(self, link: Connection, events: list[Event]) -> None:
        session = cast(Acceptor, link.session)  # (a server's connections run acceptors)
        now = link.loop.time()
        for event in events:
            self._deliver_one(link, event, now)
            if session.queued >= BURST:  # a long read's answers start leaving before its end
                link.flush()
        # The answers leave first; what is left to do for this read waits for no peer.
        link.flush()
        exchange = self.exchange
        # The other connections the exchange sent to (drop copy, ResponseMode 1) are written
        # once per loop iteration.
        others = exchange.take_recipients(besides=session)
        if others:
            self._others |= others
            if self._flushing is None:
                self._flushing = link.loop.call_soon(self._flush_recipients)
        deadline = exchange.next_deadline()
        if deadline is not None and (
            self._exchange_deadline is None or deadline < self._exchange_deadline
        ):
            self._wake.set()  # the exchange's timer must run earlier than planned

    def _deliver_one(self, link: Connection, event: Event, now: float) -> None:
        session = cast(Acceptor, link.session)  # (a server's connections run acceptors)
        exchange = self.exchange
        if type(event) is not MessageReceived:
            if isinstance(event, FaultDetected):
                self.stats.rejects_out[event.error.code] += 1
            elif isinstance(event, LoggedOn):
                self.stats.logons += 1
                self._authenticated(session)
            elif isinstance(event, Closed):
                self.stats.sessions_ended += 1
            exchange.on_event(session, event, now)
            return
        message = event.message
        self.stats.messages_in[message.msg_type] += 1
        if event.error is not None:
            return  # (a Reject from the client: the exchange has nothing to do with it)
        exchange.on_message(session, message, now)

    def _flush_recipients(self) -> None:
        """Write what the exchange sent, on just the connections it sent to."""
        self._flushing = None
        self._others, others = set(), self._others
        for session in others | self.exchange.take_recipients():
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
                self._journaled("tick")
                self.exchange.tick(loop.time())
                self._flush_recipients()
            except Exception:  # a bug: keep the venue up, and do not spin on it
                log.exception("the exchange's timers failed; trying again in a second")
                await asyncio.sleep(1.0)


class _JournalFile:
    """The venue's journal on disk, within ``limit`` bytes (a last ``full`` line says where it
    stopped); a journal that cannot be written is given up, with a warning, and the venue
    goes on."""

    def __init__(self, path: Path, header: bytes, limit: int) -> None:
        self.path = path
        self._limit = limit
        self._written = 0
        self._stream: Any = None
        try:
            self._stream = open(path, "wb")  # noqa: SIM115 -- closed by close()
        except OSError as error:
            log.warning("cannot write the venue journal %s: %s", path, error.strerror or error)
            return
        self._put(header)

    def write(self, item: journal.Entry) -> None:
        if self._stream is None:
            return
        line = journal.entry(item)
        if self._written + len(line) + 64 > self._limit:  # room for the "full" line
            self._put(journal.entry(journal.Entry(item.at, "full")))
            log.warning("the venue journal %s is full: it stops here", self.path)
            self.close()
            return
        self._put(line)

    def _put(self, line: bytes) -> None:
        try:
            self._stream.write(line)
            self._stream.flush()
            self._written += len(line)
        except (OSError, ValueError) as error:
            log.warning("cannot write the venue journal %s: %s", self.path, error)
            self.close()

    def close(self) -> None:
        if self._stream is not None:
            with contextlib.suppress(OSError):
                self._stream.close()
            self._stream = None


class _Gate(asyncio.Protocol):
    """A new TCP connection, held unread until the server lets it in (or closes it), so a
    connection over the caps costs neither a TLS context nor a byte of buffer. Over plain
    TCP it then hands the connection's bytes to its ``link`` (uvloop's transports do not
    take a new protocol with ``set_protocol``, and may deliver a first read although
    paused: that is kept, up to a Logon's size, for the link)."""

    def __init__(self, server: Server, kind: SessionType) -> None:
        self._server = server
        self.kind = kind
        self.link: Connection | None = None
        self.early = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport = cast(asyncio.Transport, transport)  # uvloop's is one, not a subclass
        transport.pause_reading()  # before the first read: nothing is read until admitted
        self._transport = transport
        self._server._admit(transport, self)

    def data_received(self, data: bytes) -> None:
        if self.link is not None:
            self.link.data_received(data)
        elif len(self.early) + len(data) <= self._server.pre_logon_max_frame_size:
            self.early += data
        elif self._transport is not None:
            self._transport.abort()

    def eof_received(self) -> bool:
        return self.link.eof_received() if self.link is not None else False

    def connection_lost(self, exc: Exception | None) -> None:
        if self.link is not None:
            self.link.connection_lost(exc)

    def pause_writing(self) -> None:
        if self.link is not None:
            self.link.pause_writing()

    def resume_writing(self) -> None:
        if self.link is not None:
            self.link.resume_writing()


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
