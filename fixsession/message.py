"""The immutable FIX message and its wire codec for one complete frame.

Owns ``Message`` (a MsgType and the ordered tag=value fields after it), ``encode()`` (which
writes BeginString(8), BodyLength(9), MsgType(35) and CheckSum(10)), ``Message.decode()`` (one
already-delimited frame back into fields, honouring RawDataLength(95)/RawData(96)) and the
conversion to and from ``simplefix.FixMessage``. It does not find frames in a stream or judge
them: that is ``framing`` (garbled checks) and ``validation`` (dictionary rules).

Values are ``str``: what is on the wire, decoded as UTF-8 with ``surrogateescape`` so that any
byte sequence survives a decode/encode round trip unchanged.

Building a message and encoding it have C versions of their common case (plain tags; str, int
and Decimal values; ASCII text), used when ``speedups`` has them; everything else, and every
error, is handled here in Python.
"""

from __future__ import annotations

import datetime
import operator
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Final, TypeVar

from fixsession import speedups
from fixsession.spec import BEGIN_STRING

if TYPE_CHECKING:
    import simplefix

FieldValue = str | int | bool | Decimal | float | bytes | datetime.datetime
"""What a field value may be given as; it is stored as the ``str`` that goes on the wire."""

_SOH: Final = "\x01"
_RAW_DATA_LENGTH: Final = 95
_RAW_DATA: Final = 96
_ADLER_CHUNK: Final = 256  # bytes whose sum always fits below the Adler-32 modulus (65521)
_SCANNED: Final = 32  # a longer message is indexed once a read of it found nothing (a
# shorter one is scanned in C faster than a dict of its tags is built)


def byte_sum(data: bytes | memoryview) -> int:
    """The sum of all bytes of ``data``, computed with Adler-32's running sum (C speed).

    Adler-32's low half is ``1 + sum(data) mod 65521``; 256 bytes sum to at most 65280, so
    summing the low halves of 256-byte chunks gives the exact total.
    """
    if len(data) <= _ADLER_CHUNK:
        return (zlib.adler32(data) & 0xFFFF) - 1
    view = memoryview(data)
    total = 0
    for start in range(0, len(view), _ADLER_CHUNK):
        total += (zlib.adler32(view[start : start + _ADLER_CHUNK]) & 0xFFFF) - 1
    return total


_MAX_LENGTH_DIGITS: Final = 10  # no frame is longer than 9,999,999,999 bytes
MAX_TAG_DIGITS: Final = 9
"""Tag numbers are 1 to 999,999,999; a longer one is not a tag (the framer says -1169)."""


def raw_data_length_of(value: bytes) -> int:
    """RawDataLength(95)'s value as a length, or -1 if it is not one a frame could hold (not
    digits, or more of them than any frame's size has)."""
    if not value.isdigit() or len(value.lstrip(b"0")) > _MAX_LENGTH_DIGITS:
        return -1
    return int(value)


def raw_data_end(frame: bytes, value_start: int, length: int, body_end: int) -> int:
    """Where the RawData(96) value that starts at ``value_start`` ends (its SOH).

    RawDataLength(95) gives its length when the byte there is an SOH inside the body (which
    ends with the SOH at ``body_end - 1``, before CheckSum); otherwise it ends at the next
    SOH, as any value does. The framer and the decoder both read RawData this way.
    """
    end = value_start + length
    if length >= 0 and end < body_end and frame[end] == 1:
        return end
    return frame.find(b"\x01", value_start)


_TRAILERS: Final = tuple(b"10=%03d\x01" % value for value in range(256))
# BeginString and BodyLength for each body length of a typical message.
_HEADERS: Final = tuple(b"8=FIX.4.4\x019=%d\x01" % length for length in range(2048))


def _text(value: FieldValue) -> str:
    """The wire text of a field value (for anything that is not already a ``str``)."""
    kind = type(value)
    if kind is int:
        return str(value)
    if kind is bool:
        return "Y" if value else "N"
    if kind is Decimal:
        assert isinstance(value, Decimal)
        text = str(value)
        if "E" in text or "e" in text:  # exponent notation (lower case if the context says so)
            text = format(value, "f")
        return text
    if kind is float:
        return format(Decimal(repr(value)), "f")
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return (  # not strftime: its %Y writes years before 1000 with fewer digits
            f"{value.year:04d}{value.month:02d}{value.day:02d}-{value.hour:02d}:"
            f"{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}"
        )
    if isinstance(value, str):
        return str(value)  # a str subclass, e.g. an enum member: keep only its text
    if isinstance(value, int):
        return str(int(value))
    raise TypeError(f"a FIX field value cannot be a {kind.__name__}: {value!r}")


_TEXT_ONLY: Final = frozenset({str})


def _texts(values: tuple[FieldValue, ...], tags: tuple[int, ...]) -> tuple[str, ...]:
    """Field values as wire text; ValueError for an empty one (naming its tag)."""
    if speedups.wire_texts is not None:  # str, int and Decimal values, in C
        texts = speedups.wire_texts(values, Decimal)
        if texts is not None:
            return texts
    if not _TEXT_ONLY.issuperset(map(type, values)):
        values = tuple(
            [
                value if type(value) is str else str(value) if type(value) is int else _text(value)
                for value in values
            ]
        )
    if "" in values:
        tag = tags[values.index("")]
        raise ValueError(f"tag {tag} has an empty value; FIX fields always carry one")
    return values  # type: ignore[return-value]


_K = TypeVar("_K")
_V = TypeVar("_V")


class LayoutCache(dict[_K, _V]):
    """A dict of what is worked out once per message layout (MsgType and tags), bounded twice:
    at most ``entries`` layouts, holding at most ``size`` MsgType characters and tags among
    them all. Layouts repeat, so a gateway's few fit many times over; a peer that sends one
    new, huge layout after another (a megabyte MsgType, a frame of 100,000 tags) fills it once,
    and from then on its layouts are worked out each time: the cache never grows past that."""

    def __init__(self, entries: int = 4096, size: int = 1 << 17) -> None:
        super().__init__()
        self._entries = entries
        self._room = size

    def keep(self, key: _K, value: _V, msg_type: str, tags: int) -> None:
        """Remember ``value`` for ``key``, a layout of ``tags`` tags, if there is room."""
        size = len(msg_type) + tags
        if len(self) < self._entries and size <= self._room and key not in self:
            self[key] = value
            self._room -= size


# A %-format string per message layout, i.e. MsgType and sequence of tags
# ("35=D\x0111=%s\x0138=%s\x01..."), so that encoding a message is one C-level formatting
# call. Layouts repeat (a gateway sends the same kinds of message), so the cache stays small.
# Creating a layout is where tags and MsgType are validated.
_LAYOUTS: Final[LayoutCache[tuple[str, tuple[int, ...]], str]] = LayoutCache()
_KEYS: Final[LayoutCache[tuple[str, tuple[int, ...]], str]] = LayoutCache()  # ``layout_key``s


def _layout(msg_type: str, tags: tuple[int, ...]) -> str:
    key = (msg_type, tags)
    layout = _LAYOUTS.get(key)
    if layout is None:
        if not isinstance(msg_type, str) or not msg_type or _SOH in msg_type:
            raise ValueError(f"MsgType must be a non-empty string without SOH, not {msg_type!r}")
        for tag in tags:
            if isinstance(tag, bool) or not isinstance(tag, int) or tag <= 0:
                raise ValueError(f"a FIX tag is a positive integer, not {tag!r}")
        fields = "".join([f"{int(tag)}=%s\x01" for tag in tags])
        layout = "35=" + msg_type.replace("%", "%%") + "\x01" + fields
        _LAYOUTS.keep(key, layout, msg_type, len(tags))
    return layout


def frame_body(frame: bytes) -> tuple[str, str]:
    """MsgType(35) and the fields after it up to CheckSum(10), as text, of one frame.

    The fields text ends with SOH. Raises ValueError if ``frame`` is not ``8=…|9=…|35=…|``
    followed by fields and ``10=…|``.
    """
    text = frame.decode("utf-8", "surrogateescape")
    head = _HEAD.match(text)
    last = text.rfind("\x0110=")
    if head is None or last < head.end() - 1 or text.find("\x01", last + 1) != len(text) - 1:
        raise ValueError("a frame is 8, 9 and 35, then fields, then 10, each ending with SOH")
    return head.group(1), text[head.end() : last + 1]


_HEAD: Final = re.compile("8=[^\x01]*\x019=[^\x01]*\x0135=([^\x01]*)\x01")


class Message:
    """An immutable FIX message: a MsgType(35) and the ordered fields that follow it.

    BeginString(8), BodyLength(9), MsgType(35) and CheckSum(10) are not among ``fields``:
    ``encode()`` writes them. Header fields such as MsgSeqNum(34) are ordinary fields here (a
    session adds them when it sends). Repeated tags and repeating groups are kept in order.
    Every attribute is read-only; ``replace()`` makes a changed copy.

    >>> msg = Message("D", [(11, "order-1"), (55, "BTCUSDT"), (54, 1), (38, Decimal("0.5"))])
    >>> msg.get(Tag.SYMBOL)
    'BTCUSDT'
    """

    __slots__ = ("_frame", "_index", "_key", "_layout", "_msg_type", "_spans", "_tags", "_values")
    # (in this order: ``_trusted`` gives ``speedups.made`` the values so)

    _msg_type: str
    _tags: tuple[int, ...]
    _values: tuple[str, ...] | None  # None until read, for a lazy message (see _lazy)
    _frame: bytes | None  # a lazy message's frame, and where its values are in it
    _spans: bytes | None
    _layout: str | None  # the %-format that encodes it, once known
    _key: str | None  # layout_key, once known
    _index: dict[int, int] | None  # tag to its first position (see ``get``)

    def __init__(self, msg_type: str, fields: Iterable[tuple[int, FieldValue]] = ()) -> None:
        if type(msg_type) is not str and isinstance(msg_type, str):  # a MsgType member
            msg_type = str.__str__(msg_type)
        split = speedups.split_fields
        parts = split(msg_type, fields, Decimal) if split is not None else None
        if parts is not None:  # the common case, in C: plain MsgType, tags and values
            self._msg_type = msg_type
            self._tags, self._values = parts
            self._layout = self._key = self._index = self._frame = self._spans = None
            return
        pairs = fields if type(fields) is list else list(fields)
        if pairs:
            tags, values = zip(*pairs, strict=False)
        else:
            tags = values = ()
        self._layout = _layout(msg_type, tags)  # validates MsgType and tags
        self._msg_type = msg_type if type(msg_type) is str else str(msg_type)
        self._tags = tags
        self._values = _texts(values, tags)
        self._key = self._index = self._frame = self._spans = None

    @classmethod
    def _trusted(cls, msg_type: str, tags: tuple[int, ...], values: tuple[str, ...]) -> Message:
        """A Message from parts already known to be well formed (decoded from a frame)."""
        made = speedups.made
        if made is not None:  # (the slots in __slots__'s order, set in C)
            return made(cls, None, None, None, None, msg_type, None, tags, values)
        message = object.__new__(cls)
        message._msg_type = msg_type
        message._tags = tags
        message._values = values
        message._layout = None
        message._key = None
        message._index = None
        message._frame = message._spans = None
        return message

    @classmethod
    def _lazy(
        cls,
        msg_type: str,
        tags: tuple[int, ...],
        frame: bytes,
        spans: bytes,
        key: str | None = None,
    ) -> Message:
        """A Message whose values are made from ``frame`` only when read: ``spans`` says where
        each is (native uint32 start and end, from the C speedups' ``stream_messages``, which
        found every one printable ASCII)."""
        message = object.__new__(cls)
        message._msg_type = msg_type
        message._tags = tags
        message._values = None
        message._layout = message._index = None
        message._key = key
        message._frame = frame
        message._spans = spans
        return message

    def _load(self) -> tuple[str, ...]:
        """The values, made now if they were not yet (a lazy message)."""
        values = self._values
        if values is None:
            frame, spans = self._frame, self._spans
            assert frame is not None and spans is not None
            span_values = speedups.span_values
            if span_values is not None:
                values = span_values(frame, spans)
            else:
                at = memoryview(spans).cast("I")
                values = tuple(
                    frame[at[k] : at[k + 1]].decode("ascii") for k in range(0, len(at), 2)
                )
            self._values = values
            self._frame = self._spans = None
        return values

    # -- reading -------------------------------------------------------------------------

    @property
    def msg_type(self) -> str:
        """MsgType(35), e.g. ``"D"`` (compare with ``MsgType.NEW_ORDER_SINGLE``)."""
        return self._msg_type

    @property
    def fields(self) -> tuple[tuple[int, str], ...]:
        """Every field after MsgType(35), in wire order."""
        return tuple(zip(self._tags, self._load(), strict=True))

    @property
    def tags(self) -> tuple[int, ...]:
        """The tags of ``fields``, in wire order."""
        return self._tags

    @property
    def values(self) -> tuple[str, ...]:
        """The values of ``fields``, in wire order."""
        values = self._values  # (made already, but for a lazy message not read yet)
        return values if values is not None else self._load()

    @property
    def layout_key(self) -> str:
        """MsgType and the tags in wire order as one string (``"D<SOH>34=49=…"``).

        Messages with the same layout have equal keys; a validator caches its verdict on a
        layout's structure under it. Decoding computes it anyway, so it costs nothing then.
        """
        key = self._key
        if key is None:
            layout = (self._msg_type, self._tags)
            key = _KEYS.get(layout)
            if key is None:  # (the digits of each tag, whatever int type it came as)
                key = self._msg_type + "\x01" + "=".join(map(int.__repr__, self._tags))
                _KEYS.keep(layout, key, self._msg_type, len(self._tags))
            self._key = key
        return key

    def get(self, tag: int, default: str | None = None) -> str | None:
        """The value of the first field with ``tag``, or ``default``."""
        index = self._index
        if index is not None:
            position = index.get(tag)
            if position is None:
                return default
        else:
            tags = self._tags
            try:
                position = tags.index(tag)
            except ValueError:
                if len(tags) > _SCANNED:  # a miss scanned it all: index it for the next reads
                    positions = range(len(tags) - 1, -1, -1)  # the first of a repeated tag wins
                    self._index = dict(zip(tags[::-1], positions, strict=True))
                return default
        values = self._values
        if values is not None:
            return values[position]
        if speedups.span_values is not None:  # a lazy message: all its values at once, in C
            return self._load()[position]
        frame, spans = self._frame, self._spans  # (in pure Python: just this value)
        assert frame is not None and spans is not None
        at = memoryview(spans).cast("I")
        return frame[at[2 * position] : at[2 * position + 1]].decode("ascii")

    def get_all(self, tag: int) -> list[str]:
        """The values of every field with ``tag``, in order (repeating groups repeat tags)."""
        return [value for t, value in zip(self._tags, self._load(), strict=True) if t == tag]

    def get_int(self, tag: int) -> int | None:
        """The first ``tag`` as an integer; None if absent; ValueError if it is not one of at
        most 20 digits (leading zeros aside: every FIX integer here fits in 64 bits)."""
        value = self.get(tag)
        if value is None:
            return None
        digits = value[1:] if value.startswith("-") else value
        significant = digits.lstrip("0")
        if not digits.isascii() or not digits.isdigit() or len(significant) > 20:
            raise ValueError(f"tag {tag} is not a 64-bit integer: {value[:40]!r}")
        number = int(significant or "0")
        return -number if value.startswith("-") else number

    def __getitem__(self, tag: int) -> str:
        index, values = self._index, self._values
        if index is not None and values is not None:  # (a known layout's message: one look-up)
            try:
                return values[index[tag]]
            except (KeyError, TypeError):
                raise KeyError(tag) from None
        value = self.get(tag)
        if value is None:
            raise KeyError(tag)
        return value

    def __contains__(self, tag: object) -> bool:
        index = self._index
        if index is not None:
            try:
                return tag in index
            except TypeError:  # (unhashable: no tag)
                return False
        return tag in self._tags

    def __iter__(self) -> Iterator[tuple[int, str]]:
        return zip(self._tags, self._load(), strict=True)

    def __len__(self) -> int:
        return len(self._tags)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message):
            return NotImplemented
        return (
            self._msg_type == other._msg_type
            and self._tags == other._tags
            and self._load() == other._load()
        )

    def __hash__(self) -> int:
        return hash((self._msg_type, self._tags, self._load()))

    def __repr__(self) -> str:
        """The fields as ``tag=value|…``, RawData(96) (a Logon's signature) shown as ``***``."""
        shown = "|".join(
            f"{tag}=***" if tag == _RAW_DATA else f"{tag}={value}" for tag, value in self
        )
        return f"Message({self._msg_type!r}, {shown!r})"

    # -- writing -------------------------------------------------------------------------

    def replace(self, fields: Iterable[tuple[int, FieldValue]]) -> Message:
        """A copy with each given tag's first value replaced, or the field appended."""
        tags = list(self._tags)
        values = list(self._load())
        for tag, value in fields:
            text = value if type(value) is str else _text(value)
            if not text:
                raise ValueError(f"tag {tag} has an empty value; FIX fields always carry one")
            try:
                values[tags.index(tag)] = text
            except ValueError:
                tags.append(tag)
                values.append(text)
        _layout(self._msg_type, tuple(tags))
        return Message._trusted(self._msg_type, tuple(tags), tuple(values))

    def encode(self, begin_string: bytes = BEGIN_STRING) -> bytes:
        """The message on the wire: ``8=…|9=…|35=…|fields…|10=…|`` with 9 and 10 computed.

        Raises ValueError if a value holds SOH outside RawData(96), which would break framing.
        """
        if speedups.encode_frame is not None:  # ASCII text without SOH, valid tags, in C
            frame = speedups.encode_frame(self._msg_type, self._tags, self._load(), begin_string)
            if frame is not None:
                return frame
        layout = self._layout
        if layout is None:
            layout = self._layout = _layout(self._msg_type, self._tags)  # raises if not valid
        body = (layout % self._load()).encode("utf-8", "surrogateescape")
        if body.count(b"\x01") != len(self._tags) + 1 and _RAW_DATA not in self._tags:
            raise ValueError("a field value contains SOH (\\x01)")
        if begin_string is BEGIN_STRING and len(body) < len(_HEADERS):
            frame = _HEADERS[len(body)] + body
        else:
            frame = b"8=%b\x019=%d\x01" % (begin_string, len(body)) + body
        if len(frame) <= _ADLER_CHUNK:
            return frame + _TRAILERS[((zlib.adler32(frame) & 0xFFFF) - 1) & 0xFF]
        return frame + _TRAILERS[byte_sum(frame) & 0xFF]

    # -- reading from the wire -------------------------------------------------------------

    @classmethod
    def decode(cls, frame: bytes) -> Message:
        """The Message in one complete frame (``8=…`` through ``10=…|``).

        Splits fields only; it checks neither BodyLength nor CheckSum (``framing`` does). A
        RawData(96) that follows RawDataLength(95) is taken by its length, so it may hold SOH.
        Raises ValueError if ``frame`` is not tag=value fields from BeginString to CheckSum.
        """
        msg_type, fields = frame_body(frame)
        if not msg_type or "=" in msg_type:
            return cls._decode_fields(frame)  # which raises, naming the fault
        parts = fields.replace("=", "\x01").split("\x01")  # tag, value, tag, value, …, ""
        if len(parts) != 2 * fields.count("\x01") + 1:  # a value holds '=': field by field
            return cls._decode_fields(frame)
        tag_texts = parts[0:-1:2]
        key = msg_type + "\x01" + "=".join(tag_texts)
        layout = _LAYOUT_TAGS.get(key)
        if layout is None:
            if not all(
                tag.isdigit() and tag.isascii() and len(tag) <= MAX_TAG_DIGITS for tag in tag_texts
            ):
                return cls._decode_fields(frame)  # which raises, naming the bad field
            tags = tuple(map(int, tag_texts))
            layout = (tags, _RAW_DATA_LENGTH in tags)
            _LAYOUT_TAGS.keep(key, layout, msg_type, len(tag_texts))
        if layout[1]:  # RawData is taken by its length, and may hold SOH or '='
            return cls._decode_fields(frame)
        message = cls._trusted(msg_type, layout[0], tuple(parts[1:-1:2]))
        message._key = key
        return message

    @classmethod
    def _decode_fields(cls, frame: bytes) -> Message:
        """Field by field (for RawData and values holding '='); exact, and slower."""
        fields: list[tuple[int, str]] = []
        position = 0
        raw_data_length = -1
        end = len(frame)
        body_end = frame.rfind(b"\x0110=") + 1  # CheckSum's field starts there
        while position < end:
            equals = frame.find(b"=", position)
            if equals < 0:
                raise ValueError(f"field at byte {position} has no '='")
            tag = _tag_number(frame[position:equals])
            if tag == _RAW_DATA and raw_data_length >= 0:
                stop = raw_data_end(frame, equals + 1, raw_data_length, body_end)
            else:
                stop = frame.find(b"\x01", equals + 1)
            if stop < 0:
                raise ValueError("a frame ends with SOH")
            value = frame[equals + 1 : stop]
            raw_data_length = raw_data_length_of(value) if tag == _RAW_DATA_LENGTH else -1
            fields.append((tag, value.decode("utf-8", "surrogateescape")))
            position = stop + 1
        if len(fields) < 4 or [t for t, _ in fields[:3]] != [8, 9, 35] or fields[-1][0] != 10:
            raise ValueError("a frame is 8, 9 and 35, then fields, then 10")
        if not fields[2][1]:
            raise ValueError("MsgType(35) is empty")
        body = fields[3:-1]
        return cls._trusted(fields[2][1], tuple([t for t, _ in body]), tuple([v for _, v in body]))

    # -- simplefix interop ---------------------------------------------------------------

    @classmethod
    def from_simplefix(cls, message: simplefix.FixMessage) -> Message:
        """The Message a ``simplefix.FixMessage`` holds (8, 9 and 10 are dropped)."""
        pairs = [(int(tag), _text(value)) for tag, value in message.pairs]
        msg_type = next((value for tag, value in pairs if tag == 35), None)
        if msg_type is None:
            raise ValueError("the simplefix message has no MsgType(35)")
        return cls(str(msg_type), [(t, v) for t, v in pairs if t not in (8, 9, 10, 35)])

    def to_simplefix(self, begin_string: bytes = BEGIN_STRING) -> simplefix.FixMessage:
        """This message as a ``simplefix.FixMessage`` (it computes 9 and 10 when encoding)."""
        import simplefix

        message = simplefix.FixMessage()
        message.append_pair(8, begin_string, header=True)
        message.append_pair(35, self._msg_type, header=True)
        for tag, value in self:
            message.append_pair(tag, value.encode("utf-8", "surrogateescape"))
        return message


def _read_only_slots() -> None:
    """With the C speedups, ``Message.msg_type`` and ``Message.tags`` are read-only views of
    their slots (``speedups.read_only``): reading one is then a slot read, which the
    interpreter specialises, where a property's read is a Python call (a dozen a round trip).
    Writing one raises AttributeError either way."""
    read_only = speedups.read_only
    if read_only is None:
        return
    for name, slot in (("msg_type", "_msg_type"), ("tags", "_tags")):
        doc = getattr(Message, name).__doc__ or ""
        setattr(Message, name, read_only(Message, slot, name, doc))


_read_only_slots()


class Template:
    """A message layout fixed in advance — MsgType and tags — for building messages fast.

    Every order of one kind has the same layout, so a gateway's hot path can check the tags
    once, here, and build each message from its values alone::

        NEW_ORDER = Template(MsgType.NEW_ORDER_SINGLE, [Tag.CL_ORD_ID, Tag.ORDER_QTY,
                             Tag.ORD_TYPE, Tag.PRICE, Tag.SIDE, Tag.SYMBOL, Tag.TIME_IN_FORCE])
        wire = NEW_ORDER("order-1", Decimal("0.5"), 2, Decimal("64000"), 1, "BTCUSDT", 1).encode()

    Values are given in the order of the tags and normalised as for ``Message``.
    """

    __slots__ = ("_layout", "msg_type", "tags")

    def __init__(self, msg_type: str, tags: Iterable[int]) -> None:
        self.tags: tuple[int, ...] = tuple(tags)
        self._layout = _layout(msg_type, self.tags)
        self.msg_type: str = msg_type if type(msg_type) is str else str(msg_type)

    def __call__(self, *values: FieldValue) -> Message:
        """The Message with these values, one per tag of the template."""
        if len(values) != len(self.tags):
            raise TypeError(f"this template takes {len(self.tags)} values, not {len(values)}")
        message = Message._trusted(self.msg_type, self.tags, _texts(values, self.tags))
        message._layout = self._layout
        return message

    def __repr__(self) -> str:
        return f"Template({self.msg_type!r}, {list(self.tags)!r})"


def encode_fields(msg_type: str, tags: tuple[int, ...], values: tuple[str, ...]) -> bytes:
    """The frame of a message from parts known to be well formed (as ``Message._trusted``
    takes them): ``Message.encode`` without making the Message, as a session sends."""
    encode_frame = speedups.encode_frame
    if encode_frame is not None:
        frame = encode_frame(msg_type, tags, values, BEGIN_STRING)
        if frame is not None:
            return frame
    return Message._trusted(msg_type, tags, values).encode()


def encode_headed(
    msg_type: str,
    head_tags: tuple[int, ...],
    head_values: tuple[str, ...],
    tags: tuple[int, ...],
    values: tuple[str, ...],
    reserved: frozenset[int],
) -> bytes | None:
    """``encode_fields`` of a header's fields then a body's, as a session sends; None if a
    tag of the body is ``reserved`` (the header's: the caller drops them first)."""
    encode_frame = speedups.encode_frame
    if encode_frame is not None:
        frame = encode_frame(msg_type, tags, values, BEGIN_STRING, head_tags, head_values, reserved)
        if frame is not None:
            return frame
    if not reserved.isdisjoint(tags):
        return None
    return encode_fields(msg_type, head_tags + tags, head_values + values)


class Picker:
    """The first values of a few tags, read from a message at once: ``pick(message)`` is
    ``tuple(message.get(tag) for tag in tags)`` (None where a tag is absent), for a path that
    reads the same tags from every message. Their positions are worked out once per layout
    (kept in a ``LayoutCache``), then read with one ``operator.itemgetter``."""

    __slots__ = ("_getters", "tags")

    def __init__(self, *tags: int) -> None:
        if len(tags) < 2:
            raise ValueError("a Picker reads two tags or more (one: Message.get)")
        self.tags = tags
        self._getters: LayoutCache[str, Callable[[tuple[str | None, ...]], tuple[str | None, ...]]]
        self._getters = LayoutCache()

    def __call__(self, message: Message) -> tuple[str | None, ...]:
        key = message._key or message.layout_key  # (the slots first: set once decoded)
        getter = self._getters.get(key)
        if getter is None:
            tags = message.tags
            absent = len(tags)  # the position of the None added after the values
            positions = [tags.index(tag) if tag in tags else absent for tag in self.tags]
            getter = operator.itemgetter(*positions)
            self._getters.keep(key, getter, message.msg_type, absent)
        values = message._values
        return getter((values if values is not None else message._load()) + _ABSENT)


_ABSENT: Final[tuple[None]] = (None,)


# A decoded layout's key ("D=34=49=52=56=11=…") to its tags, so that a frame's tags are
# converted once per layout rather than once per field. Bounded like _LAYOUTS.
_LAYOUT_TAGS: Final[LayoutCache[str, tuple[tuple[int, ...], bool]]] = LayoutCache()
"""Tags, and whether 95 is among them."""


def _tag_number(text: bytes) -> int:
    if not text.isdigit() or len(text) > MAX_TAG_DIGITS:
        raise ValueError(f"tag {text[:20]!r} is not a tag number")
    return int(text)
