"""Hostile load shapes against ``fixsession serve`` on loopback, and what the server does under
them: its memory, how long it keeps each hostile connection, how many bytes it sends (and
records) per byte it receives, and how a legitimate client fares during the attack.

Each phase is one shape over one transport, against its own ``fixsession serve`` child process
(order entry, a throw-away certificate and Ed25519 keys), so that figures never mix:

- ``idle``: N connections that send nothing (over TLS: raw TCP to the TLS port, so the
  handshake never even starts).
- ``slowloris``: N connections that drip a valid signed Logon, one byte a second.
- ``partial``: N connections that send ``8=FIX.4.4|9=4000000|35=A|34=1|`` and ~60 KB of
  filler, then stop: a frame announcing a huge BodyLength that never completes.
- ``garbage``: a few connections writing random bytes as fast as the server reads them, for
  some seconds (reconnecting when cut off); the server runs with ``--record DIR``.
- ``resync``: the same, with bytes made of BeginString starts and junk, so that every few
  dozen bytes end a garbled region the server answers (the worst case for amplification).
- ``garbage-1b``: N connections that send one byte of garbage, then nothing.
- ``bad-logons``: 10,000 Logons, 50 at a time, signed with the wrong key (one in ten with an
  unknown API key), from many source addresses; what the server answers, and its memory.
- ``sigterm``: 50 logged-on clients sending orders in a loop, then SIGTERM to the server: time
  to exit, exit status, a traceback on stderr, and how each client ended (Logout received, the
  exception that ended its order loop, or hung).

Attackers connect from loopback addresses other than 127.0.0.1 (Linux lets a socket bind any
127.x.y.z): half of each connection shape from 127.0.0.2 (a per-IP cap shows there), the other
half round-robin over 127.0.1.1 … (``--spread``; a few connections per address, so only a global
cap shows). A legitimate client, in a separate process so that the attackers' event loop does
not slow it, logs on from 127.0.0.1 with ``fixsession.connect`` before the attack (baseline)
and every ``--probe-interval`` seconds during it, and sends a few orders each time: its Logon
latency and order round trips (p50/max) are measured during the attack.

For each phase: server RSS before (after one legitimate session) / peak / after (VmRSS polled
every 50 ms), its open file descriptors at peak, how long until the server closed each hostile
connection (median, max; how many within 0.5 s, how many later, how many were still open when
the attacker gave up after ``--hold`` seconds), the peak number held at once (all, from
127.0.0.2, from any one spread address), server bytes out per byte in, recorded bytes per byte
in, time to exit on SIGTERM and the server's stderr (line count, any Traceback).

``--logon-timeout``, ``--max-unauthenticated`` and ``--max-unauthenticated-per-ip`` are passed
to ``fixsession serve`` only if its ``--help`` lists them (a note says when they are absent).
Figures depend on the machine and on what else runs on it: compare phases within one run.

Run from the repository root (Linux; traffic stays on 127.0.0.0/8)::

    python bench/stress.py                     # every shape, plain and TLS: 3 to 5 minutes
    python bench/stress.py --quick             # 200 connections, 1,000 bad Logons: ~1 minute
    python bench/stress.py --only idle,sigterm --transport tls
    python bench/stress.py --json stress.json
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import dataclasses
import ipaddress
import itertools
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import fixsession
from fixsession import binance, errors, transport
from fixsession.events import LoggedOut
from fixsession.framing import Framer, Garbled
from fixsession.message import Message

HOST: Final = "127.0.0.1"
LEGIT_SOURCE: Final = "127.0.0.1"
SINGLE_SOURCE: Final = "127.0.0.2"  # half of each connection shape: one address
SPREAD_FIRST: Final = "127.0.1.1"  # the other half: --spread addresses from here
LOGON_FIRST: Final = "127.1.0.1"  # bad Logons: --logon-spread addresses from here
LOAD_FIRST: Final = "127.2.0.1"  # the SIGTERM shape's logged-on clients
LOOPBACK: Final = ipaddress.IPv4Network("127.0.0.0/8")

LEGIT_KEY: Final = "stress-legit"
VICTIM_KEY: Final = "stress-victim"  # the account bad Logons claim to be
LOAD_ACCOUNTS: Final = 5  # Binance allows 10 order-entry connections per account
PER_LOAD_SOURCE: Final = 10  # and 15 connection attempts per IP per 30 s
UNLIMITED: Final = "100000000/10"
ORDER_FIELDS: Final = [(38, "0.001"), (40, "2"), (44, "60000"), (54, "1"), (55, "BTCUSDT"),
                       (59, "1")]  # fmt: skip

SERVER_LOGON_TIMEOUT: Final = 10.0  # fixsession serve's own, when it has no --logon-timeout
QUICK_MAX_HOLD: Final = 5.0
CLOSED_AT_ONCE: Final = 0.5  # a hostile connection the server closed within this was refused
CONNECT_TIMEOUT: Final = 10.0
TICKS_PER_SECOND: Final = os.sysconf("SC_CLK_TCK")
CONNECT_CONCURRENCY: Final = 100  # connections being opened at once (the listen backlog is 100)
SLOWLORIS_INTERVAL: Final = 1.0
PARTIAL_HEAD: Final = b"8=FIX.4.4\x019=4000000\x0135=A\x0134=1\x01"
PARTIAL_FILLER: Final = b"58=" + b"x" * (60 * 1024 - 3)
FLOOD_CHUNK: Final = 64 * 1024
BAD_LOGON_TIMEOUT: Final = 15.0
PROBE_TIMEOUT: Final = 10.0
PROBE_WINDOW: Final = (12, 30.0)  # at most 12 legitimate Logons per 30 s (Binance allows 15)
SIGTERM_HANG_LIMIT: Final = 15.0  # a client not ended this long after SIGTERM hung
SHAPES: Final = ("idle", "slowloris", "partial", "garbage", "resync", "garbage-1b",
                 "bad-logons", "sigterm")  # fmt: skip
RECORDED: Final = frozenset({"garbage", "resync"})


@dataclass(frozen=True)
class Config:
    connections: int
    spread: int
    logon_timeout: float
    hold: float | None
    bad_logons: int
    bad_logon_batch: int
    logon_spread: int
    garbage_writers: int
    garbage_seconds: float
    clients: int
    load_seconds: float
    probe_interval: float
    probe_orders: int
    record: bool
    record_cap_mb: int
    max_unauthenticated: int | None
    max_unauthenticated_per_ip: int | None
    quick: bool

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Config:
        quick = args.quick

        def pick(value: Any, full: Any, short: Any) -> Any:
            return value if value is not None else (short if quick else full)

        return cls(
            connections=pick(args.connections, 1_000, 200),
            spread=args.spread,
            logon_timeout=args.logon_timeout,
            hold=args.hold,
            bad_logons=pick(args.bad_logons, 10_000, 1_000),
            bad_logon_batch=args.bad_logon_batch,
            logon_spread=args.logon_spread,
            garbage_writers=args.garbage_writers,
            garbage_seconds=pick(args.garbage_seconds, 5.0, 2.0),
            clients=args.clients,
            load_seconds=pick(args.load_seconds, 2.0, 1.0),
            probe_interval=args.probe_interval,
            probe_orders=pick(args.probe_orders, 10, 5),
            record=not args.no_record,
            record_cap_mb=args.record_cap_mb,
            max_unauthenticated=args.max_unauthenticated,
            max_unauthenticated_per_ip=args.max_unauthenticated_per_ip,
            quick=quick,
        )


@dataclass(frozen=True)
class Features:
    """The ``fixsession serve`` options this checkout has."""

    logon_timeout: bool
    max_unauthenticated: bool
    max_unauthenticated_per_ip: bool

    @classmethod
    def detect(cls) -> Features:
        done = subprocess.run(
            [sys.executable, "-m", "fixsession", "serve", "--help"], capture_output=True,
            text=True, cwd=ROOT, env=child_env(), timeout=60, check=False,
        )  # fmt: skip
        text = done.stdout + done.stderr
        return cls(
            logon_timeout=re.search(r"--logon-timeout(?![\w-])", text) is not None,
            max_unauthenticated=re.search(r"--max-unauthenticated(?![\w-])", text) is not None,
            max_unauthenticated_per_ip="--max-unauthenticated-per-ip" in text,
        )


def checkout() -> str:
    """The commit the server runs from, and whether fixsession/ differs from it (read-only)."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}  # git status must not touch the index

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, env=env,
                              timeout=30, check=True)  # fmt: skip
        return done.stdout.strip()

    try:
        head = git("rev-parse", "--short", "HEAD")
        changed = git("status", "--porcelain", "--untracked-files=no", "--", "fixsession")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head + (" with uncommitted changes in fixsession/" if changed else "")


def child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def nth_address(first: str, index: int) -> str:
    address = ipaddress.IPv4Address(first) + index
    if address not in LOOPBACK:
        raise ValueError(f"{address} is not a loopback address")
    return str(address)


def attacker_sources(count: int, spread: int) -> list[str]:
    """Half from 127.0.0.2, half round-robin over ``spread`` addresses, interleaved."""
    if spread <= 0:
        return [SINGLE_SOURCE] * count
    return [
        SINGLE_SOURCE if i % 2 == 0 else nth_address(SPREAD_FIRST, (i // 2) % spread)
        for i in range(count)
    ]


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def maximum(values: list[float]) -> float | None:
    return max(values) if values else None


def raise_fd_limit(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, wanted)
    if soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# -- keys, certificate, Logons -----------------------------------------------------------------


@dataclass
class Material:
    """Keys and a certificate for this run, in a temporary folder."""

    folder: Path
    cert: bytes
    keys: dict[str, Ed25519PrivateKey]

    @classmethod
    def make(cls, folder: Path) -> Material:
        names = [LEGIT_KEY, VICTIM_KEY, *(f"stress-load-{i}" for i in range(LOAD_ACCOUNTS))]
        keys = {name: Ed25519PrivateKey.generate() for name in names}
        cert, cert_key = transport.self_signed_certificate()
        (folder / "cert.pem").write_bytes(cert)
        (folder / "key.pem").write_bytes(cert_key)
        public = {
            name: key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
            for name, key in keys.items()
        }
        (folder / "keys.json").write_text(json.dumps(public))
        legit = keys[LEGIT_KEY].private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        (folder / "legit.pem").write_bytes(legit)
        return cls(folder, cert, keys)

    def client_tls(self) -> ssl.SSLContext:
        return transport.client_tls(self.cert)

    def server_args(self, tls: bool) -> list[str]:
        if not tls:
            return ["--plain"]
        return ["--tls-cert", str(self.folder / "cert.pem"),
                "--tls-key", str(self.folder / "key.pem")]  # fmt: skip


def attacker_tls() -> ssl.SSLContext:
    """TLS for attackers: no certificate check (they gain nothing by it, and it costs them)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def logon_frame(api_key: str, key: Ed25519PrivateKey, comp_id: str) -> bytes:
    """A signed Logon as ``fixsession.connect`` sends it (valid if ``key`` is the API key's)."""
    sending_time = binance.format_sending_time(time.time(), 3)
    signature = binance.sign_logon(key, comp_id, "SPOT", 1, sending_time)
    return Message("A", [
        (34, "1"), (49, comp_id), (52, sending_time), (56, "SPOT"), (95, str(len(signature))),
        (96, signature), (98, "0"), (108, "30"), (141, "Y"), (553, api_key), (25035, "2"),
    ]).encode()  # fmt: skip


def reply_labels(data: bytes) -> list[str]:
    """What a peer answered: one label per frame, e.g. ``35=3 -1022 InvalidSignature``."""
    labels = []
    for item in Framer().feed(data):
        if isinstance(item, Garbled):
            labels.append("garbled bytes")
            continue
        try:
            message = Message.decode(item)
            error = errors.from_message(message)
        except ValueError:
            labels.append("undecodable frame")
            continue
        label = f"35={message.msg_type}"
        if error is not None:
            label += f" {error.code} {type(error).__name__}"
        labels.append(label)
    return labels


# -- the server in a child process, and watching it ---------------------------------------------


@dataclass
class Server:
    process: asyncio.subprocess.Process
    port: int
    stderr_path: Path
    record: Path | None
    exit_status: int | None = None
    exit_seconds: float | None = None  # from SIGTERM to exit (None: killed, or never stopped)

    @classmethod
    async def start(
        cls, material: Material, features: Features, config: Config, tls: bool, name: str,
        record: Path | None,
    ) -> Server:  # fmt: skip
        command = [
            sys.executable, "-m", "fixsession", "serve", "--listen", f"{HOST}:0",
            "--session-type", "order-entry", "--keys", str(material.folder / "keys.json"),
            "--order-limit", UNLIMITED, *material.server_args(tls),
        ]  # fmt: skip
        if features.logon_timeout:
            command += ["--logon-timeout", f"{config.logon_timeout:g}"]
        if features.max_unauthenticated and config.max_unauthenticated is not None:
            command += ["--max-unauthenticated", str(config.max_unauthenticated)]
        if features.max_unauthenticated_per_ip and config.max_unauthenticated_per_ip is not None:
            command += ["--max-unauthenticated-per-ip", str(config.max_unauthenticated_per_ip)]
        if record is not None:
            command += ["--record", str(record)]
        stderr_path = material.folder / f"stderr-{name}.txt"
        with open(stderr_path, "wb") as stderr:
            process = await asyncio.create_subprocess_exec(
                *command, stdout=asyncio.subprocess.PIPE, stderr=stderr, cwd=ROOT,
                env=child_env(),
            )  # fmt: skip
        assert process.stdout is not None
        try:
            line = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
        except TimeoutError:
            line = ""
        if not line.startswith("listening on "):
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            detail = stderr_path.read_text(errors="replace").strip().splitlines()[-3:]
            raise RuntimeError(f"the server did not start: {line!r} {' | '.join(detail)}")
        return cls(process, int(line.rsplit(":", 1)[1]), stderr_path, record)

    @property
    def pid(self) -> int:
        return self.process.pid

    async def terminate(self, timeout: float = 30.0) -> None:
        """SIGTERM, and wait for the exit (SIGKILL after ``timeout``)."""
        if self.process.returncode is not None:
            self.exit_status = self.process.returncode
            return
        began = time.perf_counter()
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), timeout)
            self.exit_seconds = time.perf_counter() - began
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        self.exit_status = self.process.returncode

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")


class Monitor:
    """The server's VmRSS every 50 ms (peak since ``reset``), its open file descriptors and
    the size of its record folder less often."""

    def __init__(self, pid: int, record: Path | None) -> None:
        self.pid = pid
        self.record = record
        self.rss_kib = 0
        self.peak_rss_kib = 0
        self.fds = 0
        self.peak_fds = 0
        self.record_bytes = 0
        self.cpu_seconds = 0.0

    def read_rss(self) -> int | None:
        try:
            with open(f"/proc/{self.pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            return None
        return None  # a zombie: exited, not yet reaped

    def read_fds(self) -> int:
        try:
            return len(os.listdir(f"/proc/{self.pid}/fd"))
        except OSError:
            return 0

    def read_record_bytes(self) -> int:
        if self.record is None:
            return 0
        total = 0
        with contextlib.suppress(OSError), os.scandir(self.record) as entries:
            for entry in entries:
                with contextlib.suppress(OSError):
                    total += entry.stat().st_size
        return total

    def reset(self) -> None:
        self.peak_rss_kib = self.rss_kib
        self.peak_fds = self.fds

    def sample(self, tick: int) -> bool:
        rss = self.read_rss()
        if rss is None:
            return False
        self.rss_kib = rss
        self.peak_rss_kib = max(self.peak_rss_kib, rss)
        if tick % 5 == 0:
            self.fds = self.read_fds()
            self.peak_fds = max(self.peak_fds, self.fds)
        if self.record is not None and tick % 5 == 0:
            self.record_bytes = self.read_record_bytes()
        self.cpu_seconds = self.read_cpu_seconds() or self.cpu_seconds
        return True

    def read_cpu_seconds(self) -> float | None:
        """User + system CPU time the server has used."""
        try:
            with open(f"/proc/{self.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND

    async def run(self) -> None:
        for tick in itertools.count():
            if not self.sample(tick):
                return
            await asyncio.sleep(0.05)


# -- the legitimate client, in its own process -----------------------------------------------


@dataclass
class Probes:
    probes: int = 0
    logon_ms: list[float] = field(default_factory=list)
    order_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


async def probe_once(
    port: int, tls: ssl.SSLContext | bool, key: Ed25519PrivateKey, orders: int, comp_id: str,
    probes: Probes,
) -> None:  # fmt: skip
    """Log on from 127.0.0.1, send ``orders`` orders one at a time, log out."""
    probes.probes += 1
    began = time.perf_counter()
    try:
        client = await asyncio.wait_for(
            fixsession.connect(
                HOST, port, api_key=LEGIT_KEY, private_key=key, sender_comp_id=comp_id, tls=tls,
                server_hostname="localhost", logon_timeout=PROBE_TIMEOUT,
                local_addr=(LEGIT_SOURCE, 0),
            ),
            PROBE_TIMEOUT + 1,
        )  # fmt: skip
    except Exception as error:  # every way a Logon can fail is a finding
        elapsed = time.perf_counter() - began
        probes.failures.append(f"Logon after {elapsed:.1f} s: {type(error).__name__}: {error}")
        return
    probes.logon_ms.append((time.perf_counter() - began) * 1000)
    try:
        for number in range(orders):
            message = Message("D", [(11, f"{comp_id}o{number}"), *ORDER_FIELDS])
            sent = time.perf_counter()
            await client.request(message, timeout=PROBE_TIMEOUT)
            probes.order_ms.append((time.perf_counter() - sent) * 1000)
    except Exception as error:
        probes.failures.append(f"order: {type(error).__name__}: {error}")
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.logout(), PROBE_TIMEOUT)


async def legit_service(folder: Path, interval: float, orders: int) -> None:
    """The legitimate client's process: commands on stdin, one JSON line per answer.

    ``baseline PORT TLS`` runs one probe and answers; ``go PORT TLS`` starts probing every
    ``interval`` seconds (at least once); ``stop`` ends it after the probe in flight and
    answers with every probe's figures.
    """
    key = serialization.load_pem_private_key((folder / "legit.pem").read_bytes(), None)
    assert isinstance(key, Ed25519PrivateKey)
    cert = (folder / "cert.pem").read_bytes()
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | None] = asyncio.Queue()

    def read_stdin() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(lines.put_nowait, line.strip())
        loop.call_soon_threadsafe(lines.put_nowait, None)

    threading.Thread(target=read_stdin, daemon=True).start()
    numbers = itertools.count()
    logons: collections.deque[float] = collections.deque()

    stopping = asyncio.Event()

    async def probe(port: int, tls: bool, probes: Probes) -> bool:
        """Probe once, after waiting (unless told to stop) to stay under the per-IP and
        per-account connection attempt limits; False if told to stop while waiting."""
        limit, window = PROBE_WINDOW
        while len(logons) >= limit:
            wait = logons[0] + window - time.monotonic()
            if wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopping.wait(), wait)
                if stopping.is_set():
                    return False
            logons.popleft()
        logons.append(time.monotonic())
        context: ssl.SSLContext | bool = transport.client_tls(cert) if tls else False
        await probe_once(port, context, key, orders, f"LG{next(numbers) % 10**6:06d}", probes)
        return True

    def answer(probes: Probes) -> None:
        print(json.dumps(dataclasses.asdict(probes)), flush=True)

    running: asyncio.Task[Probes] | None = None

    async def keep_probing(port: int, tls: bool) -> Probes:
        probes = Probes()
        while True:
            if not await probe(port, tls, probes) or stopping.is_set():
                return probes
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), interval)
            if stopping.is_set():
                return probes

    while (line := await lines.get()) is not None:
        command, *rest = line.split()
        if command == "baseline":
            logons.clear()  # a new server: its attempt windows are empty
            stopping.clear()
            probes = Probes()
            await probe(int(rest[0]), rest[1] == "1", probes)
            answer(probes)
        elif command == "go":
            stopping.clear()
            running = asyncio.create_task(keep_probing(int(rest[0]), rest[1] == "1"))
        elif command == "stop":
            stopping.set()
            answer(await running if running is not None else Probes())
            running = None


class Legit:
    """The parent's handle on the legitimate client's process."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.going = False
        self.last: Probes | None = None  # the probes of the current phase, once stopped

    @classmethod
    async def start(cls, material: Material, config: Config) -> Legit:
        process = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--legit-client", str(material.folder),
            "--probe-interval", str(config.probe_interval),
            "--probe-orders", str(config.probe_orders),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, cwd=ROOT,
            env=child_env(),
        )  # fmt: skip
        return cls(process)

    async def _send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        await self.process.stdin.drain()

    async def _answer(self) -> Probes:
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), 300)
        if not line:
            raise RuntimeError("the legitimate client's process ended")
        return Probes(**json.loads(line))

    async def baseline(self, port: int, tls: bool) -> Probes:
        self.last = None
        await self._send(f"baseline {port} {int(tls)}")
        return await self._answer()

    async def go(self, port: int, tls: bool) -> None:
        self.going = True
        await self._send(f"go {port} {int(tls)}")

    async def stop(self) -> Probes | None:
        """End the probing (if it started) and return its figures."""
        if self.going:
            self.going = False
            await self._send("stop")
            self.last = await self._answer()
        return self.last

    async def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


# -- hostile connections -------------------------------------------------------------------------


class Hostile(asyncio.Protocol):
    """One attacker connection: counts bytes both ways, notes when and by whom it closed."""

    def __init__(self, source: str, keep: bool) -> None:
        loop = asyncio.get_running_loop()
        self.source = source
        self.keep = keep
        self.received = bytearray()
        self.transport: asyncio.Transport | None = None
        self.opened = 0.0
        self.closed: float | None = None
        self.by_server = False
        self.bytes_in = 0  # from the server
        self.bytes_out = 0  # to the server
        self.done: asyncio.Future[None] = loop.create_future()
        self._writable = asyncio.Event()
        self._writable.set()
        self._aborting = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.opened = time.monotonic()

    def data_received(self, data: bytes) -> None:
        self.bytes_in += len(data)
        if self.keep and len(self.received) < 1 << 20:
            self.received += data

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = time.monotonic()
        self.by_server = not self._aborting
        self._writable.set()
        if not self.done.done():
            self.done.set_result(None)

    def pause_writing(self) -> None:
        self._writable.clear()

    def resume_writing(self) -> None:
        self._writable.set()

    @property
    def open(self) -> bool:
        return self.closed is None

    def write(self, data: bytes | memoryview) -> None:
        if self.open and self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)
            self.bytes_out += len(data)

    async def drain(self) -> None:
        await self._writable.wait()

    def abort(self) -> None:
        if self.open and self.transport is not None:
            self._aborting = True
            self.transport.abort()


class Attack:
    """Every hostile connection of one phase, and the failures to open one."""

    def __init__(self, port: int, tls: ssl.SSLContext | None) -> None:
        self.port = port
        self.tls = tls
        self.conns: list[Hostile] = []
        self.failures: collections.Counter[str] = collections.Counter()
        self.refused_sources: list[str] = []  # connects the server reset or refused
        self.attempts = 0
        self.ramped = asyncio.Event()  # at full strength: the legitimate client starts probing
        self.gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
        self.notes: dict[str, Any] = {}

    async def open(
        self, source: str, *, tls: bool, initial: bytes = b"", keep: bool = False
    ) -> Hostile | None:
        """Connect from ``source`` (over TLS if ``tls``) and write ``initial``."""
        loop = asyncio.get_running_loop()
        self.attempts += 1
        protocol = Hostile(source, keep)
        context = self.tls if tls else None
        async with self.gate:
            try:
                await asyncio.wait_for(
                    loop.create_connection(
                        lambda: protocol, HOST, self.port, ssl=context,
                        server_hostname="localhost" if context else None,
                        local_addr=(source, 0),
                    ),
                    CONNECT_TIMEOUT,
                )  # fmt: skip
            except (OSError, ssl.SSLError, TimeoutError) as error:
                self.failures[type(error).__name__] += 1
                if not isinstance(error, TimeoutError):
                    self.refused_sources.append(source)
                return None
        self.conns.append(protocol)
        if initial:
            protocol.write(initial)
        return protocol

    async def open_many(
        self, sources: list[str], *, tls: bool, initial: bytes | Callable[[], bytes] = b""
    ) -> list[Hostile]:
        async def one(source: str) -> Hostile | None:
            data = initial() if callable(initial) else initial
            return await self.open(source, tls=tls, initial=data)

        opened = await asyncio.gather(*(one(source) for source in sources))
        return [conn for conn in opened if conn is not None]

    async def hold(self, conns: list[Hostile], seconds: float) -> None:
        """Keep ``conns`` open until the server closes them, at most ``seconds``."""
        waiting = [conn.done for conn in conns if conn.open]
        if waiting:
            await asyncio.wait(waiting, timeout=seconds)
        for conn in conns:
            conn.abort()
        await asyncio.sleep(0)  # let connection_lost run

    def figures(self) -> dict[str, Any]:
        """Refused at once: the connect (or TLS handshake) was reset or refused, or the server
        closed the connection within ``CLOSED_AT_ONCE``; closed later: held first."""
        conns = [conn for conn in self.conns if conn.closed is not None]
        lifetimes = [
            (conn, (conn.closed or conn.opened) - conn.opened) for conn in conns if conn.by_server
        ]
        by_server = [lifetime for _, lifetime in lifetimes]
        refused = self.refused_sources + [
            conn.source for conn, lifetime in lifetimes if lifetime <= CLOSED_AT_ONCE
        ]
        return {
            "attempted": self.attempts,
            "connected": len(self.conns),
            "connect_failures": dict(self.failures),
            "connect_timeouts": self.failures.get("TimeoutError", 0),
            "refused_at_once": len(refused),
            "refused_single_ip": refused.count(SINGLE_SOURCE),
            "closed_at_once": sum(1 for t in by_server if t <= CLOSED_AT_ONCE),
            "closed_later": sum(1 for t in by_server if t > CLOSED_AT_ONCE),
            "outlived_hold": sum(1 for conn in conns if not conn.by_server),
            "close_median_s": median(by_server),
            "close_max_s": maximum(by_server),
            **peak_held(conns),
            "bytes_to_server": sum(conn.bytes_out for conn in self.conns),
            "bytes_from_server": sum(conn.bytes_in for conn in self.conns),
        }


def peak_held(conns: Iterable[Hostile]) -> dict[str, int]:
    """The most connections held at once (open past ``CLOSED_AT_ONCE``): in all, from
    127.0.0.2, and from any one spread address."""
    events: dict[str, list[tuple[float, int]]] = collections.defaultdict(list)
    for conn in conns:
        start = conn.opened + CLOSED_AT_ONCE
        end = conn.closed if conn.closed is not None else time.monotonic()
        if end > start:
            for key in ("*", conn.source):
                events[key] += [(start, 1), (end, -1)]

    def peak(points: list[tuple[float, int]]) -> int:
        current = best = 0
        for _, step in sorted(points, key=lambda point: (point[0], point[1])):
            current += step
            best = max(best, current)
        return best

    spread = [peak(points) for key, points in events.items() if key not in ("*", SINGLE_SOURCE)]
    return {
        "peak_held": peak(events.get("*", [])),
        "peak_held_single_ip": peak(events.get(SINGLE_SOURCE, [])),
        "peak_held_per_spread_ip": max(spread, default=0),
    }


# -- the shapes ------------------------------------------------------------------------------------


@dataclass
class Phase:
    """What a shape needs: the server, its attack, the run's set-up."""

    name: str
    tls: bool
    config: Config
    material: Material
    server: Server
    monitor: Monitor
    attack: Attack
    legit: Legit
    hold: float

    def sources(self, count: int) -> list[str]:
        return attacker_sources(count, self.config.spread)


async def shape_idle(phase: Phase) -> None:
    # Over TLS too the connections are raw TCP: the handshake never starts.
    conns = await phase.attack.open_many(phase.sources(phase.config.connections), tls=False)
    phase.attack.ramped.set()
    await phase.attack.hold(conns, phase.hold)


async def shape_slowloris(phase: Phase) -> None:
    key = phase.material.keys[VICTIM_KEY]
    logon = logon_frame(VICTIM_KEY, key, "SLOW")
    sources = phase.sources(phase.config.connections)
    conns = await phase.attack.open_many(sources, tls=phase.tls)
    phase.attack.ramped.set()
    dripped = 0

    async def drip() -> None:
        nonlocal dripped
        for position in itertools.count():
            byte = logon[position % len(logon) : position % len(logon) + 1]
            for conn in conns:
                conn.write(byte)
            dripped = position + 1
            await asyncio.sleep(SLOWLORIS_INTERVAL)

    task = asyncio.create_task(drip())
    try:
        await phase.attack.hold(conns, phase.hold)
    finally:
        task.cancel()
    phase.attack.notes["bytes dripped per connection"] = dripped
    phase.attack.notes["Logon size"] = len(logon)


async def shape_partial(phase: Phase) -> None:
    sources = phase.sources(phase.config.connections)
    conns = await phase.attack.open_many(
        sources, tls=phase.tls, initial=PARTIAL_HEAD + PARTIAL_FILLER
    )
    phase.attack.ramped.set()
    await phase.attack.hold(conns, phase.hold)


async def shape_garbage_1b(phase: Phase) -> None:
    rng = random.Random(1)
    junk = bytes(b for b in range(256) if b not in b"8\x01")

    def one_byte() -> bytes:
        return bytes([rng.choice(junk)])

    sources = phase.sources(phase.config.connections)
    conns = await phase.attack.open_many(sources, tls=phase.tls, initial=one_byte)
    phase.attack.ramped.set()
    await phase.attack.hold(conns, phase.hold)


def random_payload(size: int) -> bytes:
    return random.Random(2).randbytes(size)


def resync_payload(size: int) -> bytes:
    """BeginString starts, each followed by 0 to 40 bytes of printable junk: every start ends
    the garbled region before it."""
    rng = random.Random(3)
    parts: list[bytes] = []
    total = 0
    while total < size:
        part = b"8=FIX.4.4\x01" + bytes(rng.randrange(0x21, 0x7F) for _ in range(rng.randrange(41)))
        parts.append(part)
        total += len(part)
    return b"".join(parts)


async def flood(phase: Phase, payload: bytes) -> None:
    """A few writers send ``payload`` (cyclically) as fast as the server reads, for
    ``--garbage-seconds``, reconnecting whenever the server cuts them off."""
    config = phase.config
    loop = asyncio.get_running_loop()
    deadline = loop.time() + config.garbage_seconds
    cap = config.record_cap_mb * 1024 * 1024
    view = memoryview(payload + payload[:FLOOD_CHUNK])
    capped = False

    def over() -> bool:
        nonlocal capped
        if phase.monitor.record_bytes > cap:
            capped = True
        return capped or loop.time() >= deadline

    async def writer(source: str, offset: int) -> None:
        while not over():
            conn = await phase.attack.open(source, tls=phase.tls)
            if conn is None:
                await asyncio.sleep(0.1)
                continue
            while conn.open and not over():
                conn.write(view[offset : offset + FLOOD_CHUNK])
                offset = (offset + FLOOD_CHUNK) % len(payload)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(conn.drain(), max(0.01, deadline - loop.time()))
            conn.abort()

    phase.attack.ramped.set()
    began = time.perf_counter()
    sources = phase.sources(config.garbage_writers)
    step = len(payload) // max(1, len(sources))
    await asyncio.gather(*(writer(source, i * step) for i, source in enumerate(sources)))
    elapsed = time.perf_counter() - began
    sent = sum(conn.bytes_out for conn in phase.attack.conns)
    phase.attack.notes["flood"] = f"{sent / 2**20:,.0f} MiB in {elapsed:.1f} s"
    if capped:
        phase.attack.notes["stopped early"] = f"the record folder passed {config.record_cap_mb} MiB"


async def shape_garbage(phase: Phase) -> None:
    await flood(phase, random_payload(1 << 20))


async def shape_resync(phase: Phase) -> None:
    await flood(phase, resync_payload(1 << 20))


async def shape_bad_logons(phase: Phase) -> None:
    config = phase.config
    sources = [nth_address(LOGON_FIRST, i) for i in range(max(1, config.logon_spread))]
    wrong_key = Ed25519PrivateKey.generate()
    replies: dict[str, collections.Counter[str]] = {
        "wrong signature": collections.Counter(), "unknown API key": collections.Counter(),
    }  # fmt: skip
    numbers = itertools.count()
    phase.attack.ramped.set()

    async def worker() -> None:
        while (number := next(numbers)) < config.bad_logons:
            unknown = number % 10 == 9
            kind = "unknown API key" if unknown else "wrong signature"
            api_key = f"stress-unknown-{number}" if unknown else VICTIM_KEY
            frame = logon_frame(api_key, wrong_key, f"B{number % 10**7:07d}")
            source = sources[number % len(sources)]
            conn = await phase.attack.open(source, tls=phase.tls, initial=frame, keep=True)
            if conn is None:
                replies[kind]["could not connect"] += 1
                continue
            ended = ""
            try:
                await asyncio.wait_for(asyncio.shield(conn.done), BAD_LOGON_TIMEOUT)
            except TimeoutError:
                conn.abort()
                ended = f" (still open after {BAD_LOGON_TIMEOUT:g} s)"
            labels = reply_labels(bytes(conn.received)) or ["no reply"]
            conn.received = bytearray()
            replies[kind][" + ".join(labels) + ended] += 1

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(config.bad_logon_batch)))
    elapsed = time.perf_counter() - began
    phase.attack.notes["rate"] = f"{config.bad_logons / elapsed:,.0f} Logons/s over {elapsed:.1f} s"
    for kind, counter in replies.items():
        phase.attack.notes[kind] = ", ".join(f"{n:,} × {label}" for label, n in counter.items())


@dataclass
class LoadClient:
    number: int
    orders: int = 0
    logout_received: bool = False
    ended: str | None = None
    ended_at: float | None = None


async def shape_sigterm(phase: Phase) -> None:
    config = phase.config
    material = phase.material
    tls: ssl.SSLContext | bool = material.client_tls() if phase.tls else False
    round_trips: list[float] = []
    stopped = asyncio.Event()

    async def log_on(number: int) -> fixsession.Client:
        source = nth_address(LOAD_FIRST, number // PER_LOAD_SOURCE)
        account = f"stress-load-{number % LOAD_ACCOUNTS}"
        return await fixsession.connect(
            HOST, phase.server.port, api_key=account, private_key=material.keys[account],
            sender_comp_id=f"LD{number:04d}", tls=tls, server_hostname="localhost",
            logon_timeout=PROBE_TIMEOUT, local_addr=(source, 0),
        )  # fmt: skip

    logged_on = await asyncio.gather(
        *(log_on(n) for n in range(config.clients)), return_exceptions=True
    )
    clients = [(n, c) for n, c in enumerate(logged_on) if isinstance(c, fixsession.Client)]
    failed = [c for c in logged_on if not isinstance(c, fixsession.Client)]
    phase.attack.notes["clients logged on"] = f"{len(clients)} of {config.clients}"
    if failed:
        phase.attack.notes["Logon failures"] = ", ".join(
            sorted({f"{type(e).__name__}: {e}" for e in failed})
        )

    async def send_orders(client: fixsession.Client, state: LoadClient) -> None:
        try:
            for number in itertools.count():
                message = Message("D", [(11, f"ld{state.number}o{number}"), *ORDER_FIELDS])
                began = time.perf_counter()
                await client.request(message, timeout=PROBE_TIMEOUT)
                if not stopped.is_set():
                    round_trips.append((time.perf_counter() - began) * 1000)
                    state.orders += 1
        except Exception as error:
            state.ended = type(error).__name__
            state.ended_at = time.monotonic()

    async def read_events(client: fixsession.Client, state: LoadClient) -> None:
        async for event in client:
            if isinstance(event, LoggedOut) and event.by_peer:
                state.logout_received = True

    states = [LoadClient(n) for n, _ in clients]
    owners: dict[asyncio.Task[None], LoadClient] = {}  # each client's two tasks
    for state, (_, client) in zip(states, clients, strict=True):
        for coroutine in (send_orders(client, state), read_events(client, state)):
            owners[asyncio.create_task(coroutine)] = state
    tasks = list(owners)
    phase.attack.ramped.set()
    await asyncio.sleep(config.load_seconds)
    phase.attack.notes["legitimate probes end"] = "before SIGTERM"
    await phase.legit.stop()
    stopped.set()
    sigterm_at = time.monotonic()
    await phase.server.terminate()
    _, hung = await asyncio.wait(
        tasks, timeout=max(0.1, sigterm_at + SIGTERM_HANG_LIMIT - time.monotonic())
    )
    for task in hung:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    ends = collections.Counter(state.ended or "hung" for state in states)
    after = [state.ended_at - sigterm_at for state in states if state.ended_at is not None]
    notes = phase.attack.notes
    notes["orders before SIGTERM"] = (
        f"{sum(s.orders for s in states):,}, round trip p50 {fmt(median(round_trips), '.1f')} "
        f"ms, max {fmt(maximum(round_trips), '.1f')} ms"
    )
    notes["server exit"] = f"status {phase.server.exit_status}, " + (
        f"{phase.server.exit_seconds:.2f} s after SIGTERM"
        if phase.server.exit_seconds is not None
        else "killed: no exit within 30 s"
    )
    notes["clients: Logout received"] = f"{sum(s.logout_received for s in states)} of {len(states)}"
    notes["clients: how the order loop ended"] = ", ".join(f"{n} × {k}" for k, n in ends.items())
    notes["clients: ended after SIGTERM"] = (
        f"p50 {fmt(median(after), '.2f')} s, max {fmt(maximum(after), '.2f')} s; "
        f"hung (a task not ended within {SIGTERM_HANG_LIMIT:g} s): "
        f"{len({owners[task].number for task in hung})}"
    )
    for _, client in clients:  # the sessions are over; this only tidies up
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.logout(1.0), 2.0)


SHAPE_RUNNERS: Final[dict[str, Callable[[Phase], Awaitable[None]]]] = {
    "idle": shape_idle,
    "slowloris": shape_slowloris,
    "partial": shape_partial,
    "garbage": shape_garbage,
    "resync": shape_resync,
    "garbage-1b": shape_garbage_1b,
    "bad-logons": shape_bad_logons,
    "sigterm": shape_sigterm,
}


# -- a phase --------------------------------------------------------------------------------------


@dataclass
class Result:
    """One phase's figures (a phase that failed has its error and what was measured)."""

    phase: str
    shape: str
    transport: str
    seconds: float = 0.0
    attack: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)
    rss_before_mib: float | None = None
    rss_peak_mib: float | None = None
    rss_after_mib: float | None = None
    fds_peak: int | None = None
    attack_seconds: float | None = None
    server_cpu_seconds: float | None = None  # during the attack
    record_bytes: int | None = None
    exit_status: int | None = None
    exit_seconds: float | None = None
    stderr_lines: int | None = None
    stderr_tracebacks: int | None = None
    stderr_common: list[str] = field(default_factory=list)
    baseline: dict[str, Any] = field(default_factory=dict)
    during: dict[str, Any] | None = None
    error: str | None = None


def fmt(value: float | None, spec: str = ",.0f") -> str:
    return "—" if value is None else format(value, spec)


def stderr_summary(text: str) -> tuple[int, int, list[str]]:
    """Line count, Tracebacks, and what stands out: each kind of exception a Traceback ended
    with, then the most common other lines (log timestamps removed, file paths as PATH)."""
    lines = text.splitlines()
    path = re.compile(r"/[^\s:,;]+")
    stamp = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ")
    raised: collections.Counter[str] = collections.Counter()
    others: collections.Counter[str] = collections.Counter()
    in_traceback = False
    for line in lines:
        if line.startswith("Traceback"):
            in_traceback = True
        elif in_traceback and line and not line[0].isspace():
            raised[line[:160]] += 1
            in_traceback = False
        elif not in_traceback:
            others[path.sub("PATH", stamp.sub("", line))[:200]] += 1
    found = [f"{n} × Traceback ending {line!r}" for line, n in raised.most_common(3)]
    found += [f"{n} × {line}" for line, n in others.most_common(3)]
    return len(lines), text.count("Traceback"), found


def effective_hold(config: Config, features: Features) -> float:
    timeout = config.logon_timeout if features.logon_timeout else SERVER_LOGON_TIMEOUT
    if config.hold is not None:
        return config.hold
    if config.quick:
        return min(timeout + 2.0, QUICK_MAX_HOLD)
    return timeout + 5.0


async def run_phase(
    shape: str, tls: bool, config: Config, material: Material, features: Features, legit: Legit
) -> Result:
    name = f"{shape} ({'TLS' if tls else 'plain'})"
    record = None
    if shape in RECORDED and config.record:
        record = material.folder / f"record-{shape}-{'tls' if tls else 'plain'}"
    began = time.perf_counter()
    server = await Server.start(
        material, features, config, tls, f"{shape}-{'tls' if tls else 'plain'}", record
    )
    monitor = Monitor(server.pid, record)
    watching = asyncio.create_task(monitor.run())
    attack = Attack(server.port, attacker_tls())
    hold = effective_hold(config, features)
    phase = Phase(name, tls, config, material, server, monitor, attack, legit, hold)
    try:
        baseline = await legit.baseline(server.port, tls)
        await asyncio.sleep(0.3)
        monitor.sample(0)
        rss_before = monitor.rss_kib
        cpu_before = monitor.cpu_seconds
        monitor.reset()

        async def go_when_ramped() -> None:
            await attack.ramped.wait()
            await legit.go(server.port, tls)

        starting = asyncio.create_task(go_when_ramped())
        attack_began = time.perf_counter()
        error = None
        try:
            await SHAPE_RUNNERS[shape](phase)
        except Exception as failure:  # report it, and go on with the next phase
            error = f"{type(failure).__name__}: {failure}"
        if attack.ramped.is_set():
            await starting  # the legitimate client was told to go, or is being told
        else:
            starting.cancel()
        for conn in attack.conns:  # a shape that failed may leave some open
            conn.abort()
        monitor.sample(0)
        cpu = monitor.cpu_seconds - cpu_before
        attack_seconds = time.perf_counter() - attack_began
        during = await legit.stop()
        rss_after = None
        if server.process.returncode is None:
            await asyncio.sleep(0.5 if config.quick else 1.0)
            monitor.sample(0)
            rss_after = monitor.rss_kib / 1024
        record_bytes = monitor.read_record_bytes() if record is not None else None
        await server.terminate()
    finally:
        if server.process.returncode is None:
            server.process.kill()
            await server.process.wait()
        watching.cancel()
    lines, tracebacks, common = stderr_summary(server.stderr())
    return Result(
        phase=name, shape=shape, transport="TLS" if tls else "plain",
        seconds=time.perf_counter() - began, attack=attack.figures(), notes=attack.notes,
        rss_before_mib=rss_before / 1024, rss_peak_mib=monitor.peak_rss_kib / 1024,
        rss_after_mib=rss_after, fds_peak=monitor.peak_fds, attack_seconds=attack_seconds,
        server_cpu_seconds=cpu, record_bytes=record_bytes,
        exit_status=server.exit_status, exit_seconds=server.exit_seconds, stderr_lines=lines,
        stderr_tracebacks=tracebacks, stderr_common=common,
        baseline=dataclasses.asdict(baseline),
        during=dataclasses.asdict(during) if during is not None else None, error=error,
    )  # fmt: skip


async def run_all(
    phases: list[tuple[str, bool]], config: Config, material: Material, features: Features
) -> list[Result]:
    legit = await Legit.start(material, config)
    results = []
    try:
        for shape, tls in phases:
            name = f"{shape} ({'TLS' if tls else 'plain'})"
            print(f"{name} ...", file=sys.stderr, flush=True)
            began = time.perf_counter()
            try:
                result = await run_phase(shape, tls, config, material, features, legit)
            except Exception as error:  # e.g. the server did not start: go on with the others
                result = Result(name, shape, "TLS" if tls else "plain",
                                seconds=time.perf_counter() - began,
                                error=f"{type(error).__name__}: {error}")  # fmt: skip
            results.append(result)
            attack = result.attack
            print(
                f"  {result.seconds:.0f} s; RSS {fmt(result.rss_before_mib)} → peak "
                f"{fmt(result.rss_peak_mib)} MiB; closed by the server: "
                f"{attack.get('closed_at_once', 0) + attack.get('closed_later', 0):,} of "
                f"{attack.get('connected', 0):,}"
                + (f"; ERROR {result.error}" if result.error else ""),
                file=sys.stderr, flush=True,
            )  # fmt: skip
    finally:
        await legit.close()
    return results


# -- the report ----------------------------------------------------------------------------------


def ratio(numerator: float | None, denominator: float) -> str:
    if numerator is None or denominator <= 0:
        return "—"
    return f"{numerator / denominator:,.3g}"


def table(header: list[str], rows: list[list[str]], *, text_last: bool = False) -> None:
    """A markdown table: numbers right-aligned, the first column (and the last, if
    ``text_last``) left-aligned."""
    print("| " + " | ".join(header) + " |")
    last = len(header) - 1
    aligned = ["---" if i == 0 or (i == last and text_last) else "---:"
               for i in range(len(header))]  # fmt: skip
    print("|" + "|".join(aligned) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()


def report(results: list[Result], config: Config, features: Features, hold: float) -> None:
    print()
    print(f"fixsession serve under hostile load on loopback, {platform.python_implementation()} "
          f"{platform.python_version()}, {os.cpu_count()} CPUs; {config.connections:,} "
          f"connections per shape ({config.spread} spread addresses), hold {hold:g} s, "
          f"{config.bad_logons:,} bad Logons")  # fmt: skip
    options = [
        f"--logon-timeout {config.logon_timeout:g}" if features.logon_timeout else None,
        f"--max-unauthenticated {config.max_unauthenticated}"
        if features.max_unauthenticated and config.max_unauthenticated is not None
        else None,
        f"--max-unauthenticated-per-ip {config.max_unauthenticated_per_ip}"
        if features.max_unauthenticated_per_ip and config.max_unauthenticated_per_ip is not None
        else None,
    ]
    passed = [option for option in options if option]
    print(f"fixsession {checkout()}; server options passed: "
          f"{' '.join(passed) if passed else 'none of the new ones'}")  # fmt: skip
    print()
    print(
        "Hostile connections. Refused at once: the connect or TLS handshake was reset, or the "
        f"server closed it within {CLOSED_AT_ONCE:g} s; held: open longer; outlived hold: still "
        "open when the attacker gave up; close: from connect to the server's close, for those "
        "the server closed; out/in: bytes the server sent (and recorded) per byte it got"
    )
    print()
    rows = []
    for result in results:
        a = result.attack
        if not a.get("attempted"):
            rows.append([result.phase] + ["—"] * 9)
            continue
        rows.append([
            result.phase, f"{a['attempted']:,}",
            f"{a['refused_at_once']:,} / {a['refused_single_ip']:,}",
            f"{a['closed_later']:,}", f"{a['outlived_hold']:,}", f"{a['connect_timeouts']:,}",
            f"{fmt(a['close_median_s'], '.2f')} / {fmt(a['close_max_s'], '.2f')}",
            f"{a['peak_held']:,} / {a['peak_held_single_ip']:,} / "
            f"{a['peak_held_per_spread_ip']:,}",
            ratio(a["bytes_from_server"], a["bytes_to_server"]),
            ratio(result.record_bytes, a["bytes_to_server"]),
        ])  # fmt: skip
    header = ["phase", "conns", "refused at once: all / 127.0.0.2", "held, then closed",
              "outlived hold", "connect timeouts", "close p50 / max s",
              "peak held: all / 127.0.0.2 / per spread IP", "out/in", "recorded/in"]  # fmt: skip
    table(header, rows)
    print("Server process")
    print()
    rows = []
    for result in results:
        exit_time = fmt(result.exit_seconds, ".2f") if result.exit_status is not None else "—"
        rows.append([
            result.phase, fmt(result.rss_before_mib), fmt(result.rss_peak_mib),
            fmt(result.rss_after_mib), fmt(result.fds_peak),
            f"{fmt(result.server_cpu_seconds, '.1f')} / {fmt(result.attack_seconds, '.1f')}",
            exit_time,
            str(result.exit_status), fmt(result.stderr_lines), fmt(result.stderr_tracebacks),
        ])  # fmt: skip
    header = ["phase", "RSS before MiB", "RSS peak MiB", "RSS after MiB", "fds peak",
              "server CPU s / attack s", "SIGTERM→exit s", "exit status", "stderr lines",
              "Tracebacks"]  # fmt: skip
    table(header, rows)
    print("Legitimate client from 127.0.0.1, in its own process (Logon: connect, TLS handshake, "
          "signed Logon answered; orders one at a time)")  # fmt: skip
    print()
    rows = []
    for result in results:
        base, during = result.baseline, result.during or {}
        failures = during.get("failures", [])
        probes = during.get("probes", 0)
        rows.append([
            result.phase, fmt(median(base.get("logon_ms", [])), ".1f"),
            fmt(median(base.get("order_ms", [])), ".2f"), f"{probes - len(failures)} / {probes}",
            f"{fmt(median(during.get('logon_ms', [])), '.1f')} / "
            f"{fmt(maximum(during.get('logon_ms', [])), '.1f')}",
            f"{fmt(median(during.get('order_ms', [])), '.2f')} / "
            f"{fmt(maximum(during.get('order_ms', [])), '.2f')}",
            "FAILED: " + failures[0][:70] if failures else ("—" if not probes else "ok"),
        ])  # fmt: skip
    header = ["phase", "baseline Logon ms", "baseline order p50 ms", "probes ok / run",
              "Logon p50 / max ms", "order p50 / max ms", "during the attack"]  # fmt: skip
    table(header, rows, text_last=True)
    print("Notes")
    print()
    for result in results:
        lines = [f"{key}: {value}" for key, value in result.notes.items()]
        failures = result.attack.get("connect_failures") or {}
        if failures:
            lines.append(
                "connect failures: " + ", ".join(f"{n:,} × {k}" for k, n in failures.items())
            )
        if result.record_bytes is not None:
            lines.append(f"recorded: {result.record_bytes / 2**20:,.1f} MiB")
        lines += [f"stderr: {line}" for line in result.stderr_common]
        lines += [f"baseline legitimate client: {f}" for f in result.baseline.get("failures", [])]
        probe_failures = (result.during or {}).get("failures") or []
        lines += [f"legitimate client: {failure}" for failure in probe_failures[:5]]
        if result.error:
            lines.append(f"ERROR in this phase: {result.error}")
        if lines:
            print(f"- {result.phase}")
            for line in lines:
                print(f"    {line}")
    print()


# -- command line --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Shapes: " + ", ".join(SHAPES) + ". Each runs against its own server, plain and "
        "TLS unless --transport says otherwise. See the module docstring for what each does.",
    )  # fmt: skip
    parser.add_argument("--quick", action="store_true",
                        help="200 connections, 1,000 bad Logons, 2 s floods, holds of at most "
                        f"{QUICK_MAX_HOLD:g} s: about a minute")  # fmt: skip
    parser.add_argument("--only", metavar="SHAPE[,SHAPE]",
                        help="run only these shapes (" + ", ".join(SHAPES) + ")")  # fmt: skip
    parser.add_argument("--transport", choices=("plain", "tls", "both"), default="both",
                        help="plain TCP, TLS, or both (default)")  # fmt: skip
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument("--logs", metavar="DIR",
                        help="keep each server's stderr there, as PHASE.stderr.txt")  # fmt: skip
    parser.add_argument("--connections", type=int, metavar="N",
                        help="hostile connections per connection shape (default 1,000; "
                        "--quick 200)")  # fmt: skip
    parser.add_argument("--spread", type=int, default=100, metavar="N",
                        help="half of the hostile connections come from 127.0.0.2, the other "
                        "half round-robin from N addresses 127.0.1.1, 127.0.1.2, … (default "
                        "100: a per-IP cap shows on 127.0.0.2, a global cap on the total); 0 "
                        "sends them all from 127.0.0.2")  # fmt: skip
    parser.add_argument(
        "--logon-timeout",
        type=float,
        default=3.0,
        metavar="SECONDS",
        help="passed to fixsession serve if it has the option (default 3)",
    )
    parser.add_argument(
        "--max-unauthenticated",
        type=int,
        metavar="N",
        help="passed to fixsession serve if given and it has the option",
    )
    parser.add_argument(
        "--max-unauthenticated-per-ip",
        type=int,
        metavar="N",
        help="passed to fixsession serve if given and it has the option",
    )
    parser.add_argument("--hold", type=float, metavar="SECONDS",
                        help="how long attackers keep a connection the server does not close "
                        "(default: the server's logon timeout + 5 s; --quick: + 2 s, at most "
                        f"{QUICK_MAX_HOLD:g} s); still open then: 'outlived hold'")  # fmt: skip
    parser.add_argument("--bad-logons", type=int, metavar="N",
                        help="Logons with a wrong signature, one in ten with an unknown API key "
                        "(default 10,000; --quick 1,000)")  # fmt: skip
    parser.add_argument(
        "--bad-logon-batch",
        type=int,
        default=50,
        metavar="N",
        help="bad Logons in flight at once (default 50)",
    )
    parser.add_argument("--logon-spread", type=int, default=1000, metavar="N",
                        help="bad Logons come round-robin from N addresses 127.1.0.1, … "
                        "(default 1,000: under Binance's 15 connection attempts per IP per "
                        "30 s, so that each signature is checked)")  # fmt: skip
    parser.add_argument(
        "--garbage-writers",
        type=int,
        default=4,
        metavar="N",
        help="connections flooding garbage at once (default 4)",
    )
    parser.add_argument(
        "--garbage-seconds",
        type=float,
        metavar="SECONDS",
        help="how long the floods last (default 5; --quick 2)",
    )
    parser.add_argument(
        "--no-record",
        action="store_true",
        help="run the flood phases without --record (no recorded/in figure)",
    )
    parser.add_argument("--record-cap-mb", type=int, default=1024, metavar="MIB",
                        help="stop a flood once the server's record folder passes this (default "
                        "1024)")  # fmt: skip
    parser.add_argument(
        "--clients",
        type=int,
        default=50,
        metavar="N",
        help="logged-on clients sending orders in the sigterm shape (default 50)",
    )
    parser.add_argument(
        "--load-seconds",
        type=float,
        metavar="SECONDS",
        help="how long they send orders before SIGTERM (default 2; --quick 1)",
    )
    parser.add_argument("--probe-interval", type=float, default=2.5, metavar="SECONDS",
                        help="the legitimate client logs on again every SECONDS during an "
                        "attack (default 2.5; at most 12 Logons per 30 s)")  # fmt: skip
    parser.add_argument(
        "--probe-orders",
        type=int,
        metavar="N",
        help="orders per legitimate Logon (default 10; --quick 5)",
    )
    parser.add_argument("--legit-client", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.only:
        unknown = set(args.only.split(",")) - set(SHAPES)
        if unknown:
            parser.error(f"unknown shape(s): {', '.join(sorted(unknown))}")
    if args.clients > LOAD_ACCOUNTS * 10:
        parser.error(f"--clients: at most {LOAD_ACCOUNTS * 10} (10 connections per account)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.legit_client:
        interval = args.probe_interval
        asyncio.run(legit_service(Path(args.legit_client), interval, args.probe_orders or 10))
        return 0
    config = Config.from_args(args)
    shapes = [s for s in SHAPES if not args.only or s in args.only.split(",")]
    transports = {"plain": [False], "tls": [True], "both": [False, True]}[args.transport]
    phases = [(shape, tls) for shape in shapes for tls in transports]
    features = Features.detect()
    for option, present in (
        ("--logon-timeout", features.logon_timeout),
        ("--max-unauthenticated", features.max_unauthenticated),
        ("--max-unauthenticated-per-ip", features.max_unauthenticated_per_ip),
    ):
        if not present:
            print(f"note: fixsession serve has no {option}; not passed", file=sys.stderr)
    if not features.logon_timeout:
        print(f"note: the server's logon timeout is taken to be {SERVER_LOGON_TIMEOUT:g} s",
              file=sys.stderr)  # fmt: skip
    limit = raise_fd_limit(4 * config.connections + 1000)
    if limit < 2 * config.connections + 200:
        print(f"warning: only {limit} file descriptors allowed (ulimit -n)", file=sys.stderr)
    hold = effective_hold(config, features)
    print(f"{len(phases)} phases; file descriptors: {limit:,} (the server inherits it); "
          f"hold {hold:g} s", file=sys.stderr)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="fixsession-stress-") as folder:
        material = Material.make(Path(folder))
        results = asyncio.run(run_all(phases, config, material, features))
        if args.logs:
            logs = Path(args.logs)
            logs.mkdir(parents=True, exist_ok=True)
            for stderr in Path(folder).glob("stderr-*.txt"):
                shutil.copyfile(stderr, logs / f"{stderr.stem.removeprefix('stderr-')}.stderr.txt")
    report(results, config, features, hold)
    if args.json:
        Path(args.json).write_text(json.dumps({
            "config": dataclasses.asdict(config),
            "features": dataclasses.asdict(features),
            "hold": hold,
            "results": [dataclasses.asdict(result) for result in results],
        }, indent=2))  # fmt: skip
    return 1 if any(result.error for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
