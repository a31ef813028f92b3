"""Busy polling (``fixsession.busypoll``): the selector finds what is ready while it spins,
keeps a timer's time, and blocks like any selector once the spin is over; the client and the
venue run on busy-polling loops over real loopback sockets, in-process and as ``fixsession
serve --busy-poll``."""

from __future__ import annotations

import asyncio
import selectors
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from e2e import API_KEY, PRIVATE_KEY, Certificate, start_endpoint
from test_e2e_client import accounts, order

from fixsession import busypoll
from fixsession import client as fix_client
from fixsession.venue import server as venue_server


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    left, right = socket.socketpair()
    yield left, right
    left.close()
    right.close()


def test_what_is_ready_is_found_at_once(pair: tuple[socket.socket, socket.socket]) -> None:
    left, right = pair
    with busypoll.BusyPollSelector(0.005) as selector:
        selector.register(right, selectors.EVENT_READ)
        left.send(b"x")
        began = time.perf_counter()
        ready = selector.select(None)
        assert [key.fileobj for key, _ in ready] == [right]
        assert time.perf_counter() - began < 0.005  # found while spinning, not after the spin


def test_bytes_that_land_during_the_spin_end_it(pair: tuple[socket.socket, socket.socket]) -> None:
    left, right = pair
    with busypoll.BusyPollSelector(0.01) as selector:
        selector.register(right, selectors.EVENT_READ)
        sender = threading.Timer(0.002, left.send, (b"x",))
        sender.start()
        ready = selector.select(5.0)
        sender.join()
        assert [key.fileobj for key, _ in ready] == [right]


def test_a_timeout_shorter_than_the_spin_is_kept(pair: tuple[socket.socket, socket.socket]) -> None:
    _, right = pair
    with busypoll.BusyPollSelector(0.01) as selector:
        selector.register(right, selectors.EVENT_READ)
        took = []
        for _ in range(5):  # (the least of five: a busy machine may preempt one)
            began = time.perf_counter()
            assert selector.select(0.002) == []
            took.append(time.perf_counter() - began)
        assert 0.002 <= min(took) < 0.008  # not the whole 10 ms spin


def test_after_the_spin_it_blocks_for_the_rest_of_the_timeout(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    _, right = pair
    with busypoll.BusyPollSelector(0.001) as selector:
        selector.register(right, selectors.EVENT_READ)
        began, cpu = time.perf_counter(), time.process_time()
        assert selector.select(0.05) == []
        assert time.perf_counter() - began >= 0.05
        assert time.process_time() - cpu < 0.03  # slept (most of) it, did not spin it


@pytest.mark.parametrize("spin", [-1e-6, 0.5, float("nan")])
def test_a_spin_out_of_range_is_refused(spin: float) -> None:
    with pytest.raises(ValueError, match=r"spin must be from 0 to 0\.01 seconds"):
        busypoll.loop_factory(spin)


def test_the_client_and_the_venue_trade_on_busy_polling_loops() -> None:
    async def scenario() -> list[str | None]:
        loop = asyncio.get_running_loop()
        assert isinstance(loop._selector, busypoll.BusyPollSelector)  # type: ignore[attr-defined]
        server = await venue_server.serve("127.0.0.1", 0, accounts=accounts())
        host, port = server.address
        async with fix_client.connect(
            host, port, api_key=API_KEY, private_key=PRIVATE_KEY, sender_comp_id="GW1",
            tls=False,
        ) as client:  # fmt: skip
            reports = [await client.request(order(f"b{n}")) for n in range(50)]
            await client.logout()
        await server.close()
        return [report.get(11) for report in reports]

    assert busypoll.run(scenario(), spin=200e-6) == [f"b{n}" for n in range(50)]


async def test_serve_busy_polls_when_asked(certificate: Certificate) -> None:
    endpoint = await start_endpoint("cli-busy-poll", certificate)
    try:
        client = await endpoint.connect()
        reports = [await client.request(order(f"p{n}")) for n in range(20)]
        assert [(r.get(39), r.get(11)) for r in reports] == [("0", f"p{n}") for n in range(20)]
        await client.logout()
    finally:
        assert await endpoint.stop() == 0
