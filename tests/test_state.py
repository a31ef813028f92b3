"""The transition table, and a sweep of every (state, input) pair through real sessions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from memory import Pair, make_pair

from fixsession.initiator import Initiator
from fixsession.message import Message
from fixsession.session import Session
from fixsession.state import TRANSITIONS, Input, SessionStateError, State, transition
from fixsession.venue.acceptor import Acceptor


def test_the_table_has_every_pair() -> None:
    assert set(TRANSITIONS) == {(state, event) for state in State for event in Input}


@pytest.mark.parametrize(("state", "event"), sorted(TRANSITIONS, key=str))
def test_transition_follows_the_table(state: State, event: Input) -> None:
    expected = TRANSITIONS[(state, event)]
    if expected is None:
        with pytest.raises(SessionStateError):
            transition(state, event)
    else:
        assert transition(state, event) is expected


# -- driving a real session into each state ---------------------------------------------------


def initiator_in(state: State) -> Pair:
    pair = make_pair(logon_timeout=5.0)
    if state is State.CONNECTED:
        return pair
    pair.initiator.logon(pair.clock.now)
    if state is State.LOGON_SENT:
        return pair  # the Logon is still on its way
    pair.pump()
    if state is State.LOGOUT_SENT:
        pair.initiator.logout(pair.clock.now)
    elif state is State.LOGOUT_RECEIVED:
        pair.acceptor.logout(pair.clock.now)
        pair.initiator.receive_data(pair.acceptor.data_to_send(), pair.clock.now)
    elif state is State.CLOSED:
        pair.initiator.connection_lost(pair.clock.now)
    return pair


def acceptor_in(state: State) -> Pair:
    pair = make_pair()
    if state is State.AWAITING_LOGON:
        return pair
    pair.logon()
    if state is State.LOGOUT_SENT:
        pair.acceptor.logout(pair.clock.now)
    elif state is State.CLOSED:
        pair.acceptor.connection_lost(pair.clock.now)
    return pair


def from_peer(pair: Pair, to: Session, body: str, seq: int | None = None) -> None:
    """Bytes ``to`` receives from its peer: a message with the peer's next MsgSeqNum."""
    peer = pair.acceptor if to is pair.initiator else pair.initiator
    sender, target = peer.sender_comp_id, to.sender_comp_id or "client1"
    seq = peer.next_outbound_seq if seq is None else seq
    msg_type, _, rest = body.partition("|")
    text = f"35={msg_type}|34={seq}|49={sender}|52=20250615-15:06:40.000|56={target}|{rest}"
    from frames import frame

    to.receive_data(frame(text.encode()), pair.clock.now)


Stimulus = Callable[[Pair, Session], None]


def _logon_response(pair: Pair, side: Session) -> None:
    pair.acceptor.receive_data(pair.initiator.data_to_send(), pair.clock.now)
    side.receive_data(pair.acceptor.data_to_send(), pair.clock.now)


def _rejected_logon(pair: Pair, side: Session) -> None:
    from_peer(
        pair, side, "3|45=1|373=8|25016=-1022|58=Signature for this request is not valid.|", 1
    )


def _valid_logon(pair: Pair, side: Session) -> None:
    pair.initiator.logon(pair.clock.now)
    side.receive_data(pair.initiator.data_to_send(), pair.clock.now)


def _invalid_logon(pair: Pair, side: Session) -> None:
    pair.initiator.heart_bt_int = 3  # HeartBtInt out of range
    pair.initiator.logon(pair.clock.now)
    side.receive_data(pair.initiator.data_to_send(), pair.clock.now)


def _timeout(pair: Pair, side: Session) -> None:
    """Long silence: a TestRequest goes out, and then its answer never comes."""
    side.tick(pair.clock.advance(1000))
    side.data_to_send()
    side.tick(pair.clock.advance(1000))


def _fault(pair: Pair, side: Session) -> None:
    if isinstance(side, Acceptor):
        side._logout_on_low_seq_num = True
        from_peer(pair, side, "0|", seq=1)  # too low: logs out
    else:
        from_peer(pair, side, "0|", seq=side.next_expected_seq + 5)  # a gap: logs out


def _send(pair: Pair, side: Session) -> None:
    if isinstance(side, Initiator):
        side.send(Message("XLQ", [(6136, "q")]), pair.clock.now)
    else:
        assert isinstance(side, Acceptor)
        side.send(Message("B", [(148, "news")]), pair.clock.now)


STIMULI: dict[Input, tuple[Stimulus | None, Stimulus | None]] = {
    # input: (for an initiator, for an acceptor); None where the role cannot cause it
    Input.SEND_LOGON: (lambda pair, side: pair.initiator.logon(pair.clock.now), None),
    Input.LOGON_ACCEPTED: (_logon_response, _valid_logon),
    Input.LOGON_REJECTED: (_rejected_logon, _invalid_logon),
    Input.RECEIVE: (lambda pair, side: from_peer(pair, side, "0|"),
                    lambda pair, side: from_peer(pair, side, "0|")),
    Input.SEND: (_send, _send),
    Input.SEND_LOGOUT: (lambda pair, side: side.logout(pair.clock.now),
                        lambda pair, side: side.logout(pair.clock.now)),
    Input.RECEIVE_LOGOUT: (lambda pair, side: from_peer(pair, side, "5|"),
                           lambda pair, side: from_peer(pair, side, "5|")),
    Input.TIMEOUT: (_timeout, _timeout),
    Input.FAULT: (_fault, _fault),
    Input.CONNECTION_LOST: (lambda pair, side: side.connection_lost(pair.clock.now),
                            lambda pair, side: side.connection_lost(pair.clock.now)),
}  # fmt: skip
INITIATOR_STATES = (
    State.CONNECTED,
    State.LOGON_SENT,
    State.ACTIVE,
    State.LOGOUT_SENT,
    State.LOGOUT_RECEIVED,
    State.CLOSED,
)
ACCEPTOR_STATES = (State.AWAITING_LOGON, State.ACTIVE, State.LOGOUT_SENT, State.CLOSED)
# Stimuli that only mean their input in some states (elsewhere the same bytes are RECEIVE).
ONLY_IN = {
    (Input.LOGON_ACCEPTED, "initiator"): {State.LOGON_SENT},
    (Input.LOGON_REJECTED, "initiator"): {State.LOGON_SENT},
    (Input.LOGON_ACCEPTED, "acceptor"): {State.AWAITING_LOGON},
    (Input.LOGON_REJECTED, "acceptor"): {State.AWAITING_LOGON},
    (Input.FAULT, "initiator"): {State.ACTIVE},
    (Input.FAULT, "acceptor"): {State.ACTIVE},
    (Input.SEND_LOGON, "initiator"): set(INITIATOR_STATES),
}
# An acceptor answers a Logout and closes at once: two steps of the table for one stimulus.
THEN = {("acceptor", Input.RECEIVE_LOGOUT): Input.SEND_LOGOUT}
SWEEP = [
    (role, state, event)
    for role, states in (("initiator", INITIATOR_STATES), ("acceptor", ACCEPTOR_STATES))
    for state in states
    for event in Input
    if STIMULI[event][role == "acceptor"] is not None
    and state in ONLY_IN.get((event, role), set(states))
]


@pytest.mark.parametrize(
    ("role", "state", "event"), SWEEP, ids=[f"{r}-{s.name}-{e.name}" for r, s, e in SWEEP]
)
def test_a_real_session_moves_as_the_table_says(role: str, state: State, event: Input) -> None:
    pair = initiator_in(state) if role == "initiator" else acceptor_in(state)
    side: Session = pair.initiator if role == "initiator" else pair.acceptor
    assert side.state is state
    stimulus = STIMULI[event][role == "acceptor"]
    assert stimulus is not None
    expected = TRANSITIONS[(state, event)]
    then = THEN.get((role, event))
    if expected is State.LOGOUT_RECEIVED and then is not None:
        expected = TRANSITIONS[(expected, then)]
    if expected is None:
        with pytest.raises(SessionStateError):
            stimulus(pair, side)
        assert side.state is state
    else:
        stimulus(pair, side)
        assert side.state is expected
    if side.state is State.CLOSED:
        assert side.next_deadline() is None


def test_the_sweep_covers_every_state_of_both_roles() -> None:
    assert {state for role, state, _ in SWEEP if role == "initiator"} == set(INITIATOR_STATES)
    assert {state for role, state, _ in SWEEP if role == "acceptor"} == set(ACCEPTOR_STATES)
    assert len(SWEEP) >= 60
