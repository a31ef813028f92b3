"""A recording of several sessions of one venue replays as a set (the venue's journal).

Sessions share the venue: drop copy gets the order-entry session's reports, the market-data
feed moves the book the orders trade against. One by one their captures cannot replay; with
the journal ``serve --record`` writes beside them they replay together, green."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from e2e import API_KEY, PRIVATE_KEY
from test_e2e_client import connect

from fixsession.events import MessageReceived
from fixsession.message import Message
from fixsession.recording import RecordLimits
from fixsession.spec import SessionType
from fixsession.tools.cli import main
from fixsession.venue import journal
from fixsession.venue.accounts import Accounts
from fixsession.venue.exchange import Exchange
from fixsession.venue.server import Server

TRADES = [(262, "TRADES"), (263, "1"), (264, "1"), (146, "1"), (55, "BTCUSDT"), (267, "1"),
          (269, "2")]  # fmt: skip
DEPTH = [(262, "DEPTH"), (263, "1"), (264, "10"), (146, "1"), (55, "BTCUSDT"), (267, "2"),
         (269, "0"), (269, "1")]  # fmt: skip


async def reports(client: object, until: Callable[[list[Message]], bool]) -> list[Message]:
    """ExecutionReports a client's ``async for`` yields, until ``until`` says enough."""
    found: list[Message] = []
    async with asyncio.timeout(10):
        async for event in client:  # type: ignore[attr-defined]
            if isinstance(event, MessageReceived) and event.message.msg_type == "8":
                found.append(event.message)
                if until(found):
                    return found
    raise AssertionError(f"the session ended after {len(found)} reports")


async def record_a_venue(folder: Path) -> None:
    """Order entry, drop copy and market data on one venue, recorded: the market data moves
    the book a MARKET order then trades against, drop copy sees every report."""
    exchange = Exchange(wall_clock=time.time, drop_copy_delay=0.2, feed_interval=0.05)
    server = Server(
        accounts=Accounts({API_KEY: PRIVATE_KEY.public_key()}), exchange=exchange, record=folder
    )
    for kind in SessionType:
        await server.start("127.0.0.1", 0, kind)
    where = server.addresses
    try:
        dc = connect(where[SessionType.DROP_COPY], None, session_type="drop-copy",
                     sender_comp_id="DC1")  # fmt: skip
        md = connect(where[SessionType.MARKET_DATA], None, session_type="market-data",
                     sender_comp_id="MD1")  # fmt: skip
        oe = connect(where[SessionType.ORDER_ENTRY], None, sender_comp_id="OE1")
        async with dc as drop_copy, md as market_data, oe as orders:
            await market_data.send(Message("V", TRADES))
            await market_data.send(Message("V", DEPTH))
            await asyncio.sleep(0.3)  # the feed moves the book
            rest = [(38, "1"), (40, "2"), (44, "100"), (54, "1"), (55, "BTCUSDT"), (59, "1")]
            assert (await orders.request(Message("D", [(11, "rest1"), *rest]))).get(150) == "0"
            cancel = Message("F", [(11, "cancel1"), (41, "rest1"), (55, "BTCUSDT")])
            assert (await orders.request(cancel)).get(150) == "4"
            await asyncio.sleep(0.2)
            market = [(11, "mkt1"), (38, "0.5"), (40, "1"), (54, "1"), (55, "BTCUSDT")]
            await orders.send(Message("D", market))
            filled = await reports(orders, lambda found: found[-1].get(39) == "2")
            assert [m.get(150) for m in filled] == ["0"] + ["F"] * (len(filled) - 1)
            assert len(filled) > 2  # NEW, then a trade per level it took
            copies = await reports(drop_copy, lambda found: len(found) == 2 + len(filled))
            assert [m.get(11) for m in copies][:2] == ["rest1", "cancel1"]
    finally:
        await server.close()


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("venue")
    asyncio.run(record_a_venue(folder))
    return folder


def test_serve_record_writes_a_journal_naming_every_capture(recorded: Path) -> None:
    (path,) = recorded.glob("*" + journal.SUFFIX)
    venue = journal.parse(path.read_text())
    assert sorted(venue.captures) == sorted(p.name for p in recorded.glob("*.fixlog"))
    assert len(venue.captures) == 3
    kinds = [entry.kind for entry in venue.entries]
    assert kinds.count("open") == kinds.count("close") == 3
    assert "tick" in kinds and kinds[-1] == "shutdown"  # the clients had left
    assert venue.exchange["feed_interval"] == 0.05 and venue.exchange["drop_copy_delay"] == 0.2
    assert venue.exchange["commission"] == "0.001"
    assert str(venue.message_limits[SessionType.DROP_COPY]) == "60/60"


def test_the_captures_of_one_venue_replay_green_as_a_set(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", str(recorded)]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert out.count("PASS") == 3 and out.count("with its venue (3 sessions") == 3
    assert "3 captures: 3 passed, 0 failed" in out


def test_one_by_one_they_cannot_replay(recorded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--each", str(recorded)]) == 1
    out = capsys.readouterr().out
    drop_copy = next(line for line in out.splitlines() if "drop-copy" in line)
    assert drop_copy.startswith("FAIL")  # its reports came from the order-entry session


def test_a_missing_capture_of_the_set_is_named(
    recorded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for path in recorded.iterdir():
        if "order-entry" not in path.name:
            (tmp_path / path.name).write_bytes(path.read_bytes())
    assert main(["replay", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "captures not found (deleted past --record-max-files?)" in out
    assert "order-entry-00003.fixlog" in out


BAD_JOURNALS = [
    ("", "empty: not a venue journal"),
    ("[]", "line 1: not a JSON object"),
    ('{"journal": 2}', "not a venue journal of version 1"),
    ("[" * 100_000, "line 1: not JSON"),
    ('{"journal": 1, "exchange": []}', "'exchange' is not a JSON object"),
]


@pytest.mark.parametrize(("text", "message"), BAD_JOURNALS)
def test_a_malformed_journal_is_a_value_error_saying_what(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("?", r"\?")):
        journal.parse(text)


def good_header() -> dict[str, object]:
    setup = journal.options(Exchange(wall_clock=time.time))
    return json.loads(journal.header(setup, {}))  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"seed": True}, "seed is not a number"),
        ({"feed_interval": 0}, "feed_interval is not within"),
        ({"book_levels": 10**9}, "book_levels is not within"),
        ({"unknown_order_code": -1}, "unknown_order_code is not one of"),
        ({"order_limits": ["9/x"]}, "order_limits"),
        ({"instruments": []}, "instruments is not a list of 1 to"),
        ({"instruments": [{"symbol": "X"}]}, "an instrument is not an object of"),
    ],
)
def test_a_journal_set_up_out_of_range_is_refused(change: dict[str, object], message: str) -> None:
    header = good_header()
    header["exchange"] = {**header["exchange"], **change}  # type: ignore[dict-item]
    with pytest.raises(ValueError, match=message):
        journal.parse(json.dumps(header))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"t": 1}', "line 2: not one of"),
        ('{"t": "x", "tick": true}', "line 2: t is not a number"),
        ('{"t": 1, "open": "../../etc/passwd"}', "line 2: open does not name a capture file"),
        ('{"t": 1, "maintenance": 1e300}', "line 2: seconds is not within"),
    ],
)
def test_a_journal_entry_out_of_range_is_refused(line: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        journal.parse(json.dumps(good_header()) + "\n" + line)


def test_replay_says_which_journal_is_broken_and_exits_2(
    recorded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for path in recorded.glob("*.fixlog"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / ("x" + journal.SUFFIX)).write_text('{"journal": 1}\n')
    assert main(["replay", str(tmp_path)]) == 2
    assert "x-venue.jsonl: line 1: 'exchange' is not a JSON object" in capsys.readouterr().err


def test_a_full_journal_says_so_and_the_venue_goes_on(tmp_path: Path) -> None:
    server = Server(
        accounts=Accounts(), record=tmp_path, record_limits=RecordLimits(file_bytes=2500)
    )
    for _ in range(100):  # about 40 bytes each
        server._journaled("tick")
    (path,) = tmp_path.glob("*" + journal.SUFFIX)
    venue = journal.parse(path.read_text())
    assert venue.full and venue.entries[-1].kind == "full"
    assert path.stat().st_size <= 2500
