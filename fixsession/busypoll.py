"""Busy polling: an asyncio event loop that, where it would block waiting for I/O, first
polls its sockets without blocking for up to a set time (the spin), then blocks as usual.

One order in flight leaves each side idle between messages, and waking an idle process (an
idle CPU, most of all a virtual one) costs more on loopback than the work itself; a process
that is still polling when the answer lands picks it up at once. The price is CPU: up to
the spin after every event, all of it while messages keep coming. Opt-in only, for
gateways that give a core to latency: ``busypoll.run(main(), spin=200e-6)``, or
``asyncio.Runner(loop_factory=busypoll.loop_factory(200e-6))``; ``fixsession serve
--busy-poll MICROSECONDS`` for the venue. Timers keep their time: the spin never runs past a
timeout the loop asked for.

Owns only that choice of loop; no FIX here, and nothing else of the loop changes.
"""

from __future__ import annotations

import asyncio
import selectors
import time
from collections.abc import Callable, Coroutine
from typing import Any, Final, TypeVar

MAX_SPIN: Final = 0.01
"""The longest spin taken (10 ms): beyond it, sleeping costs less than it saves."""

T = TypeVar("T")


class BusyPollSelector(selectors.DefaultSelector):
    """The platform's default selector, polling for up to ``spin`` seconds before it blocks."""

    def __init__(self, spin: float) -> None:
        self.spin = _checked(spin)  # (before an epoll is opened for nothing)
        super().__init__()

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if self.spin <= 0 or (timeout is not None and timeout <= 0):
            return super().select(timeout)
        began = time.perf_counter()
        end = began + (self.spin if timeout is None else min(self.spin, timeout))
        while True:
            ready = super().select(0)
            if ready:
                return ready
            now = time.perf_counter()
            if now >= end:
                break
        if timeout is None:
            return super().select(None)
        return super().select(max(0.0, timeout - (now - began)))


def _checked(spin: float) -> float:
    if not 0 <= spin <= MAX_SPIN:
        raise ValueError(f"spin must be from 0 to {MAX_SPIN} seconds, not {spin!r}")
    return spin


def loop_factory(spin: float) -> Callable[[], asyncio.AbstractEventLoop]:
    """A ``loop_factory`` for ``asyncio.Runner``: new loops that busy-poll for ``spin`` s."""
    _checked(spin)  # (a bad spin fails here, not in the Runner)
    return lambda: asyncio.SelectorEventLoop(BusyPollSelector(spin))


def run(main: Coroutine[Any, Any, T], *, spin: float) -> T:
    """``asyncio.run(main)`` on a loop that busy-polls for up to ``spin`` seconds."""
    with asyncio.Runner(loop_factory=loop_factory(spin)) as runner:
        return runner.run(main)
