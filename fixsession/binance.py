"""The Binance profile: Logon signing, SendingTime, each session type's rules and limits.

Owns what is specific to Binance rather than to FIX: the Ed25519 signature over a Logon's
MsgType, SenderCompID, TargetCompID, MsgSeqNum and SendingTime (signing for an initiator,
verifying for an acceptor); SendingTime formats and the RecvWindow rule; what each session
type allows and its message and connection limits; a sliding window of recent events, and the
client's ``Pacer`` under a limit. (The venue's bookkeeping across connections is
``venue.accounts``.) Time is always an input; nothing here does I/O or reads a clock.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import collections
import datetime
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key

from fixsession import _moved, errors, speedups
from fixsession.errors import BinanceError
from fixsession.spec import MsgType, SessionType

# -- Logon signature ----------------------------------------------------------------------------


def signature_payload(
    sender_comp_id: str, target_comp_id: str, msg_seq_num: int, sending_time: str
) -> bytes:
    """What a Logon signs: MsgType ``A``, 49, 56, 34 and 52, joined by SOH."""
    fields = ("A", sender_comp_id, target_comp_id, str(msg_seq_num), sending_time)
    return "\x01".join(fields).encode("ascii")


def sign_logon(
    private_key: Ed25519PrivateKey,
    sender_comp_id: str,
    target_comp_id: str,
    msg_seq_num: int,
    sending_time: str,
) -> str:
    """RawData(96) of a Logon: the base64 Ed25519 signature of ``signature_payload``."""
    payload = signature_payload(sender_comp_id, target_comp_id, msg_seq_num, sending_time)
    return base64.b64encode(private_key.sign(payload)).decode("ascii")


def verify_logon(
    public_key: Ed25519PublicKey,
    signature: str,
    sender_comp_id: str,
    target_comp_id: str,
    msg_seq_num: int,
    sending_time: str,
) -> bool:
    """Whether RawData(96) is the key's signature of the Logon's signed fields."""
    try:
        raw = base64.b64decode(signature, validate=True)
        payload = signature_payload(sender_comp_id, target_comp_id, msg_seq_num, sending_time)
        public_key.verify(raw, payload)
    except (InvalidSignature, binascii.Error, ValueError, UnicodeEncodeError):
        return False
    return True


def load_private_key(pem: bytes | str, password: bytes | str | None = None) -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM, encrypted with ``password`` or not; ValueError
    (never the key's bytes, never the password) if it is not one or cannot be opened."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    secret = password.encode() if isinstance(password, str) else password
    try:
        key = load_pem_private_key(data, password=secret)
    except TypeError as error:  # cryptography's words for a missing or needless password
        if secret is None:
            raise ValueError("the private key is encrypted: give its password") from None
        if "not encrypted" in str(error):
            raise ValueError("the private key is not encrypted: give no password") from None
        raise ValueError(f"not a PEM private key: {type(error).__name__}") from None
    except (ValueError, UnicodeError) as error:
        if secret is not None and b"ENCRYPTED" in data:
            raise ValueError("cannot open the private key: wrong password?") from None
        raise ValueError(f"not a PEM private key: {type(error).__name__}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("Binance's FIX API takes Ed25519 keys only")
    return key


def load_public_key(pem: bytes | str) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM; ValueError if it is not one."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    try:
        key = load_pem_public_key(data)
    except (ValueError, TypeError, UnicodeError) as error:
        raise ValueError(f"not a PEM public key: {type(error).__name__}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("Binance's FIX API takes Ed25519 keys only")
    return key


# -- SendingTime -------------------------------------------------------------------------------

_SENDING_TIME: Final = re.compile(
    r"([0-9]{4})([0-9]{2})([0-9]{2})-([0-9]{2}):([0-9]{2}):([0-9]{2})"
)


_EPOCH: Final = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@functools.lru_cache(maxsize=8)
def _whole_seconds(seconds: int) -> str:
    at = _EPOCH + datetime.timedelta(seconds=seconds)
    # Not strftime: its %Y writes year 26 as "26" on glibc, a line that reads back as no time.
    return f"{at.year:04d}{at.month:02d}{at.day:02d}-{at.hour:02d}:{at.minute:02d}:{at.second:02d}"


def format_sending_time(epoch: float, digits: int = 3) -> str:
    """A UTCTIMESTAMP for ``epoch`` seconds, with milliseconds (3) or microseconds (6)."""
    sending_time = speedups.sending_time
    if sending_time is not None and type(epoch) is float:
        text = sending_time(epoch, digits)
        if text is not None:
            return text
    micros = round(epoch * 1_000_000)
    seconds, micro = divmod(micros, 1_000_000)
    stamp = _whole_seconds(seconds)  # formatted once a second, not once a message
    if digits == 3:
        return f"{stamp}.{micro // 1000:03d}"
    if digits == 6:
        return f"{stamp}.{micro:06d}"
    if digits == 0:
        return stamp
    fraction = f"{micro:06d}"[:digits]
    return f"{stamp}.{fraction}"


def parse_sending_time(text: str) -> float | None:
    """Epoch seconds of a UTCTIMESTAMP, or None if it is not one."""
    epoch: float | None = _whole_second(text[:17])  # the date and time change once a second
    if epoch is None:
        return None
    fraction = text[17:]
    if not fraction:
        return epoch
    digits = fraction[1:]
    if (
        fraction[0] != "."
        or len(digits) not in (3, 6)
        or not (digits.isascii() and digits.isdigit())
    ):
        return None
    return epoch + int(digits) / (1_000 if len(digits) == 3 else 1_000_000)


@functools.lru_cache(maxsize=64)
def _whole_second(text: str) -> float | None:
    """Epoch seconds of ``YYYYMMDD-HH:MM:SS``, or None."""
    found = _SENDING_TIME.fullmatch(text)
    if found is None:
        return None
    year, month, day, hour, minute, second = map(int, found.groups())
    if not (year >= 1 and 1 <= month <= 12 and 1 <= day <= 31 and hour < 24):
        return None  # (year 0 exists in no calendar a datetime can write back)
    try:
        return float(calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0)))
    except (ValueError, OverflowError):
        return None


LOGON_RECV_WINDOW_MS: Final = 5000.0
"""RecvWindow a Logon gets when it sends none; other messages are only checked with one."""
MAX_RECV_WINDOW_MS: Final = 60000.0


def format_recv_window(milliseconds: float | Decimal | str) -> str:
    """RecvWindow(25000) as sent: milliseconds with up to three decimal places, as Binance
    takes it (``6000.346``: microseconds), never in exponent form; ValueError for a fourth
    decimal place (Binance's limit; rounding would change the request's window)."""
    try:
        value = Decimal(str(milliseconds))
    except ArithmeticError:
        raise ValueError(
            f"RecvWindow must be a number of milliseconds, not {milliseconds!r}"
        ) from None
    if not value.is_finite() or value != value.quantize(Decimal("0.001")):
        raise ValueError(f"RecvWindow takes at most three decimal places, not {milliseconds!r}")
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


MAX_CLOCK_AHEAD_S: Final = 1.0


def sending_time_fault(
    sending_time: str, recv_window_ms: float | None, server_epoch: float
) -> BinanceError | None:
    """INVALID_TIMESTAMP when SendingTime is 1 s ahead of the server or older than RecvWindow."""
    if recv_window_ms is None:  # (most messages: no RecvWindow, so only "ahead" is checked)
        whole = _whole_second(sending_time[:17])
        if whole is not None and whole <= server_epoch:
            return None  # under a second ahead whatever its fraction (a malformed one: None)
    epoch = parse_sending_time(sending_time)
    if epoch is None:
        return None  # a malformed SendingTime is the dictionary's fault, not this one
    if epoch - server_epoch >= MAX_CLOCK_AHEAD_S:
        return errors.InvalidTimestamp.from_template(template=1, ref_tag_id=52)
    if recv_window_ms is not None and (server_epoch - epoch) * 1000 > recv_window_ms:
        return errors.InvalidTimestamp.from_template(template=0, ref_tag_id=52)
    return None


# -- session types -----------------------------------------------------------------------------


MAX_LIMIT_COUNT: Final = 10**9
MAX_LIMIT_SECONDS: Final = 366 * 86400


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``count`` in any ``seconds``-long window."""

    count: int
    seconds: float

    @property
    def interval(self) -> str:
        """The window as Binance writes it in limit texts: ``10s``, ``1m``, ``5m``."""
        whole = int(self.seconds)
        if whole == self.seconds and whole % 3600 == 0:
            return f"{whole // 3600}h"
        if whole == self.seconds and whole % 60 == 0:
            return f"{whole // 60}m"
        return f"{self.seconds:g}s"

    @classmethod
    def parse(cls, text: str) -> Limit:
        """``COUNT/SECONDS`` (``10000/10``), as ``str()`` writes it; ValueError otherwise."""
        count, _, seconds = text.partition("/")
        try:
            limit = cls(int(count), float(seconds))
        except ValueError:
            raise ValueError(
                f"a limit is COUNT/SECONDS, e.g. 10000/10, not {text[:40]!r}"
            ) from None
        if not 1 <= limit.count <= MAX_LIMIT_COUNT or not 0 < limit.seconds <= MAX_LIMIT_SECONDS:
            raise ValueError(
                f"a limit needs a positive count (at most {MAX_LIMIT_COUNT:,}) and a window of "
                f"more than 0 and at most {MAX_LIMIT_SECONDS:,} seconds, not {text[:40]!r}"
            )
        return limit

    def __str__(self) -> str:
        seconds = float(self.seconds)
        return f"{self.count}/{int(seconds) if seconds.is_integer() else repr(seconds)}"


_ORDER_MESSAGES: Final = frozenset(
    {MsgType.NEW_ORDER_SINGLE, MsgType.ORDER_CANCEL_REQUEST, MsgType.NEW_ORDER_LIST,
     MsgType.ORDER_MASS_CANCEL_REQUEST, MsgType.ORDER_AMEND_KEEP_PRIORITY_REQUEST,
     MsgType.ORDER_CANCEL_REQUEST_AND_NEW_ORDER_SINGLE}
)  # fmt: skip
_MARKET_DATA_MESSAGES: Final = frozenset(
    {MsgType.MARKET_DATA_REQUEST, MsgType.INSTRUMENT_LIST_REQUEST}
)
_SESSION_MESSAGES: Final = frozenset(
    {MsgType.LOGON, MsgType.HEARTBEAT, MsgType.TEST_REQUEST, MsgType.LOGOUT, MsgType.REJECT,
     MsgType.LIMIT_QUERY}
)  # fmt: skip


@dataclass(frozen=True)
class SessionRules:
    """What one session type allows a client to send, and its limits (digest §1.2, §7)."""

    session_type: SessionType
    message_limit: Limit
    connection_attempts: Limit
    max_connections: int
    max_streams: int = 0
    requests: frozenset[str] = field(default_factory=frozenset)
    not_allowed: type[BinanceError] = errors.UnsupportedOperation

    def request_fault(self, msg_type: str) -> BinanceError | None:
        """The reject for a client message this session type does not take, or None."""
        if msg_type in _SESSION_MESSAGES or msg_type in self.requests:
            return None
        if msg_type in _ORDER_MESSAGES or msg_type in _MARKET_DATA_MESSAGES:
            return self.not_allowed.from_template(ref_tag_id=35, ref_msg_type=msg_type)
        return errors.UnsupportedOperation.from_template(ref_tag_id=35, ref_msg_type=msg_type)


RULES: Final[dict[SessionType, SessionRules]] = {
    SessionType.ORDER_ENTRY: SessionRules(
        SessionType.ORDER_ENTRY, Limit(10_000, 10), Limit(15, 30), 10,
        requests=_ORDER_MESSAGES, not_allowed=errors.NotAllowedInOrderEntrySessions,
    ),
    SessionType.DROP_COPY: SessionRules(
        SessionType.DROP_COPY, Limit(60, 60), Limit(15, 30), 10,
        not_allowed=errors.NotAllowedInDropCopySessions,
    ),
    SessionType.MARKET_DATA: SessionRules(
        SessionType.MARKET_DATA, Limit(2_000, 60), Limit(300, 300), 100, max_streams=1_000,
        requests=_MARKET_DATA_MESSAGES, not_allowed=errors.NotAllowedInMarketDataSessions,
    ),
}  # fmt: skip
"""Each session type's rules as Binance documents them; pass your own to change a limit."""


# -- windows and pacing ------------------------------------------------------------------------


class Window:
    """Times of recent events, to count those within a sliding window (bounded by the limit)."""

    def __init__(self, limit: Limit) -> None:
        self.limit = limit
        self._times: collections.deque[float] = collections.deque(maxlen=limit.count + 1)

    def count(self, now: float) -> int:
        """How many events the window holds at ``now`` (older ones forgotten)."""
        times = self._times
        while times and times[0] <= now - self.limit.seconds:
            times.popleft()
        return len(times)

    def add(self, now: float) -> bool:
        """Record an event; False if it goes over the limit."""
        over = self.count(now) >= self.limit.count
        self._times.append(now)
        return not over

    def record(self, now: float) -> None:
        """Record an event, counting nothing (``count`` forgets old ones when asked)."""
        self._times.append(now)

    def give_back(self, now: float) -> None:
        """Forget the latest event the window holds at ``now``, if any (never below zero)."""
        if self.count(now):
            self._times.pop()


class Pacer:
    """Keeps a sender under a message limit, for a client: how long to wait before sending.

    A margin of the count (``margin`` messages, 1 % and at least 2 by default) is left for
    the session's own Heartbeats and Logout, and a sent message leaves the window ``slack``
    seconds late (2 % of the window, at least 0.1 s by default): the server's window starts
    when the bytes arrive, and a burst that waited in a buffer arrives bunched up.
    """

    def __init__(self, limit: Limit, margin: int | None = None, slack: float | None = None):
        margin = margin if margin is not None else max(2, limit.count // 100)
        slack = slack if slack is not None else max(0.1, limit.seconds / 50)
        self.budget = max(1, limit.count - margin)
        self._window = Window(Limit(limit.count, limit.seconds + slack))

    def sent(self, now: float) -> None:
        """A message went out."""
        self._window.record(now)

    def used(self, now: float) -> int:
        """Messages sent within the window at ``now`` (as the pacer counts them)."""
        return self._window.count(now)

    def delay(self, now: float, messages: int = 1) -> float:
        """Seconds to wait before ``messages`` more stay within the budget."""
        messages = min(max(1, messages), self.budget)
        window = self._window
        count = window.count(now)
        if count + messages <= self.budget:
            return 0.0
        # Wait until enough of the window's messages age out to leave room.
        oldest = window._times[count + messages - self.budget - 1]
        return max(0.0, oldest + window.limit.seconds - now)


def __getattr__(name: str) -> object:  # names that moved elsewhere: old imports keep working
    return _moved.attribute(__name__, name)
