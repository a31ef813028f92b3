"""A gateway's side of a FIX session with Binance: the sans-I/O Initiator.

Owns what only the initiator does: the Ed25519-signed Logon, sending application messages
(validated against Binance's dictionary first) and pacing them under the message limit,
matching each answer to the request it answers, reading the peer's Logon answer, News and
Logout. No I/O, no clock reads, no asyncio.
"""

from __future__ import annotations

import collections
import re
from typing import Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixsession import binance, errors, sbe_schema, speedups
from fixsession.binance import RULES, SessionRules
from fixsession.errors import BinanceError, from_message
from fixsession.events import (
    Action,
    FaultDetected,
    LoggedOn,
    LoggedOut,
    MessageReceived,
    NewsReceived,
    Request,
)
from fixsession.framing import DEFAULT_MAX_FRAME_SIZE, Garbled
from fixsession.message import Message
from fixsession.sbewire import Encoding
from fixsession.session import (
    HEADER_TAGS,
    LOGOUT_LINGER_S,
    NEWS_LAST,
    PEER_LOGGED_OUT,
    PRE_LOGON_MAX_FRAME_SIZE,
    Session,
    WallClock,
    dictionary_for,
)
from fixsession.session import (
    SEQNUM_MODULUS as _SEQNUM_MODULUS,
)
from fixsession.spec import SERVER_COMP_ID, MsgType, SessionType, Tag
from fixsession.state import ACTIVE, CONNECTED, RECEIVE, SEND, Input, State
from fixsession.validation import Lane, shared

_COUNTDOWN: Final = re.compile(r"You'll be disconnected in ([0-9]{1,9}) seconds")
_MAX_TRACKED_REQUESTS: Final = 10_000
_ALL_ANSWER_KEYS: Final = (
    (11, int(Tag.CL_ORD_ID)), (262, int(Tag.MD_REQ_ID)), (6136, int(Tag.REQ_ID)),
    (6136, int(Tag.INSTRUMENT_REQ_ID)),
)  # fmt: skip
"""The IDs an answer may carry to name its request: (the kind of ID, its tag)."""
_ANSWER_KEYS: Final = {
    MsgType.EXECUTION_REPORT.value: _ALL_ANSWER_KEYS[:1],
    MsgType.ORDER_CANCEL_REJECT.value: _ALL_ANSWER_KEYS[:1],
}
"""The IDs of the answers that can carry ClOrdID only (their dictionary has no other): the
commonest are not read for IDs they never hold."""
_STREAMED: Final = frozenset({MsgType.MARKET_DATA_INCREMENTAL_REFRESH.value})
_REJECT: Final = MsgType.REJECT.value
_SESSION_LEVEL: Final = frozenset(
    str(kind) for kind in (MsgType.LOGON, MsgType.LOGOUT, MsgType.HEARTBEAT,
                           MsgType.TEST_REQUEST, MsgType.NEWS)
)  # fmt: skip
# Requests whose answers name them by ClOrdID(11) only.
_ORDER_REQUESTS: Final = frozenset(
    {MsgType.NEW_ORDER_SINGLE, MsgType.ORDER_CANCEL_REQUEST, MsgType.ORDER_MASS_CANCEL_REQUEST,
     MsgType.ORDER_AMEND_KEEP_PRIORITY_REQUEST,
     MsgType.ORDER_CANCEL_REQUEST_AND_NEW_ORDER_SINGLE}
)  # fmt: skip


_CL_ORD_ID: Final = int(Tag.CL_ORD_ID)
_ERROR_CODE: Final = int(Tag.ERROR_CODE)  # (what every reject but a Logout carries)


def _request_keys(request: Request) -> list[tuple[int, str]]:
    """The (kind of ID, ID) pairs ``request_for`` finds ``request`` by."""
    return [
        (kind, key)
        for kind, key in ((11, request.cl_ord_id), (262, request.md_req_id),
                          (6136, request.req_id))
        if key is not None
    ]  # fmt: skip


class Initiator(Session):
    """A gateway's session with Binance (or any acceptor speaking Binance's dialect).

    ``logon(now)`` sends the signed Logon; ``send(message, now)`` sends an application message
    and returns its MsgSeqNum; every reject that comes back is a typed error on the
    ``MessageReceived`` event, with the request it answers. A gap in Binance's MsgSeqNum
    (which never resends) is a fault: the session logs out, and the owner logs on again.
    ``pacing_delay(now)`` says how long to wait before the next message stays under the
    session type's message limit.
    """

    def __init__(
        self,
        *,
        api_key: str,
        private_key: Ed25519PrivateKey,
        sender_comp_id: str,
        session_type: SessionType = SessionType.ORDER_ENTRY,
        wall_clock: WallClock,
        now: float,
        target_comp_id: str = SERVER_COMP_ID,
        heart_bt_int: int = 30,
        message_handling: int = 2,
        response_mode: int | None = None,
        recv_window_ms: float | None = None,
        rules: SessionRules | None = None,
        validate: bool = True,
        logon_timeout: float = 10.0,
        pacing_margin: int | None = None,
        pacing_slack: float | None = None,
        max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
        pre_logon_max_frame_size: int = PRE_LOGON_MAX_FRAME_SIZE,
        encoding: Encoding = Encoding.FIX,
        mini_reports: bool = False,
    ) -> None:
        if not 5 <= heart_bt_int <= 60:
            raise ValueError("HeartBtInt must be 5 to 60 seconds")
        if message_handling not in (1, 2) or response_mode not in (None, 1, 2):
            raise ValueError("MessageHandling is 1 or 2; ResponseMode is 1 or 2")
        if mini_reports and response_mode != 2:
            raise ValueError("Mini execution reports come only with ResponseMode 2 (OnlyAcks)")
        if recv_window_ms is not None and not 0 < recv_window_ms <= binance.MAX_RECV_WINDOW_MS:
            raise ValueError("RecvWindow must be above 0 and at most 60000 ms")
        self._recv_window_text = (
            binance.format_recv_window(recv_window_ms) if recv_window_ms is not None else None
        )
        dictionary = dictionary_for(session_type)
        rules = rules or RULES[session_type]
        super().__init__(
            state=State.CONNECTED,
            session_type=session_type,
            sender_comp_id=sender_comp_id,
            target_comp_id=target_comp_id,
            heart_bt_int=heart_bt_int,
            wall_clock=wall_clock,
            now=now,
            # Binance adds enum values over time: the initiator does not refuse new ones.
            validator=shared(dictionary, enums=False) if validate else None,
            rules=rules,
            sending_time_digits=3,
            max_frame_size=max_frame_size,
            logon_timeout=logon_timeout,
            pre_logon_max_frame_size=pre_logon_max_frame_size,
            encoding=encoding,
        )
        self.mini_reports = mini_reports
        self._logon_timeout = logon_timeout  # also bounds how long it waits to be told to log on
        self.api_key = api_key
        self._private_key = private_key
        self.message_handling = message_handling
        self.response_mode = response_mode
        self.recv_window_ms = recv_window_ms
        if self._recv_window_text is not None:  # every message carries it
            self._header_tags += (Tag.RECV_WINDOW,)
            self._header_values = (self._recv_window_text,)
        self._outbound_validator = shared(dictionary, header=False) if validate else None
        self._pacer = binance.Pacer(rules.message_limit, pacing_margin, pacing_slack)
        self._requests: collections.OrderedDict[int, Request] = collections.OrderedDict()
        self._requests_by_id: dict[tuple[int, str], Request] = {}
        self._lane: Lane | None = None  # the market-data layout taken in runs, once seen

    def __repr__(self) -> str:  # never shows the private key
        return f"Initiator({self.sender_comp_id!r}, {self.session_type.value}, {self.state.value})"

    def logon(self, now: float) -> None:
        """Send the Logon, signed with the private key (ResetSeqNumFlag=Y: MsgSeqNum 1)."""
        self._apply(Input.SEND_LOGON)
        sending_time = binance.format_sending_time(self._wall_clock(), 3)
        signature = binance.sign_logon(
            self._private_key, self.sender_comp_id, self.target_comp_id,
            self.next_outbound_seq, sending_time,
        )  # fmt: skip
        body = [
            (Tag.RAW_DATA_LENGTH, str(len(signature))),
            (Tag.RAW_DATA, signature),
            (Tag.ENCRYPT_METHOD, "0"),
            (Tag.HEART_BT_INT, str(self.heart_bt_int)),
            (Tag.RESET_SEQ_NUM_FLAG, "Y"),
            (Tag.USERNAME, self.api_key),
            (Tag.MESSAGE_HANDLING, str(self.message_handling)),
        ]
        if self.response_mode is not None:
            body.append((Tag.RESPONSE_MODE, str(self.response_mode)))
        if self.session_type is SessionType.DROP_COPY:
            body.append((Tag.DROP_COPY_FLAG, "Y"))
        if self.mini_reports:
            body.append((Tag.EXECUTION_REPORT_TYPE, "2"))
        if self.encoding is Encoding.SBE_RESPONSES:
            body += [(Tag.SBE_SCHEMA_ID, str(sbe_schema.SCHEMA_ID)),
                     (Tag.SBE_SCHEMA_VERSION, str(sbe_schema.SCHEMA_VERSION))]  # fmt: skip
        self._encode(MsgType.LOGON, body, now, sending_time)  # the SendingTime it signed
        self._logon_deadline = now + self._logon_timeout

    def send(self, message: Message, now: float, *, validate: bool = True) -> int:
        """Send an application message; its MsgSeqNum.

        Header fields in ``message`` are replaced by the session's. Raises the typed error
        (e.g. ``MandatoryParamEmptyOrMalformed``) if Binance's dictionary rejects the message,
        and ``SessionStateError`` unless logged on. ``validate=False`` sends it anyway, to
        see what the peer answers.
        """
        self._apply(SEND)
        if validate:  # the session type first, as the venue judges it (-1186, -1187, ...)
            refused = self.rules.request_fault(message.msg_type)
            if refused is not None:
                raise refused
        if validate and self._outbound_validator is not None:
            body = message
            if not HEADER_TAGS.isdisjoint(message.tags):  # the session writes its own header
                body = Message._trusted(
                    message.msg_type,
                    tuple(tag for tag in message.tags if tag not in HEADER_TAGS),
                    tuple(v for t, v in message if t not in HEADER_TAGS),
                )
            fault = self._outbound_validator.validate(body)
            if fault is not None:
                raise fault
        seq = self._encode(message.msg_type, message, now)
        self._track(message, seq)
        return seq

    def message_limit_usage(self, now: float) -> tuple[int, int]:
        """Messages sent within the message limit's window at ``now``, and the limit."""
        assert self._pacer is not None
        return self._pacer.used(now), self.rules.message_limit.count

    def pacing_delay(self, now: float) -> float:
        """Seconds to wait before sending keeps the session under its message limit (see
        ``binance.Pacer`` for the margin and slack, set by ``pacing_margin`` and
        ``pacing_slack``)."""
        assert self._pacer is not None
        return self._pacer.delay(now)

    def _track(self, message: Message, seq: int) -> None:
        msg_type = message.msg_type
        requests, by_id = self._requests, self._requests_by_id
        if msg_type in _ORDER_REQUESTS:  # only the ID a request of its type carries is read
            cl_ord_id = message.get(_CL_ORD_ID)
            made = speedups.made  # (a frozen dataclass's __init__, in C)
            request = requests[seq] = (
                made(Request, seq, msg_type, cl_ord_id, None, None)
                if made is not None
                else Request(seq, msg_type, cl_ord_id)
            )
            if cl_ord_id is not None:
                by_id[(11, cl_ord_id)] = request
        else:
            request = requests[seq] = Request(
                seq, msg_type, message.get(_CL_ORD_ID), message.get(Tag.MD_REQ_ID),
                message.get(Tag.REQ_ID) or message.get(Tag.INSTRUMENT_REQ_ID),
            )  # fmt: skip
            for key in _request_keys(request):
                by_id[key] = request
        if len(requests) > _MAX_TRACKED_REQUESTS:
            _, old = requests.popitem(last=False)
            for key in _request_keys(old):
                if by_id.get(key) is old:
                    del by_id[key]

    def _stream(self, items: list[bytes | Garbled], index: int) -> int:
        """Market-data increments of a layout seen before, each the next MsgSeqNum: checked,
        and made into events, in one call to the C speedups (``_on_message`` takes anything
        else, one at a time, and is the reference: the tests hold the two to agreeing)."""
        lane, stream_messages = self._lane, speedups.stream_messages
        if lane is None or stream_messages is None or self.state is not ACTIVE:
            return 0
        found = stream_messages(
            items, index, lane.head, lane.program, lane.seq_field, self.next_expected_seq,
            Message, MessageReceived, lane.msg_type, lane.tags, lane.key,
        )  # fmt: skip
        if not found:
            return 0
        self._apply(RECEIVE)  # once for the run: ACTIVE stays ACTIVE
        self._events += found
        self.next_expected_seq = (self.next_expected_seq + len(found)) % _SEQNUM_MODULUS
        return len(found)

    def sent_request(self, msg_seq_num: int) -> Request | None:
        """The request this session sent as ``msg_seq_num``, if it still tracks it."""
        return self._requests.get(msg_seq_num)

    def request_for(self, message: Message) -> Request | None:
        """The request this session sent that ``message`` answers, if it can tell."""
        if message.msg_type == _REJECT:
            try:
                ref = message.get_int(Tag.REF_SEQ_NUM)
            except ValueError:
                return None
            return self._requests.get(ref) if ref is not None else None
        for kind, tag in _ANSWER_KEYS.get(message.msg_type, _ALL_ANSWER_KEYS):
            key = message.get(tag)
            if key is not None:
                found = self._requests_by_id.get((kind, key))
                if found is not None:
                    return found
        return None

    # -- receiving -----------------------------------------------------------------------------

    def _on_garbled(self, item: Garbled, now: float) -> None:
        self._events.append(FaultDetected(item.error, Action.IGNORED))

    def _fault_before_logon(
        self,
        error: BinanceError,
        now: float,
        ref_seq_num: int | None = None,
        ref_msg_type: str | None = None,
    ) -> None:
        self._events.append(FaultDetected(error, Action.CLOSED))
        self._close(error.text, clean=False, now=now, event=Input.FAULT)

    def _on_message(self, message: Message, fault: BinanceError | None, now: float) -> None:
        if self.state is CONNECTED:
            error: BinanceError = errors.ExpectedLogon.from_template()
            self._events.append(FaultDetected(error, Action.CLOSED, message))
            self._close(
                "the peer spoke before the Logon", clean=False, now=now, event=Input.RECEIVE
            )
            return
        seq = self._check_sequence(message, fault is None)
        msg_type = message.msg_type
        streamed = msg_type in _STREAMED and fault is None and seq is not None and seq >= 0
        if streamed and self.state is ACTIVE:  # market data: on, as fast as it comes
            self._apply(RECEIVE)
            self._events.append(MessageReceived(message))
            if self._lane is None and self._validator is not None:
                self._lane = self._validator.lane(message)  # the next ones, in a run
            return
        if seq is None or seq < 0:
            expected = self.next_expected_seq
            error = errors.BadSeqNum.from_template(expected, ref_tag_id=34)
            if self.state is State.LOGON_SENT and message.msg_type in (
                MsgType.REJECT,
                MsgType.LOGOUT,
            ):
                pass  # a failed Logon: read it below whatever its number
            else:
                # Binance never resends: a gap cannot be filled. Log out; log on again.
                self._events.append(FaultDetected(error, Action.LOGGED_OUT, message))
                if self.state is State.ACTIVE:
                    self._send_logout(now, error.text)
                self._close(error.text, clean=False, now=now, event=Input.FAULT)
                return
        if fault is not None:
            self._events.append(FaultDetected(fault, Action.IGNORED, message))
        if msg_type not in _SESSION_LEVEL and self.state is ACTIVE:  # most messages
            self._apply(RECEIVE)
            if msg_type in _STREAMED:  # never an answer to a request, never a reject
                self._events.append(MessageReceived(message))
            else:
                carried = from_message(message) if _ERROR_CODE in message else None  # (no Logout)
                request = self.request_for(message)
                made = speedups.made  # (a frozen dataclass's __init__, in C)
                self._events.append(
                    made(MessageReceived, message, carried, request)
                    if made is not None
                    else MessageReceived(message, carried, request)
                )
        elif msg_type == MsgType.LOGON:
            self._on_logon_response(message, now)
        elif msg_type == MsgType.LOGOUT:
            self._on_logout(message, now)
        elif self.state is State.LOGON_SENT:
            self._on_before_logon(message, now)
        elif msg_type == MsgType.HEARTBEAT:
            self._on_heartbeat(message)
        elif msg_type == MsgType.TEST_REQUEST:
            self._on_test_request(message, now)
        elif msg_type == MsgType.NEWS:
            headline = message.get(Tag.HEADLINE) or ""
            found = _COUNTDOWN.search(headline)
            seconds = int(found.group(1)) if found else (10 if headline == NEWS_LAST else None)
            self._events.append(NewsReceived(headline, seconds))
        elif msg_type in _STREAMED:  # never an answer to a request, never a reject
            self._apply(Input.RECEIVE)
            self._events.append(MessageReceived(message))
        else:
            self._apply(Input.RECEIVE)
            self._events.append(
                MessageReceived(message, from_message(message), self.request_for(message))
            )

    def _on_logon_response(self, message: Message, now: float) -> None:
        if self.state is not State.LOGON_SENT:
            error = errors.AlreadyLoggedIn.from_template()
            self._events.append(FaultDetected(error, Action.IGNORED, message))
            return
        self._apply(Input.LOGON_ACCEPTED)
        self._logon_deadline = None
        try:
            heart_bt_int = message.get_int(Tag.HEART_BT_INT)
        except ValueError:
            heart_bt_int = None
        if heart_bt_int is not None and not 5 <= heart_bt_int <= 60:
            fault = errors.InvalidParameter.from_template(
                Tag.HEART_BT_INT, template=1, ref_tag_id=Tag.HEART_BT_INT
            )
            self._events.append(FaultDetected(fault, Action.IGNORED, message))
            heart_bt_int = None  # out of Binance's range: keep the interval asked for
        heart_bt_int = heart_bt_int or self.heart_bt_int
        self.heart_bt_int = heart_bt_int
        self._last_received = self._last_sent = now
        self._events.append(
            LoggedOn(
                self.sender_comp_id,
                self.target_comp_id,
                heart_bt_int,
                self.session_type,
                self.api_key,
                message.get(Tag.UUID),
                message,
            )
        )

    def _on_before_logon(self, message: Message, now: float) -> None:
        """Anything but the Logon response while waiting for it: a Reject ends the Logon."""
        error = from_message(message)
        if message.msg_type == MsgType.REJECT:
            self._events.append(LoggedOut(message.get(Tag.TEXT), True, error))
            self._close("the Logon was rejected", clean=False, now=now, event=Input.LOGON_REJECTED)
            return
        self._apply(Input.RECEIVE)
        if error is None:
            error = errors.ExpectedLogon.from_template()
        self._events.append(FaultDetected(error, Action.IGNORED, message))

    def _on_logout(self, message: Message, now: float) -> None:
        text = message.get(Tag.TEXT)
        if self.state is State.LOGOUT_SENT:
            self._events.append(LoggedOut(text, False, from_message(message)))
            self._close("logged out", clean=True, now=now, event=Input.RECEIVE_LOGOUT)
        elif self.state is State.LOGON_SENT:  # the Logon was refused
            self._events.append(LoggedOut(text, True, from_message(message)))
            self._close(PEER_LOGGED_OUT, clean=False, now=now, event=Input.RECEIVE_LOGOUT)
        elif self.state is State.ACTIVE:
            # Answer, then read on until the peer closes: its answers to requests still in
            # flight (-1035 LOGGED_OUT) reach the application instead of being cut off.
            self._send_logout(now, None)
            self._apply(Input.RECEIVE_LOGOUT)
            self._logout_deadline = now + LOGOUT_LINGER_S
            self._events.append(LoggedOut(text, True, from_message(message)))
