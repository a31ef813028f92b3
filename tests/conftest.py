"""Shared test fixtures: where ../shared is, and skipping cleanly when it is absent."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from e2e import Certificate, Endpoint, make_certificate, start_endpoint
from hypothesis import HealthCheck, settings

from fixsession import speedups
from fixsession.spec import SessionType
from fixsession.speedups import pure_python

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["pytester"]

SHARED = Path(os.environ.get("FIXSESSION_SHARED", ROOT.parent / "shared")) / "binance"


def shared_file(name: str) -> Path:
    """A file of Binance's published material in ../shared, or skip the test."""
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"{path} is not here (Binance's published files live in ../shared)")
    return path


# -- the C speedups and the pure-Python code they stand in for -----------------------------------


@pytest.fixture(scope="module", params=["C speedups", "pure Python"])
def implementation(request: pytest.FixtureRequest) -> Iterator[str]:
    """Runs a module's tests with fixsession's C speedups, then with its pure-Python code."""
    if request.param == "pure Python":
        with pure_python():
            yield request.param
        return
    if not speedups.enabled():
        pytest.skip("fixsession._speedups is not built (no C compiler at install)")
    yield request.param


# -- end-to-end: real acceptors on loopback ------------------------------------------------------


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed TLS certificate for localhost and 127.0.0.1, made for this run."""
    return make_certificate(tmp_path_factory.mktemp("tls"))


Start = Callable[..., Awaitable[Endpoint]]


@pytest.fixture(params=["library", "cli"])
async def start(request: pytest.FixtureRequest, certificate: Certificate) -> AsyncIterator[Start]:
    """Start acceptors of one kind: ``aio.Server`` in process, or ``fixsession serve``.

    Each is stopped at the end (the process by SIGTERM, which must exit 0).
    """
    started: list[Endpoint] = []

    async def start_endpoint_(
        session_type: SessionType = SessionType.ORDER_ENTRY, **options: object
    ) -> Endpoint:
        endpoint = await start_endpoint(request.param, certificate, session_type, **options)  # type: ignore[arg-type]
        started.append(endpoint)
        return endpoint

    yield start_endpoint_
    for endpoint in started:
        status = await endpoint.stop()
        assert status in (None, 0), f"fixsession serve exited {status}"
