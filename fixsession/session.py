"""The sans-I/O FIX session: what a gateway's Initiator and the venue's Acceptor share.

Owns one connection's session layer in either role: framing and validating what arrives,
sequence numbers (+1 exactly, 32-bit with rollover, no resend), heartbeats and TestRequest,
the Logout handshake, the message-limit window, and the bounds before Logon. Bytes and an
explicit ``now`` (monotonic seconds) go in through ``receive_data``/``tick``; events and bytes
to send come out of ``events()`` and ``data_to_send()``; ``next_deadline()`` says when to call
``tick``. Every change of state goes through ``_apply`` and the transition table. The roles
are ``initiator.Initiator`` and ``venue.acceptor.Acceptor``. The peer's faults never raise;
only a caller's misuse does. No I/O, no clock reads, no asyncio.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Sequence
from typing import Final

from fixsession import _moved, binance, errors
from fixsession.binance import SessionRules
from fixsession.dictionary import MARKET_DATA, ORDER_ENTRY, Dictionary
from fixsession.errors import BinanceError, GarbledMessage
from fixsession.events import (
    Action,
    Closed,
    Event,
    FaultDetected,
)
from fixsession.framing import Framer, Garbled
from fixsession.message import Message, encode_fields, encode_headed
from fixsession.sbewire import Encoding, SbeWire
from fixsession.spec import MsgType, SessionType, Tag
from fixsession.state import ACTIVE, CLOSED, TRANSITIONS, Input, State, transition
from fixsession.validation import Validator

WallClock = Callable[[], float]
"""Seconds since the epoch (``time.time`` in production; anything in tests and replays)."""

TLS_ON_PLAIN_TEXT: Final = (
    "the peer speaks TLS on this plain TCP connection: use TLS on both sides "
    "(fixsession.connect(tls=True or an SSLContext); fixsession serve --tls-cert/--tls-key) "
    "or plain TCP on both (tls=False; serve --plain)"
)
"""Why a session closed whose peer's first bytes were a TLS record."""
_TLS_RECORDS: Final = frozenset((b"\x15", b"\x16"))  # alert, handshake (then 3, the version)

PEER_LOGGED_OUT: Final = "logged out by the peer"
# Texts Binance does not document; ours, for the Logouts it sends without an error code.
TEST_REQUEST_TIMEOUT_TEXT: Final = "TestRequest unanswered."
NEWS_LAST: Final = "Your connection is about to be closed. Please reconnect."
SEQNUM_MODULUS: Final = 2**32
_HEADER: Final = tuple(
    map(int, (Tag.MSG_SEQ_NUM, Tag.SENDER_COMP_ID, Tag.SENDING_TIME, Tag.TARGET_COMP_ID))
)
HEADER_TAGS: Final = frozenset({*_HEADER, Tag.RECV_WINDOW, 8, 9, 10})
_MSG_SEQ_NUM: Final = int(Tag.MSG_SEQ_NUM)  # (read per message: an int compares faster)
PRE_LOGON_MAX_FRAME_SIZE: Final = 4096
"""Before Logon, the largest frame a session waits for (a Logon, or its answer, is a few
hundred bytes): a peer cannot make it hold more until it has logged on."""
LOGOUT_LINGER_S: Final = 2.0
"""How long an initiator reads after answering the peer's Logout, for the peer's answers to
requests still in flight (Binance's -1035), before it closes the connection itself."""
_MAX_HELD: Final = 4096  # frames held behind a Logout, at most
_LOGOUT_MARK: Final = b"\x0135=5\x01"  # a frame's MsgType(35) is in its first 48 bytes
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
        encoding: Encoding = Encoding.FIX,
        venue: bool = False,
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
        # The header's tags after MsgType, and the values of those past the four every
        # message has (a role's own: an initiator's RecvWindow).
        self._header_tags: tuple[int, ...] = _HEADER
        self._header_values: tuple[str, ...] = ()
        self.encoding = encoding
        self._sbe: SbeWire | None = None  # FIX SBE in a direction: it frames and encodes
        self._framer: Framer | SbeWire = Framer(max_frame_size=max_frame_size)
        if encoding is not Encoding.FIX:
            self._framer = self._sbe = SbeWire(encoding, venue=venue, max_frame_size=max_frame_size)
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
        self._received_window = binance.Window(rules.message_limit)
        self._held: list[bytes | Garbled] = []  # frames behind a Logout (see _process)
        self._held_since = now
        self.sent_counts: collections.Counter[str] | None = None
        """Where to count each frame queued, by MsgType (an owner's ``Stats``), if anywhere."""

    # -- what goes in --------------------------------------------------------------------------

    def receive_data(self, data: bytes, now: float) -> None:
        """Bytes from the peer."""
        if self.state is CLOSED or not data:
            return
        first = not self._received_bytes
        self._received_bytes += len(data)
        if first and data[1:2] == b"\x03" and data[:1] in _TLS_RECORDS:
            # A TLS record (a ClientHello, an alert) first: TLS on one side only. Closed at
            # once, with a reason that says so: nothing FIX can answer would be read.
            self._close(TLS_ON_PLAIN_TEXT, clean=False, now=now, event=Input.FAULT)
            return
        items = self._framer.feed(data)
        if items:
            self._last_received = now
        if self._held:  # frames wait behind a Logout (see _process): keep their order
            self._held += items
            if len(self._held) <= _MAX_HELD:
                return
            items, self._held = self._held, []  # an owner that never ticks: read them now
        self._process(items, now)

    def _process(self, items: list[bytes | Garbled], now: float) -> None:
        """Handle the frames of one read in order. A Logout that follows messages the owner
        has not yet been given is held, with what comes after it, until ``tick`` (due at
        once, see ``next_deadline``): the owner answers those messages first, as Binance
        does, and only then is the Logout answered."""
        validator = self._validator
        index, count = 0, len(items)
        while index < count:
            item = items[index]
            if index and type(item) is bytes and _LOGOUT_MARK in item[:48] and self._events:
                self._held = items[index:]
                self._held_since = now
                return
            if type(item) is bytes:
                taken = self._stream(items, index)
                if taken:  # a run of market data, taken at once
                    index += taken
                    continue
                if validator is not None:
                    message, fault = validator.parse(item)
                else:
                    message, fault = Message.decode(item), None
                if self._sbe is not None and fault is None:
                    fault = self._sbe.fault(message)
                self._on_message(message, fault, now)
            else:
                assert isinstance(item, Garbled)
                self._on_garbled(item, now)
            index += 1
            if self.state is CLOSED:
                return
        if self._sbe is not None and self._sbe.broken is not None:
            self._end_broken_stream(self._sbe.broken, now)
            return
        if self.state in _BEFORE_LOGON:
            self._check_before_logon(now)

    def _end_broken_stream(self, error: BinanceError, now: float) -> None:
        """An SBE stream that cannot be followed (its fault already answered): log out if
        logged on, and close."""
        if self.state in (State.ACTIVE, State.LOGOUT_RECEIVED):
            self._send_logout(now, error.text)
        self._events.append(FaultDetected(error, Action.CLOSED))
        self._close(error.text, clean=False, now=now, event=Input.FAULT)

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
        if self._held and self.state is not State.CLOSED:  # what it sent first is read first
            held, self._held = self._held, []
            self._process(held, now)
        if self.state is State.LOGOUT_RECEIVED:
            self._close(PEER_LOGGED_OUT, clean=True, now=now, event=Input.CONNECTION_LOST)
        elif self.state is not State.CLOSED:
            self._close("connection lost", clean=False, now=now, event=Input.CONNECTION_LOST)

    def tick(self, now: float) -> None:
        """Run every timer due by ``now`` (see ``next_deadline``)."""
        if self.state is State.CLOSED:
            return
        if self._held:
            held, self._held = self._held, []
            self._process(held, now)
            if self.closed:
                return
        if self._logon_deadline is not None and now >= self._logon_deadline:
            self._close("no Logon in time", clean=False, now=now, event=Input.TIMEOUT)
            return
        if self._logout_deadline is not None and now >= self._logout_deadline:
            if self.state is State.LOGOUT_RECEIVED:  # the peer did not close: close now
                self._close(PEER_LOGGED_OUT, clean=True, now=now, event=Input.TIMEOUT)
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
        state = self.state
        if state is CLOSED:
            return None
        if self._held:
            return self._held_since  # at once: frames wait behind a Logout
        if state is ACTIVE and self._logout_deadline is None and self._logon_deadline is None:
            # (the usual case, after every read: the heartbeat timers and the role's)
            beat = self.heart_bt_int
            deadline = self._last_sent + beat
            test_request = self._test_request
            other = test_request[1] if test_request is not None else self._last_received + beat
            role = self._role_deadline()
            if other < deadline:
                deadline = other
            return deadline if role is None or deadline <= role else role
        deadlines = [d for d in (self._logon_deadline, self._logout_deadline) if d is not None]
        if state is State.ACTIVE:
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
    def queued(self) -> int:
        """Frames waiting in ``data_to_send``."""
        return len(self._outbound)

    @property
    def received_bytes(self) -> int:
        """Bytes received from the peer so far."""
        return self._received_bytes

    @property
    def closed(self) -> bool:
        """The session is over; once ``data_to_send`` is written, close the connection."""
        return self.state is CLOSED

    # -- sending ---------------------------------------------------------------------------------

    def logout(self, now: float, text: str | None = None) -> None:
        """Start the Logout handshake (or just close, if not logged on yet)."""
        if self.state is State.ACTIVE:
            self._send_logout(now, text)
            self._apply(Input.SEND_LOGOUT)
            self._logout_deadline = now + max(self.heart_bt_int, 1)
        elif self.state is State.LOGOUT_RECEIVED:  # already answered: just close
            self._close(PEER_LOGGED_OUT, clean=True, now=now, event=Input.SEND_LOGOUT)
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
        return self._queue(self._frame(msg_type, body, sending_time), msg_type, now)

    def _frame(
        self, msg_type: str, body: Message | Sequence[tuple[int, str]], sending_time: str | None
    ) -> bytes:
        """A message with this session's header and its next MsgSeqNum (not queued yet)."""
        if sending_time is None:
            sending_time = binance.format_sending_time(
                self._wall_clock(), self._sending_time_digits
            )
        header = (str(self.next_outbound_seq), self.sender_comp_id, sending_time,
                  self.target_comp_id, *self._header_values)  # fmt: skip
        if isinstance(body, Message):
            frame = encode_headed(
                msg_type, self._header_tags, header, body.tags, body.values, HEADER_TAGS
            )
            if frame is not None:
                return frame
        pairs = [(tag, value) for tag, value in body if tag not in HEADER_TAGS]
        tags = self._header_tags + tuple([tag for tag, _ in pairs])
        return encode_fields(msg_type, tags, header + tuple([value for _, value in pairs]))

    def _queue(self, frame: bytes, msg_type: str, now: float) -> int:
        """Queue a frame made by ``_frame`` for ``msg_type``; its MsgSeqNum, now used up."""
        seq = self.next_outbound_seq
        self._outbound.append(frame if self._sbe is None else self._sbe.outbound(frame))
        if self.sent_counts is not None:
            self.sent_counts[msg_type] += 1
        self.next_outbound_seq = (seq + 1) % SEQNUM_MODULUS
        self._last_sent = now
        if self._pacer is not None:
            self._pacer.sent(now)
        return seq

    def _send_admin(self, msg_type: str, body: Sequence[tuple[int, str]], now: float) -> int:
        return self._encode(msg_type, body, now)

    def _send_logout(self, now: float, text: str | None) -> None:
        self._send_admin(MsgType.LOGOUT, [(Tag.TEXT, text)] if text else [], now)

    # -- closing ---------------------------------------------------------------------------------

    def _apply(self, event: Input) -> None:
        """The one place the state changes: as the transition table says (SessionStateError
        where it says the input is a misuse in this state)."""
        following = TRANSITIONS[(self.state, event)]
        self.state = following if following is not None else transition(self.state, event)

    def _close(self, reason: str, *, clean: bool, now: float, event: Input) -> None:
        self._apply(event)
        self._logon_deadline = self._logout_deadline = self._test_request = None
        self._closed(clean, now)
        self._events.append(Closed(reason, clean))

    def _closed(self, clean: bool, now: float) -> None:
        """What a role does when its session ends."""

    # -- receiving (shared) ----------------------------------------------------------------------

    def _check_sequence(self, message: Message, valid: bool = False) -> int | None:
        """The message's MsgSeqNum if it is the one expected (which then moves on); else
        the expected number, negated minus one, i.e. ``~expected``; None if it has none.
        ``valid``: the dictionary found every value valid (MsgSeqNum is 1 to 9 digits)."""
        if valid:
            text = message.get(_MSG_SEQ_NUM)
            seq = int(text) if text is not None else None
        else:
            try:
                seq = message.get_int(Tag.MSG_SEQ_NUM)
            except ValueError:
                return None
        if seq is None:
            return None
        expected = self.next_expected_seq
        if seq != expected:
            return ~expected
        self.next_expected_seq = (expected + 1) % SEQNUM_MODULUS
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

    def _stream(self, items: list[bytes | Garbled], index: int) -> int:
        """How many of ``items``, from ``index``, a role took at once (none, here)."""
        return 0

    def _tick_role(self, now: float) -> None:
        """Timers of one role (the acceptor's maintenance countdown)."""

    def _role_deadline(self) -> float | None:
        return None


def __getattr__(name: str) -> object:  # names that moved elsewhere: old imports keep working
    return _moved.attribute(__name__, name)
