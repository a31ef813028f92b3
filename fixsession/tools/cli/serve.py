"""The ``serve`` command: the Binance-compatible venue until a signal.

Owns reading the API keys file, setting up TLS (refusing an expired certificate or an
encrypted key rather than prompting), starting ``venue.server.Server`` on each address, and
shutting down on SIGINT/SIGTERM (SIGUSR1: maintenance News).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import functools
import gc
import json
import signal
import ssl
import time
from collections.abc import Callable, Coroutine
from typing import Any, TextIO

from fixsession import binance, busypoll, recording, transport
from fixsession.sbewire import Encoding
from fixsession.spec import SessionType
from fixsession.tools.cli.common import (
    UsageError,
    add_busy_poll,
    address_type,
    configure_logging,
    limit_type,
    positive_int,
    positive_seconds,
    show_address,
)
from fixsession.venue import journal
from fixsession.venue.accounts import Accounts
from fixsession.venue.exchange import (
    INSTRUMENTS,
    UNKNOWN_ORDER_CODES,
    Exchange,
    Instrument,
)
from fixsession.venue.server import (
    DEFAULT_MAX_UNAUTHENTICATED,
    DEFAULT_MAX_UNAUTHENTICATED_PER_IP,
    Server,
)


def _read_keys(path: str) -> Accounts:
    """KEYS.json: an object mapping each API key to its Ed25519 public key in PEM."""
    try:
        with open(path, encoding="utf-8") as handle:
            keys = json.load(handle)
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise UsageError(f"{path} is not JSON: {error}") from None
    if not isinstance(keys, dict):
        raise UsageError(f"{path} must be a JSON object mapping API keys to public keys in PEM")
    if not keys:
        raise UsageError(
            f"{path} has no API key: nobody could log on (fixsession keygen makes one)"
        )
    accounts = Accounts()
    for api_key, pem in keys.items():
        if not isinstance(pem, str):
            raise UsageError(f"{path}: the key of {api_key!r} is not a PEM string")
        try:
            accounts.add_key(api_key, binance.load_public_key(pem))
        except ValueError as error:
            raise UsageError(f"{path}: the key of {api_key!r}: {error}") from None
    return accounts


def _instrument(text: str) -> Instrument:
    """An argparse type: ``--symbol``'s SYMBOL:CURRENCY:PRICE[:TICK[:LOT]]."""
    try:
        return Instrument.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _server_tls(args: argparse.Namespace) -> ssl.SSLContext | None:
    if args.plain:
        if args.tls_cert or args.tls_key or args.self_signed:
            raise UsageError("--plain and --tls-cert/--tls-key/--self-signed exclude each other")
        return None
    if args.self_signed:
        if args.tls_cert or args.tls_key:
            raise UsageError("--self-signed and --tls-cert/--tls-key exclude each other")
        return _self_signed(args.self_signed)
    if not (args.tls_cert and args.tls_key):
        raise UsageError(
            "give --tls-cert and --tls-key, --self-signed CERT.pem, or --plain for plain TCP"
        )
    _check_certificate(args.tls_cert)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)

    def no_password() -> bytes:  # never let OpenSSL prompt on the terminal
        raise UsageError(
            f"the TLS key {args.tls_key} is encrypted; serve takes an unencrypted key "
            "(e.g. openssl pkey -in KEY -out PLAIN-KEY)"
        )

    try:
        context.load_cert_chain(args.tls_cert, args.tls_key, password=no_password)
    except (OSError, ssl.SSLError) as error:
        raise UsageError(f"cannot load the TLS certificate or key: {error}") from None
    return context


def _self_signed(path: str) -> ssl.SSLContext:
    """A throw-away certificate for localhost and 127.0.0.1 (its key stays in memory); the
    certificate is written to ``path`` for clients to trust (``--cafile``, ``client_tls``)."""
    cert, key = transport.self_signed_certificate()
    try:
        with open(path, "wb") as handle:
            handle.write(cert)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    return transport.server_tls(cert, key)


def _check_certificate(path: str) -> None:
    """Refuse a certificate that is expired or not valid yet: clients would refuse it."""
    from cryptography import x509

    try:
        with open(path, "rb") as handle:
            certificate = x509.load_pem_x509_certificate(handle.read())
    except OSError as error:
        problem = f"{path}: {error.strerror or error}"
        raise UsageError(f"cannot load the TLS certificate or key: {problem}") from None
    except ValueError:
        problem = f"{path} is not a PEM certificate"
        raise UsageError(f"cannot load the TLS certificate or key: {problem}") from None
    now = datetime.datetime.now(datetime.UTC)
    after, before = certificate.not_valid_after_utc, certificate.not_valid_before_utc
    if after < now:
        raise UsageError(f"the TLS certificate {path} expired on {after:%Y-%m-%d %H:%M} UTC")
    if before > now:
        raise UsageError(f"the TLS certificate {path} is valid from {before:%Y-%m-%d %H:%M} UTC")


def _serve(args: argparse.Namespace, out: TextIO) -> int:
    runner = _event_loop_runner(args.loop, args.busy_poll)
    if len(args.session_type) != len(args.listen):
        raise UsageError("give one --session-type for each --listen, in the same order")
    endpoints = [
        (SessionType(kind), address)
        for kind, address in zip(args.session_type, args.listen, strict=True)
    ]
    kinds = [kind for kind, _ in endpoints]
    if len(set(kinds)) != len(kinds):
        raise UsageError("each session type can be served on one address only")
    symbols = [instrument.symbol for instrument in args.symbol or ()]
    if len(set(symbols)) != len(symbols):
        raise UsageError("each --symbol once")
    books = len(symbols or INSTRUMENTS) * args.book_levels  # as a recording's replay bounds it
    if args.book_levels > journal.MAX_BOOK_LEVELS or books > journal.MAX_BOOK:
        raise UsageError(
            f"--book-levels is at most {journal.MAX_BOOK_LEVELS}, and the symbols' books at most "
            f"{journal.MAX_BOOK:,} price levels a side in all (here {books:,})"
        )
    accounts = _read_keys(args.keys)
    if args.message_limit is not None:
        for kind in kinds:
            accounts.set_message_limit(kind, args.message_limit)
    tls = _server_tls(args)
    configure_logging(args.verbose, args.log_format)
    _tune_collector()
    return runner(_run_server(args, accounts, endpoints, tls, out))


def _tune_collector() -> None:
    """The venue keeps every order it is sent, and with CPython's default thresholds the
    cyclic collector's passes over them grow with the book (a tenth of a busy venue's time
    after 100,000 orders). What start-up made is frozen out of its passes, and it runs every
    50,000 allocations, not 700: what the venue makes per message holds no cycles, so
    reference counting frees it; the collector is there for what a closed connection left."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def _event_loop_runner(name: str, busy_poll: float) -> Callable[[Coroutine[Any, Any, int]], int]:
    """``asyncio.run``, or uvloop's (``--loop uvloop``, the ``uvloop`` extra), or a loop that
    busy-polls (``--busy-poll``)."""
    if busy_poll:
        if name != "asyncio":
            raise UsageError("--busy-poll needs --loop asyncio (uvloop's selector is its own)")
        return functools.partial(busypoll.run, spin=busy_poll)
    if name == "asyncio":
        return asyncio.run
    try:
        import uvloop
    except ImportError:
        raise UsageError("--loop uvloop needs uvloop: pip install 'fixsession[uvloop]'") from None
    return uvloop.run


async def _run_server(
    args: argparse.Namespace,
    accounts: Accounts,
    endpoints: list[tuple[SessionType, tuple[str, int]]],
    tls: ssl.SSLContext | None,
    out: TextIO,
) -> int:
    options: dict[str, Any] = {
        "unknown_order_code": args.unknown_order_code, "seed": args.seed,
        "book_levels": args.book_levels, "feed_interval": args.feed_interval,
    }  # fmt: skip
    if args.symbol:
        options["instruments"] = tuple(args.symbol)
    if args.order_limit:
        options["order_limits"] = tuple(args.order_limit)
    exchange = Exchange(wall_clock=time.time, **options)
    try:
        server = Server(
            accounts=accounts, session_type=endpoints[0][0], tls=tls, exchange=exchange,
            record=args.record, logon_timeout=args.logon_timeout,
            max_unauthenticated=args.max_unauthenticated,
            max_unauthenticated_per_ip=args.max_unauthenticated_per_ip,
            record_limits=recording.RecordLimits(files=args.record_max_files),
            encoding=Encoding(args.encoding),
        )  # fmt: skip
    except OSError as error:
        raise UsageError(f"cannot record in {args.record}: {error.strerror or error}") from None
    if args.metrics is not None:
        _serve_metrics(server, *args.metrics)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGINT, stop.set)  # before anyone can know the port
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGUSR1, server.start_maintenance, args.maintenance)
    for kind, (host, port) in endpoints:
        try:
            bound_host, bound_port = await server.start(host, port, kind)
        except OSError as error:
            await server.close()
            message = f"cannot listen on {host}:{port}: {error.strerror or error}"
            raise UsageError(message) from None
        print(f"listening on {show_address(bound_host, bound_port)}", file=out, flush=True)
    await stop.wait()
    await server.close()
    return 0


def _serve_metrics(server: Server, host: str, port: int) -> None:
    from fixsession import metrics

    try:
        metrics.serve_metrics(server.stats, host, port)
    except ImportError:
        raise UsageError(
            "--metrics needs prometheus_client: pip install 'fixsession[metrics]'"
        ) from None
    except OSError as error:
        raise UsageError(
            f"cannot serve metrics on {show_address(host, port)}: {error.strerror or error}"
        ) from None


def add_parser(commands: Any) -> None:
    """The ``serve`` command's arguments."""
    serve = commands.add_parser(
        "serve",
        help="run a Binance-compatible FIX acceptor for testing gateways",
        description=(
            "Accept FIX sessions the way Binance's Spot FIX API does: Ed25519-signed Logon, "
            "sequence numbers, heartbeats, limits, every reject with Binance's codes and texts; "
            "behind them a small exchange (orders rest until cancelled, a synthetic market-data "
            "feed). Prints 'listening on HOST:PORT' once ready (a line per --listen, in "
            "order); SIGINT or SIGTERM logs every session out and exits 0; SIGUSR1 starts "
            "Binance's maintenance News countdown on every session."
        ),
    )
    serve.add_argument(
        "--listen",
        required=True,
        action="append",
        type=address_type,
        metavar="HOST:PORT",
        help="address to listen on (port 0 picks a free port); repeat it, each with its own "
        "--session-type, to serve several session types of one venue (drop copy then sees "
        "the order-entry sessions' reports)",
    )
    serve.add_argument(
        "--session-type",
        required=True,
        action="append",
        choices=[kind.value for kind in SessionType],
        help="the kind of session the --listen address in the same position serves",
    )
    serve.add_argument(
        "--keys",
        required=True,
        metavar="KEYS.json",
        help="JSON object mapping each API key (the Logon's Username) to its Ed25519 "
        "public key in PEM",
    )
    serve.add_argument(
        "--encoding",
        choices=[encoding.value for encoding in Encoding],
        default=Encoding.FIX.value,
        help="what each side speaks: fix (Binance's port 9000), sbe-responses (port 9001: FIX "
        "requests, FIX SBE responses; the Logon must carry SbeSchemaId 25050 and "
        "SbeSchemaVersion 25051) or sbe (port 9002: FIX SBE both ways); default fix. "
        "--record writes FIX SBE as hex lines that fixsession replay reads",
    )
    serve.add_argument("--tls-cert", metavar="PEM", help="the server's certificate chain")
    serve.add_argument("--tls-key", metavar="PEM", help="the certificate's private key")
    serve.add_argument(
        "--self-signed",
        metavar="CERT.pem",
        help="TLS with a throw-away certificate for localhost and 127.0.0.1, made at start "
        "(valid a day; its key never leaves memory), written to CERT.pem for clients to trust "
        "(fixsession fuzz/replay --cafile CERT.pem; transport.client_tls in Python)",
    )
    serve.add_argument(
        "--plain", action="store_true", help="plain TCP instead of TLS (loopback tests)"
    )
    serve.add_argument(
        "--message-limit",
        type=limit_type,
        metavar="COUNT/SECONDS",
        help="messages a client may send per window (default: Binance's for the session "
        "type: 10000/10 order entry, 60/60 drop copy, 2000/60 market data)",
    )
    serve.add_argument(
        "--order-limit",
        type=limit_type,
        action="append",
        metavar="COUNT/SECONDS",
        help="new orders an account may place per window; repeat for several windows "
        "(default: 200/10 and 200000/86400, as Binance's LimitResponse sample)",
    )
    serve.add_argument(
        "--metrics",
        type=address_type,
        metavar="HOST:PORT",
        help="serve Prometheus metrics at http://HOST:PORT/metrics (messages by type, faults "
        "answered by code, logons, sessions ended); needs the metrics extra: pip install "
        "'fixsession[metrics]'",
    )
    serve.add_argument(
        "--loop",
        choices=["asyncio", "uvloop"],
        default="asyncio",
        help="the event loop (default asyncio; uvloop needs the uvloop extra: pip install "
        "'fixsession[uvloop]')",
    )
    add_busy_poll(serve, "; asyncio's loop only")
    serve.add_argument(
        "--maintenance",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="length of the News countdown SIGUSR1 starts (default 30)",
    )
    serve.add_argument(
        "--record",
        metavar="DIR",
        help="write every session's traffic to DIR as a fixlog capture (one file each; "
        "RawData redacted), for fixsession replay; a connection's capture stops at 16 KiB "
        "before Logon and at 256 MiB",
    )
    serve.add_argument(
        "--record-max-files",
        type=positive_int,
        default=recording.RecordLimits().files,
        metavar="N",
        help="captures kept in DIR: past N, the oldest this server wrote are deleted "
        "(default %(default)s)",
    )
    serve.add_argument(
        "--unknown-order-code",
        type=int,
        choices=UNKNOWN_ORDER_CODES,
        default=-1013,
        metavar="CODE",
        help="the ErrorCode of an OrderCancelReject for an unknown order: -1013 as Binance's "
        "FIX page shows it (default), or -2011 as its error page lists it",
    )
    book = serve.add_argument_group(
        "the synthetic market", "the book orders trade against and market data publishes"
    )
    book.add_argument(
        "--seed", type=int, default=1, metavar="N",
        help="seeds the book's sizes and the feed's moves: one seed, one market (default 1)",
    )  # fmt: skip
    book.add_argument(
        "--book-levels", type=positive_int, default=20, metavar="N",
        help="price levels on each side of each symbol's book, 1 to 5000 (default %(default)s)",
    )  # fmt: skip
    book.add_argument(
        "--symbol", type=_instrument, action="append", metavar="SYMBOL:CURRENCY:PRICE[:TICK[:LOT]]",
        help="a symbol to list instead of the default four (BTCUSDT, ETHUSDT, BNBUSDT, "
        "LTCBNB), repeatable: its quote currency, starting price, tick size (default 0.01) "
        "and lot size (default 0.00001), e.g. SOLUSDT:USDT:150.00",
    )  # fmt: skip
    book.add_argument(
        "--feed-interval", type=positive_seconds, default=0.1, metavar="SECONDS",
        help="how often the book moves and market data is published while a market-data "
        "session is subscribed (default %(default)g, Binance's 100 ms)",
    )  # fmt: skip
    limits = serve.add_argument_group(
        "connections before Logon",
        "bounds on what peers that have not logged on may hold (each may cost a TLS context)",
    )
    limits.add_argument(
        "--logon-timeout",
        type=positive_seconds,
        default=10.0,
        metavar="SECONDS",
        help="a connection must finish its TLS handshake and Logon within this "
        "(default %(default)g)",
    )
    limits.add_argument(
        "--max-unauthenticated",
        type=positive_int,
        default=DEFAULT_MAX_UNAUTHENTICATED,
        metavar="N",
        help="connections open at once that have not logged on; more are closed as they "
        "arrive (default %(default)s)",
    )
    limits.add_argument(
        "--max-unauthenticated-per-ip",
        type=positive_int,
        default=DEFAULT_MAX_UNAUTHENTICATED_PER_IP,
        metavar="N",
        help="of those, from one IP address (default %(default)s)",
    )
    serve.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="log on stderr: -v the event log (logons, faults with their codes, rejects, News, "
        "logouts, connections), -vv also the message log (every frame, fixlog format, RawData "
        "redacted)",
    )
    serve.add_argument(
        "--log-format",
        choices=["text", "json"],
        default="text",
        help="text lines, or one JSON object per line for machines (default text)",
    )
    serve.set_defaults(run=_serve)
