"""Hypothesis strategies for FIX messages Binance accepts and frames it rejects, for property
tests and fuzzing.

Owns generating valid messages of any message type from a dictionary: every field's value
fits its type, enum and range; required fields are present and optional ones come and go;
repeating groups have a count that matches their entries, start each entry with the
delimiter, respect the entry bounds and uniqueness rules; orders populate trigger and peg
instructions as their order type requires. ``malformed_frames`` draws from ``malformed``'s
catalogue of wrong frames (with the code Binance answers each with), ``sbe_frames`` and
``malformed_sbe_frames`` do the same for FIX SBE, and ``chunkings`` splits bytes as a socket
might. Users may import it for their own tests (it needs ``hypothesis``).
It describes values only: no I/O, no sessions.
"""

from __future__ import annotations

import datetime
import string
from collections.abc import Iterable, Mapping
from typing import Final

from hypothesis import reject
from hypothesis import strategies as st

from fixsession import sbefix
from fixsession.dictionary import BINANCE, Dictionary, Field, FieldType, Member, MessageDef
from fixsession.message import Message
from fixsession.spec import UTF8_TAGS, MsgType, SessionType, Tag
from fixsession.tools import malformed
from fixsession.tools.malformed import Malformed
from fixsession.validation import shared

_PRINTABLE: Final = "".join(chr(code) for code in range(0x20, 0x7F))
_ID_CHARS: Final = string.ascii_letters + string.digits + "-_"
_ID_TAGS: Final = frozenset(
    {Tag.CL_ORD_ID, Tag.ORIG_CL_ORD_ID, Tag.MD_REQ_ID, Tag.CL_LIST_ID, Tag.ORIG_CL_LIST_ID,
     Tag.CANCEL_CL_ORD_ID}
)  # fmt: skip
_COMP_ID_TAGS: Final = frozenset({Tag.SENDER_COMP_ID, Tag.TARGET_COMP_ID})
_TRIGGER_TAGS: Final = frozenset(
    {Tag.TRIGGER_TYPE, Tag.TRIGGER_ACTION, Tag.TRIGGER_PRICE, Tag.TRIGGER_PRICE_TYPE,
     Tag.TRIGGER_PRICE_DIRECTION, Tag.TRIGGER_TRAILING_DELTA_BIPS}
)  # fmt: skip
_PEG_TAGS: Final = frozenset(
    {Tag.PEG_OFFSET_VALUE, Tag.PEG_PRICE_TYPE, Tag.PEG_MOVE_TYPE, Tag.PEG_OFFSET_TYPE}
)  # fmt: skip
_RAW_DATA: Final = frozenset({Tag.RAW_DATA_LENGTH, Tag.RAW_DATA})


def decimals() -> st.SearchStrategy[str]:
    """Decimal texts as FIX writes them: ``12``, ``0.5``, ``10.00000000``, ``-3.25``."""
    return st.builds(
        lambda sign, whole, fraction: f"{sign}{whole}{fraction}",
        st.sampled_from(["", "", "", "-"]),
        st.integers(0, 10**12).map(str),
        st.one_of(st.just(""), st.text("0123456789", min_size=1, max_size=8).map(".".__add__)),
    )


def timestamps() -> st.SearchStrategy[str]:
    """UTCTIMESTAMP texts with seconds, milliseconds or microseconds."""
    return st.builds(
        lambda moment, precision: moment.strftime("%Y%m%d-%H:%M:%S.%f")[: 17 + precision],
        st.datetimes(datetime.datetime(2000, 1, 1), datetime.datetime(2099, 12, 31)),
        st.sampled_from([0, 4, 7]),
    )


def values(definition: Field, *, enums: bool = True) -> st.SearchStrategy[str]:
    """Valid texts for one field: its enum values, or any value of its type and range."""
    if enums and definition.values:
        return st.sampled_from(sorted(definition.values))
    tag = definition.tag
    if tag in _ID_TAGS:
        return st.text(_ID_CHARS, min_size=1, max_size=36)
    if tag in _COMP_ID_TAGS:
        return st.text(_ID_CHARS, min_size=1, max_size=8)
    kind = definition.type
    if kind is FieldType.INT:
        return st.integers(-(2**63), 2**63 - 1).map(str)
    if kind in (FieldType.LENGTH, FieldType.NUMINGROUP):
        return st.integers(0, 2**64 - 1).map(str)
    if kind is FieldType.SEQNUM:
        return st.integers(0, 2**32 - 1).map(str)
    if kind in (FieldType.PRICE, FieldType.QTY, FieldType.FLOAT):
        return decimals()
    if kind is FieldType.UTCTIMESTAMP:
        return timestamps()
    if kind is FieldType.BOOLEAN:
        return st.sampled_from(["Y", "N"])
    if kind is FieldType.CHAR:
        return st.sampled_from(_PRINTABLE)
    text = st.text(_PRINTABLE, min_size=1, max_size=20)
    if tag in UTF8_TAGS:
        unicode = st.text(
            st.characters(min_codepoint=0x20, blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
            min_size=1,
            max_size=10,
        ).filter(str.isprintable)
        return st.one_of(text, unicode)
    return text


@st.composite
def _members(
    draw: st.DrawFn,
    dictionary: Dictionary,
    members: tuple[Member, ...],
    first: int | None = None,
) -> list[tuple[int, str]]:
    """Fields for ``members`` in dictionary order (``first`` leads, for a group entry)."""
    fields: list[tuple[int, str]] = []
    ordered = sorted(members, key=lambda member: member.tag != first)
    for member in ordered:
        if member.tag in _TRIGGER_TAGS or member.tag in _PEG_TAGS or member.tag in _RAW_DATA:
            continue  # filled in by the order type (_order) or left out (RawData)
        if not (member.required or member.tag == first or draw(st.booleans())):
            continue
        if member.group is None:
            fields.append((member.tag, draw(values(dictionary.fields[member.tag]))))
            continue
        group = member.group
        high = group.max_entries if group.max_entries is not None else 3
        count = draw(st.integers(group.min_entries, max(group.min_entries, high)))
        entries = []
        for _ in range(count):
            entries.append(draw(_members(dictionary, group.members, group.delimiters[0])))
        if group.unique and entries:
            keys = draw(
                st.lists(
                    st.tuples(*(values(dictionary.fields[tag]) for tag in group.unique)),
                    min_size=count, max_size=count, unique=True,
                )
            )  # fmt: skip
            entries = [
                [(tag, dict(zip(group.unique, key, strict=True)).get(tag, value))
                 for tag, value in entry]
                for entry, key in zip(entries, keys, strict=True)
            ]  # fmt: skip
        fields.append((member.tag, str(count)))
        for entry in entries:
            fields.extend(draw(_order(entry)) if Tag.ORD_TYPE in dict(entry) else entry)
    return fields


@st.composite
def _order(draw: st.DrawFn, fields: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """An order's fields with trigger or peg instructions as its OrdType(40) requires."""
    ord_type = dict(fields)[Tag.ORD_TYPE]
    extra: list[tuple[int, str]] = []
    if ord_type in ("3", "4"):
        extra = [(Tag.TRIGGER_TYPE, "4"), (Tag.TRIGGER_ACTION, "1"), (Tag.TRIGGER_PRICE_TYPE, "2")]
        price, delta = draw(st.sampled_from([(True, False), (False, True), (True, True)]))
        if price:
            extra.append((Tag.TRIGGER_PRICE, draw(decimals())))
        if delta:
            extra.append((Tag.TRIGGER_TRAILING_DELTA_BIPS, str(draw(st.integers(1, 2000)))))
        if draw(st.booleans()):
            extra.append((Tag.TRIGGER_PRICE_DIRECTION, draw(st.sampled_from(["U", "D"]))))
    elif ord_type == "P":
        extra = [(Tag.PEG_PRICE_TYPE, draw(st.sampled_from(["4", "5"]))), (Tag.PEG_MOVE_TYPE, "1")]
        if draw(st.booleans()):
            extra += [(Tag.PEG_OFFSET_VALUE, str(draw(st.integers(1, 10)))),
                      (Tag.PEG_OFFSET_TYPE, "3")]  # fmt: skip
    return fields + extra


_ORDER_REQUESTS: Final = frozenset({"D", "XCN"})


@st.composite
def _message(
    draw: st.DrawFn, dictionary: Dictionary, definition: MessageDef, header: bool
) -> Message:
    fields: list[tuple[int, str]] = []
    if header:
        for member in dictionary.header:
            if member.tag in (8, 9, 35):
                continue
            if member.required or draw(st.booleans()):
                fields.append((member.tag, draw(values(dictionary.fields[member.tag]))))
    body = draw(_members(dictionary, definition.members))
    if definition.msg_type in _ORDER_REQUESTS:
        body = draw(_order(body))
    if definition.msg_type == MsgType.NEW_ORDER_LIST and (Tag.OPO, "Y") in body:
        sides = iter(["1"] + ["2"] * len(body))  # an OPO list: a BUY working, SELLs pending
        body = [(tag, next(sides) if tag == Tag.SIDE else value) for tag, value in body]
    if definition.msg_type == MsgType.NEW_ORDER_LIST:
        body = _oco_places(body)
    return Message(definition.msg_type, fields + body)


_OCO_CODES: Final = frozenset({-1165, -1166, -1196, -1197, -1198, -1199})
_OPO_CODES: Final = frozenset({-1222, -1223})  # (a swap that puts an OPO's SELL first)


def _oco_places(body: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A NewOrderList's last two orders in the places an OCO wants them (its "below" then
    its "above" order): as drawn, swapped, or (not an OPO) with the other side; else none."""
    starts = [n for n, (tag, _) in enumerate(body) if tag == Tag.CL_ORD_ID]
    if len(starts) < 2:
        return body
    head, legs = body[: starts[0]], [body[a:b] for a, b in zip(starts, [*starts[1:], len(body)],
                                                                  strict=True)]  # fmt: skip
    variants = [legs, [*legs[:-2], legs[-1], legs[-2]]]
    if (Tag.OPO, "Y") not in body:
        for side in ("1", "2"):
            variants += [[*legs[:-2], *([(t, side if t == Tag.SIDE else v) for t, v in leg]
                                        for leg in legs[-2:])]]  # fmt: skip
    for variant in variants:
        candidate = head + [pair for leg in variant for pair in leg]
        fault = shared(BINANCE, header=False).validate(Message(MsgType.NEW_ORDER_LIST, candidate))
        if fault is None or fault.code not in _OCO_CODES | _OPO_CODES:
            return candidate
    reject()
    raise AssertionError from None  # (not reached)


def messages(
    dictionary: Dictionary = BINANCE,
    msg_types: Iterable[str] | None = None,
    *,
    header: bool = True,
) -> st.SearchStrategy[Message]:
    """Valid messages of ``dictionary`` (all its message types, or ``msg_types``).

    With ``header`` the standard header fields are included (SenderCompID, TargetCompID,
    MsgSeqNum, SendingTime and sometimes RecvWindow), as on the wire.
    """
    chosen: Mapping[str, MessageDef] = dictionary.messages
    if msg_types is not None:
        wanted = set(msg_types)
        chosen = {key: value for key, value in chosen.items() if key in wanted}
    return st.sampled_from(sorted(chosen)).flatmap(
        lambda msg_type: _message(dictionary, chosen[msg_type], header)
    )


def malformed_frames(
    session_type: SessionType | str = SessionType.ORDER_ENTRY, kinds: Iterable[str] | None = None
) -> st.SearchStrategy[Malformed]:
    """Malformed frames of every kind a session type can be sent (or of ``kinds``), each
    with the code Binance answers it with; build the bytes with ``Malformed.frame``."""
    kind = SessionType(session_type)
    only = sorted(kinds) if kinds is not None else None
    return st.randoms(use_true_random=False).map(lambda rng: malformed.generate(rng, kind, only))


def chunkings(data: bytes) -> st.SearchStrategy[list[bytes]]:
    """``data`` cut into consecutive chunks, as reads from a socket might deliver it."""
    if not data:
        return st.just([])
    return st.lists(st.integers(1, len(data) - 1), max_size=64, unique=True).map(
        lambda cuts: [data[a:b] for a, b in zip([0, *sorted(cuts)], [*sorted(cuts), len(data)],
                                                strict=True)]
    )  # fmt: skip


# -- FIX SBE ----------------------------------------------------------------------------------

_SBE_TYPES: Final = (
    MsgType.NEW_ORDER_SINGLE, MsgType.ORDER_CANCEL_REQUEST, MsgType.TEST_REQUEST,
    MsgType.HEARTBEAT, MsgType.LOGOUT, MsgType.LIMIT_QUERY, MsgType.INSTRUMENT_LIST_REQUEST,
    MsgType.MARKET_DATA_REQUEST, MsgType.ORDER_MASS_CANCEL_REQUEST,
)  # fmt: skip
"""Requests a gateway sends over FIX SBE (their SBE message stands for them one to one)."""


@st.composite
def sbe_frames(draw: st.DrawFn, msg_types: Iterable[str] = _SBE_TYPES) -> bytes:
    """Valid FIX SBE request frames, as a gateway sends them on port 9002: a valid FIX
    message of Binance's dictionary, as the SBE message it stands for (one whose values SBE
    cannot carry, e.g. more decimals than its exponent holds, is not drawn)."""
    message = draw(messages(BINANCE, msg_types))
    header = [(Tag.MSG_SEQ_NUM, str(draw(st.integers(1, 2**31 - 1)))),
              (Tag.SENDING_TIME, draw(timestamps()))]  # fmt: skip
    full = Message(message.msg_type, header + [p for p in message if p[0] not in (34, 52)])
    try:
        return sbefix.to_sbe(full, from_venue=False)
    except ValueError:
        reject()
        raise AssertionError from None  # (not reached)


@st.composite
def malformed_sbe_frames(
    draw: st.DrawFn, kinds: Iterable[str] | None = None
) -> tuple[str, bytes, int]:
    """A valid SBE frame (``sbe_frames``) spoiled in one of the ways Binance names an error
    for: (kind, frame, code); ``malformed.SBE_FAULTS`` lists them."""
    kind = draw(st.sampled_from(sorted(kinds if kinds is not None else malformed.SBE_FAULTS)))
    spoiled = malformed.spoil_sbe(draw(sbe_frames()), kind, draw(st.randoms()))
    if spoiled is None:
        reject()
    assert spoiled is not None
    return kind, spoiled, malformed.SBE_FAULTS[kind]
