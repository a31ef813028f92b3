"""``fixsession demo``: a short, real FIX session with the local acceptor, narrated.

Owns the demo's script: it starts order-entry and market-data acceptors on loopback with a
fresh TLS certificate and Ed25519 key, connects a client through the same ``aio`` module a
gateway uses, and prints what crosses the wire and every reject as its typed error. Nothing
here is a FIX rule; everything shown comes from the library.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from typing import TextIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixsession.client import Client, Reconnected, connect
from fixsession.errors import BinanceError
from fixsession.events import LoggedOut, MessageReceived, NewsReceived
from fixsession.failover import ReconnectPolicy
from fixsession.message import Message
from fixsession.spec import MsgType, SessionType, Tag
from fixsession.transport import client_tls as transport_client_tls
from fixsession.transport import self_signed_certificate, server_tls
from fixsession.venue.accounts import Accounts
from fixsession.venue.server import Server

API_KEY = "demo-api-key"


def _error(error: BaseException) -> str:
    if isinstance(error, BinanceError):
        return f"{type(error).__name__} {error.code} {error.name}: {error.text}"
    return f"{type(error).__name__}: {error}"


async def _next(client: Client, wanted: Callable[[object], bool], timeout: float = 5.0) -> object:
    """The next event from ``client`` that ``wanted`` accepts (others are skipped)."""
    async with asyncio.timeout(timeout):
        async for event in client:
            if wanted(event):
                return event
    raise ConnectionError("the session ended")


async def run(out: TextIO) -> int:
    """Run the demo, printing to ``out``; the exit status."""
    step = itertools.count(1)

    def say(title: str, text: str = "") -> None:
        print(f"{next(step):2}. {title:<24}{text}", file=out, flush=True)

    def detail(text: str) -> None:
        print(f"    {'':<24}{text}", file=out, flush=True)

    key = Ed25519PrivateKey.generate()
    accounts = Accounts({API_KEY: key.public_key()})
    cert, cert_key = self_signed_certificate()
    venue = Server(accounts=accounts, tls=server_tls(cert, cert_key))
    order_entry = await venue.start("127.0.0.1", 0, SessionType.ORDER_ENTRY)
    market_data = await venue.start("127.0.0.1", 0, SessionType.MARKET_DATA)
    print(
        "fixsession demo: a Binance-compatible acceptor on loopback (order entry "
        f"{_address(order_entry)}, market data {_address(market_data)}), TLS with a fresh "
        "self-signed certificate, a fresh Ed25519 API key.",
        file=out,
    )
    client_tls = transport_client_tls(cert)
    try:
        async with connect(
            *order_entry, api_key=API_KEY, private_key=key, sender_comp_id="DEMOGW",
            tls=client_tls, server_hostname="localhost", reconnect=ReconnectPolicy(),
        ) as client:  # fmt: skip
            session = client.session
            say("logon", f"{session.sender_comp_id} -> {session.target_comp_id}: order entry, "
                "signed Logon accepted, MsgSeqNum reset to 1")  # fmt: skip

            order = Message(MsgType.NEW_ORDER_SINGLE, [
                (Tag.CL_ORD_ID, "demo-1"), (Tag.SYMBOL, "BTCUSDT"), (Tag.SIDE, "1"),
                (Tag.ORD_TYPE, "2"), (Tag.ORDER_QTY, "0.01"), (Tag.PRICE, "60000"),
                (Tag.TIME_IN_FORCE, "1"),
            ])  # fmt: skip
            report = await client.request(order)
            say("new order", "NewOrderSingle<D> BUY 0.01 BTCUSDT @ 60000, ClOrdID demo-1")
            detail(f"ExecutionReport<8> NEW: OrderID {report[Tag.ORDER_ID]}, "
                   f"ExecID {report[Tag.EXEC_ID]}, ClOrdID {report[Tag.CL_ORD_ID]}")  # fmt: skip

            cancel = Message(MsgType.ORDER_CANCEL_REQUEST, [
                (Tag.CL_ORD_ID, "demo-2"), (Tag.ORIG_CL_ORD_ID, "no-such-order"),
                (Tag.SYMBOL, "BTCUSDT"),
            ])  # fmt: skip
            say("cancel unknown order", "OrderCancelRequest<F> for OrigClOrdID no-such-order")
            try:
                await client.request(cancel)
            except BinanceError as error:
                detail(f"OrderCancelReject<9>: {_error(error)}")

            say("not allowed here", "MarketDataRequest<V> on the order-entry session")
            subscribe = _subscription("demo-md-1")
            try:
                await client.request(subscribe, validate=False)
            except BinanceError as error:
                detail(f"Reject<3>: {_error(error)}")

            say("garbled frame", "a Heartbeat<0> frame whose CheckSum(10) is off by one")
            good = Message(MsgType.HEARTBEAT, [(Tag.MSG_SEQ_NUM, "999")]).encode()
            client.send_raw(good[:-4] + b"%03d\x01" % ((int(good[-4:-1]) + 1) % 256))
            event = await _next(
                client, lambda e: isinstance(e, MessageReceived) and e.error is not None
            )
            assert isinstance(event, MessageReceived) and event.error is not None
            detail(f"Reject<3>: {_error(event.error)}")

            async with connect(
                *market_data, api_key=API_KEY, private_key=key,
                sender_comp_id="DEMOMD", session_type=SessionType.MARKET_DATA, tls=client_tls,
                server_hostname="localhost",
            ) as feed:  # fmt: skip
                say("market data", "MarketDataRequest<V> BTCUSDT depth 5 on a market-data session")
                snapshot = await feed.request(subscribe)
                detail(f"MarketDataSnapshot<W>: {snapshot[Tag.NO_MD_ENTRIES]} entries, "
                       f"best bid {snapshot.get_all(Tag.MD_ENTRY_PX)[0]}")  # fmt: skip
                update = await _next(feed, _incremental)
                assert isinstance(update, MessageReceived)
                entries = update.message[Tag.NO_MD_ENTRIES]
                detail(f"MarketDataIncrementalRefresh<X>: {entries} entries, every 100 ms")
                say("duplicate subscription", "the same MDReqID again")
                try:
                    await feed.request(subscribe)
                except BinanceError as error:
                    detail(f"MarketDataRequestReject<Y>: {_error(error)}")

            query = Message(MsgType.LIMIT_QUERY, [(Tag.REQ_ID, "demo-limits")])
            limits = await client.request(query)
            say("limit query", "LimitQuery<XLQ>")
            detail(f"LimitResponse<XLR>: {_limits(limits)}")

            say("maintenance", "the acceptor starts Binance's News<B> countdown")
            venue.start_maintenance(30.0)
            news = await _next(client, lambda e: isinstance(e, NewsReceived))
            assert isinstance(news, NewsReceived)
            detail(f'News<B>: "{news.headline}"')
            reconnected = await _next(client, lambda e: isinstance(e, Reconnected))
            assert isinstance(reconnected, Reconnected)
            detail(f"logged on as {reconnected.sender_comp_id} first, then logged "
                   f"{reconnected.previous_comp_id} out")  # fmt: skip
            await _next(client, lambda e: isinstance(e, LoggedOut))
            report = await client.request(order.replace([(Tag.CL_ORD_ID, "demo-3")]))
            detail(f"orders go on: ExecutionReport<8> NEW, OrderID {report[Tag.ORDER_ID]}")
            say("logout", f"{client.sender_comp_id} sends Logout<5>, the acceptor answers")
        print("done: every reject above arrived over TLS as a typed error.", file=out)
        return 0
    except (BinanceError, ConnectionError, TimeoutError, OSError) as error:
        print(f"demo failed: {_error(error)}", file=out)
        return 1
    finally:
        await venue.close()


def _address(address: tuple[str, int]) -> str:
    return f"{address[0]}:{address[1]}"


def _subscription(md_req_id: str) -> Message:
    return Message(MsgType.MARKET_DATA_REQUEST, [
        (Tag.MD_REQ_ID, md_req_id), (Tag.SUBSCRIPTION_REQUEST_TYPE, "1"),
        (Tag.MARKET_DEPTH, "5"), (Tag.NO_RELATED_SYM, "1"), (Tag.SYMBOL, "BTCUSDT"),
        (Tag.NO_MD_ENTRY_TYPES, "2"), (Tag.MD_ENTRY_TYPE, "0"), (Tag.MD_ENTRY_TYPE, "1"),
    ])  # fmt: skip


def _incremental(event: object) -> bool:
    return isinstance(event, MessageReceived) and event.message.msg_type == "X"


def _limits(message: Message) -> str:
    counts = zip(
        message.get_all(Tag.LIMIT_COUNT), message.get_all(Tag.LIMIT_MAX),
        message.get_all(Tag.LIMIT_RESET_INTERVAL),
        message.get_all(Tag.LIMIT_RESET_INTERVAL_RESOLUTION), strict=False,
    )  # fmt: skip
    return "; ".join(f"{used}/{most} per {n}{unit}" for used, most, n, unit in counts)
