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
from collections.abc import Callable
from pathlib import Path
from typing import Final, cast

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from fixsession import binance, eventlog
from fixsession.events import Event, LoggedOn
from fixsession.recording import Recorder
from fixsession.session import Session

log = logging.getLogger("fixsession.transport")
READ_SIZE: Final = 65536
DEFAULT_MAX_WRITE_BUFFER: Final = 4 * 1024 * 1024
BURST: Final = 64
"""Frames a session may queue before they are written at once: a burst of sends (or a read of
many requests) leaves in writes of this many frames, so the peer starts on it before its end."""


Deliver = Callable[["Connection", list[Event]], None]
"""What a connection's owner does with the events its session reported, in order: one batch
per read or timer (synchronously)."""


class Connection(asyncio.Protocol):
    """One connection's engine: an asyncio Protocol driving one sans-I/O session.

    Bytes are handed to the session as they arrive (``data_received``), the session's timers
    run at ``next_deadline`` (one timer handle, moved only when the deadline comes earlier),
    and after each read or timer the session's events go to ``deliver`` and what it has to send
    is written at once, in MsgSeqNum order, before anything else can run. ``done`` resolves
    when the connection is gone. A peer that stops reading is cut off once
    ``max_write_buffer`` bytes wait for it. ``pause_reading``/``resume_reading`` let an owner
    hold the peer back (backpressure). Any unexpected exception while handling this
    connection ends its session through the normal path (``Session.fail``), logged once.
    """

    def __init__(
        self,
        session: Session,
        deliver: Deliver,
        max_write_buffer: int = DEFAULT_MAX_WRITE_BUFFER,
        recorder: Recorder | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.session = session
        self.deliver = deliver
        self._max_write_buffer = max_write_buffer
        self.recorder = recorder
        self._wall_clock = wall_clock
        self.loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self.done: asyncio.Future[None] = self.loop.create_future()
        self._timer: asyncio.TimerHandle | None = None
        self._message_log = eventlog.MessageLog(session) if eventlog.MessageLog.wanted() else None
        self._flush_soon: asyncio.Handle | None = None
        self._paused = False

    # -- asyncio.Protocol ----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self._guarded(self._after)

    def data_received(self, data: bytes) -> None:
        try:  # (``_guarded(self._received, data)``, inline: once per read)
            if self._message_log is not None or self.recorder is not None:
                self._record(data, sent=False)
            self.session.receive_data(data, self.loop.time())
            self._after()
        except Exception:
            self._internal_error()

    def eof_received(self) -> bool:
        self._guarded(self._lost)
        return False  # close

    def connection_lost(self, exc: Exception | None) -> None:
        if exc is not None and not self.session.closed:
            log.info("%s: connection failed: %s", eventlog.label(self.session), exc)
        self._guarded(self._lost)
        self._cancel_timer()
        if self._message_log is not None:
            with contextlib.suppress(Exception):
                self._message_log.close(self._wall_clock())
            self._message_log = None
        if self.recorder is not None:
            with contextlib.suppress(Exception):
                self.recorder.close(self._wall_clock())
            self.recorder = None
        if not self.done.done():
            self.done.set_result(None)

    # -- writing -------------------------------------------------------------------------------

    def flush(self) -> None:
        """Write what the session has to send, now (once there is a transport: a TLS server
        may hand over bytes before ``connection_made``)."""
        if self.transport is None:
            return
        data = self.session.data_to_send()
        if data:
            self.write(data)

    def flush_soon(self) -> None:
        """Write what the session has to send at the end of this loop iteration, so that
        messages sent in a burst leave in one write; at once when ``BURST`` frames wait, so
        that a long burst does not keep the peer idle until its end."""
        if self.session.queued >= BURST:
            self.flush()
        elif self._flush_soon is None:
            self._flush_soon = self.loop.call_soon(self._flush_now)

    def _flush_now(self) -> None:
        self._flush_soon = None
        self._guarded(self._after)

    def write(self, data: bytes) -> None:
        """Write bytes (the session's, or raw ones) and record them."""
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        transport.write(data)
        if self._message_log is not None or self.recorder is not None:
            self._record(data, sent=True)
        if transport.get_write_buffer_size() > self._max_write_buffer:
            who = eventlog.label(self.session)
            log.warning("%s: the peer does not read; closing the connection", who)
            transport.abort()

    def pause_reading(self) -> None:
        """Stop reading the peer (TCP then holds it back) until ``resume_reading``."""
        if not self._paused and self.transport is not None and not self.transport.is_closing():
            self._paused = True
            self.transport.pause_reading()

    def resume_reading(self) -> None:
        """Read the peer again after ``pause_reading``."""
        if self._paused and self.transport is not None and not self.transport.is_closing():
            self._paused = False
            self.transport.resume_reading()

    def abort(self) -> None:
        """Drop the connection at once (no more bytes either way)."""
        if self.transport is not None:
            self.transport.abort()

    # -- the session ---------------------------------------------------------------------------

    def _lost(self) -> None:
        if not self.session.closed:
            self.session.connection_lost(self.loop.time())
            self._after()

    def _tick(self) -> None:
        self._timer = None
        self.session.tick(self.loop.time())
        self._after()

    def _after(self) -> None:
        """Hand the session's events on, write what it has to send, keep its timer."""
        session = self.session
        events = session.events()
        if events:
            if self.recorder is not None and any(type(event) is LoggedOn for event in events):
                self.recorder.logged_on()
            eventlog.log_events(session, events)
            self.deliver(self, events)
        self.flush()
        if session.closed:
            self._cancel_timer()
            if self.transport is not None and not self.transport.is_closing():
                self.transport.close()  # after what is buffered
        else:
            self._arm(session.next_deadline())

    def _arm(self, deadline: float | None) -> None:
        """Make the timer fire by ``deadline``: a later deadline keeps the timer (it fires
        early, ticks nothing, and is set again), an earlier one moves it."""
        timer = self._timer
        if deadline is None:
            self._cancel_timer()
        elif timer is None or deadline < timer.when():
            if timer is not None:
                timer.cancel()
            self._timer = self.loop.call_at(deadline, self._guarded, self._tick)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _guarded(self, step: Callable[..., None], *args: object) -> None:
        """Run ``step``; an unexpected exception in it (a bug, by definition) ends this
        session through its normal path, and never another one: the fault barrier."""
        try:
            step(*args)
        except Exception:
            self._internal_error()

    def _internal_error(self) -> None:
        """The fault barrier's catch (called in an ``except`` block): log, end the session."""
        log.exception("%s: internal error; closing the session", eventlog.label(self.session))
        self._fail()

    def _fail(self) -> None:
        session = self.session
        try:
            session.fail(self.loop.time())
        except Exception:
            log.exception("%r: the session could not end cleanly", session)
        for event in session.events():
            try:
                self.deliver(self, [event])
            except Exception:
                log.exception("%r: handling %s failed", session, type(event).__name__)
        with contextlib.suppress(Exception):
            self.flush()
        self._cancel_timer()
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def _record(self, data: bytes, *, sent: bool) -> None:
        """Record bytes; a recorder that fails (a full disk, …) is dropped, the session goes on."""
        if self._message_log is not None:
            self._message_log.add(data, sent=sent, epoch=self._wall_clock())
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


async def finish(links: list[Connection], timeout: float) -> None:
    """Wait up to ``timeout`` for the connections to end (their Logout handshakes), then
    cut the rest off."""
    waiting = [link.done for link in links if not link.done.done()]
    if not waiting:
        return
    _, pending = await asyncio.wait(waiting, timeout=timeout)
    if not pending:
        return
    for link in links:
        if link.done in pending:
            link.abort()
    await asyncio.wait(pending, timeout=1.0)


async def open_connection(
    host: str,
    port: int,
    connection: Callable[[], Connection],
    tls: ssl.SSLContext | None,
    server_hostname: str | None = None,
    local_addr: tuple[str, int] | None = None,
) -> Connection:
    """A TCP connection (from ``local_addr`` if given), with TLS unless ``tls`` is None
    (SNI: ``server_hostname``, else ``host``), run by the ``Connection`` made by
    ``connection``."""
    loop = asyncio.get_running_loop()
    if tls is None:
        _, protocol = await loop.create_connection(connection, host, port, local_addr=local_addr)
    else:
        _, protocol = await loop.create_connection(
            connection, host, port, ssl=tls, server_hostname=server_hostname or host,
            local_addr=local_addr,
        )  # fmt: skip
    return protocol


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
