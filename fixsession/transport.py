"""One connection's engine, shared by the gateway's client and the venue's server.

Owns moving bytes and time for one sans-I/O session: the task that reads the socket and runs
the session's timers (``tick`` at ``next_deadline``), writing what the session has to send
before any ``await`` (so MsgSeqNum order is wire order), recording the traffic, cutting off a
peer that does not read, and the fault barrier (an unexpected exception ends that session
through its normal path, logged once). Also opening TCP/TLS streams and the TLS helpers a
loopback test needs. No FIX rule lives here: the session decides, the owner acts on events.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import ipaddress
import logging
import os
import ssl
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from fixsession import binance
from fixsession.events import Event, LoggedOn
from fixsession.recording import Recorder
from fixsession.session import Session

log = logging.getLogger("fixsession")
READ_SIZE: Final = 65536
DEFAULT_MAX_WRITE_BUFFER: Final = 4 * 1024 * 1024


class Connection:
    """One connection and its session: the task that reads and runs the session's timers.

    ``flush`` writes what the session has to send at once, before any ``await``, so the
    order of MsgSeqNum is the order on the wire.
    """

    def __init__(
        self,
        session: Session,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        deliver: Callable[[Connection, Event], Awaitable[None]],
        max_write_buffer: int = DEFAULT_MAX_WRITE_BUFFER,
        recorder: Recorder | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.session = session
        self.reader = reader
        self.writer = writer
        self._deliver = deliver
        self._max_write_buffer = max_write_buffer
        self.recorder = recorder
        self._wall_clock = wall_clock
        self._timeout: asyncio.Timeout | None = None
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._run())

    def flush(self) -> None:
        data = self.session.data_to_send()
        if not data or self.writer.is_closing():
            return
        self.write(data)

    def write(self, data: bytes) -> None:
        """Write bytes (the session's, or raw ones) and record them."""
        self.writer.write(data)
        self._record(data, sent=True)
        if self.writer.transport.get_write_buffer_size() > self._max_write_buffer:
            log.warning("%r: the peer does not read; closing the connection", self.session)
            self.writer.transport.abort()
            self.session.connection_lost(asyncio.get_running_loop().time())
        self.poke()

    def poke(self) -> None:
        """The session's next deadline may have moved earlier: wake the task in time."""
        deadline = self.session.next_deadline()
        timeout = self._timeout
        if timeout is not None and deadline is not None:
            current = timeout.when()
            if current is None or deadline < current:
                timeout.reschedule(deadline)

    def _record(self, data: bytes, *, sent: bool) -> None:
        """Record bytes; a recorder that fails (a full disk, …) is dropped, the session goes on."""
        recorder = self.recorder
        if recorder is None:
            return
        try:
            if sent:
                recorder.sent(data, self._wall_clock())
            else:
                recorder.received(data, self._wall_clock())
        except Exception:
            log.exception("%r: recording to %s failed; recording stopped", self.session,
                          recorder.path)  # fmt: skip
            self.recorder = None
            with contextlib.suppress(Exception):
                recorder.close(self._wall_clock())
            return
        if recorder.stopped is not None:
            log.warning("%r: recording to %s stopped: over its limit %s", self.session,
                        recorder.path, recorder.stopped)  # fmt: skip
            self.recorder = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        session = self.session
        try:
            while not session.closed:
                try:
                    async with asyncio.timeout_at(session.next_deadline()) as timeout:
                        self._timeout = timeout
                        data = await self.reader.read(READ_SIZE)
                except TimeoutError:
                    session.tick(loop.time())
                else:
                    if data:
                        self._record(data, sent=False)
                        session.receive_data(data, loop.time())
                    else:
                        session.connection_lost(loop.time())
                finally:
                    self._timeout = None
                self.flush()
                for event in session.events():
                    if isinstance(event, LoggedOn) and self.recorder is not None:
                        self.recorder.logged_on()
                    await self._deliver(self, event)
        except (OSError, ssl.SSLError, asyncio.IncompleteReadError) as error:
            session.connection_lost(loop.time())
            log.info("%r: connection failed: %s", session, error)
            await self._deliver_all()
        except Exception:
            # The fault barrier: a bug while handling this connection ends this session
            # through its normal path (so the venue releases its CompID and slot, and a
            # client's callers get a typed error), and never another one.
            log.exception("%r: internal error; closing the session", session)
            try:
                session.fail(loop.time())
            except Exception:
                log.exception("%r: the session could not end cleanly", session)
            await self._deliver_all()
        finally:
            with contextlib.suppress(Exception):
                self.flush()
            if self.recorder is not None:
                with contextlib.suppress(Exception):
                    self.recorder.close(self._wall_clock())
            self.writer.close()
            with contextlib.suppress(OSError, ssl.SSLError, asyncio.TimeoutError):
                await asyncio.wait_for(self.writer.wait_closed(), 2.0)

    async def _deliver_all(self) -> None:
        """Deliver what the session still has to say after it ended, each event on its own."""
        for event in self.session.events():
            try:
                await self._deliver(self, event)
            except Exception:
                log.exception("%r: handling %s failed", self.session, type(event).__name__)


async def finish(links: list[Connection], timeout: float) -> None:
    """Wait up to ``timeout`` for the links' Logout handshakes, then cut the rest off."""
    tasks = [link.task for link in links if link.task is not None]
    if not tasks:
        return
    _, pending = await asyncio.wait(tasks, timeout=timeout)
    if not pending:
        return
    for link in links:
        if link.task in pending:
            link.writer.transport.abort()
    _, pending = await asyncio.wait(pending, timeout=1.0)
    for task in pending:
        task.cancel()


async def open_stream(
    host: str,
    port: int,
    tls: ssl.SSLContext | None,
    server_hostname: str | None = None,
    local_addr: tuple[str, int] | None = None,
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A TCP connection (from ``local_addr`` if given), with TLS unless ``tls`` is None
    (SNI: ``server_hostname``, else ``host``)."""
    if tls is None:
        return await asyncio.open_connection(host, port, local_addr=local_addr)
    return await asyncio.open_connection(
        host, port, ssl=tls, server_hostname=server_hostname or host, local_addr=local_addr
    )


def capture_path(folder: Path, name: str, epoch: float) -> Path:
    """A new capture file in ``folder``: the UTC time, then ``name``."""
    stamp = binance.format_sending_time(epoch, 6).replace(":", "").replace(".", "-")
    return folder / f"{stamp}-{name}.fixlog"


# -- TLS for loopback tests --------------------------------------------------------------------


def self_signed_certificate(hostname: str = "localhost") -> tuple[bytes, bytes]:
    """A throw-away certificate (PEM) for ``hostname`` and 127.0.0.1, and its key (PEM).

    For a local acceptor in tests and demos; the client trusts it with
    ``ssl.create_default_context(cadata=cert.decode())``. Never for production.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(hostname), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = certificate.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert_pem, key_pem


def server_tls(cert_pem: bytes, key_pem: bytes) -> ssl.SSLContext:
    """A server TLS context from a certificate and key in PEM."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with tempfile.TemporaryDirectory() as folder:
        cert_path = os.path.join(folder, "cert.pem")
        key_path = os.path.join(folder, "key.pem")
        with open(cert_path, "wb") as handle:
            handle.write(cert_pem)
        with open(key_path, "wb") as handle:
            handle.write(key_pem)
        context.load_cert_chain(cert_path, key_path)
    return context


def client_tls(cert_pem: bytes) -> ssl.SSLContext:
    """A client TLS context that trusts ``cert_pem`` (verification and SNI stay on)."""
    return ssl.create_default_context(cadata=cert_pem.decode("ascii"))
