"""Hostile peers over real loopback sockets: the fault barrier in both roles, the caps on
connections that have not logged on, and a client facing a hostile acceptor. Every case ends
with the documented answer, nothing held, and the same API key able to log on again at once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from e2e import API_KEY, PRIVATE_KEY, ROOT, Certificate, Wire, public_pem
from frames import frame
from test_e2e_client import connect, order, server

from fixsession import client as fix_client
from fixsession import errors, transport
from fixsession.events import FaultDetected
from fixsession.framing import Framer
from fixsession.initiator import Initiator
from fixsession.message import Message
from fixsession.recording import Recorder, RecordLimits
from fixsession.tools.probe import RawClient
from fixsession.validation import Validator
from fixsession.venue import server as venue_server
from fixsession.venue.acceptor import Acceptor
from fixsession.venue.exchange import Exchange
from fixsession.venue.journal import parse

LONG_TAG = b"1" * 5000
MARKER = "BOOM"


async def wire(where: venue_server.Server, comp_id: str = "GW1", source: str = "127.0.0.1") -> Wire:
    host, port = where.address  # type: ignore[misc]
    reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
    return Wire(reader, writer, comp_id)


async def logged_on(peer: Wire) -> Wire:
    answer = await peer.logon(heart_bt_int=5)
    assert answer.msg_type == "A", answer
    return peer


async def released(venue: venue_server.Server) -> None:
    """Wait until the venue holds nothing of any connection (as a real client would see)."""
    async with asyncio.timeout(5):
        while venue.links or venue.unauthenticated or venue.accounts.sessions(API_KEY):
            await asyncio.sleep(0.01)


async def eof_within(peer: Wire, seconds: float) -> list[Message]:
    """What the venue sends before it closes the connection, within ``seconds``."""
    return await peer.closed(timeout=seconds)


# -- crafted frames from a logged-on client --------------------------------------------------


async def test_long_tags_from_a_logged_on_client_are_rejected_and_the_key_is_not_locked_out() -> (
    None
):
    venue = await server(None)
    try:
        peer = await logged_on(await wire(venue))
        for _ in range(10):
            peer.raw.send(frame(b"35=0|34=%d|49=GW1|52=20250615-15:06:40.000|56=SPOT|" % peer.seq
                                + LONG_TAG + b"=|"))  # fmt: skip
            reject = await peer.expect("3")
            assert reject.get(25016) == "-1169"
        peer.send("XLQ", "6136=q1|")
        assert (await peer.expect("XLR")).get(6136) == "q1"  # still serving this session
        peer.send("5")
        await peer.closed()
        again = await logged_on(await wire(venue))  # same key, same CompID, at once
        again.close()
    finally:
        await venue.close()


async def test_a_long_tag_before_logon_gets_one_answer_and_the_connection_closes() -> None:
    venue = await server(None)
    try:
        peer = await wire(venue)
        bad = frame(b"35=A|34=1|49=GW1|52=20250615-15:06:40.000|56=SPOT|" + LONG_TAG + b"=|")
        peer.raw.send(bad * 100)
        answers = await eof_within(peer, 5)
        assert [m.get(25016) for m in answers] == ["-1169"]
        await released(venue)
    finally:
        await venue.close()


# -- the fault barrier -------------------------------------------------------------------------

Layer = Callable[[pytest.MonkeyPatch], None]


def _framer(patch: pytest.MonkeyPatch) -> None:
    feed = Framer.feed

    def broken(self: Framer, data: bytes | bytearray | memoryview) -> list[object]:
        if MARKER.encode() in bytes(data):
            raise RuntimeError("a bug in the framer")
        return feed(self, data)  # type: ignore[return-value]

    patch.setattr(Framer, "feed", broken)


def _validation(patch: pytest.MonkeyPatch) -> None:
    parse = Validator.parse

    def broken(self: Validator, data: bytes) -> object:
        if MARKER.encode() in data:
            raise RuntimeError("a bug in the validation")
        return parse(self, data)

    patch.setattr(Validator, "parse", broken)


def _session(patch: pytest.MonkeyPatch) -> None:
    dispatch = Acceptor._dispatch

    def broken(self: Acceptor, message: Message, now: float) -> None:
        if message.get(6136) == MARKER:
            raise RuntimeError("a bug in the session")
        dispatch(self, message, now)

    patch.setattr(Acceptor, "_dispatch", broken)


def _exchange(patch: pytest.MonkeyPatch) -> None:
    on_message = Exchange.on_message

    def broken(self: Exchange, session: Acceptor, message: Message, now: float) -> None:
        if message.get(6136) == MARKER:
            raise RuntimeError("a bug in the exchange")
        on_message(self, session, message, now)

    patch.setattr(Exchange, "on_message", broken)


LAYERS = {"framer": _framer, "validation": _validation, "session": _session,
          "exchange": _exchange}  # fmt: skip


@pytest.mark.parametrize("layer", sorted(LAYERS))
async def test_a_bug_in_any_layer_ends_only_that_session_and_releases_everything(
    layer: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    certificate: Certificate,
    tmp_path: Path,
) -> None:
    LAYERS[layer](monkeypatch)
    venue = await server(certificate, record=tmp_path)
    try:
        host, port = venue.address  # type: ignore[misc]
        bystander = await connect(venue, certificate, sender_comp_id="OTHER")
        peer = Wire(*await asyncio.open_connection(host, port, ssl=certificate.client(),
                                                   server_hostname="localhost"), "GW1")  # fmt: skip
        await logged_on(peer)
        with caplog.at_level(logging.ERROR, logger="fixsession"):
            peer.send("XLQ", f"6136={MARKER}|")
            answers = await eof_within(peer, 5)
        assert [m.msg_type for m in answers][-1:] == ["5"]  # told, with -1001's text
        assert answers[-1].get(58) == errors.Disconnected.templates[0]
        # Logged once, with its traceback (the recorder, which frames too, has its own).
        tracebacks = [r for r in caplog.records if r.exc_info and "internal" in r.getMessage()]
        assert len(tracebacks) == 1 and f"a bug in the {layer}" in str(tracebacks[0].exc_info[1])
        # Nothing of it is held: the same key and CompID log on again at once.
        async with asyncio.timeout(5):
            while any(s.target_comp_id == "GW1" for s in venue.links):
                await asyncio.sleep(0.01)
        assert "GW1" not in venue.accounts.sessions(API_KEY)
        assert venue.unauthenticated == 0
        again = await logged_on(Wire(*await asyncio.open_connection(
            host, port, ssl=certificate.client(), server_hostname="localhost"), "GW1"))  # fmt: skip
        again.send("XLQ", "6136=q2|")
        assert (await again.expect("XLR")).get(6136) == "q2"
        again.send("5")
        await again.closed()
        # The other session went on throughout.
        assert (await bystander.request(Message("XLQ", [(6136, "q3")]))).msg_type == "XLR"
        await bystander.logout()
        await released(venue)
    finally:
        await venue.close()


async def test_a_failing_recorder_stops_recording_and_the_session_goes_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    def full_disk(self: Recorder, data: bytes, epoch: float) -> None:
        if MARKER.encode() in data:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(Recorder, "received", full_disk)
    venue = await server(None, record=tmp_path)
    try:
        peer = await logged_on(await wire(venue))
        with caplog.at_level(logging.ERROR, logger="fixsession"):
            peer.send("XLQ", f"6136={MARKER}|")
            assert (await peer.expect("XLR")).get(6136) == MARKER
        assert any("recording stopped" in r.getMessage() for r in caplog.records)
        peer.send("XLQ", "6136=after|")
        assert (await peer.expect("XLR")).get(6136) == "after"
        peer.send("5")
        await peer.closed()
        await released(venue)
    finally:
        await venue.close()


async def test_a_bug_in_the_client_ends_its_calls_with_a_typed_error(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    on_message = Initiator._on_message

    def broken(self: Initiator, message: Message, fault: object, now: float) -> None:
        if message.get(6136) == MARKER:
            raise RuntimeError("a bug in the client")
        on_message(self, message, fault, now)  # type: ignore[arg-type]

    monkeypatch.setattr(Initiator, "_on_message", broken)
    venue = await server(None)
    try:
        client = await connect(venue, None)
        with (
            caplog.at_level(logging.ERROR, logger="fixsession"),
            pytest.raises(fix_client.OutcomeUnknown) as raised,
        ):
            await client.request(Message("XLQ", [(6136, MARKER)]), timeout=5)
        assert isinstance(raised.value.fault, errors.Disconnected)  # what ended the session
        assert raised.value.request is not None and raised.value.request.req_id == MARKER
        events = [event async for event in client]  # ends
        assert any(isinstance(e, FaultDetected) and isinstance(e.error, errors.Disconnected)
                   for e in events)  # fmt: skip
        await released(venue)  # the venue got a Logout: nothing held there either
    finally:
        await venue.close()


# -- connections that have not logged on ----------------------------------------------------


async def closed_at_once(peer: Wire) -> bool:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(1):
            data = await peer.raw.reader.read(1)
            return data == b""
    return False


async def test_at_a_cap_the_oldest_connection_not_logged_on_makes_room() -> None:
    venue = await server(None, max_unauthenticated=4, max_unauthenticated_per_ip=2)
    try:
        a0, a1 = [await wire(venue, f"A{n}", "127.0.0.2") for n in range(2)]
        a2 = await wire(venue, "A2", "127.0.0.2")
        assert await closed_at_once(a0)  # the per-address cap: its oldest made room
        b0, b1 = [await wire(venue, f"B{n}", "127.0.0.3") for n in range(2)]
        assert venue.unauthenticated == 4
        c0 = await wire(venue, "C0", "127.0.0.4")
        assert await closed_at_once(a1)  # the global cap: the oldest of all made room
        await logged_on(a2)  # logged on: no longer counts, and never made to make room
        assert venue.unauthenticated == 3
        for n in range(8):
            await wire(venue, f"D{n}", "127.0.0.5")
        assert not await closed_at_once(a2)
        a2.send("XLQ", "6136=q1|")
        assert (await a2.expect("XLR")).get(6136) == "q1"
        for peer in (a2, b0, b1, c0):
            peer.close()
    finally:
        await venue.close()


@pytest.mark.parametrize("tls", [False, True])
async def test_a_connection_that_never_speaks_is_closed_within_the_logon_timeout(
    tls: bool, certificate: Certificate
) -> None:
    venue = await server(certificate if tls else None, logon_timeout=0.5)
    try:
        host, port = venue.address  # type: ignore[misc]
        reader, writer = await asyncio.open_connection(host, port)  # no TLS handshake either
        loop = asyncio.get_running_loop()
        began = loop.time()
        async with asyncio.timeout(3):
            assert await reader.read() == b""
        assert loop.time() - began < 1.5
        writer.close()
        await released(venue)
    finally:
        await venue.close()


async def test_a_huge_frame_before_logon_is_refused_at_once() -> None:
    venue = await server(None)
    try:
        peer = await wire(venue)
        peer.raw.send(b"8=FIX.4.4\x019=4000000\x0135=A\x0134=1\x01" + b"x" * 1000)
        answers = await eof_within(peer, 2)
        assert [m.get(25016) for m in answers] == ["-1177"]
        await released(venue)
    finally:
        await venue.close()


async def test_recording_before_logon_is_capped_and_old_captures_rotate(tmp_path: Path) -> None:
    venue = await server(None, record=tmp_path,
                         record_limits=RecordLimits(unauthenticated_bytes=2048, files=2))  # fmt: skip
    try:
        for n in range(3):
            peer = await wire(venue, f"G{n}")
            for _ in range(20):
                peer.raw.send(b"no FIX here " * 100)
            peer.raw.send(b"8=FIX.4.4\x01")
            await eof_within(peer, 5)
        await released(venue)
        files = sorted(tmp_path.glob("*.fixlog"))
        assert len(files) == 2
        assert all(path.stat().st_size <= 2048 for path in files)
        (journal,) = tmp_path.glob("*-venue.jsonl")  # names all three, whose two remain
        assert {f.name for f in files} < set(parse(journal.read_text()).captures)
    finally:
        await venue.close()


# -- a hostile acceptor ---------------------------------------------------------------------

Script = Callable[[RawClient, bytes], Awaitable[None]]


@contextlib.asynccontextmanager
async def acceptor(script: Script) -> AsyncIterator[tuple[str, int]]:
    """A raw acceptor that plays ``script`` to each client, given the client's Logon."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = RawClient(reader, writer, comp_id="SPOT", target_comp_id="GW1")
        with contextlib.suppress(Exception):
            logon = await peer.receive()
            assert isinstance(logon, bytes)
            await script(peer, logon)
            while await reader.read(65536):  # until the client closes
                pass

    listener = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield "127.0.0.1", listener.sockets[0].getsockname()[1]
    finally:
        listener.close()


def logon_answer(peer: RawClient, seq: int | None = None) -> bytes:
    return peer.frame("A", "98=0|108=30|25037=4f2a|", seq=seq)


async def test_a_long_tag_right_after_the_logon_answer_is_ignored_by_the_client() -> None:
    async def script(peer: RawClient, logon: bytes) -> None:
        peer.send(logon_answer(peer))
        peer.send(frame(b"35=0|34=2|49=SPOT|52=20250615-15:06:40.000|56=GW1|" + LONG_TAG + b"=|"))
        peer.send(peer.frame("5", "58=bye|", seq=2))  # a garbled frame uses up no number

    async with acceptor(script) as (host, port):
        async with asyncio.timeout(5):
            client = await fix_client.connect(host, port, api_key=API_KEY, private_key=PRIVATE_KEY,
                                       sender_comp_id="GW1", tls=False)  # fmt: skip
            events = [event async for event in client]
    faults = [e for e in events if isinstance(e, FaultDetected)]
    assert [f.error.code for f in faults] == [-1169]


async def test_a_logon_answer_out_of_sequence_fails_connect_with_its_typed_error() -> None:
    async def script(peer: RawClient, logon: bytes) -> None:
        peer.send(logon_answer(peer, seq=7))

    async with acceptor(script) as (host, port):
        with pytest.raises(errors.BadSeqNum):
            async with asyncio.timeout(5):
                await fix_client.connect(host, port, api_key=API_KEY, private_key=PRIVATE_KEY,
                                  sender_comp_id="GW1", tls=False)  # fmt: skip


async def test_a_huge_frame_instead_of_a_logon_answer_fails_connect_at_once() -> None:
    async def script(peer: RawClient, logon: bytes) -> None:
        peer.send(b"8=FIX.4.4\x019=4000000\x0135=A\x0134=1\x01" + b"x" * 10_000)

    async with acceptor(script) as (host, port):
        with pytest.raises(errors.GarbledMessage):
            async with asyncio.timeout(3):
                await fix_client.connect(host, port, api_key=API_KEY, private_key=PRIVATE_KEY,
                                  sender_comp_id="GW1", tls=False)  # fmt: skip


async def test_answers_in_flight_after_the_peers_logout_reach_their_requests() -> None:
    async def script(peer: RawClient, logon: bytes) -> None:
        peer.send(logon_answer(peer))
        request = await peer.receive_message()
        peer.send(peer.frame("5", "58=going away|"))
        seq = request.get(34)
        peer.send(peer.frame("3", f"45={seq}|372=D|373=99|25016=-1035|58=Please send Logout<5> "
                                  "message to close the session.|"))  # fmt: skip
        await peer.receive_message()  # the client's acknowledgment
        peer.close()

    async with acceptor(script) as (host, port):
        client = await fix_client.connect(host, port, api_key=API_KEY, private_key=PRIVATE_KEY,
                                   sender_comp_id="GW1", tls=False)  # fmt: skip
        with pytest.raises(errors.LoggedOut):
            await client.request(order("o1"), timeout=5)
        async with asyncio.timeout(5):
            assert [event async for event in client]


async def test_iteration_ends_after_logout_even_when_the_event_queue_was_full() -> None:
    venue = await server(None)
    try:
        client = await connect(venue, None, queue_size=2)
        for n in range(5):  # more unrequested answers than the queue holds
            await client.send(Message("XLQ", [(6136, f"q{n}")]))
        await asyncio.sleep(0.2)
        async with asyncio.timeout(10):
            await client.logout(timeout=0.5)  # nobody reads: the handshake cannot finish
            events = [event async for event in client]
        assert len(events) >= 2
    finally:
        await venue.close()


# -- the command line -----------------------------------------------------------------------


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fixsession", *args], capture_output=True, text=True, timeout=60,
        input=stdin.decode("latin-1") if stdin is not None else None,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


def test_check_decode_and_replay_answer_a_long_tag_without_a_traceback(tmp_path: Path) -> None:
    capture = tmp_path / "long-tag.fix"
    capture.write_bytes(frame(b"35=0|34=2|49=GW1|52=20250615-15:06:40.000|56=SPOT|"
                              + LONG_TAG + b"=|"))  # fmt: skip
    for command in (["check", str(capture)], ["decode", str(capture)], ["replay", str(capture)]):
        result = run(*command)
        assert "Traceback" not in result.stderr, command
        assert result.returncode in (0, 1), (command, result.stderr)
    assert "-1169" in run("check", str(capture)).stdout


def test_serve_refuses_an_expired_certificate_and_an_encrypted_key(tmp_path: Path) -> None:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    past = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    expired = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
               .public_key(key.public_key()).serial_number(1).not_valid_before(past)
               .not_valid_after(past + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))  # fmt: skip
    (tmp_path / "expired.pem").write_bytes(expired.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))  # fmt: skip
    (tmp_path / "locked.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret")))  # fmt: skip
    cert, _ = transport.self_signed_certificate()
    (tmp_path / "cert.pem").write_bytes(cert)
    (tmp_path / "keys.json").write_text(json.dumps({"k": public_pem(PRIVATE_KEY)}))
    base = ["serve", "--listen", "127.0.0.1:0", "--session-type", "order-entry",
            "--keys", str(tmp_path / "keys.json")]  # fmt: skip
    result = run(*base, "--tls-cert", str(tmp_path / "expired.pem"),
                 "--tls-key", str(tmp_path / "key.pem"))  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("fixsession: error: the TLS certificate")
    assert "expired on 2020-01-02" in result.stderr
    result = run(*base, "--tls-cert", str(tmp_path / "cert.pem"),
                 "--tls-key", str(tmp_path / "locked.pem"), stdin=b"")  # fmt: skip
    assert result.returncode == 2 and "is encrypted" in result.stderr
    assert "Traceback" not in result.stderr
