"""Driving an Initiator and an Acceptor against each other in memory, on a fake clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixsession.events import Event
from fixsession.initiator import Initiator
from fixsession.session import Session
from fixsession.spec import SessionType
from fixsession.venue.acceptor import Acceptor
from fixsession.venue.accounts import Accounts

API_KEY = "test-api-key"
PRIVATE_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
START = 1_750_000_000.0  # the fake wall clock's epoch at the start


@dataclass
class Clock:
    """A wall clock and a monotonic clock that move together, by hand."""

    now: float = START

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


@dataclass
class Pair:
    initiator: Initiator
    acceptor: Acceptor
    clock: Clock
    accounts: Accounts
    initiator_events: list[Event] = field(default_factory=list)
    acceptor_events: list[Event] = field(default_factory=list)
    to_acceptor: list[bytes] = field(default_factory=list)  # what crossed, for assertions
    to_initiator: list[bytes] = field(default_factory=list)

    def pump(self) -> None:
        """Deliver bytes both ways until neither side has anything to send."""
        now = self.clock.now
        for _ in range(100):
            outgoing = self.initiator.data_to_send()
            incoming = self.acceptor.data_to_send()
            if not outgoing and not incoming:
                break
            if outgoing:
                self.to_acceptor.append(outgoing)
                self.acceptor.receive_data(outgoing, now)
            if incoming:
                self.to_initiator.append(incoming)
                self.initiator.receive_data(incoming, now)
        # As over a socket: a side whose session closed closes the connection, and the
        # other side sees it gone (once it has read what was sent before).
        if self.acceptor.closed and not self.initiator.closed:
            self.initiator.connection_lost(now)
        self.initiator_events += self.initiator.events()
        self.acceptor_events += self.acceptor.events()

    def tick(self, seconds: float) -> None:
        """Move the clocks on and run both sides' timers."""
        now = self.clock.advance(seconds)
        self.initiator.tick(now)
        self.acceptor.tick(now)
        self.pump()

    def logon(self) -> Pair:
        self.initiator.logon(self.clock.now)
        self.pump()
        return self


def accounts(*keys: tuple[str, Ed25519PrivateKey]) -> Accounts:
    registry = Accounts()
    for api_key, private in keys or ((API_KEY, PRIVATE_KEY),):
        registry.add_key(api_key, private.public_key())
    return registry


def make_pair(
    session_type: SessionType = SessionType.ORDER_ENTRY,
    *,
    comp_id: str = "client1",
    registry: Accounts | None = None,
    clock: Clock | None = None,
    heart_bt_int: int = 30,
    address: str = "127.0.0.1",
    **initiator_options: object,
) -> Pair:
    clock = clock or Clock()
    registry = registry or accounts()
    acceptor = Acceptor(
        accounts=registry, session_type=session_type, wall_clock=clock, now=clock.now,
        uuid="00000000-0000-4000-8000-000000000000", address=address,
    )  # fmt: skip
    initiator = Initiator(
        api_key=API_KEY, private_key=PRIVATE_KEY, sender_comp_id=comp_id,
        session_type=session_type, wall_clock=clock, now=clock.now, heart_bt_int=heart_bt_int,
        **initiator_options,  # type: ignore[arg-type]
    )  # fmt: skip
    return Pair(initiator, acceptor, clock, registry)


def kinds(events: list[Event]) -> list[str]:
    return [type(event).__name__ for event in events]


def fields(session_bytes: bytes) -> str:
    """A frame as '|'-separated text, for readable assertions."""
    return session_bytes.decode().replace("\x01", "|")


__all__ = [
    "API_KEY",
    "PRIVATE_KEY",
    "Clock",
    "Pair",
    "Session",
    "accounts",
    "fields",
    "kinds",
    "make_pair",
]
