"""Every acceptor rule of the session layer, over real TLS on loopback, against the library's
``aio.Server`` and against ``fixsession serve`` in a child process (the ``start`` fixture
runs each test once for each). A raw client sends what a real gateway never would and checks
Binance's exact answer: code, text, RefSeqNum, RefTagID, and whether the session goes on."""

from __future__ import annotations

import asyncio
import time

import pytest
from conftest import Start
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from e2e import Certificate, Wire, start_endpoint, text

from fixsession import binance, errors
from fixsession.binance import Limit
from fixsession.spec import SessionType

ORDER = "11={id}|38=1|40=2|44=10|54=1|55=BTCUSDT|59=1|"
BOOK = "262={id}|263=1|264=1|146=1|55={symbol}|267=2|269=0|269=1|"


async def logged_on(wire: Wire, **options: object) -> Wire:
    answer = await wire.logon(**options)
    assert answer.msg_type == "A", text(answer)
    return wire


def sending_time(offset: float) -> str:
    return binance.format_sending_time(time.time() + offset, 3)


# -- Logon ---------------------------------------------------------------------------------------


async def test_logon_response_mirrors_heart_bt_int_and_carries_a_uuid(start: Start) -> None:
    endpoint = await start()
    wire = await endpoint.wire("GW1")
    answer = text(await wire.logon(heart_bt_int=15))
    assert "|35=A|34=1|49=SPOT|" in answer and "|56=GW1|" in answer
    assert "|98=0|108=15|25037=" in answer
    uuid = answer.split("|25037=")[1].split("|")[0]
    assert len(uuid) == 36 and uuid.count("-") == 4
    wire.close()


REJECTED_LOGONS = [
    # name, logon options, code, RefTagID, SessionRejectReason, text
    ("RESET_SEQ_NUM_SUPPORT", {"reset": "N"}, -1175, 141, 99,
     "Continuation of sequence numbers to new session is currently unsupported. Sequence "
     "numbers must be reset for each new session."),
    ("INVALID_SIGNATURE", {"key": Ed25519PrivateKey.generate()}, -1022, 96, 8,
     "Signature for this request is not valid."),
    ("unknown API key", {"api_key": "nobody"}, -2015, 553, 99,
     "Invalid API-key, IP, or permissions for action."),
    ("INVALID_TIMESTAMP outside RecvWindow", {"sending_time": -10.0}, -1021, 52, 10,
     "Timestamp for this request is outside of the recvWindow."),
    ("INVALID_TIMESTAMP ahead", {"sending_time": 3.0}, -1021, 52, 10,
     "Timestamp for this request was 1000ms ahead of the server's time."),
    ("DROP_COPY_SESSION_NOT_ALLOWED", {"extra": "9406=Y|"}, -1184, 9406, 99,
     "DropCopy sessions are not supported on this server. Please reconnect to a drop copy "
     "server."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("options", "code", "ref_tag", "reason", "reply"),
    [case[1:] for case in REJECTED_LOGONS],
    ids=[case[0] for case in REJECTED_LOGONS],
)
async def test_a_rejected_logon_gets_binances_reject_and_the_connection_closes(
    start: Start, options: dict[str, object], code: int, ref_tag: int, reason: int, reply: str
) -> None:
    endpoint = await start()
    wire = await endpoint.wire()
    if "sending_time" in options:
        options = {**options, "sending_time": sending_time(options["sending_time"])}  # type: ignore[arg-type]
    answer = await wire.logon(**options)
    assert "|35=3|34=1|49=SPOT|" in text(answer)
    assert f"|45=1|371={ref_tag}|372=A|373={reason}|25016={code}|58={reply}|" in text(answer)
    assert await wire.closed() == []


async def test_expected_logon_before_anything_else(start: Start) -> None:
    wire = await (await start()).wire()
    wire.send("0")
    answer = text(await wire.receive())
    assert (
        "|45=1|372=0|373=99|25016=-1180|58=Logon<A> must be the first message in the session.|"
        in answer
    )
    assert await wire.closed() == []


async def test_already_logged_in(start: Start) -> None:
    wire = await logged_on(await (await start()).wire())
    wire.writer.write(wire.logon_frame())
    answer = text(await wire.expect("3"))
    assert (
        "|45=2|371=35|372=A|373=99|" in answer
        and "|25016=-1176|58=Logon<A> should only be sent once.|" in answer
    )


async def test_drop_copy_session_required_on_a_drop_copy_server(start: Start) -> None:
    wire = await (await start(SessionType.DROP_COPY)).wire()
    answer = text(await wire.logon())
    assert (
        "|371=9406|372=A|373=99|25016=-1185|58=Only DropCopy sessions are supported on this "
        "server. Either reconnect to order entry server or send DropCopyFlag (9406) field.|"
        in answer
    )
    assert await wire.closed() == []


async def test_a_drop_copy_logon_is_accepted_on_a_drop_copy_server(start: Start) -> None:
    wire = await (await start(SessionType.DROP_COPY)).wire()
    assert (await wire.logon(extra="9406=Y|")).msg_type == "A"
    wire.close()


async def test_comp_id_in_use_while_active_and_after_a_drop_without_logout(start: Start) -> None:
    endpoint = await start()
    first = await logged_on(await endpoint.wire("GW1"), heart_bt_int=5)
    second = await endpoint.wire("GW1")
    answer = text(await second.logon())
    assert (
        "|45=1|371=49|372=A|373=99|25016=-1033|58=SenderCompId(49) is currently in use. "
        "Concurrent use of the same SenderCompId within one account is not allowed.|" in answer
    )
    assert await second.closed() == []
    first.writer.transport.abort()  # gone without Logout: GW1 is held for 2 x HeartBtInt
    await asyncio.sleep(0.2)
    third = await endpoint.wire("GW1")
    assert "|25016=-1033|" in text(await third.logon())
    other = await endpoint.wire("GW2")
    assert (await other.logon()).msg_type == "A"
    other.close()


async def test_too_many_connection_attempts(start: Start) -> None:
    endpoint = await start()
    for number in range(15):  # Binance: 15 connection attempts per 30 s on order entry
        wire = await endpoint.wire(f"GW{number}")
        assert (await wire.logon()).msg_type == "A"
        wire.writer.write(wire.frame("5"))
        await wire.closed()
    wire = await endpoint.wire("GWX")
    answer = text(await wire.logon())
    assert (
        "|25016=-1034|58=Too many connection attempts from IP; current limit is 15 per '30s'.|"
        in answer
    )
    assert await wire.closed() == []


async def test_too_many_concurrent_connections(start: Start) -> None:
    endpoint = await start()
    wires = [await logged_on(await endpoint.wire(f"GW{number}")) for number in range(10)]
    extra = await endpoint.wire("GWX")
    answer = text(await extra.logon())
    assert "|25016=-1034|58=Too many concurrent connections; current limit is '10'.|" in answer
    assert await extra.closed() == []
    for wire in wires:
        wire.close()


# -- sequence numbers and CompIDs -----------------------------------------------------------------


async def test_a_gap_is_rejected_with_the_expected_number_and_the_session_goes_on(
    start: Start,
) -> None:
    wire = await logged_on(await (await start()).wire())
    wire.send("0", seq=5)
    answer = text(await wire.expect("3"))
    assert (
        "|45=5|371=34|372=0|373=99|25016=-1179|58=MsgSeqNum(34) contains an unexpected "
        "value. Expected: '2'.|" in answer
    )
    wire.send("1", "112=still-there|")
    assert "|112=still-there|" in text(await wire.expect("0"))


async def test_a_changed_sender_comp_id_is_rejected(start: Start) -> None:
    wire = await logged_on(await (await start()).wire("GW1"))
    wire.send("0", comp_id="GW9")
    answer = text(await wire.expect("3"))
    assert (
        "|45=2|371=49|372=0|373=99|25016=-1178|58=SenderCompId(49) contains an incorrect "
        "value. The SenderCompID value should not change throughout the lifetime of a "
        "session.|" in answer
    )


# -- heartbeats, TestRequest, Logout, News --------------------------------------------------------


async def test_a_test_request_is_answered_with_its_id(start: Start) -> None:
    wire = await logged_on(await (await start()).wire())
    wire.send("1", "112=ping-42|")
    answer = text(await wire.expect("0"))
    assert "|35=0|34=2|" in answer and "|112=ping-42|" in answer


async def test_logout_handshake(start: Start) -> None:
    wire = await logged_on(await (await start()).wire())
    wire.send("5")
    answer = text(await wire.receive())
    assert "|35=5|34=2|" in answer and "|58=Logout acknowledgment.|" in answer
    assert await wire.closed() == []


async def test_a_silent_client_gets_a_test_request_then_a_logout(
    certificate: Certificate,
) -> None:
    """Real time, at HeartBtInt 1 (the venue allows it for this test; Binance's least is 5):
    a TestRequest after one silent second, a Logout after another. (The same rule on a fake
    clock, at every HeartBtInt, is in test_session.py.)"""
    endpoint = await start_endpoint("library", certificate, min_heart_bt_int=1)
    try:
        wire = await logged_on(await endpoint.wire(), heart_bt_int=1)
        began = time.monotonic()
        messages = [text(message) for message in await wire.closed(timeout=10)]
        elapsed = time.monotonic() - began
        assert any("|35=1|" in message and "|112=" in message for message in messages)
        assert "|35=5|" in messages[-1] and "|58=TestRequest unanswered.|" in messages[-1]
        assert 1.9 <= elapsed < 4, elapsed
    finally:
        assert await endpoint.stop() in (None, 0)


async def test_shutdown_logs_every_session_out(start: Start) -> None:
    """SIGTERM for ``fixsession serve``, ``close()`` for the library: every session gets a
    Logout; a message sent before answering it gets LOGGED_OUT; then the server exits 0."""
    endpoint = await start()
    wires = [await logged_on(await endpoint.wire(f"GW{number}")) for number in range(3)]
    stopping = asyncio.create_task(endpoint.stop())
    for wire in wires:
        assert (await wire.expect("5")).msg_type == "5"
    wires[0].send("XLQ", "6136=late|")
    assert (
        "|45=2|372=XLQ|373=99|25016=-1035|58=Please send Logout<5> message to close the "
        "session.|" in text(await wires[0].expect("3"))
    )
    for wire in wires:
        wire.send("5")
        assert await wire.closed() == []
    assert await stopping in (None, 0)


async def test_maintenance_news_counts_down(start: Start) -> None:
    endpoint = await start()
    wire = await logged_on(await endpoint.wire())
    endpoint.start_maintenance()
    news = text(await wire.expect("B"))
    assert "|148=You'll be disconnected in 30 seconds. Please reconnect.|" in news
    wire.close()


# -- session types and subscriptions --------------------------------------------------------------

NOT_ALLOWED = [
    (SessionType.ORDER_ENTRY, "V", BOOK.format(id="r1", symbol="BTCUSDT"), -1186,
     "Requested operation is not allowed in order entry sessions."),
    (SessionType.DROP_COPY, "D", ORDER.format(id="o1"), -1183,
     "Requested operation is not allowed in DropCopy sessions."),
    (SessionType.MARKET_DATA, "D", ORDER.format(id="o1"), -1187,
     "Requested operation is not allowed in market data sessions."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("session_type", "msg_type", "body", "code", "reply"),
    NOT_ALLOWED,
    ids=["order-entry", "drop-copy", "market-data"],
)
async def test_each_session_type_refuses_what_it_does_not_serve(
    start: Start, session_type: SessionType, msg_type: str, body: str, code: int, reply: str
) -> None:
    wire = await (await start(session_type)).wire()
    await logged_on(wire, extra="9406=Y|" if session_type is SessionType.DROP_COPY else "")
    wire.send(msg_type, body)
    answer = text(await wire.expect("3"))
    assert f"|45=2|371=35|372={msg_type}|373=99|25016={code}|58={reply}|" in answer


async def test_subscriptions_duplicate_unknown_similar_too_many_and_bad_combo(
    start: Start,
) -> None:
    wire = await logged_on(await (await start(SessionType.MARKET_DATA)).wire())
    wire.send("V", BOOK.format(id="book1", symbol="BTCUSDT"))
    assert (await wire.expect("W"))[262] == "book1"
    wire.send("V", BOOK.format(id="book1", symbol="ETHUSDT"))
    assert (
        "|262=book1|281=1|25016=-1190|58=MDReqID (262) contains a subscription request id "
        "that is already in use on this connection.|" in text(await wire.expect("Y"))
    )
    wire.send("V", "262=nope|263=2|")
    assert (
        "|262=nope|281=1|25016=-1190|58=MDReqID (262) contains an unsubscription request id "
        "that does not match any active subscription.|" in text(await wire.expect("Y"))
    )
    wire.send("V", BOOK.format(id="book2", symbol="BTCUSDT"))
    assert (
        "|281=2|25016=-1191|58=Similar subscription is already active on this connection. "
        "Symbol='BTCUSDT', active subscription id: 'book1'.|" in text(await wire.expect("Y"))
    )
    symbols = "".join(f"55=S{number:04}|" for number in range(1001))
    wire.send("V", f"262=many|263=1|264=1|146=1001|{symbols}267=2|269=0|269=1|")
    assert (
        "|281=2|25016=-1191|58=Too many subscriptions. Connection may create up to '1000' "
        "subscriptions at a time.|" in text(await wire.expect("Y"))
    )
    wire.send("V", "262=bid|263=1|264=1|146=1|55=ETHUSDT|267=1|269=0|")
    assert (
        "|262=bid|25016=-1128|58=Invalid MDEntryType (269) combination. BID and OFFER must be "
        "requested together.|" in text(await wire.expect("Y"))
    )


# -- limits and faults ----------------------------------------------------------------------------


async def test_too_many_messages_logs_out_and_closes(start: Start) -> None:
    wire = await logged_on(await (await start(message_limit=Limit(5, 10))).wire())
    for number in range(5):
        wire.send("XLQ", f"6136=q{number}|")
    messages = await wire.closed()
    logout = text(messages[-1])
    assert "|35=5|" in logout
    assert "|58=Too many messages; current limit is '5' messages per '10s'.|" in logout


async def test_the_order_limit_rejects_new_orders_over_it(start: Start) -> None:
    wire = await logged_on(await (await start(order_limit=Limit(2, 10))).wire())
    for number in range(3):
        wire.send("D", ORDER.format(id=f"o{number}"))
    reports = [await wire.expect("8") for _ in range(3)]
    assert [report[39] for report in reports] == ["0", "0", "8"]
    assert "|25016=-1015|58=Too many new orders; current limit is 2 orders per 10s.|" in text(
        reports[2]
    )
    wire.send("XLQ", "6136=q|")
    limits = text(await wire.expect("XLR"))
    assert "|25004=1|25005=2|25006=2|25007=10|25008=s|" in limits


async def test_a_dictionary_fault_gets_a_full_reject_and_the_session_goes_on(
    start: Start,
) -> None:
    wire = await logged_on(await (await start()).wire())
    wire.send("D", "11=o1|38=1|40=2|44=10|54=1|59=1|")  # no Symbol(55)
    answer = text(await wire.expect("3"))
    assert "|45=2|371=55|372=D|373=1|25016=-1102|58=Required tag '55' missing.|" in answer
    wire.send("D", ORDER.format(id="o2"))
    report = await wire.expect("8")
    assert (report[11], report[39]) == ("o2", "0")


async def test_a_garbled_frame_gets_a_reject_and_the_session_goes_on(start: Start) -> None:
    wire = await logged_on(await (await start()).wire())
    good = wire.frame("0", seq=77)
    wire.writer.write(good[:-4] + b"%03d\x01" % ((int(good[-4:-1]) + 1) % 256))
    answer = text(await wire.expect("3"))
    assert (
        "|45=77|" in answer
        and "|25016=-1177|58=CheckSum(10) contains an incorrect value.|" in answer
    )
    wire.send("1", "112=after|")
    assert (await wire.expect("0"))[112] == "after"


async def test_a_reject_reads_back_as_the_catalogs_typed_error(start: Start) -> None:
    client = await (await start()).connect(sender_comp_id="GW1")
    try:
        from fixsession.message import Message

        with pytest.raises(errors.UnknownOrder) as raised:
            await client.request(Message("F", [(11, "c1"), (41, "nope"), (55, "BTCUSDT")]))
        assert isinstance(raised.value, errors.InvalidMessage)  # -1013, as Binance's FIX page
        assert raised.value.text == "Unknown order sent."
    finally:
        await client.logout()
