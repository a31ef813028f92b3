"""Binance's official Python connector (binance-fix-connector, the ``interop`` extra) against
``fixsession serve --record`` over TLS, as its users run it: order entry, drop copy and market
data on one venue; every answer as Binance documents it; then ``fixsession replay`` of what
serve recorded passes, the three captures replayed together with the venue's journal.
Skipped without the connector."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from e2e import API_KEY, PRIVATE_KEY, ROOT, public_pem

connector = pytest.importorskip(
    "binance_fix_connector.fix_connector",
    reason="Binance's connector: pip install -e '.[interop]'",
)


def send(session: Any, msg_type: str, fields: list[tuple[int, str]]) -> None:
    message = session.create_fix_message_with_basic_header(msg_type)
    for tag, value in fields:
        message.append_pair(tag, value)
    session.send_message(message)


def values(messages: list[Any], tag: int) -> list[str]:
    return [(m.get(tag) or b"").decode() for m in messages]


def gather(session: Any, enough: Any, timeout: float = 20.0) -> list[Any]:
    """What ``session`` received until ``enough(messages)`` (a loaded machine is slow)."""
    found: list[Any] = []
    deadline = time.monotonic() + timeout
    while not enough(found) and time.monotonic() < deadline:
        found += session.get_all_new_messages_received()
        time.sleep(0.02)
    assert enough(found), values(found, 35)
    return found


def test_binance_connector_trades_and_its_recording_replays_as_a_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({API_KEY: public_pem(PRIVATE_KEY)}))
    cert, recordings = tmp_path / "cert.pem", tmp_path / "recordings"
    listen = []
    for kind in ("order-entry", "drop-copy", "market-data"):
        listen += ["--listen", "127.0.0.1:0", "--session-type", kind]
    serve = subprocess.Popen(
        [sys.executable, "-m", "fixsession", "serve", "--keys", str(keys), *listen,
         "--self-signed", str(cert), "--record", str(recordings)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    try:
        assert serve.stdout is not None
        ports = [int(serve.stdout.readline().rsplit(":", 1)[1]) for _ in range(3)]
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the connector's default TLS context
        urls = [f"tcp+tls://localhost:{port}" for port in ports]
        dc = connector.create_drop_copy_session(API_KEY, PRIVATE_KEY, endpoint=urls[1])
        assert values(gather(dc, lambda f: "A" in values(f, 35)), 35) == ["A"]
        md = connector.create_market_data_session(API_KEY, PRIVATE_KEY, endpoint=urls[2])
        assert values(gather(md, lambda f: "A" in values(f, 35)), 35) == ["A"]
        oe = connector.create_order_entry_session(API_KEY, PRIVATE_KEY, endpoint=urls[0])
        assert values(gather(oe, lambda f: "A" in values(f, 35)), 35) == ["A"]
        trades = [(262, "TRADE"), (263, "1"), (264, "1"), (146, "1"), (55, "BTCUSDT"),
                  (267, "1"), (269, "2")]  # fmt: skip
        send(md, "V", trades)
        send(md, "V", [(262, "DEPTH"), (263, "1"), (264, "10"), (146, "1"), (55, "BTCUSDT"),
                       (267, "2"), (269, "0"), (269, "1")])  # fmt: skip
        time.sleep(0.5)  # the feed moves the book
        order = [(38, "1"), (40, "2"), (44, "100"), (54, "1"), (55, "BTCUSDT"), (59, "1")]
        send(oe, "D", [(11, "rest1"), *order])
        assert values(gather(oe, lambda f: "8" in values(f, 35)), 150) == ["0"]
        send(oe, "F", [(11, "cancel1"), (41, "rest1"), (55, "BTCUSDT")])
        assert values(gather(oe, lambda f: "8" in values(f, 35)), 150) == ["4"]
        send(oe, "D", [(11, "mkt1"), (38, "0.01"), (40, "1"), (54, "1"), (55, "BTCUSDT")])
        filled = gather(oe, lambda found: "2" in values(found, 39))  # NEW, then the fills
        assert values(filled, 150)[0] == "0" and values(filled, 150)[-1] == "F"
        send(oe, "F", [(11, "cancel2"), (41, "nosuch"), (55, "BTCUSDT")])
        unknown = gather(oe, lambda found: "9" in values(found, 35))[-1]
        assert values([unknown], 25016) == ["-1013"]  # as Binance's FIX sample
        assert values([unknown], 58) == ["Unknown order sent."]
        copies = gather(dc, lambda found: values(found, 35).count("8") >= 2 + len(filled))
        assert values(copies, 11)[:2] == ["rest1", "cancel1"]  # (after drop copy's delay)
        assert values(copies, 35).count("8") == 2 + len(filled)
        assert values(gather(md, lambda found: values(found, 35).count("X") > 3), 35)
        for session in (oe, md, dc):
            session.logout()
            assert "5" in values(gather(session, lambda f: "5" in values(f, 35)), 35)
            session.disconnect()
        time.sleep(0.3)
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(30)
    assert serve.returncode == 0
    replayed = subprocess.run(
        [sys.executable, "-m", "fixsession", "replay", str(recordings)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert replayed.stdout.count("PASS") == 3, replayed.stdout
    assert "3 captures: 3 passed, 0 failed" in replayed.stdout
