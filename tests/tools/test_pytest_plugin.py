"""The pytest plugin as a gateway's test suite uses it: installed through the ``pytest11``
entry point, with no set-up in the user's project."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import fixsession
from fixsession import recording
from fixsession.message import Message
from fixsession.tools import probe
from fixsession.tools.pytest_plugin import SAMPLES, assert_capture_replays, sample_capture

ROOT = Path(__file__).resolve().parents[2]
CAPTURES = ROOT / "captures" / "sessions"
CAPTURE = CAPTURES / "order-entry.fixlog"
ORDER = [(38, "1"), (40, "2"), (44, "100"), (54, "1"), (55, "BTCUSDT"), (59, "1")]

GATEWAY_TESTS = f"""
import pytest
from fixsession import Message, errors
from fixsession.tools.pytest_plugin import assert_capture_replays
import fixsession

CAPTURE = {str(CAPTURE)!r}
ORDER = [(38, "1"), (40, "2"), (44, "100"), (54, "1"), (55, "BTCUSDT"), (59, "1")]


@pytest.mark.asyncio
async def test_orders_through_the_venue(fix_client):
    report = await fix_client.request(Message("D", [(11, "o1"), *ORDER]))
    assert report[39] == "0"
    with pytest.raises(errors.UnknownOrder):
        await fix_client.request(Message("F", [(11, "c1"), (41, "nope"), (55, "BTCUSDT")]))


@pytest.mark.asyncio
async def test_market_data_on_the_same_venue(fix_venue):
    async with fix_venue.connect("market-data", sender_comp_id="MD1") as client:
        listed = await client.request(Message("x", [(320, "i1"), (559, "4")]))
        assert "BTCUSDT" in listed.get_all(55)


@pytest.mark.asyncio
@pytest.mark.fix_venue(book_levels=3, seed=7)
async def test_a_venue_set_up_by_a_marker(fix_venue):
    async with fix_venue.connect("market-data", sender_comp_id="MD1") as client:
        book = [(262, "b1"), (263, "1"), (264, "5000"), (146, "1"), (55, "BTCUSDT"),
                (267, "2"), (269, "0"), (269, "1")]
        snapshot = await client.request(Message("V", book))
        assert snapshot[268] == "6"  # three levels a side


@pytest.mark.asyncio
async def test_a_gateway_against_a_scripted_capture(fix_scripted_acceptor, fix_venue):
    acceptor = await fix_scripted_acceptor(CAPTURE)
    async with fixsession.connect(
        acceptor.host, acceptor.port, api_key="any", private_key=fix_venue.private_key,
        sender_comp_id="GW1", tls=acceptor.client_tls, server_hostname="localhost",
    ) as gateway:
        await gateway.request(Message("D", [(11, "o1"), *ORDER]))
        await gateway.request(Message("F", [(11, "c1"), (41, "o1"), (55, "BTCUSDT")]))
        await gateway.request(Message("XLQ", [(6136, "q1")]))
    await acceptor.verify()


@pytest.mark.asyncio
async def test_a_gateway_that_strays_from_the_capture(fix_scripted_acceptor, fix_venue):
    acceptor = await fix_scripted_acceptor(CAPTURE)
    async with fixsession.connect(
        acceptor.host, acceptor.port, api_key="any", private_key=fix_venue.private_key,
        sender_comp_id="GW1", tls=acceptor.client_tls, server_hostname="localhost",
    ) as gateway:
        await gateway.request(Message("D", [(11, "o1"), *ORDER[:-2], (55, "ETHUSDT"), (59, "1")]))
    wanted = "client message 1: field 55 \\(SYMBOL\\): captured 'BTCUSDT', replayed 'ETHUSDT'"
    with pytest.raises(AssertionError, match=wanted):
        await acceptor.verify()


def test_a_pinned_capture_replays():
    assert_capture_replays(CAPTURE)
"""


def test_the_plugin_serves_a_gateways_test_suite(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(test_gateway=GATEWAY_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=6)


@pytest.mark.parametrize("pace", [None, 1.0, 4.0])
async def test_a_scripted_acceptor_keeps_the_capture_timing_when_paced(pace: float | None) -> None:
    # The capture's ExecutionReport came 0.8 s after the order: paced, it comes as late again
    # (at 4x speed, 0.2 s); unpaced, at once.
    records = recording.read(CAPTURE)
    report = next(i for i, r in enumerate(records) if b"\x0135=8\x01" in r.data)
    delayed = [dataclasses.replace(r, timestamp=(r.timestamp or 0) + 0.8) for r in records[report:]]
    records = records[:report] + delayed
    script = probe.ScriptedAcceptor(records, pace=pace)
    host, port = await script.start()
    key = Ed25519PrivateKey.generate()
    async with fixsession.connect(host, port, api_key="any", private_key=key, tls=False,
                                  sender_comp_id="GW1") as gateway:  # fmt: skip
        began = time.monotonic()
        await gateway.request(Message("D", [(11, "o1"), *ORDER]))
        took = time.monotonic() - began
        await gateway.request(Message("F", [(11, "c1"), (41, "o1"), (55, "BTCUSDT")]))
        await gateway.request(Message("XLQ", [(6136, "q1")]))
    assert await script.finish() == []
    if pace is None:
        assert took < 0.3
    else:
        assert 0.8 / pace - 0.05 <= took < 0.8 / pace + 0.5


def test_a_scripted_acceptor_refuses_a_pace_that_is_not_positive() -> None:
    with pytest.raises(ValueError, match="pace must be positive"):
        probe.ScriptedAcceptor(recording.read(CAPTURE), pace=0)


def test_the_shipped_samples_are_the_repositorys_captures_and_replay() -> None:
    for name in SAMPLES:
        path = sample_capture(name)
        shipped = CAPTURES / f"{name}.fixlog"
        if shipped.exists():  # (a user's install has no captures/ beside it)
            assert path.read_bytes() == shipped.read_bytes(), f"run captures/make.py {name}"
            sidecar = path.with_suffix(".expect.json")
            assert sidecar.read_text() == shipped.with_suffix(".expect.json").read_text()
        assert_capture_replays(path)
    with pytest.raises(ValueError, match="order-entry"):
        sample_capture("nope")
