"""FIX SBE: the layouts generated from Binance's schema, Binance's own sample Logon byte for
byte, every message both ways (hypothesis), newer and older schema versions, and the framer's
chunking, bounds and Binance's SBE errors (-1177, -1152, -1153, -1221)."""

from __future__ import annotations

import decimal
import json
import re
import struct
import time
from contextlib import nullcontext
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import shared_file
from hypothesis import given, settings
from hypothesis import strategies as st

from fixsession import errors, sbe, sbe_schema, sbefix, speedups
from fixsession.sbe import SbeField, SbeFramer, SbeGarbled, SbeGroup, SbeMessage, SbeMessageDef
from fixsession.tools import sbegen, strategies
from fixsession.validation import Validator


def test_the_checked_in_layouts_are_what_the_generator_writes_from_binances_schema() -> None:
    schema = shared_file("spot-fixsbe-1_1.xml")
    assert sbegen.generate(schema.read_text(), str(schema)) == Path(sbe_schema.__file__).read_text()


def sample_logon() -> bytes:
    """The hexdump of Binance's sample FIX SBE Logon, read from its FIX API page."""
    text = shared_file("fix-api.md").read_text()
    table = text[text.index("#### Sample FIX SBE `Logon`") : text.index("### FIX vs. FIX SBE")]
    rows = re.findall(r"^\| ((?:0x[0-9a-f]{2}, )*0x[0-9a-f]{2}) +\|", table, re.MULTILINE)
    return bytes(int(byte, 16) for row in rows for byte in row.split(", "))


def test_binances_sample_logon_decodes_and_encodes_back_byte_for_byte() -> None:
    data = sample_logon()
    message = sbe.decode(data)
    assert (message.name, message.template_id, message.seq_num, message.version) == (
        "Logon", 20008, 1, 0,
    )  # fmt: skip
    values = message.values
    assert (values["HeartBtInt"], values["SenderCompId"], values["TargetCompId"]) == (
        30,
        "EXAMPLE",
        "SPOT",
    )
    assert values["MessageHandling"] == "Sequential" and "ResponseMode" not in values  # null
    assert "RecvWindow" not in values and len(values["RawData"]) == 88
    assert "RawData" in repr(message) and values["RawData"] not in repr(message)
    again = sbe.encode("Logon", values, 1, message.sending_time_us, version=message.version)
    assert again == data


# -- every message, both ways -------------------------------------------------------------------------

_RANGES = {
    "int8": (-127, 127), "uint8": (0, 254), "int16": (-(2**15) + 1, 2**15 - 1),
    "uint16": (0, 2**16 - 2), "int32": (-(2**31) + 1, 2**31 - 1), "uint32": (0, 2**32 - 2),
    "int64": (-(2**63) + 1, 2**63 - 1), "uint64": (0, 2**64 - 2),
}  # fmt: skip


def _value(spec: SbeField) -> st.SearchStrategy[Any]:
    if spec.enum is not None:
        return st.sampled_from(sorted(sbe_schema.ENUMS[spec.enum].values.values()))
    if spec.exponent is not None:
        return st.integers(-(10**12), 10**12).map(lambda n: Decimal(n).scaleb(-8))
    if spec.primitive == "char":
        return st.characters(min_codepoint=33, max_codepoint=126)
    low, high = _RANGES[spec.primitive]
    return st.integers(low, high)


@st.composite
def _values(draw: st.DrawFn, fields: tuple[SbeField, ...], groups: tuple[SbeGroup, ...],
            data: tuple[sbe.SbeData, ...], depth: int = 0) -> dict[str, Any]:  # fmt: skip
    exponents = {spec.exponent for spec in sbe._all_fields(fields, groups) if spec.exponent}
    out: dict[str, Any] = {}
    for spec in fields:
        if spec.name in exponents:
            continue  # worked out from the decimals
        if spec.optional and draw(st.booleans()):
            continue
        out[spec.name] = draw(_value(spec))
    for group in groups:
        out[group.name] = draw(
            st.lists(_values(group.fields, group.groups, group.data, depth + 1), max_size=3 - depth)
        )
    for item in data:
        if item.optional and draw(st.booleans()):
            continue
        out[item.name] = draw(st.text(min_size=1, max_size=20))
    return out


@st.composite
def messages(draw: st.DrawFn) -> tuple[SbeMessageDef, dict[str, Any]]:
    definition = draw(st.sampled_from(list(sbe_schema.MESSAGES.values())))
    return definition, draw(_values(definition.fields, definition.groups, definition.data))


def _without_exponents(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        if key.endswith("Exponent") and isinstance(value, int):
            continue
        if isinstance(value, list):
            value = [_without_exponents(entry) for entry in value]
        out[key] = value
    return out


@settings(max_examples=300, deadline=None)
@given(messages(), st.integers(0, 2**32 - 1), st.integers(0, 2**62))
def test_every_message_encodes_and_decodes_to_the_same_values(
    message: tuple[SbeMessageDef, dict[str, Any]], seq_num: int, sending_time: int
) -> None:
    definition, values = message
    frame = sbe.encode(definition.name, values, seq_num, sending_time)
    decoded = sbe.decode(frame)
    assert (decoded.name, decoded.seq_num, decoded.sending_time_us) == (
        definition.name,
        seq_num,
        sending_time,
    )
    assert _without_exponents(decoded.values) == _without_exponents(values)
    assert sbe.encode(definition.name, decoded.values, seq_num, sending_time) == frame


def _read_both_ways(frame: bytes) -> tuple[str, str]:
    """What ``sbe.decode`` makes of ``frame`` with the C speedups and in pure Python: the
    message's repr (decimals with their exponents, keys in order), or the error's."""

    def read() -> str:
        try:
            return repr(sbe.decode(frame))
        except errors.BinanceError as error:
            return f"{error.code} {error.text} {getattr(error, '__notes__', '')}"

    fast = read()
    with speedups.pure_python():
        return fast, read()


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """An encoded message with bytes of its body changed, cut off or added (its SOFH and
    header kept right, so that the body is what is read)."""
    definition, values = draw(messages())
    frame = bytearray(sbe.encode(definition.name, values, 1, 2))
    for _ in range(draw(st.integers(0, 4))):
        if len(frame) > sbe.PREFIX:
            frame[draw(st.integers(sbe.PREFIX, len(frame) - 1))] = draw(st.integers(0, 255))
    body = bytes(frame[sbe.PREFIX :])
    cut = draw(st.integers(0, len(body)))
    body = draw(st.sampled_from([body, body[:cut], body + draw(st.binary(max_size=8))]))
    header = bytes(frame[6 : sbe.PREFIX])
    if draw(st.booleans()):  # another blockLength, or an older version
        header = struct.pack("<H", draw(st.integers(0, 80))) + header[2:]
    return struct.pack("<IH", sbe.PREFIX + len(body), sbe.ENCODING_TYPE) + header + body


@pytest.mark.skipif(not speedups.enabled(), reason="the C speedups are not built")
@settings(max_examples=400, deadline=None)
@given(frame=st.one_of(messages().map(lambda m: sbe.encode(m[0].name, m[1], 7, 9)), damaged()))
def test_the_c_reader_and_the_python_reader_agree(frame: bytes) -> None:
    # sbe.py's _Reader is the reference: the C speedups read the common case the same way,
    # to the decimal's exponent, and leave anything else to it.
    fast, reference = _read_both_ways(frame)
    assert fast == reference


class _Str(str):
    """A str the C writer must not hash (its __hash__ could be anything): Python writes it."""

    def __hash__(self) -> int:
        return str.__hash__(self)


_ODD = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.text(max_size=3),
    st.floats(allow_nan=True), st.binary(max_size=2), st.lists(st.integers(), max_size=1),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.builds(lambda n, e: Decimal(n).scaleb(e), st.integers(-(10**22), 10**22),
              st.integers(-30, 30)),
    st.sampled_from([Decimal("-0"), Decimal("0E-9"), Decimal("1E+5"), Decimal("1.50"),
                     Decimal("9" * 19), Decimal("1" + "0" * 19), Decimal("0E+99999"),
                     Decimal("1E-999999"), Decimal("1E+999999"), _Str("Buy"), _Str("x"),
                     "\ud800", "é", "\x00"]),
)  # fmt: skip
"""Values no field may take, or only some may: what the C writer must leave to Python."""


@st.composite
def odd_values(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A message's values with some of them (or an entry's, or an exponent) replaced by
    ``_ODD`` values, or a field added."""
    definition, values = draw(messages())
    targets = [values] + [entry for group in definition.groups for entry in values[group.name]]
    for _ in range(draw(st.integers(0, 3))):
        target = draw(st.sampled_from(targets))
        names = sorted(target) + [spec.name for spec in definition.fields]
        name = draw(st.sampled_from([*names, "PriceExponent", "QtyExponent", "Nothing"]))
        target[name] = draw(st.one_of(_ODD, st.integers(-20, 20)))
    return definition.name, values


@pytest.mark.skipif(not speedups.enabled(), reason="the C speedups are not built")
@settings(max_examples=600, deadline=None)
@given(odd_values(), st.integers(-1, 2**32), st.integers(-(2**63) - 1, 2**63))
def test_the_c_writer_and_the_python_writer_agree(
    message: tuple[str, dict[str, Any]], seq_num: int, sending_time: int
) -> None:
    # sbe.py's writer is the reference: the C speedups write the common case the same bytes,
    # and leave anything else (and every error) to it.
    def write() -> str:
        try:
            return sbe.encode(*message, seq_num, sending_time).hex()
        except Exception as error:  # (which error, and its text, must agree too)
            return f"{type(error).__name__}: {error}"

    fast = write()
    with speedups.pure_python():
        assert fast == write()


def test_the_callers_code_never_runs_inside_the_c_writer() -> None:
    # A value whose __hash__ empties the list of entries being written: the C writer must
    # not hash it (it would read freed entries); sbe.py writes or refuses it instead.
    def entry() -> dict[str, Any]:
        return {"OrdType": "Limit", "Side": "Buy", "ClOrdID": "a", "Symbol": "BTCUSDT"}

    kept = [entry() for _ in range(3)]
    orders = list(kept)

    class Emptying(str):
        def __hash__(self) -> int:
            orders.clear()
            return str.__hash__(self)

    orders[0]["Side"] = Emptying("Buy")
    values = {"ContingencyType": "OneCancelsTheOther", "Orders": orders, "ClListID": "x"}
    with pytest.raises(ValueError):
        sbe.encode("NewOrderList", values, 1, 2)
    keys = {_Str(name): value for name, value in entry().items()}  # keys: the same rule
    with speedups.pure_python():
        expected = sbe.encode("NewOrderSingle", keys, 1, 2)
    assert sbe.encode("NewOrderSingle", keys, 1, 2) == expected


def test_decimals_are_exact_whatever_the_decimal_context() -> None:
    values = {"OrdType": "Limit", "Side": "Buy", "ClOrdID": "a", "Symbol": "BTCUSDT",
              "OrderQty": Decimal("1234567"), "Price": Decimal("12345.67")}  # fmt: skip
    frame = sbe.encode("NewOrderSingle", values, 1, 2)
    for pure in (False, True):
        with decimal.localcontext(prec=6), speedups.pure_python() if pure else nullcontext():
            assert sbe.encode("NewOrderSingle", values, 1, 2) == frame
            decoded = sbe.decode(frame).values
        assert (decoded["OrderQty"], decoded["Price"]) == (Decimal(1234567), Decimal("12345.67"))


@pytest.mark.parametrize("value", ["1E-999999", "1E+999999", "1" * 5000])
def test_a_decimal_too_long_for_any_field_is_refused_before_it_is_made(value: str) -> None:
    values = {"OrdType": "Limit", "Side": "Buy", "ClOrdID": "a", "Symbol": "BTCUSDT",
              "Price": Decimal(value), "OrderQty": Decimal(1)}  # fmt: skip
    began = time.process_time()
    with pytest.raises(ValueError, match="does not fit"):
        sbe.encode("NewOrderSingle", values, 1, 2)
    assert time.process_time() - began < 1.0  # (scaling 1E-999999 first took 26 s)


def test_a_decimal_takes_the_exponent_it_needs_and_one_given_is_kept() -> None:
    values = {"OrdType": "Limit", "Side": "Buy", "OrderQty": Decimal("0.00100"),
              "Price": Decimal("30000.10"), "ClOrdID": "o1", "Symbol": "BTCUSDT"}  # fmt: skip
    decoded = sbe.decode(sbe.encode("NewOrderSingle", values, 2, 0)).values
    assert (decoded["QtyExponent"], decoded["PriceExponent"]) == (-3, -1)
    assert decoded["Price"] == Decimal("30000.1") and decoded["OrderQty"] == Decimal("0.001")
    fixed = sbe.decode(sbe.encode("NewOrderSingle", {**values, "PriceExponent": -2}, 2, 0))
    assert fixed.values["PriceExponent"] == -2
    with pytest.raises(ValueError, match="needs more decimals than exponent -1"):
        sbe.encode(
            "NewOrderSingle", {**values, "PriceExponent": -1, "Price": Decimal("1.23")}, 2, 0
        )


@pytest.mark.parametrize(
    ("name", "values", "error"),
    [
        ("Nothing", {}, "no SBE message 'Nothing'"),
        ("NewOrderSingle", {"Side": "Buy", "ClOrdID": "o", "Symbol": "S"}, "OrdType is required"),
        (
            "NewOrderSingle",
            {"OrdType": "Limit", "Side": "Up", "ClOrdID": "o", "Symbol": "S"},
            "'Up' is not one of",
        ),
        ("TestRequest", {"TestReqID": "x", "Colour": 1}, "no field 'Colour'"),
        ("TestRequest", {"TestReqID": "x" * 300}, "300 bytes are too long"),
        (
            "Logon",
            {
                "HeartBtInt": -1,
                "SenderCompId": "a",
                "TargetCompId": "b",
                "RawData": "c",
                "Username": "d",
            },
            "does not fit",
        ),
    ],
)
def test_what_cannot_be_encoded_is_a_value_error_naming_it(
    name: str, values: dict[str, Any], error: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(error)):
        sbe.encode(name, values, 1, 0)


# -- schema versions ------------------------------------------------------------------------------------

REPORT = {"OrdType": "Limit", "Side": "Sell", "ExecType": "Expired", "CumQty": Decimal(0),
          "LastQty": Decimal(0), "OrdStatus": "Expired", "Symbol": "BTCUSDT"}  # fmt: skip


def test_an_older_version_lacks_the_fields_added_since_and_a_newer_one_is_read_by_block_length() -> (
    None
):
    older = sbe.encode("ExecutionReport", REPORT, 5, 0, version=0)
    newer_fields = sbe.encode("ExecutionReport", REPORT, 5, 0)
    assert len(newer_fields) == len(older) + 1  # ExpiryReason, added in version 1
    assert sbe.decode(older).values == sbe.decode(newer_fields).values
    with pytest.raises(ValueError, match="ExpiryReason is not in schema version 0"):
        sbe.encode(
            "ExecutionReport", {**REPORT, "ExpiryReason": _an_expiry_reason()}, 5, 0, version=0
        )
    # Version 2 of the schema appends a 4-byte field to the block: version 1 skips it.
    block_length = struct.unpack_from("<H", newer_fields, 6)[0]
    body = (
        newer_fields[26 : 26 + block_length]
        + b"\x07\x07\x07\x07"
        + newer_fields[26 + block_length :]
    )
    header = struct.pack("<HHHHIq", block_length + 4, 98, 1, 2, 5, 0)
    future = struct.pack("<IH", 26 + len(body), 0xEB50) + header + body
    decoded = sbe.decode(future)
    assert decoded.version == 2 and decoded.values == sbe.decode(newer_fields).values
    with pytest.raises(errors.UnsupportedSchemaId):
        sbe.decode(future, versions=range(2))


def _an_expiry_reason() -> str:
    return next(iter(sbe_schema.ENUMS["expiryReason"].values.values()))


# -- framing and Binance's errors -----------------------------------------------------------------------


def frames() -> list[bytes]:
    return [
        sbe.encode("Heartbeat", {}, 1, 0),
        sbe.encode("TestRequest", {"TestReqID": "t1"}, 2, 0),
        sbe.encode("ExecutionReport", REPORT, 3, 0),
    ]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 64), min_size=1, max_size=40))
def test_any_chunking_frames_the_same_messages(sizes: list[int]) -> None:
    stream = b"".join(frames())
    framer = SbeFramer()
    items: list[Any] = []
    at = 0
    for size in sizes * (len(stream) // sum(sizes) + 1):
        items += framer.feed(stream[at : at + size])
        at += size
        if at >= len(stream):
            break
    assert [item.seq_num for item in items] == [1, 2, 3]
    assert all(isinstance(item, SbeMessage) for item in items) and framer.buffered == 0


def _garbled(data: bytes, **options: Any) -> tuple[list[Any], SbeFramer]:
    framer = SbeFramer(**options)
    return framer.feed(data), framer


def test_a_wrong_encoding_type_is_1177_and_nothing_after_it_is_trusted() -> None:
    bad = bytearray(frames()[0])
    bad[4:6] = b"\x50\xbe"  # big-endian's 0x50BE: Binance takes 0xEB50 only
    items, framer = _garbled(bytes(bad) + frames()[1])
    (item,) = items
    assert isinstance(item, SbeGarbled) and isinstance(item.error, errors.GarbledMessage)
    assert (item.error.code, item.error.text) == (-1177, "Invalid encodingType.")
    assert framer.broken is item.error and framer.feed(frames()[2]) == [] and framer.buffered == 0


def test_a_message_length_past_the_bound_is_refused_before_it_is_buffered() -> None:
    head = struct.pack("<IH", 4_000_000_000, 0xEB50)
    items, framer = _garbled(head, max_message_size=1 << 16)
    (item,) = items
    assert (item.error.code, item.error.text) == (-1152, "Invalid SBE message header.")
    assert framer.buffered == 0
    short = struct.pack("<IH", 10, 0xEB50) + b"\x00" * 4
    (item,) = _garbled(short)[0]
    assert item.error.code == -1152


def _with_header(frame: bytes, **changes: int) -> bytes:
    fields = dict(zip(("block", "template", "schema", "version", "seq", "time"),
                      struct.unpack_from("<HHHHIq", frame, 6), strict=True))  # fmt: skip
    fields.update(changes)
    return frame[:6] + struct.pack("<HHHHIq", *fields.values()) + frame[26:]


@pytest.mark.parametrize(
    ("change", "code", "text"),
    [
        ({"schema": 2}, -1153, "Invalid SBE schema ID or version specified."),
        ({"template": 4242}, -1152, "Invalid SBE message header."),
        ({"block": 60000}, -1221, "Invalid/missing field(s) in SBE message."),
    ],
)
def test_a_bad_header_is_its_error_and_the_stream_stays_in_step(
    change: dict[str, int], code: int, text: str
) -> None:
    first, second, third = frames()
    items, framer = _garbled(first + _with_header(second, **change) + third)
    assert [type(item).__name__ for item in items] == ["SbeMessage", "SbeGarbled", "SbeMessage"]
    assert (items[1].error.code, items[1].error.text) == (code, text)
    assert framer.broken is None


@pytest.mark.parametrize(
    ("damage", "note"),
    [
        ("truncated var data", "TestReqID: 3 bytes run past the message"),
        ("not UTF-8", "TestReqID is not UTF-8"),
        ("bytes after the last field", "1 bytes after the last field"),
    ],
)
def test_a_bad_field_is_1221(damage: str, note: str) -> None:
    frame = sbe.encode("TestRequest", {"TestReqID": "abc"}, 2, 0)
    if damage == "truncated var data":
        frame = frame[:-1]
    elif damage == "not UTF-8":
        frame = frame[:-1] + b"\xff"
    else:
        frame += b"\x00"
    frame = struct.pack("<I", len(frame)) + frame[4:]
    with pytest.raises(errors.InvalidSbeMessageField) as raised:
        sbe.decode(frame)
    assert raised.value.text == "Invalid/missing field(s) in SBE message."
    assert raised.value.__notes__ == [note]


def test_a_block_too_short_for_a_required_field_is_1221_and_a_group_entry_too() -> None:
    logon = sbe.encode("Logon", {"HeartBtInt": 30, "SenderCompId": "a", "TargetCompId": "SPOT",
                                 "RawData": "c2ln", "Username": "k"}, 1, 0)  # fmt: skip
    with pytest.raises(errors.InvalidSbeMessageField) as raised:
        sbe.decode(_with_header(logon, block=1))  # EncryptMethod only
    assert raised.value.__notes__ == ["HeartBtInt is missing: the block is 1 bytes"]
    book = sbe.encode("MarketDataIncrementalBookTicker", {"LastBookUpdateID": 7, "Symbol": "B",
                      "MDEntriesAsks": [{"MDEntryPx": Decimal(1)}]}, 2, 0)  # fmt: skip
    asks = sbe.PREFIX + 10 + 2  # the block, Bids' dimensions (16, 0), then Asks' blockLength
    assert book[asks : asks + 2] == b"\x10\x01"
    with pytest.raises(errors.InvalidSbeMessageField) as raised:
        sbe.decode(book[:asks] + b"\x00" + book[asks + 1 :])  # Asks: 1 entry of 0 bytes
    assert raised.value.__notes__ == ["MDEntryPx is missing: the block is 0 bytes"]
    with pytest.raises(ValueError, match="MDEntryPx is required"):
        sbe.encode("MarketDataIncrementalBookTicker", {"LastBookUpdateID": 7, "Symbol": "B",
                   "MDEntriesAsks": [{}]}, 2, 0)  # fmt: skip


# -- fixsession decode --encoding sbe ------------------------------------------------------------


def test_decode_prints_binances_sample_logon(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fixsession.tools.cli import main

    path = tmp_path / "logon.sbe"
    path.write_bytes(sample_logon())
    assert main(["decode", "--encoding", "sbe", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{path}:0 valid Logon (templateId 20008, MsgType A, version 0, ")
    assert "seqNum 1, sendingTime 20240627-09:17:25.223)" in lines[0]
    for line in ("  HeartBtInt(108) = 30", "  SenderCompId(49) = EXAMPLE",
                 "  TargetCompId(56) = SPOT", "  ResponseMode(25036) = null",
                 "  ExecutionReportType(25045) = null", "  DropCopyFlag(9406) = null",
                 "  RecvWindow(25000) = null", "  RawData(96) = " + "*" * 88,
                 "  Username(553) = sBRXrJx2DsOraMXOaUovEhgVRcjOvCtQwnWj8VxkOh1xqboS02SPGfKi2h8spZJb"):  # fmt: skip
        assert line in lines


def test_decode_json_shows_sbe_faults_and_groups(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fixsession.tools.cli import main

    book = {"LastBookUpdateID": 7, "Symbol": "BTCUSDT",
            "MDEntriesBids": [{"MDEntryPx": Decimal("30000.1"), "MDEntrySize": Decimal("0.5")}],
            "MDEntriesAsks": []}  # fmt: skip
    good = sbe.encode("MarketDataIncrementalBookTicker", book, 4, 1_750_000_000_000_000)
    bad_schema = bytearray(sbe.encode("Heartbeat", {}, 5, 1_750_000_000_000_000))
    bad_schema[10:12] = (9).to_bytes(2, "little")
    path = tmp_path / "feed.sbe"
    path.write_bytes(good + bytes(bad_schema) + good[:10])
    assert main(["decode", "--encoding", "sbe", "--format", "json", str(path)]) == 0
    first, second, third = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["valid"] and first["message"] == "MarketDataIncrementalBookTicker"
    bids = next(f for f in first["fields"] if f["name"] == "MDEntriesBids")
    assert bids["entries"] == [[{"tag": 270, "name": "MDEntryPx", "value": "30000.1"},
                                {"tag": 271, "name": "MDEntrySize", "value": "0.5"}]]  # fmt: skip
    assert (second["valid"], second["code"], second["offset"]) == (False, -1153, len(good))
    assert first["sending_time"] == "20250615-15:06:40.000"
    assert (third["valid"], third["code"], third["length"]) == (False, -1152, 10)


def test_the_sbe_bench_runs_and_checks_what_it_times() -> None:
    import subprocess
    import sys

    bench = Path(__file__).resolve().parents[1] / "bench" / "sbe.py"
    result = subprocess.run(
        [sys.executable, str(bench), "--messages", "200"], capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.count("SBE/FIX") == 3


def test_decode_shows_a_sending_time_no_timestamp_can_write_as_its_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fixsession.tools.cli import main

    path = tmp_path / "early.sbe"
    path.write_bytes(sbe.encode("Heartbeat", {}, 1, 5) + sbe.encode("Heartbeat", {}, 2, -1))
    assert main(["decode", "--encoding", "sbe", "--format", "json", str(path)]) == 0
    shown = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [s["sending_time"] for s in shown] == [5, -1]


@settings(max_examples=150, deadline=None)
@given(frame=strategies.sbe_frames())
def test_drawn_sbe_frames_are_what_binance_takes(frame: bytes) -> None:
    (item,) = sbe.SbeFramer().feed(frame)
    assert isinstance(item, sbe.SbeMessage)
    fields = sbefix.SessionFields(local_comp_id="SPOT", peer_comp_id="GW")
    _, fault = Validator().parse(sbefix.to_fix(item, fields).encode())
    assert fault is None, fault


@settings(max_examples=300, deadline=None)
@given(drawn=strategies.malformed_sbe_frames())
def test_drawn_malformed_sbe_frames_get_their_code(drawn: tuple[str, bytes, int]) -> None:
    kind, frame, code = drawn
    item = sbe.SbeFramer().feed(frame)[0]
    assert isinstance(item, sbe.SbeGarbled), kind
    assert item.error.code == code, (kind, item.error)


def test_a_utf8_symbol_crosses_to_fix_as_binance_allows_it() -> None:
    """Found by the SBE strategy: an SBE value in a tag FIX takes as UTF-8 (Symbol) was
    refused as one FIX cannot carry (-1221); control characters still are."""
    frame = (b" \x00\x00\x00P\xeb\x01\x00\xc8\x00\x01\x00\x01\x00\x01\x00\x00\x00\x00\xe07;"
             b"\x01]\x03\x00\x00\x010\x02\xc2\xa1")  # fmt: skip
    fields = sbefix.SessionFields(local_comp_id="SPOT", peer_comp_id="GW")
    message = sbefix.to_fix(sbe.decode(frame), fields)
    assert message.get(55) == "¡"
    assert Validator().parse(message.encode())[1] is None
