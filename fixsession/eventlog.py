"""The event log and the message log: what an on-call engineer reads.

Owns the library's logger names and the wording of its log lines. The event log
(``fixsession.session``) has one line per session event that matters: logon (CompIDs,
session type, the API key's first characters only), a fault the peer caused with its code,
text and what the session did, a reject received, News, logout, and the end of the session
with its reason. The message log (``fixsession.messages``, DEBUG) has one line per frame or
garbled region, each direction framed on its own, in the fixlog format after
``"<label>: "``, RawData(96) redacted: cut the label off and ``fixsession replay`` reads it.

Other loggers: ``fixsession.transport`` (connections, internal errors), ``fixsession.client``
(reconnects), ``fixsession.venue`` (the server: admissions, TLS, maintenance). The package
logger has a ``NullHandler``: an application that configures no logging sees nothing.

This module formats and hands lines to ``logging``; the handlers an application installs
decide where they go. No private key, signature or RawData value is ever in a line.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Final

from fixsession.captures import RECEIVED, SENT, Format, Record, format_record
from fixsession.events import (
    Closed,
    Event,
    FaultDetected,
    LoggedOn,
    LoggedOut,
    MessageReceived,
    NewsReceived,
)
from fixsession.recording import Pieces
from fixsession.session import Session

SESSION_LOG: Final = logging.getLogger("fixsession.session")
MESSAGE_LOG: Final = logging.getLogger("fixsession.messages")
KEY_SHOWN: Final = 8  # characters of an API key a log line shows
TEXT_SHOWN: Final = 200  # characters of a peer's text (Text, Headline, MsgType) a line shows


def shown(text: str, *, quoted: bool = True) -> str:
    """A peer's text as a log line quotes it (``repr``, or as it is unless ``quoted``); past
    ``TEXT_SHOWN`` characters, the ``repr`` of those and how many more there were (a peer
    does not choose how long lines are)."""
    if len(text) <= TEXT_SHOWN:
        return repr(text) if quoted else text
    return f"{text[:TEXT_SHOWN]!r}… ({len(text) - TEXT_SHOWN} more characters)"


def key_id(api_key: str | None) -> str:
    """An API key as a log shows it: its first characters only."""
    if not api_key:
        return "-"
    return api_key[:KEY_SHOWN] + ("…" if len(api_key) > KEY_SHOWN else "")


def label(session: Session) -> str:
    """Who a line is about: session type, the peer's address (an acceptor's), the CompIDs."""
    address = getattr(session, "address", None)
    where = f" {address}" if address else ""
    return (
        f"{session.session_type.value}{where} "
        f"{session.sender_comp_id or '?'}->{session.target_comp_id or '?'}"
    )


def describe(event: Event) -> tuple[int, str] | None:
    """The event log's level and text for ``event`` (None: not logged)."""
    if type(event) is MessageReceived:
        error = event.error
        if error is None:
            return None
        kind = shown(event.message.msg_type, quoted=False)
        return (
            logging.WARNING,
            f"reject received (MsgType {kind}): {error.code} {shown(error.text)}",
        )
    if isinstance(event, LoggedOn):
        key = f", API key {key_id(event.username)}" if event.username else ""
        return logging.INFO, (
            f"logged on as {event.sender_comp_id} with {event.target_comp_id}"
            f" ({event.session_type.value}, HeartBtInt {event.heart_bt_int}{key})"
        )
    if isinstance(event, FaultDetected):
        error = event.error
        return logging.WARNING, (
            f"the peer sent something wrong: {error.code} {shown(error.text)}; {event.action.value}"
        )
    if isinstance(event, NewsReceived):
        left = "" if event.seconds_left is None else f" ({event.seconds_left} s left)"
        return logging.WARNING, f"News: {shown(event.headline)}{left}"
    if isinstance(event, LoggedOut):
        who = "the peer" if event.by_peer else "this side"
        code = f" [{event.error.code}]" if event.error is not None else ""
        text = shown(event.text) if event.text else "no Text"
        return logging.INFO, f"logged out by {who}: {text}{code}"
    if isinstance(event, Closed):
        how = "after a Logout handshake" if event.clean else "without a Logout handshake"
        return logging.INFO, f"session over {how}: {shown(event.reason, quoted=False)}"
    return None


def log_events(session: Session, events: Iterable[Event]) -> None:
    """Write the event log's lines for ``events`` (nothing when the logger is off)."""
    if not SESSION_LOG.isEnabledFor(logging.INFO):
        return
    who: str | None = None
    for event in events:
        line = describe(event)
        if line is not None and SESSION_LOG.isEnabledFor(line[0]):
            who = who or label(session)
            SESSION_LOG.log(line[0], "%s: %s", who, line[1])


class MessageLog:
    """One connection's message log: its bytes, framed per direction, one line per piece."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._pieces = {SENT: Pieces(), RECEIVED: Pieces()}

    @staticmethod
    def wanted() -> bool:
        """Whether the message log is on (checked when a connection opens)."""
        return MESSAGE_LOG.isEnabledFor(logging.DEBUG)

    def add(self, data: bytes, *, sent: bool, epoch: float, close: bool = False) -> None:
        """Log the frames in ``data`` (sent or received at ``epoch``), RawData redacted."""
        direction = SENT if sent else RECEIVED
        pieces = self._pieces[direction].take(data, close)
        if not pieces:
            return
        who = label(self.session)
        for piece in pieces:
            line = format_record(Record(piece, direction, epoch), Format.FIXLOG)
            MESSAGE_LOG.debug("%s: %s", who, line.rstrip(b"\n").decode("ascii", "replace"))

    def close(self, epoch: float) -> None:
        """Log what is left of a partial frame, then stop."""
        for sent in (True, False):
            self.add(b"", sent=sent, epoch=epoch, close=True)
