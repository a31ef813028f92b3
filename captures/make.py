"""Record the session captures in captures/sessions/ against a real ``fixsession serve``.

Each scenario starts ``fixsession serve --record`` (plain TCP on loopback), drives it with a
raw client that sends exactly what the scenario says, stops the server, and keeps the
recording of the connection the scenario is about, with a sidecar NAME.expect.json that says
what the capture must show (the error codes the server sent, which frames are invalid) and
how the server was set up. Every capture is replayed before it is written; a scenario whose
recording does not show its declared codes fails the run.

    python captures/make.py              # every scenario (about 30 s: one waits for a timeout)
    python captures/make.py 1177 news    # the scenarios whose names contain these words
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOT: Final = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import fixsession
from fixsession import binance, captures, errors, recording, sbe, sbefix
from fixsession.binance import Limit
from fixsession.message import Message
from fixsession.spec import SessionType
from fixsession.tools import replay
from fixsession.tools.expectations import Action, Expectation
from fixsession.tools.probe import RawClient
from fixsession.tools.pytest_plugin import SAMPLES
from fixsession.validation import Validator

OUT: Final = ROOT / "captures" / "sessions"
SAMPLE_DIR: Final = ROOT / "fixsession" / "tools" / "samples"
API_KEY: Final = "capture-api-key"
ORDER: Final = "11={id}|38=1|40=2|44=100|54=1|55=BTCUSDT|59=1|"
BOOK: Final = "262={id}|263=1|264=5|146=1|55={symbol}|267=2|269=0|269=1|"


class Context:
    """One scenario's server and the raw clients that talk to it."""

    def __init__(
        self,
        port: int,
        key: Ed25519PrivateKey,
        process: asyncio.subprocess.Process,
        folder: Path,
        encoding: str = "fix",
    ) -> None:
        self.port = port
        self.key = key
        self.process = process
        self.client_recordings = folder / "client-recordings"
        self.encoding = encoding

    def gateway(self, comp_id: str = "GW1", **options: object) -> Any:
        """A fixsession client (an initiator) that records its own side of the session."""
        return fixsession.connect(
            "127.0.0.1", self.port, api_key=API_KEY, private_key=self.key,
            sender_comp_id=comp_id, tls=False, record=self.client_recordings,
            encoding=self.encoding, **options,
        )  # fmt: skip

    async def sbe_logged_on(self, comp_id: str = "GW1") -> SbeClient:
        """A raw FIX SBE client (port 9002's framing), logged on with a signed SBE Logon."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        client = SbeClient(reader, writer)
        now = sbe_now()
        stamp = sbefix.format_us(now)
        values = {
            "EncryptMethod": 0, "HeartBtInt": 30, "ResetSeqNumFlag": "True",
            "MessageHandling": "Sequential", "SenderCompId": comp_id, "TargetCompId": "SPOT",
            "RawData": binance.sign_logon(self.key, comp_id, "SPOT", 1, stamp),
            "Username": API_KEY,
        }  # fmt: skip
        writer.write(sbe.encode("Logon", values, 1, now))
        assert (await client.receive()).name == "LogonAck"
        return client

    async def connect(self, comp_id: str = "GW1") -> RawClient:
        return await RawClient.open(
            "127.0.0.1", self.port, tls=None, comp_id=comp_id, api_key=API_KEY,
            private_key=self.key,
        )  # fmt: skip

    async def logged_on(self, comp_id: str = "GW1", **logon: object) -> RawClient:
        client = await self.connect(comp_id)
        client.send(client.logon_frame(**logon))  # type: ignore[arg-type]
        answer = await client.receive_message()
        assert answer.msg_type == "A", answer
        return client

    async def expect(self, client: RawClient, msg_type: str) -> bytes:
        while True:
            item = await client.receive()
            assert isinstance(item, bytes), item
            if f"\x0135={msg_type}\x01".encode() in item:
                return item

    async def closed(self, client: RawClient, timeout: float = 20.0) -> None:
        """Read until the server closes the connection."""
        while True:
            try:
                await client.receive(timeout)
            except EOFError:
                client.close()
                return

    async def logout(self, client: RawClient) -> None:
        client.send(client.frame("5"))
        await self.closed(client)

    def signal(self, number: int) -> None:
        self.process.send_signal(number)


def sbe_now() -> int:
    return int(time.time() * 1_000_000)


class SbeClient:
    """Raw FIX SBE messages both ways (what fixsession's client would never send)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.seq = 2

    def send(
        self, name: str, values: dict[str, Any], *, garbled: bool = False, **header: int
    ) -> None:
        """A message with the next seqNum (not used up by a ``garbled`` one, which the venue
        does not count); ``header`` overwrites SOFH/header fields by name: encoding_type,
        template_id, schema_id."""
        frame = bytearray(sbe.encode(name, values, self.seq, sbe_now()))
        self.seq += not (garbled or header)
        for field_name, value in header.items():
            at = {"encoding_type": 4, "template_id": 8, "schema_id": 10}[field_name]
            frame[at : at + 2] = value.to_bytes(2, "little")
        self.writer.write(bytes(frame))

    async def receive(self, timeout: float = 10.0) -> sbe.SbeMessage:
        head = await asyncio.wait_for(self.reader.readexactly(6), timeout)
        length = int.from_bytes(head[:4], "little")
        rest = await asyncio.wait_for(self.reader.readexactly(length - 6), timeout)
        return sbe.decode(head + rest)

    async def expect(self, name: str) -> sbe.SbeMessage:
        while True:
            found = await self.receive()
            if found.name == name:
                return found

    async def closed(self) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while await asyncio.wait_for(self.reader.read(65536), 20):
                pass
        self.writer.close()

    async def logout(self) -> None:
        self.send("Logout", {})
        await self.expect("Logout")
        await self.closed()


Drive = Callable[[Context], Awaitable[None]]


@dataclass
class Scenario:
    name: str
    description: str
    codes: list[int]
    drive: Drive
    session_type: SessionType = SessionType.ORDER_ENTRY
    message_limit: str | None = None
    order_limit: str | None = None
    unknown_order_code: int | None = None  # serve's --unknown-order-code
    connection_attempts: int = 0
    comp_ids_in_use: tuple[str, ...] = ()
    keep: tuple[int, ...] = (-1,)  # which recorded connections make the captures
    action: str | None = None  # what the server did of its own accord: "news" or "shutdown"
    recorded_by: str = "server"  # or "client": the gateway's own recording (initiator role)
    encoding: str = "fix"  # serve's --encoding (and the gateway's)
    extra_codes: dict[int, list[int]] = field(default_factory=dict)  # codes of other kept ones


SCENARIOS: list[Scenario] = []


def scenario(
    name: str, description: str, codes: list[int], **options: object
) -> Callable[[Drive], Drive]:
    def register(drive: Drive) -> Drive:
        SCENARIOS.append(Scenario(name, description, codes, drive, **options))  # type: ignore[arg-type]
        return drive

    return register


async def reject_after(ctx: Context, msg_type: str, body: str, answer: str = "3") -> None:
    client = await ctx.logged_on()
    client.send(client.frame(msg_type, body))
    await ctx.expect(client, answer)
    await ctx.logout(client)


# -- order entry -----------------------------------------------------------------------------------


@scenario("order-entry", "Logon, an order, its cancel, a LimitQuery, Logout.", [])
async def order_entry(ctx: Context) -> None:
    client = await ctx.logged_on()
    client.send(client.frame("D", ORDER.format(id="o1")))
    await ctx.expect(client, "8")
    client.send(client.frame("F", "11=c1|41=o1|55=BTCUSDT|"))
    await ctx.expect(client, "8")
    client.send(client.frame("XLQ", "6136=q1|"))
    await ctx.expect(client, "XLR")
    await ctx.logout(client)


@scenario("2010-duplicate-order", "A second order with the ClOrdID of an open one.", [-2010])
async def duplicate_order(ctx: Context) -> None:
    client = await ctx.logged_on()
    for _ in range(2):
        client.send(client.frame("D", ORDER.format(id="o1")))
        await ctx.expect(client, "8")
    await ctx.logout(client)


async def unknown_order(ctx: Context) -> None:
    await reject_after(ctx, "F", "11=c1|41=nope|55=BTCUSDT|", "9")


# One cancel, recorded under each code the venue can answer it with.
scenario("1013-unknown-order",
         "A cancel of an order that does not exist: -1013, as Binance's FIX page's sample.",
         [-1013])(unknown_order)  # fmt: skip
scenario("2011-unknown-order",
         "A cancel of an order that does not exist, the venue set to -2011 (the error page's).",
         [-2011], unknown_order_code=-2011)(unknown_order)  # fmt: skip


@scenario("1121-unknown-symbol", "An order for a symbol the venue does not list: Reject<3>.",
          [-1121])  # fmt: skip
async def unknown_symbol(ctx: Context) -> None:
    await reject_after(ctx, "D", "11=o1|38=1|40=2|44=100|54=1|55=NOPEUSDT|59=1|")


@scenario(
    "fill-market-order",
    "A MARKET order filled against the book: NEW, then a TRADE report per level.",
    [],
)
async def market_fill(ctx: Context) -> None:
    client = await ctx.logged_on()
    client.send(client.frame("D", "11=m1|38=0.6|40=1|54=1|55=BTCUSDT|"))
    for _ in range(3):  # NEW, and fills down to the last one (39=2)
        await ctx.expect(client, "8")
    await ctx.logout(client)


@scenario("partial-fill-ioc",
          "An IOC LIMIT at the second-best offer for more than two levels hold: NEW, TRADE "
          "reports (39=1), then EXPIRED (25056=5).", [])  # fmt: skip
async def partial_fill(ctx: Context) -> None:
    client = await ctx.logged_on()
    client.send(client.frame("D", "11=p1|38=5|40=2|44=64000.02|54=1|55=BTCUSDT|59=3|"))
    while (await ctx.expect(client, "8")).find(b"\x0139=C\x01") < 0:
        pass
    await ctx.logout(client)


@scenario("oco-leg-fill",
          "An OCO whose second leg trades at once: the first leg expires (25056=3) and the "
          "list ends ALL_DONE.", [])  # fmt: skip
async def oco_leg_fill(ctx: Context) -> None:
    client = await ctx.logged_on()
    legs = ("11=keep|38=1|40=2|44=99000|54=2|55=BTCUSDT|59=1|"
            "11=take|38=0.00001|40=2|44=100|54=2|55=BTCUSDT|59=1|")  # fmt: skip
    client.send(client.frame("E", "25014=oco1|1385=1|73=2|" + legs))
    await ctx.expect(client, "N")
    while b"\x01429=5\x01" not in await ctx.expect(client, "N"):  # ALL_DONE
        pass
    await ctx.logout(client)


@scenario("oto-trigger",
          "An OTO whose working BUY crosses at once: the list starts, the pending SELL is "
          "PENDING_NEW (39=A), then placed (150=0) as the working leg fills.", [])  # fmt: skip
async def oto_trigger(ctx: Context) -> None:
    await pending_placed(ctx, "25014=oto1|1385=2|73=2|", "38=0.01|")


async def pending_placed(ctx: Context, head: str, pending_quantity: str) -> None:
    """An OTO-like list whose working BUY crosses at once, until its pending SELL is NEW."""
    client = await ctx.logged_on()
    legs = ("11=work|38=0.01|40=2|44=64000.05|54=1|55=BTCUSDT|59=1|"
            f"11=then|{pending_quantity}40=2|44=99000|54=2|55=BTCUSDT|59=1|")  # fmt: skip
    client.send(client.frame("E", head + legs))
    await ctx.expect(client, "N")
    while b"\x0111=then\x01" not in (report := await ctx.expect(client, "8")) or (
        b"\x01150=0\x01" not in report or b"\x0139=0\x01" not in report
    ):
        pass
    await ctx.logout(client)


@scenario("opo-fill",
          "An OPO (25046=Y) whose working BUY fills at once: the pending SELL, sent without "
          "OrderQty, is placed for what the BUY received, commission deducted.", [])  # fmt: skip
async def opo_fill(ctx: Context) -> None:
    await pending_placed(ctx, "25014=opo1|1385=2|25046=Y|73=2|", "")  # (no OrderQty)


@scenario("pegged-orders",
          "Pegged orders (40=P): a PRIMARY_PEG BUY rests at the best bid, a MARKET_PEG IOC "
          "BUY takes the best offer's level only, a MARKET_PEG LIMIT_MAKER is rejected; "
          "PeggedPrice(839) in the reports.", [-2010])  # fmt: skip
async def pegged_orders(ctx: Context) -> None:
    client = await ctx.logged_on()
    client.send(client.frame("D", "11=p1|38=0.01|40=P|54=1|55=BTCUSDT|59=1|1094=5|835=1|"))
    await ctx.expect(client, "8")
    client.send(client.frame("D", "11=p2|38=5|40=P|54=1|55=BTCUSDT|59=3|1094=4|835=1|"))
    while b"\x0139=C\x01" not in await ctx.expect(client, "8"):
        pass
    client.send(client.frame("D", "11=p3|38=0.01|40=P|18=6|54=1|55=BTCUSDT|1094=4|835=1|"))
    await ctx.expect(client, "8")
    await ctx.logout(client)


@scenario("stp-decrement",
          "Self-trade prevention DECREMENT: a resting SELL of 0.5, then a MARKET BUY of "
          "0.2 of the same account with 25001=5 expires (the smaller), PreventedQty 0.2.",
          [])  # fmt: skip
async def stp_decrement(ctx: Context) -> None:
    client = await ctx.logged_on()
    client.send(client.frame("D", "11=m1|38=0.5|40=2|44=64000|54=2|55=BTCUSDT|59=1|"))
    await ctx.expect(client, "8")
    client.send(client.frame("D", "11=t1|38=0.2|40=1|54=1|55=BTCUSDT|25001=5|"))
    while b"\x0139=C\x01" not in await ctx.expect(client, "8"):
        pass
    await ctx.logout(client)


@scenario("expiry-ioc", "An IOC LIMIT order that cannot cross: NEW, then EXPIRED (25056=5).", [])
async def ioc_expiry(ctx: Context) -> None:
    client = await ctx.logged_on()
    client.send(client.frame("D", "11=i1|38=1|40=2|44=100|54=1|55=BTCUSDT|59=3|"))
    for _ in range(2):
        await ctx.expect(client, "8")
    await ctx.logout(client)


@scenario("1015-too-many-orders", "A third order within 10 s, the order limit being 2.",
          [-1015], order_limit="2/10")  # fmt: skip
async def too_many_orders(ctx: Context) -> None:
    client = await ctx.logged_on()
    for number in range(3):
        client.send(client.frame("D", ORDER.format(id=f"o{number}")))
        await ctx.expect(client, "8")
    await ctx.logout(client)


# -- dictionary faults -----------------------------------------------------------------------------


@scenario(
    "1169-invalid-tag-number",
    "A NewOrderSingle with tag 9999, which no dictionary defines.",
    [-1169],
)
async def invalid_tag(ctx: Context) -> None:
    await reject_after(ctx, "D", ORDER.format(id="o1") + "9999=x|")


@scenario("1170-tag-not-defined-in-message", "A NewOrderSingle with TestReqID(112).", [-1170])
async def tag_not_defined(ctx: Context) -> None:
    await reject_after(ctx, "D", ORDER.format(id="o1") + "112=x|")


@scenario("1171-tag-appears-more-than-once", "A NewOrderSingle with Symbol twice.", [-1171])
async def tag_twice(ctx: Context) -> None:
    await reject_after(ctx, "D", ORDER.format(id="o1") + "55=ETHUSDT|")


@scenario("1172-tag-out-of-order", "A header field (RecvWindow) after the body.", [-1172])
async def tag_out_of_order(ctx: Context) -> None:
    await reject_after(ctx, "D", ORDER.format(id="o1") + "25000=5000|")


@scenario("1173-group-fields-out-of-order",
          "A MarketDataRequest whose NoRelatedSym entry starts with a tag other than Symbol.",
          [-1173], session_type=SessionType.MARKET_DATA)  # fmt: skip
async def group_out_of_order(ctx: Context) -> None:
    await reject_after(ctx, "V", "262=r1|263=1|264=1|146=1|267=2|269=0|55=BTCUSDT|269=1|")


@scenario("1174-invalid-component", "A STOP_LOSS order without its trigger instructions.", [-1174])
async def invalid_component(ctx: Context) -> None:
    await reject_after(ctx, "D", "11=o1|38=1|40=3|54=1|55=BTCUSDT|59=1|", "3")


@scenario("1188-incorrect-num-in-group-count",
          "A MarketDataRequest that says 2 symbols and lists 1.", [-1188],
          session_type=SessionType.MARKET_DATA)  # fmt: skip
async def wrong_count(ctx: Context) -> None:
    await reject_after(ctx, "V", "262=r1|263=1|264=1|146=2|55=BTCUSDT|267=2|269=0|269=1|")


@scenario("1189-duplicate-entries-in-a-group",
          "A MarketDataRequest that asks for BID twice.", [-1189],
          session_type=SessionType.MARKET_DATA)  # fmt: skip
async def duplicate_entries(ctx: Context) -> None:
    await reject_after(ctx, "V", "262=r1|263=1|264=1|146=1|55=BTCUSDT|267=2|269=0|269=0|")


# -- framing and sequence ------------------------------------------------------------------------


@scenario("1177-garbled-message",
          "Frames with a wrong CheckSum, a wrong BodyLength and a byte that is not printable; "
          "the session goes on.", [-1177, -1177, -1177])  # fmt: skip
async def garbled(ctx: Context) -> None:
    client = await ctx.logged_on()
    good = client.frame("0", seq=90)
    client.send(good[:-4] + b"%03d\x01" % ((int(good[-4:-1]) + 1) % 256))
    await ctx.expect(client, "3")
    body = good[good.index(b"35=") : good.rindex(b"10=")]
    # A BodyLength that misses the trailer: the garbled region runs to the next frame.
    client.send(b"8=FIX.4.4\x019=%d\x01" % (len(body) - 3) + body + b"10=000\x01")
    client.send(client.frame("1", "112=a\x07b|", seq=91))
    await ctx.expect(client, "3")
    await ctx.expect(client, "3")
    client.send(client.frame("1", "112=still-here|"))
    await ctx.expect(client, "0")
    await ctx.logout(client)


@scenario("1178-bad-sender-compid", "A message whose SenderCompID changed.", [-1178])
async def bad_comp_id(ctx: Context) -> None:
    client = await ctx.logged_on()
    client.send(client.frame("0", comp_id="OTHER"))
    await ctx.expect(client, "3")
    await ctx.logout(client)


@scenario("1179-bad-seq-num", "A MsgSeqNum too high, then the right one.", [-1179])
async def bad_seq_num(ctx: Context) -> None:
    client = await ctx.logged_on()
    client.send(client.frame("0", seq=7))
    await ctx.expect(client, "3")
    await ctx.logout(client)


@scenario("1181-too-many-messages", "Six messages when the limit is 5 per 10 s: Logout.",
          [-1181], message_limit="5/10")  # fmt: skip
async def too_many_messages(ctx: Context) -> None:
    client = await ctx.logged_on()
    for number in range(5):
        client.send(client.frame("XLQ", f"6136=q{number}|"))
    await ctx.closed(client)


# -- Logon ---------------------------------------------------------------------------------------


async def failed_logon(ctx: Context, **logon: object) -> None:
    client = await ctx.connect()
    client.send(client.logon_frame(**logon))  # type: ignore[arg-type]
    await ctx.closed(client)


@scenario("1175-reset-seq-num-support", "A Logon with ResetSeqNumFlag=N.", [-1175])
async def reset_flag(ctx: Context) -> None:
    await failed_logon(ctx, reset="N")


@scenario("1176-already-logged-in", "A second Logon in the session.", [-1176])
async def already_logged_in(ctx: Context) -> None:
    client = await ctx.logged_on()
    client.send(client.logon_frame())
    await ctx.expect(client, "3")
    await ctx.logout(client)


@scenario("1180-expected-logon", "A Heartbeat before the Logon.", [-1180])
async def expected_logon(ctx: Context) -> None:
    client = await ctx.connect()
    client.send(client.frame("0"))
    await ctx.closed(client)


@scenario("1021-invalid-timestamp", "A Logon whose SendingTime is 10 s old.", [-1021])
async def old_logon(ctx: Context) -> None:
    import time

    from fixsession import binance

    await failed_logon(ctx, sending_time=binance.format_sending_time(time.time() - 10, 3))


@scenario("1022-invalid-signature", "A Logon signed with another key.", [-1022])
async def bad_signature(ctx: Context) -> None:
    await failed_logon(ctx, key=Ed25519PrivateKey.generate())


@scenario("1033-comp-id-in-use", "A Logon with the CompID of a session still logged on.",
          [-1033], comp_ids_in_use=("GW1",))  # fmt: skip
async def comp_id_in_use(ctx: Context) -> None:
    first = await ctx.logged_on("GW1")
    await failed_logon(ctx)
    await ctx.logout(first)


@scenario("1034-too-many-connections", "The 16th connection attempt from one address in 30 s.",
          [-1034], connection_attempts=15)  # fmt: skip
async def too_many_connections(ctx: Context) -> None:
    for number in range(15):
        client = await ctx.logged_on(f"GW{number}")
        await ctx.logout(client)
    await failed_logon(ctx)


@scenario(
    "1184-drop-copy-session-not-allowed", "A drop-copy Logon on an order-entry server.", [-1184]
)
async def drop_copy_not_allowed(ctx: Context) -> None:
    await failed_logon(ctx, extra="9406=Y|")


@scenario("1185-drop-copy-session-required", "An order-entry Logon on a drop-copy server.",
          [-1185], session_type=SessionType.DROP_COPY)  # fmt: skip
async def drop_copy_required(ctx: Context) -> None:
    await failed_logon(ctx)


# -- session types and subscriptions -------------------------------------------------------------


@scenario("1183-not-allowed-in-drop-copy-sessions", "A NewOrderSingle on a drop-copy session.",
          [-1183], session_type=SessionType.DROP_COPY)  # fmt: skip
async def not_in_drop_copy(ctx: Context) -> None:
    client = await ctx.logged_on(extra="9406=Y|")
    client.send(client.frame("D", ORDER.format(id="o1")))
    await ctx.expect(client, "3")
    await ctx.logout(client)


@scenario("1186-not-allowed-in-order-entry-sessions",
          "A MarketDataRequest on an order-entry session.", [-1186])  # fmt: skip
async def not_in_order_entry(ctx: Context) -> None:
    await reject_after(ctx, "V", BOOK.format(id="r1", symbol="BTCUSDT"))


@scenario("1187-not-allowed-in-market-data-sessions",
          "A NewOrderSingle on a market-data session.", [-1187],
          session_type=SessionType.MARKET_DATA)  # fmt: skip
async def not_in_market_data(ctx: Context) -> None:
    await reject_after(ctx, "D", ORDER.format(id="o1"))


@scenario("1190-invalid-request-id",
          "A subscription reusing an active MDReqID, and an unsubscription of an unknown one.",
          [-1190, -1190], session_type=SessionType.MARKET_DATA)  # fmt: skip
async def invalid_request_id(ctx: Context) -> None:
    client = await ctx.logged_on()
    client.send(client.frame("V", BOOK.format(id="book1", symbol="BTCUSDT")))
    await ctx.expect(client, "W")
    client.send(client.frame("V", BOOK.format(id="book1", symbol="ETHUSDT")))
    await ctx.expect(client, "Y")
    client.send(client.frame("V", "262=nope|263=2|"))
    await ctx.expect(client, "Y")
    client.send(client.frame("V", "262=book1|263=2|"))
    await ctx.logout(client)


@scenario("1191-too-many-subscriptions",
          "A subscription like an active one, and one of 1,001 streams.", [-1191, -1191],
          session_type=SessionType.MARKET_DATA)  # fmt: skip
async def too_many_subscriptions(ctx: Context) -> None:
    client = await ctx.logged_on()
    client.send(client.frame("V", BOOK.format(id="book1", symbol="BTCUSDT")))
    await ctx.expect(client, "W")
    client.send(client.frame("V", BOOK.format(id="book2", symbol="BTCUSDT")))
    await ctx.expect(client, "Y")
    symbols = "".join(f"55=S{number:04}|" for number in range(1001))
    client.send(client.frame("V", f"262=many|263=1|264=1|146=1001|{symbols}267=2|269=0|269=1|"))
    await ctx.expect(client, "Y")
    client.send(client.frame("V", "262=book1|263=2|"))
    await ctx.logout(client)


@scenario("1128-bid-without-offer", "A book subscription with BID only.", [-1128],
          session_type=SessionType.MARKET_DATA)  # fmt: skip
async def bid_only(ctx: Context) -> None:
    await reject_after(ctx, "V", "262=b|263=1|264=1|146=1|55=ETHUSDT|267=1|269=0|", "Y")


@scenario("market-data", "InstrumentList, a subscription's snapshot and updates, unsubscribe.",
          [], session_type=SessionType.MARKET_DATA)  # fmt: skip
async def market_data(ctx: Context) -> None:
    client = await ctx.logged_on()
    client.send(client.frame("x", "320=i1|559=4|"))
    await ctx.expect(client, "y")
    client.send(client.frame("V", BOOK.format(id="book1", symbol="ETHUSDT")))
    await ctx.expect(client, "W")
    for _ in range(2):
        await ctx.expect(client, "X")
    client.send(client.frame("V", "262=book1|263=2|"))
    await ctx.logout(client)


# -- heartbeats, Logout, maintenance ---------------------------------------------------------------


@scenario("heartbeat-test-request", "A TestRequest, answered with its TestReqID.", [])
async def test_request(ctx: Context) -> None:
    client = await ctx.logged_on()
    client.send(client.frame("1", "112=ping|"))
    await ctx.expect(client, "0")
    await ctx.logout(client)


@scenario(
    "heartbeat-timeout",
    "A client that goes silent (HeartBtInt 5): TestRequest, then Logout and close.",
    [],
)
async def heartbeat_timeout(ctx: Context) -> None:
    client = await ctx.logged_on(heart_bt_int=5)
    await ctx.closed(client, timeout=20)


@scenario("1035-logged-out",
          "The server shuts down (SIGTERM): a message sent before answering its Logout.",
          [-1035], action="shutdown")  # fmt: skip
async def logged_out(ctx: Context) -> None:
    client = await ctx.logged_on()
    ctx.signal(signal.SIGTERM)
    await ctx.expect(client, "5")
    client.send(client.frame("XLQ", "6136=late|"))
    await ctx.expect(client, "3")
    client.send(client.frame("5"))
    await ctx.closed(client)


@scenario("news-and-reconnect",
          "Maintenance News (SIGUSR1): the client logs on a new session first, then logs the "
          "old one out.", [], action="news", keep=(0, 1))  # fmt: skip
async def news(ctx: Context) -> None:
    old = await ctx.logged_on("GW1")
    ctx.signal(signal.SIGUSR1)
    await ctx.expect(old, "B")
    new = await ctx.logged_on("GW2")
    await ctx.logout(old)
    new.send(new.frame("D", ORDER.format(id="after-news")))
    await ctx.expect(new, "8")
    await ctx.logout(new)


# -- recorded by the gateway (fixsession's client: the initiator's side) -------------------------


@scenario("client-order-entry",
          "A fixsession gateway's own recording: an order, a cancel of an unknown order "
          "(UnknownOrder, -1013), a LimitQuery, Logout.", [], recorded_by="client")  # fmt: skip
async def client_order_entry(ctx: Context) -> None:
    async with ctx.gateway() as gateway:
        await gateway.request(Message("D", [(11, "o1"), (38, "1"), (40, "2"), (44, "100"),
                                            (54, "1"), (55, "BTCUSDT"), (59, "1")]))  # fmt: skip
        with contextlib.suppress(errors.UnknownOrder):
            await gateway.request(Message("F", [(11, "c1"), (41, "nope"), (55, "BTCUSDT")]))
        await gateway.request(Message("XLQ", [(6136, "q1")]))


# -- FIX SBE (Binance's ports 9001 and 9002) -----------------------------------------------------

ORDER_FIELDS: Final = [(11, "o1"), (38, "1"), (40, "2"), (44, "100"), (54, "1"), (55, "BTCUSDT"),
                       (59, "1")]  # fmt: skip


async def sbe_gateway_orders(ctx: Context) -> None:
    async with ctx.gateway() as gateway:
        await gateway.request(Message("D", ORDER_FIELDS))
        with contextlib.suppress(errors.UnknownOrder):
            await gateway.request(Message("F", [(11, "c1"), (41, "nope"), (55, "BTCUSDT")]))


scenario("sbe-order-entry",
         "FIX SBE both ways (port 9002): a fixsession gateway's order, and a cancel of an "
         "unknown order (-1013).", [-1013], encoding="sbe")(sbe_gateway_orders)  # fmt: skip
scenario("sbe-responses-order-entry",
         "FIX requests, FIX SBE answers (port 9001): an order, and a cancel of an unknown "
         "order (-1013).", [-1013], encoding="sbe-responses")(sbe_gateway_orders)  # fmt: skip


@scenario("sbe-market-data",
          "FIX SBE market data: a depth subscription's snapshot (204) and diffs (207) and a "
          "trade stream (205), each read back with its MDReqID.", [],
          session_type=SessionType.MARKET_DATA, encoding="sbe")  # fmt: skip
async def sbe_market_data(ctx: Context) -> None:
    async with ctx.gateway(session_type="market-data") as gateway:
        depth = [(262, "d1"), (263, "1"), (264, "5"), (146, "1"), (55, "BTCUSDT"), (267, "2"),
                 (269, "0"), (269, "1")]  # fmt: skip
        await gateway.request(Message("V", depth))
        await gateway.send(Message("V", [(262, "t1"), (263, "1"), (146, "1"), (55, "BTCUSDT"),
                                         (267, "1"), (269, "2")]))  # fmt: skip
        updates = 0
        async with asyncio.timeout(10):
            async for event in gateway:
                message = getattr(event, "message", None)
                if message is not None and message.msg_type == "X":
                    updates += 1
                    if updates >= 4:
                        break
        await gateway.send(Message("V", [(262, "d1"), (263, "2")]))


@scenario("1177-sbe-encoding-type",
          "FIX SBE: a message whose SOFH has encodingType 0xEB51 (-1177 \"Invalid "
          "encodingType.\"): Reject, then Logout, and the connection closes.", [-1177, -1177],
          encoding="sbe")  # fmt: skip
async def sbe_encoding_type(ctx: Context) -> None:
    client = await ctx.sbe_logged_on()
    client.send("TestRequest", {"TestReqID": "t1"}, encoding_type=0xEB51)
    await client.expect("Reject")
    await client.expect("Logout")
    await client.closed()


async def sbe_fault_then_on(ctx: Context, values: dict[str, Any], **spoil: Any) -> None:
    """An SBE TestRequest spoiled as ``spoil`` says: a Reject, then the session goes on."""
    client = await ctx.sbe_logged_on()
    client.send("TestRequest", values, **spoil)
    await client.expect("Reject")
    client.send("TestRequest", {"TestReqID": "t2"})
    await client.expect("Heartbeat")
    await client.logout()


@scenario("1152-sbe-header",
          "FIX SBE: a message of an unknown templateId (-1152 \"Invalid SBE message "
          "header.\"); the session goes on.", [-1152], encoding="sbe")  # fmt: skip
async def sbe_header(ctx: Context) -> None:
    await sbe_fault_then_on(ctx, {"TestReqID": "t1"}, template_id=65000)


@scenario("1153-sbe-schema",
          "FIX SBE: a message of schemaId 9 (-1153 \"Invalid SBE schema ID or version "
          "specified.\"); the session goes on.", [-1153], encoding="sbe")  # fmt: skip
async def sbe_schema_id(ctx: Context) -> None:
    await sbe_fault_then_on(ctx, {"TestReqID": "t1"}, schema_id=9)


@scenario("1221-sbe-field",
          "FIX SBE: a TestReqID with a control character, which no FIX field can carry "
          "(-1221 \"Invalid/missing field(s) in SBE message.\"); the session goes on.",
          [-1221], encoding="sbe")  # fmt: skip
async def sbe_field(ctx: Context) -> None:
    await sbe_fault_then_on(ctx, {"TestReqID": "t\x07"}, garbled=True)


# -- recording ------------------------------------------------------------------------------------


async def record(item: Scenario, key: Ed25519PrivateKey, folder: Path) -> list[Path]:
    keys = folder / "keys.json"
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    keys.write_text(json.dumps({API_KEY: public.decode()}))
    recordings = folder / "recordings"
    command = [
        sys.executable, "-m", "fixsession", "serve", "--listen", "127.0.0.1:0", "--plain",
        "--session-type", item.session_type.value, "--keys", str(keys),
        "--record", str(recordings), "--encoding", item.encoding,
    ]  # fmt: skip
    if item.message_limit:
        command += ["--message-limit", item.message_limit]
    if item.order_limit:
        command += ["--order-limit", item.order_limit]
    if item.unknown_order_code is not None:
        command += ["--unknown-order-code", str(item.unknown_order_code)]
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert process.stdout is not None
    line = (await process.stdout.readline()).decode()
    context = Context(int(line.rsplit(":", 1)[1]), key, process, folder, item.encoding)
    try:
        await asyncio.wait_for(item.drive(context), 60)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        await process.wait()
    if item.recorded_by == "client":
        return sorted(context.client_recordings.glob("*.fixlog"))
    return sorted(recordings.glob("*.fixlog"))  # (not the venue's journal)


def expectation(item: Scenario, records: list[captures.Record], codes: list[int]) -> Expectation:
    actions = []
    if item.action is not None:
        wanted = b"\x0135=B\x01" if item.action == "news" else b"\x0135=5\x01"
        at = next(i for i, r in enumerate(records) if r.direction == ">" and wanted in r.data)
        do = "start_maintenance" if item.action == "news" else "logout"
        actions.append(Action(at, do))
    verdicts = replay.check(records, Validator())
    invalid = {i: v.code for i, v in enumerate(verdicts) if not v.valid and v.code is not None}
    return Expectation(
        description=item.description, session_type=item.session_type, invalid=invalid,
        both_sides=item.recorded_by == "client",
        codes=tuple(codes),
        message_limit=Limit.parse(item.message_limit) if item.message_limit else None,
        order_limits=(Limit.parse(item.order_limit),) if item.order_limit else None,
        unknown_order_code=item.unknown_order_code,
        connection_attempts=item.connection_attempts, comp_ids_in_use=item.comp_ids_in_use,
        actions=tuple(actions),
    )  # fmt: skip


async def make(item: Scenario, key: Ed25519PrivateKey) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        recorded = await record(item, key, Path(folder))
        written = []
        for number, index in enumerate(item.keep):
            source = recorded[index]
            records = recording.read(source)
            codes = item.codes if number == 0 else item.extra_codes.get(number, [])
            expected = expectation(item, records, codes) if number == 0 else Expectation(
                description=f"{item.description} (the new session)",
                session_type=item.session_type, codes=tuple(codes),
            )  # fmt: skip
            result = replay.replay_session(records, expected)
            if result.findings:
                raise SystemExit(f"{item.name}: the recording does not replay:\n  "
                                 + "\n  ".join(result.findings))  # fmt: skip
            name = item.name if len(item.keep) == 1 else f"{item.name}-{number + 1}"
            shutil.copyfile(source, OUT / f"{name}.fixlog")
            (OUT / f"{name}.expect.json").write_text(expected.to_json())
            if name in SAMPLES:  # the package ships a copy (pytest_plugin.sample_capture)
                shutil.copyfile(OUT / f"{name}.fixlog", SAMPLE_DIR / f"{name}.fixlog")
                shutil.copyfile(OUT / f"{name}.expect.json", SAMPLE_DIR / f"{name}.expect.json")
            written.append(name)
        return written


async def main(chosen: list[Scenario]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()  # a throw-away key: captures never hold a signature
    for item in chosen:
        names = await make(item, key)
        print(f"recorded {', '.join(names)}", flush=True)


if __name__ == "__main__":
    words = sys.argv[1:]
    if {"-h", "--help"} & set(words):
        print(__doc__.strip())
        print("\nscenarios: " + ", ".join(s.name for s in SCENARIOS))
        sys.exit(0)
    chosen = [s for s in SCENARIOS if not words or any(word in s.name for word in words)]
    if not chosen:
        sys.exit(f"make.py: no scenario's name contains {' or '.join(map(repr, words))}")
    asyncio.run(main(chosen))
