"""The whole engine end to end on loopback: fixsession's client and venue against QuickFIX and a
canned-bytes floor, for orders, market data and scale, in one run.

Servers and feeds run in child processes, clients in this one, all on 127.0.0.0/8.

1. Order -> ExecutionReport round trips, one in flight: p50, p99, p99.9 and max after a
   warm-up, over plain TCP and over TLS, for

   - ``fixsession``: ``fixsession.connect`` (signed Logon, every message validated both ways,
     ``client.request`` matching each report to its order) and ``fixsession serve``;
   - ``quickfix``: QuickFIX 1.16 as initiator and acceptor (C++ engine, Python callbacks, no
     data dictionary, a threading.Event per round trip);
   - ``floor``: an asyncio Protocol writes a ready-made NewOrderSingle, another answers each
     with a ready-made ExecutionReport: no parsing, no session. fixsession / floor is the price
     of the FIX layer;
   - the two halves, to locate a regression: ``half_client`` is fixsession's client and a
     canned acceptor (answers the Logon, then each order with an ExecutionReport from a
     template, MsgSeqNum and ClOrdID filled in: what ``fixsession serve`` sends); and
     ``half_server`` is a canned client (a signed Logon, then pre-encoded orders) and
     ``fixsession serve``.

2. Sustained orders/s through one session, many in flight: one task sends M orders
   (``client.send``), another reads the M reports (``async for``); same subjects.

3. Market-data intake: a raw acceptor answers the Logon and, on the MarketDataRequest, writes
   K MarketDataIncrementalRefresh messages of 10 TRADE entries each (shaped like Binance's
   sample, valid per spot-fix-md.xml, MsgSeqNum, CompIDs and SendingTime right) as fast as the
   socket takes them. Messages delivered to the application per second, from the first to the
   last, for fixsession (a market-data session, full validation, ``async for``), QuickFIX
   (``UseDataDictionary=Y`` with spot-fix-md.xml, counted in ``fromApp``) and a floor (a
   Protocol that only counts frame ends). Every subject must receive all K, or the run says so.

   With uvloop installed (``pip install 'fixsession[uvloop]'``), ``fixsession_uvloop`` rows
   run the same client and ``serve --loop uvloop`` on uvloop's event loop, and the market-data
   client too: rows of their own, beside (never instead of) asyncio's. ``fixsession_busy_poll``
   rows run the client on ``fixsession.busypoll``'s loop and ``serve --busy-poll``, both
   polling for 200 µs before they sleep (opt-in: a core kept busy buys a lower round trip);
   shown beside the targets, never counted for them (QuickFIX and the floor do not spin).

4. ``--scale``: (a) 100 market-data sessions in one process, aggregate msgs/s beside the one
   session figure, and beside one session fed the same way (100 streams at once are built as
   they are sent, and the builder then competes for the CPUs); (b) ``fixsession serve``
   holding 1,000 idle logged-on sessions (from another process: 100 accounts, 10 sessions
   each, each account from its own 127.0.x.y) while one fixsession client measures its round
   trip, as a ratio to the figure without them (before they came and after they left); (c)
   the RSS of a fixsession market-data consumer (a child process) after warm-up and after
   1,000,000 more messages.

Each repeat runs every subject once, in turn, so that the machine's slow spells fall on all of
them alike; figures are medians over the repeats. Compare ratios within one run, never
absolute figures across runs. The targets, PASS or FAIL at the end: p50 fixsession/quickfix
<= 0.6, orders/s fixsession/quickfix >= 3, md msgs/s fixsession/quickfix >= 2 and
fixsession/floor >= 0.25; with --scale, p50 with 1,000 idle sessions <= 1.2x without them, and
RSS growth <= 10 MB. Without QuickFIX its rows are skipped with a note (so are its TLS rows
when QuickFIX was built without SSL, as the wheel in ../shared/wheels is).

Run from the repository root::

    python bench/e2e.py --quick              # one repeat, fewer round trips: under 2 minutes
    python bench/e2e.py                      # R=3, N=10,000, M=20,000, K=20,000
    python bench/e2e.py --scale --json e2e.json
    python bench/e2e.py --quick --only md    # one section: orders, md or scale
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import dataclasses
import importlib.util
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, cast

ROOT: Final = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SHARED: Final = Path(os.environ.get("FIXSESSION_SHARED", ROOT.parent / "shared"))
"""Where Binance's published files are (QuickFIX's market-data dictionary): ../shared."""
MD_DICTIONARY: Final = SHARED / "binance" / "spot-fix-md.xml"

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import fixsession
from fixsession import busypoll, speedups, transport
from fixsession.binance import RULES, Limit
from fixsession.client import Client, Dropped
from fixsession.events import Closed, FaultDetected, MessageReceived
from fixsession.message import Message
from fixsession.spec import SessionType

PURE_PYTHON_ENV: Final = "FIXSESSION_PURE_PYTHON"
UNLIMITED: Final = "100000000/10"
API_KEY: Final = "bench-api-key"
MD_API_KEY: Final = "bench-md-key"
ACTIVE_API_KEY: Final = "bench-active-key"
SESSIONS_PER_ACCOUNT: Final = 10  # Binance: 10 order-entry connections per account
SECTIONS: Final = ("orders", "md", "scale")

Figures = dict[str, float]


class BenchError(Exception):
    """A subject went wrong (a message lost, refused or rejected): its figures would lie."""


class Skip(Exception):
    """A subject cannot run here (QuickFIX is not installed, or has no TLS)."""


@dataclass(frozen=True)
class Config:
    round_trips: int  # N, one order in flight
    warmup: int
    sustained: int  # M, orders in flight at once
    repeats: int  # R: figures are medians of R
    md_messages: int  # K, per market-data subject
    scale_sessions: int
    scale_md_messages: int  # per session of the 100
    idle_sessions: int
    rss_warmup: int
    rss_messages: int

    @classmethod
    def make(cls, args: argparse.Namespace) -> Config:
        quick = args.quick
        return cls(
            round_trips=2_000 if quick else 10_000,
            warmup=200 if quick else 1_000,
            sustained=5_000 if quick else 20_000,
            repeats=args.repeats or (1 if quick else 3),
            md_messages=args.md_messages,
            scale_sessions=100,
            scale_md_messages=500 if quick else 2_000,
            idle_sessions=args.idle_sessions,
            rss_warmup=50_000,
            rss_messages=args.rss_messages,
        )


# -- the wire, by hand ------------------------------------------------------------------------
# Canned peers build and read frames with these few helpers, not with fixsession: what they
# cost must stay near zero, and they must not share fixsession's bugs.

SOH: Final = b"\x01"
FRAME_END: Final = b"\x0110="
VENUE: Final = b"SPOT"


def byte_sum(data: bytes) -> int:
    """The sum of the bytes: Adler-32's low half over 256-byte slices (each sum < 65521)."""
    if len(data) <= 256:
        return (zlib.adler32(data) & 0xFFFF) - 1
    view = memoryview(data)
    return sum((zlib.adler32(view[at : at + 256]) & 0xFFFF) - 1 for at in range(0, len(view), 256))


def wrap(body: bytes) -> bytes:
    """A frame around ``body`` (MsgType onwards, SOH-terminated): BeginString, BodyLength, and
    the CheckSum."""
    head = b"8=FIX.4.4\x019=%d\x01" % len(body)
    return b"%s%s10=%03d\x01" % (head, body, (byte_sum(head) + byte_sum(body)) % 256)


_STAMP: list[Any] = [-1, b""]  # the whole second last formatted, and its text


def sending_time(digits: int = 3) -> bytes:
    """UTC now as a FIX UTCTIMESTAMP with ``digits`` fraction digits."""
    now = time.time()
    whole = int(now)
    if whole != _STAMP[0]:
        _STAMP[:] = [whole, time.strftime("%Y%m%d-%H:%M:%S", time.gmtime(whole)).encode()]
    return b"%s.%0*d" % (_STAMP[1], digits, int((now - whole) * 10**digits))


def client_frame(msg_type: bytes, seq: int, comp_id: bytes, stamp: bytes, body: bytes) -> bytes:
    """A client's frame, header as fixsession's client writes it."""
    head = b"35=%s\x0134=%d\x0149=%s\x0152=%s\x0156=SPOT\x01" % (msg_type, seq, comp_id, stamp)
    return wrap(head + body)


def venue_frame(msg_type: bytes, seq: int, target: bytes, stamp: bytes, body: bytes) -> bytes:
    """The venue's frame, header as ``fixsession serve`` writes it."""
    head = b"35=%s\x0134=%d\x0149=SPOT\x0152=%s\x0156=%s\x01" % (msg_type, seq, stamp, target)
    return wrap(head + body)


def field(frame: bytes, tag: bytes) -> bytes | None:
    """The first value of ``tag`` in ``frame``, or None."""
    key = SOH + tag + b"="
    at = frame.find(key)
    if at < 0:
        return None
    at += len(key)
    return frame[at : frame.index(SOH, at)]


class Frames:
    """Splits a byte stream into frames at each ``<SOH>10=nnn<SOH>``."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        buffer = self._buffer
        buffer += data
        frames = []
        start = 0
        while (end := buffer.find(FRAME_END, start)) >= 0:
            stop = buffer.find(SOH, end + 4)
            if stop < 0:
                break
            frames.append(bytes(buffer[start : stop + 1]))
            start = stop + 1
        if start:
            del buffer[:start]
        return frames


def logon_frame(
    key: Ed25519PrivateKey, api_key: str, comp_id: bytes, heart_bt_int: int = 30
) -> bytes:
    """A Logon (MsgSeqNum 1) signed as Binance asks: Ed25519 over MsgType, SenderCompID,
    TargetCompID, MsgSeqNum and SendingTime joined by SOH, in base64."""
    stamp = sending_time()
    signature = base64.b64encode(key.sign(SOH.join((b"A", comp_id, VENUE, b"1", stamp))))
    body = b"95=%d\x0196=%s\x0198=0\x01108=%d\x01141=Y\x01553=%s\x0125035=2\x01" % (
        len(signature), signature, heart_bt_int, api_key.encode()
    )  # fmt: skip
    return client_frame(b"A", 1, comp_id, stamp, body)


ORDER_FIELDS: Final = [(38, "0.001"), (40, "2"), (44, "60000"), (54, "1"), (55, "BTCUSDT"),
                       (59, "1")]  # fmt: skip
ORDER_BODY: Final = b"11=%s\x0138=0.001\x0140=2\x0144=60000\x0154=1\x0155=BTCUSDT\x0159=1\x01"
REPORT_BODY: Final = (
    b"17=1\x0111=%s\x0137=5000000000\x0138=0.001\x0140=2\x0154=1\x0155=BTCUSDT\x0144=60000\x01"
    b"59=1\x0160=%s\x0125018=%s\x01150=0\x0114=0.00000000\x01151=0.001\x0125017=0.00000000\x01"
    b"32=0.00000000\x0139=0\x01636=Y\x0125001=1\x01"
)
"""An ExecutionReport NEW with the fields ``fixsession serve`` sends, in its order."""
REPORT_MARK: Final = b"\x0135=8\x01"
NEW_MARK: Final = b"\x0139=0\x01"
CANNED_ORDER: Final = client_frame(b"D", 2, b"BENCH", sending_time(), ORDER_BODY % b"b1")
_REPORT_STAMP: Final = sending_time(6)
CANNED_REPORT: Final = venue_frame(
    b"8", 2, b"BENCH", _REPORT_STAMP, REPORT_BODY % (b"b1", _REPORT_STAMP, _REPORT_STAMP)
)


def percentiles(samples_ns: list[int]) -> Figures:
    ordered = sorted(samples_ns)

    def at(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] / 1000

    return {
        "rtt_p50_us": at(0.50), "rtt_p99_us": at(0.99), "rtt_p999_us": at(0.999),
        "rtt_max_us": ordered[-1] / 1000,
    }  # fmt: skip


def describe(event: object) -> str:
    """An event for an error line: its type and error, and the start of its message."""
    error = getattr(event, "error", None)
    message = getattr(event, "message", None)
    text = type(event).__name__ + (f" {error!r}" if error is not None else "")
    if message is not None:
        text += f" on {str(message)[:160]}…"
    return text


def named(key: str, figures: Figures) -> Figures:
    """``{"rtt_p50_us": x}`` -> ``{"rtt_p50_us.<key>": x}``."""
    return {f"{name}.{key}": value for name, value in figures.items()}


# -- children ----------------------------------------------------------------------------------

CHILD_ENV: dict[str, str] = {}
"""Extra environment for every child (FIXSESSION_PURE_PYTHON=1 with --pure-python)."""


@dataclass
class Child:
    process: subprocess.Popen[str]
    port: int

    def readline(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def spawn(command: list[str]) -> Child:
    """Start a child that talks on its stdout (its stderr is ours)."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **CHILD_ENV},
    )  # fmt: skip
    return Child(process, 0)


def start_child(command: list[str]) -> Child:
    """Start a server; its first line must be ``listening on HOST:PORT``."""
    child = spawn(command)
    line = child.readline()
    if not line.startswith("listening on "):
        child.stop()
        raise BenchError(f"{' '.join(command[1:4])}: the server did not start: {line!r}")
    child.port = int(line.rsplit(":", 1)[1])
    return child


def bench_child(role: str, material: Material, *options: str) -> list[str]:
    """The command that runs this file as one of its children (``--child ROLE``)."""
    return [sys.executable, __file__, "--child", role, "--folder", str(material.folder), *options]


def serve_child(material: Material, tls: bool, *options: str) -> Child:
    return start_child([
        sys.executable, "-m", "fixsession", "serve", "--listen", "127.0.0.1:0",
        "--session-type", "order-entry", "--keys", str(material.folder / "keys.json"),
        "--message-limit", UNLIMITED, "--order-limit", UNLIMITED, *material.tls_args(tls),
        *options,
    ])  # fmt: skip


def vm_rss_kb(pid: int) -> int:
    """The resident set of a process, from /proc/PID/status (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise BenchError(f"no VmRSS for process {pid}")


@dataclass
class Material:
    """Keys and a certificate for this run, in a temporary folder. Every API key in keys.json
    (the bench's, and the idle sessions' accounts) has the same Ed25519 key."""

    folder: Path
    key: Ed25519PrivateKey
    cert: bytes

    @classmethod
    def make(cls, folder: Path, idle_accounts: int) -> Material:
        key = Ed25519PrivateKey.generate()
        cert, cert_key = transport.self_signed_certificate()
        (folder / "cert.pem").write_bytes(cert)
        (folder / "key.pem").write_bytes(cert_key)
        (folder / "private.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        public = (
            key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        names = [API_KEY, MD_API_KEY, ACTIVE_API_KEY]
        names += [idle_account(n) for n in range(idle_accounts)]
        (folder / "keys.json").write_text(json.dumps(dict.fromkeys(names, public)))
        return cls(folder, key, cert)

    @classmethod
    def load(cls, folder: Path) -> Material:
        key = serialization.load_pem_private_key((folder / "private.pem").read_bytes(), None)
        assert isinstance(key, Ed25519PrivateKey)
        return cls(folder, key, (folder / "cert.pem").read_bytes())

    def tls_args(self, tls: bool) -> list[str]:
        if not tls:
            return ["--plain"]
        return ["--tls-cert", str(self.folder / "cert.pem"),
                "--tls-key", str(self.folder / "key.pem")]  # fmt: skip

    def client_tls(self, tls: bool) -> dict[str, Any]:
        """Options for ``loop.create_connection``."""
        if not tls:
            return {}
        return {"ssl": transport.client_tls(self.cert), "server_hostname": "localhost"}

    def server_tls(self, tls: bool) -> Any:
        if not tls:
            return None
        return transport.server_tls(
            (self.folder / "cert.pem").read_bytes(), (self.folder / "key.pem").read_bytes()
        )


def idle_account(n: int) -> str:
    return f"bench-idle-{n:04d}"


async def run_server(factory: Callable[[], asyncio.BaseProtocol], tls: Any) -> None:
    """Listen on 127.0.0.1 (a free port), say where, and serve until killed."""
    server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", 0, ssl=tls)
    print(f"listening on 127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
    await server.serve_forever()


# -- orders: the floor -------------------------------------------------------------------------


class FloorServer(asyncio.Protocol):
    """Answers every NewOrderSingle-sized chunk with the canned ExecutionReport."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport = cast(asyncio.Transport, transport)
        self.transport = transport
        self.pending = 0

    def data_received(self, data: bytes) -> None:
        count, self.pending = divmod(self.pending + len(data), len(CANNED_ORDER))
        if count:
            self.transport.write(CANNED_REPORT * count)


class ByteCounter(asyncio.Protocol):
    """Counts the bytes received; ``until(total)`` waits for that many."""

    def __init__(self) -> None:
        self.received = 0
        self._target = 0
        self._waiter: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport = cast(asyncio.Transport, transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.received += len(data)
        waiter = self._waiter
        if waiter is not None and self.received >= self._target:
            self._waiter = None
            waiter.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(BenchError("the floor server closed the connection"))

    async def until(self, total: int, timeout: float = 10.0) -> None:
        if self.received >= total:
            return
        self._target = total
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            async with asyncio.timeout(timeout):  # what client.request() uses
                await self._waiter
        except TimeoutError:
            raise BenchError(f"the floor server sent {self.received} of {total} bytes") from None


async def floor_orders(material: Material, tls: bool, config: Config) -> Figures:
    child = start_child(bench_child("floor-server", material, *(["--tls"] if tls else [])))
    try:
        loop = asyncio.get_running_loop()
        _, peer = await loop.create_connection(
            ByteCounter, "127.0.0.1", child.port, **material.client_tls(tls)
        )
        size = len(CANNED_REPORT)
        expected = 0

        async def round_trip() -> None:
            nonlocal expected
            expected += size
            peer.transport.write(CANNED_ORDER)
            await peer.until(expected)

        for _ in range(config.warmup):
            await round_trip()
        samples = []
        for _ in range(config.round_trips):
            began = time.perf_counter_ns()
            await round_trip()
            samples.append(time.perf_counter_ns() - began)
        began = time.perf_counter()
        for _ in range(config.sustained):
            peer.transport.write(CANNED_ORDER)
        await peer.until(expected + size * config.sustained, 60 + config.sustained / 1000)
        rate = config.sustained / (time.perf_counter() - began)
        peer.transport.close()
    finally:
        child.stop()
    return {**percentiles(samples), "orders_per_s": rate}


# -- orders: fixsession's client (against serve, or the canned acceptor) ------------------------


def order_entry_rules() -> Any:
    return dataclasses.replace(RULES[SessionType.ORDER_ENTRY], message_limit=Limit.parse(UNLIMITED))


async def round_trips(client: Client, count: int, prefix: str) -> list[int]:
    """``count`` orders, one in flight; each one's round trip in ns."""
    samples = []
    for n in range(count):
        message = Message("D", [(11, f"{prefix}{n}"), *ORDER_FIELDS])
        began = time.perf_counter_ns()
        report = await client.request(message)
        samples.append(time.perf_counter_ns() - began)
        if report.get(39) != "0":
            raise BenchError(f"order {prefix}{n} was not acknowledged: {report!r}")
    return samples


async def fixsession_orders(port: int, material: Material, tls: bool, config: Config) -> Figures:
    """fixsession's client: round trips, then sustained orders/s, on one session."""
    async with fixsession.connect(
        "127.0.0.1", port, api_key=API_KEY, private_key=material.key, sender_comp_id="BENCH",
        tls=transport.client_tls(material.cert) if tls else False, server_hostname="localhost",
        rules=order_entry_rules(),
    ) as client:  # fmt: skip
        await round_trips(client, config.warmup, "w")
        samples = await round_trips(client, config.round_trips, "r")

        async def send_all() -> None:
            for n in range(config.sustained):
                await client.send(Message("D", [(11, f"s{n}"), *ORDER_FIELDS]))

        async def read_all() -> None:
            seen = 0
            async for batch in client.batches():
                for event in batch:
                    if isinstance(event, MessageReceived):
                        if event.message.get(39) != "0":
                            raise BenchError(f"an order was not acknowledged: {describe(event)}")
                        seen += 1
                        if seen == config.sustained:
                            return
                    elif isinstance(event, FaultDetected | Closed | Dropped):
                        raise BenchError(f"after {seen} reports: {describe(event)}")
            raise BenchError(f"the session ended after {seen} of {config.sustained} reports")

        began = time.perf_counter()
        async with asyncio.timeout(60 + config.sustained / 1000):
            await asyncio.gather(send_all(), read_all())
        rate = config.sustained / (time.perf_counter() - began)
    return {**percentiles(samples), "orders_per_s": rate}


async def fixsession_subject(
    material: Material, tls: bool, config: Config, *serve_options: str
) -> Figures:
    child = serve_child(material, tls, *serve_options)
    try:
        return await fixsession_orders(child.port, material, tls, config)
    finally:
        child.stop()


BUSY_POLL_US: Final = 200


async def busy_poll_subject(material: Material, tls: bool, config: Config) -> Figures:
    """fixsession's client on a busy-polling loop (``run_subject``) and ``serve --busy-poll``."""
    return await fixsession_subject(material, tls, config, "--busy-poll", str(BUSY_POLL_US))


async def uvloop_subject(material: Material, tls: bool, config: Config) -> Figures:
    """fixsession's client on uvloop's loop (``run_subject``) and ``serve --loop uvloop``."""
    return await fixsession_subject(material, tls, config, "--loop", "uvloop")


class CannedAcceptor(asyncio.Protocol):
    """An order-entry acceptor with no rules: answers the Logon, then each NewOrderSingle with
    the template ExecutionReport (its MsgSeqNum, the order's ClOrdID), a TestRequest with a
    Heartbeat, a Logout with a Logout. Checks nothing."""

    def __init__(self) -> None:
        self.frames = Frames()
        self.seq = 1
        self.target = b"BENCH"
        self.stamp = sending_time(6)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport = cast(asyncio.Transport, transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        out = []
        closing = False
        stamp = self.stamp
        for frame in self.frames.feed(data):
            kind = field(frame, b"35")
            if kind == b"D":
                body = REPORT_BODY % (field(frame, b"11"), stamp, stamp)
                out.append(venue_frame(b"8", self.seq, self.target, stamp, body))
            elif kind == b"A":
                self.target = field(frame, b"49") or self.target
                heart_bt_int = field(frame, b"108") or b"30"
                body = b"98=0\x01108=%s\x0125037=bench-canned\x01" % heart_bt_int
                out.append(venue_frame(b"A", self.seq, self.target, stamp, body))
            elif kind == b"1":
                body = b"112=%s\x01" % field(frame, b"112")
                out.append(venue_frame(b"0", self.seq, self.target, stamp, body))
            elif kind == b"5":
                out.append(venue_frame(b"5", self.seq, self.target, stamp, b""))
                closing = True
            else:
                continue
            self.seq += 1
        if out:
            self.transport.write(b"".join(out))
        if closing:
            self.transport.close()


async def half_client_subject(material: Material, tls: bool, config: Config) -> Figures:
    child = start_child(bench_child("canned-acceptor", material, *(["--tls"] if tls else [])))
    try:
        return await fixsession_orders(child.port, material, tls, config)
    finally:
        child.stop()


# -- orders: the canned client against fixsession serve ----------------------------------------


class CannedClient(asyncio.Protocol):
    """Reads frames: ExecutionReports are counted (those not NEW kept aside), others kept;
    ``until(predicate)`` waits until it holds. A Reject, or a Logout not asked for, fails
    the wait at once."""

    def __init__(self) -> None:
        self.frames = Frames()
        self.reports = 0
        self.refused: list[bytes] = []
        self.others: list[bytes] = []
        self.closed = False
        self.logging_out = False
        self.failure: bytes | None = None
        self._predicate: Callable[[], bool] | None = None
        self._waiter: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport = cast(asyncio.Transport, transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        for frame in self.frames.feed(data):
            if REPORT_MARK in frame:
                self.reports += 1
                if NEW_MARK not in frame:
                    self.refused.append(frame)
            else:
                self.others.append(frame)
                kind = field(frame, b"35")
                if kind == b"3" or (kind == b"5" and not self.logging_out):
                    self.failure = self.failure or frame
        self._check()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._check()

    def _check(self) -> None:
        waiter = self._waiter
        if waiter is not None and self._predicate is not None:
            if self._predicate():
                self._waiter = None
                waiter.set_result(None)
            elif self.failure is not None or self.closed:
                self._waiter = None
                waiter.set_exception(self._error())

    def _error(self) -> BenchError:
        if self.failure is not None:
            text = self.failure.replace(SOH, b"|").decode(errors="replace")
            return BenchError(f"fixsession serve answered: {text}")
        return BenchError(f"fixsession serve closed the connection after {self.reports} reports")

    async def until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        if predicate():
            return
        if self.failure is not None or self.closed:
            raise self._error()
        self._predicate = predicate
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            async with asyncio.timeout(timeout):
                await self._waiter
        except TimeoutError:
            raise BenchError(f"{self.reports} reports, then nothing for {timeout:g} s") from None


async def half_server_subject(material: Material, tls: bool, config: Config) -> Figures:
    child = serve_child(material, tls)
    try:
        loop = asyncio.get_running_loop()
        _, peer = await loop.create_connection(
            CannedClient, "127.0.0.1", child.port, **material.client_tls(tls)
        )
        comp_id = b"CANNED"
        peer.transport.write(logon_frame(material.key, API_KEY, comp_id))
        await peer.until(lambda: bool(peer.others))
        if field(peer.others[0], b"35") != b"A":
            raise BenchError(f"serve refused the Logon: {peer.others[0]!r}")
        stamp = sending_time()
        total = config.warmup + config.round_trips + config.sustained
        orders = [
            client_frame(b"D", seq, comp_id, stamp, ORDER_BODY % b"c%d" % seq)
            for seq in range(2, total + 2)
        ]
        sequence = iter(orders)
        done = 0

        async def round_trip() -> None:
            nonlocal done
            done += 1
            target = done
            peer.transport.write(next(sequence))
            await peer.until(lambda: peer.reports >= target)

        for _ in range(config.warmup):
            await round_trip()
        samples = []
        for _ in range(config.round_trips):
            began = time.perf_counter_ns()
            await round_trip()
            samples.append(time.perf_counter_ns() - began)
        began = time.perf_counter()
        for order in sequence:
            peer.transport.write(order)
        await peer.until(lambda: peer.reports >= total, 60 + config.sustained / 1000)
        rate = config.sustained / (time.perf_counter() - began)
        if peer.refused:
            raise BenchError(f"{len(peer.refused)} orders refused, first: {peer.refused[0]!r}")
        seen = len(peer.others)
        peer.logging_out = True
        peer.transport.write(client_frame(b"5", total + 2, comp_id, sending_time(), b""))
        with contextlib.suppress(BenchError):
            await peer.until(lambda: len(peer.others) > seen or peer.closed, 5)
        peer.transport.close()
    finally:
        child.stop()
    return {**percentiles(samples), "orders_per_s": rate}


# -- QuickFIX ------------------------------------------------------------------------------------

QUICKFIX_SETTINGS: Final = """[DEFAULT]
ConnectionType={kind}
StartTime=00:00:00
EndTime=00:00:00
HeartBtInt=30
ReconnectInterval=1
{options}
[SESSION]
BeginString=FIX.4.4
SenderCompID={sender}
TargetCompID={target}
"""
QUICKFIX_NO_DICTIONARY: Final = "UseDataDictionary=N\nValidateUserDefinedFields=N"


def connect_options(port: int) -> str:
    return f"\nSocketConnectHost=127.0.0.1\nSocketConnectPort={port}"


def install_quickfix() -> str | None:
    """Install the prebuilt QuickFIX wheel from ../shared/wheels into this environment when
    QuickFIX is missing and the wheel is there (building it takes ~10 minutes); why not, if
    it was not installed."""
    if importlib.util.find_spec("quickfix") is not None:
        return None
    wheels = sorted((SHARED / "wheels").glob("quickfix-*.whl"))
    if not wheels:
        return f"QuickFIX is not installed and no wheel is in {SHARED / 'wheels'}"
    print(f"installing {wheels[-1].name} into this environment", file=sys.stderr)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", str(wheels[-1])],
        capture_output=True, text=True,
    )  # fmt: skip
    importlib.invalidate_caches()
    if done.returncode != 0:
        return f"QuickFIX is not installed: pip failed: {done.stderr.strip()[-300:]}"
    return None


def quickfix_status() -> tuple[bool, str | None]:
    """Whether QuickFIX is importable, and why its TLS rows cannot run (None if they can)."""
    why = install_quickfix()
    if why is not None or importlib.util.find_spec("quickfix") is None:
        return False, why or "QuickFIX is not installed"
    import quickfix as fix

    if not hasattr(fix, "SSLSocketInitiator"):
        return True, "this QuickFIX has no SSLSocketInitiator"

    class Probe(fix.Application):  # type: ignore[misc]
        def onCreate(self, session_id: Any) -> None: ...
        def onLogon(self, session_id: Any) -> None: ...
        def onLogout(self, session_id: Any) -> None: ...
        def toAdmin(self, message: Any, session_id: Any) -> None: ...
        def fromAdmin(self, message: Any, session_id: Any) -> None: ...
        def toApp(self, message: Any, session_id: Any) -> None: ...
        def fromApp(self, message: Any, session_id: Any) -> None: ...

    with tempfile.TemporaryDirectory() as folder:  # constructing one checks for SSL
        path = Path(folder) / "probe.cfg"
        path.write_text(QUICKFIX_SETTINGS.format(
            kind="acceptor", options=f"{QUICKFIX_NO_DICTIONARY}\nSocketAcceptPort=1",
            sender="A", target="B",
        ))  # fmt: skip
        try:
            fix.SSLSocketAcceptor(Probe(), fix.MemoryStoreFactory(), fix.SessionSettings(str(path)))
        except fix.ConfigError as error:
            if "HAVE_SSL" in str(error):
                return True, f"this QuickFIX build has no TLS ({error})"
    return True, None


def quickfix_server(folder: Path, tls: bool) -> None:
    """A QuickFIX acceptor answering every NewOrderSingle with an ExecutionReport."""
    import quickfix as fix

    class Answer(fix.Application):  # type: ignore[misc]
        def onCreate(self, session_id: Any) -> None: ...
        def onLogon(self, session_id: Any) -> None: ...
        def onLogout(self, session_id: Any) -> None: ...
        def toAdmin(self, message: Any, session_id: Any) -> None: ...
        def fromAdmin(self, message: Any, session_id: Any) -> None: ...
        def toApp(self, message: Any, session_id: Any) -> None: ...

        def fromApp(self, message: Any, session_id: Any) -> None:
            report = fix.Message()
            report.getHeader().setField(fix.MsgType("8"))
            cl_ord_id = fix.ClOrdID()
            message.getField(cl_ord_id)
            for item in (fix.OrderID("5000000000"), fix.ExecID("1"), fix.ExecType("0"),
                         fix.OrdStatus("0"), fix.Side("1"), fix.Symbol("BTCUSDT"),
                         fix.LeavesQty(0.001), fix.CumQty(0), cl_ord_id):  # fmt: skip
                report.setField(item)
            fix.Session.sendToTarget(report, session_id)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    options = f"{QUICKFIX_NO_DICTIONARY}\nSocketAcceptPort={port}"
    if tls:
        options += (
            f"\nServerCertificateFile={folder / 'cert.pem'}"
            f"\nServerCertificateKeyFile={folder / 'key.pem'}\nCertificateVerifyLevel=0"
        )
    path = folder / f"acceptor-{os.getpid()}.cfg"
    path.write_text(QUICKFIX_SETTINGS.format(
        kind="acceptor", options=options, sender="SPOT", target="BENCH"
    ))  # fmt: skip
    kind = fix.SSLSocketAcceptor if tls else fix.SocketAcceptor
    acceptor = kind(Answer(), fix.MemoryStoreFactory(), fix.SessionSettings(str(path)))
    acceptor.start()
    print(f"listening on 127.0.0.1:{port}", flush=True)
    threading.Event().wait()


def quickfix_orders(material: Material, tls: bool, config: Config) -> Figures:
    import quickfix as fix

    answered = threading.Event()
    logged_on = threading.Event()
    count = [0]

    class Initiator(fix.Application):  # type: ignore[misc]
        session_id: Any = None

        def onCreate(self, session_id: Any) -> None:
            self.session_id = session_id

        def onLogon(self, session_id: Any) -> None:
            logged_on.set()

        def onLogout(self, session_id: Any) -> None: ...
        def toAdmin(self, message: Any, session_id: Any) -> None: ...
        def fromAdmin(self, message: Any, session_id: Any) -> None: ...
        def toApp(self, message: Any, session_id: Any) -> None: ...

        def fromApp(self, message: Any, session_id: Any) -> None:
            count[0] += 1
            answered.set()

    child = start_child(bench_child("quickfix-server", material, *(["--tls"] if tls else [])))
    options = QUICKFIX_NO_DICTIONARY + connect_options(child.port)
    if tls:
        options += (f"\nCertificationAuthoritiesFile={material.folder / 'cert.pem'}"
                    "\nCertificateVerifyLevel=1")  # fmt: skip
    path = material.folder / "initiator.cfg"
    path.write_text(QUICKFIX_SETTINGS.format(
        kind="initiator", options=options, sender="BENCH", target="SPOT"
    ))  # fmt: skip
    application = Initiator()
    kind = fix.SSLSocketInitiator if tls else fix.SocketInitiator
    initiator = kind(application, fix.MemoryStoreFactory(), fix.SessionSettings(str(path)))
    initiator.start()
    try:
        if not logged_on.wait(10):
            raise BenchError("QuickFIX did not log on")
        numbers = iter(range(10**9))

        def send() -> None:
            order = fix.Message()
            order.getHeader().setField(fix.MsgType("D"))
            for item in (fix.ClOrdID(f"b{next(numbers)}"), fix.OrderQty(0.001), fix.OrdType("2"),
                         fix.Price(60000), fix.Side("1"), fix.Symbol("BTCUSDT"),
                         fix.TimeInForce("1")):  # fmt: skip
                order.setField(item)
            fix.Session.sendToTarget(order, application.session_id)

        def round_trip() -> None:
            answered.clear()
            send()
            if not answered.wait(5):
                raise BenchError("QuickFIX did not answer")

        for _ in range(config.warmup):
            round_trip()
        samples = []
        for _ in range(config.round_trips):
            began = time.perf_counter_ns()
            round_trip()
            samples.append(time.perf_counter_ns() - began)
        count[0] = 0
        began = time.perf_counter()
        for _ in range(config.sustained):
            send()
        deadline = time.monotonic() + 60
        while count[0] < config.sustained and time.monotonic() < deadline:
            time.sleep(0.001)
        rate = count[0] / (time.perf_counter() - began)
        if count[0] < config.sustained:
            raise BenchError(f"QuickFIX got {count[0]} of {config.sustained} reports")
    finally:
        initiator.stop()
        child.stop()
    return {**percentiles(samples), "orders_per_s": rate}


# -- market data: the raw acceptor ---------------------------------------------------------------

MD_REQ_ID: Final = "TRADE_STREAM"
MD_REQUEST: Final = Message("V", [
    (262, MD_REQ_ID), (263, "1"), (264, "1"), (266, "Y"), (146, "1"), (55, "BTCUSDT"),
    (267, "1"), (269, "2"),
])  # fmt: skip
"""Binance's TRADE stream subscription sample."""
MD_REQUEST_BODY: Final = (
    b"262=TRADE_STREAM\x01263=1\x01264=1\x01266=Y\x01146=1\x0155=BTCUSDT\x01267=1\x01269=2\x01"
)
MD_ENTRIES: Final = 10
_ENTRY: Final = b"279=0\x01269=2\x01270=%s\x01271=%s\x01%s1003=%d\x0160=%s\x01"
_PRICES: Final = tuple(b"%d.%02d000" % divmod(6_400_000 + 37 * n % 5_000, 100) for n in range(97))
_SIZES: Final = tuple(b"0.%05d" % (100 + 61 * n % 9_000) for n in range(89))


_BLOCKS: list[tuple[bytes, int]] = []
"""The entries of a refresh, ready-made: (the bytes, their sum), built once per process."""
BLOCK_POOL: Final = 1_000


def entry_blocks() -> list[tuple[bytes, int]]:
    """A pool of ``BLOCK_POOL`` groups of 10 TRADE entries, as Binance's sample: the first
    entry names the Symbol, each has a TradeID (increasing through the pool) and a
    TransactTime (when the pool was made)."""
    if not _BLOCKS:
        stamp = sending_time(6)
        for block in range(BLOCK_POOL):
            parts = []
            for entry in range(MD_ENTRIES):
                trade = block * MD_ENTRIES + entry
                parts.append(_ENTRY % (
                    _PRICES[trade % 97], _SIZES[trade % 89],
                    b"55=BTCUSDT\x01" if entry == 0 else b"", trade, stamp,
                ))  # fmt: skip
            data = b"".join(parts)
            _BLOCKS.append((data, byte_sum(data)))
    return _BLOCKS


class TradeFeed:
    """MarketDataIncrementalRefresh frames for one subscription: the header made for each
    message (MsgSeqNum, SendingTime, CompIDs, MDReqID), the entries taken in turn from
    ``entry_blocks()`` (so TradeIDs repeat every 10,000 trades), the CheckSum from their
    sums. About as cheap as a feed written in Python can be, so that the builder does not
    set the pace when it must build while it sends."""

    def __init__(self, target: bytes, md_req_id: bytes) -> None:
        self.target = target
        self.md_req_id = md_req_id
        self.blocks = entry_blocks()
        self.next_block = 0

    def build(self, first_seq: int, count: int) -> bytes:
        """``count`` frames from MsgSeqNum ``first_seq``, SendingTime now."""
        stamp = sending_time(6)
        head = b"35=X\x0134=%%d\x0149=SPOT\x0152=%s\x0156=%s\x01262=%s\x01268=%d\x01" % (
            stamp, self.target, self.md_req_id, MD_ENTRIES
        )  # fmt: skip
        frames = []
        blocks, at = self.blocks, self.next_block
        for seq in range(first_seq, first_seq + count):
            fields = head % seq
            block, block_sum = blocks[at]
            at = (at + 1) % BLOCK_POOL
            begin = b"8=FIX.4.4\x019=%d\x01" % (len(fields) + len(block))
            checksum = (byte_sum(begin) + byte_sum(fields) + block_sum) % 256
            frames.append(b"%s%s%s10=%03d\x01" % (begin, fields, block, checksum))
        self.next_block = at
        return b"".join(frames)


async def md_connection(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, messages: int, chunked: bool
) -> None:
    """One consumer: Logon answered; on its MarketDataRequest, ``messages`` refreshes.

    The stream is built whole before its first byte is written (so that the consumer, not
    the builder, sets the pace), or with ``chunked`` (for many sessions at once, or a million
    messages) a thousand messages at a time, each chunk written as the socket drains."""
    seq = 1
    target = b"?"
    frames = Frames()
    streaming: asyncio.Task[None] | None = None
    rejects = 0

    def send(msg_type: bytes, body: bytes) -> None:
        nonlocal seq
        writer.write(venue_frame(msg_type, seq, target, sending_time(6), body))
        seq += 1

    async def stream(md_req_id: bytes) -> None:
        nonlocal seq
        feed = TradeFeed(target, md_req_id)
        step = 1_000 if chunked else 2_000
        if not chunked:  # build it all, then write it all: the socket sets the pace
            chunks = []
            for start in range(0, messages, step):
                count = min(step, messages - start)
                chunks.append(feed.build(seq, count))
                seq += count
            for chunk in chunks:
                writer.write(chunk)
            await writer.drain()
            return
        writer.transport.set_write_buffer_limits(high=4 << 20)
        for start in range(0, messages, step):
            count = min(step, messages - start)
            writer.write(feed.build(seq, count))
            seq += count
            await writer.drain()
            await asyncio.sleep(0)  # let the other streams have their turn

    try:
        while data := await reader.read(65536):
            for frame in frames.feed(data):
                kind = field(frame, b"35")
                if kind == b"A":
                    target = field(frame, b"49") or target
                    heart_bt_int = field(frame, b"108") or b"30"
                    send(b"A", b"98=0\x01108=%s\x0125037=bench-md\x01" % heart_bt_int)
                elif kind == b"V" and streaming is None:
                    streaming = asyncio.create_task(stream(field(frame, b"262") or b"?"))
                elif kind == b"1":
                    send(b"0", b"112=%s\x01" % field(frame, b"112"))
                elif kind == b"3":
                    rejects += 1
                    if rejects <= 3:
                        text = frame.replace(SOH, b"|").decode(errors="replace")
                        print(f"md acceptor: {target.decode()} rejected: {text}", file=sys.stderr)
                elif kind == b"5":
                    if streaming is not None:
                        streaming.cancel()
                    send(b"5", b"")
                    return
    except (ConnectionError, OSError):
        pass
    finally:
        if streaming is not None:
            streaming.cancel()
        writer.close()


async def md_acceptor(messages: int, chunked: bool) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await md_connection(reader, writer, messages, chunked)

    server = await asyncio.start_server(handle, "127.0.0.1", 0, limit=1 << 20, backlog=1024)
    print(f"listening on 127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
    await server.serve_forever()


def md_acceptor_child(material: Material, messages: int, chunked: bool = False) -> Child:
    options = ["--md-messages", str(messages), *(["--chunked"] if chunked else [])]
    return start_child(bench_child("md-acceptor", material, *options))


# -- market data: the consumers ------------------------------------------------------------------


class MarketDataTaker:
    """Reads a fixsession client's events a batch at a time (``Client.batches``), counting the
    refreshes delivered; any fault, reject or end of the session first is an error."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.batches = client.batches()
        self.rest: list[Any] = []  # events of the last batch after the last goal
        self.seen = 0
        self.first = 0.0
        self.last = 0.0

    async def take(self, count: int, timeout: float) -> None:
        """Until ``count`` more refreshes were delivered."""
        goal = self.seen + count
        try:
            async with asyncio.timeout(timeout):
                while True:
                    batch, self.rest = self.rest or await anext(self.batches), []
                    for index, event in enumerate(batch):
                        if type(event) is MessageReceived:
                            if event.message.msg_type != "X" or event.error is not None:
                                raise BenchError(f"fixsession received {describe(event)}")
                            self.seen += 1
                            if self.seen == 1:
                                self.first = time.perf_counter()
                            if self.seen == goal:
                                self.last = time.perf_counter()
                                self.rest = batch[index + 1 :]
                                return
                        elif isinstance(event, FaultDetected | Closed | Dropped):
                            raise BenchError(f"after {self.seen} refreshes: {describe(event)}")
        except TimeoutError:
            raise BenchError(
                f"fixsession received {self.seen} of {goal} refreshes in {timeout:.0f} s"
            ) from None
        except StopAsyncIteration:
            raise BenchError(f"the session ended after {self.seen} of {goal} refreshes") from None


def md_timeout(messages: int) -> float:
    return 60 + messages / 2_000


async def md_client(port: int, material: Material, comp_id: str) -> Client:
    return await fixsession.connect(
        "127.0.0.1", port, api_key=MD_API_KEY, private_key=material.key, sender_comp_id=comp_id,
        session_type="market-data", tls=False,
    )  # fmt: skip


async def fixsession_md(material: Material, config: Config) -> Figures:
    child = md_acceptor_child(material, config.md_messages)
    try:
        client = await md_client(child.port, material, "BENCHMD")
        try:
            taker = MarketDataTaker(client)
            await client.send(MD_REQUEST)
            await taker.take(config.md_messages, md_timeout(config.md_messages))
        finally:
            await client.logout()
    finally:
        child.stop()
    return {"md_msgs_per_s": (config.md_messages - 1) / (taker.last - taker.first)}


def quickfix_md(material: Material, config: Config) -> Figures:
    import quickfix as fix

    expected = config.md_messages
    logged_on = threading.Event()
    done = threading.Event()
    state: dict[str, Any] = {"count": 0, "first": 0.0, "last": 0.0, "rejects": []}

    class Consumer(fix.Application):  # type: ignore[misc]
        session_id: Any = None

        def onCreate(self, session_id: Any) -> None:
            self.session_id = session_id

        def onLogon(self, session_id: Any) -> None:
            logged_on.set()

        def onLogout(self, session_id: Any) -> None: ...
        def fromAdmin(self, message: Any, session_id: Any) -> None: ...
        def toApp(self, message: Any, session_id: Any) -> None: ...

        def toAdmin(self, message: Any, session_id: Any) -> None:
            kind = fix.MsgType()
            message.getHeader().getField(kind)
            if kind.getValue() in ("2", "3", "5") and len(state["rejects"]) < 3:
                state["rejects"].append(message.toString().replace("\x01", "|"))

        def fromApp(self, message: Any, session_id: Any) -> None:
            count = state["count"] = state["count"] + 1
            if count == 1:
                state["first"] = time.perf_counter()
            if count == expected:
                state["last"] = time.perf_counter()
                done.set()

    child = md_acceptor_child(material, expected)
    path = material.folder / "md-initiator.cfg"
    path.write_text(QUICKFIX_SETTINGS.format(
        kind="initiator", sender="BENCHMD", target="SPOT",
        options=f"UseDataDictionary=Y\nDataDictionary={MD_DICTIONARY}\nCheckLatency=N"
        + connect_options(child.port),
    ))  # fmt: skip
    application = Consumer()
    initiator = fix.SocketInitiator(
        application, fix.MemoryStoreFactory(), fix.SessionSettings(str(path))
    )
    initiator.start()
    try:
        if not logged_on.wait(10):
            raise BenchError("QuickFIX did not log on")
        request = fix.Message()
        request.getHeader().setField(fix.MsgType("V"))
        for item in (fix.MDReqID(MD_REQ_ID), fix.SubscriptionRequestType("1"),
                     fix.MarketDepth(1), fix.AggregatedBook(True)):  # fmt: skip
            request.setField(item)
        symbols = fix.Group(146, 55)
        symbols.setField(fix.Symbol("BTCUSDT"))
        request.addGroup(symbols)
        kinds = fix.Group(267, 269)
        kinds.setField(fix.MDEntryType("2"))
        request.addGroup(kinds)
        fix.Session.sendToTarget(request, application.session_id)
        deadline = time.monotonic() + md_timeout(expected)
        seen, progress = -1, time.monotonic()
        while not done.wait(0.5):  # give up after 10 s without a message delivered
            now = time.monotonic()
            if state["count"] != seen:
                seen, progress = state["count"], now
            elif now - progress > 10 or now > deadline:
                why = f"; it sent: {state['rejects']}" if state["rejects"] else ""
                raise BenchError(f"QuickFIX delivered {seen} of {expected} refreshes{why}")
        if state["rejects"]:
            raise BenchError(f"QuickFIX rejected messages: {state['rejects']}")
    finally:
        initiator.stop()
        child.stop()
    return {"md_msgs_per_s": (expected - 1) / (state["last"] - state["first"])}


class FrameEndCounter(asyncio.Protocol):
    """The market-data floor: counts ``<SOH>10=`` in what arrives, nothing else."""

    def __init__(self, expected: int) -> None:
        self.expected = expected  # frames, the Logon included
        self.count = 0
        self.tail = b""
        self.first = 0.0
        self.last = 0.0
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport = cast(asyncio.Transport, transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.count += data.count(FRAME_END) + (self.tail + data[:3]).count(FRAME_END)
        self.tail = data[-3:]
        if not self.first and self.count > 1:
            self.first = time.perf_counter()
        if self.count >= self.expected and not self.done.done():
            self.last = time.perf_counter()
            self.done.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_exception(BenchError(f"closed after {self.count - 1} refreshes"))


async def floor_md(material: Material, config: Config) -> Figures:
    child = md_acceptor_child(material, config.md_messages)
    try:
        loop = asyncio.get_running_loop()
        logon = logon_frame(material.key, MD_API_KEY, b"BENCHMD")
        request = client_frame(b"V", 2, b"BENCHMD", sending_time(), MD_REQUEST_BODY)
        expected = config.md_messages + 1
        _, peer = await loop.create_connection(
            lambda: FrameEndCounter(expected), "127.0.0.1", child.port
        )
        peer.transport.write(logon + request)
        try:
            await asyncio.wait_for(peer.done, md_timeout(config.md_messages))
        except TimeoutError:
            raise BenchError(f"the floor counted {peer.count - 1} of {expected - 1}") from None
        peer.transport.write(client_frame(b"5", 3, b"BENCHMD", sending_time(), b""))
        peer.transport.close()
    finally:
        child.stop()
    return {"md_msgs_per_s": (config.md_messages - 1) / (peer.last - peer.first)}


# -- scale -------------------------------------------------------------------------------------


async def scale_md_sessions(material: Material, config: Config) -> Figures:
    """(a) 100 market-data sessions in one process, aggregate msgs/s from the first message to
    the last; and one session taking as many messages from the same kind of feed (built as it
    is sent, as it must be for 100 streams at once), to compare with."""
    each, sessions = config.scale_md_messages, config.scale_sessions
    total = each * sessions
    child = md_acceptor_child(material, total, chunked=True)
    try:
        client = await md_client(child.port, material, "MDONE")
        try:
            taker = MarketDataTaker(client)
            await client.send(MD_REQUEST)
            await taker.take(total, md_timeout(total))
        finally:
            await client.logout()
    finally:
        child.stop()
    one = (total - 1) / (taker.last - taker.first)
    child = md_acceptor_child(material, each, chunked=True)
    clients: list[Client] = []
    try:
        opened = await asyncio.gather(*(
            md_client(child.port, material, f"MD{n:03d}") for n in range(sessions)
        ), return_exceptions=True)  # fmt: skip
        clients = [client for client in opened if isinstance(client, Client)]
        failed = [error for error in opened if not isinstance(error, Client)]
        if failed:
            raise BenchError(f"{len(failed)} sessions did not log on, first: {failed[0]!r}")
        takers = [MarketDataTaker(client) for client in clients]
        for client in clients:
            await client.send(MD_REQUEST)
        await asyncio.gather(*(taker.take(each, md_timeout(total)) for taker in takers))
        first = min(taker.first for taker in takers)
        last = max(taker.last for taker in takers)
    finally:
        await asyncio.gather(*(client.logout() for client in clients), return_exceptions=True)
        child.stop()
    return {
        f"md_msgs_per_s.fixsession_{sessions}_sessions": (total - 1) / (last - first),
        "md_msgs_per_s.fixsession_1_session_chunked": one,
    }


class IdleSession(asyncio.Protocol):
    """A logged-on order-entry session that does nothing: signs its Logon, answers
    TestRequests, sends a Heartbeat when told to, logs out when told to."""

    def __init__(self, key: Ed25519PrivateKey, api_key: str, comp_id: bytes) -> None:
        self.logon = logon_frame(key, api_key, comp_id)
        self.comp_id = comp_id
        self.seq = 2
        self.frames = Frames()
        self.logged_on: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.ended: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport = cast(asyncio.Transport, transport)
        self.transport = transport
        transport.write(self.logon)

    def send(self, msg_type: bytes, body: bytes = b"") -> None:
        if not self.transport.is_closing():
            self.transport.write(
                client_frame(msg_type, self.seq, self.comp_id, sending_time(), body)
            )
            self.seq += 1

    def data_received(self, data: bytes) -> None:
        for frame in self.frames.feed(data):
            kind = field(frame, b"35")
            if kind == b"A" and not self.logged_on.done():
                self.logged_on.set_result(None)
            elif kind == b"1":
                self.send(b"0", b"112=%s\x01" % field(frame, b"112"))
            elif kind in (b"3", b"5"):
                text = frame.replace(SOH, b"|").decode(errors="replace")
                if not self.logged_on.done():
                    self.logged_on.set_exception(BenchError(text))
                if kind == b"5":
                    self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.logged_on.done():
            self.logged_on.set_exception(BenchError(f"closed before the Logon: {exc}"))
        if not self.ended.done():
            self.ended.set_result(None)


def idle_address(n: int) -> str:
    """The source address of idle session ``n``: one per account, 127.0.1.1 onwards (Binance
    counts connection attempts per IP: 15 per 30 s on order entry)."""
    account = n // SESSIONS_PER_ACCOUNT
    return f"127.0.{1 + account // 250}.{1 + account % 250}"


async def hold_idle_sessions(material: Material, port: int, count: int) -> None:
    """The idle-holder child: log ``count`` sessions on, say so, keep them until SIGTERM."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    gate = asyncio.Semaphore(50)  # under serve's cap on connections not logged on

    async def open_one(n: int) -> IdleSession:
        account, comp_id = idle_account(n // SESSIONS_PER_ACCOUNT), b"IDLE%04d" % n
        async with gate:
            _, session = await loop.create_connection(
                lambda: IdleSession(material.key, account, comp_id), "127.0.0.1", port,
                local_addr=(idle_address(n), 0),
            )  # fmt: skip
            await asyncio.wait_for(session.logged_on, 30)
        return session

    opened = await asyncio.gather(*(open_one(n) for n in range(count)), return_exceptions=True)
    sessions = [item for item in opened if isinstance(item, IdleSession)]
    failures = [item for item in opened if not isinstance(item, IdleSession)]
    print(f"ready {len(sessions)}" + (f" first failure: {failures[0]!r}" if failures else ""),
          flush=True)  # fmt: skip
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 30)
        if not stop.is_set():
            for session in sessions:
                session.send(b"0")
    for session in sessions:
        session.send(b"5")
    await asyncio.wait([session.ended for session in sessions], timeout=3)


async def scale_idle(material: Material, config: Config) -> Figures:
    """(b) one active client's round trips while serve holds idle sessions, against those
    before the idle sessions came and after they left (pooled, so drift cancels out)."""
    count = config.idle_sessions
    serve = serve_child(material, False, "--max-unauthenticated", str(count + 100))
    holder: Child | None = None
    try:
        async with fixsession.connect(
            "127.0.0.1", serve.port, api_key=ACTIVE_API_KEY, private_key=material.key,
            sender_comp_id="ACTIVE", tls=False, rules=order_entry_rules(),
        ) as client:  # fmt: skip
            await round_trips(client, config.warmup, "w")
            before = await round_trips(client, config.round_trips, "b")
            rss_before = vm_rss_kb(serve.process.pid)
            command = bench_child("idle-holder", material, "--port", str(serve.port),
                                  "--count", str(count))  # fmt: skip
            holder = spawn(command)
            line = await asyncio.to_thread(holder.readline)
            if line.split()[:2] != ["ready", str(count)]:
                raise BenchError(f"{count} idle sessions wanted, the holder says: {line.strip()}")
            rss_idle = vm_rss_kb(serve.process.pid)
            await round_trips(client, config.warmup, "x")
            during = await round_trips(client, config.round_trips, "d")
            await asyncio.to_thread(holder.stop)  # the idle sessions log out
            await round_trips(client, config.warmup, "y")
            after = await round_trips(client, config.round_trips, "a")
    finally:
        if holder is not None:
            await asyncio.to_thread(holder.stop)
        serve.stop()
    without, with_idle = percentiles(before + after), percentiles(during)
    return {
        **named("fixsession_no_idle", without),
        **named(f"fixsession_{count}_idle", with_idle),
        "scale.idle_rtt_p50_ratio": with_idle["rtt_p50_us"] / without["rtt_p50_us"],
        "scale.serve_rss_kb_per_idle_session": (rss_idle - rss_before) / count,
    }


async def consume_for_rss(material: Material, port: int, warmup: int, messages: int) -> None:
    """The md-consumer child: warm up, report VmRSS, consume ``messages`` more, report again."""
    client = await md_client(port, material, "RSSMD")
    try:
        taker = MarketDataTaker(client)
        await client.send(MD_REQUEST)
        await taker.take(warmup, md_timeout(warmup))
        print(f"warm {vm_rss_kb(os.getpid())}", flush=True)
        began = time.perf_counter()
        await taker.take(messages, md_timeout(messages))
        rate = messages / (time.perf_counter() - began)
        print(f"done {vm_rss_kb(os.getpid())} {rate:.1f}", flush=True)
    finally:
        await client.logout()


def scale_rss(material: Material, config: Config) -> Figures:
    """(c) VmRSS of a consumer process after warm-up and after 1,000,000 more messages."""
    acceptor = md_acceptor_child(material, config.rss_warmup + config.rss_messages, chunked=True)
    consumer = None
    try:
        options = ["--port", str(acceptor.port), "--count", str(config.rss_warmup),
                   "--md-messages", str(config.rss_messages)]  # fmt: skip
        consumer = spawn(bench_child("md-consumer", material, *options))
        process = consumer.process
        warm = consumer.readline().split()
        done = consumer.readline().split()
        if warm[:1] != ["warm"] or done[:1] != ["done"]:
            raise BenchError(f"the consumer said {warm} then {done}")
        if process.wait(30) != 0:
            raise BenchError(f"the consumer exited with {process.returncode}")
    finally:
        if consumer is not None:
            consumer.stop()
        acceptor.stop()
    warm_kb, done_kb, rate = int(warm[1]), int(done[1]), float(done[2])
    return {
        "scale.rss_kb_after_warmup": warm_kb,
        "scale.rss_kb_after_1m": done_kb,
        "scale.rss_growth_mb": (done_kb - warm_kb) / 1024,
        "md_msgs_per_s.fixsession_1m": rate,
    }


# -- the run -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    name: str
    section: str
    run: Callable[[], Figures | Awaitable[Figures]]
    quickfix: bool = False
    tls: bool = False
    once: bool = False  # not a timing: the first repeat is enough
    uvloop: bool = False  # run on uvloop's event loop (skipped where it is not installed)
    busy_poll: bool = False  # run on fixsession.busypoll's loop


def subjects_for(material: Material, config: Config) -> list[Subject]:
    def orders(
        key: str, run: Callable[[Material, bool, Config], Any], tls: bool, **kw: Any
    ) -> Subject:
        name = f"{key}_tls" if tls else key
        return Subject(name, "orders", lambda: _named_async(name, run(material, tls, config)),
                       tls=tls, **kw)  # fmt: skip

    listed = []
    for tls in (False, True):
        listed += [
            orders("fixsession", fixsession_subject, tls),
            orders("floor", floor_orders, tls),
            orders("half_client", half_client_subject, tls),
            orders("half_server", half_server_subject, tls),
            orders("quickfix", quickfix_orders, tls, quickfix=True),
            orders("fixsession_uvloop", uvloop_subject, tls, uvloop=True),
            orders("fixsession_busy_poll", busy_poll_subject, tls, busy_poll=True),
        ]
    listed += [
        Subject("md fixsession", "md",
                lambda: _named_async("fixsession", fixsession_md(material, config))),
        Subject("md floor", "md", lambda: _named_async("floor", floor_md(material, config))),
        Subject("md fixsession_uvloop", "md",
                lambda: _named_async("fixsession_uvloop", fixsession_md(material, config)),
                uvloop=True),
        Subject("md quickfix", "md",
                lambda: named("quickfix", quickfix_md(material, config)), quickfix=True),
        Subject("scale: 100 md sessions", "scale", lambda: scale_md_sessions(material, config)),
        Subject("scale: idle sessions", "scale", lambda: scale_idle(material, config)),
        Subject("scale: md consumer RSS", "scale", lambda: scale_rss(material, config),
                once=True),
    ]  # fmt: skip
    return listed


async def _named_async(key: str, figures: Any) -> Figures:
    """Await ``figures`` (a coroutine) if need be, and name them after ``key``."""
    if asyncio.iscoroutine(figures):
        figures = await figures
    return named(key, figures)


def run_subject(subject: Subject) -> Figures:
    outcome = subject.run()
    if not asyncio.iscoroutine(outcome):
        result = outcome
    elif subject.uvloop:
        import uvloop

        result = uvloop.run(outcome)
    elif subject.busy_poll:
        result = busypoll.run(outcome, spin=BUSY_POLL_US / 1e6)
    else:
        result = asyncio.run(outcome)
    assert isinstance(result, dict)
    return result


def progress(subject: Subject, figures: Figures, seconds: float) -> str:
    shown = []
    for name, value in figures.items():
        metric = name.split(".")[0]
        if metric in ("rtt_p50_us", "orders_per_s", "md_msgs_per_s") or name.startswith("scale."):
            shown.append(f"{name} {value:,.1f}")
    return f"  {subject.name}: " + ", ".join(shown) + f" ({seconds:.1f} s)"


@dataclass
class Outcome:
    figures: Figures  # medians
    counts: dict[str, int]  # of how many repeats each is the median
    notes: list[str]
    errors: list[str]

    def short(self, name: str, repeats: int, once: bool = False) -> str:
        """A mark for a figure from fewer repeats than asked (some failed)."""
        count = self.counts.get(name, 0)
        return "" if once or count >= repeats else f" [{count} of {repeats} repeats]"


def measure(subjects: list[Subject], repeats: int, quickfix: tuple[bool, str | None]) -> Outcome:
    """Each repeat runs every subject once, in turn; figures are medians over the repeats."""
    runs: dict[str, list[float]] = {}
    notes: list[str] = []
    errors: list[str] = []
    skipped: set[str] = set()
    available, no_tls = quickfix
    for subject in subjects:
        if subject.quickfix and not available:
            skipped.add(subject.name)
            notes.append(f"{subject.name}: skipped: QuickFIX is not installed")
        elif subject.quickfix and subject.tls and no_tls:
            skipped.add(subject.name)
            notes.append(f"{subject.name}: skipped: {no_tls}")
        elif subject.uvloop and importlib.util.find_spec("uvloop") is None:
            skipped.add(subject.name)
            notes.append(f"{subject.name}: skipped: uvloop is not installed "
                         "(pip install 'fixsession[uvloop]')")  # fmt: skip
    for repeat in range(repeats):
        print(f"repeat {repeat + 1} of {repeats}", file=sys.stderr)
        for subject in subjects:
            if subject.name in skipped or (subject.once and repeat):
                continue
            began = time.perf_counter()
            try:
                figures = run_subject(subject)
            except (BenchError, Skip) as error:
                text = f"{subject.name}: {error}"
                print(f"  ERROR {text}", file=sys.stderr)
                errors.append(text)
                continue
            except Exception as error:
                text = f"{subject.name}: {type(error).__name__}: {error}"
                print(f"  ERROR {text}", file=sys.stderr)
                traceback.print_exc(file=sys.stderr)
                errors.append(text)
                continue
            print(progress(subject, figures, time.perf_counter() - began), file=sys.stderr)
            for name, value in figures.items():
                runs.setdefault(name, []).append(value)
    medians = {name: statistics.median(values) for name, values in runs.items()}
    return Outcome(medians, {name: len(values) for name, values in runs.items()}, notes, errors)


# -- the report ----------------------------------------------------------------------------------

ORDER_ROWS: Final = (
    ("fixsession", "fixsession client <-> fixsession serve"),
    ("half_client", "fixsession client <-> canned acceptor"),
    ("half_server", "canned client <-> fixsession serve"),
    ("quickfix", "QuickFIX initiator <-> QuickFIX acceptor"),
    ("floor", "floor: canned bytes <-> canned bytes"),
    ("fixsession_uvloop", "fixsession client <-> fixsession serve, both on uvloop"),
    (
        "fixsession_busy_poll",
        f"fixsession client <-> fixsession serve, both busy-polling {BUSY_POLL_US} µs",
    ),
)
MD_ROWS: Final = (
    ("fixsession", "fixsession market-data client (full validation)"),
    ("quickfix", "QuickFIX SocketInitiator (UseDataDictionary=Y)"),
    ("floor", "floor: a Protocol counting frame ends"),
    ("fixsession_uvloop", "fixsession market-data client on uvloop"),
)


@dataclass(frozen=True)
class Ratio:
    label: str
    key: str
    top: str
    bottom: str
    target: tuple[str, float] | None = None  # ("<=", 0.6)

    @property
    def section(self) -> str:
        return {"rtt_p50": "orders", "orders_per_s": "orders", "md_msgs_per_s": "md"}.get(
            self.key.split(".")[0], "scale"
        )

    def value(self, figures: Figures) -> float | None:
        """top / bottom, or top itself when there is no bottom; None if a figure is missing."""
        top = figures.get(self.top)
        if not self.bottom:
            return top
        bottom = figures.get(self.bottom)
        if top is None or not bottom:
            return None
        return top / bottom


def ratios_for(config: Config) -> list[Ratio]:
    sessions = f"fixsession_{config.scale_sessions}_sessions"
    return [
        Ratio("rtt p50 fixsession/quickfix", "rtt_p50.fixsession/quickfix",
              "rtt_p50_us.fixsession", "rtt_p50_us.quickfix", ("<=", 0.6)),
        Ratio("orders/s fixsession/quickfix", "orders_per_s.fixsession/quickfix",
              "orders_per_s.fixsession", "orders_per_s.quickfix", (">=", 3.0)),
        Ratio("md msgs/s fixsession/quickfix", "md_msgs_per_s.fixsession/quickfix",
              "md_msgs_per_s.fixsession", "md_msgs_per_s.quickfix", (">=", 2.0)),
        Ratio("md msgs/s fixsession/floor", "md_msgs_per_s.fixsession/floor",
              "md_msgs_per_s.fixsession", "md_msgs_per_s.floor", (">=", 0.25)),
        Ratio(f"rtt p50 with {config.idle_sessions:,} idle sessions / without",
              "scale.idle_rtt_p50", "scale.idle_rtt_p50_ratio", "", ("<=", 1.2)),
        Ratio(f"consumer RSS growth over {config.rss_messages:,} md messages (MB)",
              "scale.rss_growth_mb", "scale.rss_growth_mb", "", ("<=", 10.0)),
        # Where the time goes (no targets).
        Ratio("rtt p50 fixsession/floor", "rtt_p50.fixsession/floor",
              "rtt_p50_us.fixsession", "rtt_p50_us.floor"),
        Ratio("rtt p50 fixsession/floor (TLS)", "rtt_p50.fixsession_tls/floor_tls",
              "rtt_p50_us.fixsession_tls", "rtt_p50_us.floor_tls"),
        Ratio("rtt p50 half_client/floor (the client's share)", "rtt_p50.half_client/floor",
              "rtt_p50_us.half_client", "rtt_p50_us.floor"),
        Ratio("rtt p50 half_server/floor (serve's share)", "rtt_p50.half_server/floor",
              "rtt_p50_us.half_server", "rtt_p50_us.floor"),
        Ratio("rtt p50 fixsession TLS/plain", "rtt_p50.fixsession_tls/fixsession",
              "rtt_p50_us.fixsession_tls", "rtt_p50_us.fixsession"),
        Ratio("rtt p50 fixsession on uvloop/quickfix", "rtt_p50.fixsession_uvloop/quickfix",
              "rtt_p50_us.fixsession_uvloop", "rtt_p50_us.quickfix"),
        Ratio("rtt p50 fixsession busy-polling/quickfix (opt-in; not the target)",
              "rtt_p50.fixsession_busy_poll/quickfix", "rtt_p50_us.fixsession_busy_poll",
              "rtt_p50_us.quickfix"),
        Ratio("orders/s fixsession on uvloop/quickfix", "orders_per_s.fixsession_uvloop/quickfix",
              "orders_per_s.fixsession_uvloop", "orders_per_s.quickfix"),
        Ratio("md msgs/s fixsession on uvloop/floor", "md_msgs_per_s.fixsession_uvloop/floor",
              "md_msgs_per_s.fixsession_uvloop", "md_msgs_per_s.floor"),
        Ratio("orders/s fixsession/floor", "orders_per_s.fixsession/floor",
              "orders_per_s.fixsession", "orders_per_s.floor"),
        Ratio(f"md msgs/s {config.scale_sessions} sessions (aggregate)/one session, same feed",
              f"md_msgs_per_s.{sessions}/fixsession_1_session_chunked",
              f"md_msgs_per_s.{sessions}", "md_msgs_per_s.fixsession_1_session_chunked"),
    ]  # fmt: skip


def verdict(ratio: Ratio, value: float) -> str:
    assert ratio.target is not None
    sense, bound = ratio.target
    passed = value <= bound if sense == "<=" else value >= bound
    return "PASS" if passed else "FAIL"


def header(config: Config, quickfix: tuple[bool, str | None], pure: bool) -> list[str]:
    implementation = "C speedups (fixsession._speedups)" if speedups.enabled() else "pure Python"
    lines = [
        f"fixsession end to end on loopback: fixsession {implementation}; "
        f"{platform.python_implementation()} {platform.python_version()}; "
        f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}",
        f"N={config.round_trips:,} round trips after {config.warmup:,} warm-up, "
        f"M={config.sustained:,} sustained orders, K={config.md_messages:,} md messages "
        f"of {MD_ENTRIES} entries; median of R={config.repeats}",
    ]
    available, no_tls = quickfix
    if not available:
        lines.append("QuickFIX: not installed (its rows are skipped)")
    elif no_tls:
        lines.append(f"QuickFIX 1.16: {no_tls} (its TLS rows are skipped)")
    if pure:
        lines.append(f"--pure-python: {PURE_PYTHON_ENV}=1 in every child's environment "
                     f"({children_honour_pure_python()})")  # fmt: skip
    return lines


def children_honour_pure_python() -> str:
    """Whether a child with FIXSESSION_PURE_PYTHON=1 runs fixsession's pure Python."""
    probe = "import fixsession.speedups as s; print(s.enabled())"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), PURE_PYTHON_ENV: "1"}, check=False,
    ).stdout.strip()  # fmt: skip
    if out == "False":
        return "fixsession honours it: fixsession serve runs pure Python"
    return "fixsession does not read it yet: fixsession serve runs its C speedups"


def report(
    config: Config, outcome: Outcome, lines: list[str], sections: set[str]
) -> dict[str, Any]:
    figures = outcome.figures
    print()
    for line in lines:
        print(line)
    if any(f"rtt_p50_us.{key}{kind}" in figures for key, _ in ORDER_ROWS for kind in ("", "_tls")):
        print()
        print("Order -> ExecutionReport, one in flight (µs); sustained orders/s, many in flight")
        print()
        print("| subject | p50 | p99 | p99.9 | max | orders/s |")
        print("|---|---:|---:|---:|---:|---:|")
        for kind in ("", "_tls"):
            for key, label in ORDER_ROWS:
                name = key + kind
                if f"rtt_p50_us.{name}" not in figures:
                    continue
                cells = [figures[f"{metric}.{name}"] for metric in
                         ("rtt_p50_us", "rtt_p99_us", "rtt_p999_us", "rtt_max_us")]  # fmt: skip
                cells_text = " | ".join(f"{cell:,.0f}" for cell in cells)
                rate = figures.get(f"orders_per_s.{name}", 0.0)
                mark = outcome.short(f"rtt_p50_us.{name}", config.repeats)
                kind_text = "TLS" if kind else "plain"
                print(f"| {label} ({kind_text}){mark} | {cells_text} | {rate:,.0f} |")
    floor = figures.get("md_msgs_per_s.floor")
    if any(name.startswith("md_msgs_per_s.") for name in figures):
        print()
        print(f"Market-data intake: MarketDataIncrementalRefresh of {MD_ENTRIES} entries "
              "delivered to the application, first to last")  # fmt: skip
        print()
        print("| subject | msgs/s | / floor |")
        print("|---|---:|---:|")
        rows = [
            *MD_ROWS,
            ("fixsession_1_session_chunked",
             "fixsession, one session, feed built as it is sent (as for the next row)"),
            (f"fixsession_{config.scale_sessions}_sessions",
             f"fixsession, {config.scale_sessions} sessions in one process (aggregate)"),
            ("fixsession_1m", f"fixsession, the RSS consumer ({config.rss_messages:,} msgs)"),
        ]  # fmt: skip
        for key, label in rows:
            rate = figures.get(f"md_msgs_per_s.{key}")
            if rate is not None:
                share = f"{rate / floor:.2f}" if floor else "n/a"
                mark = outcome.short(f"md_msgs_per_s.{key}", config.repeats, key.endswith("1m"))
                print(f"| {label}{mark} | {rate:,.0f} | {share} |")
    idle = f"fixsession_{config.idle_sessions}_idle"
    if f"rtt_p50_us.{idle}" in figures or "scale.rss_growth_mb" in figures:
        print()
        print("Scale")
        print()
        print("| measure | value |")
        print("|---|---:|")
        for name, label, unit in (
            ("rtt_p50_us.fixsession_no_idle", "active client p50, no idle sessions", "µs"),
            ("rtt_p99_us.fixsession_no_idle", "active client p99, no idle sessions", "µs"),
            (f"rtt_p50_us.{idle}", f"active client p50, {config.idle_sessions:,} idle sessions",
             "µs"),
            (f"rtt_p99_us.{idle}", f"active client p99, {config.idle_sessions:,} idle sessions",
             "µs"),
            ("scale.serve_rss_kb_per_idle_session", "serve's RSS per idle session", "KB"),
            ("scale.rss_kb_after_warmup",
             f"consumer RSS after {config.rss_warmup:,} md messages", "KB"),
            ("scale.rss_kb_after_1m",
             f"consumer RSS after {config.rss_messages:,} more", "KB"),
        ):  # fmt: skip
            if name in figures:
                print(f"| {label} | {figures[name]:,.1f} {unit} |")
    print()
    print("Ratios")
    print()
    written: dict[str, Any] = {}
    for ratio in ratios_for(config):
        value = ratio.value(figures)
        if value is None:
            if ratio.target is not None and ratio.section in sections:
                print(f"{ratio.label}: n/a (a figure is missing: see the notes and errors)")
            continue
        written[f"ratio.{ratio.key}"] = value
        if ratio.target is None:
            print(f"{ratio.label}: {value:.2f}")
            continue
        outcome_text = verdict(ratio, value)
        written[f"pass.{ratio.key}"] = outcome_text == "PASS"
        print(f"{ratio.label}: {value:.2f} (target {ratio.target[0]} {ratio.target[1]:g}) "
              f"{outcome_text}")  # fmt: skip
    for note in outcome.notes:
        print(f"note: {note}")
    for error in outcome.errors:
        print(f"ERROR: {error}")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python bench/e2e.py",
        description=(
            "Measure fixsession end to end on loopback, servers in child processes: Order -> "
            "ExecutionReport round trips (p50/p99/p99.9/max, plain and TLS) and sustained "
            "orders/s for fixsession client <-> fixsession serve, QuickFIX <-> QuickFIX, a "
            "canned-bytes floor, and the two halves (fixsession client <-> canned acceptor, "
            "canned client <-> fixsession serve); market-data intake (msgs/s of "
            "MarketDataIncrementalRefresh delivered) for fixsession, QuickFIX with Binance's "
            "dictionary, and a floor that counts frame ends; with --scale, 100 market-data "
            "sessions in one process, serve holding 1,000 idle sessions, and a consumer's RSS "
            "over 1,000,000 messages. Prints tables and the ratios with their targets (PASS or "
            "FAIL); exits 1 if a subject failed (a message lost, refused or rejected)."
        ),
        epilog="Figures are medians over R interleaved repeats; compare ratios within one run, "
        "never absolute figures across runs. See the module docstring for how each subject works.",
    )
    parser.add_argument("--quick", action="store_true",
                        help="N=2,000 round trips, M=5,000 sustained orders, one repeat "
                        "(under 2 minutes without --scale)")  # fmt: skip
    parser.add_argument("--scale", action="store_true",
                        help="also: 100 market-data sessions in one process, serve with 1,000 "
                        "idle sessions, the consumer's RSS over 1,000,000 messages")  # fmt: skip
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        metavar="SECTION",
        help="run only this section (orders, md, scale); repeat for several",
    )
    parser.add_argument(
        "--json",
        metavar="PATH",
        help="also write every figure as JSON, flat dotted names "
        "(rtt_p50_us.fixsession, md_msgs_per_s.floor, ratio.*, pass.*)",
    )
    parser.add_argument(
        "--pure-python",
        action="store_true",
        help=f"run fixsession's pure Python here, and set {PURE_PYTHON_ENV}=1 "
        "for the children (fixsession serve honours it once it reads it)",
    )
    parser.add_argument(
        "--md-messages",
        type=int,
        default=20_000,
        metavar="K",
        help="MarketDataIncrementalRefresh messages per md subject (default %(default)s)",
    )
    parser.add_argument(
        "--repeats", type=int, metavar="R", help="interleaved repeats (default 3, 1 with --quick)"
    )
    parser.add_argument(
        "--idle-sessions",
        type=int,
        default=1_000,
        metavar="N",
        help="idle sessions serve holds in --scale (default %(default)s)",
    )
    parser.add_argument(
        "--rss-messages",
        type=int,
        default=1_000_000,
        metavar="N",
        help="md messages the RSS consumer takes after warm-up in --scale (default %(default)s)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--tls", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--chunked", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return run_child(args)
    if args.pure_python:
        CHILD_ENV[PURE_PYTHON_ENV] = "1"
    config = Config.make(args)
    sections = set(args.only or [section for section in SECTIONS
                                 if section != "scale" or args.scale])  # fmt: skip
    quickfix = quickfix_status()
    began = time.perf_counter()
    with speedups.pure_python() if args.pure_python else contextlib.nullcontext():
        lines = header(config, quickfix, args.pure_python)
        for line in lines:
            print(line, file=sys.stderr)
        with tempfile.TemporaryDirectory() as folder:
            idle_accounts = -(-config.idle_sessions // SESSIONS_PER_ACCOUNT)
            material = Material.make(Path(folder), idle_accounts)
            subjects = [s for s in subjects_for(material, config) if s.section in sections]
            outcome = measure(subjects, config.repeats, quickfix)
    elapsed = time.perf_counter() - began
    lines.append(f"took {elapsed:.0f} s")
    written = report(config, outcome, lines, sections)
    if args.json:
        document: dict[str, Any] = {
            "meta.speedups": not args.pure_python and speedups.enabled(),
            "meta.implementation": "pure Python"
            if args.pure_python or not speedups.enabled()
            else "C speedups",
            "meta.load_average": os.getloadavg()[0],
            "meta.python": platform.python_version(),
            "meta.cpus": os.cpu_count(),
            "meta.seconds": round(elapsed, 1),
            **{f"config.{k}": v for k, v in dataclasses.asdict(config).items()},
            **outcome.figures,
            **written,
            "notes": outcome.notes,
            "errors": outcome.errors,
            **{
                f"repeats.{name}": count
                for name, count in outcome.counts.items()
                if name.startswith(("rtt_p50_us.", "orders_per_s.", "md_msgs_per_s."))
            },
        }
        Path(args.json).write_text(json.dumps(document, indent=2) + "\n")
    return 1 if outcome.errors else 0


def run_child(args: argparse.Namespace) -> int:
    """This file as one of the run's child processes."""
    material = Material.load(Path(args.folder))
    role = args.child
    pure = os.environ.get(PURE_PYTHON_ENV) == "1"
    with (
        contextlib.suppress(KeyboardInterrupt),
        speedups.pure_python() if pure else contextlib.nullcontext(),
    ):
        if role == "floor-server":
            asyncio.run(run_server(FloorServer, material.server_tls(args.tls)))
        elif role == "canned-acceptor":
            asyncio.run(run_server(CannedAcceptor, material.server_tls(args.tls)))
        elif role == "quickfix-server":
            quickfix_server(material.folder, args.tls)
        elif role == "md-acceptor":
            asyncio.run(md_acceptor(args.md_messages, args.chunked))
        elif role == "idle-holder":
            asyncio.run(hold_idle_sessions(material, args.port, args.count))
        elif role == "md-consumer":
            asyncio.run(consume_for_rss(material, args.port, args.count, args.md_messages))
        else:
            raise SystemExit(f"unknown child role {role!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
