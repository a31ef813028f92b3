"""Replay: every shipped capture passes, a corrupted copy of any capture fails with a diff
that names the message and the field, and the sidecars say what they claim."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixsession import recording
from fixsession.captures import Record
from fixsession.message import Message
from fixsession.tools import replay
from fixsession.tools.expectations import Expectation

ROOT = Path(__file__).resolve().parents[2]
CAPTURES = sorted(recording.iter_capture_files([ROOT / "captures"]))
SESSIONS = [path for path in CAPTURES if path.suffix == ".fixlog"]
FIX_SESSIONS = [path for path in SESSIONS if b" sbe " not in path.read_bytes()]
"""(FIX SBE ones have a test of their own in test_sbe_captures)"""


def load(path: Path) -> tuple[list[Record], Expectation]:
    text = recording.read_sidecar(path)
    assert text is not None, f"{path} has no sidecar"
    return recording.read(path), Expectation.from_json(text)


@pytest.mark.parametrize("path", CAPTURES, ids=[path.stem for path in CAPTURES])
def test_every_shipped_capture_replays(path: Path) -> None:
    records, expectation = load(path)
    outcome = replay.verify(records, expectation)
    assert outcome.passed, "\n".join(outcome.findings)


def test_the_captures_pin_every_behaviour_the_issue_lists() -> None:
    codes = set()
    names = {path.stem for path in SESSIONS}
    for path in SESSIONS:
        codes.update(load(path)[1].codes or ())
    fix_codes = {-1169, -1170, -1171, -1172, -1173, -1174, -1175, -1176, -1177, -1178, -1179,
                 -1180, -1181, -1183, -1184, -1185, -1186, -1187, -1188, -1189, -1190, -1191}  # fmt: skip
    assert fix_codes | {-1021, -1022, -1033, -1034, -1035, -2010, -2011} <= codes
    assert {"news-and-reconnect-1", "heartbeat-timeout"} <= names
    samples = load(ROOT / "captures" / "binance-doc-samples.fix")[1]
    assert len(samples.invalid) == 13 and not samples.session


def test_the_command_replays_the_folder() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fixsession", "replay", "-q", "captures"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(CAPTURES)} captures: {len(CAPTURES)} passed, 0 failed" in result.stdout


def _sent_by_recorder(records: list[Record]) -> list[int]:
    return [index for index, record in enumerate(records) if record.direction == ">"]


@settings(max_examples=60)
@given(data=st.data())
def test_a_corrupted_field_fails_with_a_diff_naming_message_and_field(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(FIX_SESSIONS), label="capture")
    records, expectation = load(path)
    index = data.draw(st.sampled_from(_sent_by_recorder(records)), label="record")
    message = Message.decode(records[index].data)
    # Username(553) is not echoed anywhere: a replay registers whatever API key it names.
    candidates = [t for t in message.tags if t not in replay.IGNORED and t not in (35, 553)]
    tag = data.draw(st.sampled_from(candidates), label="tag")
    value = message[tag] + "7"
    corrupted = message.replace([(tag, value)])
    records[index] = Record(corrupted.encode(), records[index].direction, records[index].timestamp)
    outcome = replay.verify(records, expectation)
    assert not outcome.passed
    # The diff names a message and a field: the corrupted one, or (where the corruption
    # changes what the replay does, e.g. a ClOrdID an answer echoes, or a -1022 that decides
    # whether the Logon is signed again) the first field it changed.
    position = _sent_by_recorder(records).index(index)
    named = [f for f in outcome.findings if " message " in f and ": field " in f]
    assert named or any(f"frame {index} " in f for f in outcome.findings), outcome.findings
    assert (
        any(f"sent message {position} (" in f for f in named)
        or expectation.both_sides
        or (tag == 25016)
    ), outcome.findings


def test_a_flipped_byte_fails_the_frame_check(tmp_path: Path) -> None:
    source = ROOT / "captures" / "sessions" / "order-entry.fixlog"
    lines = source.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"|55=BTCUSDT|", b"|55=BTCUSDX|")
    copy = tmp_path / "order-entry.fixlog"
    copy.write_bytes(b"\n".join(lines))
    (tmp_path / "order-entry.expect.json").write_text(recording.read_sidecar(source) or "")
    result = subprocess.run(
        [sys.executable, "-m", "fixsession", "replay", str(copy)],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert (
        "FAIL" in result.stdout and "frame 2 (D #2): expected valid, found -1177" in result.stdout
    )


def test_sidecars_round_trip() -> None:
    for path in CAPTURES:
        text = recording.read_sidecar(path)
        assert text is not None
        expectation = Expectation.from_json(text)
        assert json.loads(expectation.to_json()) == json.loads(text)


@settings(max_examples=300)
@given(data=st.data())
def test_replay_reports_instead_of_raising_on_any_capture(data: st.DataObject) -> None:
    """Spliced, truncated and mangled captures give findings, never an exception."""
    path = data.draw(st.sampled_from(SESSIONS), label="capture")
    records, expectation = load(path)
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        index = data.draw(st.integers(0, len(records) - 1))
        record = records[index]
        cut = data.draw(st.integers(0, len(record.data)))
        junk = data.draw(st.binary(max_size=12))
        records[index] = Record(record.data[:cut] + junk + record.data[cut + len(junk) :],
                                data.draw(st.sampled_from([">", "<", None])), record.timestamp,
                                sbe=data.draw(st.booleans()))  # fmt: skip
    if data.draw(st.booleans()):
        records = records[: data.draw(st.integers(0, len(records)))]
    outcome = replay.verify(records, expectation)
    assert isinstance(outcome.passed, bool)


def test_an_empty_capture_fails_replay(tmp_path: Path) -> None:
    empty = tmp_path / "empty.fixlog"
    empty.write_bytes(b"")
    outcome = replay.verify(recording.read(empty))
    assert not outcome.passed and "holds no frames" in outcome.findings[0]


@pytest.mark.parametrize("shape", ["logouts", "logons", "one read"])
def test_a_crafted_capture_replays_in_time_linear_in_its_size(shape: str) -> None:
    # Each shape made the replay quadratic: every sent Logout recounted all output so far,
    # every received Logon copied the rest of the capture, one read was joined byte by byte.
    def frame(msg_type: str, seq: int, sender: str, target: str, *extra: tuple[int, str]) -> bytes:
        fields = [(34, str(seq)), (49, sender), (52, "20240101-00:00:00.000"), (56, target)]
        return Message(msg_type, [*fields, *extra]).encode()

    at, n = 1_704_067_200.0, 6_000
    logon = frame("A", 1, "GW", "SPOT", (95, "3"), (96, "abc"), (98, "0"), (108, "30"),
                  (141, "Y"), (553, "k"), (25035, "2"))  # fmt: skip
    if shape == "logouts":  # an initiator that sent thousands of Logouts
        records = [Record(logon, ">", at), Record(frame("A", 1, "SPOT", "GW", (98, "0"),
                   (108, "30")), "<", at)]  # fmt: skip
        records += [Record(frame("5", i + 2, "GW", "SPOT"), ">", at) for i in range(n)]
    elif shape == "logons":  # an acceptor that received thousands of Logons
        records = [Record(logon, "<", at + i) for i in range(n)]
        records.append(Record(frame("5", 1, "SPOT", "GW"), ">", at + n))
    else:  # thousands of frames received in one read
        records = [Record(logon, ">", at)]
        records += [Record(frame("0", i + 1, "SPOT", "GW"), "<", at + 1) for i in range(n)]
    began = time.process_time()
    replay.verify(records, mode="session")
    assert time.process_time() - began < 6.0  # (quadratic, the logouts took 14 s)
