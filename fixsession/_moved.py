"""Old import paths that keep working after the package was drawn into its three places.

Owns the aliases only: a module that moved (``fixsession.replay`` is
``fixsession.tools.replay`` now) imports as its new self, ``fixsession.aio`` as the union of
the modules it was split into, and a name that moved out of a module (``session.Acceptor``)
resolves through that module's ``__getattr__``. Each use warns once with DeprecationWarning
naming the new place. Nothing is imported until an old path is used; new code never uses one.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from collections.abc import Sequence
from typing import Final

MODULES: Final = {
    "fixsession.acceptor": "fixsession.venue.exchange",
    "fixsession.cli": "fixsession.tools.cli",
    "fixsession.demo": "fixsession.tools.demo",
    "fixsession.malformed": "fixsession.tools.malformed",
    "fixsession.probe": "fixsession.tools.probe",
    "fixsession.pytest_plugin": "fixsession.tools.pytest_plugin",
    "fixsession.replay": "fixsession.tools.replay",
    "fixsession.strategies": "fixsession.tools.strategies",
}
"""Old module path: new module path."""

AIO: Final = (
    "fixsession.client",
    "fixsession.failover",
    "fixsession.transport",
    "fixsession.venue.server",
)
"""What ``fixsession.aio`` was split into (its ``Disconnected`` event is ``client.Dropped``)."""

_RECORDING: Final = (
    "read", "write", "Recorder", "RecordLimits", "sidecar", "read_sidecar", "iter_capture_files",
)  # fmt: skip
NAMES: Final = {
    ("fixsession.session", "Acceptor"): "fixsession.venue.acceptor",
    ("fixsession.session", "Initiator"): "fixsession.initiator",
    ("fixsession.binance", "Accounts"): "fixsession.venue.accounts",
    **{("fixsession.captures", name): "fixsession.recording" for name in _RECORDING},
}
"""(Old module, name): the module the name lives in now."""


def attribute(module: str, name: str) -> object:
    """A name that moved out of ``module`` (for that module's ``__getattr__``)."""
    target = NAMES.get((module, name))
    if target is None:
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    _warn(f"{module}.{name}", f"{target}.{name}")
    return getattr(importlib.import_module(target), name)


def _warn(old: str, new: str) -> None:
    warnings.warn(f"{old} moved to {new}", DeprecationWarning, stacklevel=3)


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds the old module paths, and loads each as the module that replaced it."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname in MODULES or fullname == "fixsession.aio":
            return importlib.machinery.ModuleSpec(fullname, self)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        if spec.name in MODULES:
            _warn(spec.name, MODULES[spec.name])
            return importlib.import_module(MODULES[spec.name])
        _warn(spec.name, ", ".join(AIO))
        union = types.ModuleType(spec.name, "The asyncio client and server (moved; see AIO).")
        for name in AIO:
            module = importlib.import_module(name)
            for key, value in vars(module).items():
                if not key.startswith("__"):
                    setattr(union, key, value)
        union.Disconnected = union.Dropped  # type: ignore[attr-defined]
        return union

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: the module was made whole by ``create_module``."""


def install() -> None:
    """Put the finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.append(_Finder())
