"""Counters a client or a server keeps while it runs, for dashboards and alerts.

Owns ``Stats``: messages in and out by MsgType, rejects by ErrorCode (received and sent),
sessions logged on and ended, reconnects, and a histogram of ``request()`` round trips. Pure
data, updated by its owner (``client.Client``, ``venue.server.Server``); ``metrics`` exports
it to Prometheus when asked, reading it at scrape time (nothing is paid per message for an
exporter nobody scrapes). No I/O, no clock reads.
"""

from __future__ import annotations

import bisect
import collections
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, TypeVar

_Key = TypeVar("_Key", str, int)
MAX_KINDS: Final = 128
"""MsgTypes (or ErrorCodes) a counter keeps apart; past them, and for a MsgType longer than 8
characters or a code of more than 8 digits, a peer's messages count under ``OTHER`` (a peer
must not choose how many keys, and Prometheus labels, there are)."""
OTHER: Final = "other"
OTHER_CODE: Final = 0


def tally(counts: collections.Counter[_Key], key: _Key, other: _Key) -> None:
    """Count ``key`` in ``counts`` within ``MAX_KINDS``, else as ``other``."""
    if key in counts or (len(counts) < MAX_KINDS and len(str(key)) <= 8):
        counts[key] += 1
    else:
        counts[other] += 1


LATENCY_BUCKETS: Final = (
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
    2.5, 5.0, 10.0,
)  # fmt: skip
"""Upper bounds (seconds) of the round-trip histogram's buckets; one more counts the rest."""


@dataclass
class Stats:
    """What one client or server has seen since it started (see the module docstring)."""

    messages_in: collections.Counter[str] = field(default_factory=collections.Counter)
    messages_out: collections.Counter[str] = field(default_factory=collections.Counter)
    rejects_in: collections.Counter[int] = field(default_factory=collections.Counter)
    rejects_out: collections.Counter[int] = field(default_factory=collections.Counter)
    logons: int = 0
    sessions_ended: int = 0
    reconnects: int = 0
    round_trips: list[int] = field(default_factory=lambda: [0] * (len(LATENCY_BUCKETS) + 1))
    round_trip_seconds: float = 0.0  # their sum
    message_limit_usage: Callable[[], tuple[int, int] | None] | None = None
    """Messages sent in the message limit's window and the limit, read when asked (a client
    sets it: its pacer counts them); None for a server."""

    def round_trip(self, seconds: float) -> None:
        """A ``request()`` answered after ``seconds``."""
        self.round_trips[bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1
        self.round_trip_seconds += seconds

    @property
    def round_trip_count(self) -> int:
        """How many ``request()`` round trips the histogram holds."""
        return sum(self.round_trips)
