"""transport.Connection: how a session's bytes are written (bursts leave before their end)."""

from __future__ import annotations

import asyncio

from memory import make_pair

from fixsession import transport
from fixsession.message import Message
from fixsession.venue.server import Server

ORDER = [(38, "0.001"), (40, "2"), (44, "60000"), (54, "1"), (55, "BTCUSDT"), (59, "1")]


class Recording(asyncio.Transport):
    """A transport that keeps what is written, one entry per write."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def get_write_buffer_size(self) -> int:
        return 0

    def is_closing(self) -> bool:
        return False

    def frames_per_write(self) -> list[int]:
        return [data.count(b"\x0110=") for data in self.writes]


def order(n: int) -> Message:
    return Message("D", [(11, f"o{n}"), *ORDER])


async def test_a_burst_of_sends_is_written_in_bursts_before_the_loop_runs_again() -> None:
    pair = make_pair().logon()
    link = transport.Connection(pair.initiator, lambda link, events: None)
    wire = Recording()
    link.connection_made(wire)
    for n in range(2 * transport.BURST + 10):
        pair.initiator.send(order(n), pair.clock.now)
        link.flush_soon()
    assert wire.frames_per_write() == [transport.BURST, transport.BURST]  # not waiting
    await asyncio.sleep(0)  # the end of the loop iteration: the rest, in one write
    assert wire.frames_per_write() == [transport.BURST, transport.BURST, 10]
    pair.acceptor.receive_data(b"".join(wire.writes), pair.clock.now)
    received = [e for e in pair.acceptor.events() if type(e).__name__ == "MessageReceived"]
    assert len(received) == 2 * transport.BURST + 10  # every order, in MsgSeqNum order


async def test_a_read_of_many_orders_is_answered_in_bursts() -> None:
    pair = make_pair().logon()
    server = Server(accounts=pair.accounts, wall_clock=pair.clock)
    server.exchange.attach(pair.acceptor)
    link = transport.Connection(pair.acceptor, server._deliver)
    wire = Recording()
    link.connection_made(wire)
    for n in range(transport.BURST + 5):
        pair.initiator.send(order(n), pair.clock.now)
    link.data_received(pair.initiator.data_to_send())  # one read
    assert wire.frames_per_write() == [transport.BURST, 5]
    pair.initiator.receive_data(b"".join(wire.writes), pair.clock.now)
    reports = [e.message for e in pair.initiator.events() if type(e).__name__ == "MessageReceived"]
    assert [r.get(11) for r in reports] == [f"o{n}" for n in range(transport.BURST + 5)]
    assert {r.get(150) for r in reports} == {"0"}
