"""The fuzz targets (fuzz/targets.py) over a few seeds each and over every regression input.

Each input kept in ``fuzz/regressions/TARGET/`` once made its target fail; it must pass now.
Those listed in ``fuzz/regressions/known-failing.txt`` (a bug found, not fixed yet) are
expected to fail, strictly: once fixed, take the line out. No atheris needed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fuzz import targets  # noqa: E402 -- after the repository root is importable

REGRESSIONS = ROOT / "fuzz" / "regressions"
SEEDS_PER_TARGET = 8


def _known_failing() -> set[str]:
    listed = REGRESSIONS / "known-failing.txt"
    if not listed.is_file():
        return set()
    lines = listed.read_text(encoding="utf-8").splitlines()
    return {line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()}


def _regressions() -> list[object]:
    known = _known_failing()
    cases: list[object] = []
    for path in sorted(REGRESSIONS.glob("*/*.bin")):
        name = f"{path.parent.name}/{path.name}"
        marks = (
            [pytest.mark.xfail(strict=True, reason="known-failing.txt")] if name in known else []
        )
        cases.append(pytest.param(path.parent.name, path, id=name, marks=marks))
    return cases


def _sample(items: list[bytes], count: int) -> list[bytes]:
    """``count`` items spread over the list (seeds come grouped by capture)."""
    step = max(1, len(items) // count)
    return items[::step][:count]


@pytest.mark.parametrize("name", sorted(targets.TARGETS))
def test_a_target_passes_its_seeds(name: str) -> None:
    seeds = targets.seeds(name)
    assert seeds, f"no seeds for {name}"
    for seed in _sample(seeds, SEEDS_PER_TARGET):
        targets.TARGETS[name](seed)


@pytest.mark.parametrize(("name", "path"), _regressions())
def test_a_regression_input_passes(name: str, path: Path) -> None:
    assert name in targets.TARGETS, f"fuzz/regressions/{name}/ names no target"
    targets.TARGETS[name](path.read_bytes())


def test_every_known_failing_input_exists() -> None:
    missing = [name for name in _known_failing() if not (REGRESSIONS / name).is_file()]
    assert not missing


def test_the_watchdog_stops_a_slow_input() -> None:
    with pytest.raises(targets.Slow), targets.watchdog(0.2):
        while True:
            pass


def test_chunks_and_reframing_keep_every_byte() -> None:
    payload = bytes(range(256)) * 20
    for seed in range(256):
        assert b"".join(targets.chunks(payload, seed)) == payload
    frame = targets.wrap(b"35=0\x0134=2\x0149=SPOT\x0152=20261124-06:57:05.561\x0156=GW1\x01")
    assert targets.reframe(frame) == frame
    broken = frame.replace(b"9=51", b"9=7").replace(frame[-4:-1], b"000")
    assert targets.reframe(b"junk" + broken) == b"junk" + frame
