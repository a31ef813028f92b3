"""What a session tells its owner: frozen, slotted event records.

Owns the events ``Session.events()`` hands out. Pure data: the session decides what happened
and what it did about it; the owner (a gateway, the asyncio transport, an acceptor) acts on
them. No behaviour here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from fixsession.errors import BinanceError
from fixsession.message import Message
from fixsession.spec import SessionType


class Action(enum.Enum):
    """What the session did about something wrong the peer sent."""

    REJECTED = "rejected"  # answered with Reject<3> (or the message's own reject)
    IGNORED = "ignored"  # reported only
    LOGGED_OUT = "logged out"  # sent Logout and closed
    CLOSED = "closed"  # closed without Logout


@dataclass(frozen=True, slots=True)
class Request:
    """An application message this session sent, as the answers to it name it."""

    msg_seq_num: int
    msg_type: str
    cl_ord_id: str | None = None
    md_req_id: str | None = None
    req_id: str | None = None  # ReqID(6136) of a LimitQuery, InstrumentReqID(320) of a request


@dataclass(frozen=True, slots=True)
class LoggedOn:
    """The Logon handshake completed; messages may flow."""

    sender_comp_id: str  # this side's CompID
    target_comp_id: str  # the peer's
    heart_bt_int: int
    session_type: SessionType
    username: str | None = None  # the API key (an acceptor learns it from the Logon)
    uuid: str | None = None  # the acceptor instance's UUID(25037)
    logon: Message | None = None  # the Logon received


@dataclass(frozen=True, slots=True)
class MessageReceived:
    """A message for the application (everything but the session's own traffic).

    ``error`` is the typed error it carries, if it is a reject (Reject<3>, a rejected
    ExecutionReport, OrderCancelReject, MarketDataRequestReject, …); ``request`` is the
    request it answers, when the session could tell (by RefSeqNum, ClOrdID, MDReqID, ReqID).
    """

    message: Message
    error: BinanceError | None = None
    request: Request | None = None


@dataclass(frozen=True, slots=True)
class NewsReceived:
    """A News<B> from Binance: maintenance is coming; open a new session, close this one."""

    headline: str
    seconds_left: int | None  # from "You'll be disconnected in %d seconds."; None if not said


@dataclass(frozen=True, slots=True)
class FaultDetected:
    """The peer sent something wrong; ``action`` is what the session did about it."""

    error: BinanceError
    action: Action
    message: Message | None = None


@dataclass(frozen=True, slots=True)
class LoggedOut:
    """The session logged out: ``by_peer`` if the peer started it; ``error`` if its Text
    was one of Binance's error texts (e.g. TOO_MANY_MESSAGES)."""

    text: str | None
    by_peer: bool
    error: BinanceError | None = None


@dataclass(frozen=True, slots=True)
class Closed:
    """The session is over: close the connection. Nothing more will be sent."""

    reason: str
    clean: bool  # ended by a Logout handshake


Event = LoggedOn | MessageReceived | NewsReceived | FaultDetected | LoggedOut | Closed
