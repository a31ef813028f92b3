"""Session states and the one table of their transitions.

Owns which input moves a session from which state to which. ``TRANSITIONS`` has an entry
for every (state, input) pair: the next state, or None where the input is a caller's misuse
(sending before Logon, or after the end), which ``transition`` refuses with
``SessionStateError``. Inputs the peer causes always have a next state. Pure data.
"""

from __future__ import annotations

import enum
from typing import Final

from fixsession.errors import SessionStateError


class State(enum.Enum):
    """Where a session is in its life."""

    CONNECTED = "connected"  # initiator: connected, Logon not sent yet
    AWAITING_LOGON = "awaiting logon"  # acceptor: connected, no Logon received yet
    LOGON_SENT = "logon sent"  # initiator: waiting for the Logon response
    ACTIVE = "active"  # logged on
    LOGOUT_SENT = "logout sent"  # waiting for the peer's Logout
    LOGOUT_RECEIVED = "logout received"  # the peer logged out: answered, reading until it closes
    CLOSED = "closed"  # over: nothing more is sent

    __hash__ = object.__hash__  # members are singletons: hashing by identity is C-speed


class Input(enum.Enum):
    """What can happen to a session."""

    SEND_LOGON = "send logon"
    LOGON_ACCEPTED = "logon accepted"  # initiator: response received; acceptor: Logon valid
    LOGON_REJECTED = "logon rejected"
    RECEIVE = "receive"  # any other message from the peer (or a garbled frame)
    SEND = "send"  # the application sends a message
    SEND_LOGOUT = "send logout"
    RECEIVE_LOGOUT = "receive logout"
    TIMEOUT = "timeout"  # no Logon in time, TestRequest unanswered, no Logout answer
    FAULT = "fault"  # the peer did something that ends the session
    CONNECTION_LOST = "connection lost"

    __hash__ = object.__hash__


# The members read per message, as module names: on Python 3.11 every attribute read on an Enum
# class (``State.ACTIVE``) takes the slow path its metaclass's ``__getattr__`` makes, at about
# ten times a module name's cost. Per-message code imports these; the rest reads the classes.
ACTIVE: Final = State.ACTIVE
AWAITING_LOGON: Final = State.AWAITING_LOGON
CLOSED: Final = State.CLOSED
CONNECTED: Final = State.CONNECTED
SEND: Final = Input.SEND
RECEIVE: Final = Input.RECEIVE

_S = State
_I = Input
TRANSITIONS: Final[dict[tuple[State, Input], State | None]] = {
    # Initiator before Logon.
    (_S.CONNECTED, _I.SEND_LOGON): _S.LOGON_SENT,
    (_S.CONNECTED, _I.LOGON_ACCEPTED): None,
    (_S.CONNECTED, _I.LOGON_REJECTED): None,
    (_S.CONNECTED, _I.RECEIVE): _S.CLOSED,  # the server never speaks first
    (_S.CONNECTED, _I.SEND): None,
    (_S.CONNECTED, _I.SEND_LOGOUT): _S.CLOSED,
    (_S.CONNECTED, _I.RECEIVE_LOGOUT): _S.CLOSED,
    (_S.CONNECTED, _I.TIMEOUT): _S.CLOSED,
    (_S.CONNECTED, _I.FAULT): _S.CLOSED,
    (_S.CONNECTED, _I.CONNECTION_LOST): _S.CLOSED,
    # Acceptor before Logon.
    (_S.AWAITING_LOGON, _I.SEND_LOGON): None,
    (_S.AWAITING_LOGON, _I.LOGON_ACCEPTED): _S.ACTIVE,
    (_S.AWAITING_LOGON, _I.LOGON_REJECTED): _S.CLOSED,
    (_S.AWAITING_LOGON, _I.RECEIVE): _S.CLOSED,  # EXPECTED_LOGON, then close
    (_S.AWAITING_LOGON, _I.SEND): None,
    (_S.AWAITING_LOGON, _I.SEND_LOGOUT): _S.CLOSED,
    (_S.AWAITING_LOGON, _I.RECEIVE_LOGOUT): _S.CLOSED,
    (_S.AWAITING_LOGON, _I.TIMEOUT): _S.CLOSED,
    (_S.AWAITING_LOGON, _I.FAULT): _S.CLOSED,
    (_S.AWAITING_LOGON, _I.CONNECTION_LOST): _S.CLOSED,
    # Initiator waiting for the Logon response.
    (_S.LOGON_SENT, _I.SEND_LOGON): None,
    (_S.LOGON_SENT, _I.LOGON_ACCEPTED): _S.ACTIVE,
    (_S.LOGON_SENT, _I.LOGON_REJECTED): _S.CLOSED,
    (_S.LOGON_SENT, _I.RECEIVE): _S.LOGON_SENT,
    (_S.LOGON_SENT, _I.SEND): None,
    (_S.LOGON_SENT, _I.SEND_LOGOUT): _S.CLOSED,
    (_S.LOGON_SENT, _I.RECEIVE_LOGOUT): _S.CLOSED,
    (_S.LOGON_SENT, _I.TIMEOUT): _S.CLOSED,
    (_S.LOGON_SENT, _I.FAULT): _S.CLOSED,
    (_S.LOGON_SENT, _I.CONNECTION_LOST): _S.CLOSED,
    # Logged on.
    (_S.ACTIVE, _I.SEND_LOGON): None,
    (_S.ACTIVE, _I.LOGON_ACCEPTED): None,
    (_S.ACTIVE, _I.LOGON_REJECTED): None,
    (_S.ACTIVE, _I.RECEIVE): _S.ACTIVE,
    (_S.ACTIVE, _I.SEND): _S.ACTIVE,
    (_S.ACTIVE, _I.SEND_LOGOUT): _S.LOGOUT_SENT,
    (_S.ACTIVE, _I.RECEIVE_LOGOUT): _S.LOGOUT_RECEIVED,  # after the acknowledgment
    (_S.ACTIVE, _I.TIMEOUT): _S.CLOSED,  # after Logout
    (_S.ACTIVE, _I.FAULT): _S.CLOSED,  # after Logout
    (_S.ACTIVE, _I.CONNECTION_LOST): _S.CLOSED,
    # Waiting for the peer's Logout.
    (_S.LOGOUT_SENT, _I.SEND_LOGON): None,
    (_S.LOGOUT_SENT, _I.LOGON_ACCEPTED): None,
    (_S.LOGOUT_SENT, _I.LOGON_REJECTED): None,
    (_S.LOGOUT_SENT, _I.RECEIVE): _S.LOGOUT_SENT,
    (_S.LOGOUT_SENT, _I.SEND): None,
    (_S.LOGOUT_SENT, _I.SEND_LOGOUT): _S.LOGOUT_SENT,
    (_S.LOGOUT_SENT, _I.RECEIVE_LOGOUT): _S.CLOSED,
    (_S.LOGOUT_SENT, _I.TIMEOUT): _S.CLOSED,
    (_S.LOGOUT_SENT, _I.FAULT): _S.CLOSED,
    (_S.LOGOUT_SENT, _I.CONNECTION_LOST): _S.CLOSED,
    # The peer logged out and was answered: what it still sends is read until it closes (an
    # initiator's -1035 answers to orders in flight); an acceptor closes at once.
    (_S.LOGOUT_RECEIVED, _I.SEND_LOGON): None,
    (_S.LOGOUT_RECEIVED, _I.LOGON_ACCEPTED): None,
    (_S.LOGOUT_RECEIVED, _I.LOGON_REJECTED): None,
    (_S.LOGOUT_RECEIVED, _I.RECEIVE): _S.LOGOUT_RECEIVED,
    (_S.LOGOUT_RECEIVED, _I.SEND): None,
    (_S.LOGOUT_RECEIVED, _I.SEND_LOGOUT): _S.CLOSED,  # nothing more to say: close now
    (_S.LOGOUT_RECEIVED, _I.RECEIVE_LOGOUT): _S.LOGOUT_RECEIVED,
    (_S.LOGOUT_RECEIVED, _I.TIMEOUT): _S.CLOSED,
    (_S.LOGOUT_RECEIVED, _I.FAULT): _S.CLOSED,
    (_S.LOGOUT_RECEIVED, _I.CONNECTION_LOST): _S.CLOSED,
    # Over.
    (_S.CLOSED, _I.SEND_LOGON): None,
    (_S.CLOSED, _I.LOGON_ACCEPTED): None,
    (_S.CLOSED, _I.LOGON_REJECTED): None,
    (_S.CLOSED, _I.RECEIVE): _S.CLOSED,  # ignored
    (_S.CLOSED, _I.SEND): None,
    (_S.CLOSED, _I.SEND_LOGOUT): _S.CLOSED,
    (_S.CLOSED, _I.RECEIVE_LOGOUT): _S.CLOSED,
    (_S.CLOSED, _I.TIMEOUT): _S.CLOSED,
    (_S.CLOSED, _I.FAULT): _S.CLOSED,
    (_S.CLOSED, _I.CONNECTION_LOST): _S.CLOSED,
}


def transition(state: State, event: Input) -> State:
    """The state after ``event``; SessionStateError if the table does not allow it there."""
    following = TRANSITIONS[(state, event)]
    if following is None:
        raise SessionStateError(f"cannot {event.value} while {state.value}")
    return following
