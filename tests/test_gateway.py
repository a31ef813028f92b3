"""A gateway of many sessions from one settings file: the file's checks (file, line, key),
two accounts × (order entry, drop copy, market data) against one local venue, a kill of every
connection (all reconnect, none draws -1034, market data is subscribed again, a pending
request's outcome is unknown), and ``fixsession run``."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixsession import client as fix_client
from fixsession.events import FaultDetected, LoggedOut, MessageReceived
from fixsession.gateway import Gateway, load
from fixsession.message import Message
from fixsession.settings import SettingsError, parse
from fixsession.spec import SessionType
from fixsession.venue import server as venue_server
from fixsession.venue.accounts import Accounts

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"alpha": Ed25519PrivateKey.generate(), "beta": Ed25519PrivateKey.generate()}
ORDER = [(38, "1"), (40, "2"), (44, "10"), (54, "1"), (55, "BTCUSDT"), (59, "1")]


def settings_text(addresses: dict[SessionType, tuple[str, int]]) -> str:
    venues = "".join(
        f'[venues.{kind.value}]\nhost = "{host}"\nport = {port}\ntls = false\n\n'
        for kind, (host, port) in addresses.items()
    )
    accounts = "".join(
        f'[accounts.{name}]\napi_key = "key-{name}"\nprivate_key = "{name}.pem"\n\n'
        for name in KEYS
    )
    sessions = "".join(
        f'[[sessions]]\nname = "{name}-{kind.value[:2]}"\naccount = "{name}"\n'
        f'venue = "{kind.value}"\ntype = "{kind.value}"\nsender_comp_id = "{name[:2]}{kind.value[:2]}"\n'
        f"reconnect = {{ backoff = 0.05 }}\n"
        + (
            'subscriptions = [{ id = "book", symbols = ["BTCUSDT"], entries = ["bid", "offer"], depth = 5 }]\n'
            if kind is SessionType.MARKET_DATA
            else ""
        )
        + "\n"
        for name in KEYS
        for kind in SessionType
    )
    return venues + accounts + sessions + '[logging]\nlevel = "info"\n'


def write_settings(folder: Path, addresses: dict[SessionType, tuple[str, int]]) -> Path:
    for name, key in KEYS.items():
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )  # fmt: skip
        (folder / f"{name}.pem").write_bytes(pem)
    path = folder / "gateway.toml"
    path.write_text(settings_text(addresses))
    return path


async def venue() -> venue_server.Server:
    """One venue serving the three session types (drop copy sees order entry's reports)."""
    accounts = Accounts({f"key-{name}": key.public_key() for name, key in KEYS.items()})
    server = venue_server.Server(accounts=accounts)
    for kind in SessionType:
        await server.start("127.0.0.1", 0, kind)
    return server


# -- the file ----------------------------------------------------------------------------------

GOOD = settings_text({kind: ("127.0.0.1", 9000 + n) for n, kind in enumerate(SessionType)})


def test_a_good_file_names_every_session_and_hides_the_key() -> None:
    settings = parse(GOOD, "gateway.toml")
    assert [s.name for s in settings.sessions] == [
        "alpha-or", "alpha-dr", "alpha-ma", "beta-or", "beta-dr", "beta-ma",
    ]  # fmt: skip
    market = settings.sessions[2]
    assert market.session_type is SessionType.MARKET_DATA and market.reconnect is not None
    assert market.reconnect.backoff == 0.05 and market.reconnect.max_backoff == 30.0
    assert market.subscriptions[0].request() == Message(
        "V", [(262, "book"), (263, "1"), (264, "5"), (146, "1"), (55, "BTCUSDT"), (267, "2"),
              (269, "0"), (269, "1")],
    )  # fmt: skip
    assert "key-alpha" not in repr(market.account)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            ("port = 9000", "port = 90000"),
            "gateway.toml:3: venues.order-entry.port: must be from 1 to 65535",
        ),
        (
            ('type = "drop-copy"', 'type = "drop"'),
            "gateway.toml:36: sessions[1].type: must be one of",
        ),
        (
            ('account = "beta"', 'account = "gamma"'),
            "gateway.toml:51: sessions[3].account: no account 'gamma' (known: alpha, beta)",
        ),
        (
            ('sender_comp_id = "alor"', 'sender_comp_id = "alpha-order"'),
            "gateway.toml:29: sessions[0].sender_comp_id: Binance takes 1 to 8",
        ),
        (
            ('sender_comp_id = "aldr"', 'sender_comp_id = "alor"'),
            "gateway.toml:37: sessions[1].sender_comp_id: 'alor' is used by two sessions",
        ),
        (
            ("backoff = 0.05", "backof = 0.05"),
            "gateway.toml:30: sessions[0].reconnect.backof: unknown key",
        ),
        (
            ('entries = ["bid", "offer"]', 'entries = ["bid"]'),
            "gateway.toml:47: sessions[2].subscriptions[0].entries: Binance takes bid and offer together (-1128)",
        ),
        (
            ('id = "book"', 'id = "a book"'),
            "gateway.toml:47: sessions[2].subscriptions[0]: Binance would refuse it: -1100 Illegal characters found in parameter '262'",
        ),
        (
            ("depth = 5", "depth = 9000"),
            "gateway.toml:47: sessions[2].subscriptions[0].depth: Binance takes 1, or 2 to 5000",
        ),
        (
            ('level = "info"', 'level = "loud"'),
            "gateway.toml:75: logging.level: must be one of debug, info, warning, error",
        ),
        (
            ("tls = false", "tls = 1"),
            "gateway.toml:4: venues.order-entry.tls: must be true or false, not int",
        ),
        (("[logging]", "[logs]"), "gateway.toml:74: logs: unknown key"),
        (
            ('host = "127.0.0.1"', "host = "),
            "gateway.toml: not TOML: Invalid value (at line 2, column 8)",
        ),
    ],
)
def test_a_mistake_is_named_by_file_line_and_key(change: tuple[str, str], error: str) -> None:
    text = GOOD.replace(*change, 1)
    with pytest.raises(SettingsError) as raised:
        parse(text, "gateway.toml")
    assert str(raised.value).startswith(error), str(raised.value)


def test_a_missing_key_file_is_named_at_its_account(tmp_path: Path) -> None:
    path = tmp_path / "gateway.toml"
    path.write_text(GOOD)
    with pytest.raises(
        SettingsError,
        match=r"gateway.toml:\d+: accounts.alpha.private_key: cannot read .*alpha.pem",
    ):
        load(path)
    with pytest.raises(SettingsError, match=r"cannot read .*nowhere\.toml"):
        load(tmp_path / "nowhere.toml")


# -- the sessions --------------------------------------------------------------------------------


async def test_two_accounts_times_three_sessions_come_up_trade_and_survive_a_kill(
    tmp_path: Path,
) -> None:
    server = await venue()
    try:
        path = write_settings(tmp_path, server.addresses)
        async with Gateway.from_file(path) as gateway:
            assert set(gateway.clients) == {f"{a}-{t}" for a in KEYS for t in ("or", "dr", "ma")}
            report = await gateway["alpha-or"].request(Message("D", [(11, "g1"), *ORDER]))
            assert report[39] == "0"
            seen: dict[str, list[str]] = {}
            async with asyncio.timeout(10):
                async for name, event in gateway:
                    if isinstance(event, MessageReceived):
                        seen.setdefault(name, []).append(event.message.msg_type)
                    if "8" in seen.get("alpha-dr", []) and "X" in seen.get("beta-ma", []):
                        break
            assert "beta-dr" not in seen  # the other account's drop copy saw nothing

            # A request in flight when every connection is cut: its outcome is unknown.
            pending = asyncio.create_task(
                gateway["beta-or"].request(Message("D", [(11, "lost"), *ORDER]))
            )
            await asyncio.sleep(0)  # written, not yet read by the venue
            for link in list(server.links.values()):
                link.abort()
            with pytest.raises(fix_client.OutcomeUnknown) as unknown:
                await pending
            assert unknown.value.request is not None and unknown.value.request.cl_ord_id == "lost"

            reconnected: dict[str, fix_client.Reconnected] = {}
            refused = []
            async with asyncio.timeout(15):
                async for name, event in gateway:
                    if isinstance(event, fix_client.Reconnected):
                        reconnected[name] = event
                    elif isinstance(event, FaultDetected | LoggedOut) and event.error is not None:
                        refused.append((name, event.error.code))
                    if len(reconnected) == 6:
                        break
            assert refused == []  # no -1034, nothing else either
            assert reconnected["alpha-ma"].resubscribed == ("book",)
            assert reconnected["beta-ma"].resubscribed == ("book",)
            again = await gateway["beta-or"].request(Message("D", [(11, "g2"), *ORDER]))
            assert again[11] == "g2"
        assert all(client.session.closed for client in gateway.clients.values())
    finally:
        await server.close()


async def test_a_session_that_cannot_log_on_closes_the_others_and_is_named(tmp_path: Path) -> None:
    server = await venue()
    try:
        path = write_settings(tmp_path, server.addresses)
        path.write_text(path.read_text().replace('api_key = "key-beta"', 'api_key = "key-unknown"'))
        gateway = Gateway.from_file(path)
        with pytest.raises(Exception) as raised:
            await gateway.start()
        assert "while opening session 'beta-or'" in raised.value.__notes__
        assert all(client.session.closed for client in gateway.clients.values())
    finally:
        await server.close()


# -- fixsession run --------------------------------------------------------------------------------


@pytest.mark.parametrize("busy_poll", ["0", "200"])
async def test_run_opens_every_session_prints_the_event_log_and_logs_out(
    tmp_path: Path, busy_poll: str
) -> None:
    server = await venue()
    try:
        path = write_settings(tmp_path, server.addresses)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "fixsession", "run", str(path), "--seconds", "1.5",
            "--busy-poll", busy_poll,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        out, err = await asyncio.wait_for(process.communicate(), 60)
    finally:
        await server.close()
    text = out.decode()
    assert process.returncode == 0, err.decode()[-2000:]
    assert "6 sessions open: alpha-or, alpha-dr, alpha-ma, beta-or, beta-dr, beta-ma" in text
    assert " alpha-ma: received W: " in text and " beta-ma: received X: " in text
    assert text.count("logged out by this side") == 6
    assert text.rstrip().endswith("every session logged out")
    for secret in ("PRIVATE KEY", "96="):
        assert secret not in text


def test_run_reports_a_mistake_in_the_file_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "gateway.toml"
    path.write_text(GOOD.replace("port = 9000", "port = -1", 1))
    result = subprocess.run(
        [sys.executable, "-m", "fixsession", "run", str(path)], capture_output=True, text=True,
        timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"fixsession: error: {path}:3: venues.order-entry.port: must be from 1 to 65535, not -1"
    )
