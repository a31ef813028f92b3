"""Between FIX and FIX SBE: a FIX ``Message`` as the SBE message Binance's schema makes of it,
and back.

Owns the correspondence, which the schema gives: an SBE field's id is the FIX tag it carries,
an SBE message names the MsgType it stands for, and the FIX dictionary says what each tag's
value is. So a BOOLEAN is ``Y``/``N`` in FIX and 1/0 in SBE, a UTCTIMESTAMP is text in FIX
and microseconds since the epoch in SBE, a PRICE or QTY is text in FIX and a mantissa with the
schema's exponent field in SBE, RawData(96) has its RawDataLength(95) in FIX only, and the
header's MsgSeqNum(34) and SendingTime(52) are the SBE message header's seqNum and
sendingTime. Binance's choices where the two differ: a Logon is 20008 towards the venue and
LogonAck 20009 from it; SenderCompID(49)/TargetCompID(56) travel in the Logon only (the
others take the session's); RecvWindow(25000) is the Logon's, in microseconds, for the whole
session; an ExecutionReport is ExecutionReportAck (198) when the session asked for Mini
reports. Fields FIX has no tag for (the exponents; LogonAck's SbeSchemaIdVersionDeprecated)
are left out of the FIX message. Market data: a MarketDataIncrementalRefresh<X> is split by
stream into MarketDataIncrementalTrade (205), ...BookTicker (206) and ...Depth (207), one
symbol each, and a MarketDataSnapshot<W> has its bids and asks apart (204); none carries
MDReqID, MDEntryType or MDUpdateAction, so the gateway's side (``MarketDataStreams``) ties each
to its subscription by symbol and template and derives MDUpdateAction as Binance documents:
DELETE without a size, else CHANGE for a price level its book has, NEW for one it has not.

SendingTime as text (the Logon's signature covers it): milliseconds when the microseconds are
a whole number of them, else microseconds (Binance is silent; its sample is in milliseconds).
No I/O, no clock.
"""

from __future__ import annotations

import collections
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from fixsession import binance, errors, sbe, sbe_schema
from fixsession.dictionary import BINANCE, FieldType, Group, walk
from fixsession.message import Message
from fixsession.spec import UTF8_TAGS, MsgType, Tag

LOGON_TEMPLATE: Final = 20008
LOGON_ACK_TEMPLATE: Final = 20009
EXECUTION_REPORT_ACK_TEMPLATE: Final = 198
_EXPONENTS: Final = frozenset({25054, 25055})  # PriceExponent, QtyExponent: SBE only
_DECIMALS: Final = frozenset({FieldType.PRICE, FieldType.QTY, FieldType.FLOAT})
_DECIMAL_TAGS: Final = frozenset(
    tag for tag, definition in BINANCE.fields.items() if definition.type in _DECIMALS
)
_HEADER: Final = frozenset({8, 9, 10, Tag.MSG_SEQ_NUM, Tag.SENDING_TIME})
_TO_HEADER: Final = (Tag.SENDER_COMP_ID, Tag.TARGET_COMP_ID, Tag.RECV_WINDOW)
_BY_MSG_TYPE: Final = {
    definition.msg_type: definition
    for definition in sbe_schema.MESSAGES.values()
    if definition.template_id not in (LOGON_ACK_TEMPLATE, EXECUTION_REPORT_ACK_TEMPLATE)
    and definition.msg_type not in (MsgType.MARKET_DATA_INCREMENTAL_REFRESH,)
}
"""The SBE message for each MsgType (towards the venue for a Logon, a full report for 8)."""
_REQUIRED_IN_SBE: Final[dict[str, dict[str, Any]]] = {
    "ExecutionReport": {"CumQty": Decimal(0), "LastQty": Decimal(0)},
    "LogonAck": {"SbeSchemaIdVersionDeprecated": 0},
}
"""Values FIX leaves out where SBE requires one (no fill yet: zero; the schema in use is not
deprecated)."""


def _groups_by_count_tag() -> dict[int, Group]:
    found: dict[int, Group] = {}
    for definition in BINANCE.messages.values():
        for member in walk(definition.members):
            if member.group is not None:
                found.setdefault(member.tag, member.group)
    return found


_FIX_GROUPS: Final = _groups_by_count_tag()


SNAPSHOT_TEMPLATE: Final = 204
TRADE_TEMPLATE: Final = 205
BOOK_TICKER_TEMPLATE: Final = 206
DEPTH_TEMPLATE: Final = 207
_STREAM_OF: Final = {TRADE_TEMPLATE: "trade", BOOK_TICKER_TEMPLATE: "bookTicker",
                     DEPTH_TEMPLATE: "depth"}  # fmt: skip
_SIDES: Final = (("0", "MDEntriesBids"), ("1", "MDEntriesAsks"))
MAX_STREAMS: Final = 1024
"""Subscriptions a gateway's side follows at once (Binance allows 1,000 streams a session)."""
MAX_BOOK_LEVELS: Final = 10_000
"""Price levels a book stream remembers, both sides (Binance's deepest book: 5,000 a side): past
it the book starts again, its next updates of known levels then read as new (MDUpdateAction 0
rather than 1), so that a venue adding levels it never deletes cannot grow it without bound."""
_MAX_DECIMAL_TEXT: Final = 40
"""The longest decimal FIX is given from SBE: Binance's (19 digits, a small exponent) take at
most 22 characters; a mantissa at 10**127 would take 147, and 65,000 of them a 20 MB frame."""


@dataclass
class MarketDataStreams:
    """A gateway's market-data subscriptions, as FIX SBE's market data needs them: which
    MDReqID a (stream, symbol) has, and each book stream's price levels (to derive
    MDUpdateAction). Stream names as the venue's: ``trade``, ``bookTicker`` (MarketDepth 1),
    ``depth``."""

    ids: dict[tuple[str, str], str] = field(default_factory=dict)
    levels: dict[tuple[str, str], set[tuple[str, Decimal]]] = field(default_factory=dict)
    snapshots: dict[str, collections.deque[str]] = field(default_factory=dict)  # by symbol

    def learn_request(self, message: Message) -> None:
        """A MarketDataRequest<V> the gateway sent: subscribe or unsubscribe its streams."""
        md_req_id = message.get(Tag.MD_REQ_ID) or ""
        if message.get(Tag.SUBSCRIPTION_REQUEST_TYPE) != "1":
            for key in [key for key, known in self.ids.items() if known == md_req_id]:
                del self.ids[key]
                self.levels.pop(key, None)
            return
        kinds = set(message.get_all(Tag.MD_ENTRY_TYPE))
        book = "bookTicker" if (message.get(Tag.MARKET_DEPTH) or "1") == "1" else "depth"
        streams = (["trade"] if "2" in kinds else []) + ([book] if kinds & {"0", "1"} else [])
        for symbol in message.get_all(Tag.SYMBOL):
            for stream in streams:
                if len(self.ids) >= MAX_STREAMS or len(self.snapshots) >= MAX_STREAMS:
                    return
                self.ids[(stream, symbol)] = md_req_id
                if stream != "trade":
                    self.levels[(stream, symbol)] = set()
                    pending = self.snapshots.setdefault(symbol, collections.deque(maxlen=16))
                    pending.append(stream)

    def md_req_id(self, stream: str, symbol: str) -> str:
        """The MDReqID of ``stream`` for ``symbol``; ValueError if not subscribed."""
        found = self.ids.get((stream, symbol))
        if found is None:
            raise ValueError(f"no {stream} subscription for {symbol!r} to tie it to")
        return found

    def snapshot_stream(self, symbol: str) -> str:
        """The book stream a MarketDataSnapshot of ``symbol`` answers (the oldest waiting)."""
        pending = self.snapshots.get(symbol)
        while pending:
            stream = pending.popleft()
            if (stream, symbol) in self.ids:
                return stream
        return "depth" if ("depth", symbol) in self.ids else "bookTicker"


@dataclass
class SessionFields:
    """What SBE leaves out of a message's header but FIX needs: the CompIDs (learnt from the
    Logon), the session's RecvWindow, whether the peer asked for Mini reports, and (for a
    gateway) its market-data subscriptions."""

    local_comp_id: str = ""
    peer_comp_id: str = ""
    recv_window_ms: str | None = None
    mini_reports: bool = False
    market_data: MarketDataStreams = field(default_factory=MarketDataStreams)

    def learn_logon(self, message: Message, *, from_peer: bool) -> None:
        """Take the CompIDs (and the venue side's options) from a Logon going either way."""
        sender = message.get(Tag.SENDER_COMP_ID) or ""
        target = message.get(Tag.TARGET_COMP_ID) or ""
        self.local_comp_id, self.peer_comp_id = (target, sender) if from_peer else (sender, target)
        if from_peer:  # a venue applies the gateway's RecvWindow to the whole session
            self.recv_window_ms = message.get(Tag.RECV_WINDOW)
        self.mini_reports = (
            message.get(Tag.RESPONSE_MODE) == "2" and message.get(Tag.EXECUTION_REPORT_TYPE) == "2"
        )


_MARKET_DATA: Final = frozenset({SNAPSHOT_TEMPLATE, TRADE_TEMPLATE, BOOK_TICKER_TEMPLATE,
                                  DEPTH_TEMPLATE})  # fmt: skip
_MARKET_DATA_TYPES: Final = frozenset({MsgType.MARKET_DATA_SNAPSHOT,
                                       MsgType.MARKET_DATA_INCREMENTAL_REFRESH})  # fmt: skip

MAX_DECIMAL: Final = Decimal(2**63 - 1).scaleb(-8)
"""The largest price or quantity Binance's engine holds (8 decimals in a signed 64-bit
integer): 92233720368.54775807. Beyond it a value has no SBE encoding at 8 decimals."""
MAX_PLACES: Final = 8
"""The decimal places Binance's engine holds; a price or quantity with more (FIX text allows
any number) has no SBE encoding either, once a venue echoes it."""


def decimal_fault(message: Message, *, places: bool = True) -> errors.RequestError | None:
    """-1102 for a price or quantity beyond ``MAX_DECIMAL``, -1111 for one with more than
    ``MAX_PLACES`` decimal places (trailing zeros aside) unless ``places`` is False: a venue
    that answers in SBE could not write it back, and no venue holds it (Binance's texts:
    "'44' contains unexpected value. Cannot be greater than 92233720368.54775807.",
    "Parameter '44' has too much precision.")."""
    for tag, text in zip(message.tags, message.values, strict=True):
        if tag not in _DECIMAL_TAGS:
            continue
        try:
            value = Decimal(text)
        except InvalidOperation:
            continue  # malformed: the dictionary's fault, not this one
        exact = sbe.significant(value)
        if exact is None:
            continue  # (NaN, an infinity)
        if abs(value) > MAX_DECIMAL:
            return errors.MandatoryParamEmptyOrMalformed.from_template(
                tag, str(MAX_DECIMAL), template=5, ref_tag_id=tag
            )
        if places and -exact[2] > MAX_PLACES:
            return errors.BadPrecision.from_template(tag, ref_tag_id=tag)
    return None


# -- SBE to FIX ---------------------------------------------------------------------------------


def to_fix(item: sbe.SbeMessage, session: SessionFields) -> Message:
    """The FIX message an SBE message from the peer stands for, with a full header (CompIDs
    from ``session``, or the Logon's own, which ``session`` then learns). A value FIX cannot
    carry (a control character, a timestamp out of range) is -1221, as Binance answers a
    field it cannot read."""
    definition = sbe_schema.MESSAGES[item.template_id]
    body: list[tuple[int, str]] = []
    try:
        if item.template_id in _MARKET_DATA:
            body = _market_data_fix(item, session.market_data)
        else:
            _fix_fields(definition.fields, definition.groups, definition.data, item.values, body)
        sending_time = format_us(item.sending_time_us)
    except ValueError as error:
        failure = errors.InvalidSbeMessageField.from_template()
        failure.add_note(f"{definition.name}: {error}")
        raise failure from None
    moved = dict(pair for pair in body if pair[0] in _TO_HEADER)  # header fields in SBE's body
    body = [pair for pair in body if pair[0] not in _TO_HEADER]
    if item.template_id == LOGON_TEMPLATE:
        sender, target = moved.get(Tag.SENDER_COMP_ID, ""), moved.get(Tag.TARGET_COMP_ID, "")
    else:
        sender, target = session.peer_comp_id, session.local_comp_id
    header: list[tuple[int, str]] = [(Tag.MSG_SEQ_NUM, str(item.seq_num))]
    header += [(Tag.SENDER_COMP_ID, sender)] if sender else []
    header += [(Tag.SENDING_TIME, sending_time)]
    header += [(Tag.TARGET_COMP_ID, target)] if target else []
    window = moved.get(Tag.RECV_WINDOW, session.recv_window_ms)
    if window is not None:
        header.append((Tag.RECV_WINDOW, window))
    for tag, text in body:  # printable ASCII; any printable text where FIX takes UTF-8
        if not text.isprintable() or not (text.isascii() or tag in UTF8_TAGS):
            failure = errors.InvalidSbeMessageField.from_template()
            failure.add_note(f"{definition.name}: a value FIX cannot carry: {text!r}")
            raise failure
    message = Message(definition.msg_type, header + body)
    if item.template_id == LOGON_TEMPLATE:
        session.learn_logon(message, from_peer=True)
    return message


def _market_data_fix(item: sbe.SbeMessage, streams: MarketDataStreams) -> list[tuple[int, str]]:
    """The body of the FIX W or X an SBE market-data message stands for (see the module)."""
    values, template = item.values, item.template_id
    symbol = values.get("Symbol") or ""
    body: list[tuple[int, str]]
    if template == TRADE_TEMPLATE:
        trades = values.get("MDEntries") or []
        body = [(Tag.MD_REQ_ID, streams.md_req_id("trade", symbol)),
                (Tag.NO_MD_ENTRIES, str(len(trades)))]  # fmt: skip
        transact_time = format_us(int(values["TransactTime"]))
        for trade in trades:
            body += [(Tag.MD_UPDATE_ACTION, "0"), (Tag.MD_ENTRY_TYPE, "2"),
                     (Tag.MD_ENTRY_PX, _text(trade["MDEntryPx"])),
                     (Tag.MD_ENTRY_SIZE, _text(trade["MDEntrySize"])), (Tag.SYMBOL, symbol),
                     (Tag.TRADE_ID, str(trade["TradeID"])),
                     (Tag.TRANSACT_TIME, transact_time)]  # fmt: skip
            side = trade.get("AggressorSide")
            if side is not None:
                body.append((Tag.AGGRESSOR_SIDE, str(_raw("side", side))))
        return body
    entries = [(side, entry) for side, name in _SIDES for entry in values.get(name) or []]
    if template == SNAPSHOT_TEMPLATE:
        stream = streams.snapshot_stream(symbol)
        body = [(Tag.MD_REQ_ID, streams.md_req_id(stream, symbol)), (Tag.SYMBOL, symbol)]
        last = values.get("LastBookUpdateID")
        body += [(Tag.LAST_BOOK_UPDATE_ID, str(last))] if last is not None else []
        body.append((Tag.NO_MD_ENTRIES, str(len(entries))))
        book = streams.levels.setdefault((stream, symbol), set())
        book.clear()
        for side, entry in entries:
            if len(book) < MAX_BOOK_LEVELS:
                book.add((side, entry["MDEntryPx"]))
            body += [(Tag.MD_ENTRY_TYPE, side), (Tag.MD_ENTRY_PX, _text(entry["MDEntryPx"])),
                     (Tag.MD_ENTRY_SIZE, _text(entry["MDEntrySize"]))]  # fmt: skip
        return body
    stream = _STREAM_OF[template]
    body = [(Tag.MD_REQ_ID, streams.md_req_id(stream, symbol)),
            (Tag.NO_MD_ENTRIES, str(len(entries)))]  # fmt: skip
    book = streams.levels.setdefault((stream, symbol), set())
    for index, (side, entry) in enumerate(entries):
        level, size = (side, entry["MDEntryPx"]), entry.get("MDEntrySize")
        action = "2" if size is None else "1" if level in book else "0"
        if size is None:
            book.discard(level)
        else:
            if action == "0" and len(book) >= MAX_BOOK_LEVELS:
                book.clear()  # (see MAX_BOOK_LEVELS)
            book.add(level)
        body += [(Tag.MD_UPDATE_ACTION, action), (Tag.MD_ENTRY_TYPE, side),
                 (Tag.MD_ENTRY_PX, _text(level[1]))]  # fmt: skip
        body += [(Tag.MD_ENTRY_SIZE, _text(size))] if size is not None else []
        if index == 0:
            body.append((Tag.SYMBOL, symbol))
            if template == DEPTH_TEMPLATE:
                body.append((Tag.FIRST_BOOK_UPDATE_ID, str(values["FirstBookUpdateID"])))
            body.append((Tag.LAST_BOOK_UPDATE_ID, str(values["LastBookUpdateID"])))
    return body


def _text(value: Decimal) -> str:
    """A decimal as FIX writes it; ValueError past ``_MAX_DECIMAL_TEXT`` characters."""
    text = f"{value:f}"
    if len(text) > _MAX_DECIMAL_TEXT:
        raise ValueError(f"a decimal of {len(text)} characters, more than FIX is given")
    return text


def _fix_fields(
    fields: Sequence[sbe.SbeField],
    groups: Sequence[sbe.SbeGroup],
    data: Sequence[sbe.SbeData],
    values: Mapping[str, Any],
    out: list[tuple[int, str]],
) -> None:
    for spec in fields:
        value = values.get(spec.name)
        if value is None or spec.id not in BINANCE.fields:  # exponents, SBE-only flags
            continue
        out.append((spec.id, _fix_value(spec, value)))
    for group in groups:
        entries = values.get(group.name) or []
        if not entries:
            continue
        out.append((group.id, str(len(entries))))
        delimiter = _delimiter(group.id)
        for entry in entries:
            pairs: list[tuple[int, str]] = []
            _fix_fields(group.fields, group.groups, group.data, entry, pairs)
            pairs.sort(key=lambda pair: pair[0] != delimiter)  # the delimiter first
            out += pairs
    for data_spec in data:
        text = values.get(data_spec.name)
        if text is None:
            continue
        if data_spec.id == Tag.RAW_DATA:
            out.append((Tag.RAW_DATA_LENGTH, str(len(text))))
        out.append((data_spec.id, text))


def _delimiter(count_tag: int) -> int | None:
    group = _FIX_GROUPS.get(count_tag)
    return group.delimiters[0] if group is not None and group.delimiters else None


def _fix_value(spec: sbe.SbeField, value: Any) -> str:
    field = BINANCE.fields.get(spec.id)
    kind = field.type if field is not None else None
    if spec.enum is not None:
        raw = _raw(spec.enum, value)
        if kind is FieldType.BOOLEAN:
            return "Y" if raw == 1 else "N" if raw == 0 else str(raw)
        return str(raw)
    if isinstance(value, Decimal):
        return _text(value)
    if spec.id == Tag.RECV_WINDOW:  # microseconds in SBE, milliseconds in FIX
        return binance.format_recv_window(Decimal(value) / 1000)
    if kind is FieldType.UTCTIMESTAMP:
        return format_us(int(value))
    return str(value)


def _raw(enum_name: str, value: Any) -> Any:
    """An enum's wire value for its name (``sbe.decode`` gives names)."""
    enum = sbe_schema.ENUMS[enum_name]
    for raw, name in enum.values.items():
        if name == value:
            return raw
    return value


def format_us(micros: int) -> str:
    """A UTCTIMESTAMP for microseconds since the epoch: milliseconds when whole, else
    microseconds. ValueError outside years 1-9999."""
    seconds, fraction = divmod(micros, 1_000_000)
    if not 0 < seconds < 253402300800:
        raise ValueError(f"timestamp {micros} µs is outside years 1970-9999")
    digits = 3 if fraction % 1000 == 0 else 6
    return binance.format_sending_time(seconds + fraction / 1_000_000, digits)


def parse_us(text: str) -> int:
    """Microseconds since the epoch of a UTCTIMESTAMP (exactly); ValueError if it is not one."""
    whole = binance.parse_sending_time(text[:17])
    if whole is None:
        raise ValueError(f"{text!r} is not a UTCTIMESTAMP")
    fraction = text[18:] if len(text) > 17 else ""
    if len(text) > 17 and (text[17] != "." or not fraction.isdigit() or len(fraction) > 9):
        raise ValueError(f"{text!r} is not a UTCTIMESTAMP")
    return int(whole) * 1_000_000 + (int(fraction.ljust(6, "0")[:6]) if fraction else 0)


# -- FIX to SBE ---------------------------------------------------------------------------------


def template_for(message: Message, *, from_venue: bool, mini_reports: bool = False) -> int:
    """The SBE template that carries ``message`` in this direction; ValueError if none does."""
    msg_type = message.msg_type
    if msg_type == MsgType.LOGON:
        return LOGON_ACK_TEMPLATE if from_venue else LOGON_TEMPLATE
    if msg_type == MsgType.EXECUTION_REPORT and mini_reports:
        return EXECUTION_REPORT_ACK_TEMPLATE
    definition = _BY_MSG_TYPE.get(msg_type)
    if definition is None:
        raise ValueError(f"FIX SBE has no message for MsgType {msg_type!r} here")
    return definition.template_id


def to_sbe(message: Message, *, from_venue: bool, mini_reports: bool = False) -> bytes:
    """The SBE frame for a FIX message with a full header (MsgSeqNum, SendingTime); fields
    the SBE message has no place for (BodyLength, CheckSum, CompIDs outside a Logon,
    RecvWindow outside a Logon) are left out. ValueError if a value does not fit."""
    seq = message.get(Tag.MSG_SEQ_NUM)
    sending_time = message.get(Tag.SENDING_TIME)
    if seq is None or sending_time is None:
        raise ValueError("a message to encode as SBE needs MsgSeqNum and SendingTime")
    if from_venue and message.msg_type in _MARKET_DATA_TYPES:
        name, split = _market_data_sbe(message)
        return sbe.encode(name, split, int(seq), parse_us(sending_time))
    template = template_for(message, from_venue=from_venue, mini_reports=mini_reports)
    definition = sbe_schema.MESSAGES[template]
    pairs = [pair for pair in message.fields if pair[0] not in _HEADER]
    values = _sbe_values(definition.fields, definition.groups, definition.data, pairs)
    for name, default in _REQUIRED_IN_SBE.get(definition.name, {}).items():
        values.setdefault(name, default)
    return sbe.encode(definition.name, values, int(seq), parse_us(sending_time))


def _md_entries(message: Message) -> list[dict[int, str]]:
    """The entries of a W or X's NoMDEntries group, each with its Symbol (an entry without
    one has the previous entry's, as Binance's FIX page says)."""
    entries: list[dict[int, str]] = []
    delimiter: int | None = None
    inside = False
    symbol = message.get(Tag.SYMBOL) if message.msg_type == MsgType.MARKET_DATA_SNAPSHOT else None
    for tag, text in message.fields:
        if tag == Tag.NO_MD_ENTRIES:
            inside = True
            continue
        if not inside:
            continue
        if delimiter is None:
            delimiter = tag
        if tag == delimiter:
            entries.append({Tag.SYMBOL: symbol} if symbol is not None else {})
        entries[-1][tag] = text
        if tag == Tag.SYMBOL:
            symbol = text
    return entries


def _market_data_sbe(message: Message) -> tuple[str, dict[str, Any]]:
    """The SBE message (its name and values) a venue's W or X is in FIX SBE."""
    entries = _md_entries(message)
    symbols = {entry.get(Tag.SYMBOL) for entry in entries}
    if message.msg_type == MsgType.MARKET_DATA_SNAPSHOT:
        symbols = {message.get(Tag.SYMBOL)}
    if len(symbols) != 1 or None in symbols:
        raise ValueError("FIX SBE carries one Symbol per market-data message")
    (symbol,) = symbols
    values: dict[str, Any] = {"Symbol": symbol}
    try:
        if message.msg_type == MsgType.MARKET_DATA_SNAPSHOT:
            last = message.get(Tag.LAST_BOOK_UPDATE_ID)
            values["LastBookUpdateID"] = int(last) if last is not None else None
            for side, name in _SIDES:
                values[name] = [
                    {"MDEntryPx": Decimal(e[Tag.MD_ENTRY_PX]),
                     "MDEntrySize": Decimal(e[Tag.MD_ENTRY_SIZE])}
                    for e in entries if e.get(Tag.MD_ENTRY_TYPE) == side
                ]  # fmt: skip
            return "MarketDataSnapshot", values
        kinds = {entry.get(Tag.MD_ENTRY_TYPE) for entry in entries}
        if "2" in kinds:
            if kinds != {"2"}:
                raise ValueError("FIX SBE has no message for trades and book levels together")
            values["TransactTime"] = parse_us(entries[0][Tag.TRANSACT_TIME])
            values["MDEntries"] = [
                {"TradeID": int(e[Tag.TRADE_ID]), "MDEntryPx": Decimal(e[Tag.MD_ENTRY_PX]),
                 "MDEntrySize": Decimal(e[Tag.MD_ENTRY_SIZE]),
                 "AggressorSide": e.get(Tag.AGGRESSOR_SIDE)}
                for e in entries
            ]  # fmt: skip
            return "MarketDataIncrementalTrade", values
        first = entries[0] if entries else {}
        name = "MarketDataIncrementalBookTicker"
        if Tag.FIRST_BOOK_UPDATE_ID in first:
            name = "MarketDataIncrementalDepth"
            values["FirstBookUpdateID"] = int(first[Tag.FIRST_BOOK_UPDATE_ID])
        values["LastBookUpdateID"] = int(first.get(Tag.LAST_BOOK_UPDATE_ID, "0"))
        for side, group in _SIDES:
            values[group] = [
                {"MDEntryPx": Decimal(e[Tag.MD_ENTRY_PX]),
                 "MDEntrySize": None if e.get(Tag.MD_UPDATE_ACTION) == "2"
                 else Decimal(e[Tag.MD_ENTRY_SIZE])}
                for e in entries if e.get(Tag.MD_ENTRY_TYPE) == side
            ]  # fmt: skip
        return name, values
    except (KeyError, ValueError, InvalidOperation) as error:
        raise ValueError(f"a market-data message FIX SBE cannot carry: {error}") from None


def _sbe_values(
    fields: Sequence[sbe.SbeField],
    groups: Sequence[sbe.SbeGroup],
    data: Sequence[sbe.SbeData],
    pairs: Sequence[tuple[int, str]],
) -> dict[str, Any]:
    """The values of a block (or a group entry) from FIX fields, in the SBE names."""
    by_tag: dict[int, Any] = {spec.id: spec for spec in fields}
    by_tag.update({spec.id: spec for spec in data})
    by_tag.update({spec.id: spec for spec in groups})
    values: dict[str, Any] = {}
    at = 0
    while at < len(pairs):
        tag, text = pairs[at]
        at += 1
        spec = by_tag.get(tag)
        if spec is None or spec.id in _EXPONENTS:
            continue
        if isinstance(spec, sbe.SbeGroup):
            values[spec.name], at = _entries(spec, int(text), pairs, at)
        elif isinstance(spec, sbe.SbeData):
            values[spec.name] = text
        else:
            values[spec.name] = _sbe_value(spec, text)
    return values


def _entries(
    group: sbe.SbeGroup, count: int, pairs: Sequence[tuple[int, str]], at: int
) -> tuple[list[dict[str, Any]], int]:
    """``count`` entries of ``group`` from the FIX fields at ``at`` (after its NumInGroup),
    and where the fields after the group begin: each entry is the run of its members up to
    the next delimiter (a flat group; nested groups of FIX SBE's schema are not in Binance's
    messages)."""
    members = {spec.id for spec in group.fields} | {spec.id for spec in group.data}
    entries: list[list[tuple[int, str]]] = []
    pending: list[tuple[int, str]] = []
    delimiter: int | None = None
    while at < len(pairs) and pairs[at][0] in members:
        tag = pairs[at][0]
        if delimiter is None:
            delimiter = tag
        if tag == delimiter and pending:
            entries.append(pending)
            pending = []
        pending.append(pairs[at])
        at += 1
    if pending:
        entries.append(pending)
    if len(entries) != count:
        raise ValueError(f"{group.name}: NumInGroup {count}, {len(entries)} entries")
    return [_sbe_values(group.fields, group.groups, group.data, e) for e in entries], at


def _sbe_value(spec: sbe.SbeField, text: str) -> Any:
    field = BINANCE.fields.get(spec.id)
    kind = field.type if field is not None else None
    try:
        if spec.enum is not None:
            if kind is FieldType.BOOLEAN:
                return {"Y": 1, "N": 0}[text]
            return text if sbe_schema.ENUMS[spec.enum].encoding == "char" else int(text)
        if spec.exponent is not None:
            return Decimal(text)
        if spec.id == Tag.RECV_WINDOW:
            return int(Decimal(text) * 1000)
        if kind is FieldType.UTCTIMESTAMP:
            return parse_us(text)
        if spec.primitive == "char":
            return text
        return int(text)
    except (KeyError, ValueError, InvalidOperation):
        raise ValueError(f"{spec.name}: {text!r} does not fit FIX SBE") from None
