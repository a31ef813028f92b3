"""Replaying a recorded venue: every capture of one ``serve --record`` run, as one set.

Owns ``replay_venue``: the captures a venue journal (``venue.journal``) names are run again
against one ``Exchange`` set up as the journal says and one ``Accounts``, each connection's
received bytes fed to a fresh ``Acceptor`` at its captured time, the exchange's timers run
where the journal says they ran, connections opened and closed where they were, so that what
the sessions share (IDs, the book and its feed, drop copy, ResponseMode=1 copies, account
limits, CompIDs in use) is as it was; what each session sends is compared with its capture,
as ``replay.replay_session`` does for one. Sans-I/O: records and the journal in, findings out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixsession.captures import (
    RECEIVED,
    SENT,
    Record,
    peek,
    with_directions,
    with_times,
)
from fixsession.spec import MsgType, SessionType, Tag
from fixsession.tools.expectations import Expectation
from fixsession.tools.replay import (
    Outcome,
    Progress,
    ReplayClock,
    SentFrames,
    SessionReplay,
    check,
    check_findings,
    compare_streams,
    first_logon,
    fix_views,
    refused_signatures,
    resign,
    resign_sbe,
    session_type_of,
)
from fixsession.validation import Validator
from fixsession.venue import journal as venue_journal
from fixsession.venue.acceptor import Acceptor
from fixsession.venue.accounts import Accounts
from fixsession.venue.journal import Entry, Journal

_KIND_IN_NAME: Final = re.compile(r"-(order-entry|drop-copy|market-data)-\d+\.fixlog$")
_ORDER: Final = {"open": 0, "tick": 1, "maintenance": 1, "shutdown": 1, "full": 1, "close": 3}
_READ: Final = 2  # a capture's read: after the timers of its instant, before a close
_MAX_TICKS: Final = 100_000  # session timers run between two steps, at most


@dataclass
class _Connection:
    """One capture of the set, and the session replaying it."""

    name: str
    records: list[Record]
    views: list[Record]  # the records as FIX (FIX SBE ones converted), for reading fields
    session_type: SessionType
    sent: SentFrames
    session: Acceptor | None = None


def replay_venue(
    journal: Journal, captures: Mapping[str, Sequence[Record]], progress: Progress | None = None
) -> dict[str, SessionReplay]:
    """Replay the captures ``journal`` names (those of ``captures``; a missing one is named
    in the findings of every other) as one venue; by capture name, what each session sent
    and how it differs from the capture."""
    return _VenueReplay(journal, captures, progress).run()


def verify_venue(
    journal: Journal,
    captures: Mapping[str, Sequence[Record]],
    expectations: Mapping[str, Expectation] | None = None,
    progress: Progress | None = None,
) -> dict[str, Outcome]:
    """``replay.verify`` for a venue's set: each capture's frames checked (against its
    expectation, if any), then the set replayed together; by capture name."""
    replays = replay_venue(journal, captures, progress)
    outcomes = {}
    for name, result in replays.items():
        expectation = (expectations or {}).get(name) or Expectation()
        verdicts = check(captures[name], Validator())
        findings = [f"check: {finding}" for finding in check_findings(verdicts, expectation)]
        findings += [f"session: {finding}" for finding in result.findings]
        summary = (
            f"{len(verdicts)} frames checked, replayed as acceptor with its venue "
            f"({len(replays)} sessions; {len(result.captured)} messages compared)"
        )
        outcomes[name] = Outcome(not findings, summary, findings)
    return outcomes


class _VenueReplay:
    def __init__(
        self, journal: Journal, captures: Mapping[str, Sequence[Record]], progress: Progress | None
    ) -> None:
        self.journal = journal
        self.progress = progress
        self.missing = [name for name in journal.captures if name not in captures]
        self.connections: dict[str, _Connection] = {}
        for name in journal.captures:
            if name in captures:
                records = with_times(with_directions(captures[name]))
                views = fix_views(records)
                found = _KIND_IN_NAME.search(name)
                kind = (
                    SessionType(found.group(1)) if found
                    else session_type_of(views, first_logon(views, RECEIVED))
                )  # fmt: skip
                sent = SentFrames(journal.encoding.sbe_out(venue=True))
                self.connections[name] = _Connection(name, records, views, kind, sent)
        start = journal.entries[0].at if journal.entries else 0.0
        self.clock = ReplayClock(start)
        self.accounts = Accounts()
        for kind, limit in journal.message_limits.items():
            self.accounts.set_message_limit(kind, limit)
        self.keys: dict[str, Ed25519PrivateKey] = {}
        for connection in self.connections.values():
            username = peek(first_logon(connection.views, RECEIVED), Tag.USERNAME)
            if username is not None and username not in self.keys:
                self.keys[username] = Ed25519PrivateKey.generate()
                self.accounts.add_key(username, self.keys[username].public_key())
        self.exchange = venue_journal.exchange(journal.exchange, self.clock)
        self.by_session: dict[Acceptor, _Connection] = {}
        self.schedule = False  # run the exchange's timers by its own deadlines (journal full)

    # -- the steps, in the order the server took them -------------------------------------------

    def steps(self) -> list[tuple[float, int, int, Entry | tuple[_Connection, bytes]]]:
        steps: list[tuple[float, int, int, Entry | tuple[_Connection, bytes]]] = []
        for number, item in enumerate(self.journal.entries):
            steps.append((item.at, _ORDER[item.kind], number, item))
        number = len(steps)
        for connection in self.connections.values():
            chunk: list[bytes] = []
            records, views = connection.records, connection.views
            refused = refused_signatures(views)
            for index, record in enumerate(records):
                if record.direction != RECEIVED:
                    continue
                data, view = record.data, views[index].data
                if peek(view, Tag.MSG_TYPE) == MsgType.LOGON and index not in refused:
                    username = peek(view, Tag.USERNAME)
                    if username in self.keys:
                        key = self.keys[username]
                        data = resign_sbe(data, key) if record.sbe else resign(data, key)
                chunk.append(data)
                after = records[index + 1] if index + 1 < len(records) else None
                if (
                    after is None
                    or after.direction != RECEIVED
                    or after.timestamp != record.timestamp
                ):
                    read = b"".join(chunk)
                    steps.append((record.timestamp or 0.0, _READ, number, (connection, read)))
                    number += 1
                    chunk.clear()
        steps.sort(key=lambda step: step[:3])
        return steps

    def run(self) -> dict[str, SessionReplay]:
        steps = self.steps()
        for done, (at, _, _, step) in enumerate(steps):
            if self.progress is not None and done % 1000 == 0 and done:
                self.progress(done, len(steps))
            self.advance(at)
            if isinstance(step, Entry):
                self.journaled(step)
            else:
                connection, chunk = step
                session = connection.session
                if session is not None and not session.closed:
                    session.receive_data(chunk, self.clock.now)
                    self.drain(session)
        return {name: self.outcome(connection) for name, connection in self.connections.items()}

    def journaled(self, item: Entry) -> None:
        now = self.clock.now
        if item.kind == "open" and item.capture in self.connections:
            connection = self.connections[item.capture]
            session = Acceptor(
                accounts=self.accounts, session_type=connection.session_type,
                wall_clock=self.clock, now=now, encoding=self.journal.encoding,
            )  # fmt: skip
            connection.session = session
            self.by_session[session] = connection
            self.drain(session)
        elif item.kind == "close" and item.capture in self.connections:
            ended = self.connections[item.capture].session
            if ended is not None and not ended.closed:
                ended.connection_lost(now)
                self.drain(ended)
        elif item.kind == "tick":
            self.exchange.tick(now)
            self.flush()
        elif item.kind in ("maintenance", "shutdown"):
            for session in self.live():
                if item.kind == "shutdown":
                    session.logout(now)
                else:
                    session.start_maintenance(now, item.seconds or 0.0)
                self.drain(session)
        elif item.kind == "full":
            self.schedule = True

    def live(self) -> list[Acceptor]:
        return [session for session in self.by_session if not session.closed]

    def advance(self, until: float) -> None:
        """Run the sessions' timers due by ``until``, each at its own deadline (and the
        exchange's, once the journal no longer says when they ran: at ``until``, once, as its
        fixed schedule skips what it missed)."""
        for _ in range(_MAX_TICKS):
            live = self.live()
            due = [(d, n) for n, s in enumerate(live) if (d := s.next_deadline()) is not None]
            if not due:
                break
            deadline, which = min(due)
            if deadline > until:
                break
            self.clock.now = max(self.clock.now, deadline)
            live[which].tick(self.clock.now)
            self.drain(live[which])
        self.clock.now = max(self.clock.now, until)
        exchange = self.exchange.next_deadline() if self.schedule else None
        if exchange is not None and exchange <= until:
            self.exchange.tick(self.clock.now)
            self.flush()

    def drain(self, session: Acceptor) -> None:
        """Give the exchange what ``session`` reported; collect what every session sent."""
        now = self.clock.now
        for event in session.events():
            self.exchange.on_event(session, event, now)
        self.collect(session)
        self.flush()

    def flush(self) -> None:
        for session in self.exchange.take_recipients():
            self.collect(session)

    def collect(self, session: Acceptor) -> None:
        connection = self.by_session.get(session)
        data = session.data_to_send()
        if connection is not None:
            connection.sent.add(data)

    def outcome(self, connection: _Connection) -> SessionReplay:
        own = [record for record in connection.records if record.direction == SENT]
        findings = compare_streams(own, connection.sent.frames, "sent")
        if findings and self.missing:
            shown = ", ".join(self.missing[:3]) + (", ..." if len(self.missing) > 3 else "")
            findings.append(
                f"the journal names {len(self.missing)} captures not found (deleted past "
                f"--record-max-files?), whose sessions shared this venue: {shown}"
            )
        if findings and self.journal.full:
            findings.append(
                "the venue journal was full before the end: timers replayed by schedule"
            )
        return SessionReplay("acceptor", own, connection.sent.frames, findings)
