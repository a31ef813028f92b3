"""In memory, on a fake clock: an Initiator against an Acceptor (``Pair``), and a whole venue
(``MemoryVenue``). The one test key, and the one fake clock, of the suite."""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixsession.events import Event, FaultDetected, MessageReceived
from fixsession.initiator import Initiator
from fixsession.message import Message
from fixsession.sbewire import Encoding
from fixsession.session import Session
from fixsession.spec import SessionType
from fixsession.venue.acceptor import Acceptor
from fixsession.venue.accounts import Accounts
from fixsession.venue.exchange import Exchange

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


class MemoryVenue:
    """The venue in memory: one Exchange and any number of client sessions talking to it, on
    one fake clock. (Over sockets: ``e2e.Endpoint``; for a gateway's tests: the plugin's
    ``fix_venue``.)"""

    def __init__(self, **options: object) -> None:
        self.clock = Clock()
        self.exchange = Exchange(wall_clock=self.clock, **options)  # type: ignore[arg-type]
        self.pairs: list[Pair] = []
        self._seen: dict[int, int] = {}

    def connect(
        self, session_type: SessionType = SessionType.ORDER_ENTRY, **options: object
    ) -> Pair:
        pair = make_pair(
            session_type, clock=self.clock, comp_id=f"c{len(self.pairs)}", **options,  # type: ignore[arg-type]
        )  # fmt: skip
        if self.pairs:  # share one account registry, as one venue does
            pair.acceptor.accounts = self.pairs[0].accounts
        pair.logon()
        self.exchange.attach(pair.acceptor)
        self.pairs.append(pair)
        self._seen[id(pair)] = len(pair.initiator_events)
        return pair

    def ask(self, pair: Pair, message: Message) -> list[MessageReceived]:
        """Send ``message``; the answers the client gets (also on the other sessions)."""
        start = len(pair.acceptor_events)
        pair.initiator.send(message, self.clock.now)
        pair.pump()
        for event in pair.acceptor_events[start:]:
            self.exchange.on_event(pair.acceptor, event, self.clock.now)
        self.flush()
        return self.received(pair)

    def flush(self) -> None:
        """Carry what the exchange sent, to just the sessions it names (as ``venue.server.Server``)."""
        recipients = self.exchange.take_recipients()
        for pair in self.pairs:
            if pair.acceptor in recipients:
                pair.pump()
            assert not [e for e in pair.initiator_events if isinstance(e, FaultDetected)]

    def received(self, pair: Pair) -> list[MessageReceived]:
        """What ``pair``'s client got since last asked."""
        events = pair.initiator_events[self._seen[id(pair)] :]
        self._seen[id(pair)] = len(pair.initiator_events)
        return [event for event in events if isinstance(event, MessageReceived)]

    def advance(self, seconds: float) -> None:
        now = self.clock.advance(seconds)
        self.exchange.tick(now)
        self.flush()


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
    encoding: Encoding = Encoding.FIX,
    **initiator_options: object,
) -> Pair:
    clock = clock or Clock()
    registry = registry or accounts()
    acceptor = Acceptor(
        accounts=registry, session_type=session_type, wall_clock=clock, now=clock.now,
        uuid="00000000-0000-4000-8000-000000000000", address=address, encoding=encoding,
    )  # fmt: skip
    initiator = Initiator(
        api_key=API_KEY, private_key=PRIVATE_KEY, sender_comp_id=comp_id,
        session_type=session_type, wall_clock=clock, now=clock.now, heart_bt_int=heart_bt_int,
        encoding=encoding, **initiator_options,  # type: ignore[arg-type]
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
    "MemoryVenue",
    "Pair",
    "Session",
    "accounts",
    "fields",
    "kinds",
    "make_pair",
]
