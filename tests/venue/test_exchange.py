"""The acceptor's application side (``acceptor.Exchange``), in memory: orders, cancels,
amends, lists, limits, instruments, market data, drop copy. Every answer must also pass the
initiator's own validation against Binance's dictionary (no FaultDetected anywhere)."""

from __future__ import annotations

import pytest
from memory import MemoryVenue as Venue

from fixsession import errors
from fixsession.binance import Limit
from fixsession.events import MessageReceived
from fixsession.message import Message
from fixsession.spec import SessionType


def order(cl_ord_id: str, quantity: str = "1", symbol: str = "BTCUSDT") -> Message:
    return Message("D", [(11, cl_ord_id), (38, quantity), (40, "2"), (44, "100"), (54, "1"),
                         (55, symbol), (59, "1")])  # fmt: skip


def cancel(cl_ord_id: str, **target: str) -> Message:
    fields = [(11, cl_ord_id)]
    fields += [(41, target["orig"])] if "orig" in target else []
    fields += [(37, target["order_id"])] if "order_id" in target else []
    return Message("F", [*fields, (55, "BTCUSDT")])


@pytest.fixture
def venue() -> Venue:
    return Venue()


def only(answers: list[MessageReceived]) -> MessageReceived:
    assert len(answers) == 1, answers
    return answers[0]


# -- orders ----------------------------------------------------------------------------------


def test_a_new_order_is_acknowledged_with_64_bit_ids(venue: Venue) -> None:
    client = venue.connect()
    report = only(venue.ask(client, order("o1", "2.5")))
    message = report.message
    assert report.error is None and report.request is not None and report.request.cl_ord_id == "o1"
    assert (message[11], message[150], message[39], message[151]) == ("o1", "0", "0", "2.5")
    assert message[37] == "5000000000" and message[17] == "1"
    second = only(venue.ask(client, order("o2"))).message
    assert (second[37], second[17]) == ("5000000001", "2")


def test_a_duplicate_open_cl_ord_id_is_rejected_until_the_order_closes(venue: Venue) -> None:
    client = venue.connect()
    venue.ask(client, order("o1"))
    rejected = only(venue.ask(client, order("o1")))
    assert isinstance(rejected.error, errors.NewOrderRejected)
    assert (rejected.error.code, rejected.error.text) == (-2010, "Duplicate order sent.")
    assert (rejected.message[150], rejected.message[39]) == ("8", "8")
    venue.ask(client, cancel("c1", orig="o1"))
    assert only(venue.ask(client, order("o1"))).error is None


def test_an_unknown_symbol_is_rejected(venue: Venue) -> None:
    rejected = only(venue.ask(venue.connect(), order("o1", symbol="NOPEUSDT")))
    assert isinstance(rejected.error, errors.BadSymbol) and rejected.error.text == "Invalid symbol."


def test_cancel_by_orig_cl_ord_id_or_order_id_and_unknown_orders(venue: Venue) -> None:
    client = venue.connect()
    first = only(venue.ask(client, order("o1"))).message
    venue.ask(client, order("o2"))
    by_orig = only(venue.ask(client, cancel("c1", orig="o1"))).message
    assert (by_orig[150], by_orig[39], by_orig[11], by_orig[41]) == ("4", "4", "c1", "o1")
    assert by_orig[37] == first[37] and by_orig[151] == "0.00000000"
    again = only(venue.ask(client, cancel("c2", orig="o1")))
    assert again.message.msg_type == "9" and isinstance(again.error, errors.CancelRejected)
    assert (again.error.code, again.error.text) == (-2011, "Unknown order sent.")
    by_id = only(venue.ask(client, cancel("c3", order_id="5000000001"))).message
    assert (by_id[39], by_id[41]) == ("4", "o2")
    neither = only(venue.ask(client, cancel("c4")))
    assert neither.message.msg_type == "3"
    assert isinstance(neither.error, errors.MandatoryParamEmptyOrMalformed)


def test_mass_cancel_cancels_every_open_order_of_the_symbol(venue: Venue) -> None:
    client = venue.connect()
    for name in ("a", "b"):
        venue.ask(client, order(name))
    venue.ask(client, order("e", symbol="ETHUSDT"))
    answers = venue.ask(client, Message("q", [(55, "BTCUSDT"), (11, "m1"), (530, "1")]))
    assert [a.message.msg_type for a in answers] == ["8", "8", "r"]
    assert {a.message[41] for a in answers[:2]} == {"a", "b"}
    assert answers[2].message[533] == "2"
    assert only(venue.ask(client, cancel("c", orig="e"))).message[39] == "4"


def test_amend_keep_priority_only_lowers_the_quantity(venue: Venue) -> None:
    client = venue.connect()
    venue.ask(client, order("o1", "5"))
    amend = Message("XAK", [(11, "a1"), (41, "o1"), (55, "BTCUSDT"), (38, "3")])
    lowered = only(venue.ask(client, amend)).message
    assert (lowered[150], lowered[38], lowered[151]) == ("5", "3.00000000", "3.00000000")
    for quantity, text in [
        ("9", "Order amend (quantity increase) is not supported."),
        ("3", "The requested action would change no state; rejecting."),
    ]:
        rejected = only(venue.ask(client, amend.replace([(11, "a2"), (38, quantity)])))
        assert rejected.message.msg_type == "XAR"
        assert isinstance(rejected.error, errors.OrderAmendRejected)
        assert rejected.error.text == text
    unknown = only(venue.ask(client, amend.replace([(11, "a3"), (41, "zz")])))
    assert unknown.error is not None and unknown.error.text == "Unknown order sent."


def test_cancel_replace_cancels_then_places_and_stops_on_failure_when_asked(venue: Venue) -> None:
    client = venue.connect()
    venue.ask(client, order("o1"))
    new_leg = [(11, "o2"), (38, "1"), (40, "2"), (44, "101"), (54, "1"), (55, "BTCUSDT"),
               (59, "1")]  # fmt: skip
    replace = Message("XCN", [(25033, "1"), (25034, "x1"), (41, "o1"), *new_leg])
    answers = venue.ask(client, replace)
    assert [(a.message[150], a.message[11]) for a in answers] == [("4", "x1"), ("0", "o2")]
    stop = Message("XCN", [(25033, "1"), (25034, "x2"), (41, "gone"),
                           *[(t, "o3" if t == 11 else v) for t, v in new_leg]])  # fmt: skip
    assert [a.message.msg_type for a in venue.ask(client, stop)] == ["9"]
    go_on = stop.replace([(25033, "2")])
    assert [a.message.msg_type for a in venue.ask(client, go_on)] == ["9", "8"]


def test_an_order_list_gets_a_list_status_and_a_report_per_order(venue: Venue) -> None:
    client = venue.connect()
    legs = []
    for name, side in (("l1", "1"), ("l2", "2")):
        legs += [(11, name), (38, "1"), (40, "2"), (44, "100"), (54, side), (55, "BTCUSDT"),
                 (59, "1")]  # fmt: skip
    answers = venue.ask(client, Message("E", [(25014, "list1"), (1385, "1"), (73, "2"), *legs]))
    assert [a.message.msg_type for a in answers] == ["N", "8", "8"]
    status = answers[0].message
    assert (status[25014], status[73], status.get_all(11)) == ("list1", "2", ["l1", "l2"])


def test_order_limits_reject_and_the_limit_response_shows_live_counts() -> None:
    venue = Venue(order_limits=(Limit(2, 10), Limit(100, 86400)))
    client = venue.connect()
    venue.ask(client, order("o1"))
    venue.ask(client, order("o2"))
    rejected = only(venue.ask(client, order("o3")))
    assert isinstance(rejected.error, errors.TooManyOrders)
    assert rejected.error.text == "Too many new orders; current limit is 2 orders per 10s."
    limits = only(venue.ask(client, Message("XLQ", [(6136, "q1")]))).message
    counts = list(zip(limits.get_all(25004), limits.get_all(25005), limits.get_all(25006),
                      strict=True))  # fmt: skip
    assert counts == [("2", "5", "10000"), ("1", "2", "2"), ("1", "2", "100")]
    assert limits.get_all(25007) == ["10", "10", "1"] and limits.get_all(25008) == ["s", "s", "d"]
    venue.advance(10.5)
    assert only(venue.ask(client, order("o3"))).error is None


# -- sessions sharing an account -------------------------------------------------------------


def test_drop_copy_and_response_mode_1_sessions_get_copies() -> None:
    venue = Venue(drop_copy_delay=1.0)
    trader = venue.connect()
    everything = venue.connect(response_mode=1)
    copy = venue.connect(SessionType.DROP_COPY)
    venue.ask(trader, order("o1"))
    assert [a.message[11] for a in venue.received(everything)] == ["o1"]
    assert venue.received(copy) == []
    assert venue.exchange.next_deadline() == venue.clock.now + 1.0
    venue.advance(1.0)
    copied = only(venue.received(copy)).message
    assert (copied[11], copied[150]) == ("o1", "0")


# -- market data -----------------------------------------------------------------------------

BOOK = [(262, "b1"), (263, "1"), (264, "5"), (146, "1"), (55, "ETHUSDT"), (267, "2"),
        (269, "0"), (269, "1")]  # fmt: skip


def test_instrument_list(venue: Venue) -> None:
    client = venue.connect(SessionType.MARKET_DATA)
    listed = only(venue.ask(client, Message("x", [(320, "i1"), (559, "4")]))).message
    assert listed.get_all(55) == ["BTCUSDT", "ETHUSDT", "BNBUSDT", "LTCBNB"]
    one = only(venue.ask(client, Message("x", [(320, "i2"), (559, "0"), (55, "BNBUSDT")])))
    assert one.message.get_all(55) == ["BNBUSDT"]


def test_a_snapshot_then_a_deterministic_feed_until_unsubscribed() -> None:
    def feed(seed: int) -> list[str]:
        venue = Venue(seed=seed, feed_interval=0.1)
        client = venue.connect(SessionType.MARKET_DATA)
        snapshot = only(venue.ask(client, Message("V", BOOK))).message
        assert snapshot.msg_type == "W" and snapshot[268] == "10"
        updates = []
        for _ in range(5):
            venue.advance(0.1)
            updates += [a.message for a in venue.received(client)]
        assert [u.msg_type for u in updates] == ["X"] * 5
        venue.ask(client, Message("V", [(262, "b1"), (263, "2")]))
        venue.advance(1.0)
        assert venue.received(client) == [] and venue.exchange.next_deadline() is None
        return [repr(snapshot.values[1:])] + [repr(u.get_all(270)) for u in updates]

    assert feed(7) == feed(7)
    assert feed(7) != feed(8)


def test_an_unknown_symbol_subscription_is_rejected_and_forgotten(venue: Venue) -> None:
    client = venue.connect(SessionType.MARKET_DATA)
    request = Message("V", [(t, "NOPE" if t == 55 else v) for t, v in BOOK])
    rejected = only(venue.ask(client, request))
    assert rejected.message.msg_type == "Y" and isinstance(rejected.error, errors.BadSymbol)
    assert client.acceptor.subscriptions == {}


def test_a_detached_session_gets_nothing_more(venue: Venue) -> None:
    client = venue.connect(SessionType.MARKET_DATA)
    venue.ask(client, Message("V", BOOK))
    venue.exchange.detach(client.acceptor)
    assert venue.exchange.next_deadline() is None
