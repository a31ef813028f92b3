"""Malformed frames of every kind, and what Binance answers each with: the fuzzer's material.

Owns the catalogue of ways a frame can be wrong (each garbled variant, bad tags, dictionary
faults, bad groups, bad sequence numbers and CompIDs, requests the session type refuses,
oversize BodyLengths) and ``generate(rng, session_type)``, which draws one at random. A
``Malformed`` is a recipe, not bytes: ``frame(seq, sender, sending_time)`` builds it with the
session's current header, because whether a frame uses up a MsgSeqNum (``consumes_seq``) is
part of what it tests. The expected code is written down per kind, from Binance's rules, not
computed by fixsession. The same for FIX SBE: ``SBE_FAULTS``, ``spoil_sbe`` and
``generate_sbe``. Pure: the caller supplies the random generator.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from fixsession import sbe, sbe_schema, sbefix
from fixsession.message import byte_sum
from fixsession.spec import SessionType

SOH: Final = b"\x01"
Fields = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Malformed:
    """A frame built to be wrong in one way (``kind``), and Binance's answer to it.

    ``code`` is the ErrorCode(25016) of the Reject<3> or MarketDataRequestReject the acceptor
    sends; ``consumes_seq`` says whether the frame uses up the MsgSeqNum it carries (an
    intact frame does, even when rejected; a garbled one or a wrong number does not).
    """

    kind: str
    code: int
    consumes_seq: bool
    msg_type: str
    body: Fields
    seq_offset: int = 0  # added to the MsgSeqNum the session expects
    sender: str | None = None  # a SenderCompID other than the session's
    corruption: str = ""  # a byte-level change made after the frame is built
    amount: int = 1  # how much of it (a CheckSum delta, a BodyLength delta, a byte)
    begin: str = "FIX.4.4"

    def frame(self, seq: int, sender: str, sending_time: str, target: str = "SPOT") -> bytes:
        """The frame's bytes with this header (``seq`` is the MsgSeqNum the peer expects)."""
        header: Fields = (
            ("35", self.msg_type), ("34", str(max(0, seq + self.seq_offset))),
            ("49", self.sender or sender), ("52", sending_time), ("56", target),
        )  # fmt: skip
        fields = header + self.body
        if self.corruption == "msg-type-not-third":
            fields = (fields[1], fields[0], *fields[2:])
        body = b"".join(
            tag.encode() + b"=" + value.encode("latin-1") + SOH for tag, value in fields
        )
        length = len(body)
        if self.corruption == "body-length":
            length = max(1, length + self.amount)
        elif self.corruption == "body-length-huge":
            length = 10**9 + self.amount
        head = b"8=" + self.begin.encode() + SOH + b"9=" + str(length).encode() + SOH
        checksum = byte_sum(head + body) % 256
        if self.corruption == "checksum":
            return head + body + b"10=%03d" % ((checksum + self.amount) % 256) + SOH
        if self.corruption == "checksum-format":  # one or two digits, never three
            return head + body + b"10=%d" % (checksum % 100) + SOH
        return head + body + b"10=%03d" % checksum + SOH


# -- the catalogue -------------------------------------------------------------------------------

GARBLED: Final = -1177
INVALID_TAG_NUMBER: Final = -1169

_NOT_ALLOWED: Final = {
    SessionType.ORDER_ENTRY: ("V", -1186),
    SessionType.DROP_COPY: ("D", -1183),
    SessionType.MARKET_DATA: ("D", -1187),
}
_NOT_ALLOWED_BODIES: Final = {
    "V": (("262", "fz"), ("263", "1"), ("146", "1"), ("55", "BTCUSDT"), ("267", "1"),
          ("269", "2")),
    "D": (("11", "fz"), ("38", "1"), ("40", "2"), ("44", "10"), ("54", "1"), ("55", "BTCUSDT"),
          ("59", "1")),
}  # fmt: skip


def _req_id(rng: random.Random) -> str:
    return f"fz{rng.randrange(10**9)}"


def _query(rng: random.Random) -> Fields:
    """A LimitQuery: the one request every session type takes."""
    return (("6136", _req_id(rng)),)


Maker = Callable[[random.Random, SessionType], Malformed]


def _garbled(corruption: str) -> Maker:
    def make(rng: random.Random, session_type: SessionType) -> Malformed:
        amount = {
            "checksum": rng.randrange(1, 256),
            "body-length": rng.choice([-9, -5, -3, -2, -1, 1, 2, 3, 7]),
            "body-length-huge": rng.randrange(1000),
        }.get(corruption, 1)
        return Malformed(corruption, GARBLED, False, "XLQ", _query(rng),
                         corruption=corruption, amount=amount)  # fmt: skip

    return make


def _begin_string(rng: random.Random, session_type: SessionType) -> Malformed:
    begin = rng.choice(["FIX.4.2", "FIX.4.3", "FIXT.1.1", "FIX.5.0"])
    return Malformed("begin-string", GARBLED, False, "XLQ", _query(rng), begin=begin)


def _non_printable(rng: random.Random, session_type: SessionType) -> Malformed:
    byte = rng.choice([*range(0x02, 0x20), 0x7F])
    value = _req_id(rng)
    cut = rng.randrange(len(value) + 1)
    return Malformed("non-printable", GARBLED, False, "XLQ",
                     (("6136", value[:cut] + chr(byte) + value[cut:]),))  # fmt: skip


def _empty_value(rng: random.Random, session_type: SessionType) -> Malformed:
    return Malformed("empty-value", GARBLED, False, "XLQ", (("6136", ""),))


def _tag_format(rng: random.Random, session_type: SessionType) -> Malformed:
    tag = rng.choice(["06136", "61a", "", "-1", "6136 ", "0"])
    return Malformed("tag-format", INVALID_TAG_NUMBER, False, "XLQ",
                     (("6136", _req_id(rng)), (tag, "x")))  # fmt: skip


def _seq(direction: int) -> Maker:
    def make(rng: random.Random, session_type: SessionType) -> Malformed:
        offset = direction * rng.randrange(1, 1000)
        kind = "seq-too-high" if direction > 0 else "seq-too-low"
        return Malformed(kind, -1179, False, "XLQ", _query(rng), seq_offset=offset)

    return make


def _comp_id(rng: random.Random, session_type: SessionType) -> Malformed:
    sender = rng.choice(["OTHER", "X", "fz12345"])
    return Malformed("comp-id", -1178, True, "XLQ", _query(rng), sender=sender)


def _unknown_msg_type(rng: random.Random, session_type: SessionType) -> Malformed:
    msg_type = rng.choice(["ZZ", "U9", "XYZ", "2", "4"])  # ResendRequest, SequenceReset too
    return Malformed("unknown-msg-type", -1020, True, msg_type, (("58", "fz"),))


def _not_allowed(rng: random.Random, session_type: SessionType) -> Malformed:
    msg_type, code = _NOT_ALLOWED[session_type]
    return Malformed("not-allowed", code, True, msg_type, _NOT_ALLOWED_BODIES[msg_type])


def _undefined_tag(rng: random.Random, session_type: SessionType) -> Malformed:
    tag = str(rng.randrange(30000, 99999))
    return Malformed("undefined-tag", -1169, True, "XLQ", (*_query(rng), (tag, "x")))


def _tag_not_in_message(rng: random.Random, session_type: SessionType) -> Malformed:
    tag = rng.choice(["55", "112", "58"])  # defined in every session type's dictionary
    return Malformed("tag-not-in-message", -1170, True, "XLQ", (*_query(rng), (tag, "x")))


def _duplicate_tag(rng: random.Random, session_type: SessionType) -> Malformed:
    return Malformed("duplicate-tag", -1171, True, "XLQ", (*_query(rng), *_query(rng)))


def _header_after_body(rng: random.Random, session_type: SessionType) -> Malformed:
    return Malformed("header-after-body", -1172, True, "XLQ",
                     (*_query(rng), ("25000", str(rng.randrange(1, 60000)))))  # fmt: skip


def _missing_required(rng: random.Random, session_type: SessionType) -> Malformed:
    return Malformed("missing-required", -1102, True, "XLQ", ())


def _group_order(rng: random.Random, session_type: SessionType) -> Malformed:
    if session_type is SessionType.MARKET_DATA:
        body: Fields = (("262", _req_id(rng)), ("263", "1"), ("264", "1"), ("146", "1"),
                        ("267", "2"), ("269", "0"), ("55", "BTCUSDT"), ("269", "1"))  # fmt: skip
    else:
        body = (("25014", _req_id(rng)), ("1385", "1"), ("73", "2"), ("55", "BTCUSDT"),
                ("11", "a"), ("38", "1"), ("40", "2"), ("54", "1"), ("11", "b"), ("38", "1"),
                ("40", "2"), ("54", "2"), ("55", "BTCUSDT"))  # fmt: skip
    msg_type = "V" if session_type is SessionType.MARKET_DATA else "E"
    return Malformed("group-order", -1173, True, msg_type, body)


def _group_count(rng: random.Random, session_type: SessionType) -> Malformed:
    if session_type is SessionType.MARKET_DATA:
        body: Fields = (("262", _req_id(rng)), ("263", "1"), ("264", "1"), ("146", "2"),
                        ("55", "BTCUSDT"), ("267", "2"), ("269", "0"), ("269", "1"))  # fmt: skip
        return Malformed("group-count", -1188, True, "V", body)
    body = (("25014", _req_id(rng)), ("1385", "1"), ("73", "3"), ("11", "a"), ("38", "1"),
            ("40", "2"), ("54", "1"), ("55", "BTCUSDT"), ("11", "b"), ("38", "1"), ("40", "2"),
            ("54", "2"), ("55", "BTCUSDT"))  # fmt: skip
    return Malformed("group-count", -1188, True, "E", body)


def _group_duplicate(rng: random.Random, session_type: SessionType) -> Malformed:
    entry = rng.choice(["0", "1", "2"])
    body: Fields = (("262", _req_id(rng)), ("263", "1"), ("264", "1"), ("146", "1"),
                    ("55", "BTCUSDT"), ("267", "2"), ("269", entry), ("269", entry))  # fmt: skip
    return Malformed("group-duplicate", -1189, True, "V", body)


def _bad_enum(rng: random.Random, session_type: SessionType) -> Malformed:
    side = rng.choice(["0", "3", "9", "X"])
    body = tuple((tag, side if tag == "54" else value) for tag, value in _NOT_ALLOWED_BODIES["D"])
    return Malformed("bad-enum", -1117, True, "D", body)


_EVERY_SESSION: Final[tuple[Maker, ...]] = (
    _garbled("checksum"), _garbled("checksum-format"), _garbled("body-length"),
    _garbled("body-length-huge"), _garbled("msg-type-not-third"), _begin_string,
    _non_printable, _empty_value, _tag_format, _seq(+1), _seq(-1), _comp_id, _unknown_msg_type,
    _not_allowed, _undefined_tag, _tag_not_in_message, _duplicate_tag, _header_after_body,
    _missing_required,
)  # fmt: skip
MAKERS: Final[dict[SessionType, tuple[Maker, ...]]] = {
    SessionType.ORDER_ENTRY: (*_EVERY_SESSION, _group_order, _group_count, _bad_enum),
    SessionType.DROP_COPY: _EVERY_SESSION,
    SessionType.MARKET_DATA: (*_EVERY_SESSION, _group_order, _group_count, _group_duplicate),
}
"""Every kind of malformed frame each session type can be sent (groups need a message that
has them and that the session type takes)."""


def kinds(session_type: SessionType = SessionType.ORDER_ENTRY) -> list[str]:
    """The kinds ``generate`` draws from for a session type."""
    rng = random.Random(0)
    return sorted({make(rng, session_type).kind for make in MAKERS[session_type]})


def generate(
    rng: random.Random,
    session_type: SessionType = SessionType.ORDER_ENTRY,
    only: Sequence[str] | None = None,
) -> Malformed:
    """One malformed frame of a random kind (among ``only``, if given)."""
    makers = MAKERS[session_type]
    while True:
        malformed = rng.choice(makers)(rng, session_type)
        if only is None or malformed.kind in only:
            return malformed


# -- FIX SBE --------------------------------------------------------------------------------------

SBE_FAULTS: Final = {
    "sbe-encoding-type": -1177, "sbe-message-length": -1152, "sbe-template": -1152,
    "sbe-schema": -1153, "sbe-block-length": -1221, "sbe-var-data-length": -1221,
    "sbe-not-utf-8": -1221,
}  # fmt: skip
"""Each way a FIX SBE frame can be wrong that Binance names an error for, and its code (the
first two break the stream: Binance then logs out and closes)."""


def spoil_sbe(frame: bytes, kind: str, rng: random.Random) -> bytes | None:
    """``frame`` (a whole, valid SBE message) wrong in the way ``kind`` says; None when it has
    nothing to spoil that way (the var-data kinds need a message ending in a varString8)."""
    out = bytearray(frame)
    if kind == "sbe-encoding-type":
        out[4:6] = rng.choice([v for v in (0xEB51, 0x50EB, 0, 0xFFFF, rng.randrange(65536))
                               if v != sbe.ENCODING_TYPE]).to_bytes(2, "little")  # fmt: skip
    elif kind == "sbe-message-length":
        length = rng.choice((rng.randrange(sbe.PREFIX), rng.randrange(2**24, 2**32)))
        out[0:4] = length.to_bytes(4, "little")
    elif kind == "sbe-template":
        known = set(sbe_schema.MESSAGES)
        out[8:10] = next(t for t in iter(lambda: rng.randrange(65536), None) if t not in known
                         ).to_bytes(2, "little")  # fmt: skip
    elif kind == "sbe-schema":
        schema = rng.choice(
            [s for s in (0, 2, 9, rng.randrange(65536)) if s != sbe_schema.SCHEMA_ID]
        )
        out[10:12] = schema.to_bytes(2, "little")
    elif kind == "sbe-block-length":  # a block longer than the message holds
        out[6:8] = (len(out) + rng.randint(1, 1000)).to_bytes(2, "little")
    else:
        last = _last_var_data(frame)
        if last is None or last[1] >= 255:
            return None
        at, length = last
        if kind == "sbe-var-data-length":  # runs past the end
            out[at] = min(255, length + rng.randint(1, 200))
        else:  # not UTF-8
            out += b"\xff"
            out[at] = length + 1
        out[0:4] = len(out).to_bytes(4, "little")
    return bytes(out)


def _last_var_data(frame: bytes) -> tuple[int, int] | None:
    """Where the last var-data field's uint8 length is, and the length, when the message
    ends with a varString8 (as every request does)."""
    item = sbe.decode(frame)
    definition = sbe_schema.MESSAGES[item.template_id]
    if not definition.data or definition.data[-1].length_primitive != "uint8":
        return None
    text = (item.values.get(definition.data[-1].name) or "").encode()
    at = len(frame) - len(text) - 1
    return (at, len(text)) if frame[at] == len(text) else None


@dataclass(frozen=True, slots=True)
class MalformedSbe:
    """A FIX SBE frame built to be wrong in one way (``kind``, see ``SBE_FAULTS``): a
    TestRequest with this session's seqNum and time, then spoiled. None of them uses up a
    seqNum (Binance cannot read them)."""

    kind: str
    code: int
    seed: int
    consumes_seq: bool = False

    def frame(self, seq: int, sender: str, sending_time: str, target: str = "SPOT") -> bytes:
        """The frame's bytes (``sender`` and ``target`` travel in the Logon only)."""
        micros = sbefix.parse_us(sending_time)
        base = sbe.encode("TestRequest", {"TestReqID": f"bad{self.seed % 1000}"}, seq, micros)
        spoiled = spoil_sbe(base, self.kind, random.Random(self.seed))
        assert spoiled is not None  # a TestRequest ends with its TestReqID (a varString8)
        return spoiled


def generate_sbe(rng: random.Random, only: Sequence[str] | None = None) -> MalformedSbe:
    """One malformed FIX SBE frame of a random kind (among ``only``, if given)."""
    kinds = sorted(only if only is not None else SBE_FAULTS)
    kind = rng.choice(kinds)
    return MalformedSbe(kind, SBE_FAULTS[kind], rng.randrange(2**31))
