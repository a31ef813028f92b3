"""The session once logged on: sequence numbers, heartbeats, Logout, News, session types,
subscriptions, limits, and faults, driven initiator against acceptor in memory."""

from __future__ import annotations

import itertools

import pytest
from frames import frame
from hypothesis import given, settings
from hypothesis import strategies as st
from memory import API_KEY, PRIVATE_KEY, Pair, accounts, fields, kinds, make_pair

from fixsession import errors
from fixsession.binance import Limit, SessionRules, Window
from fixsession.errors import SessionStateError
from fixsession.events import (
    Action,
    Closed,
    FaultDetected,
    LoggedOut,
    MessageReceived,
    NewsReceived,
)
from fixsession.initiator import Initiator
from fixsession.message import Message
from fixsession.session import LOGOUT_LINGER_S
from fixsession.spec import SessionType
from fixsession.state import State
from fixsession.venue.accounts import Accounts

ORDER = Message("D", [(11, "o1"), (38, "1"), (40, "2"), (44, "10"), (54, "1"), (55, "BTCUSDT"),
                      (59, "1")])  # fmt: skip


def raw(pair: Pair, body: str, seq: int | None = None, sender: str = "client1") -> str:
    """Send crafted bytes from the client to the acceptor; its reply, as text."""
    seq = pair.initiator.next_outbound_seq if seq is None else seq
    text = f"35={body.split('|', 1)[0]}|34={seq}|49={sender}|52=20250615-15:06:40.000|56=SPOT|"
    pair.acceptor.receive_data(frame((text + body.split("|", 1)[1]).encode()), pair.clock.now)
    return fields(pair.acceptor.data_to_send())


def last_reply(pair: Pair) -> str:
    return fields(pair.to_initiator[-1])


def received(pair: Pair) -> list[MessageReceived]:
    return [event for event in pair.initiator_events if isinstance(event, MessageReceived)]


# -- sequence numbers ------------------------------------------------------------------------------


def test_a_gap_is_rejected_with_the_expected_number_and_the_session_goes_on() -> None:
    pair = make_pair().logon()
    reply = raw(pair, "0|", seq=5)  # expected 2
    assert "|45=5|371=34|372=0|373=99|25016=-1179|" in reply
    assert "|58=MsgSeqNum(34) contains an unexpected value. Expected: '2'.|" in reply
    assert raw(pair, "0|", seq=2) == ""  # the expected number did not move
    pair.initiator.next_outbound_seq = 3
    pair.initiator.send(ORDER, pair.clock.now)
    pair.pump()
    assert kinds(pair.acceptor_events)[-1] == "MessageReceived"


def test_a_reject_for_a_bad_seq_num_is_a_typed_error_for_the_request() -> None:
    pair = make_pair().logon()
    pair.initiator.next_outbound_seq = 9  # the gateway skips numbers
    seq = pair.initiator.send(ORDER, pair.clock.now)
    pair.pump()
    (answer,) = received(pair)
    assert isinstance(answer.error, errors.BadSeqNum)
    assert answer.error.params == (2,) and answer.error.ref_seq_num == 9
    assert answer.request is not None and answer.request.msg_seq_num == seq == 9


def test_low_seq_num_logs_out_when_asked() -> None:
    pair = make_pair().logon()
    pair.acceptor._logout_on_low_seq_num = True
    reply = raw(pair, "0|", seq=1)
    assert "|35=5|" in reply and "Expected: '2'" in reply and pair.acceptor.closed


def test_seq_nums_roll_over_to_zero_after_2_to_the_32_minus_1() -> None:
    pair = make_pair().logon()
    pair.initiator.next_outbound_seq = pair.acceptor.next_expected_seq = 2**32 - 1
    assert pair.initiator.send(ORDER, pair.clock.now) == 4294967295
    assert pair.initiator.send(ORDER, pair.clock.now) == 0
    pair.pump()
    assert kinds(pair.acceptor_events)[-2:] == ["MessageReceived", "MessageReceived"]
    assert pair.acceptor.next_expected_seq == 1


def test_a_gap_in_binances_numbers_logs_the_initiator_out() -> None:
    pair = make_pair().logon()
    pair.acceptor.next_outbound_seq += 3  # Binance never resends: the gap cannot be filled
    pair.acceptor.send(Message("B", [(148, "hello")]), pair.clock.now)
    pair.pump()
    fault = next(e for e in pair.initiator_events if isinstance(e, FaultDetected))
    assert isinstance(fault.error, errors.BadSeqNum) and fault.action is Action.LOGGED_OUT
    assert fault.error.params == (2,)
    assert "|35=5|" in fields(pair.to_acceptor[-1]) and pair.initiator.closed
    assert isinstance(pair.initiator_events[-1], Closed)


def test_bad_sender_comp_id() -> None:
    pair = make_pair().logon()
    reply = raw(pair, "0|", sender="other")
    assert (
        "|45=2|371=49|372=0|373=99|25016=-1178|58=SenderCompId(49) contains an incorrect" in reply
    )
    assert not pair.acceptor.closed


# -- heartbeats, TestRequest, Logout ------------------------------------------------------------


def test_idle_sides_heartbeat_and_a_silent_peer_gets_a_test_request() -> None:
    pair = make_pair(heart_bt_int=10).logon()
    pair.acceptor.heart_bt_int = 20  # so that the sides' timers differ
    pair.tick(10)
    sent = fields(pair.to_acceptor[-1])
    assert "|35=1|" in sent and "|112=client1-1|" in sent  # nothing from the acceptor yet
    answer = fields(pair.to_initiator[-1])
    assert "|35=0|" in answer and "|112=client1-1|" in answer  # answered with its TestReqID
    assert pair.initiator._test_request is None
    assert pair.initiator.next_deadline() == pair.clock.now + 10


def test_a_logged_on_sessions_next_deadline_is_its_earliest_timer() -> None:
    pair = make_pair(heart_bt_int=10).logon()
    pair.acceptor.heart_bt_int = 30
    start = pair.clock.now
    assert pair.initiator.next_deadline() == start + 10  # sent and heard at the start
    now = pair.clock.advance(3)
    order = Message("D", [(11, "o1"), (38, "1"), (40, "2"), (44, "10"), (54, "1"),
                          (55, "BTCUSDT"), (59, "1")])  # fmt: skip
    pair.initiator.send(order, now)
    assert pair.initiator.next_deadline() == start + 10  # heard nothing since the start
    pair.pump()
    assert pair.acceptor.next_deadline() == start + 30  # sent nothing since the start
    pair.acceptor.start_maintenance(now, seconds=15)  # News now, the next in 10 s
    pair.pump()
    assert b"\x0135=B\x01" in pair.to_initiator[-1]
    assert pair.acceptor.next_deadline() == now + 10  # the countdown's, before its heartbeats
    assert pair.initiator.next_deadline() == now + 10  # sent the order, heard the News: now


def test_an_unanswered_test_request_ends_the_session_with_logout() -> None:
    pair = make_pair(heart_bt_int=10).logon()
    pair.tick(10)  # both sides send a TestRequest and answer the other's
    pair.initiator.data_to_send()  # from now on the client's bytes are lost
    pair.acceptor.tick(pair.clock.advance(10))
    outgoing = pair.acceptor.data_to_send()
    assert b"\x0135=1\x01" in outgoing  # the acceptor asks
    pair.acceptor.tick(pair.clock.advance(10))  # no answer within HeartBtInt
    final = fields(pair.acceptor.data_to_send())
    assert "|35=5|" in final and "|58=TestRequest unanswered.|" in final
    assert pair.acceptor.closed and isinstance(pair.acceptor.events()[-1], Closed)


def test_logout_handshake_from_the_client() -> None:
    pair = make_pair().logon()
    pair.initiator.logout(pair.clock.now, "bye")
    pair.pump()
    assert "|35=5|" in fields(pair.to_acceptor[-1]) and "|58=bye|" in fields(pair.to_acceptor[-1])
    assert "|58=Logout acknowledgment.|" in last_reply(pair)
    assert kinds(pair.initiator_events)[-2:] == ["LoggedOut", "Closed"]
    closed = pair.initiator_events[-1]
    assert isinstance(closed, Closed) and closed.clean


def test_logout_from_the_server_is_acknowledged_and_traffic_meanwhile_is_logged_out() -> None:
    pair = make_pair().logon()
    pair.acceptor.logout(pair.clock.now, "closing")
    logout = pair.acceptor.data_to_send()
    assert "|58=closing|" in fields(logout)
    # The client sends a request before it reads the Logout; the server answers -1035.
    seq = pair.initiator.send(Message("XLQ", [(6136, "q1")]), pair.clock.now)
    pair.acceptor.receive_data(pair.initiator.data_to_send(), pair.clock.now)
    answer = pair.acceptor.data_to_send()
    assert "|25016=-1035|58=Please send Logout<5> message to close the session.|" in fields(answer)
    pair.initiator.receive_data(logout, pair.clock.now)
    assert pair.initiator.state is State.LOGOUT_RECEIVED  # answered, still reading
    pair.initiator.receive_data(answer, pair.clock.now)  # what was in flight still arrives
    assert not pair.initiator.closed
    pair.pump()  # the acknowledgment reaches the server, which closes the connection
    assert pair.acceptor.closed and pair.initiator.closed
    (rejected,) = received(pair)
    assert isinstance(rejected.error, errors.LoggedOut)
    assert rejected.request is not None and rejected.request.msg_seq_num == seq
    closed = pair.initiator_events[-1]
    assert isinstance(closed, Closed) and closed.clean
    logged_out = next(e for e in pair.initiator_events if isinstance(e, LoggedOut))
    assert logged_out.by_peer and logged_out.text == "closing"


def test_after_the_peers_logout_the_initiator_closes_by_itself_if_the_peer_does_not() -> None:
    pair = make_pair().logon()
    pair.acceptor.logout(pair.clock.now, "closing")
    pair.initiator.receive_data(pair.acceptor.data_to_send(), pair.clock.now)
    assert pair.initiator.next_deadline() == pair.clock.now + LOGOUT_LINGER_S
    pair.initiator.tick(pair.clock.advance(LOGOUT_LINGER_S))
    assert pair.initiator.closed
    closed = pair.initiator.events()[-1]
    assert isinstance(closed, Closed) and closed.clean


def test_the_logout_answer_times_out() -> None:
    pair = make_pair(heart_bt_int=10).logon()
    pair.initiator.logout(pair.clock.now)
    pair.initiator.data_to_send()  # lost
    pair.initiator.tick(pair.clock.advance(10))
    assert pair.initiator.closed


def test_sending_is_refused_when_the_session_does_not_allow_it() -> None:
    pair = make_pair()
    with pytest.raises(SessionStateError):
        pair.initiator.send(ORDER, pair.clock.now)
    pair.logon()
    pair.initiator.logout(pair.clock.now)
    with pytest.raises(SessionStateError):
        pair.initiator.send(ORDER, pair.clock.now)


# -- News and maintenance -------------------------------------------------------------------------


def test_news_counts_down_then_the_server_logs_the_session_out() -> None:
    pair = make_pair().logon()
    pair.acceptor.start_maintenance(pair.clock.now, 30)
    pair.pump()
    for _ in range(2):
        pair.tick(10)
    headlines = [e for e in pair.initiator_events if isinstance(e, NewsReceived)]
    assert [(n.headline, n.seconds_left) for n in headlines] == [
        ("You'll be disconnected in 30 seconds. Please reconnect.", 30),
        ("You'll be disconnected in 20 seconds. Please reconnect.", 20),
        ("Your connection is about to be closed. Please reconnect.", 10),
    ]
    assert "|35=B|" in last_reply(
        pair
    ) and "|148=Your connection is about to be closed." in last_reply(pair)
    pair.tick(10)
    assert pair.acceptor.closed and pair.initiator.closed
    assert any(isinstance(e, LoggedOut) and e.by_peer for e in pair.initiator_events)


# -- session types ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("session_type", "request_", "code", "text"),
    [
        (
            SessionType.ORDER_ENTRY,
            "V|262=r1|263=1|146=1|55=BTCUSDT|267=1|269=2|",
            -1186,
            "Requested operation is not allowed in order entry sessions.",
        ),
        (
            SessionType.ORDER_ENTRY,
            "x|320=i1|559=4|",
            -1186,
            "Requested operation is not allowed in order entry sessions.",
        ),
        (
            SessionType.DROP_COPY,
            "D|11=o1|38=1|40=2|44=10|54=1|55=BTCUSDT|59=1|",
            -1183,
            "Requested operation is not allowed in DropCopy sessions.",
        ),
        (
            SessionType.DROP_COPY,
            "V|262=r1|263=1|146=1|55=BTCUSDT|267=1|269=2|",
            -1183,
            "Requested operation is not allowed in DropCopy sessions.",
        ),
        (
            SessionType.MARKET_DATA,
            "D|11=o1|38=1|40=2|44=10|54=1|55=BTCUSDT|59=1|",
            -1187,
            "Requested operation is not allowed in market data sessions.",
        ),
        (
            SessionType.MARKET_DATA,
            "F|11=c1|37=1|55=BTCUSDT|",
            -1187,
            "Requested operation is not allowed in market data sessions.",
        ),
    ],
    ids=["OE-V", "OE-x", "DC-D", "DC-V", "MD-D", "MD-F"],
)
def test_each_session_type_refuses_what_it_does_not_serve(
    session_type: SessionType, request_: str, code: int, text: str
) -> None:
    pair = make_pair(session_type).logon()
    reply = raw(pair, request_)
    msg_type = request_.split("|")[0]
    assert f"|45=2|371=35|372={msg_type}|373=99|25016={code}|58={text}|" in reply
    pair.initiator.next_outbound_seq += 1
    pair.initiator.receive_data(reply.replace("|", "\x01").encode(), pair.clock.now)
    event = pair.initiator.events()[-1]
    assert isinstance(event, MessageReceived) and event.error is not None
    assert event.error.code == code


def test_drop_copy_and_market_data_sessions_take_limit_queries() -> None:
    for session_type in (SessionType.DROP_COPY, SessionType.MARKET_DATA):
        pair = make_pair(session_type).logon()
        pair.initiator.send(Message("XLQ", [(6136, "q1")]), pair.clock.now)
        pair.pump()
        assert kinds(pair.acceptor_events)[-1] == "MessageReceived"


# -- market-data subscriptions -------------------------------------------------------------------

BOOK = "V|262={id}|263=1|264=1|146=1|55={symbol}|267=2|269=0|269=1|"


def subscribe(pair: Pair, md_req_id: str, symbol: str = "BTCUSDT") -> MessageReceived:
    request = Message.decode(frame(("35=" + BOOK.format(id=md_req_id, symbol=symbol)).encode()))
    pair.initiator.send(request, pair.clock.now)
    pair.pump()
    return pair.initiator_events[-1] if pair.initiator_events else None  # type: ignore[return-value]


def test_subscriptions_duplicate_unknown_similar_and_too_many() -> None:
    rules = dict(Accounts().rules)
    market = rules[SessionType.MARKET_DATA]
    rules[SessionType.MARKET_DATA] = SessionRules(
        SessionType.MARKET_DATA, market.message_limit, market.connection_attempts,
        market.max_connections, 2, market.requests, market.not_allowed,
    )  # fmt: skip
    registry = Accounts({API_KEY: PRIVATE_KEY.public_key()}, rules)
    pair = make_pair(SessionType.MARKET_DATA, registry=registry).logon()
    subscribe(pair, "book1")
    assert kinds(pair.acceptor_events)[-1] == "MessageReceived"
    subscribe(pair, "book1", "ETHUSDT")
    reply = last_reply(pair)
    assert "|35=Y|" in reply and "|262=book1|281=1|25016=-1190|" in reply
    assert (
        "|58=MDReqID (262) contains a subscription request id that is already in use on this connection.|"
        in reply
    )
    answer = received(pair)[-1]
    assert isinstance(answer.error, errors.InvalidRequestId)
    assert answer.request is not None and answer.request.md_req_id == "book1"
    subscribe(pair, "book2")
    assert (
        "|281=2|25016=-1191|58=Similar subscription is already active on this connection. Symbol='BTCUSDT', active subscription id: 'book1'.|"
        in last_reply(pair)
    )
    subscribe(pair, "book3", "ETHUSDT")
    subscribe(pair, "book4", "BNBUSDT")
    assert (
        "|281=2|25016=-1191|58=Too many subscriptions. Connection may create up to '2' subscriptions at a time.|"
        in last_reply(pair)
    )
    unsubscribe = Message("V", [(262, "nope"), (263, "2")])
    pair.initiator.send(unsubscribe, pair.clock.now)
    pair.pump()
    assert (
        "|262=nope|281=1|25016=-1190|58=MDReqID (262) contains an unsubscription request id that does not match any active subscription.|"
        in last_reply(pair)
    )
    pair.initiator.send(Message("V", [(262, "book1"), (263, "2")]), pair.clock.now)
    pair.pump()
    assert set(pair.acceptor.subscriptions) == {"book3"}


def test_subscriptions_of_no_stream_count_toward_the_limit_too() -> None:
    pair = make_pair(SessionType.MARKET_DATA).logon()
    limit = pair.acceptor.rules.max_streams
    for n in range(limit + 1):  # no symbols: no stream, yet a subscription held
        empty = Message("V", [(262, f"e{n}"), (263, "1"), (264, "1"), (146, "0"), (267, "1"),
                              (269, "2")])  # fmt: skip
        pair.initiator.send(empty, pair.clock.now)
        pair.pump()
    assert len(pair.acceptor.subscriptions) == limit
    assert f"|262=e{limit}|281=2|25016=-1191|" in last_reply(pair)


def test_bid_without_offer_is_a_bad_combination() -> None:
    pair = make_pair(SessionType.MARKET_DATA).logon()
    request = Message("V", [(262, "b"), (263, "1"), (264, "1"), (146, "1"), (55, "BTCUSDT"),
                            (267, "1"), (269, "0")])  # fmt: skip
    pair.initiator.send(request, pair.clock.now)
    pair.pump()
    reply = last_reply(pair)
    assert "|35=Y|" in reply
    assert (
        "|262=b|25016=-1128|58=Invalid MDEntryType (269) combination. BID and OFFER must be requested together.|"
        in reply
    )
    assert isinstance(received(pair)[-1].error, errors.OptionalParamsBadCombo)


# -- limits ----------------------------------------------------------------------------------------


def small_limit(count: int, seconds: float) -> Accounts:
    rules = dict(Accounts().rules)
    kind = rules[SessionType.ORDER_ENTRY]
    rules[SessionType.ORDER_ENTRY] = SessionRules(
        SessionType.ORDER_ENTRY, Limit(count, seconds), kind.connection_attempts,
        kind.max_connections, 0, kind.requests, kind.not_allowed,
    )  # fmt: skip
    return Accounts({API_KEY: PRIVATE_KEY.public_key()}, rules)


def test_too_many_messages_logs_out_and_closes() -> None:
    pair = make_pair(registry=small_limit(3, 10)).logon()  # the Logon is the first
    for _ in range(3):
        pair.initiator.send(Message("XLQ", [(6136, "q")]), pair.clock.now)
    pair.pump()
    assert "|35=5|" in last_reply(pair)
    assert "|58=Too many messages; current limit is '3' messages per '10s'.|" in last_reply(pair)
    logged_out = next(e for e in pair.initiator_events if isinstance(e, LoggedOut))
    assert isinstance(logged_out.error, errors.TooManyMessages) and logged_out.error.params == (
        3,
        "10s",
    )
    assert pair.acceptor.closed and pair.initiator.closed


def test_the_pacer_keeps_a_gateway_under_the_limit() -> None:
    registry = small_limit(10, 10)
    pair = make_pair(registry=registry, rules=registry.rules[SessionType.ORDER_ENTRY]).logon()
    sent = 0
    for _ in range(40):
        delay = pair.initiator.pacing_delay(pair.clock.now)
        if delay:
            pair.tick(delay)
            continue
        pair.initiator.send(Message("XLQ", [(6136, "q")]), pair.clock.now)
        sent += 1
        pair.pump()
    assert sent > 10 and not pair.acceptor.closed
    assert not any(isinstance(e, LoggedOut) for e in pair.initiator_events)


@given(
    steps=st.lists(st.tuples(st.floats(0, 4), st.booleans(), st.booleans()), max_size=60),
    count=st.integers(1, 5),
)
def test_a_window_counts_the_events_within_it_up_to_one_past_its_limit(
    steps: list[tuple[float, bool, bool]], count: int
) -> None:
    # add() says whether the event was within the limit; record() just records it; either
    # way count() is right whenever it is asked.
    window, times, now = Window(Limit(count, 10)), [], 0.0
    for gap, counted, asked in steps:
        now += gap
        if counted:
            before = min(sum(1 for at in times if at > now - 10), count + 1)
            assert window.add(now) == (before < count)
        else:
            window.record(now)
        times.append(now)
        within = sum(1 for at in times if at > now - 10)
        if asked or counted:
            assert window.count(now) == min(within, count + 1)  # it keeps no more than that


# -- faults inside the session ------------------------------------------------------------------


def test_a_dictionary_fault_gets_a_reject_that_becomes_the_typed_error_of_the_request() -> None:
    pair = make_pair(validate=False).logon()
    seq = pair.initiator.send(Message("D", [(11, "o1"), (40, "2"), (54, "1"), (55, "X"),
                                           (55, "Y")]), pair.clock.now)  # fmt: skip
    pair.pump()
    assert (
        "|45=2|371=55|372=D|373=13|25016=-1171|58=Tag '55' appears more than once.|"
        in last_reply(pair)
    )
    (answer,) = received(pair)
    assert isinstance(answer.error, errors.TagAppearsMoreThanOnce)
    assert answer.request is not None and answer.request.msg_seq_num == seq
    assert answer.request.cl_ord_id == "o1"


def test_the_initiator_refuses_to_send_what_binance_would_reject() -> None:
    pair = make_pair().logon()
    with pytest.raises(errors.MandatoryParamEmptyOrMalformed, match="Required tag '54' missing"):
        pair.initiator.send(Message("D", [(11, "o1"), (40, "2"), (55, "X")]), pair.clock.now)
    assert pair.initiator.next_outbound_seq == 2  # nothing was sent


def test_a_garbled_frame_gets_a_reject_with_its_seq_num() -> None:
    pair = make_pair().logon()
    garbled = frame(b"35=0|34=2|49=client1|52=20250615-15:06:40.000|56=SPOT|", checksum=1)
    pair.acceptor.receive_data(garbled, pair.clock.now)
    reply = fields(pair.acceptor.data_to_send())
    assert (
        "|45=2|371=10|372=0|373=99|25016=-1177|58=CheckSum(10) contains an incorrect value.|"
        in reply
    )
    assert pair.acceptor.next_expected_seq == 2 and not pair.acceptor.closed


def test_answers_are_matched_to_requests_by_id() -> None:
    pair = make_pair().logon()
    query = pair.initiator.send(Message("XLQ", [(6136, "limits-1")]), pair.clock.now)
    pair.pump()
    pair.acceptor.send(Message("XLR", [(6136, "limits-1"), (25003, "1"), (25004, "2"),
                                       (25005, "3"), (25006, "10000")]), pair.clock.now)  # fmt: skip
    pair.pump()
    (answer,) = received(pair)
    assert answer.error is None and answer.request is not None
    assert answer.request.msg_seq_num == query and answer.request.req_id == "limits-1"


def test_connection_lost_closes_both_ways() -> None:
    pair = make_pair().logon()
    pair.initiator.connection_lost(pair.clock.now)
    assert pair.initiator.closed and kinds(pair.initiator.events()) == ["Closed"]
    pair.initiator.receive_data(b"anything", pair.clock.now)
    assert pair.initiator.data_to_send() == b"" and pair.initiator.next_deadline() is None


def test_validation_can_be_turned_off_for_an_initiator() -> None:
    Initiator(api_key=API_KEY, private_key=PRIVATE_KEY, sender_comp_id="c", wall_clock=lambda: 0.0,
              now=0.0, validate=False)  # fmt: skip
    assert accounts().public_key(API_KEY) is not None


@pytest.mark.parametrize(
    ("milliseconds", "sent"),
    [(6000.346, "6000.346"), (5000, "5000"), (0.5, "0.5"), (0.001, "0.001"), (60000.0, "60000")],
)
def test_recv_window_goes_out_with_up_to_three_decimals(milliseconds: float, sent: str) -> None:
    pair = make_pair(recv_window_ms=milliseconds).logon()
    pair.initiator.send(Message("D", [(11, "o1"), (38, "1"), (40, "2"), (44, "1"), (54, "1"),
                                      (55, "BTCUSDT")]), pair.clock.now)  # fmt: skip
    frame = pair.initiator.data_to_send()
    assert b"\x0125000=" + sent.encode() + b"\x01" in frame


def test_a_recv_window_with_a_fourth_decimal_is_refused() -> None:
    with pytest.raises(ValueError, match="at most three decimal places"):
        make_pair(recv_window_ms=6000.3461)


def test_a_logout_behind_unread_messages_waits_for_the_owner_to_answer_them() -> None:
    pair = make_pair().logon()
    now = pair.clock.now
    order = Message("D", [(11, "o1"), (38, "1"), (40, "2"), (44, "10"), (54, "1"),
                          (55, "BTCUSDT"), (59, "1")])  # fmt: skip
    pair.initiator.send(order, now)
    pair.initiator.logout(now)
    pair.acceptor.receive_data(pair.initiator.data_to_send(), now)  # both in one read
    events = pair.acceptor.events()
    assert kinds(events) == ["MessageReceived"] and pair.acceptor.data_to_send() == b""
    assert pair.acceptor.state is State.ACTIVE
    deadline = pair.acceptor.next_deadline()
    assert deadline is not None and deadline <= now  # due at once
    pair.acceptor.tick(now)  # the owner has answered the order: now the Logout
    assert b"\x0135=5\x01" in pair.acceptor.data_to_send()
    assert kinds(pair.acceptor.events()) == ["LoggedOut", "Closed"]


# -- the market-data lane: a run of increments taken in one C call ------------------------------


def _increment(n: int, price: str = "30000.10") -> Message:
    return Message("X", [(262, "md1"), (268, 1), (279, "0"), (270, price), (271, "0.5"),
                         (269, "2"), (55, "BTCUSDT"), (60, "20250615-15:06:40.123456"),
                         (1003, str(1000 + n)), (2446, "1")])  # fmt: skip


def _market_data_stream(variants: list[int]) -> tuple[bytes, bytes]:
    """The acceptor's Logon answer, then increments (``variants``: 0 the usual layout, 1 a
    shorter one, 2 a frame missing (a gap), 3 a byte garbled, 4 a frame twice)."""
    builder = make_pair(SessionType.MARKET_DATA).logon()
    logon = b"".join(builder.to_initiator)
    frames: list[bytes] = []
    for n, variant in enumerate(variants):
        message = _increment(n)
        if variant == 1:
            message = Message("X", [(262, "md1"), (268, 1), (279, "2"), (270, "1"), (269, "0")])
        builder.acceptor.send(message, builder.clock.now)
        data = builder.acceptor.data_to_send()
        if variant == 2:
            continue
        if variant == 3:
            data = data[:40] + b"\x02" + data[41:]
        frames += [data, data] if variant == 4 else [data]
    return logon, b"".join(frames)


def _received(logon: bytes, stream: bytes, cuts: list[int]) -> list[tuple[object, ...]]:
    pair = make_pair(SessionType.MARKET_DATA)
    pair.initiator.logon(pair.clock.now)
    pair.initiator.data_to_send()
    pair.initiator.receive_data(logon, pair.clock.now)
    points = sorted({0, len(stream), *(cut % (len(stream) + 1) for cut in cuts)})
    for start, end in itertools.pairwise(points):
        pair.initiator.receive_data(stream[start:end], pair.clock.now)
    seen: list[tuple[object, ...]] = []
    for event in pair.initiator.events():
        if isinstance(event, MessageReceived):
            message = event.message
            seen.append(("message", message.msg_type, message.fields, event.error, event.request))
        else:
            seen.append((type(event).__name__, repr(event)))
    return seen


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from([0, 0, 0, 0, 1, 2, 3, 4]), min_size=1, max_size=40),
    st.lists(st.integers(min_value=0), max_size=8),
)
def test_the_market_data_lane_gives_the_events_the_one_by_one_path_gives(
    variants: list[int], cuts: list[int]
) -> None:
    from fixsession import speedups

    if not speedups.enabled():
        pytest.skip("fixsession._speedups is not built (no C compiler at install)")
    logon, stream = _market_data_stream(variants)
    fast = _received(logon, stream, cuts)
    with speedups.pure_python():
        reference = _received(logon, stream, cuts)
    assert fast == reference
    leading = len(list(itertools.takewhile(lambda variant: variant == 0, variants)))
    assert sum(1 for seen in fast if seen[0] == "message") >= leading


def test_a_run_of_increments_is_taken_by_the_lane_in_one_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fixsession import speedups

    if not speedups.enabled():
        pytest.skip("fixsession._speedups is not built (no C compiler at install)")
    runs: list[int] = []
    real = speedups.stream_messages
    assert real is not None

    def spy(*args: object) -> list[MessageReceived]:
        found = real(*args)
        runs.append(len(found))
        return found

    monkeypatch.setattr(speedups, "stream_messages", spy)
    logon, stream = _market_data_stream([0] * 50)
    seen = _received(logon, stream, [])
    assert [kind for kind, *_ in seen] == ["LoggedOn"] + ["message"] * 50
    assert max(runs) == 49  # the first one found the lane; the rest came in one run
    last = seen[-1][2]
    assert isinstance(last, tuple) and last[-len(_increment(49).fields) :] == _increment(49).fields


@given(
    st.integers(0, 4_102_444_799),  # 1970 to 2099
    st.sampled_from(["", ".", ".5", ".000", ".999", ".999999", ".12", ".1234", ".9x9", "x"]),
    st.floats(-3.0, 3.0),
    st.one_of(st.none(), st.floats(0.0, 60_000.0)),
)
def test_sending_time_fault_is_judged_from_the_whole_timestamp(
    second: int, fraction: str, offset: float, recv_window_ms: float | None
) -> None:
    # The check without a RecvWindow looks at the whole second first: the same answer as
    # reading the whole timestamp, however the fraction is written.
    from fixsession import binance

    text = binance.format_sending_time(second, 0) + fraction
    server = second + offset
    epoch = binance.parse_sending_time(text)
    if epoch is None:
        expected = None
    elif epoch - server >= binance.MAX_CLOCK_AHEAD_S:
        expected = 1
    elif recv_window_ms is not None and (server - epoch) * 1000 > recv_window_ms:
        expected = 0
    else:
        expected = None
    fault = binance.sending_time_fault(text, recv_window_ms, server)
    if expected is None:
        assert fault is None
    else:
        assert isinstance(fault, errors.InvalidTimestamp)
        assert fault.text == errors.InvalidTimestamp.from_template(template=expected).text


@given(
    st.one_of(
        st.floats(0, 253_402_300_799.999, allow_nan=False),
        st.floats(-1e12, 1e15),
        st.sampled_from([0.0, 0.0000005, 0.0000015, 1.9999995, 253_402_300_799.9999995]),
    ),
    st.integers(-1, 8),
)
def test_a_sending_time_is_written_the_same_in_c_and_in_python(epoch: float, digits: int) -> None:
    from fixsession import binance
    from fixsession.speedups import pure_python

    def written() -> str | type[Exception]:
        try:
            return binance.format_sending_time(epoch, digits)
        except (ValueError, OverflowError) as error:  # (beyond what a datetime holds)
            return type(error)

    fast = written()
    with pure_python():
        assert fast == written()


@given(st.lists(st.one_of(st.none(), st.text(max_size=5), st.integers()), min_size=7, max_size=7))
def test_events_made_in_c_are_the_events_their_init_makes(values: list[object]) -> None:
    import dataclasses

    from fixsession import events, speedups

    made = speedups.made
    if made is None:
        pytest.skip("the C speedups are not in use")
    for kind in (events.MessageReceived, events.Request, events.LoggedOn, events.FaultDetected):
        count = len(dataclasses.fields(kind))
        fast, slow = made(kind, *values[:count]), kind(*values[:count])
        assert type(fast) is kind and fast == slow and hash(fast) == hash(slow)
        assert repr(fast) == repr(slow)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(fast, dataclasses.fields(kind)[0].name, None)
    with pytest.raises(TypeError, match="takes 3 values"):
        made(events.MessageReceived, None)
    with pytest.raises(AttributeError):
        made(int, 1)  # (no __slots__)
