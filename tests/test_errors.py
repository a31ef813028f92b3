"""Typed errors: one class per code, grouped by what to do, read out of every carrier."""

from __future__ import annotations

import simplefix
from frames import doc

import fixsession.errors as errors
from fixsession.catalog import BY_CODE, ERRORS, Category, EngineMessage
from fixsession.errors import (
    BadSeqNum,
    BinanceError,
    GarbledMessage,
    OrderRejected,
    RequestError,
    RetryLaterError,
    SessionError,
    UnknownOutcomeError,
    error_class,
    from_message,
)
from fixsession.message import Message

_PARENTS = {
    Category.REQUEST: RequestError,
    Category.ORDER: OrderRejected,
    Category.RETRY_LATER: RetryLaterError,
    Category.SESSION: SessionError,
    Category.UNKNOWN_OUTCOME: UnknownOutcomeError,
}


def test_every_code_maps_to_its_own_class_named_after_its_name() -> None:
    classes = {error_class(spec.code) for spec in ERRORS}
    assert len(classes) == len(ERRORS)
    for spec in ERRORS:
        cls = error_class(spec.code)
        assert cls.code == spec.code
        assert cls.name == spec.name
        assert cls.__name__ == "".join(word.capitalize() for word in spec.name.split("_"))
        assert issubclass(cls, _PARENTS[spec.category])
        assert getattr(errors, cls.__name__) is cls


def test_the_names_the_issue_gives_exist() -> None:
    assert errors.GarbledMessage.code == -1177
    assert errors.BadSeqNum.code == -1179
    assert errors.NotAllowedInDropCopySessions.code == -1183
    assert errors.OrderCancelReplacePartiallyFailed.code == -2021
    assert errors.OrderCancelReplaceFailed.code == -2022


def test_an_undocumented_code_still_gets_a_binance_error_carrying_it() -> None:
    cls = error_class(-9999)
    assert issubclass(cls, BinanceError) and cls.code == -9999
    assert error_class(-9999) is cls
    assert str(cls("Something new.")) == "-9999: Something new."


def test_from_template_fills_the_text_and_the_reject_reason() -> None:
    error = BadSeqNum.from_template(5, ref_seq_num=9)
    assert error.text == "MsgSeqNum(34) contains an unexpected value. Expected: '5'."
    assert error.params == (5,)
    assert error.ref_seq_num == 9
    assert error.session_reject_reason == 99
    assert errors.TagAppearsMoreThanOnce.from_template(55).session_reject_reason == 13
    assert str(error) == "-1179 BAD_SEQ_NUM: " + error.text


def test_reject_yields_its_typed_error_with_every_reference() -> None:
    reject = Message(
        "3",
        [
            (34, 3),
            (49, "SPOT"),
            (56, "abc"),
            (45, 2),
            (371, 55),
            (372, "D"),
            (373, 13),
            (25016, -1171),
            (58, "Tag '55' appears more than once."),
        ],
    )
    error = from_message(reject)
    assert isinstance(error, errors.TagAppearsMoreThanOnce)
    assert (error.ref_seq_num, error.ref_tag_id, error.ref_msg_type) == (2, 55, "D")
    assert error.session_reject_reason == 13
    assert error.params == ("55",)
    assert error.message is reject


def test_order_cancel_reject_from_raw_bytes_exposes_the_engine_message() -> None:
    raw = doc(
        "8=FIX.4.4|9=137|35=9|34=2|49=SPOT|52=20240613-01:12:41.320869|56=OlZb8ht8|"
        "11=1718241161272843932|37=2|55=LTCBNB|58=Unknown order sent.|434=1|25016=-1013|10=087|"
    )
    error = from_message(raw)
    assert isinstance(error, errors.InvalidMessage)
    assert error.engine_message is EngineMessage.UNKNOWN_ORDER


def test_order_amend_reject_sample() -> None:
    raw = doc(
        "8=FIX.4.4|9=0000176|35=XAR|49=SPOT|56=OE|34=2|52=20250319-14:27:32.751074|"
        "11=1WRGW5J1742394452749|37=0|55=BTCUSDT|38=1.000000|25016=-2038|"
        "58=The requested action would change no state; rejecting.|10=235|"
    )
    error = from_message(raw)
    assert isinstance(error, errors.OrderAmendRejected) and isinstance(error, OrderRejected)
    assert error.engine_message is EngineMessage.NO_STATE_CHANGE


def test_market_data_request_reject_sample_has_its_params() -> None:
    raw = doc(
        "8=FIX.4.4|9=218|35=Y|49=SPOT|56=EXAMPLE|34=5|52=20241019-05:39:36.688964|"
        "262=BOOK_TICKER_2|281=2|25016=-1191|58=Similar subscription is already active on "
        "this connection. Symbol='BNBBUSD', active subscription id: 'BOOK_TICKER_1'.|10=000|"
    )
    error = from_message(raw)
    assert isinstance(error, errors.TooManySubscriptions)
    assert error.params == ("BNBBUSD", "BOOK_TICKER_1")


def test_rejected_execution_report_and_filter_failure() -> None:
    report = Message(
        "8",
        [
            (11, "x1"),
            (40, 2),
            (54, 1),
            (55, "BTCUSDT"),
            (150, 8),
            (14, 0),
            (32, 0),
            (39, 8),
            (103, 99),
            (25016, -2010),
            (58, "Filter failure: LOT_SIZE"),
        ],
    )
    error = from_message(report)
    assert isinstance(error, errors.NewOrderRejected)
    assert error.engine_message is EngineMessage.FILTER_LOT_SIZE


def test_list_status_error_inside_the_group_is_found() -> None:
    status = Message(
        "N",
        [
            (429, 2),
            (431, 7),
            (1386, 99),
            (73, 1),
            (11, "a"),
            (55, "BTCUSDT"),
            (103, 99),
            (25016, -1015),
            (58, "Too many new orders; current limit is 50 orders per 10s."),
        ],
    )
    error = from_message(status)
    assert isinstance(error, errors.TooManyOrders) and error.params == ("50", "10s")


def test_mass_cancel_report_reject() -> None:
    report = Message(
        "r",
        [
            (55, "BTCUSDT"),
            (11, "m1"),
            (530, 1),
            (531, 0),
            (532, 99),
            (25016, -1121),
            (58, "Invalid symbol."),
        ],
    )
    assert isinstance(from_message(report), errors.BadSymbol)


def test_logout_text_from_the_catalog_is_an_error_and_ordinary_ones_are_not() -> None:
    limit = Message("5", [(58, "Too many messages; current limit is '10000' messages per '10s'.")])
    error = from_message(limit)
    assert isinstance(error, errors.TooManyMessages) and error.params == (10000, "10s")
    assert from_message(Message("5", [(58, "Logout acknowledgment.")])) is None
    assert from_message(Message("5")) is None


def test_ordinary_messages_are_not_errors() -> None:
    assert from_message(Message("0", [(112, "ping")])) is None
    report = Message("8", [(11, "x"), (150, 0), (39, 0), (58, "Invalid symbol.")])
    assert from_message(report) is None  # a Text alone is not an error outside Logout


def test_simplefix_messages_are_accepted() -> None:
    fix = simplefix.FixMessage()
    fix.append_pair(8, "FIX.4.4")
    fix.append_pair(35, "3")
    fix.append_pair(45, 7)
    fix.append_pair(25016, -1180)
    fix.append_pair(58, "Logon<A> must be the first message in the session.")
    error = from_message(fix)
    assert isinstance(error, errors.ExpectedLogon) and isinstance(error, SessionError)
    assert error.ref_seq_num == 7


def test_a_malformed_error_code_still_reports_an_error() -> None:
    error = from_message(Message("3", [(25016, "oops"), (58, "Broken.")]))
    assert type(error) is BinanceError and error is not None and error.text == "Broken."


def test_garbled_message_class_and_templates() -> None:
    assert GarbledMessage.templates == BY_CODE[-1177].templates
    assert GarbledMessage.category is Category.REQUEST


def test_an_engine_message_is_caught_by_its_class_under_any_code() -> None:
    # Binance's FIX page answers an unknown order with -1013, its error page lists -2011.
    for code in (-1013, -2011):
        reply = Message("9", [(11, "c1"), (434, 1), (25016, code), (58, "Unknown order sent.")])
        error = from_message(reply)
        assert isinstance(error, errors.UnknownOrder) and isinstance(
            error, errors.error_class(code)
        )
        assert error.code == code and type(error).__name__ == errors.error_class(code).__name__
    garbled_code = from_message(
        Message("9", [(11, "c1"), (25016, "x1"), (58, "Unknown order sent.")])
    )
    assert isinstance(garbled_code, errors.UnknownOrder) and garbled_code.code == 0
    duplicate = errors.error_class(-2010)("Duplicate order sent.")
    assert isinstance(duplicate, errors.DuplicateOrder) and not isinstance(
        duplicate, errors.UnknownOrder
    )
    assert errors.engine_error(errors.EngineMessage.MARKET_CLOSED).engine == "Market is closed."
