"""Order → ExecutionReport round trips on loopback: fixsession's client and acceptor, against
peers measured in the same run.

Each subject is a server in a child process and a client in this one, on 127.0.0.1:

- ``fixsession`` (plain TCP and TLS): ``fixsession serve`` and ``fixsession.connect``; the
  client signs its Logon, validates every message both ways, tracks requests and matches
  each ExecutionReport to its order (``client.request``), exactly as a gateway would.
- ``floor`` (plain and TLS): the least any Python asyncio program can do: the client writes
  a ready-made NewOrderSingle, the server answers each with a ready-made ExecutionReport.
  No parsing, no session, no validation. fixsession / floor is the price of the FIX layer.
- ``quickfix`` (plain): QuickFIX 1.16 (C++ engine, Python callbacks) as both initiator and
  acceptor, with a threading.Event per round trip (skipped when QuickFIX is absent).

For each: p50, p99, p99.9 and max over N round trips (one order in flight), after a warm-up;
then sustained throughput: M orders sent back to back through one session while another task
reads the reports, as orders/s (each is one message in and one out). Figures are medians
over R repeats; compare ratios within one run, never absolute numbers across runs.

Run from the repository root::

    python bench/latency.py            # N=10,000, M=20,000, R=3 (about a minute)
    python bench/latency.py --quick    # N=2,000, M=5,000, R=1
    python bench/latency.py --json latency.json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import fixsession
from fixsession import transport
from fixsession.binance import RULES, Limit
from fixsession.message import Message
from fixsession.spec import SessionType

API_KEY: Final = "bench-api-key"
UNLIMITED: Final = "100000000/10"
ORDER_FIELDS: Final = [(38, "0.001"), (40, "2"), (44, "60000"), (54, "1"), (55, "BTCUSDT"),
                       (59, "1")]  # fmt: skip


@dataclass(frozen=True)
class Config:
    round_trips: int
    sustained: int
    repeats: int
    warmup: int

    @classmethod
    def make(cls, quick: bool) -> Config:
        return cls(2_000, 5_000, 1, 200) if quick else cls(10_000, 20_000, 3, 1_000)


@dataclass
class Result:
    name: str
    p50_us: float
    p99_us: float
    p999_us: float
    max_us: float
    orders_per_s: float

    def row(self) -> str:
        return (
            f"| {self.name} | {self.p50_us:,.0f} | {self.p99_us:,.0f} | {self.p999_us:,.0f} | "
            f"{self.max_us:,.0f} | {self.orders_per_s:,.0f} |"
        )


def percentiles(samples_ns: list[int]) -> tuple[float, float, float, float]:
    ordered = sorted(samples_ns)

    def at(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] / 1000

    return at(0.50), at(0.99), at(0.999), ordered[-1] / 1000


# -- servers in child processes -------------------------------------------------------------------


@dataclass
class Child:
    process: subprocess.Popen[str]
    port: int

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_child(command: list[str]) -> Child:
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("listening on "):
        process.kill()
        raise RuntimeError(f"the server did not start: {line!r}")
    return Child(process, int(line.rsplit(":", 1)[1]))


@dataclass
class Material:
    """Keys and a certificate for this run, in a temporary folder."""

    folder: Path
    key: Ed25519PrivateKey
    cert: bytes

    @classmethod
    def make(cls, folder: Path) -> Material:
        key = Ed25519PrivateKey.generate()
        cert, cert_key = transport.self_signed_certificate()
        (folder / "cert.pem").write_bytes(cert)
        (folder / "key.pem").write_bytes(cert_key)
        public = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        (folder / "keys.json").write_text(json.dumps({API_KEY: public.decode()}))
        return cls(folder, key, cert)

    def tls_args(self, tls: bool) -> list[str]:
        if not tls:
            return ["--plain"]
        return [
            "--tls-cert",
            str(self.folder / "cert.pem"),
            "--tls-key",
            str(self.folder / "key.pem"),
        ]


# -- fixsession ----------------------------------------------------------------------------------


async def fixsession_subject(material: Material, tls: bool, config: Config) -> Result:
    child = start_child([
        sys.executable, "-m", "fixsession", "serve", "--listen", "127.0.0.1:0",
        "--session-type", "order-entry", "--keys", str(material.folder / "keys.json"),
        "--message-limit", UNLIMITED, "--order-limit", UNLIMITED, *material.tls_args(tls),
    ])  # fmt: skip
    rules = dataclasses.replace(
        RULES[SessionType.ORDER_ENTRY], message_limit=Limit.parse(UNLIMITED)
    )
    try:
        async with fixsession.connect(
            "127.0.0.1", child.port, api_key=API_KEY, private_key=material.key,
            sender_comp_id="BENCH", tls=transport.client_tls(material.cert) if tls else False,
            server_hostname="localhost", rules=rules,
        ) as client:  # fmt: skip
            numbers = iter(range(10**9))

            def order() -> Message:
                return Message("D", [(11, f"b{next(numbers)}"), *ORDER_FIELDS])

            for _ in range(config.warmup):
                await client.request(order())
            samples = []
            for _ in range(config.round_trips):
                message = order()
                began = time.perf_counter_ns()
                report = await client.request(message)
                samples.append(time.perf_counter_ns() - began)
                if report.get(39) != "0":
                    raise RuntimeError(f"not acknowledged: {report!r}")

            async def send_all() -> None:
                for _ in range(config.sustained):
                    await client.send(order())

            async def read_all() -> None:
                seen = 0
                async for event in client:
                    if isinstance(event, fixsession.events.MessageReceived):
                        seen += 1
                        if seen == config.sustained:
                            return

            began = time.perf_counter()
            await asyncio.gather(send_all(), read_all())
            rate = config.sustained / (time.perf_counter() - began)
    finally:
        child.stop()
    return Result(f"fixsession ({'TLS' if tls else 'plain'})", *percentiles(samples), rate)


# -- the floor: canned bytes both ways ----------------------------------------------------------

CANNED_ORDER: Final = Message("D", [(34, "2"), (49, "BENCH"), (52, "20260101-00:00:00.000"),
                                    (56, "SPOT"), (11, "b1"), *ORDER_FIELDS]).encode()  # fmt: skip
CANNED_REPORT: Final = Message("8", [
    (34, "2"), (49, "SPOT"), (52, "20260101-00:00:00.000000"), (56, "BENCH"), (17, "1"),
    (11, "b1"), (37, "5000000000"), (38, "0.001"), (40, "2"), (54, "1"), (55, "BTCUSDT"),
    (44, "60000"), (59, "1"), (60, "20260101-00:00:00.000000"), (150, "0"), (14, "0"),
    (151, "0.001"), (39, "0"),
]).encode()  # fmt: skip


async def floor_server(tls: bool, folder: Path) -> None:
    """Answer every NewOrderSingle-sized chunk with the canned report (for a child process)."""
    context = None
    if tls:
        context = transport.server_tls(
            (folder / "cert.pem").read_bytes(), (folder / "key.pem").read_bytes()
        )

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        size = len(CANNED_ORDER)
        buffered = 0
        while data := await reader.read(65536):
            buffered += len(data)
            count, buffered = divmod(buffered, size)
            if count:
                writer.write(CANNED_REPORT * count)
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
    print(f"listening on 127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
    await server.serve_forever()


async def floor_subject(material: Material, tls: bool, config: Config) -> Result:
    command = [sys.executable, __file__, "--floor-server", str(material.folder)]
    child = start_child([*command, "--tls"] if tls else command)
    try:
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", child.port, ssl=transport.client_tls(material.cert) if tls else None,
            server_hostname="localhost" if tls else None,
        )  # fmt: skip
        size = len(CANNED_REPORT)

        async def round_trip() -> None:
            writer.write(CANNED_ORDER)
            await reader.readexactly(size)

        for _ in range(config.warmup):
            await round_trip()
        samples = []
        for _ in range(config.round_trips):
            began = time.perf_counter_ns()
            await round_trip()
            samples.append(time.perf_counter_ns() - began)

        async def send_all() -> None:
            for _ in range(config.sustained):
                writer.write(CANNED_ORDER)
                await writer.drain()

        began = time.perf_counter()
        await asyncio.gather(send_all(), reader.readexactly(size * config.sustained))
        rate = config.sustained / (time.perf_counter() - began)
        writer.close()
    finally:
        child.stop()
    return Result(f"floor: canned bytes ({'TLS' if tls else 'plain'})", *percentiles(samples), rate)


# -- QuickFIX ------------------------------------------------------------------------------------

QUICKFIX_SETTINGS: Final = """[DEFAULT]
ConnectionType={kind}
StartTime=00:00:00
EndTime=00:00:00
HeartBtInt=30
ReconnectInterval=1
UseDataDictionary=N
ValidateUserDefinedFields=N
{where}
[SESSION]
BeginString=FIX.4.4
SenderCompID={sender}
TargetCompID={target}
"""


def quickfix_server(folder: Path) -> None:
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
            for field in (fix.OrderID("5000000000"), fix.ExecID("1"), fix.ExecType("0"),
                          fix.OrdStatus("0"), fix.Side("1"), fix.Symbol("BTCUSDT"),
                          fix.LeavesQty(0.001), fix.CumQty(0), cl_ord_id):  # fmt: skip
                report.setField(field)
            fix.Session.sendToTarget(report, session_id)

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    path = folder / "acceptor.cfg"
    path.write_text(QUICKFIX_SETTINGS.format(
        kind="acceptor", where=f"SocketAcceptPort={port}", sender="SPOT", target="BENCH"
    ))  # fmt: skip
    settings = fix.SessionSettings(str(path))
    acceptor = fix.SocketAcceptor(Answer(), fix.MemoryStoreFactory(), settings)
    acceptor.start()
    print(f"listening on 127.0.0.1:{port}", flush=True)
    threading.Event().wait()


def quickfix_subject(material: Material, config: Config) -> Result:
    import quickfix as fix

    answered = threading.Event()
    logged_on = threading.Event()
    count = [0]

    class Client(fix.Application):  # type: ignore[misc]
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

    child = start_child([sys.executable, __file__, "--quickfix-server", str(material.folder)])
    path = material.folder / "initiator.cfg"
    path.write_text(QUICKFIX_SETTINGS.format(
        kind="initiator", where=f"SocketConnectHost=127.0.0.1\nSocketConnectPort={child.port}",
        sender="BENCH", target="SPOT",
    ))  # fmt: skip
    application = Client()
    initiator = fix.SocketInitiator(
        application, fix.MemoryStoreFactory(), fix.SessionSettings(str(path))
    )
    initiator.start()
    try:
        if not logged_on.wait(10):
            raise RuntimeError("QuickFIX did not log on")
        numbers = iter(range(10**9))

        def send() -> None:
            order = fix.Message()
            order.getHeader().setField(fix.MsgType("D"))
            for field in (fix.ClOrdID(f"b{next(numbers)}"), fix.OrderQty(0.001), fix.OrdType("2"),
                          fix.Price(60000), fix.Side("1"), fix.Symbol("BTCUSDT"),
                          fix.TimeInForce("1")):  # fmt: skip
                order.setField(field)
            fix.Session.sendToTarget(order, application.session_id)

        def round_trip() -> None:
            answered.clear()
            send()
            if not answered.wait(5):
                raise RuntimeError("QuickFIX did not answer")

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
    finally:
        initiator.stop()
        child.stop()
    return Result("quickfix 1.16 (plain)", *percentiles(samples), rate)


# -- the run -------------------------------------------------------------------------------------


def median_result(results: list[Result]) -> Result:
    return Result(
        results[0].name,
        *(statistics.median(getattr(r, f.name) for r in results)
          for f in dataclasses.fields(Result)[1:]),
    )  # fmt: skip


def run_once(name: str, run: Callable[[], Awaitable[Result]] | Callable[[], Result]) -> Result:
    outcome = run()
    result = asyncio.run(outcome) if asyncio.iscoroutine(outcome) else outcome
    assert isinstance(result, Result)
    print(f"  {name}: p50 {result.p50_us:,.0f} µs, p99 {result.p99_us:,.0f} µs, "
          f"{result.orders_per_s:,.0f} orders/s", file=sys.stderr)  # fmt: skip
    return result


def measure(
    subjects: list[tuple[str, Callable[[], Any]]], repeats: int
) -> dict[str, Result | None]:
    """Each repeat runs every subject once, in turn, so that the machine's slow spells fall
    on all of them alike; the figure is the median over the repeats."""
    runs: dict[str, list[Result]] = {name: [] for name, _ in subjects}
    skipped: set[str] = set()
    for _ in range(repeats):
        for name, run in subjects:
            if name in skipped:
                continue
            try:
                runs[name].append(run_once(name, run))
            except ImportError:
                print(f"  {name}: skipped (not installed)", file=sys.stderr)
                skipped.add(name)
    return {name: median_result(results) if results else None for name, results in runs.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer round trips, one repeat")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument("--floor-server", metavar="FOLDER", help=argparse.SUPPRESS)
    parser.add_argument("--quickfix-server", metavar="FOLDER", help=argparse.SUPPRESS)
    parser.add_argument("--tls", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor_server:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(floor_server(args.tls, Path(args.floor_server)))
        return 0
    if args.quickfix_server:
        quickfix_server(Path(args.quickfix_server))
        return 0
    config = Config.make(args.quick)
    print(f"round trips: {config.round_trips:,} (one in flight) after {config.warmup:,} "
          f"warm-up; sustained: {config.sustained:,} orders; median of {config.repeats}",
          file=sys.stderr)  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        material = Material.make(Path(folder))
        subjects: list[tuple[str, Callable[[], Any]]] = [
            ("fixsession plain", lambda: fixsession_subject(material, False, config)),
            ("floor plain", lambda: floor_subject(material, False, config)),
            ("fixsession TLS", lambda: fixsession_subject(material, True, config)),
            ("floor TLS", lambda: floor_subject(material, True, config)),
            ("quickfix plain", lambda: quickfix_subject(material, config)),
        ]
        results = measure(subjects, config.repeats)
    print()
    print(f"Loopback order -> ExecutionReport, {platform.python_implementation()} "
          f"{platform.python_version()}, {os.cpu_count()} CPUs")  # fmt: skip
    print()
    print("| subject | p50 µs | p99 µs | p99.9 µs | max µs | sustained orders/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for result in results.values():
        if result is not None:
            print(result.row())
    print()
    ratios = {}
    for kind in ("plain", "TLS"):
        ours, floor = results[f"fixsession {kind}"], results[f"floor {kind}"]
        if ours and floor:
            ratios[f"p50 fixsession/floor ({kind})"] = ours.p50_us / floor.p50_us
    ours, peer = results["fixsession plain"], results["quickfix plain"]
    if ours and peer:
        ratios["p50 fixsession/quickfix (plain)"] = ours.p50_us / peer.p50_us
        ratios["sustained fixsession/quickfix (plain)"] = ours.orders_per_s / peer.orders_per_s
    for label, value in ratios.items():
        print(f"{label}: {value:.2f}x")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "config": dataclasses.asdict(config),
            "results": {k: dataclasses.asdict(v) for k, v in results.items() if v},
            "ratios": ratios,
        }, indent=2))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
