"""Fuzz targets: each feeds bytes into one fixsession entry point and judges what comes back.

Every target is ``NAME(data: bytes) -> None``, registered in ``TARGETS``. The rule is
"documented errors only": an exception the entry point documents for bad input is caught, any
other propagates and is a failure; so is a broken invariant (an ``AssertionError`` raised
here, ``Broken``). Targets are deterministic: fixed fake clocks, fixed keys, no I/O except the
recorder's temporary file, no sockets, no sleeps.

The first bytes of an input are control bytes (see ``Controls``): flags that pick a mode and a
seed for splitting the rest into chunks. The rest is the payload. ``seeds(name)`` builds a
target's starting inputs from ``captures/``. Nothing here imports atheris: ``run.py`` does the
fuzzing, ``tests/test_fuzz_targets.py`` runs seeds and regression inputs under pytest.

Payload helpers that some modes use, so that mutated inputs still reach deep code:

- expansion (``_expand``): ``\\xff N C`` stands for the byte C repeated ``32 * N + 1`` times,
  so a short input can hold a 4,000-digit tag or value;
- reframing (``_reframe``): each ``8=FIX.4.4<SOH>`` segment gets a correct BodyLength and
  CheckSum, so mutations of a field are judged as fields, not as a bad CheckSum;
- re-signing: a Logon's RawData(96) is replaced by a valid signature of its own fields.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import itertools
import json
import os
import re
import signal
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import FrameType
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixsession import (
    binance,
    captures,
    errors,
    messages,
    recording,
    sbe,
    sbefix,
    settings,
    speedups,
)
from fixsession.binance import Limit
from fixsession.captures import CaptureError, Format, Record
from fixsession.dictionary import BINANCE, MARKET_DATA, ORDER_ENTRY, Dictionary
from fixsession.errors import BinanceError
from fixsession.events import (
    Closed,
    FaultDetected,
    LoggedOn,
    LoggedOut,
    MessageReceived,
    NewsReceived,
)
from fixsession.framing import SAMPLE_SIZE, Framer, Garbled, Item, is_frame
from fixsession.initiator import Initiator
from fixsession.message import Message, byte_sum
from fixsession.sbewire import Encoding
from fixsession.session import Session
from fixsession.spec import SessionType
from fixsession.state import State
from fixsession.tools import replay, venue_replay
from fixsession.tools.expectations import Expectation
from fixsession.validation import Validator
from fixsession.venue import journal as venue_journal
from fixsession.venue.acceptor import Acceptor
from fixsession.venue.accounts import Accounts
from fixsession.venue.exchange import Exchange

ROOT: Final = Path(__file__).resolve().parent.parent
CAPTURES: Final = ROOT / "captures"
BEGIN: Final = b"8=FIX.4.4\x01"
SOH: Final = b"\x01"
KEY: Final = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"fixsession fuzz").digest())
API_KEY: Final = "fuzz-api-key"
START: Final = 1_795_500_000.0  # 2026-11-24 ~05:20 UTC, just before the captures were made
UUID: Final = "00000000-0000-4000-8000-000000000000"
# A Logon signature that must never be written in clear (see ``recorder``): 88 characters, as
# long as an Ed25519 signature in base64, none of its 12-character windows found elsewhere.
SECRET: Final = base64.b64encode(hashlib.sha512(b"fuzz secret").digest()[:66])
SECRET_MARK: Final = b"\x0196=@@"
WATCHDOG_SECONDS: Final = float(os.environ.get("FUZZ_WATCHDOG", "5"))

EVENT_TYPES: Final = (LoggedOn, MessageReceived, NewsReceived, FaultDetected, LoggedOut, Closed)

Note = Callable[[str, bytes], None]


def _ignore(kind: str, data: bytes) -> None:
    """The default note hook: notes are dropped (``run.py`` keeps examples of each)."""


_note: Note = _ignore


def set_note_hook(hook: Note) -> None:
    """Where targets report findings that are information, not failures (``run.py`` keeps
    a few examples of each kind)."""
    global _note
    _note = hook


def note(kind: str, data: bytes) -> None:
    _note(kind, data)


class Broken(AssertionError):
    """An invariant of a fixsession entry point does not hold."""


class Slow(AssertionError):
    """One input took longer than the watchdog allows (``FUZZ_WATCHDOG`` seconds of CPU)."""


def check(condition: bool, what: str) -> None:
    if not condition:
        raise Broken(what)


@contextlib.contextmanager
def watchdog(seconds: float = WATCHDOG_SECONDS) -> Iterator[None]:
    """Raise ``Slow`` inside the block once it has used ``seconds`` of CPU time.

    Uses SIGVTALRM (process CPU time), not SIGALRM, which libFuzzer's -timeout owns. Python
    handles the signal between bytecodes and inside long ``re`` matches, so catastrophic
    backtracking is caught too. Off when not in the main thread or ``seconds`` is 0.
    """
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum: int, frame: FrameType | None) -> None:
        raise Slow(f"one input took over {seconds:g} s of CPU time")

    try:
        previous = signal.signal(signal.SIGVTALRM, expired)
    except ValueError:  # not the main thread
        yield
        return
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


# -- inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Controls:
    """An input's three control bytes (flags, chunking seed, more flags) and its payload."""

    flags: int
    seed: int
    more: int
    payload: bytes

    @classmethod
    def of(cls, data: bytes) -> Controls:
        head = data[:3] + bytes(3 - min(3, len(data)))
        return cls(head[0], head[1], head[2], data[3:])

    def flag(self, bit: int) -> bool:
        """Bit ``bit`` of the flags; bits 8 to 15 are those of the third byte."""
        return bool((self.flags | self.more << 8) >> bit & 1)


def make_input(payload: bytes, flags: int = 0, seed: int = 0, more: int = 0) -> bytes:
    """An input for a target: control bytes, then the payload."""
    return bytes([flags, seed, more]) + payload


_MAX_CHUNKS: Final = (1, 2, 3, 7, 16, 64, 300, 4096)


def chunks(payload: bytes, seed: int) -> list[bytes]:
    """``payload`` split into pieces whose sizes follow from ``seed`` (0: one piece); about
    128 pieces at most, so that long inputs stay fast."""
    if seed == 0 or not payload:
        return [payload] if payload else []
    largest = max(_MAX_CHUNKS[seed & 7], len(payload) // 64)
    state = seed * 2654435761 & 0x7FFFFFFF
    out = []
    position = 0
    while position < len(payload):
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        size = 1 + (state >> 8) % largest
        out.append(payload[position : position + size])
        position += size
    return out


def _steps(seed: int, count: int) -> list[int]:
    """``count`` pseudo-random bytes from ``seed`` (for decisions between chunks)."""
    state = (seed + 1) * 40503 & 0x7FFFFFFF
    out = []
    for _ in range(count):
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        out.append(state >> 16 & 0xFF)
    return out


_EXPANSION: Final = re.compile(rb"\xff(.)(.)", re.DOTALL)
_MAX_EXPANDED: Final = 1 << 18


def _expand(payload: bytes) -> bytes:
    """``\\xff N C`` becomes C repeated 32*N+1 times (bounded to 256 KiB in all)."""
    budget = [_MAX_EXPANDED]

    def one(found: re.Match[bytes]) -> bytes:
        count = min(32 * found.group(1)[0] + 1, max(budget[0], 1))
        budget[0] -= count
        return found.group(2) * count

    return _EXPANSION.sub(one, payload)


def wrap(body: bytes) -> bytes:
    """A frame around ``body`` (fields from MsgType on, each ending with SOH)."""
    head = b"8=FIX.4.4\x019=%d\x01" % len(body)
    return head + body + b"10=%03d\x01" % (byte_sum(head + body) % 256)


_BEGIN: Final = re.compile(re.escape(BEGIN))


def _segments(payload: bytes) -> list[bytes]:
    """``payload`` cut before each ``8=FIX.4.4<SOH>`` (the first piece may be garbage)."""
    cuts = [found.start() for found in _BEGIN.finditer(payload)]
    bounds = [0, *cuts, len(payload)]
    return [payload[a:b] for a, b in itertools.pairwise(bounds) if b > a]


def _body(segment: bytes) -> tuple[bytes, bytes] | None:
    """A segment's body (from MsgType, ending with SOH) and what follows its trailer."""
    if not segment.startswith(BEGIN):
        return None
    rest = segment[len(BEGIN) :]
    if rest.startswith(b"9="):
        soh = rest.find(SOH)
        if soh < 0:
            return None
        rest = rest[soh + 1 :]
    trailer = rest.rfind(b"\x0110=")
    if trailer < 0:
        return (rest if rest.endswith(SOH) else rest + SOH), b""
    end = rest.find(SOH, trailer + 4)
    after = rest[end + 1 :] if end >= 0 else b""
    return rest[: trailer + 1], after


def _field(body: bytes, tag: bytes) -> bytes | None:
    found = (SOH + body).find(SOH + tag + b"=")
    if found < 0:
        return None
    start = found + len(tag) + 1
    end = body.find(SOH, start)
    return body[start:end] if end >= 0 else None


def _resign(body: bytes, key: Ed25519PrivateKey) -> bytes:
    """A Logon body with RawDataLength(95) and RawData(96) made a valid signature of its
    own SenderCompID, TargetCompID, MsgSeqNum and SendingTime."""
    values = [_field(body, tag) for tag in (b"49", b"56", b"34", b"52")]
    if any(value is None for value in values):
        return body
    sender, target, seq, sending_time = (v.decode("utf-8", "surrogateescape") for v in values)  # type: ignore[union-attr]
    if not seq.isascii() or not seq.isdigit() or len(seq) > 12:
        return body
    try:
        signature = binance.sign_logon(key, sender, target, int(seq), sending_time).encode()
    except UnicodeEncodeError:
        return body
    fields = body.split(SOH)
    for index, text in enumerate(fields):
        if text.startswith(b"95="):
            fields[index] = b"95=%d" % len(signature)
        elif text.startswith(b"96="):
            fields[index] = b"96=" + signature
    return SOH.join(fields)


def reframe(payload: bytes, key: Ed25519PrivateKey | None = None) -> bytes:
    """Each ``8=FIX.4.4`` segment of ``payload`` with a correct BodyLength and CheckSum (and,
    given ``key``, each Logon signed with it); garbage between segments is kept."""
    out = []
    for segment in _segments(payload):
        parts = _body(segment)
        if parts is None:
            out.append(segment)
            continue
        body, after = parts
        if key is not None and body.startswith(b"35=A\x01"):
            body = _resign(body, key)
        out.append(wrap(body) + after)
    return b"".join(out)


def _logon_time(payload: bytes) -> float | None:
    """SendingTime of the first Logon in ``payload``, if it is a sane one."""
    for segment in _segments(payload):
        if b"\x0135=A\x01" in segment[:40]:
            value = _field(segment, b"52")
            if value is None:
                return None
            epoch = binance.parse_sending_time(value.decode("ascii", "replace"))
            if epoch is not None and 946684800.0 <= epoch <= 4102444800.0:  # 2000 to 2100
                return epoch
            return None
    return None


# -- comparing results ---------------------------------------------------------------------------


def error_key(error: BinanceError | None) -> tuple[object, ...] | None:
    """What identifies an error's content (exceptions compare by identity)."""
    if error is None:
        return None
    return (
        type(error), error.code, error.text, error.params, error.ref_tag_id,
        error.ref_seq_num, error.ref_msg_type, error.session_reject_reason,
    )  # fmt: skip


def item_key(item: Item) -> tuple[object, ...]:
    if isinstance(item, bytes):
        return ("frame", item)
    return (
        "garbled", item.offset, item.length, error_key(item.error), item.data, item.msg_type,
        item.msg_seq_num,
    )  # fmt: skip


def check_error(error: object, where: str) -> None:
    """A fault fixsession returns must be a well-formed BinanceError."""
    check(isinstance(error, BinanceError), f"{where}: {error!r} is not a BinanceError")
    assert isinstance(error, BinanceError)
    check(type(error.code) is int, f"{where}: code {error.code!r} is not an int")
    check(isinstance(error.text, str), f"{where}: text {error.text!r} is not a str")
    str(error)
    repr(error)


def frames_of(data: bytes) -> list[Item]:
    framer = Framer()
    return framer.feed(data) + framer.close()


def check_outgoing(data: bytes, where: str, next_seq: int) -> tuple[int, list[bytes]]:
    """What a session sent: valid frames only, MsgSeqNum counting up from ``next_seq``.
    Returns the next MsgSeqNum expected and the frames."""
    items = frames_of(data)
    out = []
    for item in items:
        check(isinstance(item, bytes), f"{where} sent an invalid frame: {item!r}")
        assert isinstance(item, bytes)
        message = Message.decode(item)
        seq = message.get(34)
        check(seq == str(next_seq), f"{where} sent MsgSeqNum {seq}, expected {next_seq}")
        next_seq += 1
        out.append(item)
    return next_seq, out


# ================================================================================================
# 1. framer


def _frame_all(stream: bytes, pieces: Sequence[bytes], options: dict[str, object]) -> list[Item]:
    framer = Framer(**options)  # type: ignore[arg-type]
    items: list[Item] = []
    limit = framer.max_frame_size
    for piece in pieces:
        items += framer.feed(piece)
        check(framer.buffered <= limit, f"buffered {framer.buffered} > max {limit}")
    items += framer.close()
    check(framer.buffered == 0, "bytes left buffered after close()")
    return items


def _located(stream: bytes, options: dict[str, object]) -> list[tuple[int, Item]]:
    framer = Framer(**options)  # type: ignore[arg-type]
    return framer.feed_located(stream) + framer.close_located()


def framer(data: bytes) -> None:
    """``Framer.feed``/``close``: never raises; items cover the stream exactly; any chunking
    gives the same items; the C and pure-Python framers agree; ``feed_located`` agrees.

    Flags: bit 0 expansion, bit 1 ``line_breaks``, bits 2-3 ``max_frame_size`` (4 MiB, 64,
    256, 1024), bit 4 also chunked in pure Python, bit 5 reframing.
    """
    controls = Controls.of(data)
    stream = _expand(controls.payload) if controls.flag(0) else controls.payload
    if controls.flag(5):
        stream = reframe(stream)
    line_breaks = controls.flag(1)
    size = (4 * 1024 * 1024, 64, 256, 1024)[controls.flags >> 2 & 3]
    options: dict[str, object] = {"line_breaks": line_breaks, "max_frame_size": size}
    whole = _frame_all(stream, [stream], options)
    # Coverage: the items, in order, are the stream (line breaks between items may be skipped).
    position = 0
    for item in whole:
        if isinstance(item, Garbled):
            start, length = item.offset, item.length
            check(length > 0, f"empty Garbled at {start}")
            check(item.data == stream[start : start + min(length, SAMPLE_SIZE)], "Garbled.data")
            check(isinstance(item.error, errors.RequestError), "Garbled.error type")
        else:
            check(isinstance(item, bytes) and len(item) > 0, f"item {item!r}")
            found = stream.find(item, position) if line_breaks else position
            start, length = found, len(item)
            check(stream[start : start + length] == item, f"frame not at offset {position}")
            check(is_frame(item) or size < len(item) + 64, "a frame is_frame() rejects")
        gap = stream[position:start]
        check(start >= position, f"item at {start} overlaps the previous one (at {position})")
        check(not gap or (line_breaks and not gap.strip(b"\r\n")), f"bytes {gap!r} not covered")
        position = start + length
    tail = stream[position:]
    check(not tail or (line_breaks and not tail.strip(b"\r\n")), f"tail {tail[:40]!r} not covered")
    if not line_breaks:
        total = sum(item.length if isinstance(item, Garbled) else len(item) for item in whole)
        check(total == len(stream), f"items cover {total} bytes of {len(stream)}")
    expected = [item_key(item) for item in whole]
    pieces = chunks(stream, controls.seed or 1)
    check([item_key(i) for i in _frame_all(stream, pieces, options)] == expected, "chunking")
    with speedups.pure_python():
        pure = [item_key(item) for item in _frame_all(stream, [stream], options)]
        check(pure == expected, "C and pure-Python framers differ")
        if controls.flag(4):
            pure_chunked = [item_key(item) for item in _frame_all(stream, pieces, options)]
            check(pure_chunked == expected, "pure-Python framer: chunking")
    located = _located(stream, options)
    check([item_key(item) for _, item in located] == expected, "feed_located items")
    offset = 0
    for at, item in located:
        if isinstance(item, Garbled):
            check(at == item.offset, "feed_located offset of a Garbled")
        elif not line_breaks:
            check(at == offset, f"feed_located offset {at}, expected {offset}")
        offset = at + (item.length if isinstance(item, Garbled) else len(item))


# ================================================================================================
# 2. decode


def _leading_zero_length(frame: bytes) -> bool:
    return frame[len(BEGIN) + 2 : len(BEGIN) + 3] == b"0"


def check_valid_frame(frame: bytes) -> Message:
    """What must hold for every frame the framer accepts: decode, round trip, parse."""
    try:
        message = Message.decode(frame)
    except ValueError as error:
        raise Broken(f"the framer accepts a frame Message.decode refuses: {error}") from error
    check(isinstance(message.msg_type, str) and message.msg_type != "", "empty MsgType")
    check(all(type(tag) is int and tag > 0 for tag in message.tags), "a tag is not positive")
    if not _leading_zero_length(frame):
        encoded = message.encode()
        check(encoded == frame, f"decode/encode round trip: {encoded!r}")
        with speedups.pure_python():
            check(message.encode() == frame, "decode/encode round trip in pure Python")
    parsed, fault = Validator().parse(frame)
    check(parsed == message, f"Validator.parse gives {parsed!r}, decode {message!r}")
    if fault is not None:
        check_error(fault, "Validator.parse")
    return message


def decode(data: bytes) -> None:
    """``Message.decode``: ValueError only; every frame the framer accepts decodes, encodes
    back to the same bytes (BodyLength without leading zeros) and parses.

    Flags: bit 0 expansion, bit 1 reframing.
    """
    controls = Controls.of(data)
    payload = _expand(controls.payload) if controls.flag(0) else controls.payload
    if controls.flag(1):
        payload = reframe(payload)
    try:
        message = Message.decode(payload)
    except ValueError:
        message = None
    items = frames_of(payload)
    for item in items:
        if isinstance(item, bytes):
            check_valid_frame(item)
    if message is not None:
        check(message.msg_type != "", "decoded an empty MsgType")
        accepted = len(items) == 1 and items[0] == payload
        if not accepted:
            try:
                _, fault = Validator().parse(payload)
            except ValueError:
                fault = None
                note("decode accepts, Validator.parse refuses, a garbled frame", data)
            else:
                if fault is None:
                    note("decode and validation accept a frame the framer garbles", data)


# ================================================================================================
# 3. parse

_DICTIONARIES: Final[tuple[Dictionary, ...]] = (ORDER_ENTRY, MARKET_DATA, BINANCE)


def parse(data: bytes) -> None:
    """``Validator.parse`` for each built-in dictionary: ValueError only for non-frames; the
    fault is a BinanceError; the fast path (a layout seen before) and ``validate`` agree.

    Flags: bit 0 ``header=False``, 1 ``enums=False``, 2 ``strict_order``, 3
    ``components=False``, 4 reframing, 5 expansion.
    """
    controls = Controls.of(data)
    payload = _expand(controls.payload) if controls.flag(5) else controls.payload
    if controls.flag(4):
        payload = reframe(payload)
    options = {
        "header": not controls.flag(0), "enums": not controls.flag(1),
        "strict_order": controls.flag(2), "components": not controls.flag(3),
    }  # fmt: skip
    frame = is_frame(payload)
    for dictionary in _DICTIONARIES:
        validator = Validator(dictionary, **options)
        try:
            message, fault = validator.parse(payload)
        except ValueError as error:
            if frame:
                raise Broken(f"Validator.parse raised on a valid frame: {error!r}") from error
            continue
        if fault is not None:
            check_error(fault, "Validator.parse")
        again, second = validator.parse(payload)  # now by the layout's pattern
        check(again == message, "a second parse gives another message")
        check(error_key(second) == error_key(fault), f"fast path: {second!r} vs {fault!r}")
        fresh = Validator(dictionary, **options).validate(message)
        check(error_key(fresh) == error_key(fault), f"validate: {fresh!r}, parse: {fault!r}")
        if fault is None and message.msg_type in messages.BY_MSG_TYPE:
            _typed_round_trip(message)


def _typed_round_trip(message: Message) -> None:
    """A message the validator accepts reads typed without an error, gives itself back,
    and its attributes rebuild a message that reads the same."""
    try:
        view = messages.typed(message)
    except ValueError as error:
        raise Broken(f"typed() refused a valid message: {error}") from error
    check(view.to_message() is message, "a typed view gives another message back")
    rebuilt = dataclasses.replace(view).to_message()
    check(messages.typed(rebuilt) == view, f"rebuilt from its attributes: {rebuilt!r}")


# ================================================================================================
# 4. from_message


def from_message(data: bytes) -> None:
    """``errors.from_message`` on bytes and on the decoded Message: ValueError only for
    non-frames; the result is None or a BinanceError whose str() and repr() work.

    Flags: bit 0 expansion, bit 1 reframing.
    """
    controls = Controls.of(data)
    payload = _expand(controls.payload) if controls.flag(0) else controls.payload
    if controls.flag(1):
        payload = reframe(payload)
    frame = is_frame(payload)
    try:
        error = errors.from_message(payload)
    except ValueError as problem:
        if frame:
            raise Broken(f"from_message raised on a valid frame: {problem!r}") from problem
        return
    if error is not None:
        check_error(error, "from_message")
        check(isinstance(error.params, tuple), "params is not a tuple")
        # its code's class (a matching-engine text makes it a subclass: ``UnknownOrder``…)
        check(isinstance(error, errors.error_class(error.code)) or error.code == 0, "error class")
    if frame:
        again = errors.from_message(Message.decode(payload))
        check(error_key(again) == error_key(error), "from_message(bytes) != from_message(Message)")


# ================================================================================================
# 5. acceptor


class Clock:
    """A fake clock; the session's monotonic ``now`` is the same number."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _logon_body(comp_id: str, sending_time: str, seq: int = 1, extra: bytes = b"") -> bytes:
    signature = binance.sign_logon(KEY, comp_id, "SPOT", seq, sending_time).encode()
    return (
        b"35=A\x0134=%d\x0149=%s\x0152=%s\x0156=SPOT\x0195=%d\x0196=%s\x0198=0\x01108=30\x01"
        b"141=Y\x01553=%s\x0125035=2\x01%s"
    ) % (seq, comp_id.encode(), sending_time.encode(), len(signature), signature,
         API_KEY.encode(), extra)  # fmt: skip


@cache
def logon_frame(comp_id: str, epoch: float, extra: bytes = b"") -> bytes:
    """A Logon signed with ``KEY``, sent at ``epoch``."""
    return wrap(_logon_body(comp_id, binance.format_sending_time(epoch, 3), extra=extra))


_SESSION_TYPES: Final = (
    SessionType.ORDER_ENTRY, SessionType.ORDER_ENTRY, SessionType.MARKET_DATA,
    SessionType.DROP_COPY,
)  # fmt: skip


class _Watch:
    """A session's output and events checked as they come out."""

    def __init__(self, session: Session, where: str, *, sbe_out: bool = False) -> None:
        self.session = session
        self.where = where
        self.sbe_out = sbe_out  # it writes FIX SBE (then ``sent`` stays empty)
        self.next_seq = 1
        self.closed = False
        self.sent: list[bytes] = []  # the frames sent since the owner last cleared it

    def drain(self) -> list[object]:
        """Check and take what the session sent and its events; the events."""
        data = self.session.data_to_send()
        if self.closed:
            check(not data, f"{self.where} sent {data[:60]!r} after Closed")
        if data and self.sbe_out:
            self.next_seq = _sbe_out(data, self.where, self.next_seq)
        elif data:
            self.next_seq, frames = check_outgoing(data, self.where, self.next_seq)
            self.sent += frames
        events: list[object] = list(self.session.events())
        for event in events:
            check(isinstance(event, EVENT_TYPES), f"{self.where}: event {event!r}")
            if isinstance(event, Closed):
                check(not self.closed, f"{self.where}: Closed twice")
                self.closed = True
            if isinstance(event, FaultDetected):
                check_error(event.error, f"{self.where}: FaultDetected")
            if isinstance(event, MessageReceived) and event.error is not None:
                check_error(event.error, f"{self.where}: MessageReceived")
        check(self.closed == self.session.closed, f"{self.where}: closed without Closed event")
        deadline = self.session.next_deadline()
        check(deadline is None or isinstance(deadline, float | int), "next_deadline")
        return events


def acceptor(data: bytes) -> None:
    """A sans-I/O ``Acceptor`` fed the bytes: nothing raises; it sends valid frames only, in
    MsgSeqNum order, nothing after Closed; after ``connection_lost`` the account holds no
    CompID.

    Flags: bit 0 prepend a signed Logon (``GW1``), bit 1 reframing, bit 2 re-sign Logons, bits
    3-4 session type, bit 5 a message limit of 5 per 10 s, bit 6 start maintenance after
    the first chunk, bit 7 advance the clock between chunks, bit 8 expansion.
    """
    controls = Controls.of(data)
    payload = _expand(controls.payload) if controls.flag(8) else controls.payload
    if controls.flag(1) or controls.flag(2):
        payload = reframe(payload, KEY if controls.flag(2) else None)
    logon_at = _logon_time(payload)
    epoch = START if logon_at is None else logon_at + 0.25
    if controls.flag(0):
        payload = logon_frame("GW1", epoch - 0.25) + payload
    clock = Clock(epoch)
    session_type = _SESSION_TYPES[controls.flags >> 3 & 3]
    accounts = Accounts()
    usernames = {API_KEY}
    for segment in _segments(payload):
        found = _field(segment, b"553")
        if found is not None:
            usernames.add(found.decode("utf-8", "surrogateescape"))
    for username in list(usernames):
        try:
            accounts.add_key(username, KEY.public_key())
        except (TypeError, ValueError):  # not an API key Accounts takes
            usernames.discard(username)
    if controls.flag(5):
        accounts.set_message_limit(session_type, Limit(5, 10))
    session = Acceptor(
        accounts=accounts, session_type=session_type, wall_clock=clock, now=clock.now,
        uuid=UUID,
    )  # fmt: skip
    watch = _Watch(session, "Acceptor")
    steps = _steps(controls.seed, 64)
    for index, piece in enumerate(chunks(payload, controls.seed)):
        session.receive_data(piece, clock.now)
        watch.drain()
        if index == 0 and controls.flag(6):
            session.start_maintenance(clock.now, 25.0)
            watch.drain()
        if controls.flag(7):
            clock.now += steps[index % len(steps)] / 8
            session.tick(clock.now)
            watch.drain()
    for seconds in (1.0, 31.0, 62.0, 95.0):
        clock.now += seconds
        session.tick(clock.now)
        watch.drain()
    session.connection_lost(clock.now)
    watch.drain()
    for username in usernames:
        held = accounts.sessions(username)
        check(not held, f"CompIDs still in use after connection_lost: {held}")


# ================================================================================================
# 6. initiator

_ORDER: Final = Message(
    "D", [(11, "fz1"), (38, "1"), (40, "2"), (44, "100"), (54, "1"), (55, "BTCUSDT"), (59, "1")]
)


def initiator(data: bytes) -> None:
    """A sans-I/O ``Initiator`` after ``logon()``, fed the bytes as its peer's: nothing
    raises; events are fixsession's; it sends valid frames only, in order, nothing after
    Closed.

    Flags: bit 0 reframing, bits 1-2 session type, bit 3 send an order once logged on, bit 4
    advance the clock between chunks, bit 5 RecvWindow and ResponseMode set, bit 6 expansion.
    """
    controls = Controls.of(data)
    payload = _expand(controls.payload) if controls.flag(6) else controls.payload
    payload = reframe(payload) if controls.flag(0) else payload
    clock = Clock(START)
    session_type = _SESSION_TYPES[controls.flags >> 1 & 3]
    options: dict[str, object] = {}
    if controls.flag(5):
        options = {"recv_window_ms": 5000.0, "response_mode": 1}
    session = Initiator(
        api_key=API_KEY, private_key=KEY, sender_comp_id="GW1", session_type=session_type,
        wall_clock=clock, now=clock.now, **options,  # type: ignore[arg-type]
    )  # fmt: skip
    session.logon(clock.now)
    watch = _Watch(session, "Initiator")
    watch.drain()
    steps = _steps(controls.seed, 64)
    sent = False
    for index, piece in enumerate(chunks(payload, controls.seed)):
        session.receive_data(piece, clock.now)
        watch.drain()
        delay = session.pacing_delay(clock.now)
        check(0.0 <= delay < 3600.0, f"pacing_delay {delay}")
        if controls.flag(3) and not sent and session.state is State.ACTIVE:
            if session_type is SessionType.ORDER_ENTRY:  # (the others refuse an order)
                session.send(_ORDER, clock.now)
            sent = True
            watch.drain()
        if controls.flag(4):
            clock.now += steps[index % len(steps)] / 8
            session.tick(clock.now)
            watch.drain()
    for seconds in (1.0, 31.0, 62.0, 95.0):
        clock.now += seconds
        session.tick(clock.now)
        watch.drain()
    session.connection_lost(clock.now)
    watch.drain()


# ================================================================================================
# 7. exchange

_PRINTABLE: Final = bytes(range(0x20, 0x7F))
_COMP_IDS: Final = {"o": "GW1", "p": "GW2", "m": "GW4", "d": "GW3"}
_KINDS: Final = {
    "o": (SessionType.ORDER_ENTRY, b""),
    "p": (SessionType.ORDER_ENTRY, b"25036=2\x01"),
    "m": (SessionType.MARKET_DATA, b""),
    "d": (SessionType.DROP_COPY, b"9406=Y\x01"),
}
_STRICT: Final = {
    SessionType.ORDER_ENTRY: Validator(ORDER_ENTRY, enums=False),
    SessionType.DROP_COPY: Validator(ORDER_ENTRY, enums=False),
    SessionType.MARKET_DATA: Validator(MARKET_DATA, enums=False),
}


def exchange_line(body: bytes) -> tuple[str, bytes, bytes] | None:
    """One line of the exchange target's payload: (session, MsgType, fields with SOH)."""
    session = "o"
    if len(body) >= 2 and body[1:2] == b":" and body[:1].decode("latin-1") in _COMP_IDS:
        session, body = body[:1].decode(), body[2:]
    msg_type, _, fields = body.partition(b"|")
    if not msg_type or msg_type.translate(None, _PRINTABLE) or b"=" in msg_type:
        return None  # the session garbles it: nothing for the exchange
    return session, msg_type, fields.replace(b"|", SOH)


def exchange(data: bytes) -> None:
    """The venue's ``Exchange`` behind four logged-on Acceptors (order entry twice, market
    data, drop copy) on one account: each payload line is a message from one client
    (``[o|p|m|d:]MsgType|tag=value|…``, header added by the harness), or ``+N`` to let N
    tenths of a second pass. Nothing raises; every session sends valid frames in order.
    What the exchange sends that Binance's dictionary refuses is noted, not failed. The book
    has 5 levels a side (20 by default): the same code, a quarter of the work per tick, and an
    order takes a whole side sooner.

    Flags: bit 0 advance 0.1 s after every message, bit 1 small order limits, bit 2 expansion.
    """
    controls = Controls.of(data)
    payload = _expand(controls.payload) if controls.flag(2) else controls.payload
    clock = Clock(START)
    accounts = Accounts()
    accounts.add_key(API_KEY, KEY.public_key())
    options: dict[str, object] = {"wall_clock": clock, "book_levels": 5}
    if controls.flag(1):
        options["order_limits"] = (Limit(3, 10), Limit(5, 86400))
    venue = Exchange(**options)  # type: ignore[arg-type]
    sessions: dict[str, tuple[Acceptor, _Watch]] = {}
    for name, (kind, extra) in _KINDS.items():
        session = Acceptor(
            accounts=accounts, session_type=kind, wall_clock=clock, now=clock.now, uuid=UUID
        )
        sessions[name] = (session, _Watch(session, f"Acceptor {name}"))
        session.receive_data(logon_frame(_COMP_IDS[name], START - 0.25, extra), clock.now)
    strict = True

    def pump() -> None:
        """Hand each session's events to the exchange; check what every session sent."""
        nonlocal strict
        for session, watch in sessions.values():
            for event in watch.drain():
                venue.on_event(session, event, clock.now)  # type: ignore[arg-type]
        for session, watch in sessions.values():
            watch.drain()  # the exchange's answers
            frames, watch.sent = watch.sent, []
            for frame in frames if strict else ():
                if b"\x0135=3\x01" in frame[:32]:  # a Reject echoes what it refuses
                    continue
                _, fault = _STRICT[session.session_type].parse(frame)
                if fault is not None:
                    note(f"the exchange sends what the dictionary refuses: {fault.code}", data)
                    strict = False

    pump()
    for session, _ in sessions.values():
        check(session.state is State.ACTIVE, f"set-up Logon failed: {session.state}")
    for line in payload.split(b"\n"):
        if line.startswith(b"+"):
            digits = line[1:5]
            tenths = int(digits) if digits.isdigit() and digits.isascii() else 1
            clock.now += tenths / 10
            venue.tick(clock.now)
            for session, _ in sessions.values():
                session.tick(clock.now)
            pump()
            continue
        parsed = exchange_line(line)
        if parsed is None:
            continue
        name, msg_type, fields = parsed
        session, _ = sessions[name]
        if session.closed:
            continue
        header = b"35=%s\x0134=%d\x0149=%s\x0152=%s\x0156=SPOT\x01" % (
            msg_type, session.next_expected_seq, _COMP_IDS[name].encode(),
            binance.format_sending_time(clock.now, 3).encode(),
        )  # fmt: skip
        body = header + fields + (SOH if fields and not fields.endswith(SOH) else b"")
        session.receive_data(wrap(body), clock.now)
        pump()
        if controls.flag(0):
            clock.now += 0.1
            venue.tick(clock.now)
            pump()
    clock.now += 2.0
    venue.tick(clock.now)
    pump()
    for session, _ in sessions.values():
        session.connection_lost(clock.now)
    pump()
    check(not accounts.sessions(API_KEY), "CompIDs still in use after every connection_lost")


# ================================================================================================
# 8. captures

_FORMATS: Final[tuple[Format | None, ...]] = (
    None, Format.RAW, Format.TEXT, Format.QUICKFIX, Format.FIXLOG, None, None, None,
)  # fmt: skip


def captures_(data: bytes) -> None:
    """``captures.parse`` (detected, or a given format): CaptureError only. Then
    ``replay.check`` and ``replay.replay_session`` never raise, and the records written as
    fixlog read back the same.

    Flags: bits 0-2 format (0 detect, 1 raw, 2 text, 3 quickfix, 4 fixlog), bit 3 force the
    replay role, bit 4 which (acceptor, initiator), bit 5 ``both_sides``.
    """
    controls = Controls.of(data)
    fmt = _FORMATS[controls.flags & 7]
    try:
        records = captures.parse(controls.payload, fmt)
    except CaptureError:
        return
    with watchdog():
        replay.check(records)
        replay.check(records, Validator())
        role = ("acceptor", "initiator")[controls.flags >> 4 & 1] if controls.flag(3) else None
        expectation = Expectation(role=role, both_sides=controls.flag(5))
        result = replay.replay_session(records, expectation)
        check(all(isinstance(f, str) for f in result.findings), "findings")
    written = b"".join(captures.format_record(record, Format.FIXLOG) for record in records)
    again = captures.parse(written, Format.FIXLOG) if written else []
    check(len(again) == len(records), f"{len(records)} records written, {len(again)} read back")
    for before, after in zip(records, again, strict=True):
        redact = captures.redact_sbe if before.sbe else captures.redact
        check(after.data == redact(before.data), f"record {before.data[:60]!r}")
        check(after.sbe == before.sbe, f"record {before.data[:60]!r}: sbe {before.sbe}")
        check(after.direction == (before.direction or ">"), "direction")


# ================================================================================================
# 9. sidecar


@cache
def _sidecar_capture() -> list[Record]:
    return recording.read(CAPTURES / "sessions" / "order-entry.fixlog")


def sidecar(data: bytes) -> None:
    """``Expectation.from_json`` on the whole input as text: ValueError only (its
    docstring; the CLI also catches TypeError and KeyError); an expectation it accepts
    survives ``to_json``, and replaying a small capture with it neither raises nor takes
    long (the watchdog).
    """
    text = data.decode("utf-8", "surrogateescape")
    with watchdog():
        try:
            expectation = Expectation.from_json(text)
        except ValueError:
            return
        again = Expectation.from_json(expectation.to_json())
        check(again == expectation, f"to_json round trip: {again!r}")
        replay.verify(_sidecar_capture(), expectation)


def journal(data: bytes) -> None:
    """``venue.journal.parse`` on the whole input as text: ValueError only (its docstring);
    a journal it accepts reads back the same from the lines ``header``/``entry`` write, and
    replaying a small capture as every capture it names neither raises nor takes long.
    """
    text = data.decode("utf-8", "surrogateescape")
    with watchdog():
        try:
            parsed = venue_journal.parse(text)
        except ValueError:
            return
        lines = venue_journal.header(parsed.exchange, parsed.message_limits, parsed.encoding)
        lines += b"".join(venue_journal.entry(item) for item in parsed.entries)
        again = venue_journal.parse(lines.decode())
        check(again == parsed, f"write-back round trip: {again!r}")
        capture = _sidecar_capture()
        venue_replay.replay_venue(parsed, {name: capture for name in parsed.captures[:3]})


# ================================================================================================
# 9b. settings

EXAMPLES: Final = Path(__file__).resolve().parent.parent / "examples"
_SUBSCRIPTIONS: Final = Validator(MARKET_DATA, header=False)  # what the gateway sends


def settings_(data: bytes) -> None:
    """``settings.parse`` on the whole input as text: ``SettingsError`` only, its message
    naming the file; settings it accepts hold what it promises (sessions named once, market
    data alone subscribes, every subscription a valid MarketDataRequest)."""
    text = data.decode("utf-8", "surrogateescape")
    with watchdog():
        try:
            parsed = settings.parse(text, "fuzz.toml")
        except settings.SettingsError as error:
            check(str(error).startswith("fuzz.toml"), f"an error not naming the file: {error}")
            return
    names = [session.name for session in parsed.sessions]
    check(len(set(names)) == len(names), f"a name given twice: {names}")
    for session in parsed.sessions:
        for subscription in session.subscriptions:
            check(session.session_type is SessionType.MARKET_DATA, "a subscription off market data")
            fault = _SUBSCRIPTIONS.validate(subscription.request())
            check(fault is None, f"a subscription Binance refuses: {fault}")
            entries = set(subscription.entries)
            check(("bid" in entries) == ("offer" in entries), "bid without offer (-1128)")


# ================================================================================================
# 9c. FIX SBE

_SBE_ERRORS: Final = (-1152, -1153, -1177, -1221)


def sbe_(data: bytes) -> None:
    """``sbe.SbeFramer`` over the payload in many chunkings: the same items whatever the
    chunking, and with the C speedups as in pure Python (the C reader and writer against
    sbe.py's, the reference); faults only Binance's four SBE errors; the buffer within its
    bound; each message decoded encodes back to values that decode the same.

    Flags: bit 0 a small ``max_message_size`` (64 bytes), bit 1 only schema version 1.
    """
    controls = Controls.of(data)
    options: dict[str, Any] = {"max_message_size": 64 if controls.flag(0) else 1 << 16}
    if controls.flag(1):
        options["versions"] = range(1, 2)
    payload = controls.payload
    reference: list[tuple[object, ...]] | None = None
    for seed in (0, controls.seed or 1):
        framer = sbe.SbeFramer(**options)
        items: list[sbe.SbeItem] = []
        for piece in chunks(payload, seed):
            items += framer.feed(piece)
            check(framer.buffered <= options["max_message_size"], f"{framer.buffered} buffered")
        seen = [_sbe_key(item) for item in items]
        if reference is None:
            reference = seen
        check(seen == reference, f"chunking changed the items: {seen[:3]} vs {reference[:3]}")
    with speedups.pure_python():
        pure = [_sbe_key(item) for item in sbe.SbeFramer(**options).feed(payload)]
    check(pure == reference, f"C and pure Python read otherwise: {reference[:3]} vs {pure[:3]}")
    for item in items:
        if isinstance(item, sbe.SbeGarbled):
            check(item.error.code in _SBE_ERRORS, f"not an SBE error: {item.error!r}")
            continue
        again = _sbe_encoded(item)
        with speedups.pure_python():
            check(_sbe_encoded(item) == again, f"C and pure Python wrote {item.name} otherwise")
        if isinstance(again, bytes):  # (else e.g. a too-long group, or a char past latin-1)
            read = sbe.decode(again).values
            check(read == item.values, f"{item.name} re-encoded reads otherwise")


def _sbe_encoded(item: sbe.SbeMessage) -> bytes | str:
    """``item`` encoded again (with the C speedups or in Python), or the ValueError why not."""
    try:
        return sbe.encode(item.name, item.values, item.seq_num, item.sending_time_us,
                          version=item.version)  # fmt: skip
    except ValueError as error:
        return repr(error)


def _sbe_key(item: sbe.SbeItem) -> tuple[object, ...]:
    if isinstance(item, sbe.SbeGarbled):
        return ("garbled", item.length, item.error.code)
    return ("message", item.name, item.seq_num, repr(item.values))


# ================================================================================================
# 9b. sessions over SBE


def _sbe_out(data: bytes, where: str, next_seq: int) -> int:
    """Check what a session wrote in SBE: whole messages only, in MsgSeqNum order."""
    framer = sbe.SbeFramer()
    items = framer.feed(data)
    check(framer.buffered == 0 and framer.broken is None, f"{where} wrote a partial SBE frame")
    for item in items:
        check(isinstance(item, sbe.SbeMessage), f"{where} wrote a bad SBE frame: {item!r}")
        assert isinstance(item, sbe.SbeMessage)
        check(item.seq_num == next_seq, f"{where}: seqNum {item.seq_num}, {next_seq} expected")
        next_seq += 1
    return next_seq


def sbe_session(data: bytes) -> None:
    """An ``Acceptor`` (with an ``Exchange`` behind it) or an ``Initiator`` speaking FIX SBE,
    fed the payload as its peer's bytes: nothing raises; what it writes is whole SBE messages
    in seqNum order (or valid FIX, for a gateway on port 9001); nothing after Closed; after
    ``connection_lost`` the account holds no CompID.

    Flags: bit 0 the gateway's side (else the venue's), bit 1 port 9001 (FIX requests, SBE
    responses; else 9002), bit 2 prepend a signed SBE Logon (venue) or LogonAck (gateway),
    bit 3 advance the clock between chunks, bit 4 Mini reports.
    """
    controls = Controls.of(data)
    encoding = Encoding.SBE_RESPONSES if controls.flag(1) else Encoding.SBE
    gateway = controls.flag(0)
    clock = Clock(START)
    accounts = Accounts()
    accounts.add_key(API_KEY, KEY.public_key())
    payload = controls.payload
    venue = Exchange(wall_clock=clock)
    session: Session
    if gateway:
        options: dict[str, Any] = (
            {"response_mode": 2, "mini_reports": True} if controls.flag(4) else {}
        )
        session = Initiator(
            api_key=API_KEY, private_key=KEY, sender_comp_id="GW1", wall_clock=clock,
            now=clock.now, encoding=encoding, **options,
        )  # fmt: skip
        session.logon(clock.now)
        if controls.flag(2):
            ack = {"HeartBtInt": 30, "SbeSchemaIdVersionDeprecated": "False", "UUID": UUID}
            payload = sbe.encode("LogonAck", ack, 1, START_US) + payload
    else:
        session = Acceptor(accounts=accounts, wall_clock=clock, now=clock.now, uuid=UUID,
                           encoding=encoding)  # fmt: skip
        if controls.flag(2):
            if encoding is Encoding.SBE:
                logon = sbe_logon("GW1", START_US, mini=controls.flag(4))
            else:
                logon = logon_frame("GW1", START - 0.25, _SBE_RESPONSES_LOGON)
            payload = logon + payload
    watch = _Watch(session, "Initiator" if gateway else "Acceptor",
                   sbe_out=encoding.sbe_out(venue=not gateway))  # fmt: skip
    steps = _steps(controls.seed, 64)

    def drain() -> None:
        """Check what the session wrote and reported; the venue's exchange takes its events."""
        for event in watch.drain():
            if not gateway:
                venue.on_event(session, event, clock.now)  # type: ignore[arg-type]
        watch.drain()  # the exchange's answers

    drain()
    for index, piece in enumerate(chunks(payload, controls.seed)):
        session.receive_data(piece, clock.now)
        drain()
        if controls.flag(3):
            clock.now += steps[index % len(steps)] / 8
            session.tick(clock.now)
            drain()
    for seconds in (1.0, 31.0, 62.0):
        clock.now += seconds
        session.tick(clock.now)
        drain()
    session.connection_lost(clock.now)
    drain()
    check(not accounts.sessions(API_KEY), "CompIDs still in use after connection_lost")


_SBE_RESPONSES_LOGON: Final = b"25050=1\x0125051=1\x01"


def sbe_logon(comp_id: str, sending_time_us: int, *, mini: bool = False) -> bytes:
    """A signed SBE Logon (port 9002) from ``comp_id``."""
    stamp = sbefix.format_us(sending_time_us)
    values: dict[str, Any] = {
        "EncryptMethod": 0, "HeartBtInt": 30, "ResetSeqNumFlag": "True",
        "MessageHandling": "Sequential", "SenderCompId": comp_id, "TargetCompId": "SPOT",
        "RawData": binance.sign_logon(KEY, comp_id, "SPOT", 1, stamp), "Username": API_KEY,
    }  # fmt: skip
    if mini:
        values.update(ResponseMode="OnlyAcks", ExecutionReportType="Mini")
    return sbe.encode("Logon", values, 1, sending_time_us)


# ================================================================================================
# 10. recorder


_DIRECTION: Final = re.compile(rb"\n([<>])")


def _directions(payload: bytes, seed: int) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """The payload's two streams, and the chunks, interleaved, in which they are recorded.

    The payload is ``\\n>`` or ``\\n<`` then bytes sent or received, any number of times (bytes
    before the first marker are sent); ``SECRET`` is put in for every ``<SOH>96=@@``.
    """
    parts = _DIRECTION.split(payload)
    streams: dict[str, list[bytes]] = {captures.SENT: [parts[0]], captures.RECEIVED: []}
    for index in range(1, len(parts) - 1, 2):
        streams[parts[index].decode()].append(parts[index + 1])
    sent, received = (
        b"".join(streams[direction]).replace(SECRET_MARK, b"\x0196=" + SECRET)
        for direction in (captures.SENT, captures.RECEIVED)
    )
    steps = _steps(seed, 64)
    queues: dict[str, list[bytes]] = {
        captures.SENT: chunks(sent, seed),
        captures.RECEIVED: chunks(received, (seed * 7 + 3) & 0xFF if seed else 0),
    }
    mixed: list[tuple[str, bytes]] = []
    index = 0
    while queues[captures.SENT] or queues[captures.RECEIVED]:
        direction = (captures.SENT, captures.RECEIVED)[steps[index % 64] & 1]
        if not queues[direction]:
            direction = captures.RECEIVED if direction == captures.SENT else captures.SENT
        mixed.append((direction, queues[direction].pop(0)))
        index += 1
    return sent, received, mixed


_WINDOWS: Final = tuple(SECRET[i : i + 12] for i in range(len(SECRET) - 11))


def recorder(data: bytes) -> None:
    """``recording.Recorder`` writing a session's bytes (both directions, any chunking) to a
    file, then ``recording.read``: nothing raises; each direction reads back whole (RawData
    redacted); no part of a Logon's signature (``SECRET``) is in the file. Flags: none yet.
    """
    controls = Controls.of(data)
    sent, received, mixed = _directions(controls.payload, controls.seed)
    with tempfile.TemporaryDirectory(prefix="fuzz-recorder-") as folder:
        path = Path(folder) / "session.fixlog"
        recorder = recording.Recorder(path)
        epoch = START
        for direction, piece in mixed:
            epoch += 0.001
            if direction == captures.SENT:
                recorder.sent(piece, epoch)
            else:
                recorder.received(piece, epoch)
        recorder.close(epoch)
        written = path.read_bytes()
        try:
            records = recording.read(path)
        except CaptureError as error:
            raise Broken(f"a Recorder's file cannot be read back: {error}") from error
    leaked = [window for window in _WINDOWS if window in written]
    if leaked:
        raise Broken(f"the Logon signature is in the file: {leaked[0]!r}")
    for direction, stream in ((captures.SENT, sent), (captures.RECEIVED, received)):
        back = b"".join(r.data for r in records if r.direction == direction)
        if recorder.stopped is not None:  # past its limit (before Logon: 16 KiB): a prefix
            check(len(back) <= len(stream), f"{direction}: {len(stream)} bytes, {len(back)} read")
            continue
        check(len(back) == len(stream), f"{direction}: {len(stream)} bytes, {len(back)} read")
        if b"96=" not in stream:
            check(back == stream, f"{direction}: the bytes read back differ")


# ================================================================================================
# Seeds: starting inputs made from captures/


def capture_files(root: Path = CAPTURES) -> list[Path]:
    """Every capture shipped in ``captures/`` (sorted)."""
    return sorted(p for p in root.rglob("*") if p.suffix in (".fixlog", ".fix") and p.is_file())


def _session_type_of(path: Path) -> SessionType:
    text = recording.read_sidecar(path)
    if text is not None:
        found = json.loads(text).get("session_type")
        if found is not None:
            return SessionType(found)
    return SessionType.ORDER_ENTRY


def _served(records: Sequence[Record]) -> bool:
    """Whether fixsession recorded the capture as the acceptor (the first Logon came in)."""
    return replay.infer_role(records) == "acceptor" and any(
        r.direction == captures.RECEIVED for r in records
    )


def _with_secret(data: bytes) -> bytes:
    return re.sub(rb"\x0196=\*+", SECRET_MARK, data)


_LONG: Final = (  # frames with a long tag, value or MsgType (expansion: \xff N C)
    b"8=FIX.4.4\x019=99\x0135=0\x0134=2\x0149=SPOT\x0152=20261124-06:57:05.561\x01"
    b"56=GW1\x01\xff\x101=1\x0110=000\x01",
    b"8=FIX.4.4\x019=99\x0135=D\x0134=2\x0149=GW1\x0152=20261124-06:57:05.561\x01"
    b"56=SPOT\x0111=o1\x0138=\xff\x109\x0140=2\x0144=100\x0154=1\x0155=BTCUSDT\x0159=1\x01"
    b"10=000\x01",
    b"8=FIX.4.4\x019=99\x0135=3\x0134=2\x0149=SPOT\x0152=20261124-06:57:05.561\x01"
    b"56=GW1\x0145=\xff\x107\x0125016=-1179\x0158=MsgSeqNum(34) too low, expected '\xff\x108'"
    b"\x0110=000\x01",
)
_APPLICATION_SKIP: Final = frozenset({"A", "0", "1", "2", "4", "5"})
_HEADER_TAGS: Final = frozenset({8, 9, 34, 49, 52, 56, 10, 25000})
_TYPE_INDEX: Final = {
    SessionType.ORDER_ENTRY: 0, SessionType.MARKET_DATA: 2, SessionType.DROP_COPY: 3,
}  # fmt: skip
_PREFIX: Final = {SessionType.ORDER_ENTRY: "o", SessionType.MARKET_DATA: "m",
                  SessionType.DROP_COPY: "d"}  # fmt: skip


def _exchange_seed(records: Sequence[Record], kind: SessionType) -> bytes:
    lines = []
    for record in records:
        if record.direction != captures.RECEIVED or not is_frame(record.data):
            continue
        message = Message.decode(record.data)
        if message.msg_type in _APPLICATION_SKIP:
            continue
        fields = "|".join(f"{t}={v}" for t, v in message if t not in _HEADER_TAGS)
        lines.append(f"{_PREFIX[kind]}:{message.msg_type}|{fields}".encode())
    return b"\n".join([*lines, b"+20"]) if lines else b""


def _journal_seeds() -> list[bytes]:
    """A journal as serve writes it (three connections, timer runs, a shutdown), and bits."""
    setup = venue_journal.options(Exchange(wall_clock=lambda: START))
    limits = {kind: Limit(100, 10) for kind in SessionType}
    head = venue_journal.header(setup, limits)
    name = "20250615-150640-000000-order-entry-00001.fixlog"
    entries = [venue_journal.Entry(START, "open", name), venue_journal.Entry(START + 0.1, "tick"),
               venue_journal.Entry(START + 0.2, "maintenance", seconds=5.0),
               venue_journal.Entry(START + 0.3, "shutdown"),
               venue_journal.Entry(START + 0.4, "close", name),
               venue_journal.Entry(START + 0.5, "full")]  # fmt: skip
    lines = [venue_journal.entry(item) for item in entries]
    return [head + b"".join(lines), head, head + lines[0] + lines[4], b"{}"]


def seeds(name: str, root: Path = CAPTURES) -> list[bytes]:
    """The starting inputs of target ``name``, made from the captures under ``root``."""
    found: list[bytes] = []
    if name == "sidecar":
        return [p.read_bytes() for p in sorted(root.rglob("*.expect.json"))]
    if name == "settings":
        return [p.read_bytes() for p in sorted(EXAMPLES.glob("*.toml"))]
    if name == "journal":
        return _journal_seeds()
    if name == "sbe":
        return _sbe_seeds()
    if name == "sbe_session":
        return _sbe_session_seeds()
    for path in capture_files(root):
        records = recording.read(path)
        frames = [r.data for r in records]
        stream = b"".join(frames)
        kind = _session_type_of(path)
        served = _served(records)
        received = b"".join(r.data for r in records if r.direction == captures.RECEIVED)
        sent = b"".join(r.data for r in records if r.direction == captures.SENT)
        if name == "framer":
            found += [make_input(frame, 32 if i % 3 == 0 else 0) for i, frame in enumerate(frames)]
            found += (
                [make_input(stream, 0, seed) for seed in (0, 9, 46)] if len(stream) < 4000 else []
            )
            if path.suffix == ".fix":
                found.append(make_input(path.read_bytes().replace(b"|", SOH), 2, 5))
        elif name in ("decode", "from_message"):
            found += [make_input(frame) for frame in frames]
            found += [make_input(frame, 2) for frame in frames if b"\x0158=" in frame]
        elif name == "parse":
            found += [make_input(frame) for frame in frames]
            found += [make_input(frame, 16) for frame in frames[:3]]
        elif name == "acceptor" and served:
            flags = 6 | _TYPE_INDEX[kind] << 3
            found += [make_input(received, flags), make_input(received, flags | 128, 21)]
        elif name == "initiator":
            client = sent if served else received
            flags = 8 | _TYPE_INDEX[kind] << 1
            found += [make_input(client, flags), make_input(client, flags | 16, 13)]
            found += [make_input(client, flags | 64 | 1)] if b"\x0135=B\x01" in client else []
        elif name == "exchange" and served:
            seed = _exchange_seed(records, kind)
            if seed:
                found.append(make_input(seed))
        elif name == "captures":
            data = path.read_bytes()
            found.append(make_input(data))
            found.append(make_input(data, 0b101000))
            if path.suffix == ".fixlog":
                for fmt, flag in ((Format.RAW, 1), (Format.TEXT, 2), (Format.QUICKFIX, 3)):
                    written = b"".join(captures.format_record(r, fmt) for r in records)
                    found.append(make_input(written, flag))
        elif name == "recorder":
            both = b"".join(b"\n" + (r.direction or ">").encode() + r.data for r in records)
            found += [make_input(_with_secret(both), 0, seed) for seed in (0, 3, 77)]
    if name in ("framer", "decode", "parse", "from_message"):
        flag = {"framer": 33, "decode": 3, "parse": 32 | 16, "from_message": 3}[name]
        found += [make_input(long, flag) for long in _LONG]
    if name == "acceptor":
        found += _malformed_seeds()
    return list(dict.fromkeys(found))


def _sbe_seeds() -> list[bytes]:
    """A few SBE messages of each kind (session, orders, reports with groups, market data)."""
    frames = _sbe_seed_frames()
    stream = b"".join(frames)
    return [make_input(frame) for frame in frames] + [
        make_input(stream, 0, 7),
        make_input(stream, 2, 3),
    ]


def _sbe_seed_frames() -> list[bytes]:
    from decimal import Decimal

    report = {"OrdType": "Limit", "Side": "Sell", "ExecType": "Trade", "CumQty": Decimal("1.5"),
              "LastQty": Decimal("0.5"), "OrdStatus": "PartiallyFilled", "Symbol": "BTCUSDT",
              "LastPx": Decimal("30000.01"), "ClOrdID": "o1",
              "MiscFees": [{"MiscFeeAmt": Decimal("0.001"), "MiscFeeType": "ExchangeFees",
                            "MiscFeeCurr": "BNB"}]}  # fmt: skip
    book = {"LastBookUpdateID": 7, "Symbol": "BTCUSDT",
            "MDEntriesBids": [{"MDEntryPx": Decimal("30000.1"), "MDEntrySize": Decimal("0.5")}],
            "MDEntriesAsks": [{"MDEntryPx": Decimal("30000.2")}]}  # fmt: skip
    return [
        sbe.encode("Heartbeat", {}, 1, START_US),
        sbe.encode("TestRequest", {"TestReqID": "t1"}, 2, START_US),
        sbe.encode("ExecutionReport", report, 3, START_US),
        sbe.encode("MarketDataIncrementalBookTicker", book, 4, START_US),
        sbe.encode("Logout", {"Text": "bye"}, 5, START_US),
    ]


START_US: Final = int(START * 1_000_000)


def _sbe_session_seeds() -> list[bytes]:
    """Each side after its Logon: a gateway's requests, a venue's answers."""
    from decimal import Decimal

    order = {"OrdType": "Limit", "Side": "Buy", "OrderQty": Decimal("0.001"),
             "Price": Decimal("60000"), "TimeInForce": "GoodTillCancel", "ClOrdID": "o1",
             "Symbol": "BTCUSDT"}  # fmt: skip
    cancel = {"ClOrdID": "c1", "OrigClOrdID": "o1", "Symbol": "BTCUSDT"}
    requests = b"".join([
        sbe.encode("NewOrderSingle", order, 2, START_US),
        sbe.encode("TestRequest", {"TestReqID": "t1"}, 3, START_US),
        sbe.encode("OrderCancelRequest", cancel, 4, START_US),
        sbe.encode("LimitQuery", {"ReqID": "l1"}, 5, START_US),
        sbe.encode("Logout", {}, 6, START_US),
    ])  # fmt: skip
    answers = b"".join(frame for frame in _sbe_seed_frames()[1:])
    return [
        make_input(requests, 0b100), make_input(requests, 0b1100, 9),
        make_input(requests, 0b10100), make_input(answers, 0b101), make_input(answers, 0b111, 5),
    ]  # fmt: skip


def _malformed_seeds() -> list[bytes]:
    """fixsession's own malformed frames of every kind, after a prepended Logon."""
    import random

    from fixsession.tools import malformed

    out = []
    for session_type in (SessionType.ORDER_ENTRY, SessionType.MARKET_DATA):
        rng = random.Random(7)
        frames = []
        for seq in range(2, 26):
            bad = malformed.generate(rng, session_type)
            sending_time = binance.format_sending_time(START - 0.1, 3)
            frames.append(bad.frame(seq, "GW1", sending_time))
        out.append(make_input(b"".join(frames), 1 | _TYPE_INDEX[session_type] << 3))
    return out


# ================================================================================================

TARGETS: Final[dict[str, Callable[[bytes], None]]] = {
    "framer": framer,
    "decode": decode,
    "parse": parse,
    "from_message": from_message,
    "acceptor": acceptor,
    "initiator": initiator,
    "exchange": exchange,
    "captures": captures_,
    "sidecar": sidecar,
    "journal": journal,
    "settings": settings_,
    "sbe": sbe_,
    "sbe_session": sbe_session,
    "recorder": recorder,
}
"""Every target, by name."""

MAX_LEN: Final = {
    "framer": 2048, "decode": 2048, "parse": 2048, "from_message": 2048, "acceptor": 8192,
    "initiator": 8192, "exchange": 4096, "captures": 16384, "sidecar": 4096, "journal": 4096,
    "settings": 4096, "sbe": 4096, "sbe_session": 8192, "recorder": 8192,
}  # fmt: skip
"""The largest input libFuzzer makes for each target (``-max_len``)."""
