"""The Binance-compatible acceptor's application side: a small exchange for gateway tests.

Owns what happens to a message once the session layer has let it through: a NewOrderSingle
is acknowledged with an ExecutionReport NEW, then MARKET and LIMIT orders trade against a
seeded synthetic book (one TRADE report per price level, with LastQty, LastPx, TradeID and
AggressorIndicator, the fills also on the trade streams), and what an IOC, FOK or MARKET
order cannot fill expires (EXPIRED with ExpiryReason); a LIMIT_MAKER that would cross is
rejected; a GTC remainder rests until cancelled. A cancel of a known order is CANCELED and
of an unknown one gets OrderCancelReject "Unknown order sent." with -1013, as the FIX page's
sample (``unknown_order_code=-2011``: the error page's code); a ClOrdID of an open order is
rejected -2010 "Duplicate order sent."; a message naming an unknown symbol gets Reject<3>
-1121, as the FIX page says; amends, mass cancels and order lists are answered; LimitQuery
gets a LimitResponse with the live counts; market data sessions get an InstrumentList, and
for each subscription (MarketDepth 1, or 2 to 5000) a snapshot then a stream of incremental
refreshes from the synthetic feed (the book they show holds the clients' resting orders too);
drop-copy sessions receive the ExecutionReports of the
account's order-entry sessions. Every ID the exchange issues starts above 2**32; prices and
quantities in reports carry 8 decimals, as Binance's samples. Resting orders trade as makers
when the feed moves the book through them, and with the orders of any session that cross
them (each side gets its TRADE report, the maker's with AggressorIndicator N; at one price the
synthetic book's orders come first, then the clients' by time; when both orders are one
account's, the taker's SelfTradePreventionMode(25001) decides: NONE (the default here, as in
Binance's sample report) trades, EXPIRE_TAKER, EXPIRE_MAKER and EXPIRE_BOTH expire the orders
they name with PreventedMatchID and the other prevented-match fields instead of trading;
DECREMENT takes the match's quantity off both and expires the one left with nothing, and
TRANSFER is DECREMENT within one account); stop and take-profit
orders wait for the book's mid to reach their TriggerPrice; order lists cancel, expire and
trigger their legs as Binance does (OCO, OTO, OPO); a pegged order (OrdType P, or a stop-limit's
limit price) trades as a LIMIT at the price its peg fixes as it enters the book.

Sans-I/O like the session: messages and ``now`` in, messages out through the sessions,
``next_deadline()``/``tick(now)`` for the feed and the drop-copy delay. No session rules, no
I/O, no clock reads.
"""

from __future__ import annotations

import bisect
import collections
import functools
import heapq
import itertools
import random
import re
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Final

from fixsession import binance, errors, sbefix
from fixsession.catalog import EngineMessage
from fixsession.errors import BinanceError
from fixsession.events import Closed, Event, LoggedOn, MessageReceived
from fixsession.message import Message, Picker
from fixsession.session import WallClock
from fixsession.spec import MsgType, SessionType, Tag
from fixsession.state import ACTIVE
from fixsession.venue.acceptor import Acceptor

_ZERO: Final = "0.00000000"
# An ExecutionReport's tags, as plain ints (built for every order: enum lookups cost).
_EXECUTION_REPORT: Final = MsgType.EXECUTION_REPORT.value
_EXEC_ID, _CL_ORD_ID, _ORIG_CL_ORD_ID = (
    int(Tag.EXEC_ID),
    int(Tag.CL_ORD_ID),
    int(Tag.ORIG_CL_ORD_ID),
)
_PRICE, _TIME_IN_FORCE, _PEGGED_PRICE = int(Tag.PRICE), int(Tag.TIME_IN_FORCE), 839
_SIDE, _ORD_TYPE, _ORDER_QTY = int(Tag.SIDE), int(Tag.ORD_TYPE), int(Tag.ORDER_QTY)
_PEG_TAGS: Final = (211, 1094, 835, 836)
_PEG_PRICE_TYPE: Final = 1094
"""PegInstructions in the dictionary's order: PegOffsetValue, PegPriceType, PegMoveType,
PegOffsetType."""
_ORDER_TAGS: Final = tuple(
    map(int, (Tag.ORDER_ID, Tag.ORDER_QTY, Tag.ORD_TYPE, Tag.SIDE, Tag.SYMBOL))
)
# In the dictionary's order, as Binance's sample ExecutionReport (a leg's ListID between).
_REPORT_HEAD: Final = (int(Tag.TRANSACT_TIME), int(Tag.ORDER_CREATION_TIME))
_REPORT_TAIL: Final = tuple(map(int, (
    Tag.SELF_TRADE_PREVENTION_MODE, Tag.EXEC_TYPE, Tag.CUM_QTY, Tag.LEAVES_QTY, Tag.CUM_QUOTE_QTY,
)))  # fmt: skip
_TRADE_TAGS: Final = tuple(map(int, (Tag.AGGRESSOR_INDICATOR, Tag.TRADE_ID, Tag.LAST_PX)))
_STP: Final = 25001  # SelfTradePreventionMode
_FEE_TAGS: Final = (136, 137, 138, 139)  # NoMiscFees, MiscFeeAmt, MiscFeeCurr, MiscFeeType
COMMISSION: Final = Decimal("0.001")
"""The fee of a trade, as a share of what it gives: Binance's standard spot rate, 0.1 %."""
_PREVENTED_TAGS: Final = (25024, 25025, 25026, 25028, 25029, 25030, 25031)
"""PreventedMatchID, PreventedExecutionPrice, PreventedExecutionQty, CounterSymbol,
CounterOrderID, PreventedQty, LastPreventedQty: on a report of an order expired by STP."""
_LAST_QTY, _ORD_STATUS, _WORKING_INDICATOR, _WORKING_TIME, _EXPIRY_REASON = map(int, (
    Tag.LAST_QTY, Tag.ORD_STATUS, Tag.WORKING_INDICATOR, Tag.WORKING_TIME, Tag.EXPIRY_REASON,
))  # fmt: skip
_LIST_ID: Final = int(Tag.LIST_ID)
# A plain order's NEW report (see _plain_new), as _report_of writes it.
_NEW_REPORT_TAGS: Final = (
    _EXEC_ID, _CL_ORD_ID, *_ORDER_TAGS, _PRICE, _TIME_IN_FORCE, *_REPORT_HEAD, *_REPORT_TAIL,
    _LAST_QTY, _ORD_STATUS, _WORKING_INDICATOR, _WORKING_TIME,
)  # fmt: skip
FIRST_ID: Final = 5_000_000_000
"""Where every ID the exchange issues starts: above 2**32, so a gateway meets 64-bit values."""
BOOK_LEVELS: Final = 20
"""Price levels on each side of the synthetic book."""
MAX_MARKET_DEPTH: Final = 5000
_NOBODY: Final[frozenset[Acceptor]] = frozenset()
_SYMBOL_NAME: Final = re.compile(r"[A-Z0-9]{2,20}")
UNKNOWN_ORDER_CODES: Final = (-1013, -2011)
"""An unknown order's OrderCancelReject code: Binance's FIX page's sample, its error page's."""
ORDER_LIMITS: Final = (binance.Limit(200, 10), binance.Limit(200_000, 86400))
"""New orders per account, as Binance's XLR sample says (real limits vary: read them with XLQ)."""


@dataclass(frozen=True)
class Instrument:
    """A symbol the exchange lists, with the filters an InstrumentList reports."""

    symbol: str
    currency: str
    price: Decimal
    tick_size: Decimal = Decimal("0.01")
    min_qty: Decimal = Decimal("0.00001")
    max_qty: Decimal = Decimal("9000")
    step_size: Decimal = Decimal("0.00001")

    @classmethod
    def parse(cls, text: str) -> Instrument:
        """``SYMBOL:CURRENCY:PRICE[:TICK[:LOT]]`` (``serve --symbol``), e.g.
        ``SOLUSDT:USDT:150.00`` or ``LTCBNB:BNB:0.14000:0.00001:0.001``: the symbol, its quote
        currency, its starting price, tick size (default 0.01) and lot size (default 0.00001,
        also the minimum quantity). ValueError saying what is wrong."""
        parts = text.split(":")
        if not 3 <= len(parts) <= 5:
            raise ValueError(f"{text[:60]!r} is not SYMBOL:CURRENCY:PRICE[:TICK[:LOT]]")
        symbol, currency, *numbers = parts
        if not (_SYMBOL_NAME.fullmatch(symbol) and currency and symbol.endswith(currency)
                and symbol != currency):  # fmt: skip
            raise ValueError(
                f"{text[:60]!r}: a symbol is 2 to 20 capital letters and digits, ending with "
                "its quote currency (BTCUSDT:USDT)"
            )
        values = []
        for name, part in zip(("price", "tick size", "lot size"), numbers, strict=False):
            try:
                value = Decimal(part) if len(part) <= 40 else None
            except InvalidOperation:
                value = None
            if value is None or not value.is_finite() or value <= 0:
                raise ValueError(f"{text[:60]!r}: the {name} {part[:40]!r} is not above 0")
            values.append(value)
        price, tick, step = (*values, Decimal("0.01"), Decimal("0.00001"))[:3]
        try:
            off_grid = bool(price % tick)
        except InvalidOperation:  # (beyond the decimal context's precision)
            off_grid = True
        if off_grid:
            raise ValueError(f"{text[:60]!r}: the price is not a whole number of ticks")
        return cls(symbol, currency, price, tick, step, cls.max_qty, step)


INSTRUMENTS: Final = (
    Instrument("BTCUSDT", "USDT", Decimal("64000.00")),
    Instrument("ETHUSDT", "USDT", Decimal("3200.00")),
    Instrument("BNBUSDT", "USDT", Decimal("580.00")),
    Instrument("LTCBNB", "BNB", Decimal("0.14000"), Decimal("0.00001"), Decimal("0.001")),
)


def _decimal(value: Decimal) -> str:
    return f"{value:.8f}" if value else _ZERO  # (zero: most reports' CumQty, at no cost)


_NONE: Final = Decimal(0)
_CACHED: Final = 32  # texts up to this long are cached below; a peer's longer ones are not
_COMPACT_FROM: Final = 64  # resting orders of a symbol before done ones are first dropped
_decimal_of: Final = functools.lru_cache(maxsize=4096)(Decimal)
_eight_of: Final = functools.lru_cache(maxsize=4096)(lambda text: f"{Decimal(text):.8f}")


def _number(text: str) -> Decimal:
    """A quantity's text as a Decimal, made once (an order's quantity is read on every tick)."""
    return _decimal_of(text) if len(text) <= _CACHED else Decimal(text)


def _plain_new(order: _Order) -> bool:
    """An order (with a price and TimeInForce) whose NEW report has just the usual fields: no
    peg, not a list's leg, nothing traded or prevented, LeavesQty its quantity as written."""
    return (
        not order.peg and order.pegged is None and order.list_id is None and not order.cum_qty
        and not order.prevented and order.status in _LIVE and order.quantity[0] != "-"
    )  # fmt: skip


def _eight(text: str) -> str:
    """A price or quantity as Binance reports it: 8 decimals (``5`` is ``5.00000000``), made
    once per text (a gateway's tests repeat their prices and quantities)."""
    return _eight_of(text) if len(text) <= _CACHED else f"{Decimal(text):.8f}"


def _trade_entry(
    symbol: str, price: Decimal, size: Decimal, trade_id: int, transact_time: str, aggressor: str
) -> list[tuple[int, str]]:
    """One trade as a MarketDataIncrementalRefresh entry."""
    return [
        (Tag.MD_UPDATE_ACTION, "0"), (Tag.MD_ENTRY_TYPE, "2"), (Tag.MD_ENTRY_PX, _decimal(price)),
        (Tag.MD_ENTRY_SIZE, _decimal(size)), (Tag.SYMBOL, symbol), (Tag.TRADE_ID, str(trade_id)),
        (Tag.TRANSACT_TIME, transact_time), (Tag.AGGRESSOR_SIDE, aggressor),
    ]  # fmt: skip


_SYMBOL: Final = int(Tag.SYMBOL)
_ORDER_FIELDS: Final = Picker(
    _CL_ORD_ID, _SYMBOL, _SIDE, _ORD_TYPE, _ORDER_QTY, _PRICE, _TIME_IN_FORCE, _STP,
    _PEG_PRICE_TYPE,
)  # fmt: skip
"""What ``_place`` reads of an order, at once."""
_CHECKS_ITS_SYMBOL: Final = frozenset({
    MsgType.NEW_ORDER_SINGLE.value, MsgType.MARKET_DATA_REQUEST.value,
    MsgType.INSTRUMENT_LIST_REQUEST.value,
})  # fmt: skip
"""Handlers that answer an unknown symbol themselves (the rest get Reject<3> before)."""


@dataclass(slots=True)
class _Order:
    order_id: int
    cl_ord_id: str
    symbol: str
    side: str
    ord_type: str
    quantity: str  # with 8 decimals, as reports write it
    price: str | None
    time_in_force: str | None
    created: str
    status: str = "0"  # NEW
    request: Message | None = None  # a pending leg's order, placed when triggered
    trigger: Decimal | None = None  # a stop or take-profit's TriggerPrice(1102)
    direction: str | None = None  # its TriggerPriceDirection(1109): U or D
    waiting: bool = False  # a stop or take-profit not triggered yet
    trailing: Decimal | None = None  # TriggerTrailingDeltaBips(25009) as a share of the price
    extreme: Decimal | None = None  # a trailing order's best price since it began trailing
    list_id: str | None = None  # the order list it is a leg of
    owner: Acceptor | None = None  # the session that placed it (its account's, if closed)
    account: str = ""  # its API key: self-trade prevention is per account
    stp: str = "1"  # SelfTradePreventionMode(25001): 1 NONE, 2 EXPIRE_TAKER, 3 _MAKER, 4 _BOTH,
    # 5 DECREMENT, 6 TRANSFER
    cum_qty: Decimal = Decimal(0)
    cum_quote: Decimal = Decimal(0)
    prevented: Decimal = Decimal(0)  # PreventedQty(25030): what self-trade prevention took
    peg: tuple[tuple[int, str], ...] = ()  # its PegInstructions as sent, echoed in reports
    pegged: Decimal | None = None  # PeggedPrice(839): the price its peg fixed

    @property
    def limit(self) -> Decimal | None:
        """The price it trades at or better: its pegged price, else its Price(44)."""
        if self.pegged is not None:
            return self.pegged
        return _number(self.price) if self.price is not None else None

    @property
    def available(self) -> Decimal:
        """What may still trade: the quantity less what traded and what STP prevented."""
        quantity = _number(self.quantity)
        return (
            quantity - self.cum_qty - self.prevented if self.cum_qty or self.prevented else quantity
        )

    @property
    def leaves(self) -> Decimal:
        return self.available if self.status in _LIVE else Decimal(0)

    def traded_status(self) -> str:
        """OrdStatus after a trade: FILLED once all traded, EXPIRED once nothing is left
        because STP's DECREMENT took the rest, else PARTIALLY_FILLED."""
        if self.cum_qty >= _number(self.quantity):
            return "2"
        return "C" if self.available <= 0 else "1"


class _Taken(list[Decimal]):
    """A resting client order as a level an order crossing it takes: [its price, what is left
    of it], and the order."""

    def __init__(self, order: _Order) -> None:
        super().__init__((order.limit or Decimal(0), order.available))
        self.order = order


_OPEN: Final = frozenset({"0", "1"})  # NEW, PARTIALLY_FILLED
_PENDING_NEW: Final = "A"  # an OTO's pending leg, until the working leg is filled
_LIVE: Final = _OPEN | {_PENDING_NEW}  # not done yet


@dataclass(frozen=True)
class _Fill:
    price: Decimal
    quantity: Decimal
    trade_id: int


@dataclass
class _Account:
    orders: dict[str, _Order] = field(default_factory=dict)  # open orders by ClOrdID
    by_id: dict[int, _Order] = field(default_factory=dict)  # open and pending, by OrderID
    order_windows: list[binance.Window] = field(default_factory=list)
    lists: dict[str, _List] = field(default_factory=dict)  # open order lists by ListID
    lists_by_cl_list_id: dict[str, _List] = field(default_factory=dict)


@dataclass
class _List:
    list_id: str
    cl_list_id: str
    contingency_type: str
    orders: list[_Order]
    opo: bool = False  # One Pays the Other: the pending orders sell what the working one buys


@dataclass
class _Stream:
    session: Acceptor
    md_req_id: str
    symbol: str
    kind: str  # "trade", "bookTicker" or "depth"
    depth: int


class Exchange:
    """The application behind ``fixsession serve``; see the module docstring.

    Sessions are ``attach``-ed once logged on and ``detach``-ed when closed; ``on_message``
    takes each message the session layer passed. ``seed`` fixes the market-data feed.
    """

    def __init__(
        self,
        *,
        wall_clock: WallClock,
        seed: int = 1,
        instruments: tuple[Instrument, ...] = INSTRUMENTS,
        drop_copy_delay: float = 1.0,
        feed_interval: float = 0.1,
        first_order_id: int = FIRST_ID,
        order_limits: tuple[binance.Limit, ...] = ORDER_LIMITS,
        unknown_order_code: int = -1013,
        book_levels: int = BOOK_LEVELS,
        commission: Decimal = COMMISSION,
    ) -> None:
        if unknown_order_code not in UNKNOWN_ORDER_CODES:
            raise ValueError(f"unknown_order_code is -1013 or -2011, not {unknown_order_code}")
        self._wall_clock = wall_clock
        self.seed = seed
        self.first_order_id = first_order_id
        self.commission = commission
        self.instruments = {instrument.symbol: instrument for instrument in instruments}
        self.drop_copy_delay = drop_copy_delay
        self.feed_interval = feed_interval
        self.order_limits = order_limits
        self.unknown_order_code = unknown_order_code
        self.book_levels = max(1, book_levels)
        self._accounts: dict[str, _Account] = collections.defaultdict(_Account)
        self._sessions: dict[str, list[Acceptor]] = collections.defaultdict(list)
        self._order_ids = itertools.count(first_order_id)
        self._exec_ids = itertools.count(first_order_id)
        self._trade_ids = itertools.count(first_order_id)
        self._cancel_ids = itertools.count(1)  # CancelClOrdIDs the exchange makes up
        # Per symbol: the book's update ID (one per change: a refill, an order's fills), and
        # while a depth stream follows it, what the depth streams last published (the ID and
        # the book as ``_depth`` gives it): the next diff is what changed since.
        self._book_ids = dict.fromkeys(self.instruments, first_order_id)
        self._published: dict[str, tuple[int, dict[tuple[str, Decimal], Decimal]]] = {}
        self._random = random.Random(seed)
        self._mid = {symbol: instrument.price for symbol, instrument in self.instruments.items()}
        # The synthetic book: per symbol, bids (best first) and asks (best first) as [px, qty]
        self._levels: dict[str, tuple[list[list[Decimal]], list[list[Decimal]]]] = {}
        for symbol in self.instruments:
            self._refill(symbol)
        self._resting: dict[str, list[_Order]] = {symbol: [] for symbol in self.instruments}
        self._compact_at = dict.fromkeys(self.instruments, _COMPACT_FROM)  # see _place
        # Per symbol, the resting client orders that can be taken, per side, best first (a
        # BUY's by highest price, a SELL's by lowest, then by time): a crossing reads only
        # the orders it takes, however many rest. Done orders are skipped, then dropped.
        self._queues: dict[str, dict[str, list[tuple[Decimal, int, _Order]]]] = {
            symbol: {"1": [], "2": []} for symbol in self.instruments
        }
        self._streams: list[_Stream] = []
        self._next_feed: float | None = None
        self._drop_copies: list[tuple[float, int, str, Message]] = []  # heap: due, n, key, report
        self._queued = itertools.count()
        self._recipients: set[Acceptor] = set()  # sent to since take_recipients()
        self._handlers: dict[str, Callable[[Acceptor, Message, float], None]] = {
            MsgType.NEW_ORDER_SINGLE.value: self._new_order,
            MsgType.ORDER_CANCEL_REQUEST.value: self._cancel,
            MsgType.ORDER_MASS_CANCEL_REQUEST.value: self._mass_cancel,
            MsgType.ORDER_AMEND_KEEP_PRIORITY_REQUEST.value: self._amend,
            MsgType.ORDER_CANCEL_REQUEST_AND_NEW_ORDER_SINGLE.value: self._cancel_replace,
            MsgType.NEW_ORDER_LIST.value: self._new_order_list,
            MsgType.LIMIT_QUERY.value: self._limit_query,
            MsgType.INSTRUMENT_LIST_REQUEST.value: self._instrument_list,
            MsgType.MARKET_DATA_REQUEST.value: self._market_data_request,
        }

    # -- sessions ------------------------------------------------------------------------------

    def attach(self, session: Acceptor, username: str | None = None) -> None:
        """A session logged on (as ``username``, default the session's API key). A session
        that has already closed again (its Logon and its end in one read) is not attached:
        its ``Closed`` follows."""
        username = username if username is not None else session.username
        if username is not None and not session.closed:
            self._sessions[username].append(session)

    def detach(self, session: Acceptor) -> None:
        """A session ended: forget it and its streams."""
        for sessions in self._sessions.values():
            if session in sessions:
                sessions.remove(session)
        self._streams = [stream for stream in self._streams if stream.session is not session]
        self._recipients.discard(session)

    def on_event(self, session: Acceptor, event: Event, now: float) -> None:
        """Follow what ``session`` reports: attach it at Logon, take each message it let
        through, detach it when it closes. (``attach``, ``on_message`` and ``detach`` one by
        one, for an owner that drives them itself.)"""
        if isinstance(event, LoggedOn):
            self.attach(session, event.username)
        elif isinstance(event, MessageReceived) and event.error is None:
            self.on_message(session, event.message, now)
        elif isinstance(event, Closed):
            self.detach(session)

    def take_recipients(self, besides: Acceptor | None = None) -> AbstractSet[Acceptor]:
        """The sessions sent a message since the last call, ``besides`` left out; their bytes
        wait in ``data_to_send()``, so an owner with sockets need flush only these."""
        recipients = self._recipients
        if not recipients or (len(recipients) == 1 and besides in recipients):
            recipients.clear()  # (the usual case: only the session that asked was answered)
            return _NOBODY
        self._recipients = set()
        if besides is not None:
            recipients.discard(besides)
        return recipients

    def _send(self, session: Acceptor, message: Message, now: float) -> None:
        """Send if the session is still logged on (a closing session takes nothing more)."""
        if session.state is ACTIVE:
            session.send(message, now)
            self._recipients.add(session)

    # -- time ---------------------------------------------------------------------------------

    def next_deadline(self) -> float | None:
        """When ``tick`` must next run (a drop copy due, the feed's next update); None if never."""
        feed = self._next_feed if self._streams else None
        if not self._drop_copies:
            return feed
        due = self._drop_copies[0][0]
        return due if feed is None or due < feed else feed

    def tick(self, now: float) -> None:
        """Deliver due drop copies; publish the feed's next updates."""
        while self._drop_copies and self._drop_copies[0][0] <= now:
            _, _, api_key, report = heapq.heappop(self._drop_copies)
            for session in self._live(api_key, SessionType.DROP_COPY):
                self._send(session, report, now)
        if self._streams and self._next_feed is not None and now >= self._next_feed:
            # On a fixed schedule from the first subscription, not ``now + interval``: a late
            # tick does not move the next ones, so a replay's clock gives the same feed.
            missed = int((now - self._next_feed) // self.feed_interval)
            self._next_feed += (missed + 1) * self.feed_interval
            self._publish(now)

    # -- messages -------------------------------------------------------------------------------

    def on_message(self, session: Acceptor, message: Message, now: float) -> None:
        """A message the session layer accepted from ``session``'s client."""
        msg_type = message.msg_type
        handler = self._handlers.get(msg_type)
        if handler is None:
            return
        # "Client messages that ... refer to unknown symbols will be rejected by the server
        # with a Reject<3>" (Binance's FIX page, "Message components").
        if (
            msg_type not in _CHECKS_ITS_SYMBOL
            and _SYMBOL in message.tags
            and any(symbol not in self.instruments for symbol in message.get_all(_SYMBOL))
        ):
            error = errors.BadSymbol.from_template(ref_tag_id=55)
            self._send(session, _reject(message, error), now)
            return
        # A price or quantity written longer than any Binance holds is read for its value
        # here, and refused beyond what its engine holds (-1102, Binance's text): the venue
        # keeps no megabyte of digits per order (shorter texts it takes as it always has).
        if max(map(len, message.values), default=0) > _CACHED:
            fault = sbefix.decimal_fault(message, places=False)
            if fault is not None:
                self._send(session, _reject(message, fault), now)
                return
        handler(session, message, now)

    def _live(self, api_key: str, session_type: SessionType) -> list[Acceptor]:
        return [
            session
            for session in self._sessions.get(api_key, [])
            if session.session_type is session_type and not session.closed
        ]

    def _report(self, session: Acceptor, report: Message, now: float) -> None:
        """Send an ExecutionReport to its session, to the account's other order-entry
        sessions that asked for everything (ResponseMode 1), and later to drop copy."""
        self._send(session, report, now)
        api_key = session.username or ""
        drop_copy = False
        for other in self._sessions.get(api_key, ()):
            if other is session or other.closed:
                continue
            if other.session_type is SessionType.DROP_COPY:
                drop_copy = True
            elif other.session_type is SessionType.ORDER_ENTRY and other.response_mode == 1:
                self._send(other, report, now)
        if drop_copy:  # no replay for later sessions
            entry = (now + self.drop_copy_delay, next(self._queued), api_key, report)
            heapq.heappush(self._drop_copies, entry)

    def _execution_report(
        self,
        order: _Order,
        exec_type: str,
        cl_ord_id: str,
        orig_cl_ord_id: str | None = None,
        *,
        fill: _Fill | None = None,
        expiry_reason: str | None = None,
        aggressor: bool = True,
        prevented: tuple[str, ...] | None = None,
    ) -> Message:
        """A report of ``order`` as it stands, in the fields and order of Binance's sample."""
        price, time_in_force = order.price, order.time_in_force
        if (
            exec_type == "0" and price is not None and time_in_force is not None
            and orig_cl_ord_id is None and expiry_reason is None and prevented is None
            and fill is None and _plain_new(order)
        ):  # fmt: skip
            return self._new_report(order, cl_ord_id, price, time_in_force)
        return self._report_of(
            order, exec_type, cl_ord_id, orig_cl_ord_id, fill=fill, expiry_reason=expiry_reason,
            aggressor=aggressor, prevented=prevented,
        )  # fmt: skip

    def _new_report(self, order: _Order, cl_ord_id: str, price: str, time_in_force: str) -> Message:
        """``_report_of``'s NEW report of a plain order (see ``_plain_new``), in one go: most
        orders' only report."""
        created = order.created
        return Message._trusted(_EXECUTION_REPORT, _NEW_REPORT_TAGS, (
            str(next(self._exec_ids)), cl_ord_id, str(order.order_id), order.quantity,
            order.ord_type, order.side, order.symbol, price, time_in_force, created,
            created, order.stp, "0", _ZERO, order.quantity, _decimal(order.cum_quote), _ZERO,
            order.status, "Y", created,
        ))  # fmt: skip

    def _report_of(
        self,
        order: _Order,
        exec_type: str,
        cl_ord_id: str,
        orig_cl_ord_id: str | None = None,
        *,
        fill: _Fill | None = None,
        expiry_reason: str | None = None,
        aggressor: bool = True,
        prevented: tuple[str, ...] | None = None,
    ) -> Message:
        """A report of ``order`` as it stands (any kind: see ``_execution_report``)."""
        # A new order's TransactTime is when it was made; anything later, now.
        now_text = order.created if exec_type == "0" else self._now_text()
        tags = [_EXEC_ID, _CL_ORD_ID]
        values = [str(next(self._exec_ids)), cl_ord_id]
        if orig_cl_ord_id is not None:
            tags.append(_ORIG_CL_ORD_ID)
            values.append(orig_cl_ord_id)
        tags += _ORDER_TAGS
        values += (str(order.order_id), order.quantity, order.ord_type, order.side, order.symbol)
        if order.price is not None:
            tags.append(_PRICE)
            values.append(order.price)
        if order.peg:
            tags += (tag for tag, _ in order.peg)
            values += (value for _, value in order.peg)
        if order.pegged is not None:
            tags.append(_PEGGED_PRICE)
            values.append(_decimal(order.pegged))
        if order.time_in_force is not None:
            tags.append(_TIME_IN_FORCE)
            values.append(order.time_in_force)
        tags += _REPORT_HEAD
        values += (now_text, order.created)
        if order.list_id is not None:
            tags.append(_LIST_ID)
            values.append(order.list_id)
        tags += _REPORT_TAIL
        leaves = order.quantity  # all of it, as is usual (written with 8 decimals already)
        if order.cum_qty or order.prevented or order.status not in _LIVE or leaves[0] == "-":
            leaves = _decimal(order.leaves)  # (a negative zero, too: written as zero)
        values += (order.stp, exec_type, _decimal(order.cum_qty), leaves,
                   _decimal(order.cum_quote))  # fmt: skip
        if fill is not None:
            tags += _TRADE_TAGS
            values += ("Y" if aggressor else "N", str(fill.trade_id), _decimal(fill.price))
        tags += (_LAST_QTY, _ORD_STATUS)
        values += (_decimal(fill.quantity) if fill is not None else _ZERO, order.status)
        if exec_type == "0":
            tags += (_WORKING_INDICATOR, _WORKING_TIME)
            values += ("Y", now_text)
        if expiry_reason is not None:
            tags.append(_EXPIRY_REASON)
            values.append(expiry_reason)
        if prevented is not None:  # expired by self-trade prevention
            tags += _PREVENTED_TAGS
            values += prevented
        if fill is not None and self.commission:  # the fee, in the asset the trade gives
            instrument = self.instruments[order.symbol]
            if order.side == "1":  # a BUY receives the base asset
                fee = fill.quantity * self.commission
                currency = order.symbol.removesuffix(instrument.currency)
            else:
                fee, currency = fill.quantity * fill.price * self.commission, instrument.currency
            tags += _FEE_TAGS
            values += ("1", _decimal(fee), currency, "4")  # MiscFeeType 4: EXCHANGE_FEES
        # Every value is the order's (judged valid when it came in) or made here: the
        # message is well formed as it is.
        return Message._trusted(_EXECUTION_REPORT, tuple(tags), tuple(values))

    def _now_text(self) -> str:
        return binance.format_sending_time(self._wall_clock(), 6)

    def _rejected_order(self, message: Message, error: BinanceError) -> Message:
        fields = [(Tag.CL_ORD_ID, message[Tag.CL_ORD_ID])]
        for tag in (Tag.ORDER_QTY, Tag.ORD_TYPE, Tag.SIDE, Tag.SYMBOL, Tag.PRICE):
            value = message.get(tag)
            if value is not None:
                fields.append((tag, value))
        fields += [
            (Tag.EXEC_TYPE, "8"), (Tag.CUM_QTY, _ZERO), (Tag.LAST_QTY, _ZERO),
            (Tag.ORD_STATUS, "8"), (Tag.ORD_REJ_REASON, "99"),
            (Tag.ERROR_CODE, str(error.code)), (Tag.TEXT, error.text),
        ]  # fmt: skip
        return Message(MsgType.EXECUTION_REPORT, fields)

    # -- orders ---------------------------------------------------------------------------------

    def _place(self, session: Acceptor, message: Message, now: float) -> _Order | None:
        """Open an order, or answer with the rejected ExecutionReport; the order."""
        account = self._accounts[session.username or ""]
        cl_ord_id, symbol, side, ord_type, quantity, price, time_in_force, stp, peg_type = (
            _ORDER_FIELDS(message)
        )
        assert cl_ord_id is not None and symbol is not None  # (required: the validator saw them)
        assert side is not None and ord_type is not None
        error: BinanceError
        if cl_ord_id in account.orders:
            error = errors.NewOrderRejected("Duplicate order sent.")
            self._report(session, self._rejected_order(message, error), now)
            return None
        if symbol not in self.instruments:  # Reject<3>, as the FIX page says
            error = errors.BadSymbol.from_template(ref_tag_id=55)
            self._send(session, _reject(message, error), now)
            return None
        if not account.order_windows:
            account.order_windows = [binance.Window(limit) for limit in self.order_limits]
        windows = account.order_windows
        for window in windows:
            limit = window.limit
            if window.count(now) >= limit.count:  # a rejected order does not count
                every = "".join(_interval(limit.seconds))
                error = errors.TooManyOrders.from_template(limit.count, every, template=1)
                self._send(session, self._rejected_order(message, error), now)
                return None
        for window in windows:
            window.record(now)
        if len(self._resting[symbol]) >= self._compact_at[symbol]:
            # Done orders leave what rests on every tick of the feed; without one, cancelled
            # and taken orders must not pile up: they go once it has doubled (never mid-tick).
            self._compact_at[symbol] = max(_COMPACT_FROM, 2 * len(self._prune_resting(symbol)))
        order = _Order(
            next(self._order_ids), cl_ord_id, symbol, side, ord_type, _eight(quantity or _ZERO),
            _eight(price) if price is not None else None, time_in_force, self._now_text(),
        )  # fmt: skip
        order.owner = session
        order.account = session.username or ""
        order.stp = stp or "1"
        if peg_type is not None:  # (the validator let peg fields through with it only)
            order.peg = tuple((tag, message[tag]) for tag in _PEG_TAGS if tag in message)
        account.orders[cl_ord_id] = order
        account.by_id[order.order_id] = order
        return order

    def _new_order(self, session: Acceptor, message: Message, now: float) -> None:
        order = self._place(session, message, now)
        if order is not None:
            self._execute(session, order, message, now)

    def _execute(self, session: Acceptor, order: _Order, message: Message, now: float) -> None:
        """Report a placed order NEW, trade it against the book, expire what must not rest;
        a GTC LIMIT remainder rests, and trades when the book moves through its price. A
        pegged order is a LIMIT at the price its peg fixes now (a stop-limit's, once
        triggered)."""
        text = _peg_refusal(order, message) if order.peg else None
        if text is None and order.ord_type == "P":
            text = self._peg(order)
        if text is not None:
            self._close_order(session, order, "8")  # REJECTED
            self._send(session, self._rejected_order(message, errors.NewOrderRejected(text)), now)
            return
        if order.ord_type in ("3", "4"):  # stop / take-profit (-limit): waits for its trigger
            self._arm(session, order, message, now)
            return
        limit = order.limit if order.ord_type != "1" else None
        levels = self._crossing(order.symbol, order.side, limit)
        if levels and message.get(Tag.EXEC_INST) == "6":  # LIMIT_MAKER would take
            self._close_order(session, order, "8")  # REJECTED: no cancel may find it open
            error = errors.NewOrderRejected(EngineMessage.ORDER_WOULD_MATCH_AND_TAKE.value)
            self._send(session, self._rejected_order(message, error), now)
            return
        time_in_force = order.time_in_force or ("3" if order.ord_type == "1" else "1")
        if not levels and time_in_force == "1" and limit is not None:
            # the common case, a GTC LIMIT that rests: no plan, nothing more made
            self._report(session, self._execution_report(order, "0", order.cl_ord_id), now)
            self._rest(order)
            return
        cash = message.get(Tag.CASH_ORDER_QTY) if order.ord_type == "1" else None
        plan = self._plan(order, levels, Decimal(cash) if cash is not None else None)
        planned = sum((take for _, take in plan), Decimal(0))
        if cash is not None:  # a quote-quantity order is for what its money buys
            order.quantity = _decimal(planned)
        self._report(session, self._execution_report(order, "0", order.cl_ord_id), now)
        if time_in_force == "4" and planned < Decimal(order.quantity):  # FOK: all or nothing
            self._expire(session, order, "6", now)  # UNFILLED_FOK_ORDER_EXPIRED
            return
        self._fill(session, order, plan, now, aggressor=True)
        if order.status in _OPEN and (order.ord_type == "1" or time_in_force in ("3", "4")):
            # MARKET: INSUFFICIENT_LIQUIDITY; IOC: UNFILLED_IOC_QUANTITY_EXPIRED; FOK: ..._FOK_...
            reason = "7" if order.ord_type == "1" else {"3": "5", "4": "6"}[time_in_force]
            self._expire(session, order, reason, now)
        elif order.status in _OPEN:
            self._rest(order)

    def _arm(self, session: Acceptor, order: _Order, message: Message, now: float) -> None:
        """A stop or take-profit order: rejected if its trigger is already reached ("Order
        would trigger immediately."), else NEW; it trades once the last price (the book's
        mid) reaches TriggerPrice in TriggerPriceDirection. A trailing one (with
        TriggerTrailingDeltaBips) starts trailing there (at once without a TriggerPrice),
        then follows the price its way (a SELL the highest since, a BUY the lowest) and
        trades once the price turns back by the delta, as Binance's trailing orders do."""
        trigger, direction = (
            message.get(Tag.TRIGGER_PRICE),
            message.get(Tag.TRIGGER_PRICE_DIRECTION),
        )
        delta = message.get(Tag.TRIGGER_TRAILING_DELTA_BIPS)
        if delta is not None and delta.isdigit() and 0 < int(delta) < 10_000:
            order.trailing = Decimal(delta) / 10_000
            if trigger is None or direction not in ("U", "D"):
                order.extreme = self._mid[order.symbol]  # trailing from now
        if trigger is not None and direction in ("U", "D"):
            order.trigger, order.direction = Decimal(trigger), direction  # (or where it trails)
            if order.trailing is None and self._triggered(order):
                self._close_order(session, order, "8")  # REJECTED
                error = errors.NewOrderRejected(EngineMessage.ORDER_WOULD_TRIGGER_IMMEDIATELY.value)
                self._send(session, self._rejected_order(message, error), now)
                return
        order.waiting = True
        self._report(session, self._execution_report(order, "0", order.cl_ord_id), now)
        self._rest(order)

    def _triggered(self, order: _Order) -> bool:
        last = self._mid[order.symbol]
        if order.trailing is not None:
            return self._trailed(order, last)
        if order.trigger is None:
            return False
        return last >= order.trigger if order.direction == "U" else last <= order.trigger

    def _trailed(self, order: _Order, last: Decimal) -> bool:
        """A trailing order at ``last``: start trailing once its TriggerPrice is reached,
        follow the price, and say when it turned back by the delta."""
        assert order.trailing is not None
        if order.extreme is None:
            reached = order.trigger is not None and (
                last >= order.trigger if order.direction == "U" else last <= order.trigger
            )
            if not reached:
                return False
            order.extreme = last
        if order.side == "2":  # a SELL: the highest price since, and a fall from it
            order.extreme = max(order.extreme, last)
            return last <= order.extreme * (1 - order.trailing)
        order.extreme = min(order.extreme, last)
        return last >= order.extreme * (1 + order.trailing)

    def _fill(
        self,
        session: Acceptor,
        order: _Order,
        plan: list[tuple[list[Decimal], Decimal]],
        now: float,
        *,
        aggressor: bool,
    ) -> None:
        """Trade ``order`` as ``plan`` says: a TRADE report per level, the fills on the trade
        streams, the book's levels taken; a filled order leaves the book."""
        if not plan:
            return
        fills: list[_Fill] = []
        replan = False
        for level, take in plan:
            maker = level.order if isinstance(level, _Taken) else None
            if maker is not None and maker.account == order.account and order.stp in "23456":
                # Self-trade prevention: the taker's mode decides (Binance's STP FAQ).
                match_id = str(next(self._trade_ids))
                if order.stp in "56":  # DECREMENT; TRANSFER is DECREMENT within one account
                    self._decrement(order, maker, level[0], take, match_id, now)
                else:
                    for expired in ((order,) if order.stp == "2" else (maker,)
                                    if order.stp == "3" else (order, maker)):  # fmt: skip
                        other = maker if expired is order else order
                        last = expired.available  # all that is left of it expires
                        expired.prevented += last
                        self._prevent(expired, other, level[0], take, last, match_id, now)
                    replan = True  # what the expired maker would have filled is still wanted
                if order.status not in _OPEN:
                    break
                continue
            level[1] -= take
            if not order.cum_qty:
                self._first_fill(order, now)
            order.cum_qty += take
            order.cum_quote += take * level[0]
            order.status = order.traded_status()
            fill = _Fill(level[0], take, next(self._trade_ids))
            fills.append(fill)
            report = self._execution_report(
                order, "F", order.cl_ord_id, fill=fill, aggressor=aggressor
            )
            self._report(session, report, now)
            if maker is not None:
                self._maker_traded(maker, fill, now)
        self._prune(order.symbol)
        self._trade_streams(order, fills, now, aggressor=aggressor)
        if replan and order.status in _OPEN:  # the levels after the expired makers
            limit = order.limit if order.ord_type != "1" else None
            again = self._plan(order, self._crossing(order.symbol, order.side, limit), None)
            if again:
                self._fill(session, order, again, now, aggressor=aggressor)
                return  # (which has dropped the order, or told its list, as below)
        if order.status not in _OPEN:
            self._drop(session, order)
        if order.list_id is not None:
            self._leg_traded(session, order, now)

    def _decrement(
        self, taker: _Order, maker: _Order, price: Decimal, quantity: Decimal, match_id: str,
        now: float,
    ) -> None:  # fmt: skip
        """STP DECREMENT: both orders' prevented quantity grows by the match's ``quantity``
        (the smaller one's available); the order left with nothing expires (both if equal).
        The other stays open with less: FIX has no ExecType for that event (the TRADE_PREVENTION
        of Binance's user data stream; its SBE schema's ExecType says NonRepresentable), so it
        is not reported then, and its later reports' LeavesQty leave the prevented quantity
        out. TRANSFER differs only between accounts of one trade group, which this venue does
        not have: within one account it is DECREMENT, as the FAQ says."""
        for order in (taker, maker):
            order.prevented += quantity
        for expired, other in ((taker, maker), (maker, taker)):
            if expired.available <= 0:
                self._prevent(expired, other, price, quantity, quantity, match_id, now)

    def _prevent(
        self,
        order: _Order,
        other: _Order,
        price: Decimal,
        quantity: Decimal,
        last: Decimal,
        match_id: str,
        now: float,
    ) -> None:
        """``order`` expires instead of trading ``quantity`` at ``price`` with ``other`` (one
        account's): EXPIRED with the prevented match's fields, PreventedQty all of it STP
        prevented so far, LastPreventedQty ``last``, what this match prevented."""
        owner = order.owner
        assert owner is not None
        self._close_order(owner, order, "C")
        prevented = (match_id, _decimal(price), _decimal(quantity), other.symbol,
                     str(other.order_id), _decimal(order.prevented), _decimal(last))  # fmt: skip
        report = self._execution_report(order, "C", order.cl_ord_id, prevented=prevented)
        self._report(owner, report, now)

    def _maker_traded(self, maker: _Order, fill: _Fill, now: float) -> None:
        """A resting client order was taken by another order: its own TRADE report (not the
        aggressor), and what being filled means for it."""
        owner = maker.owner
        assert owner is not None  # (only orders with an owner are makers)
        if not maker.cum_qty:
            self._first_fill(maker, now)
        maker.cum_qty += fill.quantity
        maker.cum_quote += fill.quantity * fill.price
        maker.status = maker.traded_status()
        report = self._execution_report(maker, "F", maker.cl_ord_id, fill=fill, aggressor=False)
        self._report(owner, report, now)
        if maker.status not in _OPEN:
            self._drop(owner, maker)
        if maker.list_id is not None:
            self._leg_traded(owner, maker, now)

    def _first_fill(self, order: _Order, now: float) -> None:
        """An order's first fill takes one off its account's unfilled order count in every
        interval (Binance's unfilled order count FAQ: "orders that trade do not count"; it
        may take more for makers, unspecified, so one here either way; never below zero)."""
        for window in self._accounts[order.account].order_windows:
            window.give_back(now)

    def _leg_traded(self, session: Acceptor, order: _Order, now: float) -> None:
        """A leg of a list traded: the other leg of its OCO pair (an OCO's, or an OTOCO's
        pending two) expires (ExpiryReason OCO_TRIGGER); an OTO's pending legs are placed
        once the working leg is filled; the list reports ALL_DONE when every leg is done."""
        account = self._accounts[session.username or ""]
        order_list = account.lists.get(order.list_id or "")
        if order_list is None:
            return
        for other in self._oco_pair(order_list, order)[1:]:  # OCO: one trades, the other goes
            if other.status in _OPEN:
                self._expire(session, other, "3", now)  # OCO_TRIGGER
        if (
            order_list.contingency_type != "1"
            and order.status == "2"
            and (order is order_list.orders[0])
        ):  # OTO: the working leg
            for pending in order_list.orders[1:]:
                if pending.status == _PENDING_NEW:
                    assert pending.request is not None  # kept when it was made pending
                    pending.status = "0"
                    if order_list.opo:
                        pending.quantity = _decimal(self._received(order))
                    if Decimal(pending.quantity) > 0:
                        self._execute(session, pending, pending.request, now)
                    else:  # (an OPO's working order that received less than a lot)
                        self._expire(session, pending, None, now)
        # (A pending leg placed above may have traded at once and ended the list already.)
        listed = account.lists.get(order_list.list_id) is order_list
        if listed and all(leg.status not in _LIVE for leg in order_list.orders):
            del account.lists[order_list.list_id]
            account.lists_by_cl_list_id.pop(order_list.cl_list_id, None)
            self._report(session, self._list_status(order_list, "5", "6"), now)

    def _received(self, order: _Order) -> Decimal:
        """What a filled BUY received, the quantity of an OPO's pending orders (Binance's OPO
        FAQ): its base asset less the commission the TRADE reports charged in it, rounded
        down to whole lots (the LOT_SIZE adjustment)."""
        step = self.instruments[order.symbol].step_size
        return (order.cum_qty * (1 - self.commission)).quantize(step, ROUND_DOWN)

    def _rest(self, order: _Order) -> None:
        """``order`` rests: it waits for the book (or its trigger), and once it has a price
        and no trigger to wait for, others' orders can take it."""
        self._resting[order.symbol].append(order)
        self._queue(order)

    def _prune_resting(self, symbol: str) -> list[_Order]:
        """Forget the resting orders of ``symbol`` that are done; those left, in time order."""
        resting = [order for order in self._resting[symbol] if order.status in _OPEN]
        self._resting[symbol] = resting
        for queue in self._queues[symbol].values():
            queue[:] = [entry for entry in queue if entry[2].status in _OPEN]
        return resting

    def _queue(self, order: _Order) -> None:
        price = order.limit
        if price is None or order.waiting or order.owner is None:
            return
        key = -price if order.side == "1" else price
        entry = (key, order.order_id, order)
        queue = self._queues[order.symbol][order.side]
        last = queue[-1] if queue else None
        if last is None or last[0] < key or (last[0] == key and last[1] < order.order_id):
            queue.append(entry)  # (the usual case: at a price already there, last in time)
        else:
            bisect.insort(queue, entry)

    def _match_resting(self, symbol: str, now: float) -> None:
        """The book moved: resting GTC orders it now crosses trade (as makers)."""
        resting = self._prune_resting(symbol)
        for order in resting:
            if order.status not in _OPEN or order.owner is None:
                continue
            if order.waiting:
                if not self._triggered(order):
                    continue
                order.waiting = False  # triggered: now a MARKET (3) or a LIMIT (4) order
                if order.peg and self._peg(order) is not None:  # nothing to peg to now
                    self._expire(order.owner, order, None, now)
                    continue
                self._queue(order)  # (a LIMIT one can be taken from now on)
                if order.ord_type == "3":
                    levels = self._crossing(symbol, order.side, None)
                    self._fill(order.owner, order, self._plan(order, levels, None), now,
                               aggressor=True)  # fmt: skip
                    if order.status in _OPEN:
                        self._expire(order.owner, order, "7", now)  # INSUFFICIENT_LIQUIDITY
                    continue
            limit = order.limit
            if limit is None:
                continue
            levels = self._crossing(symbol, order.side, limit)
            if levels:
                self._fill(order.owner, order, self._plan(order, levels, None), now,
                           aggressor=False)  # fmt: skip

    def _peg(self, order: _Order) -> str | None:
        """Fix a pegged order's price (PegMoveType FIXED: once, as it enters the book), as
        Binance's pegged-orders FAQ says: the best price on its own side of the book
        (PRIMARY_PEG) or on the other (MARKET_PEG), PegOffsetValue price levels deeper
        (PRICE_TIER). The engine's text when there is no such level, else None."""
        fields = dict(order.peg)
        own = "0" if order.side == "1" else "1"  # a BUY's own side is the bids
        entry_type = own if fields.get(Tag.PEG_PRICE_TYPE) == "5" else "1" if own == "0" else "0"
        prices = _best_first(self._depth(order.symbol), entry_type)
        offset = int(fields.get(Tag.PEG_OFFSET_VALUE) or 0)  # (0 to 100: the validator's rule)
        if offset >= len(prices):
            return EngineMessage.LIQUIDITY_TOO_LOW_FOR_PEG.value
        order.pegged = prices[offset]
        return None

    def _plan(
        self, order: _Order, levels: Sequence[list[Decimal]], budget: Decimal | None
    ) -> list[tuple[list[Decimal], Decimal]]:
        """What ``order`` takes from each level it crosses, best first: its quantity, or
        with ``budget`` (CashOrderQty) whole lots of what the quote amount buys."""
        step = self.instruments[order.symbol].step_size
        left = order.available
        plan = []
        for level in levels:
            price, available = level
            if budget is not None:
                left = (budget / price).quantize(step, ROUND_DOWN)
            take = min(left, available)
            if take <= 0:
                break
            plan.append((level, take))
            if budget is not None:
                budget -= take * price
            else:
                left -= take
        return plan

    def _expire(self, session: Acceptor, order: _Order, reason: str | None, now: float) -> None:
        self._close_order(session, order, "C")  # EXPIRED
        report = self._execution_report(order, "C", order.cl_ord_id, expiry_reason=reason)
        self._report(session, report, now)

    def _drop(self, session: Acceptor, order: _Order) -> None:
        """The order is off the book: its ClOrdID may be used again, and nothing finds it by
        its OrderID either (``_find`` names open orders only), so it is not kept."""
        account = self._accounts[session.username or ""]
        if account.orders.get(order.cl_ord_id) is order:
            del account.orders[order.cl_ord_id]
        if account.by_id.get(order.order_id) is order:
            del account.by_id[order.order_id]

    def _crossing(self, symbol: str, side: str, limit: Decimal | None) -> Sequence[list[Decimal]]:
        """The levels an order on ``side`` trades with, best first (all for MARKET): the
        synthetic book's, and a level per resting client order on the other side (``_Taken``),
        after the book's at the same price."""
        bids, asks = self._levels[symbol]
        buy = side == "1"  # a BUY takes the asks
        makers = []
        queue = self._queues[symbol]["2" if buy else "1"]
        while queue and queue[0][2].status not in _OPEN:  # done since: dropped as met
            queue.pop(0)
        for key, _, order in queue:
            price = key if buy else -key
            if limit is not None and (price > limit if buy else price < limit):
                break  # best first: no later one crosses either
            if order.status in _OPEN:
                makers.append(order)
        book = asks if buy else bids
        if (
            not makers
            and limit is not None
            and (not book or (book[0][0] > limit if buy else book[0][0] < limit))
        ):
            return ()  # (most orders: at once, and nothing made)
        levels = [level for level in book if limit is None or
                  (level[0] <= limit if buy else level[0] >= limit)]  # fmt: skip
        if not makers:
            return levels
        ranked: list[tuple[Decimal, int, int, list[Decimal]]] = [
            (level[0] if buy else -level[0], 0, 0, level) for level in levels
        ]
        for order in makers:
            taken = _Taken(order)
            ranked.append((taken[0] if buy else -taken[0], 1, order.order_id, taken))
        ranked.sort(key=lambda item: item[:3])
        return [level for *_, level in ranked]

    def _prune(self, symbol: str) -> None:
        """Drop emptied levels; the book changed (one update ID)."""
        for side in self._levels[symbol]:
            side[:] = [level for level in side if level[1] > 0]
        self._book_ids[symbol] += 1

    def _refill(self, symbol: str) -> None:
        """A fresh book around the mid price: ``book_levels`` levels a side, seeded sizes."""
        instrument = self.instruments[symbol]
        mid, tick = self._mid[symbol], instrument.tick_size
        bids, asks = [], []
        for level in range(1, self.book_levels + 1):
            size = Decimal(self._random.randint(1, 500)) * instrument.step_size * 100
            bids.append([mid - tick * level, size])
            asks.append([mid + tick * level, size])
        old = self._levels.get(symbol)
        self._levels[symbol] = (bids, asks)
        if old is not None:  # (not the first book)
            self._book_ids[symbol] += 1

    def _trade_streams(
        self, order: _Order, fills: list[_Fill], now: float, *, aggressor: bool
    ) -> None:
        """Each fill on the trade streams of its symbol; AggressorSide is the taker's side
        (the other side's when ``order`` rested and was taken)."""
        streams = [s for s in self._streams if s.kind == "trade" and s.symbol == order.symbol]
        if not streams:
            return
        transact_time = self._now_text()
        taker = order.side if aggressor else ("2" if order.side == "1" else "1")
        for stream in streams:
            fields: list[tuple[int, str]] = [
                (Tag.MD_REQ_ID, stream.md_req_id), (Tag.NO_MD_ENTRIES, str(len(fills))),
            ]  # fmt: skip
            for fill in fills:
                fields += _trade_entry(
                    order.symbol, fill.price, fill.quantity, fill.trade_id, transact_time, taker
                )
            update = Message(MsgType.MARKET_DATA_INCREMENTAL_REFRESH, fields)
            self._send(stream.session, update, now)

    def _find(self, session: Acceptor, message: Message) -> _Order | None:
        """The open order a request names: by OrderID(37) first, then OrigClOrdID(41)."""
        account = self._accounts[session.username or ""]
        order_id = message.get(Tag.ORDER_ID)
        orig = message.get(Tag.ORIG_CL_ORD_ID)
        if order_id is not None:
            found = account.by_id.get(int(order_id)) if order_id.isdigit() else None
            if found is None or (orig is not None and found.cl_ord_id != orig):
                return None
            return found if found.status in _OPEN else None
        if orig is not None:
            return account.orders.get(orig)
        return None

    def _close_order(self, session: Acceptor, order: _Order, status: str) -> None:
        order.status = status
        self._drop(session, order)

    def _cancel(self, session: Acceptor, message: Message, now: float) -> None:
        """Cancel an order by OrderID or OrigClOrdID, or an order list by ListID or
        OrigClListID; cancelling a leg of a list cancels the whole list, as Binance does."""
        account = self._accounts[session.username or ""]
        if Tag.ORDER_ID not in message and Tag.ORIG_CL_ORD_ID not in message:
            list_id, orig_cl_list_id = message.get(Tag.LIST_ID), message.get(Tag.ORIG_CL_LIST_ID)
            if list_id is None and orig_cl_list_id is None:
                error = errors.MandatoryParamEmptyOrMalformed.from_template(
                    37, 41, template=2, ref_tag_id=37
                )
                self._send(session, _reject(message, error), now)
                return
            found = (
                account.lists.get(list_id)
                if list_id is not None
                else account.lists_by_cl_list_id.get(orig_cl_list_id or "")
            )
            if found is None or (
                orig_cl_list_id is not None and found.cl_list_id != orig_cl_list_id
            ):
                self._send(session, self._cancel_reject(message), now)
                return
            self._cancel_list(session, found, message, now)
            return
        order = self._find(session, message)
        if order is None:
            self._send(session, self._cancel_reject(message), now)
            return
        if order.list_id is not None and order.list_id in account.lists:
            self._cancel_list(session, account.lists[order.list_id], message, now)
            return
        self._close_order(session, order, "4")
        report = self._execution_report(order, "4", message[Tag.CL_ORD_ID], order.cl_ord_id)
        self._report(session, report, now)

    def _cancel_list(
        self, session: Acceptor, order_list: _List, message: Message, now: float
    ) -> None:
        """Every open leg CANCELED, then ListStatus ALL_DONE."""
        account = self._accounts[session.username or ""]
        del account.lists[order_list.list_id]
        account.lists_by_cl_list_id.pop(order_list.cl_list_id, None)
        cancel_id = message[Tag.CL_ORD_ID]
        for order in order_list.orders:
            if order.status in _LIVE:
                self._close_order(session, order, "4")
                self._report(
                    session, self._execution_report(order, "4", cancel_id, order.cl_ord_id), now
                )
        self._report(session, self._list_status(order_list, "5", "6"), now)

    def _list_status(self, order_list: _List, status_type: str, order_status: str) -> Message:
        fields: list[tuple[int, str]] = [
            (Tag.SYMBOL, order_list.orders[0].symbol), (Tag.LIST_ID, order_list.list_id),
            (Tag.CL_LIST_ID, order_list.cl_list_id),
            (Tag.CONTINGENCY_TYPE, order_list.contingency_type),
            (Tag.LIST_STATUS_TYPE, status_type), (Tag.LIST_ORDER_STATUS, order_status),
            (Tag.TRANSACT_TIME, self._now_text()), (Tag.NO_ORDERS, str(len(order_list.orders))),
        ]  # fmt: skip
        for order in order_list.orders:
            fields += [
                (Tag.CL_ORD_ID, order.cl_ord_id), (Tag.SYMBOL, order.symbol),
                (Tag.ORDER_ID, str(order.order_id)),
            ]  # fmt: skip
        return Message(MsgType.LIST_STATUS, fields)

    def _cancel_reject(self, message: Message) -> Message:
        fields = _echoed(message)
        fields += [
            (Tag.SYMBOL, message[Tag.SYMBOL]), (Tag.CXL_REJ_RESPONSE_TO, "1"),
            (Tag.ERROR_CODE, str(self.unknown_order_code)),
            (Tag.TEXT, EngineMessage.UNKNOWN_ORDER.value),
        ]  # fmt: skip
        return Message(MsgType.ORDER_CANCEL_REJECT, fields)

    def _mass_cancel(self, session: Acceptor, message: Message, now: float) -> None:
        account = self._accounts[session.username or ""]
        symbol = message[Tag.SYMBOL]
        cancelled = [order for order in account.orders.values() if order.symbol == symbol]
        for order in cancelled:
            self._close_order(session, order, "4")
            report = self._execution_report(
                order, "4", message[Tag.CL_ORD_ID], orig_cl_ord_id=order.cl_ord_id
            )
            self._report(session, report, now)
        report = Message(
            MsgType.ORDER_MASS_CANCEL_REPORT,
            [(Tag.SYMBOL, symbol), (Tag.CL_ORD_ID, message[Tag.CL_ORD_ID]),
             (Tag.MASS_CANCEL_REQUEST_TYPE, "1"), (Tag.MASS_CANCEL_RESPONSE, "1"),
             (Tag.TOTAL_AFFECTED_ORDERS, str(len(cancelled)))],
        )  # fmt: skip
        self._send(session, report, now)

    def _amend(self, session: Acceptor, message: Message, now: float) -> None:
        """OrderAmendKeepPriorityRequest: lower an open order's quantity, keeping its place.
        Binance's FIX page: the order takes the request's ClOrdID (kept when the same), and
        an order of a list is answered with its report and a ListStatus (UPDATED); its amend
        FAQ: an OCO pair keeps one quantity, so amending either leg amends both."""
        order = self._find(session, message)
        account = self._accounts[session.username or ""]
        order_list = account.lists.get(order.list_id or "") if order is not None else None
        quantity = Decimal(message[Tag.ORDER_QTY])
        cl_ord_id = message[Tag.CL_ORD_ID]
        text: str | None = None
        if order is None:
            text = "Unknown order sent."
        elif order.status == _PENDING_NEW and order_list is not None and order_list.opo:
            text = EngineMessage.AMEND_PENDING_OPO.value  # its quantity is still to come
        elif quantity > Decimal(order.quantity):
            text = "Order amend (quantity increase) is not supported."
        elif quantity == Decimal(order.quantity):
            text = "The requested action would change no state; rejecting."
        elif cl_ord_id != order.cl_ord_id and cl_ord_id in account.orders:
            text = EngineMessage.DUPLICATE_ORDER.value  # another open order has that ClOrdID
        if text is not None or order is None:
            fields = _echoed(message)
            fields += [
                (Tag.SYMBOL, message[Tag.SYMBOL]), (Tag.ORDER_QTY, message[Tag.ORDER_QTY]),
                (Tag.ERROR_CODE, str(errors.OrderAmendRejected.code)), (Tag.TEXT, text or ""),
            ]  # fmt: skip
            self._send(session, Message(MsgType.ORDER_AMEND_REJECT, fields), now)
            return
        for leg in self._oco_pair(order_list, order):
            previous = leg.cl_ord_id
            if leg is order and cl_ord_id != previous:  # the order takes the new ClOrdID
                account.orders.pop(previous, None)
                leg.cl_ord_id = cl_ord_id
                account.orders[cl_ord_id] = leg
            # Binance is silent on a quantity below what already traded: like other venues'
            # amends, what can no longer trade goes, and the order ends FILLED at what it did.
            leg.quantity = _decimal(max(quantity, leg.cum_qty + leg.prevented))
            if leg.available <= 0:
                leg.status = leg.traded_status()
                self._drop(session, leg)
            report = self._execution_report(leg, "5", leg.cl_ord_id, previous)
            self._report(session, report, now)
        if order_list is not None:
            self._report(session, self._list_status(order_list, "100", "3"), now)  # UPDATED

    @staticmethod
    def _oco_pair(order_list: _List | None, order: _Order) -> list[_Order]:
        """``order``, then the other live leg of the OCO pair it is in (an OCO's two legs,
        or an OTOCO's two pending ones): what its amend changes, what its trade expires."""
        if order_list is None:
            return [order]
        legs = order_list.orders
        if order_list.contingency_type == "1":
            pair = legs
        elif len(legs) == 3 and order is not legs[0]:  # OTOCO: the pending pair is an OCO
            pair = legs[1:]
        else:
            return [order]
        return [order, *(leg for leg in pair if leg is not order and leg.status in _LIVE)]

    def _cancel_replace(self, session: Acceptor, message: Message, now: float) -> None:
        order = self._find(session, message)
        if order is None:
            # Without CancelClOrdID the cancel gets a generated one, as Binance's REST
            # cancelReplace does (its cancelNewClientOrderId).
            cancel_id = message.get(Tag.CANCEL_CL_ORD_ID) or f"cancel{next(self._cancel_ids)}"
            cancel = message.replace([(Tag.CL_ORD_ID, cancel_id)])
            self._send(session, self._cancel_reject(cancel), now)
            if message.get(Tag.ORDER_CANCEL_REQUEST_AND_NEW_ORDER_SINGLE_MODE) == "1":
                return  # STOP_ON_FAILURE
        else:
            self._close_order(session, order, "4")
            cancel_id = message.get(Tag.CANCEL_CL_ORD_ID) or order.cl_ord_id
            self._report(
                session, self._execution_report(order, "4", cancel_id, order.cl_ord_id), now
            )
        self._new_order(session, message, now)

    def _new_order_list(self, session: Acceptor, message: Message, now: float) -> None:
        """Place an order list: ListStatus EXEC_STARTED, a NEW report per leg (an OTO's
        pending legs PENDING_NEW, placed once the working leg is filled), then the working
        legs trade against the book like single orders, and rest."""
        legs: list[list[tuple[int, str]]] = []
        for tag, value in message:
            if tag == Tag.CL_ORD_ID:
                legs.append([])
            if legs:
                legs[-1].append((tag, value))
        oto = message[Tag.CONTINGENCY_TYPE] == "2"
        orders = []
        for number, leg in enumerate(legs):
            request = Message(MsgType.NEW_ORDER_SINGLE, leg)
            order = self._place(session, request, now)
            if order is not None:
                if oto and number > 0:
                    order.status, order.request = _PENDING_NEW, request
                orders.append(order)
        list_id = str(next(self._order_ids))
        order_list = _List(
            list_id, message[Tag.CL_LIST_ID], message[Tag.CONTINGENCY_TYPE], orders,
            opo=message.get(Tag.OPO) == "Y",
        )  # fmt: skip
        if not orders:
            fields: list[tuple[int, str]] = [
                (Tag.LIST_ID, list_id), (Tag.CL_LIST_ID, message[Tag.CL_LIST_ID]),
                (Tag.CONTINGENCY_TYPE, message[Tag.CONTINGENCY_TYPE]),
                (Tag.LIST_STATUS_TYPE, "4"), (Tag.LIST_ORDER_STATUS, "3"), (Tag.NO_ORDERS, "0"),
            ]  # fmt: skip
            self._send(session, Message(MsgType.LIST_STATUS, fields), now)
            return
        account = self._accounts[session.username or ""]
        account.lists[list_id] = order_list
        account.lists_by_cl_list_id[order_list.cl_list_id] = order_list
        unpegged = []  # working pegged legs with no level to peg to: they expire at once
        for order in orders:
            order.list_id = list_id
            if order.ord_type == "P" and order.status in _OPEN and self._peg(order) is not None:
                unpegged.append(order)
        self._send(session, self._list_status(order_list, "4", "3"), now)
        for order in orders:
            self._report(session, self._execution_report(order, "0", order.cl_ord_id), now)
        for order in unpegged:
            self._expire(session, order, None, now)
        for order in orders:
            if order.status not in _OPEN:  # pending, or done by another leg's trade
                continue
            levels: Sequence[list[Decimal]] = ()
            limit = order.limit
            if order.ord_type in ("2", "P") and limit is not None:
                levels = self._crossing(order.symbol, order.side, limit)
            self._fill(session, order, self._plan(order, levels, None), now, aggressor=True)
            if order.status in _OPEN and order.ord_type in ("2", "P"):
                self._rest(order)

    # -- limits and instruments ----------------------------------------------------------------

    def _limit_query(self, session: Acceptor, message: Message, now: float) -> None:
        limit = session.rules.message_limit
        interval, unit = _interval(limit.seconds)
        indicators = [("2", str(session.received_in_window(now)), str(limit.count), interval, unit)]
        if session.session_type is SessionType.ORDER_ENTRY:
            account = self._accounts[session.username or ""]
            for order_limit, window in itertools.zip_longest(
                self.order_limits, account.order_windows
            ):
                used = window.count(now) if window is not None else 0
                every, unit_ = _interval(order_limit.seconds)
                indicators.append(("1", str(used), str(order_limit.count), every, unit_))
        if session.session_type is SessionType.MARKET_DATA:
            streams = sum(len(held) for held in session.subscriptions.values())
            indicators.append(("3", str(streams), str(session.rules.max_streams), "", ""))
        fields = [
            (Tag.REQ_ID, message[Tag.REQ_ID]),
            (Tag.NO_LIMIT_INDICATORS, str(len(indicators))),
        ]
        for kind, count, maximum, every, resolution in indicators:
            fields += [
                (Tag.LIMIT_TYPE, kind), (Tag.LIMIT_COUNT, count), (Tag.LIMIT_MAX, maximum),
            ]  # fmt: skip
            if every:
                fields += [(Tag.LIMIT_RESET_INTERVAL, every),
                           (Tag.LIMIT_RESET_INTERVAL_RESOLUTION, resolution)]  # fmt: skip
        self._send(session, Message(MsgType.LIMIT_RESPONSE, fields), now)

    def _instrument_list(self, session: Acceptor, message: Message, now: float) -> None:
        if message.get(Tag.INSTRUMENT_LIST_REQUEST_TYPE) == "0":
            symbol = message.get(Tag.SYMBOL)
            if symbol not in self.instruments:
                error = errors.BadSymbol.from_template(ref_tag_id=55)
                self._send(session, _reject(message, error), now)
                return
            listed = [self.instruments[symbol]]
        else:
            listed = list(self.instruments.values())
        fields = [
            (Tag.INSTRUMENT_REQ_ID, message[Tag.INSTRUMENT_REQ_ID]),
            (Tag.NO_RELATED_SYM, str(len(listed))),
        ]
        for instrument in listed:
            fields += [
                (Tag.SYMBOL, instrument.symbol), (Tag.CURRENCY, instrument.currency),
                (Tag.MIN_TRADE_VOL, _decimal(instrument.min_qty)),
                (Tag.MAX_TRADE_VOL, _decimal(instrument.max_qty)),
                (Tag.MIN_QTY_INCREMENT, _decimal(instrument.step_size)),
                (Tag.MIN_PRICE_INCREMENT, _decimal(instrument.tick_size)),
            ]  # fmt: skip
        self._send(session, Message(MsgType.INSTRUMENT_LIST, fields), now)

    # -- market data ---------------------------------------------------------------------------

    def _market_data_request(self, session: Acceptor, message: Message, now: float) -> None:
        md_req_id = message[Tag.MD_REQ_ID]
        if message.get(Tag.SUBSCRIPTION_REQUEST_TYPE) == "2":
            self._streams = [
                s for s in self._streams if not (s.session is session and s.md_req_id == md_req_id)
            ]
            return
        unknown = [s for s in message.get_all(Tag.SYMBOL) if s not in self.instruments]
        if unknown:  # Reject<3>, as the FIX page says of unknown symbols
            session.subscriptions.pop(md_req_id, None)
            error = errors.BadSymbol.from_template(ref_tag_id=55)
            self._send(session, _reject(message, error), now)
            return
        depth_text = message.get(Tag.MARKET_DEPTH) or "1"
        depth = int(depth_text) if depth_text.isdigit() and len(depth_text) <= 6 else 0
        if not 1 <= depth <= MAX_MARKET_DEPTH:  # 1 (book ticker) or 2-5000 (depth stream)
            session.subscriptions.pop(md_req_id, None)
            invalid = errors.InvalidParameter.from_template(int(Tag.MARKET_DEPTH), template=1)
            reject = Message(
                MsgType.MARKET_DATA_REQUEST_REJECT,
                [(Tag.MD_REQ_ID, md_req_id), (Tag.ERROR_CODE, str(invalid.code)),
                 (Tag.TEXT, invalid.text)],
            )  # fmt: skip
            self._send(session, reject, now)
            return
        for symbol, kind in sorted(session.subscriptions.get(md_req_id, ())):
            stream = _Stream(session, md_req_id, symbol, kind, depth)
            if kind == "depth" and symbol not in self._published:  # its diffs start here
                self._published[symbol] = (self._book_ids[symbol], self._depth(symbol))
            self._streams.append(stream)
            if kind != "trade":
                self._send(session, self._snapshot(stream), now)
        if self._next_feed is None or self._next_feed < now:
            self._next_feed = now + self.feed_interval

    def _depth(self, symbol: str) -> dict[tuple[str, Decimal], Decimal]:
        """The book as published, (MDEntryType, price) to size: the synthetic book's levels
        and the resting client orders others can take, summed per price."""
        depth: dict[tuple[str, Decimal], Decimal] = {}
        for side, levels in zip("01", self._levels[symbol], strict=True):
            depth.update(((side, price), size) for price, size in levels)
        for side, queue in self._queues[symbol].items():
            entry_type = "0" if side == "1" else "1"  # a BUY bids, a SELL offers
            buy = side == "1"
            for rank, _, order in queue:  # (rank: the price, negated for a BUY)
                if order.status in _OPEN:
                    left = order.available
                    if left > 0:
                        key = (entry_type, -rank if buy else rank)
                        depth[key] = depth.get(key, _NONE) + left
        return depth

    def _book(
        self, symbol: str, levels: int, depth: dict[tuple[str, Decimal], Decimal] | None = None
    ) -> list[tuple[str, str, str]]:
        """The book's best ``levels`` bids and offers, interleaved (of ``depth``, the book
        as ``_depth`` gives it, if given)."""
        depth = self._depth(symbol) if depth is None else depth
        bids, asks = _best_first(depth, "0")[:levels], _best_first(depth, "1")[:levels]
        book = []
        for bid, ask in itertools.zip_longest(bids, asks):
            for side, price in (("0", bid), ("1", ask)):
                if price is not None:
                    book.append((side, _decimal(price), _decimal(depth[(side, price)])))
        return book

    def _snapshot(self, stream: _Stream) -> Message:
        levels = self._book(stream.symbol, 1 if stream.kind == "bookTicker" else stream.depth)
        fields = [
            (Tag.MD_REQ_ID, stream.md_req_id), (Tag.SYMBOL, stream.symbol),
            (Tag.LAST_BOOK_UPDATE_ID, str(self._book_ids[stream.symbol])),
            (Tag.NO_MD_ENTRIES, str(len(levels))),
        ]  # fmt: skip
        for side, price, size in levels:
            fields += [(Tag.MD_ENTRY_TYPE, side), (Tag.MD_ENTRY_PX, price),
                       (Tag.MD_ENTRY_SIZE, size)]  # fmt: skip
        return Message(MsgType.MARKET_DATA_SNAPSHOT, fields)

    def _publish(self, now: float) -> None:
        for symbol, instrument in self.instruments.items():
            step = self._random.choice((-1, 0, 1))
            self._mid[symbol] = max(
                instrument.tick_size * 10, self._mid[symbol] + step * instrument.tick_size
            )
            self._refill(symbol)
            self._match_resting(symbol, now)
        transact_time = binance.format_sending_time(self._wall_clock(), 6)
        followed = {stream.symbol for stream in self._streams if stream.kind == "depth"}
        for symbol in set(self._published) - followed:  # no more followers: nothing to keep
            del self._published[symbol]
        # The book as published, once per symbol a stream shows it (however many streams).
        shown = {stream.symbol for stream in self._streams if stream.kind != "trade"}
        depths = {symbol: self._depth(symbol) for symbol in shown}
        diffs = {symbol: self._depth_diff(symbol, depths[symbol]) for symbol in followed}
        tickers: dict[str, list[tuple[str, str, str]]] = {}
        for stream in list(self._streams):
            if stream.session.closed:
                continue
            entries: list[list[tuple[int, str]]] = []
            update_id = str(self._book_ids[stream.symbol])
            if stream.kind == "depth":
                entries = diffs[stream.symbol]
                if not entries:
                    continue
            elif stream.kind == "trade":
                size = Decimal(self._random.randint(1, 100)) / 1000
                entries.append(_trade_entry(
                    stream.symbol, self._mid[stream.symbol], size, next(self._trade_ids),
                    transact_time, self._random.choice(("1", "2")),
                ))  # fmt: skip
            else:  # the book ticker: the best bid and offer as they are now
                top = tickers.get(stream.symbol)
                if top is None:
                    top = tickers[stream.symbol] = self._book(
                        stream.symbol, 1, depths[stream.symbol]
                    )
                for index, (side, px, qty) in enumerate(top):
                    entry: list[tuple[int, str]] = [
                        (Tag.MD_UPDATE_ACTION, "1"), (Tag.MD_ENTRY_TYPE, side),
                        (Tag.MD_ENTRY_PX, px), (Tag.MD_ENTRY_SIZE, qty),
                    ]  # fmt: skip
                    if index == 0:
                        entry += [(Tag.SYMBOL, stream.symbol), (Tag.LAST_BOOK_UPDATE_ID, update_id)]
                    entries.append(entry)
            fields: list[tuple[int, str]] = [
                (Tag.MD_REQ_ID, stream.md_req_id), (Tag.NO_MD_ENTRIES, str(len(entries))),
            ]  # fmt: skip
            for entry in entries:
                fields += entry
            update = Message(MsgType.MARKET_DATA_INCREMENTAL_REFRESH, fields)
            self._send(stream.session, update, now)

    def _depth_diff(
        self, symbol: str, now: dict[tuple[str, Decimal], Decimal]
    ) -> list[list[tuple[int, str]]]:
        """The diff-depth entries since the last publication: every level whose size changed,
        NEW if it was not in the book then, CHANGE to its size now, DELETE if gone; the first
        entry carries Symbol, FirstBookUpdateID (the last one published + 1) and
        LastBookUpdateID, so a book builder can check continuity. Empty when nothing changed.
        ``now``: the book as ``_depth`` gives it."""
        (published, before), last = self._published[symbol], self._book_ids[symbol]
        changed = [key for key in before.keys() | now.keys() if before.get(key) != now.get(key)]
        if not changed:
            return []
        self._published[symbol] = (last, now)
        entries: list[list[tuple[int, str]]] = []
        for key in sorted(changed):
            side, price = key
            size = now.get(key)
            action = "2" if size is None else "1" if key in before else "0"  # DELETE CHANGE NEW
            entry: list[tuple[int, str]] = [
                (Tag.MD_UPDATE_ACTION, action), (Tag.MD_ENTRY_TYPE, side),
                (Tag.MD_ENTRY_PX, _decimal(price)),
            ]  # fmt: skip
            if size is not None:
                entry.append((Tag.MD_ENTRY_SIZE, _decimal(size)))
            entries.append(entry)
        entries[0] += [(Tag.SYMBOL, symbol), (Tag.FIRST_BOOK_UPDATE_ID, str(published + 1)),
                       (Tag.LAST_BOOK_UPDATE_ID, str(last))]  # fmt: skip
        return entries


def _best_first(depth: dict[tuple[str, Decimal], Decimal], entry_type: str) -> list[Decimal]:
    """The prices on one side of ``depth`` (the book as ``Exchange._depth`` gives it), best
    first: bids (0) highest first, offers (1) lowest first."""
    return sorted((price for kind, price in depth if kind == entry_type), reverse=entry_type == "0")


def _peg_refusal(order: _Order, message: Message) -> str | None:
    """The engine's text for a peg the order's type does not take (Binance's pegged-orders
    FAQ: LIMIT_MAKER takes PRIMARY_PEG only; a PRIMARY_PEG LIMIT is GTC only), else None."""
    peg_type = dict(order.peg).get(Tag.PEG_PRICE_TYPE)
    if peg_type == "4" and message.get(Tag.EXEC_INST) == "6":
        return EngineMessage.PEG_NOT_FOR_ORDER_TYPE.value
    if peg_type == "5" and order.ord_type == "P" and (order.time_in_force or "1") != "1":
        return EngineMessage.UNSUPPORTED_ORDER_COMBINATION.value
    return None


def _echoed(message: Message) -> list[tuple[int, str]]:
    """A reject's first fields: the request's ClOrdID, and OrigClOrdID and OrderID if given."""
    fields: list[tuple[int, str]] = [(Tag.CL_ORD_ID, message[Tag.CL_ORD_ID])]
    for tag in (Tag.ORIG_CL_ORD_ID, Tag.ORDER_ID):
        value = message.get(tag)
        if value is not None:
            fields.append((tag, value))
    return fields


def _interval(seconds: float) -> tuple[str, str]:
    """A limit's window as LimitResetInterval(25007) and its resolution(25008)."""
    whole = int(seconds)
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if whole == seconds and whole % size == 0:
            return str(whole // size), unit
    return f"{seconds:g}", "s"


def _reject(message: Message, error: BinanceError) -> Message:
    """A Reject<3> for ``message`` (what the exchange refuses after the session let it in)."""
    fields = []
    seq = message.get(Tag.MSG_SEQ_NUM)
    if seq is not None:
        fields.append((Tag.REF_SEQ_NUM, seq))
    if error.ref_tag_id is not None:
        fields.append((Tag.REF_TAG_ID, str(error.ref_tag_id)))
    reason = error.session_reject_reason if error.session_reject_reason is not None else 99
    fields += [
        (Tag.REF_MSG_TYPE, message.msg_type), (Tag.SESSION_REJECT_REASON, str(reason)),
        (Tag.ERROR_CODE, str(error.code)), (Tag.TEXT, error.text),
    ]  # fmt: skip
    return Message(MsgType.REJECT, fields)
