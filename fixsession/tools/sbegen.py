"""Writes ``fixsession/sbe_schema.py`` (the FIX SBE layouts) from Binance's SBE schema XML.

Owns turning a schema (``spot-fixsbe-1_1.xml``, or a newer one Binance publishes) into the
tables ``sbe`` encodes and decodes with: its id and version, every enum, and every message's
fixed block (fields at their offsets, optional ones, enum, decimal exponent field,
sinceVersion), repeating groups (their dimension types, nested) and var data. It returns
text and writes no file:

    python -m fixsession.tools.sbegen SCHEMA.xml > fixsession/sbe_schema.py

The schema itself is Binance's: it is read from where it is, not copied into the package.
A test regenerates from ``../shared/binance/spot-fixsbe-1_1.xml`` and compares.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from typing import Final

_SBE: Final = "{http://fixprotocol.io/2016/sbe}"
_MBX: Final = "{https://developers.binance.com/docs/binance-spot-api-docs}"
_SIZES: Final = {
    "char": 1, "int8": 1, "uint8": 1, "int16": 2, "uint16": 2, "int32": 4, "uint32": 4,
    "int64": 8, "uint64": 8,
}  # fmt: skip


class SchemaError(ValueError):
    """A schema this generator cannot read (with what and where)."""


def generate(xml: str, source: str = "the schema") -> str:
    """The ``sbe_schema`` module's source for the schema document ``xml``."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as error:
        raise SchemaError(f"{source}: not XML ({error})") from None
    if root.tag != f"{_SBE}messageSchema":
        raise SchemaError(f"{source}: not an SBE messageSchema")
    types = root.find("types")
    if types is None:
        raise SchemaError(f"{source}: no <types>")
    primitives: dict[str, str] = {name: name for name in _SIZES}
    composites: dict[str, list[tuple[str, str]]] = {}
    enums: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for node in types:
        name = node.get("name", "")
        if node.tag == "type":
            primitives[name] = node.get("primitiveType", "")
        elif node.tag == "composite":
            composites[name] = [
                (part.get("name", ""), part.get("primitiveType", "")) for part in node
                if part.tag == "type"
            ]  # fmt: skip
        elif node.tag == "enum":
            values = [
                (v.get("name", ""), (v.text or "").strip()) for v in node if v.tag == "validValue"
            ]
            enums[name] = (node.get("encodingType", ""), values)
    out = [_PROLOGUE.format(source=source.rsplit("/", 1)[-1])]
    out.append(f"SCHEMA_ID: Final = {int(root.get('id', '0'))}\n")
    out.append(f"SCHEMA_VERSION: Final = {int(root.get('version', '0'))}\n\n")
    out.append("ENUMS: Final[dict[str, SbeEnum]] = {\n")
    for name, (encoding, values) in enums.items():
        shown = ", ".join(
            f"{value!r}: {label!r}" if encoding == "char" else f"{int(value)}: {label!r}"
            for label, value in values
        )
        out.append(f"    {name!r}: SbeEnum({name!r}, {encoding!r}, {{{shown}}}),\n")
    out.append("}\n\n")
    out.append("MESSAGES: Final[dict[int, SbeMessageDef]] = {\n")
    for message in root.findall(f"{_SBE}message"):
        _, block = _fields(message, primitives, enums, source)
        out.append(
            f"    {int(message.get('id', '0'))}: SbeMessageDef(\n"
            f"        {message.get('name')!r}, {int(message.get('id', '0'))}, "
            f"{message.get('semanticType')!r}, {block},\n"
        )
        out += _members(message, primitives, enums, composites, source, "        ")
        out.append("    ),\n")
    out.append("}\n")
    out.append('"""Each message by its templateId."""\n\n')
    out.append(
        "BY_NAME: Final = {definition.name: definition for definition in MESSAGES.values()}\n"
    )
    out.append('"""Each message by its name."""\n')
    return "".join(out)


def _primitive(
    type_name: str,
    primitives: dict[str, str],
    enums: dict[str, tuple[str, list[tuple[str, str]]]],
    where: str,
) -> tuple[str, str | None]:
    if type_name in enums:
        return enums[type_name][0], type_name
    if type_name in primitives and primitives[type_name] in _SIZES:
        return primitives[type_name], None
    raise SchemaError(f"{where}: unknown type {type_name!r}")


def _fields(
    node: ElementTree.Element,
    primitives: dict[str, str],
    enums: dict[str, tuple[str, list[tuple[str, str]]]],
    source: str,
) -> tuple[list[str], int]:
    """The block's fields as source lines, and the block's length."""
    lines = []
    offset = 0
    for child in node:
        if child.tag != "field":
            continue
        name = child.get("name", "")
        where = f"{source}: {node.get('name')}.{name}"
        primitive, enum = _primitive(child.get("type", ""), primitives, enums, where)
        optional = child.get("presence") == "optional"
        exponent = child.get(f"{_MBX}exponent")
        since = int(child.get("sinceVersion", "0"))
        extra = "".join([
            ", optional=True" if optional else "",
            f", enum={enum!r}" if enum else "",
            f", exponent={exponent!r}" if exponent else "",
            f", since_version={since}" if since else "",
        ])  # fmt: skip
        lines.append(
            f"SbeField({name!r}, {int(child.get('id', '0'))}, {primitive!r}, {offset}{extra})"
        )
        offset += _SIZES[primitive]
    return lines, offset


def _members(
    node: ElementTree.Element,
    primitives: dict[str, str],
    enums: dict[str, tuple[str, list[tuple[str, str]]]],
    composites: dict[str, list[tuple[str, str]]],
    source: str,
    indent: str,
) -> Iterator[str]:
    fields, _ = _fields(node, primitives, enums, source)
    yield f"{indent}fields=(\n"
    yield from (f"{indent}    {line},\n" for line in fields)
    yield f"{indent}),\n"
    groups = [child for child in node if child.tag == "group"]
    if groups:
        yield f"{indent}groups=(\n"
        for group in groups:
            dimension = composites.get(group.get("dimensionType", ""))
            if dimension is None or len(dimension) != 2:
                raise SchemaError(f"{source}: {group.get('name')}: unknown dimensionType")
            _, block = _fields(group, primitives, enums, source)
            yield (
                f"{indent}    SbeGroup(\n{indent}        {group.get('name')!r}, "
                f"{int(group.get('id', '0'))}, {dimension[0][1]!r}, {dimension[1][1]!r}, {block},\n"
            )
            yield from _members(group, primitives, enums, composites, source, indent + "        ")
            yield f"{indent}    ),\n"
        yield f"{indent}),\n"
    data = [child for child in node if child.tag == "data"]
    if data:
        yield f"{indent}data=(\n"
        for item in data:
            kind = item.get("type", "")
            composite = composites.get(kind)
            if composite is None:
                raise SchemaError(f"{source}: {item.get('name')}: unknown data type {kind!r}")
            optional = ", optional=True" if kind.startswith("optional") else ""
            yield (
                f"{indent}    SbeData({item.get('name')!r}, {int(item.get('id', '0'))}, "
                f"{composite[0][1]!r}{optional}),\n"
            )
        yield f"{indent}),\n"


_PROLOGUE: Final = '''\
"""Binance's FIX SBE layouts, generated from {source} by ``fixsession.tools.sbegen``
(do not edit: regenerate). ``fixsession.sbe`` encodes and decodes with them."""

# ruff: noqa: E501

from typing import Final

from fixsession.sbe import SbeData, SbeEnum, SbeField, SbeGroup, SbeMessageDef

'''


def main(argv: list[str] | None = None) -> int:
    """Print the module for the schema file named on the command line."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(
            "usage: python -m fixsession.tools.sbegen SCHEMA.xml > sbe_schema.py", file=sys.stderr
        )
        return 2
    try:
        with open(args[0], encoding="utf-8") as handle:
            text = handle.read()
        sys.stdout.write(generate(text, args[0]))
    except (OSError, SchemaError) as error:
        print(f"sbegen: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
