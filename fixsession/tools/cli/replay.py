"""The ``replay`` command: replay captured sessions and compare them with the capture.

Owns finding capture files, reading their sidecars, running ``tools.replay`` (or a live
replay against an acceptor through ``tools.probe``), a progress line, and the report.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from fixsession import captures, recording
from fixsession.captures import Format
from fixsession.errors import CaptureError
from fixsession.tools.cli.common import (
    UsageError,
    add_logon_arguments,
    address_type,
    load_private_key_file,
    peer_failure,
    raw_client_tls,
)
from fixsession.tools.expectations import Expectation
from fixsession.tools.replay import Outcome, verify
from fixsession.tools.venue_replay import verify_venue
from fixsession.venue import journal

if TYPE_CHECKING:
    pass


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
    key = load_private_key_file(args.private_key, args.private_key_password_env)
    tls = raw_client_tls(args)

    async def open_client() -> probe.RawClient:
        return await probe.RawClient.open(
            host, port, tls=tls, server_hostname=args.server_hostname, comp_id="",
            api_key=args.api_key, private_key=key,
        )  # fmt: skip

    try:
        result = asyncio.run(probe.replay_live(records, open_client, pace=not args.no_pace))
    except (OSError, ConnectionError, TimeoutError, EOFError) as error:
        raise peer_failure("replaying to", host, port, error, tls is not None) from None
    summary = f"sent to {host}:{port}, {len(result.captured)} replies compared"
    return Outcome(not result.findings, summary, [f"live: {f}" for f in result.findings])


def _journals(names: list[str]) -> list[Path]:
    """Venue journals among ``names``: named, or in the folders named."""
    found: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found += sorted(path.rglob("*" + journal.SUFFIX))
        elif path.name.endswith(journal.SUFFIX):
            found.append(path)
    return found


def _venue_outcomes(paths: list[Path], args: argparse.Namespace) -> dict[Path, Outcome]:
    """The captures a venue journal names, replayed as its set (see ``tools.venue_replay``)."""
    outcomes: dict[Path, Outcome] = {}
    if args.live is not None or args.role is not None or args.mode == "check" or args.each:
        return outcomes
    for path in _journals(args.captures):
        try:
            venue = journal.parse(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"cannot read the venue journal {path}: {error}") from None
        except ValueError as error:
            raise UsageError(f"{path}: {error}") from None
        members = [p for p in paths if p.parent == path.parent and p.name in venue.captures]
        if not members:
            continue
        captures_read, expectations = {}, {}
        for member in members:
            try:
                captures_read[member.name] = recording.read(member, args.capture_format)
            except CaptureError as error:
                raise UsageError(str(error)) from None
            expectation = _expectation(member)
            if expectation is not None:
                expectations[member.name] = expectation
        count = sum(len(records) for records in captures_read.values())
        progress = _Progress(str(path)) if count > 5_000 else None
        found = verify_venue(venue, captures_read, expectations, progress)
        outcomes.update({member: found[member.name] for member in members})
    return outcomes


def _replay(args: argparse.Namespace, out: TextIO) -> int:
    if args.live is not None and args.api_key is None:
        raise UsageError("--live needs --api-key and --private-key to log on")
    paths = [p for p in recording.iter_capture_files(args.captures)
             if not p.name.endswith(journal.SUFFIX)]  # fmt: skip
    if not paths:
        raise UsageError("no capture files found (.fix, .txt, .log, .fixlog)")
    venue = _venue_outcomes(paths, args)
    failed = 0
    for path in paths:
        outcome = venue.get(path) or _replay_one(path, args)
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


def add_parser(commands: Any) -> None:
    """The ``replay`` command's arguments."""
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
            "is read from NAME.expect.json beside it. The captures 'fixsession serve --record' "
            "wrote in one run are replayed together, as one venue, when its journal "
            "(STAMP-venue.jsonl) is among the files or folders named: one exchange and one "
            "set of accounts, connections, timers and shutdown where the journal says, so that "
            "what sessions share (IDs, the book, drop copy, limits) is as it was. Exit "
            "status: 0 when every capture passes, 1 when any does not (with a diff naming the "
            "message and field), 2 on a usage or input error."
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
    replay.add_argument(
        "--each",
        action="store_true",
        help="replay every capture on its own, even those a venue journal names",
    )
    replay.add_argument("-q", "--quiet", action="store_true", help="print only failures")
    live = replay.add_argument_group(
        "live mode",
        "send each capture's client side to an acceptor and compare its replies with the "
        "captured ones (SendingTime made current, the Logon signed again with your key)",
    )
    live.add_argument("--live", type=address_type, metavar="HOST:PORT", help="the acceptor")
    add_logon_arguments(live, required=False)
    live.add_argument(
        "--no-pace", action="store_true", help="send at once instead of at the captured pace"
    )
    replay.set_defaults(run=_replay)
