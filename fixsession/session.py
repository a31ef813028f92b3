"""The sans-I/O FIX session, in both roles: a gateway's Initiator and a Binance-like Acceptor.

Owns the session layer: Logon (signed by the initiator, verified by the acceptor with every
rule Binance applies), sequence numbers (+1 exactly, 32-bit with rollover, no resend),
heartbeats and TestRequest, the Logout handshake, News<B> maintenance, what each session type
allows, market-data subscriptions, and message limits (enforced by the acceptor, paced by the
initiator). Bytes and an explicit ``now`` (monotonic seconds) go in through
``receive_data``/``tick``; events and bytes to send come out of ``events()`` and
``data_to_send()``; ``next_deadline()`` says when to call ``tick``. The wall clock for
SendingTime(52) is injected. The peer's faults never raise: the session rejects, or logs out
and closes, and reports what it did as an event. Only a caller's misuse raises. No I/O, no
clock reads, no asyncio.
"""

from __future__ import annotations

import collections
import re
import uuid as uuid_module
from collections.abc import Callable, Sequence
from typing import Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixsession import binance, errors
from fixsession.binance import RULES, Accounts, SessionRules
from fixsession.dictionary import MARKET_DATA, ORDER_ENTRY, Dictionary
from fixsession.errors import BinanceError, GarbledMessage, from_message
from fixsession.events import (
    Action,
    Closed,
    Event,
    FaultDetected,
    LoggedOn,
    LoggedOut,
    MessageReceived,
    NewsReceived,
    Request,
)
from fixsession.framing import DEFAULT_MAX_FRAME_SIZE, Framer, Garbled
from fixsession.message import Message
from fixsession.spec import SERVER_COMP_ID, MsgType, SessionType, Tag
from fixsession.state import Input, State, transition
from fixsession.validation import Validator

WallClock = Callable[[], float]
"""Seconds since the epoch (``time.time`` in production; anything in tests and replays)."""

LOGOUT_ACKNOWLEDGMENT: Final = "Logout acknowledgment."
_PEER_LOGGED_OUT: Final = "logged out by the peer"
# Texts Binance does not document; ours, for the Logouts it sends without an error code.
TEST_REQUEST_TIMEOUT_TEXT: Final = "TestRequest unanswered."
MAINTENANCE_TEXT: Final = "Disconnected for maintenance."
NEWS_COUNTDOWN: Final = "You'll be disconnected in %d seconds. Please reconnect."
NEWS_LAST: Final = "Your connection is about to be closed. Please reconnect."
NEWS_INTERVAL_S: Final = 10.0
_SEQNUM_MODULUS: Final = 2**32
_HEADER: Final = (Tag.MSG_SEQ_NUM, Tag.SENDER_COMP_ID, Tag.SENDING_TIME, Tag.TARGET_COMP_ID)
_HEADER_TAGS: Final = frozenset({*_HEADER, Tag.RECV_WINDOW, 8, 9, 10})
_SESSION_TYPES: Final = frozenset(
    {MsgType.HEARTBEAT, MsgType.TEST_REQUEST, MsgType.LOGON, MsgType.LOGOUT}
)
_COUNTDOWN: Final = re.compile(r"You'll be disconnected in ([0-9]{1,9}) seconds")
_MAX_TRACKED_REQUESTS: Final = 10_000
PRE_LOGON_MAX_FRAME_SIZE: Final = 4096
"""Before Logon, the largest frame a session waits for (a Logon, or its answer, is a few
hundred bytes): a peer cannot make it hold more until it has logged on."""
LOGOUT_LINGER_S: Final = 2.0
"""How long an initiator reads after answering the peer's Logout, for the peer's answers to
requests still in flight (Binance's -1035), before it closes the connection itself."""
_BEFORE_LOGON: Final = frozenset({State.CONNECTED, State.AWAITING_LOGON, State.LOGON_SENT})


def dictionary_for(session_type: SessionType) -> Dictionary:
    """The built-in dictionary a session of this type speaks."""
    return MARKET_DATA if session_type is SessionType.MARKET_DATA else ORDER_ENTRY


class Session:
    """What both roles share. Use ``Initiator`` or ``Acceptor``."""

    def __init__(
        self,
        *,
        state: State,
        session_type: SessionType,
        sender_comp_id: str,
        target_comp_id: str,
        heart_bt_int: int,
        wall_clock: WallClock,
        now: float,
        validator: Validator | None,
        rules: SessionRules,
        sending_time_digits: int,
        max_frame_size: int,
        logon_timeout: float,
        pre_logon_max_frame_size: int,
    ) -> None:
        self.state = state
        self.session_type = session_type
        self.sender_comp_id = sender_comp_id
        self.target_comp_id = target_comp_id
        self.heart_bt_int = heart_bt_int
        self.rules = rules
        self._wall_clock = wall_clock
        self._validator = validator
        self._sending_time_digits = sending_time_digits
        self._framer = Framer(max_frame_size=max_frame_size)
        self._received_bytes = 0
        self._pre_logon_max_frame_size = pre_logon_max_frame_size
        self._outbound: list[bytes] = []
        self._events: list[Event] = []
        self.next_outbound_seq = 1
        self.next_expected_seq = 1
        self._last_sent = now
        self._last_received = now
        self._test_request: tuple[str, float] | None = None  # TestReqID, answer deadline
        self._test_requests_sent = 0
        self._logon_deadline: float | None = now + logon_timeout
        self._logout_deadline: float | None = None
        self._pacer: binance.Pacer | None = None  # an initiator's: it counts what is sent
        self._received_window = binance._Window(rules.message_limit)

    # -- what goes in --------------------------------------------------------------------------

    def receive_data(self, data: bytes, now: float) -> None:
        """Bytes from the peer."""
        if self.state is State.CLOSED or not data:
            return
        self._received_bytes += len(data)
        for item in self._framer.feed(data):
            self._last_received = now
            if isinstance(item, Garbled):
                self._on_garbled(item, now)
            else:
                message, fault = self._parse(item)
                self._on_message(message, fault, now)
            if self.closed:
                return
        if self.state in _BEFORE_LOGON:
            self._check_before_logon(now)

    def _check_before_logon(self, now: float) -> None:
        """Before Logon, the peer may not make the session wait for a frame larger than
        ``pre_logon_max_frame_size``: it is refused at once (as a wrong BodyLength)."""
        if self._framer.pending > self._pre_logon_max_frame_size:
            error = GarbledMessage.from_template(template=3, ref_tag_id=9)
            self._fault_before_logon(error, now)

    def fail(self, now: float) -> None:
        """End the session after an unexpected error in its owner or in this code (a bug).

        The peer is told, with a Logout carrying -1001's text when logged on, and the session
        closes as after a Logout (an acceptor's account keeps no CompID held for it), so
        every resource the connection holds can be released.
        """
        if self.state is State.CLOSED:
            return
        error = errors.Disconnected.from_template()
        try:
            if self.state in (State.ACTIVE, State.LOGOUT_SENT):
                self._send_logout(now, error.text)
        finally:
            self._events.append(FaultDetected(error, Action.LOGGED_OUT))
            self._close(error.text, clean=True, now=now, event=Input.FAULT)

    def connection_lost(self, now: float) -> None:
        """The connection is gone (closed by the peer, or failed)."""
        if self.state is State.LOGOUT_RECEIVED:
            self._close(_PEER_LOGGED_OUT, clean=True, now=now, event=Input.CONNECTION_LOST)
        elif self.state is not State.CLOSED:
            self._close("connection lost", clean=False, now=now, event=Input.CONNECTION_LOST)

    def tick(self, now: float) -> None:
        """Run every timer due by ``now`` (see ``next_deadline``)."""
        if self.state is State.CLOSED:
            return
        if self._logon_deadline is not None and now >= self._logon_deadline:
            self._close("no Logon in time", clean=False, now=now, event=Input.TIMEOUT)
            return
        if self._logout_deadline is not None and now >= self._logout_deadline:
            if self.state is State.LOGOUT_RECEIVED:  # the peer did not close: close now
                self._close(_PEER_LOGGED_OUT, clean=True, now=now, event=Input.TIMEOUT)
            else:
                self._close("no Logout answer in time", clean=False, now=now, event=Input.TIMEOUT)
            return
        if self.state is not State.ACTIVE:
            return
        if self._test_request is not None and now >= self._test_request[1]:
            self._send_logout(now, TEST_REQUEST_TIMEOUT_TEXT)
            self._close(TEST_REQUEST_TIMEOUT_TEXT, clean=False, now=now, event=Input.TIMEOUT)
            return
        if self._test_request is None and now - self._last_received >= self.heart_bt_int:
            self._test_requests_sent += 1
            test_req_id = f"{self.sender_comp_id}-{self._test_requests_sent}"
            self._send_admin(MsgType.TEST_REQUEST, [(Tag.TEST_REQ_ID, test_req_id)], now)
            self._test_request = (test_req_id, now + self.heart_bt_int)
        if now - self._last_sent >= self.heart_bt_int:
            self._send_admin(MsgType.HEARTBEAT, [], now)
        self._tick_role(now)

    def next_deadline(self) -> float | None:
        """When ``tick`` must next run; None when the session is closed."""
        if self.state is State.CLOSED:
            return None
        deadlines = [d for d in (self._logon_deadline, self._logout_deadline) if d is not None]
        if self.state is State.ACTIVE:
            deadlines.append(self._last_sent + self.heart_bt_int)
            if self._test_request is not None:
                deadlines.append(self._test_request[1])
            else:
                deadlines.append(self._last_received + self.heart_bt_int)
            role = self._role_deadline()
            if role is not None:
                deadlines.append(role)
        return min(deadlines) if deadlines else None

    # -- what comes out ------------------------------------------------------------------------

    def events(self) -> list[Event]:
        """The events since the last call, in order."""
        events, self._events = self._events, []
        return events

    def data_to_send(self) -> bytes:
        """The bytes to write to the peer since the last call, in MsgSeqNum order."""
        data = b"".join(self._outbound)
        self._outbound.clear()
        return data

    @property
    def closed(self) -> bool:
        """The session is over; once ``data_to_send`` is written, close the connection."""
        return self.state is State.CLOSED

    # -- sending ---------------------------------------------------------------------------------

    def logout(self, now: float, text: str | None = None) -> None:
        """Start the Logout handshake (or just close, if not logged on yet)."""
        if self.state is State.ACTIVE:
            self._send_logout(now, text)
            self.state = transition(self.state, Input.SEND_LOGOUT)
            self._logout_deadline = now + max(self.heart_bt_int, 1)
        elif self.state is State.LOGOUT_RECEIVED:  # already answered: just close
            self._close(_PEER_LOGGED_OUT, clean=True, now=now, event=Input.SEND_LOGOUT)
        elif self.state is not State.LOGOUT_SENT:
            self._close("logged out before logon", clean=False, now=now, event=Input.SEND_LOGOUT)

    def _encode(
        self,
        msg_type: str,
        body: Message | Sequence[tuple[int, str]],
        now: float,
        sending_time: str | None = None,
    ) -> int:
        """Frame and queue a message with this session's header; its MsgSeqNum."""
        return self._queue(self._frame(msg_type, body, sending_time), now)

    def _frame(
        self, msg_type: str, body: Message | Sequence[tuple[int, str]], sending_time: str | None
    ) -> bytes:
        """A message with this session's header and its next MsgSeqNum (not queued yet)."""
        seq = self.next_outbound_seq
        if sending_time is None:
            sending_time = binance.format_sending_time(
                self._wall_clock(), self._sending_time_digits
            )
        header = [str(seq), self.sender_comp_id, sending_time, self.target_comp_id]
        pairs: Sequence[tuple[int, str]]
        if isinstance(body, Message):
            pairs = [(tag, value) for tag, value in body if tag not in _HEADER_TAGS]
        else:
            pairs = body
        tags = (*_HEADER, *self._extra_header_tags(), *(tag for tag, _ in pairs))
        values = (*header, *self._extra_header_values(), *(value for _, value in pairs))
        return Message._trusted(msg_type, tags, values).encode()

    def _queue(self, frame: bytes, now: float) -> int:
        """Queue a frame made by ``_frame``; its MsgSeqNum, now used up."""
        seq = self.next_outbound_seq
        self._outbound.append(frame)
        self.next_outbound_seq = (seq + 1) % _SEQNUM_MODULUS
        self._last_sent = now
        if self._pacer is not None:
            self._pacer.sent(now)
        return seq

    def _extra_header_tags(self) -> tuple[int, ...]:
        return ()

    def _extra_header_values(self) -> tuple[str, ...]:
        return ()

    def _send_admin(self, msg_type: str, body: Sequence[tuple[int, str]], now: float) -> int:
        return self._encode(msg_type, body, now)

    def _send_logout(self, now: float, text: str | None) -> None:
        self._send_admin(MsgType.LOGOUT, [(Tag.TEXT, text)] if text else [], now)

    # -- closing ---------------------------------------------------------------------------------

    def _close(self, reason: str, *, clean: bool, now: float, event: Input) -> None:
        self.state = transition(self.state, event)
        self._logon_deadline = self._logout_deadline = self._test_request = None
        self._closed(clean, now)
        self._events.append(Closed(reason, clean))

    def _closed(self, clean: bool, now: float) -> None:
        """What a role does when its session ends."""

    # -- receiving (shared) ----------------------------------------------------------------------

    def _parse(self, frame: bytes) -> tuple[Message, BinanceError | None]:
        if self._validator is None:
            return Message.decode(frame), None
        return self._validator.parse(frame)

    def _check_sequence(self, message: Message) -> int | None:
        """The message's MsgSeqNum if it is the one expected (which then moves on); else
        the expected number, negated minus one, i.e. ``~expected``; None if it has none."""
        try:
            seq = message.get_int(Tag.MSG_SEQ_NUM)
        except ValueError:
            return None
        if seq is None:
            return None
        expected = self.next_expected_seq
        if seq != expected:
            return ~expected
        self.next_expected_seq = (expected + 1) % _SEQNUM_MODULUS
        return seq

    def _on_heartbeat(self, message: Message) -> None:
        if self._test_request is not None and message.get(Tag.TEST_REQ_ID) == self._test_request[0]:
            self._test_request = None

    def _on_test_request(self, message: Message, now: float) -> None:
        if self.state is State.LOGOUT_RECEIVED:
            return  # the Logout was our last word
        test_req_id = message.get(Tag.TEST_REQ_ID)
        self._send_admin(
            MsgType.HEARTBEAT, [(Tag.TEST_REQ_ID, test_req_id)] if test_req_id else [], now
        )

    # -- role hooks --------------------------------------------------------------------------------

    def _on_garbled(self, item: Garbled, now: float) -> None:
        raise NotImplementedError

    def _fault_before_logon(
        self,
        error: BinanceError,
        now: float,
        ref_seq_num: int | None = None,
        ref_msg_type: str | None = None,
    ) -> None:
        """Something the peer sent before Logon that ends the session."""
        raise NotImplementedError

    def _on_message(self, message: Message, fault: BinanceError | None, now: float) -> None:
        raise NotImplementedError

    def _tick_role(self, now: float) -> None:
        """Timers of one role (the acceptor's maintenance countdown)."""

    def _role_deadline(self) -> float | None:
        return None


# ================================================================================================
# The initiator: a gateway's side.


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
    ) -> None:
        if not 5 <= heart_bt_int <= 60:
            raise ValueError("HeartBtInt must be 5 to 60 seconds")
        if message_handling not in (1, 2) or response_mode not in (None, 1, 2):
            raise ValueError("MessageHandling is 1 or 2; ResponseMode is 1 or 2")
        if recv_window_ms is not None and not 0 < recv_window_ms <= binance.MAX_RECV_WINDOW_MS:
            raise ValueError("RecvWindow must be above 0 and at most 60000 ms")
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
            validator=Validator(dictionary, enums=False) if validate else None,
            rules=rules,
            sending_time_digits=3,
            max_frame_size=max_frame_size,
            logon_timeout=logon_timeout,
            pre_logon_max_frame_size=pre_logon_max_frame_size,
        )
        self._logon_timeout = logon_timeout  # also bounds how long it waits to be told to log on
        self.api_key = api_key
        self._private_key = private_key
        self.message_handling = message_handling
        self.response_mode = response_mode
        self.recv_window_ms = recv_window_ms
        self._outbound_validator = Validator(dictionary, header=False) if validate else None
        self._pacer = binance.Pacer(rules.message_limit, pacing_margin, pacing_slack)
        self._requests: collections.OrderedDict[int, Request] = collections.OrderedDict()
        self._requests_by_id: dict[tuple[int, str], Request] = {}

    def __repr__(self) -> str:  # never shows the private key
        return f"Initiator({self.sender_comp_id!r}, {self.session_type.value}, {self.state.value})"

    def _extra_header_tags(self) -> tuple[int, ...]:
        return (Tag.RECV_WINDOW,) if self.recv_window_ms is not None else ()

    def _extra_header_values(self) -> tuple[str, ...]:
        return (f"{self.recv_window_ms:g}",) if self.recv_window_ms is not None else ()

    def logon(self, now: float) -> None:
        """Send the Logon, signed with the private key (ResetSeqNumFlag=Y: MsgSeqNum 1)."""
        self.state = transition(self.state, Input.SEND_LOGON)
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
        self._encode(MsgType.LOGON, body, now, sending_time)  # the SendingTime it signed
        self._logon_deadline = now + self._logon_timeout

    def send(self, message: Message, now: float, *, validate: bool = True) -> int:
        """Send an application message; its MsgSeqNum.

        Header fields in ``message`` are replaced by the session's. Raises the typed error
        (e.g. ``MandatoryParamEmptyOrMalformed``) if Binance's dictionary rejects the message,
        and ``SessionStateError`` unless logged on. ``validate=False`` sends it anyway, to
        see what the peer answers.
        """
        self.state = transition(self.state, Input.SEND)
        if validate and self._outbound_validator is not None:
            body = Message._trusted(
                message.msg_type,
                tuple(tag for tag in message.tags if tag not in _HEADER_TAGS),
                tuple(v for t, v in message if t not in _HEADER_TAGS),
            )
            fault = self._outbound_validator.validate(body)
            if fault is not None:
                raise fault
        seq = self._encode(message.msg_type, message, now)
        self._track(message, seq)
        return seq

    def pacing_delay(self, now: float) -> float:
        """Seconds to wait before sending keeps the session under its message limit (see
        ``binance.Pacer`` for the margin and slack, set by ``pacing_margin`` and
        ``pacing_slack``)."""
        assert self._pacer is not None
        return self._pacer.delay(now)

    def _track(self, message: Message, seq: int) -> None:
        request = Request(
            seq, message.msg_type, message.get(Tag.CL_ORD_ID), message.get(Tag.MD_REQ_ID),
            message.get(Tag.REQ_ID) or message.get(Tag.INSTRUMENT_REQ_ID),
        )  # fmt: skip
        self._requests[seq] = request
        for kind, key in (
            (11, request.cl_ord_id),
            (262, request.md_req_id),
            (6136, request.req_id),
        ):
            if key is not None:
                self._requests_by_id[(kind, key)] = request
        if len(self._requests) > _MAX_TRACKED_REQUESTS:
            _, old = self._requests.popitem(last=False)
            for kind, key in ((11, old.cl_ord_id), (262, old.md_req_id), (6136, old.req_id)):
                if key is not None and self._requests_by_id.get((kind, key)) is old:
                    del self._requests_by_id[(kind, key)]

    def request_for(self, message: Message) -> Request | None:
        """The request this session sent that ``message`` answers, if it can tell."""
        if message.msg_type == MsgType.REJECT:
            try:
                ref = message.get_int(Tag.REF_SEQ_NUM)
            except ValueError:
                return None
            return self._requests.get(ref) if ref is not None else None
        for kind, tag in (
            (11, Tag.CL_ORD_ID), (262, Tag.MD_REQ_ID), (6136, Tag.REQ_ID),
            (6136, Tag.INSTRUMENT_REQ_ID),
        ):  # fmt: skip
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
        if self.state is State.CONNECTED:
            error: BinanceError = errors.ExpectedLogon.from_template()
            self._events.append(FaultDetected(error, Action.CLOSED, message))
            self._close(
                "the peer spoke before the Logon", clean=False, now=now, event=Input.RECEIVE
            )
            return
        seq = self._check_sequence(message)
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
        msg_type = message.msg_type
        if msg_type == MsgType.LOGON:
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
        else:
            self.state = transition(self.state, Input.RECEIVE)
            self._events.append(
                MessageReceived(message, from_message(message), self.request_for(message))
            )

    def _on_logon_response(self, message: Message, now: float) -> None:
        if self.state is not State.LOGON_SENT:
            error = errors.AlreadyLoggedIn.from_template()
            self._events.append(FaultDetected(error, Action.IGNORED, message))
            return
        self.state = transition(self.state, Input.LOGON_ACCEPTED)
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
        self.state = transition(self.state, Input.RECEIVE)
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
            self._close(_PEER_LOGGED_OUT, clean=False, now=now, event=Input.RECEIVE_LOGOUT)
        elif self.state is State.ACTIVE:
            # Answer, then read on until the peer closes: its answers to requests still in
            # flight (-1035 LOGGED_OUT) reach the application instead of being cut off.
            self._send_logout(now, None)
            self.state = transition(self.state, Input.RECEIVE_LOGOUT)
            self._logout_deadline = now + LOGOUT_LINGER_S
            self._events.append(LoggedOut(text, True, from_message(message)))


# ================================================================================================
# The acceptor: Binance's side.


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
    application, which answers with ``send``.
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
        max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
        pre_logon_max_frame_size: int = PRE_LOGON_MAX_FRAME_SIZE,
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
            validator=Validator(dictionary_for(session_type)),
            rules=rules or accounts.rules[session_type],
            sending_time_digits=6,
            max_frame_size=max_frame_size,
            logon_timeout=logon_timeout,
            pre_logon_max_frame_size=pre_logon_max_frame_size,
        )
        self.accounts = accounts
        self.address = address
        self.uuid = uuid or str(uuid_module.uuid4())
        self.username: str | None = None
        self.response_mode = 1
        self._logon_failure = logon_failure
        self._logout_on_low_seq_num = logout_on_low_seq_num
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
        self.state = transition(self.state, Input.SEND)
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
                self._queue(reject, now)
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
        if self.state is State.AWAITING_LOGON:
            # Replies go to the CompID the client calls itself, even when the Logon fails.
            self.target_comp_id = _comp_id(message.get(Tag.SENDER_COMP_ID))
            if self._refused is not None:
                self._reject_and_close(self._refused, message, now, Input.LOGON_REJECTED)
                return
        if self.state is State.AWAITING_LOGON and msg_type != MsgType.LOGON:
            error = errors.ExpectedLogon.from_template(ref_msg_type=msg_type)
            self._reject_and_close(error, message, now, Input.RECEIVE)
            return
        seq = self._check_sequence(message)
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
        if self.state is State.AWAITING_LOGON:
            self._on_logon(message, fault, now)
            return
        sender = message.get(Tag.SENDER_COMP_ID)
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
        sending_time = message.get(Tag.SENDING_TIME)
        if sending_time is None:
            return None
        window_text = message.get(Tag.RECV_WINDOW)
        window = default_window
        if window_text is not None:
            try:
                window = float(window_text)
            except ValueError:
                window = default_window
        return binance.sending_time_fault(sending_time, window, self._wall_clock())

    def _dispatch(self, message: Message, now: float) -> None:
        msg_type = message.msg_type
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
                self.state = transition(self.state, Input.RECEIVE_LOGOUT)
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
        self.state = transition(self.state, Input.LOGON_ACCEPTED)
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

    def _logon_fault(self, message: Message, now: float) -> BinanceError | None:
        """Binance's Logon rules, in the order checked (digest §2)."""
        for tag in self._LOGON_REQUIRED:
            if tag not in message:
                return errors.MandatoryParamEmptyOrMalformed.from_template(
                    tag, template=3, ref_tag_id=tag
                )
        heart_bt_int = message.get(Tag.HEART_BT_INT) or ""
        for tag, good in (
            (Tag.ENCRYPT_METHOD, message.get(Tag.ENCRYPT_METHOD) == "0"),
            (Tag.HEART_BT_INT, heart_bt_int.isdigit() and 5 <= int(heart_bt_int) <= 60),
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
        if len(active) + len(streams) > self.rules.max_streams:
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
