"""The venue's journal: what the sessions of one recording server share, so they replay as a set.

``fixsession serve --record DIR`` writes a capture per connection and, beside them, one
journal (``STAMP-venue.jsonl``): its first line the venue's set-up (the exchange's options,
each session type's message limit), then, in the order they happened, with the wall-clock
time of each, every connection opened and closed (by the name of its capture), every run of
the exchange's timers (the market-data feed, delayed drop copies), a maintenance countdown
started and the server's shutdown. With it, ``tools.replay.replay_venue`` runs every capture
of the set against one exchange and one account registry, in the order the server saw them.

Owns the format: ``header``/``entry`` make lines, ``parse`` reads a journal back (``ValueError``
saying what is wrong, for any input), ``options``/``exchange`` carry an ``Exchange``'s set-up.
No files and no clock here: the server writes the lines, the replay reads them.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from fixsession.binance import Limit
from fixsession.sbewire import Encoding
from fixsession.session import WallClock
from fixsession.spec import SessionType
from fixsession.venue.exchange import UNKNOWN_ORDER_CODES, Exchange, Instrument

SUFFIX: Final = "-venue.jsonl"
"""How a journal's file name ends."""
VERSION: Final = 1
KINDS: Final = frozenset({"open", "close", "tick", "maintenance", "shutdown", "full"})
"""``full``: the journal reached its size limit here and says nothing more."""
MAX_INSTRUMENTS: Final = 10_000
MAX_BOOK: Final = 200_000
"""The most price levels (instruments x book levels) a journal may ask a replay to build."""
MAX_BOOK_LEVELS: Final = 5000
"""The most levels a side of one instrument's book a journal may ask for."""
_MAX_NUMBER: Final = 1e12


@dataclass(frozen=True)
class Entry:
    """One thing the venue did: ``kind`` (see ``KINDS``) at ``at`` (seconds since the
    epoch); ``capture`` names the connection's capture file for open/close; ``seconds`` is
    a maintenance countdown's length."""

    at: float
    kind: str
    capture: str | None = None
    seconds: float | None = None


@dataclass
class Journal:
    """A journal read back: the venue's set-up and what happened, in order."""

    exchange: dict[str, Any]
    message_limits: dict[SessionType, Limit] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    encoding: Encoding = Encoding.FIX

    @property
    def captures(self) -> list[str]:
        """The captures of the set, in the order their connections opened."""
        return [e.capture for e in self.entries if e.kind == "open" and e.capture is not None]

    @property
    def full(self) -> bool:
        """Whether the journal stopped at its size limit (what follows was not journaled)."""
        return any(entry.kind == "full" for entry in self.entries)


def options(exchange: Exchange) -> dict[str, Any]:
    """An exchange's set-up as JSON values (what ``exchange`` makes again)."""
    return {
        "seed": exchange.seed, "feed_interval": exchange.feed_interval,
        "drop_copy_delay": exchange.drop_copy_delay, "book_levels": exchange.book_levels,
        "unknown_order_code": exchange.unknown_order_code,
        "order_limits": [str(limit) for limit in exchange.order_limits],
        "first_order_id": exchange.first_order_id,
        "commission": str(exchange.commission),
        "instruments": [
            {k: str(v) for k, v in dataclasses.asdict(i).items()}
            for i in exchange.instruments.values()
        ],
    }  # fmt: skip


def exchange(setup: dict[str, Any], wall_clock: WallClock) -> Exchange:
    """A new exchange set up as ``setup`` (from ``options``, checked by ``parse``)."""
    numbers = ("price", "tick_size", "min_qty", "max_qty", "step_size")
    instruments = tuple(
        Instrument(item["symbol"], item["currency"], *(Decimal(item[n]) for n in numbers))
        for item in setup["instruments"]
    )
    return Exchange(
        wall_clock=wall_clock, seed=setup["seed"], instruments=instruments,
        drop_copy_delay=setup["drop_copy_delay"], feed_interval=setup["feed_interval"],
        first_order_id=setup["first_order_id"],
        order_limits=tuple(Limit.parse(text) for text in setup["order_limits"]),
        unknown_order_code=setup["unknown_order_code"], book_levels=setup["book_levels"],
        commission=Decimal(setup["commission"]),
    )  # fmt: skip


def header(
    setup: dict[str, Any],
    message_limits: dict[SessionType, Limit],
    encoding: Encoding = Encoding.FIX,
) -> bytes:
    """The journal's first line."""
    limits = {kind.value: str(limit) for kind, limit in message_limits.items()}
    data = {"journal": VERSION, "exchange": setup, "message_limits": limits,
            "encoding": encoding.value}  # fmt: skip
    return json.dumps(data, separators=(",", ":")).encode() + b"\n"


def entry(item: Entry) -> bytes:
    """One line for ``item``."""
    value: str | float | bool = True
    if item.capture is not None:
        value = item.capture
    elif item.seconds is not None:
        value = item.seconds
    data: dict[str, Any] = {"t": item.at, item.kind: value}
    return json.dumps(data, separators=(",", ":")).encode() + b"\n"


def parse(text: str) -> Journal:
    """A journal from its text; ``ValueError`` saying what is wrong (with the line)."""
    lines = text.splitlines()
    if not lines:
        raise ValueError("empty: not a venue journal")
    first = _object(lines[0], 1)
    if first.get("journal") != VERSION:
        raise ValueError(f"line 1: not a venue journal of version {VERSION}")
    journal = Journal(_setup(first.get("exchange")), _limits(first.get("message_limits")))
    encoding = first.get("encoding", Encoding.FIX.value)
    if encoding not in tuple(Encoding):
        raise ValueError(f"line 1: encoding is one of {', '.join(Encoding)}")
    journal.encoding = Encoding(encoding)
    for number, line in enumerate(lines[1:], 2):
        if line.strip():
            journal.entries.append(_entry(_object(line, number), number))
    return journal


def _object(line: str, number: int) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except (ValueError, RecursionError):
        raise ValueError(f"line {number}: not JSON") from None
    if not isinstance(data, dict):
        raise ValueError(f"line {number}: not a JSON object")
    return data


def _number(value: object, what: str, low: float, high: float, *, whole: bool = False) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what} is not a number")
    if whole and not isinstance(value, int):
        raise ValueError(f"{what} is not a whole number")
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(f"{what} is not within {low:g} to {high:g}")
    return value


def _setup(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("line 1: 'exchange' is not a JSON object")
    where = "line 1: exchange"
    setup = {
        "seed": _number(value.get("seed"), f"{where} seed", -(2**63), 2**63, whole=True),
        "feed_interval": _number(value.get("feed_interval"), f"{where} feed_interval", 0.001,
                                 86400),
        "drop_copy_delay": _number(value.get("drop_copy_delay"), f"{where} drop_copy_delay", 0,
                                   86400),
        "book_levels": _number(value.get("book_levels"), f"{where} book_levels", 1, MAX_BOOK_LEVELS,
                               whole=True),
        "first_order_id": _number(value.get("first_order_id"), f"{where} first_order_id", 1,
                                  2**62, whole=True),
    }  # fmt: skip
    commission = value.get("commission", "0")  # (a journal from before fees: none)
    try:
        fee = Decimal(commission) if isinstance(commission, str) and len(commission) < 40 else None
    except InvalidOperation:
        fee = None
    if fee is None or not fee.is_finite() or not 0 <= fee < 1:
        raise ValueError(f"{where} commission is not a share from 0 to 1")
    setup["commission"] = commission
    code = value.get("unknown_order_code")
    if code not in UNKNOWN_ORDER_CODES or isinstance(code, bool):
        raise ValueError(f"{where} unknown_order_code is not one of {UNKNOWN_ORDER_CODES}")
    setup["unknown_order_code"] = code
    limits = value.get("order_limits")
    if not isinstance(limits, list) or len(limits) > 10:
        raise ValueError(f"{where} order_limits is not a list of at most 10 limits")
    setup["order_limits"] = [_limit(text, f"{where} order_limits") for text in limits]
    instruments = value.get("instruments")
    if not isinstance(instruments, list) or not 0 < len(instruments) <= MAX_INSTRUMENTS:
        raise ValueError(f"{where} instruments is not a list of 1 to {MAX_INSTRUMENTS:,}")
    setup["instruments"] = [_instrument(item, f"{where} instruments") for item in instruments]
    if len(instruments) * setup["book_levels"] > MAX_BOOK:
        raise ValueError(f"{where}: a book of more than {MAX_BOOK:,} price levels")
    return setup


def _instrument(item: object, where: str) -> dict[str, str]:
    names = ("symbol", "currency", "price", "tick_size", "min_qty", "max_qty", "step_size")
    if not isinstance(item, dict) or not all(isinstance(item.get(n), str) for n in names):
        raise ValueError(f"{where}: an instrument is not an object of {', '.join(names)}")
    for name in names[2:]:
        try:
            number = Decimal(item[name])
        except InvalidOperation:
            raise ValueError(f"{where}: {name} {item[name][:40]!r} is not a number") from None
        if not number.is_finite() or number <= 0 or len(item[name]) > 40:
            raise ValueError(f"{where}: {name} {item[name][:40]!r} is not a positive number")
    return {name: item[name] for name in names}


def _limit(text: object, where: str) -> str:
    if not isinstance(text, str):
        raise ValueError(f"{where}: {json.dumps(text)[:40]} is not a limit")
    try:
        Limit.parse(text)
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None
    return text


def _limits(value: object) -> dict[SessionType, Limit]:
    if not isinstance(value, dict):
        raise ValueError("line 1: 'message_limits' is not a JSON object")
    limits = {}
    for name, text in value.items():
        try:
            kind = SessionType(name)
        except ValueError:
            raise ValueError(f"line 1: message_limits: {name[:40]!r} is no session type") from None
        limits[kind] = Limit.parse(_limit(text, "line 1: message_limits"))
    return limits


def _entry(data: dict[str, Any], number: int) -> Entry:
    at = _number(data.get("t"), f"line {number}: t", 0, 1e11)
    kinds = KINDS & data.keys()
    if len(kinds) != 1:
        raise ValueError(f"line {number}: not one of {', '.join(sorted(KINDS))}")
    (kind,) = kinds
    value = data[kind]
    if kind in ("open", "close"):
        if not isinstance(value, str) or not 0 < len(value) <= 255 or "/" in value:
            raise ValueError(f"line {number}: {kind} does not name a capture file")
        return Entry(at, kind, capture=value)
    if kind == "maintenance":
        return Entry(at, kind, seconds=_number(value, f"line {number}: seconds", 0, _MAX_NUMBER))
    return Entry(at, kind)
