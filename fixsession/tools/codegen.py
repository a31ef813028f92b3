"""Writes ``fixsession/messages.py`` (the typed messages) from a dictionary.

Owns the generated module's text: one enum per field with enumerated values, one frozen
dataclass per message type (header fields the session writes are optional attributes),
repeating groups as nested entry classes (``typed`` writes their reprs, RawData hidden). It
returns text and writes no file:

    python -m fixsession.tools.codegen > fixsession/messages.py

A test checks that the checked-in module is what this writes for the built-in dictionary.
"""

from __future__ import annotations

import keyword
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import Final

from fixsession.dictionary import BINANCE, Dictionary, Field, FieldType, Member

_FRAMING: Final = frozenset({8, 9, 35, 10})  # the framer's and the session's, never attributes
_KINDS: Final = {
    FieldType.INT: ("INT", "int"),
    FieldType.LENGTH: ("INT", "int"),
    FieldType.SEQNUM: ("INT", "int"),
    FieldType.PRICE: ("DECIMAL", "Decimal"),
    FieldType.QTY: ("DECIMAL", "Decimal"),
    FieldType.FLOAT: ("DECIMAL", "Decimal"),
    FieldType.UTCTIMESTAMP: ("TIME", "datetime.datetime"),
    FieldType.BOOLEAN: ("BOOL", "bool"),
    FieldType.CHAR: ("STR", "str"),
    FieldType.STRING: ("STR", "str"),
    FieldType.DATA: ("STR", "str"),
}
_HEADER_TAGS: Final = frozenset({49, 56, 34, 52, 25000})  # written by the session


def snake(name: str) -> str:
    """``ClOrdID`` → ``cl_ord_id``, ``MDReqID`` → ``md_req_id``, ``HeartBtInt`` →
    ``heart_bt_int``; a Python keyword gets a trailing underscore."""
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()
    return text + "_" if keyword.iskeyword(text) else text


def _has_enum(field: Field) -> bool:
    return bool(field.values) and field.type is not FieldType.BOOLEAN and field.tag not in _FRAMING


def _group_name(count_field: Field) -> str:
    return count_field.name[2:] if count_field.name.startswith("No") else count_field.name


def _entry_name(count_field: Field, taken: frozenset[str]) -> str:
    """``NoMDEntries`` → ``MDEntry``, ``NoOrders`` → ``Order`` (``…Entry`` if that names a
    module-level class already)."""
    name = _group_name(count_field)
    if name.endswith("ies"):
        name = name[:-3] + "y"
    elif name.endswith("s"):
        name = name[:-1]
    return name + "Entry" if name in taken else name


def generate(dictionary: Dictionary = BINANCE) -> str:
    """The ``messages`` module's source for ``dictionary``."""
    fields = dictionary.fields
    enums = sorted((f for f in fields.values() if _has_enum(f)), key=lambda f: f.name)
    taken = frozenset({f.name for f in enums} | {m.name for m in dictionary.messages.values()})
    out = [_PROLOGUE.format(name=dictionary.name)]
    for field in enums:
        out += _enum(field)
    header = tuple(m for m in dictionary.header if m.tag not in _FRAMING)
    for message in dictionary.messages.values():
        out += _class(
            message.name,
            f"{message.name}<{message.msg_type}>.",
            (*header, *message.members),
            fields,
            taken,
            msg_type=message.msg_type,
            indent="",
        )
    out.append("\nBY_MSG_TYPE: Final[dict[str, type[TypedMessage]]] = {\n")
    out += [f'    "{m.msg_type}": {m.name},\n' for m in dictionary.messages.values()]
    out.append('}\n"""Each typed message class by its MsgType(35)."""\n')
    out.append(_EPILOGUE)
    return "".join(out)


def _enum(field: Field) -> Iterator[str]:
    base, quote = ("FixIntEnum", "") if field.type is FieldType.INT else ("FixStrEnum", '"')
    yield f"\n\nclass {field.name}({base}):\n"
    yield f'    """{field.name}({field.tag}) values."""\n\n'
    for value, name in field.values.items():
        member = name if name.isidentifier() and not keyword.iskeyword(name) else f"V_{name}"
        yield f"    {member} = {quote}{value}{quote}\n"


def _class(
    name: str,
    doc: str,
    members: Sequence[Member],
    fields: Mapping[int, Field],
    taken: frozenset[str],
    *,
    msg_type: str | None,
    indent: str,
) -> Iterator[str]:
    base = "TypedMessage" if msg_type is not None else "Entry"
    yield "\n" if indent else "\n\n"
    yield f"{indent}@dataclass(frozen=True, slots=True, kw_only=True, repr=False)\n"
    yield f"{indent}class {name}({base}):\n"
    yield f'{indent}    """{doc}"""\n'
    inner = indent + "    "
    specs: list[str] = []
    attributes: list[str] = []
    for member in members:
        field = fields[member.tag]
        attribute = snake(_group_name(field)) if member.group else snake(field.name)
        required = member.required and member.tag not in _HEADER_TAGS  # the session's
        if member.group is not None:
            entry = _entry_name(field, taken)
            yield from _class(
                entry,
                f"An entry of {field.name}({field.tag}).",
                member.group.members,
                fields,
                taken,
                msg_type=None,
                indent=inner,
            )
            annotation = f"Sequence[{entry}]"
            specs.append(
                f'Spec({member.tag}, "{attribute}", entry={entry}'
                + (", required=True)" if required else ")")
            )
        else:
            kind, annotation = _KINDS[field.type]
            enum_name = field.name if _has_enum(field) else "None"
            if enum_name != "None":
                annotation = enum_name
            specs.append(
                f'Spec({member.tag}, "{attribute}", Kind.{kind}'
                + (f", {enum_name}" if enum_name != "None" else "")
                + (", required=True)" if required else ")")
            )
        default = "" if required else " = None"
        if not required:
            annotation += " | None"
        attributes.append(f"{inner}{attribute}: {annotation}{default}\n")
    if msg_type is not None:
        yield f'\n{inner}MSG_TYPE: ClassVar[str] = "{msg_type}"\n'
    else:
        yield "\n"
    yield from attributes
    yield f"{inner}FIELDS = (\n"
    yield from (f"{inner}    {spec},\n" for spec in specs)
    yield f"{inner})\n"


_PROLOGUE: Final = '''\
"""Binance's FIX messages as typed classes, generated from the {name!r} dictionary by
``fixsession.tools.codegen`` (do not edit: regenerate).

One frozen dataclass per message type, attributes named after the FIX fields in snake case
(``cl_ord_id``, ``order_qty``), with Python types that fit: ``int`` for IDs, ``Decimal`` for
prices and quantities, an enum for enumerated values, an aware UTC ``datetime`` for
timestamps, ``bool`` for Y/N; repeating groups as sequences of nested entry classes. Header
fields the session writes (CompIDs, MsgSeqNum, SendingTime) are optional attributes.

    order = NewOrderSingle(cl_ord_id="o1", side=Side.BUY, ord_type=OrdType.LIMIT, ...)
    report = typed(await client.request(order))
    match report:
        case ExecutionReport(exec_type=ExecType.TRADE): ...

``typed(message)`` reads any ``Message`` as its class; ``to_message()`` goes back.
"""

# ruff: noqa: E501

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, Final

from fixsession.message import Message
from fixsession.typed import Entry, FixIntEnum, FixStrEnum, Kind, Spec, TypedMessage
'''

_EPILOGUE: Final = '''

def typed(message: Message) -> TypedMessage:
    """``message`` as its typed class (``BY_MSG_TYPE``); ``ValueError`` for a MsgType no
    class has, or a value that does not fit its field (never for a validated message)."""
    kind = BY_MSG_TYPE.get(message.msg_type)
    if kind is None:
        raise ValueError(f"no typed class for MsgType {message.msg_type!r}")
    return kind.from_message(message)
'''


def main() -> None:
    """Print the module for the built-in dictionary."""
    sys.stdout.write(generate())


if __name__ == "__main__":
    main()
