"""The README's commands are the ones that work: set-up, the CI test command, the CLI usage,
and every Python snippet, run as pasted (the first against a local venue)."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from e2e import API_KEY, PRIVATE_KEY, Certificate, start_endpoint

from fixsession.tools.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end >= 0 else len(README)]


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.DOTALL)


def test_set_up_gives_the_main_job_and_the_test_command_that_ci_runs() -> None:
    main_job, check, tests = _blocks(_section("Set up"), "sh")
    assert main_job.strip() == (
        "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/fixsession demo"
    )
    assert check.strip().startswith(".venv/bin/fixsession check ")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests.strip() in ci


def test_the_command_line_usage_names_real_commands_and_options() -> None:
    (usage,) = _blocks(_section("Command line"), "text")
    parser = build_parser()
    commands = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    ).choices
    listed: dict[str, set[str]] = {}
    command = ""
    for line in usage.splitlines():
        if line.startswith("fixsession "):
            command = line.split()[1]
            listed[command] = set()
        listed[command] |= set(re.findall(r"--[a-z-]+", line))
    assert set(listed) == set(commands)
    for name, options in listed.items():
        known = {flag for action in commands[name]._actions for flag in action.option_strings}
        assert options <= known, (name, options - known)


# -- every Python snippet runs as pasted ----------------------------------------------------------

SNIPPETS = _blocks(README, "python")
TESTNET = '"fix-oe.testnet.binance.vision",\n        9000,'


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=120,
        env={**os.environ, **env},
    )  # fmt: skip


def test_the_snippets_are_the_ones_tested() -> None:
    assert len(SNIPPETS) == 13
    assert TESTNET in SNIPPETS[0] and "def test_" in SNIPPETS[1]


@pytest.mark.parametrize("index", range(2, 13))
def test_a_python_snippet_runs_as_pasted(index: int, tmp_path: Path) -> None:
    (tmp_path / "snippet.py").write_text(SNIPPETS[index])
    result = _run(["snippet.py"], tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]


async def test_the_first_snippet_runs_against_a_local_venue(
    certificate: Certificate, tmp_path: Path
) -> None:
    """The example against Binance's testnet, pointed at ``fixsession serve`` instead (its
    certificate trusted through SSL_CERT_FILE, as a corporate CA would be)."""
    endpoint = await start_endpoint("cli", certificate)
    try:
        code = SNIPPETS[0].replace(TESTNET, f'"127.0.0.1",\n        {endpoint.port},')
        code = code.replace('"YOUR-API-KEY"', repr(API_KEY))
        (tmp_path / "example.py").write_text(code)
        pem = PRIVATE_KEY.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        (tmp_path / "private.pem").write_bytes(pem)
        result = await asyncio.to_thread(
            _run, ["example.py"], tmp_path, SSL_CERT_FILE=str(certificate.cert_path)
        )
    finally:
        await endpoint.stop()
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("acknowledged 5000000000")


def test_the_pytest_example_passes(tmp_path: Path) -> None:
    test_file = tmp_path / "test_gateway.py"
    test_file.write_text(SNIPPETS[1])
    result = _run(
        ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "asyncio_mode=auto",
         "--rootdir", str(tmp_path), str(test_file)],
        tmp_path,  # a user's own project: nothing of this repository beside it
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    assert "3 passed" in result.stdout
