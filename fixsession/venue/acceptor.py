"""Binance's side of one connection: the sans-I/O Acceptor the local venue runs.

Owns every rule Binance applies to a client: the Logon (required tags, HeartBtInt, the
Ed25519 signature, RecvWindow and SendingTime, the account's CompIDs and connection limits),
then per message its MsgSeqNum, SenderCompID, the session type, the dictionary, RecvWindow and
the message limit, market-data subscriptions, the maintenance News countdown, and the answers
to garbage before Logon. Messages that pass reach the venue's application (``exchange``) as
events. No I/O, no clock reads, no asyncio.
"""

from __future__ import annotations

import uuid as uuid_module
from typing import Final

from fixsession import binance, errors, sbe_schema, speedups
from fixsession.binance import SessionRules
from fixsession.errors import BinanceError, from_message
from fixsession.events import (
    Action,
    FaultDetected,
    LoggedOn,
    LoggedOut,
    MessageReceived,
)
from fixsession.framing import DEFAULT_MAX_FRAME_SIZE, Garbled
from fixsession.message import Message
from fixsession.sbewire import Encoding
from fixsession.session import (
    NEWS_LAST,
    PRE_LOGON_MAX_FRAME_SIZE,
    Session,
    WallClock,
    dictionary_for,
)
from fixsession.spec import SERVER_COMP_ID, MsgType, SessionType, Tag
from fixsession.state import ACTIVE, AWAITING_LOGON, RECEIVE, SEND, Input, State
from fixsession.validation import shared
from fixsession.venue.accounts import Accounts

LOGOUT_ACKNOWLEDGMENT: Final = "Logout acknowledgment."
# Texts Binance does not document; ours, for what the venue says without an error code.
MAINTENANCE_TEXT: Final = "Disconnected for maintenance."
NEWS_COUNTDOWN: Final = "You'll be disconnected in %d seconds. Please reconnect."
NEWS_INTERVAL_S: Final = 10.0
_SENDER_COMP_ID, _SENDING_TIME, _RECV_WINDOW = map(int, (
    Tag.SENDER_COMP_ID, Tag.SENDING_TIME, Tag.RECV_WINDOW,
))  # fmt: skip
"""Read from every message: plain ints (a Tag member compares slower)."""
_SESSION_LEVEL: Final = frozenset(
    t.value for t in (MsgType.LOGON, MsgType.HEARTBEAT, MsgType.TEST_REQUEST, MsgType.LOGOUT,
                      MsgType.REJECT, MsgType.MARKET_DATA_REQUEST)
)  # fmt: skip
"""What ``_dispatch`` handles itself, not passed to the application as it is."""


class Acceptor(Session):
    """Binance's side of one connection: every rule it applies, with its exact replies.

    Created when a connection arrives (``address`` is the peer's IP for the per-IP connection
    limits). The first message must be a Logon, which is verified against ``accounts`` (API
    key, Ed25519 signature, CompID in use, connection limits), its SendingTime against the
    wall clock and RecvWindow, and Binance's Logon rules; a failed Logon gets a Reject<3> and
    the session closes. Logged on, each message is checked for its MsgSeqNum, SenderCompID,
    the session type, the dictionary, RecvWindow and the message limit; market-data requests
    for duplicate, unknown or too many subscriptions get a MarketDataRequestReject<Y>.
    Application messages that pass are ``MessageReceived`` events for the acceptor's
    application, which answers with ``send``. ``min_heart_bt_int`` lowers Binance's 5 s
    minimum, for tests of real-time timers that should not take ten seconds.
    """

    def __init__(
        self,
        *,
        accounts: Accounts,
        session_type: SessionType = SessionType.ORDER_ENTRY,
        wall_clock: WallClock,
        now: float,
        address: str = "127.0.0.1",
        uuid: str | None = None,
        rules: SessionRules | None = None,
        logon_timeout: float = 10.0,
        logon_failure: str = "reject",
        logout_on_low_seq_num: bool = False,
        min_heart_bt_int: int = 5,
        max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
        pre_logon_max_frame_size: int = PRE_LOGON_MAX_FRAME_SIZE,
        encoding: Encoding = Encoding.FIX,
    ) -> None:
        if logon_failure not in ("reject", "logout"):
            raise ValueError("logon_failure is 'reject' or 'logout'")
        super().__init__(
            state=State.AWAITING_LOGON,
            session_type=session_type,
            sender_comp_id=SERVER_COMP_ID,
            target_comp_id="",
            heart_bt_int=30,
            wall_clock=wall_clock,
            now=now,
            validator=shared(dictionary_for(session_type)),
            rules=rules or accounts.rules[session_type],
            sending_time_digits=6,
            max_frame_size=max_frame_size,
            logon_timeout=logon_timeout,
            pre_logon_max_frame_size=pre_logon_max_frame_size,
            encoding=encoding,
            venue=True,
        )
        self.accounts = accounts
        self.address = address
        self.uuid = uuid or str(uuid_module.uuid4())
        self.username: str | None = None
        self.response_mode = 1
        self._logon_failure = logon_failure
        self._logout_on_low_seq_num = logout_on_low_seq_num
        self._min_heart_bt_int = min_heart_bt_int
        self._logged_on_cleanly = False
        self.subscriptions: dict[str, frozenset[tuple[str, str]]] = {}  # MDReqID -> streams
        self._news_at: float | None = None
        self._maintenance_close_at: float | None = None
        # Too many attempts from this address: the first message is answered with the reject.
        self._refused = accounts.connect(address, session_type, now)

    def __repr__(self) -> str:
        return f"Acceptor({self.target_comp_id!r}, {self.session_type.value}, {self.state.value})"

    # -- the application's side ---------------------------------------------------------------

    def send(self, message: Message, now: float) -> int:
        """Send an application message to the client (header fields are the session's).

        Raises ``SessionStateError`` unless logged on (not while logging out, either).
        """
        self._apply(SEND)
        return self._encode(message.msg_type, message, now)

    def start_maintenance(self, now: float, seconds: float = 30.0) -> None:
        """Begin Binance's maintenance countdown: News every 10 s, then Logout and close.

        News says "You'll be disconnected in N seconds." while more than 10 s remain, then
        "Your connection is about to be closed."; 10 s after that the session is logged out.
        """
        if self.state is not State.ACTIVE:
            return
        self._maintenance_close_at = now + max(seconds, NEWS_INTERVAL_S)
        self._news_at = now
        self._tick_role(now)

    def received_in_window(self, now: float) -> int:
        """Messages received within the message limit's window (LimitResponse's LimitCount)."""
        return self._received_window.count(now)

    def _tick_role(self, now: float) -> None:
        if self._news_at is not None and now >= self._news_at:
            assert self._maintenance_close_at is not None
            remaining = self._maintenance_close_at - now
            if remaining > NEWS_INTERVAL_S:
                headline = NEWS_COUNTDOWN % round(remaining)
                self._news_at = now + NEWS_INTERVAL_S
            else:
                headline = NEWS_LAST
                self._news_at = None
                self._maintenance_close_at = now + NEWS_INTERVAL_S
            self._send_admin(MsgType.NEWS, [(Tag.HEADLINE, headline)], now)
        elif (
            self._news_at is None
            and self._maintenance_close_at is not None
            and now >= self._maintenance_close_at
        ):
            self._maintenance_close_at = None
            self._send_logout(now, MAINTENANCE_TEXT)
            self._events.append(LoggedOut(MAINTENANCE_TEXT, False))
            self._close(MAINTENANCE_TEXT, clean=False, now=now, event=Input.TIMEOUT)

    def _role_deadline(self) -> float | None:
        if self._news_at is not None:
            return self._news_at
        return self._maintenance_close_at

    def _closed(self, clean: bool, now: float) -> None:
        if self.username is not None:
            self.accounts.logout(
                self.username, self.target_comp_id, clean=clean,
                hold_until=now + 2 * self.heart_bt_int,
            )  # fmt: skip
            self.username = None

    # -- receiving ---------------------------------------------------------------------------------

    def _reject(
        self,
        error: BinanceError,
        message: Message | None,
        now: float,
        ref_seq_num: int | None = None,
        ref_msg_type: str | None = None,
    ) -> None:
        """Answer with Reject<3>."""
        self._send_admin(
            MsgType.REJECT, self._reject_fields(error, message, ref_seq_num, ref_msg_type), now
        )

    def _reject_fields(
        self,
        error: BinanceError,
        message: Message | None,
        ref_seq_num: int | None = None,
        ref_msg_type: str | None = None,
    ) -> list[tuple[int, str]]:
        """A Reject's fields: RefSeqNum, RefTagID, RefMsgType, reason, ErrorCode, Text."""
        if message is not None:
            try:
                ref_seq_num = message.get_int(Tag.MSG_SEQ_NUM)
            except ValueError:
                ref_seq_num = None
            ref_msg_type = message.msg_type
        fields: list[tuple[int, str]] = []
        if ref_seq_num is not None:
            fields.append((Tag.REF_SEQ_NUM, str(ref_seq_num)))
        if error.ref_tag_id is not None:
            fields.append((Tag.REF_TAG_ID, str(error.ref_tag_id)))
        if ref_msg_type is not None:
            fields.append((Tag.REF_MSG_TYPE, ref_msg_type))
        reason = error.session_reject_reason
        fields.append((Tag.SESSION_REJECT_REASON, str(reason if reason is not None else 99)))
        fields.append((Tag.ERROR_CODE, str(error.code)))
        fields.append((Tag.TEXT, error.text))
        return fields

    def _reject_and_close(
        self, error: BinanceError, message: Message | None, now: float, event: Input
    ) -> None:
        if self._logon_failure == "logout" and event is Input.LOGON_REJECTED:
            self._send_logout(now, error.text)
        else:
            self._reject(error, message, now)
        self._events.append(FaultDetected(error, Action.CLOSED, message))
        self._close(error.text, clean=False, now=now, event=event)

    def _on_garbled(self, item: Garbled, now: float) -> None:
        if self.state is State.AWAITING_LOGON:
            self._fault_before_logon(item.error, now, item.msg_seq_num, item.msg_type)
            return
        if not self._count(now):
            return
        self._reject(item.error, None, now, item.msg_seq_num, item.msg_type)
        self._events.append(FaultDetected(item.error, Action.REJECTED))

    def _check_before_logon(self, now: float) -> None:
        if self._framer.in_garbage:  # judged now: the end of the garbage is not waited for
            for item in self._framer.close():
                if isinstance(item, Garbled):
                    self._on_garbled(item, now)
                    return
        super()._check_before_logon(now)

    def _fault_before_logon(
        self,
        error: BinanceError,
        now: float,
        ref_seq_num: int | None = None,
        ref_msg_type: str | None = None,
    ) -> None:
        """Before Logon, garbage is answered once and the connection closed, and the answer
        is never longer than what the peer sent (no amplification: a peer that sent a few
        bytes gets none); a connection over its address's attempt limit gets no answer."""
        if self._refused is None:
            self.target_comp_id = self.target_comp_id or _comp_id(None)
            fields = self._reject_fields(error, None, ref_seq_num, ref_msg_type)
            reject = self._frame(MsgType.REJECT, fields, None)
            if len(reject) <= self._received_bytes:
                self._queue(reject, MsgType.REJECT, now)
        self._events.append(FaultDetected(error, Action.CLOSED))
        self._close(error.text, clean=False, now=now, event=Input.RECEIVE)

    def _count(self, now: float) -> bool:
        """Count a received message toward the limit; past it, log out and close."""
        if self._received_window.add(now):
            return True
        limit = self.rules.message_limit
        error = errors.TooManyMessages.from_template(limit.count, limit.interval)
        self._send_logout(now, error.text)
        self._events.append(FaultDetected(error, Action.LOGGED_OUT))
        self._close(error.text, clean=False, now=now, event=Input.FAULT)
        return False

    def _on_message(self, message: Message, fault: BinanceError | None, now: float) -> None:
        if not self._count(now):
            return
        msg_type = message.msg_type
        error: BinanceError
        awaiting_logon = self.state is AWAITING_LOGON
        if awaiting_logon:
            # Replies go to the CompID the client calls itself, even when the Logon fails.
            self.target_comp_id = _comp_id(message.get(Tag.SENDER_COMP_ID))
            if self._refused is not None:
                self._reject_and_close(self._refused, message, now, Input.LOGON_REJECTED)
                return
        if awaiting_logon and msg_type != MsgType.LOGON:
            error = errors.ExpectedLogon.from_template(ref_msg_type=msg_type)
            self._reject_and_close(error, message, now, Input.RECEIVE)
            return
        seq = self._check_sequence(message, fault is None)
        if seq is None:  # no usable MsgSeqNum: the dictionary says why
            error = fault or errors.MandatoryParamEmptyOrMalformed.from_template(
                34, template=3, ref_tag_id=34
            )
            self._refuse(error, message, now)
            return
        if seq < 0:
            expected = ~seq
            error = errors.BadSeqNum.from_template(expected, ref_tag_id=34)
            low = (message.get_int(Tag.MSG_SEQ_NUM) or 0) < expected
            if self.state is State.AWAITING_LOGON or (low and self._logout_on_low_seq_num):
                self._end_with_logout(error, message, now)
                return
            self._reject(error, message, now)
            self._events.append(FaultDetected(error, Action.REJECTED, message))
            return
        if awaiting_logon:
            self._on_logon(message, fault, now)
            return
        self._apply(RECEIVE)
        sender = message.get(_SENDER_COMP_ID)
        if sender is not None and sender != self.target_comp_id:
            self._refuse(errors.BadSenderCompid.from_template(ref_tag_id=49), message, now)
            return
        refused = self.rules.request_fault(msg_type)
        if refused is not None:
            self._refuse(refused, message, now)
            return
        if fault is not None:
            self._refuse(fault, message, now)
            return
        late = self._sending_time_fault(message, None)
        if late is not None:
            self._refuse(late, message, now)
            return
        self._dispatch(message, now)

    def _refuse(self, error: BinanceError, message: Message, now: float) -> None:
        """Reject one message; the session goes on."""
        self._reject(error, message, now)
        self._events.append(FaultDetected(error, Action.REJECTED, message))

    def _end_with_logout(self, error: BinanceError, message: Message, now: float) -> None:
        if self.state is State.AWAITING_LOGON:
            self._reject_and_close(error, message, now, Input.LOGON_REJECTED)
            return
        self._send_logout(now, error.text)
        self._events.append(FaultDetected(error, Action.LOGGED_OUT, message))
        self._close(error.text, clean=False, now=now, event=Input.FAULT)

    def _sending_time_fault(
        self, message: Message, default_window: float | None
    ) -> BinanceError | None:
        sending_time = message.get(_SENDING_TIME)
        if sending_time is None:
            return None
        window_text = message.get(_RECV_WINDOW)
        window = default_window
        if window_text is not None:
            try:
                window = float(window_text)
            except ValueError:
                window = default_window
        return binance.sending_time_fault(sending_time, window, self._wall_clock())

    def _dispatch(self, message: Message, now: float) -> None:
        msg_type = message.msg_type
        if msg_type not in _SESSION_LEVEL and self.state is ACTIVE:  # (most messages)
            made = speedups.made  # (a frozen dataclass's __init__, in C)
            received = (
                made(MessageReceived, message, None, None)
                if made is not None
                else MessageReceived(message)
            )
            self._events.append(received)
            return
        if msg_type == MsgType.LOGON:
            error = errors.AlreadyLoggedIn.from_template(ref_tag_id=35)
            self._refuse(error, message, now)
        elif msg_type == MsgType.HEARTBEAT:
            self._on_heartbeat(message)
        elif msg_type == MsgType.TEST_REQUEST:
            self._on_test_request(message, now)
        elif msg_type == MsgType.LOGOUT:
            if self.state is State.ACTIVE:
                self._send_logout(now, LOGOUT_ACKNOWLEDGMENT)
                self._apply(Input.RECEIVE_LOGOUT)
                event = Input.SEND_LOGOUT  # the acknowledgment was the last word: close
            else:
                event = Input.RECEIVE_LOGOUT
            self._events.append(LoggedOut(message.get(Tag.TEXT), True))
            self._close("logged out", clean=True, now=now, event=event)
        elif msg_type == MsgType.REJECT:
            self._events.append(MessageReceived(message, from_message(message)))
        elif self.state is State.LOGOUT_SENT:
            self._refuse(errors.LoggedOut.from_template(), message, now)
        elif msg_type == MsgType.MARKET_DATA_REQUEST:
            self._on_market_data_request(message, now)
        else:
            self._events.append(MessageReceived(message))

    # -- Logon -----------------------------------------------------------------------------------

    _LOGON_REQUIRED: Final = (
        Tag.ENCRYPT_METHOD, Tag.HEART_BT_INT, Tag.RAW_DATA_LENGTH, Tag.RAW_DATA,
        Tag.RESET_SEQ_NUM_FLAG, Tag.USERNAME, Tag.MESSAGE_HANDLING,
    )  # fmt: skip

    def _on_logon(self, message: Message, fault: BinanceError | None, now: float) -> None:
        error = fault or self._logon_fault(message, now)
        if error is not None:
            self._reject_and_close(error, message, now, Input.LOGON_REJECTED)
            return
        self._apply(Input.LOGON_ACCEPTED)
        if self._sbe is not None:
            self._sbe.logged_on(message)
        self._logon_deadline = None
        self.heart_bt_int = message.get_int(Tag.HEART_BT_INT) or 30
        self.response_mode = int(message.get(Tag.RESPONSE_MODE) or 1)
        self._last_received = self._last_sent = now
        self._send_admin(
            MsgType.LOGON,
            [(Tag.ENCRYPT_METHOD, "0"), (Tag.HEART_BT_INT, str(self.heart_bt_int)),
             (Tag.UUID, self.uuid)],
            now,
        )  # fmt: skip
        self._events.append(
            LoggedOn(
                self.sender_comp_id,
                self.target_comp_id,
                self.heart_bt_int,
                self.session_type,
                self.username,
                self.uuid,
                message,
            )
        )

    def _schema_fault(self, message: Message) -> BinanceError | None:
        """FIX requests with SBE responses (port 9001): the Logon names a schema this venue
        writes, in SbeSchemaId(25050) and SbeSchemaVersion(25051)."""
        if self.encoding is not Encoding.SBE_RESPONSES:
            return None
        for tag in (Tag.SBE_SCHEMA_ID, Tag.SBE_SCHEMA_VERSION):
            if tag not in message:
                return errors.MandatoryParamEmptyOrMalformed.from_template(
                    tag, template=3, ref_tag_id=tag
                )
        schema = (message.get(Tag.SBE_SCHEMA_ID), message.get(Tag.SBE_SCHEMA_VERSION))
        if schema != (str(sbe_schema.SCHEMA_ID), str(sbe_schema.SCHEMA_VERSION)):
            return errors.UnsupportedSchemaId.from_template(template=1)
        return None

    def _logon_fault(self, message: Message, now: float) -> BinanceError | None:
        """Binance's Logon rules, in the order checked (digest §2)."""
        for tag in self._LOGON_REQUIRED:
            if tag not in message:
                return errors.MandatoryParamEmptyOrMalformed.from_template(
                    tag, template=3, ref_tag_id=tag
                )
        schema_fault = self._schema_fault(message)
        if schema_fault is not None:
            return schema_fault
        heart_bt_int = message.get(Tag.HEART_BT_INT) or ""
        for tag, good in (
            (Tag.ENCRYPT_METHOD, message.get(Tag.ENCRYPT_METHOD) == "0"),
            (
                Tag.HEART_BT_INT,
                heart_bt_int.isdigit()
                and len(heart_bt_int) <= 9
                and self._min_heart_bt_int <= int(heart_bt_int) <= 60,
            ),
            (Tag.TARGET_COMP_ID, message.get(Tag.TARGET_COMP_ID) == SERVER_COMP_ID),
        ):
            if not good:
                return errors.InvalidParameter.from_template(
                    tag, template=1, ref_tag_id=tag, session_reject_reason=5
                )
        if message.get(Tag.RESET_SEQ_NUM_FLAG) != "Y":
            return errors.ResetSeqNumSupport.from_template(ref_tag_id=141)
        drop_copy = message.get(Tag.DROP_COPY_FLAG) == "Y"
        if self.session_type is SessionType.DROP_COPY and not drop_copy:
            return errors.DropCopySessionRequired.from_template(ref_tag_id=9406)
        if self.session_type is not SessionType.DROP_COPY and drop_copy:
            return errors.DropCopySessionNotAllowed.from_template(ref_tag_id=9406)
        api_key = message[Tag.USERNAME]
        public_key = self.accounts.public_key(api_key)
        if public_key is None:
            return errors.RejectedMbxKey.from_template(ref_tag_id=553)
        sender = message.get(Tag.SENDER_COMP_ID) or ""
        if not binance.verify_logon(
            public_key, message[Tag.RAW_DATA], sender, message.get(Tag.TARGET_COMP_ID) or "",
            message.get_int(Tag.MSG_SEQ_NUM) or 0, message.get(Tag.SENDING_TIME) or "",
        ):  # fmt: skip
            return errors.InvalidSignature.from_template(ref_tag_id=96)
        window_text = message.get(Tag.RECV_WINDOW)
        if window_text is not None and float(window_text) > binance.MAX_RECV_WINDOW_MS:
            return errors.InvalidParameter.from_template(
                25000, template=1, ref_tag_id=25000, session_reject_reason=5
            )
        late = self._sending_time_fault(message, binance.LOGON_RECV_WINDOW_MS)
        if late is not None:
            return late
        taken = self.accounts.logon(api_key, sender, self.session_type, now)
        if taken is not None:
            return taken
        self.username = api_key
        return None

    # -- market data subscriptions ---------------------------------------------------------------

    def _on_market_data_request(self, message: Message, now: float) -> None:
        error: BinanceError
        md_req_id = message[Tag.MD_REQ_ID]
        if message.get(Tag.SUBSCRIPTION_REQUEST_TYPE) == "2":
            if md_req_id not in self.subscriptions:
                error = errors.InvalidRequestId.from_template(template=1, ref_tag_id=262)
                self._reject_subscription(message, error, "1", now)
                return
            del self.subscriptions[md_req_id]
            self._events.append(MessageReceived(message))
            return
        if md_req_id in self.subscriptions:
            error = errors.InvalidRequestId.from_template(template=0, ref_tag_id=262)
            self._reject_subscription(message, error, "1", now)
            return
        for tag in (Tag.NO_RELATED_SYM, Tag.NO_MD_ENTRY_TYPES):
            if tag not in message:
                missing = errors.MandatoryParamEmptyOrMalformed.from_template(
                    tag, template=3, ref_tag_id=tag
                )
                self._refuse(missing, message, now)
                return
        kinds = set(message.get_all(Tag.MD_ENTRY_TYPE))
        if ("0" in kinds) != ("1" in kinds):
            error = errors.OptionalParamsBadCombo.from_template(template=3, ref_tag_id=269)
            self._reject_subscription(message, error, None, now)
            return
        streams = frozenset(_streams(message, kinds))
        active = {
            stream: request for request, held in self.subscriptions.items() for stream in held
        }
        for stream in sorted(streams):
            if stream in active:
                error = errors.TooManySubscriptions.from_template(
                    stream[0], active[stream], template=1, ref_tag_id=55
                )
                self._reject_subscription(message, error, "2", now)
                return
        if (
            len(active) + len(streams) > self.rules.max_streams
            or len(self.subscriptions) >= self.rules.max_streams  # (one of no stream counts)
        ):
            error = errors.TooManySubscriptions.from_template(self.rules.max_streams, template=0)
            self._reject_subscription(message, error, "2", now)
            return
        self.subscriptions[md_req_id] = streams
        self._events.append(MessageReceived(message))

    def _reject_subscription(
        self, message: Message, error: BinanceError, reason: str | None, now: float
    ) -> None:
        """MarketDataRequestReject<Y>: MDReqID, MDReqRejReason, ErrorCode, Text."""
        fields = [(Tag.MD_REQ_ID, message[Tag.MD_REQ_ID])]
        if reason is not None:
            fields.append((Tag.MD_REQ_REJ_REASON, reason))
        fields += [(Tag.ERROR_CODE, str(error.code)), (Tag.TEXT, error.text)]
        self._encode(MsgType.MARKET_DATA_REQUEST_REJECT, fields, now)
        self._events.append(FaultDetected(error, Action.REJECTED, message))


def _comp_id(text: str | None) -> str:
    """A CompID fit to put in a reply's TargetCompID(56) (never empty, never SOH)."""
    if text and "\x01" not in text:
        return text
    return "UNKNOWN"


def _streams(message: Message, kinds: set[str]) -> list[tuple[str, str]]:
    """The (symbol, stream kind) pairs a subscription asks for: trade, book ticker, depth."""
    depth = message.get(Tag.MARKET_DEPTH) or "1"
    book = "bookTicker" if depth == "1" else "depth"
    wanted = (["trade"] if "2" in kinds else []) + ([book] if "0" in kinds else [])
    return [(symbol, kind) for symbol in message.get_all(Tag.SYMBOL) for kind in wanted]
