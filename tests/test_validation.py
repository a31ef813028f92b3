"""Dictionary validation: each Binance code from a minimal message, and properties."""

from __future__ import annotations

import pytest
from conftest import shared_file
from frames import frame, wrap
from hypothesis import given
from hypothesis import strategies as st

from fixsession import errors
from fixsession.dictionary import MARKET_DATA, ORDER_ENTRY
from fixsession.message import Message
from fixsession.tools.strategies import messages
from fixsession.validation import Validator

HEADER = "49=client1|56=SPOT|34=7|52=20240611-09:01:46.228|"
ORDER = "11=order-1|38=1|40=2|44=10.5|54=1|55=BTCUSDT|59=1|"


def msg(msg_type: str, body: str, header: str = HEADER) -> Message:
    return Message.decode(frame(f"35={msg_type}|{header}{body}".encode()))


CASES = [
    # (name, message, code, SessionRejectReason, RefTagID, text)
    ("unknown tag", msg("D", ORDER + "9999=x|"), -1169, 0, 9999, "Invalid tag number."),
    ("tag of another message", msg("D", ORDER + "262=abc|"), -1170, 2, 262,
     "Tag '262' not defined for this message type."),
    ("repeated tag", msg("D", ORDER + "55=ETHUSDT|"), -1171, 13, 55,
     "Tag '55' appears more than once."),
    ("header after body", msg("D", "11=order-1|49=client1|38=1|40=2|44=1|54=1|55=X|59=1|",
                              "56=SPOT|34=7|52=20240611-09:01:46.228|"), -1172, 14, 49,
     "Tag '49' specified out of required order."),
    ("trailer inside", msg("D", ORDER + "10=000|"), -1172, 14, 10,
     "Tag '10' specified out of required order."),
    ("RawData not after RawDataLength", msg("A", "96=abc|108=30|95=3|"), -1172, 14, 96,
     "Tag '96' specified out of required order."),
    ("entry not starting with the delimiter",
     msg("X", "262=r1|268=1|270=1.5|279=0|269=0|"), -1173, 15, 270,
     "Repeating group '268' fields out of order."),
    ("member outside its group", msg("V", "262=r1|263=1|269=0|267=1|269=1|"), -1173, 15, 269,
     "Repeating group '267' fields out of order."),
    ("count above the entries", msg("V", "262=r1|263=1|267=2|269=0|"), -1188, 16, 267,
     "Incorrect NumInGroup count for repeating group '267'."),
    ("one order in a list", msg("E", "25014=l1|1385=2|73=1|" + ORDER), -1188, 16, 73,
     "Incorrect NumInGroup count for repeating group '73'."),
    ("duplicate symbols", msg("V", "262=r1|263=1|146=2|55=BTCUSDT|55=BTCUSDT|"), -1189, 99, 146,
     "Group '146' contains duplicate entries."),
    ("required tag missing", msg("D", "11=o|38=1|40=2|44=1|55=X|59=1|"), -1102, 1, 54,
     "Required tag '54' missing."),
    ("required header missing", msg("0", "", "56=SPOT|34=7|52=20240611-09:01:46.228|"), -1102,
     1, 49, "Required tag '49' missing."),
    ("required group member missing", msg("XLR", "6136=q|25003=1|25004=2|25005=0|"), -1102, 1,
     25006, "Required tag '25006' missing."),
    ("malformed quantity", msg("D", ORDER.replace("38=1", "38=1.2.3")), -1102, 6, 38,
     "Field value was empty or malformed."),
    ("malformed timestamp", msg("0", "", "49=c|56=SPOT|34=7|52=2024-06-11 09:01|"), -1102, 6,
     52, "Field value was empty or malformed."),
    ("month 13", msg("0", "", "49=c|56=SPOT|34=7|52=20241311-09:01:46|"), -1102, 6, 52,
     "Field value was empty or malformed."),
    ("OrderID over 64 bits",
     msg("8", "37=9223372036854775808|40=2|54=1|55=X|150=0|14=0|32=0|39=0|"), -1102, 5, 37,
     "'37' contains unexpected value. Cannot be greater than 9223372036854775807."),
    ("MsgSeqNum over 32 bits", msg("0", "", "49=c|56=SPOT|34=4294967296|52=20240611-09:01:46|"),
     -1102, 5, 34, "'34' contains unexpected value. Cannot be greater than 4294967295."),
    ("side 3", msg("D", ORDER.replace("54=1", "54=3")), -1117, 5, 54, "Invalid side."),
    ("order type 9", msg("D", ORDER.replace("40=2", "40=9")), -1116, 5, 40, "Invalid orderType."),
    ("time in force 2", msg("D", ORDER.replace("59=1", "59=2")), -1115, 5, 59,
     "Invalid timeInForce."),
    ("exec type Z", msg("8", "40=2|54=1|55=X|150=Z|14=0|32=0|39=0|"), -1130, 5, 150,
     "Data sent for parameter '150' is not valid."),
    ("ClOrdID with a space", msg("D", ORDER.replace("order-1", "order 1")), -1100, 5, 11,
     "Illegal characters found in parameter '11'; legal range is '^[a-zA-Z0-9-_]{1,36}$'."),
    ("SenderCompID too long", msg("0", "", "49=client123|56=SPOT|34=7|52=20240611-09:01:46|"),
     -1100, 5, 49,
     "Illegal characters found in parameter '49'; legal range is '^[a-zA-Z0-9-_]{1,8}$'."),
    ("unknown MsgType", msg("Z", ""), -1020, 99, 35, "This operation is not supported."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("message", "code", "reason", "ref_tag", "text"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_rule_has_its_code_reason_ref_tag_and_text(
    message: Message, code: int, reason: int, ref_tag: int, text: str
) -> None:
    validator = Validator()
    fault = validator.validate(message)
    assert fault is not None
    assert (fault.code, fault.session_reject_reason, fault.ref_tag_id, fault.text) == (
        code,
        reason,
        ref_tag,
        text,
    )
    assert isinstance(fault, errors.RequestError)
    assert fault.ref_msg_type == message.msg_type
    assert fault.ref_seq_num == message.get_int(34)
    # parse() on the frame, cold and again with its layout known, says the same.
    for _ in range(2):
        parsed, again = validator.parse(message.encode())
        assert parsed == message
        assert again is not None and (again.code, again.text, again.ref_tag_id) == (
            code,
            text,
            ref_tag,
        )


def test_invalid_component_names_the_component_the_order_type_and_a_recommendation() -> None:
    stop = msg("D", ORDER.replace("40=2", "40=3"))  # a stop order without its trigger
    fault = Validator().validate(stop)
    assert isinstance(fault, errors.InvalidComponent)
    component, order, recommendation = fault.params
    assert (component, order) == ("TriggeringInstruction", "TAKE_PROFIT")
    assert "TriggerType(1100)=4" in str(recommendation)
    limit_with_peg = msg("D", ORDER + "1094=4|835=1|")
    fault = Validator().validate(limit_with_peg)
    assert fault is not None and fault.params[:2] == ("PegInstructions", "LIMIT")
    stop_loss = msg("D", ORDER.replace("40=2", "40=4") + "1100=4|1101=1|1102=9|1107=2|1109=U|")
    assert Validator().validate(stop_loss) is None
    # Binance's pegged-orders FAQ: STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT may peg their limit
    # price ("Only the limit price can be pegged"); STOP_LOSS and TAKE_PROFIT cannot.
    trigger = "1100=4|1101=1|1102=9|1107=2|1109=U|"
    for name in ("STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"):
        direction = trigger if name == "STOP_LOSS_LIMIT" else trigger.replace("1109=U", "1109=D")
        pegged = msg("D", ORDER.replace("40=2", "40=4") + direction + "1094=5|835=1|")
        assert Validator().validate(pegged) is None, name
        half = msg("D", ORDER.replace("40=2", "40=4") + direction + "1094=5|")
        fault = Validator().validate(half)
        assert fault is not None and fault.params[:2] == ("PegInstructions", name)
    # PegOffsetValue is a number of price levels: an INT, at most 100, on Binance's REST API
    for offset, good in (("0", True), ("100", True), ("2.0", False), ("101", False),
                         ("-1", False), ("9" * 5000, False)):  # fmt: skip
        pegged = msg("D", ORDER.replace("40=2", "40=P") + f"211={offset}|1094=5|835=1|836=3|")
        fault = Validator().validate(pegged)
        if good:
            assert fault is None, offset
        else:
            assert fault is not None and fault.params[:2] == ("PegInstructions", "PEGGED")
    pegged_stop = msg("D", ORDER.replace("40=2", "40=3") + trigger + "1094=5|835=1|")
    fault = Validator().validate(pegged_stop)
    assert fault is not None and fault.params[:2] == ("PegInstructions", "STOP_LOSS")
    list_leg = msg(
        "E",
        "25014=l1|1385=2|73=2|" + ORDER + ORDER.replace("order-1", "o-2").replace("40=2", "40=P"),
    )
    fault = Validator().validate(list_leg)
    assert fault is not None and fault.params[:2] == ("PegInstructions", "PEGGED")


def test_64_bit_ids_and_zero_padded_counts_are_accepted() -> None:
    report = msg("8", "37=9223372036854775807|40=2|54=1|55=X|150=0|14=0|32=0|39=0|")
    assert Validator().validate(report) is None
    padded = msg("V", "262=r1|263=1|267=02|269=0|269=1|")
    assert Validator().validate(padded) is None


def test_group_member_order_is_free_unless_strict() -> None:
    entries = msg("X", "262=r1|268=1|279=0|269=2|270=10.5|271=1|")  # Binance's own order
    assert Validator().validate(entries) is None
    fault = Validator(strict_order=True).validate(entries)
    assert fault is not None and (fault.code, fault.ref_tag_id) == (-1173, 270)


def test_list_status_entries_may_start_with_symbol_and_errors_sit_at_list_level() -> None:
    status = msg("N", "429=2|431=7|73=1|55=BTCUSDT|11=a|37=1|25016=-1013|58=Bad.|")
    assert Validator().validate(status) is None
    empty = msg("N", "429=2|431=7|73=0|103=99|25016=-1013|58=Bad.|")
    assert Validator().validate(empty) is None


def test_options_header_and_enums() -> None:
    body_only = msg("D", ORDER, header="")
    assert Validator().validate(body_only) is not None
    assert Validator(header=False).validate(body_only) is None
    new_value = msg("8", "40=2|54=1|55=X|150=Z|14=0|32=0|39=0|")
    assert Validator(enums=False).validate(new_value) is None


def test_session_dictionaries_narrow_the_message_types() -> None:
    request = msg("V", "262=r1|263=1|146=1|55=BTCUSDT|267=2|269=0|269=1|")
    assert Validator(MARKET_DATA).validate(request) is None
    fault = Validator(ORDER_ENTRY).validate(request)
    assert fault is not None and fault.code == -1020


def test_every_documentation_sample_validates_once_its_trailer_is_right() -> None:
    validator = Validator()
    for line in shared_file("doc-samples.txt").read_text().splitlines():
        message = Message.decode(line.replace("|", "\x01").encode())
        assert validator.validate(message) is None, line


@given(messages())
def test_generated_valid_messages_of_every_type_validate_cleanly(message: Message) -> None:
    validator = Validator()
    assert validator.validate(message) is None
    for _ in range(2):  # cold, then with the layout's pattern known
        parsed, fault = validator.parse(message.encode())
        assert fault is None and parsed == message


@given(messages(), st.data())
def test_parse_and_validate_agree_on_a_corrupted_value(
    message: Message, data: st.DataObject
) -> None:
    if not message.values:
        return
    validator = Validator()
    validator.parse(message.encode())  # learn the layout
    position = data.draw(st.integers(0, len(message.values) - 1))
    bad = data.draw(st.sampled_from(["x", "-", ".", "1.2.3", "99999999999999999999", "Z", "é"]))
    values = list(message.values)
    values[position] = bad
    corrupted = Message(message.msg_type, list(zip(message.tags, values, strict=True)))
    expected = validator.validate(corrupted)
    _, fault = validator.parse(corrupted.encode())
    assert (fault is None) == (expected is None)
    if fault is not None and expected is not None:
        assert (fault.code, fault.text, fault.ref_tag_id) == (
            expected.code,
            expected.text,
            expected.ref_tag_id,
        )


# -- the C speedups' layout programs say exactly what the patterns say -------------------------

PRINTABLE = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=40)
EDGES = ["0", "-0", "-", ".", "1.", ".5", "-.5", "1.2.3", "12345678901234567890", "-1" + "9" * 18,
         "20240611-09:01:46", "20240611-09:01:46.228", "20240611-09:01:46.228950",
         "20241311-09:01:46", "20240611-24:01:46", "20240611-09:60:46", "20240611-09:01:60",
         "20240611-09:01:46.22", "20240600-09:01:46", "Y", "N", "YN", "a" * 36, "a" * 37,
         "abc_-XYZ09", "a b", "1", "2", "A", "AB", "ABC"]  # fmt: skip


def accepted_by_program(op: bytes, value: str) -> bool:
    from fixsession import speedups

    assert speedups.parse_known is not None
    data = wrap(b"35=X\x011=" + value.encode("ascii") + b"\x01")
    known = {(b"X", 1): [(b"\x021=" + op, "X", (1,), "X\x011", None, {1: 0})]}
    return speedups.parse_known(data, known, Message) is not None


@pytest.mark.skipif("not __import__('fixsession').speedups.enabled()")
@given(st.data())
def test_each_fields_program_accepts_exactly_what_its_pattern_matches(data: st.DataObject) -> None:
    import re

    from fixsession.validation import _op, _pattern

    dictionary = data.draw(st.sampled_from([ORDER_ENTRY, MARKET_DATA]))
    definition = dictionary.fields[data.draw(st.sampled_from(sorted(dictionary.fields)))]
    enums = data.draw(st.booleans())
    op = _op(definition, enums)
    assert op is not None
    choices = [*EDGES, *definition.values]
    value = data.draw(st.one_of(st.sampled_from(choices), PRINTABLE))
    expected = re.fullmatch(_pattern(definition, enums), value) is not None
    assert accepted_by_program(op, value) == expected, (definition.tag, definition.type, value)


@given(messages(), st.data())
def test_parse_says_the_same_with_and_without_the_c_speedups(
    message: Message, data: st.DataObject
) -> None:
    from fixsession.speedups import pure_python

    frames = [message.encode()]
    if message.values:  # and one with a value changed
        position = data.draw(st.integers(0, len(message.values) - 1))
        bad = data.draw(st.sampled_from(["x", "-", "1.2.3", "99999999999999999999", "é", "a b"]))
        values = list(message.values)
        values[position] = bad
        frames.append(Message(message.msg_type, list(zip(message.tags, values, strict=True)))
                      .encode())  # fmt: skip
    fast, slow = Validator(), Validator()
    for wire in frames * 2:  # cold, then with the layout known
        parsed, fault = fast.parse(wire)
        with pure_python():
            expected, expected_fault = slow.parse(wire)
        assert parsed == expected and parsed.values == expected.values
        for tag in {*message.tags, 1, 99999}:  # (a layout's messages share its tag index)
            assert parsed.get(tag) == expected.get(tag) and (tag in parsed) == (tag in expected)
            if tag in expected:
                assert parsed[tag] == expected[tag]
            else:
                with pytest.raises(KeyError):
                    parsed[tag]
        assert (fault is None) == (expected_fault is None)
        if fault is not None and expected_fault is not None:
            assert (fault.code, fault.text) == (expected_fault.code, expected_fault.text)


@given(messages(), st.data())
def test_validate_says_the_same_with_and_without_the_c_speedups(
    message: Message, data: st.DataObject
) -> None:
    from fixsession.speedups import pure_python

    judged = [message]
    if message.values:  # and one with a value changed (to one no frame can carry, too)
        position = data.draw(st.integers(0, len(message.values) - 1))
        bad = data.draw(st.sampled_from(["x", "-", "1.2.3", "99999999999999999999", "é", "a\x01b",
                                         "a\x7fb", "a b", "0", "Y"]))  # fmt: skip
        values = list(message.values)
        values[position] = bad
        judged.append(Message._trusted(message.msg_type, message.tags, tuple(values)))
    fast, slow = Validator(), Validator()
    for each in judged * 3:  # cold, then with the layout known
        fault = fast.validate(each)
        with pure_python():
            expected = slow.validate(each)
        assert (fault is None) == (expected is None)
        if fault is not None and expected is not None:
            assert (fault.code, fault.text) == (expected.code, expected.text)


def test_an_opo_list_needs_a_buy_working_order_and_sell_pending_ones() -> None:
    # Binance's FIX page, NewOrderList: OPO(25046)=Y makes an OPO list, whose working order
    # is a BUY and pending order a SELL; the error page: -1222 and -1223.
    def opo(working: str, pending: str) -> Message:
        legs = ORDER.replace("54=1", f"54={working}") + ORDER.replace("order-1", "o-2").replace(
            "54=1", f"54={pending}"
        )
        return msg("E", "25014=l1|1385=2|25046=Y|73=2|" + legs)

    validator = Validator()
    assert validator.validate(opo("1", "2")) is None
    for _ in range(2):  # cold, and with the layout known
        for working, pending, error, text in (
            ("2", "2", errors.OpoWorkingMustBeBuy, "Working order in an OPO list must be a bid."),
            ("1", "1", errors.OpoPendingMustBeSell, "Pending orders in an OPO list must be asks."),
        ):
            message = opo(working, pending)
            fault = validator.validate(message)
            assert isinstance(fault, error) and fault.text == text and fault.ref_tag_id == 54
            _, again = validator.parse(message.encode())
            assert isinstance(again, error)
    not_opo = msg("E", "25014=l1|1385=2|73=2|" + ORDER.replace("54=1", "54=2") + ORDER)
    assert validator.validate(not_opo) is None


def test_an_ocos_legs_must_be_in_binances_places() -> None:
    # Binance's FIX page, NewOrderList: an OCO's first order is its "below" order and its
    # second the "above" one: a SELL's stop loss below and limit maker (or take profit) above,
    # a BUY's the other way; the error page: -1165, -1166, -1196 to -1199.
    maker = "11={id}|38=1|40=2|18=6|44=10.5|54={side}|55=BTCUSDT|59=1|"
    trigger = ("11={id}|38=1|40=3|54={side}|55=BTCUSDT|1100=4|1101=1|1102=9.5|1107=2|"
               "1109={direction}|")  # fmt: skip

    def oco(first: str, second: str) -> Message:
        return msg("E", "25014=l1|1385=1|73=2|" + first + second)

    sell_stop = trigger.format(id="s", side="2", direction="D")
    sell_profit = trigger.format(id="p", side="2", direction="U")
    buy_stop = trigger.format(id="s", side="1", direction="U")
    buy_profit = trigger.format(id="p", side="1", direction="D")
    sell_maker, buy_maker = maker.format(id="m", side="2"), maker.format(id="m", side="1")
    validator = Validator()
    for good in ((sell_stop, sell_maker), (sell_stop, sell_profit), (buy_maker, buy_stop),
                 (buy_profit, buy_stop)):  # fmt: skip
        assert validator.validate(oco(*good)) is None, good
    for _ in range(2):  # cold, and with the layout known
        for first, second, error in (  # (the first leg out of place is named)
            (sell_maker, sell_stop, errors.SellOcoLimitMustBeAbove),
            (sell_profit, sell_stop, errors.SellOcoTakeProfitMustBeAbove),
            (sell_stop, sell_stop.replace("=s|", "=t|"), errors.SellOcoStopLossMustBeBelow),
            (buy_profit, buy_maker, errors.BuyOcoLimitMustBeBelow),
            (buy_maker, buy_profit, errors.BuyOcoTakeProfitMustBeBelow),
            (buy_stop, buy_maker, errors.BuyOcoStopLossMustBeAbove),
        ):
            fault = validator.validate(oco(first, second))
            assert isinstance(fault, error), (first, second, fault)
    swapped = validator.validate(oco(buy_maker.replace("m", "x"), sell_maker))
    assert swapped is None or not isinstance(swapped, errors.BuyOcoLimitMustBeBelow)
