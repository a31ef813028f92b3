"""The ``fixsession`` command line: check, decode, serve, run, replay, fuzz, keygen, demo.

A module per command (``check`` has decode too, ``keygen`` the demo), each adding its
arguments with ``add_parser``; ``common`` has what they share. Every FIX rule lives in the
library; the commands wire it to files, signals and a terminal. A user's mistake (a missing
file, a bad option) gets a one-line message on stderr and exit status 2, a peer that cannot be
reached exit status 3, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from fixsession import __version__, speedups
from fixsession.tools.cli import check, fuzz, keygen, replay, run, serve
from fixsession.tools.cli.common import PeerError, UsageError


def build_parser() -> argparse.ArgumentParser:
    """The ``fixsession`` command line: one sub-command per tool."""
    parser = argparse.ArgumentParser(
        prog="fixsession",
        description=(
            "The FIX 4.4 session layer of Binance's Spot FIX API, and every way it can fail: "
            "check and decode traffic as Binance judges it, run a Binance-compatible acceptor, "
            "replay captured sessions, fuzz an acceptor with malformed frames. Start with "
            "'fixsession demo'."
        ),
    )
    implementation = (
        "C speedups in use" if speedups.enabled() else "pure Python: C speedups not in use"
    )
    parser.add_argument(
        "--version", action="version", version=f"fixsession {__version__} ({implementation})"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in (check, serve, run, replay, fuzz, keygen):
        command.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args, sys.stdout)
        sys.stdout.flush()
        return status
    except UsageError as error:
        print(f"fixsession: error: {error}", file=sys.stderr)
        return 2
    except PeerError as error:
        print(f"fixsession: error: {error}", file=sys.stderr)
        return 3
    except BrokenPipeError:  # e.g. `fixsession check big.fix | head`
        sys.stderr.close()
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
