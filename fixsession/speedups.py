"""The optional C versions of fixsession's hot loops, and the switch that turns them off.

Each function here is the compiled one from ``fixsession/_speedups.c`` when the extension was
built at install (it needs a C compiler), else None; ``framing`` and ``message`` then run their
pure-Python versions of the same jobs, which stay the reference. Either way the results are
identical, byte for byte: the tests run both and compare them.

``pure_python()`` turns the C versions off for a block (tests use it); the environment
variable ``FIXSESSION_PURE_PYTHON=1`` turns them off for the whole process (the test suite and
the benchmarks' ``--pure-python`` run that way). ``enabled()`` says whether they are in use.
This module owns only the choice; what each function does is documented in the C file.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar

if TYPE_CHECKING:
    from fixsession.framing import Item
    from fixsession.message import FieldValue

_T = TypeVar("_T")
frame_run: Callable[[bytes, int, int, list[Item]], tuple[int, int]] | None
wire_texts: Callable[[tuple[FieldValue, ...], type], tuple[str, ...] | None] | None
split_fields: (
    Callable[
        [str, Iterable[tuple[int, FieldValue]], type],
        tuple[tuple[int, ...], tuple[str, ...]] | None,
    ]
    | None
)
encode_frame: Callable[..., bytes | None] | None  # see _speedups.pyi
parse_known: Callable[..., tuple[Any, Any] | None] | None  # see _speedups.pyi
values_valid: Callable[[bytes, tuple[str, ...]], bool] | None
sending_time: Callable[[float, int], str | None] | None
span_values: Callable[[bytes, bytes], tuple[str, ...]] | None
stream_messages: Callable[..., list[Any]] | None  # see _speedups.pyi for its signature
sbe_frames: Callable[..., int] | None  # see _speedups.pyi for the signatures
sbe_encode: Callable[..., bytes | None] | None


class _Made(Protocol):
    def __call__(self, cls: type[_T], /, *values: object) -> _T: ...


made: _Made | None  # made(cls, *values): see _speedups.c
read_only: Callable[[type, str, str, str], object] | None  # (used once, at import: not in
# _FUNCTIONS, so pure_python() leaves message.py's read-only slots as they are)

PURE_PYTHON_ENV: Final = "FIXSESSION_PURE_PYTHON"

try:
    if os.environ.get(PURE_PYTHON_ENV, "") not in ("", "0"):
        raise ImportError(f"{PURE_PYTHON_ENV} is set")
    from fixsession._speedups import (
        encode_frame,
        frame_run,
        made,
        parse_known,
        read_only,
        sbe_encode,
        sbe_frames,
        sending_time,
        span_values,
        split_fields,
        stream_messages,
        values_valid,
        wire_texts,
    )
except ImportError:  # pragma: no cover - installed without a C compiler, or turned off
    frame_run = wire_texts = split_fields = encode_frame = parse_known = values_valid = None
    sending_time = span_values = stream_messages = sbe_frames = sbe_encode = made = None
    read_only = None


def enabled() -> bool:
    """Whether the C versions are in use (False without the extension, or in ``pure_python()``)."""
    return frame_run is not None


_FUNCTIONS: Final = (
    "frame_run", "wire_texts", "split_fields", "encode_frame", "parse_known", "span_values",
    "stream_messages", "values_valid", "sending_time", "sbe_frames", "sbe_encode", "made",
)  # fmt: skip


@contextlib.contextmanager
def pure_python() -> Iterator[None]:
    """Run fixsession's pure-Python code only, within the block (not thread-safe)."""
    module = globals()
    saved = {name: module[name] for name in _FUNCTIONS}
    module.update(dict.fromkeys(_FUNCTIONS))
    try:
        yield
    finally:
        module.update(saved)
