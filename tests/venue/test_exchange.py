"""The acceptor's application side (``acceptor.Exchange``), in memory: orders, cancels,
amends, lists, limits, instruments, market data, drop copy. Every answer must also pass the
initiator's own validation against Binance's dictionary (no FaultDetected anywhere)."""

from __future__ import annotations

import gc
import tracemalloc
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
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
    assert (message[11], message[150], message[39]) == ("o1", "0", "0")
    # Binance's sample: 8 decimals, WorkingIndicator and WorkingTime on the NEW report
    assert (message[38], message[44], message[151]) == ("2.50000000", "100.00000000", "2.50000000")
    assert message[636] == "Y" and message[25023] == message[60]
    assert message[37] == "5000000000" and message[17] == "5000000000"  # both above 2**32
    second = only(venue.ask(client, order("o2"))).message
    assert (second[37], second[17]) == ("5000000001", "5000000001")


def test_a_new_reports_leaves_qty_is_its_quantity_and_a_negative_zero_is_zero(venue: Venue) -> None:
    client = venue.connect()
    for quantity, echoed, leaves in (("0.1", "0.10000000", "0.10000000"),
                                     ("-0", "-0.00000000", "0.00000000")):  # fmt: skip
        report = only(venue.ask(client, order(f"q{len(echoed)}", quantity))).message
        assert (report[38], report[151], report[14]) == (echoed, leaves, "0.00000000")


@given(
    st.sampled_from(["0.00100000", "1.00000000", "-0.00000000", "12345.67800000"]),
    st.sampled_from(["60000.00000000", "0.00000001"]),
    st.sampled_from(["1", "2"]), st.sampled_from(["1", "2"]), st.sampled_from(["1", "3", "4"]),
    st.sampled_from(["1", "2", "5"]), st.sampled_from(["0", "A"]),
    st.sampled_from([Decimal(0), Decimal("0.5")]),
)  # fmt: skip
def test_a_plain_orders_new_report_is_the_general_one(
    quantity: str, price: str, side: str, ord_type: str, time_in_force: str, stp: str,
    status: str, cum_quote: Decimal,
) -> None:  # fmt: skip
    # The NEW report of most orders is made in one go; the general code says the same.
    from fixsession.venue.exchange import _Order, _plain_new

    exchange = Venue().exchange
    placed = _Order(5_000_000_000, "c1", "BTCUSDT", side, ord_type, quantity, price,
                    time_in_force, "20261203-21:00:00.000001", status)  # fmt: skip
    placed.stp, placed.cum_quote = stp, cum_quote
    fast = exchange._execution_report(placed, "0", "c1")
    general = exchange._report_of(placed, "0", "c1")
    assert _plain_new(placed) == (quantity[0] != "-")
    assert fast.tags == general.tags
    assert fast.values[1:] == general.values[1:]  # all but ExecID (one per report)


def test_a_price_or_quantity_no_engine_holds_is_refused_and_long_texts_are_not_kept(
    venue: Venue,
) -> None:
    client = venue.connect()
    for tag, value in ((44, "92233720368.54775808" + "0" * 20), (38, "1" + "0" * 100_000)):
        message = order("big").replace([(tag, value)])
        reject = only(venue.ask(client, message))
        assert reject.message.msg_type == "3" and reject.error is not None
        assert (reject.error.code, reject.message[371]) == (-1102, str(tag))
        assert reject.error.text == (
            f"'{tag}' contains unexpected value. Cannot be greater than 92233720368.54775807."
        )
    top = venue.ask(client, order("top").replace([(44, "92233720368.54775807" + "0" * 20)]))
    assert top[0].error is None and top[0].message[39] == "0"  # the most it holds: NEW
    # A value the engine holds may still be written long (leading zeros): read, not kept.
    gc.collect()
    tracemalloc.start()
    try:
        for n in range(20):
            price = "0" * 200_000 + f"{n + 1}.5"
            venue.exchange.on_message(client.acceptor, order(f"z{n}").replace([(44, price)]), 0.0)
            assert b"\x0144=%d.50000000\x01" % (n + 1) in client.acceptor.data_to_send()
        gc.collect()
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kept < 1_000_000  # (cached, the 20 prices kept 4 MB)


def test_the_exchange_keeps_open_orders_only() -> None:
    venue = Venue(order_limits=(Limit(10**9, 10),))
    client = venue.connect()
    first = only(venue.ask(client, order("first"))).message[37]
    assert only(venue.ask(client, cancel("c0", order_id=first))).message[39] == "4"
    again = only(venue.ask(client, cancel("c1", order_id=first)))  # closed: not found
    assert again.message.msg_type == "9" and again.error is not None
    gc.collect()
    tracemalloc.start()
    try:
        for n in range(2_000):  # orders that fill at once, and orders cancelled
            taker = Message("D", [(11, f"m{n}"), (38, "0.001"), (40, "1"), (54, "1"),
                                  (55, "BTCUSDT")])  # fmt: skip
            venue.exchange.on_message(client.acceptor, taker, 0.0)
            venue.exchange.on_message(client.acceptor, order(f"r{n}"), 0.0)
            venue.exchange.on_message(client.acceptor, cancel(f"x{n}", orig=f"r{n}"), 0.0)
            client.acceptor.data_to_send()
        gc.collect()
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kept < 400_000  # (kept by OrderID and among what rests until a feed tick: 2.5 MB)


def test_a_duplicate_open_cl_ord_id_is_rejected_until_the_order_closes(venue: Venue) -> None:
    client = venue.connect()
    venue.ask(client, order("o1"))
    rejected = only(venue.ask(client, order("o1")))
    assert isinstance(rejected.error, errors.NewOrderRejected)
    assert (rejected.error.code, rejected.error.text) == (-2010, "Duplicate order sent.")
    assert (rejected.message[150], rejected.message[39]) == ("8", "8")
    venue.ask(client, cancel("c1", orig="o1"))
    assert only(venue.ask(client, order("o1"))).error is None


def test_a_message_naming_an_unknown_symbol_gets_a_reject(venue: Venue) -> None:
    # Binance's FIX page: messages that "refer to unknown symbols will be rejected by the
    # server with a Reject <3>".
    client = venue.connect()
    for request in (
        order("o1", symbol="NOPEUSDT"),
        Message("F", [(11, "c1"), (41, "o1"), (55, "NOPEUSDT")]),
        Message("q", [(55, "NOPEUSDT"), (11, "m1"), (530, "1")]),
    ):
        rejected = only(venue.ask(client, request))
        assert rejected.message.msg_type == "3" and isinstance(rejected.error, errors.BadSymbol)
        assert (rejected.error.text, rejected.message[371]) == ("Invalid symbol.", "55")
        assert rejected.message[372] == request.msg_type


def test_cancel_by_orig_cl_ord_id_or_order_id_and_unknown_orders(venue: Venue) -> None:
    client = venue.connect()
    first = only(venue.ask(client, order("o1"))).message
    venue.ask(client, order("o2"))
    by_orig = only(venue.ask(client, cancel("c1", orig="o1"))).message
    assert (by_orig[150], by_orig[39], by_orig[11], by_orig[41]) == ("4", "4", "c1", "o1")
    assert by_orig[37] == first[37] and by_orig[151] == "0.00000000"
    again = only(venue.ask(client, cancel("c2", orig="o1")))
    # Binance's FIX page's OrderCancelReject sample: 58=Unknown order sent.|434=1|25016=-1013
    assert again.message.msg_type == "9" and isinstance(again.error, errors.UnknownOrder)
    assert (again.error.code, again.error.text) == (-1013, "Unknown order sent.")
    assert again.message[434] == "1"
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
    # Binance's FIX page: the amended order takes the request's ClOrdID (kept when the same).
    client = venue.connect()
    venue.ask(client, order("o1", "5"))
    venue.ask(client, order("o2", "5"))
    amend = Message("XAK", [(11, "a1"), (41, "o1"), (55, "BTCUSDT"), (38, "3")])
    lowered = only(venue.ask(client, amend)).message
    assert (lowered[150], lowered[38], lowered[151]) == ("5", "3.00000000", "3.00000000")
    assert (lowered[11], lowered[41]) == ("a1", "o1")
    gone = only(venue.ask(client, amend.replace([(11, "a9"), (38, "2")])))
    assert gone.error is not None and gone.error.text == "Unknown order sent."  # o1 is a1 now
    taken = only(venue.ask(client, amend.replace([(11, "o2"), (41, "a1"), (38, "2")])))
    assert taken.error is not None and taken.error.text == "Duplicate order sent."
    amend = amend.replace([(41, "a1")])
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


def test_amending_an_oco_leg_amends_both_and_the_list_is_updated(venue: Venue) -> None:
    # Binance's amend FAQ: "OCO order pairs must have the same quantity ... amending either
    # order affects both orders"; its FIX page: ExecutionReport + ListStatus for a list's.
    client = venue.connect()
    legs = [(11, "lo"), (38, "2"), (40, "2"), (44, "100"), (54, "1"), (55, "BTCUSDT"),
            (59, "1"), (11, "hi"), (38, "2"), (40, "4"), (44, "99000"), (54, "1"),
            (55, "BTCUSDT"), (59, "1"), (1100, "4"), (1101, "1"), (1102, "98000"), (1107, "2"),
            (1109, "U")]  # fmt: skip
    venue.ask(client, Message("E", [(25014, "oco"), (1385, "1"), (73, "2"), *legs]))
    answers = [a.message for a in venue.ask(client, Message("XAK", [
        (11, "lo2"), (41, "lo"), (55, "BTCUSDT"), (38, "1")]))]  # fmt: skip
    assert [(a.msg_type, a.get(11), a.get(38)) for a in answers[:2]] == [
        ("8", "lo2", "1.00000000"), ("8", "hi", "1.00000000"),
    ]  # fmt: skip
    listed = answers[2]
    assert (listed.msg_type, listed[429], listed[431]) == ("N", "100", "3")  # UPDATED
    assert listed.get_all(11) == ["lo2", "hi"]  # the leg under its new ClOrdID


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
    for name, side, price in (("l1", "1", "100"), ("l2", "2", "99000")):  # neither crosses
        legs += [(11, name), (38, "1"), (40, "2"), (44, price), (54, side), (55, "BTCUSDT"),
                 (59, "1")]  # fmt: skip
    answers = venue.ask(client, Message("E", [(25014, "list1"), (1385, "1"), (73, "2"), *legs]))
    assert [a.message.msg_type for a in answers] == ["N", "8", "8"]
    status = answers[0].message
    assert (status[25014], status[73], status.get_all(11)) == ("list1", "2", ["l1", "l2"])


def place_list(venue: Venue, client: object, cl_list_id: str = "list1") -> Message:
    legs = []
    for name, side in ((f"{cl_list_id}-a", "1"), (f"{cl_list_id}-b", "2")):
        legs += [(11, name), (38, "1"), (40, "2"), (44, "100" if side == "1" else "99000"),
                 (54, side), (55, "BTCUSDT"), (59, "1")]  # fmt: skip
    request = Message("E", [(25014, cl_list_id), (1385, "1"), (73, "2"), *legs])
    answers = venue.ask(client, request)  # type: ignore[arg-type]
    assert all(a.message[66] == answers[0].message[66] for a in answers)  # legs carry ListID
    return answers[0].message


@pytest.mark.parametrize("how", ["list_id", "orig_cl_list_id", "one_leg"])
def test_cancelling_a_list_or_any_leg_cancels_the_whole_list(venue: Venue, how: str) -> None:
    # Binance's FIX page: OrderCancelRequest<F> takes ListID(66) or OrigClListID(25015) to
    # cancel an order list; cancelling one leg of a list cancels the list.
    client = venue.connect()
    status = place_list(venue, client)
    target = {"list_id": [(66, status[66])], "orig_cl_list_id": [(25015, "list1")],
              "one_leg": [(41, "list1-b")]}[how]  # fmt: skip
    answers = [a.message for a in venue.ask(client, Message("F", [(11, "c1"), *target,
                                                                  (55, "BTCUSDT")]))]  # fmt: skip
    assert [a.msg_type for a in answers] == ["8", "8", "N"]
    assert {(a[150], a[39], a[41]) for a in answers[:2]} == {("4", "4", "list1-a"),
                                                             ("4", "4", "list1-b")}  # fmt: skip
    done = answers[2]
    assert (done[66], done[429], done[431], done.get_all(11)) == (
        status[66], "5", "6", ["list1-a", "list1-b"],
    )  # fmt: skip
    again = only(venue.ask(client, Message("F", [(11, "c2"), (66, status[66]), (55, "BTCUSDT")])))
    assert isinstance(again.error, errors.UnknownOrder)


def test_an_oco_leg_that_trades_expires_the_other_and_ends_the_list(venue: Venue) -> None:
    client = venue.connect()
    best_bid = venue.exchange._levels["BTCUSDT"][0][0]
    legs = [
        (11, "keep"),
        (38, "1"),
        (40, "2"),
        (44, "99000"),
        (54, "2"),
        (55, "BTCUSDT"),
        (59, "1"),  # a SELL far above the book: rests
        (11, "take"),
        (38, f"{best_bid[1]:f}"),
        (40, "2"),
        (44, f"{best_bid[0]:f}"),
        (54, "2"),
        (55, "BTCUSDT"),
        (59, "1"),
    ]  # a SELL at the best bid: trades at once
    answers = [a.message for a in venue.ask(client, Message("E", [(25014, "oco"), (1385, "1"),
                                                                  (73, "2"), *legs]))]  # fmt: skip
    assert [(a.msg_type, a.get(11), a.get(150), a.get(39)) for a in answers] == [
        ("N", "keep", None, None), ("8", "keep", "0", "0"), ("8", "take", "0", "0"),
        ("8", "take", "F", "2"), ("8", "keep", "C", "C"), ("N", "keep", None, None),
    ]  # fmt: skip
    assert answers[4][25056] == "3"  # OCO_TRIGGER
    assert (answers[5][429], answers[5][431]) == ("5", "6")  # ALL_DONE
    assert answers[3][66] == answers[0][66]


def test_an_oto_pending_leg_is_placed_when_the_working_leg_fills() -> None:
    venue = Venue(seed=5, feed_interval=0.1)
    client = venue.connect()
    feed = venue.connect(SessionType.MARKET_DATA)  # the book moves while the feed runs
    venue.ask(feed, Message("V", BOOK))
    best_ask = venue.exchange._levels["BTCUSDT"][1][0][0]
    legs = [(11, "work"), (38, "0.00001"), (40, "2"), (44, f"{best_ask - Decimal('0.01'):f}"), (54, "1"),
            (55, "BTCUSDT"), (59, "1"),  # a BUY a tick below the best offer: rests
            (11, "then"), (38, "0.00001"), (40, "2"), (44, "99000"), (54, "2"),
            (55, "BTCUSDT"), (59, "1")]  # fmt: skip
    answers = [a.message for a in venue.ask(client, Message("E", [(25014, "oto"), (1385, "2"),
                                                                  (73, "2"), *legs]))]  # fmt: skip
    assert [(a.get(11), a.get(39)) for a in answers[1:]] == [("work", "0"), ("then", "A")]
    assert answers[2][151] == "0.00001000"  # PENDING_NEW, its quantity still to do
    for _ in range(2000):  # the book drifts a cent at a time, until it reaches the bid
        venue.advance(0.1)
        reports = [m.message for m in venue.received(client) if m.message.msg_type == "8"]
        if reports:
            break
    assert [(r[11], r[150], r[39]) for r in reports] == [
        ("work", "F", "2"), ("then", "0", "0"),
    ]  # fmt: skip
    assert reports[0][1057] == "N"  # it rested: a maker


@pytest.mark.parametrize("opo", [False, True])
def test_a_pending_leg_that_trades_as_it_is_placed_ends_the_list_once(opo: bool) -> None:
    # Found by the exchange fuzz target: a working BUY that fills at once places its pending
    # SELL, which crosses the bids and fills at once too; the list ended twice (KeyError).
    venue = Venue()
    client = venue.connect()
    best_ask = venue.exchange._levels["BTCUSDT"][1][0][0]
    legs = [(11, "w"), (38, "0.01"), (40, "2"), (44, f"{best_ask:f}"), (54, "1"),
            (55, "BTCUSDT"), (59, "1"), (11, "p"), *([] if opo else [(38, "0.005")]),
            (40, "2"), (44, "100"), (54, "2"), (55, "BTCUSDT"), (59, "1")]  # fmt: skip
    head = [(25014, "l1"), (1385, "2"), *([(25046, "Y")] if opo else []), (73, "2")]
    answers = [a.message for a in venue.ask(client, Message("E", [*head, *legs]))]
    done = [a for a in answers if a.msg_type == "N" and a[429] == "5"]
    assert len(done) == 1 and done[0][431] == "6"  # ALL_DONE, once
    last = {a[11]: a[39] for a in answers if a.msg_type == "8"}
    assert last == {"w": "2", "p": "2"}  # both filled


def test_an_otoco_pending_leg_that_trades_expires_the_other_and_ends_the_list() -> None:
    # Binance's FIX page: an OTOCO is an OTO whose two pending orders are an OCO; one of them
    # trading expires the other (OCO_TRIGGER), and the list ends ALL_DONE.
    venue = Venue()
    client = venue.connect()
    best_ask = venue.exchange._levels["BTCUSDT"][1][0][0]
    mid = venue.exchange._mid["BTCUSDT"]
    legs = [(11, "w"), (38, "0.01"), (40, "2"), (44, f"{best_ask:f}"), (54, "1"),
            (55, "BTCUSDT"), (59, "1"),
            (11, "stop"), (38, "0.01"), (40, "3"), (54, "2"), (55, "BTCUSDT"), (1100, "4"),
            (1101, "1"), (1102, f"{mid - 100:f}"), (1107, "2"), (1109, "D"),
            (11, "lim"), (38, "0.01"), (40, "2"), (44, "100"), (54, "2"), (55, "BTCUSDT"),
            (59, "1")]  # fmt: skip
    answers = [a.message for a in venue.ask(client, Message("E", [
        (25014, "l1"), (1385, "2"), (73, "3"), *legs]))]  # fmt: skip
    ends = {a[11]: (a[150], a[39], a.get(25056)) for a in answers if a.msg_type == "8"}
    assert ends == {"w": ("F", "2", None), "lim": ("F", "2", None), "stop": ("C", "C", "3")}
    assert [a[429] for a in answers if a.msg_type == "N"] == ["4", "5"]  # started, ALL_DONE


def test_an_opo_pending_leg_sells_what_the_working_leg_bought() -> None:
    # Binance's OPO FAQ: the pending orders come without a quantity; once the working order
    # fully fills, theirs is what it received, commission deducted, adjusted to LOT_SIZE;
    # until then "A pending OPO order's quantity may not be amended".
    venue = Venue(seed=5, feed_interval=0.1)
    client = venue.connect()
    feed = venue.connect(SessionType.MARKET_DATA)
    venue.ask(feed, Message("V", BOOK))
    best_ask = venue.exchange._levels["BTCUSDT"][1][0][0]
    legs = [(11, "work"), (38, "0.01"), (40, "2"), (44, f"{best_ask - Decimal('0.01'):f}"),
            (54, "1"), (55, "BTCUSDT"), (59, "1"),
            (11, "then"), (40, "2"), (44, "99000"), (54, "2"), (55, "BTCUSDT"), (59, "1")]  # fmt: skip
    answers = [a.message for a in venue.ask(client, Message("E", [
        (25014, "opo"), (1385, "2"), (25046, "Y"), (73, "2"), *legs]))]  # fmt: skip
    assert [(a.get(11), a.get(39)) for a in answers[1:]] == [("work", "0"), ("then", "A")]
    amend = Message("XAK", [(11, "a1"), (41, "then"), (38, "0.001"), (55, "BTCUSDT")])
    refused = only(venue.ask(client, amend)).message
    assert (refused.msg_type, refused[58]) == (
        "XAR",
        "Order amend (pending OPO order) is not supported.",
    )
    for _ in range(2000):
        venue.advance(0.1)
        reports = [m.message for m in venue.received(client) if m.message.msg_type == "8"]
        if reports:
            break
    trades = [r for r in reports if r[11] == "work"]
    assert trades[-1][39] == "2"
    fees = sum(Decimal(r[137]) for r in trades)
    (placed,) = [r for r in reports if r[11] == "then"]
    assert (placed[150], placed[39]) == ("0", "0")
    assert Decimal(placed[38]) == Decimal("0.01") - fees == Decimal("0.00999")


def test_an_amend_below_what_traded_ends_the_order_filled_at_what_it_traded() -> None:
    # Binance's amend FAQ only reduces a quantity, and is silent below the executed one: the
    # venue ends the order there (FILLED at what it traded), never a negative LeavesQty.
    venue = Venue()
    client = venue.connect()
    best_ask, size = venue.exchange._levels["BTCUSDT"][1][0]
    reports = [a.message for a in venue.ask(client, Message("D", [
        (11, "b1"), (38, f"{size * 2:f}"), (40, "2"), (44, f"{best_ask:f}"), (54, "1"),
        (55, "BTCUSDT"), (59, "1")]))]  # fmt: skip
    assert [(r[150], r[39]) for r in reports] == [("0", "0"), ("F", "1")]  # rests with half
    assert venue.exchange._depth("BTCUSDT")[("0", best_ask)] == size  # a bid of its own
    amended = only(venue.ask(client, Message("XAK", [(11, "a1"), (41, "b1"),
                                                     (38, f"{size / 2:f}"), (55, "BTCUSDT")]))).message  # fmt: skip
    assert (amended[150], amended[39], Decimal(amended[151])) == ("5", "2", Decimal(0))
    assert Decimal(amended[38]) == Decimal(amended[14]) == size
    assert ("0", best_ask) not in venue.exchange._depth("BTCUSDT")  # off the book


def test_an_orders_first_fill_gives_back_one_unfilled_order() -> None:
    # Binance's unfilled order count FAQ: "When an order is filled for the first time
    # (partially or fully), your unfilled order count is decremented by one order for all
    # intervals"; cancels and expiries give nothing back; the count never goes below zero.
    venue = Venue(order_limits=(Limit(2, 10), Limit(100, 86400)))
    client = venue.connect()
    venue.ask(client, order("o1"))  # rests: 1
    market = [(38, "0.001"), (40, "1"), (54, "1"), (55, "BTCUSDT")]
    venue.ask(client, Message("D", [(11, "m1"), *market]))  # 2, filled at once: 1
    limits = only(venue.ask(client, Message("XLQ", [(6136, "q1")]))).message
    assert limits.get_all(25005)[1:] == ["1", "1"]  # (the message limit's is the first)
    venue.ask(client, order("o2"))  # 2
    assert isinstance(only(venue.ask(client, order("o3"))).error, errors.TooManyOrders)
    venue.ask(client, cancel("c1", orig="o1"))  # a cancel gives nothing back
    assert isinstance(only(venue.ask(client, order("o4"))).error, errors.TooManyOrders)


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
    assert rejected.message.msg_type == "3" and isinstance(rejected.error, errors.BadSymbol)
    assert client.acceptor.subscriptions == {}


@pytest.mark.parametrize("depth", ["0", "5001", "9000"])
def test_market_depth_is_1_or_2_to_5000(venue: Venue, depth: str) -> None:
    # Binance's FIX page: MarketDepth "1 - Book Ticker subscription, 2-5000 - Diff. Depth Stream"
    client = venue.connect(SessionType.MARKET_DATA)
    request = Message("V", [(t, depth if t == 264 else v) for t, v in BOOK])
    rejected = only(venue.ask(client, request))
    assert rejected.message.msg_type == "Y" and isinstance(rejected.error, errors.InvalidParameter)
    assert rejected.error.text == "Data sent for parameter '264' is not valid."
    assert client.acceptor.subscriptions == {}
    venue.advance(1.0)
    assert venue.received(client) == []


def test_a_deep_subscription_gets_the_whole_synthetic_book(venue: Venue) -> None:
    client = venue.connect(SessionType.MARKET_DATA)
    request = Message("V", [(t, "5000" if t == 264 else v) for t, v in BOOK])
    snapshot = only(venue.ask(client, request)).message
    assert snapshot.msg_type == "W" and snapshot[268] == str(2 * venue.exchange.book_levels)


def test_a_detached_session_gets_nothing_more(venue: Venue) -> None:
    client = venue.connect(SessionType.MARKET_DATA)
    venue.ask(client, Message("V", BOOK))
    venue.exchange.detach(client.acceptor)
    assert venue.exchange.next_deadline() is None


# -- matching: fills and expiries --------------------------------------------------------------


def market(cl_ord_id: str, quantity: str, side: str = "1") -> Message:
    return Message("D", [(11, cl_ord_id), (38, quantity), (40, "1"), (54, side), (55, "BTCUSDT")])


def test_a_market_order_fills_level_by_level_then_is_filled(venue: Venue) -> None:
    client = venue.connect()
    asks = [level[:] for level in venue.exchange._levels["BTCUSDT"][1]]
    quantity = asks[0][1] + asks[1][1] / 2  # the best level, and half the next
    reports = [a.message for a in venue.ask(client, market("m1", f"{quantity:f}"))]
    assert [(r[150], r[39]) for r in reports] == [("0", "0"), ("F", "1"), ("F", "2")]
    first, last = reports[1], reports[2]
    assert (first[31], first[32]) == (f"{asks[0][0]:.8f}", f"{asks[0][1]:.8f}")
    assert (last[31], last[32]) == (f"{asks[1][0]:.8f}", f"{asks[1][1] / 2:.8f}")
    assert last[14] == f"{quantity:.8f}" and last[151] == "0.00000000"
    assert (
        first[1057] == "Y" and int(first[1003]) > 2**32 and int(last[1003]) == int(first[1003]) + 1
    )
    quote = asks[0][0] * asks[0][1] + asks[1][0] * asks[1][1] / 2
    assert last[25017] == f"{quote:.8f}"
    # what it took is gone from the book, and the ClOrdID is free again
    assert venue.exchange._levels["BTCUSDT"][1][0] == [asks[1][0], asks[1][1] / 2]
    assert only(venue.ask(client, order("m1"))).error is None


def test_an_ioc_that_cannot_cross_expires_with_its_reason(venue: Venue) -> None:
    client = venue.connect()
    ioc = order("i1").replace([(59, "3")])  # a BUY at 100, far below the book
    reports = [a.message for a in venue.ask(client, ioc)]
    assert [(r[150], r[39]) for r in reports] == [("0", "0"), ("C", "C")]
    assert reports[1][25056] == "5" and reports[1][151] == "0.00000000"  # UNFILLED_IOC_...


def test_a_fok_fills_whole_or_expires(venue: Venue) -> None:
    client = venue.connect()
    asks = venue.exchange._levels["BTCUSDT"][1]
    total = sum(level[1] for level in asks)
    too_much = Message("D", [(11, "f1"), (38, f"{total + 1:f}"), (40, "2"), (44, "99999"),
                             (54, "1"), (55, "BTCUSDT"), (59, "4")])  # fmt: skip
    reports = [a.message for a in venue.ask(client, too_much)]
    assert [(r[150], r[39], r.get(25056)) for r in reports] == [("0", "0", None), ("C", "C", "6")]
    assert sum(level[1] for level in asks) == total  # nothing was taken
    enough = too_much.replace([(11, "f2"), (38, f"{asks[0][1]:f}")])
    assert [a.message[39] for a in venue.ask(client, enough)] == ["0", "2"]


def test_a_market_order_beyond_the_book_expires_for_liquidity(venue: Venue) -> None:
    client = venue.connect()
    total = sum(level[1] for level in venue.exchange._levels["BTCUSDT"][0])
    reports = [a.message for a in venue.ask(client, market("m1", f"{total * 2:f}", side="2"))]
    assert reports[-2][39] == "1" and reports[-1][150] == "C" and reports[-1][25056] == "7"
    assert reports[-1][14] == f"{total:.8f}"
    assert venue.exchange._levels["BTCUSDT"][0] == []


def test_a_quote_quantity_market_order_buys_what_its_money_buys(venue: Venue) -> None:
    client = venue.connect()
    best = venue.exchange._levels["BTCUSDT"][1][0][0]
    reports = [a.message for a in venue.ask(client, Message("D", [
        (11, "q2"), (152, "100"), (40, "1"), (54, "1"), (55, "BTCUSDT")]))]  # fmt: skip
    assert [(r[150], r[39]) for r in reports] == [("0", "0"), ("F", "2")]
    assert Decimal(reports[1][25017]) <= 100 and reports[1][38] == reports[1][14]
    assert Decimal(reports[1][32]) * best == Decimal(reports[1][25017])


def test_a_limit_maker_that_would_cross_is_rejected(venue: Venue) -> None:
    client = venue.connect()
    maker = order("k1").replace([(44, "70000"), (18, "6")])
    rejected = only(venue.ask(client, maker))
    assert isinstance(rejected.error, errors.NewOrderRejected)
    assert rejected.error.text == "Order would immediately match and take."
    # nothing open is left of it: a cancel by the OrderID it would have had finds nothing
    order_id = venue.exchange.first_order_id  # (the first order made, rejected or not)
    cancel_it = Message("F", [(11, "c1"), (37, str(order_id)), (55, "BTCUSDT")])
    assert isinstance(only(venue.ask(client, cancel_it)).error, errors.UnknownOrder)


def test_fills_reach_drop_copy_and_the_trade_stream(venue: Venue) -> None:
    client = venue.connect()
    watcher = venue.connect(SessionType.DROP_COPY)
    feed = venue.connect(SessionType.MARKET_DATA)
    venue.ask(feed, Message("V", [(262, "t1"), (263, "1"), (264, "1"), (146, "1"),
                                  (55, "BTCUSDT"), (267, "1"), (269, "2")]))  # fmt: skip
    reports = [a.message for a in venue.ask(client, market("m1", "0.00001"))]
    trades = [m.message for m in venue.received(feed)]
    assert len(trades) == 1 and trades[0][1003] == reports[1][1003]
    assert (trades[0][270], trades[0][271]) == (reports[1][31], reports[1][32])
    venue.advance(2.0)
    copied = [m.message for m in venue.received(watcher)]
    assert [(c[150], c[17]) for c in copied] == [(r[150], r[17]) for r in reports]


@settings(max_examples=60, deadline=None)
@given(flow=st.lists(st.tuples(
    st.sampled_from(["1", "2"]),  # side
    st.sampled_from(["1", "2"]),  # MARKET, LIMIT
    st.sampled_from(["1", "3", "4"]),  # GTC, IOC, FOK
    st.integers(1, 200_000),  # quantity in lots
    st.integers(-30, 30),  # limit price in ticks from the mid
    st.booleans(),  # cancel it afterwards
), min_size=1, max_size=12))  # fmt: skip
def test_random_flows_never_lose_or_duplicate_quantity(
    flow: list[tuple[str, str, str, int, int, bool]],
) -> None:
    venue = Venue()  # every answer also passes the client's validation (Venue.flush)
    client = venue.connect()
    for number, (side, kind, tif, lots, ticks, cancel_it) in enumerate(flow):
        fields = [(11, f"o{number}"), (38, f"{Decimal(lots) * Decimal('0.00001'):f}"),
                  (40, kind), (54, side), (55, "BTCUSDT")]  # fmt: skip
        if kind == "2":
            fields += [(44, f"{Decimal('64000') + ticks * Decimal('0.01'):f}"), (59, tif)]
        reports = [a.message for a in venue.ask(client, Message("D", fields))]
        if cancel_it:
            reports += [
                a.message for a in venue.ask(client, cancel(f"c{number}", orig=f"o{number}"))
            ]
        mine = f"o{number}"  # (a resting order of this client it traded with has its own)
        reports = [r for r in reports if r.msg_type == "8" and mine in (r.get(11), r.get(41))]
        assert reports and reports[0][150] == "0"
        quantity, filled = Decimal(reports[0][38]), Decimal(0)
        for report in reports:
            filled += Decimal(report[32])
            assert Decimal(report[14]) == filled  # CumQty = the sum of LastQty
            if report[39] in ("0", "1"):  # open: LeavesQty + CumQty = OrderQty
                assert Decimal(report[151]) + filled == quantity
            else:
                assert Decimal(report[151]) == 0 and filled <= quantity
        assert reports[-1][39] in ("0", "1", "2", "4", "C")
        if reports[-1][39] == "2":
            assert filled == quantity


WHOLE_BOOK = [(262, "d1"), (263, "1"), (264, "5000"), (146, "1"), (55, "BTCUSDT"), (267, "2"),
              (269, "0"), (269, "1")]  # fmt: skip
"""A depth subscription to all of BTCUSDT's book."""


def _book_of(snapshot: Message) -> dict[tuple[str, str], str]:
    """A snapshot's book: (MDEntryType, price) to size."""
    return dict(zip(zip(snapshot.get_all(269), snapshot.get_all(270), strict=True),
                    snapshot.get_all(271), strict=True))  # fmt: skip


def _apply_depth(book: dict[tuple[str, str], str], update: Message) -> set[str]:
    """Apply a depth diff to ``book``; the MDUpdateActions it had."""
    entries = zip(update.get_all(279), update.get_all(269), update.get_all(270), strict=True)
    sizes = iter(update.get_all(271))
    for action, side, price in entries:
        if action == "2":
            del book[(side, price)]
        else:
            book[(side, price)] = next(sizes)
    return set(update.get_all(279))


def test_a_book_rebuilt_from_the_depth_stream_is_the_venues_book() -> None:
    # Binance's diff depth stream: a snapshot (LastBookUpdateID), then diffs whose
    # FirstBookUpdateID follows the last LastBookUpdateID, entries NEW, CHANGE or DELETE.
    venue = Venue(seed=3)
    trader, feed = venue.connect(), venue.connect(SessionType.MARKET_DATA)
    snapshot = only(venue.ask(feed, Message("V", WHOLE_BOOK))).message
    book = _book_of(snapshot)
    last, actions = int(snapshot[25044]), set()
    for step in range(30):
        if step % 3 == 0:  # fills between publications change the book too
            side = "1" if step % 2 else "2"
            venue.ask(trader, Message("D", [(11, f"m{step}"), (38, "0.3"), (40, "1"), (54, side),
                                            (55, "BTCUSDT")]))  # fmt: skip
        venue.advance(0.1)
        for update in (m.message for m in venue.received(feed)):
            assert int(update[25043]) == last + 1  # no gap, no overlap
            last = int(update[25044])
            actions |= _apply_depth(book, update)
    assert actions == {"0", "1", "2"}
    bids, asks = venue.exchange._levels["BTCUSDT"]
    expected = {("0", f"{p:.8f}"): f"{q:.8f}" for p, q in bids}
    expected |= {("1", f"{p:.8f}"): f"{q:.8f}" for p, q in asks}
    assert book == expected and last == venue.exchange._book_ids["BTCUSDT"]


def test_resting_client_orders_are_in_the_published_book() -> None:
    # Binance's depth stream is the book every order rests in: a client's resting LIMIT
    # order is a level of its own (inside the spread, beyond the book) or adds to one at its
    # price, and leaves it when cancelled or taken; snapshots show it too.
    venue = Venue(seed=5)
    trader, feed = venue.connect(), venue.connect(SessionType.MARKET_DATA)
    snapshot = only(venue.ask(feed, Message("V", WHOLE_BOOK))).message
    book = _book_of(snapshot)
    mid, tick = venue.exchange._mid["BTCUSDT"], Decimal("0.01")
    leaves: dict[str, tuple[str, Decimal, Decimal]] = {}  # open orders: entry type, px, qty
    places = [("1", 0), ("2", 50), ("1", -3), ("2", 1), ("1", -60), ("2", 0)]

    def follow(reports: list[MessageReceived]) -> None:
        for report in (r.message for r in reports if r.message.msg_type == "8"):
            if report[39] in ("0", "1"):
                entry_type = "0" if report[54] == "1" else "1"
                leaves[report[11]] = (entry_type, Decimal(report[44]), Decimal(report[151]))
            else:  # done (a cancel's report names it by OrigClOrdID)
                leaves.pop(report.get(41) or report[11], None)

    for step in range(24):
        if step < len(places):
            side, ticks = places[step]
            price = mid + ticks * tick
            follow(venue.ask(trader, Message("D", [
                (11, f"r{step}"), (38, "0.02"), (40, "2"), (44, f"{price:f}"), (54, side),
                (55, "BTCUSDT"), (59, "1")])))  # fmt: skip
        if step == 10:
            follow(venue.ask(trader, cancel("c1", orig="r1")))  # the one beyond the book
        venue.advance(0.1)
        follow(venue.received(trader))  # (taken as the book moved)
        for update in (m.message for m in venue.received(feed)):
            _apply_depth(book, update)
        bids, asks = venue.exchange._levels["BTCUSDT"]
        expected = {("0", p): q for p, q in bids} | {("1", p): q for p, q in asks}
        for entry_type, price, quantity in leaves.values():
            expected[(entry_type, price)] = expected.get((entry_type, price), 0) + quantity
        assert book == {(t, f"{p:.8f}"): f"{q:.8f}" for (t, p), q in expected.items()}
        if step == 8:  # a later subscriber's snapshot is the same book
            later = venue.connect(SessionType.MARKET_DATA)
            assert _book_of(only(venue.ask(later, Message("V", WHOLE_BOOK))).message) == book
    assert ("1", f"{mid + 50 * tick:.8f}") not in book  # cancelled: gone
    assert ("0", f"{mid - 60 * tick:.8f}") in book  # beyond the book, still resting


def _pegged(cl_ord_id: str, side: str, peg: str, *extra: tuple[int, str]) -> Message:
    """A pegged NewOrderSingle: OrdType P, PegPriceType ``peg`` (4 MARKET, 5 PRIMARY)."""
    return Message("D", [(11, cl_ord_id), (38, "0.01"), (40, "P"), (54, side), (55, "BTCUSDT"),
                         (1094, peg), (835, "1"), *extra])  # fmt: skip


def test_a_pegged_order_is_a_limit_at_the_price_its_peg_fixes() -> None:
    # Binance's pegged-orders FAQ: PRIMARY_PEG is the best price on the order's own side,
    # MARKET_PEG the best on the other, PegOffsetValue price levels deeper (PRICE_TIER); the
    # peg is FIXED (PegMoveType 1); reports carry the price in PeggedPrice(839).
    venue = Venue()
    client = venue.connect()
    bids, asks = venue.exchange._levels["BTCUSDT"]
    (new,) = [a.message for a in venue.ask(client, _pegged("p1", "1", "5", (59, "1")))]
    assert (new[150], new[39], Decimal(new[839])) == ("0", "0", bids[0][0])
    assert (new[1094], new[835]) == ("5", "1") and 44 not in new.tags
    deeper = venue.ask(client, _pegged("p2", "2", "5", (211, "2"), (836, "3"), (59, "1")))
    assert Decimal(only(deeper).message[839]) == asks[2][0]  # the third best offer
    best_ask, size = asks[0]
    took = [
        a.message
        for a in venue.ask(
            client,
            Message(
                "D",
                [
                    (11, "p3"),
                    (38, f"{size + 1:f}"),
                    (40, "P"),
                    (54, "1"),
                    (55, "BTCUSDT"),
                    (1094, "4"),
                    (835, "1"),
                    (59, "3"),
                ],
            ),
        )
    ]  # fmt: skip  (MARKET_PEG, IOC)
    assert [(r[150], r[39]) for r in took] == [("0", "0"), ("F", "1"), ("C", "C")]
    assert (Decimal(took[1][31]), Decimal(took[1][32])) == (best_ask, size)  # that level only
    resting = venue.exchange._depth("BTCUSDT")  # p1 rests at the best bid: on top of it
    assert resting[("0", bids[0][0])] == bids[0][1] + Decimal("0.01")


def test_a_pegged_stop_limit_pegs_its_limit_price_when_it_triggers() -> None:
    # Binance's pegged-orders FAQ: "stop orders use the best price at the time when they are
    # triggered, which is different from the price when the stop order is placed".
    venue = Venue(seed=2, feed_interval=0.1)
    client = venue.connect()
    venue.connect(SessionType.MARKET_DATA)  # (the feed runs while a stream is open)
    feed = venue.connect(SessionType.MARKET_DATA)
    venue.ask(feed, Message("V", [(262, "t1"), (263, "1"), (264, "1"), (146, "1"),
                                  (55, "BTCUSDT"), (267, "1"), (269, "2")]))  # fmt: skip
    mid, tick = venue.exchange._mid["BTCUSDT"], Decimal("0.01")
    stop = [(11, "s1"), (38, "0.01"), (40, "4"), (44, f"{mid - 5 * tick:f}"), (54, "1"), (55, "BTCUSDT"),
            (59, "1"), (1100, "4"), (1101, "1"), (1107, "2"), (1109, "U"),
            (1102, f"{mid + tick:f}"), (1094, "5"), (835, "1")]  # fmt: skip
    (placed,) = [a.message for a in venue.ask(client, Message("D", stop))]
    assert (placed[150], placed.get(839)) == ("0", None)  # not pegged while it waits
    (order,) = venue.exchange._resting["BTCUSDT"]
    for _ in range(2000):
        venue.advance(0.1)
        if not order.waiting:
            break
    assert not order.waiting
    bids, _ = venue.exchange._levels["BTCUSDT"]
    assert order.pegged == bids[0][0] != Decimal(order.price or 0)  # the best bid then


@pytest.mark.parametrize(
    ("peg", "extra", "text"),
    [
        ("4", [(18, "6")], "This price peg cannot be used with this order type."),  # MAKER
        ("5", [(59, "3")], "Unsupported order combination"),  # PRIMARY_PEG is GTC only
        ("5", [(211, "50"), (836, "3"), (59, "1")],
         "Order book liquidity is too low for this pegged order."),  # 50 levels deep
    ],
)  # fmt: skip
def test_a_peg_the_order_cannot_take_is_rejected_as_binance_words_it(
    peg: str, extra: list[tuple[int, str]], text: str
) -> None:
    venue = Venue()
    client = venue.connect()
    (rejected,) = [a.message for a in venue.ask(client, _pegged("x1", "1", peg, *extra))]
    assert (rejected[150], rejected[39], rejected[25016], rejected[58]) == ("8", "8", "-2010", text)


def test_the_feed_keeps_a_fixed_schedule_however_late_it_is_ticked() -> None:
    venue = Venue(feed_interval=0.1)
    client = venue.connect(SessionType.MARKET_DATA)
    start = venue.clock.now
    venue.ask(client, Message("V", BOOK))
    assert venue.exchange.next_deadline() == pytest.approx(start + 0.1)
    venue.advance(0.13)  # late: the next update is still due at +0.2, not +0.23
    assert len(venue.received(client)) == 1
    assert venue.exchange.next_deadline() == pytest.approx(start + 0.2)
    venue.advance(0.35)  # three intervals missed at once: one update, then back on schedule
    assert len(venue.received(client)) == 1
    assert venue.exchange.next_deadline() == pytest.approx(start + 0.5)


def test_a_stop_waits_for_its_trigger_then_trades() -> None:
    # Binance's error page: "Order would trigger immediately." when the stop price is already
    # reached; otherwise the stop rests until the last price reaches it.
    venue = Venue(seed=5, feed_interval=0.1)
    client = venue.connect()
    feed = venue.connect(SessionType.MARKET_DATA)
    venue.ask(feed, Message("V", BOOK))
    mid = venue.exchange._mid["BTCUSDT"]

    def stop(cl_ord_id: str, trigger: Decimal) -> Message:  # a BUY STOP_LOSS (MARKET)
        return Message("D", [(11, cl_ord_id), (38, "0.00001"), (40, "3"), (54, "1"),
                             (55, "BTCUSDT"), (1100, "4"), (1101, "1"), (1102, f"{trigger:f}"),
                             (1107, "2"), (1109, "U")])  # fmt: skip

    now = only(venue.ask(client, stop("s0", mid)))
    assert isinstance(now.error, errors.NewOrderRejected)
    assert now.error.text == "Order would trigger immediately."
    placed = only(venue.ask(client, stop("s1", mid + Decimal("0.01")))).message
    assert (placed[150], placed[39]) == ("0", "0")
    reports: list[Message] = []
    for _ in range(2000):  # until the mid walks up a cent
        venue.advance(0.1)
        reports = [m.message for m in venue.received(client) if m.message.msg_type == "8"]
        if reports:
            break
    assert [(r[11], r[150], r[39]) for r in reports] == [("s1", "F", "2")]
    assert venue.exchange._mid["BTCUSDT"] >= mid + Decimal("0.01")


def test_a_resting_order_taken_shows_the_takers_side_on_the_trade_stream() -> None:
    # AggressorSide(2446) is the side of the order that took liquidity: a resting BUY that
    # the book moves through was the maker, so the trade's aggressor is a SELL.
    venue = Venue(seed=5, feed_interval=0.1)
    client = venue.connect()
    feed = venue.connect(SessionType.MARKET_DATA)
    venue.ask(feed, Message("V", [(262, "t1"), (263, "1"), (264, "1"), (146, "1"),
                                  (55, "BTCUSDT"), (267, "1"), (269, "2")]))  # fmt: skip
    best_ask = venue.exchange._levels["BTCUSDT"][1][0][0]
    resting = Message("D", [(11, "r1"), (38, "0.00001"), (40, "2"),
                            (44, f"{best_ask - Decimal('0.01'):f}"), (54, "1"), (55, "BTCUSDT"),
                            (59, "1")])  # fmt: skip
    venue.ask(client, resting)
    fill = None
    for _ in range(2000):
        venue.advance(0.1)
        fills = [m.message for m in venue.received(client) if m.message.get(150) == "F"]
        if fills:
            fill = fills[0]
            break
    assert fill is not None and fill[1057] == "N"
    trades = [
        m.message for m in venue.received(feed) if m.message.get(1003) == fill[1003]
    ]  # fmt: skip
    assert len(trades) == 1 and trades[0][2446] == "2"


def test_two_sessions_orders_trade_with_each_other_and_drop_copy_sees_both() -> None:
    # A resting SELL at the mid (inside the synthetic book's spread) is the best offer: a
    # MARKET BUY from another session takes it first, at its price; each side gets its TRADE
    # report with the same TradeID (AggressorIndicator Y for the taker, N for the maker).
    venue = Venue()
    maker, taker = venue.connect(), venue.connect()
    watcher = venue.connect(SessionType.DROP_COPY)
    mid = venue.exchange._mid["BTCUSDT"]
    sell = [(11, "m1"), (38, "0.5"), (40, "2"), (44, f"{mid:f}"), (54, "2"), (55, "BTCUSDT"),
            (59, "1")]  # fmt: skip
    (rested,) = [a.message for a in venue.ask(maker, Message("D", sell))]
    assert (rested[150], rested[39]) == ("0", "0")
    buy = [(11, "t1"), (38, "0.2"), (40, "1"), (54, "1"), (55, "BTCUSDT")]
    # (one account: with ResponseMode 1 each session also gets the other's reports)
    taken = [a.message for a in venue.ask(taker, Message("D", buy)) if a.message[11] == "t1"]
    assert [(r[11], r[150]) for r in taken] == [("t1", "0"), ("t1", "F")]
    trade = taken[1]
    assert (Decimal(trade[31]), Decimal(trade[32]), trade[1057], trade[39]) == (
        mid,
        Decimal("0.2"),
        "Y",
        "2",
    )
    (made,) = [a.message for a in venue.received(maker) if a.message[11] == "m1"]
    assert (made[11], made[150], made[39], made[1057]) == ("m1", "F", "1", "N")
    assert (Decimal(made[31]), Decimal(made[32]), Decimal(made[14])) == (
        mid,
        Decimal("0.2"),
        Decimal("0.2"),
    )
    assert made[1003] == trade[1003] and Decimal(made[151]) == Decimal("0.3")
    venue.advance(2.0)  # drop copy's delay
    copies = [(m.message[11], m.message[150]) for m in venue.received(watcher)]
    assert copies == [("m1", "0"), ("t1", "0"), ("t1", "F"), ("m1", "F")]
    cancelled = [a.message for a in venue.ask(maker, cancel("c1", orig="m1"))]
    assert [(r[150], Decimal(r[14])) for r in cancelled] == [("4", Decimal("0.2"))]


def _self_trade(mode: str | None) -> tuple[list[Message], list[Message]]:
    """One account's resting SELL at the mid, then its MARKET BUY with SelfTradePrevention
    ``mode``: the reports each order got."""
    venue = Venue()
    maker, taker = venue.connect(), venue.connect()
    mid = venue.exchange._mid["BTCUSDT"]
    venue.ask(maker, Message("D", [(11, "m1"), (38, "0.5"), (40, "2"), (44, f"{mid:f}"),
                                   (54, "2"), (55, "BTCUSDT"), (59, "1")]))  # fmt: skip
    buy = [(11, "t1"), (38, "0.2"), (40, "1"), (54, "1"), (55, "BTCUSDT")]
    buy += [(25001, mode)] if mode else []
    venue.ask(taker, Message("D", buy))
    reports = [m.message for m in venue.received(maker) if m.message.msg_type == "8"]
    return ([r for r in reports if r[11] == "m1"], [r for r in reports if r[11] == "t1"])


@pytest.mark.parametrize(
    ("mode", "maker_ends", "taker_ends"),
    [
        (None, ("F", "1"), ("F", "2")),  # NONE, the default: one account trades with itself
        ("1", ("F", "1"), ("F", "2")),
        ("2", None, ("C", "C")),  # EXPIRE_TAKER: the taker expires, the maker rests as it was
        ("3", ("C", "C"), ("F", "2")),  # EXPIRE_MAKER: the maker expires, the taker trades on
        ("4", ("C", "C"), ("C", "C")),  # EXPIRE_BOTH
        ("5", None, ("C", "C")),  # DECREMENT: the smaller order (the taker) expires
        ("6", None, ("C", "C")),  # TRANSFER: DECREMENT within one account
    ],
)
def test_self_trade_prevention_expires_the_orders_its_mode_names(
    mode: str | None, maker_ends: tuple[str, str] | None, taker_ends: tuple[str, str]
) -> None:
    # Binance's FIX page: PreventedMatchID (and the other prevented-match fields) "appear
    # only for orders that expired due to STP"; the taker's SelfTradePreventionMode decides.
    # Its STP FAQ: the EXPIRE modes expire all that is left of an order (the maker's 0.5, the
    # taker's 0.2); DECREMENT prevents the match's quantity on both, and the smaller expires.
    made, took = _self_trade(mode)
    assert (made[-1][150], made[-1][39]) == maker_ends if maker_ends else made == []
    assert (took[-1][150], took[-1][39]) == taker_ends
    assert took[-1][25001] == (mode or "1")  # each report carries its order's own mode
    expired = [r for r in (*made[-1:], took[-1]) if r[150] == "C"]
    for report in expired:
        left = Decimal("0.5") if report[11] == "m1" else Decimal("0.2")
        assert report[25028] == "BTCUSDT" and Decimal(report[25026]) == Decimal("0.2")
        assert Decimal(report[25030]) == Decimal(report[25031]) == left
        assert report.get(25024) is not None and report.get(1003) is None  # no trade
    if len(expired) == 2:  # one prevented match, named on both
        assert expired[0][25024] == expired[1][25024]
    if mode == "3":  # the taker traded with the book's best offer instead
        assert Decimal(took[-1][31]) > venue_mid_price()


def test_decrement_leaves_the_larger_order_open_with_less_and_expires_the_smaller() -> None:
    # Binance's STP FAQ: DECREMENT "increases the prevented quantity of both orders by the
    # amount of the prevented match. The smaller of the two orders will expire"; "original
    # order quantity - executed quantity - prevented quantity = quantity available".
    venue = Venue()
    maker, taker = venue.connect(), venue.connect()
    mid = venue.exchange._mid["BTCUSDT"]
    at_mid = [(40, "2"), (44, f"{mid:f}"), (55, "BTCUSDT"), (59, "1")]
    venue.ask(maker, Message("D", [(11, "m1"), (38, "0.5"), (54, "2"), *at_mid]))
    venue.ask(taker, Message("D", [(11, "t1"), (38, "0.2"), (40, "1"), (54, "1"),
                                   (55, "BTCUSDT"), (25001, "5")]))  # fmt: skip
    assert [m.message for m in venue.received(maker) if m.message[11] == "m1"] == []
    # m1 has 0.3 left: a NONE order of the account takes that much, and m1 is done
    took = [
        a.message
        for a in venue.ask(
            taker, Message("D", [(11, "t2"), (38, "0.5"), (54, "1"), *at_mid[:3], (59, "3")])
        )
    ]  # fmt: skip (IOC)
    assert [(r[150], Decimal(r[32])) for r in took if r[11] == "t2"] == [
        ("0", Decimal(0)), ("F", Decimal("0.3")), ("C", Decimal(0))]  # fmt: skip
    (made,) = [m.message for m in venue.received(maker) if m.message[11] == "m1"]
    assert (made[150], made[39], Decimal(made[14]), Decimal(made[151])) == (
        "F", "C", Decimal("0.3"), Decimal(0))  # fmt: skip
    # the other way round: the maker is smaller, expires, and the taker trades the rest with
    # the book; its quantity is then all traded or prevented: EXPIRED, not FILLED
    venue.ask(maker, Message("D", [(11, "m2"), (38, "0.1"), (54, "2"), *at_mid]))
    venue.received(maker)
    reports = [a.message for a in venue.ask(taker, Message("D", [
        (11, "t3"), (38, "0.11"), (40, "1"), (54, "1"), (55, "BTCUSDT"), (25001, "5")]))]  # fmt: skip
    (expired,) = [m.message for m in venue.received(maker) if m.message[11] == "m2"]
    assert (expired[150], expired[39], Decimal(expired[25030])) == ("C", "C", Decimal("0.1"))
    assert expired[25029] == next(r[37] for r in reports if r[11] == "t3")  # CounterOrderID
    trades = [r for r in reports if r[11] == "t3" and r[150] == "F"]
    assert sum(Decimal(r[32]) for r in trades) == Decimal("0.01")
    assert trades[-1][39] == "C" and Decimal(trades[-1][151]) == 0


def venue_mid_price() -> Decimal:
    return Venue().exchange._mid["BTCUSDT"]


@settings(max_examples=60, deadline=None)
@given(flow=st.lists(st.tuples(
    st.sampled_from(["a", "b"]),  # which session sends it
    st.sampled_from(["1", "2"]),  # side
    st.sampled_from(["1", "2"]),  # MARKET, LIMIT
    st.integers(1, 50_000),  # quantity in lots
    st.integers(-3, 3),  # limit price in ticks from the mid: the clients' orders meet
    st.sampled_from([None, "1", "2", "3", "4", "5", "6"]),  # SelfTradePreventionMode
), min_size=1, max_size=16))  # fmt: skip
def test_two_sessions_random_flows_keep_every_orders_quantity(
    flow: list[tuple[str, str, str, int, int, str | None]],
) -> None:
    """Orders of two sessions of one account that trade with each other, the book, or are
    stopped by self-trade prevention: every order's reports add up (CumQty = the sum of
    LastQty; LeavesQty + CumQty + what STP prevented = OrderQty while open), and every report
    is valid for the client (``Venue.flush`` asserts it). What DECREMENT takes off an order
    that stays open is not reported to it: it is read off the other order's expiry (its
    CounterOrderID and LastPreventedQty; the taker, whose mode decides, came later)."""
    venue = Venue()
    sessions = {"a": venue.connect(), "b": venue.connect()}
    mid = venue.exchange._mid["BTCUSDT"]
    got: list[MessageReceived] = []
    for number, (who, side, kind, lots, ticks, mode) in enumerate(flow):
        fields = [(11, f"o{number}"), (38, f"{Decimal(lots) * Decimal('0.00001'):f}"),
                  (40, kind), (54, side), (55, "BTCUSDT")]  # fmt: skip
        if kind == "2":
            fields += [(44, f"{mid + ticks * Decimal('0.01'):f}"), (59, "1")]
        fields += [(25001, mode)] if mode else []
        got += venue.ask(sessions[who], Message("D", fields))
        got += venue.received(sessions["b" if who == "a" else "a"])
    seen: dict[str, Message] = {}  # by ExecID: ResponseMode 1 copies each report to both
    for answer in got:
        if answer.message.msg_type == "8":
            seen.setdefault(answer.message[17], answer.message)
    by_order: dict[str, list[Message]] = {}
    prevented: dict[str, Decimal] = {}  # by OrderID
    numbers: dict[str, int] = {}  # OrderID -> which order of the flow
    for report in sorted(seen.values(), key=lambda r: int(r[17])):
        numbers[report[37]] = int(report[11][1:])
        reports = by_order.setdefault(report[11], [])
        reports.append(report)
        if 25024 not in report.tags:
            if report[39] in ("0", "1"):
                quantity = Decimal(reports[0][38])
                left = quantity - Decimal(report[14]) - prevented.get(report[37], Decimal(0))
                assert Decimal(report[151]) == left
            continue
        last, counter = Decimal(report[25031]), report[25029]
        taker = max((report[37], counter), key=lambda order_id: numbers.get(order_id, -1))
        if flow[numbers[taker]][5] in ("5", "6"):  # DECREMENT: both lose the match's quantity
            prevented[counter] = prevented.get(counter, Decimal(0)) + last
    assert set(by_order) == {f"o{n}" for n in range(len(flow))}
    for reports in by_order.values():
        quantity, filled = Decimal(reports[0][38]), Decimal(0)
        for report in reports:
            filled += Decimal(report[32])
            assert Decimal(report[14]) == filled
        assert filled <= quantity
        assert reports[-1][39] != "2" or filled == quantity


def test_trade_reports_carry_the_fee_in_the_asset_the_trade_gives() -> None:
    # Binance's ExecutionReport: NoMiscFees(136) with MiscFeeAmt(137), MiscFeeCurr(138),
    # MiscFeeType(139) 4 EXCHANGE_FEES; its standard spot rate, 0.1 %, of what is received.
    venue = Venue()
    client = venue.connect()
    bought = [a.message for a in venue.ask(client, Message("D", [
        (11, "b1"), (38, "0.5"), (40, "1"), (54, "1"), (55, "BTCUSDT")]))]  # fmt: skip
    for trade in (r for r in bought if r[150] == "F"):
        assert (trade[136], trade[138], trade[139]) == ("1", "BTC", "4")
        assert Decimal(trade[137]) == Decimal(trade[32]) * Decimal("0.001")
    sold = [a.message for a in venue.ask(client, Message("D", [
        (11, "s1"), (38, "0.5"), (40, "1"), (54, "2"), (55, "BTCUSDT")]))]  # fmt: skip
    for trade in (r for r in sold if r[150] == "F"):
        assert (trade[136], trade[138], trade[139]) == ("1", "USDT", "4")
        fee = Decimal(trade[32]) * Decimal(trade[31]) * Decimal("0.001")
        assert Decimal(trade[137]) == fee.quantize(Decimal("0.00000001"))
    assert all(136 not in r.tags for r in bought + sold if r[150] != "F")
    free = Venue(commission=Decimal(0))
    other = free.connect()
    answers = free.ask(other, Message("D", [(11, "f1"), (38, "0.5"), (40, "1"), (54, "1"),
                                            (55, "BTCUSDT")]))  # fmt: skip
    assert all(136 not in a.message.tags for a in answers)


def test_a_trailing_sell_trades_once_the_price_falls_the_delta_from_its_high() -> None:
    # Binance's FIX page: a trailing order is TriggerTrailingDeltaBips(25009) (a SELL take
    # profit with no TriggerPrice trails from the start); it follows the highest price and
    # trades when the price falls that many basis points from it.
    venue = Venue(seed=11, feed_interval=0.1)
    client = venue.connect()
    feed = venue.connect(SessionType.MARKET_DATA)
    venue.ask(feed, Message("V", [(262, "b1"), (263, "1"), (264, "5"), (146, "1"),
                                  (55, "LTCBNB"), (267, "2"), (269, "0"), (269, "1")]))  # fmt: skip
    order = [(11, "tr1"), (38, "0.01"), (40, "3"), (54, "2"), (55, "LTCBNB"), (1100, "4"),
             (1101, "1"), (1107, "2"), (25009, "10")]  # fmt: skip
    (placed,) = [a.message for a in venue.ask(client, Message("D", order))]
    assert (placed[150], placed[39]) == ("0", "0")
    high = venue.exchange._mid["LTCBNB"]
    reports: list[Message] = []
    for _ in range(5000):
        venue.advance(0.1)
        mid = venue.exchange._mid["LTCBNB"]
        reports = [m.message for m in venue.received(client) if m.message.msg_type == "8"]
        if reports:
            break
        high = max(high, mid)
        assert mid > high * Decimal("0.999")  # not yet fallen 10 bps: still waiting
    assert reports and reports[-1][39] == "2"  # triggered: a MARKET sell, filled
    assert mid <= high * Decimal("0.999")


def test_resting_client_orders_are_taken_best_price_first_then_by_time() -> None:
    venue = Venue(order_limits=(Limit(100_000, 10),))
    makers = venue.connect()
    taker = venue.connect()
    mid = venue.exchange._mid["BTCUSDT"]
    for cl_ord_id, price in (("b1", mid - Decimal("0.005")), ("b2", mid), ("b3", mid)):
        venue.ask(makers, Message("D", [(11, cl_ord_id), (38, "0.1"), (40, "2"),
                                        (44, f"{price:f}"), (54, "1"), (55, "BTCUSDT"),
                                        (59, "1")]))  # fmt: skip
    for n in range(3000):  # orders far from the price rest too, and cost a crossing nothing
        venue.ask(makers, Message("D", [(11, f"far{n}"), (38, "0.001"), (40, "2"),
                                        (44, "100"), (54, "1"), (55, "BTCUSDT"), (59, "1")]))  # fmt: skip
    sell = [(11, "s1"), (38, "0.25"), (40, "1"), (54, "2"), (55, "BTCUSDT")]
    venue.ask(taker, Message("D", sell))
    made = [m.message for m in venue.received(makers)
            if m.message.msg_type == "8" and m.message[150] == "F" and m.message[11] != "s1"]  # fmt: skip
    assert [(r[11], Decimal(r[31]), Decimal(r[32])) for r in made] == [
        ("b2", mid, Decimal("0.1")), ("b3", mid, Decimal("0.1")),
        ("b1", mid - Decimal("0.005"), Decimal("0.05")),
    ]  # fmt: skip
