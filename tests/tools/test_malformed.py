"""Malformed frames through an acceptor session: each gets the answer Binance gives it, and
the valid frames interleaved with them all get through, whatever the chunking.

100 examples of 100 malformed frames each: 10,000 frames per run.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from memory import API_KEY, PRIVATE_KEY, make_pair

from fixsession import binance
from fixsession.binance import Limit
from fixsession.events import MessageReceived
from fixsession.framing import Framer
from fixsession.message import Message
from fixsession.spec import SessionType
from fixsession.tools import malformed, strategies
from fixsession.tools.malformed import Malformed
from fixsession.venue.accounts import Accounts

FRAMES_PER_EXAMPLE = 100


def roomy_accounts() -> Accounts:
    """Binance's rules with a message limit the test's bursts stay under."""
    registry = Accounts({API_KEY: PRIVATE_KEY.public_key()})
    for kind in list(registry.rules):
        registry.set_message_limit(kind, Limit(10**6, 10))
    return registry


def replies(data: bytes) -> list[Message]:
    return [Message.decode(item) for item in Framer().feed(data) if isinstance(item, bytes)]


@settings(max_examples=100, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    session_type=st.sampled_from(list(SessionType)),
    cuts=st.lists(st.integers(1, 700), min_size=1, max_size=20),
)
def test_every_malformed_frame_gets_its_answer_and_valid_frames_get_through(
    seed: int, session_type: SessionType, cuts: list[int]
) -> None:
    pair = make_pair(session_type, registry=roomy_accounts()).logon()
    acceptor, clock = pair.acceptor, pair.clock
    assert not acceptor.closed
    acceptor.data_to_send()
    acceptor.events()
    rng = random.Random(seed)
    sending_time = binance.format_sending_time(clock.now, 3)
    seq = acceptor.next_expected_seq
    stream = b""
    sent: list[Malformed] = []
    for number in range(FRAMES_PER_EXAMPLE):
        bad = malformed.generate(rng, session_type)
        stream += bad.frame(seq, "client1", sending_time)
        seq += bad.consumes_seq
        sent.append(bad)
        good = Message("XLQ", [(34, seq), (49, "client1"), (52, sending_time), (56, "SPOT"),
                               (6136, f"ok{number}")])  # fmt: skip
        stream += good.encode()
        seq += 1
    position, turn, output = 0, 0, b""
    while position < len(stream):
        cut = cuts[turn % len(cuts)]
        acceptor.receive_data(stream[position : position + cut], clock.now)
        output += acceptor.data_to_send()
        position, turn = position + cut, turn + 1
    answers = [(m.get_int(45), int(m[25016])) for m in replies(output) if 25016 in m]
    assert [code for _, code in answers] == [bad.code for bad in sent], [b.kind for b in sent]
    delivered = [e.message[6136] for e in acceptor.events() if isinstance(e, MessageReceived)]
    assert delivered == [f"ok{number}" for number in range(FRAMES_PER_EXAMPLE)]
    assert not acceptor.closed


@pytest.mark.parametrize("session_type", list(SessionType))
def test_every_kind_is_drawn_and_has_its_code(session_type: SessionType) -> None:
    rng = random.Random(1)
    seen = {malformed.generate(rng, session_type).kind for _ in range(2000)}
    assert seen == set(malformed.kinds(session_type))
    assert {"checksum", "body-length", "begin-string", "non-printable", "tag-format",
            "seq-too-high", "undefined-tag", "duplicate-tag"} <= seen  # fmt: skip


@given(bad=strategies.malformed_frames(SessionType.MARKET_DATA), data=st.data())
def test_the_strategy_and_chunkings(bad: Malformed, data: st.DataObject) -> None:
    frame = bad.frame(5, "c", "20260101-00:00:00.000")
    chunks = data.draw(strategies.chunkings(frame))
    assert b"".join(chunks) == frame and all(chunks)
    framer = Framer()
    items = [item for chunk in chunks for item in framer.feed(chunk)] + framer.close()
    if bad.code == -1177 or bad.kind == "tag-format":
        assert not any(isinstance(item, bytes) for item in items)
