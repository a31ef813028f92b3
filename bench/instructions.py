"""Instructions per order round trip, counted by valgrind's callgrind: fixsession's client and
``serve``'s Server in this one process over loopback, a NewOrderSingle and its ExecutionReport
each time, every check on. Wall time on a shared virtual machine moves by ±15 % between runs;
this count moves only when the code does, so run it before and after a change.

    python bench/instructions.py [--round-trips N]

It runs itself twice under valgrind (after a warm-up, 500 round trips, then 500 + N) and
prints the difference per round trip, so that start-up cancels out. Needs valgrind (Debian's
``valgrind`` package); without it, it says so and does nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import fixsession
from fixsession import speedups
from fixsession.binance import RULES, Limit
from fixsession.message import Message
from fixsession.spec import SessionType
from fixsession.venue.accounts import Accounts
from fixsession.venue.exchange import Exchange
from fixsession.venue.server import serve

BASE = 500
WARMUP = 200
UNLIMITED = Limit.parse("100000000/10")
ORDER = [(38, "0.001"), (40, "2"), (44, "60000"), (54, "1"), (55, "BTCUSDT"), (59, "1")]


async def round_trips(count: int) -> None:
    """``WARMUP + count`` orders, one in flight, through a client and a server in this process."""
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    accounts = Accounts()
    accounts.add_key("bench", key.public_key())
    accounts.set_message_limit(SessionType.ORDER_ENTRY, UNLIMITED)
    exchange = Exchange(wall_clock=time.time, order_limits=(UNLIMITED,))
    server = await serve("127.0.0.1", 0, accounts=accounts, exchange=exchange)
    gc.freeze()  # as ``fixsession serve`` does
    gc.set_threshold(50_000, 20, 20)
    assert server.address is not None
    rules = dataclasses.replace(RULES[SessionType.ORDER_ENTRY], message_limit=UNLIMITED)
    host, port = server.address
    async with fixsession.connect(
        host, port, api_key="bench", private_key=key, sender_comp_id="BENCH", tls=False,
        rules=rules,
    ) as client:  # fmt: skip
        for n in range(WARMUP + count):
            report = await client.request(Message("D", [(11, f"o{n}"), *ORDER]))
            if report.get(39) != "0":
                raise SystemExit(f"order {n} was not acknowledged: {report!r}")
    await server.close()


def counted(count: int) -> int:
    """The instructions valgrind counts for this file's child doing ``count`` round trips."""
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, __file__, "--child", str(count),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(Path(__file__).parent.parent)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"valgrind failed ({done.returncode}): {done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--round-trips", type=int, default=2_000, metavar="N")
    parser.add_argument("--child", type=int, metavar="N", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        asyncio.run(round_trips(args.child))
        return
    if args.round_trips < 1:
        parser.error("--round-trips must be at least 1")
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind): nothing counted")
        return
    which = "C speedups" if speedups.enabled() else "pure Python"
    print(f"counting {BASE} and {BASE + args.round_trips} round trips under valgrind ({which})")
    began = time.perf_counter()
    base, more = counted(BASE), counted(BASE + args.round_trips)
    per = (more - base) / args.round_trips
    print(f"{per:,.0f} instructions per round trip ({time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()
