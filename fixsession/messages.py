"""Binance's FIX messages as typed classes, generated from the 'binance' dictionary by
``fixsession.tools.codegen`` (do not edit: regenerate).

One frozen dataclass per message type, attributes named after the FIX fields in snake case
(``cl_ord_id``, ``order_qty``), with Python types that fit: ``int`` for IDs, ``Decimal`` for
prices and quantities, an enum for enumerated values, an aware UTC ``datetime`` for
timestamps, ``bool`` for Y/N; repeating groups as sequences of nested entry classes. Header
fields the session writes (CompIDs, MsgSeqNum, SendingTime) are optional attributes.

    order = NewOrderSingle(cl_ord_id="o1", side=Side.BUY, ord_type=OrdType.LIMIT, ...)
    report = typed(await client.request(order))
    match report:
        case ExecutionReport(exec_type=ExecType.TRADE): ...

``typed(message)`` reads any ``Message`` as its class; ``to_message()`` goes back.
"""

# ruff: noqa: E501

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, Final

from fixsession.message import Message
from fixsession.typed import Entry, FixIntEnum, FixStrEnum, Kind, Spec, TypedMessage


class AggressorSide(FixStrEnum):
    """AggressorSide(2446) values."""

    BUY = "1"
    SELL = "2"


class CancelRestrictions(FixIntEnum):
    """CancelRestrictions(25002) values."""

    ONLY_NEW = 1
    ONLY_PARTIALLY_FILLED = 2


class ContingencyType(FixIntEnum):
    """ContingencyType(1385) values."""

    ONE_CANCELS_THE_OTHER = 1
    ONE_TRIGGERS_THE_OTHER = 2


class CxlRejResponseTo(FixStrEnum):
    """CxlRejResponseTo(434) values."""

    ORDER_CANCEL_REQUEST = "1"


class EncryptMethod(FixIntEnum):
    """EncryptMethod(98) values."""

    NONE = 0


class ExecInst(FixStrEnum):
    """ExecInst(18) values."""

    PARTICIPATE_DONT_INITIATE = "6"


class ExecType(FixStrEnum):
    """ExecType(150) values."""

    NEW = "0"
    CANCELED = "4"
    REPLACED = "5"
    REJECTED = "8"
    TRADE = "F"
    EXPIRED = "C"


class ExecutionReportType(FixIntEnum):
    """ExecutionReportType(25045) values."""

    FULL = 1
    MINI = 2


class InstrumentListRequestType(FixIntEnum):
    """InstrumentListRequestType(559) values."""

    SINGLE_INSTRUMENT = 0
    ALL_INSTRUMENTS = 4


class LimitResetIntervalResolution(FixStrEnum):
    """LimitResetIntervalResolution(25008) values."""

    SECOND = "s"
    MINUTE = "m"
    HOUR = "h"
    DAY = "d"


class LimitType(FixStrEnum):
    """LimitType(25004) values."""

    ORDER_LIMIT = "1"
    MESSAGE_LIMIT = "2"
    SUBSCRIPTION_LIMIT = "3"


class ListOrderStatus(FixIntEnum):
    """ListOrderStatus(431) values."""

    EXECUTING = 3
    ALL_DONE = 6
    REJECT = 7


class ListRejectReason(FixIntEnum):
    """ListRejectReason(1386) values."""

    OTHER = 99


class ListStatusType(FixIntEnum):
    """ListStatusType(429) values."""

    RESPONSE = 2
    EXEC_STARTED = 4
    ALL_DONE = 5
    UPDATED = 100


class ListTriggerAction(FixStrEnum):
    """ListTriggerAction(25013) values."""

    RELEASE = "1"
    CANCEL = "2"


class ListTriggerType(FixStrEnum):
    """ListTriggerType(25011) values."""

    ACTIVATED = "1"
    PARTIALLY_FILLED = "2"
    FILLED = "3"


class MDEntryType(FixStrEnum):
    """MDEntryType(269) values."""

    BID = "0"
    OFFER = "1"
    TRADE = "2"


class MDReqRejReason(FixStrEnum):
    """MDReqRejReason(281) values."""

    DUPLICATE_MDREQID = "1"
    TOO_MANY_SUBSCRIPTIONS = "2"


class MDUpdateAction(FixStrEnum):
    """MDUpdateAction(279) values."""

    NEW = "0"
    CHANGE = "1"
    DELETE = "2"


class MassCancelRejectReason(FixIntEnum):
    """MassCancelRejectReason(532) values."""

    OTHER = 99


class MassCancelRequestType(FixStrEnum):
    """MassCancelRequestType(530) values."""

    CANCEL_SYMBOL_ORDERS = "1"


class MassCancelResponse(FixStrEnum):
    """MassCancelResponse(531) values."""

    CANCEL_REQUEST_REJECTED = "0"
    CANCEL_SYMBOL_ORDERS = "1"


class MatchType(FixStrEnum):
    """MatchType(574) values."""

    ONE_PARTY_TRADE_REPORT = "1"
    AUTO_MATCH = "4"


class MessageHandling(FixIntEnum):
    """MessageHandling(25035) values."""

    UNORDERED = 1
    SEQUENTIAL = 2


class MiscFeeType(FixIntEnum):
    """MiscFeeType(139) values."""

    EXCHANGE_FEES = 4


class OrdRejReason(FixIntEnum):
    """OrdRejReason(103) values."""

    OTHER = 99


class OrdStatus(FixStrEnum):
    """OrdStatus(39) values."""

    NEW = "0"
    PARTIALLY_FILLED = "1"
    FILLED = "2"
    CANCELED = "4"
    PENDING_CANCEL = "6"
    REJECTED = "8"
    PENDING_NEW = "A"
    EXPIRED = "C"


class OrdType(FixStrEnum):
    """OrdType(40) values."""

    MARKET = "1"
    LIMIT = "2"
    STOP = "3"
    STOP_LIMIT = "4"
    PEGGED = "P"


class OrderCancelRequestAndNewOrderSingleMode(FixIntEnum):
    """OrderCancelRequestAndNewOrderSingleMode(25033) values."""

    STOP_ON_FAILURE = 1
    ALLOW_FAILURE = 2


class OrderRateLimitExceededMode(FixIntEnum):
    """OrderRateLimitExceededMode(25038) values."""

    DO_NOTHING = 1
    CANCEL_ONLY = 2


class PegMoveType(FixIntEnum):
    """PegMoveType(835) values."""

    FIXED = 1


class PegOffsetType(FixStrEnum):
    """PegOffsetType(836) values."""

    PRICE_TIER = "3"


class PegPriceType(FixStrEnum):
    """PegPriceType(1094) values."""

    MARKET_PEG = "4"
    PRIMARY_PEG = "5"


class ResponseMode(FixIntEnum):
    """ResponseMode(25036) values."""

    EVERYTHING = 1
    ONLY_ACKS = 2


class SelfTradePreventionMode(FixStrEnum):
    """SelfTradePreventionMode(25001) values."""

    NONE = "1"
    EXPIRE_TAKER = "2"
    EXPIRE_MAKER = "3"
    EXPIRE_BOTH = "4"
    DECREMENT = "5"
    TRANSFER = "6"


class SessionRejectReason(FixIntEnum):
    """SessionRejectReason(373) values."""

    INVALID_TAG_NUMBER = 0
    REQUIRED_TAG_MISSING = 1
    TAG_NOT_DEFINED_FOR_THIS_MESSAGE_TYPE = 2
    UNDEFINED_TAG = 3
    VALUE_IS_INCORRECT = 5
    INCORRECT_DATA_FORMAT_FOR_VALUE = 6
    SIGNATURE_PROBLEM = 8
    SENDINGTIME_ACCURACY_PROBLEM = 10
    TAG_APPEARS_MORE_THAN_ONCE = 13
    TAG_SPECIFIED_OUT_OF_REQUIRED_ORDER = 14
    REPEATING_GROUP_FIELDS_OUT_OF_ORDER = 15
    INCORRECT_NUMINGROUP_COUNT_FOR_REPEATING_GROUP = 16
    OTHER = 99


class Side(FixStrEnum):
    """Side(54) values."""

    BUY = "1"
    SELL = "2"


class SubscriptionRequestType(FixStrEnum):
    """SubscriptionRequestType(263) values."""

    SUBSCRIBE = "1"
    UNSUBSCRIBE = "2"


class TimeInForce(FixStrEnum):
    """TimeInForce(59) values."""

    GOOD_TILL_CANCEL = "1"
    IMMEDIATE_OR_CANCEL = "3"
    FILL_OR_KILL = "4"


class TriggerAction(FixStrEnum):
    """TriggerAction(1101) values."""

    ACTIVATE = "1"


class TriggerPriceDirection(FixStrEnum):
    """TriggerPriceDirection(1109) values."""

    UP = "U"
    DOWN = "D"


class TriggerPriceType(FixStrEnum):
    """TriggerPriceType(1107) values."""

    LAST_TRADE = "2"


class TriggerType(FixStrEnum):
    """TriggerType(1100) values."""

    PRICE_MOVEMENT = "4"


class WorkingFloor(FixIntEnum):
    """WorkingFloor(25021) values."""

    EXCHANGE = 1
    BROKER = 2
    SOR = 3


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Heartbeat(TypedMessage):
    """Heartbeat<0>."""

    MSG_TYPE: ClassVar[str] = "0"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    test_req_id: str | None = None
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(112, "test_req_id", Kind.STR),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class TestRequest(TypedMessage):
    """TestRequest<1>."""

    MSG_TYPE: ClassVar[str] = "1"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    test_req_id: str
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(112, "test_req_id", Kind.STR, required=True),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Reject(TypedMessage):
    """Reject<3>."""

    MSG_TYPE: ClassVar[str] = "3"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    ref_seq_num: int | None = None
    ref_tag_id: int | None = None
    ref_msg_type: str | None = None
    session_reject_reason: SessionRejectReason | None = None
    error_code: int | None = None
    text: str | None = None
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(45, "ref_seq_num", Kind.INT),
        Spec(371, "ref_tag_id", Kind.INT),
        Spec(372, "ref_msg_type", Kind.STR),
        Spec(373, "session_reject_reason", Kind.INT, SessionRejectReason),
        Spec(25016, "error_code", Kind.INT),
        Spec(58, "text", Kind.STR),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Logout(TypedMessage):
    """Logout<5>."""

    MSG_TYPE: ClassVar[str] = "5"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    text: str | None = None
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(58, "text", Kind.STR),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Logon(TypedMessage):
    """Logon<A>."""

    MSG_TYPE: ClassVar[str] = "A"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    encrypt_method: EncryptMethod | None = None
    heart_bt_int: int
    raw_data_length: int | None = None
    raw_data: str | None = None
    reset_seq_num_flag: bool | None = None
    username: str | None = None
    message_handling: MessageHandling | None = None
    response_mode: ResponseMode | None = None
    execution_report_type: ExecutionReportType | None = None
    drop_copy_flag: bool | None = None
    uuid: str | None = None
    sbe_schema_id: int | None = None
    sbe_schema_version: int | None = None
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(98, "encrypt_method", Kind.INT, EncryptMethod),
        Spec(108, "heart_bt_int", Kind.INT, required=True),
        Spec(95, "raw_data_length", Kind.INT),
        Spec(96, "raw_data", Kind.STR),
        Spec(141, "reset_seq_num_flag", Kind.BOOL),
        Spec(553, "username", Kind.STR),
        Spec(25035, "message_handling", Kind.INT, MessageHandling),
        Spec(25036, "response_mode", Kind.INT, ResponseMode),
        Spec(25045, "execution_report_type", Kind.INT, ExecutionReportType),
        Spec(9406, "drop_copy_flag", Kind.BOOL),
        Spec(25037, "uuid", Kind.STR),
        Spec(25050, "sbe_schema_id", Kind.INT),
        Spec(25051, "sbe_schema_version", Kind.INT),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class News(TypedMessage):
    """News<B>."""

    MSG_TYPE: ClassVar[str] = "B"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    headline: str
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(148, "headline", Kind.STR, required=True),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class LimitQuery(TypedMessage):
    """LimitQuery<XLQ>."""

    MSG_TYPE: ClassVar[str] = "XLQ"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    req_id: str
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(6136, "req_id", Kind.STR, required=True),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class LimitResponse(TypedMessage):
    """LimitResponse<XLR>."""

    @dataclass(frozen=True, slots=True, kw_only=True, repr=False)
    class LimitIndicator(Entry):
        """An entry of NoLimitIndicators(25003)."""

        limit_type: LimitType
        limit_count: int
        limit_max: int
        limit_reset_interval: int | None = None
        limit_reset_interval_resolution: LimitResetIntervalResolution | None = None
        FIELDS = (
            Spec(25004, "limit_type", Kind.STR, LimitType, required=True),
            Spec(25005, "limit_count", Kind.INT, required=True),
            Spec(25006, "limit_max", Kind.INT, required=True),
            Spec(25007, "limit_reset_interval", Kind.INT),
            Spec(25008, "limit_reset_interval_resolution", Kind.STR, LimitResetIntervalResolution),
        )

    MSG_TYPE: ClassVar[str] = "XLR"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    req_id: str
    limit_indicators: Sequence[LimitIndicator]
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(6136, "req_id", Kind.STR, required=True),
        Spec(25003, "limit_indicators", entry=LimitIndicator, required=True),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class InstrumentListRequest(TypedMessage):
    """InstrumentListRequest<x>."""

    MSG_TYPE: ClassVar[str] = "x"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    instrument_req_id: str
    instrument_list_request_type: InstrumentListRequestType
    symbol: str | None = None
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(320, "instrument_req_id", Kind.STR, required=True),
        Spec(559, "instrument_list_request_type", Kind.INT, InstrumentListRequestType, required=True),
        Spec(55, "symbol", Kind.STR),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class InstrumentList(TypedMessage):
    """InstrumentList<y>."""

    @dataclass(frozen=True, slots=True, kw_only=True, repr=False)
    class RelatedSym(Entry):
        """An entry of NoRelatedSym(146)."""

        symbol: str
        currency: str
        min_trade_vol: Decimal | None = None
        max_trade_vol: Decimal | None = None
        min_qty_increment: Decimal | None = None
        market_min_trade_vol: Decimal | None = None
        market_max_trade_vol: Decimal | None = None
        market_min_qty_increment: Decimal | None = None
        start_price_range: Decimal | None = None
        end_price_range: Decimal | None = None
        min_price_increment: Decimal | None = None
        FIELDS = (
            Spec(55, "symbol", Kind.STR, required=True),
            Spec(15, "currency", Kind.STR, required=True),
            Spec(562, "min_trade_vol", Kind.DECIMAL),
            Spec(1140, "max_trade_vol", Kind.DECIMAL),
            Spec(25039, "min_qty_increment", Kind.DECIMAL),
            Spec(25040, "market_min_trade_vol", Kind.DECIMAL),
            Spec(25041, "market_max_trade_vol", Kind.DECIMAL),
            Spec(25042, "market_min_qty_increment", Kind.DECIMAL),
            Spec(2551, "start_price_range", Kind.DECIMAL),
            Spec(2552, "end_price_range", Kind.DECIMAL),
            Spec(969, "min_price_increment", Kind.DECIMAL),
        )

    MSG_TYPE: ClassVar[str] = "y"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    instrument_req_id: str
    related_sym: Sequence[RelatedSym]
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(320, "instrument_req_id", Kind.STR, required=True),
        Spec(146, "related_sym", entry=RelatedSym, required=True),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class MarketDataRequest(TypedMessage):
    """MarketDataRequest<V>."""

    @dataclass(frozen=True, slots=True, kw_only=True, repr=False)
    class RelatedSym(Entry):
        """An entry of NoRelatedSym(146)."""

        symbol: str
        FIELDS = (
            Spec(55, "symbol", Kind.STR, required=True),
        )

    @dataclass(frozen=True, slots=True, kw_only=True, repr=False)
    class MDEntryTypeEntry(Entry):
        """An entry of NoMDEntryTypes(267)."""

        md_entry_type: MDEntryType
        FIELDS = (
            Spec(269, "md_entry_type", Kind.STR, MDEntryType, required=True),
        )

    MSG_TYPE: ClassVar[str] = "V"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    md_req_id: str
    subscription_request_type: SubscriptionRequestType
    market_depth: int | None = None
    related_sym: Sequence[RelatedSym] | None = None
    md_entry_types: Sequence[MDEntryTypeEntry] | None = None
    aggregated_book: bool | None = None
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(262, "md_req_id", Kind.STR, required=True),
        Spec(263, "subscription_request_type", Kind.STR, SubscriptionRequestType, required=True),
        Spec(264, "market_depth", Kind.INT),
        Spec(146, "related_sym", entry=RelatedSym),
        Spec(267, "md_entry_types", entry=MDEntryTypeEntry),
        Spec(266, "aggregated_book", Kind.BOOL),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class MarketDataRequestReject(TypedMessage):
    """MarketDataRequestReject<Y>."""

    MSG_TYPE: ClassVar[str] = "Y"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    md_req_id: str
    md_req_rej_reason: MDReqRejReason | None = None
    error_code: int | None = None
    text: str | None = None
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(262, "md_req_id", Kind.STR, required=True),
        Spec(281, "md_req_rej_reason", Kind.STR, MDReqRejReason),
        Spec(25016, "error_code", Kind.INT),
        Spec(58, "text", Kind.STR),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class MarketDataSnapshot(TypedMessage):
    """MarketDataSnapshot<W>."""

    @dataclass(frozen=True, slots=True, kw_only=True, repr=False)
    class MDEntry(Entry):
        """An entry of NoMDEntries(268)."""

        md_entry_type: MDEntryType
        md_entry_px: Decimal
        md_entry_size: Decimal
        FIELDS = (
            Spec(269, "md_entry_type", Kind.STR, MDEntryType, required=True),
            Spec(270, "md_entry_px", Kind.DECIMAL, required=True),
            Spec(271, "md_entry_size", Kind.DECIMAL, required=True),
        )

    MSG_TYPE: ClassVar[str] = "W"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    md_req_id: str
    symbol: str
    last_book_update_id: int | None = None
    md_entries: Sequence[MDEntry]
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(262, "md_req_id", Kind.STR, required=True),
        Spec(55, "symbol", Kind.STR, required=True),
        Spec(25044, "last_book_update_id", Kind.INT),
        Spec(268, "md_entries", entry=MDEntry, required=True),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class MarketDataIncrementalRefresh(TypedMessage):
    """MarketDataIncrementalRefresh<X>."""

    @dataclass(frozen=True, slots=True, kw_only=True, repr=False)
    class MDEntry(Entry):
        """An entry of NoMDEntries(268)."""

        md_update_action: MDUpdateAction
        md_entry_px: Decimal
        md_entry_size: Decimal | None = None
        md_entry_type: MDEntryType
        symbol: str | None = None
        transact_time: datetime.datetime | None = None
        trade_id: str | None = None
        aggressor_side: AggressorSide | None = None
        first_book_update_id: int | None = None
        last_book_update_id: int | None = None
        FIELDS = (
            Spec(279, "md_update_action", Kind.STR, MDUpdateAction, required=True),
            Spec(270, "md_entry_px", Kind.DECIMAL, required=True),
            Spec(271, "md_entry_size", Kind.DECIMAL),
            Spec(269, "md_entry_type", Kind.STR, MDEntryType, required=True),
            Spec(55, "symbol", Kind.STR),
            Spec(60, "transact_time", Kind.TIME),
            Spec(1003, "trade_id", Kind.STR),
            Spec(2446, "aggressor_side", Kind.STR, AggressorSide),
            Spec(25043, "first_book_update_id", Kind.INT),
            Spec(25044, "last_book_update_id", Kind.INT),
        )

    MSG_TYPE: ClassVar[str] = "X"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    md_req_id: str
    last_fragment: bool | None = None
    md_entries: Sequence[MDEntry]
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(262, "md_req_id", Kind.STR, required=True),
        Spec(893, "last_fragment", Kind.BOOL),
        Spec(268, "md_entries", entry=MDEntry, required=True),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ExecutionReport(TypedMessage):
    """ExecutionReport<8>."""

    @dataclass(frozen=True, slots=True, kw_only=True, repr=False)
    class MiscFee(Entry):
        """An entry of NoMiscFees(136)."""

        misc_fee_amt: Decimal
        misc_fee_curr: str
        misc_fee_type: MiscFeeType
        FIELDS = (
            Spec(137, "misc_fee_amt", Kind.DECIMAL, required=True),
            Spec(138, "misc_fee_curr", Kind.STR, required=True),
            Spec(139, "misc_fee_type", Kind.INT, MiscFeeType, required=True),
        )

    MSG_TYPE: ClassVar[str] = "8"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    exec_id: str | None = None
    cl_ord_id: str | None = None
    orig_cl_ord_id: str | None = None
    order_id: int | None = None
    order_qty: Decimal | None = None
    ord_type: OrdType
    side: Side
    symbol: str
    exec_inst: ExecInst | None = None
    price: Decimal | None = None
    trigger_type: TriggerType | None = None
    trigger_action: TriggerAction | None = None
    trigger_price: Decimal | None = None
    trigger_price_type: TriggerPriceType | None = None
    trigger_price_direction: TriggerPriceDirection | None = None
    trigger_trailing_delta_bips: int | None = None
    peg_offset_value: Decimal | None = None
    peg_price_type: PegPriceType | None = None
    peg_move_type: PegMoveType | None = None
    peg_offset_type: PegOffsetType | None = None
    pegged_price: Decimal | None = None
    time_in_force: TimeInForce | None = None
    transact_time: datetime.datetime | None = None
    order_creation_time: datetime.datetime | None = None
    max_floor: Decimal | None = None
    list_id: str | None = None
    cash_order_qty: Decimal | None = None
    target_strategy: int | None = None
    strategy_id: int | None = None
    self_trade_prevention_mode: SelfTradePreventionMode | None = None
    exec_type: ExecType
    cum_qty: Decimal
    leaves_qty: Decimal | None = None
    cum_quote_qty: Decimal | None = None
    aggressor_indicator: bool | None = None
    trade_id: str | None = None
    last_px: Decimal | None = None
    last_qty: Decimal
    ord_status: OrdStatus
    alloc_id: int | None = None
    match_type: MatchType | None = None
    working_floor: WorkingFloor | None = None
    working_indicator: bool | None = None
    working_time: datetime.datetime | None = None
    trailing_time: datetime.datetime | None = None
    prevented_match_id: int | None = None
    prevented_execution_price: Decimal | None = None
    prevented_execution_qty: Decimal | None = None
    trade_group_id: int | None = None
    counter_symbol: str | None = None
    counter_order_id: int | None = None
    prevented_qty: Decimal | None = None
    last_prevented_qty: Decimal | None = None
    sor: bool | None = None
    misc_fees: Sequence[MiscFee] | None = None
    ord_rej_reason: OrdRejReason | None = None
    error_code: int | None = None
    text: str | None = None
    expiry_reason: str | None = None
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(17, "exec_id", Kind.STR),
        Spec(11, "cl_ord_id", Kind.STR),
        Spec(41, "orig_cl_ord_id", Kind.STR),
        Spec(37, "order_id", Kind.INT),
        Spec(38, "order_qty", Kind.DECIMAL),
        Spec(40, "ord_type", Kind.STR, OrdType, required=True),
        Spec(54, "side", Kind.STR, Side, required=True),
        Spec(55, "symbol", Kind.STR, required=True),
        Spec(18, "exec_inst", Kind.STR, ExecInst),
        Spec(44, "price", Kind.DECIMAL),
        Spec(1100, "trigger_type", Kind.STR, TriggerType),
        Spec(1101, "trigger_action", Kind.STR, TriggerAction),
        Spec(1102, "trigger_price", Kind.DECIMAL),
        Spec(1107, "trigger_price_type", Kind.STR, TriggerPriceType),
        Spec(1109, "trigger_price_direction", Kind.STR, TriggerPriceDirection),
        Spec(25009, "trigger_trailing_delta_bips", Kind.INT),
        Spec(211, "peg_offset_value", Kind.DECIMAL),
        Spec(1094, "peg_price_type", Kind.STR, PegPriceType),
        Spec(835, "peg_move_type", Kind.INT, PegMoveType),
        Spec(836, "peg_offset_type", Kind.STR, PegOffsetType),
        Spec(839, "pegged_price", Kind.DECIMAL),
        Spec(59, "time_in_force", Kind.STR, TimeInForce),
        Spec(60, "transact_time", Kind.TIME),
        Spec(25018, "order_creation_time", Kind.TIME),
        Spec(111, "max_floor", Kind.DECIMAL),
        Spec(66, "list_id", Kind.STR),
        Spec(152, "cash_order_qty", Kind.DECIMAL),
        Spec(847, "target_strategy", Kind.INT),
        Spec(7940, "strategy_id", Kind.INT),
        Spec(25001, "self_trade_prevention_mode", Kind.STR, SelfTradePreventionMode),
        Spec(150, "exec_type", Kind.STR, ExecType, required=True),
        Spec(14, "cum_qty", Kind.DECIMAL, required=True),
        Spec(151, "leaves_qty", Kind.DECIMAL),
        Spec(25017, "cum_quote_qty", Kind.DECIMAL),
        Spec(1057, "aggressor_indicator", Kind.BOOL),
        Spec(1003, "trade_id", Kind.STR),
        Spec(31, "last_px", Kind.DECIMAL),
        Spec(32, "last_qty", Kind.DECIMAL, required=True),
        Spec(39, "ord_status", Kind.STR, OrdStatus, required=True),
        Spec(70, "alloc_id", Kind.INT),
        Spec(574, "match_type", Kind.STR, MatchType),
        Spec(25021, "working_floor", Kind.INT, WorkingFloor),
        Spec(636, "working_indicator", Kind.BOOL),
        Spec(25023, "working_time", Kind.TIME),
        Spec(25022, "trailing_time", Kind.TIME),
        Spec(25024, "prevented_match_id", Kind.INT),
        Spec(25025, "prevented_execution_price", Kind.DECIMAL),
        Spec(25026, "prevented_execution_qty", Kind.DECIMAL),
        Spec(25027, "trade_group_id", Kind.INT),
        Spec(25028, "counter_symbol", Kind.STR),
        Spec(25029, "counter_order_id", Kind.INT),
        Spec(25030, "prevented_qty", Kind.DECIMAL),
        Spec(25031, "last_prevented_qty", Kind.DECIMAL),
        Spec(25032, "sor", Kind.BOOL),
        Spec(136, "misc_fees", entry=MiscFee),
        Spec(103, "ord_rej_reason", Kind.INT, OrdRejReason),
        Spec(25016, "error_code", Kind.INT),
        Spec(58, "text", Kind.STR),
        Spec(25056, "expiry_reason", Kind.STR),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class OrderCancelReject(TypedMessage):
    """OrderCancelReject<9>."""

    MSG_TYPE: ClassVar[str] = "9"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    cl_ord_id: str
    orig_cl_ord_id: str | None = None
    order_id: int | None = None
    orig_cl_list_id: str | None = None
    list_id: str | None = None
    symbol: str
    cancel_restrictions: CancelRestrictions | None = None
    cxl_rej_response_to: CxlRejResponseTo
    error_code: int
    text: str
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(11, "cl_ord_id", Kind.STR, required=True),
        Spec(41, "orig_cl_ord_id", Kind.STR),
        Spec(37, "order_id", Kind.INT),
        Spec(25015, "orig_cl_list_id", Kind.STR),
        Spec(66, "list_id", Kind.STR),
        Spec(55, "symbol", Kind.STR, required=True),
        Spec(25002, "cancel_restrictions", Kind.INT, CancelRestrictions),
        Spec(434, "cxl_rej_response_to", Kind.STR, CxlRejResponseTo, required=True),
        Spec(25016, "error_code", Kind.INT, required=True),
        Spec(58, "text", Kind.STR, required=True),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class NewOrderSingle(TypedMessage):
    """NewOrderSingle<D>."""

    MSG_TYPE: ClassVar[str] = "D"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    cl_ord_id: str
    order_qty: Decimal | None = None
    ord_type: OrdType
    exec_inst: ExecInst | None = None
    price: Decimal | None = None
    trigger_type: TriggerType | None = None
    trigger_action: TriggerAction | None = None
    trigger_price: Decimal | None = None
    trigger_price_type: TriggerPriceType | None = None
    trigger_price_direction: TriggerPriceDirection | None = None
    trigger_trailing_delta_bips: int | None = None
    peg_offset_value: Decimal | None = None
    peg_price_type: PegPriceType | None = None
    peg_move_type: PegMoveType | None = None
    peg_offset_type: PegOffsetType | None = None
    side: Side
    symbol: str
    time_in_force: TimeInForce | None = None
    max_floor: Decimal | None = None
    cash_order_qty: Decimal | None = None
    target_strategy: int | None = None
    strategy_id: int | None = None
    self_trade_prevention_mode: SelfTradePreventionMode | None = None
    sor: bool | None = None
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(11, "cl_ord_id", Kind.STR, required=True),
        Spec(38, "order_qty", Kind.DECIMAL),
        Spec(40, "ord_type", Kind.STR, OrdType, required=True),
        Spec(18, "exec_inst", Kind.STR, ExecInst),
        Spec(44, "price", Kind.DECIMAL),
        Spec(1100, "trigger_type", Kind.STR, TriggerType),
        Spec(1101, "trigger_action", Kind.STR, TriggerAction),
        Spec(1102, "trigger_price", Kind.DECIMAL),
        Spec(1107, "trigger_price_type", Kind.STR, TriggerPriceType),
        Spec(1109, "trigger_price_direction", Kind.STR, TriggerPriceDirection),
        Spec(25009, "trigger_trailing_delta_bips", Kind.INT),
        Spec(211, "peg_offset_value", Kind.DECIMAL),
        Spec(1094, "peg_price_type", Kind.STR, PegPriceType),
        Spec(835, "peg_move_type", Kind.INT, PegMoveType),
        Spec(836, "peg_offset_type", Kind.STR, PegOffsetType),
        Spec(54, "side", Kind.STR, Side, required=True),
        Spec(55, "symbol", Kind.STR, required=True),
        Spec(59, "time_in_force", Kind.STR, TimeInForce),
        Spec(111, "max_floor", Kind.DECIMAL),
        Spec(152, "cash_order_qty", Kind.DECIMAL),
        Spec(847, "target_strategy", Kind.INT),
        Spec(7940, "strategy_id", Kind.INT),
        Spec(25001, "self_trade_prevention_mode", Kind.STR, SelfTradePreventionMode),
        Spec(25032, "sor", Kind.BOOL),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class NewOrderList(TypedMessage):
    """NewOrderList<E>."""

    @dataclass(frozen=True, slots=True, kw_only=True, repr=False)
    class Order(Entry):
        """An entry of NoOrders(73)."""

        @dataclass(frozen=True, slots=True, kw_only=True, repr=False)
        class ListTriggeringInstruction(Entry):
            """An entry of NoListTriggeringInstructions(25010)."""

            list_trigger_type: ListTriggerType
            list_trigger_trigger_index: int
            list_trigger_action: ListTriggerAction
            FIELDS = (
                Spec(25011, "list_trigger_type", Kind.STR, ListTriggerType, required=True),
                Spec(25012, "list_trigger_trigger_index", Kind.INT, required=True),
                Spec(25013, "list_trigger_action", Kind.STR, ListTriggerAction, required=True),
            )

        cl_ord_id: str
        order_qty: Decimal | None = None
        ord_type: OrdType
        exec_inst: ExecInst | None = None
        price: Decimal | None = None
        trigger_type: TriggerType | None = None
        trigger_action: TriggerAction | None = None
        trigger_price: Decimal | None = None
        trigger_price_type: TriggerPriceType | None = None
        trigger_price_direction: TriggerPriceDirection | None = None
        trigger_trailing_delta_bips: int | None = None
        peg_offset_value: Decimal | None = None
        peg_price_type: PegPriceType | None = None
        peg_move_type: PegMoveType | None = None
        peg_offset_type: PegOffsetType | None = None
        side: Side
        symbol: str
        time_in_force: TimeInForce | None = None
        max_floor: Decimal | None = None
        cash_order_qty: Decimal | None = None
        target_strategy: int | None = None
        strategy_id: int | None = None
        self_trade_prevention_mode: SelfTradePreventionMode | None = None
        list_triggering_instructions: Sequence[ListTriggeringInstruction] | None = None
        FIELDS = (
            Spec(11, "cl_ord_id", Kind.STR, required=True),
            Spec(38, "order_qty", Kind.DECIMAL),
            Spec(40, "ord_type", Kind.STR, OrdType, required=True),
            Spec(18, "exec_inst", Kind.STR, ExecInst),
            Spec(44, "price", Kind.DECIMAL),
            Spec(1100, "trigger_type", Kind.STR, TriggerType),
            Spec(1101, "trigger_action", Kind.STR, TriggerAction),
            Spec(1102, "trigger_price", Kind.DECIMAL),
            Spec(1107, "trigger_price_type", Kind.STR, TriggerPriceType),
            Spec(1109, "trigger_price_direction", Kind.STR, TriggerPriceDirection),
            Spec(25009, "trigger_trailing_delta_bips", Kind.INT),
            Spec(211, "peg_offset_value", Kind.DECIMAL),
            Spec(1094, "peg_price_type", Kind.STR, PegPriceType),
            Spec(835, "peg_move_type", Kind.INT, PegMoveType),
            Spec(836, "peg_offset_type", Kind.STR, PegOffsetType),
            Spec(54, "side", Kind.STR, Side, required=True),
            Spec(55, "symbol", Kind.STR, required=True),
            Spec(59, "time_in_force", Kind.STR, TimeInForce),
            Spec(111, "max_floor", Kind.DECIMAL),
            Spec(152, "cash_order_qty", Kind.DECIMAL),
            Spec(847, "target_strategy", Kind.INT),
            Spec(7940, "strategy_id", Kind.INT),
            Spec(25001, "self_trade_prevention_mode", Kind.STR, SelfTradePreventionMode),
            Spec(25010, "list_triggering_instructions", entry=ListTriggeringInstruction),
        )

    MSG_TYPE: ClassVar[str] = "E"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    cl_list_id: str
    contingency_type: ContingencyType
    opo: bool | None = None
    orders: Sequence[Order] | None = None
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(25014, "cl_list_id", Kind.STR, required=True),
        Spec(1385, "contingency_type", Kind.INT, ContingencyType, required=True),
        Spec(25046, "opo", Kind.BOOL),
        Spec(73, "orders", entry=Order),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class OrderCancelRequest(TypedMessage):
    """OrderCancelRequest<F>."""

    MSG_TYPE: ClassVar[str] = "F"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    cl_ord_id: str
    orig_cl_ord_id: str | None = None
    order_id: int | None = None
    orig_cl_list_id: str | None = None
    list_id: str | None = None
    symbol: str
    cancel_restrictions: CancelRestrictions | None = None
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(11, "cl_ord_id", Kind.STR, required=True),
        Spec(41, "orig_cl_ord_id", Kind.STR),
        Spec(37, "order_id", Kind.INT),
        Spec(25015, "orig_cl_list_id", Kind.STR),
        Spec(66, "list_id", Kind.STR),
        Spec(55, "symbol", Kind.STR, required=True),
        Spec(25002, "cancel_restrictions", Kind.INT, CancelRestrictions),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ListStatus(TypedMessage):
    """ListStatus<N>."""

    @dataclass(frozen=True, slots=True, kw_only=True, repr=False)
    class Order(Entry):
        """An entry of NoOrders(73)."""

        @dataclass(frozen=True, slots=True, kw_only=True, repr=False)
        class ListTriggeringInstruction(Entry):
            """An entry of NoListTriggeringInstructions(25010)."""

            list_trigger_type: ListTriggerType
            list_trigger_trigger_index: int
            list_trigger_action: ListTriggerAction
            FIELDS = (
                Spec(25011, "list_trigger_type", Kind.STR, ListTriggerType, required=True),
                Spec(25012, "list_trigger_trigger_index", Kind.INT, required=True),
                Spec(25013, "list_trigger_action", Kind.STR, ListTriggerAction, required=True),
            )

        cl_ord_id: str
        symbol: str
        order_id: int | None = None
        list_triggering_instructions: Sequence[ListTriggeringInstruction] | None = None
        ord_rej_reason: OrdRejReason | None = None
        error_code: int | None = None
        text: str | None = None
        FIELDS = (
            Spec(11, "cl_ord_id", Kind.STR, required=True),
            Spec(55, "symbol", Kind.STR, required=True),
            Spec(37, "order_id", Kind.INT),
            Spec(25010, "list_triggering_instructions", entry=ListTriggeringInstruction),
            Spec(103, "ord_rej_reason", Kind.INT, OrdRejReason),
            Spec(25016, "error_code", Kind.INT),
            Spec(58, "text", Kind.STR),
        )

    MSG_TYPE: ClassVar[str] = "N"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    symbol: str | None = None
    list_id: str | None = None
    cl_list_id: str | None = None
    orig_cl_list_id: str | None = None
    contingency_type: ContingencyType | None = None
    list_status_type: ListStatusType
    list_order_status: ListOrderStatus
    list_reject_reason: ListRejectReason | None = None
    ord_rej_reason: OrdRejReason | None = None
    transact_time: datetime.datetime | None = None
    error_code: int | None = None
    text: str | None = None
    orders: Sequence[Order] | None = None
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(55, "symbol", Kind.STR),
        Spec(66, "list_id", Kind.STR),
        Spec(25014, "cl_list_id", Kind.STR),
        Spec(25015, "orig_cl_list_id", Kind.STR),
        Spec(1385, "contingency_type", Kind.INT, ContingencyType),
        Spec(429, "list_status_type", Kind.INT, ListStatusType, required=True),
        Spec(431, "list_order_status", Kind.INT, ListOrderStatus, required=True),
        Spec(1386, "list_reject_reason", Kind.INT, ListRejectReason),
        Spec(103, "ord_rej_reason", Kind.INT, OrdRejReason),
        Spec(60, "transact_time", Kind.TIME),
        Spec(25016, "error_code", Kind.INT),
        Spec(58, "text", Kind.STR),
        Spec(73, "orders", entry=Order),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class OrderMassCancelRequest(TypedMessage):
    """OrderMassCancelRequest<q>."""

    MSG_TYPE: ClassVar[str] = "q"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    symbol: str
    cl_ord_id: str
    mass_cancel_request_type: MassCancelRequestType
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(55, "symbol", Kind.STR, required=True),
        Spec(11, "cl_ord_id", Kind.STR, required=True),
        Spec(530, "mass_cancel_request_type", Kind.STR, MassCancelRequestType, required=True),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class OrderMassCancelReport(TypedMessage):
    """OrderMassCancelReport<r>."""

    MSG_TYPE: ClassVar[str] = "r"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    symbol: str
    cl_ord_id: str
    mass_cancel_request_type: MassCancelRequestType
    mass_cancel_response: MassCancelResponse
    mass_cancel_reject_reason: MassCancelRejectReason | None = None
    total_affected_orders: int | None = None
    error_code: int | None = None
    text: str | None = None
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(55, "symbol", Kind.STR, required=True),
        Spec(11, "cl_ord_id", Kind.STR, required=True),
        Spec(530, "mass_cancel_request_type", Kind.STR, MassCancelRequestType, required=True),
        Spec(531, "mass_cancel_response", Kind.STR, MassCancelResponse, required=True),
        Spec(532, "mass_cancel_reject_reason", Kind.INT, MassCancelRejectReason),
        Spec(533, "total_affected_orders", Kind.INT),
        Spec(25016, "error_code", Kind.INT),
        Spec(58, "text", Kind.STR),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class OrderAmendKeepPriorityRequest(TypedMessage):
    """OrderAmendKeepPriorityRequest<XAK>."""

    MSG_TYPE: ClassVar[str] = "XAK"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    cl_ord_id: str
    orig_cl_ord_id: str | None = None
    order_id: int | None = None
    symbol: str
    order_qty: Decimal
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(11, "cl_ord_id", Kind.STR, required=True),
        Spec(41, "orig_cl_ord_id", Kind.STR),
        Spec(37, "order_id", Kind.INT),
        Spec(55, "symbol", Kind.STR, required=True),
        Spec(38, "order_qty", Kind.DECIMAL, required=True),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class OrderAmendReject(TypedMessage):
    """OrderAmendReject<XAR>."""

    MSG_TYPE: ClassVar[str] = "XAR"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    cl_ord_id: str
    orig_cl_ord_id: str | None = None
    order_id: int | None = None
    symbol: str
    order_qty: Decimal
    error_code: int
    text: str
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(11, "cl_ord_id", Kind.STR, required=True),
        Spec(41, "orig_cl_ord_id", Kind.STR),
        Spec(37, "order_id", Kind.INT),
        Spec(55, "symbol", Kind.STR, required=True),
        Spec(38, "order_qty", Kind.DECIMAL, required=True),
        Spec(25016, "error_code", Kind.INT, required=True),
        Spec(58, "text", Kind.STR, required=True),
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class OrderCancelRequestAndNewOrderSingle(TypedMessage):
    """OrderCancelRequestAndNewOrderSingle<XCN>."""

    MSG_TYPE: ClassVar[str] = "XCN"
    sender_comp_id: str | None = None
    target_comp_id: str | None = None
    msg_seq_num: int | None = None
    sending_time: datetime.datetime | None = None
    recv_window: Decimal | None = None
    order_cancel_request_and_new_order_single_mode: OrderCancelRequestAndNewOrderSingleMode
    order_rate_limit_exceeded_mode: OrderRateLimitExceededMode | None = None
    order_id: int | None = None
    cancel_cl_ord_id: str | None = None
    orig_cl_ord_id: str | None = None
    cancel_restrictions: CancelRestrictions | None = None
    cl_ord_id: str
    order_qty: Decimal | None = None
    ord_type: OrdType
    exec_inst: ExecInst | None = None
    price: Decimal | None = None
    trigger_type: TriggerType | None = None
    trigger_action: TriggerAction | None = None
    trigger_price: Decimal | None = None
    trigger_price_type: TriggerPriceType | None = None
    trigger_price_direction: TriggerPriceDirection | None = None
    trigger_trailing_delta_bips: int | None = None
    peg_offset_value: Decimal | None = None
    peg_price_type: PegPriceType | None = None
    peg_move_type: PegMoveType | None = None
    peg_offset_type: PegOffsetType | None = None
    side: Side
    symbol: str
    time_in_force: TimeInForce | None = None
    max_floor: Decimal | None = None
    cash_order_qty: Decimal | None = None
    target_strategy: int | None = None
    strategy_id: int | None = None
    self_trade_prevention_mode: SelfTradePreventionMode | None = None
    FIELDS = (
        Spec(49, "sender_comp_id", Kind.STR),
        Spec(56, "target_comp_id", Kind.STR),
        Spec(34, "msg_seq_num", Kind.INT),
        Spec(52, "sending_time", Kind.TIME),
        Spec(25000, "recv_window", Kind.DECIMAL),
        Spec(25033, "order_cancel_request_and_new_order_single_mode", Kind.INT, OrderCancelRequestAndNewOrderSingleMode, required=True),
        Spec(25038, "order_rate_limit_exceeded_mode", Kind.INT, OrderRateLimitExceededMode),
        Spec(37, "order_id", Kind.INT),
        Spec(25034, "cancel_cl_ord_id", Kind.STR),
        Spec(41, "orig_cl_ord_id", Kind.STR),
        Spec(25002, "cancel_restrictions", Kind.INT, CancelRestrictions),
        Spec(11, "cl_ord_id", Kind.STR, required=True),
        Spec(38, "order_qty", Kind.DECIMAL),
        Spec(40, "ord_type", Kind.STR, OrdType, required=True),
        Spec(18, "exec_inst", Kind.STR, ExecInst),
        Spec(44, "price", Kind.DECIMAL),
        Spec(1100, "trigger_type", Kind.STR, TriggerType),
        Spec(1101, "trigger_action", Kind.STR, TriggerAction),
        Spec(1102, "trigger_price", Kind.DECIMAL),
        Spec(1107, "trigger_price_type", Kind.STR, TriggerPriceType),
        Spec(1109, "trigger_price_direction", Kind.STR, TriggerPriceDirection),
        Spec(25009, "trigger_trailing_delta_bips", Kind.INT),
        Spec(211, "peg_offset_value", Kind.DECIMAL),
        Spec(1094, "peg_price_type", Kind.STR, PegPriceType),
        Spec(835, "peg_move_type", Kind.INT, PegMoveType),
        Spec(836, "peg_offset_type", Kind.STR, PegOffsetType),
        Spec(54, "side", Kind.STR, Side, required=True),
        Spec(55, "symbol", Kind.STR, required=True),
        Spec(59, "time_in_force", Kind.STR, TimeInForce),
        Spec(111, "max_floor", Kind.DECIMAL),
        Spec(152, "cash_order_qty", Kind.DECIMAL),
        Spec(847, "target_strategy", Kind.INT),
        Spec(7940, "strategy_id", Kind.INT),
        Spec(25001, "self_trade_prevention_mode", Kind.STR, SelfTradePreventionMode),
    )

BY_MSG_TYPE: Final[dict[str, type[TypedMessage]]] = {
    "0": Heartbeat,
    "1": TestRequest,
    "3": Reject,
    "5": Logout,
    "A": Logon,
    "B": News,
    "XLQ": LimitQuery,
    "XLR": LimitResponse,
    "x": InstrumentListRequest,
    "y": InstrumentList,
    "V": MarketDataRequest,
    "Y": MarketDataRequestReject,
    "W": MarketDataSnapshot,
    "X": MarketDataIncrementalRefresh,
    "8": ExecutionReport,
    "9": OrderCancelReject,
    "D": NewOrderSingle,
    "E": NewOrderList,
    "F": OrderCancelRequest,
    "N": ListStatus,
    "q": OrderMassCancelRequest,
    "r": OrderMassCancelReport,
    "XAK": OrderAmendKeepPriorityRequest,
    "XAR": OrderAmendReject,
    "XCN": OrderCancelRequestAndNewOrderSingle,
}
"""Each typed message class by its MsgType(35)."""


def typed(message: Message) -> TypedMessage:
    """``message`` as its typed class (``BY_MSG_TYPE``); ``ValueError`` for a MsgType no
    class has, or a value that does not fit its field (never for a validated message)."""
    kind = BY_MSG_TYPE.get(message.msg_type)
    if kind is None:
        raise ValueError(f"no typed class for MsgType {message.msg_type!r}")
    return kind.from_message(message)
