"""The venue's bookkeeping: what Binance keeps across an account's connections.

Owns ``Accounts``: API keys and their Ed25519 public keys; the CompIDs each account has in use
(unique among its active sessions, and held for 2×HeartBtInt after a session ends without a
Logout); concurrent connections per account and session type; connection attempts per account
and per IP address, in a bounded table. An ``Acceptor`` consults it at Logon. Time is an input
of every call; no I/O.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fixsession import errors
from fixsession.binance import RULES, Limit, SessionRules, Window, load_public_key
from fixsession.errors import BinanceError
from fixsession.spec import SessionType

PublicKey = Ed25519PublicKey | str | bytes
"""An account's key as ``Accounts`` takes it: the key, or its PEM."""


@dataclass
class _Account:
    public_key: Ed25519PublicKey
    active: dict[str, SessionType] = field(default_factory=dict)  # CompID -> session type
    # CompIDs and connection slots held after a session ended without Logout: until when.
    quarantine: list[tuple[str, SessionType, float]] = field(default_factory=list)
    attempts: dict[SessionType, Window] = field(default_factory=dict)


class Accounts:
    """Binance's venue-wide state, as an acceptor needs it at Logon.

    API keys with their Ed25519 public keys; the CompIDs each account has in use (unique
    among its active sessions, and held for 2×HeartBtInt after a session ends without a
    Logout); concurrent connections per account and session type; connection attempts per
    account and per IP address. Time is an input of every call.
    """

    def __init__(
        self,
        keys: Mapping[str, PublicKey] | None = None,
        rules: dict[SessionType, SessionRules] | None = None,
        *,
        max_addresses: int = 100_000,
    ) -> None:
        loaded = {api_key: _public_key(api_key, key) for api_key, key in (keys or {}).items()}
        self.rules = dict(RULES if rules is None else rules)
        self._accounts = {api_key: _Account(key) for api_key, key in loaded.items()}
        # Attempt windows per address, least recently used first.
        self._ip_attempts: collections.OrderedDict[tuple[str, SessionType], Window] = (
            collections.OrderedDict()
        )
        self.max_addresses = max_addresses

    def add_key(self, api_key: str, public_key: PublicKey) -> None:
        """Let ``api_key`` log on with ``public_key``: an ``Ed25519PublicKey`` or its PEM
        (str or bytes). ValueError, naming the API key, for anything else."""
        self._accounts[api_key] = _Account(_public_key(api_key, public_key))

    def set_message_limit(self, session_type: SessionType, limit: Limit) -> None:
        """Let a client of ``session_type`` send ``limit`` messages per window instead."""
        rules = self.rules[session_type]
        self.rules[session_type] = replace(rules, message_limit=limit)

    def public_key(self, api_key: str) -> Ed25519PublicKey | None:
        """The Ed25519 public key of ``api_key``, or None if the key is unknown."""
        account = self._accounts.get(api_key)
        return account.public_key if account is not None else None

    def connect(self, address: str, session_type: SessionType, now: float) -> BinanceError | None:
        """A TCP connection arrives from ``address``: TOO_MANY_CONNECTIONS if the IP's
        connection attempts are over the limit.

        Windows of at most ``max_addresses`` addresses are kept; past that, those whose
        attempts have all left their window are forgotten, least recently used first. A live
        window is never forgotten: when every one is live, a new address is refused until
        one expires (the table fails closed rather than letting a refused address in again).
        """
        limit = self.rules[session_type].connection_attempts
        key = (address, session_type)
        table = self._ip_attempts
        window = table.get(key)
        if window is None:
            if len(table) >= self.max_addresses and not self._forget_idle_addresses(now):
                return errors.TooManyConnections.from_template(
                    limit.count, limit.interval, template=2
                )
            window = table[key] = Window(limit)
        else:
            table.move_to_end(key)
        if not window.add(now):
            return errors.TooManyConnections.from_template(limit.count, limit.interval, template=2)
        return None

    def _forget_idle_addresses(self, now: float) -> bool:
        """Drop the least recently used addresses whose windows are empty; whether any was."""
        table = self._ip_attempts
        forgotten = False
        while table:
            key, window = next(iter(table.items()))
            if window.count(now):
                break  # the oldest is live, so every one after it is too
            del table[key]
            forgotten = True
        return forgotten

    def logon(
        self, api_key: str, comp_id: str, session_type: SessionType, now: float
    ) -> BinanceError | None:
        """Claim ``comp_id`` for a new session of the account, or say why not.

        Checks the account's connection attempts, its concurrent connections, and that the
        CompID is neither in use nor held after an unclean end.
        """
        account = self._accounts.get(api_key)
        if account is None:
            return errors.RejectedMbxKey.from_template(ref_tag_id=553)
        rules = self.rules[session_type]
        window = account.attempts.setdefault(session_type, Window(rules.connection_attempts))
        limit = rules.connection_attempts
        if not window.add(now):
            return errors.TooManyConnections.from_template(limit.count, limit.interval, template=1)
        account.quarantine = [held for held in account.quarantine if held[2] > now]
        in_use = {**account.active, **{comp: kind for comp, kind, _ in account.quarantine}}
        if comp_id in in_use:
            return errors.CompIdInUse.from_template(ref_tag_id=49)
        connections = sum(1 for kind in account.active.values() if kind is session_type) + sum(
            1 for _, kind, _ in account.quarantine if kind is session_type
        )
        if connections >= rules.max_connections:
            return errors.TooManyConnections.from_template(rules.max_connections, template=0)
        account.active[comp_id] = session_type
        return None

    def logout(self, api_key: str, comp_id: str, *, clean: bool, hold_until: float) -> None:
        """The session ended; without a clean Logout its CompID is held until ``hold_until``."""
        account = self._accounts.get(api_key)
        if account is None:
            return
        session_type = account.active.pop(comp_id, None)
        if session_type is not None and not clean:
            account.quarantine.append((comp_id, session_type, hold_until))

    def sessions(self, api_key: str) -> dict[str, SessionType]:
        """The account's active sessions: CompID to session type."""
        account = self._accounts.get(api_key)
        return dict(account.active) if account is not None else {}

    @classmethod
    def from_pem(cls, keys: Iterable[tuple[str, bytes | str]]) -> Accounts:
        """Accounts from (API key, Ed25519 public key PEM) pairs; ValueError naming a bad one."""
        return cls(dict(keys))


def _public_key(api_key: object, public_key: object) -> Ed25519PublicKey:
    """``public_key`` as an Ed25519 public key (from PEM text if need be), checked here, when
    the keys are given, not when a client logs on."""
    if not isinstance(api_key, str) or not api_key:
        raise ValueError(f"an API key is a non-empty str, not {api_key!r}")
    if isinstance(public_key, Ed25519PublicKey):
        return public_key
    if isinstance(public_key, str | bytes):
        try:
            return load_public_key(public_key)
        except ValueError as error:
            raise ValueError(f"the key of API key {api_key!r}: {error}") from None
    raise ValueError(
        f"the key of API key {api_key!r} is a {type(public_key).__name__}: give an "
        "Ed25519PublicKey or its PEM"
    )
