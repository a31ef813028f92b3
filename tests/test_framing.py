"""The framer: delimiting frames, every garbled variant, resync, bounds, and its properties."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest
from conftest import shared_file
from frames import HEARTBEAT, ORDER, frame, wrap
from hypothesis import given
from hypothesis import strategies as st

from fixsession.errors import GarbledMessage, InvalidTagNumber
from fixsession.framing import SAMPLE_SIZE, Framer, Garbled, Item, frames
from fixsession.message import Message
from fixsession.speedups import pure_python

CHECKSUM = "CheckSum(10) contains an incorrect value."
BEGIN_STRING = "BeginString (8) is not the first tag in a message."
MSG_TYPE = "MsgType (35) is not the third tag in a message."
BODY_LENGTH = "BodyLength (9) does not contain the correct byte count."
NON_PRINTABLE = "Only printable ASCII characters and SOH (Start of Header) are allowed."
NO_VALUE = "Tag specified without a value."
INVALID_TAG = "Invalid tag number."

HB = b"35=0|34=2|49=SPOT|52=20240611-09:01:46.228950|56=qNXO12fH|"

pytestmark = pytest.mark.usefixtures("implementation")  # C speedups, then pure Python


def describe(item: Item) -> tuple[object, ...]:
    """An item as comparable data (exceptions compare by identity)."""
    if isinstance(item, bytes):
        return ("frame", item)
    error = item.error
    return (
        "garbled",
        item.offset,
        item.length,
        error.code,
        error.text,
        error.ref_tag_id,
        error.session_reject_reason,
        item.data,
        item.msg_type,
        item.msg_seq_num,
    )


def verdicts(stream: bytes, **options: object) -> list[tuple[object, ...]]:
    framer = Framer(**options)  # type: ignore[arg-type]
    return [describe(item) for item in framer.feed(stream) + framer.close()]


def only_garbled(stream: bytes) -> Garbled:
    items = frames(stream)
    assert len(items) == 1 and isinstance(items[0], Garbled), items
    return items[0]


# -- the documentation samples --------------------------------------------------------------


def test_documentation_samples_13_of_29_are_garbled_as_the_digest_says() -> None:
    data = shared_file("doc-samples.txt").read_bytes().replace(b"|", b"\x01")
    framer = Framer(line_breaks=True)
    items = framer.feed(data) + framer.close()
    assert len(items) == 29
    garbled = [item for item in items if isinstance(item, Garbled)]
    by_type = {item.msg_type: item.error.text for item in garbled}
    assert {t for t, text in by_type.items() if text == CHECKSUM} == {
        "D",
        "8",
        "F",
        "9",
        "XCN",
        "r",
        "E",
    }
    assert {t for t, text in by_type.items() if text == BODY_LENGTH} == {"V", "Y", "W"}
    assert sum(item.msg_type == "V" for item in garbled) == 4
    assert len(garbled) == 13


# -- each garbled variant -----------------------------------------------------------------------

CASES: list[tuple[str, bytes, int, str, int | None]] = [
    ("wrong checksum", frame(HB, checksum=7), -1177, CHECKSUM, 10),
    ("checksum not 3 digits", frame(HB)[:-4] + b"7\x01", -1177, CHECKSUM, 10),
    ("checksum over 255", frame(HB)[:-4] + b"999\x01", -1177, CHECKSUM, 10),
    ("BeginString FIX.4.2", frame(HB, begin=b"FIX.4.2"), -1177, BEGIN_STRING, 8),
    ("junk before the frame", b"junk", -1177, BEGIN_STRING, 8),
    (
        "MsgType fourth",
        frame(b"34=2|35=0|49=SPOT|52=20240611-09:01:46.228|56=x|"),
        -1177,
        MSG_TYPE,
        35,
    ),
    ("no MsgType", frame(b"34=2|49=SPOT|"), -1177, MSG_TYPE, 35),
    ("BodyLength one short", frame(HB, body_length=len(HB) - 1), -1177, BODY_LENGTH, 9),
    ("BodyLength one long", frame(HB, body_length=len(HB) + 1), -1177, BODY_LENGTH, 9),
    ("BodyLength not second", b"8=FIX.4.4\x0135=0\x019=5\x0110=000\x01", -1177, BODY_LENGTH, 9),
    ("BodyLength with a sign", frame(HB).replace(b"9=", b"9=+", 1), -1177, BODY_LENGTH, 9),
    ("BodyLength with a space", frame(HB).replace(b"9=", b"9= ", 1), -1177, BODY_LENGTH, 9),
    ("BodyLength empty", b"8=FIX.4.4\x019=\x0135=0\x0110=000\x01", -1177, BODY_LENGTH, 9),
    ("control character", frame(HB + b"58=a\x07b|"), -1177, NON_PRINTABLE, 58),
    ("DEL", frame(HB + b"58=a\x7fb|"), -1177, NON_PRINTABLE, 58),
    ("non-ASCII outside the UTF-8 tags", frame(HB + "58=café|".encode()), -1177, NON_PRINTABLE, 58),
    ("invalid UTF-8 in Symbol", frame(HB + b"55=\xff\xfe|"), -1177, NON_PRINTABLE, 55),
    ("control character in Symbol", frame(HB + b"55=a\x02|"), -1177, NON_PRINTABLE, 55),
    ("non-printable in a tag", frame(HB + b"5\x078=x|"), -1177, NON_PRINTABLE, None),
    ("tag without a value", frame(HB + b"58=|"), -1177, NO_VALUE, 58),
    ("MsgType without a value", frame(b"35=|34=1|"), -1177, NO_VALUE, 35),
    ("RawData without a value", frame(HB + b"95=0|96=|"), -1177, NO_VALUE, 96),
    ("empty tag", frame(HB + b"=x|"), -1169, INVALID_TAG, None),
    ("letters in a tag", frame(HB + b"5a8=x|"), -1169, INVALID_TAG, None),
    ("tag zero", frame(HB + b"0=x|"), -1169, INVALID_TAG, None),
    ("tag with a leading zero", frame(HB + b"058=x|"), -1169, INVALID_TAG, None),
    ("negative tag", frame(HB + b"-58=x|"), -1169, INVALID_TAG, None),
    ("field without =", frame(HB + b"58|"), -1169, INVALID_TAG, None),
    ("empty field", frame(HB + b"|"), -1169, INVALID_TAG, None),
]


@pytest.mark.parametrize(
    ("stream", "code", "text", "ref_tag"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_fault_has_its_code_text_and_ref_tag(
    stream: bytes, code: int, text: str, ref_tag: int | None
) -> None:
    garbled = only_garbled(stream)
    assert (garbled.error.code, garbled.error.text, garbled.error.ref_tag_id) == (
        code,
        text,
        ref_tag,
    )
    assert isinstance(garbled.error, GarbledMessage if code == -1177 else InvalidTagNumber)
    assert garbled.error.session_reject_reason == (0 if code == -1169 else 99)
    assert (garbled.offset, garbled.length) == (0, len(stream))


@pytest.mark.parametrize(
    ("stream", "code", "text", "ref_tag"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_frames_after_any_fault_are_delivered_intact(
    stream: bytes, code: int, text: str, ref_tag: int | None
) -> None:
    items = frames(ORDER + stream + HEARTBEAT + ORDER)
    assert items[0] == ORDER and items[-2:] == [HEARTBEAT, ORDER]
    assert len(items) == 4 and isinstance(items[1], Garbled)
    assert (items[1].offset, items[1].length) == (len(ORDER), len(stream))
    assert items[1].error.text == text


def test_valid_frames_of_every_shape() -> None:
    samples = [
        HEARTBEAT,
        ORDER,
        frame(HB + "55=BTC€USDT|".encode()),  # UTF-8 is allowed in Symbol
        frame(HB + b"95=5|96=ab\x01cd|"),  # RawData is taken by its length
        frame(HB + b"95=4|96=ab==|"),  # a value may end with '=' (base64)
        frame(HB + b"58=a=b|"),
        frame(HB).replace(b"9=%d" % len(HB), b"9=%07d" % len(HB)),  # zero-padded BodyLength
    ]
    samples[-1] = samples[-1][:-7] + b"10=%03d\x01" % (sum(samples[-1][:-7]) % 256)
    assert b"9=0000058\x01" in samples[-1]
    for sample in samples:
        assert frames(sample) == [sample]


def test_a_limit_beyond_any_buffer_is_no_limit() -> None:
    framer = Framer(max_frame_size=10**30)
    assert framer.feed(HEARTBEAT + ORDER) == [HEARTBEAT, ORDER]


def test_body_length_may_have_up_to_ten_digits() -> None:
    def padded(width: int) -> bytes:
        wire = frame(HB).replace(b"9=%d" % len(HB), b"9=%0*d" % (width, len(HB)))
        return wire[:-7] + b"10=%03d\x01" % (sum(wire[:-7]) % 256)

    assert frames(padded(10)) == [padded(10)]
    garbled = only_garbled(padded(11))
    assert (garbled.error.text, garbled.length) == (BODY_LENGTH, len(padded(11)))


def test_garbled_frame_reports_its_msg_type_and_seq_num() -> None:
    garbled = only_garbled(frame(b"35=D|34=17|49=x|", checksum=0))
    assert (garbled.msg_type, garbled.msg_seq_num) == ("D", 17)
    garbled = only_garbled(b"junk")
    assert (garbled.msg_type, garbled.msg_seq_num, garbled.data) == (None, None, b"junk")


def test_an_incomplete_frame_at_the_end_of_the_stream_is_reported_by_close() -> None:
    framer = Framer()
    assert framer.feed(ORDER + HEARTBEAT[:30]) == [ORDER]
    assert framer.buffered == 30
    (tail,) = framer.close()
    assert isinstance(tail, Garbled)
    assert (tail.offset, tail.length, tail.error.text) == (len(ORDER), 30, BODY_LENGTH)
    assert framer.close() == []


def test_line_breaks_between_frames_are_skipped_only_when_asked() -> None:
    stream = ORDER + b"\r\n" + HEARTBEAT + b"\n"
    assert frames(stream)[0] == ORDER and isinstance(frames(stream)[1], Garbled)
    framer = Framer(line_breaks=True)
    assert framer.feed(stream) + framer.close() == [ORDER, HEARTBEAT]


# -- bounds ---------------------------------------------------------------------------------


def test_a_huge_body_length_is_garbled_at_once_without_buffering() -> None:
    framer = Framer(max_frame_size=4096)
    assert framer.feed(b"8=FIX.4.4\x019=999999999\x0135=X\x01") == []
    assert framer.buffered <= 10  # only a possible start of the next BEGIN is kept
    items = framer.feed(HEARTBEAT)
    assert items[0].error.text == BODY_LENGTH  # type: ignore[union-attr]
    assert items[1:] == [HEARTBEAT]


def test_a_frame_just_over_the_limit_is_garbled_and_at_the_limit_is_not() -> None:
    body = HB + b"58=" + b"x" * 200 + b"|"
    fitting = frame(body)
    assert frames(fitting) == [fitting]
    framer = Framer(max_frame_size=len(fitting))
    assert framer.feed(fitting) == [fitting]
    framer = Framer(max_frame_size=len(fitting) - 1)
    items = framer.feed(fitting) + framer.close()
    assert isinstance(items[0], Garbled) and items[0].error.text == BODY_LENGTH


def test_a_garbage_flood_keeps_the_buffer_bounded() -> None:
    framer = Framer()
    junk = bytes(range(256)).replace(b"8", b"") * 64
    for _ in range(100):
        assert framer.feed(junk) == []
        assert framer.buffered < 10
    (garbled,) = framer.feed(HEARTBEAT)[:1]
    assert isinstance(garbled, Garbled)
    assert garbled.length == 100 * len(junk) and len(garbled.data) == SAMPLE_SIZE


def test_feeding_nothing_and_bad_options() -> None:
    assert Framer().feed(b"") == []
    with pytest.raises(ValueError):
        Framer(max_frame_size=10)


# -- properties -----------------------------------------------------------------------------

_TAGS = st.integers(1, 30000).filter(lambda tag: tag not in (8, 9, 10, 35, 95, 96))
_VALUES = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=12
)
_MESSAGES = st.builds(
    Message,
    st.sampled_from(["0", "8", "D", "X", "XLR"]),
    st.lists(st.tuples(_TAGS, _VALUES), max_size=12),
)


def _corrupt(wire: bytes, how: str) -> bytes:
    body_start = wire.index(b"\x0135=") + 1
    body_end = len(wire) - 7
    if how == "checksum":
        return wire[:-4] + b"%03d\x01" % ((int(wire[-4:-1]) + 1) % 256)
    if how == "begin":
        return b"8=FIX.4.2" + wire[9:]
    body = wire[body_start:body_end]
    if how == "length":
        return wrap(body, body_length=len(body) + 3)
    if how == "control":
        return wrap(body + b"58=\x1b\x01")
    if how == "empty":
        return wrap(body + b"58=\x01")
    if how == "tag":
        return wrap(body + b"x=1\x01")
    raise AssertionError(how)


_EXPECTED = {
    "checksum": CHECKSUM,
    "begin": BEGIN_STRING,
    "length": BODY_LENGTH,
    "control": NON_PRINTABLE,
    "empty": NO_VALUE,
    "tag": INVALID_TAG,
}


@given(_MESSAGES, st.sampled_from(sorted(_EXPECTED)))
def test_every_kind_of_corruption_yields_its_own_text(message: Message, how: str) -> None:
    corrupted = _corrupt(message.encode(), how)
    items = frames(corrupted + HEARTBEAT)
    assert isinstance(items[0], Garbled)
    assert items[0].error.text == _EXPECTED[how]
    assert items[-1] == HEARTBEAT


def _stream() -> st.SearchStrategy[bytes]:
    valid = _MESSAGES.map(Message.encode)
    corrupted = st.tuples(_MESSAGES, st.sampled_from(sorted(_EXPECTED))).map(
        lambda pair: _corrupt(pair[0].encode(), pair[1])
    )
    junk = st.binary(min_size=1, max_size=30)
    return st.lists(st.one_of(valid, valid, corrupted, junk), max_size=12).map(b"".join)


@given(_stream(), st.lists(st.integers(0, 2000), max_size=20))
def test_any_chunking_yields_the_same_items(stream: bytes, cuts: list[int]) -> None:
    whole = verdicts(stream)
    framer = Framer()
    items: list[Item] = []
    previous = 0
    for cut in [*sorted({min(cut, len(stream)) for cut in cuts}), len(stream)]:
        items += framer.feed(stream[previous:cut])
        previous = cut
    items += framer.close()
    assert [describe(item) for item in items] == whole


@given(_stream())
def test_every_byte_is_accounted_for_in_order(stream: bytes) -> None:
    offset = 0
    for item in frames(stream):
        if isinstance(item, bytes):
            assert stream[offset : offset + len(item)] == item
            offset += len(item)
        else:
            assert item.offset == offset
            assert stream[offset : offset + len(item.data)] == item.data
            offset += item.length
    assert offset == len(stream)


@given(st.binary(max_size=600), st.lists(st.integers(1, 64), max_size=40))
def test_arbitrary_bytes_only_yield_frames_and_garbled_regions(
    data: bytes, sizes: list[int]
) -> None:
    framer = Framer(max_frame_size=256)
    total = 0
    position = 0
    for size in [*sizes, len(data)]:
        for item in framer.feed(data[position : position + size]):
            total += len(item) if isinstance(item, bytes) else item.length
        position += size
    for item in framer.close():
        total += len(item) if isinstance(item, bytes) else item.length
    assert total == len(data)


def exact_verdicts(stream: bytes) -> list[tuple[object, ...]]:
    """``verdicts`` with every frame examined exactly: no fast run, in C or in Python."""
    with pure_python(), pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(Framer, "_fast_run", lambda self, buf, i, out: i)
        return verdicts(stream)


@given(_stream())
def test_the_fast_run_agrees_with_the_exact_examination(stream: bytes) -> None:
    assert verdicts(stream) == exact_verdicts(stream)


def _changed(frame: bytes, position: int, byte: int) -> bytes:
    """``frame`` with one byte changed, and its CheckSum made to agree when it can be."""
    changed = frame[:position] + bytes([byte]) + frame[position + 1 :]
    if changed.endswith(b"\x01") and changed[-8:-4] == b"\x0110=":
        changed = changed[:-4] + b"%03d\x01" % (sum(changed[:-7]) % 256)
    return changed


def test_every_changed_byte_gets_the_exact_verdict_even_with_its_checksum_fixed() -> None:
    # The fast run must not pass a frame the exact examination would not, also when the
    # fault is in a field and the CheckSum agrees: every byte of a frame, every value.
    fields = [(11, "a=1"), (95, "3"), (96, "b=="), (38, "10.5"), (55, "BTCUSDT"), (58, "x")]
    valid = Message("D", fields).encode()
    streams = [
        HEARTBEAT + _changed(valid, position, byte) + HEARTBEAT
        for position in range(len(valid))
        for byte in range(256)
    ]
    joined = b"".join(streams)
    assert verdicts(joined) == exact_verdicts(joined)


@given(_MESSAGES.map(Message.encode), st.data(), st.integers(0, 255))
def test_a_changed_byte_gets_the_exact_verdict(
    valid: bytes, data: st.DataObject, byte: int
) -> None:
    position = data.draw(st.integers(0, len(valid) - 1))
    stream = HEARTBEAT + _changed(valid, position, byte) + HEARTBEAT
    assert verdicts(stream) == exact_verdicts(stream)


def test_frames_behind_an_over_long_body_length_are_found_at_the_end_of_the_stream() -> None:
    liar = frame(HB, body_length=len(HB) + 500)  # claims more bytes than the stream has
    framer = Framer()
    assert framer.feed(liar + HEARTBEAT + ORDER) == []  # still waiting for the 500 bytes
    items = framer.close()
    assert isinstance(items[0], Garbled) and items[0].error.text == BODY_LENGTH
    assert (items[0].offset, items[0].length) == (0, len(liar))
    assert items[1:] == [HEARTBEAT, ORDER]


@pytest.mark.parametrize("value, expected", [("1", "False"), ("0", None), ("", None)])
def test_the_environment_turns_the_c_speedups_off_for_a_process(
    value: str, expected: str | None
) -> None:
    """FIXSESSION_PURE_PYTHON=1 runs a whole process (serve, a test run) in pure Python."""
    code = "from fixsession import speedups; print(speedups.enabled())"
    env = {**os.environ, "FIXSESSION_PURE_PYTHON": value}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    # "0" and "" leave the speedups as installed: on wherever the extension was built
    assert out.stdout.strip() == (expected or str(_built()))


def _built() -> bool:
    return importlib.util.find_spec("fixsession._speedups") is not None
