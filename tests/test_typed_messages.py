"""Typed messages (``fixsession.messages``): generated from the dictionary and pinned, both
ways lossless for every valid message, pattern matching, hidden signatures, clear errors,
and a gateway sending them over a real socket."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from e2e import Certificate
from hypothesis import given, settings
from test_e2e_client import connect, server

from fixsession import captures, messages, validation
from fixsession.dictionary import BINANCE, FieldType
from fixsession.message import Message
from fixsession.messages import (
    ExecType,
    ExecutionReport,
    MarketDataIncrementalRefresh,
    MDEntryType,
    MDUpdateAction,
    NewOrderList,
    NewOrderSingle,
    OrdStatus,
    OrdType,
    ResponseMode,
    Side,
    TimeInForce,
    typed,
)
from fixsession.tools import codegen, strategies
from fixsession.tools.replay import fix_views
from fixsession.validation import Validator

ROOT = Path(__file__).resolve().parent.parent
BODY = validation.shared(BINANCE, header=False)  # what a gateway sends: the session adds the header


def order(**changes: object) -> NewOrderSingle:
    fields: dict[str, object] = {
        "cl_ord_id": "o1", "order_qty": Decimal("0.00100000"), "ord_type": OrdType.LIMIT,
        "price": Decimal("30000.10"), "side": Side.BUY, "symbol": "BTCUSDT",
        "time_in_force": TimeInForce.GOOD_TILL_CANCEL,
    }  # fmt: skip
    return NewOrderSingle(**{**fields, **changes})  # type: ignore[arg-type]


def test_the_checked_in_module_is_what_the_generator_writes() -> None:
    assert codegen.generate() == Path(messages.__file__).read_text()


def test_every_message_type_of_the_dictionary_has_a_class() -> None:
    assert set(messages.BY_MSG_TYPE) == set(BINANCE.messages)
    for msg_type, kind in messages.BY_MSG_TYPE.items():
        assert msg_type == kind.MSG_TYPE and kind.__name__ == BINANCE.messages[msg_type].name


def test_a_typed_order_builds_the_message_a_gateway_would_write_by_hand() -> None:
    built = order().to_message()
    assert built == Message("D", [(11, "o1"), (38, "0.00100000"), (40, "2"), (44, "30000.10"),
                                  (54, "1"), (55, "BTCUSDT"), (59, "1")])  # fmt: skip
    assert BODY.validate(built) is None
    assert typed(built) == order()


@settings(max_examples=300, deadline=None)
@given(strategies.messages())
def test_every_valid_message_reads_typed_and_back_losslessly(message: Message) -> None:
    view = typed(message)
    assert message.msg_type == type(view).MSG_TYPE
    assert view.to_message() is message  # unchanged: the very message
    rebuilt = dataclasses.replace(view).to_message()  # built anew from the attributes
    assert typed(rebuilt) == view
    assert typed(Message.decode(rebuilt.encode())) == view  # and through the wire
    assert sorted(rebuilt.fields) == sorted(_microseconds(message).fields)


def _microseconds(message: Message) -> Message:
    """``message`` with UTCTIMESTAMPs as a rebuilt one writes them (six decimals), ints
    without leading zeros: the two texts a datetime or an int does not keep."""

    def text(tag: int, value: str) -> str:
        field = BINANCE.fields.get(tag)
        if field is None:
            return value
        if field.type is FieldType.UTCTIMESTAMP:
            return (value + ".000000")[:17] + "." + (value[18:] + "000000")[:6]
        if field.type in (FieldType.INT, FieldType.LENGTH, FieldType.SEQNUM, FieldType.NUMINGROUP):
            return str(int(value))
        return value

    return Message(message.msg_type, [(tag, text(tag, value)) for tag, value in message])


def test_every_captured_and_sample_message_reads_typed() -> None:
    paths = [ROOT / "captures" / "binance-doc-samples.fix", *(ROOT / "captures" / "sessions").glob("*.fixlog"),
             *(ROOT / "fixsession" / "tools" / "samples").glob("*.fixlog")]  # fmt: skip
    # (FIX SBE records as the FIX message each stands for)
    views = [view for path in paths for view in fix_views(captures.parse(path.read_bytes()))]
    frames = [view.data for view in views if view.data.startswith(b"8=")]  # (not raw SBE)
    validator = Validator()
    read = 0
    for frame in frames:
        message, fault = validator.parse(frame)
        if fault is None and message.msg_type in messages.BY_MSG_TYPE:
            assert typed(message).to_message() is message
            read += 1
    assert read > 100


def test_groups_nest_and_pattern_matching_reads_them() -> None:
    refresh = typed(Message("X", [(262, "r1"), (268, 2),
                                  (279, "0"), (270, "30000.10"), (271, "0.5"), (269, "2"),
                                  (55, "BTCUSDT"), (60, "20250615-15:06:40.123456789"),
                                  (279, "2"), (270, "29999"), (269, "1")]))  # fmt: skip
    match refresh:
        case MarketDataIncrementalRefresh(
            md_entries=[
                MarketDataIncrementalRefresh.MDEntry(
                    md_entry_type=MDEntryType.TRADE, md_entry_px=px, transact_time=at
                ),
                MarketDataIncrementalRefresh.MDEntry(md_update_action=MDUpdateAction.DELETE),
            ]
        ):
            assert px == Decimal("30000.10")
            assert at == datetime.datetime(2025, 6, 15, 15, 6, 40, 123456, tzinfo=datetime.UTC)
        case _:
            pytest.fail(f"no match: {refresh!r}")
    oto = NewOrderList(
        cl_list_id="l1", contingency_type=messages.ContingencyType.ONE_TRIGGERS_THE_OTHER,
        orders=[
            NewOrderList.Order(cl_ord_id="w", order_qty=Decimal(1), ord_type=OrdType.LIMIT,
                               price=Decimal(10), side=Side.BUY, symbol="BTCUSDT",
                               time_in_force=TimeInForce.GOOD_TILL_CANCEL),
            NewOrderList.Order(cl_ord_id="p", order_qty=Decimal(1), ord_type=OrdType.MARKET,
                               side=Side.SELL, symbol="BTCUSDT", list_triggering_instructions=[
                                   NewOrderList.Order.ListTriggeringInstruction(
                                       list_trigger_type=messages.ListTriggerType.ACTIVATED,
                                       list_trigger_trigger_index=0,
                                       list_trigger_action=messages.ListTriggerAction.RELEASE)]),
        ],
    )  # fmt: skip
    built = oto.to_message()
    assert BODY.validate(built) is None
    assert built.get_all(11) == ["w", "p"] and built[73] == "2" and built[25010] == "1"
    assert typed(built) == oto and hash(typed(built)) == hash(oto)


def test_an_execution_report_reads_as_python_values() -> None:
    report = typed(Message("8", [(17, "e1"), (11, "o1"), (37, "4294967297"), (38, "1.00000000"),
                                 (40, "2"), (54, "1"), (55, "BTCUSDT"), (150, "F"), (14, "0.5"),
                                 (151, "0.5"), (39, "1"), (636, "Y"), (60, "20250615-15:06:40.123"),
                                 (32, "0.5"), (31, "30000.00000000")]))  # fmt: skip
    assert isinstance(report, ExecutionReport)
    assert report.order_id == 4294967297 and report.cum_qty == Decimal("0.5")
    assert report.last_px == Decimal("30000.00000000") and str(report.last_px) == "30000.00000000"
    assert report.exec_type is ExecType.TRADE and report.ord_status is OrdStatus.PARTIALLY_FILLED
    assert report.working_indicator is True
    assert report.transact_time == datetime.datetime(
        2025, 6, 15, 15, 6, 40, 123000, tzinfo=datetime.UTC
    )


def test_int_enums_and_fields_outside_the_dictionary_are_kept() -> None:
    logon = typed(Message("A", [(98, "0"), (108, "30"), (95, "4"), (96, "c2ln"), (553, "key"),
                                (25036, "2"), (9999, "mine"), (25036, "1")]))  # fmt: skip
    assert logon.response_mode is ResponseMode.ONLY_ACKS  # type: ignore[attr-defined]
    assert logon.extra_fields == ((9999, "mine"), (25036, "1"))
    assert dataclasses.replace(logon).to_message().fields[-2:] == ((9999, "mine"), (25036, "1"))


def test_a_value_the_dictionary_does_not_list_is_a_member_of_its_own() -> None:
    """Read with enum validation off: nothing fails, nothing is lost."""
    message = order(side=Side("7")).to_message()
    assert message[54] == "7"
    view = typed(message)
    assert isinstance(view, NewOrderSingle) and view.side == "7" and view.side.name == "UNLISTED_7"
    assert isinstance(view.side, Side) and list(Side) == [Side.BUY, Side.SELL]
    assert ResponseMode(9).name == "UNLISTED_9" and ResponseMode(9) == 9
    assert typed(dataclasses.replace(view).to_message()) == view


def test_no_repr_shows_raw_data() -> None:
    logon = typed(
        Message("A", [(98, "0"), (108, "30"), (95, "12"), (96, "c2lnbmF0dXJl"), (553, "k")])
    )
    assert "c2lnbmF0dXJl" not in repr(logon) and "raw_data='***'" in repr(logon)
    assert repr(order()).startswith(
        "NewOrderSingle(cl_ord_id='o1', order_qty=Decimal('0.00100000')"
    )


@pytest.mark.parametrize(
    ("message", "error"),
    [
        (Message("ZZ", [(1, "x")]), "no typed class for MsgType 'ZZ'"),
        (Message("D", [(11, "o1"), (54, "1"), (55, "B")]), "required tag 40 is missing"),
        (Message("8", [(37, "1" * 30)]), "tag 37"),
        (
            Message("X", [(262, "r"), (268, "2"), (279, "0"), (270, "1"), (269, "2")]),
            "counts 2 entries; 1 follow",
        ),
        (
            Message("X", [(262, "r"), (268, "1"), (279, "0"), (270, "1e5"), (269, "2")]),
            "not a decimal",
        ),
        (
            Message(
                "X", [(262, "r"), (268, "1"), (279, "0"), (270, "1"), (269, "2"), (60, "2025")]
            ),
            "not a UTCTIMESTAMP",
        ),
    ],
)
def test_what_does_not_fit_is_a_value_error_naming_it(message: Message, error: str) -> None:
    with pytest.raises(ValueError, match=error.replace("(", r"\(")):
        typed(message)
    with pytest.raises(ValueError, match="is not NewOrderSingle"):
        NewOrderSingle.from_message(Message("F", [(11, "c")]))


async def test_a_gateway_sends_typed_messages_and_reads_answers_typed(
    certificate: Certificate,
) -> None:
    acceptor = await server(certificate)
    try:
        async with connect(acceptor, certificate) as client:
            report = typed(await client.request(order()))
            match report:
                case ExecutionReport(
                    exec_type=ExecType.NEW, cl_ord_id="o1", order_id=int(order_id)
                ):
                    assert order_id >= 2**32
                case _:
                    pytest.fail(f"not a new order's report: {report!r}")
            cancel = messages.OrderCancelRequest(
                cl_ord_id="c1", orig_cl_ord_id="o1", symbol="BTCUSDT"
            )
            cancelled = typed(await client.request(cancel))
            assert (
                isinstance(cancelled, ExecutionReport)
                and cancelled.ord_status is OrdStatus.CANCELED
            )
    finally:
        await acceptor.close()


def _tags_of(entry: type[Any]) -> set[int]:
    tags = set()
    for spec in entry.FIELDS:
        tags.add(spec.tag)
        if spec.entry is not None:
            tags |= _tags_of(spec.entry)
    return tags


@pytest.mark.parametrize("cls", list(messages.BY_MSG_TYPE.values()), ids=lambda c: c.__name__)
def test_no_field_written_after_a_group_could_be_read_back_into_it(cls: type[Any]) -> None:
    # Found by the parse fuzz target: ListStatus wrote its ErrorCode after its NoOrders
    # group, whose entries hold ErrorCode too, so a rebuilt ListStatus read it back as the
    # last order's. Binance's FIX page puts those fields before the group.
    def check(entry: type[Any]) -> None:
        for position, spec in enumerate(entry.FIELDS):
            if spec.entry is None:
                continue
            inner = _tags_of(spec.entry)
            after = [later.tag for later in entry.FIELDS[position + 1 :] if later.tag in inner]
            assert after == [], f"{entry.__name__}: {after} after group {spec.tag}"
            check(spec.entry)

    check(cls)
