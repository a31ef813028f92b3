"""A deterministic, Binance-shaped FIX 4.4 corpus for the benchmarks in ``bench/run.py``.

The mix is the one the performance budget is stated for: 45 % ExecutionReport (35=8, the 21
body fields of Binance's sample report, ~365 bytes), 10 % Heartbeat (35=0, header only, ~83
bytes) and 45 % MarketDataIncrementalRefresh (35=X, a diff-depth update with a 10-entry
NoMDEntries(268) group, ~584 bytes). Every frame is built here, byte by byte, with a correct
BodyLength(9) and CheckSum(10); nothing in ``fixsession`` is used to make it, so the corpus is
an independent check of the framer.

Frames use the header layout of Binance's gateway::

    8=FIX.4.4|9=N|35=T|34=seq|49=SPOT|52=20240611-09:01:46.228950|56=qNXO12fH|...|10=ddd|

MsgSeqNum(34) runs 1..N; every other value (ids, prices, quantities, timestamps, the order of
message types) comes from ``random.Random(seed)``, so a seed always yields the same bytes.

As on Binance's Market Data sessions, Symbol(55), FirstBookUpdateID(25043) and
LastBookUpdateID(25044) appear in the first entry of the group only (later entries for the
same symbol omit them); with all seven fields in every entry a 10-entry update could not be
smaller than ~630 bytes.
"""

from __future__ import annotations

import datetime
import random
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

SOH: Final = b"\x01"
BEGIN_STRING: Final = b"FIX.4.4"
SENDER: Final = "SPOT"
TARGET: Final = "qNXO12fH"
CHUNK_SIZE: Final = 4096  # bytes per read, as a socket would deliver the stream
DEFAULT_SEED: Final = 20240611

# The mix, in percent of messages.
MIX: Final = (("8", 45), ("0", 10), ("X", 45))
MD_ENTRIES: Final = 10

_START: Final = datetime.datetime(2024, 6, 11, 9, 1, 46, 228950)
_SYMBOLS: Final = ("LTCBNB", "BNBBUSD", "BTCUSDT", "ETHUSDT")
_MD_REQ_IDS: Final = ("BOOK01", "BOOK02", "BOOK03")
_SCALE: Final = 10**8  # prices and quantities carry 8 decimals, as Binance sends them


def frame(msg_type: str, fields: Iterable[tuple[int, str]]) -> bytes:
    """One complete frame: ``8``, ``9`` and ``35``, then ``fields`` in order, then ``10``.

    BodyLength counts the bytes after the ``9=N<SOH>`` field up to and including the SOH
    before ``10=``; CheckSum is the sum of every byte before ``10=``, modulo 256, as 3 digits.
    """
    body = b"".join(b"%d=%s\x01" % (tag, value.encode("ascii")) for tag, value in fields)
    body = b"35=" + msg_type.encode("ascii") + SOH + body
    head = b"8=" + BEGIN_STRING + SOH + b"9=%d" % len(body) + SOH
    checksum = sum(head) + sum(body)
    return head + body + b"10=%03d\x01" % (checksum % 256)


def _decimal(units: int) -> str:
    """A non-negative amount in 1e-8 units as Binance writes it: ``10.00000000``."""
    whole, fraction = divmod(units, _SCALE)
    return f"{whole}.{fraction:08d}"


def _timestamp(moment: datetime.datetime) -> str:
    return moment.strftime("%Y%m%d-%H:%M:%S.%f")


def _header(seq: int, sending_time: str) -> list[tuple[int, str]]:
    return [(34, str(seq)), (49, SENDER), (52, sending_time), (56, TARGET)]


def execution_report(rng: random.Random, seq: int, now: datetime.datetime) -> bytes:
    """An ExecutionReport<8> with the fields of Binance's sample, in its order.

    OrderID(37) is above 2**32 (Binance order ids are 64-bit); ClOrdID(11) is 19 digits.
    """
    price = rng.randrange(1, 2_000) * _SCALE + rng.randrange(0, 100) * 10**6
    order_qty = rng.randrange(1, 50) * _SCALE
    status = rng.choice(("0", "1", "2"))  # New, PartiallyFilled, Filled
    if status == "0":
        last_qty = cum_qty = 0
        exec_type = "0"
    else:
        cum_qty = order_qty if status == "2" else rng.randrange(1, order_qty // _SCALE + 1) * 10**7
        cum_qty = min(cum_qty, order_qty)
        last_qty = cum_qty
        exec_type = "F"
    transact = _timestamp(now - datetime.timedelta(microseconds=rng.randrange(200, 900)))
    created = _timestamp(now - datetime.timedelta(milliseconds=rng.randrange(1, 5_000)))
    fields = [
        *_header(seq, _timestamp(now)),
        (11, str(1718096506197867067 + rng.randrange(10**12))),
        (14, _decimal(cum_qty)),
        (17, str(rng.randrange(10**7, 10**8))),
        (32, _decimal(last_qty)),
        (37, str(2**32 + rng.randrange(2**32))),
        (38, _decimal(order_qty)),
        (39, status),
        (40, "2"),
        (44, _decimal(price)),
        (54, rng.choice(("1", "2"))),
        (55, rng.choice(_SYMBOLS)),
        (59, rng.choice(("1", "4"))),
        (60, transact),
        (150, exec_type),
        (151, _decimal(order_qty - cum_qty)),
        (636, "Y"),
        (1057, rng.choice(("Y", "N"))),
        (25001, rng.choice(("1", "2", "3"))),
        (25017, _decimal(cum_qty * price // _SCALE)),
        (25018, created),
        (25023, created),
    ]
    return frame("8", fields)


def heartbeat(seq: int, now: datetime.datetime) -> bytes:
    """A Heartbeat<0>: the header fields only."""
    return frame("0", _header(seq, _timestamp(now)))


def incremental_refresh(rng: random.Random, seq: int, now: datetime.datetime) -> bytes:
    """A MarketDataIncrementalRefresh<X>: a diff-depth update of ``MD_ENTRIES`` levels."""
    mid = rng.randrange(100, 999) * _SCALE
    first_id = rng.randrange(10**9, 10**10)
    fields = [*_header(seq, _timestamp(now)), (262, rng.choice(_MD_REQ_IDS))]
    fields.append((268, str(MD_ENTRIES)))
    for entry in range(MD_ENTRIES):
        side = rng.choice(("0", "1"))  # Bid, Offer
        offset = rng.randrange(1, 99) * 10**6
        price = mid - offset if side == "0" else mid + offset
        fields += [
            (279, rng.choice(("0", "1"))),  # New, Change: both carry a size
            (269, side),
            (270, _decimal(price)),
            (271, _decimal(rng.randrange(1, 999) * 10**5)),
        ]
        if entry == 0:
            last_id = first_id + rng.randrange(1, 50)
            fields += [(55, "BNBBUSD"), (25043, str(first_id)), (25044, str(last_id))]
    return frame("X", fields)


@dataclass(frozen=True, slots=True)
class Corpus:
    """N frames, the stream they make, and that stream cut into socket-sized chunks."""

    seed: int
    frames: tuple[bytes, ...]
    msg_types: tuple[str, ...]
    stream: bytes
    chunks: tuple[bytes, ...]

    def __len__(self) -> int:
        return len(self.frames)

    def prefix(self, count: int) -> Corpus:
        """The first ``count`` frames as a corpus of their own (chunked the same way)."""
        return _assemble(self.seed, self.frames[:count], self.msg_types[:count])

    def sizes(self) -> dict[str, float]:
        """Average frame size in bytes, per MsgType and overall (``"all"``)."""
        by_type: dict[str, list[int]] = {}
        for msg_type, data in zip(self.msg_types, self.frames, strict=True):
            by_type.setdefault(msg_type, []).append(len(data))
        sizes = {key: statistics.fmean(by_type[key]) for key, _ in MIX if key in by_type}
        sizes["all"] = len(self.stream) / len(self.frames)
        return sizes

    def shares(self) -> dict[str, float]:
        """Share of each MsgType in the corpus, in percent."""
        return {key: 100 * self.msg_types.count(key) / len(self) for key, _ in MIX}


def chunked(data: bytes, size: int = CHUNK_SIZE) -> tuple[bytes, ...]:
    """``data`` cut into ``size``-byte pieces (the last may be shorter)."""
    return tuple(data[start : start + size] for start in range(0, len(data), size))


def _assemble(seed: int, frames: Sequence[bytes], msg_types: Sequence[str]) -> Corpus:
    stream = b"".join(frames)
    return Corpus(seed, tuple(frames), tuple(msg_types), stream, chunked(stream))


def build(count: int, seed: int = DEFAULT_SEED) -> Corpus:
    """``count`` frames in the MIX proportions, shuffled, MsgSeqNum 1..count."""
    if count < 1:
        raise ValueError("a corpus holds at least one message")
    rng = random.Random(seed)
    kinds: list[str] = []
    for msg_type, percent in MIX:
        kinds += [msg_type] * (count * percent // 100)
    kinds += [MIX[0][0]] * (count - len(kinds))  # rounding remainder
    rng.shuffle(kinds)
    now = _START
    frames: list[bytes] = []
    for seq, kind in enumerate(kinds, start=1):
        now += datetime.timedelta(microseconds=rng.randrange(50, 5_000))
        if kind == "8":
            frames.append(execution_report(rng, seq, now))
        elif kind == "0":
            frames.append(heartbeat(seq, now))
        else:
            frames.append(incremental_refresh(rng, seq, now))
    return _assemble(seed, frames, kinds)
