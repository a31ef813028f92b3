"""Built-in dictionaries against Binance's QuickFIX files, and the XML loader."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import shared_file

from fixsession.dictionary import (
    BINANCE,
    DIFFERENCES_FROM_QUICKFIX,
    MARKET_DATA,
    ORDER_ENTRY,
    Dictionary,
    FieldType,
)


@pytest.mark.parametrize(
    ("builtin", "file", "key"),
    [(ORDER_ENTRY, "spot-fix-oe.xml", "oe"), (MARKET_DATA, "spot-fix-md.xml", "md")],
    ids=["order-entry", "market-data"],
)
def test_builtins_agree_with_binance_files_but_for_the_listed_differences(
    builtin: Dictionary, file: str, key: str
) -> None:
    official = Dictionary.from_quickfix_xml(shared_file(file))
    assert sorted(builtin.differences(official)) == sorted(DIFFERENCES_FROM_QUICKFIX[key])
    assert set(builtin.messages) == set(official.messages)
    for reason in DIFFERENCES_FROM_QUICKFIX[key].values():
        assert len(reason) > 20  # every difference says why


def test_the_loader_reads_components_groups_and_enums() -> None:
    official = Dictionary.from_quickfix_xml(shared_file("spot-fix-oe.xml"))
    new_order_list = official.messages["E"]
    group = next(m.group for m in new_order_list.members if m.tag == 73)
    assert group is not None and group.delimiters == (11,)
    nested = next(m.group for m in group.members if m.tag == 25010)
    assert nested is not None and [m.tag for m in nested.members] == [25011, 25012, 25013]
    assert official.fields[40].values["P"] == "PEGGED"
    assert official.fields[37].type is FieldType.INT
    assert "NewOrder" in official.components


def test_every_binance_message_type_is_in_a_builtin() -> None:
    assert set(ORDER_ENTRY.messages) == set("0135ABDEFNqr89") | {"XAK", "XAR", "XCN", "XLQ", "XLR"}
    assert set(MARKET_DATA.messages) == set("0135ABVWXYxy") | {"XLQ", "XLR"}
    assert set(BINANCE.messages) == set(ORDER_ENTRY.messages) | set(MARKET_DATA.messages)
    assert 25036 not in MARKET_DATA.fields and 25036 in ORDER_ENTRY.fields  # ResponseMode
    assert set(BINANCE.fields[35].values) == set(BINANCE.messages)


def test_builtin_groups() -> None:
    list_status = ORDER_ENTRY.messages["N"]
    orders = next(m.group for m in list_status.members if m.tag == 73)
    assert orders is not None and orders.delimiters == (11, 55)
    new_order_list = ORDER_ENTRY.messages["E"]
    entries = next(m.group for m in new_order_list.members if m.tag == 73)
    assert entries is not None and (entries.min_entries, entries.max_entries) == (2, 3)
    request = MARKET_DATA.messages["V"]
    assert [m.group.unique for m in request.members if m.group] == [(55,), (269,)]


@pytest.mark.parametrize(
    "content",
    [
        "",
        "not xml",
        "<fix><messages/></fix>",
        "<notfix/>",
        "<fix><fields><field number='x' name='A' type='INT'/></fields></fix>",
    ],
)
def test_a_bad_dictionary_file_is_a_value_error_naming_it(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(content)
    with pytest.raises(ValueError, match=r"bad\.xml"):
        Dictionary.from_quickfix_xml(path)
    with pytest.raises(ValueError, match=r"missing\.xml"):
        Dictionary.from_quickfix_xml(tmp_path / "missing.xml")
