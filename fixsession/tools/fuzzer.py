"""``fixsession fuzz``: malformed frames sent to a live acceptor, and how it answered each kind.

Owns ``fuzz``: log on with a ``probe.RawClient``, send malformed frames of every kind (from
``malformed``), each followed by a TestRequest whose Heartbeat closes the acceptor's answer,
paced under the message limit, reconnecting when the acceptor hangs up; and ``FuzzReport``,
the tally per kind (a typed reject with its code, a silent drop, a disconnect, no answer)
beside the code Binance answers with. The rules live in the core; this moves bytes and time.
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

from fixsession import binance, errors
from fixsession.binance import RULES, Limit, Pacer
from fixsession.framing import Garbled
from fixsession.message import Message
from fixsession.spec import SessionType, Tag
from fixsession.tools.malformed import Malformed, MalformedSbe, generate, generate_sbe
from fixsession.tools.probe import RawClient

SILENT: Final = "silent drop"
DISCONNECT: Final = "disconnect"
NO_ANSWER: Final = "no answer"


@dataclass
class _Pending:
    index: int
    bad: Malformed | MalformedSbe
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

    def record(self, bad: Malformed | MalformedSbe, outcome: str) -> None:
        """Count one mutation's outcome."""
        self.outcomes.setdefault(bad.kind, collections.Counter())[outcome] += 1
        self.expected[bad.kind] = bad.code

    def count(self, outcome: str) -> int:
        """How many mutations had ``outcome``."""
        return sum(counter[outcome] for counter in self.outcomes.values())

    @property
    def answered(self) -> int:
        """How many mutations got an answer."""
        return self.sent - self.count(NO_ANSWER)

    @property
    def as_expected(self) -> int:
        """How many mutations got the reject their kind calls for."""
        return sum(
            n
            for kind, counter in self.outcomes.items()
            for outcome, n in counter.items()
            if as_binance(outcome, self.expected[kind])
        )


def as_binance(outcome: str, code: int) -> bool:
    """Whether an outcome is the reject Binance answers with (``code``): alone, or followed by
    the Logout of a fault that ends the session."""
    return outcome.split(" then ")[0] == f"reject {code}"


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
    sbe: bool = False,
    connection_attempts: Limit | None = None,
    window: int = 64,
    reply_timeout: float = 10.0,
    progress: Callable[[FuzzReport], None] | None = None,
) -> FuzzReport:
    """Log on with ``open_client(comp_id)`` and send ``count`` malformed frames, each followed
    by a TestRequest whose Heartbeat marks the end of the acceptor's answer to it; tally the
    answers per kind. A dropped connection is logged on again (a fresh CompID each time).
    ``sbe``: the frames are malformed FIX SBE (``malformed.generate_sbe``) for a client
    speaking SBE (``probe.SbeRawClient``). New connections are paced under
    ``connection_attempts`` (default: Binance's for the session type)."""
    rng = random.Random(seed)
    limit = message_limit or RULES[session_type].message_limit
    pacer = _Pacer(limit)
    report = FuzzReport()
    started = time.monotonic()
    queue: collections.deque[tuple[int, Malformed | MalformedSbe]] = collections.deque(
        (index, generate_sbe(rng, kinds) if sbe else generate(rng, session_type, kinds))
        for index in range(count)
    )
    connection = 0
    beat = 5 if sbe else 30  # SBE faults end sessions: keep what holds them short
    attempts = _Pacer(connection_attempts or RULES[session_type].connection_attempts)
    while queue:
        connection += 1
        if connection > count + 10:
            break
        client = await _logged_on(
            open_client, f"FZ{connection}", session_type, pacer, beat, attempts
        )
        report.connections += 1
        await _fuzz_connection(client, queue, report, pacer, window, reply_timeout, progress)
    client = await _logged_on(
        open_client, f"FZ{connection + 1}", session_type, pacer, beat, attempts
    )
    report.connections += 1
    report.still_serving = await _still_serving(client, pacer, reply_timeout)
    report.elapsed = time.monotonic() - started
    return report


async def _logged_on(
    open_client: Callable[[str], Awaitable[RawClient]],
    comp_id: str,
    session_type: SessionType,
    pacer: _Pacer,
    heart_bt_int: int,
    attempts: _Pacer,
) -> RawClient:
    """A new session. Sessions the acceptor ended itself (after a fault that breaks an SBE
    stream, say) may count against the account's connections for 2xHeartBtInt, as Binance
    says: a Logon refused with -1034 for that is tried again until they have passed. Every
    attempt waits its turn under the session type's connection-attempt limit (``attempts``;
    Binance counts refused ones too)."""
    give_up = time.monotonic() + max(2 * heart_bt_int + 5, 35)
    while True:
        await attempts.wait(1)
        client = await open_client(comp_id)
        await pacer.wait(1)
        extra = "9406=Y|" if session_type is SessionType.DROP_COPY else ""
        client.send(client.logon_frame(extra=extra, heart_bt_int=heart_bt_int))
        answer = await client.receive_message()
        if answer.msg_type == "A":
            return client
        error = errors.from_message(answer)
        client.close()
        if not isinstance(error, errors.TooManyConnections) or time.monotonic() > give_up:
            raise ConnectionError(f"the acceptor refused the Logon: {error or answer}")
        await asyncio.sleep(1.0)


async def _fuzz_connection(
    client: RawClient,
    queue: collections.deque[tuple[int, Malformed | MalformedSbe]],
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
                    if pending:  # (a reject first, then the Logout: both are the answer)
                        codes = pending[0].codes
                        rejected = f"reject {','.join(map(str, codes))} then " if codes else ""
                        finish(rejected + DISCONNECT)
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
