"""Typed messages: the base classes and value conversions behind ``fixsession.messages``.

Owns turning a ``Message`` into a typed message and back. Each generated class lists its
fields (tag, attribute, kind, enum, group entry) in ``FIELDS``; this module walks that list
both ways. It knows no particular message (those are generated into ``messages`` from the
dictionary) and does no I/O. Nothing here runs unless a gateway asks for a typed message:
the receive path hands out plain ``Message`` objects.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, Final, Self

from fixsession.message import FieldValue, Message

_RAW_DATA: Final = 96
_DECIMAL: Final = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


class Kind(enum.Enum):
    """How a field's text becomes a Python value: ``INT`` (int, for IDs past 2³² too),
    ``DECIMAL`` (PRICE, QTY, FLOAT: ``Decimal``, its digits kept), ``TIME`` (UTCTIMESTAMP: an
    aware ``datetime`` in UTC; nanoseconds are cut to microseconds), ``BOOL`` (Y/N), ``STR``."""

    INT = "int"
    DECIMAL = "decimal"
    TIME = "time"
    BOOL = "bool"
    STR = "str"


class FixStrEnum(enum.StrEnum):
    """Base of the generated enums of text values. A value the dictionary does not list
    (read with enum validation off) becomes a member of its own, named ``UNLISTED_<value>``,
    equal to its text: reading a message never fails on it, and nothing is lost."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = f"UNLISTED_{value}"
        member._value_ = value
        return member


class FixIntEnum(enum.IntEnum):
    """Base of the generated enums of integer values (``FixStrEnum``'s rule for a value the
    dictionary does not list)."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, int):
            return None
        member = int.__new__(cls, value)
        member._name_ = f"UNLISTED_{value}"
        member._value_ = value
        return member


@dataclass(frozen=True, slots=True)
class Spec:
    """One attribute of a typed message or group entry: the FIX field it holds.

    ``entry`` is set for a repeating group (``tag`` is then its NumInGroup field, and the
    attribute holds a sequence of entries); ``enum`` for a field with enumerated values.
    """

    tag: int
    name: str
    kind: Kind = Kind.STR
    enum: type[enum.Enum] | None = None
    entry: type[Entry] | None = None
    required: bool = False


class Entry:
    """Base of a repeating group's typed entries (generated classes, frozen dataclasses)."""

    __slots__ = ()
    FIELDS: ClassVar[tuple[Spec, ...]] = ()

    def fields(self) -> list[tuple[int, FieldValue]]:
        """This entry's fields in dictionary order, groups flattened (count, then entries)."""
        return list(_pairs(self))

    def __post_init__(self) -> None:
        _freeze(self)

    def __repr__(self) -> str:
        return _repr(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class TypedMessage:
    """Base of the typed messages in ``fixsession.messages``.

    ``extra_fields`` holds what the dictionary does not list for the message (kept, in
    order, so nothing is lost). A typed message read from a ``Message`` remembers it:
    ``to_message()`` of an unchanged one gives that very message back (its field order and
    texts, e.g. nanoseconds, exactly); a copy made with ``dataclasses.replace`` is rebuilt.
    """

    MSG_TYPE: ClassVar[str] = ""
    FIELDS: ClassVar[tuple[Spec, ...]] = ()
    extra_fields: tuple[tuple[int, str], ...] = ()
    _source: Message | None = field(default=None, init=False, repr=False, compare=False)

    def to_message(self) -> Message:
        """The ``Message`` to send (header fields the session writes itself are optional)."""
        if self._source is not None:
            return self._source
        return Message(self.MSG_TYPE, [*_pairs(self), *self.extra_fields])

    @classmethod
    def from_message(cls, message: Message) -> Self:
        """The typed view of ``message``; ``ValueError`` (naming the tag) if its MsgType is
        not this class's, a required field is missing or a value does not fit its type.
        Messages fixsession delivered were validated and always convert."""
        if message.msg_type != cls.MSG_TYPE:
            raise ValueError(f"MsgType {message.msg_type!r} is not {cls.__name__} ({cls.MSG_TYPE})")
        pairs = message.fields
        values, end, extra = _read(cls, pairs, 0, top=True)
        typed = cls(**values, extra_fields=(*extra, *pairs[end:]))
        object.__setattr__(typed, "_source", message)
        return typed

    def __post_init__(self) -> None:
        _freeze(self)

    def __repr__(self) -> str:
        return _repr(self)

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` (attribute names) applied; it is built anew when sent."""
        return dataclasses.replace(self, **changes)


def _freeze(item: TypedMessage | Entry) -> None:
    """Groups given as lists are kept as tuples: equal to a read message, and hashable."""
    for spec in item.FIELDS:
        if spec.entry is not None:
            value = getattr(item, spec.name)
            if value is not None and type(value) is not tuple:
                object.__setattr__(item, spec.name, tuple(value))


def _repr(item: TypedMessage | Entry) -> str:
    """The attributes that are set (RawData(96), a Logon's signature, as ``***``)."""
    shown = [
        f"{spec.name}={'***' if spec.tag == _RAW_DATA else value!r}"
        for spec in item.FIELDS
        if (value := getattr(item, spec.name)) is not None
    ]
    if isinstance(item, TypedMessage) and item.extra_fields:
        shown.append(f"extra_fields={item.extra_fields!r}")
    return f"{type(item).__qualname__}({', '.join(shown)})"


def _pairs(item: TypedMessage | Entry) -> Iterator[tuple[int, FieldValue]]:
    for spec in item.FIELDS:
        value = getattr(item, spec.name)
        if value is None:
            continue
        if spec.entry is None:
            yield spec.tag, value
        else:  # a group: its count (0 too, if it was given), then its entries
            yield spec.tag, len(value)
            for entry in value:
                yield from _pairs(entry)


def _read(
    kind: type[TypedMessage] | type[Entry],
    pairs: Sequence[tuple[int, str]],
    at: int,
    *,
    top: bool = False,
) -> tuple[dict[str, Any], int, list[tuple[int, str]]]:
    """Read ``kind``'s attributes from ``pairs[at:]``; stop at the first tag it does not
    have (or has already, in a group entry). At the top level, unknown tags are kept aside
    and reading goes on. The values, where it stopped, and the tags kept aside."""
    specs = {spec.tag: spec for spec in kind.FIELDS}
    values: dict[str, Any] = {}
    extra: list[tuple[int, str]] = []
    while at < len(pairs):
        tag, text = pairs[at]
        spec = specs.get(tag)
        if spec is None or spec.name in values:  # not this kind's, or again
            if not top:
                break  # the entry ends here
            extra.append((tag, text))
            at += 1
            continue
        at += 1
        if spec.entry is None:
            values[spec.name] = _value(spec, text)
            continue
        count = _int(spec, text)
        entries = []
        for _ in range(count):
            if at >= len(pairs) or pairs[at][0] not in _tags(spec.entry):
                break
            entry_values, at, _ = _read(spec.entry, pairs, at)
            entries.append(spec.entry(**entry_values))
        if len(entries) != count:
            raise ValueError(f"tag {tag} counts {count} entries; {len(entries)} follow")
        values[spec.name] = tuple(entries)
    for spec in kind.FIELDS:
        if spec.required and spec.name not in values:
            raise ValueError(f"{kind.__name__}: required tag {spec.tag} is missing")
    return values, at, extra


def _tags(kind: type[Entry]) -> frozenset[int]:
    return frozenset(spec.tag for spec in kind.FIELDS)


def _value(spec: Spec, text: str) -> object:
    kind = spec.kind
    if spec.enum is not None:  # one the dictionary does not list is kept (FixStrEnum)
        return spec.enum(_int(spec, text) if kind is Kind.INT else text)
    if kind is Kind.STR:
        return text
    if kind is Kind.INT:
        return _int(spec, text)
    if kind is Kind.DECIMAL:
        if _DECIMAL.fullmatch(text) is None:  # FIX's: no exponent, no NaN, no spaces
            raise ValueError(f"tag {spec.tag}: {text[:40]!r} is not a decimal number")
        return Decimal(text)
    if kind is Kind.BOOL:
        if text not in ("Y", "N"):
            raise ValueError(f"tag {spec.tag}: {text[:40]!r} is not Y or N")
        return text == "Y"
    return parse_timestamp(text, spec.tag)


def _int(spec: Spec, text: str) -> int:
    digits = text[1:] if text[:1] == "-" else text
    if not (0 < len(digits) <= 20 and digits.isascii() and digits.isdigit()):
        raise ValueError(f"tag {spec.tag}: {text[:40]!r} is not an integer")
    return int(text)


def parse_timestamp(text: str, tag: int = 52) -> datetime.datetime:
    """A UTCTIMESTAMP (``YYYYMMDD-HH:MM:SS`` with 0, 3, 6 or 9 decimals) as an aware UTC
    ``datetime``; nanoseconds are cut to microseconds. ``ValueError`` if it is not one."""
    digits = text[18:]
    if (
        len(text) < 17
        or text[8] != "-"
        or text[11] != ":"
        or text[14] != ":"
        or (len(text) > 17 and (text[17] != "." or len(digits) not in (3, 6, 9)))
        or not (text[:8] + text[9:11] + text[12:14] + text[15:17] + digits).isdigit()
        or not text.isascii()
    ):
        raise ValueError(f"tag {tag}: {text[:40]!r} is not a UTCTIMESTAMP")
    try:
        return datetime.datetime(
            int(text[:4]), int(text[4:6]), int(text[6:8]), int(text[9:11]), int(text[12:14]),
            int(text[15:17]), int((digits + "000000")[:6]), tzinfo=datetime.UTC,
        )  # fmt: skip
    except ValueError:
        raise ValueError(f"tag {tag}: {text[:40]!r} is not a UTCTIMESTAMP") from None
