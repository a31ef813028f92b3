"""What the ``fixsession`` commands share: the usage error and argument types.

Owns ``UsageError`` (a user's mistake: one line on stderr, exit status 2) and the parsing of
the arguments several commands take (addresses, counts, seconds, limits, a raw client's
logon options). No command lives here.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import os
import ssl
import sys
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixsession import binance, busypoll
from fixsession.binance import Limit


class UsageError(Exception):
    """A mistake on the command line or in its inputs (exit status 2)."""


class PeerError(Exception):
    """The peer could not be reached or talked to (exit status 3)."""


def peer_failure(what: str, host: str, port: int, error: BaseException, tls: bool) -> PeerError:
    """A ``PeerError`` that says what failed, why (never an empty reason), and, when TLS
    failed, that the peer may be plain TCP."""
    reason = str(error) or type(error).__name__
    handshake = ssl.SSLError | ConnectionResetError | EOFError | TimeoutError
    hint = ""
    if tls and isinstance(error, handshake) and not isinstance(error, ssl.SSLCertVerificationError):
        hint = "; is the server plain TCP? Then add --plain"
    return PeerError(f"{what} {show_address(host, port)} failed: {reason}{hint}")


def address_type(text: str) -> tuple[str, int]:
    """HOST:PORT, [IPv6]:PORT, :PORT or PORT (the last two: 127.0.0.1, loopback only)."""
    host, colon, port = text.rpartition(":")
    if not colon:
        host, port = "", text
    if not port.isascii() or not port.isdigit() or int(port) > 65535 or host in ("[]",):
        raise argparse.ArgumentTypeError(
            f"expected HOST:PORT (or PORT), e.g. 127.0.0.1:9000, not {text!r}"
        )
    return host.strip("[]") or "127.0.0.1", int(port)


def show_address(host: str, port: int) -> str:
    """An address as a user types it: IPv6 hosts in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def positive_int(text: str) -> int:
    """An argparse type: a whole number above 0."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, not {text!r}")
    return value


def positive_seconds(text: str) -> float:
    """An argparse type: a number of seconds above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 86400:
        raise argparse.ArgumentTypeError(f"a positive number of seconds, not {text!r}")
    return value


_MAX_BUSY_POLL_US: int = round(busypoll.MAX_SPIN * 1e6)


def busy_poll_seconds(text: str) -> float:
    """An argparse type: whole microseconds a loop busy-polls (``fixsession.busypoll``), as
    the seconds its ``spin`` takes."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of microseconds: {text!r}") from None
    if not 0 <= value <= _MAX_BUSY_POLL_US:
        raise argparse.ArgumentTypeError(
            f"{value} is not from 0 to {_MAX_BUSY_POLL_US:,} microseconds"
        )
    return value / 1e6


def add_busy_poll(parser: argparse.ArgumentParser, note: str = "") -> None:
    """The ``--busy-poll MICROSECONDS`` option (default 0: never), in seconds."""
    parser.add_argument(
        "--busy-poll",
        type=busy_poll_seconds,
        default=0.0,
        metavar="MICROSECONDS",
        help="poll the sockets for up to this long before sleeping, after every event (default "
        f"0: never; at most {_MAX_BUSY_POLL_US:,}): a lower round trip for a CPU kept busy "
        f"while messages come{note}",
    )


def limit_type(text: str) -> Limit:
    """An argparse type: a limit such as ``200/10`` (count per seconds)."""
    try:
        return Limit.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def load_private_key_file(path: str | None, password_env: str | None = None) -> Ed25519PrivateKey:
    """The key in ``path``; an encrypted one is opened with the password in the environment
    variable ``password_env`` (never a command-line argument, never a prompt)."""
    if path is None:
        raise UsageError("--private-key PEM is needed to sign the Logon")
    password = None
    if password_env is not None:
        password = os.environ.get(password_env)
        if password is None:
            raise UsageError(f"--private-key-password-env: {password_env} is not set")
    try:
        with open(path, "rb") as handle:
            return binance.load_private_key(handle.read(), password)
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise UsageError(f"{path}: {error}") from None


def raw_client_tls(args: argparse.Namespace) -> ssl.SSLContext | None:
    """The TLS context ``--plain``/``--cafile`` ask for (None for plain TCP)."""
    if args.plain:
        return None
    try:
        return ssl.create_default_context(cafile=args.cafile)
    except (OSError, ssl.SSLError) as error:
        raise UsageError(f"cannot load {args.cafile}: {error}") from None


def add_logon_arguments(parser: Any, *, required: bool) -> None:
    """How a raw client reaches and logs on to an acceptor (fuzz, replay --live)."""
    parser.add_argument("--api-key", required=required, help="the Logon's Username(553)")
    parser.add_argument(
        "--private-key", required=required, metavar="PEM", help="the API key's Ed25519 key"
    )
    parser.add_argument(
        "--private-key-password-env",
        metavar="NAME",
        help="an encrypted --private-key's password is in this environment variable",
    )
    parser.add_argument("--plain", action="store_true", help="plain TCP instead of TLS")
    parser.add_argument("--cafile", metavar="PEM", help="trust this CA (default: the system's)")
    parser.add_argument("--server-hostname", metavar="NAME", help="TLS name to expect and send")


class JsonLogFormatter(logging.Formatter):
    """One JSON object per log record: time (UTC, ISO 8601), level, logger, message."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.datetime.fromtimestamp(record.created, datetime.UTC)
        entry = {
            "time": stamp.isoformat(timespec="microseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(verbosity: int, log_format: str = "text") -> None:
    """stderr logging for a command: warnings only, the event log with ``-v`` (INFO), and the
    message log too with ``-vv`` (DEBUG); text lines or JSON objects."""
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonLogFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    level = logging.DEBUG if verbosity >= 2 else logging.INFO if verbosity == 1 else logging.WARNING
    logging.getLogger("fixsession").setLevel(level)
