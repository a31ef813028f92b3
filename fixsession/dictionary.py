"""Binance's FIX dictionaries in fixsession's own form, and a loader for QuickFIX XML ones.

Owns what each message may contain: every field's tag, name, type and enum values; the
header and trailer; components; messages with their members, required flags and repeating
groups (NumInGroup tag, delimiter, members, nesting). The built-in ``ORDER_ENTRY`` (order
entry and drop copy share it), ``MARKET_DATA`` and ``BINANCE`` (every message type of both)
are written below as a table. ``Dictionary.from_quickfix_xml()`` reads Binance's official
files or any venue's. It only describes; ``validation`` applies it to messages.

Where the built-ins knowingly differ from Binance's QuickFIX files, the difference and its
reason are listed in ``DIFFERENCES_FROM_QUICKFIX`` (one place, checked by a test).
"""

# ruff: noqa: E501  -- table lines hold enum lists.

from __future__ import annotations

import enum
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from os import PathLike
from typing import Final


class FieldType(enum.StrEnum):
    """Value types, with Binance's ranges: INT is signed 64-bit, LENGTH and NUMINGROUP are
    unsigned 64-bit, SEQNUM is unsigned 32-bit (QuickFIX's 32-bit INT would reject Binance's
    order IDs)."""

    INT = "INT"
    LENGTH = "LENGTH"
    NUMINGROUP = "NUMINGROUP"
    SEQNUM = "SEQNUM"
    PRICE = "PRICE"
    QTY = "QTY"
    FLOAT = "FLOAT"
    UTCTIMESTAMP = "UTCTIMESTAMP"
    BOOLEAN = "BOOLEAN"
    CHAR = "CHAR"
    STRING = "STRING"
    DATA = "DATA"


@dataclass(frozen=True, slots=True)
class Field:
    """A field definition: tag, name, type, and the enum values (value to description)."""

    tag: int
    name: str
    type: FieldType
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Group:
    """A repeating group: its NumInGroup tag and the members of each entry.

    ``delimiters`` are the tags an entry may start with (the first is the dictionary's own);
    ``min_entries``/``max_entries`` bound the count; entries may not repeat the values of
    ``unique`` (DUPLICATE_ENTRIES_IN_A_GROUP).
    """

    count_tag: int
    members: tuple[Member, ...]
    delimiters: tuple[int, ...]
    min_entries: int = 0
    max_entries: int | None = None
    unique: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Member:
    """A field (or a group's NumInGroup field) in a message, component or group entry.

    ``component`` names the component it came from; components are flattened into their
    users, and a member of an optional component is optional.
    """

    tag: int
    required: bool = False
    group: Group | None = None
    component: str | None = None


@dataclass(frozen=True, slots=True)
class MessageDef:
    """A message type: its members in dictionary order."""

    msg_type: str
    name: str
    admin: bool
    members: tuple[Member, ...]


@dataclass(frozen=True)
class Dictionary:
    """A FIX dictionary: fields, header, trailer, components and messages."""

    name: str
    fields: Mapping[int, Field]
    header: tuple[Member, ...]
    trailer: tuple[Member, ...]
    messages: Mapping[str, MessageDef]
    components: Mapping[str, tuple[Member, ...]]

    def __repr__(self) -> str:  # short: it is a default argument in signatures
        return (
            f"Dictionary({self.name!r}, {len(self.fields)} fields, {len(self.messages)} messages)"
        )

    def field_name(self, tag: int) -> str:
        """The field's name, or its number when the dictionary does not define it."""
        found = self.fields.get(tag)
        return found.name if found is not None else str(tag)

    @classmethod
    def from_quickfix_xml(cls, path: str | PathLike[str]) -> Dictionary:
        """A dictionary read from a QuickFIX XML file (e.g. Binance's spot-fix-oe.xml).

        Raises ValueError, naming the file, if it is not a QuickFIX dictionary.
        """
        try:
            root = ElementTree.parse(path).getroot()
        except (ElementTree.ParseError, OSError) as error:
            raise ValueError(f"{path}: not a readable QuickFIX dictionary ({error})") from None
        try:
            return _from_xml(root, name=str(path))
        except (KeyError, ValueError, AttributeError, TypeError) as error:
            raise ValueError(f"{path}: not a QuickFIX dictionary ({error})") from None

    def differences(self, other: Dictionary) -> list[str]:
        """How this dictionary differs from ``other``, one line per difference.

        Compares message by message (members in order, required flags, groups), and field
        by field (name, type, enum values) for every field a message, the header or the
        trailer uses.
        """
        return list(_differences(self, other))


# ---------------------------------------------------------------------------------------
# The built-in dictionaries.
#
# Fields: "TAG Name TYPE [value=DESCRIPTION ...]"; an indented line continues the values.
# Then "header", "trailer", "component NAME" and "message TYPE Name admin|app DICTS" blocks,
# where DICTS says which built-ins have the message (oe, md). A member line is "TAG Name",
# "!" when required, and "group" for a NumInGroup field, followed by its entry's members
# indented one step more; a group may say "delimiters=a,b", "entries=min..max" and
# "unique=tag,...". "@Name" includes a component. MsgType(35)'s values are the messages.

_FIELDS_TABLE: Final = """
8 BeginString STRING FIX.4.4=FIX44
9 BodyLength LENGTH
10 CheckSum STRING
11 ClOrdID STRING
14 CumQty QTY
15 Currency STRING
17 ExecID STRING
18 ExecInst CHAR 6=PARTICIPATE_DONT_INITIATE
31 LastPx PRICE
32 LastQty QTY
34 MsgSeqNum SEQNUM
35 MsgType STRING
37 OrderID INT
38 OrderQty QTY
39 OrdStatus CHAR 0=NEW 1=PARTIALLY_FILLED 2=FILLED 4=CANCELED 6=PENDING_CANCEL 8=REJECTED
    A=PENDING_NEW C=EXPIRED
40 OrdType CHAR 1=MARKET 2=LIMIT 3=STOP 4=STOP_LIMIT P=PEGGED
41 OrigClOrdID STRING
44 Price PRICE
45 RefSeqNum INT
49 SenderCompID STRING
52 SendingTime UTCTIMESTAMP
54 Side CHAR 1=BUY 2=SELL
55 Symbol STRING
56 TargetCompID STRING
58 Text STRING
59 TimeInForce CHAR 1=GOOD_TILL_CANCEL 3=IMMEDIATE_OR_CANCEL 4=FILL_OR_KILL
60 TransactTime UTCTIMESTAMP
66 ListID STRING
70 AllocID INT
73 NoOrders NUMINGROUP
95 RawDataLength LENGTH
96 RawData DATA
98 EncryptMethod INT 0=NONE
103 OrdRejReason INT 99=OTHER
108 HeartBtInt INT
111 MaxFloor QTY
112 TestReqID STRING
136 NoMiscFees NUMINGROUP
137 MiscFeeAmt QTY
138 MiscFeeCurr STRING
139 MiscFeeType INT 4=EXCHANGE_FEES
141 ResetSeqNumFlag BOOLEAN Y=YES N=NO
146 NoRelatedSym NUMINGROUP
148 Headline STRING
150 ExecType CHAR 0=NEW 4=CANCELED 5=REPLACED 8=REJECTED F=TRADE C=EXPIRED
151 LeavesQty QTY
152 CashOrderQty QTY
211 PegOffsetValue FLOAT
262 MDReqID STRING
263 SubscriptionRequestType CHAR 1=SUBSCRIBE 2=UNSUBSCRIBE
264 MarketDepth INT
266 AggregatedBook BOOLEAN Y=BOOK_ENTRIES_TO_BE_AGGREGATED
267 NoMDEntryTypes NUMINGROUP
268 NoMDEntries NUMINGROUP
269 MDEntryType CHAR 0=BID 1=OFFER 2=TRADE
270 MDEntryPx PRICE
271 MDEntrySize QTY
279 MDUpdateAction CHAR 0=NEW 1=CHANGE 2=DELETE
281 MDReqRejReason CHAR 1=DUPLICATE_MDREQID 2=TOO_MANY_SUBSCRIPTIONS
320 InstrumentReqID STRING
371 RefTagID INT
372 RefMsgType STRING
373 SessionRejectReason INT 0=INVALID_TAG_NUMBER 1=REQUIRED_TAG_MISSING
    2=TAG_NOT_DEFINED_FOR_THIS_MESSAGE_TYPE 3=UNDEFINED_TAG 5=VALUE_IS_INCORRECT
    6=INCORRECT_DATA_FORMAT_FOR_VALUE 8=SIGNATURE_PROBLEM 10=SENDINGTIME_ACCURACY_PROBLEM
    13=TAG_APPEARS_MORE_THAN_ONCE 14=TAG_SPECIFIED_OUT_OF_REQUIRED_ORDER
    15=REPEATING_GROUP_FIELDS_OUT_OF_ORDER 16=INCORRECT_NUMINGROUP_COUNT_FOR_REPEATING_GROUP
    99=OTHER
429 ListStatusType INT 2=RESPONSE 4=EXEC_STARTED 5=ALL_DONE 100=UPDATED
431 ListOrderStatus INT 3=EXECUTING 6=ALL_DONE 7=REJECT
434 CxlRejResponseTo CHAR 1=ORDER_CANCEL_REQUEST
530 MassCancelRequestType CHAR 1=CANCEL_SYMBOL_ORDERS
531 MassCancelResponse CHAR 0=CANCEL_REQUEST_REJECTED 1=CANCEL_SYMBOL_ORDERS
532 MassCancelRejectReason INT 99=OTHER
533 TotalAffectedOrders INT
553 Username STRING
559 InstrumentListRequestType INT 0=SINGLE_INSTRUMENT 4=ALL_INSTRUMENTS
562 MinTradeVol QTY
574 MatchType STRING 1=ONE_PARTY_TRADE_REPORT 4=AUTO_MATCH
636 WorkingIndicator BOOLEAN
811 PriceDelta INT
835 PegMoveType INT 1=FIXED
836 PegOffsetType CHAR 3=PRICE_TIER
839 PeggedPrice PRICE
847 TargetStrategy INT
893 LastFragment BOOLEAN N=NOT_LAST_MESSAGE Y=LAST_MESSAGE
969 MinPriceIncrement PRICE
1003 TradeID STRING
1057 AggressorIndicator BOOLEAN Y=ORDER_INITIATOR_IS_AGGRESSOR N=ORDER_INITIATOR_IS_PASSIVE
1094 PegPriceType CHAR 4=MARKET_PEG 5=PRIMARY_PEG
1100 TriggerType CHAR 4=PRICE_MOVEMENT
1101 TriggerAction CHAR 1=ACTIVATE
1102 TriggerPrice PRICE
1107 TriggerPriceType CHAR 2=LAST_TRADE
1109 TriggerPriceDirection CHAR U=UP D=DOWN
1140 MaxTradeVol QTY
1385 ContingencyType INT 1=ONE_CANCELS_THE_OTHER 2=ONE_TRIGGERS_THE_OTHER
1386 ListRejectReason INT 99=OTHER
2446 AggressorSide CHAR 1=BUY 2=SELL
2551 StartPriceRange PRICE
2552 EndPriceRange PRICE
6136 ReqID STRING
7940 StrategyID INT
9406 DropCopyFlag BOOLEAN
25000 RecvWindow FLOAT
25001 SelfTradePreventionMode CHAR 1=NONE 2=EXPIRE_TAKER 3=EXPIRE_MAKER 4=EXPIRE_BOTH
    5=DECREMENT 6=TRANSFER
25002 CancelRestrictions INT 1=ONLY_NEW 2=ONLY_PARTIALLY_FILLED
25003 NoLimitIndicators NUMINGROUP
25004 LimitType CHAR 1=ORDER_LIMIT 2=MESSAGE_LIMIT 3=SUBSCRIPTION_LIMIT
25005 LimitCount INT
25006 LimitMax INT
25007 LimitResetInterval INT
25008 LimitResetIntervalResolution CHAR s=SECOND m=MINUTE h=HOUR d=DAY
25009 TriggerTrailingDeltaBips INT
25010 NoListTriggeringInstructions NUMINGROUP
25011 ListTriggerType CHAR 1=ACTIVATED 2=PARTIALLY_FILLED 3=FILLED
25012 ListTriggerTriggerIndex INT
25013 ListTriggerAction CHAR 1=RELEASE 2=CANCEL
25014 ClListID STRING
25015 OrigClListID STRING
25016 ErrorCode INT
25017 CumQuoteQty QTY
25018 OrderCreationTime UTCTIMESTAMP
25021 WorkingFloor INT 1=EXCHANGE 2=BROKER 3=SOR
25022 TrailingTime UTCTIMESTAMP
25023 WorkingTime UTCTIMESTAMP
25024 PreventedMatchID INT
25025 PreventedExecutionPrice PRICE
25026 PreventedExecutionQty QTY
25027 TradeGroupID INT
25028 CounterSymbol STRING
25029 CounterOrderID INT
25030 PreventedQty QTY
25031 LastPreventedQty QTY
25032 SOR BOOLEAN
25033 OrderCancelRequestAndNewOrderSingleMode INT 1=STOP_ON_FAILURE 2=ALLOW_FAILURE
25034 CancelClOrdID STRING
25035 MessageHandling INT 1=UNORDERED 2=SEQUENTIAL
25036 ResponseMode INT 1=EVERYTHING 2=ONLY_ACKS
25037 UUID STRING
25038 OrderRateLimitExceededMode INT 1=DO_NOTHING 2=CANCEL_ONLY
25039 MinQtyIncrement QTY
25040 MarketMinTradeVol QTY
25041 MarketMaxTradeVol QTY
25042 MarketMinQtyIncrement QTY
25043 FirstBookUpdateID INT
25044 LastBookUpdateID INT
25045 ExecutionReportType INT 1=FULL 2=MINI
25046 OPO BOOLEAN
25050 SBESchemaID INT
25051 SBESchemaVersion INT
25052 SBESchemaVersionDeprecated INT
25056 ExpiryReason STRING
"""

_MESSAGES_TABLE: Final = """
header
  8 BeginString !
  9 BodyLength !
  35 MsgType !
  49 SenderCompID !
  56 TargetCompID !
  34 MsgSeqNum !
  52 SendingTime !
  25000 RecvWindow
trailer
  10 CheckSum !
component PegInstructions
  211 PegOffsetValue
  1094 PegPriceType
  835 PegMoveType
  836 PegOffsetType
component TriggeringInstruction
  1100 TriggerType
  1101 TriggerAction
  1102 TriggerPrice
  1107 TriggerPriceType
  1109 TriggerPriceDirection
  25009 TriggerTrailingDeltaBips
component ListTriggeringInstruction
  25010 NoListTriggeringInstructions group
    25011 ListTriggerType !
    25012 ListTriggerTriggerIndex !
    25013 ListTriggerAction !
component NewOrder
  11 ClOrdID !
  38 OrderQty
  40 OrdType !
  18 ExecInst
  44 Price
  @TriggeringInstruction
  @PegInstructions
  54 Side !
  55 Symbol !
  59 TimeInForce
  111 MaxFloor
  152 CashOrderQty
  847 TargetStrategy
  7940 StrategyID
  25001 SelfTradePreventionMode
message 0 Heartbeat admin oe md
  112 TestReqID
message 1 TestRequest admin oe md
  112 TestReqID !
message 3 Reject admin oe md
  45 RefSeqNum
  371 RefTagID
  372 RefMsgType
  373 SessionRejectReason
  25016 ErrorCode
  58 Text
message 5 Logout admin oe md
  58 Text
message A Logon admin oe
  98 EncryptMethod
  108 HeartBtInt !
  95 RawDataLength
  96 RawData
  141 ResetSeqNumFlag
  553 Username
  25035 MessageHandling
  25036 ResponseMode
  25045 ExecutionReportType
  9406 DropCopyFlag
  25037 UUID
  25050 SBESchemaID
  25051 SBESchemaVersion
message A Logon admin md
  98 EncryptMethod
  108 HeartBtInt !
  95 RawDataLength
  96 RawData
  141 ResetSeqNumFlag
  553 Username
  25035 MessageHandling
  25037 UUID
  25050 SBESchemaID
  25051 SBESchemaVersion
message B News app oe md
  148 Headline !
message XLQ LimitQuery app oe md
  6136 ReqID !
message XLR LimitResponse app oe md
  6136 ReqID !
  25003 NoLimitIndicators ! group
    25004 LimitType !
    25005 LimitCount !
    25006 LimitMax !
    25007 LimitResetInterval
    25008 LimitResetIntervalResolution
message 8 ExecutionReport app oe
  17 ExecID
  11 ClOrdID
  41 OrigClOrdID
  37 OrderID
  38 OrderQty
  40 OrdType !
  54 Side !
  55 Symbol !
  18 ExecInst
  44 Price
  @TriggeringInstruction
  @PegInstructions
  839 PeggedPrice
  59 TimeInForce
  60 TransactTime
  25018 OrderCreationTime
  111 MaxFloor
  66 ListID
  152 CashOrderQty
  847 TargetStrategy
  7940 StrategyID
  25001 SelfTradePreventionMode
  150 ExecType !
  14 CumQty !
  151 LeavesQty
  25017 CumQuoteQty
  1057 AggressorIndicator
  1003 TradeID
  31 LastPx
  32 LastQty !
  39 OrdStatus !
  70 AllocID
  574 MatchType
  25021 WorkingFloor
  636 WorkingIndicator
  25023 WorkingTime
  25022 TrailingTime
  25024 PreventedMatchID
  25025 PreventedExecutionPrice
  25026 PreventedExecutionQty
  25027 TradeGroupID
  25028 CounterSymbol
  25029 CounterOrderID
  25030 PreventedQty
  25031 LastPreventedQty
  25032 SOR
  136 NoMiscFees group
    137 MiscFeeAmt !
    138 MiscFeeCurr !
    139 MiscFeeType !
  103 OrdRejReason
  25016 ErrorCode
  58 Text
  25056 ExpiryReason
message 9 OrderCancelReject app oe
  11 ClOrdID !
  41 OrigClOrdID
  37 OrderID
  25015 OrigClListID
  66 ListID
  55 Symbol !
  25002 CancelRestrictions
  434 CxlRejResponseTo !
  25016 ErrorCode !
  58 Text !
message D NewOrderSingle app oe
  @NewOrder !
  25032 SOR
message E NewOrderList app oe
  25014 ClListID !
  1385 ContingencyType !
  25046 OPO
  73 NoOrders group entries=2..3
    @NewOrder !
    @ListTriggeringInstruction
message F OrderCancelRequest app oe
  11 ClOrdID !
  41 OrigClOrdID
  37 OrderID
  25015 OrigClListID
  66 ListID
  55 Symbol !
  25002 CancelRestrictions
message N ListStatus app oe
  55 Symbol
  66 ListID
  25014 ClListID
  25015 OrigClListID
  1385 ContingencyType
  429 ListStatusType !
  431 ListOrderStatus !
  1386 ListRejectReason
  103 OrdRejReason
  60 TransactTime
  25016 ErrorCode
  58 Text
  73 NoOrders group delimiters=11,55
    11 ClOrdID !
    55 Symbol !
    37 OrderID
    @ListTriggeringInstruction
    103 OrdRejReason
    25016 ErrorCode
    58 Text
message q OrderMassCancelRequest app oe
  55 Symbol !
  11 ClOrdID !
  530 MassCancelRequestType !
message r OrderMassCancelReport app oe
  55 Symbol !
  11 ClOrdID !
  530 MassCancelRequestType !
  531 MassCancelResponse !
  532 MassCancelRejectReason
  533 TotalAffectedOrders
  25016 ErrorCode
  58 Text
message XAK OrderAmendKeepPriorityRequest app oe
  11 ClOrdID !
  41 OrigClOrdID
  37 OrderID
  55 Symbol !
  38 OrderQty !
message XAR OrderAmendReject app oe
  11 ClOrdID !
  41 OrigClOrdID
  37 OrderID
  55 Symbol !
  38 OrderQty !
  25016 ErrorCode !
  58 Text !
message XCN OrderCancelRequestAndNewOrderSingle app oe
  25033 OrderCancelRequestAndNewOrderSingleMode !
  25038 OrderRateLimitExceededMode
  37 OrderID
  25034 CancelClOrdID
  41 OrigClOrdID
  25002 CancelRestrictions
  @NewOrder !
message x InstrumentListRequest app md
  320 InstrumentReqID !
  559 InstrumentListRequestType !
  55 Symbol
message y InstrumentList app md
  320 InstrumentReqID !
  146 NoRelatedSym ! group
    55 Symbol !
    15 Currency !
    562 MinTradeVol
    1140 MaxTradeVol
    25039 MinQtyIncrement
    25040 MarketMinTradeVol
    25041 MarketMaxTradeVol
    25042 MarketMinQtyIncrement
    2551 StartPriceRange
    2552 EndPriceRange
    969 MinPriceIncrement
message V MarketDataRequest app md
  262 MDReqID !
  263 SubscriptionRequestType !
  264 MarketDepth
  146 NoRelatedSym group unique=55
    55 Symbol !
  267 NoMDEntryTypes group unique=269
    269 MDEntryType !
  266 AggregatedBook
message Y MarketDataRequestReject app md
  262 MDReqID !
  281 MDReqRejReason
  25016 ErrorCode
  58 Text
message W MarketDataSnapshot app md
  262 MDReqID !
  55 Symbol !
  25044 LastBookUpdateID
  268 NoMDEntries ! group
    269 MDEntryType !
    270 MDEntryPx !
    271 MDEntrySize !
message X MarketDataIncrementalRefresh app md
  262 MDReqID !
  893 LastFragment
  268 NoMDEntries ! group
    279 MDUpdateAction !
    270 MDEntryPx !
    271 MDEntrySize
    269 MDEntryType !
    55 Symbol
    60 TransactTime
    1003 TradeID
    2446 AggressorSide
    25043 FirstBookUpdateID
    25044 LastBookUpdateID
"""


def _parse_fields(table: str) -> dict[int, Field]:
    rows: list[list[str]] = []
    for line in table.strip("\n").split("\n"):
        if line.startswith(" "):
            rows[-1].extend(line.split())
        else:
            rows.append(line.split())
    fields: dict[int, Field] = {}
    for tag, name, kind, *values in rows:
        enum_values = dict(value.split("=", 1) for value in values)
        fields[int(tag)] = Field(int(tag), name, FieldType(kind), enum_values)
    return fields


@dataclass
class _Block:
    kind: str
    words: list[str]
    lines: list[tuple[int, list[str]]] = field(default_factory=list)


def _parse_blocks(table: str) -> Iterator[_Block]:
    block: _Block | None = None
    for line in table.strip("\n").split("\n"):
        depth = (len(line) - len(line.lstrip(" "))) // 2
        words = line.split()
        if depth == 0:
            if block is not None:
                yield block
            block = _Block(words[0], words[1:])
        else:
            assert block is not None
            block.lines.append((depth, words))
    if block is not None:
        yield block


class _MemberBuilder:
    """Turns indented member lines into Members, flattening components."""

    def __init__(self, fields: Mapping[int, Field], components: Mapping[str, tuple[Member, ...]]):
        self.fields = fields
        self.components = components

    def build(self, lines: list[tuple[int, list[str]]], depth: int = 1) -> tuple[Member, ...]:
        members: list[Member] = []
        index = 0
        while index < len(lines):
            level, words = lines[index]
            index += 1
            required = "!" in words
            if words[0].startswith("@"):
                name = words[0][1:]
                members.extend(_in_component(self.components[name], name, required))
                continue
            tag = int(words[0])
            if self.fields[tag].name != words[1]:
                raise ValueError(f"tag {tag} is {self.fields[tag].name}, not {words[1]}")
            if "group" not in words:
                members.append(Member(tag, required))
                continue
            nested = []
            while index < len(lines) and lines[index][0] > level:
                nested.append(lines[index])
                index += 1
            entry = self.build(nested, depth + 1)
            options = dict(word.split("=", 1) for word in words if "=" in word)
            delimiters = tuple(int(t) for t in options.get("delimiters", "").split(",") if t)
            low, _, high = options.get("entries", "0..").partition("..")
            group = Group(
                tag,
                entry,
                delimiters or (entry[0].tag,),
                int(low),
                int(high) if high else None,
                tuple(int(t) for t in options.get("unique", "").split(",") if t),
            )
            members.append(Member(tag, required, group))
        return tuple(members)


def _in_component(members: tuple[Member, ...], name: str, required: bool) -> Iterator[Member]:
    for member in members:
        yield Member(
            member.tag, member.required and required, member.group, member.component or name
        )


def _builtin(dictionaries: Iterable[str]) -> dict[str, Dictionary]:
    all_fields = _parse_fields(_FIELDS_TABLE)
    components: dict[str, tuple[Member, ...]] = {}
    builder = _MemberBuilder(all_fields, components)
    header: tuple[Member, ...] = ()
    trailer: tuple[Member, ...] = ()
    messages: dict[str, dict[str, MessageDef]] = {name: {} for name in dictionaries}
    for block in _parse_blocks(_MESSAGES_TABLE):
        members = builder.build(block.lines)
        if block.kind == "header":
            header = members
        elif block.kind == "trailer":
            trailer = members
        elif block.kind == "component":
            components[block.words[0]] = members
        else:
            msg_type, name, category, *owners = block.words
            for owner in owners:
                messages[owner][msg_type] = MessageDef(msg_type, name, category == "admin", members)
    return {
        owner: _assemble(owner, all_fields, header, trailer, owned, components)
        for owner, owned in messages.items()
    }


def _assemble(
    name: str,
    all_fields: Mapping[int, Field],
    header: tuple[Member, ...],
    trailer: tuple[Member, ...],
    messages: Mapping[str, MessageDef],
    components: Mapping[str, tuple[Member, ...]],
) -> Dictionary:
    """A dictionary with the fields its messages use; MsgType's values are its messages."""
    used = {member.tag for member in walk((*header, *trailer))}
    for message in messages.values():
        used.update(member.tag for member in walk(message.members))
    fields = {tag: all_fields[tag] for tag in sorted(used)}
    msg_type = fields[35]
    fields[35] = Field(35, msg_type.name, msg_type.type, {
        message.msg_type: message.name for message in messages.values()
    })  # fmt: skip
    return Dictionary(name, fields, header, trailer, dict(messages), dict(components))


def walk(members: Iterable[Member]) -> Iterator[Member]:
    """Every member, descending into groups."""
    for member in members:
        yield member
        if member.group is not None:
            yield from walk(member.group.members)


_BUILTIN: Final = _builtin(["oe", "md"])
ORDER_ENTRY: Final[Dictionary] = _BUILTIN["oe"]
"""Order entry and drop copy (Binance's spot-fix-oe.xml describes both)."""
MARKET_DATA: Final[Dictionary] = _BUILTIN["md"]
"""Market data (Binance's spot-fix-md.xml)."""


def _union(first: Dictionary, second: Dictionary, name: str) -> Dictionary:
    messages = {**second.messages, **first.messages}
    fields = {**second.fields, **first.fields}
    for tag in set(first.fields) & set(second.fields):
        values = {**second.fields[tag].values, **first.fields[tag].values}
        fields[tag] = Field(tag, fields[tag].name, fields[tag].type, values)
    fields = dict(sorted(fields.items()))
    components = {**second.components, **first.components}
    return Dictionary(name, fields, first.header, first.trailer, messages, components)


BINANCE: Final[Dictionary] = _union(ORDER_ENTRY, MARKET_DATA, "binance")
"""Every message type of Binance's FIX API (shared types as order entry defines them)."""


# ---------------------------------------------------------------------------------------
# Where the built-ins knowingly differ from Binance's QuickFIX files (compared by
# ``differences``): each line as ``differences`` writes it, and why.

DIFFERENCES_FROM_QUICKFIX: Final[dict[str, dict[str, str]]] = {
    "oe": {
        "field 17 ExecID: type STRING, other INT": "the markdown types it STRING (digest §12.10); parse leniently",
        "field 66 ListID: type STRING, other INT": "the markdown types it STRING (digest §12.10); parse leniently",
        "field 1003 TradeID: type STRING, other INT": "the markdown types it STRING (digest §12.10); parse leniently",
        "field 25056 ExpiryReason: type STRING, other INT": "the markdown types it STRING (digest §12.10); parse leniently, new reasons must not be rejected",
        "field 25056 ExpiryReason: values , other 1,2,3,4,5,6,7,8": "see its type: any reason Binance adds is accepted",
        "field 25004 LimitType: values 1,2,3, other 1,2": "Binance documents all three limit types (digest §7.4); each file lists only two",
        "message N ListStatus: group 73 delimiters 11,55, other 11": "the markdown and the 2024 sample start entries with Symbol(55) (digest §12.1); accept either",
        "message N ListStatus: top-level members 55,66,25014,25015,1385,429,431,1386,103,60,25016,58,73, other 55,66,25014,25015,1385,429,431,1386,60,73": "the markdown puts OrdRejReason, ErrorCode and Text at list level too, before NoOrders (digest §12.2): after it they would read as the last entry's",
        "message E NewOrderList: group 73 entries 2..3, other 0..": "a list has 2 or 3 orders (digest §8.1); out of range is INCORRECT_NUM_IN_GROUP_COUNT",
    },
    "md": {
        "field 1003 TradeID: type STRING, other INT": "the markdown types it STRING (digest §12.10); parse leniently",
        "field 25004 LimitType: values 1,2,3, other 2,3": "Binance documents all three limit types (digest §7.4); each file lists only two",
        "message V MarketDataRequest: group 146 unique 55, other ": "the same symbol twice in one request is DUPLICATE_ENTRIES_IN_A_GROUP (digest §8.1)",
        "message V MarketDataRequest: group 267 unique 269, other ": "the same MDEntryType twice is DUPLICATE_ENTRIES_IN_A_GROUP (digest §8.1)",
    },
}


# ---------------------------------------------------------------------------------------
# QuickFIX XML.

_QUICKFIX_TYPES: Final = {
    "INT": FieldType.INT,
    "LENGTH": FieldType.LENGTH,
    "NUMINGROUP": FieldType.NUMINGROUP,
    "SEQNUM": FieldType.SEQNUM,
    "PRICE": FieldType.PRICE,
    "QTY": FieldType.QTY,
    "FLOAT": FieldType.FLOAT,
    "AMT": FieldType.FLOAT,
    "PRICEOFFSET": FieldType.FLOAT,
    "PERCENTAGE": FieldType.FLOAT,
    "UTCTIMESTAMP": FieldType.UTCTIMESTAMP,
    "BOOLEAN": FieldType.BOOLEAN,
    "CHAR": FieldType.CHAR,
    "DATA": FieldType.DATA,
    "XMLDATA": FieldType.DATA,
    "DAYOFMONTH": FieldType.INT,
}


def _from_xml(root: ElementTree.Element, name: str) -> Dictionary:
    if root.tag != "fix":
        raise ValueError(f"the root element is <{root.tag}>, not <fix>")
    fields: dict[int, Field] = {}
    by_name: dict[str, int] = {}
    for element in _section(root, "fields"):
        tag = int(element.attrib["number"])
        kind = _QUICKFIX_TYPES.get(element.attrib["type"].upper(), FieldType.STRING)
        values = {value.attrib["enum"]: value.get("description", "") for value in element}
        fields[tag] = Field(tag, element.attrib["name"], kind, values)
        by_name[element.attrib["name"]] = tag
    definitions = {element.attrib["name"]: element for element in _section(root, "components")}
    components: dict[str, tuple[Member, ...]] = {}

    def members(parent: ElementTree.Element) -> tuple[Member, ...]:
        built: list[Member] = []
        for child in parent:
            required = child.get("required", "N").upper() == "Y"
            if child.tag == "component":
                component = child.attrib["name"]
                if component not in components:
                    components[component] = members(definitions[component])
                built.extend(_in_component(components[component], component, required))
            elif child.tag in ("field", "group"):
                tag = by_name[child.attrib["name"]]
                group = None
                if child.tag == "group":
                    entry = members(child)
                    group = Group(tag, entry, (entry[0].tag,) if entry else ())
                built.append(Member(tag, required, group))
        return tuple(built)

    for component in definitions:
        if component not in components:
            components[component] = members(definitions[component])
    messages = {}
    for element in _section(root, "messages"):
        msg_type = element.attrib["msgtype"]
        messages[msg_type] = MessageDef(
            msg_type, element.attrib["name"], element.get("msgcat") == "admin", members(element)
        )
    header = members(_child(root, "header"))
    trailer = members(_child(root, "trailer"))
    return Dictionary(name, fields, header, trailer, messages, components)


def _child(root: ElementTree.Element, tag: str) -> ElementTree.Element:
    found = root.find(tag)
    if found is None:
        raise ValueError(f"no <{tag}> section")
    return found


def _section(root: ElementTree.Element, tag: str) -> list[ElementTree.Element]:
    return list(_child(root, tag))


# ---------------------------------------------------------------------------------------
# Comparing two dictionaries.


def _differences(ours: Dictionary, other: Dictionary) -> Iterator[str]:
    used: set[int] = set()
    for label, mine, theirs in (
        ("header", ours.header, other.header),
        ("trailer", ours.trailer, other.trailer),
    ):
        yield from _compare_members(label, mine, theirs)
        used.update(m.tag for m in walk((*mine, *theirs)))
    for msg_type in sorted(set(ours.messages) | set(other.messages)):
        mine_def = ours.messages.get(msg_type)
        theirs_def = other.messages.get(msg_type)
        if mine_def is None or theirs_def is None:
            present = "ours" if theirs_def is None else "other"
            yield f"message {msg_type}: only in {present}"
            continue
        label = f"message {msg_type} {mine_def.name}"
        if (mine_def.name, mine_def.admin) != (theirs_def.name, theirs_def.admin):
            yield f"{label}: name/category {theirs_def.name}/{theirs_def.admin}"
        yield from _compare_members(label, mine_def.members, theirs_def.members)
        used.update(m.tag for m in walk((*mine_def.members, *theirs_def.members)))
    for tag in sorted(used):
        mine_field = ours.fields.get(tag)
        theirs_field = other.fields.get(tag)
        if mine_field is None or theirs_field is None:
            yield f"field {tag}: only in {'ours' if theirs_field is None else 'other'}"
            continue
        label = f"field {tag} {mine_field.name}"
        if mine_field.name != theirs_field.name:
            yield f"{label}: name, other {theirs_field.name}"
        if mine_field.type != theirs_field.type:
            yield f"{label}: type {mine_field.type}, other {theirs_field.type}"
        if set(mine_field.values) != set(theirs_field.values):
            yield (
                f"{label}: values {','.join(sorted(mine_field.values))}, "
                f"other {','.join(sorted(theirs_field.values))}"
            )


def _compare_members(
    label: str, mine: tuple[Member, ...], theirs: tuple[Member, ...]
) -> Iterator[str]:
    mine_tags = [m.tag for m in mine]
    theirs_tags = [m.tag for m in theirs]
    if mine_tags != theirs_tags:
        yield (
            f"{label}: top-level members {','.join(map(str, mine_tags))}, "
            f"other {','.join(map(str, theirs_tags))}"
        )
    theirs_by_tag = {m.tag: m for m in theirs}
    for member in mine:
        twin = theirs_by_tag.get(member.tag)
        if twin is None:
            continue
        if member.required != twin.required:
            yield f"{label}: {member.tag} required {member.required}, other {twin.required}"
        if (member.group is None) != (twin.group is None):
            yield f"{label}: {member.tag} group {member.group is not None}, other {twin.group is not None}"
        if member.group is None or twin.group is None:
            continue
        mine_group, theirs_group = member.group, twin.group
        tag = member.tag
        if mine_group.delimiters != theirs_group.delimiters:
            yield (
                f"{label}: group {tag} delimiters {','.join(map(str, mine_group.delimiters))}, "
                f"other {','.join(map(str, theirs_group.delimiters))}"
            )
        mine_range = f"{mine_group.min_entries}..{mine_group.max_entries or ''}"
        theirs_range = f"{theirs_group.min_entries}..{theirs_group.max_entries or ''}"
        if mine_range != theirs_range:
            yield f"{label}: group {tag} entries {mine_range}, other {theirs_range}"
        if mine_group.unique != theirs_group.unique:
            yield (
                f"{label}: group {tag} unique {','.join(map(str, mine_group.unique))}, "
                f"other {','.join(map(str, theirs_group.unique))}"
            )
        yield from _compare_members(
            f"{label} group {tag}", mine_group.members, theirs_group.members
        )
