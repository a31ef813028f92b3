"""Frames in a FIX byte stream: delimiting them, the garbled checks, resynchronising after garbage.

Owns the scan of the raw byte stream: the BodyLength arithmetic that delimits each frame; every
GARBLED_MESSAGE (-1177) check Binance documents (CheckSum, BeginString first, BodyLength
right, MsgType third, printable ASCII, no tag without a value) and tags that are not positive
integers of at most nine digits (-1169); resynchronisation at the next ``8=FIX.4.4<SOH>``
after garbage; and a bounded buffer. Valid frames come out as their exact bytes, faults as
``Garbled`` items that carry the typed error; no input makes it raise. It knows nothing of
dictionaries or sessions.

Every byte fed is accounted for: the items of a stream, in order, cover it exactly (a valid
frame, then a garbled region, then a frame…), whatever the chunking, so any split of a stream
yields the same items as feeding it whole.

Which fault a frame is reported with, when it has several: BeginString, then BodyLength (the
frame cannot be delimited; the region runs to the next ``8=FIX.4.4<SOH>``), then a malformed
CheckSum field (likewise), then MsgType not third, then a wrong CheckSum, then the first bad
field in wire order (non-printable byte, invalid tag number, tag without a value). A frame
that can be delimited is reported alone; the next frame starts right after it.

Speed: runs of well-formed frames are delimited and checked in bulk (``_fast_run`` and
``_bulk_check``, or their C version when ``speedups`` has it); any frame they do not pass is
examined exactly, one check at a time (``_examine``), which decides every verdict above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final
from zlib import adler32 as _adler32

from fixsession import speedups
from fixsession.errors import GarbledMessage, InvalidTagNumber, RequestError
from fixsession.message import MAX_TAG_DIGITS, byte_sum, raw_data_end, raw_data_length_of
from fixsession.spec import UTF8_TAGS

BEGIN: Final = b"8=FIX.4.4\x01"
_HEAD: Final = BEGIN + b"9="  # every frame starts with these 12 bytes
_BODY_LENGTH_DIGITS: Final = 10  # zero-padded BodyLength (9=0000113) is accepted
_TRAILER: Final = 7  # b"10=ddd\x01"
DEFAULT_MAX_FRAME_SIZE: Final = 4 * 1024 * 1024
SAMPLE_SIZE: Final = 4096  # bytes of a garbled region kept in Garbled.data

# The garbled variants, by their index in the catalog's -1177 templates.
_CHECKSUM, _BEGIN_STRING, _MSG_TYPE, _BODY_LENGTH, _NON_PRINTABLE, _NO_VALUE = range(6)
_VARIANT_TAG: Final = {_CHECKSUM: 10, _BEGIN_STRING: 8, _MSG_TYPE: 35, _BODY_LENGTH: 9}

_RAW_DATA_LENGTH: Final = 95
_RAW_DATA: Final = 96

# CheckSum field text (three digits and SOH) to its value; anything else is malformed.
_CHECKSUMS: Final = {b"%03d\x01" % value: value for value in range(256)}
# The 8 bytes that end a frame (the body's last SOH, then 10=ddd<SOH>) to what a frame's
# Adler-32 low half (1 + byte sum) must equal, modulo 256, for that CheckSum to be right:
# 1 + (body sum) + (sum of these 7 trailer bytes), where body sum = CheckSum (mod 256).
_TRAILERS: Final = {
    b"\x0110=%03d\x01" % value: (1 + value + sum(b"10=%03d\x01" % value)) & 0xFF
    for value in range(256)
}
# While every byte is printable ASCII or SOH (at most 126), Adler-32 sums chunks of this many
# bytes exactly (126 * 520 < 65521).
_PRINTABLE_CHUNK: Final = 520
# A fast run stops after this many bytes, so the bulk check works on cache-sized slices.
_RUN_BYTES: Final = 32 * 1024

_PRINTABLE: Final = bytes(range(0x20, 0x7F))
# For the bulk check: bytes outside printable ASCII and SOH become NUL; digits are deleted.
_BULK_MAP: Final = bytes((byte if byte == 1 or 0x20 <= byte < 0x7F else 0) for byte in range(256))
_DIGITS: Final = b"0123456789"
# A tag of more digits than that, at the start of a field (for the bulk check).
_LONG_TAG: Final = re.compile(b"\x01[0-9]{%d}" % (MAX_TAG_DIGITS + 1))


@dataclass(frozen=True, slots=True)
class Garbled:
    """A region of the stream that is not a valid frame, and why.

    ``offset`` and ``length`` locate it in the stream; ``error`` is the typed error Binance
    would answer with (``GarbledMessage`` or ``InvalidTagNumber``, with its exact text and,
    where one tag is at fault, ``ref_tag_id``); ``data`` is its first bytes (at most
    ``SAMPLE_SIZE``); ``msg_type`` and ``msg_seq_num`` are read from it when they can be.
    """

    offset: int
    length: int
    error: RequestError
    data: bytes
    msg_type: str | None = None
    msg_seq_num: int | None = None


Item = bytes | Garbled
"""What a Framer yields: a valid frame's exact bytes, or a Garbled region."""


class Framer:
    """Incremental framer: ``feed()`` bytes as they arrive, get back the items now complete.

    ``max_frame_size`` bounds the buffer: a frame whose BodyLength would make it larger is
    garbled at once, before any of it is buffered. With ``line_breaks=True``, CR and LF
    between frames are skipped (for documentation-style text with one message per line).
    """

    def __init__(
        self, *, max_frame_size: int = DEFAULT_MAX_FRAME_SIZE, line_breaks: bool = False
    ) -> None:
        if max_frame_size < 64:
            raise ValueError("max_frame_size must be at least 64 bytes")
        self.max_frame_size = max_frame_size
        self.line_breaks = line_breaks
        self._chunks: list[bytes] = []  # bytes not yet consumed, in order
        self._buffered = 0  # their total length
        self._need = 1  # how many buffered bytes the next step needs
        self._offset = 0  # stream offset of the first buffered byte
        # An open garbage region (it ends at the next BEGIN): start offset, error, sample.
        self._garbage_start = -1
        self._garbage_variant = 0
        self._garbage_sample = bytearray()
        self._skipped: dict[int, int] = {}  # line-break bytes skipped before item N of a feed
        self._waiting = False  # the fast run stopped at an incomplete frame

    @property
    def offset(self) -> int:
        """Stream offset of the first byte not yet reported in an item."""
        return self._offset if self._garbage_start < 0 else self._garbage_start

    @property
    def buffered(self) -> int:
        """Bytes held while waiting for the rest of a frame (at most ``max_frame_size``)."""
        return self._buffered

    @property
    def in_garbage(self) -> bool:
        """A garbled region has begun and is not reported yet (it ends at the next
        ``8=FIX.4.4<SOH>``, or at ``close()``)."""
        return self._garbage_start >= 0

    @property
    def pending(self) -> int:
        """The size of the frame being waited for, as far as its head says (at least the bytes
        held for it); 0 when nothing is held."""
        return max(self._buffered, self._need) if self._buffered else 0

    def feed(self, data: bytes | bytearray | memoryview) -> list[Item]:
        """Add bytes from the stream; return the frames and garbled regions now complete."""
        if self.line_breaks:
            self._skipped = {}
        if not data:
            return []
        if type(data) is not bytes:
            data = bytes(data)
        run = speedups.frame_run
        if run is not None and not (self._chunks or self.line_breaks) and self._garbage_start < 0:
            # The usual read: nothing held, and whole well-formed frames, delimited in C at once.
            out: list[Item] = []
            i = run(data, 0, self.max_frame_size, out)[0]
            if i == len(data):
                self._offset += i
                return out
            return self._rest(data, out, i)  # an incomplete frame, or one to examine
        if self._chunks:
            self._chunks.append(data)
            self._buffered += len(data)
            if self._buffered < self._need:
                return []
            buf = b"".join(self._chunks)
        else:
            buf = data
            if len(buf) < self._need:
                self._chunks = [buf]
                self._buffered = len(buf)
                return []
        return self._rest(buf, [], 0)

    def _rest(self, buf: bytes, out: list[Item], start: int) -> list[Item]:
        """``feed``'s scan of ``buf`` from ``start`` (``out`` has the items before it); what is
        left waits for more bytes."""
        consumed = self._scan(buf, out, start)
        self._offset += consumed
        if consumed < len(buf):
            rest = buf[consumed:]
            self._chunks = [rest]
            self._buffered = len(rest)
        else:
            self._chunks = []
            self._buffered = 0
        return out

    def feed_located(self, data: bytes | bytearray | memoryview) -> list[tuple[int, Item]]:
        """``feed()``, with the stream offset of each item."""
        self._skipped = {}
        first = self.offset
        return self._locate(first, self.feed(data))

    def close_located(self) -> list[tuple[int, Item]]:
        """``close()``, with the stream offset of each item."""
        self._skipped = {}
        first = self.offset
        return self._locate(first, self.close())

    def _locate(self, offset: int, items: list[Item]) -> list[tuple[int, Item]]:
        located: list[tuple[int, Item]] = []
        for index, item in enumerate(items):
            offset += self._skipped.get(index, 0)
            if isinstance(item, Garbled):
                offset = item.offset
                located.append((offset, item))
                offset += item.length
            else:
                located.append((offset, item))
                offset += len(item)
        return located

    def close(self) -> list[Item]:
        """End of stream: what is left is garbled (an incomplete frame), and after it the
        stream is resynchronised as usual, so complete frames behind it are still found."""
        self._skipped = {}
        buf = b"".join(self._chunks)
        self._chunks, self._buffered, self._need = [], 0, 1
        out: list[Item] = []
        while buf:
            consumed = self._scan(buf, out)
            self._offset += consumed
            buf = buf[consumed:]
            if not buf:
                break
            if self._garbage_start >= 0:  # a tail that could have begun a BEGIN
                self._grow_garbage(buf)
                self._offset += len(buf)
                break
            verdict = self._examine(buf, 0)
            if verdict is not None:
                variant = verdict[0]
            elif buf.startswith(BEGIN) or BEGIN.startswith(buf):
                variant = _BODY_LENGTH  # shorter than its BodyLength says
            else:
                variant = _BEGIN_STRING
            self._open_garbage(self._offset, variant)
            self._grow_garbage(buf[:1])
            self._offset += 1
            buf = buf[1:]
        if self._garbage_start >= 0:
            out.append(self._close_garbage(self._offset))
        return out

    # -- the scan --------------------------------------------------------------------------

    def _scan(self, buf: bytes, out: list[Item], start: int = 0) -> int:
        """Append the complete items at the start of ``buf`` (from ``start``); return how much
        was consumed."""
        n = len(buf)
        i = start
        self._need = 1
        while i < n:
            if self._garbage_start >= 0:
                resume = buf.find(BEGIN, i)
                if resume < 0:
                    keep = max(i, n - len(BEGIN) + 1)  # the tail may start a BEGIN
                    self._grow_garbage(buf[i:keep])
                    self._need = n - keep + 1
                    return keep
                self._grow_garbage(buf[i:resume])
                out.append(self._close_garbage(self._offset + resume))
                i = resume
            if speedups.frame_run is not None:  # the same run in C
                i, need = speedups.frame_run(buf, i, self.max_frame_size, out)
                if need:  # the frame at i is not complete yet
                    self._need = need
                    return i
            else:
                start = i
                mark = len(out)
                i = self._fast_run(buf, i, out)
                if i > start and not _bulk_check(buf[start:i]):
                    self._reexamine(buf, start, out, mark)
                if self._waiting:  # the frame at i is not complete yet
                    self._waiting = False
                    return i
            if i >= n:
                break
            if self.line_breaks and buf[i] in b"\r\n":
                self._skipped[len(out)] = self._skipped.get(len(out), 0) + 1
                i += 1
                continue
            verdict = self._examine(buf, i)
            if verdict is None:  # the item at i is not complete yet
                return i
            end, item = verdict
            if item is None:  # undelimited: garbage from i up to the next BEGIN after it
                self._open_garbage(self._offset + i, end)
                self._grow_garbage(buf[i : i + 1])
                i += 1
                continue
            out.append(item)
            i = end
        return i

    def _fast_run(self, buf: bytes, i: int, out: list[Item]) -> int:
        """Delimit the well-formed frames at ``i``, checking trailer, MsgType and CheckSum.

        Frames are appended to ``out``; the return is where the run stopped. If it stopped at
        a frame that is not complete yet, ``_waiting`` is set and ``_need`` says how many
        bytes it takes. Printable bytes are assumed for the CheckSum (a run that is not
        printable fails the bulk check, and each of its frames is then examined exactly).
        """
        n = len(buf)
        find = buf.find
        append = out.append
        adler32 = _adler32
        heads = _HEADS
        trailers = _TRAILERS
        limit = self.max_frame_size
        stop = i + _RUN_BYTES
        while i < stop:
            soh = find(b"\x01", i + 12, i + 13 + _BODY_LENGTH_DIGITS)
            if soh < 0:
                break
            # One probe checks BeginString, BodyLength's digits and MsgType as third field.
            length = heads[buf[i : soh + 4]]
            if length is None:
                break
            end = soh + 8 + length
            if end - i > limit:
                break
            if end > n:
                self._waiting = True
                self._need = end - i
                break
            expected = trailers.get(buf[end - 8 : end])  # SOH, "10=", 3 digits, SOH
            if expected is None:
                break
            frame = buf[i:end]
            total = adler32(frame) & 0xFFFF
            if end - i > _PRINTABLE_CHUNK:
                if end - i > 2 * _PRINTABLE_CHUNK:
                    total = _long_sum(frame)
                else:  # 1 + first chunk's sum, plus the rest's sum (below 65521)
                    first = adler32(frame[:_PRINTABLE_CHUNK]) & 0xFFFF
                    total = first + (total - first) % 65521
            if (total - expected) & 0xFF:
                break
            append(frame)
            i = end
        return i

    def _reexamine(self, buf: bytes, start: int, out: list[Item], mark: int) -> None:
        """Replace a fast run's frames (out[mark:]) with the exact verdict on each."""
        frames = out[mark:]
        del out[mark:]
        i = start
        for frame in frames:
            assert isinstance(frame, bytes)
            verdict = self._examine(buf, i)
            assert verdict is not None and verdict[1] is not None
            out.append(verdict[1])
            i += len(frame)

    def _examine(self, buf: bytes, i: int) -> tuple[int, Item | None] | None:
        """The exact verdict on the item at ``i``.

        None: more bytes are needed (``_need`` says how many). ``(end, item)``: a frame or
        a delimited garbled frame ending at ``end``. ``(variant, None)``: the frame cannot be
        delimited; a garbage region with that variant starts at ``i``.
        """
        n = len(buf)
        available = n - i
        if not buf.startswith(BEGIN, i):
            if available < len(BEGIN) and BEGIN.startswith(buf[i:]):
                self._need = len(BEGIN)
                return None
            return _BEGIN_STRING, None
        if not buf.startswith(b"9=", i + 10):
            if available < 12:
                self._need = 12
                return None
            return _BODY_LENGTH, None
        soh = buf.find(b"\x01", i + 12, i + 13 + _BODY_LENGTH_DIGITS)
        digits = buf[i + 12 : soh if soh >= 0 else i + 12 + _BODY_LENGTH_DIGITS]
        if soh < 0 and available < 13 + _BODY_LENGTH_DIGITS and (not digits or digits.isdigit()):
            self._need = available + 1
            return None
        if soh < 0 or not digits.isdigit():
            return _BODY_LENGTH, None
        body_end = soh + 1 + int(digits)
        end = body_end + _TRAILER
        if end - i > self.max_frame_size:
            return _BODY_LENGTH, None
        if body_end + 3 > n:
            self._need = body_end + 3 - i
            return None
        if not buf.startswith(b"\x0110=", body_end - 1):
            return _BODY_LENGTH, None
        if buf.find(b"\x01", body_end + 3, min(n, end - 1)) >= 0:
            return _CHECKSUM, None  # the CheckSum field ends before its three digits
        if end > n:
            self._need = end - i
            return None
        if buf[body_end + 3 : end] not in _CHECKSUMS:
            return _CHECKSUM, None
        frame = buf[i:end]
        offset = self._offset + i
        body_start = soh + 1 - i
        if not frame.startswith(b"35=", body_start):
            return end, _garbled(offset, frame, _MSG_TYPE)
        if byte_sum(frame[: body_end - i]) & 0xFF != int(frame[-4:-1]):
            return end, _garbled(offset, frame, _CHECKSUM)
        fault = _field_fault(frame, body_start, body_end - i)
        if fault is not None:
            return end, _garbled(offset, frame, *fault)
        return end, frame

    # -- garbage regions ---------------------------------------------------------------------

    def _open_garbage(self, offset: int, variant: int) -> None:
        self._garbage_start = offset
        self._garbage_variant = variant
        self._garbage_sample = bytearray()

    def _grow_garbage(self, data: bytes) -> None:
        room = SAMPLE_SIZE - len(self._garbage_sample)
        if room > 0:
            self._garbage_sample += data[:room]

    def _close_garbage(self, end: int) -> Garbled:
        start = self._garbage_start
        self._garbage_start = -1
        sample = bytes(self._garbage_sample)
        return _garbled(start, sample, self._garbage_variant, length=end - start)


def frames(data: bytes) -> list[Item]:
    """Every item of a complete stream (``feed`` then ``close`` on a new Framer)."""
    framer = Framer()
    return framer.feed(data) + framer.close()


def is_frame(data: bytes) -> bool:
    """Whether ``data`` is exactly one valid frame."""
    items = Framer().feed(data)
    return len(items) == 1 and items[0] == data


# -- checks ------------------------------------------------------------------------------------


def _long_sum(frame: bytes) -> int:
    """1 + the byte sum of a printable frame longer than two chunks."""
    view = memoryview(frame)
    total = 1
    for start in range(0, len(view), _PRINTABLE_CHUNK):
        total += (_adler32(view[start : start + _PRINTABLE_CHUNK]) & 0xFFFF) - 1
    return total


class _Heads(dict[bytes, int]):
    """A frame's first bytes, ``8=FIX.4.4<SOH>9=<digits><SOH>35=``, to its BodyLength.

    Only BodyLength digits (no sign, space or underscore) qualify; anything else is None.
    """

    def __missing__(self, key: bytes) -> int | None:
        digits = key[12:-4]
        if not key.startswith(_HEAD) or not key.endswith(b"\x0135=") or not digits.isdigit():
            return None
        value = int(digits)
        if len(self) < 65536:
            self[key] = value
        return value


_HEADS: Final = _Heads()


def _bulk_check(run: bytes) -> bool:
    """Whether a run of delimited frames is free of every field-level fault, at C speed.

    True means: every byte is printable ASCII or SOH; every SOH is followed by a tag of 1 to
    ``MAX_TAG_DIGITS`` digits that does not start with 0, then '='; no '=' is directly
    followed by SOH. False means
    some frame may be faulty (or merely has a value ending in '=', like a base64 RawData), and
    each frame is then examined exactly.

    The tag check deletes digits: what is left after each SOH must be '='. The three
    forbidden pairs (SOH '=', SOH '0', '=' SOH) are searched for as single UTF-16 code units
    of the run read at both byte alignments, which is several times faster than searching for
    two-byte needles (the run is ASCII by then, so it always decodes).
    """
    reduced = run.translate(_BULK_MAP, _DIGITS)
    if b"\x00" in reduced or reduced.count(b"\x01") != reduced.count(b"\x01=") + 1:
        return False
    if _LONG_TAG.search(run) is not None:
        return False
    size = len(run)
    for pairs in (run[: size & ~1], run[1 : 1 + ((size - 1) & ~1)]):
        units = pairs.decode("utf-16-le")
        if _EMPTY_TAG in units or _ZERO_TAG in units or _EMPTY_VALUE in units:
            return False
    return True


# Byte pairs as little-endian UTF-16 code units: SOH '=', SOH '0', '=' SOH.
_EMPTY_TAG: Final = "\u3d01"
_ZERO_TAG: Final = "\u3001"
_EMPTY_VALUE: Final = "\u013d"


def _field_fault(frame: bytes, start: int, stop: int) -> tuple[int, int | None] | None:
    """The first bad field in ``frame[start:stop]``: (variant, tag at fault), or None.

    Fields end with SOH; a RawData(96) right after RawDataLength(95) is taken by its length and
    may hold any byte. Variant -1 means an invalid tag number (-1169).
    """
    position = start
    raw_data_length = -1
    while position < stop:
        soh = frame.find(b"\x01", position, stop)
        equals = frame.find(b"=", position, soh)
        tag_text = frame[position : equals if equals >= 0 else soh]
        if tag_text.translate(None, _PRINTABLE):
            return _NON_PRINTABLE, None
        if (
            equals < 0
            or not tag_text.isdigit()
            or tag_text[0] == 0x30
            or len(tag_text) > MAX_TAG_DIGITS
        ):
            return _INVALID_TAG, None
        tag = int(tag_text)
        if tag == _RAW_DATA and raw_data_length >= 0:
            soh = raw_data_end(frame, equals + 1, raw_data_length, stop)
            raw_data_length = -1
            if soh == equals + 1:
                return _NO_VALUE, tag
            position = soh + 1
            continue
        value = frame[equals + 1 : soh]
        if not value:
            return _NO_VALUE, tag
        if value.translate(None, _PRINTABLE) and not (tag in UTF8_TAGS and _is_text(value)):
            return _NON_PRINTABLE, tag
        raw_data_length = raw_data_length_of(value) if tag == _RAW_DATA_LENGTH else -1
        position = soh + 1
    return None


_INVALID_TAG: Final = -1


def _is_text(value: bytes) -> bool:
    """Valid UTF-8 with no control characters (what Binance allows in a few tags)."""
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return text.isprintable()


def _garbled(
    offset: int, data: bytes, variant: int, ref_tag: int | None = None, length: int | None = None
) -> Garbled:
    """A Garbled item for ``data`` (a whole frame, or a region's first bytes) at ``offset``."""
    error: RequestError
    if variant == _INVALID_TAG:
        error = InvalidTagNumber.from_template()
    else:
        if ref_tag is None:
            ref_tag = _VARIANT_TAG.get(variant)
        error = GarbledMessage.from_template(template=variant, ref_tag_id=ref_tag)
    msg_type, msg_seq_num = _peek_header(data)
    size = len(data) if length is None else length
    return Garbled(offset, size, error, data[:SAMPLE_SIZE], msg_type, msg_seq_num)


def _peek_header(data: bytes) -> tuple[str | None, int | None]:
    """MsgType(35) and MsgSeqNum(34) of a garbled frame, when they can be read."""
    msg_type = msg_seq_num = None
    found = data.find(b"\x0135=")
    if found >= 0:
        end = data.find(b"\x01", found + 4, found + 20)
        text = data[found + 4 : end] if end > found + 4 else b""
        if text and not text.translate(None, _PRINTABLE):  # a MsgType fit to echo back
            msg_type = text.decode("ascii")
    found = data.find(b"\x0134=")
    if found >= 0:
        end = data.find(b"\x01", found + 4, found + 15)
        digits = data[found + 4 : end] if end > found + 4 else b""
        if digits.isdigit():
            msg_seq_num = int(digits)
    return msg_type, msg_seq_num
