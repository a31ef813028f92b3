"""``fixsession serve`` and ``fixsession demo`` as a user runs them: what they print, exit
statuses, and one clear line for every mistake. (The server's FIX behaviour is tested over
real sockets in test_e2e_rules.py.)"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from e2e import PRIVATE_KEY, Certificate, public_pem, spawn_serve

from fixsession import client as fix_client
from fixsession import transport
from fixsession.events import MessageReceived
from fixsession.message import Message

ORDER = Message(
    "D", [(11, "cli-1"), (38, "1"), (40, "2"), (44, "100"), (54, "1"), (55, "BTCUSDT"), (59, "1")]
)

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fixsession", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
    )


def test_demo_narrates_a_real_session_and_exits_0() -> None:
    result = run("demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for expected in [
        "TLS with a fresh self-signed certificate",
        " 1. logon ",
        "ExecutionReport<8> NEW: OrderID 5000000000",
        "InvalidMessage -1013 INVALID_MESSAGE: Unknown order sent.",
        "NotAllowedInOrderEntrySessions -1186 NOT_ALLOWED_IN_ORDER_ENTRY_SESSIONS: Requested "
        "operation is not allowed in order entry sessions.",
        "GarbledMessage -1177 GARBLED_MESSAGE: CheckSum(10) contains an incorrect value.",
        "MarketDataSnapshot<W>: 10 entries",
        "InvalidRequestId -1190 INVALID_REQUEST_ID: MDReqID (262) contains a subscription "
        "request id that is already in use on this connection.",
        "LimitResponse<XLR>:",
        'News<B>: "You\'ll be disconnected in 30 seconds. Please reconnect."',
        "then logged DEMOGW out",
        "10. logout",
    ]:
        assert expected in out, expected
    assert result.stderr == ""


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({"k1": public_pem(PRIVATE_KEY)}))
    return path


def serve(keys: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run(
        "serve", "--listen", "127.0.0.1:0", "--session-type", "order-entry",
        "--keys", str(keys), *extra, timeout=30,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("setup", "extra", "message"),
    [
        ("missing", ["--plain"], "cannot read"),
        ("not-json", ["--plain"], "is not JSON"),
        ("not-an-object", ["--plain"], "must be a JSON object mapping API keys"),
        ("empty", ["--plain"], "has no API key: nobody could log on"),
        ("bad-pem", ["--plain"], "the key of 'k1'"),
        ("good", [], "give --tls-cert and --tls-key, --self-signed CERT.pem, or --plain"),
        ("good", ["--self-signed", "c.pem", "--tls-key", "k.pem"], "exclude each other"),
        ("good", ["--tls-cert", "/no/cert.pem", "--tls-key", "/no/key.pem"],
         "cannot load the TLS certificate or key"),
        ("good", ["--plain", "--tls-cert", "x.pem"], "exclude each other"),
        ("good", ["--plain", "--busy-poll", "200", "--loop", "uvloop"],
         "--busy-poll needs --loop asyncio"),
    ],
)  # fmt: skip
def test_serve_mistakes_get_one_line_and_status_2(
    tmp_path: Path, keys: Path, setup: str, extra: list[str], message: str
) -> None:
    contents = {
        "missing": None,
        "not-json": "{",
        "not-an-object": "[1]",
        "empty": "{}",
        "bad-pem": json.dumps({"k1": "not a key"}),
        "good": keys.read_text(),
    }[setup]
    path = tmp_path / "given.json"
    if contents is not None:
        path.write_text(contents)
    result = serve(path, *extra)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr


def test_serve_on_a_port_in_use_says_so(keys: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(
            "serve", "--listen", f"127.0.0.1:{port}", "--session-type", "order-entry",
            "--keys", str(keys), "--plain",
        )  # fmt: skip
    assert result.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--listen", "127.0.0.1"], "expected HOST:PORT"),
        (["--listen", "[]:9000"], "expected HOST:PORT"),
        (["--listen", "99999"], "expected HOST:PORT"),
        (["--listen", "127.0.0.1:0", "--message-limit", "5"], "a limit is COUNT/SECONDS"),
        (["--listen", "127.0.0.1:0", "--message-limit", "0/10"], "a positive count"),
        (["--listen", "127.0.0.1:0", "--session-type", "spot"], "invalid choice"),
        (["--listen", "127.0.0.1:0", "--busy-poll", "-1"], "is not from 0 to 10,000"),
        (["--listen", "127.0.0.1:0", "--busy-poll", "20000"], "is not from 0 to 10,000"),
        (["--listen", "127.0.0.1:0", "--busy-poll", "1.5"], "not a whole number"),
    ],
)
def test_serve_argument_mistakes_exit_2(keys: Path, args: list[str], message: str) -> None:
    base = {"--session-type": "order-entry", "--keys": str(keys)}
    given = dict(zip(args[::2], args[1::2], strict=True))
    result = run("serve", *[item for pair in {**base, **given}.items() for item in pair], "--plain")
    assert result.returncode == 2 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_and_demo_explain_themselves() -> None:
    serve_help = run("serve", "--help")
    assert serve_help.returncode == 0
    for words in ["listening on HOST:PORT", "SIGTERM", "SIGUSR1", "KEYS.json", "--plain",
                  "COUNT/SECONDS"]:  # fmt: skip
        assert words in serve_help.stdout, words
    demo_help = run("demo", "--help")
    assert demo_help.returncode == 0 and "typed error" in demo_help.stdout


def test_certificate_files_work_with_serve(certificate: Certificate, keys: Path) -> None:
    """The PEM files a user passes (here the test run's) load; the rest is in test_e2e_*."""
    process = subprocess.Popen(
        [sys.executable, "-m", "fixsession", "serve", "--listen", "127.0.0.1:0",
         "--session-type", "market-data", "--keys", str(keys),
         "--tls-cert", str(certificate.cert_path), "--tls-key", str(certificate.key_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("listening on 127.0.0.1:") and line.endswith("\n")
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0
    assert process.stdout.read() == ""  # exactly one line


def test_keygen_writes_a_private_key_only_you_can_read_and_the_keys_file(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    result = run("keygen", str(folder), "--api-key", "mine")
    assert result.returncode == 0, result.stderr
    private, keys = folder / "private.pem", folder / "keys.json"
    assert private.stat().st_mode & 0o777 == 0o600
    assert "PRIVATE KEY" not in result.stdout and "PRIVATE KEY" in private.read_text()
    from fixsession import binance

    key = binance.load_private_key(private.read_bytes())
    public = binance.load_public_key(json.loads(keys.read_text())["mine"])
    signature = binance.sign_logon(key, "A", "SPOT", 1, "20260101-00:00:00.000")
    assert binance.verify_logon(public, signature, "A", "SPOT", 1, "20260101-00:00:00.000")
    again = run("keygen", str(folder))
    assert again.returncode == 2 and "exists; --force replaces it" in again.stderr
    assert run("keygen", str(folder), "--force").returncode == 0


async def test_serve_hosts_several_session_types_of_one_venue(keys: Path) -> None:
    """Order entry and drop copy from one process: the drop-copy session sees the order."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "fixsession", "serve", "--keys", str(keys), "--plain",
        "--listen", "127.0.0.1:0", "--session-type", "order-entry",
        "--listen", "127.0.0.1:0", "--session-type", "drop-copy",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    assert process.stdout is not None
    try:
        addresses = []
        for _ in range(2):
            line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
            assert line.startswith("listening on 127.0.0.1:"), line
            addresses.append(int(line.rsplit(":", 1)[1]))
        entry, copy = addresses
        login = {"api_key": "k1", "private_key": PRIVATE_KEY, "tls": False}
        async with fix_client.connect("127.0.0.1", copy, session_type="drop-copy", **login) as dc:  # type: ignore[arg-type]
            async with fix_client.connect("127.0.0.1", entry, **login) as client:  # type: ignore[arg-type]
                report = await client.request(ORDER)
            async with asyncio.timeout(10):
                async for event in dc:
                    if isinstance(event, MessageReceived):
                        break
            assert (event.message[11], event.message[17]) == ("cli-1", report[17])
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 15) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--listen", "127.0.0.1:0", "--listen", "127.0.0.1:0", "--session-type", "order-entry"],
         "one --session-type for each --listen"),
        (["--listen", "127.0.0.1:0", "--session-type", "order-entry",
          "--listen", "127.0.0.1:0", "--session-type", "order-entry"],
         "each session type can be served on one address only"),
    ],
)  # fmt: skip
def test_serve_endpoints_must_pair_up(keys: Path, args: list[str], message: str) -> None:
    result = run("serve", "--keys", str(keys), "--plain", *args)
    assert result.returncode == 2 and message in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr


@pytest.mark.parametrize("listen", ["0", ":0", "[::1]:0"])
def test_serve_takes_a_port_alone_and_brackets_ipv6(keys: Path, listen: str) -> None:
    if listen.startswith("[") and not socket.has_ipv6:
        pytest.skip("no IPv6 here")
    process = subprocess.Popen(
        [sys.executable, "-m", "fixsession", "serve", "--listen", listen, "--session-type",
         "order-entry", "--keys", str(keys), "--plain"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=15)
    if listen.startswith("[") and "cannot listen" in err:
        pytest.skip("no IPv6 loopback here")
    expected = "listening on [::1]:" if listen.startswith("[") else "listening on 127.0.0.1:"
    assert line.startswith(expected), (line, err)


def test_keygen_refuses_an_empty_api_key(tmp_path: Path) -> None:
    result = run("keygen", str(tmp_path / "k"), "--api-key", "")
    assert result.returncode == 2 and "--api-key must be a non-empty" in result.stderr


def test_version_says_whether_the_c_speedups_are_in_use() -> None:
    result = run("--version")
    assert result.returncode == 0 and "speedups" in result.stdout


async def test_serve_self_signed_writes_the_certificate_clients_trust(
    keys: Path, tmp_path: Path
) -> None:
    cert = tmp_path / "cert.pem"
    process, port = await spawn_serve(keys, "--self-signed", str(cert))
    try:
        assert b"PRIVATE KEY" not in cert.read_bytes()
        async with fix_client.connect(
            "127.0.0.1", port, api_key="k1", private_key=PRIVATE_KEY, sender_comp_id="SS1",
            tls=transport.client_tls(cert.read_bytes()), server_hostname="localhost",
        ) as client:  # fmt: skip
            report = await client.request(ORDER)
            assert report.get(39) == "0"
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0
