"""The core never does I/O or reads a clock: no asyncio, socket, ssl or time imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "fixsession"
CORE = [
    "spec", "speedups", "catalog", "message", "errors", "framing", "dictionary", "validation", "binance",
    "events", "state", "session", "acceptor", "replay", "malformed",
]  # fmt: skip
FORBIDDEN = {"asyncio", "socket", "ssl", "time", "selectors", "threading", "subprocess"}
CLOCK_CALLS = {"now", "utcnow", "today", "monotonic", "perf_counter", "time"}


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_nothing_that_does_io_or_reads_a_clock(module: str) -> None:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & FORBIDDEN, imported & FORBIDDEN
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in CLOCK_CALLS, f"{module} calls .{node.func.attr}()"


def test_the_core_list_is_every_module_but_the_shell() -> None:
    modules = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    shell = {"cli", "strategies", "aio", "captures", "pytest_plugin", "demo", "probe"}
    assert modules - shell == set(CORE)


def test_importing_the_package_loads_no_transport() -> None:
    import subprocess
    import sys

    code = (
        "import sys, fixsession, fixsession.session, fixsession.acceptor; "
        "assert 'asyncio' not in sys.modules and 'ssl' not in sys.modules, 'loaded'; "
        "assert callable(fixsession.connect) and 'asyncio' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PACKAGE.parent)
