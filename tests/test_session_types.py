"""The initiator's pre-send check gives the code the venue gives: every application message
type of Binance's dictionaries, on every session type, sent both ways."""

from __future__ import annotations

import pytest
from memory import make_pair

from fixsession.dictionary import BINANCE
from fixsession.errors import BinanceError
from fixsession.events import FaultDetected
from fixsession.message import Message
from fixsession.spec import SessionType

SESSION_LEVEL = {"0", "1", "2", "3", "4", "5", "A"}
APPLICATION = sorted(set(BINANCE.messages) - SESSION_LEVEL)


def local_code(session_type: SessionType, msg_type: str) -> int | None:
    pair = make_pair(session_type).logon()
    try:
        pair.initiator.send(Message(msg_type, [(11, "x1")]), pair.clock.now)
    except BinanceError as error:
        return error.code
    return None


def venue_code(session_type: SessionType, msg_type: str) -> int | None:
    pair = make_pair(session_type).logon()
    pair.initiator.send(Message(msg_type, [(11, "x1")]), pair.clock.now, validate=False)
    pair.pump()
    faults = [e.error.code for e in pair.acceptor_events if isinstance(e, FaultDetected)]
    return faults[0] if faults else None


@pytest.mark.parametrize("session_type", list(SessionType), ids=lambda t: t.value)
def test_the_session_type_restrictions_match_the_venue(session_type: SessionType) -> None:
    restrictions = {-1186, -1187, -1188, -1020}  # not allowed in this session type; unsupported
    compared = 0
    for msg_type in APPLICATION:
        venue = venue_code(session_type, msg_type)
        local = local_code(session_type, msg_type)
        if venue in restrictions or local in restrictions:
            assert local == venue, (session_type.value, msg_type, local, venue)
            compared += 1
    assert compared >= 3  # every session type refuses some of Binance's messages
