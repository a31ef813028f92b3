"""The ``check`` and ``decode`` commands: judge and show FIX traffic as Binance would.

Owns reading files or stdin in chunks (SOH or another separator), framing and validating
every frame, and printing verdicts or decoded messages as text or JSON.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from fixsession.dictionary import BINANCE, MARKET_DATA, ORDER_ENTRY, Dictionary
from fixsession.framing import Framer, Garbled, Item
from fixsession.message import Message
from fixsession.spec import MsgType, SessionType, Tag
from fixsession.tools.cli.common import (
    UsageError,
)
from fixsession.tools.replay import Verdict
from fixsession.validation import Validator

if TYPE_CHECKING:
    pass


_READ_SIZE = 1 << 20


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


def add_parser(commands: Any) -> None:
    """The ``check and decode`` command's arguments."""
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
