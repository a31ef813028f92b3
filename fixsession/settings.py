"""A gateway's settings file (TOML): venues, accounts, and the sessions to open, checked.

Owns reading the file's text into ``Settings`` and saying, for anything wrong, which file,
line and key (``SettingsError``). It reads no file itself (``gateway.load`` does, and the
private keys), and opens nothing. The format, with every key and its default::

    [venues.oe]                     # a FIX endpoint
    host = "fix-oe.testnet.binance.vision"
    port = 9000
    tls = true                      # false: plain TCP (a local venue on loopback)
    server_hostname = "..."         # default: host

    [accounts.main]
    api_key = "..."
    private_key = "main.pem"        # Ed25519 PEM; relative to the settings file
    private_key_password_env = "MAIN_KEY_PASSWORD"   # an encrypted key's password, if any

    [[sessions]]
    name = "main-oe"                # how the gateway names it (default: account-type)
    account = "main"
    venue = "oe"
    type = "order-entry"            # or "drop-copy", "market-data"
    sender_comp_id = "mainoe"       # default: fixsession picks one
    heart_bt_int = 30
    recv_window_ms = 5000           # default: none sent
    response_mode = "everything"    # or "only-acks"
    reconnect = true                # or false, or a table of ReconnectPolicy's fields
    record = "captures"             # a folder for fixlog captures (relative to the file)
    subscriptions = [               # market data only: sent after the Logon
      { id = "book", symbols = ["BTCUSDT"], entries = ["bid", "offer"], depth = 5 },
    ]

    [budget]
    share = 0.8                     # of Binance's connection-attempt limits

    [logging]
    level = "info"                  # the event log's level
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields
from typing import Any, Final

from fixsession.dictionary import MARKET_DATA
from fixsession.failover import ReconnectPolicy
from fixsession.message import Message
from fixsession.spec import SessionType
from fixsession.validation import shared

_ENTRY_TYPES: Final = {"bid": "0", "offer": "1", "trade": "2"}
_RESPONSE_MODES: Final = {"everything": 1, "only-acks": 2}
_LEVELS: Final = ("debug", "info", "warning", "error")
_COMP_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,8}")
_DEFAULT_POLICY: Final = ReconnectPolicy()


class SettingsError(ValueError):
    """A settings file that cannot be used: its message names the file, line and key."""


@dataclass(frozen=True)
class Venue:
    """A FIX endpoint."""

    name: str
    host: str
    port: int
    tls: bool = True
    server_hostname: str | None = None


@dataclass(frozen=True)
class Account:
    """An API key and where its Ed25519 private key is (never the key itself)."""

    name: str
    api_key: str
    private_key: str
    private_key_password_env: str | None = None

    def __repr__(self) -> str:
        return (
            f"Account({self.name!r}, api_key={self.api_key[:8]!r}…, key file {self.private_key!r})"
        )


@dataclass(frozen=True)
class Subscription:
    """A market-data subscription the gateway sends once the session is logged on."""

    id: str
    symbols: tuple[str, ...]
    entries: tuple[str, ...]
    depth: int = 1

    def request(self) -> Message:
        """The MarketDataRequest<V> that subscribes."""
        fields_: list[tuple[int, str | int]] = [(262, self.id), (263, "1"), (264, self.depth)]
        fields_ += [(146, len(self.symbols)), *((55, symbol) for symbol in self.symbols)]
        fields_ += [(267, len(self.entries)), *((269, _ENTRY_TYPES[e]) for e in self.entries)]
        return Message("V", fields_)


@dataclass(frozen=True)
class SessionSettings:
    """One session the gateway opens."""

    name: str
    account: Account
    venue: Venue
    session_type: SessionType
    sender_comp_id: str | None = None
    heart_bt_int: int = 30
    recv_window_ms: float | None = None
    response_mode: int | None = None
    reconnect: ReconnectPolicy | None = _DEFAULT_POLICY
    record: str | None = None
    subscriptions: tuple[Subscription, ...] = ()


@dataclass(frozen=True)
class Settings:
    """What a settings file says: the sessions, the budget's share, the log level."""

    path: str
    sessions: tuple[SessionSettings, ...]
    budget_share: float = 0.8
    log_level: str = "info"


def parse(text: str, path: str = "<settings>") -> Settings:
    """The settings in ``text`` (a TOML document); ``SettingsError`` naming ``path``, the
    line and the key of the first thing wrong. Relative file names stay as written."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path}: not TOML: {error}") from None
    reader = _Reader(text, path)
    return reader.settings(document)


def error_at(text: str, path: str, where: tuple[str | int, ...], message: str) -> SettingsError:
    """A ``SettingsError`` about the key ``where`` (e.g. ``("accounts", "main",
    "private_key")``) of the settings ``text``, naming its file and line."""
    return _Reader(text, path).fail(where, message)


class _Reader:
    """Reads the document, keeping the text to find the line a key is on."""

    def __init__(self, text: str, path: str) -> None:
        self.lines = text.splitlines()
        self.path = path

    def fail(self, where: tuple[str | int, ...], message: str) -> SettingsError:
        key = ".".join(str(part) if isinstance(part, str) else f"[{part}]" for part in where)
        key = key.replace(".[", "[")
        line = self.line_of(where)
        at = f":{line}" if line else ""
        return SettingsError(f"{self.path}{at}: {key}: {message}")

    def line_of(self, where: tuple[str | int, ...]) -> int | None:
        """The line of the key ``where`` (e.g. ("sessions", 1, "type")), or of its table."""
        table: list[str | int] = []
        counts: dict[str, int] = {}
        best: int | None = None
        for number, raw in enumerate(self.lines, 1):
            line = raw.strip()
            if line.startswith("[["):
                name = line.strip("[] ")
                index = counts.get(name, -1) + 1
                counts[name] = index
                table = [name, index]
            elif line.startswith("["):
                table = list(line.strip("[] ").split("."))
            elif "=" in line and not line.startswith("#"):
                key = line.split("=", 1)[0].strip().strip('"')
                if tuple([*table, key]) == where[: len(table) + 1]:
                    return number
                continue
            else:
                continue
            if tuple(table) == where[: len(table)]:
                best = number
        return best

    def table(self, value: object, where: tuple[str | int, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"must be a table, not {type(value).__name__}")
        return value

    def get(
        self,
        table: dict[str, Any],
        where: tuple[str | int, ...],
        key: str,
        kind: type | tuple[type, ...],
        default: Any = ...,
    ) -> Any:
        if key not in table:
            if default is ...:
                raise self.fail((*where, key), "is required")
            return default
        value = table[key]
        if isinstance(value, bool) and kind is not bool and bool not in _tuple(kind):
            raise self.fail((*where, key), f"must be {_name(kind)}, not a boolean")
        if not isinstance(value, kind):
            raise self.fail((*where, key), f"must be {_name(kind)}, not {type(value).__name__}")
        return value

    def known(self, table: dict[str, Any], where: tuple[str | int, ...], keys: set[str]) -> None:
        for key in table:
            if key not in keys:
                raise self.fail((*where, key), f"unknown key (known: {', '.join(sorted(keys))})")

    def settings(self, document: dict[str, Any]) -> Settings:
        self.known(document, (), {"venues", "accounts", "sessions", "budget", "logging"})
        venues = {
            name: self.venue(name, self.table(value, ("venues", name)))
            for name, value in self.table(document.get("venues", {}), ("venues",)).items()
        }
        accounts = {
            name: self.account(name, self.table(value, ("accounts", name)))
            for name, value in self.table(document.get("accounts", {}), ("accounts",)).items()
        }
        raw_sessions = document.get("sessions")
        if not isinstance(raw_sessions, list) or not raw_sessions:
            raise self.fail(("sessions",), "at least one [[sessions]] table is required")
        sessions = [
            self.session(index, self.table(value, ("sessions", index)), venues, accounts)
            for index, value in enumerate(raw_sessions)
        ]
        names: set[str] = set()
        for index, session in enumerate(sessions):  # (sets: a long file is checked in one pass)
            if session.name in names:
                raise self.fail(("sessions", index, "name"), f"{session.name!r} names two sessions")
            names.add(session.name)
        comp_ids: set[tuple[str, str]] = set()
        for index, session in enumerate(sessions):
            pair = (session.account.api_key, session.sender_comp_id or "")
            if session.sender_comp_id and pair in comp_ids:
                raise self.fail(
                    ("sessions", index, "sender_comp_id"),
                    f"{session.sender_comp_id!r} is used by two sessions of one account",
                )
            comp_ids.add(pair)
        budget = self.table(document.get("budget", {}), ("budget",))
        self.known(budget, ("budget",), {"share"})
        share = float(self.get(budget, ("budget",), "share", (int, float), 0.8))
        if not 0 < share <= 1:
            raise self.fail(("budget", "share"), f"must be above 0 and at most 1, not {share}")
        logging_ = self.table(document.get("logging", {}), ("logging",))
        self.known(logging_, ("logging",), {"level"})
        level = self.get(logging_, ("logging",), "level", str, "info").lower()
        if level not in _LEVELS:
            raise self.fail(("logging", "level"), f"must be one of {', '.join(_LEVELS)}")
        return Settings(self.path, tuple(sessions), share, level)

    def venue(self, name: str, table: dict[str, Any]) -> Venue:
        where = ("venues", name)
        self.known(table, where, {"host", "port", "tls", "server_hostname"})
        port = self.get(table, where, "port", int)
        if not 0 < port < 65536:
            raise self.fail((*where, "port"), f"must be from 1 to 65535, not {port}")
        host = self.get(table, where, "host", str)
        tls = self.get(table, where, "tls", bool, True)
        return Venue(name, host, port, tls, self.get(table, where, "server_hostname", str, None))

    def account(self, name: str, table: dict[str, Any]) -> Account:
        where = ("accounts", name)
        self.known(table, where, {"api_key", "private_key", "private_key_password_env"})
        api_key = self.get(table, where, "api_key", str)
        if not api_key:
            raise self.fail((*where, "api_key"), "is empty")
        return Account(
            name, api_key, self.get(table, where, "private_key", str),
            self.get(table, where, "private_key_password_env", str, None),
        )  # fmt: skip

    def session(
        self,
        index: int,
        table: dict[str, Any],
        venues: dict[str, Venue],
        accounts: dict[str, Account],
    ) -> SessionSettings:
        where: tuple[str | int, ...] = ("sessions", index)
        self.known(table, where, {
            "name", "account", "venue", "type", "sender_comp_id", "heart_bt_int",
            "recv_window_ms", "response_mode", "reconnect", "record", "subscriptions",
        })  # fmt: skip
        account_name = self.get(table, where, "account", str)
        if account_name not in accounts:
            known = ", ".join(sorted(accounts)) or "none: add an [accounts.NAME] table"
            raise self.fail((*where, "account"), f"no account {account_name!r} (known: {known})")
        venue_name = self.get(table, where, "venue", str)
        if venue_name not in venues:
            known = ", ".join(sorted(venues)) or "none: add a [venues.NAME] table"
            raise self.fail((*where, "venue"), f"no venue {venue_name!r} (known: {known})")
        kind_text = self.get(table, where, "type", str)
        try:
            kind = SessionType(kind_text)
        except ValueError:
            choices = ", ".join(k.value for k in SessionType)
            raise self.fail((*where, "type"), f"must be one of {choices}") from None
        comp_id = self.get(table, where, "sender_comp_id", str, None)
        if comp_id is not None and not _COMP_ID.fullmatch(comp_id):
            raise self.fail(
                (*where, "sender_comp_id"), "Binance takes 1 to 8 of A-Z, a-z, 0-9, - and _"
            )
        heart_bt_int = self.get(table, where, "heart_bt_int", int, 30)
        if not 5 <= heart_bt_int <= 60:
            raise self.fail((*where, "heart_bt_int"), "Binance takes 5 to 60 seconds")
        recv_window = self.get(table, where, "recv_window_ms", (int, float), None)
        if recv_window is not None and not 0 < recv_window <= 60_000:
            raise self.fail((*where, "recv_window_ms"), "must be above 0 and at most 60000")
        mode_text = self.get(table, where, "response_mode", str, None)
        if mode_text is not None and mode_text not in _RESPONSE_MODES:
            raise self.fail((*where, "response_mode"), "must be everything or only-acks")
        subscriptions = self.subscriptions(table, where, kind)
        return SessionSettings(
            name=self.get(table, where, "name", str, f"{account_name}-{kind.value}"),
            account=accounts[account_name], venue=venues[venue_name], session_type=kind,
            sender_comp_id=comp_id, heart_bt_int=heart_bt_int, recv_window_ms=recv_window,
            response_mode=_RESPONSE_MODES[mode_text] if mode_text else None,
            reconnect=self.reconnect(table, where),
            record=self.get(table, where, "record", str, None), subscriptions=subscriptions,
        )  # fmt: skip

    def reconnect(
        self, table: dict[str, Any], where: tuple[str | int, ...]
    ) -> ReconnectPolicy | None:
        value = table.get("reconnect", True)
        if isinstance(value, bool):
            return ReconnectPolicy() if value else None
        policy = self.table(value, (*where, "reconnect"))
        known = {f.name: f.type for f in fields(ReconnectPolicy)}
        self.known(policy, (*where, "reconnect"), set(known))
        options: dict[str, Any] = {}
        for key in policy:
            expected: tuple[type, ...] = (bool,) if known[key] == "bool" else (int, float)
            if known[key] == "int":
                expected = (int,)
            options[key] = self.get(policy, (*where, "reconnect"), key, expected)
        return ReconnectPolicy(**options)

    def subscriptions(
        self, table: dict[str, Any], where: tuple[str | int, ...], kind: SessionType
    ) -> tuple[Subscription, ...]:
        raw = self.get(table, where, "subscriptions", list, [])
        if raw and kind is not SessionType.MARKET_DATA:
            raise self.fail((*where, "subscriptions"), "only market-data sessions subscribe")
        out = []
        for index, value in enumerate(raw):
            at = (*where, "subscriptions", index)
            entry = self.table(value, at)
            self.known(entry, at, {"id", "symbols", "entries", "depth"})
            symbols = self.get(entry, at, "symbols", list)
            entries = self.get(entry, at, "entries", list)
            if not symbols or not all(isinstance(s, str) and s for s in symbols):
                raise self.fail((*at, "symbols"), "must be a list of symbols")
            if not entries or not all(e in _ENTRY_TYPES for e in entries):
                raise self.fail((*at, "entries"), f"must be a list of {', '.join(_ENTRY_TYPES)}")
            if ("bid" in entries) != ("offer" in entries):
                raise self.fail((*at, "entries"), "Binance takes bid and offer together (-1128)")
            depth = self.get(entry, at, "depth", int, 1)
            if not (depth == 1 or 2 <= depth <= 5000):
                raise self.fail((*at, "depth"), "Binance takes 1, or 2 to 5000")
            name = self.get(entry, at, "id", str)
            subscription = Subscription(name, tuple(symbols), tuple(entries), depth)
            fault = shared(MARKET_DATA, header=False).validate(subscription.request())
            if fault is not None:
                raise self.fail(at, f"Binance would refuse it: {fault.code} {fault.text}")
            out.append(subscription)
        return tuple(out)


def _tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _name(kind: type | tuple[type, ...]) -> str:
    names = {"str": "a string", "int": "an integer", "float": "a number", "bool": "true or false",
             "list": "a list", "dict": "a table"}  # fmt: skip
    return " or ".join(dict.fromkeys(names.get(k.__name__, k.__name__) for k in _tuple(kind)))
