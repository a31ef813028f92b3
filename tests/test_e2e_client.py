"""The gateway client (``fixsession.aio``) against the acceptor, over real loopback sockets:
TLS verification and SNI, requests and typed errors, failover on News, drops mid-message,
backpressure, pacing, cancellation, drop copy, and a peer that never reads."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import socket
import ssl
import time
from collections.abc import AsyncIterator

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from e2e import API_KEY, PRIVATE_KEY, Certificate, CuttingProxy, Wire

from fixsession import client as fix_client
from fixsession import errors, failover
from fixsession.binance import RULES, Limit, SessionRules
from fixsession.events import Closed, LoggedOut, MessageReceived
from fixsession.message import Message
from fixsession.spec import SessionType
from fixsession.venue import server as venue_server
from fixsession.venue.accounts import Accounts
from fixsession.venue.exchange import Exchange


def order(cl_ord_id: str, symbol: str = "BTCUSDT") -> Message:
    return Message("D", [(11, cl_ord_id), (38, "1"), (40, "2"), (44, "10"), (54, "1"),
                         (55, symbol), (59, "1")])  # fmt: skip


def accounts(**limits: Limit) -> Accounts:
    registry = Accounts({API_KEY: PRIVATE_KEY.public_key()})
    for name, limit in limits.items():
        kind = SessionType(name.replace("_", "-"))
        registry.set_message_limit(kind, limit)
    return registry


async def server(
    certificate: Certificate | None,
    session_type: SessionType = SessionType.ORDER_ENTRY,
    registry: Accounts | None = None,
    **options: object,
) -> venue_server.Server:
    options.setdefault("tls", certificate.server() if certificate else None)
    return await venue_server.serve(
        "127.0.0.1", 0, accounts=registry or accounts(), session_type=session_type,
        **options,  # type: ignore[arg-type]
    )  # fmt: skip


def connect(
    where: venue_server.Server | tuple[str, int], certificate: Certificate | None, **options: object
) -> fix_client.Connector:
    host, port = where.address if isinstance(where, venue_server.Server) else where  # type: ignore[misc]
    defaults: dict[str, object] = {
        "api_key": API_KEY, "private_key": PRIVATE_KEY, "sender_comp_id": "GW1",
        "tls": certificate.client() if certificate else False, "server_hostname": "localhost",
    }  # fmt: skip
    return fix_client.connect(host, port, **{**defaults, **options})  # type: ignore[arg-type]


async def next_event(client: fix_client.Client, kind: type, timeout: float = 10.0) -> object:
    async with asyncio.timeout(timeout):
        async for event in client:
            if isinstance(event, kind):
                return event
    raise AssertionError(f"the client ended before a {kind.__name__}")


# -- TLS ---------------------------------------------------------------------------------------


async def test_tls_verifies_the_certificate_and_sends_sni(certificate: Certificate) -> None:
    names: list[str | None] = []
    context = certificate.server()
    context.sni_callback = lambda _sock, name, _ctx: names.append(name)  # type: ignore[assignment,misc,return-value]
    acceptor = await server(None, tls=context)
    try:
        async with connect(acceptor, certificate) as client:
            assert client.session.state.value == "active"
        assert names == ["localhost"]
        with pytest.raises(ssl.SSLCertVerificationError):
            await connect(acceptor, certificate, tls=True)  # the system's CAs: not trusted
        with pytest.raises(ssl.SSLCertVerificationError):
            await connect(acceptor, certificate, server_hostname="not-this-host.example")
    finally:
        await acceptor.close()


# -- requests and typed errors -------------------------------------------------------------------


async def test_requests_get_their_answers_and_rejects_raise_typed_errors(
    certificate: Certificate,
) -> None:
    acceptor = await server(certificate)
    try:
        async with connect(acceptor, certificate) as client:
            report = await client.request(order("o1"))
            assert (report.msg_type, report[11], report[39], report[150]) == ("8", "o1", "0", "0")
            assert int(report[37]) >= 2**32  # 64-bit OrderIDs
            with pytest.raises(errors.NewOrderRejected) as duplicate:
                await client.request(order("o1"))
            assert (duplicate.value.code, duplicate.value.text) == (-2010, "Duplicate order sent.")
            with pytest.raises(errors.UnknownOrder) as unknown:
                await client.request(Message("F", [(11, "c1"), (41, "zz"), (55, "BTCUSDT")]))
            assert (unknown.value.code, unknown.value.text) == (-1013, "Unknown order sent.")
            cancelled = await client.request(
                Message("F", [(11, "c2"), (41, "o1"), (55, "BTCUSDT")])
            )
            assert (cancelled[39], cancelled[41]) == ("4", "o1")
            limits = await client.request(Message("XLQ", [(6136, "q1")]))
            assert limits.msg_type == "XLR" and limits[6136] == "q1"
            with pytest.raises(errors.NotAllowedInOrderEntrySessions):
                await client.request(Message("x", [(320, "i1"), (559, "4")]), validate=False)
            seq = await client.send(order("o2"))
            event = await next_event(client, MessageReceived)
            assert isinstance(event, MessageReceived) and event.message[11] == "o2"
            assert event.request is not None and event.request.msg_seq_num == seq
    finally:
        await acceptor.close()


async def test_each_request_times_out_at_its_own_deadline() -> None:
    acceptor = await server(None)
    heartbeat = Message("0", [])  # nothing answers a Heartbeat
    try:
        async with connect(acceptor, None) as client:
            loop = asyncio.get_running_loop()
            began = loop.time()
            slow = asyncio.ensure_future(client.request(heartbeat, timeout=0.6, validate=False))
            with pytest.raises(TimeoutError, match=r"no answer within 0\.2 s"):
                await client.request(heartbeat, timeout=0.2, validate=False)
            assert 0.2 <= loop.time() - began < 0.5 and not slow.done()
            with pytest.raises(TimeoutError, match=r"no answer within 0\.6 s"):
                await slow
            assert 0.6 <= loop.time() - began < 0.9
            report = await client.request(order("o1"), timeout=0.3)  # answered in time
            assert report[39] == "0"
            await asyncio.sleep(0.4)  # past its deadline: nothing fires on an answered one
            assert (await client.request(order("o2")))[11] == "o2"
    finally:
        await acceptor.close()


async def test_a_failed_logon_raises_its_typed_error(certificate: Certificate) -> None:
    acceptor = await server(certificate)
    try:
        with pytest.raises(errors.InvalidSignature):
            await connect(acceptor, certificate, private_key=Ed25519PrivateKey.generate())
        async with connect(acceptor, certificate):
            with pytest.raises(errors.CompIdInUse):
                await connect(acceptor, certificate)
    finally:
        await acceptor.close()


async def test_the_market_data_feed_streams_after_the_snapshot(certificate: Certificate) -> None:
    acceptor = await server(certificate, SessionType.MARKET_DATA)
    try:
        async with connect(acceptor, certificate, session_type="market-data") as client:
            instruments = await client.request(Message("x", [(320, "i1"), (559, "4")]))
            assert instruments.msg_type == "y" and "BTCUSDT" in instruments.get_all(55)
            request = Message("V", [(262, "m1"), (263, "1"), (264, "5"), (146, "1"), (55, "ETHUSDT"),
                                    (267, "2"), (269, "0"), (269, "1")])  # fmt: skip
            snapshot = await client.request(request)
            assert snapshot.msg_type == "W" and snapshot[268] == "10"
            ids = []
            for _ in range(3):
                update = await next_event(client, MessageReceived)
                assert isinstance(update, MessageReceived) and update.message.msg_type == "X"
                ids.append(int(update.message[25044]))
            assert ids == sorted(ids) and len(set(ids)) == 3
    finally:
        await acceptor.close()


async def test_drop_copy_gets_the_accounts_execution_reports(certificate: Certificate) -> None:
    venue = await server(certificate, exchange=Exchange(wall_clock=time.time, drop_copy_delay=0.05))
    entry = venue.address
    copy = await venue.start("127.0.0.1", 0, SessionType.DROP_COPY)
    try:
        async with connect(copy, certificate, session_type="drop-copy", sender_comp_id="DC1") as dc:
            async with connect(entry, certificate) as client:  # type: ignore[arg-type]
                report = await client.request(order("dc-1"))
            copied = await next_event(dc, MessageReceived)
            assert isinstance(copied, MessageReceived)
            assert (copied.message[11], copied.message[17]) == ("dc-1", report[17])
            with pytest.raises(errors.NotAllowedInDropCopySessions):
                await dc.request(order("dc-2"), validate=False)
    finally:
        await venue.close()


# -- maintenance, drops, reconnect ---------------------------------------------------------------


async def test_news_fails_over_to_a_new_session_without_losing_or_repeating_events(
    certificate: Certificate,
) -> None:
    acceptor = await server(certificate)
    try:
        async with connect(acceptor, certificate, reconnect=failover.ReconnectPolicy()) as client:
            for number in range(50):  # answers the application has not read yet
                await client.send(order(f"before-{number}"))
            acceptor.start_maintenance(30.0)
            await asyncio.sleep(0.5)
            for number in range(50):
                await client.send(order(f"after-{number}"))
            seen: list[str] = []
            kinds: list[str] = []
            async with asyncio.timeout(10):
                async for event in client:
                    kinds.append(type(event).__name__)
                    if isinstance(event, MessageReceived) and event.message.msg_type == "8":
                        seen.append(event.message[11])
                    if len(seen) == 100:
                        break
            assert seen == [f"before-{n}" for n in range(50)] + [f"after-{n}" for n in range(50)]
            assert kinds.count("NewsReceived") == 1 and kinds.count("Reconnected") == 1
            assert kinds.index("NewsReceived") < kinds.index("Reconnected")
            assert client.sender_comp_id != "GW1" and client.sender_comp_id.startswith("GW1")
            assert "LoggedOut" in kinds  # the old session, retired with a Logout
    finally:
        await acceptor.close()


@contextlib.asynccontextmanager
async def behind_a_proxy(
    session_type: SessionType = SessionType.ORDER_ENTRY,
) -> AsyncIterator[CuttingProxy]:
    """A plain venue of ``session_type`` reached through a ``CuttingProxy`` (both closed
    after the block)."""
    acceptor = await server(None, session_type)
    assert acceptor.address is not None
    proxy = await CuttingProxy(*acceptor.address).start()
    try:
        yield proxy
    finally:
        await proxy.close()
        await acceptor.close()


async def test_a_drop_mid_message_is_reported_and_the_client_reconnects() -> None:
    policy = failover.ReconnectPolicy(backoff=0.05)
    async with (
        behind_a_proxy() as proxy,
        connect(("127.0.0.1", proxy.port), None, reconnect=policy) as client,
    ):
        await client.request(order("o1"))
        proxy.cut()
        await client.send(order("o2"))  # its ExecutionReport is cut in half
        dropped = await next_event(client, fix_client.Dropped)
        assert isinstance(dropped, fix_client.Dropped) and dropped.sender_comp_id == "GW1"
        back = await next_event(client, fix_client.Reconnected)
        assert isinstance(back, fix_client.Reconnected) and back.reason == "reconnect"
        assert back.previous_comp_id == "GW1" and back.sender_comp_id != "GW1"
        report = await client.request(order("o3"))
        assert report[11] == "o3" and proxy.connections == 2


async def test_a_request_pending_across_a_drop_fails_as_outcome_unknown_with_its_request() -> None:
    async with behind_a_proxy() as proxy:
        client = await connect(("127.0.0.1", proxy.port), None)
        await client.request(order("o1"))
        proxy.cut()
        with pytest.raises(fix_client.OutcomeUnknown) as raised:
            await client.request(order("o2"))  # its ExecutionReport is cut in half
        error = raised.value
        assert isinstance(error, errors.UnknownOutcomeError) and isinstance(error, ConnectionError)
        assert error.request is not None
        assert (error.request.msg_type, error.request.cl_ord_id) == ("D", "o2")
        assert str(error).endswith("execution status unknown")
        await client.logout()


async def test_market_data_subscriptions_are_sent_again_after_a_reconnect() -> None:
    policy = failover.ReconnectPolicy(backoff=0.05)
    book = [(262, "b1"), (263, "1"), (264, "5"), (146, "1"), (55, "BTCUSDT"), (267, "2"),
            (269, "0"), (269, "1")]  # fmt: skip
    async with (
        behind_a_proxy(SessionType.MARKET_DATA) as proxy,
        connect(
            ("127.0.0.1", proxy.port), None, reconnect=policy, session_type="market-data"
        ) as client,  # fmt: skip
    ):
        assert (await client.request(Message("V", book))).msg_type == "W"
        await client.send(Message("V", [(262, "t1"), *book[1:3], (146, "1"), (55, "ETHUSDT"),
                                            (267, "1"), (269, "2")]))  # fmt: skip
        await client.send(Message("V", [(262, "t1"), (263, "2")]))  # unsubscribed again
        proxy.cut()  # the next update is cut in half
        back = await next_event(client, fix_client.Reconnected)
        assert isinstance(back, fix_client.Reconnected) and back.resubscribed == ("b1",)
        async with asyncio.timeout(10):
            async for event in client:  # the new session's snapshot for b1
                if isinstance(event, MessageReceived) and event.message.msg_type == "W":
                    assert event.message[262] == "b1"
                    break


async def test_without_a_reconnect_policy_a_drop_ends_the_events() -> None:
    async with behind_a_proxy() as proxy:
        client = await connect(("127.0.0.1", proxy.port), None)
        proxy.cut()
        await client.send(order("o1"))
        events = []
        async with asyncio.timeout(10):
            events = [type(event).__name__ async for event in client]
        assert events[-1] == "Dropped"
        with pytest.raises(ConnectionError):
            await client.send(order("o2"))
        await client.logout()


async def test_a_client_dropping_mid_message_does_not_disturb_other_sessions(
    certificate: Certificate,
) -> None:
    acceptor = await server(certificate)
    try:
        async with connect(acceptor, certificate) as client:
            assert acceptor.address is not None
            reader, writer = await asyncio.open_connection(
                *acceptor.address, ssl=certificate.client(), server_hostname="localhost"
            )
            wire = Wire(reader, writer, "GW2")
            await wire.logon()
            frame = wire.frame("D", "11=x|38=1|40=2|44=10|54=1|55=BTCUSDT|59=1|")
            writer.write(frame[: len(frame) // 2])
            await writer.drain()
            writer.transport.abort()
            await asyncio.sleep(0.2)
            assert len(acceptor.links) == 1
            assert (await client.request(order("still-fine")))[39] == "0"
    finally:
        await acceptor.close()


# -- flow control --------------------------------------------------------------------------------


async def events_of(client: fix_client.Client, batched: bool) -> AsyncIterator[object]:
    """The client's events, read one at a time (``async for``) or a batch at a time."""
    if not batched:
        async for event in client:
            yield event
        return
    async for batch in client.batches():
        assert batch  # never an empty batch
        for event in batch:
            yield event


@pytest.mark.parametrize("batched", [False, True], ids=["one by one", "batches"])
async def test_a_full_event_queue_holds_reading_back_and_loses_nothing(
    certificate: Certificate, batched: bool
) -> None:
    acceptor = await server(certificate)
    try:
        async with connect(acceptor, certificate, queue_size=4) as client:
            for number in range(40):
                await client.send(order(f"q{number}"))
            await asyncio.sleep(0.3)  # the client stops reading at 4 unread events
            received = []
            async with asyncio.timeout(10):
                async for event in events_of(client, batched):
                    if isinstance(event, MessageReceived):
                        received.append(event.message[11])
                        if len(received) == 40:
                            break
            assert received == [f"q{number}" for number in range(40)]
    finally:
        await acceptor.close()


async def test_batches_end_when_the_client_does(certificate: Certificate) -> None:
    acceptor = await server(certificate)
    try:
        client = await connect(acceptor, certificate)
        await client.send(order("b1"))
        seen: list[object] = []
        async with asyncio.timeout(10):
            async for batch in client.batches():
                seen += batch
                if any(isinstance(event, MessageReceived) for event in batch):
                    await client.logout()
        assert [type(event) for event in seen[-2:]] == [LoggedOut, Closed]
    finally:
        await acceptor.close()


async def test_the_pacer_keeps_the_client_under_the_servers_limit(
    certificate: Certificate,
) -> None:
    registry = accounts(order_entry=Limit(20, 0.5))
    acceptor = await server(certificate, registry=registry)
    try:
        rules = registry.rules[SessionType.ORDER_ENTRY]  # the client's pacer must know them
        async with connect(acceptor, certificate, rules=rules) as client:
            began = time.monotonic()
            for number in range(60):
                await client.send(Message("XLQ", [(6136, f"q{number}")]))
            elapsed = time.monotonic() - began
            answers = 0
            async with asyncio.timeout(10):
                async for event in client:
                    assert not isinstance(event, LoggedOut), event
                    answers += isinstance(event, MessageReceived)
                    if answers == 60:
                        break
            assert elapsed >= 1.0  # 60 messages at under 20 per 0.5 s
    finally:
        await acceptor.close()


async def test_cancelling_the_block_still_logs_out(certificate: Certificate) -> None:
    acceptor = await server(certificate)
    entered = asyncio.Event()

    async def gateway() -> None:
        async with connect(acceptor, certificate, heart_bt_int=5):
            entered.set()
            await asyncio.sleep(3600)

    try:
        task = asyncio.create_task(gateway())
        await entered.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # A session that ended without Logout holds its CompID for 2 x HeartBtInt: this
        # Logon succeeding shows the Logout handshake ran.
        async with connect(acceptor, certificate) as again:
            assert again.sender_comp_id == "GW1"
    finally:
        await acceptor.close()


async def test_a_peer_that_never_reads_is_cut_off_and_stalls_no_one(
    certificate: Certificate,
) -> None:
    cap = 64 * 1024
    acceptor = await server(certificate, max_write_buffer=cap)
    assert acceptor.address is not None
    try:
        async with connect(acceptor, certificate) as client:
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.connect(acceptor.address)
            reader, writer = await asyncio.open_connection(
                sock=sock, ssl=certificate.client(), server_hostname="localhost"
            )
            wire = Wire(reader, writer, "GREEDY")
            assert (await wire.logon()).msg_type == "A"
            padding = "x" * 4000  # LimitResponse echoes ReqID: 12 MB of answers to read
            flood = b"".join(
                wire.frame("XLQ", f"6136={padding}{number}|") for number in range(3000)
            )
            writer.write(flood)  # and never read again
            worst = 0.0
            deadline = time.monotonic() + 20
            while any(session.target_comp_id == "GREEDY" for session in acceptor.links):
                assert time.monotonic() < deadline, "the greedy peer was never cut off"
                began = time.monotonic()
                await client.request(Message("XLQ", [(6136, "mine")]))
                worst = max(worst, time.monotonic() - began)
                for link in acceptor.links.values():
                    if link.transport is not None and not link.transport.is_closing():
                        assert link.transport.get_write_buffer_size() <= cap + 64 * 1024
            assert worst < 1.0, worst
            writer.transport.abort()
    finally:
        await acceptor.close()


# -- TLS on one side only ---------------------------------------------------------------------


@pytest.mark.parametrize("server_tls", [False, True], ids=["tls-client-plain-server", "reverse"])
async def test_tls_on_one_side_only_fails_fast_and_names_the_fix(
    server_tls: bool, certificate: Certificate
) -> None:
    venue = await server(certificate if server_tls else None)
    began = time.monotonic()
    with pytest.raises(ConnectionError) as raised:
        await connect(venue, None if server_tls else certificate, logon_timeout=10)
    assert time.monotonic() - began < 3
    text = str(raised.value)
    if server_tls:  # a plain client, a TLS server
        assert "Is the server TLS" in text and "tls=True" in text
    else:
        assert "is the server plain TCP? Then connect with tls=False" in text
    await venue.close()


async def test_a_tls_alert_in_answer_to_a_plain_logon_is_named() -> None:
    """A TLS server that answers plain bytes with an alert (as OpenSSL may)."""

    class Alerting(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = transport

        def data_received(self, data: bytes) -> None:
            self.transport.write(b"\x15\x03\x03\x00\x02\x02\x46")  # type: ignore[attr-defined]

    loop = asyncio.get_running_loop()
    listener = await loop.create_server(Alerting, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    with pytest.raises(ConnectionError, match="the peer speaks TLS on this plain TCP"):
        await connect(("127.0.0.1", port), None, logon_timeout=5)
    listener.close()


async def test_a_server_that_never_starts_tls_is_named_after_the_timeout(
    certificate: Certificate,
) -> None:
    loop = asyncio.get_running_loop()
    listener = await loop.create_server(asyncio.Protocol, "127.0.0.1", 0)  # reads, says nothing
    port = listener.sockets[0].getsockname()[1]
    with pytest.raises(ConnectionError, match=r"no TLS handshake with .* within 1 s: is the"):
        await connect(("127.0.0.1", port), certificate, logon_timeout=1)
    listener.close()


# -- one budget for every client of an account ----------------------------------------------------


def tight_rules(attempts: Limit, connections: int) -> dict[SessionType, SessionRules]:
    """Binance's rules with order entry's connection limits made small."""
    rules = dict(RULES)
    rules[SessionType.ORDER_ENTRY] = dataclasses.replace(
        rules[SessionType.ORDER_ENTRY], connection_attempts=attempts, max_connections=connections
    )
    return rules


async def test_clients_sharing_a_budget_wait_for_an_attempt_instead_of_drawing_1034() -> None:
    rules = tight_rules(Limit(2, 1.0), 10)
    acceptor = await server(None, registry=Accounts({API_KEY: PRIVATE_KEY.public_key()}, rules))
    budget = failover.Budget(rules, share=1.0)
    clients: list[fix_client.Client] = []
    try:
        started = time.monotonic()
        for n in range(3):  # the venue allows 2 a second: the third waits, and is not refused
            clients.append(await connect(acceptor, None, sender_comp_id=f"B{n}", budget=budget))
        assert time.monotonic() - started >= 0.9
        assert budget.free_connections(API_KEY, SessionType.ORDER_ENTRY) == 7
    finally:
        for client in clients:
            await client.logout()
        await acceptor.close()
    assert budget.free_connections(API_KEY, SessionType.ORDER_ENTRY) == 10  # all released


async def test_news_with_no_free_connection_slot_closes_then_opens() -> None:
    rules = tight_rules(Limit(15, 30.0), 1)
    acceptor = await server(None, registry=Accounts({API_KEY: PRIVATE_KEY.public_key()}, rules))
    budget = failover.Budget(rules)
    try:
        policy = failover.ReconnectPolicy(backoff=0.05)
        async with connect(acceptor, None, reconnect=policy, budget=budget) as client:
            acceptor.start_maintenance(30.0)
            event = await next_event(client, fix_client.Reconnected)
            assert isinstance(event, fix_client.Reconnected) and event.closed_first
            assert event.reason == "maintenance" and event.previous_comp_id == "GW1"
            report = await client.request(order("after-news"))
            assert report[11] == "after-news"
    finally:
        await acceptor.close()
