"""Throughput of fixsession's framer and encoder against simplefix and QuickFIX, in one run.

What it measures (msgs/s and µs/msg, the median of several repeats):

- ``fixsession.frame``: a Binance-shaped stream (45 % ExecutionReport, 10 % Heartbeat, 45 %
  MarketDataIncrementalRefresh; see ``bench/corpus.py``) fed in 4096-byte chunks to a fresh
  ``fixsession.framing.Framer``; every frame must come back valid and byte-identical.
- ``fixsession.encode``: building and encoding an 11-field NewOrderSingle with ``Message``.
- ``fixsession.encode_template``: the same message from a ``Template`` (layout fixed ahead).
- ``simplefix.parse`` / ``simplefix.encode``: the same two jobs with simplefix.
- ``quickfix.parse``: ``quickfix.Message(frame, True)`` on each pre-split frame (skipped when
  QuickFIX is not installed).
- scaling: fixsession.frame's cost per message when 1,000 and when 100,000 messages arrive in
  one ``feed()`` call (it should not grow with the size of the read).

Every peer runs in the same process on the same corpus, so the ratios printed at the end
(with their targets) are comparable even where the absolute numbers are not. The corpus is
seeded: a seed always gives the same bytes.

Run from the repository root::

    python bench/run.py            # full: 20,000 messages, 5 repeats (a few minutes at most)
    python bench/run.py --quick    # 5,000 messages, 3 repeats (about 20 s)
    python bench/run.py --quick --json bench.json

A new measurement is one function decorated with ``@measurement("name")`` that returns a
``Workload``; a new target is one entry in ``RATIOS``.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import importlib
import importlib.metadata
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any, Final

_BENCH_DIR: Final = Path(__file__).resolve().parent
for _path in (_BENCH_DIR, _BENCH_DIR.parent):  # corpus.py, and fixsession from the checkout
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

SHARED: Final = Path(os.environ.get("FIXSESSION_SHARED", _BENCH_DIR.parent.parent / "shared"))
"""Where Binance's published files are (for QuickFIX's dictionaries): ../shared by default."""

import corpus
import simplefix
from corpus import Corpus

import fixsession
from fixsession import speedups
from fixsession.framing import Framer, Garbled
from fixsession.message import Message, Template
from fixsession.validation import Validator

# -- configuration --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Config:
    """How much work each measurement does."""

    mode: str
    messages: int  # N: the corpus, and messages per pass of most measurements
    repeats: int  # R: the reported figure is the median of R repeats
    min_repeat_s: float  # a repeat runs whole passes until it has taken at least this long
    simplefix_parse_messages: int  # simplefix parses ~8k msgs/s: a prefix of the corpus
    scaling_sizes: tuple[int, int]  # messages per feed() call: small, large
    seed: int

    @classmethod
    def make(cls, *, quick: bool, seed: int) -> Config:
        if quick:
            return cls("quick", 5_000, 3, 0.5, 2_000, (1_000, 20_000), seed)
        return cls("full", 20_000, 5, 1.0, 2_000, (1_000, 100_000), seed)


# -- the registry -----------------------------------------------------------------------------


class CheckFailed(Exception):
    """A pass produced a wrong result: its timing would be meaningless."""


class Unavailable(Exception):
    """A measurement cannot run here (a peer library is not installed)."""


@dataclass(slots=True)
class Workload:
    """One prepared measurement: ``run`` does one timed pass over ``messages`` messages.

    ``check`` gets what ``run`` returned, outside the timing; it raises ``CheckFailed`` if
    the pass went wrong and may return a note for the report (e.g. frames a peer rejected).
    """

    messages: int
    run: Callable[[], Any]
    check: Callable[[Any], str | None]
    footnote: str | None = None


Prepare = Callable[[Corpus, Config], Workload]


@dataclass(frozen=True, slots=True)
class Measurement:
    name: str
    prepare: Prepare


REGISTRY: dict[str, Measurement] = {}
"""Every measurement, in the order of the table."""


def measurement(name: str) -> Callable[[Prepare], Prepare]:
    """Register ``prepare`` (corpus, config -> Workload) under ``name``."""

    def register(prepare: Prepare) -> Prepare:
        if name in REGISTRY:
            raise ValueError(f"measurement {name!r} is registered twice")
        REGISTRY[name] = Measurement(name, prepare)
        return prepare

    return register


@dataclass(frozen=True, slots=True)
class Ratio:
    """``numerator`` msgs/s over ``denominator`` msgs/s must be at least ``target``."""

    numerator: str
    denominator: str
    target: float

    @property
    def key(self) -> str:
        return f"{self.numerator}/{self.denominator}"

    @property
    def label(self) -> str:
        short = self.numerator.removeprefix("fixsession.")
        return f"{short}/{self.denominator}"


RATIOS: Final = (
    Ratio("fixsession.frame", "quickfix.parse", 2.0),
    Ratio("fixsession.frame", "simplefix.parse", 30.0),
    Ratio("fixsession.encode", "simplefix.encode", 10.0),
    Ratio("fixsession.encode_template", "simplefix.encode", 10.0),
    Ratio("fixsession.validate", "quickfix.validate", 1.0),
    Ratio("fixsession.validate", "simplefix.parse", 15.0),
)
SCALING_TARGET: Final = 1.2  # slowest / fastest per-message cost across feed() sizes


# -- checks ------------------------------------------------------------------------------------


def _check_frames(items: Sequence[bytes | Garbled], expected: Sequence[bytes]) -> None:
    """Every frame came back valid, whole and in order."""
    garbled = [item for item in items if isinstance(item, Garbled)]
    if garbled:
        first = garbled[0]
        raise CheckFailed(
            f"{len(garbled)} of {len(items)} items Garbled; first at offset {first.offset} "
            f"(MsgType {first.msg_type}, MsgSeqNum {first.msg_seq_num}): {first.error}"
        )
    if len(items) != len(expected):
        raise CheckFailed(f"{len(items)} frames back, {len(expected)} fed")
    if list(items) != list(expected):
        index = next(i for i, (a, b) in enumerate(zip(items, expected, strict=True)) if a != b)
        raise CheckFailed(f"frame {index} came back altered")


def _check_count(count: int, expected: int, what: str) -> None:
    if count != expected:
        raise CheckFailed(f"{what}: {count} messages, {expected} expected")


def _check_encoded(frame: bytes, expected: bytes) -> None:
    if frame != expected:
        raise CheckFailed(f"encoded {frame!r}, expected {expected!r}")


def _optional_module(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise Unavailable(f"{name} is not importable ({error})") from None


# -- the NewOrderSingle both encoders build -------------------------------------------------------

ORDER_QTY: Final = Decimal("5")
ORDER_PRICE: Final = Decimal("10.5")


def expected_new_order(seq: int) -> bytes:
    """The NewOrderSingle the encoders must produce, built independently by ``corpus``."""
    fields = [
        (34, str(seq)),
        (49, "qNXO12fH"),
        (52, "20240611-09:01:46.228"),
        (56, "SPOT"),
        (11, "1718096506197867067"),
        (38, str(ORDER_QTY)),
        (40, "2"),
        (44, str(ORDER_PRICE)),
        (54, "1"),
        (55, "LTCBNB"),
        (59, "4"),
    ]
    return corpus.frame("D", fields)


# -- the measurements ----------------------------------------------------------------------------


@measurement("fixsession.frame")
def _fixsession_frame(data: Corpus, config: Config) -> Workload:
    chunks = data.chunks

    def run() -> list[bytes | Garbled]:
        framer = Framer()
        feed = framer.feed
        items: list[bytes | Garbled] = []
        extend = items.extend
        for chunk in chunks:
            extend(feed(chunk))
        return items

    def check(items: list[bytes | Garbled]) -> None:
        _check_frames(items, data.frames)

    return Workload(len(data), run, check)


@measurement("fixsession.encode")
def _fixsession_encode(data: Corpus, config: Config) -> Workload:
    count = len(data)
    qty, price = ORDER_QTY, ORDER_PRICE

    def run() -> bytes:
        encoded = b""
        for seq in range(1, count + 1):
            encoded = Message(
                "D",
                [
                    (34, seq),
                    (49, "qNXO12fH"),
                    (52, "20240611-09:01:46.228"),
                    (56, "SPOT"),
                    (11, "1718096506197867067"),
                    (38, qty),
                    (40, "2"),
                    (44, price),
                    (54, "1"),
                    (55, "LTCBNB"),
                    (59, "4"),
                ],
            ).encode()
        return encoded

    def check(last: bytes) -> None:
        _check_encoded(last, expected_new_order(count))

    return Workload(count, run, check)


@measurement("fixsession.encode_template")
def _fixsession_encode_template(data: Corpus, config: Config) -> Workload:
    count = len(data)
    qty, price = ORDER_QTY, ORDER_PRICE
    new_order = Template("D", [34, 49, 52, 56, 11, 38, 40, 44, 54, 55, 59])

    def run() -> bytes:
        encoded = b""
        for seq in range(1, count + 1):
            encoded = new_order(
                seq, "qNXO12fH", "20240611-09:01:46.228", "SPOT", "1718096506197867067",
                qty, "2", price, "1", "LTCBNB", "4",
            ).encode()  # fmt: skip
        return encoded

    def check(last: bytes) -> None:
        _check_encoded(last, expected_new_order(count))

    return Workload(count, run, check)


@measurement("simplefix.parse")
def _simplefix_parse(data: Corpus, config: Config) -> Workload:
    subset = data.prefix(min(config.simplefix_parse_messages, len(data)))
    chunks = subset.chunks

    def run() -> int:
        parser = simplefix.FixParser()
        append_buffer = parser.append_buffer
        get_message = parser.get_message
        count = 0
        for chunk in chunks:
            append_buffer(chunk)
            while get_message() is not None:
                count += 1
        return count

    def check(count: int) -> None:
        _check_count(count, len(subset), "simplefix.FixParser")

    note = (
        f"timed on the first {len(subset):,} messages of the corpus (same 4096-byte chunks) "
        "and scaled to msgs/s: simplefix parses in pure Python"
    )
    return Workload(len(subset), run, check, note)


@measurement("simplefix.encode")
def _simplefix_encode(data: Corpus, config: Config) -> Workload:
    count = len(data)
    qty, price = ORDER_QTY, ORDER_PRICE
    fix_message = simplefix.FixMessage

    def run() -> bytes:
        encoded = b""
        for seq in range(1, count + 1):
            m = fix_message()
            m.append_pair(8, "FIX.4.4")
            m.append_pair(35, "D")
            m.append_pair(34, seq)
            m.append_pair(49, "qNXO12fH")
            m.append_pair(52, "20240611-09:01:46.228")
            m.append_pair(56, "SPOT")
            m.append_pair(11, "1718096506197867067")
            m.append_pair(38, qty)
            m.append_pair(40, "2")
            m.append_pair(44, price)
            m.append_pair(54, "1")
            m.append_pair(55, "LTCBNB")
            m.append_pair(59, "4")
            encoded = m.encode()
        return bytes(encoded)

    def check(last: bytes) -> None:
        _check_encoded(last, expected_new_order(count))

    return Workload(count, run, check)


@measurement("quickfix.parse")
def _quickfix_parse(data: Corpus, config: Config) -> Workload:
    quickfix = _optional_module("quickfix")
    texts = [frame.decode("latin-1") for frame in data.frames]
    message = quickfix.Message

    def run() -> tuple[int, int, str | None]:
        failures = 0
        first_error: str | None = None
        parsed = 0
        for text in texts:
            try:
                message(text, True)
                parsed += 1
            except Exception as error:  # QuickFIX raises InvalidMessage and others
                if first_error is None:
                    first_error = f"{type(error).__name__}: {error}"
                failures += 1
        return parsed, failures, first_error

    def check(result: tuple[int, int, str | None]) -> str | None:
        parsed, failures, first_error = result
        _check_count(parsed + failures, len(texts), "quickfix.Message")
        if failures:
            return f"QuickFIX rejected {failures:,} of {len(texts):,} frames ({first_error})"
        return None

    note = (
        "QuickFIX does not frame a stream: the corpus is pre-split into frames (untimed) and "
        "each is parsed with quickfix.Message(frame_str, True) (validate=True, no dictionary)"
    )
    return Workload(len(texts), run, check, note)


@measurement("fixsession.validate")
def _fixsession_validate(data: Corpus, config: Config) -> Workload:
    chunks = data.chunks

    def run() -> tuple[int, str | None]:
        framer = Framer()
        parse = Validator().parse  # a new validator each pass: it learns layouts as it goes
        valid = 0
        first_fault: str | None = None
        for chunk in chunks:
            for item in framer.feed(chunk):
                if isinstance(item, Garbled):
                    first_fault = first_fault or str(item.error)
                    continue
                fault = parse(item)[1]
                if fault is None:
                    valid += 1
                else:
                    first_fault = first_fault or str(fault)
        return valid, first_fault

    def check(result: tuple[int, str | None]) -> None:
        valid, first_fault = result
        if valid != len(data):
            raise CheckFailed(f"{len(data) - valid} frames not valid; first: {first_fault}")

    return Workload(len(data), run, check)


@measurement("quickfix.validate")
def _quickfix_validate(data: Corpus, config: Config) -> Workload:
    quickfix = _optional_module("quickfix")
    binance = SHARED / "binance"
    files = {"oe": binance / "spot-fix-oe.xml", "md": binance / "spot-fix-md.xml"}
    missing = [str(path) for path in files.values() if not path.is_file()]
    if missing:
        raise Unavailable(f"Binance's QuickFIX dictionaries are not here: {', '.join(missing)}")
    dictionaries = {key: quickfix.DataDictionary(str(path)) for key, path in files.items()}
    market_data = set("VWXYxy")
    work = [
        (frame.decode("latin-1"), dictionaries["md" if kind in market_data else "oe"])
        for frame, kind in zip(data.frames, data.msg_types, strict=True)
    ]
    message = quickfix.Message

    def run() -> tuple[int, int, str | None]:
        failures = 0
        first_error: str | None = None
        for text, dictionary in work:
            try:
                dictionary.validate(message(text, dictionary, True))
            except Exception as error:  # QuickFIX raises IncorrectDataFormat and others
                if first_error is None:
                    first_error = f"{type(error).__name__}: {error}"
                failures += 1
        return len(work) - failures, failures, first_error

    def check(result: tuple[int, int, str | None]) -> str | None:
        _, failures, first_error = result
        if failures:
            return (
                f"QuickFIX+DataDictionary rejected {failures:,} of {len(work):,} valid frames "
                f"({first_error})"
            )
        return None

    note = (
        "quickfix.Message(frame_str, dictionary, True) then DataDictionary.validate() with "
        "Binance's spot-fix-oe.xml / spot-fix-md.xml, on pre-split frames"
    )
    return Workload(len(work), run, check, note)


def scaling_workload(frames: Sequence[bytes], feeds: int) -> Workload:
    """``feeds`` fresh Framers, each fed all of ``frames`` as one buffer in ONE call."""
    buffer = b"".join(frames)

    def run() -> tuple[int, list[bytes | Garbled]]:
        count = 0
        items: list[bytes | Garbled] = []
        for _ in range(feeds):
            items = Framer().feed(buffer)
            count += len(items)
        return count, items

    def check(result: tuple[int, list[bytes | Garbled]]) -> None:
        count, last = result
        _check_frames(last, frames)
        _check_count(count, len(frames) * feeds, "Framer.feed")

    return Workload(len(frames) * feeds, run, check)


# -- timing ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Result:
    name: str
    messages: int = 0
    seconds: list[float] = field(default_factory=list)  # per pass, one figure per repeat
    passes: int = 0  # passes per repeat
    error: str | None = None
    skipped: str | None = None
    notes: list[str] = field(default_factory=list)
    footnote: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.skipped is None and bool(self.seconds)

    @property
    def per_msg_s(self) -> float:
        return statistics.median(self.seconds) / self.messages

    @property
    def msgs_per_s(self) -> float:
        return 1.0 / self.per_msg_s

    @property
    def spread(self) -> float:
        """(slowest - fastest) / median of the repeats, in percent."""
        median = statistics.median(self.seconds)
        return 100 * (max(self.seconds) - min(self.seconds)) / median


def _timed_pass(workload: Workload) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    result = workload.run()
    return time.perf_counter() - start, result


def _checked(workload: Workload, result: Any, notes: list[str]) -> None:
    note = workload.check(result)
    if note and note not in notes:
        notes.append(note)


def time_workload(name: str, workload: Workload, config: Config) -> Result:
    """Median over ``config.repeats`` repeats of the time per pass (checked after each pass)."""
    outcome = Result(name, workload.messages, footnote=workload.footnote)
    try:
        first, result = _timed_pass(workload)  # warm-up, and the calibration of a repeat
        _checked(workload, result, outcome.notes)
        outcome.passes = max(1, min(100, math.ceil(config.min_repeat_s / max(first, 1e-9))))
        for _ in range(config.repeats):
            total = 0.0
            for _ in range(outcome.passes):
                elapsed, result = _timed_pass(workload)
                _checked(workload, result, outcome.notes)
                total += elapsed
            outcome.seconds.append(total / outcome.passes)
    except CheckFailed as error:
        outcome.error = str(error)
    return outcome


def run_measurements(data: Corpus, config: Config, progress: bool) -> dict[str, Result]:
    results: dict[str, Result] = {}
    for name, entry in REGISTRY.items():
        if progress:
            print(f"  {name} ...", end="", flush=True, file=sys.stderr)
        started = time.perf_counter()
        try:
            workload = entry.prepare(data, config)
        except Unavailable as reason:
            results[name] = Result(name, skipped=str(reason))
        else:
            results[name] = time_workload(name, workload, config)
            del workload
        if progress:
            print(f" {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return results


@dataclass(slots=True)
class Scaling:
    small: Result
    large: Result

    @property
    def ratio(self) -> float:
        costs = (self.small.per_msg_s, self.large.per_msg_s)
        return max(costs) / min(costs)

    @property
    def ok(self) -> bool:
        return self.small.ok and self.large.ok


def run_scaling(config: Config, progress: bool) -> Scaling:
    small, large = config.scaling_sizes
    if progress:
        print(f"  scaling corpus ({large:,} messages) ...", end="", flush=True, file=sys.stderr)
    started = time.perf_counter()
    frames = corpus.build(large, config.seed).frames
    outcomes = []
    for size in (small, large):
        feeds = max(1, large // size)  # the same number of messages per pass at both sizes
        name = f"fixsession.frame[{size:,}/feed]"
        outcomes.append(time_workload(name, scaling_workload(frames[:size], feeds), config))
    if progress:
        print(f" {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return Scaling(*outcomes)


# -- the report ----------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    def version(package: str) -> str:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or "unknown",
        "cpus": os.cpu_count(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "fixsession": fixsession.__version__,
        "speedups": "C" if speedups.enabled() else "pure Python",
        "simplefix": version("simplefix"),
        "quickfix": version("quickfix"),
    }


def ratios(results: dict[str, Result]) -> dict[Ratio, float | None]:
    """Each ratio's value, or None when one side was skipped or failed."""
    values: dict[Ratio, float | None] = {}
    for ratio in RATIOS:
        top, bottom = results.get(ratio.numerator), results.get(ratio.denominator)
        if top is None or bottom is None or not (top.ok and bottom.ok):
            values[ratio] = None
        else:
            values[ratio] = top.msgs_per_s / bottom.msgs_per_s
    return values


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def print_report(
    config: Config,
    data: Corpus,
    results: dict[str, Result],
    scaling: Scaling,
    info: dict[str, Any],
    date: str,
) -> None:
    sizes, shares = data.sizes(), data.shares()
    print(f"fixsession benchmark ({config.mode} run), {date}")
    print(
        f"machine: {info['platform']}, {info['cpus']} CPUs; {info['python']}; "
        f"fixsession {info['fixsession']} ({info['speedups']}), simplefix {info['simplefix']}, "
        f"quickfix {info['quickfix']}"
    )
    print(
        f"corpus:  {len(data):,} messages, seed {data.seed}, {len(data.stream):,} bytes "
        f"in {len(data.chunks):,} chunks of {corpus.CHUNK_SIZE} bytes"
    )
    mix = "  ".join(f"35={key} {sizes[key]:.1f} B ({shares[key]:.0f} %)" for key, _ in corpus.MIX)
    print(f"         avg size: {mix}  all {sizes['all']:.1f} B")
    print(
        f"timing:  median of {config.repeats} repeats; a repeat is whole passes for "
        f">= {config.min_repeat_s:.2f} s, gc.collect() before each pass"
    )
    print()

    marks: dict[str, str] = {}
    footnotes: list[str] = []
    for result in results.values():
        if result.footnote:
            footnotes.append(result.footnote)
            marks[result.name] = f"[{len(footnotes)}]"
    header = (
        f"{'measurement':<28}{'msgs/s':>12}{'µs/msg':>10}{'msgs/pass':>11}"
        f"{'passes':>8}{'spread':>9}"
    )
    print(header)
    print("-" * len(header))
    for result in results.values():
        name = result.name + marks.get(result.name, "")
        if result.skipped:
            print(f"{name:<28}  skipped: {result.skipped}")
        elif not result.ok:
            print(f"{name:<28}  CHECK FAILED: {result.error}")
        else:
            print(
                f"{name:<28}{result.msgs_per_s:>12,.0f}{result.per_msg_s * 1e6:>10.2f}"
                f"{result.messages:>11,}{result.passes:>8}{result.spread:>8.1f}%"
            )
    print()

    print("scaling (fixsession.frame, the whole buffer in ONE feed() call):")
    for outcome in (scaling.small, scaling.large):
        if outcome.ok:
            print(
                f"  {outcome.name:<32}{outcome.per_msg_s * 1e6:>8.2f} µs/msg"
                f"{outcome.msgs_per_s:>12,.0f} msgs/s"
            )
        else:
            print(f"  {outcome.name:<32}CHECK FAILED: {outcome.error}")
    if scaling.ok:
        passed = scaling.ratio <= SCALING_TARGET
        print(
            f"  per-message cost {scaling.ratio:.3f}x apart "
            f"(target <= {SCALING_TARGET}x)  {_verdict(passed)}"
        )
    print()

    print("ratios (same run):")
    for ratio, value in ratios(results).items():
        target = f"(target >= {ratio.target:g}x)"
        if value is None:
            print(f"  {ratio.label:<34}{'n/a':>8}  {target}  not measured (skipped or failed)")
        else:
            passed = value >= ratio.target
            print(f"  {ratio.label:<34}{value:>7.2f}x  {target}  {_verdict(passed)}")

    notes = [note for result in results.values() for note in result.notes]
    notes += scaling.small.notes + scaling.large.notes
    if footnotes or notes:
        print()
    for number, footnote in enumerate(footnotes, start=1):
        print(f"[{number}] {footnote}")
    for note in notes:
        print(f"note: {note}")


def report_json(
    config: Config,
    data: Corpus,
    results: dict[str, Result],
    scaling: Scaling,
    info: dict[str, Any],
    date: str,
) -> dict[str, Any]:
    ok = {name: result for name, result in results.items() if result.ok}
    scaling_json: dict[str, float] = {}
    targets: dict[str, dict[str, Any]] = {}
    for outcome, size in zip((scaling.small, scaling.large), config.scaling_sizes, strict=True):
        if outcome.ok:
            scaling_json[f"fixsession.frame.us_per_msg_{size}"] = outcome.per_msg_s * 1e6
    if scaling.ok:
        scaling_json["fixsession.frame.scaling_ratio"] = scaling.ratio
        targets["fixsession.frame.scaling_ratio"] = {
            "max": SCALING_TARGET,
            "pass": scaling.ratio <= SCALING_TARGET,
        }
    ratio_json: dict[str, float] = {}
    for ratio, value in ratios(results).items():
        if value is not None:
            ratio_json[ratio.key] = value
            targets[ratio.key] = {"min": ratio.target, "pass": value >= ratio.target}
    checked = (*results.values(), scaling.small, scaling.large)
    problems = [f"{r.name}: {r.error}" for r in checked if r.error]
    problems += [f"{r.name}: {note}" for r in checked for note in r.notes]
    return {
        "msgs_per_s": {name: result.msgs_per_s for name, result in ok.items()},
        "us_per_msg": {name: result.per_msg_s * 1e6 for name, result in ok.items()},
        "scaling": scaling_json,
        "ratios": ratio_json,
        "targets": targets,
        "corpus": {
            "messages": len(data),
            "seed": data.seed,
            "bytes": len(data.stream),
            "chunk_size": corpus.CHUNK_SIZE,
            "avg_size_bytes": {
                (key if key == "all" else f"35={key}"): size for key, size in data.sizes().items()
            },
            "share_percent": {f"35={key}": share for key, share in data.shares().items()},
        },
        "run": {
            "date": date,
            "mode": config.mode,
            "repeats": config.repeats,
            "simplefix_parse_messages": min(config.simplefix_parse_messages, len(data)),
            "scaling_sizes": list(config.scaling_sizes),
            **info,
        },
        "skipped": {name: r.skipped for name, r in results.items() if r.skipped},
        "problems": problems,
    }


# -- main ----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python bench/run.py",
        description=(
            "Measure fixsession's framer and encoder against simplefix and QuickFIX in one "
            "process, on a seeded Binance-shaped corpus (45 % ExecutionReport, 10 % "
            "Heartbeat, 45 % MarketDataIncrementalRefresh, fed in 4096-byte chunks). Prints "
            "msgs/s and µs/msg (median of repeats), the per-message cost of one large feed() "
            "against small ones, and the ratios against their targets."
        ),
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="5,000 messages, 3 repeats, scaling at 1,000 vs 20,000 messages per feed() "
        "(about 20 s); default: 20,000 messages, 5 repeats, 1,000 vs 100,000",
    )
    parser.add_argument(
        "--json",
        metavar="PATH",
        type=Path,
        help="also write the results to PATH as JSON (msgs_per_s, scaling, ratios, corpus, ...)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=corpus.DEFAULT_SEED,
        help=f"seed of the corpus (default {corpus.DEFAULT_SEED}); a seed always gives the "
        "same bytes",
    )
    parser.add_argument(
        "--pure-python",
        action="store_true",
        help="measure fixsession without its C speedups (as installed without a C compiler)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit with status 2 when a ratio or the scaling check misses its target "
        "(a failed correctness check always exits with status 1)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.pure_python:
        with speedups.pure_python():
            return run(args)
    return run(args)


def run(args: argparse.Namespace) -> int:
    config = Config.make(quick=args.quick, seed=args.seed)
    date = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    info = machine()
    progress = sys.stderr.isatty()

    data = corpus.build(config.messages, config.seed)
    results = run_measurements(data, config, progress)
    scaling = run_scaling(config, progress)

    print_report(config, data, results, scaling, info, date)
    if args.json is not None:
        document = report_json(config, data, results, scaling, info, date)
        args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")

    failed = any(result.error for result in results.values()) or not scaling.ok
    if failed:
        return 1
    if args.strict:
        missed = [v is not None and v < r.target for r, v in ratios(results).items()]
        if any(missed) or scaling.ratio > SCALING_TARGET:
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
