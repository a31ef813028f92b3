"""Binance's error page as data: every code, its NAME, its message templates, what to do about it.

Owns the texts exactly as Binance sends them on the wire (the page's markdown backticks and
link syntax are formatting, not text), the matching-engine and filter-failure messages, and
the template matching that turns a received Text back into its parameters. Everything else
about errors (classes, Reject contents) is derived from this module. Pure data and string
work: no FIX parsing, no I/O.
"""

# ruff: noqa: E501  -- each table line is one of Binance's texts, kept whole.

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import cache
from typing import Final

from fixsession.spec import SessionRejectReason


class Category(enum.Enum):
    """What the caller should do about an error (the parent class of its exception)."""

    REQUEST = "request"  #: fix the request; resending it unchanged fails again
    ORDER = "order"  #: the matching engine refused it; the book or account decided
    RETRY_LATER = "retry-later"  #: back off, then retry
    SESSION = "session"  #: the session is unusable; log on again (perhaps elsewhere)
    UNKNOWN_OUTCOME = "unknown-outcome"  #: it may or may not have executed; reconcile


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    """One code of the error page."""

    code: int
    name: str
    category: Category
    templates: tuple[str, ...]


# One entry per code: "CODE NAME category", then one indented line per message template,
# as Binance sends it. -2021/-2022 have no NAME on the page (their heading is the message);
# -1010/-2038 are named only in the heading of the matching-engine table, whose texts
# (EngineMessage below) they carry.
_TABLE = """
-1000 UNKNOWN unknown-outcome
    An unknown error occurred while processing the request.
-1001 DISCONNECTED retry-later
    Internal error; unable to process your request. Please try again.
-1002 UNAUTHORIZED request
    You are not authorized to execute this request.
-1003 TOO_MANY_REQUESTS retry-later
    Too many requests queued.
    Too much request weight used; current limit is %s request weight per %s. Please use WebSocket Streams for live updates to avoid polling the API.
    Way too much request weight used; IP banned until %s. Please use WebSocket Streams for live updates to avoid bans.
-1006 UNEXPECTED_RESP unknown-outcome
    An unexpected response was received from the message bus. Execution status unknown.
-1007 TIMEOUT unknown-outcome
    Timeout waiting for response from backend server. Send status unknown; execution status unknown.
-1008 SERVER_BUSY retry-later
    Server is currently overloaded with other requests. Please try again in a few minutes.
-1010 ERROR_MSG_RECEIVED order
-1013 INVALID_MESSAGE request
    The request is rejected by the API. (i.e. The request didn't reach the Matching Engine.)
    Potential error messages can be found in Filter Failures or Failures during order placement.
-1014 UNKNOWN_ORDER_COMPOSITION request
    Unsupported order combination.
-1015 TOO_MANY_ORDERS retry-later
    Too many new orders.
    Too many new orders; current limit is %s orders per %s.
-1016 SERVICE_SHUTTING_DOWN session
    This service is no longer available.
-1020 UNSUPPORTED_OPERATION request
    This operation is not supported.
-1021 INVALID_TIMESTAMP request
    Timestamp for this request is outside of the recvWindow.
    Timestamp for this request was 1000ms ahead of the server's time.
-1022 INVALID_SIGNATURE session
    Signature for this request is not valid.
-1033 COMP_ID_IN_USE session
    SenderCompId(49) is currently in use. Concurrent use of the same SenderCompId within one account is not allowed.
-1034 TOO_MANY_CONNECTIONS retry-later
    Too many concurrent connections; current limit is '%s'.
    Too many connection attempts for account; current limit is %s per '%s'.
    Too many connection attempts from IP; current limit is %s per '%s'.
-1035 LOGGED_OUT session
    Please send Logout<5> message to close the session.
-1100 ILLEGAL_CHARS request
    Illegal characters found in a parameter.
    Illegal characters found in parameter '%s'; legal range is '%s'.
-1101 TOO_MANY_PARAMETERS request
    Too many parameters sent for this endpoint.
    Too many parameters; expected '%s' and received '%s'.
    Duplicate values for a parameter detected.
-1102 MANDATORY_PARAM_EMPTY_OR_MALFORMED request
    A mandatory parameter was not sent, was empty/null, or malformed.
    Mandatory parameter '%s' was not sent, was empty/null, or malformed.
    Param '%s' or '%s' must be sent, but both were empty/null!
    Required tag '%s' missing.
    Field value was empty or malformed.
    '%s' contains unexpected value. Cannot be greater than %s.
-1103 UNKNOWN_PARAM request
    An unknown parameter was sent.
    Undefined Tag.
-1104 UNREAD_PARAMETERS request
    Not all sent parameters were read.
    Not all sent parameters were read; read '%s' parameter(s) but was sent '%s'.
-1105 PARAM_EMPTY request
    A parameter was empty.
    Parameter '%s' was empty.
-1106 PARAM_NOT_REQUIRED request
    A parameter was sent when not required.
    Parameter '%s' sent when not required.
    A tag '%s' was sent when not required.
-1108 PARAM_OVERFLOW request
    Parameter '%s' overflowed.
-1111 BAD_PRECISION request
    Parameter '%s' has too much precision.
-1112 NO_DEPTH order
    No orders on book for symbol.
-1114 TIF_NOT_REQUIRED request
    TimeInForce parameter sent when not required.
-1115 INVALID_TIF request
    Invalid timeInForce.
-1116 INVALID_ORDER_TYPE request
    Invalid orderType.
-1117 INVALID_SIDE request
    Invalid side.
-1118 EMPTY_NEW_CL_ORD_ID request
    New client order ID was empty.
-1119 EMPTY_ORG_CL_ORD_ID request
    Original client order ID was empty.
-1120 BAD_INTERVAL request
    Invalid interval.
-1121 BAD_SYMBOL request
    Invalid symbol.
-1122 INVALID_SYMBOLSTATUS request
    Invalid symbolStatus.
-1125 INVALID_LISTEN_KEY request
    This listenKey does not exist.
-1127 MORE_THAN_XX_HOURS request
    Lookup interval is too big.
    More than %s hours between startTime and endTime.
-1128 OPTIONAL_PARAMS_BAD_COMBO request
    Combination of optional parameters invalid.
    Combination of optional fields invalid. Recommendation: '%s' and '%s' must both be sent.
    Fields [%s] must be sent together or omitted entirely.
    Invalid MDEntryType (269) combination. BID and OFFER must be requested together.
    Conflicting fields: ['%s'...]
-1130 INVALID_PARAMETER request
    Invalid data sent for a parameter.
    Data sent for parameter '%s' is not valid.
-1134 BAD_STRATEGY_TYPE request
    strategyType was less than 1000000.
    TargetStrategy (847) was less than 1000000.
-1135 INVALID_JSON request
    Invalid JSON Request
    JSON sent for parameter '%s' is not valid
-1139 INVALID_TICKER_TYPE request
    Invalid ticker type.
-1145 INVALID_CANCEL_RESTRICTIONS request
    cancelRestrictions has to be either ONLY_NEW or ONLY_PARTIALLY_FILLED.
-1151 DUPLICATE_SYMBOLS request
    Symbol is present multiple times in the list.
-1152 INVALID_SBE_HEADER request
    Invalid X-MBX-SBE header; expected <SCHEMA_ID>:<VERSION>.
    Invalid SBE message header.
-1153 UNSUPPORTED_SCHEMA_ID request
    Unsupported SBE schema ID or version specified in the X-MBX-SBE header.
    Invalid SBE schema ID or version specified.
-1155 SBE_DISABLED request
    SBE is not enabled.
-1158 OCO_ORDER_TYPE_REJECTED request
    Order type not supported in OCO.
    If the order type provided in the aboveType and/or belowType is not supported.
-1160 OCO_ICEBERGQTY_TIMEINFORCE request
    Parameter '%s' is not supported if aboveTimeInForce/belowTimeInForce is not GTC.
    If the order type for the above or below leg is STOP_LOSS_LIMIT, and icebergQty is provided for that leg, the timeInForce has to be GTC else it will throw an error.
    TimeInForce (59) must be GTC (1) when MaxFloor (111) is used.
-1161 DEPRECATED_SCHEMA request
    Unable to encode the response in SBE schema 'x'. Please use schema 'y' or higher.
-1165 BUY_OCO_LIMIT_MUST_BE_BELOW request
    A limit order in a buy OCO must be below.
-1166 SELL_OCO_LIMIT_MUST_BE_ABOVE request
    A limit order in a sell OCO must be above.
-1168 BOTH_OCO_ORDERS_CANNOT_BE_LIMIT request
    At least one OCO order must be contingent.
-1169 INVALID_TAG_NUMBER request
    Invalid tag number.
-1170 TAG_NOT_DEFINED_IN_MESSAGE request
    Tag '%s' not defined for this message type.
-1171 TAG_APPEARS_MORE_THAN_ONCE request
    Tag '%s' appears more than once.
-1172 TAG_OUT_OF_ORDER request
    Tag '%s' specified out of required order.
-1173 GROUP_FIELDS_OUT_OF_ORDER request
    Repeating group '%s' fields out of order.
-1174 INVALID_COMPONENT request
    Component '%s' is incorrectly populated on '%s' order. Recommendation: '%s'
-1175 RESET_SEQ_NUM_SUPPORT session
    Continuation of sequence numbers to new session is currently unsupported. Sequence numbers must be reset for each new session.
-1176 ALREADY_LOGGED_IN request
    Logon<A> should only be sent once.
-1177 GARBLED_MESSAGE request
    CheckSum(10) contains an incorrect value.
    BeginString (8) is not the first tag in a message.
    MsgType (35) is not the third tag in a message.
    BodyLength (9) does not contain the correct byte count.
    Only printable ASCII characters and SOH (Start of Header) are allowed.
    Tag specified without a value.
    Invalid encodingType.
-1178 BAD_SENDER_COMPID request
    SenderCompId(49) contains an incorrect value. The SenderCompID value should not change throughout the lifetime of a session.
-1179 BAD_SEQ_NUM session
    MsgSeqNum(34) contains an unexpected value. Expected: '%d'.
-1180 EXPECTED_LOGON session
    Logon<A> must be the first message in the session.
-1181 TOO_MANY_MESSAGES retry-later
    Too many messages; current limit is '%d' messages per '%s'.
-1182 PARAMS_BAD_COMBO request
    Conflicting fields: [%s]
-1183 NOT_ALLOWED_IN_DROP_COPY_SESSIONS request
    Requested operation is not allowed in DropCopy sessions.
-1184 DROP_COPY_SESSION_NOT_ALLOWED session
    DropCopy sessions are not supported on this server. Please reconnect to a drop copy server.
-1185 DROP_COPY_SESSION_REQUIRED session
    Only DropCopy sessions are supported on this server. Either reconnect to order entry server or send DropCopyFlag (9406) field.
-1186 NOT_ALLOWED_IN_ORDER_ENTRY_SESSIONS request
    Requested operation is not allowed in order entry sessions.
-1187 NOT_ALLOWED_IN_MARKET_DATA_SESSIONS request
    Requested operation is not allowed in market data sessions.
-1188 INCORRECT_NUM_IN_GROUP_COUNT request
    Incorrect NumInGroup count for repeating group '%s'.
-1189 DUPLICATE_ENTRIES_IN_A_GROUP request
    Group '%s' contains duplicate entries.
-1190 INVALID_REQUEST_ID request
    MDReqID (262) contains a subscription request id that is already in use on this connection.
    MDReqID (262) contains an unsubscription request id that does not match any active subscription.
-1191 TOO_MANY_SUBSCRIPTIONS retry-later
    Too many subscriptions. Connection may create up to '%s' subscriptions at a time.
    Similar subscription is already active on this connection. Symbol='%s', active subscription id: '%s'.
-1194 INVALID_TIME_UNIT request
    Invalid value for time unit; expected either MICROSECOND or MILLISECOND.
-1196 BUY_OCO_STOP_LOSS_MUST_BE_ABOVE request
    A stop loss order in a buy OCO must be above.
-1197 SELL_OCO_STOP_LOSS_MUST_BE_BELOW request
    A stop loss order in a sell OCO must be below.
-1198 BUY_OCO_TAKE_PROFIT_MUST_BE_BELOW request
    A take profit order in a buy OCO must be below.
-1199 SELL_OCO_TAKE_PROFIT_MUST_BE_ABOVE request
    A take profit order in a sell OCO must be above.
-1210 INVALID_PEG_PRICE_TYPE request
    Invalid pegPriceType.
-1211 INVALID_PEG_OFFSET_TYPE request
    Invalid pegOffsetType.
-1220 SYMBOL_DOES_NOT_MATCH_STATUS request
    The symbol's status does not match the requested symbolStatus.
-1221 INVALID_SBE_MESSAGE_FIELD request
    Invalid/missing field(s) in SBE message.
-1222 OPO_WORKING_MUST_BE_BUY request
    Working order in an OPO list must be a bid.
-1223 OPO_PENDING_MUST_BE_SELL request
    Pending orders in an OPO list must be asks.
-1224 WORKING_PARAM_REQUIRED request
    Working order must include the '{param}' tag.
-1225 PENDING_PARAM_NOT_REQUIRED request
    Pending orders should not include the '%s' tag.
-2010 NEW_ORDER_REJECTED order
    NEW_ORDER_REJECTED
-2011 CANCEL_REJECTED order
    CANCEL_REJECTED
-2013 NO_SUCH_ORDER order
    Order does not exist.
-2014 BAD_API_KEY_FMT session
    API-key format invalid.
-2015 REJECTED_MBX_KEY session
    Invalid API-key, IP, or permissions for action.
-2016 NO_TRADING_WINDOW request
    No trading window could be found for the symbol. Try ticker/24hrs instead.
-2021 ORDER_CANCEL_REPLACE_PARTIALLY_FAILED order
    Order cancel-replace partially failed
    This code is sent when either the cancellation of the order failed or the new order placement failed but not both.
-2022 ORDER_CANCEL_REPLACE_FAILED order
    Order cancel-replace failed.
    This code is sent when both the cancellation of the order failed and the new order placement failed.
-2026 ORDER_ARCHIVED request
    Order was canceled or expired with no executed qty over 90 days ago and has been archived.
-2035 SUBSCRIPTION_ACTIVE request
    User Data Stream subscription already active.
-2036 SUBSCRIPTION_INACTIVE request
    User Data Stream subscription not active.
-2038 ORDER_AMEND_REJECTED order
-2039 CLIENT_ORDER_ID_INVALID request
    Client order ID is not correct for this order ID.
-2042 MAXIMUM_SUBSCRIPTION_IDS retry-later
    Maximum subscription ID reached for this connection.
"""


def _parse_table(table: str) -> tuple[ErrorSpec, ...]:
    specs: list[ErrorSpec] = []
    head: list[str] = []
    templates: list[str] = []
    for line in table.strip("\n").split("\n"):
        if line.startswith("    "):
            templates.append(line[4:])
            continue
        if head:
            specs.append(ErrorSpec(int(head[0]), head[1], Category(head[2]), tuple(templates)))
        head, templates = line.split(" "), []
    specs.append(ErrorSpec(int(head[0]), head[1], Category(head[2]), tuple(templates)))
    return tuple(specs)


ERRORS: tuple[ErrorSpec, ...] = _parse_table(_TABLE)
BY_CODE: dict[int, ErrorSpec] = {spec.code: spec for spec in ERRORS}


class EngineMessage(enum.StrEnum):
    """Texts the matching engine sends with -1010, -2010, -2011 and -2038 (and filter failures)."""

    UNKNOWN_ORDER = "Unknown order sent."
    DUPLICATE_ORDER = "Duplicate order sent."
    MARKET_CLOSED = "Market is closed."
    INSUFFICIENT_BALANCE = "Account has insufficient balance for requested action."
    MARKET_ORDERS_NOT_SUPPORTED = "Market orders are not supported for this symbol."
    ICEBERG_ORDERS_NOT_SUPPORTED = "Iceberg orders are not supported for this symbol."
    STOP_LOSS_ORDERS_NOT_SUPPORTED = "Stop loss orders are not supported for this symbol."
    STOP_LOSS_LIMIT_ORDERS_NOT_SUPPORTED = (
        "Stop loss limit orders are not supported for this symbol."
    )
    TAKE_PROFIT_ORDERS_NOT_SUPPORTED = "Take profit orders are not supported for this symbol."
    TAKE_PROFIT_LIMIT_ORDERS_NOT_SUPPORTED = (
        "Take profit limit orders are not supported for this symbol."
    )
    ORDER_AMEND_NOT_SUPPORTED = "Order amend is not supported for this symbol."
    PRICE_QTY_ZERO_OR_LESS = "Price * QTY is zero or less."
    ICEBERG_QTY_EXCEEDS_QTY = "IcebergQty exceeds QTY."
    ACTION_DISABLED_ON_ACCOUNT = "This action is disabled on this account."
    ACCOUNT_MAY_NOT_TRADE = "This account may not place or cancel orders."
    UNSUPPORTED_ORDER_COMBINATION = "Unsupported order combination"
    ORDER_WOULD_TRIGGER_IMMEDIATELY = "Order would trigger immediately."
    CANCEL_ORDER_INVALID = "Cancel order is invalid. Check origClOrdId and orderId."
    ORDER_WOULD_MATCH_AND_TAKE = "Order would immediately match and take."
    PRICE_RELATIONSHIP_INCORRECT = "The relationship of the prices for the orders is not correct."
    OCO_ORDERS_NOT_SUPPORTED = "OCO orders are not supported for this symbol"
    QUOTE_ORDER_QTY_MARKET_ORDERS_NOT_SUPPORTED = (
        "Quote order qty market orders are not support for this symbol."
    )
    TRAILING_STOP_ORDERS_NOT_SUPPORTED = "Trailing stop orders are not supported for this symbol."
    ORDER_CANCEL_REPLACE_NOT_SUPPORTED = "Order cancel-replace is not supported for this symbol."
    SYMBOL_NOT_PERMITTED = "This symbol is not permitted for this account."
    SYMBOL_RESTRICTED = "This symbol is restricted for this account."
    CANCEL_RESTRICTED = "Order was not canceled due to cancel restrictions."
    REST_API_TRADING_DISABLED = "Rest API trading is not enabled."
    WEBSOCKET_API_TRADING_DISABLED = "WebSocket API trading is not enabled."
    FIX_API_TRADING_DISABLED = "FIX API trading is not enabled."
    LIQUIDITY_BELOW_LOT_SIZE = "Order book liquidity is less than LOT_SIZE filter minimum quantity."
    LIQUIDITY_BELOW_MARKET_LOT_SIZE = (
        "Order book liquidity is less than MARKET_LOT_SIZE filter minimum quantity."
    )
    LIQUIDITY_BELOW_SYMBOL_MINIMUM = "Order book liquidity is less than symbol minimum quantity."
    AMEND_QUANTITY_INCREASE = "Order amend (quantity increase) is not supported."
    NO_STATE_CHANGE = "The requested action would change no state; rejecting."
    PEGGED_ORDERS_NOT_SUPPORTED = "Pegged orders are not supported for this symbol."
    ORDER_TYPE_MAY_NOT_PEG = "This order type may not use pegged price."
    PEG_NOT_FOR_ORDER_TYPE = "This price peg cannot be used with this order type."
    LIQUIDITY_TOO_LOW_FOR_PEG = "Order book liquidity is too low for this pegged order."
    OPO_ORDERS_NOT_SUPPORTED = "OPO orders are not supported for this symbol."
    AMEND_PENDING_OPO = "Order amend (pending OPO order) is not supported."
    FILTER_PRICE_FILTER = "Filter failure: PRICE_FILTER"
    FILTER_PERCENT_PRICE = "Filter failure: PERCENT_PRICE"
    FILTER_LOT_SIZE = "Filter failure: LOT_SIZE"
    FILTER_MIN_NOTIONAL = "Filter failure: MIN_NOTIONAL"
    FILTER_NOTIONAL = "Filter failure: NOTIONAL"
    FILTER_ICEBERG_PARTS = "Filter failure: ICEBERG_PARTS"
    FILTER_MARKET_LOT_SIZE = "Filter failure: MARKET_LOT_SIZE"
    FILTER_MAX_POSITION = "Filter failure: MAX_POSITION"
    FILTER_MAX_NUM_ORDERS = "Filter failure: MAX_NUM_ORDERS"
    FILTER_MAX_NUM_ALGO_ORDERS = "Filter failure: MAX_NUM_ALGO_ORDERS"
    FILTER_MAX_NUM_ICEBERG_ORDERS = "Filter failure: MAX_NUM_ICEBERG_ORDERS"
    FILTER_MAX_NUM_ORDER_AMENDS = "Filter failure: MAX_NUM_ORDER_AMENDS"
    FILTER_MAX_NUM_ORDER_LISTS = "Filter failure: MAX_NUM_ORDER_LISTS"
    FILTER_TRAILING_DELTA = "Filter failure: TRAILING_DELTA"
    FILTER_EXCHANGE_MAX_NUM_ORDERS = "Filter failure: EXCHANGE_MAX_NUM_ORDERS"
    FILTER_EXCHANGE_MAX_NUM_ALGO_ORDERS = "Filter failure: EXCHANGE_MAX_NUM_ALGO_ORDERS"
    FILTER_EXCHANGE_MAX_NUM_ICEBERG_ORDERS = "Filter failure: EXCHANGE_MAX_NUM_ICEBERG_ORDERS"
    FILTER_EXCHANGE_MAX_NUM_ORDER_LISTS = "Filter failure: EXCHANGE_MAX_NUM_ORDER_LISTS"


#: SessionRejectReason(373) Binance pairs with a code in Reject<3> (the names match; the
#: pairing itself is our reading of the docs). Any other code goes out with OTHER (99).
REJECT_REASONS: dict[int, SessionRejectReason] = {
    -1169: SessionRejectReason.INVALID_TAG_NUMBER,
    -1102: SessionRejectReason.REQUIRED_TAG_MISSING,
    -1170: SessionRejectReason.TAG_NOT_DEFINED_FOR_THIS_MESSAGE_TYPE,
    -1103: SessionRejectReason.UNDEFINED_TAG,
    -1022: SessionRejectReason.SIGNATURE_PROBLEM,
    -1021: SessionRejectReason.SENDINGTIME_ACCURACY_PROBLEM,
    -1171: SessionRejectReason.TAG_APPEARS_MORE_THAN_ONCE,
    -1172: SessionRejectReason.TAG_SPECIFIED_OUT_OF_REQUIRED_ORDER,
    -1173: SessionRejectReason.REPEATING_GROUP_FIELDS_OUT_OF_ORDER,
    -1188: SessionRejectReason.INCORRECT_NUMINGROUP_COUNT_FOR_REPEATING_GROUP,
}


def reject_reason(code: int) -> SessionRejectReason:
    """The SessionRejectReason(373) a Reject<3> carrying ``code`` goes out with."""
    return REJECT_REASONS.get(code, SessionRejectReason.OTHER)


# ---------------------------------------------------------------------------------------
# Templates: filling them in, and reading the values back out of a received Text.

Param = str | int

_PLACEHOLDER = re.compile(r"%s|%d|\{param\}")
MAX_MATCHED_TEXT: Final = 1024


def wire_text(text: str) -> str:
    """A Text as compared against the catalog: markdown backticks are never significant."""
    return text.replace("`", "")


def format_text(template: str, *params: Param) -> str:
    """Fill a template's placeholders (``%s``, ``%d``, ``{param}``) in order."""
    values = iter(params)

    def fill(match: re.Match[str]) -> str:
        try:
            value = next(values)
        except StopIteration:
            raise ValueError(f"too few values for template {template!r}") from None
        if match.group() == "%d":
            return str(int(value))
        return str(value)

    text = _PLACEHOLDER.sub(fill, template)
    if next(values, None) is not None:
        raise ValueError(f"too many values for template {template!r}")
    return text


@dataclass(frozen=True, slots=True)
class TextMatch:
    """A received Text recognised as one of a code's templates."""

    code: int
    template: str
    params: tuple[Param, ...]


@cache
def _pattern(template: str) -> tuple[re.Pattern[str], tuple[bool, ...]]:
    """A regex that matches a filled template, and for each group whether it is an int."""
    pieces: list[str] = []
    ints: list[bool] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        pieces.append(re.escape(template[position : match.start()]))
        is_int = match.group() == "%d"
        pieces.append(r"(-?\d{1,20})" if is_int else "(.*?)")
        ints.append(is_int)
        position = match.end()
    pieces.append(re.escape(template[position:]))
    return re.compile("".join(pieces), re.DOTALL), tuple(ints)


def match_template(template: str, text: str) -> tuple[Param, ...] | None:
    """The values that fill ``template`` to give ``text``, or None if it does not.

    The text is matched as received; if that fails, without backticks (Binance's page
    formats field names as code, and a Text that kept them must still be recognised). A text
    longer than ``MAX_MATCHED_TEXT`` is no template's (Binance's are under 200 characters;
    matching a peer's megabyte-long Text against several placeholders would take minutes).
    """
    if len(text) > MAX_MATCHED_TEXT:
        return None
    pattern, ints = _pattern(template)
    found = pattern.fullmatch(text)
    if found is None and "`" in text:
        found = pattern.fullmatch(wire_text(text))
    if found is None:
        return None
    return tuple(int(v) if is_int else v for v, is_int in zip(found.groups(), ints, strict=True))


def match_text(code: int, text: str) -> TextMatch | None:
    """Which of ``code``'s templates ``text`` is, with its parameters; None if none fits."""
    spec = BY_CODE.get(code)
    if spec is None:
        return None
    for template in spec.templates:
        params = match_template(template, text)
        if params is not None:
            return TextMatch(code, template, params)
    return None


def identify_text(text: str) -> TextMatch | None:
    """Which code a bare Text belongs to (for Logout<5>, which carries no ErrorCode)."""
    for spec in ERRORS:
        found = match_text(spec.code, text)
        if found is not None:
            return found
    return None


def engine_message(text: str) -> EngineMessage | None:
    """The matching-engine message a Text is, if it is one."""
    try:
        return EngineMessage(wire_text(text))
    except ValueError:
        return None
