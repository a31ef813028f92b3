"""When a gateway's client replaces its session, as whom, how soon, and what it hands on once.

Owns the client's failover rules, sans-I/O: on Binance's maintenance News a replacement
session is logged on before the old one logs out, and after a drop a new one is opened, when
``ReconnectPolicy`` says so; each with a fresh SenderCompID (Binance holds a CompID for
2×HeartBtInt after a session drops, and two live sessions of an account need two); attempts
kept under Binance's connection-attempt limit with a backoff; and, while two sessions overlap,
each ExecutionReport handed on once. ``Budget`` counts Binance's connection limits for every
client that shares it (per account and per source IP). The client's transport asks; time is
an input.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from fixsession.binance import RULES, SessionRules
from fixsession.events import Closed, Event, NewsReceived
from fixsession.message import Message
from fixsession.spec import MsgType, SessionType, Tag

MAINTENANCE: Final = "maintenance"
RECONNECT: Final = "reconnect"
_MAX_REMEMBERED_EXEC_IDS: Final = 10_000
_MAX_REMEMBERED_EXEC_ID: Final = 64  # Binance's ExecIDs are numbers; a longer one is not kept


@dataclass(frozen=True)
class ReconnectPolicy:
    """How a client replaces a session: after a drop, and on Binance's maintenance News.

    ``max_attempts`` connection attempts per ``window`` seconds (Binance allows 15 per 30 s
    on order entry and drop copy, 300 per 300 s on market data: stay under them); the delay
    between attempts grows from ``backoff`` to ``max_backoff``. ``give_up_after`` attempts in
    a row without a Logon end the client. ``resubscribe``: the market-data subscriptions of
    the old session are sent again on the new one (Binance has no resend: a new session
    starts with none).
    """

    on_drop: bool = True
    on_news: bool = True
    backoff: float = 0.5
    max_backoff: float = 30.0
    max_attempts: int = 12
    window: float = 30.0
    give_up_after: int = 10
    resubscribe: bool = True


class Failover:
    """One client's failover state. ``policy`` None: sessions are never replaced."""

    def __init__(
        self,
        policy: ReconnectPolicy | None,
        sender_comp_id: str | None = None,
        token: Callable[[], str] = lambda: secrets.token_hex(2),
    ) -> None:
        self.policy = policy
        self._sender_comp_id = sender_comp_id
        self._token = token
        self._comp_ids = 0
        self._attempts: list[float] = []
        self._failures = 0
        self._delay = policy.backoff if policy is not None else 0.0
        self._overlapping = 0  # sessions being retired while a newer one runs
        self._exec_ids: dict[str, None] = {}  # handed on while sessions overlap, oldest first

    def next_comp_id(self) -> str:
        """The SenderCompID for the next session: the one asked for first, then the first
        four characters of it and four hex digits."""
        self._comp_ids += 1
        if self._comp_ids == 1 and self._sender_comp_id:
            return self._sender_comp_id
        return (self._sender_comp_id or "fs")[:4] + self._token()

    def replace_on(self, event: Event) -> str | None:
        """Whether the current session's ``event`` calls for a replacement: ``MAINTENANCE``
        (News), ``RECONNECT`` (a close without a Logout handshake), or None."""
        policy = self.policy
        if policy is None:
            return None
        if isinstance(event, NewsReceived) and policy.on_news:
            return MAINTENANCE
        if isinstance(event, Closed) and not event.clean and policy.on_drop:
            return RECONNECT
        return None

    # -- attempts ------------------------------------------------------------------------------

    def attempt_delay(self, now: float) -> float:
        """Seconds to wait before the next attempt keeps within the attempt window."""
        assert self.policy is not None
        window = self.policy.window
        self._attempts = [at for at in self._attempts if at > now - window]
        if len(self._attempts) < self.policy.max_attempts:
            return 0.0
        return max(0.0, self._attempts[0] + window - now)

    def attempted(self, now: float) -> None:
        """A reconnect attempt starts at ``now``."""
        self._attempts.append(now)

    def failed(self) -> float | None:
        """An attempt failed: seconds to wait before the next, or None to give up."""
        assert self.policy is not None
        self._failures += 1
        if self._failures >= self.policy.give_up_after:
            return None
        delay = self._delay
        self._delay = min(self._delay * 2, self.policy.max_backoff)
        return delay

    def succeeded(self) -> None:
        """The last attempt logged on: the next failure starts the backoff afresh."""
        assert self.policy is not None
        self._failures = 0
        self._delay = self.policy.backoff

    # -- overlapping sessions ------------------------------------------------------------------

    def retiring(self) -> None:
        """A replaced session is logging out while its successor runs."""
        self._overlapping += 1

    def retired(self) -> None:
        """A replaced session ended."""
        self._overlapping = max(0, self._overlapping - 1)
        if not self._overlapping:
            self._exec_ids.clear()

    @property
    def overlapping(self) -> bool:
        """Two sessions overlap (or just did): reports may come twice."""
        return bool(self._overlapping or self._exec_ids)

    def first_delivery(self, message: Message) -> bool:
        """Whether to hand ``message`` on: False for an ExecutionReport already handed on by
        the other session while two overlap (both may receive it)."""
        if message.msg_type != MsgType.EXECUTION_REPORT or not (
            self._overlapping or self._exec_ids
        ):
            return True
        exec_id = message.get(Tag.EXEC_ID)
        if exec_id is None or len(exec_id) > _MAX_REMEMBERED_EXEC_ID:
            return True  # (a peer's megabyte ExecIDs would make the 10,000 gigabytes)
        if exec_id in self._exec_ids:
            return False
        self._exec_ids[exec_id] = None
        if len(self._exec_ids) > _MAX_REMEMBERED_EXEC_IDS:
            del self._exec_ids[next(iter(self._exec_ids))]
        return True


class Budget:
    """Binance's connection limits, counted for every client given this budget (all the
    sessions of a ``Gateway``; pass one to each ``connect()`` of a process to share it).

    Binance counts connection attempts per account and per source IP (order entry and drop
    copy 15 per 30 s, market data 300 per 300 s) and concurrent connections per account (10,
    10, 100), per session type, and answers -1034 past them. A budget makes the clients that
    share it wait for a free attempt (``attempt_delay``) and tells how many connections an
    account has free; ``share`` of each attempt limit is used (0.8: 12 of 15), the rest left
    for retries from elsewhere (an operator's tools, another process).
    """

    def __init__(
        self, rules: dict[SessionType, SessionRules] | None = None, share: float = 0.8
    ) -> None:
        if not 0 < share <= 1:
            raise ValueError(f"share is a fraction of Binance's limit, 0 < share <= 1: {share}")
        self.rules = rules or RULES
        self.share = share
        self._attempts: dict[tuple[str, str, SessionType], list[float]] = {}
        self._connections: dict[tuple[str, SessionType], int] = {}

    def _limit(self, session_type: SessionType) -> tuple[int, float]:
        limit = self.rules[session_type].connection_attempts
        return max(1, int(limit.count * self.share)), limit.seconds

    def attempt_delay(
        self, api_key: str, address: str, session_type: SessionType, now: float
    ) -> float:
        """Seconds until one more attempt fits both the account's and the address's window
        (and a slack of a fiftieth of it, at least 0.1 s: the venue counts an attempt from when
        it reads it, later than the client started it)."""
        count, seconds = self._limit(session_type)
        delay = 0.0
        for key in (("account", api_key, session_type), ("address", address, session_type)):
            recent = [at for at in self._attempts.get(key, ()) if at > now - seconds]
            if recent:
                self._attempts[key] = recent
            else:
                self._attempts.pop(key, None)  # idle accounts and addresses are forgotten
            if len(recent) >= count:  # (a little after: Binance counts from when it reads)
                slack = max(0.1, seconds / 50)
                delay = max(delay, recent[-count] + seconds + slack - now)
        return delay

    def attempted(self, api_key: str, address: str, session_type: SessionType, now: float) -> None:
        """A connection attempt starts at ``now``."""
        for key in (("account", api_key, session_type), ("address", address, session_type)):
            self._attempts.setdefault(key, []).append(now)

    def opened(self, api_key: str, session_type: SessionType) -> None:
        """A connection of the account is open (until ``closed``)."""
        key = (api_key, session_type)
        self._connections[key] = self._connections.get(key, 0) + 1

    def closed(self, api_key: str, session_type: SessionType) -> None:
        """A connection ``opened`` counted has ended."""
        key = (api_key, session_type)
        left = self._connections.get(key, 0) - 1
        if left > 0:
            self._connections[key] = left
        else:
            self._connections.pop(key, None)

    def free_connections(self, api_key: str, session_type: SessionType) -> int:
        """How many more connections of this type the account may open now."""
        used = self._connections.get((api_key, session_type), 0)
        return max(0, self.rules[session_type].max_connections - used)
