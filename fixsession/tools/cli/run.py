"""The ``run`` command: every session of a gateway settings file, and their event log.

Owns wiring ``gateway.Gateway`` to a terminal: open the sessions the file names, print one
line per event (time, session, what happened) until SIGINT/SIGTERM or ``--seconds``, then
log every session out. ``--check`` only reads the file and the keys it names.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import ssl
import time
from typing import Any, TextIO

from fixsession import busypoll
from fixsession.client import ClientEvent, Dropped, Reconnected
from fixsession.errors import BinanceError
from fixsession.eventlog import describe
from fixsession.events import MessageReceived
from fixsession.gateway import Gateway, load
from fixsession.settings import SettingsError
from fixsession.tools.cli.common import PeerError, UsageError, add_busy_poll, positive_seconds

SHOWN: int = 120  # characters of a message a line shows


def line(name: str, event: ClientEvent, epoch: float) -> str:
    """The event log's line for a session's event."""
    stamp = time.strftime("%H:%M:%S", time.gmtime(epoch)) + f".{int(epoch * 1000) % 1000:03d}"
    if isinstance(event, Reconnected):
        how = ", logged out first (no free connection slot)" if event.closed_first else ""
        again = f", resubscribed {', '.join(event.resubscribed)}" if event.resubscribed else ""
        text = f"reconnected as {event.sender_comp_id} ({event.reason}){how}{again}"
    elif isinstance(event, Dropped):
        text = f"dropped: {event.reason}"
    else:
        described = describe(event)
        if described is not None:
            text = described[1]
        elif isinstance(event, MessageReceived):
            fields = "|".join(f"{tag}={value}" for tag, value in event.message)
            cut = fields if len(fields) <= SHOWN else fields[:SHOWN] + "…"
            text = f"received {event.message.msg_type}: {cut}"
        else:
            text = type(event).__name__
    return f"{stamp} {name}: {text}"


def _run(args: argparse.Namespace, out: TextIO) -> int:
    try:
        loaded = load(args.settings)
    except SettingsError as error:
        raise UsageError(str(error)) from None
    settings = loaded.settings
    if args.check:
        for session in settings.sessions:
            venue = session.venue
            tls = "TLS" if venue.tls else "plain"
            where = f"{venue.host}:{venue.port} ({tls})"
            kind = session.session_type.value
            print(f"{session.name}: {kind} as account {session.account.name} at {where}", file=out)
        print(f"{args.settings}: {len(settings.sessions)} sessions, keys readable", file=out)
        return 0
    serving = _serve(Gateway(loaded), args.seconds, out)
    if args.busy_poll:
        return busypoll.run(serving, spin=args.busy_poll)
    return asyncio.run(serving)


async def _serve(gateway: Gateway, seconds: float | None, out: TextIO) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await gateway.start()
    except (OSError, ssl.SSLError, TimeoutError, BinanceError, ConnectionError) as error:
        notes = "; ".join(getattr(error, "__notes__", []))
        raise PeerError(f"{notes}: {error}" if notes else str(error)) from None
    print(f"{len(gateway.clients)} sessions open: {', '.join(gateway.clients)}", file=out)

    async def follow() -> None:
        async for name, event in gateway:
            print(line(name, event, time.time()), file=out, flush=True)

    printer = loop.create_task(follow())
    waiter = loop.create_task(stop.wait())
    await asyncio.wait((printer, waiter), timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    await gateway.stop()
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(printer, 5.0)  # the Logout lines
    waiter.cancel()
    printer.cancel()
    print("every session logged out", file=out)
    return 0


def add_parser(commands: Any) -> None:
    """``fixsession run``."""
    parser = commands.add_parser(
        "run",
        help="open every session of a gateway settings file and print their event log",
        description=(
            "Open every session a gateway settings file (TOML) names: venues, accounts (API "
            "key and private key file) and sessions (order entry, drop copy, market data with "
            "its subscriptions), under one budget of Binance's connection limits per account "
            "and IP. Prints a line per event until SIGINT/SIGTERM or --seconds, then logs "
            "every session out. A mistake in the file is reported with its file, line and "
            "key (exit status 2); a venue that cannot be reached or refuses the Logon exits 3. "
            "The file's format: 'python -c \"import fixsession.settings as s; help(s)\"' or "
            "the README."
        ),
    )
    parser.add_argument("settings", metavar="SETTINGS.toml", help="the gateway settings file")
    parser.add_argument("--seconds", type=positive_seconds, help="log out after this many seconds")
    parser.add_argument(
        "--check", action="store_true", help="only read the file and the keys it names"
    )
    add_busy_poll(parser)
    parser.set_defaults(run=_run)
