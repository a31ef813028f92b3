"""The catalog against Binance's error page, and template filling/reading."""

from __future__ import annotations

import re

import pytest
from conftest import shared_file
from hypothesis import given
from hypothesis import strategies as st

from fixsession import catalog
from fixsession.catalog import BY_CODE, ERRORS, Category, EngineMessage


def _english_half() -> str:
    text = shared_file("errors-seed.md").read_text(encoding="utf-8")
    return text[: text.index("# 错误代码汇总")]


def _as_sent(markdown: str) -> str:
    """A bullet of the page as Binance sends it: link syntax and backticks are formatting."""
    markdown = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return markdown.replace("`", "").strip()


def _page_codes() -> dict[int, tuple[str, list[str]]]:
    codes: dict[int, tuple[str, list[str]]] = {}
    current: list[str] | None = None
    for line in _english_half().splitlines():
        heading = re.match(r"^### (-\d+) (.*?)\[\]\(", line)
        if heading:
            current = []
            codes[int(heading.group(1))] = (heading.group(2), current)
        elif line.startswith("## "):
            current = None
        elif line.startswith("  * ") and current is not None:
            current.append(_as_sent(line[4:]))
    return codes


def test_the_page_has_103_codes_and_every_one_is_in_the_catalog() -> None:
    page = _page_codes()
    assert len(page) == 103
    assert set(page) <= set(BY_CODE)


def test_every_name_and_template_of_the_page_is_in_the_catalog() -> None:
    for code, (heading, bullets) in _page_codes().items():
        spec = BY_CODE[code]
        if re.fullmatch(r"[A-Z_]+", heading):
            assert spec.name == heading, code
        else:  # -2021 / -2022: the heading is the message, and there is no NAME
            assert heading in spec.templates, code
            assert re.fullmatch(r"[A-Z_]+", spec.name), code
        for bullet in bullets:
            assert bullet in spec.templates, (code, bullet)


def test_the_catalog_has_nothing_the_page_does_not() -> None:
    page = _page_codes()
    for spec in ERRORS:
        if spec.code in (-1010, -2038):  # named in the matching-engine table's heading
            assert f"{spec.code} {spec.name}" in _english_half()
            continue
        heading, bullets = page[spec.code]
        assert set(spec.templates) <= set(bullets) | {heading}, spec.code


def test_texts_are_stored_as_sent_on_the_wire() -> None:
    for spec in ERRORS:
        for template in spec.templates:
            assert "`" not in template and "](" not in template, template
    assert BY_CODE[-1177].templates[0] == "CheckSum(10) contains an incorrect value."
    assert BY_CODE[-1176].templates == ("Logon<A> should only be sent once.",)


def test_engine_messages_are_the_two_tables_of_the_page() -> None:
    page = _english_half()
    rows: list[str] = []
    for start, stop in (
        ("## Messages for -1010", "## Errors regarding placing orders"),
        ("## Filter failures", None),
    ):
        table = page[page.index(start) : page.index(stop) if stop else None]
        for line in table.splitlines():
            if "|" in line and not line.startswith(("---", "Error message")):
                cell = line.split("|")[0].strip().replace("`", "")
                for text in cell.split(" / "):
                    text = text.strip()
                    if text.endswith('".'):  # the period outside the quotes is the text's
                        text = text[:-2] + "."
                    rows.append(text.strip('"'))
    assert sorted(rows) == sorted(message.value for message in EngineMessage)
    assert EngineMessage.NO_STATE_CHANGE == "The requested action would change no state; rejecting."


def test_every_code_has_a_category_and_a_name() -> None:
    assert len(ERRORS) == len(BY_CODE) == 105
    for spec in ERRORS:
        assert isinstance(spec.category, Category)
        assert re.fullmatch(r"[A-Z][A-Z_]*", spec.name), spec.code


_PARAMETERISED = [
    (spec.code, template)
    for spec in ERRORS
    for template in spec.templates
    if catalog._PLACEHOLDER.search(template)
]

# Values a server would put in a placeholder: no quotes or brackets around which the
# template's own punctuation could be confused.
_VALUES = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E, blacklist_characters="'[]"),
    min_size=1,
    max_size=12,
)


@pytest.mark.parametrize(("code", "template"), _PARAMETERISED)
@given(data=st.data())
def test_a_filled_template_reads_back_to_the_same_code_and_params(
    code: int, template: str, data: st.DataObject
) -> None:
    kinds = catalog._PLACEHOLDER.findall(template)
    params = tuple(
        data.draw(st.integers(-(2**63), 2**63)) if kind == "%d" else data.draw(_VALUES)
        for kind in kinds
    )
    text = catalog.format_text(template, *params)
    found = catalog.match_text(code, text)
    assert found is not None
    assert found.params == params


def test_there_are_templates_with_placeholders_to_round_trip() -> None:
    assert len(_PARAMETERISED) > 30


def test_matching_ignores_backticks() -> None:
    found = catalog.match_text(-1177, "`CheckSum(10)` contains an incorrect value.")
    assert found is not None and found.template == BY_CODE[-1177].templates[0]


def test_a_bare_text_is_identified_by_its_template() -> None:
    found = catalog.identify_text("Too many messages; current limit is '60' messages per '1m'.")
    assert found is not None and (found.code, found.params) == (-1181, (60, "1m"))
    assert catalog.identify_text("Logout acknowledgment.") is None


def test_format_text_checks_the_number_of_values() -> None:
    with pytest.raises(ValueError):
        catalog.format_text("Tag '%s' appears more than once.")
    with pytest.raises(ValueError):
        catalog.format_text("Invalid tag number.", 1)
