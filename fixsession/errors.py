"""Everything fixsession raises on purpose, and reading Binance's errors out of FIX messages.

Owns the exception tree, rooted in ``FixSessionError``; one class per code of Binance's error
page, named after its NAME (``-1177 GARBLED_MESSAGE`` is ``GarbledMessage``), under five
parents that say what the caller should do; ``error_class(code)``; and ``from_message(msg)``,
which turns any reject-bearing message into its typed error. Codes, names, texts and
categories all come from ``catalog``; nothing here does I/O. ::

    FixSessionError                 anything fixsession raises on purpose
    ├── BinanceError                an error Binance reports, or one fixsession detects as
    │   │                           Binance would (``code``, ``text``, ``ref_tag_id``…)
    │   ├── RequestError            fix the request: -1102, -1169…-1174, -1177, -1186…
    │   ├── OrderRejected           the matching engine refused it: -2010, -2011…
    │   ├── RetryLaterError         back off, then retry: -1003, -1015, -1034, -1181…
    │   ├── SessionError            log on again: -1022, -1033, -1035, -1179, -1180…
    │   ├── UnknownOutcomeError     it may or may not have executed: -1000, -1006, -1007
    │   └── EngineMessageError      one matching-engine message, whatever code carries it:
    │                                   ``UnknownOrder``, ``DuplicateOrder``, ``engine_error(m)``
    ├── SessionStateError           a session used in a state that does not allow it
    └── CaptureError                a capture or sidecar that cannot be read (a ValueError)

Outside the tree only what Python itself means: ``TimeoutError`` and ``ConnectionError``
from the client when an answer does not come or the connection is gone, ``ValueError`` and
``TypeError`` for arguments that are not what a function takes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Final, TypeVar

from fixsession import catalog
from fixsession.catalog import Category, EngineMessage, Param
from fixsession.message import Message
from fixsession.spec import MsgType, Tag

if TYPE_CHECKING:
    import simplefix


_E = TypeVar("_E", bound="BinanceError")


class FixSessionError(Exception):
    """The root of everything fixsession raises on purpose (see the tree above)."""


class SessionStateError(FixSessionError):
    """The caller used the session in a state that does not allow it (e.g. sent when closed)."""


class CaptureError(FixSessionError, ValueError):
    """A capture that cannot be read (not a format fixsession knows, or a bad line), or a
    sidecar that does not say what a sidecar says."""


class BinanceError(FixSessionError):
    """An error Binance reports (or that fixsession detects the way Binance would).

    Class attributes: ``code`` (Binance ErrorCode(25016)), ``name`` (its NAME on the error
    page), ``category`` and ``templates``. Instance attributes: ``text`` (the message as
    received or sent), ``params`` (the values that filled the template's placeholders, read
    back out of ``text``), ``template`` (the template ``text`` matched, if any),
    ``engine_message`` (for matching-engine rejects such as "Unknown order sent."), and, where
    the carrying message has them, ``ref_seq_num`` (45), ``ref_tag_id`` (371),
    ``ref_msg_type`` (372) and ``session_reject_reason`` (373). ``message`` is the message
    that carried the error, when there was one.
    """

    code: ClassVar[int] = 0
    name: ClassVar[str] = ""
    category: ClassVar[Category | None] = None
    templates: ClassVar[tuple[str, ...]] = ()

    text: str
    params: tuple[Param, ...]
    template: str | None
    engine_message: EngineMessage | None
    ref_seq_num: int | None
    ref_tag_id: int | None
    ref_msg_type: str | None
    session_reject_reason: int | None
    message: Message | None

    def __new__(cls, text: str = "", *args: Any, **kwargs: Any) -> BinanceError:
        """An error whose text is a matching-engine message is also an instance of that
        message's ``EngineMessageError`` class (``except errors.UnknownOrder`` catches
        "Unknown order sent." under -1013 as under -2011)."""
        engine = catalog.engine_message(text) if text else None
        if engine is not None and not issubclass(cls, EngineMessageError):
            cls = _with_engine_message(cls, engine)
        error = super().__new__(cls, text)
        error.engine_message = engine
        return error

    def __init__(
        self,
        text: str = "",
        *,
        params: tuple[Param, ...] | None = None,
        ref_seq_num: int | None = None,
        ref_tag_id: int | None = None,
        ref_msg_type: str | None = None,
        session_reject_reason: int | None = None,
        message: Message | None = None,
    ) -> None:
        super().__init__(text)
        self.text = text
        self.template = None
        if params is None:
            found = catalog.match_text(self.code, text)
            if found is not None:
                self.template, params = found.template, found.params
        self.params = params if params is not None else ()
        self.ref_seq_num = ref_seq_num
        self.ref_tag_id = ref_tag_id
        self.ref_msg_type = ref_msg_type
        self.session_reject_reason = session_reject_reason
        self.message = message

    @classmethod
    def from_template(cls: type[_E], *params: Param, template: int = 0, **context: Any) -> _E:
        """This error with the ``template``-th text filled with ``params``, as Binance sends it.

        ``session_reject_reason`` defaults to the SessionRejectReason(373) Binance pairs with
        the code; other keywords (``ref_tag_id``, ``ref_seq_num``, …) are as for the class.
        """
        text = catalog.format_text(cls.templates[template], *params)
        context.setdefault("session_reject_reason", int(catalog.reject_reason(cls.code)))
        error = cls(text, params=params, **context)
        error.template = cls.templates[template]
        return error

    def __str__(self) -> str:
        label = f"{self.code} {self.name}" if self.name else str(self.code)
        return f"{label}: {self.text}" if self.text else label

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.text!r})"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "code" not in cls.__dict__:
            return
        spec = catalog.BY_CODE.get(cls.code)
        if spec is None:  # an undocumented code (made by error_class)
            return
        parent = _PARENTS[spec.category]
        if not issubclass(cls, parent):
            raise TypeError(f"{cls.__name__} ({spec.code}) must derive from {parent.__name__}")
        if spec.code in _CLASSES:
            raise TypeError(f"{spec.code} already has a class: {_CLASSES[spec.code].__name__}")
        cls.name = spec.name
        cls.category = spec.category
        cls.templates = spec.templates
        if cls.__doc__ is None:  # the error page's words, for help() and the API reference
            texts = "; ".join(f'"{text}"' for text in spec.templates) or "(no text)"
            cls.__doc__ = f"{spec.code} {spec.name}: {texts}"
        _CLASSES[spec.code] = cls


class RequestError(BinanceError):
    """Fix the request: sent again unchanged, it fails the same way."""


class OrderRejected(BinanceError):
    """The matching engine refused the request; ``engine_message`` says why."""


class RetryLaterError(BinanceError):
    """Back off, then retry: a rate or connection limit was hit, or the server is busy."""


class SessionError(BinanceError):
    """The session cannot go on as it is: log on again (to another host, or after a fix)."""


class UnknownOutcomeError(BinanceError):
    """The request may or may not have executed: reconcile before sending it again."""


class EngineMessageError(BinanceError):
    """The matching engine's message ``engine`` (class attribute), whatever ErrorCode
    carried it: Binance's FIX page answers a cancel of an unknown order with -1013 where its
    error page lists -2011, and both are an ``UnknownOrder``. Each subclass is made once by
    ``engine_error``; an error is one when its text is that message."""

    engine: ClassVar[EngineMessage]


_ENGINE_ERRORS: Final[dict[EngineMessage, type[EngineMessageError]]] = {}
_WITH_ENGINE: Final[dict[tuple[type[BinanceError], EngineMessage], type[BinanceError]]] = {}


def engine_error(message: EngineMessage) -> type[EngineMessageError]:
    """The class to catch ``message`` with (``except engine_error(EngineMessage.X)``)."""
    made = _ENGINE_ERRORS.get(message)
    if made is None:
        name = "".join(word.capitalize() for word in message.name.split("_"))
        attributes = {
            "engine": message, "__module__": __name__,
            "__doc__": f'The matching engine\'s "{message.value}", under any ErrorCode.',
        }  # fmt: skip
        made = type(name, (EngineMessageError,), attributes)
        _ENGINE_ERRORS[message] = made
    return made


def _with_engine_message(cls: type[BinanceError], message: EngineMessage) -> type[BinanceError]:
    """``cls`` that is also ``engine_error(message)``, made once per pair (named as ``cls``)."""
    made = _WITH_ENGINE.get((cls, message))
    if made is None:
        engine = engine_error(message)
        if issubclass(engine, cls):  # BinanceError itself (a code that is not a number)
            return engine
        bases = (cls, engine)
        made = type(
            cls.__name__, bases, {"__module__": cls.__module__, "__qualname__": cls.__qualname__}
        )
        _WITH_ENGINE[(cls, message)] = made
    return made


UnknownOrder: Final = engine_error(EngineMessage.UNKNOWN_ORDER)
"""Catches "Unknown order sent." under any code (-1013 on FIX, -2011 on the error page)."""
DuplicateOrder: Final = engine_error(EngineMessage.DUPLICATE_ORDER)
"""Catches "Duplicate order sent." under any code."""


_PARENTS: Final[dict[Category, type[BinanceError]]] = {
    Category.REQUEST: RequestError,
    Category.ORDER: OrderRejected,
    Category.RETRY_LATER: RetryLaterError,
    Category.SESSION: SessionError,
    Category.UNKNOWN_OUTCOME: UnknownOutcomeError,
}
_CLASSES: Final[dict[int, type[BinanceError]]] = {}


# One class per code of the error page. Each names its code; its NAME, category and
# templates come from the catalog, and creating the class checks the parent against it.


class Unknown(UnknownOutcomeError):
    code = -1000


class Disconnected(RetryLaterError):
    code = -1001


class Unauthorized(RequestError):
    code = -1002


class TooManyRequests(RetryLaterError):
    code = -1003


class UnexpectedResp(UnknownOutcomeError):
    code = -1006


class Timeout(UnknownOutcomeError):
    code = -1007


class ServerBusy(RetryLaterError):
    code = -1008


class ErrorMsgReceived(OrderRejected):
    code = -1010


class InvalidMessage(RequestError):
    code = -1013


class UnknownOrderComposition(RequestError):
    code = -1014


class TooManyOrders(RetryLaterError):
    code = -1015


class ServiceShuttingDown(SessionError):
    code = -1016


class UnsupportedOperation(RequestError):
    code = -1020


class InvalidTimestamp(RequestError):
    code = -1021


class InvalidSignature(SessionError):
    code = -1022


class CompIdInUse(SessionError):
    code = -1033


class TooManyConnections(RetryLaterError):
    code = -1034


class LoggedOut(SessionError):
    code = -1035


class IllegalChars(RequestError):
    code = -1100


class TooManyParameters(RequestError):
    code = -1101


class MandatoryParamEmptyOrMalformed(RequestError):
    code = -1102


class UnknownParam(RequestError):
    code = -1103


class UnreadParameters(RequestError):
    code = -1104


class ParamEmpty(RequestError):
    code = -1105


class ParamNotRequired(RequestError):
    code = -1106


class ParamOverflow(RequestError):
    code = -1108


class BadPrecision(RequestError):
    code = -1111


class NoDepth(OrderRejected):
    code = -1112


class TifNotRequired(RequestError):
    code = -1114


class InvalidTif(RequestError):
    code = -1115


class InvalidOrderType(RequestError):
    code = -1116


class InvalidSide(RequestError):
    code = -1117


class EmptyNewClOrdId(RequestError):
    code = -1118


class EmptyOrgClOrdId(RequestError):
    code = -1119


class BadInterval(RequestError):
    code = -1120


class BadSymbol(RequestError):
    code = -1121


class InvalidSymbolstatus(RequestError):
    code = -1122


class InvalidListenKey(RequestError):
    code = -1125


class MoreThanXxHours(RequestError):
    code = -1127


class OptionalParamsBadCombo(RequestError):
    code = -1128


class InvalidParameter(RequestError):
    code = -1130


class BadStrategyType(RequestError):
    code = -1134


class InvalidJson(RequestError):
    code = -1135


class InvalidTickerType(RequestError):
    code = -1139


class InvalidCancelRestrictions(RequestError):
    code = -1145


class DuplicateSymbols(RequestError):
    code = -1151


class InvalidSbeHeader(RequestError):
    code = -1152


class UnsupportedSchemaId(RequestError):
    code = -1153


class SbeDisabled(RequestError):
    code = -1155


class OcoOrderTypeRejected(RequestError):
    code = -1158


class OcoIcebergqtyTimeinforce(RequestError):
    code = -1160


class DeprecatedSchema(RequestError):
    code = -1161


class BuyOcoLimitMustBeBelow(RequestError):
    code = -1165


class SellOcoLimitMustBeAbove(RequestError):
    code = -1166


class BothOcoOrdersCannotBeLimit(RequestError):
    code = -1168


class InvalidTagNumber(RequestError):
    code = -1169


class TagNotDefinedInMessage(RequestError):
    code = -1170


class TagAppearsMoreThanOnce(RequestError):
    code = -1171


class TagOutOfOrder(RequestError):
    code = -1172


class GroupFieldsOutOfOrder(RequestError):
    code = -1173


class InvalidComponent(RequestError):
    code = -1174


class ResetSeqNumSupport(SessionError):
    code = -1175


class AlreadyLoggedIn(RequestError):
    code = -1176


class GarbledMessage(RequestError):
    code = -1177


class BadSenderCompid(RequestError):
    code = -1178


class BadSeqNum(SessionError):
    code = -1179


class ExpectedLogon(SessionError):
    code = -1180


class TooManyMessages(RetryLaterError):
    code = -1181


class ParamsBadCombo(RequestError):
    code = -1182


class NotAllowedInDropCopySessions(RequestError):
    code = -1183


class DropCopySessionNotAllowed(SessionError):
    code = -1184


class DropCopySessionRequired(SessionError):
    code = -1185


class NotAllowedInOrderEntrySessions(RequestError):
    code = -1186


class NotAllowedInMarketDataSessions(RequestError):
    code = -1187


class IncorrectNumInGroupCount(RequestError):
    code = -1188


class DuplicateEntriesInAGroup(RequestError):
    code = -1189


class InvalidRequestId(RequestError):
    code = -1190


class TooManySubscriptions(RetryLaterError):
    code = -1191


class InvalidTimeUnit(RequestError):
    code = -1194


class BuyOcoStopLossMustBeAbove(RequestError):
    code = -1196


class SellOcoStopLossMustBeBelow(RequestError):
    code = -1197


class BuyOcoTakeProfitMustBeBelow(RequestError):
    code = -1198


class SellOcoTakeProfitMustBeAbove(RequestError):
    code = -1199


class InvalidPegPriceType(RequestError):
    code = -1210


class InvalidPegOffsetType(RequestError):
    code = -1211


class SymbolDoesNotMatchStatus(RequestError):
    code = -1220


class InvalidSbeMessageField(RequestError):
    code = -1221


class OpoWorkingMustBeBuy(RequestError):
    code = -1222


class OpoPendingMustBeSell(RequestError):
    code = -1223


class WorkingParamRequired(RequestError):
    code = -1224


class PendingParamNotRequired(RequestError):
    code = -1225


class NewOrderRejected(OrderRejected):
    code = -2010


class CancelRejected(OrderRejected):
    code = -2011


class NoSuchOrder(OrderRejected):
    code = -2013


class BadApiKeyFmt(SessionError):
    code = -2014


class RejectedMbxKey(SessionError):
    code = -2015


class NoTradingWindow(RequestError):
    code = -2016


class OrderCancelReplacePartiallyFailed(OrderRejected):
    code = -2021


class OrderCancelReplaceFailed(OrderRejected):
    code = -2022


class OrderArchived(RequestError):
    code = -2026


class SubscriptionActive(RequestError):
    code = -2035


class SubscriptionInactive(RequestError):
    code = -2036


class OrderAmendRejected(OrderRejected):
    code = -2038


class ClientOrderIdInvalid(RequestError):
    code = -2039


class MaximumSubscriptionIds(RetryLaterError):
    code = -2042


_UNDOCUMENTED: Final[dict[int, type[BinanceError]]] = {}
_ERROR_CODE: Final = int(Tag.ERROR_CODE)  # (plain values: every message received is read)
_LOGOUT: Final = MsgType.LOGOUT.value


def error_class(code: int) -> type[BinanceError]:
    """The class for ``code``; an undocumented code gets a ``BinanceError`` carrying it."""
    known = _CLASSES.get(code)
    if known is not None:
        return known
    made = _UNDOCUMENTED.get(code)
    if made is None:
        made = type(f"UndocumentedError{abs(code)}", (BinanceError,), {"code": code})
        if len(_UNDOCUMENTED) < 1024:
            _UNDOCUMENTED[code] = made
    return made


def from_message(
    message: Message | simplefix.FixMessage | bytes,
) -> BinanceError | None:
    """The typed error a message carries, or None for an ordinary message.

    Any message with ErrorCode(25016) carries one: Reject<3>, MarketDataRequestReject<Y>, a
    rejected ExecutionReport<8>, OrderCancelReject<9>, OrderAmendReject<XAR>, ListStatus<N>,
    OrderMassCancelReport<r>. So does a Logout<5> whose Text is one of the catalog's texts
    (e.g. TOO_MANY_MESSAGES). Accepts a ``Message``, a ``simplefix.FixMessage`` or one
    encoded frame; raises ValueError if the bytes are not a FIX frame.
    """
    msg = _as_message(message)
    if _ERROR_CODE not in msg and msg.msg_type != _LOGOUT:
        return None  # the common case: one look-up (a known layout's index) and no value read
    code_text = msg.get(Tag.ERROR_CODE)
    text = msg.get(Tag.TEXT) or ""
    if code_text is None:
        if not text:
            return None
        found = catalog.identify_text(text)
        if found is None:
            return None
        error_type = error_class(found.code)
    else:
        code = _int_or_none(code_text)
        error_type = error_class(code) if code is not None else BinanceError
    return error_type(
        text,
        ref_seq_num=_int_or_none(msg.get(Tag.REF_SEQ_NUM)),
        ref_tag_id=_int_or_none(msg.get(Tag.REF_TAG_ID)),
        ref_msg_type=msg.get(Tag.REF_MSG_TYPE),
        session_reject_reason=_int_or_none(msg.get(Tag.SESSION_REJECT_REASON)),
        message=msg,
    )


def _as_message(message: Message | simplefix.FixMessage | bytes) -> Message:
    if isinstance(message, Message):
        return message
    if isinstance(message, bytes | bytearray | memoryview):
        return Message.decode(bytes(message))
    if hasattr(message, "pairs"):
        return Message.from_simplefix(message)
    raise TypeError(f"expected a Message, a simplefix.FixMessage or bytes, not {message!r}")


def _int_or_none(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return None
