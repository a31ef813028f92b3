"""The ``fixsession`` command line: check, decode, serve, replay, fuzz, keygen, demo.

Owns argument parsing, reading files or stdin in chunks, printing verdicts as text or JSON,
and running the acceptor server until a signal. Every FIX rule lives in the library; this
module only wires it to files, signals and a terminal. A user's mistake (a missing file, a
bad option) gets a one-line message on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime
import json
import logging
import os
import signal
import ssl
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixsession import __version__, binance, captures, recording
from fixsession.binance import Limit
from fixsession.captures import Format
from fixsession.dictionary import BINANCE, MARKET_DATA, ORDER_ENTRY, Dictionary
from fixsession.errors import CaptureError
from fixsession.framing import Framer, Garbled, Item
from fixsession.message import Message
from fixsession.spec import MsgType, SessionType, Tag
from fixsession.tools.replay import Expectation, Outcome, Verdict, verify
from fixsession.validation import Validator
from fixsession.venue.accounts import Accounts
from fixsession.venue.exchange import Exchange
from fixsession.venue.server import (
    DEFAULT_MAX_UNAUTHENTICATED,
    DEFAULT_MAX_UNAUTHENTICATED_PER_IP,
    Server,
)

if TYPE_CHECKING:
    from fixsession.tools.probe import FuzzReport

_READ_SIZE = 1 << 20


class UsageError(Exception):
    """A mistake on the command line or in its inputs (exit status 2)."""


def _soh_byte(text: str | None) -> bytes | None:
    if text is None:
        return None
    data = text.encode("utf-8")
    if len(data) != 1 or data == b"\x01":
        raise UsageError(f"--soh takes one ASCII character other than SOH, not {text!r}")
    return data


def _open(source: str) -> BinaryIO:
    if source == "-":
        return sys.stdin.buffer
    try:
        return open(source, "rb")
    except OSError as error:
        raise UsageError(f"cannot read {source}: {error.strerror or error}") from None


def _items(source: str, soh: bytes | None) -> Iterator[tuple[int, Item]]:
    """The framer's items for one input, with their offsets, read in chunks.

    ``soh`` is the character that stands for SOH in the input (documentation style).
    """
    framer = Framer(line_breaks=soh is not None)
    stream = _open(source)
    try:
        while True:
            try:
                chunk = stream.read(_READ_SIZE)
            except OSError as error:
                raise UsageError(f"cannot read {source}: {error.strerror or error}") from None
            if not chunk:
                break
            if soh is not None:
                chunk = chunk.replace(soh, b"\x01")
            yield from framer.feed_located(chunk)
        yield from framer.close_located()
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _verdicts(source: str, soh: bytes | None, validator: Validator | None) -> Iterator[Verdict]:
    for offset, item in _items(source, soh):
        yield Verdict.of(item, offset, validator)


_SESSION_DICTIONARIES = {
    SessionType.ORDER_ENTRY: ORDER_ENTRY,
    SessionType.DROP_COPY: ORDER_ENTRY,
    SessionType.MARKET_DATA: MARKET_DATA,
}


def _validator(args: argparse.Namespace) -> Validator | None:
    """The dictionary check asked for: built-in, one session's, a file's, or none."""
    if args.no_dictionary:
        return None
    dictionary: Dictionary = BINANCE
    if args.dictionary is not None:
        try:
            dictionary = Dictionary.from_quickfix_xml(args.dictionary)
        except ValueError as error:
            raise UsageError(str(error)) from None
    elif args.session_type is not None:
        dictionary = _SESSION_DICTIONARIES[SessionType(args.session_type)]
    return Validator(dictionary)


def _check(args: argparse.Namespace, out: TextIO) -> int:
    soh = _soh_byte(args.soh)
    validator = _validator(args)
    sources: list[str] = args.files or ["-"]
    frames = invalid = 0
    for source in sources:
        label = "<stdin>" if source == "-" else source
        for verdict in _verdicts(source, soh, validator):
            frames += 1
            invalid += not verdict.valid
            if args.format == "json":
                print(verdict.as_json(), file=out)
            elif not args.quiet or not verdict.valid:
                print(verdict.as_text(label), file=out)
    summary = f"{frames} frames: {frames - invalid} valid, {invalid} invalid"
    print(summary, file=sys.stderr if args.format == "json" else out)
    return 1 if invalid else 0


def _decode(args: argparse.Namespace, out: TextIO) -> int:
    soh = _soh_byte(args.soh)
    for source in args.files or ["-"]:
        for offset, item in _items(source, soh):
            if isinstance(item, Garbled):
                print(f"# {offset}: {item.error}", file=out)
                continue
            message = Message.decode(item)
            print(_describe(message), file=out)
    return 0


def _describe(message: Message) -> str:
    try:
        kind = MsgType(message.msg_type).name
    except ValueError:
        kind = "?"
    parts = [f"35={message.msg_type} ({kind})"]
    for tag, value in message:
        try:
            name = Tag(tag).name
        except ValueError:
            name = "?"
        shown = "<redacted>" if tag == Tag.RAW_DATA else value
        parts.append(f"{tag}={shown} ({name})")
    return " | ".join(parts)


def _listen_address(text: str) -> tuple[str, int]:
    host, colon, port = text.rpartition(":")
    if not colon or not host or not port.isdigit() or int(port) > 65535:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, e.g. 127.0.0.1:9000, not {text!r}")
    return host.strip("[]"), int(port)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, not {text!r}")
    return value


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 86400:
        raise argparse.ArgumentTypeError(f"a positive number of seconds, not {text!r}")
    return value


def _limit(text: str) -> Limit:
    try:
        return Limit.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _read_keys(path: str) -> Accounts:
    """KEYS.json: an object mapping each API key to its Ed25519 public key in PEM."""
    try:
        with open(path, encoding="utf-8") as handle:
            keys = json.load(handle)
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise UsageError(f"{path} is not JSON: {error}") from None
    if not isinstance(keys, dict) or not keys:
        raise UsageError(f"{path} must be a JSON object mapping API keys to public keys in PEM")
    accounts = Accounts()
    for api_key, pem in keys.items():
        if not isinstance(pem, str):
            raise UsageError(f"{path}: the key of {api_key!r} is not a PEM string")
        try:
            accounts.add_key(api_key, binance.load_public_key(pem))
        except ValueError as error:
            raise UsageError(f"{path}: the key of {api_key!r}: {error}") from None
    return accounts


def _server_tls(args: argparse.Namespace) -> ssl.SSLContext | None:
    if args.plain:
        if args.tls_cert or args.tls_key:
            raise UsageError("--plain and --tls-cert/--tls-key exclude each other")
        return None
    if not (args.tls_cert and args.tls_key):
        raise UsageError("give --tls-cert and --tls-key, or --plain for plain TCP")
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
    if len(args.session_type) != len(args.listen):
        raise UsageError("give one --session-type for each --listen, in the same order")
    endpoints = [
        (SessionType(kind), address)
        for kind, address in zip(args.session_type, args.listen, strict=True)
    ]
    kinds = [kind for kind, _ in endpoints]
    if len(set(kinds)) != len(kinds):
        raise UsageError("each session type can be served on one address only")
    accounts = _read_keys(args.keys)
    if args.message_limit is not None:
        for kind in kinds:
            accounts.set_message_limit(kind, args.message_limit)
    tls = _server_tls(args)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    return asyncio.run(_run_server(args, accounts, endpoints, tls, out))


async def _run_server(
    args: argparse.Namespace,
    accounts: Accounts,
    endpoints: list[tuple[SessionType, tuple[str, int]]],
    tls: ssl.SSLContext | None,
    out: TextIO,
) -> int:
    exchange = None
    if args.order_limit:
        exchange = Exchange(wall_clock=time.time, order_limits=tuple(args.order_limit))
    try:
        server = Server(
            accounts=accounts, session_type=endpoints[0][0], tls=tls, exchange=exchange,
            record=args.record, logon_timeout=args.logon_timeout,
            max_unauthenticated=args.max_unauthenticated,
            max_unauthenticated_per_ip=args.max_unauthenticated_per_ip,
            record_limits=recording.RecordLimits(files=args.record_max_files),
        )  # fmt: skip
    except OSError as error:
        raise UsageError(f"cannot record in {args.record}: {error.strerror or error}") from None
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
        print(f"listening on {bound_host}:{bound_port}", file=out, flush=True)
    await stop.wait()
    await server.close()
    return 0


def _expectation(path: Path) -> Expectation | None:
    try:
        text = recording.read_sidecar(path)
    except CaptureError as error:
        raise UsageError(str(error)) from None
    if text is None:
        return None
    try:
        return Expectation.from_json(text)
    except (ValueError, TypeError, KeyError) as error:
        raise UsageError(f"{recording.sidecar(path)}: not an expectation: {error}") from None


class _Progress:
    """A progress line on stderr for long captures, at most once a second."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._last = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last >= 1.0:
            self._last = now
            print(f"  {self.label}: {done:,}/{total:,} records", file=sys.stderr, flush=True)


def _replay_one(path: Path, args: argparse.Namespace) -> Outcome:
    try:
        records = recording.read(path, args.capture_format)
    except CaptureError as error:
        raise UsageError(str(error)) from None
    if args.live is not None:
        return _replay_live(records, args)
    expectation = _expectation(path) or Expectation()
    if args.role is not None:
        expectation = dataclasses.replace(expectation, role=args.role)
    progress = _Progress(str(path)) if len(records) > 5_000 else None
    return verify(records, expectation, mode=args.mode, progress=progress)


def _replay_live(records: list[captures.Record], args: argparse.Namespace) -> Outcome:
    """Send the capture's client side to the acceptor at ``--live`` and compare replies."""
    from fixsession.tools import probe

    host, port = args.live
    key = _private_key(args.private_key)
    tls = _client_tls(args)

    async def open_client() -> probe.RawClient:
        return await probe.RawClient.open(
            host, port, tls=tls, server_hostname=args.server_hostname, comp_id="",
            api_key=args.api_key, private_key=key,
        )  # fmt: skip

    try:
        result = asyncio.run(probe.replay_live(records, open_client, pace=not args.no_pace))
    except (OSError, ConnectionError) as error:
        raise UsageError(f"replaying to {host}:{port} failed: {error}") from None
    summary = f"sent to {host}:{port}, {len(result.captured)} replies compared"
    return Outcome(not result.findings, summary, [f"live: {f}" for f in result.findings])


def _private_key(path: str | None) -> Ed25519PrivateKey:
    if path is None:
        raise UsageError("--private-key PEM is needed to sign the Logon")
    try:
        with open(path, "rb") as handle:
            return binance.load_private_key(handle.read())
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise UsageError(f"{path}: {error}") from None


def _client_tls(args: argparse.Namespace) -> ssl.SSLContext | None:
    if args.plain:
        return None
    try:
        return ssl.create_default_context(cafile=args.cafile)
    except (OSError, ssl.SSLError) as error:
        raise UsageError(f"cannot load {args.cafile}: {error}") from None


def _replay(args: argparse.Namespace, out: TextIO) -> int:
    if args.live is not None and args.api_key is None:
        raise UsageError("--live needs --api-key and --private-key to log on")
    paths = list(recording.iter_capture_files(args.captures))
    if not paths:
        raise UsageError("no capture files found (.fix, .txt, .log, .fixlog)")
    failed = 0
    for path in paths:
        outcome = _replay_one(path, args)
        passed, summary, findings = outcome.passed, outcome.summary, outcome.findings
        failed += not passed
        if args.format == "json":
            print(json.dumps({"capture": str(path), "passed": passed, "summary": summary,
                              "findings": findings}), file=out)  # fmt: skip
            continue
        if passed and args.quiet:
            continue
        print(f"{'PASS' if passed else 'FAIL'} {path}: {summary}", file=out)
        for finding in findings:
            print(f"    {finding}", file=out)
    total = f"{len(paths)} captures: {len(paths) - failed} passed, {failed} failed"
    print(total, file=sys.stderr if args.format == "json" else out)
    return 1 if failed else 0


def _fuzz(args: argparse.Namespace, out: TextIO) -> int:
    from fixsession.tools import malformed, probe

    host, port = args.target
    session_type = SessionType(args.session_type)
    key = _private_key(args.private_key)
    known = malformed.kinds(session_type)
    kinds = args.kinds.split(",") if args.kinds else None
    unknown = sorted(set(kinds or ()) - set(known))
    if unknown:
        raise UsageError(f"unknown kinds {', '.join(unknown)}; {session_type}: {', '.join(known)}")
    tls = _client_tls(args)

    async def open_client(comp_id: str) -> probe.RawClient:
        return await probe.RawClient.open(
            host, port, tls=tls, server_hostname=args.server_hostname, comp_id=comp_id,
            api_key=args.api_key, private_key=key,
        )  # fmt: skip

    def progress(report: probe.FuzzReport) -> None:
        print(f"  {report.sent:,}/{args.count:,} frames answered", file=sys.stderr, flush=True)

    try:
        report = asyncio.run(
            probe.fuzz(
                open_client,
                count=args.count,
                seed=args.seed,
                session_type=session_type,
                message_limit=args.message_limit,
                kinds=kinds,
                progress=progress,
            )
        )
    except (OSError, ConnectionError, TimeoutError, EOFError) as error:
        raise UsageError(f"fuzzing {host}:{port} failed: {error or type(error).__name__}") from None
    if args.format == "json":
        print(json.dumps({
            "sent": report.sent, "answered": report.answered, "as_expected": report.as_expected,
            "connections": report.connections, "still_serving": report.still_serving,
            "elapsed": round(report.elapsed, 3),
            "kinds": {kind: {"expected": report.expected[kind], "outcomes": dict(counter)}
                      for kind, counter in sorted(report.outcomes.items())},
        }), file=out)  # fmt: skip
    else:
        _print_fuzz(report, f"{host}:{port}", session_type, out)
    unanswered = report.sent - report.answered
    failed = unanswered or not report.still_serving or report.sent < args.count
    if args.strict and report.as_expected != report.sent:
        failed = True
    return 1 if failed else 0


def _print_fuzz(report: FuzzReport, target: str, session_type: SessionType, out: TextIO) -> None:
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
        others = ", ".join(
            f"{outcome} x{n}" for outcome, n in counter.items() if outcome != expected
        )
        print(f"{kind:<20} {sum(counter.values()):>8,}  {expected:<16} {counter[expected]:>9,}  "
              f"{others}", file=out)  # fmt: skip
    unanswered = report.sent - report.answered
    print(
        f"answered: {report.answered:,}/{report.sent:,} ({unanswered:,} without an answer); "
        f"as Binance answers: {report.as_expected:,}/{report.sent:,}; "
        f"still serving: {'yes' if report.still_serving else 'NO'}",
        file=out,
    )


def _keygen(args: argparse.Namespace, out: TextIO) -> int:
    """A fresh Ed25519 key: DIR/private.pem (readable by you only) and DIR/keys.json."""
    from cryptography.hazmat.primitives import serialization

    folder = Path(args.folder)
    private_path, keys_path = folder / "private.pem", folder / "keys.json"
    if private_path.exists() and not args.force:
        raise UsageError(f"{private_path} exists; --force replaces it")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )  # fmt: skip
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        private_path.unlink(missing_ok=True)
        descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        keys_path.write_text(json.dumps({args.api_key: public.decode()}, indent=2) + "\n")
    except OSError as error:
        raise UsageError(f"cannot write in {folder}: {error.strerror or error}") from None
    print(f"wrote {private_path} (the private key: keep it to yourself)", file=out)
    print(f"wrote {keys_path} (API key {args.api_key!r} -> its public key, for serve)", file=out)
    return 0


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    from fixsession.tools import demo

    return asyncio.run(demo.run(out))


def _add_logon_arguments(parser: Any, *, required: bool) -> None:
    """How a raw client reaches and logs on to an acceptor (fuzz, replay --live)."""
    parser.add_argument("--api-key", required=required, help="the Logon's Username(553)")
    parser.add_argument(
        "--private-key", required=required, metavar="PEM", help="the API key's Ed25519 key"
    )
    parser.add_argument("--plain", action="store_true", help="plain TCP instead of TLS")
    parser.add_argument("--cafile", metavar="PEM", help="trust this CA (default: the system's)")
    parser.add_argument("--server-hostname", metavar="NAME", help="TLS name to expect and send")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fixsession",
        description=(
            "The FIX 4.4 session layer of Binance's Spot FIX API, and every way it can fail: "
            "check and decode traffic as Binance judges it, run a Binance-compatible acceptor, "
            "replay captured sessions, fuzz an acceptor with malformed frames. Start with "
            "'fixsession demo'."
        ),
    )
    parser.add_argument("--version", action="version", version=f"fixsession {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check = commands.add_parser(
        "check",
        help="validate every frame of FIX captures",
        description=(
            "Frame raw FIX bytes and judge every frame as Binance would: framing and garbled "
            "checks, then the dictionary (tags, groups, required fields, values). One line (or "
            "one JSON object) per frame, in stream order. Exit status: 0 when every frame is "
            "valid, 1 when any is not, 2 on a usage or input error."
        ),
    )
    check.add_argument("files", nargs="*", metavar="FILE", help="captures to read (default: stdin)")
    check.add_argument(
        "--soh",
        metavar="CHAR",
        help="character that stands for SOH, e.g. '|' for documentation-style text "
        "(line breaks between messages are then skipped)",
    )
    check.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text lines (default), or one JSON object per frame with the keys offset, "
        "length, msg_type, msg_seq_num, valid, code, name, reason, ref_tag, text",
    )
    check.add_argument(
        "-q", "--quiet", action="store_true", help="text format: print only invalid frames"
    )
    dictionaries = check.add_mutually_exclusive_group()
    dictionaries.add_argument(
        "--session-type",
        choices=[kind.value for kind in SessionType],
        help="validate against that session's built-in dictionary only "
        "(default: every Binance message type)",
    )
    dictionaries.add_argument(
        "--dictionary",
        metavar="PATH.xml",
        help="validate against a QuickFIX XML dictionary, e.g. Binance's spot-fix-oe.xml",
    )
    dictionaries.add_argument(
        "--no-dictionary",
        action="store_true",
        help="check framing only (CheckSum, BodyLength, header order, characters, tags)",
    )
    check.set_defaults(run=_check)

    decode = commands.add_parser(
        "decode",
        help="print the fields of every frame with tag names",
        description="Print each frame as 'tag=value (Name)' fields; RawData(96) is redacted.",
    )
    decode.add_argument(
        "files", nargs="*", metavar="FILE", help="captures to read (default: stdin)"
    )
    decode.add_argument("--soh", metavar="CHAR", help="character that stands for SOH, e.g. '|'")
    decode.set_defaults(run=_decode)

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
        type=_listen_address,
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
    serve.add_argument("--tls-cert", metavar="PEM", help="the server's certificate chain")
    serve.add_argument("--tls-key", metavar="PEM", help="the certificate's private key")
    serve.add_argument(
        "--plain", action="store_true", help="plain TCP instead of TLS (loopback tests)"
    )
    serve.add_argument(
        "--message-limit",
        type=_limit,
        metavar="COUNT/SECONDS",
        help="messages a client may send per window (default: Binance's for the session "
        "type: 10000/10 order entry, 60/60 drop copy, 2000/60 market data)",
    )
    serve.add_argument(
        "--order-limit",
        type=_limit,
        action="append",
        metavar="COUNT/SECONDS",
        help="new orders an account may place per window; repeat for several windows "
        "(default: 200/10 and 200000/86400, as Binance's LimitResponse sample)",
    )
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
        type=_positive,
        default=recording.RecordLimits().files,
        metavar="N",
        help="captures kept in DIR: past N, the oldest this server wrote are deleted "
        "(default %(default)s)",
    )
    limits = serve.add_argument_group(
        "connections before Logon",
        "bounds on what peers that have not logged on may hold (each may cost a TLS context)",
    )
    limits.add_argument(
        "--logon-timeout",
        type=_positive_seconds,
        default=10.0,
        metavar="SECONDS",
        help="a connection must finish its TLS handshake and Logon within this "
        "(default %(default)g)",
    )
    limits.add_argument(
        "--max-unauthenticated",
        type=_positive,
        default=DEFAULT_MAX_UNAUTHENTICATED,
        metavar="N",
        help="connections open at once that have not logged on; more are closed as they "
        "arrive (default %(default)s)",
    )
    limits.add_argument(
        "--max-unauthenticated-per-ip",
        type=_positive,
        default=DEFAULT_MAX_UNAUTHENTICATED_PER_IP,
        metavar="N",
        help="of those, from one IP address (default %(default)s)",
    )
    serve.add_argument(
        "-v", "--verbose", action="store_true", help="log sessions and faults on stderr"
    )
    serve.set_defaults(run=_serve)

    replay = commands.add_parser(
        "replay",
        help="replay captured sessions and compare with what was recorded",
        description=(
            "For each capture (folders are searched for .fix, .txt, .log and .fixlog files): "
            "check every frame as 'fixsession check' does, then replay the session: the "
            "captured peer's side is fed to a fresh fixsession session playing the recording "
            "side (acceptor or initiator, inferred from who sent the first Logon), with the "
            "capture's own times as the clock, and what it sends is compared with what was "
            "captured, field by field (SendingTime, the signature, BodyLength, CheckSum and "
            "the exchange's clock readings may differ). A capture's expected outcome, if any, "
            "is read from NAME.expect.json beside it. Exit status: 0 when every capture "
            "passes, 1 when any does not (with a diff naming the message and field), 2 on a "
            "usage or input error."
        ),
    )
    replay.add_argument("captures", nargs="+", metavar="CAPTURE", help="capture files or folders")
    replay.add_argument(
        "--mode",
        choices=("auto", "check", "session"),
        default="auto",
        help="check frames only, or also replay the session (auto: when there is one)",
    )
    replay.add_argument(
        "--role",
        choices=("acceptor", "initiator"),
        help="the side fixsession plays (default: the side that recorded the capture)",
    )
    replay.add_argument(
        "--capture-format",
        choices=[kind.value for kind in Format],
        help="the captures' format (default: detected from the content)",
    )
    replay.add_argument(
        "--format", choices=("text", "json"), default="text", help="text lines or JSON objects"
    )
    replay.add_argument("-q", "--quiet", action="store_true", help="print only failures")
    live = replay.add_argument_group(
        "live mode",
        "send each capture's client side to an acceptor and compare its replies with the "
        "captured ones (SendingTime made current, the Logon signed again with your key)",
    )
    live.add_argument("--live", type=_listen_address, metavar="HOST:PORT", help="the acceptor")
    _add_logon_arguments(live, required=False)
    live.add_argument(
        "--no-pace", action="store_true", help="send at once instead of at the captured pace"
    )
    replay.set_defaults(run=_replay)

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
    fuzz.add_argument("target", type=_listen_address, metavar="HOST:PORT")
    fuzz.add_argument("--count", type=_positive, default=1000, help="frames to send (1000)")
    fuzz.add_argument("--seed", type=int, default=0, help="the same seed sends the same frames")
    _add_logon_arguments(fuzz, required=True)
    fuzz.add_argument(
        "--session-type",
        choices=[kind.value for kind in SessionType],
        default=SessionType.ORDER_ENTRY.value,
        help="the acceptor's session type (order-entry)",
    )
    fuzz.add_argument(
        "--message-limit",
        type=_limit,
        metavar="COUNT/SECONDS",
        help="the acceptor's message limit to stay under (default: Binance's for the type)",
    )
    fuzz.add_argument("--kinds", metavar="K1,K2", help="only these kinds of malformed frame")
    fuzz.add_argument(
        "--strict", action="store_true", help="exit 1 unless every answer is Binance's"
    )
    fuzz.add_argument(
        "--format", choices=("text", "json"), default="text", help="a table or one JSON object"
    )
    fuzz.set_defaults(run=_fuzz)

    keygen = commands.add_parser(
        "keygen",
        help="make an Ed25519 API key for serve, fuzz and replay --live",
        description=(
            "Write a fresh Ed25519 key pair: DIR/private.pem (PKCS#8, mode 0600, for the "
            "client's --private-key) and DIR/keys.json (the API key mapped to its public key, "
            "for serve --keys). The key itself is never printed."
        ),
    )
    keygen.add_argument("folder", metavar="DIR", help="where to write the two files")
    keygen.add_argument("--api-key", default="test-api-key", help="the API key's name")
    keygen.add_argument("--force", action="store_true", help="replace an existing key")
    keygen.set_defaults(run=_keygen)

    demo = commands.add_parser(
        "demo",
        help="narrate a short real session with the local acceptor (no network needed)",
        description=(
            "Start the acceptor on loopback with a fresh TLS certificate and Ed25519 key, "
            "connect a client, and narrate: logon, an order, a cancel of an unknown order, a "
            "request the session type does not allow, a garbled frame, a market-data "
            "subscription and a duplicate, a limit query, maintenance News and the failover, "
            "logout. Every reject is printed as its typed error, code and text."
        ),
    )
    demo.set_defaults(run=_demo)
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
    except BrokenPipeError:  # e.g. `fixsession check big.fix | head`
        sys.stderr.close()
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
