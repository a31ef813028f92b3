"""The ``check`` and ``decode`` commands: judge and show FIX traffic as Binance would.

Owns reading files or stdin (a raw stream in chunks, with SOH or another separator; or a
line-based capture: fixlog, QuickFIX's message log, '|' text), framing and validating every
frame, and printing verdicts or decoded messages as text or JSON.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, Final, TextIO

from fixsession import captures, errors, sbe, sbe_schema, sbefix
from fixsession.captures import Format
from fixsession.dictionary import BINANCE, MARKET_DATA, ORDER_ENTRY, Dictionary
from fixsession.errors import CaptureError
from fixsession.framing import Framer, Garbled, Item
from fixsession.message import Message
from fixsession.spec import SessionType, Tag
from fixsession.tools.cli.common import (
    UsageError,
)
from fixsession.tools.replay import SbeView, Verdict
from fixsession.validation import Validator

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


_LINE_FORMATS: Final = {
    "text": Format.TEXT, "quickfix": Format.QUICKFIX, "fixlog": Format.FIXLOG,
}  # fmt: skip


@dataclass(frozen=True)
class Located:
    """An item the framer found, and where: its byte offset in the input (a raw stream) or
    in its line's frame, and the line (a line-based capture; None in a raw stream)."""

    offset: int
    line: int | None
    item: Item


def _items(source: str, soh: bytes | None, format_in: str = "auto") -> Iterator[Located]:
    """The framer's items for one input. A raw stream is read in chunks (``soh``: the
    character that stands for SOH in it, documentation style); a line-based capture
    (fixsession's fixlog, QuickFIX's message log, '|' text: detected, or ``format_in``) is
    read by line, and each line's frame judged on its own."""
    stream = _open(source)
    try:
        first = _read(stream, source)
        kind = _format_of(first, soh, format_in)
        if kind is None:
            framer = Framer(line_breaks=soh is not None)
            chunk = first
            while chunk:
                if soh is not None:
                    chunk = chunk.replace(soh, b"\x01")
                for offset, item in framer.feed_located(chunk):
                    yield Located(offset, None, item)
                chunk = _read(stream, source)
            for offset, item in framer.close_located():
                yield Located(offset, None, item)
            return
        yield from _line_items(first + stream.read(), kind, source)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _read(stream: BinaryIO, source: str) -> bytes:
    try:
        return stream.read(_READ_SIZE)
    except OSError as error:
        raise UsageError(f"cannot read {source}: {error.strerror or error}") from None


def _format_of(first: bytes, soh: bytes | None, format_in: str) -> Format | None:
    """The line-based format of an input, or None for a raw stream."""
    if soh is not None or format_in == "raw":
        return None
    if format_in != "auto":
        return _LINE_FORMATS[format_in]
    try:
        kind = captures.detect(first)
    except CaptureError:
        return None  # bytes of no known capture format: judged as a raw stream
    return None if kind is Format.RAW else kind


def _line_items(data: bytes, kind: Format, source: str) -> Iterator[Located]:
    try:
        records = captures.parse(data, kind)
    except CaptureError as error:
        raise UsageError(f"cannot read {source}: {error}") from None
    lines = [n for n, text in enumerate(data.split(b"\n"), 1) if text.rstrip(b"\r").strip()]
    view = SbeView()  # FIX SBE lines are judged as the FIX message each stands for
    for line, record in zip(lines, records, strict=True):
        if record.sbe:
            yield Located(0, line, view.item(record))
            continue
        view.learn(record)
        framer = Framer(max_frame_size=max(64, len(record.data) + 64))
        for offset, item in framer.feed_located(record.data) + framer.close_located():
            yield Located(offset, line, item)


def _verdicts(
    source: str, soh: bytes | None, validator: Validator | None, format_in: str
) -> Iterator[Verdict]:
    label = "<stdin>" if source == "-" else source
    for found in _items(source, soh, format_in):
        verdict = Verdict.of(found.item, found.offset, validator)
        yield dataclasses.replace(verdict, file=label, line=found.line)


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
        for verdict in _verdicts(source, soh, validator, args.format_in):
            frames += 1
            invalid += not verdict.valid
            if args.format == "json":
                print(verdict.as_json(), file=out)
            elif not args.quiet or not verdict.valid:
                print(verdict.as_text(label), file=out)
    noun = "frame" if frames == 1 else "frames"
    summary = f"{frames} {noun}: {frames - invalid} valid, {invalid} invalid"
    print(summary, file=sys.stderr if args.format == "json" else out)
    return 1 if invalid else 0


def _decode(args: argparse.Namespace, out: TextIO) -> int:
    if args.encoding == "sbe":
        return _decode_sbe(args, out)
    soh = _soh_byte(args.soh)
    for source in args.files or ["-"]:
        label = "<stdin>" if source == "-" else source
        for found in _items(source, soh, args.format_in):
            shown = _decoded(found, label)
            if args.format == "json":
                print(json.dumps(shown), file=out)
            else:
                print(_decoded_text(shown), file=out)
    return 0


def _decode_sbe(args: argparse.Namespace, out: TextIO) -> int:
    """FIX SBE bytes, as Binance's ports 9001/9002 send them: each message's fields by the
    schema's names, absent optional ones as null; faults as Binance's SBE errors."""
    if args.soh is not None or args.format_in != "auto":
        raise UsageError("--soh and --format-in are for FIX text, not --encoding sbe")
    for source in args.files or ["-"]:
        label = "<stdin>" if source == "-" else source
        framer = sbe.SbeFramer()
        offset = 0
        with _open(source) as stream:
            while chunk := stream.read(_READ_SIZE):
                for item in framer.feed(chunk):
                    shown = _sbe_shown(item, label, offset)
                    offset += shown["length"]
                    text = json.dumps(shown) if args.format == "json" else _sbe_text(shown)
                    print(text, file=out)
        if framer.buffered:
            error = errors.InvalidSbeHeader.from_template(template=1)
            shown = {"file": label, "offset": offset, "valid": False, "length": framer.buffered,
                     "code": error.code, "name": error.name,
                     "text": f"{error.text} (the input ends inside a message)"}  # fmt: skip
            print(json.dumps(shown) if args.format == "json" else _sbe_text(shown), file=out)
    return 0


def _sbe_shown(item: sbe.SbeItem, label: str, offset: int) -> dict[str, Any]:
    shown: dict[str, Any] = {"file": label, "offset": offset}
    if isinstance(item, sbe.SbeGarbled):
        error = item.error
        shown.update(valid=False, length=item.length, code=error.code, name=error.name,
                     text=error.text, notes=getattr(error, "__notes__", []))  # fmt: skip
        return shown
    definition = sbe_schema.MESSAGES[item.template_id]
    sending_time: str | int
    try:
        sending_time = sbefix.format_us(item.sending_time_us)
    except ValueError:  # not a time a UTCTIMESTAMP can write: the number itself
        sending_time = item.sending_time_us
    shown.update(
        valid=True, length=item.length, template_id=item.template_id, message=item.name,
        msg_type=definition.msg_type, version=item.version, seq_num=item.seq_num,
        sending_time=sending_time,
        fields=_sbe_fields(definition.fields, definition.groups, definition.data, item.values),
    )  # fmt: skip
    return shown


def _sbe_fields(
    fields: tuple[sbe.SbeField, ...],
    groups: tuple[sbe.SbeGroup, ...],
    data: tuple[sbe.SbeData, ...],
    values: dict[str, Any],
) -> list[dict[str, Any]]:
    shown: list[dict[str, Any]] = []
    specs: tuple[sbe.SbeField | sbe.SbeData, ...] = (*fields, *data)
    for spec in specs:
        value = values.get(spec.name)
        if spec.id == Tag.RAW_DATA and value is not None:
            value = "*" * len(value)  # a Logon's signature is never shown
        elif value is not None and not isinstance(value, int | str):
            value = str(value)
        shown.append({"tag": spec.id, "name": spec.name, "value": value})
    for group in groups:
        entries = [
            _sbe_fields(group.fields, group.groups, group.data, entry)
            for entry in values.get(group.name) or []
        ]
        shown.append({"tag": group.id, "name": group.name, "entries": entries})
    return shown


def _sbe_text(shown: dict[str, Any]) -> str:
    where = f"{shown['file']}:{shown['offset']}"
    if not shown["valid"]:
        notes = "".join(f" ({note})" for note in shown.get("notes", []))
        return f"{where} GARBLED {shown['code']} {shown['name']}: {shown['text']}{notes}"
    lines = [
        f"{where} valid {shown['message']} (templateId {shown['template_id']}, MsgType "
        f"{shown['msg_type']}, version {shown['version']}, seqNum {shown['seq_num']}, "
        f"sendingTime {shown['sending_time']})"
    ]
    lines += _sbe_field_lines(shown["fields"], "  ")
    return "\n".join(lines)


def _sbe_field_lines(fields: list[dict[str, Any]], indent: str) -> list[str]:
    lines: list[str] = []
    for entry in fields:
        if "entries" in entry:
            lines.append(f"{indent}{entry['name']}({entry['tag']}): {len(entry['entries'])}")
            for number, inner in enumerate(entry["entries"], 1):
                lines.append(f"{indent}  #{number}")
                lines += _sbe_field_lines(inner, indent + "    ")
            continue
        value = "null" if entry["value"] is None else entry["value"]
        lines.append(f"{indent}{entry['name']}({entry['tag']}) = {value}")
    return lines


def _decoded(found: Located, label: str) -> dict[str, Any]:
    """One frame (or garbled region) as ``decode`` shows it: where, verdict, named fields."""
    item = found.item
    shown: dict[str, Any] = {"file": label, "line": found.line, "offset": found.offset}
    if isinstance(item, Garbled):
        error = item.error
        data = item.data
        shown.update(
            valid=False, length=item.length, code=error.code, name=error.name,
            text=error.text, ref_tag=error.ref_tag_id, truncated=0 < len(data) < item.length,
        )  # fmt: skip
        pairs = [part.partition(b"=") for part in data.split(b"\x01") if part]
        fields = [(tag.decode("ascii", "replace"), value) for tag, _, value in pairs]
    else:
        message = Message.decode(item)
        shown.update(valid=True, length=len(item))
        head = [
            ("8", b"FIX.4.4"),
            ("9", str(len(item)).encode()),
            ("35", message.msg_type.encode()),
        ]
        body = [(str(tag), value.encode("utf-8", "surrogateescape")) for tag, value in message]
        fields = head[2:] + body
    shown["fields"] = [_field(tag, value, shown.get("ref_tag")) for tag, value in fields]
    return shown


def _field(tag: str, value: bytes, fault_tag: int | None) -> dict[str, Any]:
    number = int(tag) if tag.isascii() and tag.isdigit() and len(tag) <= 9 else None
    definition = BINANCE.fields.get(number) if number is not None else None
    text = value.decode("utf-8", "backslashreplace")
    if number == Tag.RAW_DATA:
        text = "*" * len(value)  # a Logon's signature is never shown
    entry: dict[str, Any] = {
        "tag": number if number is not None else tag,
        "name": definition.name if definition is not None else None,
        "value": text,
    }
    if definition is not None and text in definition.values:
        entry["meaning"] = definition.values[text]
    if fault_tag is not None and number == fault_tag:
        entry["fault"] = True
    return entry


def _decoded_text(shown: dict[str, Any]) -> str:
    where = shown["file"] + (f":line {shown['line']}" if shown["line"] is not None else "")
    where += f":{shown['offset']}"
    if shown["valid"]:
        head = f"{where} valid"
    else:
        cut = " (first bytes only)" if shown["truncated"] else ""
        head = f"{where} GARBLED {shown['code']} {shown['name']}: {shown['text']}{cut}"
    lines = [head]
    for entry in shown["fields"]:
        name = entry["name"] or "?"
        meaning = f" ({entry['meaning']})" if "meaning" in entry else ""
        mark = "   <-- the fault" if entry.get("fault") else ""
        lines.append(f"  {name}({entry['tag']}) = {entry['value']}{meaning}{mark}")
    return "\n".join(lines)


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
        "length, msg_type, msg_seq_num, valid, code, name, reason, ref_tag, text, file and "
        "line (of a line-based capture; null in a raw stream)",
    )
    check.add_argument(
        "-q", "--quiet", action="store_true", help="text format: print only invalid frames"
    )
    _format_in_argument(check)
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
        help="print the fields of every frame, named from Binance's dictionary",
        description=(
            "Print each frame, garbled ones too (with the fault and its field marked), one "
            "field per line as Name(tag) = value (enum meaning). RawData(96) is never shown. "
            "Reads every capture format replay reads."
        ),
    )
    decode.add_argument(
        "files", nargs="*", metavar="FILE", help="captures to read (default: stdin)"
    )
    decode.add_argument("--soh", metavar="CHAR", help="character that stands for SOH, e.g. '|'")
    decode.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text (default), or one JSON object per frame: file, line, offset, valid, "
        "length, code/name/text/ref_tag when garbled, and fields (tag, name, value, "
        "meaning, fault)",
    )
    decode.add_argument(
        "--encoding",
        choices=("fix", "sbe"),
        default="fix",
        help="fix (default), or FIX SBE bytes as Binance's ports 9001/9002 send them: each "
        "message's fields by the schema's names, absent optional ones as null, faults as "
        "Binance's SBE errors (-1152, -1153, -1177, -1221)",
    )
    _format_in_argument(decode)
    decode.set_defaults(run=_decode)


def _format_in_argument(parser: Any) -> None:
    parser.add_argument(
        "--format-in",
        choices=("auto", "raw", *_LINE_FORMATS),
        default="auto",
        help="the input's format (default auto: fixsession's fixlog, QuickFIX's message "
        "log and '|' text are told by their first line; anything else is a raw byte stream)",
    )
