"""The command line: check and decode, output formats, exit statuses, user mistakes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from frames import HEARTBEAT, ORDER, frame

from fixsession.tools.cli import main

ROOT = Path(__file__).resolve().parents[2]
DOC_SAMPLES = ROOT / "captures" / "binance-doc-samples.fix"
KEYS = [
    "offset",
    "length",
    "msg_type",
    "msg_seq_num",
    "valid",
    "code",
    "name",
    "reason",
    "ref_tag",
    "text",
    "file",
    "line",
]


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "fixsession", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )


def test_check_json_has_exactly_the_documented_keys_in_stream_order(tmp_path: Path) -> None:
    capture = tmp_path / "mixed.fix"
    bad = frame(b"35=D|34=3|49=x|", checksum=1)
    capture.write_bytes(ORDER + bad + HEARTBEAT)
    result = run("check", "--format", "json", str(capture))
    assert result.returncode == 1
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [list(obj) for obj in objects] == [KEYS] * 3
    assert objects[0] == {
        "offset": 0,
        "length": len(ORDER),
        "msg_type": "D",
        "msg_seq_num": 2,
        "valid": True,
        "code": None,
        "name": None,
        "reason": None,
        "ref_tag": None,
        "text": None,
        "file": str(capture),
        "line": None,
    }
    assert objects[1] == {
        "offset": len(ORDER),
        "length": len(bad),
        "msg_type": "D",
        "msg_seq_num": 3,
        "valid": False,
        "code": -1177,
        "name": "GARBLED_MESSAGE",
        "reason": 99,
        "ref_tag": 10,
        "text": "CheckSum(10) contains an incorrect value.",
        "file": str(capture),
        "line": None,
    }
    assert objects[2]["offset"] == len(ORDER) + len(bad) and objects[2]["valid"]
    assert b"3 frames: 2 valid, 1 invalid" in result.stderr


def test_check_documentation_samples_with_soh_character() -> None:
    result = run("check", "--soh", "|", "--format", "json", str(DOC_SAMPLES))
    assert result.returncode == 1
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(objects) == 29 and sum(not obj["valid"] for obj in objects) == 13
    data = DOC_SAMPLES.read_bytes()
    for obj in objects:  # offsets point into the file as it is, line breaks included
        assert data[obj["offset"] : obj["offset"] + 2] == b"8="


def test_check_text_output_and_all_valid_exit_status(tmp_path: Path) -> None:
    capture = tmp_path / "good.fix"
    capture.write_bytes(ORDER + HEARTBEAT)
    result = run("check", str(capture))
    assert result.returncode == 0
    lines = result.stdout.decode().splitlines()
    assert lines[0].endswith("D #2 ok") and lines[-1] == "2 frames: 2 valid, 0 invalid"


def test_check_reads_stdin_and_quiet_prints_only_faults() -> None:
    result = run("check", "-q", stdin=ORDER + b"junk")
    assert result.returncode == 1
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 2 and "<stdin>:" in lines[0] and "BeginString (8)" in lines[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "/no/such/file.fix"], b"cannot read /no/such/file.fix"),
        (["check", "--soh", "||", "x"], b"--soh takes one ASCII character"),
    ],
)
def test_user_mistakes_get_one_line_and_status_2(args: list[str], message: bytes) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert b"Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_usage_errors_and_help() -> None:
    assert run("check", "--format", "xml").returncode == 2
    assert run().returncode == 2
    result = run("check", "--help")
    assert result.returncode == 0 and b"Exit status" in result.stdout


def test_decode_names_fields_and_redacts_raw_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decode", "--soh", "|", str(DOC_SAMPLES)]) == 0
    text = capsys.readouterr().out
    first = text.split("\n", 12)
    assert first[0] == f"{DOC_SAMPLES}:0 valid"
    assert first[1] == "  MsgType(35) = A (Logon)" and first[2] == "  MsgSeqNum(34) = 1"
    assert "  RawData(96) = " + "*" * 88 in text and "4MHXelVV" not in text
    assert "GARBLED -1177 GARBLED_MESSAGE" in text


def test_decode_json_shows_garbled_frames_fields_with_the_fault(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["decode", "--soh", "|", "--format", "json", str(DOC_SAMPLES)]) == 0
    shown = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(shown) == 29 and sum(not s["valid"] for s in shown) == 13
    garbled = [s for s in shown if not s["valid"] and any(f.get("fault") for f in s["fields"])]
    assert garbled, "a garbled frame names the field at fault"
    fault = next(f for f in garbled[0]["fields"] if f.get("fault"))
    assert fault["tag"] == garbled[0]["ref_tag"]
    names = {f["name"] for s in shown for f in s["fields"]}
    assert {"SenderCompID", "MsgSeqNum", "Symbol"} <= names
    side = next(f for s in shown for f in s["fields"] if f["tag"] == 54)
    assert side["meaning"] in ("BUY", "SELL")
    assert all(set(f["value"]) == {"*"} for s in shown for f in s["fields"] if f["tag"] == 96)


def test_check_and_decode_read_every_capture_format(tmp_path: Path) -> None:
    """A recording (fixlog), a QuickFIX message log and '|' text: only the frames are
    judged; the timestamps and directions are not garbage."""
    from fixsession import recording

    path = tmp_path / "served.fixlog"
    recorder = recording.Recorder(path)
    recorder.received(LOGON_FRAME, 1.0)  # recorded with its signature redacted
    recorder.logged_on()
    recorder.sent(HEARTBEAT, 2.0)
    recorder.received(ORDER, 3.0)
    recorder.close(4.0)
    quickfix = tmp_path / "messages.log"
    quickfix.write_bytes(b"".join(b"20260101-00:00:0%d.000 : " % n + f + b"\n"
                                  for n, f in enumerate((HEARTBEAT, ORDER))))  # fmt: skip
    text = tmp_path / "text.txt"
    text.write_bytes(HEARTBEAT.replace(b"\x01", b"|") + b"\n" + ORDER.replace(b"\x01", b"|"))
    for capture, frames in ((path, 3), (quickfix, 2), (text, 2)):
        result = run("check", "--format", "json", str(capture))
        assert result.returncode == 0, (capture.name, result.stdout)
        verdicts = [json.loads(line) for line in result.stdout.splitlines()]
        assert len(verdicts) == frames and all(v["valid"] for v in verdicts)
        assert [v["line"] for v in verdicts] == list(range(1, frames + 1))
        assert {v["file"] for v in verdicts} == {str(capture)}
        assert run("decode", str(capture)).returncode == 0
    raw = run("check", "--format-in", "raw", str(quickfix))  # forced: timestamps are garbage
    assert raw.returncode == 1
    assert run("check", str(path)).stdout.endswith(b"3 frames: 3 valid, 0 invalid\n")


def test_check_judges_every_shipped_capture_as_its_name_says() -> None:
    """A capture named after a framing or dictionary fault holds frames with it; the others
    are clean (exit 0)."""
    faults = {1152, 1153, 1169, 1170, 1171, 1172, 1173, 1174, 1177, 1188, 1189, 1221}
    for path in sorted((ROOT / "captures" / "sessions").glob("*.fixlog")):
        code = path.name.split("-")[0]
        expected = 1 if code.isdigit() and int(code) in faults else 0
        assert run("check", "-q", str(path)).returncode == expected, path.name


LOGON_FRAME = frame(
    b"35=A|34=1|49=qNXO12fH|52=20240611-09:01:46.228|56=SPOT|95=4|96=abcd|98=0|108=30|"
    b"141=Y|553=key|25035=2|"
)
NO_SYMBOL = frame(b"35=D|49=a|56=SPOT|34=2|52=20240611-09:01:46|11=x|38=1|40=2|44=1|54=1|59=1|")


def test_check_validates_against_the_dictionary_by_default(tmp_path: Path) -> None:
    capture = tmp_path / "order.fix"
    capture.write_bytes(NO_SYMBOL)
    result = run("check", "--format", "json", str(capture))
    assert result.returncode == 1
    verdict = json.loads(result.stdout)
    assert (verdict["code"], verdict["reason"], verdict["ref_tag"], verdict["text"]) == (
        -1102,
        1,
        55,
        "Required tag '55' missing.",
    )
    assert run("check", "--no-dictionary", str(capture)).returncode == 0


def test_check_session_type_and_dictionary_file(tmp_path: Path) -> None:
    capture = tmp_path / "order.fix"
    capture.write_bytes(ORDER)
    assert run("check", "--session-type", "order-entry", str(capture)).returncode == 0
    result = run("check", "--session-type", "market-data", "--format", "json", str(capture))
    assert json.loads(result.stdout)["code"] == -1020
    official = Path(__file__).resolve().parents[3] / "shared" / "binance" / "spot-fix-oe.xml"
    if official.is_file():
        assert run("check", "--dictionary", str(official), str(capture)).returncode == 0
    bad = run("check", "--dictionary", str(tmp_path / "none.xml"), str(capture))
    assert bad.returncode == 2 and b"none.xml" in bad.stderr and b"Traceback" not in bad.stderr
    both = run("check", "--no-dictionary", "--session-type", "drop-copy", str(capture))
    assert both.returncode == 2


def test_an_encrypted_key_opens_with_a_password_from_the_environment(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pem = tmp_path / "key.pem"
    pem.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"pw-from-env"),
        )
    )
    base = ["fuzz", "127.0.0.1:1", "--api-key", "k", "--private-key", str(pem), "--plain"]
    refused = run(*base)
    assert refused.returncode == 2
    assert (
        refused.stderr.decode().strip().endswith("the private key is encrypted: give its password")
    )
    unset = run(*base, "--private-key-password-env", "FIXSESSION_TEST_UNSET_VARIABLE")
    assert b"FIXSESSION_TEST_UNSET_VARIABLE is not set" in unset.stderr
    opened = subprocess.run(
        [sys.executable, "-m", "fixsession", *base, "--private-key-password-env", "KEY_PW"],
        capture_output=True, env={**os.environ, "KEY_PW": "pw-from-env"},
    )  # fmt: skip
    assert opened.returncode == 3 and b"Connect call failed" in opened.stderr  # key opened
    assert b"pw-from-env" not in opened.stderr + opened.stdout
