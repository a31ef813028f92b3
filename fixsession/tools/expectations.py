"""What a capture must show, and how the server that recorded it was set up: its sidecar.

Owns ``Expectation`` (the frames ``check`` must find invalid and their codes, the codes the
replayed side sends, the recording server's limits, prior connection attempts, CompIDs in
use, and what it did of its own accord) and reading one from a sidecar's JSON with every field
checked for its type and range (``ValueError`` naming what is wrong). Pure data, no files.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Final

from fixsession.binance import Limit
from fixsession.spec import SessionType
from fixsession.venue.exchange import UNKNOWN_ORDER_CODES


@dataclass(frozen=True)
class Action:
    """Something the recording server did of its own accord, before record ``at``."""

    at: int
    do: str  # "start_maintenance" or "logout"
    seconds: float = 30.0


@dataclass(frozen=True)
class Expectation:
    """A capture's expected outcome and the set-up of the server that recorded it.

    ``invalid`` maps the index of each frame ``check`` must find invalid to its code (every
    other frame must be valid); ``codes`` lists the error codes the replayed side sends, in
    order (Reject, MarketDataRequestReject, rejected reports, Logout texts). ``session`` is
    False for captures that are not one session (e.g. a collection of samples).
    """

    description: str = ""
    session: bool = True
    role: str | None = None  # "acceptor" or "initiator": the side fixsession replays
    both_sides: bool = False  # replay the peer's side too (both ends were fixsession)
    session_type: SessionType | None = None
    invalid: dict[int, int] = field(default_factory=dict)
    codes: tuple[int, ...] | None = None
    message_limit: Limit | None = None
    order_limits: tuple[Limit, ...] | None = None
    unknown_order_code: int | None = None  # the venue's: -1013 (default) or -2011
    connection_attempts: int = 0  # from the same address, just before the capture began
    comp_ids_in_use: tuple[str, ...] = ()  # by the same account when the capture began
    actions: tuple[Action, ...] = ()

    @classmethod
    def from_json(cls, text: str) -> Expectation:
        """An expectation from a sidecar's JSON; ValueError saying what is wrong with it."""
        try:
            data = json.loads(text)
        except ValueError as error:
            raise ValueError(f"not JSON: {error}") from None
        except RecursionError:
            raise ValueError("not JSON fixsession reads: nested too deeply") from None
        read = _Reader(data, "the expectation")
        server = read.section("server")
        return cls(
            description=read.text("description") or "",
            session=read.flag("session", True),
            role=read.one_of("role", ("acceptor", "initiator")),
            both_sides=read.flag("both_sides", False),
            session_type=read.session_type("session_type"),
            invalid=read.codes_by_index("invalid"),
            codes=read.numbers("codes"),
            message_limit=server.limit("message_limit"),
            order_limits=server.limits("order_limits"),
            unknown_order_code=server.unknown_order_code("unknown_order_code"),
            connection_attempts=server.number("connection_attempts", 0, MAX_PRIOR_ATTEMPTS),
            comp_ids_in_use=server.texts("comp_ids_in_use"),
            actions=read.actions("actions"),
        )

    def to_json(self) -> str:
        """The sidecar's JSON (what ``from_json`` reads back)."""
        server: dict[str, Any] = {}
        if self.message_limit is not None:
            server["message_limit"] = str(self.message_limit)
        if self.order_limits is not None:
            server["order_limits"] = [str(limit) for limit in self.order_limits]
        if self.unknown_order_code is not None:
            server["unknown_order_code"] = self.unknown_order_code
        if self.connection_attempts:
            server["connection_attempts"] = self.connection_attempts
        if self.comp_ids_in_use:
            server["comp_ids_in_use"] = list(self.comp_ids_in_use)
        data: dict[str, Any] = {"description": self.description}
        if not self.session:
            data["session"] = False
        if self.role is not None:
            data["role"] = self.role
        if self.both_sides:
            data["both_sides"] = True
        if self.session_type is not None:
            data["session_type"] = self.session_type.value
        if self.invalid:
            data["invalid"] = {str(k): v for k, v in sorted(self.invalid.items())}
        if self.codes is not None:
            data["codes"] = list(self.codes)
        if server:
            data["server"] = server
        if self.actions:
            data["actions"] = [dataclasses.asdict(action) for action in self.actions]
        return json.dumps(data, indent=2) + "\n"


MAX_PRIOR_ATTEMPTS: Final = 10_000
"""The most connection attempts a sidecar may say preceded its capture (Binance's largest
attempt limit is 300)."""


class _Reader:
    """Reads one JSON object of a sidecar, each field checked for its type."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, dict):
            raise ValueError(f"{where} is a JSON object, not {type(data).__name__}")
        self.data: dict[str, object] = data
        self.where = where

    def _get(self, key: str, kind: type | tuple[type, ...], what: str) -> Any:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, kind) or isinstance(value, bool) != (kind is bool):
            raise ValueError(f"{self.where}: {key!r} is {what}, not {json.dumps(value)[:40]}")
        return value

    def text(self, key: str) -> str | None:
        value: str | None = self._get(key, str, "a string")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value: bool | None = self._get(key, bool, "true or false")
        return default if value is None else value

    def number(self, key: str, default: int, maximum: int) -> int:
        value: int | None = self._get(key, int, "a whole number")
        if value is None:
            return default
        if not 0 <= value <= maximum:
            raise ValueError(f"{self.where}: {key!r} is 0 to {maximum:,}, not {value:,}")
        return value

    def unknown_order_code(self, key: str) -> int | None:
        value: int | None = self._get(key, int, "a whole number")
        if value is not None and value not in UNKNOWN_ORDER_CODES:
            raise ValueError(f"{self.where}: {key!r} is -1013 or -2011, not {value:,}")
        return value

    def one_of(self, key: str, choices: tuple[str, ...]) -> str | None:
        value = self.text(key)
        if value is not None and value not in choices:
            raise ValueError(f"{self.where}: {key!r} is one of {', '.join(choices)}")
        return value

    def session_type(self, key: str) -> SessionType | None:
        value = self.one_of(key, tuple(kind.value for kind in SessionType))
        return SessionType(value) if value is not None else None

    def section(self, key: str) -> _Reader:
        return _Reader(self._get(key, dict, "an object") or {}, f"{self.where}: {key!r}")

    def _list(self, key: str, kind: type, what: str) -> list[Any] | None:
        values: list[object] | None = self._get(key, list, f"a list of {what}")
        if values is None:
            return None
        if not all(isinstance(v, kind) and not isinstance(v, bool) for v in values):
            raise ValueError(f"{self.where}: {key!r} is a list of {what}")
        return values

    def numbers(self, key: str) -> tuple[int, ...] | None:
        values = self._list(key, int, "whole numbers")
        return tuple(values) if values is not None else None

    def texts(self, key: str) -> tuple[str, ...]:
        return tuple(self._list(key, str, "strings") or ())

    def limit(self, key: str) -> Limit | None:
        text = self.text(key)
        return _limit(text, f"{self.where}: {key!r}") if text is not None else None

    def limits(self, key: str) -> tuple[Limit, ...] | None:
        texts = self._list(key, str, "limits such as '200/10'")
        if texts is None:
            return None
        return tuple(_limit(text, f"{self.where}: {key!r}") for text in texts)

    def codes_by_index(self, key: str) -> dict[int, int]:
        found = self._get(key, dict, "an object of frame index to code") or {}
        out: dict[int, int] = {}
        for index, code in found.items():
            if not index.isdigit() or len(index) > 9 or not isinstance(code, int):
                raise ValueError(f"{self.where}: {key!r} maps frame indexes to error codes")
            out[int(index)] = code
        return out

    def actions(self, key: str) -> tuple[Action, ...]:
        items: list[object] = self._get(key, list, "a list of actions") or []
        actions: list[Action] = []
        for number, item in enumerate(items):
            action = _Reader(item, f"{self.where}: action {number}")
            unknown = set(action.data) - {"at", "do", "seconds"}
            if unknown:
                raise ValueError(f"{action.where}: unknown field {sorted(unknown)[0]!r}")
            at = action.number("at", -1, 10**9)
            do = action.one_of("do", ("start_maintenance", "logout"))
            seconds: float | int | None = action._get("seconds", (int, float), "a number")
            if at < 0 or do is None:
                raise ValueError(f"{action.where}: 'at' and 'do' are required")
            if seconds is not None and not 0 <= seconds <= 86400:
                raise ValueError(f"{action.where}: 'seconds' is 0 to 86400")
            actions.append(Action(at, do, 30.0 if seconds is None else float(seconds)))
        return tuple(actions)


def _limit(text: str, where: str) -> Limit:
    try:
        return Limit.parse(text)
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None
