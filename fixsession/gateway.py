"""Many sessions from one settings file, under one budget: ``Gateway``.

Owns opening every session a ``settings.Settings`` names (each a ``client.Client``, all of
them sharing one ``failover.Budget``), sending their market-data subscriptions, naming their
clients, merging their events into one stream, and logging them all out. It reads the
settings file and the private keys it names (``load``); what a session does is the client's.

    async with Gateway.from_file("gateway.toml") as gateway:
        report = await gateway["main-oe"].request(order)
        async for name, event in gateway:
            ...
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixsession import binance
from fixsession.client import Client, ClientEvent, connect
from fixsession.failover import Budget
from fixsession.settings import SessionSettings, Settings, SettingsError, error_at, parse

log = logging.getLogger("fixsession.gateway")


@dataclass(frozen=True)
class Loaded:
    """Settings with the private keys they name, opened."""

    settings: Settings
    keys: dict[str, Ed25519PrivateKey]  # by account name


def load(path: str | os.PathLike[str]) -> Loaded:
    """The settings file at ``path`` and its accounts' private keys (file names relative to
    the settings file); ``SettingsError`` naming the file, line and key of what is wrong."""
    where = Path(path)
    try:
        text = where.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise SettingsError(f"cannot read {where}: {reason or error}") from None
    settings = parse(text, str(where))
    keys: dict[str, Ed25519PrivateKey] = {}
    for session in settings.sessions:
        account = session.account
        if account.name in keys:
            continue
        at = ("accounts", account.name, "private_key")
        password = None
        if account.private_key_password_env is not None:
            password = os.environ.get(account.private_key_password_env)
            if password is None:
                raise error_at(
                    text, str(where), ("accounts", account.name, "private_key_password_env"),
                    f"{account.private_key_password_env} is not set in the environment",
                )  # fmt: skip
        key_path = where.parent / account.private_key
        try:
            keys[account.name] = binance.load_private_key(key_path.read_bytes(), password)
        except OSError as error:
            raise error_at(
                text, str(where), at, f"cannot read {key_path}: {error.strerror or error}"
            ) from None
        except ValueError as error:
            raise error_at(text, str(where), at, f"{key_path}: {error}") from None
    return Loaded(settings, keys)


class Gateway:
    """Every session of a settings file: ``gateway[name]`` is a session's ``Client``;
    ``async for name, event in gateway`` yields all their events, each session's in order.

    ``start()`` (or ``async with``) opens them in the file's order and sends each market-data
    session's subscriptions; a session that cannot log on logs out the ones already open and
    raises its error (with a note naming the session). ``stop()`` logs every session out.
    """

    def __init__(self, loaded: Loaded, *, queue_size: int = 10_000) -> None:
        self.settings = loaded.settings
        self._keys = loaded.keys
        self.budget = Budget(share=self.settings.budget_share)
        self.clients: dict[str, Client] = {}
        self._events: asyncio.Queue[tuple[str, ClientEvent] | None] = asyncio.Queue(queue_size)
        self._pumps: list[asyncio.Task[None]] = []
        self._live = 0  # sessions whose events are still coming

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Gateway:
        """A gateway for the settings file at ``path`` (see ``load``)."""
        return cls(load(path))

    def __getitem__(self, name: str) -> Client:
        try:
            return self.clients[name]
        except KeyError:
            known = ", ".join(self.clients) or "none open"
            raise KeyError(f"no session {name!r} (sessions: {known})") from None

    async def start(self) -> Gateway:
        """Open every session, then send the subscriptions."""
        try:
            for session in self.settings.sessions:
                try:
                    client = await self._open(session)
                except BaseException as error:
                    error.add_note(f"while opening session {session.name!r}")
                    raise
                self.clients[session.name] = client
                for subscription in session.subscriptions:
                    await client.send(subscription.request())
                log.info("session %s open (%s)", session.name, session.session_type.value)
        except BaseException:
            await self.stop()
            raise
        self._live = len(self.clients)
        self._pumps = [
            asyncio.get_running_loop().create_task(self._pump(name, client))
            for name, client in self.clients.items()
        ]
        return self

    async def _open(self, session: SessionSettings) -> Client:
        venue = session.venue
        record = None
        if session.record is not None:
            record = Path(self.settings.path).parent / session.record
        return await connect(
            venue.host, venue.port, api_key=session.account.api_key,
            private_key=self._keys[session.account.name], sender_comp_id=session.sender_comp_id,
            session_type=session.session_type, tls=venue.tls,
            server_hostname=venue.server_hostname, reconnect=session.reconnect,
            heart_bt_int=session.heart_bt_int, recv_window_ms=session.recv_window_ms,
            response_mode=session.response_mode, record=record, budget=self.budget,
        )  # fmt: skip

    async def _pump(self, name: str, client: Client) -> None:
        try:
            async for batch in client.batches():
                for event in batch:
                    await self._events.put((name, event))  # a full queue holds the client back
        finally:
            self._live -= 1
            if not self._live:  # wake a reader waiting for more (a full queue has none)
                with contextlib.suppress(asyncio.QueueFull):
                    self._events.put_nowait(None)

    def __aiter__(self) -> AsyncIterator[tuple[str, ClientEvent]]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[tuple[str, ClientEvent]]:
        while self._live or not self._events.empty():
            item = await self._events.get()
            if item is not None:
                yield item

    async def stop(self, timeout: float = 5.0) -> None:
        """Log every session out (at once) and wait for the connections to close."""
        await asyncio.gather(
            *(client.logout(timeout) for client in self.clients.values()), return_exceptions=True
        )
        for task in self._pumps:
            task.cancel()
        for task in self._pumps:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._pumps = []

    async def __aenter__(self) -> Gateway:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await asyncio.shield(self.stop())
