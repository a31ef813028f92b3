"""The import rules that keep the package's three places apart, and its core sans-I/O.

- The core (no I/O) imports no asyncio, socket, ssl, time, threading or subprocess, reads no
  clock and opens no file, and never imports a shell module.
- The gateway's side (``fixsession/*.py``) never imports ``fixsession.venue`` or
  ``fixsession.tools``; the venue never imports the tools.
- Only ``Session._apply`` changes a session's state.
- ``import fixsession`` (and ``fixsession.connect``) loads no venue and, until used, no
  asyncio.

Old import paths (``_moved``, and ``__getattr__`` functions that resolve moved names) are
compatibility only: imports they make when an old name is used are not imports of the module.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "fixsession"
CORE = {
    "spec", "speedups", "catalog", "message", "errors", "framing", "captures", "dictionary",
    "validation", "binance", "events", "state", "session", "initiator", "failover", "_moved",
    "stats", "typed", "messages", "settings", "sbe", "sbe_schema", "sbefix", "sbewire",
    "venue.acceptor", "venue.accounts", "venue.exchange", "tools.replay", "tools.malformed",
    "tools.expectations", "tools.codegen", "venue.journal", "tools.venue_replay",
}  # fmt: skip
SHELL = {
    "transport", "busypoll", "recording", "eventlog", "metrics", "client", "gateway", "tools.cli.run", "tools.sbegen", "venue.server", "tools.probe", "tools.fuzzer",
    "tools.strategies",
    "tools.pytest_plugin", "tools.demo", "tools.cli.common", "tools.cli.check",
    "tools.cli.serve", "tools.cli.replay", "tools.cli.fuzz", "tools.cli.keygen",
}  # fmt: skip
PACKAGES = {"__init__", "__main__", "venue.__init__", "tools.__init__", "tools.cli.__init__"}
FORBIDDEN = {"asyncio", "socket", "ssl", "time", "selectors", "threading", "subprocess"}
CLOCK_CALLS = {"now", "utcnow", "today", "monotonic", "perf_counter", "time"}
FILE_CALLS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "mkdir", "unlink"}


def modules() -> set[str]:
    return {
        ".".join(path.relative_to(PACKAGE).with_suffix("").parts) for path in PACKAGE.rglob("*.py")
    }


def tree(module: str) -> ast.Module:
    return ast.parse((PACKAGE / (module.replace(".", "/") + ".py")).read_text())


def imports(module: str) -> set[str]:
    """The fixsession modules and top-level packages ``module`` imports (not counting the
    compatibility ``__getattr__`` functions)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.FunctionDef) and node.name == "__getattr__":
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert not node.level, f"{module}: fixsession imports absolutely"
            base = node.module or ""
            found.add(base)
            if base in ("fixsession", "fixsession.venue", "fixsession.tools"):
                found.update(f"{base}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree(module))
    return found


def internal(names: set[str]) -> set[str]:
    return {name.removeprefix("fixsession.") for name in names if name.startswith("fixsession.")}


def test_every_module_is_core_or_shell() -> None:
    assert modules() - PACKAGES == CORE | SHELL
    assert not CORE & SHELL


@pytest.mark.parametrize("module", sorted(CORE))
def test_the_core_does_no_io_and_reads_no_clock(module: str) -> None:
    imported = {name.split(".")[0] for name in imports(module)}
    assert not imported & FORBIDDEN, imported & FORBIDDEN
    for node in ast.walk(tree(module)):
        if isinstance(node, ast.Call):
            name = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else getattr(node.func, "id", None)
            )
            assert name not in CLOCK_CALLS, f"{module} calls {name}()"
            assert name not in FILE_CALLS, f"{module} calls {name}()"


@pytest.mark.parametrize("module", sorted(CORE))
def test_the_core_never_imports_the_shell(module: str) -> None:
    assert not internal(imports(module)) & SHELL


@pytest.mark.parametrize("module", sorted(modules() - PACKAGES))
def test_imports_flow_from_the_gateway_to_the_venue_to_the_tools(module: str) -> None:
    used = internal(imports(module))
    if "." not in module:  # the gateway's side
        assert not {name for name in used if name.startswith(("venue", "tools"))}, used
    elif module.startswith("venue."):
        assert not {name for name in used if name.startswith("tools")}, used


def test_only_apply_changes_a_sessions_state() -> None:
    for module in ("session", "initiator", "venue.acceptor"):
        for function in ast.walk(tree(module)):
            if not isinstance(function, ast.FunctionDef):
                continue
            for node in ast.walk(function):
                targets = node.targets if isinstance(node, ast.Assign) else []
                for target in targets:
                    if isinstance(target, ast.Attribute) and target.attr == "state":
                        assert function.name in ("_apply", "__init__"), (module, function.name)


def test_the_client_path_loads_no_venue_and_no_asyncio_until_used() -> None:
    code = (
        "import sys, fixsession\n"
        "assert 'asyncio' not in sys.modules and 'ssl' not in sys.modules, 'loaded'\n"
        "fixsession.connect\n"
        "assert 'asyncio' in sys.modules\n"
        "print(any(m.startswith('fixsession.venue') for m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent,
        check=True,
    )  # fmt: skip
    assert result.stdout.strip() == "False"


def test_old_import_paths_keep_working_and_say_where_things_went() -> None:
    code = (
        "import warnings; warnings.simplefilter('error')\n"
        "import fixsession\n"
        "for old in ('from fixsession.aio import Server, connect, self_signed_certificate',\n"
        "            'from fixsession.acceptor import Exchange',\n"
        "            'from fixsession.session import Acceptor, Initiator',\n"
        "            'from fixsession.binance import Accounts',\n"
        "            'from fixsession.captures import Recorder, read',\n"
        "            'from fixsession.replay import verify',\n"
        "            'from fixsession.pytest_plugin import assert_capture_replays'):\n"
        "    try:\n"
        "        exec(old)\n"
        "    except DeprecationWarning as warning:\n"
        "        print(warning)\n"
        "    else:\n"
        "        raise SystemExit(f'no warning: {old}')\n"
        "warnings.simplefilter('ignore')\n"
        "from fixsession.aio import Server, Disconnected\n"
        "from fixsession.replay import verify\n"
        "import fixsession.tools.replay, fixsession.venue.server, fixsession.client\n"
        "assert Server is fixsession.venue.server.Server\n"
        "assert Disconnected is fixsession.client.Dropped\n"
        "assert verify is fixsession.tools.replay.verify\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "fixsession.aio moved to fixsession.client" in result.stdout
    assert (
        "fixsession.session.Acceptor moved to fixsession.venue.acceptor.Acceptor" in result.stdout
    )
