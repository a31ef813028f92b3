"""Hostile input, sans-I/O: each input an attack run found, as data, with the documented
answer. (Over real sockets, and the fault barrier: test_e2e_hostile.py.)"""

from __future__ import annotations

import collections
import gc
import json
import tracemalloc
from pathlib import Path

import pytest
from frames import frame, wrap
from memory import make_pair

from fixsession import captures, errors, eventlog, framing, recording, validation
from fixsession.binance import Limit
from fixsession.events import (
    Action,
    Closed,
    FaultDetected,
    LoggedOn,
    LoggedOut,
    MessageReceived,
    NewsReceived,
)
from fixsession.framing import Framer, Garbled
from fixsession.message import Message
from fixsession.session import PRE_LOGON_MAX_FRAME_SIZE
from fixsession.spec import SessionType
from fixsession.tools.expectations import Expectation
from fixsession.validation import Validator
from fixsession.venue.accounts import Accounts
from fixsession.venue.exchange import Exchange

HEADER = b"34=2|49=client1|52=20250615-15:06:40.000|56=SPOT|"
DIGITS = b"1" * 5000  # past CPython's 4,300-digit limit on int(str)


def test_a_tag_of_thousands_of_digits_is_an_invalid_tag_number(implementation: str) -> None:
    for field in (DIGITS + b"=|", DIGITS + b"=x|", DIGITS + b"|", b"1234567890=x|"):
        data = frame(b"35=0|" + HEADER + field)
        (item,) = framing.frames(data)
        assert isinstance(item, Garbled) and item.error.code == -1169, field[-12:]
    nine = frame(b"35=0|" + HEADER + b"123456789=x|")  # nine digits: a tag (unknown: -1169 later)
    assert framing.frames(nine) == [nine]
    assert Validator().parse(nine)[1].code == -1169  # type: ignore[union-attr]


def test_an_integer_of_thousands_of_digits_is_too_large_and_zero_padding_is_a_number() -> None:
    validator = Validator()
    data = frame(b"35=0|34=" + DIGITS + b"|49=client1|52=20250615-15:06:40.000|56=SPOT|")
    _, fault = validator.parse(data)
    assert isinstance(fault, errors.MandatoryParamEmptyOrMalformed)
    assert fault.text == "'34' contains unexpected value. Cannot be greater than 4294967295."
    padded = frame(b"35=0|34=" + b"0" * 5000 + b"2|49=client1|52=20250615-15:06:40.000|56=SPOT|")
    message, fault = validator.parse(padded)
    assert fault is None and message.get_int(34) == 2
    count = frame(b"35=XLR|" + HEADER + b"6136=q|25003=" + DIGITS + b"|")  # a NumInGroup
    assert validator.parse(count)[1] is not None
    with pytest.raises(ValueError, match="64-bit"):
        Message("0", [(34, "9" * 5000)]).get_int(34)


def raw_data_frame(length_to: str) -> bytes:
    """A Logon whose RawDataLength points at ``length_to``: 'trailer-soh' (the frame's last
    byte), 'checksum' (inside 10=), or 'own' (its own SOH)."""
    for guess in range(1, 200):
        data = frame(b"35=A|" + HEADER + b"95=%d|96=abc|98=0|" % guess)
        start = data.index(b"96=") + 3
        target = {
            "trailer-soh": len(data) - 1,
            "checksum": len(data) - 4,
            "own": data.index(b"\x01", start),
        }[length_to]
        if start + guess == target:
            return data
    raise AssertionError("no such length")


@pytest.mark.parametrize("length_to", ["trailer-soh", "checksum", "own"])
def test_raw_data_length_is_honoured_inside_the_body_only(length_to: str) -> None:
    data = raw_data_frame(length_to)
    assert framing.frames(data) == [data]  # valid: the framer takes RawData to its own SOH
    message = Message.decode(data)
    assert message.get(96) == "abc" and message.get(98) == "0"
    assert Validator().parse(data)[0] == message
    assert errors.from_message(data) is None
    assert message.encode() == data


def test_a_msg_type_with_an_equals_sign_round_trips_and_has_its_own_layout() -> None:
    data = frame(b"35=A=1|34=2|")
    message = Message.decode(data)
    assert message.msg_type == "A=1" and message.encode() == data
    other = Message("A", [(1, "x"), (34, "2")])
    assert message.layout_key != other.layout_key
    assert Validator().validate(message).code == -1020  # type: ignore[union-attr]


def test_a_long_error_text_is_no_template_and_a_long_number_fills_none() -> None:
    huge = "Message limit exceeded: " + "9" * 5000 + " messages per 10s."
    logout = frame(b"35=5|" + HEADER + b"58=" + huge.encode() + b"|")
    assert errors.from_message(logout) is None  # not one of Binance's texts
    text = "Too many new orders; current limit is " + "(" * 3000 + " orders per " + ")" * 3000
    reject = frame(b"35=3|" + HEADER + b"25016=-1015|58=" + text.encode() + b"|")
    error = errors.from_message(reject)
    assert isinstance(error, errors.TooManyOrders) and error.template is None


def test_cancel_replace_of_an_unknown_order_without_cancel_cl_ord_id_is_answered() -> None:
    pair = make_pair().logon()
    exchange = Exchange(wall_clock=pair.clock)
    exchange.attach(pair.acceptor)
    request = Message("XCN", [
        (11, "new1"), (38, "1"), (40, "2"), (44, "10"), (54, "1"), (55, "BTCUSDT"), (59, "1"),
        (41, "nosuchorder"), (25033, "2"),
    ])  # fmt: skip
    exchange.on_message(pair.acceptor, request, pair.clock.now)
    pair.pump()
    answers = [e.message for e in pair.initiator_events if isinstance(e, MessageReceived)]
    assert [m.msg_type for m in answers] == ["9", "8"]  # cancel rejected, then the new order
    assert answers[0].get(11) == "cancel1" and answers[0].get(58) == "Unknown order sent."


# -- before Logon ------------------------------------------------------------------------------


def test_garbage_before_logon_gets_one_reject_then_the_connection_closes() -> None:
    pair = make_pair()
    pair.acceptor.receive_data(b"GET / HTTP/1.1\r\n" * 1000, pair.clock.now)
    reply = pair.acceptor.data_to_send()
    assert reply.count(b"\x0135=3\x01") == 1 and b"25016=-1177" in reply
    assert pair.acceptor.closed
    assert len(reply) < 300


def test_a_long_tag_flood_before_logon_gets_one_answer() -> None:
    pair = make_pair()
    bad = frame(b"35=A|" + HEADER + DIGITS + b"=|")
    pair.acceptor.receive_data(bad * 1000, pair.clock.now)
    reply = pair.acceptor.data_to_send()
    assert reply.count(b"\x0135=3\x01") == 1 and b"25016=-1169" in reply
    assert pair.acceptor.closed


def test_a_frame_larger_than_a_logon_is_refused_before_it_is_buffered() -> None:
    pair = make_pair()
    head = b"8=FIX.4.4\x019=4000000\x0135=A\x0134=1\x01" + b"x" * 500
    pair.acceptor.receive_data(head, pair.clock.now)
    reply = pair.acceptor.data_to_send()
    assert b"25016=-1177" in reply and b"BodyLength (9) does not contain" in reply
    assert pair.acceptor.closed


@pytest.mark.parametrize("garbage", [b"x", b"\x16\x03\x01", b"8=FIX.4.4\x019=4000000\x01"])
def test_a_few_bytes_of_garbage_get_no_answer_longer_than_themselves(garbage: bytes) -> None:
    pair = make_pair()
    pair.acceptor.receive_data(garbage, pair.clock.now)
    pair.acceptor.receive_data(b"8=FIX.4.4\x01", pair.clock.now)  # ends the garbled region
    assert pair.acceptor.closed
    assert len(pair.acceptor.data_to_send()) <= len(garbage) + len(b"8=FIX.4.4\x01")


def test_a_large_frame_is_fine_once_logged_on() -> None:
    pair = make_pair().logon()
    big = frame(b"35=XLQ|34=2|49=client1|52=20250615-15:06:40.000|56=SPOT|6136=" +
                b"q" * (2 * PRE_LOGON_MAX_FRAME_SIZE) + b"|")  # fmt: skip
    pair.acceptor.receive_data(big[: len(big) // 2], pair.clock.now)
    assert not pair.acceptor.closed and not pair.acceptor.data_to_send()


def test_a_connection_over_its_attempt_limit_gets_no_answer_to_garbage() -> None:
    registry = Accounts()
    registry.set_message_limit(SessionType.ORDER_ENTRY, Limit(100, 10))
    for _ in range(15):
        registry.connect("10.0.0.9", SessionType.ORDER_ENTRY, 0.0)
    pair = make_pair(address="10.0.0.9")
    pair.acceptor.accounts = registry
    pair.acceptor._refused = registry.connect("10.0.0.9", SessionType.ORDER_ENTRY, 0.0)
    assert pair.acceptor._refused is not None
    pair.acceptor.receive_data(b"x" * 100 + b"8=FIX.4.4\x01", pair.clock.now)
    assert pair.acceptor.data_to_send() == b"" and pair.acceptor.closed


# -- the peer's Logon and Logout (initiator) -----------------------------------------------------


def test_a_heart_bt_int_outside_binances_range_in_the_logon_answer_is_not_adopted() -> None:
    pair = make_pair(heart_bt_int=30)
    pair.initiator.logon(pair.clock.now)
    pair.acceptor.receive_data(pair.initiator.data_to_send(), pair.clock.now)
    answer = pair.acceptor.data_to_send().replace(b"108=30", b"108=-5")
    answer = answer[:-4] + b"%03d\x01" % (sum(answer[:-7]) % 256)
    pair.initiator.receive_data(answer, pair.clock.now)
    events = pair.initiator.events()
    assert pair.initiator.heart_bt_int == 30
    assert any(isinstance(e, FaultDetected) and e.action is Action.IGNORED for e in events)
    assert any(isinstance(e, LoggedOn) and e.heart_bt_int == 30 for e in events)


def test_a_logon_answer_out_of_sequence_is_a_typed_fault() -> None:
    pair = make_pair()
    pair.initiator.logon(pair.clock.now)
    pair.acceptor.receive_data(pair.initiator.data_to_send(), pair.clock.now)
    answer = pair.acceptor.data_to_send().replace(b"\x0134=1\x01", b"\x0134=7\x01")
    answer = answer.replace(b"9=", b"9=", 1)
    answer = answer[:-4] + b"%03d\x01" % (sum(answer[:-7]) % 256)
    pair.initiator.receive_data(answer, pair.clock.now)
    events = pair.initiator.events()
    fault = next(e for e in events if isinstance(e, FaultDetected))
    assert isinstance(fault.error, errors.BadSeqNum) and fault.action is not Action.IGNORED
    assert isinstance(events[-1], Closed) and pair.initiator.closed


# -- the fault barrier's sans-I/O half --------------------------------------------------------


def test_fail_tells_the_peer_and_releases_the_comp_id_at_once() -> None:
    pair = make_pair().logon()
    pair.acceptor.fail(pair.clock.now)
    logout = pair.acceptor.data_to_send()
    assert b"35=5" in logout
    assert b"58=Internal error; unable to process your request. Please try again." in logout
    assert pair.acceptor.closed
    events = pair.acceptor.events()
    fault = next(e for e in events if isinstance(e, FaultDetected))
    assert isinstance(fault.error, errors.Disconnected)
    assert pair.accounts.sessions("test-api-key") == {}
    again = make_pair(registry=pair.accounts).logon()  # same key, same CompID, at once
    assert again.acceptor.username == "test-api-key"


# -- bookkeeping ---------------------------------------------------------------------------------


def test_the_attempt_table_forgets_idle_addresses_but_never_a_live_window() -> None:
    registry = Accounts(max_addresses=3)
    kind = SessionType.ORDER_ENTRY
    for _ in range(16):
        refused = registry.connect("10.0.0.1", kind, 0.0)
    assert refused is not None  # over 15 per 30 s
    assert registry.connect("10.0.0.2", kind, 0.0) is None
    assert registry.connect("10.0.0.3", kind, 0.0) is None
    # The table is full of live windows: a new address is refused, 10.0.0.1 stays refused.
    assert registry.connect("10.0.0.4", kind, 1.0) is not None
    assert registry.connect("10.0.0.1", kind, 1.0) is not None
    # Once windows expire, new addresses take their place.
    assert registry.connect("10.0.0.5", kind, 100.0) is None


def test_accounts_take_a_key_or_its_pem_and_refuse_anything_else_at_once() -> None:
    from cryptography.hazmat.primitives import serialization
    from memory import PRIVATE_KEY

    public = PRIVATE_KEY.public_key()
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    accounts = Accounts({"a": public, "b": pem, "c": pem.decode()})
    assert all(accounts.public_key(k) == public for k in "abc")
    with pytest.raises(ValueError, match="the key of API key 'k': not a PEM public key"):
        Accounts({"k": "-----BEGIN PUBLIC KEY-----..."})
    with pytest.raises(ValueError, match="the key of API key 'k' is a int: give an Ed25519"):
        Accounts({"k": 5})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="a non-empty str"):
        Accounts().add_key("", public)


# -- secrets -------------------------------------------------------------------------------------

SIGNATURE = b"c2VjcmV0LXNpZ25hdHVyZS1zZWNyZXQtc2lnbmF0dXJlLXNlY3JldA=="


def test_a_cut_off_logon_is_recorded_without_its_signature(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "cut.fixlog"
    logon = frame(b"35=A|" + HEADER + b"95=%d|96=" % len(SIGNATURE) + SIGNATURE + b"|98=0|")
    recorder = recording.Recorder(path)
    recorder.received(logon[: logon.index(SIGNATURE) + 20], 0.0)  # then the peer goes away
    recorder.close()
    written = path.read_bytes()
    assert SIGNATURE[:20] not in written and b"96=" in written


def test_redaction_keeps_a_wrong_checksum_wrong() -> None:
    logon = frame(b"35=A|" + HEADER + b"95=%d|96=" % len(SIGNATURE) + SIGNATURE + b"|98=0|")
    assert framing.frames(captures.redact(logon)) == [captures.redact(logon)]
    wrong = logon[:-4] + b"%03d\x01" % ((int(logon[-4:-1]) + 1) % 256)
    (item,) = framing.frames(captures.redact(wrong))
    assert isinstance(item, Garbled) and item.error.code == -1177


def test_no_repr_shows_raw_data() -> None:
    logon = Message("A", [(95, str(len(SIGNATURE))), (96, SIGNATURE.decode()), (98, "0")])
    for shown in (repr(logon), repr(FaultDetected(errors.Disconnected(), Action.CLOSED, logon)),
                  repr(LoggedOn("SPOT", "c", 30, SessionType.ORDER_ENTRY, "k", None, logon))):  # fmt: skip
        assert SIGNATURE.decode() not in shown and "96=***" in shown


def test_the_recorder_stops_before_logon_past_its_cap(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "flood.fixlog"
    recorder = recording.Recorder(path, recording.RecordLimits(unauthenticated_bytes=1000))
    for _ in range(100):
        recorder.received(b"garbage " * 1000 + b"8=FIX.4.4\x01", 0.0)
    recorder.close()
    assert path.stat().st_size <= 1000 and recorder.stopped == "before Logon"


# -- sidecars ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '{"server": []}',
        '{"server": {"message_limit": 5}}',
        '{"server": {"connection_attempts": 100000000}}',
        '{"invalid": {"x": 1}}',
        '{"codes": "abc"}',
        '{"actions": [{"at": "x"}]}',
        '{"actions": [1]}',
        '{"session_type": "nonsense"}',
        '{"role": 5}',
        '{"server": {"order_limits": ["1/inf"]}}',
        '{"server": {"message_limit": "1/nan"}}',
        "[" * 5000 + "]" * 5000,
        "[]",
        "{",
    ],
)
def test_a_malformed_sidecar_is_a_value_error_naming_what_is_wrong(text: str) -> None:
    with pytest.raises(ValueError) as raised:
        Expectation.from_json(text)
    assert str(raised.value)


def test_a_well_formed_sidecar_round_trips() -> None:
    expectation = Expectation(
        description="x", codes=(-1177,), message_limit=Limit(5, 10), connection_attempts=3,
        order_limits=(Limit(10, 1.2345678), Limit(7, 0.1)),
    )  # fmt: skip
    assert Expectation.from_json(expectation.to_json()) == expectation
    assert json.loads(expectation.to_json())["server"]["connection_attempts"] == 3


def test_framer_pending_and_garbage_state() -> None:
    framer = Framer()
    framer.feed(b"8=FIX.4.4\x019=4000000\x0135=A\x01")
    assert framer.pending >= 4_000_000 and not framer.in_garbage
    framer = Framer()
    framer.feed(b"hello")
    assert framer.in_garbage and framer.pending < len(framing.BEGIN)


def test_a_garbled_frames_unprintable_msg_type_is_not_echoed_in_the_reject() -> None:
    pair = make_pair().logon()
    bad = frame(b"35=\x07|" + HEADER, checksum=0)
    pair.acceptor.receive_data(bad, pair.clock.now)
    reply = pair.acceptor.data_to_send()
    assert framing.frames(reply) == [reply]  # the Reject itself is a valid frame
    assert b"372=" not in reply and b"25016=-1177" in reply


def test_a_news_countdown_of_thousands_of_digits_is_news_without_seconds() -> None:
    pair = make_pair().logon()
    news = frame(b"35=B|34=2|49=SPOT|52=20250615-15:06:40.000000|56=client1|148=You'll be "
                 b"disconnected in " + DIGITS + b" seconds. Please reconnect.|")  # fmt: skip
    pair.initiator.receive_data(news, pair.clock.now)
    (event,) = pair.initiator.events()
    assert event.seconds_left is None  # type: ignore[union-attr]


def test_a_new_layout_per_message_compiles_no_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compiling a layout's patterns costs milliseconds: a peer that changes its layout with
    every message must not make each message cost that. A layout seen again is compiled."""
    compiled: list[str] = []
    real = validation.re.compile

    def counting(pattern: str, flags: int = 0) -> object:
        compiled.append(pattern)
        return real(pattern, flags)

    monkeypatch.setattr(validation.re, "compile", counting)
    validator = Validator()
    optional = [b"18=6|", b"59=1|", b"111=0.0001|", b"847=1000000|", b"7940=2|", b"25001=1|"]
    for n in range(64):  # 64 layouts of one order: each optional field in or out
        fields = b"".join(f for bit, f in enumerate(optional) if n >> bit & 1)
        order = frame(b"35=D|" + HEADER + b"11=o%d|38=1|40=2|44=1|54=1|55=BTCUSDT|" % n + fields)
        message, fault = validator.parse(order)
        assert fault is None and message.get(11) == f"o{n}"
    assert compiled == []
    assert validator.validate(message) is None  # the last layout, again
    assert len(compiled) == 1


def test_a_large_frame_dripped_in_small_pieces_is_recorded_in_linear_time(
    tmp_path: object,
) -> None:
    """A peer sending a large frame a few bytes at a time must not make ``--record`` copy
    all it holds per read (quadratic: this input took minutes). A hang guard, not a bench."""
    import time
    from pathlib import Path

    path = Path(str(tmp_path)) / "drip.fixlog"
    big = frame(b"35=B|" + HEADER + b"148=x|33=1|58=" + b"y" * ((4 << 20) - 200) + b"|")
    recorder = recording.Recorder(path, recording.RecordLimits(file_bytes=8 << 20))
    recorder.logged_on()
    started = time.perf_counter()
    for at in range(0, len(big), 16):
        recorder.received(big[at : at + 16], 0.0)
    recorder.close()
    assert time.perf_counter() - started < 6
    assert [r.data for r in recording.read(path)] == [big]


def test_a_peer_sending_new_huge_layouts_does_not_grow_what_is_remembered_per_layout() -> None:
    # Each frame a new layout: 20,000 tags, or a 100 KB MsgType. What the validator and the
    # decoder remember per layout is bounded in size, not only in count: the frames are
    # judged as before, and what is kept after 60 of them is a few megabytes at most.
    validator = Validator()
    header = b"|34=2|49=c|52=20261203-18:00:00.000|56=SPOT|"
    frames = [
        wrap(b"35=D" + header.replace(b"|", b"\x01")
             + b"".join(b"%d=x\x01" % (10_000 + 20_000 * n + k) for k in range(20_000)))
        for n in range(30)
    ] + [frame(b"35=Z" + b"Q" * 100_000 + b"%d" % n + header) for n in range(30)]  # fmt: skip
    gc.collect()
    tracemalloc.start()
    try:
        for data in frames:
            fault = validator.parse(data)[1]
            assert fault is not None and fault.code in (-1169, -1020)  # unknown tag, MsgType
        gc.collect()
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kept < 16_000_000  # (bounded in count only, it kept 34 MB, more with every layout)


def test_a_peers_long_text_makes_a_short_log_line() -> None:
    long = "\\" * 1_000_000  # (repr doubles a backslash)
    reject = Message("3", [(45, "2"), (25016, "-1100"), (58, long)])
    events = [
        FaultDetected(errors.BinanceError(long), Action.IGNORED),
        MessageReceived(reject, errors.from_message(reject)),
        NewsReceived(long, None),
        LoggedOut(long, True),
        Closed(long, False),
    ]
    for event in events:
        line = eventlog.describe(event)
        assert line is not None and len(line[1]) < 500, type(event).__name__
        assert "(999800 more characters)" in line[1]


def test_past_its_limit_a_process_deletes_the_oldest_captures_it_wrote(tmp_path: Path) -> None:
    written: collections.deque[Path] = collections.deque()
    paths = [tmp_path / f"{n}.fixlog" for n in range(5)]
    for path in paths:
        path.write_bytes(b"x")
        recording.keep_newest(written, path, files=3)
    paths[4].unlink()  # (gone already: no matter)
    recording.keep_newest(written, tmp_path / "5.fixlog", files=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["3.fixlog"]
    assert [p.name for p in written] == ["3.fixlog", "4.fixlog", "5.fixlog"]
