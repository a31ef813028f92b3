"""The README's commands are the ones that work: set-up, the CI test command, the CLI usage."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

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
