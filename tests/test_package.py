"""The package as a user meets it: its version, what ``dir()`` and ``help()`` show."""

from __future__ import annotations

import pydoc
import tomllib
from pathlib import Path

import fixsession
from fixsession.dictionary import BINANCE

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_has_one_source() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert fixsession.__version__ == project["version"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "Typing :: Typed" in project["classifiers"]


def test_dir_lists_the_lazy_names_and_help_stays_readable() -> None:
    assert {"connect", "Client", "serve", "Server", "Accounts"} <= set(dir(fixsession))
    assert repr(BINANCE).startswith("Dictionary('binance', ") and len(repr(BINANCE)) < 80
    text = pydoc.render_doc(fixsession, renderer=pydoc.plaintext)
    assert "Dictionary(name=" not in text and len(text) < 200_000
