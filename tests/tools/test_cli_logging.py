"""``fixsession serve -v``/``-vv``: the event log and the message log, as an on-call engineer
reads them, and never a private key, its PEM or a Logon's signature in any line."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from e2e import Wire, public_pem, spawn_serve

from fixsession import captures

API_KEY = "logtest-api-key-0123456789"


async def serve_session(tmp_path: Path, *flags: str) -> tuple[str, list[bytes], bytes]:
    """Run ``serve`` with ``flags``; drive a wrong API key, a bad signature, a logon, a
    rejected message, a News and a logout through it; its stderr, the frames sent (to look
    for secrets) and the private key's PEM."""
    key = Ed25519PrivateKey.generate()
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({API_KEY: public_pem(key)}))
    process, port = await spawn_serve(keys, "--plain", *flags)
    sent: list[bytes] = []

    async def wire(comp_id: str) -> Wire:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        made = Wire(reader, writer, comp_id)
        made.raw.api_key, made.raw.private_key = API_KEY, key
        return made

    try:
        stranger = await wire("GWX")  # an API key the venue does not know: -2015
        frame = stranger.logon_frame(api_key="unknown-key-xyz")
        sent.append(frame)
        stranger.raw.send(frame)
        await stranger.closed()
        forger = await wire("GWF")  # signed with another key: -1022
        frame = forger.logon_frame(key=Ed25519PrivateKey.generate())
        sent.append(frame)
        forger.raw.send(frame)
        await forger.closed()
        gateway = await wire("GW1")
        frame = gateway.logon_frame()
        sent.append(frame)
        gateway.raw.send(frame)
        assert (await gateway.receive()).msg_type == "A"
        gateway.send("D", "38=1|40=2|44=10|54=1|55=BTCUSDT|")  # no ClOrdID: rejected
        assert (await gateway.expect("3")).msg_type == "3"
        process.send_signal(signal.SIGUSR1)  # News
        assert (await gateway.expect("B")).msg_type == "B"
        gateway.send("5")
        await gateway.closed()
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 30)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )  # fmt: skip
    return err.decode(), sent, pem


async def test_serve_v_logs_every_session_event(tmp_path: Path) -> None:
    err, _, _ = await serve_session(tmp_path, "-v")
    lines = err.splitlines()

    def having(*words: str) -> list[str]:
        return [line for line in lines if all(word in line for word in words)]

    assert having("fixsession.session", "-2015"), err
    assert having("fixsession.session", "-1022"), err
    assert having("fixsession.session", "logged on as SPOT with GW1", "API key logtest-…"), err
    assert having("fixsession.session", "GW1", "the peer sent something wrong", "rejected"), err
    assert having("fixsession.venue", "News countdown"), err
    assert having("fixsession.session", "GW1", "logged out by the peer"), err
    assert having("fixsession.session", "GW1", "session over after a Logout handshake"), err
    assert not having("fixsession.messages"), "the message log is -vv only"
    assert API_KEY not in err  # its first characters only


async def test_serve_vv_logs_frames_replayable_and_never_a_secret(tmp_path: Path) -> None:
    err, sent, pem = await serve_session(tmp_path, "-vv", "--log-format", "json")
    entries = [json.loads(line) for line in err.splitlines()]
    frames = [
        e["message"].split(": ", 1)[1] for e in entries if e["logger"] == "fixsession.messages"
    ]
    assert any(" < 8=FIX.4.4|9=" in line and "|35=A|" in line for line in frames), frames[:3]
    assert any(" > 8=FIX.4.4|9=" in line and "|35=3|" in line for line in frames)
    records = captures.parse("\n".join(frames).encode() + b"\n", captures.Format.FIXLOG)
    assert len(records) == len(frames)  # cut the label off: a fixlog capture
    assert all(record.data.startswith(b"8=FIX.4.4") for record in records)
    # No secret in any line: the private key (PEM, its base64 body, the raw bytes), and no
    # Logon's signature, not even 12 characters of one.
    body = b"".join(pem.splitlines()[1:-1]).decode()
    assert body not in err and pem.decode() not in err
    for frame in sent:
        signature = frame.split(b"\x0196=")[1].split(b"\x01")[0].decode()
        assert not any(signature[i : i + 12] in err for i in range(len(signature) - 12))
    assert "96=****" in err


def test_an_application_that_configures_no_logging_sees_nothing() -> None:
    code = (
        "import logging, fixsession; from fixsession import eventlog; "
        "eventlog.SESSION_LOG.warning('x'); logging.getLogger('fixsession.client').error('y')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stderr == "", out.stderr
