"""Types of the optional C extension (fixsession/_speedups.c)."""

from collections.abc import Iterable

from fixsession.framing import Item
from fixsession.message import FieldValue

def frame_run(
    buf: bytes, start: int, max_frame_size: int, out: list[Item], /
) -> tuple[int, int]: ...
def wire_texts(values: tuple[object, ...], decimal_type: type, /) -> tuple[str, ...] | None: ...
def encode_frame(
    msg_type: str, tags: tuple[int, ...], texts: tuple[str, ...], begin_string: bytes, /
) -> bytes | None: ...
def split_fields(
    msg_type: str, fields: Iterable[tuple[int, FieldValue]], decimal_type: type, /
) -> tuple[tuple[int, ...], tuple[str, ...]] | None: ...
