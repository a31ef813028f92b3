"""Logon: Binance's signature, the known-answer vector, and every Logon rule of the acceptor."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from frames import frame
from memory import API_KEY, PRIVATE_KEY, Clock, accounts, fields, kinds, make_pair

from fixsession import binance, errors
from fixsession.binance import Limit, SessionRules
from fixsession.events import Closed, LoggedOn, LoggedOut
from fixsession.initiator import Initiator
from fixsession.message import Message
from fixsession.spec import SessionType
from fixsession.venue.acceptor import Acceptor
from fixsession.venue.accounts import Accounts

DOC_KEY = (
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIIJEYWtGBrhACmb9Dvy+qa8WEf0lQOl1s4CLIAB9m89u\n"
    "-----END PRIVATE KEY-----\n"
)
DOC_API_KEY = "sBRXrJx2DsOraMXOaUovEhgVRcjOvCtQwnWj8VxkOh1xqboS02SPGfKi2h8spZJb"
DOC_LOGON = (
    "8=FIX.4.4|9=247|35=A|34=1|49=EXAMPLE|52=20240627-11:17:25.223|56=SPOT|95=88|"
    "96=4MHXelVVcpkdwuLbl6n73HQUXUf1dse2PCgT1DYqW9w8AVZ1RACFGM+5UdlGPrQHrgtS3CvsRURC1oj73j8gCA==|"
    "98=0|108=30|141=Y|553=" + DOC_API_KEY + "|25035=2|10=227|"
)


def test_the_digest_test_vector_reproduces_byte_for_byte() -> None:
    key = binance.load_private_key(DOC_KEY)
    assert binance.sign_logon(key, "EXAMPLE", "SPOT", 1, "20240627-11:17:25.223") == (
        "4MHXelVVcpkdwuLbl6n73HQUXUf1dse2PCgT1DYqW9w8AVZ1RACFGM+5UdlGPrQHrgtS3CvsRURC1oj73j8gCA=="
    )
    epoch = binance.parse_sending_time("20240627-11:17:25.223")
    assert epoch is not None
    initiator = Initiator(
        api_key=DOC_API_KEY, private_key=key, sender_comp_id="EXAMPLE", wall_clock=lambda: epoch,
        now=0.0, heart_bt_int=30, message_handling=2,
    )  # fmt: skip
    initiator.logon(0.0)
    assert fields(initiator.data_to_send()) == DOC_LOGON


def test_keys_are_checked_and_never_shown() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    ecdsa = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(ValueError, match="Ed25519"):
        binance.load_private_key(ecdsa)
    with pytest.raises(ValueError) as raised:
        binance.load_private_key("not a key at all")
    assert "not a key" not in str(raised.value)
    pair = make_pair()
    assert "PRIVATE" not in repr(pair.initiator) and "private" not in repr(pair.initiator)


def test_an_encrypted_key_opens_with_its_password_only() -> None:
    from cryptography.hazmat.primitives import serialization

    key = Ed25519PrivateKey.generate()
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"s3cret-pass"),
    )
    opened = binance.load_private_key(encrypted, "s3cret-pass")
    assert opened.public_key() == key.public_key()
    for password, says in ((None, "encrypted: give its password"), ("nope", "wrong password")):
        with pytest.raises(ValueError, match=says) as raised:
            binance.load_private_key(encrypted, password)
        assert "s3cret" not in str(raised.value) and "nope" not in str(raised.value)


def test_logon_response_mirrors_heart_bt_int_and_carries_the_uuid() -> None:
    pair = make_pair(heart_bt_int=15).logon()
    response = fields(pair.to_initiator[0])
    assert "|35=A|34=1|49=SPOT|" in response and "|56=client1|" in response
    assert "|98=0|108=15|25037=00000000-0000-4000-8000-000000000000|" in response
    assert response.split("|52=")[1].split("|")[0].count(".") == 1  # microseconds
    assert len(response.split("|52=")[1].split("|")[0]) == 24
    (logged_on,) = pair.initiator_events
    assert isinstance(logged_on, LoggedOn)
    assert (logged_on.heart_bt_int, logged_on.uuid) == (15, "00000000-0000-4000-8000-000000000000")
    acceptor_logon = pair.acceptor_events[0]
    assert isinstance(acceptor_logon, LoggedOn) and acceptor_logon.username == API_KEY


# -- crafted Logons (what a real Initiator never sends) ----------------------------------------


def client_logon(
    clock: Clock,
    *,
    comp_id: str = "client1",
    seq: int = 1,
    key: Ed25519PrivateKey = PRIVATE_KEY,
    api_key: str = API_KEY,
    sending_time: str | None = None,
    extra: str = "",
    header: str = "",
    drop: tuple[str, ...] = (),
    replace: dict[str, str] | None = None,
) -> bytes:
    sending_time = sending_time or binance.format_sending_time(clock(), 3)
    signature = binance.sign_logon(key, comp_id, "SPOT", seq, sending_time)
    body = {
        "98": "0", "108": "30", "141": "Y", "553": api_key, "25035": "2",
        **(replace or {}),
    }  # fmt: skip
    text = f"35=A|34={seq}|49={comp_id}|52={sending_time}|56=SPOT|{header}95=88|96={signature}|"
    text += "".join(f"{tag}={value}|" for tag, value in body.items() if tag not in drop)
    return frame((text + extra).encode())


def acceptor(
    clock: Clock,
    session_type: SessionType = SessionType.ORDER_ENTRY,
    registry: Accounts | None = None,
    address: str = "127.0.0.1",
) -> Acceptor:
    return Acceptor(
        accounts=registry or accounts(), session_type=session_type, wall_clock=clock,
        now=clock.now, address=address,
    )  # fmt: skip


def reply_to(
    data: bytes,
    clock: Clock,
    session_type: SessionType = SessionType.ORDER_ENTRY,
    registry: Accounts | None = None,
) -> tuple[str, Acceptor]:
    side = acceptor(clock, session_type, registry)
    side.receive_data(data, clock.now)
    return fields(side.data_to_send()), side


def initiator_sees(reply: str, clock: Clock) -> errors.BinanceError | None:
    """The typed error an Initiator waiting for its Logon reads from ``reply``."""
    initiator = Initiator(
        api_key=API_KEY, private_key=PRIVATE_KEY, sender_comp_id="client1",
        wall_clock=clock, now=clock.now,
    )  # fmt: skip
    initiator.logon(clock.now)
    initiator.data_to_send()
    initiator.receive_data(reply.replace("|", "\x01").encode(), clock.now)
    events = initiator.events()
    assert isinstance(events[-1], Closed) and initiator.closed
    logged_out = next(event for event in events if isinstance(event, LoggedOut))
    return logged_out.error


REJECTED_LOGONS = [
    # name, logon options, code, RefTagID, text, SessionRejectReason
    ("RESET_SEQ_NUM_SUPPORT", {"replace": {"141": "N"}}, -1175, 141,
     "Continuation of sequence numbers to new session is currently unsupported. Sequence "
     "numbers must be reset for each new session.", 99),
    ("INVALID_SIGNATURE", {"key": Ed25519PrivateKey.from_private_bytes(b"\x07" * 32)}, -1022, 96,
     "Signature for this request is not valid.", 8),
    ("unknown API key", {"api_key": "nobody"}, -2015, 553,
     "Invalid API-key, IP, or permissions for action.", 99),
    ("required tag missing", {"drop": ("553",)}, -1102, 553, "Required tag '553' missing.", 1),
    ("EncryptMethod not 0", {"replace": {"98": "1"}}, -1130, 98,
     "Data sent for parameter '98' is not valid.", 5),
    ("HeartBtInt below 5", {"replace": {"108": "3"}}, -1130, 108,
     "Data sent for parameter '108' is not valid.", 5),
    ("DROP_COPY_SESSION_NOT_ALLOWED", {"extra": "9406=Y|"}, -1184, 9406,
     "DropCopy sessions are not supported on this server. Please reconnect to a drop copy "
     "server.", 99),
    ("SendingTime outside RecvWindow", {"sending_time": "20250615-15:06:34.000"}, -1021, 52,
     "Timestamp for this request is outside of the recvWindow.", 10),
    ("SendingTime 1 s ahead", {"sending_time": "20250615-15:06:41.500"}, -1021, 52,
     "Timestamp for this request was 1000ms ahead of the server's time.", 10),
    ("RecvWindow over 60000", {"header": "25000=60001|"}, -1130, 25000,
     "Data sent for parameter '25000' is not valid.", 5),
]  # fmt: skip


@pytest.mark.parametrize(
    ("options", "code", "ref_tag", "text", "reason"),
    [case[1:] for case in REJECTED_LOGONS],
    ids=[case[0] for case in REJECTED_LOGONS],
)
def test_a_rejected_logon_gets_binances_reject_then_the_session_closes(
    options: dict[str, object], code: int, ref_tag: int, text: str, reason: int
) -> None:
    clock = Clock()
    reply, side = reply_to(client_logon(clock, **options), clock)  # type: ignore[arg-type]
    assert reply.startswith("8=FIX.4.4|") and "|35=3|34=1|49=SPOT|" in reply
    assert f"|45=1|371={ref_tag}|372=A|373={reason}|25016={code}|58={text}|" in reply
    assert side.closed
    error = initiator_sees(reply, clock)
    assert error is not None and error.code == code and error.text == text
    assert error.ref_seq_num == 1 and error.ref_tag_id == ref_tag


def test_expected_logon_for_anything_before_it() -> None:
    clock = Clock()
    heartbeat = frame(b"35=0|34=1|49=client1|52=20250615-15:06:40.000|56=SPOT|")
    reply, side = reply_to(heartbeat, clock)
    assert (
        "|45=1|372=0|373=99|25016=-1180|58=Logon<A> must be the first message in the session.|"
        in reply
    )
    assert side.closed
    error = initiator_sees(reply, clock)
    assert isinstance(error, errors.ExpectedLogon) and isinstance(error, errors.SessionError)


def test_drop_copy_session_required_on_a_drop_copy_host() -> None:
    pair = make_pair(SessionType.DROP_COPY)
    pair.initiator.session_type = SessionType.ORDER_ENTRY  # forgets DropCopyFlag(9406)
    pair.logon()
    reply = fields(pair.to_initiator[0])
    assert "|25016=-1185|58=Only DropCopy sessions are supported on this server." in reply
    logged_out = next(e for e in pair.initiator_events if isinstance(e, LoggedOut))
    assert isinstance(logged_out.error, errors.DropCopySessionRequired)
    assert pair.initiator.closed and pair.acceptor.closed


def test_drop_copy_logon_carries_its_flag_and_is_accepted() -> None:
    pair = make_pair(SessionType.DROP_COPY).logon()
    assert "|9406=Y|" in fields(pair.to_acceptor[0])
    assert kinds(pair.initiator_events) == ["LoggedOn"]


def test_already_logged_in_for_a_second_logon_and_the_session_goes_on() -> None:
    pair = make_pair().logon()
    second = client_logon(pair.clock, seq=2)
    pair.acceptor.receive_data(second, pair.clock.now)
    reply = fields(pair.acceptor.data_to_send())
    assert "|45=2|371=35|372=A|373=99|25016=-1176|58=Logon<A> should only be sent once.|" in reply
    assert not pair.acceptor.closed


def test_comp_id_in_use_and_its_quarantine_after_an_unclean_end() -> None:
    clock = Clock()
    registry = accounts()
    first = make_pair(registry=registry, clock=clock).logon()
    second = make_pair(registry=registry, clock=clock).logon()
    reply = fields(second.to_initiator[0])
    assert (
        "|25016=-1033|58=SenderCompId(49) is currently in use. Concurrent use of the same " in reply
    )
    assert isinstance(next(e for e in second.initiator_events if isinstance(e, LoggedOut)).error,
                      errors.CompIdInUse)  # fmt: skip
    first.acceptor.connection_lost(clock.now)  # no Logout: held for 2 x HeartBtInt = 60 s
    clock.advance(59)
    assert "-1033" in fields(make_pair(registry=registry, clock=clock).logon().to_initiator[0])
    clock.advance(2)
    assert kinds(make_pair(registry=registry, clock=clock).logon().initiator_events) == ["LoggedOn"]


def test_a_clean_logout_frees_the_comp_id_at_once() -> None:
    clock = Clock()
    registry = accounts()
    first = make_pair(registry=registry, clock=clock).logon()
    first.initiator.logout(clock.now)
    first.pump()
    assert kinds(make_pair(registry=registry, clock=clock).logon().initiator_events) == ["LoggedOn"]


def test_too_many_concurrent_connections() -> None:
    clock = Clock()
    rules = dict(Accounts().rules)
    rules[SessionType.ORDER_ENTRY] = SessionRules(
        SessionType.ORDER_ENTRY, Limit(10_000, 10), Limit(15, 30), 2,
        requests=rules[SessionType.ORDER_ENTRY].requests,
    )  # fmt: skip
    registry = Accounts({API_KEY: PRIVATE_KEY.public_key()}, rules)
    for comp_id in ("c1", "c2"):
        assert kinds(
            make_pair(registry=registry, clock=clock, comp_id=comp_id).logon().initiator_events
        ) == ["LoggedOn"]
    third = make_pair(registry=registry, clock=clock, comp_id="c3").logon()
    assert "|25016=-1034|58=Too many concurrent connections; current limit is '2'.|" in fields(
        third.to_initiator[0]
    )


def test_too_many_connection_attempts_for_the_account_and_from_the_ip() -> None:
    clock = Clock()
    registry = accounts()
    for attempt in range(15):  # from 15 addresses: only the account's limit counts them all
        pair = make_pair(
            registry=registry, clock=clock, comp_id=f"c{attempt}", address=f"10.0.0.{attempt}"
        ).logon()
        pair.initiator.logout(clock.now)
        pair.pump()
    sixteenth = make_pair(registry=registry, clock=clock, comp_id="c99", address="10.0.1.1")
    sixteenth.logon()
    reply = fields(sixteenth.to_initiator[0])
    assert "|58=Too many connection attempts for account; current limit is 15 per '30s'.|" in reply
    for _ in range(15):
        acceptor(clock, registry=registry, address="10.9.9.9")
    refused = acceptor(clock, registry=registry, address="10.9.9.9")  # the 16th from one IP
    refused.receive_data(client_logon(clock), clock.now)
    reply = fields(refused.data_to_send())
    assert (
        "|25016=-1034|58=Too many connection attempts from IP; current limit is 15 per '30s'.|"
        in reply
    )
    assert refused.closed
    elsewhere = acceptor(clock, registry=registry, address="10.0.9.9")
    elsewhere.receive_data(client_logon(clock, comp_id="c98"), clock.now)
    assert "-1034" in fields(elsewhere.data_to_send())  # the account is still over its limit
    clock.advance(31)
    later = acceptor(clock, registry=registry, address="10.0.9.9")
    later.receive_data(client_logon(clock, comp_id="c97"), clock.now)
    assert "|35=A|" in fields(later.data_to_send())


def test_logon_timeout_and_a_logon_failure_answered_with_logout() -> None:
    clock = Clock()
    side = acceptor(clock)
    side.tick(clock.advance(10))
    assert side.closed and kinds(side.events()) == ["Closed"]
    quiet = Acceptor(accounts=accounts(), wall_clock=clock, now=clock.now, logon_failure="logout")
    quiet.receive_data(client_logon(clock, replace={"141": "N"}), clock.now)
    reply = fields(quiet.data_to_send())
    assert "|35=5|" in reply and "|58=Continuation of sequence numbers" in reply


def test_initiator_refuses_bad_settings() -> None:
    for options in ({"heart_bt_int": 4}, {"heart_bt_int": 61}, {"message_handling": 3},
                    {"recv_window_ms": 60001}):  # fmt: skip
        with pytest.raises(ValueError):
            Initiator(
                api_key=API_KEY,
                private_key=PRIVATE_KEY,
                sender_comp_id="c",
                wall_clock=Clock(),
                now=0.0,
                **options,
            )  # type: ignore[arg-type]


def test_recv_window_rides_in_the_header_of_every_message() -> None:
    pair = make_pair(recv_window_ms=6000.5).logon()
    assert "|56=SPOT|25000=6000.5|95=88|" in fields(pair.to_acceptor[0])
    assert kinds(pair.initiator_events) == ["LoggedOn"]
    pair.initiator.send(Message("XLQ", [(6136, "q1")]), pair.clock.now)
    pair.clock.now += 7  # the acceptor's clock runs 7 s ahead of the message
    data = pair.initiator.data_to_send()
    pair.acceptor.receive_data(data, pair.clock.now)
    reply = fields(pair.acceptor.data_to_send())
    assert (
        "|45=2|371=52|372=XLQ|373=10|25016=-1021|58=Timestamp for this request is outside of the recvWindow.|"
        in reply
    )
