"""The client and the venue on uvloop's event loop (the ``uvloop`` extra), over real loopback
sockets, plain and TLS: logon, an order and its report, garbage before Logon, a logout.
Skipped where uvloop is not installed (fixsession never requires it)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from e2e import API_KEY, PRIVATE_KEY, Certificate, Wire, start_endpoint
from test_e2e_client import accounts, order

from fixsession import client as fix_client
from fixsession.events import LoggedOut
from fixsession.venue import server as venue_server

uvloop = pytest.importorskip(
    "uvloop", reason="uvloop is not installed (pip install fixsession[uvloop])"
)


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run ``scenario`` on a new uvloop loop (a sync test: pytest-asyncio's loop is asyncio's)."""
    uvloop.run(asyncio.wait_for(scenario(), 30))


@pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
def test_an_order_round_trip_on_uvloop(tls: bool, certificate: Certificate) -> None:
    async def scenario() -> None:
        assert not isinstance(asyncio.get_running_loop(), asyncio.BaseEventLoop)
        server = await venue_server.serve(
            "127.0.0.1", 0, accounts=accounts(), tls=certificate.server() if tls else None
        )
        host, port = server.address
        async with fix_client.connect(
            host, port, api_key=API_KEY, private_key=PRIVATE_KEY, sender_comp_id="GW1",
            tls=certificate.client() if tls else False, server_hostname="localhost",
        ) as client:  # fmt: skip
            reports = [await client.request(order(f"o{n}")) for n in range(20)]
            assert [r.get(39) for r in reports] == ["0"] * 20
            assert [r.get(11) for r in reports] == [f"o{n}" for n in range(20)]
            await client.logout()
            assert LoggedOut in [type(event) async for event in client]
        await server.close()

    run(scenario)


def test_garbage_first_and_a_logon_after_it_on_uvloop() -> None:
    """uvloop may deliver a connection's first bytes before the server has let it in: they
    are kept for the session (up to a Logon's size), never lost or read twice."""

    async def scenario() -> None:
        server = await venue_server.serve("127.0.0.1", 0, accounts=accounts())
        host, port = server.address
        reader, writer = await asyncio.open_connection(host, port)
        wire = Wire(reader, writer, "GW2")
        answer = await wire.logon()
        assert answer.msg_type == "A"
        wire.send("D", "11=a|38=1|40=2|44=10|54=1|55=BTCUSDT|59=1|")
        report = await wire.expect("8")
        assert report.get(11) == "a" and report.get(39) == "0"
        wire.close()
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(b"x" * 10_000)  # over a Logon's size, before Logon: closed
        answer_bytes = await asyncio.wait_for(reader.read(), 10)  # to the end: closed
        assert len(answer_bytes) <= 10_000
        async with asyncio.timeout(10):  # the server forgets it once its task has ended
            while server.unauthenticated:
                await asyncio.sleep(0.01)
        await server.close()

    run(scenario)


async def test_serve_runs_on_uvloop_when_asked(certificate: Certificate) -> None:
    """``fixsession serve --loop uvloop``, TLS, and a client on asyncio's loop."""
    endpoint = await start_endpoint("cli-uvloop", certificate)
    try:
        client = await endpoint.connect()
        report = await client.request(order("u1"))
        assert report.get(39) == "0" and report.get(11) == "u1"
        await client.logout()
    finally:
        assert await endpoint.stop() == 0
