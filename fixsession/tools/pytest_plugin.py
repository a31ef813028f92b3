"""pytest fixtures for a gateway's own tests: a Binance-compatible venue on loopback, a
logged-on client, captures replayed against the code under test. Loaded by pytest through
the ``pytest11`` entry point; needs ``pytest-asyncio``.

- ``fix_venue``: an acceptor (``Server``) listening on 127.0.0.1 for order entry, drop
  copy and market data, over TLS with a throw-away certificate, with a fresh Ed25519 API key
  registered. ``fix_venue.connect(...)`` logs a client on; ``host``, ``port(session_type)``,
  ``api_key``, ``private_key``, ``private_key_pem`` and ``client_tls`` are there for a gateway
  that connects by itself.
  ``@pytest.mark.fix_venue(seed=7, book_levels=5, feed_interval=0.05, ...)`` sets up its
  ``Exchange`` (any of its keyword arguments) for one test.
- ``fix_client``: a logged-on order-entry ``Client`` on ``fix_venue`` (logged out after).
- ``fix_scripted_acceptor``: ``await fix_scripted_acceptor(CAPTURE)`` listens on loopback and
  plays the capture's acceptor side to whatever connects; ``await acceptor.verify()`` raises
  ``AssertionError`` with a diff if the client did not send what the capture's client sent.
- ``assert_capture_replays(CAPTURE)``: replays a capture (check and session modes, with its
  sidecar) and raises ``AssertionError`` with the findings.
- ``sample_capture(NAME)``: the path of a capture shipped with the package (``SAMPLES``), so a
  gateway's suite can start from one before it has recordings of its own.

Owns wiring fixsession into pytest; nothing here is a FIX rule.
"""

from __future__ import annotations

import importlib.resources
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from os import PathLike
from pathlib import Path
from typing import Any, Final, TypeVar, cast

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixsession import recording
from fixsession.client import Client, connect
from fixsession.spec import SessionType
from fixsession.tools import probe, replay
from fixsession.tools.expectations import Expectation
from fixsession.transport import client_tls, self_signed_certificate, server_tls
from fixsession.venue.accounts import Accounts
from fixsession.venue.exchange import Exchange
from fixsession.venue.server import Server


def _needs_pytest_asyncio(function: Any) -> Any:
    def needs_pytest_asyncio(*args: Any, **kwargs: Any) -> Any:
        pytest.fail("fixsession's fixtures need pytest-asyncio (pip install pytest-asyncio)")

    needs_pytest_asyncio.__name__ = function.__name__
    return pytest.fixture(needs_pytest_asyncio)


try:
    from pytest_asyncio import fixture as _async_fixture
except ImportError:  # pragma: no cover -- the async fixtures then say what they need
    _async_fixture = _needs_pytest_asyncio  # type: ignore[assignment]

_Function = TypeVar("_Function", bound=Callable[..., Any])


def async_fixture(function: _Function) -> _Function:
    """pytest-asyncio's fixture decorator (in strict mode too), typed."""
    return cast(_Function, _async_fixture(function))


API_KEY = "fixsession-test-key"


class Venue:
    """The running test venue: where it listens and how to log on to it."""

    def __init__(self, server: Server, private_key: Ed25519PrivateKey, cert: bytes) -> None:
        self.server = server
        self.api_key = API_KEY
        self.private_key = private_key
        self.certificate_pem = cert
        self.host = "127.0.0.1"

    @property
    def private_key_pem(self) -> bytes:
        """The test key's PEM, for a gateway that reads its key from a file."""
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @property
    def client_tls(self) -> ssl.SSLContext:
        """A client TLS context that trusts the venue's certificate (name: localhost)."""
        return client_tls(self.certificate_pem)

    def port(self, session_type: SessionType | str = SessionType.ORDER_ENTRY) -> int:
        """The port the venue listens on (127.0.0.1)."""
        return self.server.addresses[SessionType(session_type)][1]

    def connect(
        self,
        session_type: SessionType | str = SessionType.ORDER_ENTRY,
        sender_comp_id: str | None = None,
        **options: Any,
    ) -> Any:
        """``connect`` to this venue: await it, or use it as ``async with``."""
        return connect(
            self.host, self.port(session_type), api_key=self.api_key,
            private_key=self.private_key, sender_comp_id=sender_comp_id,
            session_type=session_type, tls=self.client_tls, server_hostname="localhost",
            **options,
        )  # fmt: skip


@pytest.fixture(scope="session")
def fix_certificate() -> tuple[bytes, bytes]:
    """A throw-away TLS certificate for localhost and 127.0.0.1, and its key (PEM)."""
    return self_signed_certificate()


@async_fixture
async def fix_venue(
    fix_certificate: tuple[bytes, bytes], request: pytest.FixtureRequest
) -> AsyncIterator[Venue]:
    """A Binance-compatible venue on loopback for one test (see the module docstring)."""
    cert, key = fix_certificate
    private_key = Ed25519PrivateKey.generate()
    marker = request.node.get_closest_marker("fix_venue")
    exchange = Exchange(wall_clock=time.time, **(marker.kwargs if marker else {}))
    server = Server(
        accounts=Accounts({API_KEY: private_key.public_key()}), tls=server_tls(cert, key),
        exchange=exchange,
    )  # fmt: skip
    for session_type in SessionType:
        await server.start("127.0.0.1", 0, session_type)
    try:
        yield Venue(server, private_key, cert)
    finally:
        await server.close()


@async_fixture
async def fix_client(fix_venue: Venue) -> AsyncIterator[Client]:
    """A logged-on order-entry client of ``fix_venue``."""
    client: Client = await fix_venue.connect(sender_comp_id="TESTGW")
    try:
        yield client
    finally:
        await client.logout()


class ScriptedAcceptor:
    """A running ``probe.ScriptedAcceptor``: connect a gateway to ``host``/``port`` (TLS with
    ``client_tls``), then ``await verify()``."""

    def __init__(self, script: probe.ScriptedAcceptor, cert: bytes) -> None:
        self.script = script
        assert script.address is not None
        self.host, self.port = script.address
        self.client_tls = client_tls(cert)

    async def verify(self, timeout: float = 10.0) -> None:
        """Raise AssertionError, with a diff naming message and field, unless the gateway did
        what the capture did."""
        findings = await self.script.finish(timeout)
        if findings:
            raise AssertionError("the client did not do what the capture did:\n  "
                                 + "\n  ".join(findings))  # fmt: skip


@async_fixture
async def fix_scripted_acceptor(
    fix_certificate: tuple[bytes, bytes],
) -> AsyncIterator[Callable[..., Awaitable[ScriptedAcceptor]]]:
    """``await fix_scripted_acceptor(CAPTURE)``: the capture's acceptor side, played to the
    gateway under test (``pace=1.0`` keeps the capture's timing; see probe.ScriptedAcceptor)."""
    cert, key = fix_certificate
    started: list[probe.ScriptedAcceptor] = []

    async def start(path: str | PathLike[str], pace: float | None = None) -> ScriptedAcceptor:
        script = probe.ScriptedAcceptor(recording.read(path), pace=pace)
        await script.start("127.0.0.1", 0, server_tls(cert, key))
        started.append(script)
        return ScriptedAcceptor(script, cert)

    try:
        yield start
    finally:
        for script in started:
            await script.finish(0.1)


SAMPLES: Final = ("order-entry", "fill-market-order")
"""The captures shipped in the package (copies of ``captures/sessions/NAME``)."""


def sample_capture(name: str) -> Path:
    """The path of the shipped capture ``name`` (one of ``SAMPLES``); its sidecar is beside it."""
    if name not in SAMPLES:
        raise ValueError(f"no sample capture {name!r}; there are: {', '.join(SAMPLES)}")
    return Path(str(importlib.resources.files("fixsession.tools") / "samples" / f"{name}.fixlog"))


def assert_capture_replays(path: str | PathLike[str], mode: str = "auto") -> None:
    """Replay a capture as ``fixsession replay`` does; ``AssertionError`` with the findings."""
    sidecar = recording.read_sidecar(path)
    expectation = Expectation.from_json(sidecar) if sidecar else None
    outcome = replay.verify(recording.read(path), expectation, mode=mode)
    if not outcome.passed:
        raise AssertionError(f"{path} does not replay:\n  " + "\n  ".join(outcome.findings))


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``fix_venue`` marker."""
    config.addinivalue_line(
        "markers", "fix_venue(**options): the Exchange options of the test's fix_venue"
    )
