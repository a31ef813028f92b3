"""FIX SBE, Binance's binary FIX: messages to and from bytes, and framing a byte stream.

Owns the SBE wire format for the layouts in ``sbe_schema`` (generated from Binance's schema
by ``tools.sbegen``): the 6-byte SOFH (messageLength counting itself, encodingType 0xEB50),
the 20-byte message header (blockLength, templateId, schemaId, version, seqNum,
sendingTime), each message's fixed block, its repeating groups and its var data, all
little-endian; ``nullValue`` for absent optional fields; decimals as a mantissa with the
exponent field the schema names. A message of a newer schema version is read by its
blockLength (fields added at the end are skipped), an older one without the fields its
version lacks. ``SbeFramer`` frames a stream as ``framing.Framer`` frames FIX, and reports
Binance's SBE faults as typed errors: -1177 "Invalid encodingType.", -1152 "Invalid SBE
message header.", -1153 "Invalid SBE schema ID or version specified.", -1221 "Invalid/missing
field(s) in SBE message.". No I/O, no clock; sessions over SBE are not here yet.
"""

from __future__ import annotations

import contextlib
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, NamedTuple

from fixsession import errors, speedups
from fixsession.errors import BinanceError

SOFH: Final = struct.Struct("<IH")  # messageLength, encodingType
HEADER: Final = struct.Struct("<HHHHIq")  # blockLength, templateId, schemaId, version, ...
ENCODING_TYPE: Final = 0xEB50  # little-endian SBE, the only one Binance takes
PREFIX: Final = SOFH.size + HEADER.size  # 26 bytes before a message's block
DEFAULT_MAX_MESSAGE_SIZE: Final = 1 << 20

_FORMATS: Final = {
    "char": "c", "int8": "b", "uint8": "B", "int16": "h", "uint16": "H", "int32": "i",
    "uint32": "I", "int64": "q", "uint64": "Q",
}  # fmt: skip
_STRUCTS: Final = {name: struct.Struct("<" + code) for name, code in _FORMATS.items()}
"""Each primitive type's little-endian Struct (compiled once, not per field)."""
NULLS: Final[dict[str, int | bytes]] = {
    "char": b"\x00", "int8": -(1 << 7), "uint8": (1 << 8) - 1, "int16": -(1 << 15),
    "uint16": (1 << 16) - 1, "int32": -(1 << 31), "uint32": (1 << 32) - 1, "int64": -(1 << 63),
    "uint64": (1 << 64) - 1,
}  # fmt: skip
"""Each primitive type's ``nullValue`` (the SBE specification's defaults)."""


@dataclass(frozen=True)
class SbeEnum:
    """An enum of the schema: its encoding type and its values (wire value to name)."""

    name: str
    encoding: str
    values: Mapping[int | str, str]


@dataclass(frozen=True)
class SbeField:
    """A fixed-size field of a block, at ``offset``. ``exponent`` names the field holding a
    decimal mantissa's exponent; ``enum`` the enum its value is one of."""

    name: str
    id: int
    primitive: str
    offset: int
    optional: bool = False
    enum: str | None = None
    exponent: str | None = None
    since_version: int = 0

    @property
    def size(self) -> int:
        """Bytes the field takes in its block."""
        return _STRUCTS[self.primitive].size


@dataclass(frozen=True)
class SbeData:
    """A variable-length field: a length (``length_primitive``), then UTF-8 bytes. An
    optional one is null when empty."""

    name: str
    id: int
    length_primitive: str
    optional: bool = False


@dataclass(frozen=True)
class SbeGroup:
    """A repeating group: its dimensions (``block_primitive`` blockLength, ``count_primitive``
    numInGroup), then each entry's block, nested groups and var data."""

    name: str
    id: int
    block_primitive: str
    count_primitive: str
    block_length: int
    fields: tuple[SbeField, ...]
    groups: tuple[SbeGroup, ...] = ()
    data: tuple[SbeData, ...] = ()


@dataclass(frozen=True)
class SbeMessageDef:
    """A message of the schema: template ID, the FIX MsgType it stands for, its layout."""

    name: str
    template_id: int
    msg_type: str
    block_length: int
    fields: tuple[SbeField, ...]
    groups: tuple[SbeGroup, ...] = ()
    data: tuple[SbeData, ...] = ()


@dataclass(frozen=True, slots=True)
class SbeMessage:
    """A decoded message: its header and its values by field name (absent: null). Decimals
    are ``Decimal``; enums their value's name (the raw value if the schema has none);
    timestamps microseconds since the epoch; groups lists of such dicts; var data ``str``."""

    name: str
    template_id: int
    seq_num: int
    sending_time_us: int
    values: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    length: int = 0
    """The frame's bytes, SOFH included (0 for a message not read from bytes)."""

    def __repr__(self) -> str:
        shown = {k: ("***" if k == "RawData" else v) for k, v in self.values.items()}
        return f"SbeMessage({self.name!r}, seq {self.seq_num}, {shown!r})"


# -- decoding -------------------------------------------------------------------------------------


_PLAIN, _CHAR, _ENUM, _DECIMAL = range(4)


@dataclass(frozen=True)
class _Plan:
    """A block's fields read in one ``unpack_from``: when the block holds all of them (the
    common case, the schema's own version), instead of field by field."""

    layout: struct.Struct
    since_version: int  # the newest field's version: an older message's block lacks it
    names: tuple[str, ...]
    steps: tuple[tuple[str, bool, Any, int, Any], ...]  # name, optional, null, kind, detail


_PLANS: dict[int, tuple[tuple[SbeField, ...], _Plan]] = {}


def _plan(fields: tuple[SbeField, ...]) -> _Plan:
    """The plan for a block's fields (made once per tuple of fields)."""
    found = _PLANS.get(id(fields))
    if found is not None and found[0] is fields:
        return found[1]
    code, at, steps = "<", 0, []
    for spec in sorted(fields, key=lambda f: f.offset):
        if spec.offset < at:  # overlapping fields: no single layout (read field by field)
            code = ""
            break
        code += "x" * (spec.offset - at) + _FORMATS[spec.primitive]
        at = spec.offset + spec.size
    ordered = sorted(fields, key=lambda f: f.offset)
    for spec in ordered:
        if spec.exponent is not None:
            kind, detail = _DECIMAL, spec.exponent
        elif spec.enum is not None:
            kind, detail = _ENUM, spec.enum
        elif spec.primitive == "char":
            kind, detail = _CHAR, None
        else:
            kind, detail = _PLAIN, None
        steps.append((spec.name, spec.optional, NULLS[spec.primitive], kind, detail))
    plan = _Plan(
        struct.Struct(code or "<"), max((f.since_version for f in fields), default=0),
        tuple(spec.name for spec in ordered) if code else (), tuple(steps) if code else (),
    )  # fmt: skip
    _PLANS[id(fields)] = (fields, plan)
    return plan


_PRIMITIVES: Final = (
    "char", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
)  # fmt: skip
"""The primitive types, numbered as the C speedups number them."""

_STEP: Final = struct.Struct("<HBBBBxx")
"""A field of a block program: offset, primitive, optional, kind, whether it is an exponent."""


class _Programs(NamedTuple):
    """The schema's messages as the C speedups read them (``sbe_frames``: name and program by
    template ID) and write them (``sbe_encode``: template ID and program by name). A
    program: the root block's, its groups', its var data's, its field names, its exponent
    fields."""

    schema_id: int
    version: int
    read: dict[int, tuple[str, tuple[Any, ...]]]
    write: dict[str, tuple[int, tuple[Any, ...]]]


_PROGRAMS: list[_Programs] = []


def _programs() -> _Programs:
    """The programs of ``sbe_schema`` (made once)."""
    if _PROGRAMS:
        return _PROGRAMS[0]
    from fixsession import sbe_schema

    programs = _Programs(sbe_schema.SCHEMA_ID, sbe_schema.SCHEMA_VERSION, {}, {})
    for template_id, definition in sbe_schema.MESSAGES.items():
        every = _all_fields(definition.fields, definition.groups)
        exponents = frozenset(spec.exponent for spec in every if spec.exponent is not None)
        program = (
            _block_program(definition.fields, sbe_schema.ENUMS, exponents),
            _group_programs(definition.groups, sbe_schema.ENUMS, exponents),
            _data_program(definition.data),
            _names(definition.fields, definition.groups, definition.data),
            tuple(sorted(_exponent_names(definition.fields, definition.groups))),
        )
        programs.read[template_id] = (definition.name, program)
        programs.write[definition.name] = (template_id, program)
    _PROGRAMS.append(programs)
    return programs


def _block_program(
    fields: tuple[SbeField, ...], enums: Mapping[str, SbeEnum], exponents: frozenset[str]
) -> tuple[Any, ...] | None:
    """A block's program: its size, its newest field's version, its fields in offset order
    (each packed as ``_STEP``), their names, what reading each needs (its enum's names by
    wire value, or its exponent's name), what writing it needs (its enum's wire values by
    name, or its exponent's name), the block with every optional field null, and each
    field's place by name; None for overlapping fields or an enum whose encoding is not its
    field's (Python reads and writes those)."""
    plan = _plan(fields)
    ordered = sorted(fields, key=lambda f: f.offset)  # (as the plan's steps are)
    if not plan.names or any(
        spec.enum is not None
        and (enums[spec.enum].encoding == "char") != (spec.primitive == "char")
        for spec in ordered
    ):
        return None
    steps, readers, writers = bytearray(), [], []
    nulls = bytearray(plan.layout.size)
    for spec, (_, optional, null, kind, detail) in zip(ordered, plan.steps, strict=True):
        steps += _STEP.pack(spec.offset, _PRIMITIVES.index(spec.primitive), optional, kind,
                            spec.name in exponents)  # fmt: skip
        readers.append(dict(enums[detail].values) if kind == _ENUM else detail)
        writers.append(_by_name(enums[detail]) if kind == _ENUM else detail)
        if optional:
            _STRUCTS[spec.primitive].pack_into(nulls, spec.offset, null)
    index = {name: k for k, name in enumerate(plan.names)}
    return (plan.layout.size, plan.since_version, bytes(steps), plan.names, tuple(readers),
            tuple(writers), bytes(nulls), index)  # fmt: skip


def _group_programs(
    groups: tuple[SbeGroup, ...], enums: Mapping[str, SbeEnum], exponents: frozenset[str]
) -> tuple[Any, ...]:
    """Each group's program: its name, its dimensions' primitives, its block's, its groups',
    its var data's, its names, its fields' names, its exponent fields, its blockLength."""
    return tuple(
        (group.name, _PRIMITIVES.index(group.block_primitive),
         _PRIMITIVES.index(group.count_primitive), _block_program(group.fields, enums, exponents),
         _group_programs(group.groups, enums, exponents), _data_program(group.data),
         _names(group.fields, group.groups, group.data),
         frozenset(spec.name for spec in group.fields),
         tuple(sorted(_exponent_names(group.fields, group.groups))), group.block_length)
        for group in groups
    )  # fmt: skip


def _data_program(data: tuple[SbeData, ...]) -> tuple[Any, ...]:
    return tuple((d.name, _PRIMITIVES.index(d.length_primitive), int(d.optional)) for d in data)


class _Reader:
    """Reads one message's bytes; every overrun or bad value is -1221."""

    def __init__(self, data: bytes, enums: Mapping[str, SbeEnum]) -> None:
        self.data = memoryview(data)
        self.enums = enums

    def fail(self, what: str) -> BinanceError:
        error = errors.InvalidSbeMessageField.from_template()
        error.add_note(what)
        return error

    def block(
        self,
        fields: tuple[SbeField, ...],
        start: int,
        length: int,
        version: int,
        scope: dict[str, Any],
    ) -> dict[str, Any]:
        """The values of a block; ``scope`` gets its raw values (an exponent field of a
        message applies to the decimals of its groups' entries too)."""
        if start + length > len(self.data):
            raise self.fail(f"a block of {length} bytes at {start} runs past the message")
        plan = _plan(fields)
        if plan.names and plan.layout.size <= length and plan.since_version <= version:
            return self._planned(plan, start, scope)
        values: dict[str, Any] = {}
        raw = scope
        for spec in fields:
            if spec.since_version > version:
                continue  # not in this version's block: null
            if spec.offset + spec.size > length:
                if spec.optional:
                    continue
                raise self.fail(f"{spec.name} is missing: the block is {length} bytes")
            (value,) = _STRUCTS[spec.primitive].unpack_from(self.data, start + spec.offset)
            raw[spec.name] = value
            if spec.optional and value == NULLS[spec.primitive]:
                continue  # (a required field has no null: its every value is one)
            values[spec.name] = value
        for spec in fields:
            value = values.get(spec.name)
            if value is None:
                continue
            if spec.exponent is not None:
                exponent = raw.get(spec.exponent)
                if exponent is None or exponent == NULLS["int8"]:
                    raise self.fail(f"{spec.name} has no exponent ({spec.exponent})")
                values[spec.name] = Decimal(f"{value}E{exponent}")  # (exact: no context)
            elif spec.enum is not None:
                enum = self.enums[spec.enum]
                key = value.decode("latin-1") if isinstance(value, bytes) else value
                values[spec.name] = enum.values.get(key, key)
            elif spec.primitive == "char":
                values[spec.name] = value.decode("latin-1")
        return values

    def _planned(self, plan: _Plan, start: int, raw: dict[str, Any]) -> dict[str, Any]:
        """``block`` for a block that holds every field of its plan."""
        unpacked = plan.layout.unpack_from(self.data, start)
        raw.update(zip(plan.names, unpacked, strict=True))
        values: dict[str, Any] = {}
        for (name, optional, null, kind, detail), value in zip(plan.steps, unpacked, strict=True):
            if optional and value == null:
                continue
            if kind == _PLAIN:
                values[name] = value
            elif kind == _DECIMAL:
                exponent = raw.get(detail)
                if exponent is None or exponent == -128:
                    raise self.fail(f"{name} has no exponent ({detail})")
                values[name] = Decimal(f"{value}E{exponent}")
            elif kind == _ENUM:
                key = value.decode("latin-1") if isinstance(value, bytes) else value
                values[name] = self.enums[detail].values.get(key, key)
            else:
                values[name] = value.decode("latin-1")
        return values

    def number(self, primitive: str, at: int) -> tuple[int, int]:
        layout = _STRUCTS[primitive]
        if at + layout.size > len(self.data):
            raise self.fail(f"a {primitive} at {at} runs past the message")
        (value,) = layout.unpack_from(self.data, at)
        return value, at + layout.size

    def var_data(self, specs: tuple[SbeData, ...], at: int, values: dict[str, Any]) -> int:
        for spec in specs:
            length, at = self.number(spec.length_primitive, at)
            if at + length > len(self.data):
                raise self.fail(f"{spec.name}: {length} bytes run past the message")
            try:
                text = bytes(self.data[at : at + length]).decode("utf-8")
            except UnicodeDecodeError:
                raise self.fail(f"{spec.name} is not UTF-8") from None
            at += length
            if text:
                values[spec.name] = text
            elif not spec.optional:
                raise self.fail(f"{spec.name} is required, and empty")
        return at

    def groups(
        self,
        specs: tuple[SbeGroup, ...],
        at: int,
        values: dict[str, Any],
        version: int,
        scope: dict[str, Any],
    ) -> int:
        for spec in specs:
            block_length, at = self.number(spec.block_primitive, at)
            count, at = self.number(spec.count_primitive, at)
            if count * block_length > len(self.data) - at:
                raise self.fail(f"{spec.name}: {count} entries of {block_length} bytes do not fit")
            entries = []
            for _ in range(count):
                inner = dict(scope)
                entry = self.block(spec.fields, at, block_length, version, inner)
                at = self.groups(spec.groups, at + block_length, entry, version, inner)
                at = self.var_data(spec.data, at, entry)
                entries.append(entry)
            values[spec.name] = entries
        return at


def decode(
    data: bytes,
    messages: Mapping[int, SbeMessageDef] | None = None,
    enums: Mapping[str, SbeEnum] | None = None,
    *,
    schema_id: int | None = None,
    versions: range | None = None,
) -> SbeMessage:
    """The message in ``data`` (one whole frame, SOFH included); the typed error Binance
    answers with if it is not one: ``GarbledMessage`` (-1177 "Invalid encodingType."),
    ``InvalidSbeHeader`` (-1152: too short, a length that does not match, an unknown
    template), ``UnsupportedSchemaId`` (-1153: another schema, or a version outside
    ``versions``, default any), ``InvalidSbeMessageField`` (-1221: a field that runs past
    the message, a required one null, var data that is not UTF-8)."""
    frames = speedups.sbe_frames
    default = messages is None and enums is None and schema_id is None and versions is None
    if frames is not None and default:  # the common case, in C (else: below, with its error)
        out: list[SbeMessage] = []
        programs = _programs()
        read = frames(data, 0, len(data), programs.schema_id, programs.read, Decimal,
                      SbeMessage, out)  # fmt: skip
        if read == len(data) and len(out) == 1:
            return out[0]
    return _decode(data, messages, enums, schema_id=schema_id, versions=versions)


def _decode(
    data: bytes,
    messages: Mapping[int, SbeMessageDef] | None = None,
    enums: Mapping[str, SbeEnum] | None = None,
    *,
    schema_id: int | None = None,
    versions: range | None = None,
) -> SbeMessage:
    """``decode`` in Python: the reference, and the reader of a frame the C speedups left
    (the framer calls it once ``sbe_frames`` has; ``decode`` would try C again)."""
    from fixsession import sbe_schema

    messages = sbe_schema.MESSAGES if messages is None else messages
    enums = sbe_schema.ENUMS if enums is None else enums
    schema_id = sbe_schema.SCHEMA_ID if schema_id is None else schema_id
    if len(data) < SOFH.size:
        raise errors.InvalidSbeHeader.from_template(template=1)
    length, encoding = SOFH.unpack_from(data)
    if encoding != ENCODING_TYPE:
        raise errors.GarbledMessage.from_template(template=6)
    if length != len(data) or length < PREFIX:
        raise errors.InvalidSbeHeader.from_template(template=1)
    block_length, template_id, schema, version, seq_num, sending_time = HEADER.unpack_from(
        data, SOFH.size
    )
    if schema != schema_id or (versions is not None and version not in versions):
        raise errors.UnsupportedSchemaId.from_template(template=1)
    definition = messages.get(template_id)
    if definition is None:
        raise errors.InvalidSbeHeader.from_template(template=1)
    reader = _Reader(data, enums)
    scope: dict[str, Any] = {}
    values = reader.block(definition.fields, PREFIX, block_length, version, scope)
    at = reader.groups(definition.groups, PREFIX + block_length, values, version, scope)
    at = reader.var_data(definition.data, at, values)
    if at != len(data):
        raise reader.fail(f"{len(data) - at} bytes after the last field")
    return SbeMessage(
        definition.name, template_id, seq_num, sending_time, values, version, len(data)
    )


# -- encoding -------------------------------------------------------------------------------------


def encode(
    name: str,
    values: Mapping[str, Any],
    seq_num: int,
    sending_time_us: int,
    *,
    messages: Mapping[int, SbeMessageDef] | None = None,
    enums: Mapping[str, SbeEnum] | None = None,
    version: int | None = None,
) -> bytes:
    """The frame of message ``name`` with ``values`` (as ``SbeMessage.values`` holds them;
    an exponent field left out is the one that represents its decimals exactly), in schema
    ``version`` (default the schema's: an older one leaves out the fields it lacks). A
    missing required field, an unknown name, a value that does not fit: ``ValueError``."""
    fast = speedups.sbe_encode
    if fast is not None and messages is None and enums is None:  # the common case, in C
        programs = _PROGRAMS[0] if _PROGRAMS else _programs()
        found = programs.write.get(name)
        if found is not None and version in (None, programs.version):
            frame = fast(found[1], values, found[0], programs.schema_id, programs.version,
                         seq_num, sending_time_us, Decimal)  # fmt: skip
            if frame is not None:
                return frame  # (else: below, with its error)
    from fixsession import sbe_schema

    messages = sbe_schema.MESSAGES if messages is None else messages
    enums = sbe_schema.ENUMS if enums is None else enums
    table = (
        sbe_schema.BY_NAME
        if messages is sbe_schema.MESSAGES
        else {definition.name: definition for definition in messages.values()}
    )
    schema = table.get(name)
    if schema is None:
        raise ValueError(f"no SBE message {name!r}")
    unknown = values.keys() - _names(schema.fields, schema.groups, schema.data)
    if unknown:
        raise ValueError(f"{name} has no field {sorted(unknown)[0]!r}")
    version = sbe_schema.SCHEMA_VERSION if version is None else version
    body = bytearray()
    scope = _exponents(schema.fields, schema.groups, values, {})
    block = _block(schema.fields, values, enums, name, version, scope)
    body += block
    _groups(body, schema.groups, values, enums, version, scope)
    _data(body, schema.data, values, name)
    length = PREFIX + len(body)
    header = HEADER.pack(
        len(block), schema.template_id, sbe_schema.SCHEMA_ID, version, seq_num, sending_time_us
    )
    return SOFH.pack(length, ENCODING_TYPE) + header + bytes(body)


def _names(
    fields: tuple[SbeField, ...], groups: tuple[SbeGroup, ...], data: tuple[SbeData, ...]
) -> frozenset[str]:
    key = (id(fields), id(groups), id(data))
    found = _NAMES.get(key)
    if found is None or found[0] is not fields:
        names = {f.name for f in fields} | {g.name for g in groups} | {d.name for d in data}
        found = _NAMES[key] = (fields, frozenset(names))
    return found[1]


_NAMES: dict[tuple[int, int, int], tuple[tuple[SbeField, ...], frozenset[str]]] = {}


def _block(
    fields: tuple[SbeField, ...],
    values: Mapping[str, Any],
    enums: Mapping[str, SbeEnum],
    where: str,
    version: int,
    exponents: dict[str, int],
) -> bytes:
    """A block with the fields of schema ``version`` (those added later are at its end);
    ``exponents``: the value of each exponent field in scope."""
    writer = _writer(fields, version)
    if writer.absent and any(values.get(name) is not None for name in writer.absent):
        raise ValueError(f"{where}: {sorted(writer.absent)[0]} is not in schema version {version}")
    raws: list[Any] = []
    for spec in writer.present:
        value = values.get(spec.name)
        if spec.exponent is None and spec.name in exponents:
            value = exponents[spec.name]
        if value is None:
            if not spec.optional:
                raise ValueError(f"{where}: {spec.name} is required")
            raw: Any = NULLS[spec.primitive]
        elif spec.exponent is not None:
            raw = _mantissa(Decimal(value), exponents[spec.exponent], f"{where}.{spec.name}")
        elif spec.enum is not None:
            raw = _enum_value(enums[spec.enum], value, f"{where}.{spec.name}")
        elif spec.primitive == "char":
            raw = str(value).encode("latin-1")
        else:
            raw = int(value)
        raws.append(raw)
    if writer.layout is not None:
        with contextlib.suppress(struct.error):  # (a value that does not fit: named below)
            return writer.layout.pack(*raws)
    block = bytearray(writer.size)
    for spec, raw in zip(writer.present, raws, strict=True):
        try:
            _STRUCTS[spec.primitive].pack_into(block, spec.offset, raw)
        except struct.error as error:
            value = values.get(spec.name)
            if spec.exponent is None and spec.name in exponents:  # (one worked out, maybe)
                value = exponents[spec.name]
            raise ValueError(f"{where}.{spec.name}: {value!r} does not fit: {error}") from None
    return bytes(block)


@dataclass(frozen=True)
class _Writer:
    """How a block is written in one schema version: its fields by offset, those the version
    lacks, its size, and (fields that do not overlap) one Struct for all of them."""

    present: tuple[SbeField, ...]
    absent: frozenset[str]
    size: int
    layout: struct.Struct | None


_WRITERS: dict[tuple[int, int], tuple[tuple[SbeField, ...], _Writer]] = {}


def _writer(fields: tuple[SbeField, ...], version: int) -> _Writer:
    found = _WRITERS.get((id(fields), version))
    if found is not None and found[0] is fields:
        return found[1]
    present = tuple(
        sorted((f for f in fields if f.since_version <= version), key=lambda f: f.offset)
    )
    absent = frozenset(f.name for f in fields if f.since_version > version)
    size = max((spec.offset + spec.size for spec in present), default=0)
    code, at = "<", 0
    for spec in present:
        if spec.offset < at:
            code = ""
            break
        code += "x" * (spec.offset - at) + _FORMATS[spec.primitive]
        at = spec.offset + spec.size
    layout = struct.Struct(code + "x" * (size - at)) if code else None
    writer = _Writer(present, absent, size, layout)
    _WRITERS[(id(fields), version)] = (fields, writer)
    return writer


def _exponents(
    fields: tuple[SbeField, ...],
    groups: tuple[SbeGroup, ...],
    values: Mapping[str, Any],
    scope: dict[str, int],
) -> dict[str, int]:
    """``scope`` and the exponent fields of this block: as given, or the one that writes
    every decimal it scales exactly (here and in the groups below that do not have their
    own), the most negative of their exponents and at most 0."""
    out = dict(scope)
    for name in _exponent_names(fields, groups):
        given = values.get(name)
        if given is not None:
            out[name] = int(given)
            continue
        exponent = 0
        for value in _scaled(fields, groups, values, name):
            found = significant(Decimal(value))
            if found is not None:  # (NaN and the infinities: _mantissa says so)
                exponent = min(exponent, found[2])
        out[name] = exponent
    return out


def _exponent_names(fields: tuple[SbeField, ...], groups: tuple[SbeGroup, ...]) -> frozenset[str]:
    """The exponent fields of this block that scale decimals here or below."""
    found = _EXPONENT_NAMES.get((id(fields), id(groups)))
    if found is None or found[0] is not fields:
        names = {spec.name for spec in fields}
        used = {spec.exponent for spec in _all_fields(fields, groups) if spec.exponent}
        found = _EXPONENT_NAMES[(id(fields), id(groups))] = (fields, frozenset(used & names))
    return found[1]


_EXPONENT_NAMES: dict[tuple[int, int], tuple[tuple[SbeField, ...], frozenset[str]]] = {}


def _all_fields(fields: tuple[SbeField, ...], groups: tuple[SbeGroup, ...]) -> Iterator[SbeField]:
    yield from fields
    for group in groups:
        yield from _all_fields(group.fields, group.groups)


def _scaled(
    fields: tuple[SbeField, ...], groups: tuple[SbeGroup, ...], values: Mapping[str, Any], name: str
) -> Iterator[Any]:
    """The decimals the exponent field ``name`` scales, here and below."""
    for spec in fields:
        if spec.exponent == name and values.get(spec.name) is not None:
            yield values[spec.name]
    for group in groups:
        if any(spec.name == name for spec in group.fields):
            continue  # the entries have their own
        for entry in values.get(group.name) or ():
            yield from _scaled(group.fields, group.groups, entry, name)


_MAX_DIGITS: Final = 20
"""Digits of the largest mantissa (a uint64's): one of more fits no field."""


def significant(value: Decimal) -> tuple[int, tuple[int, ...], int] | None:
    """``value`` exactly, whatever the decimal context: its sign, its significant digits (no
    trailing zeros; none for 0) and the exponent of the last one (0 for 0: minus it is the
    decimal places the value needs); None for NaN and the infinities."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        return None
    end = len(digits)
    while end and digits[end - 1] == 0:
        end -= 1
    if not end:
        return sign, (), 0
    return sign, digits[:end], exponent + len(digits) - end


def _mantissa(value: Decimal, exponent: int, where: str) -> int:
    """``value``'s mantissa for ``exponent``, exactly (whatever the decimal context); a
    ValueError for NaN or an infinity, for more decimals than ``exponent`` keeps, and for
    more digits than any field holds (found before they are made: ``1E-999999`` costs
    nothing)."""
    found = significant(value)
    if found is None:
        raise ValueError(f"{where}: {value} is not a number")
    sign, digits, places = found
    if not digits:
        return 0
    if places < exponent:
        raise ValueError(f"{where}: {value} needs more decimals than exponent {exponent}")
    if len(digits) + places - exponent > _MAX_DIGITS:
        raise ValueError(f"{where}: {value} does not fit with exponent {exponent}")
    magnitude = int("".join(map(str, digits)) + "0" * (places - exponent))
    return -magnitude if sign else magnitude


def _enum_value(enum: SbeEnum, value: Any, where: str) -> Any:
    by_name = _by_name(enum)
    raw = by_name.get(value, value)
    if enum.encoding == "char":
        if not isinstance(raw, str) or len(raw) != 1:
            raise ValueError(f"{where}: {value!r} is not one of {sorted(by_name)}")
        return raw.encode("latin-1")
    if not isinstance(raw, int):
        raise ValueError(f"{where}: {value!r} is not one of {sorted(by_name)}")
    return raw


def _by_name(enum: SbeEnum) -> dict[str, int | str]:
    found = _BY_NAME.get(id(enum))
    if found is None or found[0] is not enum:
        found = _BY_NAME[id(enum)] = (enum, {name: raw for raw, name in enum.values.items()})
    return found[1]


_BY_NAME: dict[int, tuple[SbeEnum, dict[str, int | str]]] = {}


def _groups(
    body: bytearray,
    specs: tuple[SbeGroup, ...],
    values: Mapping[str, Any],
    enums: Mapping[str, SbeEnum],
    version: int,
    scope: dict[str, int],
) -> None:
    for spec in specs:
        entries = values.get(spec.name) or []
        blocks, scopes = [], []
        for entry in entries:
            unknown = entry.keys() - _names(spec.fields, spec.groups, spec.data)
            if unknown:
                raise ValueError(f"{spec.name} has no field {sorted(unknown)[0]!r}")
            inner = _exponents(spec.fields, spec.groups, entry, scope)
            blocks.append(_block(spec.fields, entry, enums, spec.name, version, inner))
            scopes.append(inner)
        block_length = len(blocks[0]) if blocks else spec.block_length
        try:
            body += _STRUCTS[spec.block_primitive].pack(block_length)
            body += _STRUCTS[spec.count_primitive].pack(len(entries))
        except struct.error:
            raise ValueError(f"{spec.name}: {len(entries)} entries are too many") from None
        for entry, block, inner in zip(entries, blocks, scopes, strict=True):
            body += block
            _groups(body, spec.groups, entry, enums, version, inner)
            _data(body, spec.data, entry, spec.name)


def _data(
    body: bytearray, specs: tuple[SbeData, ...], values: Mapping[str, Any], where: str
) -> None:
    for spec in specs:
        value = values.get(spec.name)
        if value is None and not spec.optional:
            raise ValueError(f"{where}: {spec.name} is required")
        encoded = (value or "").encode("utf-8")
        try:
            body += _STRUCTS[spec.length_primitive].pack(len(encoded))
        except struct.error:
            raise ValueError(f"{where}.{spec.name}: {len(encoded)} bytes are too long") from None
        body += encoded


# -- framing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SbeGarbled:
    """Bytes that are not an SBE message: how many, and Binance's error for them."""

    length: int
    error: BinanceError


SbeItem = SbeMessage | SbeGarbled


class SbeFramer:
    """Frames a byte stream of SBE messages, fed in any chunks: each whole message decoded,
    or an ``SbeGarbled`` with its error. ``max_message_size`` bounds the buffer: a
    messageLength above it (or below the 26 bytes of SOFH and header) is garbled at once,
    before its bytes are waited for, and nothing is allocated for it.

    Resynchronisation: SBE has no frame delimiter to look for, so after a SOFH whose
    encodingType or messageLength is wrong nothing that follows can be trusted; the framer
    reports the fault once (as a garbled item of the SOFH's 6 bytes), discards everything
    buffered and everything fed later, and says so in ``broken`` (a session then closes the
    connection, as Binance does). A message whose SOFH is right but whose content is not
    (header, schema, a field) is reported and skipped by its messageLength: the stream stays
    in step.
    """

    def __init__(self, *, max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE, **options: Any) -> None:
        if max_message_size < PREFIX:
            raise ValueError(f"max_message_size must be at least {PREFIX} bytes")
        self.max_message_size = max_message_size
        self.options = options
        self.broken: BinanceError | None = None
        self._buffer = bytearray()

    @property
    def buffered(self) -> int:
        """Bytes held while waiting for the rest of a message."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[SbeItem]:
        """The messages (and faults) ``data`` completes."""
        if self.broken is not None:
            return []
        self._buffer += data
        out: list[SbeItem] = []
        self._take(out)
        return out

    def _take(self, out: list[SbeItem]) -> None:
        buffer = self._buffer
        at = 0
        frames = speedups.sbe_frames if not self.options else None
        programs = _programs()
        while len(buffer) - at >= SOFH.size:
            if frames is not None:  # the common case, in C: up to a frame it leaves to Python
                at = frames(buffer, at, self.max_message_size, programs.schema_id,
                            programs.read, Decimal, SbeMessage, out)  # fmt: skip
                if len(buffer) - at < SOFH.size:
                    break
            length, encoding = SOFH.unpack_from(buffer, at)
            if encoding != ENCODING_TYPE or not PREFIX <= length <= self.max_message_size:
                error = (
                    errors.GarbledMessage.from_template(template=6)
                    if encoding != ENCODING_TYPE
                    else errors.InvalidSbeHeader.from_template(template=1)
                )
                self.broken = error
                out.append(SbeGarbled(SOFH.size, error))  # the SOFH judged; the rest is dropped
                buffer.clear()
                return
            if len(buffer) - at < length:
                break
            frame = bytes(buffer[at : at + length])
            at += length
            try:
                out.append(_decode(frame, **self.options))
            except BinanceError as error:
                out.append(SbeGarbled(length, error))
        del buffer[:at]
