"""A gateway written against the typed messages: a limit order, its report read with pattern
matching, a cancel, and the market-data stream read a batch at a time. CI checks it with
``mypy --strict`` and runs it against a local venue (``python examples/typed_gateway.py``).
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import fixsession
from fixsession import Accounts, errors
from fixsession.client import Connector
from fixsession.events import MessageReceived
from fixsession.messages import (
    CxlRejResponseTo,
    ExecType,
    ExecutionReport,
    MarketDataIncrementalRefresh,
    MarketDataRequest,
    MarketDataSnapshot,
    MDEntryType,
    NewOrderSingle,
    OrderCancelReject,
    OrderCancelRequest,
    OrdStatus,
    OrdType,
    Side,
    SubscriptionRequestType,
    TimeInForce,
    typed,
)
from fixsession.spec import SessionType


def describe(report: ExecutionReport) -> str:
    """One line about an order's report."""
    match report:
        case ExecutionReport(exec_type=ExecType.TRADE, last_px=price, last_qty=quantity):
            return f"{report.cl_ord_id} filled {quantity} at {price}"
        case ExecutionReport(exec_type=ExecType.NEW, order_id=int(order_id)):
            return f"{report.cl_ord_id} resting as {order_id}"
        case ExecutionReport(ord_status=OrdStatus.CANCELED):
            return f"{report.orig_cl_ord_id} canceled"
        case _:
            return f"{report.cl_ord_id}: {report.exec_type}"


async def trade(client: fixsession.Client) -> list[str]:
    """Place an order, cancel it, then cancel it again (refused: it is gone)."""
    lines = []
    order = NewOrderSingle(
        cl_ord_id="buy-1", side=Side.BUY, symbol="BTCUSDT", ord_type=OrdType.LIMIT,
        order_qty=Decimal("0.01"), price=Decimal("30000"),
        time_in_force=TimeInForce.GOOD_TILL_CANCEL,
    )  # fmt: skip
    report = typed(await client.request(order))
    assert isinstance(report, ExecutionReport)
    lines.append(describe(report))
    cancel = OrderCancelRequest(cl_ord_id="cancel-1", orig_cl_ord_id="buy-1", symbol="BTCUSDT")
    canceled = typed(await client.request(cancel))
    assert isinstance(canceled, ExecutionReport)
    lines.append(describe(canceled))
    try:
        await client.request(cancel.replace(cl_ord_id="cancel-2"))
    except errors.UnknownOrder as error:
        lines.append(f"cancel again: {error.code} {error.text}")
        answer = typed(error.message) if error.message is not None else None
        if isinstance(answer, OrderCancelReject):
            assert answer.cxl_rej_response_to is CxlRejResponseTo.ORDER_CANCEL_REQUEST
    return lines


async def watch(client: fixsession.Client, updates: int) -> list[str]:
    """Subscribe to the book's top five levels: its snapshot, then ``updates`` increments,
    read a batch at a time."""
    request = MarketDataRequest(
        md_req_id="book", subscription_request_type=SubscriptionRequestType.SUBSCRIBE,
        market_depth=5, related_sym=[MarketDataRequest.RelatedSym(symbol="BTCUSDT")],
        md_entry_types=[MarketDataRequest.MDEntryTypeEntry(md_entry_type=MDEntryType.BID),
                        MarketDataRequest.MDEntryTypeEntry(md_entry_type=MDEntryType.OFFER)],
    )  # fmt: skip
    snapshot = typed(await client.request(request))
    assert isinstance(snapshot, MarketDataSnapshot)
    best = [entry for entry in snapshot.md_entries if entry.md_entry_type is MDEntryType.BID]
    lines = [f"snapshot: {len(snapshot.md_entries)} levels, best bid {best[0].md_entry_px}"]
    seen = 0
    async for batch in client.batches():
        for event in batch:
            if isinstance(event, MessageReceived) and event.message.msg_type == "X":
                refresh = typed(event.message)
                assert isinstance(refresh, MarketDataIncrementalRefresh)
                seen += 1
                changes = [f"{e.md_update_action.name} {e.md_entry_px}" for e in refresh.md_entries]
                lines.append(f"update {refresh.md_entries[0].last_book_update_id}: {changes[0]}")
        if seen >= updates:
            break
    return lines


async def main() -> None:
    """Against local venues standing in for Binance's order-entry and market-data ones."""
    key = Ed25519PrivateKey.generate()
    accounts = Accounts({"gw": key.public_key()})
    venue = await fixsession.serve("127.0.0.1", 0, accounts=accounts)
    feed = await fixsession.serve(
        "127.0.0.1", 0, accounts=accounts, session_type=SessionType.MARKET_DATA
    )
    try:
        async with connect(venue, key, SessionType.ORDER_ENTRY) as client:
            print("\n".join(await trade(client)))
        async with connect(feed, key, SessionType.MARKET_DATA) as client:
            print("\n".join(await watch(client, 3)))
    finally:
        await venue.close()
        await feed.close()


def connect(server: fixsession.Server, key: Ed25519PrivateKey, kind: SessionType) -> Connector:
    """A session of ``kind`` with the local venue ``server``."""
    assert server.address is not None
    host, port = server.address
    return fixsession.connect(
        host, port, api_key="gw", private_key=key, sender_comp_id="gw-" + kind.value[:2],
        session_type=kind, tls=False,
    )  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
