"""The ``fuzz`` command: malformed frames against an acceptor, and how it answers.

Owns logging on with the given key, running ``tools.fuzzer.fuzz`` with progress, and the
per-kind report as a table or JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

from fixsession.spec import SessionType
from fixsession.tools.cli.common import (
    UsageError,
    add_logon_arguments,
    address_type,
    limit_type,
    load_private_key_file,
    peer_failure,
    positive_int,
    raw_client_tls,
)

if TYPE_CHECKING:
    from fixsession.tools.fuzzer import FuzzReport


def _fuzz(args: argparse.Namespace, out: TextIO) -> int:
    from fixsession.tools import fuzzer, malformed, probe

    host, port = args.target
    session_type = SessionType(args.session_type)
    key = load_private_key_file(args.private_key, args.private_key_password_env)
    sbe = args.encoding == "sbe"
    known = sorted(malformed.SBE_FAULTS) if sbe else malformed.kinds(session_type)
    kinds = args.kinds.split(",") if args.kinds else None
    unknown = sorted(set(kinds or ()) - set(known))
    if unknown:
        raise UsageError(f"unknown kinds {', '.join(unknown)}; {session_type}: {', '.join(known)}")
    tls = raw_client_tls(args)

    async def open_client(comp_id: str) -> probe.RawClient:
        if args.encoding == "fix":
            return await probe.RawClient.open(
                host, port, tls=tls, server_hostname=args.server_hostname, comp_id=comp_id,
                api_key=args.api_key, private_key=key,
            )  # fmt: skip
        return await probe.SbeRawClient.open(
            host, port, tls=tls, server_hostname=args.server_hostname, comp_id=comp_id,
            api_key=args.api_key, private_key=key, send_sbe=sbe,
        )  # fmt: skip

    latest: list[FuzzReport] = []  # the report as it grows (what Ctrl-C prints)
    started = time.monotonic()

    def progress(report: fuzzer.FuzzReport) -> None:
        latest[:] = [report]
        print(f"  {report.sent:,}/{args.count:,} frames answered", file=sys.stderr, flush=True)

    try:
        report = asyncio.run(
            fuzzer.fuzz(
                open_client,
                count=args.count,
                seed=args.seed,
                session_type=session_type,
                message_limit=args.message_limit,
                kinds=kinds,
                sbe=sbe,
                progress=progress,
            )
        )
    except (OSError, ConnectionError, TimeoutError, EOFError) as error:
        raise peer_failure("fuzzing", host, port, error, tls is not None) from None
    except KeyboardInterrupt:
        if not latest:
            print("fuzz: interrupted before any frame was answered", file=sys.stderr)
            return 130
        report = latest[0]
        report.elapsed = time.monotonic() - started
        print(f"fuzz: interrupted: the report so far ({report.sent:,} of {args.count:,})",
              file=sys.stderr)  # fmt: skip
        _report(report, args, f"{host}:{port}", session_type, out)
        return 130
    _report(report, args, f"{host}:{port}", session_type, out)
    unanswered = report.sent - report.answered
    failed = unanswered or not report.still_serving or report.sent < args.count
    if args.strict and report.as_expected != report.sent:
        failed = True
    return 1 if failed else 0


def _report(
    report: FuzzReport,
    args: argparse.Namespace,
    target: str,
    session_type: SessionType,
    out: TextIO,
) -> None:
    if args.format == "json":
        print(json.dumps({
            "sent": report.sent, "answered": report.answered, "as_expected": report.as_expected,
            "connections": report.connections, "still_serving": report.still_serving,
            "elapsed": round(report.elapsed, 3),
            "kinds": {kind: {"expected": report.expected[kind], "outcomes": dict(counter)}
                      for kind, counter in sorted(report.outcomes.items())},
        }), file=out)  # fmt: skip
    else:
        _print_fuzz(report, target, session_type, out)


def _print_fuzz(report: FuzzReport, target: str, session_type: SessionType, out: TextIO) -> None:
    from fixsession.tools.fuzzer import as_binance

    rate = report.sent / report.elapsed if report.elapsed else 0.0
    print(
        f"fuzz {target} ({session_type}): {report.sent:,} malformed frames in "
        f"{report.elapsed:.1f} s ({rate:,.0f} frames/s), {report.connections} connection(s)",
        file=out,
    )
    print(f"{'kind':<20} {'sent':>8}  {'Binance answers':<16} {'so did it':>9}  other answers",
          file=out)  # fmt: skip
    for kind, counter in sorted(report.outcomes.items()):
        expected = f"reject {report.expected[kind]}"
        matched = {o for o in counter if as_binance(o, report.expected[kind])}
        others = ", ".join(f"{outcome} x{n}" for outcome, n in counter.items()
                           if outcome not in matched)  # fmt: skip
        shown = sum(counter[outcome] for outcome in matched)
        print(f"{kind:<20} {sum(counter.values()):>8,}  {expected:<16} {shown:>9,}  "
              f"{others}", file=out)  # fmt: skip
    unanswered = report.sent - report.answered
    print(
        f"answered: {report.answered:,}/{report.sent:,} ({unanswered:,} without an answer); "
        f"as Binance answers: {report.as_expected:,}/{report.sent:,}; "
        f"still serving: {'yes' if report.still_serving else 'NO'}",
        file=out,
    )


def add_parser(commands: Any) -> None:
    """The ``fuzz`` command's arguments."""
    fuzz = commands.add_parser(
        "fuzz",
        help="send malformed frames to a FIX acceptor and report how it answers",
        description=(
            "Log on to the acceptor at HOST:PORT (Ed25519-signed, as Binance requires) and send "
            "COUNT malformed frames of every kind (garbled variants, bad tags, dictionary "
            "faults, bad groups, bad sequence numbers, oversize BodyLengths...), each followed "
            "by a TestRequest whose Heartbeat marks the end of the answer. Reports, per kind, "
            "the answers: a typed reject (with its code, next to the code Binance answers "
            "with), a silent drop, a disconnect, or no answer. Sends are paced under the "
            "message limit. Exit status: 0 when every frame was answered and the acceptor still "
            "serves at the end (--strict: and every answer is Binance's), 1 otherwise, 2 on a "
            "usage error."
        ),
    )
    fuzz.add_argument("target", type=address_type, metavar="HOST:PORT")
    fuzz.add_argument("--count", type=positive_int, default=1000, help="frames to send (1000)")
    fuzz.add_argument("--seed", type=int, default=0, help="the same seed sends the same frames")
    add_logon_arguments(fuzz, required=True)
    fuzz.add_argument(
        "--session-type",
        choices=[kind.value for kind in SessionType],
        default=SessionType.ORDER_ENTRY.value,
        help="the acceptor's session type (order-entry)",
    )
    fuzz.add_argument(
        "--message-limit",
        type=limit_type,
        metavar="COUNT/SECONDS",
        help="the acceptor's message limit to stay under (default: Binance's for the type)",
    )
    fuzz.add_argument("--kinds", metavar="K1,K2", help="only these kinds of malformed frame")
    fuzz.add_argument(
        "--encoding",
        choices=("fix", "sbe-responses", "sbe"),
        default="fix",
        help="what the acceptor speaks: fix (port 9000), sbe-responses (9001: malformed FIX "
        "frames, SBE answers) or sbe (9002: malformed FIX SBE frames, each of the kinds "
        "Binance names an error for: -1152, -1153, -1177, -1221); default fix",
    )
    fuzz.add_argument(
        "--strict", action="store_true", help="exit 1 unless every answer is Binance's"
    )
    fuzz.add_argument(
        "--format", choices=("text", "json"), default="text", help="a table or one JSON object"
    )
    fuzz.set_defaults(run=_fuzz)
