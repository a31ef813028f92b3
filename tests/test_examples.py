"""The example programs in examples/ run as shipped, against a local venue, and say what
they did (CI also holds them to ``mypy --strict``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_typed_gateway_trades_cancels_and_reads_the_book() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "typed_gateway.py")], capture_output=True,
        text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "buy-1 resting as 5000000000", "buy-1 canceled", "cancel again: -1013 Unknown order sent.",
    ]  # fmt: skip
    assert lines[3].startswith("snapshot: 10 levels, best bid ")
    assert len(lines) == 7 and all(line.startswith("update 50000000") for line in lines[4:])


def test_the_example_settings_file_reads_and_names_its_missing_key() -> None:
    from fixsession.settings import parse

    path = ROOT / "examples" / "gateway.toml"
    settings = parse(path.read_text(), str(path))
    assert [session.name for session in settings.sessions] == ["main-oe", "main-dc", "main-md"]
    result = subprocess.run(
        [sys.executable, "-m", "fixsession", "run", str(path), "--check"], capture_output=True,
        text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert result.returncode == 2
    assert f"{path}:20: accounts.main.private_key: cannot read " in result.stderr
