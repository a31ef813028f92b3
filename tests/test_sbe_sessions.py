"""Sessions over FIX SBE (issue 16, item 3): the same session rules and the same typed errors
as over FIX, in memory and on loopback sockets, for Binance's port 9001 (FIX requests, SBE
responses) and 9002 (SBE both ways) modes."""

from __future__ import annotations

import asyncio
import gc
import time
import tracemalloc
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from memory import API_KEY, PRIVATE_KEY, START, Clock, MemoryVenue

import fixsession
from fixsession import binance, errors, sbe, sbe_schema, sbefix
from fixsession.events import Closed, FaultDetected, LoggedOn, MessageReceived
from fixsession.framing import Garbled
from fixsession.initiator import Initiator
from fixsession.message import Message
from fixsession.sbewire import Encoding, SbeWire
from fixsession.spec import SessionType
from fixsession.venue.acceptor import Acceptor
from fixsession.venue.accounts import Accounts
from fixsession.venue.exchange import Exchange
from fixsession.venue.server import Server

ORDER = [(11, "o1"), (38, "0.001"), (40, "2"), (44, "60000.5"), (54, "1"), (55, "BTCUSDT"),
         (59, "1")]  # fmt: skip
UNKNOWN_CANCEL = [(11, "c1"), (41, "nope"), (55, "BTCUSDT")]


def accounts() -> Accounts:
    found = Accounts()
    found.add_key(API_KEY, PRIVATE_KEY.public_key())
    return found


# -- in memory --------------------------------------------------------------------------------


class Pair:
    """An Initiator and an Acceptor (with an Exchange) speaking ``encoding`` to each other."""

    def __init__(self, encoding: Encoding, **options: object) -> None:
        self.clock = Clock()
        self.exchange = Exchange(wall_clock=self.clock)
        self.acceptor = Acceptor(
            accounts=accounts(), wall_clock=self.clock, now=self.clock.now, encoding=encoding
        )
        self.initiator = Initiator(
            api_key=API_KEY, private_key=PRIVATE_KEY, sender_comp_id="GW", wall_clock=self.clock,
            now=self.clock.now, encoding=encoding, **options,  # type: ignore[arg-type]
        )  # fmt: skip
        self.wire: list[bytes] = []  # what the venue wrote
        self.sent: list[bytes] = []  # what the gateway wrote

    def pump(self) -> list[object]:
        """Exchange bytes until both are quiet; the initiator's events."""
        seen: list[object] = []
        for _ in range(10):
            data = self.initiator.data_to_send()
            if data:
                self.sent.append(data)
                self.acceptor.receive_data(data, self.clock.now)
            for event in self.acceptor.events():
                self.exchange.on_event(self.acceptor, event, self.clock.now)
            answer = self.acceptor.data_to_send()
            if answer:
                self.wire.append(answer)
                self.initiator.receive_data(answer, self.clock.now)
            seen += self.initiator.events()
        return seen


@pytest.mark.parametrize("encoding", list(Encoding))
def test_an_order_and_a_reject_read_the_same_in_every_encoding(encoding: Encoding) -> None:
    pair = Pair(encoding, recv_window_ms=6000.5)
    pair.initiator.logon(pair.clock.now)
    assert any(isinstance(event, LoggedOn) for event in pair.pump())
    pair.initiator.send(Message("D", ORDER), pair.clock.now)
    (report,) = [e for e in pair.pump() if isinstance(e, MessageReceived)]
    assert report.error is None and report.request is not None
    assert report.message.msg_type == "8"
    assert [report.message.get(tag) for tag in (11, 39, 150, 55, 54)] == ["o1", "0", "0",
                                                                          "BTCUSDT", "1"]  # fmt: skip
    assert Decimal(report.message[44]) == Decimal("60000.5")
    pair.initiator.send(Message("F", UNKNOWN_CANCEL), pair.clock.now)
    (reject,) = [e for e in pair.pump() if isinstance(e, MessageReceived)]
    assert isinstance(reject.error, errors.InvalidMessage)
    assert reject.error.text == "Unknown order sent."
    assert reject.message.get(25016) == "-1013"
    if encoding is not Encoding.FIX:  # the venue wrote SBE: the LogonAck first
        assert pair.wire[0][4:6] == b"\x50\xeb"
        assert sbe.decode(pair.wire[0]).template_id == sbefix.LOGON_ACK_TEMPLATE
    pair.initiator.logout(pair.clock.now)
    assert any(isinstance(event, Closed) and event.clean for event in pair.pump())


def test_the_venue_applies_the_sbe_logons_recv_window_in_microseconds_to_every_request() -> None:
    pair = Pair(Encoding.SBE, recv_window_ms=1.5)  # 1,500 µs in the SBE Logon
    pair.initiator.logon(pair.clock.now)
    pair.pump()
    assert pair.acceptor.closed is False
    assert sbe.decode(pair.sent[0]).values["RecvWindow"] == 1500  # what the gateway wrote
    sent = pair.clock.now
    pair.clock.advance(0.01)  # 10 ms later than its SendingTime: outside 1.5 ms
    pair.initiator._wall_clock = lambda: sent  # a late request
    pair.initiator.send(Message("D", ORDER), pair.clock.now)
    (answer,) = [e for e in pair.pump() if isinstance(e, MessageReceived)]
    assert isinstance(answer.error, errors.InvalidTimestamp)


def test_mini_reports_come_as_execution_report_acks() -> None:
    pair = Pair(Encoding.SBE, response_mode=2, mini_reports=True)
    pair.initiator.logon(pair.clock.now)
    pair.pump()
    pair.wire.clear()
    pair.initiator.send(Message("D", ORDER), pair.clock.now)
    (report,) = [e for e in pair.pump() if isinstance(e, MessageReceived)]
    assert sbe.decode(pair.wire[0]).name == "ExecutionReportAck"
    assert report.message.msg_type == "8" and report.message.get(11) == "o1"
    assert report.message.get(38) is None  # a Mini report has no OrderQty


def test_mini_reports_need_only_acks() -> None:
    with pytest.raises(ValueError, match="OnlyAcks"):
        Initiator(api_key=API_KEY, private_key=PRIVATE_KEY, sender_comp_id="GW",
                  wall_clock=time.time, now=0.0, mini_reports=True)  # fmt: skip


@pytest.mark.parametrize(
    ("schema", "code"), [(None, -1102), (("1", "7"), -1153), (("9", "1"), -1153)]
)
def test_port_9001_logon_must_name_the_schema(schema: tuple[str, str] | None, code: int) -> None:
    clock = Clock()
    acceptor = Acceptor(accounts=accounts(), wall_clock=clock, now=clock.now,
                        encoding=Encoding.SBE_RESPONSES)  # fmt: skip
    stamp = binance.format_sending_time(clock.now)
    signature = binance.sign_logon(PRIVATE_KEY, "GW", "SPOT", 1, stamp)
    fields = [(34, "1"), (49, "GW"), (52, stamp), (56, "SPOT"), (95, str(len(signature))),
              (96, signature), (98, "0"), (108, "30"), (141, "Y"), (553, API_KEY),
              (25035, "2")]  # fmt: skip
    if schema is not None:
        fields += [(25050, schema[0]), (25051, schema[1])]
    acceptor.receive_data(Message("A", fields).encode(), clock.now)
    (fault,) = [e for e in acceptor.events() if isinstance(e, FaultDetected)]
    assert fault.error.code == code
    if schema is None:
        assert fault.error.text == "Required tag '25050' missing."
    reject = sbe.decode(acceptor.data_to_send())  # answered in SBE
    assert reject.name == "Reject" and reject.values["ErrorCode"] == code


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=400), cuts=st.lists(st.integers(0, 400), max_size=8))
def test_sbe_wire_yields_frames_or_documented_errors_only(data: bytes, cuts: list[int]) -> None:
    wire = SbeWire(Encoding.SBE, venue=True, max_frame_size=4096)
    logon = _sbe_logon(sending_time_us=int(START * 1_000_000))
    stream = logon + data
    pieces = [
        stream[a:b] for a, b in zip([0, *sorted(cuts)], [*sorted(cuts), len(stream)], strict=True)
    ]
    items = [item for piece in pieces for item in wire.feed(piece)]
    assert isinstance(items[0], bytes)  # the Logon, as the FIX frame it stands for
    assert Message.decode(items[0]).get(49) == "GW"
    for item in items[1:]:
        assert isinstance(item, bytes) or (
            isinstance(item, Garbled) and isinstance(item.error, errors.RequestError)
        )


def _sbe_logon(
    sending_time_us: int, comp_id: str = "GW", recv_window_us: int | None = None
) -> bytes:
    stamp = sbefix.format_us(sending_time_us)
    signature = binance.sign_logon(PRIVATE_KEY, comp_id, "SPOT", 1, stamp)
    values = {
        "EncryptMethod": 0, "HeartBtInt": 30, "ResetSeqNumFlag": "True",
        "MessageHandling": "Sequential", "SenderCompId": comp_id, "TargetCompId": "SPOT",
        "RawData": signature, "Username": API_KEY, "RecvWindow": recv_window_us,
    }  # fmt: skip
    return sbe.encode("Logon", values, 1, sending_time_us)


# -- on loopback sockets ----------------------------------------------------------------------


@pytest.fixture
async def venue() -> AsyncIterator[Server]:
    server = Server(accounts=accounts(), encoding=Encoding.SBE)
    await server.start("127.0.0.1", 0)
    yield server
    await server.close()


async def _read_sbe(reader: asyncio.StreamReader) -> sbe.SbeMessage:
    head = await asyncio.wait_for(reader.readexactly(6), 5)
    length = int.from_bytes(head[:4], "little")
    return sbe.decode(head + await asyncio.wait_for(reader.readexactly(length - 6), 5))


async def _raw_logon(server: Server) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    assert server.address is not None
    reader, writer = await asyncio.open_connection(*server.address)
    writer.write(_sbe_logon(int(time.time() * 1_000_000)))
    ack = await _read_sbe(reader)
    assert ack.name == "LogonAck" and ack.values["HeartBtInt"] == 30
    return reader, writer


async def test_a_signed_sbe_logon_is_accepted_on_a_socket(venue: Server) -> None:
    _, writer = await _raw_logon(venue)
    writer.close()


async def test_a_bad_encoding_type_is_1177_and_ends_the_connection(venue: Server) -> None:
    reader, writer = await _raw_logon(venue)
    frame = bytearray(sbe.encode("TestRequest", {"TestReqID": "t1"}, 2, int(time.time() * 1e6)))
    frame[4:6] = (0xEB51).to_bytes(2, "little")
    writer.write(bytes(frame))
    reject = await _read_sbe(reader)
    assert reject.name == "Reject" and reject.values["ErrorCode"] == -1177
    assert reject.values["Text"] == "Invalid encodingType."
    logout = await _read_sbe(reader)
    assert logout.name == "Logout" and logout.values["Text"] == "Invalid encodingType."
    assert await asyncio.wait_for(reader.read(), 5) == b""  # closed
    writer.close()


async def test_schema_id_9_is_1153_and_the_session_goes_on(venue: Server) -> None:
    reader, writer = await _raw_logon(venue)
    frame = bytearray(sbe.encode("TestRequest", {"TestReqID": "t1"}, 2, int(time.time() * 1e6)))
    frame[10:12] = (9).to_bytes(2, "little")
    writer.write(bytes(frame))
    reject = await _read_sbe(reader)
    assert reject.name == "Reject" and reject.values["ErrorCode"] == -1153
    assert reject.values["Text"] == "Invalid SBE schema ID or version specified."
    writer.write(sbe.encode("TestRequest", {"TestReqID": "t2"}, 2, int(time.time() * 1e6)))
    heartbeat = await _read_sbe(reader)
    assert heartbeat.name == "Heartbeat" and heartbeat.values["TestReqID"] == "t2"
    writer.close()


@pytest.mark.parametrize("encoding", [Encoding.SBE, Encoding.SBE_RESPONSES])
async def test_the_client_over_sbe_gets_the_same_answers_and_typed_errors(
    encoding: Encoding,
) -> None:
    server = Server(accounts=accounts(), encoding=encoding)
    host, port = await server.start("127.0.0.1", 0)
    try:
        async with fixsession.connect(
            host, port, api_key=API_KEY, private_key=PRIVATE_KEY, tls=False, encoding=encoding
        ) as client:
            report = await client.request(Message("D", ORDER))
            assert (report.get(11), report.get(39)) == ("o1", "0")
            assert Decimal(report[44]) == Decimal("60000.5")
            with pytest.raises(errors.InvalidMessage, match=r"Unknown order sent\."):
                await client.request(Message("F", UNKNOWN_CANCEL))
    finally:
        await server.close()


def test_the_schema_the_codec_speaks() -> None:
    assert (sbe_schema.SCHEMA_ID, sbe_schema.SCHEMA_VERSION) == (1, 1)


# -- what the fuzz target sbe_session found ----------------------------------------------------


def _venue(encoding: Encoding = Encoding.SBE) -> tuple[Clock, Accounts, Exchange, Acceptor]:
    clock = Clock()
    found = accounts()
    exchange = Exchange(wall_clock=clock)
    acceptor = Acceptor(accounts=found, wall_clock=clock, now=clock.now, encoding=encoding)
    return clock, found, exchange, acceptor


def test_a_logon_and_a_broken_stream_in_one_read_release_everything() -> None:
    clock, found, exchange, acceptor = _venue()
    bad = bytearray(sbe.encode("Heartbeat", {}, 2, int(clock.now * 1e6)))
    bad[4:6] = b"\x51\xeb"
    acceptor.receive_data(_sbe_logon(int(clock.now * 1e6)) + bytes(bad), clock.now)
    events = acceptor.events()
    assert isinstance(events[0], LoggedOn) and acceptor.closed
    for event in events:  # the LoggedOn of a session that has closed since: no error
        exchange.on_event(acceptor, event, clock.now)
    assert not found.sessions(API_KEY)


def _order_frame(price: Decimal, clock: Clock, **more: object) -> bytes:
    order = {"OrdType": "Limit", "Side": "Buy", "OrderQty": Decimal("1"), "Price": price,
             "TimeInForce": "GoodTillCancel", "ClOrdID": "o1", "Symbol": "BTCUSDT", **more}  # fmt: skip
    return sbe.encode("NewOrderSingle", order, 2, int(clock.now * 1e6))


def test_a_price_the_engine_cannot_hold_is_refused_not_echoed() -> None:
    clock, _, exchange, acceptor = _venue()
    acceptor.receive_data(_sbe_logon(int(clock.now * 1e6)), clock.now)
    for event in acceptor.events():
        exchange.on_event(acceptor, event, clock.now)
    acceptor.data_to_send()
    acceptor.receive_data(_order_frame(Decimal("1E+12"), clock), clock.now)
    (fault,) = [e for e in acceptor.events() if isinstance(e, FaultDetected)]
    assert fault.error.code == -1102
    assert fault.error.text == (
        "'44' contains unexpected value. Cannot be greater than 92233720368.54775807."
    )
    reject = sbe.decode(acceptor.data_to_send())
    assert reject.name == "Reject" and reject.values["RefTagID"] == 44
    assert not acceptor.closed


def test_a_fix_price_too_precise_for_sbe_is_1111_on_port_9001_and_the_session_goes_on() -> None:
    # FIX text takes any number of decimals; a venue answering in SBE could not echo more
    # than Binance's 8 (the duplicate order's reject echoed it, and the venue's session
    # failed on the ValueError of writing it).
    pair = Pair(Encoding.SBE_RESPONSES)
    pair.initiator.logon(pair.clock.now)
    pair.pump()
    order = [(tag, "1.000000000000000000000001" if tag == 44 else value) for tag, value in ORDER]
    for _ in range(2):
        pair.initiator.send(Message("D", order), pair.clock.now, validate=False)
        (answer,) = [e for e in pair.pump() if isinstance(e, MessageReceived)]
        assert isinstance(answer.error, errors.BadPrecision)
        assert answer.error.text == "Parameter '44' has too much precision."
    assert not pair.acceptor.closed
    pair.initiator.send(Message("D", ORDER), pair.clock.now)
    (report,) = [e for e in pair.pump() if isinstance(e, MessageReceived)]
    assert report.message.get(39) == "0"


def test_a_value_fix_cannot_carry_is_1221() -> None:
    clock, _, _, acceptor = _venue()
    acceptor.receive_data(_sbe_logon(int(clock.now * 1e6)), clock.now)
    acceptor.events()
    acceptor.data_to_send()
    acceptor.receive_data(_order_frame(Decimal(1), clock, ClOrdID="o\x011"), clock.now)
    (fault,) = [e for e in acceptor.events() if isinstance(e, FaultDetected)]
    assert fault.error.code == -1221
    assert fault.error.text == "Invalid/missing field(s) in SBE message."


def test_a_recording_server_takes_its_encoding_by_name(tmp_path: Path) -> None:
    assert Server(accounts=accounts(), record=tmp_path, encoding="fix").encoding is Encoding.FIX
    assert Server(accounts=accounts(), record=tmp_path, encoding="sbe").encoding is Encoding.SBE


# -- market data over FIX SBE -----------------------------------------------------------------

DEPTH_REQUEST = [(262, "d1"), (263, "1"), (264, "5000"), (146, "1"), (55, "BTCUSDT"), (267, "2"),
                 (269, "0"), (269, "1")]  # fmt: skip
TRADES_AND_TICKER = [(262, "tb"), (263, "1"), (264, "1"), (146, "1"), (55, "BTCUSDT"),
                     (267, "3"), (269, "2"), (269, "0"), (269, "1")]  # fmt: skip


def levels(snapshot: Message) -> dict[tuple[str, Decimal], Decimal]:
    """A MarketDataSnapshot's book: (MDEntryType, price) to size."""
    entries = zip(snapshot.get_all(269), snapshot.get_all(270), snapshot.get_all(271), strict=True)
    return {(side, Decimal(price)): Decimal(size) for side, price, size in entries}


@pytest.mark.parametrize("encoding", list(Encoding))
def test_market_data_reads_the_same_in_every_encoding(encoding: Encoding) -> None:
    # FIX SBE splits X into Trade (205), BookTicker (206) and Depth (207), and W's bids and
    # asks apart (204), without MDReqID or MDUpdateAction: the gateway's side ties each to its
    # subscription by symbol and template, and derives MDUpdateAction from MDEntrySize and its
    # book ("Derived from MDEntrySize": DELETE when unset, CHANGE for a known level, else NEW).
    venue = MemoryVenue(seed=3)
    trader = venue.connect()
    feed = venue.connect(SessionType.MARKET_DATA, encoding=encoding)
    (snapshot,) = [m.message for m in venue.ask(feed, Message("V", DEPTH_REQUEST))]
    assert snapshot.msg_type == "W" and snapshot[262] == "d1"
    book, last = levels(snapshot), int(snapshot[25044])
    (ticker_snapshot,) = [m.message for m in venue.ask(feed, Message("V", TRADES_AND_TICKER))]
    assert ticker_snapshot.msg_type == "W" and ticker_snapshot[262] == "tb"
    ticker = levels(ticker_snapshot)
    streams: set[str] = set()
    for step in range(30):
        if step % 3 == 0:  # trades, so the feed has fills to show and the book moves
            side = "1" if step % 2 else "2"
            venue.ask(trader, Message("D", [(11, f"m{step}"), (38, "0.3"), (40, "1"),
                                            (54, side), (55, "BTCUSDT")]))  # fmt: skip
        venue.advance(0.1)
        for update in (m.message for m in venue.received(feed)):
            assert update.msg_type == "X"
            streams.add(update[262])
            entries = zip(update.get_all(279), update.get_all(269), update.get_all(270),
                          strict=True)  # fmt: skip
            sizes = iter(update.get_all(271))
            if update[262] == "d1":
                assert int(update[25043]) == last + 1
                last = int(update[25044])
                target = book
            elif update.get(269) == "2":
                assert update[262] == "tb" and set(update.get_all(279)) == {"0"}
                continue
            else:
                assert update[262] == "tb"
                target = ticker
            for action, side, price in entries:
                level = (side, Decimal(price))
                assert (action == "0") == (level not in target) or encoding is Encoding.FIX
                if action == "2":
                    del target[level]
                else:
                    target[level] = Decimal(next(sizes))
    assert streams == {"d1", "tb"}
    bids, asks = venue.exchange._levels["BTCUSDT"]
    expected = {("0", p): q for p, q in bids} | {("1", p): q for p, q in asks}
    assert book == expected and last == venue.exchange._book_ids["BTCUSDT"]
    if encoding is not Encoding.FIX:  # what crossed was Binance's split messages
        framer = sbe.SbeFramer()
        sent = [item for data in feed.to_initiator for item in framer.feed(data)]
        templates = {item.template_id for item in sent if isinstance(item, sbe.SbeMessage)}
        assert {204, 205, 206, 207} <= templates


@pytest.mark.parametrize("encoding", [Encoding.SBE, Encoding.SBE_RESPONSES])
async def test_a_market_data_client_over_sbe_gets_its_streams_by_mdreqid(
    encoding: Encoding,
) -> None:
    server = Server(
        accounts=accounts(), encoding=encoding, session_type=SessionType.MARKET_DATA,
        exchange=Exchange(wall_clock=time.time, feed_interval=0.02),
    )  # fmt: skip
    host, port = await server.start("127.0.0.1", 0)
    try:
        async with fixsession.connect(
            host, port, api_key=API_KEY, private_key=PRIVATE_KEY, tls=False, encoding=encoding,
            session_type="market-data",
        ) as client:  # fmt: skip
            snapshot = await client.request(Message("V", DEPTH_REQUEST))
            assert snapshot.msg_type == "W" and snapshot[262] == "d1"
            await client.send(Message("V", TRADES_AND_TICKER))
            seen: dict[str, set[str]] = {}
            async with asyncio.timeout(10):
                async for event in client:
                    if isinstance(event, MessageReceived) and event.message.msg_type == "X":
                        update = event.message
                        kind = update.get(269) or ""
                        seen.setdefault(update[262], set()).add("trade" if kind == "2" else kind)
                    if seen.get("d1") and {"trade", "0"} <= seen.get("tb", set()):
                        break
            assert set(seen) == {"d1", "tb"}  # tied to their requests by symbol and template
    finally:
        await server.close()


def _depth_client() -> Initiator:
    """A market-data client on SBE responses, subscribed to BTCUSDT's depth (the venue's
    answers are not delivered: the tests write what a hostile venue would)."""
    from memory import make_pair

    pair = make_pair(SessionType.MARKET_DATA, encoding=Encoding.SBE_RESPONSES).logon()
    client = pair.initiator
    client.events()
    client.send(Message("V", [(262, "d1"), (263, "1"), (264, "5000"), (146, "1"),
                              (55, "BTCUSDT"), (267, "2"), (269, "0"), (269, "1")]), START)  # fmt: skip
    client.data_to_send()
    return client


def _depth(client: Initiator, bids: list[dict[str, Decimal]], exponent: int = 0) -> bytes:
    return sbe.encode("MarketDataIncrementalDepth", {
        "FirstBookUpdateID": 1, "LastBookUpdateID": 1, "PriceExponent": exponent,
        "QtyExponent": exponent, "MDEntriesBids": bids, "MDEntriesAsks": [], "Symbol": "BTCUSDT",
    }, client.next_expected_seq, 1_700_000_000_000_000)  # fmt: skip


def test_a_venue_adding_levels_it_never_deletes_does_not_grow_a_gateways_book() -> None:
    client = _depth_client()
    tracemalloc.start()
    try:
        for n in range(60):  # 60,000 new levels, each with a size, none deleted
            if n == 20:  # (what the first updates made once, layout caches included, is kept)
                gc.collect()
                warm, _ = tracemalloc.get_traced_memory()
            bids = [{"MDEntryPx": Decimal(1000 * n + k + 1), "MDEntrySize": Decimal(1)}
                    for k in range(1000)]  # fmt: skip
            client.receive_data(_depth(client, bids), START)
            assert [type(e) for e in client.events()] == [MessageReceived]
        gc.collect()
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kept - warm < 2_000_000  # (every level kept: 6.4 MB more for these 40,000)
    # a level the book still holds reads as a change; one it forgot, as new; the book goes on
    for price, action in ((59_001, "1"), (1, "0")):
        update = [{"MDEntryPx": Decimal(price), "MDEntrySize": Decimal(2)}]
        client.receive_data(_depth(client, update), START)
        (event,) = client.events()
        assert isinstance(event, MessageReceived) and event.message[279] == action


def test_a_decimal_no_binance_value_has_is_refused_not_written_out() -> None:
    client = _depth_client()
    bids = [{"MDEntryPx": Decimal(9 * 10**18 + k), "MDEntrySize": Decimal(1)} for k in range(9)]
    frame = bytearray(_depth(client, bids))
    frame[42] = frame[43] = 127  # PriceExponent, QtyExponent: 10**127 (147 digits each)
    client.receive_data(bytes(frame), START)
    events = client.events()
    assert not any(isinstance(event, MessageReceived) for event in events)
    faults = [event for event in events if isinstance(event, FaultDetected)]
    assert faults and faults[0].error.code == -1221
