"""Shared test fixtures: where ../shared is, and skipping cleanly when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("FIXSESSION_SHARED", ROOT.parent / "shared")) / "binance"


def shared_file(name: str) -> Path:
    """A file of Binance's published material in ../shared, or skip the test."""
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"{path} is not here (Binance's published files live in ../shared)")
    return path
