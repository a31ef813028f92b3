"""A gateway's client: ``connect`` to Binance (or the local venue) and a logged-on ``Client``.

Owns the asyncio side of a gateway's sessions: opening the connection and logging on,
``send``/``request``/``async for`` over a bounded event queue (backpressure: reading stops
while it is full), handing each request its answer (the session decides which message answers
which request), and carrying out the replacements ``failover`` decides on (News, drops) with
the connections they need. FIX rules live in ``initiator`` and ``failover``; this module
moves messages and time.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import ssl
import time
from collections.abc import AsyncIterator, Callable, Generator
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from types import TracebackType
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixsession import binance, errors
from fixsession.binance import SessionRules
from fixsession.errors import BinanceError, FixSessionError
from fixsession.events import (
    Action,
    Closed,
    Event,
    FaultDetected,
    LoggedOn,
    LoggedOut,
    MessageReceived,
    Request,
)
from fixsession.failover import Budget, Failover, ReconnectPolicy
from fixsession.initiator import Initiator
from fixsession.message import Message
from fixsession.recording import Recorder, RecordLimits, keep_newest
from fixsession.sbewire import Encoding
from fixsession.spec import MsgType, SessionType, Tag
from fixsession.state import ACTIVE
from fixsession.stats import OTHER, OTHER_CODE, Stats, tally
from fixsession.transport import Connection, capture_path, finish, open_connection
from fixsession.typed import TypedMessage

log = logging.getLogger("fixsession.client")


@dataclass(frozen=True, slots=True)
class Dropped:
    """The session ended without a Logout handshake (a drop, a fault, a timeout); ``error``
    is the typed error that ended it, when there was one."""

    sender_comp_id: str
    reason: str
    error: BinanceError | None = None


@dataclass(frozen=True, slots=True)
class Reconnected:
    """A new session is logged on in place of the one that dropped or is being retired."""

    sender_comp_id: str
    previous_comp_id: str
    reason: str  # "maintenance" or "reconnect"
    resubscribed: tuple[str, ...] = ()  # MDReqIDs sent again on the new session
    closed_first: bool = False  # no free connection slot (budget): the old one ended first


ClientEvent = Event | Dropped | Reconnected


class OutcomeUnknown(errors.UnknownOutcomeError, ConnectionError):
    """A ``request()`` whose session ended before any answer: it may or may not have
    executed. ``request`` says what was sent (MsgType, MsgSeqNum, ClOrdID, MDReqID or
    ReqID); reconcile (drop copy keeps reporting, or ask a new session) before sending it
    again. ``fault`` is the error that ended the session, if a fault did. A
    ``ConnectionError`` too, as such a failure always was."""

    def __init__(
        self, text: str, *, request: Request | None = None, fault: BinanceError | None = None
    ) -> None:
        super().__init__(text)
        self.request = request
        self.fault = fault

    def __str__(self) -> str:
        return self.text


_ENDING: Final = frozenset({Action.LOGGED_OUT, Action.CLOSED})  # faults that end a session
_MARKET_DATA_REQUEST: Final = MsgType.MARKET_DATA_REQUEST.value


class Client:
    """A logged-on FIX session with Binance, for a gateway. Get one from ``connect``.

    ``await send(message)`` sends (after pacing under the message limit) and returns the
    MsgSeqNum; ``await request(message)`` returns the first answer and raises its typed error
    if it is a reject; ``async for event in client`` yields everything else in order. The
    event queue is bounded: once ``queue_size`` events wait, the client stops reading its
    connections (TCP then holds the peer back) until the application has taken half of them.
    """

    def __init__(self, connector: Connector) -> None:
        self._connector = connector
        self._loop = asyncio.get_running_loop()
        self._queue: collections.deque[ClientEvent] = collections.deque()
        self._queue_size = connector.queue_size
        self.stats = Stats()  # what this client has seen (fixsession.metrics exports it)
        self.stats.message_limit_usage = self._message_limit_usage
        self._ready = asyncio.Event()  # events wait, or the end came
        self._held: set[Connection] = set()  # connections paused while the queue is full
        self._answers: dict[tuple[Connection, int], asyncio.Future[MessageReceived]] = {}
        self._subscriptions: dict[str, Message] = {}  # MDReqID: its MarketDataRequest
        # request() deadlines, kept by one timer for all of them (see _sweep)
        self._deadlines: dict[asyncio.Future[MessageReceived], tuple[float, float]] = {}
        self._sweeper: asyncio.TimerHandle | None = None
        self._link: Connection | None = None
        self._retiring: set[Connection] = set()
        self._closing = False
        self._replacing: asyncio.Task[None] | None = None
        self._failover = connector.failover
        self._ended = False  # no more events will be queued
        self._faults: dict[Connection, BinanceError] = {}  # what ended each session, if a fault

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
        """The current session's SenderCompID(49)."""
        return self.session.sender_comp_id

    # -- sending --------------------------------------------------------------------------------

    async def send(self, message: Message | TypedMessage, *, validate: bool = True) -> int:
        """Send an application message (a ``Message``, or a typed one from
        ``fixsession.messages``) on the current session; its MsgSeqNum.

        Waits as long as the pacer says to stay under the session type's message limit.
        Raises the typed error Binance would answer with if the message breaks its
        dictionary (unless ``validate=False``), and ``SessionStateError`` if the session is
        not logged on.
        """
        sent = self._send_now(message, validate)
        link, seq = sent if isinstance(sent, tuple) else await self._send(message, validate)
        link.flush_soon()  # a burst of sends leaves in one write
        return seq

    async def request(
        self, message: Message | TypedMessage, timeout: float = 10.0, *, validate: bool = True
    ) -> Message:
        """Send ``message`` and return the first answer to it (matched by RefSeqNum, ClOrdID,
        MDReqID or ReqID); raise the answer's typed error if it is a reject. The answer is a
        ``Message``: ``fixsession.messages.typed(answer)`` reads it as its typed class.

        The answer is not also yielded by ``async for``; later messages about the same
        request (fills, cancels) are. ``TimeoutError`` if no answer comes in ``timeout``
        seconds, ``OutcomeUnknown`` (a ``ConnectionError`` carrying the request) if the
        session ends first.
        """
        sent = self._send_now(message, validate)  # (usually at once: no coroutine to make)
        link, seq = sent if isinstance(sent, tuple) else await self._send(message, validate)
        # Written first: the caller waits for the answer, and nothing below needs the peer
        # (its answer is read only once this coroutine waits).
        link.flush()
        key = (link, seq)
        loop = self._loop
        answer: asyncio.Future[MessageReceived] = loop.create_future()
        self._answers[key] = answer
        sent = loop.time()
        deadline = sent + timeout
        self._deadlines[answer] = (deadline, timeout)
        sweeper = self._sweeper
        if sweeper is None or deadline < sweeper.when():
            if sweeper is not None:
                sweeper.cancel()
            self._sweeper = loop.call_at(deadline, self._sweep)
        try:
            received = await answer
        finally:
            del self._deadlines[answer]
            self._answers.pop(key, None)
        self.stats.round_trip(loop.time() - sent)
        if received.error is not None:
            raise received.error
        return received.message

    def send_raw(self, data: bytes) -> None:
        """Write ``data`` on the current connection as it is, to see how the peer treats a
        malformed frame. No MsgSeqNum is used up; the answer comes through ``async for``."""
        link = self._current()
        link.flush()
        link.write(data)

    async def _send(
        self, message: Message | TypedMessage, validate: bool
    ) -> tuple[Connection, int]:
        """Pace, then encode ``message`` on the current session (not yet written)."""
        while True:
            sent = self._send_now(message, validate)
            if isinstance(sent, tuple):
                return sent
            await asyncio.sleep(sent)

    def _send_now(
        self, message: Message | TypedMessage, validate: bool
    ) -> tuple[Connection, int] | float:
        """Encode ``message`` on the current session (not yet written) if the pacer lets it
        go now; else the seconds to wait first."""
        if not isinstance(message, Message):
            message = message.to_message()
        link = self._current()
        session = link.session
        assert isinstance(session, Initiator)
        now = self._loop.time()
        delay = session.pacing_delay(now)
        if delay > 0:
            return delay
        seq = session.send(message, now, validate=validate)
        self.stats.messages_out[message.msg_type] += 1
        if message.msg_type == _MARKET_DATA_REQUEST:
            self._track_subscription(message)
        return link, seq

    def _message_limit_usage(self) -> tuple[int, int] | None:
        link = self._link
        if link is None or not isinstance(link.session, Initiator):
            return None
        return link.session.message_limit_usage(self._loop.time())

    def _track_subscription(self, message: Message) -> None:
        """Keep what a reconnect sends again: subscriptions, less unsubscriptions."""
        md_req_id = message.get(Tag.MD_REQ_ID)
        if md_req_id is None:
            return
        if message.get(Tag.SUBSCRIPTION_REQUEST_TYPE) == "1":
            self._subscriptions[md_req_id] = message
        else:
            self._subscriptions.pop(md_req_id, None)

    def _current(self) -> Connection:
        if self._link is None or self._link.session.closed:
            raise ConnectionError("the session is closed")
        if self._link.session.state is not ACTIVE:
            raise ConnectionError("the session is logging out")
        return self._link

    # -- events ---------------------------------------------------------------------------------

    def __aiter__(self) -> AsyncIterator[ClientEvent]:
        return self

    async def __anext__(self) -> ClientEvent:
        queue = self._queue
        while not queue:
            if self._ended:
                raise StopAsyncIteration
            self._ready.clear()
            await self._ready.wait()
        event = queue.popleft()
        if self._held and len(queue) <= self._queue_size // 2:
            held, self._held = self._held, set()
            for link in held:
                link.resume_reading()
        return event

    async def batches(self) -> AsyncIterator[list[ClientEvent]]:
        """The same events as ``async for event in client``, each time all that are queued,
        in order (a read of market data brings hundreds): ``async for batch in
        client.batches(): for event in batch: …`` costs one wake-up per batch instead of one
        per event. Reading is paused while a full queue's worth waits, as for ``async for``.
        Ends when the client does."""
        queue = self._queue
        while True:
            while not queue:
                if self._ended:
                    return
                self._ready.clear()
                await self._ready.wait()
            batch = list(queue)
            queue.clear()
            if self._held:
                held, self._held = self._held, set()
                for link in held:
                    link.resume_reading()
            yield batch

    def _put(self, link: Connection | None, event: ClientEvent) -> None:
        self._queue.append(event)
        self._ready.set()
        if link is not None and len(self._queue) >= self._queue_size:
            self._held.add(link)
            link.pause_reading()

    def _end(self) -> None:
        """No more events: readers stop once they have read what is queued."""
        self._ended = True
        self._ready.set()

    def _deliver(self, link: Connection, events: list[Event]) -> None:
        queue, answers, failover = self._queue, self._answers, self._failover
        overlapping = failover.overlapping  # two sessions at once (a News failover)
        received, rejects = self.stats.messages_in, self.stats.rejects_in
        for event in events:
            if type(event) is not MessageReceived:
                self._deliver_other(link, event)
                overlapping = failover.overlapping  # (an event may end the overlap)
                continue
            msg_type = event.message.msg_type
            if msg_type in received:  # (a kind seen before: the usual case, inline)
                received[msg_type] += 1
            else:
                tally(received, msg_type, OTHER)
            if event.error is not None:
                tally(rejects, event.error.code, OTHER_CODE)
                if event.message.msg_type == MsgType.MARKET_DATA_REQUEST_REJECT:
                    self._subscriptions.pop(event.message.get(Tag.MD_REQ_ID) or "", None)
            request = event.request  # the session matched it to what it answers
            if request is not None:
                answer = answers.pop((link, request.msg_seq_num), None)
                if answer is not None and not answer.done():
                    answer.set_result(event)
                    continue
            if overlapping and not failover.first_delivery(event.message):
                continue
            queue.append(event)
        if queue:
            self._ready.set()
            if len(queue) >= self._queue_size:
                self._held.add(link)
                link.pause_reading()

    def _deliver_other(self, link: Connection, event: Event) -> None:
        if isinstance(event, LoggedOn):
            self.stats.logons += 1
        elif isinstance(event, Closed):
            self.stats.sessions_ended += 1
        if isinstance(event, FaultDetected) and event.action in _ENDING:
            self._faults[link] = event.error
        self._put(link, event)
        if isinstance(event, Closed):
            self._link_closed(link, event)
        elif link is self._link:
            reason = self._failover.replace_on(event)
            if reason is not None:
                self._replace_soon(reason)

    def _link_closed(self, link: Connection, event: Closed) -> None:
        fault = self._faults.pop(link, None)
        session = link.session
        text = f"the session ended before an answer ({event.reason}): execution status unknown"
        for (answer_link, seq), answer in list(self._answers.items()):
            if answer_link is link and not answer.done():
                request = session.sent_request(seq) if isinstance(session, Initiator) else None
                answer.set_exception(OutcomeUnknown(text, request=request, fault=fault))
        if link in self._retiring:
            self._retiring.discard(link)
            self._failover.retired()
            return
        if link is not self._link or self._closing:
            if self._closing:
                self._end()
            return
        if not event.clean:
            self._put(None, Dropped(link.session.sender_comp_id, event.reason, fault))
        reason = self._failover.replace_on(event)
        if reason is not None:
            self._replace_soon(reason)
        else:
            self._end()

    # -- replacing the session ----------------------------------------------------------------

    def _replace_soon(self, reason: str) -> None:
        if self._closing or (self._replacing is not None and not self._replacing.done()):
            return
        self._replacing = asyncio.get_running_loop().create_task(self._replace(reason))

    async def _replace(self, reason: str) -> None:
        """Log on a new session (as ``failover`` says), switch to it, retire the old one."""
        loop = asyncio.get_running_loop()
        failover = self._failover
        old = self._link
        closed_first = False
        if old is not None and not old.session.closed and self._connector.free_connections() == 0:
            # Every connection slot of the account is taken: no overlap is possible.
            log.warning("no free connection slot for %s: logging out before reconnecting", reason)
            closed_first = True
            self._retiring.add(old)
            failover.retiring()
            old.session.logout(loop.time())
            old.flush()
            await finish([old], 5.0)
        while not self._closing:
            await asyncio.sleep(failover.attempt_delay(loop.time()))
            failover.attempted(loop.time())
            comp_id = failover.next_comp_id()
            try:
                new = await self._connector.open_link(self, comp_id)
            except (OSError, ssl.SSLError, TimeoutError, BinanceError, ConnectionError) as error:
                log.warning("reconnect as %s failed: %s", comp_id, error)
                delay = failover.failed()
                if delay is None:
                    self._end()
                    return
                await asyncio.sleep(delay)
                continue
            failover.succeeded()
            self._link = new
            self.stats.reconnects += 1
            resubscribed = await self._resubscribe()
            previous = old.session.sender_comp_id if old else ""
            self._put(None, Reconnected(comp_id, previous, reason, resubscribed, closed_first))
            if old is not None and not old.session.closed:
                self._retiring.add(old)
                failover.retiring()
                old.session.logout(loop.time())
                old.flush()
            return

    def _sweep(self) -> None:
        """Fail the requests whose time is up; wake again for the next one due. One timer for
        every request, moved only when a new one is due sooner: a timer handle per request,
        made and cancelled each round trip, cost more than the rest of ``request()``."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        self._sweeper = None
        due: float | None = None
        for answer, (deadline, timeout) in list(self._deadlines.items()):
            if deadline <= now:
                if not answer.done():
                    answer.set_exception(TimeoutError(f"no answer within {timeout:g} s"))
            elif due is None or deadline < due:
                due = deadline
        if due is not None:
            self._sweeper = loop.call_at(due, self._sweep)

    async def _resubscribe(self) -> tuple[str, ...]:
        """Send the market-data subscriptions again on the new session, as the policy says."""
        policy = self._failover.policy
        if policy is None or not policy.resubscribe or not self._subscriptions:
            return ()
        sent = []
        for md_req_id, message in list(self._subscriptions.items()):
            try:
                await self.send(message, validate=False)  # (it was valid when first sent)
            except (ConnectionError, FixSessionError) as error:
                log.warning("subscription %s not sent again: %s", md_req_id, error)
                break
            sent.append(md_req_id)
        return tuple(sent)

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
        await finish(links, timeout)
        self._end()
        if self._sweeper is not None and not self._deadlines:
            self._sweeper.cancel()
            self._sweeper = None


class Connector:
    """What ``connect`` was asked for: opens links, and is the async context manager."""

    def __init__(self, **options: Any) -> None:
        self.host: str = options["host"]
        self.port: int = options["port"]
        self.api_key: str = options["api_key"]
        key = options["private_key"]
        self.private_key: Ed25519PrivateKey = (
            key
            if isinstance(key, Ed25519PrivateKey)
            else binance.load_private_key(key, options["private_key_password"])
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
        self.failover = Failover(self.reconnect, self.sender_comp_id)
        self.budget: Budget | None = options.get("budget")
        self.address = self.local_addr[0] if self.local_addr else "*"  # as Binance counts IPs
        self.wall_clock: Callable[[], float] = options["wall_clock"]
        self.record: Path | None = Path(options["record"]) if options["record"] else None
        if self.record is not None:
            self.record.mkdir(parents=True, exist_ok=True)
        self._records: collections.deque[Path] = collections.deque()  # written, oldest first
        self.client: Client | None = None
        self._comp_ids = 0

    def free_connections(self) -> int | None:
        """Connections the account may still open (its ``budget``), or None without one."""
        if self.budget is None:
            return None
        return self.budget.free_connections(self.api_key, self.session_type)

    async def open_link(self, client: Client, comp_id: str) -> Connection:
        """Open a connection and log on as ``comp_id``; the link once logged on. With a
        ``budget``: first wait until the attempt fits it, and count the connection open
        until it ends."""
        budget = self.budget
        if budget is None:
            return await self._open_link(client, comp_id)
        loop = asyncio.get_running_loop()
        key, kind = self.api_key, self.session_type
        while (delay := budget.attempt_delay(key, self.address, kind, loop.time())) > 0:
            log.info("connection attempts of %s at the budget: waiting %.1f s", kind.value, delay)
            await asyncio.sleep(delay)
        budget.attempted(key, self.address, kind, loop.time())
        budget.opened(key, kind)
        try:
            link = await self._open_link(client, comp_id)
        except BaseException:
            budget.closed(key, kind)
            raise
        link.done.add_done_callback(lambda _: budget.closed(key, kind))
        return link

    async def _open_link(self, client: Client, comp_id: str) -> Connection:
        loop = asyncio.get_running_loop()
        session = Initiator(
            api_key=self.api_key, private_key=self.private_key, sender_comp_id=comp_id,
            session_type=self.session_type, wall_clock=self.wall_clock, now=loop.time(),
            logon_timeout=self.logon_timeout, **self.session_options,
        )  # fmt: skip
        logged_on: asyncio.Future[Event] = loop.create_future()
        fault: list[BinanceError] = []  # what ended the session before Logon, if a fault

        def deliver(link: Connection, events: list[Event]) -> None:
            for position, event in enumerate(events):
                if logged_on.done():
                    client._deliver(link, events[position:])
                    return
                if isinstance(event, LoggedOn):
                    logged_on.set_result(event)
                    link.deliver = client._deliver
                    if client._link is None:  # the first session: current from its Logon on
                        client._link = link
                    client._deliver(link, events[position:])
                    return
                if isinstance(event, FaultDetected) and event.action in _ENDING:
                    fault.append(event.error)
                elif isinstance(event, LoggedOut) and event.error is not None:
                    logged_on.set_exception(event.error)
                elif isinstance(event, Closed):
                    error = fault[-1] if fault else None
                    logged_on.set_exception(error or ConnectionError(f"no Logon: {event.reason}"))

        recorder = None
        if self.record is not None:
            encoding = Encoding(self.session_options.get("encoding", Encoding.FIX))
            path = capture_path(self.record, comp_id, self.wall_clock())
            recorder = Recorder(
                path, sbe_sent=encoding.sbe_out(venue=False),
                sbe_received=encoding.sbe_in(venue=False),
            )  # fmt: skip
            keep_newest(self._records, path, RecordLimits().files)
        session.logon(loop.time())  # written as soon as the connection is made
        try:
            link = await asyncio.wait_for(
                open_connection(
                    self.host, self.port,
                    lambda: Connection(session, deliver, recorder=recorder,
                                       wall_clock=self.wall_clock),
                    self.tls, self.server_hostname, self.local_addr,
                ),
                self.logon_timeout,
            )  # fmt: skip
        except ssl.SSLCertVerificationError:
            raise
        except (TimeoutError, ssl.SSLError, ConnectionResetError, EOFError) as error:
            if self.tls is None:
                raise
            raise ConnectionError(self._tls_failure(error)) from error
        try:
            await asyncio.wait((logged_on, link.done), return_when=asyncio.FIRST_COMPLETED)
            if not logged_on.done():  # the connection ended without a word
                raise ConnectionError("no Logon: the connection ended")
            await logged_on
        except ConnectionError as error:
            link.abort()
            if self.tls is None and not session.received_bytes:
                raise ConnectionError(
                    f"{error}, before the server sent a byte: a TLS server closes a plain "
                    "connection so. Is the server TLS (as Binance's are)? Then connect with "
                    "tls=True or an SSLContext (fixsession's tools: without --plain)"
                ) from error
            raise
        except BaseException:
            link.abort()
            raise
        return link

    def _tls_failure(self, error: BaseException) -> str:
        """Why a TLS connection could not be opened, and what to try."""
        where = f"{self.host}:{self.port}"
        if isinstance(error, TimeoutError):
            what = f"no TLS handshake with {where} within {self.logon_timeout:g} s"
        else:
            detail = getattr(error, "reason", None) or str(error) or type(error).__name__
            what = f"the TLS handshake with {where} failed ({detail})"
        return (
            f"{what}: is the server plain TCP? Then connect with tls=False (fixsession's "
            "tools: --plain), or give the server a certificate (serve --tls-cert/--tls-key)"
        )

    async def start(self) -> Client:
        """Connect and log on; the logged-on ``Client`` (``await connect(...)``)."""
        client = Client(self)
        client._link = await self.open_link(client, self.failover.next_comp_id())
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
    private_key_password: bytes | str | None = None,
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
    budget: Budget | None = None,
    encoding: Encoding | str = Encoding.FIX,
    mini_reports: bool = False,
) -> Connector:
    """Open a FIX session with Binance (or ``fixsession serve``) and log on.

    ``async with connect(host, port, api_key=..., private_key=pem) as client:`` logs on,
    and logs out when the block ends (also when it is cancelled); ``client = await
    connect(...)`` does the same without the block (call ``client.logout()``). TLS verifies
    the certificate and sends SNI by default; pass an ``ssl.SSLContext`` to trust another
    CA, or ``tls=False`` for plain TCP on loopback. A failed Logon raises its typed error
    (``InvalidSignature``, ``CompIdInUse``, …). ``reconnect`` fails over to a new session
    on maintenance News and after a drop, each time with a fresh SenderCompID. ``record``
    names a folder where each session's traffic is written as a fixlog capture;
    ``local_addr`` the (host, port) to connect from. ``private_key`` is a key or its PEM
    (``private_key_password`` opens an encrypted one; neither is ever logged). ``budget``
    shares Binance's connection limits with the other clients given the same ``Budget``
    (per account and per source IP): an attempt waits until it fits, and a News failover
    with no free connection slot logs the old session out before opening the new one.
    ``encoding`` is ``"fix"`` (Binance's port 9000), ``"sbe-responses"`` (port 9001: FIX
    requests, FIX SBE answers) or ``"sbe"`` (port 9002): answers read the same either way,
    as ``Message`` objects and typed errors; ``mini_reports`` (with ``response_mode=2``)
    asks for ExecutionReportAck instead of full reports over SBE.
    """
    encoding = Encoding(encoding)
    context: ssl.SSLContext | None
    if tls is True:
        context = ssl.create_default_context()
    elif tls is False:
        context = None
    else:
        context = tls
    return Connector(
        host=host, port=port, api_key=api_key, private_key=private_key,
        private_key_password=private_key_password, sender_comp_id=sender_comp_id,
        session_type=session_type, tls=context,
        server_hostname=server_hostname, queue_size=queue_size, reconnect=reconnect,
        logon_timeout=logon_timeout, wall_clock=wall_clock, record=record,
        local_addr=local_addr, budget=budget, session_options={
            "heart_bt_int": heart_bt_int, "message_handling": message_handling,
            "response_mode": response_mode, "recv_window_ms": recv_window_ms, "rules": rules,
            "encoding": encoding, "mini_reports": mini_reports,
        },
    )  # fmt: skip
