"""End-to-end test parts: a real acceptor (in process, or ``fixsession serve`` as a process)
on loopback with real TLS, and a raw FIX client that can send what a real Initiator never
would (crafted Logons, gaps, garbled frames) and read Binance's exact answers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import ssl
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from memory import API_KEY, PRIVATE_KEY

from fixsession import client as fix_client
from fixsession import transport
from fixsession.binance import Limit
from fixsession.message import Message
from fixsession.spec import SessionType
from fixsession.tools.probe import RawClient
from fixsession.venue import server as venue_server
from fixsession.venue.accounts import Accounts
from fixsession.venue.exchange import Exchange

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Certificate:
    cert: bytes
    key: bytes
    folder: Path

    @property
    def cert_path(self) -> Path:
        return self.folder / "cert.pem"

    @property
    def key_path(self) -> Path:
        return self.folder / "key.pem"

    def client(self) -> ssl.SSLContext:
        return transport.client_tls(self.cert)

    def server(self) -> ssl.SSLContext:
        return transport.server_tls(self.cert, self.key)


def make_certificate(folder: Path) -> Certificate:
    cert, key = transport.self_signed_certificate()
    (folder / "cert.pem").write_bytes(cert)
    (folder / "key.pem").write_bytes(key)
    return Certificate(cert, key, folder)


def public_pem(key: Ed25519PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@dataclass
class Endpoint:
    """A running acceptor: ``library`` (an ``venue_server.Server`` in this process) or ``cli``
    (``fixsession serve`` in a child process)."""

    kind: str
    session_type: SessionType
    host: str
    port: int
    certificate: Certificate
    server: venue_server.Server | None = None
    process: asyncio.subprocess.Process | None = None
    stderr: list[bytes] = field(default_factory=list)

    async def stop(self) -> int | None:
        """Stop the acceptor (SIGTERM for the process); the process's exit status."""
        if self.server is not None:
            await self.server.close()
            return None
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(15):
            return await self.process.wait()

    def start_maintenance(self) -> None:
        if self.server is not None:
            self.server.start_maintenance(30.0)
        else:
            assert self.process is not None
            self.process.send_signal(signal.SIGUSR1)

    async def connect(self, **options: object) -> fix_client.Client:
        """A library client, logged on."""
        defaults: dict[str, object] = {
            "api_key": API_KEY, "private_key": PRIVATE_KEY, "session_type": self.session_type,
            "tls": self.certificate.client(), "server_hostname": "localhost",
        }  # fmt: skip
        return await fix_client.connect(self.host, self.port, **{**defaults, **options})  # type: ignore[arg-type]

    async def wire(self, comp_id: str = "GW1") -> Wire:
        """A raw client, connected but not logged on."""
        reader, writer = await asyncio.open_connection(
            self.host, self.port, ssl=self.certificate.client(), server_hostname="localhost"
        )
        return Wire(reader, writer, comp_id)


async def start_endpoint(
    kind: str,
    certificate: Certificate,
    session_type: SessionType = SessionType.ORDER_ENTRY,
    message_limit: Limit | None = None,
    order_limit: Limit | None = None,
    **server_options: object,
) -> Endpoint:
    if kind == "library":
        if order_limit is not None:
            server_options["exchange"] = Exchange(wall_clock=time.time, order_limits=(order_limit,))
        accounts = Accounts({API_KEY: PRIVATE_KEY.public_key()})
        if message_limit is not None:
            accounts.set_message_limit(session_type, message_limit)
        server = await venue_server.serve(
            "127.0.0.1", 0, accounts=accounts, session_type=session_type,
            tls=certificate.server(), **server_options,  # type: ignore[arg-type]
        )  # fmt: skip
        assert server.address is not None
        return Endpoint(kind, session_type, *server.address, certificate, server=server)
    keys = certificate.folder / "keys.json"
    keys.write_text(json.dumps({API_KEY: public_pem(PRIVATE_KEY)}))
    flags = ["--tls-cert", str(certificate.cert_path), "--tls-key", str(certificate.key_path)]
    if kind == "cli-uvloop":
        flags += ["--loop", "uvloop"]
    if kind == "cli-busy-poll":
        flags += ["--busy-poll", "200"]
    if message_limit is not None:
        flags += ["--message-limit", f"{message_limit.count}/{message_limit.seconds:g}"]
    if order_limit is not None:
        flags += ["--order-limit", f"{order_limit.count}/{order_limit.seconds:g}"]
    process, port = await spawn_serve(keys, *flags, session_type=session_type)
    return Endpoint(kind, session_type, "127.0.0.1", port, certificate, process=process)


async def spawn_serve(
    keys: Path, *flags: str, session_type: SessionType = SessionType.ORDER_ENTRY
) -> tuple[asyncio.subprocess.Process, int]:
    """``fixsession serve`` in a child process, on 127.0.0.1 with ``keys`` and ``flags`` (its
    TLS choice among them); the process, once it said where it listens, and its port."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "fixsession", "serve", "--listen", "127.0.0.1:0",
        "--session-type", session_type.value, "--keys", str(keys), *flags,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert process.stdout is not None
    async with asyncio.timeout(30):
        line = (await process.stdout.readline()).decode()
    assert line.startswith("listening on 127.0.0.1:"), line
    return process, int(line.rsplit(":", 1)[1])


@contextlib.asynccontextmanager
async def serving(
    folder: Path, *flags: str, session_type: SessionType = SessionType.ORDER_ENTRY
) -> AsyncIterator[tuple[asyncio.subprocess.Process, int]]:
    """``spawn_serve`` with the test key in ``folder``/keys.json; stopped by SIGTERM at the
    end of the block, which it must answer with exit status 0."""
    keys = folder / "keys.json"
    keys.write_text(json.dumps({API_KEY: public_pem(PRIVATE_KEY)}))
    process, port = await spawn_serve(keys, *flags, session_type=session_type)
    try:
        yield process, port
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0


class Wire:
    """A FIX client with no rules of its own (``probe.RawClient``), with the test's key:
    it sends exactly what a test asks for and reads back messages."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, comp_id: str
    ) -> None:
        self.raw = RawClient(
            reader, writer, comp_id=comp_id, api_key=API_KEY, private_key=PRIVATE_KEY
        )
        self.writer = writer

    @property
    def seq(self) -> int:
        return self.raw.seq

    def frame(self, msg_type: str, body: str = "", **options: object) -> bytes:
        """A frame with the header filled in ('|' in ``body`` stands for SOH); uses up a
        MsgSeqNum unless ``seq`` is given."""
        return self.raw.frame(msg_type, body, **options)  # type: ignore[arg-type]

    def send(self, msg_type: str, body: str = "", **options: object) -> None:
        self.raw.send(self.frame(msg_type, body, **options))

    def logon_frame(self, **options: object) -> bytes:
        return self.raw.logon_frame(**options)  # type: ignore[arg-type]

    async def logon(self, **options: object) -> Message:
        """Send a signed Logon; the answer."""
        self.raw.send(self.logon_frame(**options))
        return await self.receive()

    async def receive(self, timeout: float = 10.0) -> Message:
        """The next message (heartbeats included); ValueError on a garbled one."""
        return await self.raw.receive_message(timeout)

    async def expect(self, msg_type: str, timeout: float = 10.0) -> Message:
        """The next message of ``msg_type``, skipping heartbeats and market-data updates."""
        while True:
            message = await self.receive(timeout)
            if message.msg_type == msg_type:
                return message
            assert message.msg_type in ("0", "X", "B"), message

    async def closed(self, timeout: float = 10.0) -> list[Message]:
        """Read until the acceptor closes the connection; what came before."""
        messages = []
        async with asyncio.timeout(timeout):
            while True:
                try:
                    messages.append(await self.receive(timeout))
                except (EOFError, ConnectionError):
                    return messages

    def close(self) -> None:
        self.raw.close()


def text(message: Message) -> str:
    """A message as '|'-separated fields, for readable assertions on exact replies."""
    return message.encode().decode().replace("\x01", "|")


class CuttingProxy:
    """A TCP proxy on loopback that can cut a connection in the middle of what the server
    sends: ``cut()`` forwards half of the server's next chunk, then drops both sides."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self._cut = asyncio.Event()
        self.server: asyncio.Server | None = None
        self.port = 0
        self.connections = 0

    async def start(self) -> CuttingProxy:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    def cut(self) -> None:
        self._cut.set()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)

        async def pump(
            source: asyncio.StreamReader, sink: asyncio.StreamWriter, cuts: bool
        ) -> None:
            while data := await source.read(65536):
                if cuts and self._cut.is_set():
                    self._cut.clear()
                    sink.write(data[: max(1, len(data) // 2)])
                    await sink.drain()
                    writer.transport.abort()
                    upstream_writer.transport.abort()
                    return
                sink.write(data)
                await sink.drain()
            sink.close()

        await asyncio.gather(
            pump(reader, upstream_writer, False),
            pump(upstream_reader, writer, True),
            return_exceptions=True,
        )

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
