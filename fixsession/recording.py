"""Capture files: reading and writing them, and recording a live session as it happens.

Owns the file side of captures: ``read`` and ``write`` (in any of ``captures``' formats),
``Recorder`` (one session's traffic as fixlog lines, within ``RecordLimits``), a capture's
sidecar of expectations, and finding capture files in folders. The formats themselves are
``captures``.
"""

from __future__ import annotations

import collections
import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import BinaryIO, Final

from fixsession.captures import (
    EXTENSIONS,
    RECEIVED,
    SENT,
    Format,
    Record,
    SbePieces,
    format_record,
    parse,
)
from fixsession.errors import CaptureError
from fixsession.framing import Framer, Garbled


def read(path: str | PathLike[str], format: Format | str | None = None) -> list[Record]:
    """The records of a capture file; ``CaptureError`` (with the path) if it cannot be read."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise CaptureError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        return parse(data, format)
    except CaptureError as error:
        raise CaptureError(f"{path}: {error}") from None


def write(
    records: Iterable[Record], path: str | PathLike[str], format: Format | str = Format.FIXLOG
) -> None:
    """Write ``records`` to ``path`` in ``format`` (RawData redacted in fixlog)."""
    with open(path, "wb") as stream:
        for record in records:
            stream.write(format_record(record, format))


@dataclass(frozen=True)
class RecordLimits:
    """How much a recording may write.

    ``unauthenticated_bytes``: what a connection may have written to its file before it
    logged on (a Logon and its answer take well under 1 KiB); past it, the recording stops.
    ``file_bytes``: the most one file may hold; past it, the recording stops. ``files``: the
    most capture files a server keeps in its folder; past it, the oldest it wrote are deleted.
    """

    unauthenticated_bytes: int = 16 * 1024
    file_bytes: int = 256 * 1024 * 1024
    files: int = 1000


def keep_newest(written: collections.deque[Path], path: Path, files: int) -> None:
    """Note ``path`` as the newest capture file a process wrote (``written``: oldest first),
    and delete the oldest past ``files``: a peer that makes it connect again and again (a
    venue forcing reconnects, clients logging on) cannot fill the disk."""
    written.append(path)
    while len(written) > files:
        with contextlib.suppress(OSError):
            written.popleft().unlink()


class Recorder:
    """Writes one session's traffic to a fixlog file as it happens, one line per frame.

    ``sent(data, epoch)`` and ``received(data, epoch)`` take bytes as they crossed the
    socket, in any chunking; each direction is framed on its own, so a line is one frame or
    one garbled region (a garbage flood is written in pieces: memory stays bounded).
    RawData(96) is redacted. ``logged_on()`` says the peer logged on; until then, and
    always, what is written stays within ``limits`` (the recording stops where it would
    not). ``close()`` writes what is left. ``sbe_sent``/``sbe_received``: that direction is
    FIX SBE, written message by message as SBE lines (see ``captures``).
    """

    def __init__(
        self,
        path: str | PathLike[str],
        limits: RecordLimits | None = None,
        *,
        sbe_sent: bool = False,
        sbe_received: bool = False,
    ) -> None:
        self.path = Path(path)
        self.limits = limits or RecordLimits()
        self._stream: BinaryIO = open(self.path, "wb")  # noqa: SIM115 -- closed by close()
        self._sides: dict[str, Pieces | SbePieces] = {
            SENT: SbePieces() if sbe_sent else Pieces(),
            RECEIVED: SbePieces() if sbe_received else Pieces(),
        }
        self._written = 0
        self._logged_on = False
        self.stopped: str | None = None  # why the recording stopped early, if it did

    def logged_on(self) -> None:
        """The peer logged on: from now on only ``limits.file_bytes`` bounds the file."""
        self._logged_on = True

    def sent(self, data: bytes, epoch: float) -> None:
        """Record bytes written to the peer at ``epoch``."""
        self._record(SENT, data, epoch, close=False)

    def received(self, data: bytes, epoch: float) -> None:
        """Record bytes read from the peer at ``epoch``."""
        self._record(RECEIVED, data, epoch, close=False)

    def close(self, epoch: float = 0.0) -> None:
        """Write what is pending and close the file."""
        if self._stream.closed:
            return
        for direction in (SENT, RECEIVED):
            self._record(direction, b"", epoch, close=True)
        self._stream.close()

    def _record(self, direction: str, data: bytes, epoch: float, *, close: bool) -> None:
        if self._stream.closed:
            return
        limit = self.limits.file_bytes if self._logged_on else self.limits.unauthenticated_bytes
        side = self._sides[direction]
        binary = isinstance(side, SbePieces)
        for chunk in side.take(data, close):
            line = format_record(Record(chunk, direction, epoch, sbe=binary), Format.FIXLOG)
            if self._written + len(line) > limit:
                self.stopped = "before Logon" if not self._logged_on else "file full"
                self._stream.close()
                return
            self._stream.write(line)
            self._written += len(line)
        self._stream.flush()


class Pieces:
    """One direction of a recording: the framer, and the bytes it has not reported yet."""

    _LIMIT: Final = 1 << 20  # unreported garbage kept before it is written out in a piece

    def __init__(self) -> None:
        self.framer = Framer()
        self.base = 0  # stream offset of pending[0]
        self.pending = bytearray()  # grown in place: a frame dripped byte by byte stays linear

    def take(self, data: bytes, close: bool) -> list[bytes]:
        """The frames and garbled regions ``data`` completes (all that is left on close)."""
        pending = self.pending
        pending += data
        items = self.framer.close_located() if close else self.framer.feed_located(data)
        out = []
        for offset, item in items:
            if isinstance(item, Garbled):
                begin = max(offset, self.base) - self.base
                chunk = bytes(pending[begin : offset + item.length - self.base])
                if chunk:
                    out.append(chunk)
            else:
                out.append(item)
        unreported = max(self.framer.offset, self.base)  # a piece may be written already
        del pending[: unreported - self.base]
        self.base = unreported
        if self.framer.buffered == 0 and len(pending) > self._LIMIT:
            keep = 16  # a BeginString may straddle the cut
            out.append(bytes(pending[:-keep]))
            self.base += len(pending) - keep
            del pending[:-keep]
        return out


def sidecar(path: str | PathLike[str]) -> Path:
    """Where a capture's expected outcome lives: ``NAME.expect.json`` beside ``NAME.EXT``."""
    path = Path(path)
    return path.with_name(path.stem + ".expect.json")


def read_sidecar(path: str | PathLike[str]) -> str | None:
    """The text of a capture's sidecar (see ``tools.expectations``), or None if it has none."""
    try:
        return sidecar(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise CaptureError(f"cannot read {sidecar(path)}: {error.strerror or error}") from None


def iter_capture_files(paths: Iterable[str | PathLike[str]]) -> Iterator[Path]:
    """The capture files named, with folders walked (sorted) for capture extensions."""
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = sorted(
                item for item in path.rglob("*") if item.is_file() and item.suffix in EXTENSIONS
            )
            yield from found
        else:
            yield path
