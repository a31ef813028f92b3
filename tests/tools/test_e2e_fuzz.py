"""``fixsession fuzz`` and ``fuzzer.fuzz`` against real acceptors on loopback: every malformed
frame is answered with Binance's code, and the acceptor still serves afterwards."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from e2e import API_KEY, PRIVATE_KEY, Certificate, start_endpoint

from fixsession.binance import RULES, Limit
from fixsession.sbewire import Encoding
from fixsession.spec import SessionType
from fixsession.tools import fuzzer, malformed, probe
from fixsession.venue import server as venue_server
from fixsession.venue.accounts import Accounts

ROOT = Path(__file__).resolve().parents[2]
ROOMY = Limit(1_000_000, 10)


@pytest.mark.parametrize("session_type", list(SessionType))
async def test_every_kind_gets_binances_answer_over_tls(
    certificate: Certificate, session_type: SessionType
) -> None:
    accounts = Accounts({API_KEY: PRIVATE_KEY.public_key()})
    accounts.set_message_limit(session_type, ROOMY)
    server = await venue_server.serve(
        "127.0.0.1", 0, accounts=accounts, session_type=session_type, tls=certificate.server()
    )
    assert server.address is not None

    async def open_client(comp_id: str) -> probe.RawClient:
        assert server.address is not None
        return await probe.RawClient.open(
            *server.address, tls=certificate.client(), server_hostname="localhost",
            comp_id=comp_id, api_key=API_KEY, private_key=PRIVATE_KEY,
        )  # fmt: skip

    try:
        report = await fuzzer.fuzz(
            open_client, count=2000, seed=5, session_type=session_type, message_limit=ROOMY
        )
    finally:
        await server.close()
    assert report.sent == report.answered == report.as_expected == 2000
    assert set(report.outcomes) == set(malformed.kinds(session_type))
    assert report.still_serving and report.connections == 2


def private_key_file(folder: Path) -> Path:
    path = folder / "private.pem"
    path.write_bytes(
        PRIVATE_KEY.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


async def test_the_command_against_fixsession_serve(certificate: Certificate) -> None:
    endpoint = await start_endpoint("cli", certificate, message_limit=ROOMY)
    try:
        key = private_key_file(certificate.folder)
        command = [
            sys.executable, "-m", "fixsession", "fuzz", f"127.0.0.1:{endpoint.port}",
            "--count", "3000", "--seed", "11", "--api-key", API_KEY, "--private-key", str(key),
            "--cafile", str(certificate.cert_path), "--server-hostname", "localhost",
            "--message-limit", "1000000/10", "--strict", "--format", "json",
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        report = json.loads(result.stdout)
        assert report["sent"] == report["answered"] == report["as_expected"] == 3000
        assert report["still_serving"] is True
        for kind, figures in report["kinds"].items():
            assert set(figures["outcomes"]) == {f"reject {figures['expected']}"}, kind
    finally:
        assert await endpoint.stop() == 0


def test_fuzz_mistakes_get_one_line(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "fixsession", "fuzz", *args],
            capture_output=True, text=True, cwd=ROOT, timeout=60,
        )  # fmt: skip

    key = private_key_file(tmp_path)
    base = ["--api-key", "k", "--private-key", str(key), "--plain"]
    missing = run("127.0.0.1:1", "--api-key", "k", "--private-key", str(tmp_path / "no.pem"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    kinds = run("127.0.0.1:1", *base, "--kinds", "checksum,nonsense")
    assert kinds.returncode == 2 and "unknown kinds nonsense" in kinds.stderr
    refused = run("127.0.0.1:1", *base, "--count", "5")
    assert refused.returncode == 3 and "fuzzing 127.0.0.1:1 failed: " in refused.stderr
    for result in (missing, kinds, refused):
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert run("127.0.0.1:1", *base, "--count", "0").returncode == 2


async def test_live_replay_of_captures_against_fixsession_serve(
    certificate: Certificate, tmp_path: Path
) -> None:
    endpoint = await start_endpoint("cli", certificate)
    key = private_key_file(tmp_path)
    corrupted = tmp_path / "corrupted.fixlog"
    text = (ROOT / "captures" / "sessions" / "1171-tag-appears-more-than-once.fixlog").read_text()
    corrupted.write_text(text.replace("appears more than once", "appears more than twice"))

    def replay(*captures: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "fixsession", "replay", *map(str, captures),
             "--live", f"127.0.0.1:{endpoint.port}", "--api-key", API_KEY,
             "--private-key", str(key), "--cafile", str(certificate.cert_path),
             "--server-hostname", "localhost", "--no-pace"],
            capture_output=True, text=True, cwd=ROOT, timeout=120,
        )  # fmt: skip

    try:
        sessions = ROOT / "captures" / "sessions"
        good = replay(sessions / "order-entry.fixlog", sessions / "1177-garbled-message.fixlog")
        assert good.returncode == 0, good.stdout + good.stderr
        assert "2 captures: 2 passed, 0 failed" in good.stdout
        bad = replay(corrupted)
        assert bad.returncode == 1
        assert "reply message 1 (3 #2): field 58 (TEXT): captured" in bad.stdout
    finally:
        assert await endpoint.stop() == 0


async def plain_venue() -> tuple[venue_server.Server, str, int]:
    """A venue on plain TCP that knows the test key; where it listens."""
    venue = await venue_server.serve(
        "127.0.0.1", 0, accounts=Accounts({API_KEY: PRIVATE_KEY.public_key()})
    )
    assert venue.address is not None
    return venue, *venue.address


async def fuzz_process(
    host: str, port: int, tmp_path: Path, *flags: str
) -> asyncio.subprocess.Process:
    """``fixsession fuzz`` against ``host:port`` with the test key, in a child process."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "fixsession", "fuzz", f"{host}:{port}", "--api-key", API_KEY,
        "--private-key", str(private_key_file(tmp_path)), *flags,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip


async def test_fuzz_with_tls_against_a_plain_server_says_so(
    certificate: Certificate, tmp_path: Path
) -> None:
    venue, host, port = await plain_venue()
    process = await fuzz_process(
        host, port, tmp_path, "--cafile", str(certificate.cert_path), "--count", "3"
    )
    _, err = await asyncio.wait_for(process.communicate(), 60)
    await venue.close()
    text = err.decode()
    assert process.returncode == 3, text
    assert f"fuzzing {host}:{port} failed: " in text and "is the server plain TCP?" in text
    assert "failed: ;" not in text and "Traceback" not in text


async def test_ctrl_c_prints_the_report_so_far(tmp_path: Path) -> None:
    venue, host, port = await plain_venue()
    process = await fuzz_process(
        host, port, tmp_path, "--plain", "--count", "50000",
        "--kinds", "checksum",  # paced to the venue's limit: one connection throughout
    )  # fmt: skip
    assert process.stderr is not None
    try:
        line = await asyncio.wait_for(process.stderr.readline(), 60)  # the first progress line
        assert b"frames answered" in line, line
        process.send_signal(signal.SIGINT)
        out, err = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
        await venue.close()
    assert process.returncode == 130, err
    assert b"fuzz: interrupted: the report so far" in err
    assert out.startswith(f"fuzz {host}:{port} (order-entry): ".encode())
    assert b"Traceback" not in err


@pytest.mark.parametrize("encoding", [Encoding.SBE, Encoding.SBE_RESPONSES])
async def test_fuzzing_over_fix_sbe_gets_binances_answers(encoding: Encoding) -> None:
    # Port 9002: every kind of malformed SBE frame gets its code (-1177 and a bad
    # messageLength break the stream: Reject, Logout, and a new connection); port 9001:
    # malformed FIX frames, the answers read from SBE.
    roomy = dataclasses.replace(RULES[SessionType.ORDER_ENTRY], message_limit=ROOMY,
                                max_connections=1000, connection_attempts=ROOMY)  # fmt: skip
    accounts = Accounts(
        {API_KEY: PRIVATE_KEY.public_key()}, {**RULES, SessionType.ORDER_ENTRY: roomy}
    )
    server = await venue_server.serve("127.0.0.1", 0, accounts=accounts, encoding=encoding)
    assert server.address is not None

    async def open_client(comp_id: str) -> probe.RawClient:
        assert server.address is not None
        return await probe.SbeRawClient.open(
            *server.address, tls=None, comp_id=comp_id, api_key=API_KEY, private_key=PRIVATE_KEY,
            send_sbe=encoding is Encoding.SBE,
        )  # fmt: skip

    count = 60 if encoding is Encoding.SBE else 500
    try:
        report = await fuzzer.fuzz(
            open_client, count=count, seed=3, message_limit=ROOMY, connection_attempts=ROOMY,
            sbe=encoding is Encoding.SBE,
        )  # fmt: skip
    finally:
        await server.close()
    assert report.sent == report.answered == report.as_expected == count
    kinds = malformed.SBE_FAULTS if encoding is Encoding.SBE else malformed.kinds()
    assert set(report.outcomes) == set(kinds) and report.still_serving
    if encoding is Encoding.SBE:
        assert report.outcomes["sbe-encoding-type"]["reject -1177 then disconnect"] > 0
