"""Stats on the client and the server, exported with the real prometheus_client: a scrape of
``fixsession serve --metrics`` over loopback, and a gateway's own registry."""

from __future__ import annotations

import asyncio
import collections
import json
import signal
import socket
import urllib.request
from pathlib import Path

import pytest
from e2e import API_KEY, PRIVATE_KEY, Certificate, public_pem, spawn_serve
from test_e2e_client import accounts, order

from fixsession import client as fix_client
from fixsession import errors, metrics, stats
from fixsession.binance import RULES
from fixsession.events import MessageReceived
from fixsession.spec import SessionType
from fixsession.venue import server as venue_server

prometheus_client = pytest.importorskip("prometheus_client", reason="the metrics extra")


async def test_client_and_server_stats_count_what_happened(certificate: Certificate) -> None:
    server = await venue_server.serve("127.0.0.1", 0, accounts=accounts(), tls=certificate.server())
    host, port = server.address  # type: ignore[misc]
    async with fix_client.connect(
        host, port, api_key=API_KEY, private_key=PRIVATE_KEY, sender_comp_id="GW1",
        tls=certificate.client(), server_hostname="localhost",
    ) as client:  # fmt: skip
        await client.request(order("o1"))
        with pytest.raises(errors.OrderRejected):
            await client.request(order("o1"))  # a duplicate: -2010
        await client.send(order("o2"), validate=True)
        async for event in client:  # its report, before logging out
            if isinstance(event, MessageReceived):
                break
        stats = client.stats
        registry = prometheus_client.CollectorRegistry()
        metrics.register(stats, registry, prefix="gw")  # a gateway's own registry
        text = prometheus_client.generate_latest(registry).decode()
    await server.close()
    assert stats.messages_out["D"] == 3 and stats.messages_in["8"] >= 2
    assert stats.rejects_in[-2010] == 1 and stats.logons == 1
    assert stats.round_trip_count == 2 and stats.round_trip_seconds > 0
    assert 'gw_messages_sent_total{msg_type="D"} 3.0' in text
    assert 'gw_rejects_received_total{code="-2010"} 1.0' in text
    assert "gw_request_seconds_count 2.0" in text
    limit = RULES[SessionType.ORDER_ENTRY].message_limit.count
    assert f"gw_message_limit {float(limit)}" in text
    used = next(line for line in text.splitlines() if line.startswith("gw_message_limit_used "))
    assert float(used.split()[1]) >= 4  # the Logon and three orders, at least
    assert server.stats.logons == 1 and server.stats.messages_in["D"] == 3
    sent = server.stats.messages_out  # the Logon answer, three reports, the Logout answer
    assert (sent["A"], sent["8"], sent["5"]) == (1, 3, 1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_serve_metrics_is_scraped_over_loopback(
    certificate: Certificate, tmp_path: Path
) -> None:
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({API_KEY: public_pem(PRIVATE_KEY)}))
    metrics_port = _free_port()
    process, port = await spawn_serve(keys, "--plain", "--metrics", f"127.0.0.1:{metrics_port}")
    try:
        async with fix_client.connect(
            "127.0.0.1", port, api_key=API_KEY, private_key=PRIVATE_KEY,
            sender_comp_id="GW1", tls=False,
        ) as client:  # fmt: skip
            await client.request(order("m1"))
            client.send_raw(b"8=FIX.4.4\x019=5\x0135=0\x0110=000\x01")  # garbled: -1177
            await asyncio.sleep(0.2)
        url = f"http://127.0.0.1:{metrics_port}/metrics"
        text = await asyncio.to_thread(lambda: urllib.request.urlopen(url, timeout=10).read())
        scraped = text.decode()
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), 30)
    assert 'fixsession_messages_received_total{msg_type="D"} 1.0' in scraped
    assert 'fixsession_rejects_sent_total{code="-1177"} 1.0' in scraped
    assert "fixsession_logons_total 1.0" in scraped


def test_a_peer_does_not_choose_how_many_counters_there_are() -> None:
    counts: collections.Counter[str] = collections.Counter()
    for n in range(stats.MAX_KINDS + 50):
        stats.tally(counts, f"X{n}", stats.OTHER)
    stats.tally(counts, "Z" * 1_000_000, stats.OTHER)  # a megabyte MsgType
    stats.tally(counts, "X1", stats.OTHER)  # a kind it holds: counted as itself
    assert len(counts) == stats.MAX_KINDS + 1 and counts["X1"] == 2
    assert counts[stats.OTHER] == 51
    codes: collections.Counter[int] = collections.Counter()
    stats.tally(codes, -1013, stats.OTHER_CODE)
    stats.tally(codes, -(10**18), stats.OTHER_CODE)  # an undocumented 19-digit code
    assert codes == {-1013: 1, stats.OTHER_CODE: 1}
