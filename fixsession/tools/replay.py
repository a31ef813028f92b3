"""Replaying captures: judge every frame, and run a session again against what was recorded.

Owns comparing what fixsession does with what a capture holds. ``check`` frames and
validates every record (the verdicts of ``fixsession check``). ``replay_session`` feeds the
captured peer's side to a fresh ``Acceptor`` (with an ``Exchange`` behind it) or
``Initiator``, with the capture's own times as the clock, and compares what the session sends
with what was captured, field by field, ignoring fields that legitimately differ (SendingTime,
the signature, BodyLength, CheckSum, the exchange's clock readings, the acceptor's UUID). An
``Expectation`` (``expectations``) pins the outcome and says how the recording server was set
up. FIX SBE records (``Record.sbe``) are judged as the FIX message each stands for
(``SbeView``), replayed in the capture's encoding, and compared field by field as SBE. Sans-I/O:
records in, findings out.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixsession import binance, errors, sbe, sbe_schema, sbefix
from fixsession.captures import (
    RECEIVED,
    SENT,
    Record,
    SbePieces,
    peek,
    redact_sbe,
    set_raw_data,
    with_directions,
    with_times,
)
from fixsession.errors import BinanceError, RequestError, SessionStateError
from fixsession.framing import Framer, Garbled, Item, is_frame
from fixsession.initiator import Initiator
from fixsession.message import Message
from fixsession.sbewire import Encoding
from fixsession.session import Session
from fixsession.spec import MsgType, SessionType, Tag
from fixsession.tools.expectations import Expectation
from fixsession.validation import Validator
from fixsession.venue.acceptor import Acceptor
from fixsession.venue.accounts import Accounts
from fixsession.venue.exchange import Exchange

_OTHER: Final = {SENT: RECEIVED, RECEIVED: SENT}
IGNORED: Final = frozenset(
    {Tag.BODY_LENGTH, Tag.CHECK_SUM, Tag.SENDING_TIME, Tag.RAW_DATA, Tag.TRANSACT_TIME,
     Tag.ORDER_CREATION_TIME, Tag.WORKING_TIME, Tag.UUID}
)  # fmt: skip
"""Fields whose values legitimately differ between a recording and its replay."""

VENUE_IDS: Final = frozenset({Tag.EXEC_ID, Tag.ORDER_ID, Tag.LIST_ID})
"""IDs an acceptor assigns, which differ when a capture is replayed to a live one."""

_ADMIN: Final = frozenset({MsgType.LOGON, MsgType.HEARTBEAT, MsgType.TEST_REQUEST, MsgType.LOGOUT})
_MAX_TICKS: Final = 100_000  # timers run between two records, at most


# -- verdicts ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verdict:
    """What ``check`` says about one frame (the keys of its JSON output)."""

    offset: int
    length: int
    msg_type: str | None
    msg_seq_num: int | None
    valid: bool
    code: int | None = None
    name: str | None = None
    reason: int | None = None
    ref_tag: int | None = None
    text: str | None = None
    file: str | None = None  # where the frame was read (set by ``check``)
    line: int | None = None  # its line, in a line-based capture

    @classmethod
    def of(cls, item: Item, offset: int, validator: Validator | None) -> Verdict:
        """The verdict on one frame (valid, or its fault)."""
        if isinstance(item, Garbled):
            error = item.error
            return cls(
                item.offset, item.length, item.msg_type, item.msg_seq_num, False,
                error.code, error.name, error.session_reject_reason, error.ref_tag_id,
                error.text,
            )  # fmt: skip
        if validator is None:
            message, fault = Message.decode(item), None
        else:
            message, fault = validator.parse(item)
        try:
            seq_num = message.get_int(Tag.MSG_SEQ_NUM)
        except ValueError:
            seq_num = None
        if fault is None:
            return cls(offset, len(item), message.msg_type, seq_num, True)
        return cls(
            offset, len(item), message.msg_type, seq_num, False, fault.code, fault.name,
            fault.session_reject_reason, fault.ref_tag_id, fault.text,
        )  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        """The verdict as JSON-ready data (the keys ``check --format json`` documents)."""
        return dataclasses.asdict(self)

    def as_json(self) -> str:
        """The verdict as one JSON line."""
        return json.dumps(self.as_dict())

    def as_text(self, source: str) -> str:
        """The verdict as one line of text."""
        line = f":line {self.line}" if self.line is not None else ""
        where = f"{source}{line}:{self.offset} ({self.length} bytes)"
        kind = self.msg_type if self.msg_type is not None else "?"
        seq = f" #{self.msg_seq_num}" if self.msg_seq_num is not None else ""
        if self.valid:
            return f"{where} {kind}{seq} ok"
        refs = ", ".join(
            f"{tag}={value}"
            for tag, value in (("373", self.reason), ("371", self.ref_tag))
            if value is not None
        )
        refs = f" [{refs}]" if refs else ""
        return f"{where} {kind}{seq} {self.code} {self.name}{refs}: {self.text}"


# -- check -------------------------------------------------------------------------------------


def check(records: Iterable[Record], validator: Validator | None = None) -> list[Verdict]:
    """A verdict for every frame of every record (a record may hold several, or a garbled
    region); offsets count from the start of the capture's records laid end to end."""
    verdicts = []
    offset = 0
    view = SbeView()
    for record in records:
        if record.sbe:  # judged as the FIX message it stands for, as long as its SBE bytes
            found = Verdict.of(view.item(record), offset, validator)
            verdicts.append(dataclasses.replace(found, offset=offset, length=len(record.data)))
            offset += len(record.data)
            continue
        view.learn(record)
        framer = Framer(max_frame_size=max(64, len(record.data) + 64))
        for at, item in framer.feed_located(record.data) + framer.close_located():
            verdicts.append(Verdict.of(item, offset + at, validator))
        offset += len(record.data)
    return verdicts


def check_findings(verdicts: Sequence[Verdict], expectation: Expectation) -> list[str]:
    """Where the verdicts differ from what the expectation says."""
    findings = []
    for index, verdict in enumerate(verdicts):
        expected = expectation.invalid.get(index)
        what = f"frame {index} ({verdict.msg_type or '?'} #{verdict.msg_seq_num or '?'})"
        if expected is None and not verdict.valid:
            findings.append(f"{what}: expected valid, found {verdict.code} {verdict.text}")
        elif expected is not None and verdict.valid:
            findings.append(f"{what}: expected {expected}, found valid")
        elif expected is not None and verdict.code != expected:
            findings.append(f"{what}: expected {expected}, found {verdict.code} {verdict.text}")
    for index in sorted(expectation.invalid):
        if index >= len(verdicts):
            findings.append(f"frame {index}: expected {expectation.invalid[index]}, not there")
    return findings


# -- comparing messages ------------------------------------------------------------------------


def is_sbe(data: bytes) -> bool:
    """Whether ``data`` begins as a FIX SBE message (its SOFH's encodingType)."""
    return len(data) >= sbe.SOFH.size and data[4:6] == _SBE_ENCODING


_SBE_ENCODING: Final = sbe.ENCODING_TYPE.to_bytes(2, "little")


def _describe(data: bytes) -> str:
    if is_sbe(data):
        try:
            item = sbe.decode(data)
        except BinanceError:
            return "garbled SBE bytes"
        return f"{item.name} #{item.seq_num}"
    try:
        message = Message.decode(data)
    except ValueError:
        return "garbled bytes"
    return f"{message.msg_type} #{message.get(Tag.MSG_SEQ_NUM, '?')}"


def _tag_name(tag: int) -> str:
    try:
        return f"{tag} ({Tag(tag).name})"
    except ValueError:
        return str(tag)


def compare(captured: bytes, replayed: bytes, ignored: frozenset[int] = IGNORED) -> str | None:
    """Where two frames differ, as one readable line naming the field; None if they agree."""
    if captured == replayed:
        return None
    if is_sbe(captured) or is_sbe(replayed):
        return compare_sbe(captured, replayed, ignored)
    try:
        mine, theirs = Message.decode(captured), Message.decode(replayed)
    except ValueError:
        return f"captured {captured[:80]!r}, replayed {replayed[:80]!r}"
    if mine.msg_type != theirs.msg_type:
        return f"field 35 (MSG_TYPE): captured {mine.msg_type!r}, replayed {theirs.msg_type!r}"
    left = [(t, v) for t, v in mine if t not in ignored]
    right = [(t, v) for t, v in theirs if t not in ignored]
    for (tag, value), (other_tag, other_value) in zip(left, right, strict=False):
        if tag != other_tag:
            return (
                f"field {_tag_name(tag)}={value!r} captured where "
                f"{_tag_name(other_tag)}={other_value!r} was replayed"
            )
        if value != other_value:
            return f"field {_tag_name(tag)}: captured {value!r}, replayed {other_value!r}"
    if len(left) != len(right):
        longer, side = (left, "captured") if len(left) > len(right) else (right, "replayed")
        tag, value = longer[min(len(left), len(right))]
        return f"field {_tag_name(tag)}={value!r} only {side}"
    return None


def compare_streams(
    captured: Sequence[Record],
    replayed: Sequence[bytes],
    side: str,
    limit: int = 10,
    ignored: frozenset[int] = IGNORED,
) -> list[str]:
    """Findings for two message sequences compared in order (at most ``limit``)."""
    findings = []
    for index, (record, data) in enumerate(zip(captured, replayed, strict=False)):
        difference = compare(record.data, data, ignored)
        if difference is not None:
            findings.append(f"{side} message {index} ({_describe(record.data)}): {difference}")
            if len(findings) >= limit:
                return findings
    if len(captured) > len(replayed):
        missing = captured[len(replayed)]
        findings.append(
            f"{side} message {len(replayed)} ({_describe(missing.data)}) was captured but "
            f"not replayed ({len(captured)} captured, {len(replayed)} replayed)"
        )
    elif len(replayed) > len(captured):
        extra = replayed[len(captured)]
        findings.append(
            f"{side} message {len(captured)} ({_describe(extra)}) was replayed but not "
            f"captured ({len(captured)} captured, {len(replayed)} replayed)"
        )
    return findings


def compare_sbe(captured: bytes, replayed: bytes, ignored: frozenset[int] = IGNORED) -> str | None:
    """``compare`` for two SBE messages: by their decoded fields (those whose id is in
    ``ignored`` skipped, and the header's sendingTime)."""
    try:
        mine, theirs = sbe.decode(captured), sbe.decode(replayed)
    except BinanceError:
        return f"captured {captured[:40].hex()}…, replayed {replayed[:40].hex()}…"
    if mine.name != theirs.name:
        return f"message: captured {mine.name}, replayed {theirs.name}"
    if mine.seq_num != theirs.seq_num:
        return f"seqNum: captured {mine.seq_num}, replayed {theirs.seq_num}"
    definition = sbe_schema.MESSAGES[mine.template_id]
    skipped = _names_of(definition.fields, definition.groups, definition.data, ignored)
    return _difference(mine.values, theirs.values, skipped, "")


def _names_of(
    fields: Sequence[sbe.SbeField],
    groups: Sequence[sbe.SbeGroup],
    data: Sequence[sbe.SbeData],
    ids: frozenset[int],
) -> frozenset[str]:
    names = {spec.name for spec in fields if spec.id in ids}
    names |= {spec.name for spec in data if spec.id in ids}
    for group in groups:
        names |= _names_of(group.fields, group.groups, group.data, ids)
    return frozenset(names)


def _difference(left: Any, right: Any, skipped: frozenset[str], where: str) -> str | None:
    if isinstance(left, dict) and isinstance(right, dict):
        for name in sorted(set(left) | set(right)):
            if name not in skipped:
                found = _difference(left.get(name), right.get(name), skipped, where + name)
                if found is not None:
                    return found
        return None
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return f"{where}: captured {len(left)} entries, replayed {len(right)}"
        for index, (one, other) in enumerate(zip(left, right, strict=True)):
            found = _difference(one, other, skipped, f"{where}[{index}].")
            if found is not None:
                return found
        return None
    if left != right:
        return f"field {where}: captured {left!r}, replayed {right!r}"
    return None


def error_codes(frames: Iterable[bytes]) -> list[int]:
    """The Binance error codes a side sent, in order."""
    codes = []
    for data in frames:
        if is_sbe(data):  # read as the FIX message it stands for (a Logout's text too)
            try:
                data = sbefix.to_fix(sbe.decode(data), sbefix.SessionFields()).encode()
            except BinanceError:
                continue
        try:
            error = errors.from_message(data)
        except ValueError:
            continue
        if error is not None:
            codes.append(error.code)
    return codes


class SbeView:
    """The FIX frame each SBE record of a capture stands for, read in order: the CompIDs come
    from the session's Logon (each direction's the other way round), market data is tied to
    the MarketDataRequests seen before it (see ``sbefix``)."""

    def __init__(self) -> None:
        self._fields = {SENT: sbefix.SessionFields(), RECEIVED: sbefix.SessionFields()}

    def learn(self, record: Record) -> None:
        """A FIX record (port 9001's requests): its Logon's CompIDs, its subscriptions."""
        if record.sbe or not is_frame(record.data) or _msg_type(record.data) not in ("A", "V"):
            return
        with contextlib.suppress(ValueError):
            self._learn(Message.decode(record.data), record.direction or SENT)

    def item(self, record: Record) -> Item:
        """The FIX frame of an SBE record, or (``Garbled``, no FIX bytes to show) the error
        Binance answers it with."""
        direction = record.direction or SENT
        try:
            message = sbefix.to_fix(sbe.decode(record.data), self._fields[direction])
        except BinanceError as error:
            return Garbled(0, len(record.data), cast(RequestError, error), b"")
        self._learn(message, direction)
        return message.encode()

    def _learn(self, message: Message, direction: str) -> None:
        own, other = self._fields[direction], self._fields[_OTHER[direction]]
        if message.msg_type == MsgType.LOGON:
            sender = message.get(Tag.SENDER_COMP_ID) or own.peer_comp_id
            target = message.get(Tag.TARGET_COMP_ID) or own.local_comp_id
            own.peer_comp_id, own.local_comp_id = sender, target
            other.peer_comp_id, other.local_comp_id = target, sender
        elif message.msg_type == MsgType.MARKET_DATA_REQUEST:
            other.market_data.learn_request(message)


def fix_views(records: Sequence[Record]) -> list[Record]:
    """The records as FIX, for reading their fields: an SBE record as the FIX frame it stands
    for (its own bytes if it stands for none), the others as they are."""
    view = SbeView()
    out = []
    for record in records:
        if record.sbe:
            item = view.item(record)
            data = item if isinstance(item, bytes) else record.data
            out.append(dataclasses.replace(record, data=data, sbe=False))
        else:
            view.learn(record)
            out.append(record)
    return out


def resign_sbe(data: bytes, key: Ed25519PrivateKey) -> bytes:
    """A captured SBE Logon signed again with ``key`` (the capture's signature is masked)."""
    try:
        logon = sbefix.to_fix(sbe.decode(data), sbefix.SessionFields())
    except BinanceError:
        return data
    sender, target = logon.get(Tag.SENDER_COMP_ID), logon.get(Tag.TARGET_COMP_ID)
    sending_time = logon.get(Tag.SENDING_TIME)
    if logon.msg_type != MsgType.LOGON or not (sender and target and sending_time):
        return data
    seq = int(logon.get(Tag.MSG_SEQ_NUM) or 0)
    signature = binance.sign_logon(key, sender, target, seq, sending_time)
    return redact_sbe(data, signature.encode())


def _encoding(records: Sequence[Record], role: str) -> Encoding:
    """What a capture's session spoke: SBE both ways, SBE from the venue only, or FIX."""
    from_venue = RECEIVED if role == "initiator" else SENT
    venue_sbe = any(r.sbe for r in records if r.direction == from_venue)
    gateway_sbe = any(r.sbe for r in records if r.direction == _OTHER[from_venue])
    if gateway_sbe:
        return Encoding.SBE
    return Encoding.SBE_RESPONSES if venue_sbe else Encoding.FIX


# -- session replay ----------------------------------------------------------------------------


@dataclass
class SessionReplay:
    """The outcome of ``replay_session``: what the replayed side sent, and the findings."""

    role: str
    captured: list[Record]
    replayed: list[bytes]
    findings: list[str]


class ReplayClock:
    """A replay's clock, wall and monotonic alike: the capture's times, set by the replay."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class SentFrames:
    """What a replayed session wrote, cut as it is compared: FIX frames (a garbled region
    whole), or FIX SBE messages (``sbe``)."""

    def __init__(self, sbe: bool) -> None:
        self.sbe = sbe
        self.frames: list[bytes] = []
        self._framer = Framer()
        self._pieces = SbePieces()

    def add(self, data: bytes) -> None:
        """Bytes the session wrote."""
        if self.sbe:
            self.frames += self._pieces.take(data, False)
            return
        for item in self._framer.feed(data):
            self.frames.append(item if isinstance(item, bytes) else item.data)


def infer_role(records: Sequence[Record]) -> str:
    """Which side recorded the capture: whoever sent (``>``) the first Logon initiated."""
    for record in records:
        if _msg_type(record.data) == MsgType.LOGON:
            return "initiator" if record.direction == SENT else "acceptor"
    return "acceptor"


Progress = Callable[[int, int], None]
"""Told (records done, records in all) every 1,000 records of a long replay."""


def replay_session(
    records: Sequence[Record],
    expectation: Expectation | None = None,
    progress: Progress | None = None,
) -> SessionReplay:
    """Feed the captured peer's side to a fresh session playing the recorder's role, and
    compare what it sends with what the recorder sent."""
    expectation = expectation or Expectation()
    records = with_times(with_directions(records))
    role = expectation.role or infer_role(records)
    own = [record for record in records if record.direction == SENT]
    kind = _AcceptorReplay if role == "acceptor" else _InitiatorReplay
    findings: list[str] = []
    try:
        replaying = kind(records, expectation, progress)
        replayed = replaying.run()
        findings += replaying.problems
    except ValueError as error:  # e.g. a Logon whose HeartBtInt no session would take
        replayed = []
        findings.append(f"no {role} can replay this capture: {error}")
    findings += compare_streams(own, replayed, "sent")
    if expectation.codes is not None:
        for label, frames in (("captured", [r.data for r in own]), ("replayed", replayed)):
            found = error_codes(frames)
            if found != list(expectation.codes):
                findings.append(f"error codes {label}: {found}, expected {list(expectation.codes)}")
    if expectation.both_sides:
        flipped = [dataclasses.replace(r, direction=_OTHER[r.direction or SENT]) for r in records]
        peer = [record for record in flipped if record.direction == SENT]
        other = _InitiatorReplay if role == "acceptor" else _AcceptorReplay
        try:
            answered = other(flipped, expectation, None).run()
        except ValueError as error:
            answered = []
            findings.append(f"no peer can replay this capture: {error}")
        findings += compare_streams(peer, answered, "received")
    return SessionReplay(role, own, replayed, findings)


@dataclass
class Outcome:
    """Whether a capture passed ``verify``, a one-line summary, and what did not match."""

    passed: bool
    summary: str
    findings: list[str]


def verify(
    records: Sequence[Record],
    expectation: Expectation | None = None,
    *,
    mode: str = "auto",
    progress: Progress | None = None,
) -> Outcome:
    """Check every frame against the expectation, then (``mode`` "auto" or "session")
    replay the session when the capture holds one."""
    expectation = expectation or Expectation()
    verdicts = check(records, Validator())
    findings = [f"check: {finding}" for finding in check_findings(verdicts, expectation)]
    if not records:
        findings.append("check: the capture holds no frames (an empty file proves nothing)")
    summary = f"{len(verdicts)} {'frame' if len(verdicts) == 1 else 'frames'} checked"
    directed = with_directions(records)
    has_session = {SENT, RECEIVED} <= {record.direction for record in directed}
    if mode in ("auto", "session") and expectation.session and has_session:
        result = replay_session(directed, expectation, progress)
        findings += [f"session: {finding}" for finding in result.findings]
        summary += f", replayed as {result.role} ({len(result.captured)} messages compared)"
    elif mode == "session":
        findings.append("session: the capture does not hold both sides of a session")
    return Outcome(not findings, summary, findings)


def _msg_type(data: bytes) -> str | None:
    """A frame's MsgType; an SBE message's, by its template."""
    if is_sbe(data):
        try:
            return sbe_schema.MESSAGES[sbe.decode(data).template_id].msg_type
        except BinanceError:
            return None
    return peek(data, Tag.MSG_TYPE)


def refused_signatures(records: Sequence[Record]) -> frozenset[int]:
    """The records received whose answer, the first record sent after them, is -1022: a
    Logon there had a bad signature. (A capture's signature is redacted: a replay signs the
    other Logons again.) One pass from the end, however the records run."""
    refused: set[int] = set()
    bad = False  # the verdict of the first record sent after the one at hand
    for index in range(len(records) - 1, -1, -1):
        record = records[index]
        if record.direction == SENT:
            bad = peek(record.data, Tag.ERROR_CODE) == str(errors.InvalidSignature.code)
        elif bad:
            refused.add(index)
    return frozenset(refused)


def resign(frame: bytes, key: Ed25519PrivateKey) -> bytes:
    """A captured Logon signed again with ``key`` (the capture's signature is redacted)."""
    sender, target, seq, sending_time = (peek(frame, tag) for tag in (49, 56, 34, 52))
    if sender is None or target is None or sending_time is None or not (seq or "").isdigit():
        return frame
    signature = binance.sign_logon(key, sender, target, int(seq or 0), sending_time)
    return set_raw_data(frame, signature.encode())


class _Replay:
    """What both roles share: the clock, running timers up to a time, collecting output."""

    def __init__(
        self, records: Sequence[Record], expectation: Expectation, progress: Progress | None
    ) -> None:
        self.records = list(records)
        self.expectation = expectation
        self.progress = progress
        self.role = "initiator" if isinstance(self, _InitiatorReplay) else "acceptor"
        self.encoding = _encoding(self.records, self.role)
        self.views = fix_views(self.records)  # (for reading fields)
        start = self.records[0].timestamp if self.records else None
        self.clock = ReplayClock(start or 0.0)
        self.sent = SentFrames(self.encoding.sbe_out(venue=self.role == "acceptor"))
        self.output = self.sent.frames
        self.problems: list[str] = []  # what the session could not do as the capture did

    def collect(self, session: Session) -> None:
        self.sent.add(session.data_to_send())

    def same_read(self, index: int) -> bool:
        """Whether the next record arrived in the same read as record ``index`` (received,
        with the same time): the recording side framed them from one chunk."""
        if index + 1 >= len(self.records):
            return False
        this, after = self.records[index], self.records[index + 1]
        return after.direction == RECEIVED and after.timestamp == this.timestamp

    def report(self, index: int) -> None:
        if self.progress is not None and index % 1000 == 0 and index:
            self.progress(index, len(self.records))

    def deadline(self) -> float | None:
        raise NotImplementedError

    def tick(self, now: float) -> None:
        raise NotImplementedError

    def advance(self, until: float) -> None:
        """Run every timer due by ``until``, each at its own deadline."""
        for _ in range(_MAX_TICKS):
            deadline = self.deadline()
            if deadline is None or deadline > until:
                break
            self.clock.now = max(self.clock.now, deadline)
            self.tick(self.clock.now)
        self.clock.now = max(self.clock.now, until)
        self.tick(self.clock.now)


class _AcceptorReplay(_Replay):
    def __init__(
        self, records: Sequence[Record], expectation: Expectation, progress: Progress | None
    ) -> None:
        super().__init__(records, expectation, progress)
        peer_logon = first_logon(self.views, RECEIVED)
        session_type = expectation.session_type or session_type_of(self.views, peer_logon)
        accounts = Accounts()
        if expectation.message_limit is not None:
            accounts.set_message_limit(session_type, expectation.message_limit)
        self.key = Ed25519PrivateKey.generate()
        username = peek(peer_logon, 553) or "replay"
        accounts.add_key(username, self.key.public_key())
        before = self.clock.now - 0.001
        for _ in range(expectation.connection_attempts):
            accounts.connect("127.0.0.1", session_type, before)
        for comp_id in expectation.comp_ids_in_use:
            accounts.logon(username, comp_id, session_type, before)
        self.session = Acceptor(
            accounts=accounts, session_type=session_type, wall_clock=self.clock,
            now=self.clock.now, encoding=self.encoding,
        )  # fmt: skip
        options: dict[str, Any] = {"wall_clock": self.clock}
        if expectation.order_limits is not None:
            options["order_limits"] = expectation.order_limits
        if expectation.unknown_order_code is not None:
            options["unknown_order_code"] = expectation.unknown_order_code
        trades = [r.data for r in self.views if r.direction == SENT and b"\x01150=F\x01" in r.data]
        if trades and not any(b"\x01136=" in data for data in trades):
            options["commission"] = Decimal(0)  # recorded by a venue that charged no fees
        self.exchange = Exchange(**options)

    def deadline(self) -> float | None:
        deadlines = [d for d in (self.session.next_deadline(), self.exchange.next_deadline())
                     if d is not None]  # fmt: skip
        return min(deadlines) if deadlines else None

    def tick(self, now: float) -> None:
        self.session.tick(now)
        self.exchange.tick(now)
        self.drain(now)

    def drain(self, now: float) -> None:
        for event in self.session.events():
            self.exchange.on_event(self.session, event, now)
        self.collect(self.session)

    def run(self) -> list[bytes]:
        actions = {action.at: action for action in self.expectation.actions}
        chunk: list[bytes] = []  # frames that arrived in one read are fed in one piece
        refused = refused_signatures(self.views)
        for index, record in enumerate(self.records):
            self.report(index)
            now = record.timestamp or self.clock.now
            self.advance(now)
            action = actions.get(index)
            if action is not None:
                if action.do == "start_maintenance":
                    self.session.start_maintenance(now, action.seconds)
                elif action.do == "logout":
                    self.session.logout(now)
                self.drain(now)
            if record.direction != RECEIVED:
                continue
            data = record.data
            if _msg_type(self.views[index].data) == "A" and index not in refused:
                data = resign_sbe(data, self.key) if record.sbe else resign(data, self.key)
            chunk.append(data)
            if not self.same_read(index) or index + 1 in actions:
                self.session.receive_data(b"".join(chunk), now)
                chunk.clear()
                self.drain(now)
        return self.output


class _InitiatorReplay(_Replay):
    def __init__(
        self, records: Sequence[Record], expectation: Expectation, progress: Progress | None
    ) -> None:
        super().__init__(records, expectation, progress)
        logon = first_logon(self.views, SENT)
        session_type = expectation.session_type or session_type_of(self.views, logon)
        response_mode = peek(logon, 25036)
        recv_window = peek(logon, 25000)
        self.session = Initiator(
            api_key=peek(logon, 553) or "replay", private_key=Ed25519PrivateKey.generate(),
            sender_comp_id=peek(logon, 49) or "replay",
            target_comp_id=peek(logon, 56) or "SPOT",
            session_type=session_type, wall_clock=self.clock, now=self.clock.now,
            encoding=self.encoding,
            heart_bt_int=int(peek(logon, 108) or 30),
            message_handling=int(peek(logon, 25035) or 2),
            response_mode=int(response_mode) if response_mode else None,
            recv_window_ms=float(recv_window) if recv_window else None,
        )  # fmt: skip
        # Logouts the capture's initiator sent so far, and the replay's (its output counted
        # up to ``_counted``): it logs out when the capture did and it has not yet.
        self._captured_logouts = self._sent_logouts = self._counted = 0

    def deadline(self) -> float | None:
        return self.session.next_deadline()

    def tick(self, now: float) -> None:
        self.session.tick(now)
        self.session.events()
        self.collect(self.session)

    def run(self) -> list[bytes]:
        session = self.session
        chunk: list[bytes] = []
        for index, record in enumerate(self.records):
            self.report(index)
            now = record.timestamp or self.clock.now
            self.advance(now)
            msg_type = _msg_type(self.views[index].data)
            if record.direction == RECEIVED:
                chunk.append(record.data)
                if not self.same_read(index):
                    session.receive_data(b"".join(chunk), now)
                    chunk.clear()
            else:
                self._captured_logouts += msg_type == MsgType.LOGOUT
                try:
                    self.send(index, self.views[index], msg_type, now)
                except (SessionStateError, ValueError) as error:
                    self.problems.append(f"record {index}: the initiator cannot send it ({error})")
                    self.output.append(record.data)
            session.events()
            self.collect(session)
        return self.output

    def send(self, index: int, record: Record, msg_type: str | None, now: float) -> None:
        """Do what the recording initiator did to send ``record``."""
        session = self.session
        raw = self.records[index].data  # (``record`` is its FIX view)
        if not is_frame(record.data):
            self.output.append(raw)  # garbled bytes, sent as they were
        elif msg_type == MsgType.LOGON:
            session.logon(now)
        elif msg_type == MsgType.LOGOUT:
            for data in self.output[self._counted :]:  # (each output counted once)
                self._sent_logouts += _msg_type(data) == MsgType.LOGOUT
            self._counted = len(self.output)
            if self._sent_logouts < self._captured_logouts:  # (this one counted in run)
                session.logout(now, peek(record.data, Tag.TEXT))
        elif msg_type in _ADMIN:
            pass  # Heartbeats and TestRequests: the session's own timers and answers
        elif peek(record.data, Tag.MSG_SEQ_NUM) == str(session.next_outbound_seq):
            session.send(Message.decode(record.data), now, validate=False)
        else:
            self.output.append(raw)  # sent raw, out of the session's numbering


def first_logon(records: Sequence[Record], direction: str) -> bytes:
    """The first Logon going ``direction`` in ``records`` (empty if none)."""
    for record in records:
        if record.direction == direction and _msg_type(record.data) == MsgType.LOGON:
            return record.data
    return b""


def session_type_of(records: Sequence[Record], logon: bytes) -> SessionType:
    """What a capture shows: drop copy if its Logon says DropCopyFlag(9406)=Y, market data if
    it holds a market-data message, else order entry."""
    if peek(logon, 9406) == "Y":
        return SessionType.DROP_COPY
    for record in records:
        if _msg_type(record.data) in (MsgType.MARKET_DATA_REQUEST, MsgType.INSTRUMENT_LIST_REQUEST,
                                      MsgType.MARKET_DATA_SNAPSHOT):  # fmt: skip
            return SessionType.MARKET_DATA
    return SessionType.ORDER_ENTRY
