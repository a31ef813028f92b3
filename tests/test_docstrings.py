"""Every public name of every fixsession module says what it is: classes, functions, methods
and properties have a docstring (inherited ones count), so ``help()`` and the API reference
(docs/api) document them."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import fixsession


def public_names_without_docstrings() -> list[str]:
    missing = []
    for info in pkgutil.walk_packages(fixsession.__path__, "fixsession."):
        name = info.name
        if name.endswith("__main__") or "._" in name:
            continue
        module = importlib.import_module(name)
        exported = getattr(module, "__all__", None) or [
            n for n in vars(module) if not n.startswith("_")
        ]
        for attr in exported:
            value = getattr(module, attr, None)
            if not (inspect.isclass(value) or inspect.isfunction(value)):
                continue
            if getattr(value, "__module__", None) != name:
                continue  # documented where it is defined
            if not inspect.getdoc(value) or (inspect.isclass(value) and value.__doc__ is None):
                missing.append(f"{name}.{attr}")
            if not inspect.isclass(value):
                continue
            for member, raw in vars(value).items():
                method = isinstance(raw, property | classmethod | staticmethod)
                if member.startswith("_") or not (method or inspect.isfunction(raw)):
                    continue
                if not inspect.getdoc(getattr(value, member)):
                    missing.append(f"{name}.{attr}.{member}")
    return missing


def test_every_public_name_has_a_docstring() -> None:
    assert public_names_without_docstrings() == []
