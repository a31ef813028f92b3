"""Types of the optional C extension (fixsession/_speedups.c)."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from fixsession.events import MessageReceived
from fixsession.framing import Item
from fixsession.message import FieldValue, Message
from fixsession.sbe import SbeItem, SbeMessage

_T = TypeVar("_T")

def frame_run(
    buf: bytes, start: int, max_frame_size: int, out: list[Item], /
) -> tuple[int, int]: ...
def wire_texts(values: tuple[object, ...], decimal_type: type, /) -> tuple[str, ...] | None: ...
def encode_frame(
    msg_type: str,
    tags: tuple[int, ...],
    texts: tuple[str, ...],
    begin_string: bytes,
    head_tags: tuple[int, ...] = ...,
    head_texts: tuple[str, ...] = ...,
    reserved: frozenset[int] = ...,
    /,
) -> bytes | None: ...
def split_fields(
    msg_type: str, fields: Iterable[tuple[int, FieldValue]], decimal_type: type, /
) -> tuple[tuple[int, ...], tuple[str, ...]] | None: ...
def parse_known(
    frame: bytes,
    programs: dict[
        tuple[bytes, int], list[tuple[bytes, str, tuple[int, ...], str, Any, dict[int, int]]]
    ],
    message_type: type[Message],
    /,
) -> tuple[Any, Message] | None: ...
def sending_time(epoch: float, digits: int, /) -> str | None: ...
def values_valid(program: bytes, values: tuple[str, ...], /) -> bool: ...
def span_values(frame: bytes, spans: bytes, /) -> tuple[str, ...]: ...
def stream_messages(
    items: list[Item],
    start: int,
    head: bytes,
    program: bytes,
    seq_field: int,
    expected: int,
    message_type: type[Message],
    event_type: type[MessageReceived],
    msg_type: str,
    tags: tuple[int, ...],
    key: str | None,
    /,
) -> list[MessageReceived]: ...
def sbe_frames(
    buffer: bytes | bytearray,
    at: int,
    max_size: int,
    schema_id: int,
    table: dict[int, tuple[str, tuple[object, ...]]],
    decimal_type: type,
    message_type: type[SbeMessage],
    out: list[SbeItem],
    /,
) -> int: ...
def sbe_encode(
    program: tuple[object, ...],
    values: Mapping[str, object],
    template_id: int,
    schema_id: int,
    version: int,
    seq_num: int,
    sending_time: int,
    decimal_type: type,
    /,
) -> bytes | None: ...
def made(cls: type[_T], /, *values: object) -> _T: ...
def read_only(cls: type, slot: str, name: str, doc: str, /) -> object: ...
