"""The venue as a gateway's test target, over raw loopback TCP against ``fixsession serve
--plain`` (order entry and market data on one exchange): fills, expiries and the answers
Binance's FIX page documents, read by a client with no rules of its own."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from e2e import Wire, serving, text

from fixsession.message import Message
from fixsession.spec import SessionType
from fixsession.tools.cli import main


async def wire(port: int, comp_id: str) -> Wire:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    client = Wire(reader, writer, comp_id)
    answer = await client.logon()
    assert answer.msg_type == "A", text(answer)
    return client


async def reports_until(client: Wire, final: str) -> list[Message]:
    """ExecutionReports until one with OrdStatus ``final``."""
    reports = [await client.expect("8")]
    while reports[-1][39] != final:
        reports.append(await client.expect("8"))
    return reports


async def test_a_gateway_sees_fills_expiries_and_binances_rejects(tmp_path: Path) -> None:
    async with serving(
        tmp_path, "--plain", "--listen", "127.0.0.1:0", "--session-type", "market-data"
    ) as (process, port):
        assert process.stdout is not None
        md_port = int((await process.stdout.readline()).decode().rsplit(":", 1)[1])
        orders = await wire(port, "GW1")
        # a MARKET order within the book's depth: NEW, then fills ending in 150=F, 39=2
        orders.send("D", "11=m1|38=0.5|40=1|54=1|55=BTCUSDT|")
        filled = await reports_until(orders, "2")
        assert filled[0][150] == "0" and filled[-1][150] == "F"
        assert all(r[31] and r[32] for r in filled[1:]) and filled[-1][14] == "0.50000000"
        # an IOC LIMIT that cannot cross: 150=C, 39=C, ExpiryReason(25056)
        orders.send("D", "11=i1|38=1|40=2|44=100|54=1|55=BTCUSDT|59=3|")
        expired = await reports_until(orders, "C")
        assert (expired[-1][150], expired[-1][25056]) == ("C", "5")
        # a cancel of an unknown order: as Binance's FIX page's OrderCancelReject sample
        orders.send("F", "11=c1|41=nope|55=BTCUSDT|")
        rejected = await orders.expect("9")
        assert (rejected[25016], rejected[58], rejected[434]) == (
            "-1013", "Unknown order sent.", "1",
        )  # fmt: skip
        # an order for an unknown symbol: Reject<3>
        orders.send("D", "11=x1|38=1|40=2|44=100|54=1|55=NOPEUSDT|59=1|")
        reject = await orders.expect("3")
        assert (reject[25016], reject[371]) == ("-1121", "55")
        # MarketDepth 9000: MarketDataRequestReject
        feed = await wire(md_port, "MD1")
        feed.send("V", "262=d1|263=1|264=9000|146=1|55=BTCUSDT|267=2|269=0|269=1|")
        refused = await feed.expect("Y")
        assert (refused[262], refused[25016]) == ("d1", "-1130")
        for client in (orders, feed):
            client.send("5")
            await client.closed()


async def test_an_order_and_a_logout_in_one_write_get_the_report_first(tmp_path: Path) -> None:
    # Binance handles messages in the order they come: the order's report, then the Logout's
    # answer; the report is never lost to the Logout that followed in the same read.
    async with serving(tmp_path, "--plain") as (_, port):
        client = await wire(port, "GW1")
        order = client.frame("D", "11=o1|38=1|40=2|44=100|54=1|55=BTCUSDT|59=1|")
        client.raw.send(order + client.frame("5"))
        answers = await client.closed()
        assert [(m.msg_type, m.get(11)) for m in answers] == [("8", "o1"), ("5", None)]


async def test_serve_sets_up_its_synthetic_market(tmp_path: Path) -> None:
    snapshots = []
    for _ in range(2):  # one seed, one market
        async with serving(
            tmp_path, "--plain", "--book-levels", "4", "--seed", "42", "--feed-interval", "0.05",
            session_type=SessionType.MARKET_DATA,
        ) as (_, port):  # fmt: skip
            feed = await wire(port, "MD1")
            feed.send("V", "262=d1|263=1|264=5000|146=1|55=BTCUSDT|267=2|269=0|269=1|")
            snapshot = await feed.expect("W")
            update = await feed.expect("X")  # within the feed interval
            snapshots.append(snapshot.get_all(271))
            assert snapshot[268] == "8" and int(update[25043]) == int(snapshot[25044]) + 1
            feed.send("5")
            await feed.closed()
    assert snapshots[0] == snapshots[1]


async def test_serve_lists_the_symbols_it_is_given(tmp_path: Path) -> None:
    async with serving(
        tmp_path, "--plain", "--symbol", "SOLUSDT:USDT:150.00", "--symbol",
        "DOGEUSDT:USDT:0.12000:0.00001:1", session_type=SessionType.MARKET_DATA,
    ) as (_, port):  # fmt: skip
        feed = await wire(port, "MD1")
        feed.send("x", "320=i1|559=4|")
        listed = await feed.expect("y")
        assert listed.get_all(55) == ["SOLUSDT", "DOGEUSDT"]
        assert listed.get_all(15) == ["USDT", "USDT"]
        feed.send("V", "262=d1|263=1|264=1|146=1|55=DOGEUSDT|267=2|269=0|269=1|")
        snapshot = await feed.expect("W")
        assert snapshot.get_all(270) == ["0.11999000", "0.12001000"]  # a tick either side
        feed.send("V", "262=d2|263=1|264=1|146=1|55=BTCUSDT|267=2|269=0|269=1|")
        assert (await feed.expect("3"))[25016] == "-1121"  # not listed here
        feed.send("5")
        await feed.closed()


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--symbol", "solusdt:USDT:1"], "a symbol is 2 to 20 capital letters"),
        (["--symbol", "SOLUSDT:USDT:1.005"], "not a whole number of ticks"),
        (["--symbol", "SOLUSDT:USDT:1", "--symbol", "SOLUSDT:USDT:2"], "each --symbol once"),
        (["--book-levels", "5001"], "--book-levels is at most 5000"),
    ],
)
def test_serve_refuses_a_market_it_cannot_hold(
    arguments: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:  # (argparse's own checks exit; serve's return the code)
        code = main(["serve", "--plain", "--listen", "127.0.0.1:0", "--session-type",
                     "order-entry", "--keys", "/dev/null", *arguments])  # fmt: skip
    except SystemExit as stop:
        code = stop.code
    assert code == 2 and says in capsys.readouterr().err
