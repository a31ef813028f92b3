"""A third-party engine against the venue: a QuickFIX 1.16 initiator (the wheel in
``../shared/wheels``, installed by CI when it is there) logs on to ``fixsession serve
--record`` with Binance's signed Logon, places, cancels and fills orders and logs out; then
``fixsession replay`` of what serve recorded passes. Skipped without QuickFIX."""

from __future__ import annotations

import asyncio
import base64
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from e2e import API_KEY, PRIVATE_KEY, ROOT, serving

from fixsession import binance

fix = pytest.importorskip("quickfix", reason="QuickFIX: pip install ../shared/wheels/quickfix*.whl")

SETTINGS = """[DEFAULT]
ConnectionType=initiator
StartTime=00:00:00
EndTime=00:00:00
HeartBtInt=30
ReconnectInterval=60
UseDataDictionary=N
ResetOnLogon=Y
SocketConnectHost=127.0.0.1
SocketConnectPort={port}
[SESSION]
BeginString=FIX.4.4
SenderCompID=QFGW
TargetCompID=SPOT
"""


class Gateway(fix.Application):  # type: ignore[misc]
    """Signs the Logon as Binance asks (RawData(96): Ed25519 over the header fields) and
    collects what comes back."""

    def __init__(self) -> None:
        super().__init__()
        self.logged_on = threading.Event()
        self.logged_out = threading.Event()
        self.received: list[str] = []
        self.arrived = threading.Condition()

    def onCreate(self, session_id: Any) -> None:
        self.session_id = session_id

    def onLogon(self, session_id: Any) -> None:
        self.logged_on.set()

    def onLogout(self, session_id: Any) -> None:
        self.logged_out.set()

    def toAdmin(self, message: Any, session_id: Any) -> None:
        header = message.getHeader()
        if header.getField(35) != "A":
            return
        signature = binance.sign_logon(
            PRIVATE_KEY, header.getField(49), header.getField(56), int(header.getField(34)),
            header.getField(52),
        )  # fmt: skip
        assert base64.b64decode(signature)
        message.setField(fix.RawDataLength(len(signature)))
        message.setField(fix.RawData(signature))
        message.setField(fix.StringField(553, API_KEY))
        message.setField(fix.StringField(25035, "2"))

    def fromAdmin(self, message: Any, session_id: Any) -> None: ...
    def toApp(self, message: Any, session_id: Any) -> None: ...

    def fromApp(self, message: Any, session_id: Any) -> None:
        with self.arrived:
            self.received.append(message.toString().replace("\x01", "|"))
            self.arrived.notify_all()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[str]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.received) >= count, timeout), (
                self.received
            )
            return list(self.received)

    def send(self, msg_type: str, fields: list[tuple[int, str]]) -> None:
        message = fix.Message()
        message.getHeader().setField(fix.MsgType(msg_type))
        for tag, value in fields:
            message.setField(fix.StringField(tag, value))
        fix.Session.sendToTarget(message, self.session_id)


async def trade(gateway: Gateway, initiator: Any) -> None:
    """Log on, place an order and cancel it, fill a MARKET order, log out."""
    initiator.start()
    assert await asyncio.to_thread(gateway.logged_on.wait, 10), "QuickFIX did not log on"
    order = [(38, "1"), (40, "2"), (44, "100"), (54, "1"), (55, "BTCUSDT"), (59, "1")]
    gateway.send("D", [(11, "q1"), *order])  # rests: NEW
    await asyncio.to_thread(gateway.wait_for, 1)
    gateway.send("F", [(11, "c1"), (41, "q1"), (55, "BTCUSDT")])  # CANCELED
    await asyncio.to_thread(gateway.wait_for, 2)
    gateway.send("D", [(11, "m1"), (38, "0.00001"), (40, "1"), (54, "1"), (55, "BTCUSDT")])
    received = await asyncio.to_thread(gateway.wait_for, 4)  # NEW, then FILLED
    assert "|11=q1|" in received[0] and "|150=0|" in received[0]
    assert "|150=4|" in received[1] and "|41=q1|" in received[1]
    assert "|150=F|" in received[3] and "|39=2|" in received[3]
    fix.Session.lookupSession(gateway.session_id).logout()
    assert await asyncio.to_thread(gateway.logged_out.wait, 10)


async def test_a_quickfix_gateway_trades_and_its_recording_replays(tmp_path: Path) -> None:
    recordings = tmp_path / "recordings"
    async with serving(tmp_path, "--plain", "--record", str(recordings)) as (_, port):
        settings = tmp_path / "quickfix.cfg"
        settings.write_text(SETTINGS.format(port=port))
        gateway = Gateway()
        initiator = fix.SocketInitiator(
            gateway, fix.MemoryStoreFactory(), fix.SessionSettings(str(settings))
        )
        try:
            await trade(gateway, initiator)
        finally:
            initiator.stop()
    (recording,) = recordings.glob("*.fixlog")
    replayed = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "fixsession", "replay", str(recording)],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert replayed.stdout.startswith("PASS") and "replayed as acceptor" in replayed.stdout
