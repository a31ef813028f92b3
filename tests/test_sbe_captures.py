"""FIX SBE in captures (issue 16, item 4): recorded as hex lines in fixlog (RawData masked),
read back byte for byte, judged by ``check`` as the FIX message each stands for, and replayed
in their own encoding by ``replay``, alone and as a venue's set."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from memory import API_KEY, PRIVATE_KEY
from test_sbe_sessions import ORDER, UNKNOWN_CANCEL, _sbe_logon, accounts

import fixsession
from fixsession import captures, errors, recording, sbe
from fixsession.captures import RECEIVED, SENT, Record, SbePieces
from fixsession.errors import CaptureError
from fixsession.message import Message
from fixsession.sbewire import Encoding
from fixsession.tools.cli import main
from fixsession.venue.server import Server

START_US = 1_750_000_000_000_000


def sbe_frames(count: int = 3) -> list[bytes]:
    return [
        sbe.encode("TestRequest", {"TestReqID": f"t{n}"}, n + 2, START_US + n) for n in range(count)
    ]


@given(data=st.binary(max_size=300), direction=st.sampled_from([SENT, RECEIVED]))
def test_any_sbe_bytes_round_trip_through_a_fixlog_line(data: bytes, direction: str) -> None:
    record = Record(data, direction, 1_750_000_000.123456, sbe=True)
    line = captures.format_record(record)
    assert line.count(b"\n") == 1 and b" sbe " in line
    (back,) = captures.parse(line)
    assert back == record or back.data != data  # a Logon's signature is masked, nothing else
    if data[8:10] != (20008).to_bytes(2, "little"):
        assert back == record


def test_a_logons_signature_is_masked_and_nothing_else() -> None:
    logon = _sbe_logon(START_US)
    signature = sbe.decode(logon).values["RawData"]
    line = captures.format_record(Record(logon, RECEIVED, 1.0, sbe=True))
    assert signature.encode().hex().encode() not in line
    (back,) = captures.parse(line)
    assert len(back.data) == len(logon)
    masked = sbe.decode(back.data).values
    assert masked["RawData"] == "*" * len(signature) and masked["Username"] == API_KEY
    cut = logon[:-30]  # a Logon cut short: whatever follows its fixed block is masked
    (back,) = captures.parse(captures.format_record(Record(cut, RECEIVED, 1.0, sbe=True)))
    assert signature[:20].encode() not in back.data and back.data[:40] == cut[:40]


def test_a_line_that_is_not_hex_is_a_capture_error_naming_it() -> None:
    good = captures.format_record(Record(sbe_frames(1)[0], SENT, 1.0, sbe=True))
    with pytest.raises(CaptureError, match="line 2: not hex after 'sbe '"):
        captures.parse(good + good.replace(b" sbe ", b" sbe zz"))


@given(cuts=st.lists(st.integers(0, 200), max_size=8))
def test_sbe_pieces_are_the_messages_whatever_the_chunks(cuts: list[int]) -> None:
    frames = sbe_frames()
    stream = b"".join(frames)
    pieces, out, at = SbePieces(), [], 0
    for cut in sorted(cuts):
        out += pieces.take(stream[at:cut], False)
        at = max(at, cut)
    out += pieces.take(stream[at:], True)
    assert out == frames


def test_after_a_bad_sofh_the_rest_is_one_piece() -> None:
    frames = sbe_frames()
    bad = bytearray(frames[1])
    bad[4:6] = (0xEB51).to_bytes(2, "little")
    pieces = SbePieces()
    assert pieces.take(frames[0] + bytes(bad) + frames[2], False) == [frames[0]]
    assert pieces.take(b"", True) == [bytes(bad) + frames[2]]


@pytest.mark.parametrize("encoding", [Encoding.SBE, Encoding.SBE_RESPONSES])
async def test_recorded_sbe_sessions_check_and_replay_green(
    encoding: Encoding, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = Server(accounts=accounts(), encoding=encoding, record=tmp_path / "venue")
    host, port = await server.start("127.0.0.1", 0)
    try:
        async with fixsession.connect(
            host, port, api_key=API_KEY, private_key=PRIVATE_KEY, tls=False, encoding=encoding,
            record=tmp_path / "gateway",
        ) as client:  # fmt: skip
            await client.request(Message("D", ORDER))
            with pytest.raises(errors.UnknownOrder):
                await client.request(Message("F", UNKNOWN_CANCEL))
    finally:
        await server.close()
    files = sorted(tmp_path.rglob("*.fixlog"))
    assert len(files) == 2
    for path in files:
        records = recording.read(path)
        assert {
            r.sbe for r in records if r.direction == (SENT if "venue" in str(path) else RECEIVED)
        } == {True}
        for record in records:  # every signature masked
            if record.sbe and record.data[8:10] == (20008).to_bytes(2, "little"):
                assert set(sbe.decode(record.data).values["RawData"]) == {"*"}
    assert main(["check", "-q", *map(str, files)]) == 0
    assert main(["replay", str(tmp_path / "venue"), str(tmp_path / "gateway")]) == 0
    assert main(["replay", "--each", *map(str, files)]) == 0
    out = capsys.readouterr().out
    assert "replayed as acceptor with its venue" in out and "replayed as initiator" in out


def test_a_replay_that_differs_names_the_sbe_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = (
        Path(__file__).resolve().parent.parent / "captures" / "sessions" / "sbe-order-entry.fixlog"
    )
    records = recording.read(shipped)
    index = next(i for i, r in enumerate(records) if r.direction == RECEIVED and r.sbe and
                 sbe.decode(r.data).name == "NewOrderSingle")  # fmt: skip
    order = sbe.decode(records[index].data)
    values = {**order.values, "ClOrdID": "changed"}
    records[index] = Record(sbe.encode(order.name, values, order.seq_num, order.sending_time_us),
                            RECEIVED, records[index].timestamp, sbe=True)  # fmt: skip
    recording.write(records, tmp_path / "changed.fixlog")
    assert main(["replay", str(tmp_path / "changed.fixlog")]) == 1
    assert "field ClOrdID: captured 'o1', replayed 'changed'" in capsys.readouterr().out


def test_fix_bytes_that_begin_like_an_sbe_line_read_back_as_fix() -> None:
    """Found by fuzzing (captures): a FIX record whose bytes began with "sbe " was written as
    they were and read back as an SBE line (or refused as bad hex)."""
    for data in (b"sbe 8=FIX.4.4\x019=5\x0135=0\x0110=000\x01", b"sbe 00ff"):
        line = captures.format_record(Record(data, SENT, 1.0))
        (back,) = captures.parse(line)
        assert (back.data, back.sbe) == (data, False)


def test_decode_names_an_sbe_fault_without_reading_its_bytes_as_fix(
    capsys: pytest.CaptureFixture[str],
) -> None:
    shipped = (
        Path(__file__).resolve().parent.parent / "captures" / "sessions" / "1153-sbe-schema.fixlog"
    )
    assert main(["decode", str(shipped)]) == 0
    lines = capsys.readouterr().out.splitlines()
    (at,) = [n for n, line in enumerate(lines) if "GARBLED -1153" in line]
    assert lines[at].endswith("Invalid SBE schema ID or version specified.")
    assert not lines[at + 1].startswith("  ")  # no fields made up from the SBE bytes
