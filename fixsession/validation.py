"""Dictionary rules on an intact message: Binance's verdict before it sends, and on receipt.

Owns the checks a dictionary implies for a decoded ``Message``: tag numbers the dictionary
does not know (INVALID_TAG_NUMBER -1169), tags not defined for the message (-1170), repeated
tags (-1171), tags out of order (-1172: header after body, a trailer or header-only tag in
the body, RawData not right after RawDataLength), repeating groups (-1173 an entry not
starting with its delimiter or a member outside its group, -1188 a count that is not the
number of entries, -1189 duplicate entries), components populated wrongly for the order type
(-1174), required tags (-1102 "Required tag '%s' missing."), and values that do not fit their
type, range or enum. Each fault is the catalog's typed error with Binance's text,
SessionRejectReason(373) and RefTagID(371). It never touches bytes or sessions.

Which fault is reported first: the structure in wire order (-1169, -1172, -1170, -1171,
-1173, and -1188 for a number of entries out of a group's bounds), then required tags, then
NumInGroup counts that are not the number of entries, then values in wire order, then
duplicate group entries, then component rules. Structure depends only on the message's layout (its
MsgType and sequence of tags), so it is worked out once per layout and cached.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from fixsession import errors, speedups
from fixsession.dictionary import BINANCE, Dictionary, Field, FieldType, Group, Member
from fixsession.errors import RequestError
from fixsession.message import LayoutCache, Message, frame_body
from fixsession.spec import MsgType, Tag
from fixsession.spec import SessionRejectReason as Reason

_INT64_MAX: Final = 2**63 - 1
_UINT64_MAX: Final = 2**64 - 1
_UINT32_MAX: Final = 2**32 - 1
ID_PATTERN: Final = "^[a-zA-Z0-9-_]{1,36}$"
COMP_ID_PATTERN: Final = "^[a-zA-Z0-9-_]{1,8}$"
_ID_TAGS: Final = frozenset(
    {Tag.CL_ORD_ID, Tag.ORIG_CL_ORD_ID, Tag.MD_REQ_ID, Tag.CL_LIST_ID, Tag.ORIG_CL_LIST_ID,
     Tag.CANCEL_CL_ORD_ID}
)  # fmt: skip
_COMP_ID_TAGS: Final = frozenset({Tag.SENDER_COMP_ID, Tag.TARGET_COMP_ID})
_FIXED_POSITION_TAGS: Final = frozenset({8, 9, 35, 10})
_RAW_DATA_LENGTH: Final = 95
# Messages whose orders the component rules (-1174) apply to.
_ORDER_REQUESTS: Final = frozenset({"D", "E", "XCN"})

# Enum fields whose bad value Binance reports with a code of its own.
_ENUM_ERRORS: Final[dict[int, type[RequestError]]] = {
    Tag.SIDE: errors.InvalidSide,
    Tag.ORD_TYPE: errors.InvalidOrderType,
    Tag.TIME_IN_FORCE: errors.InvalidTif,
    Tag.PEG_PRICE_TYPE: errors.InvalidPegPriceType,
    Tag.PEG_OFFSET_TYPE: errors.InvalidPegOffsetType,
    Tag.CANCEL_RESTRICTIONS: errors.InvalidCancelRestrictions,
}


def _template(error: type[RequestError], text: str) -> int:
    return error.templates.index(text)


_REQUIRED = _template(errors.MandatoryParamEmptyOrMalformed, "Required tag '%s' missing.")
_MALFORMED = _template(errors.MandatoryParamEmptyOrMalformed, "Field value was empty or malformed.")
_TOO_LARGE = _template(
    errors.MandatoryParamEmptyOrMalformed,
    "'%s' contains unexpected value. Cannot be greater than %s.",
)
_ILLEGAL = _template(
    errors.IllegalChars, "Illegal characters found in parameter '%s'; legal range is '%s'."
)
_NOT_VALID = _template(errors.InvalidParameter, "Data sent for parameter '%s' is not valid.")


@dataclass(frozen=True, slots=True)
class _Fault:
    """A fault found while planning, turned into a fresh error for each message."""

    error: type[RequestError]
    params: tuple[str | int, ...]
    ref_tag: int | None
    reason: Reason | None = None
    template: int = 0

    def raise_for(self, message: Message) -> RequestError:
        return _error(self.error, self.params, self.ref_tag, message, self.reason, self.template)


def _error(
    error: type[RequestError],
    params: tuple[str | int, ...],
    ref_tag: int | None,
    message: Message,
    reason: Reason | None = None,
    template: int = 0,
) -> RequestError:
    context: dict[str, Any] = {"ref_tag_id": ref_tag, "ref_msg_type": message.msg_type}
    if reason is not None:
        context["session_reject_reason"] = int(reason)
    with contextlib.suppress(ValueError):
        context["ref_seq_num"] = message.get_int(Tag.MSG_SEQ_NUM)
    return error.from_template(*params, template=template, **context)


# -- values ------------------------------------------------------------------------------------
#
# One regular expression per kind of value is the single source of truth for what a valid
# value is. Integers are matched up to a length that is always in range; a longer one is then
# judged exactly (so 19-digit order IDs are fine, and 2**63 is too large).

_DECIMAL: Final = r"-?(?:[0-9]++(?:\.[0-9]*+)?|\.[0-9]++)"
_TIMESTAMP: Final = (
    r"[0-9]{4}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])-(?:[01][0-9]|2[0-3]):[0-5][0-9]"
    r":(?:[0-5][0-9]|60)(?:\.[0-9]{3}|\.[0-9]{6})?"
)
_PATTERNS: Final[dict[FieldType, str]] = {
    FieldType.INT: r"-?[0-9]{1,18}",
    FieldType.LENGTH: r"[0-9]{1,19}",
    FieldType.NUMINGROUP: r"[0-9]{1,19}",
    FieldType.SEQNUM: r"[0-9]{1,9}",
    FieldType.PRICE: _DECIMAL,
    FieldType.QTY: _DECIMAL,
    FieldType.FLOAT: _DECIMAL,
    FieldType.UTCTIMESTAMP: _TIMESTAMP,
    FieldType.BOOLEAN: r"[YN]",
    FieldType.CHAR: r"[ -~]",
    FieldType.STRING: r"[^\x01]+",
    FieldType.DATA: r"[^\x01]+",
}
_ID: Final = r"[a-zA-Z0-9_-]{1,36}"
_COMP_ID: Final = r"[a-zA-Z0-9_-]{1,8}"
_INTEGER_KINDS: Final[dict[FieldType, tuple[bool, int]]] = {
    FieldType.INT: (True, _INT64_MAX),
    FieldType.LENGTH: (False, _UINT64_MAX),
    FieldType.NUMINGROUP: (False, _UINT64_MAX),
    FieldType.SEQNUM: (False, _UINT32_MAX),
}


def _pattern(definition: Field, enums: bool) -> str:
    """The regular expression a valid value of this field matches."""
    if enums and definition.values:
        if all(len(value) == 1 for value in definition.values):
            return "[" + "".join(re.escape(value) for value in sorted(definition.values)) + "]"
        return "|".join(re.escape(value) for value in sorted(definition.values, key=len)[::-1])
    if definition.tag in _ID_TAGS:
        return _ID
    if definition.tag in _COMP_ID_TAGS:
        return _COMP_ID
    return _PATTERNS[definition.type]


# The same rules as byte programs for the C speedups' ``layout_spans`` (see _speedups.c):
# each field is its "TAG=" prefix, then an op and its arguments. ``_op`` mirrors ``_pattern``
# exactly (the tests hold them to agreeing on every value).
_OP_ANY, _OP_INT, _OP_DECIMAL, _OP_TIMESTAMP, _OP_CHARS, _OP_ENUM = range(6)
_ID_CHARS: Final = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
_INTEGER_OPS: Final[dict[FieldType, tuple[int, int]]] = {
    FieldType.INT: (1, 18),  # signed, most digits: as the patterns above
    FieldType.LENGTH: (0, 19),
    FieldType.NUMINGROUP: (0, 19),
    FieldType.SEQNUM: (0, 9),
}


def _chars(least: int, most: int, chars: str) -> bytes:
    bitmap = bytearray(32)
    for char in chars.encode("ascii"):
        bitmap[char >> 3] |= 1 << (char & 7)
    return bytes([_OP_CHARS, least, most]) + bytes(bitmap)


def _enum(texts: Collection[str]) -> bytes | None:
    encoded = [text.encode("ascii") for text in texts]
    if len(encoded) > 255 or any(not 0 < len(text) < 256 for text in encoded):
        return None
    return bytes([_OP_ENUM, len(encoded)]) + b"".join(bytes([len(t)]) + t for t in encoded)


def _op(definition: Field, enums: bool) -> bytes | None:
    """What ``parse_known`` checks for the values ``_pattern(definition, enums)`` matches
    (None: a rule it cannot say, and the layout is then judged by its pattern only)."""
    if enums and definition.values:
        if all(len(value) == 1 for value in definition.values):
            return _chars(1, 1, "".join(definition.values))
        return _enum(definition.values)
    if definition.tag in _ID_TAGS:
        return _chars(1, 36, _ID_CHARS)
    if definition.tag in _COMP_ID_TAGS:
        return _chars(1, 8, _ID_CHARS)
    kind = definition.type
    if kind in _INTEGER_OPS:
        signed, most = _INTEGER_OPS[kind]
        return bytes([_OP_INT, signed, most])
    if kind in (FieldType.PRICE, FieldType.QTY, FieldType.FLOAT):
        return bytes([_OP_DECIMAL])
    if kind is FieldType.UTCTIMESTAMP:
        return bytes([_OP_TIMESTAMP])
    if kind is FieldType.BOOLEAN:
        return _chars(1, 1, "YN")
    if kind is FieldType.CHAR:
        return _chars(1, 1, "".join(map(chr, range(0x20, 0x7F))))
    if kind in (FieldType.STRING, FieldType.DATA):
        return bytes([_OP_ANY])
    return None


def _value_fault(definition: Field, value: str, enums: bool) -> _Fault | None:
    """The exact verdict on one value: None, or the fault Binance reports for it."""
    tag = definition.tag
    if re.fullmatch(_pattern(definition, enums), value):
        return None
    if enums and definition.values:
        special = _ENUM_ERRORS.get(tag)
        if special is not None:
            return _Fault(special, (), tag, Reason.VALUE_IS_INCORRECT)
        return _Fault(errors.InvalidParameter, (tag,), tag, Reason.VALUE_IS_INCORRECT, _NOT_VALID)
    if tag in _ID_TAGS or tag in _COMP_ID_TAGS:
        legal = ID_PATTERN if tag in _ID_TAGS else COMP_ID_PATTERN
        return _Fault(errors.IllegalChars, (tag, legal), tag, Reason.VALUE_IS_INCORRECT, _ILLEGAL)
    integer = _INTEGER_KINDS.get(definition.type)
    if integer is not None:
        signed, maximum = integer
        negative = signed and value.startswith("-")
        digits = value[1:] if negative else value
        if digits.isdigit() and digits.isascii():
            number = _small_int(digits)
            if number is not None and -maximum - 1 <= (-number if negative else number) <= maximum:
                return None
            return _Fault(
                errors.MandatoryParamEmptyOrMalformed, (tag, maximum), tag,
                Reason.VALUE_IS_INCORRECT, _TOO_LARGE,
            )  # fmt: skip
    return _Fault(
        errors.MandatoryParamEmptyOrMalformed, (), tag,
        Reason.INCORRECT_DATA_FORMAT_FOR_VALUE, _MALFORMED,
    )  # fmt: skip


# -- plans -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Count:
    """A NumInGroup field at ``position`` and the entries its group has in the layout."""

    position: int
    group: Group
    entries: int


@dataclass(slots=True)
class _Plan:
    """What a layout needs checked per message (or the fault every such message has).

    ``values`` matches the layout's values joined by SOH when every one of them is valid;
    ``body`` matches the fields text of a frame with this layout, capturing each value.
    NumInGroup counts are literals in both: a count that is not the number of entries (or is
    zero-padded) does not match, and the exact pass judges it. Both are compiled from
    ``patterns`` only once the layout is seen again (``uses``): compiling costs milliseconds,
    and a peer must not make every message cost that by changing its layout each time.
    """

    fault: _Fault | None = None
    definitions: list[Field | None] = field(default_factory=list)  # per position
    counts: list[_Count] = field(default_factory=list)
    patterns: tuple[str, ...] = ()  # per position, the regular expression of a valid value
    uses: int = 0
    values: re.Pattern[str] | None = None
    body: re.Pattern[str] | None = None
    program: bytes | None = None  # the same checks for the C speedups (``_op``)
    msg_type: bytes = b""  # as on the wire, to find the layout from a frame's bytes
    msg_type_text: str = ""
    tags: tuple[int, ...] = ()
    key: str = ""
    # Per group occurrence with unique tags: (group, positions of each entry's key fields).
    unique: list[tuple[Group, list[tuple[int, ...]]]] = field(default_factory=list)
    orders: list[dict[int, int]] = field(default_factory=list)  # tag -> position, per order
    # Where each order's OrdType is, when no order has trigger or peg fields: a MARKET or
    # LIMIT order of such a layout needs no component check. None otherwise.
    plain_orders: tuple[int, ...] | None = None


_Known = tuple[bytes, str, tuple[int, ...], str, _Plan, dict[int, int]]
"""A valid layout as the C speedups' ``parse_known`` finds it: its program, MsgType, tags,
layout key, plan, and where each tag is first (the index its messages share)."""


class _Planner:
    """Works out the structure of one layout against one message definition."""

    def __init__(self, dictionary: Dictionary, strict: bool, header: bool):
        self.dictionary = dictionary
        self.strict = strict
        self.header = header
        self.header_tags = {m.tag for m in dictionary.header} - _FIXED_POSITION_TAGS
        self._orders = False
        self.trailer_tags = {m.tag for m in dictionary.trailer}

    def plan(self, msg_type: str, tags: tuple[int, ...]) -> _Plan:
        plan = _Plan(definitions=[self.dictionary.fields.get(tag) for tag in tags])
        definition = self.dictionary.messages.get(msg_type)
        if definition is None:
            plan.fault = _Fault(errors.UnsupportedOperation, (), 35)
            return plan
        self._orders = msg_type in _ORDER_REQUESTS
        try:
            self._walk(plan, definition.members, tags)
        except _Found as found:
            plan.fault = found.fault
            return plan
        return plan

    def _walk(self, plan: _Plan, members: tuple[Member, ...], tags: tuple[int, ...]) -> None:
        top = {member.tag: member for member in members}
        grouped = _group_members(members)
        in_header = True
        seen: set[int] = set()
        order: dict[int, int] = {}
        position = 0
        while position < len(tags):
            tag = tags[position]
            if tag in _FIXED_POSITION_TAGS:
                raise _Found(_Fault(errors.TagOutOfOrder, (tag,), tag))
            if tag not in self.dictionary.fields:
                raise _Found(_Fault(errors.InvalidTagNumber, (), tag))
            if tag in self.header_tags:
                if not in_header:
                    raise _Found(_Fault(errors.TagOutOfOrder, (tag,), tag))
                if tag in seen:
                    raise _Found(_Fault(errors.TagAppearsMoreThanOnce, (tag,), tag))
                seen.add(tag)
                position += 1
                continue
            in_header = False
            if tag == Tag.RAW_DATA and (position == 0 or tags[position - 1] != Tag.RAW_DATA_LENGTH):
                raise _Found(_Fault(errors.TagOutOfOrder, (tag,), tag))
            member = top.get(tag)
            if member is None:
                owner = grouped.get(tag)
                if owner is not None:
                    raise _Found(_Fault(errors.GroupFieldsOutOfOrder, (owner,), tag))
                raise _Found(_Fault(errors.TagNotDefinedInMessage, (tag,), tag))
            if tag in seen:
                raise _Found(_Fault(errors.TagAppearsMoreThanOnce, (tag,), tag))
            seen.add(tag)
            order[tag] = position
            position += 1
            if member.group is not None:
                position = self._group(plan, member.group, tags, position, top.keys())
        self._required(members, seen, header=self.header)
        if self._orders and Tag.ORD_TYPE in order:
            plan.orders.append(order)

    def _group(
        self,
        plan: _Plan,
        group: Group,
        tags: tuple[int, ...],
        start: int,
        outer: Collection[int],
    ) -> int:
        """Walk one occurrence of ``group`` whose entries start at ``start``; its end.

        A tag that cannot start or continue an entry but belongs to the enclosing level
        (``outer``) ends the group: ListStatus, for one, has Text both in its entries and at
        list level.
        """
        members = {member.tag: member for member in group.members}
        entries = 0
        position = start
        keys: list[tuple[int, ...]] = []
        first = tags[position] if position < len(tags) else None
        if first in members and (first in group.delimiters or first not in outer):
            delimiter = tags[position]
            if delimiter not in group.delimiters:
                raise _Found(_Fault(errors.GroupFieldsOutOfOrder, (group.count_tag,), delimiter))
            seen: set[int] = set()
            entry: dict[int, int] = {}
            rank = {member.tag: index for index, member in enumerate(group.members)}
            while position < len(tags) and tags[position] in members:
                tag = tags[position]
                if tag == delimiter:
                    if entries:
                        self._entry_done(plan, group, entry, seen, keys)
                    entries += 1
                    seen, entry = set(), {}
                elif tag in seen:
                    if tag in outer:
                        break
                    raise _Found(_Fault(errors.TagAppearsMoreThanOnce, (tag,), tag))
                elif self.strict and entry and rank[tag] < max(rank[t] for t in seen):
                    raise _Found(_Fault(errors.GroupFieldsOutOfOrder, (group.count_tag,), tag))
                seen.add(tag)
                entry[tag] = position
                position += 1
                nested = members[tag].group
                if nested is not None:
                    position = self._group(plan, nested, tags, position, members.keys())
            self._entry_done(plan, group, entry, seen, keys)
        if entries < group.min_entries or (
            group.max_entries is not None and entries > group.max_entries
        ):
            tag = group.count_tag
            raise _Found(_Fault(errors.IncorrectNumInGroupCount, (tag,), tag))
        plan.counts.append(_Count(start - 1, group, entries))
        if group.unique:
            plan.unique.append((group, keys))
        return position

    def _entry_done(
        self,
        plan: _Plan,
        group: Group,
        entry: dict[int, int],
        seen: set[int],
        keys: list[tuple[int, ...]],
    ) -> None:
        self._required(group.members, seen, header=False)
        if self._orders and Tag.ORD_TYPE in entry:
            plan.orders.append(entry)
        if group.unique:
            keys.append(tuple(entry.get(tag, -1) for tag in group.unique))

    def _required(self, members: Iterable[Member], seen: set[int], header: bool) -> None:
        required = [m.tag for m in self.dictionary.header if m.required] if header else []
        required += [m.tag for m in members if m.required]
        for tag in required:
            if tag not in seen and tag not in _FIXED_POSITION_TAGS:
                fault = _Fault(
                    errors.MandatoryParamEmptyOrMalformed, (tag,), tag,
                    Reason.REQUIRED_TAG_MISSING, _REQUIRED,
                )  # fmt: skip
                raise _Found(fault)


class _Found(Exception):
    """A control-flow signal inside the planner: the layout's first fault."""

    def __init__(self, fault: _Fault) -> None:
        self.fault = fault


def _group_members(members: Iterable[Member]) -> dict[int, int]:
    """Tag to the NumInGroup tag of the group it belongs to, for every nested member."""
    owners: dict[int, int] = {}
    for member in members:
        if member.group is not None:
            for inner in member.group.members:
                owners.setdefault(inner.tag, member.tag)
            owners.update(
                {tag: owner for tag, owner in _group_members(member.group.members).items()
                 if tag not in owners}
            )  # fmt: skip
    return owners


# -- the validator ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lane:
    """A layout whose frames the C speedups can check many at a time
    (``speedups.stream_messages``): a session's stream of market-data increments."""

    head: bytes  # "35=MsgType<SOH>"
    program: bytes
    tags: tuple[int, ...]
    key: str
    msg_type: str
    seq_field: int  # where MsgSeqNum is among the fields


class Validator:
    """Judges messages against a dictionary the way Binance does.

    ``validate(message)`` returns the first fault as the catalog's typed error (with text,
    RefTagID, SessionRejectReason, RefMsgType and RefSeqNum), or None when the message is
    valid. Options: ``header`` requires the header fields (off for a body a session will
    complete); ``enums`` checks enum values (an initiator may turn it off to accept values
    Binance adds later); ``strict_order`` requires group members in dictionary order
    (Binance itself does not: only an entry's first tag is checked); ``components`` applies
    the order-type rules for trigger and peg instructions (-1174). It remembers what it
    works out per layout, for ``max_layouts`` layouts at most and a bounded size among them
    (``message.LayoutCache``).
    """

    def __init__(
        self,
        dictionary: Dictionary = BINANCE,
        *,
        header: bool = True,
        enums: bool = True,
        strict_order: bool = False,
        components: bool = True,
        max_layouts: int = 4096,
    ) -> None:
        self.dictionary = dictionary
        self.enums = enums
        self.components = components
        self._planner = _Planner(dictionary, strict_order, header)
        self._plans: LayoutCache[str, _Plan] = LayoutCache(max_layouts)  # by layout_key
        self._bodies: dict[tuple[str, int], list[_Plan]] = {}  # by MsgType and field count
        # The same for the C path, each layout as ``parse_known`` takes it (see _Known).
        self._programs: dict[tuple[bytes, int], list[_Known]] = {}

    def validate(self, message: Message) -> RequestError | None:
        """The first fault of ``message``, or None if the dictionary accepts it."""
        plan = self._plans.get(message.layout_key)
        if plan is None:
            plan = self._plan(message)
        if plan.fault is not None:
            return plan.fault.raise_for(message)
        plan.uses += 1
        values_valid = speedups.values_valid
        if values_valid is not None and plan.program is not None:
            valid = values_valid(plan.program, message.values)
        else:
            if plan.values is None and plan.uses > 1:
                plan.values = re.compile("\x01".join(f"(?:{value})" for value in plan.patterns))
            valid = plan.values is not None and bool(
                plan.values.fullmatch("\x01".join(message.values))
            )
        if not valid:
            fault = self._first_value_fault(plan, message)
            if fault is not None:
                return fault
        return self._value_rules(plan, message)

    def parse(self, frame: bytes) -> tuple[Message, RequestError | None]:
        """Decode one frame (as the framer delivers it) and judge it: (message, first fault).

        The fast way: the fields are checked against a layout seen before with the same
        MsgType and number of fields, all at once (by the C speedups' ``parse_known``, or
        by the layout's pattern). Otherwise the frame is decoded and validated field by
        field. Raises ValueError if ``frame`` is not a frame at all.
        """
        parse_known = speedups.parse_known
        if parse_known is not None:
            taken = parse_known(frame, self._programs, Message)
            if taken is not None:
                return self._parsed(*taken)
        msg_type, fields = frame_body(frame)
        candidates = self._bodies.get((msg_type, fields.count("\x01")))
        if candidates is not None:
            for plan in candidates:
                assert plan.body is not None
                found = plan.body.fullmatch(fields)
                if found is not None:
                    message = Message._trusted(msg_type, plan.tags, found.groups())
                    return self._parsed(plan, message)
        message = Message.decode(frame)
        fault = self.validate(message)
        known = self._plans.get(message.layout_key)
        if known is not None and known.fault is None and message.tags:
            self._remember(known, message.msg_type, len(message.tags), parse_known is None)
        return message, fault

    def lane(self, message: Message) -> Lane | None:
        """The fast lane for ``message``'s layout, if it has one: known, every value judged by
        its type alone (no duplicate entries or order rules), and a MsgSeqNum."""
        plan = self._plans.get(message.layout_key)
        if plan is None or plan.program is None or plan.unique or plan.orders:
            return None
        if Tag.MSG_SEQ_NUM not in plan.tags:
            return None
        head = b"35=" + plan.msg_type + b"\x01"
        seq_field = plan.tags.index(Tag.MSG_SEQ_NUM)
        return Lane(head, plan.program, plan.tags, plan.key, plan.msg_type_text, seq_field)

    def _parsed(self, plan: _Plan, message: Message) -> tuple[Message, RequestError | None]:
        """A message of a known layout whose every value is valid, and the rules that depend
        on values beyond their type."""
        message._key = plan.key
        if plan.unique or plan.orders:
            return message, self._value_rules(plan, message)
        return message, None

    def _value_rules(self, plan: _Plan, message: Message) -> RequestError | None:
        """The rules that depend on values beyond their type: duplicates, components."""
        values = message.values
        for group, keys in plan.unique:
            seen = {tuple(values[p] if p >= 0 else "" for p in key) for key in keys}
            if len(seen) != len(keys):
                return _error(
                    errors.DuplicateEntriesInAGroup, (group.count_tag,), group.count_tag, message
                )
        if self.components and plan.orders:
            plain = plan.plain_orders
            if plain is not None and message.msg_type != _NEW_ORDER_LIST:
                for position in plain:  # (usually one: a lone order's OrdType)
                    if values[position] not in _PLAIN_ORDER_TYPES:
                        break
                else:
                    return None  # (most orders: as _component_fault would find)
            fault = _component_fault(message, plan)
            if fault is not None or message.msg_type != _NEW_ORDER_LIST:
                return fault  # (the list rules apply to a NewOrderList only)
            return _opo_fault(message, plan) or _oco_fault(message, plan)
        return None

    def _plan(self, message: Message) -> _Plan:
        plan = self._planner.plan(message.msg_type, message.tags)
        if plan.fault is None:
            self._patterns(plan, message)
            if all(_COMPONENT_TAGS.isdisjoint(order) for order in plan.orders):
                plan.plain_orders = tuple(o[_ORD_TYPE] for o in plan.orders if _ORD_TYPE in o)
        self._plans.keep(message.layout_key, plan, message.msg_type, len(message.tags))
        return plan

    def _patterns(self, plan: _Plan, message: Message) -> None:
        counts = {count.position: str(count.entries) for count in plan.counts}
        patterns = []
        for position, definition in enumerate(plan.definitions):
            assert definition is not None  # the plan has no fault
            patterns.append(
                counts[position] if position in counts else _pattern(definition, self.enums)
            )
        plan.patterns = tuple(patterns)
        plan.tags = message.tags
        plan.key = message.layout_key
        if _RAW_DATA_LENGTH not in message.tags:  # RawData is taken by its length
            plan.program = _program(plan, counts, self.enums)
            plan.msg_type = message.msg_type.encode("utf-8", "surrogateescape")
            plan.msg_type_text = message.msg_type

    def _remember(self, plan: _Plan, msg_type: str, size: int, pure: bool) -> None:
        """Make ``parse`` find a valid layout's frames the fast way from now on: by its C
        program at once, by its body pattern (pure Python, or no program) once seen again."""
        if plan.program is not None:
            programs = self._programs.setdefault((plan.msg_type, size), [])
            if all(known[4] is not plan for known in programs):
                tags = plan.tags  # (the index: where each tag is first)
                index = dict(zip(tags[::-1], range(len(tags) - 1, -1, -1), strict=True))
                programs.insert(0, (plan.program, plan.msg_type_text, tags, plan.key, plan, index))
                del programs[4:]  # a few layouts per MsgType and field count
            if not pure:
                return
        if plan.uses < 2 or _RAW_DATA_LENGTH in plan.tags:
            return
        if plan.body is None:
            fields = zip(plan.tags, plan.patterns, strict=True)
            plan.body = re.compile("".join(f"{tag}=({value})\x01" for tag, value in fields))
        bodies = self._bodies.setdefault((msg_type, size), [])
        if plan not in bodies:
            bodies.insert(0, plan)
            del bodies[4:]

    def _first_value_fault(self, plan: _Plan, message: Message) -> RequestError | None:
        for count in plan.counts:
            if not _count_ok(message.values[count.position], count):
                tag = count.group.count_tag
                return _error(errors.IncorrectNumInGroupCount, (tag,), tag, message)
        for definition, value in zip(plan.definitions, message.values, strict=True):
            if definition is None:
                continue
            fault = _value_fault(definition, value, self.enums)
            if fault is not None:
                return fault.raise_for(message)
        return None


def _program(plan: _Plan, counts: Mapping[int, str], enums: bool) -> bytes | None:
    """The layout's checks as a ``parse_known`` program, or None if one cannot be said."""
    pieces = []
    for position, (tag, definition) in enumerate(zip(plan.tags, plan.definitions, strict=True)):
        assert definition is not None
        op = _enum([counts[position]]) if position in counts else _op(definition, enums)
        prefix = f"{tag}=".encode("ascii")
        if op is None or len(prefix) > 255:
            return None
        pieces.append(bytes([len(prefix)]) + prefix + op)
    return b"".join(pieces)


def _count_ok(text: str, count: _Count) -> bool:
    return text.isdigit() and text.isascii() and _small_int(text) == count.entries


def _small_int(digits: str) -> int | None:
    """ASCII digits as an int if they are few enough, leading zeros aside, for a 64-bit value;
    else None: thousands of digits are never converted (which takes time, or raises)."""
    significant = digits.lstrip("0")
    return int(significant or "0") if len(significant) <= 20 else None


# -- components (order-type rules) ----------------------------------------------------------

_TRIGGER_TAGS: Final = (
    Tag.TRIGGER_TYPE, Tag.TRIGGER_ACTION, Tag.TRIGGER_PRICE, Tag.TRIGGER_PRICE_TYPE,
    Tag.TRIGGER_PRICE_DIRECTION, Tag.TRIGGER_TRAILING_DELTA_BIPS,
)  # fmt: skip
_PEG_TAGS: Final = (
    Tag.PEG_OFFSET_VALUE, Tag.PEG_PRICE_TYPE, Tag.PEG_MOVE_TYPE, Tag.PEG_OFFSET_TYPE,
)  # fmt: skip


_COMPONENT_TAGS: Final = frozenset(map(int, (*_TRIGGER_TAGS, *_PEG_TAGS)))
_ORD_TYPE: Final = int(Tag.ORD_TYPE)  # (an int: comparing a Tag member costs, per order)
_NEW_ORDER_LIST: Final = MsgType.NEW_ORDER_LIST.value
_PLAIN_ORDER_TYPES: Final = frozenset({"1", "2"})  # MARKET, LIMIT (and LIMIT_MAKER)


def _component_fault(message: Message, plan: _Plan) -> RequestError | None:
    """TriggeringInstruction and PegInstructions against the order type (digest §8.2)."""
    values = message.values
    for order in plan.orders:
        if _ORD_TYPE not in order:
            continue
        if values[order[_ORD_TYPE]] in _PLAIN_ORDER_TYPES and _COMPONENT_TAGS.isdisjoint(order):
            continue  # no trigger or peg fields, and a type that needs none: nothing to check
        fields: Mapping[int, str] = {tag: values[position] for tag, position in order.items()}
        problem = _order_component_problem(fields)
        if problem is not None:
            component, recommendation = problem
            return _error(
                errors.InvalidComponent, (component, _order_name(fields), recommendation),
                None, message,
            )  # fmt: skip
    return None


def _opo_fault(message: Message, plan: _Plan) -> RequestError | None:
    """An OPO list (NewOrderList with OPO(25046)=Y): its working order, the first, is a BUY
    (-1222) and its pending orders SELLs (-1223), as Binance's FIX page's list table says."""
    if message.msg_type != MsgType.NEW_ORDER_LIST or message.get(Tag.OPO) != "Y":
        return None
    values = message.values
    sides = [values[order[Tag.SIDE]] for order in plan.orders if Tag.SIDE in order]
    if sides and sides[0] != "1":
        return _error(errors.OpoWorkingMustBeBuy, (), Tag.SIDE, message)
    if any(side != "2" for side in sides[1:]):
        return _error(errors.OpoPendingMustBeSell, (), Tag.SIDE, message)
    return None


_OCO_PLACES: Final[dict[tuple[str, str], tuple[int, type[RequestError]]]] = {
    ("1", "limit"): (0, errors.BuyOcoLimitMustBeBelow),
    ("1", "stop"): (1, errors.BuyOcoStopLossMustBeAbove),
    ("1", "profit"): (0, errors.BuyOcoTakeProfitMustBeBelow),
    ("2", "limit"): (1, errors.SellOcoLimitMustBeAbove),
    ("2", "stop"): (0, errors.SellOcoStopLossMustBeBelow),
    ("2", "profit"): (1, errors.SellOcoTakeProfitMustBeAbove),
}
"""Per (Side, kind of order), the place (0 below, 1 above) an OCO's leg must have."""


def _oco_fault(message: Message, plan: _Plan) -> RequestError | None:
    """The two legs of an OCO (ContingencyType 1), or the pending two of an OTOCO (2, three
    orders), in Binance's places: the first is the "below" order, the second the "above"
    (the FIX page's list table); a BUY's limit maker and take profit go below and its stop
    loss above, a SELL's the other way (-1165, -1166, -1196 to -1199)."""
    if message.msg_type != MsgType.NEW_ORDER_LIST or len(plan.orders) not in (2, 3):
        return None
    kind = message.get(Tag.CONTINGENCY_TYPE)
    if not ((kind == "1" and len(plan.orders) == 2) or (kind == "2" and len(plan.orders) == 3)):
        return None
    values = message.values
    for place, order in enumerate(plan.orders[-2:]):
        leg = {tag: values[position] for tag, position in order.items()}
        side, role = leg.get(Tag.SIDE), _oco_role(leg)
        if side is None or role is None:
            continue
        wanted, error = _OCO_PLACES.get((side, role), (place, None))
        if error is not None and wanted != place:
            return _error(error, (), Tag.ORD_TYPE, message)
    return None


def _oco_role(leg: Mapping[int, str]) -> str | None:
    """An OCO leg's kind: a limit maker, a stop loss or a take profit (by its side and
    TriggerPriceDirection, as the FIX page's order types table); None for anything else."""
    ord_type, side = leg.get(Tag.ORD_TYPE), leg.get(Tag.SIDE)
    if ord_type == "2":
        return "limit" if "6" in (leg.get(Tag.EXEC_INST) or "") else None
    if ord_type not in ("3", "4"):
        return None
    direction = leg.get(Tag.TRIGGER_PRICE_DIRECTION)
    if direction is None:
        return "profit"  # (a trailing take profit may have none)
    rising = direction == "U"
    return "stop" if rising == (side == "1") else "profit"


def _order_component_problem(fields: Mapping[int, str]) -> tuple[str, str] | None:
    ord_type = fields[Tag.ORD_TYPE]
    has_trigger = any(tag in fields for tag in _TRIGGER_TAGS)
    has_peg = any(tag in fields for tag in _PEG_TAGS)
    if ord_type in ("3", "4"):
        complete = (
            fields.get(Tag.TRIGGER_TYPE) == "4"
            and fields.get(Tag.TRIGGER_ACTION) == "1"
            and fields.get(Tag.TRIGGER_PRICE_TYPE) == "2"
            and (Tag.TRIGGER_PRICE in fields or Tag.TRIGGER_TRAILING_DELTA_BIPS in fields)
        )
        if not complete:
            return (
                "TriggeringInstruction",
                "send TriggerType(1100)=4, TriggerAction(1101)=1, TriggerPriceType(1107)=2 "
                "and TriggerPrice(1102) and/or TriggerTrailingDeltaBips(25009)",
            )
    elif has_trigger:
        return ("TriggeringInstruction", "send trigger fields only with OrdType(40) 3 or 4")
    # Binance's pegged-orders FAQ: every type but MARKET may be pegged; STOP_LOSS and
    # TAKE_PROFIT place a MARKET order, so cannot; STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT peg
    # their limit price only. On FIX (silent here) that is OrdType(40)=4 with both the
    # TriggeringInstruction and the PegInstructions; OrdType(40)=P is a pegged LIMIT.
    if ord_type == "P" or (ord_type == "4" and has_peg):
        if fields.get(Tag.PEG_PRICE_TYPE) not in ("4", "5") or fields.get(Tag.PEG_MOVE_TYPE) != "1":
            return ("PegInstructions", "send PegPriceType(1094) 4 or 5 and PegMoveType(835)=1")
        if Tag.PEG_OFFSET_VALUE in fields and fields.get(Tag.PEG_OFFSET_TYPE) != "3":
            return ("PegInstructions", "send PegOffsetType(836)=3 with PegOffsetValue(211)")
        # A number of price levels: Binance's REST and WebSocket APIs take an INT, at most
        # 100 (FIX types it FLOAT and is silent; FIX SBE carries a uint8).
        offset = fields.get(Tag.PEG_OFFSET_VALUE, "0")
        if not (len(offset) <= 3 and offset.isascii() and offset.isdigit() and int(offset) <= 100):
            return ("PegInstructions", "send PegOffsetValue(211) as a whole number, 0 to 100")
    elif has_peg:
        return (
            "PegInstructions",
            "send peg fields only with OrdType(40) P, or 4 to peg a stop-limit's limit price",
        )
    return None


def _order_name(fields: Mapping[int, str]) -> str:
    """Binance's name for an order's type (LIMIT_MAKER, STOP_LOSS_LIMIT, …)."""
    ord_type = fields[Tag.ORD_TYPE]
    if ord_type == "1":
        return "MARKET"
    if ord_type == "2":
        return "LIMIT_MAKER" if fields.get(Tag.EXEC_INST) == "6" else "LIMIT"
    if ord_type == "P":
        return "PEGGED"
    direction = fields.get(Tag.TRIGGER_PRICE_DIRECTION)
    buying = fields.get(Tag.SIDE) == "1"
    stop = direction == ("U" if buying else "D")
    name = "STOP_LOSS" if stop else "TAKE_PROFIT"
    return name + "_LIMIT" if ord_type == "4" else name


def validate(message: Message, dictionary: Dictionary = BINANCE) -> RequestError | None:
    """The first fault of ``message`` against ``dictionary`` (a shared ``Validator``)."""
    return shared(dictionary).validate(message)


_SHARED: dict[tuple[int, bool, bool], tuple[Dictionary, Validator]] = {}


def shared(dictionary: Dictionary, *, header: bool = True, enums: bool = True) -> Validator:
    """One ``Validator`` per dictionary and options, for every session that speaks it: a
    layout is worked out once per process, not once per connection."""
    key = (id(dictionary), header, enums)
    found = _SHARED.get(key)
    if found is None or found[0] is not dictionary:
        found = _SHARED[key] = (dictionary, Validator(dictionary, header=header, enums=enums))
    return found[1]
