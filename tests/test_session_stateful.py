"""Initiator against acceptor under random sends, clock jumps, garbled frames and drops."""

from __future__ import annotations

import re

from frames import frame
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from memory import make_pair

from fixsession.events import MessageReceived
from fixsession.framing import frames
from fixsession.message import Message
from fixsession.state import State

_FIELD = re.compile(rb"\x01(34|35|112)=([^\x01]*)")


def parsed(chunks: list[bytes]) -> list[dict[bytes, bytes]]:
    """Each frame sent, as its MsgSeqNum, MsgType and TestReqID."""
    out = []
    for item in frames(b"".join(chunks)):
        assert isinstance(item, bytes), item  # a session never sends a garbled frame
        out.append(dict(_FIELD.findall(item)))
    return out


class InitiatorAgainstAcceptor(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.pair = make_pair(heart_bt_int=10)
        self.sends = 0
        self.closed_at: dict[str, int] = {}

    @initialize()
    def logon(self) -> None:
        self.pair.logon()

    @precondition(lambda self: self.pair.initiator.state is State.ACTIVE)
    @rule(kind=st.sampled_from(["XLQ", "D", "F"]), number=st.integers(1, 10**6))
    def send(self, kind: str, number: int) -> None:
        body = {
            "XLQ": [(6136, f"q{number}")],
            "D": [(11, f"o{number}"), (38, "1"), (40, "2"), (44, "10"), (54, "1"),
                  (55, "BTCUSDT"), (59, "1")],
            "F": [(11, f"c{number}"), (37, str(number)), (55, "BTCUSDT")],
        }[kind]  # fmt: skip
        self.pair.initiator.send(Message(kind, body), self.pair.clock.now)
        self.sends += 1
        self.pair.pump()

    @rule(seconds=st.floats(0, 35))
    def wait(self, seconds: float) -> None:
        self.pair.tick(seconds)

    @rule()
    def garbled_frame(self) -> None:
        junk = frame(b"35=0|34=99999|49=client1|52=20250615-15:06:40.000|56=SPOT|", checksum=3)
        self.pair.acceptor.receive_data(junk, self.pair.clock.now)
        self.pair.pump()

    @rule()
    def drop(self) -> None:
        self.pair.initiator.connection_lost(self.pair.clock.now)
        self.pair.acceptor.connection_lost(self.pair.clock.now)
        self.pair.pump()

    @precondition(lambda self: self.pair.initiator.state is State.ACTIVE)
    @rule()
    def logout(self) -> None:
        self.pair.initiator.logout(self.pair.clock.now)
        self.pair.pump()

    @invariant()
    def outbound_seq_nums_rise_by_one_exactly(self) -> None:
        for sent in (self.pair.to_acceptor, self.pair.to_initiator):
            numbers = [int(item[b"34"]) for item in parsed(sent)]
            assert numbers == list(range(1, len(numbers) + 1))

    @invariant()
    def nothing_is_sent_after_close(self) -> None:
        for name, side, sent in (
            ("initiator", self.pair.initiator, self.pair.to_acceptor),
            ("acceptor", self.pair.acceptor, self.pair.to_initiator),
        ):
            if side.closed:
                self.closed_at.setdefault(name, len(sent))
                assert len(sent) == self.closed_at[name]
                assert side.data_to_send() == b""

    @invariant()
    def every_test_request_is_answered_with_its_id(self) -> None:
        for asked, answers, answerer in (
            (self.pair.to_acceptor, self.pair.to_initiator, self.pair.acceptor),
            (self.pair.to_initiator, self.pair.to_acceptor, self.pair.initiator),
        ):
            requests = [m[b"112"] for m in parsed(asked) if m.get(b"35") == b"1"]
            answered = {m.get(b"112") for m in parsed(answers) if m.get(b"35") == b"0"}
            for test_req_id in requests:
                assert test_req_id in answered or answerer.closed

    @invariant()
    def no_event_is_lost(self) -> None:
        delivered = [e for e in self.pair.acceptor_events if isinstance(e, MessageReceived)]
        assert len(delivered) == self.sends


InitiatorAgainstAcceptor.TestCase.settings = settings(
    max_examples=60, stateful_step_count=30, deadline=None
)
TestInitiatorAgainstAcceptor = InitiatorAgainstAcceptor.TestCase
