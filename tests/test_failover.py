"""The client's failover rules, sans-I/O: when to replace a session, as whom, how soon, and
handing each ExecutionReport on once while two sessions overlap."""

from __future__ import annotations

import pytest

from fixsession.events import Closed, NewsReceived
from fixsession.failover import MAINTENANCE, RECONNECT, Budget, Failover, ReconnectPolicy
from fixsession.message import Message
from fixsession.spec import SessionType

NEWS = NewsReceived("You'll be disconnected in 30 seconds. Please reconnect.", 30)


def report(exec_id: str) -> Message:
    return Message("8", [(17, exec_id), (11, "o1"), (150, "0")])


def test_no_policy_never_replaces() -> None:
    failover = Failover(None, "GW1")
    assert failover.replace_on(NEWS) is None
    assert failover.replace_on(Closed("connection lost", clean=False)) is None


def test_news_and_drops_call_for_a_replacement_as_the_policy_says() -> None:
    failover = Failover(ReconnectPolicy(), "GW1")
    assert failover.replace_on(NEWS) == MAINTENANCE
    assert failover.replace_on(Closed("connection lost", clean=False)) == RECONNECT
    assert failover.replace_on(Closed("logged out", clean=True)) is None
    quiet = Failover(ReconnectPolicy(on_news=False, on_drop=False), "GW1")
    assert quiet.replace_on(NEWS) is None
    assert quiet.replace_on(Closed("connection lost", clean=False)) is None


def test_the_first_session_has_the_comp_id_asked_for_and_each_later_one_a_fresh_one() -> None:
    tokens = iter(["0a1b", "2c3d"])
    failover = Failover(ReconnectPolicy(), "GATEWAY1", token=lambda: next(tokens))
    assert [failover.next_comp_id() for _ in range(3)] == ["GATEWAY1", "GATE0a1b", "GATE2c3d"]
    assert Failover(None, None, token=lambda: "ffff").next_comp_id() == "fsffff"


def test_attempts_stay_within_the_window_and_back_off_then_give_up() -> None:
    policy = ReconnectPolicy(max_attempts=3, window=30.0, backoff=0.5, max_backoff=2.0,
                             give_up_after=4)  # fmt: skip
    failover = Failover(policy, "GW1")
    for at in (0.0, 1.0, 2.0):
        assert failover.attempt_delay(at) == 0.0
        failover.attempted(at)
    assert failover.attempt_delay(3.0) == 27.0  # until the first leaves the window
    assert failover.attempt_delay(31.0) == 0.0
    assert [failover.failed() for _ in range(4)] == [0.5, 1.0, 2.0, None]
    failover.succeeded()
    assert failover.failed() == 0.5


def test_while_sessions_overlap_a_report_is_handed_on_once() -> None:
    failover = Failover(ReconnectPolicy(), "GW1")
    assert failover.first_delivery(report("1")) and failover.first_delivery(report("1"))
    failover.retiring()  # the old session logs out while the new one runs
    assert failover.first_delivery(report("2"))
    assert not failover.first_delivery(report("2"))  # the other session's copy
    assert failover.first_delivery(Message("3", [(45, "2")]))  # not a report: always
    huge = "9" * 100_000  # not one of Binance's: handed on, not remembered (bounded memory)
    assert failover.first_delivery(report(huge)) and failover.first_delivery(report(huge))
    failover.retired()
    assert failover.first_delivery(report("2"))  # overlap over: nothing remembered


# -- one budget for every client of an account ------------------------------------------------


def test_a_budget_counts_attempts_per_account_and_per_address() -> None:
    budget = Budget(share=0.8)  # order entry: 12 of Binance's 15 per 30 s
    oe = SessionType.ORDER_ENTRY
    for n in range(12):
        assert budget.attempt_delay("k1", "10.0.0.1", oe, 100.0 + n) == 0
        budget.attempted("k1", "10.0.0.1", oe, 100.0 + n)
    # the first leaves the window at 130, and 0.6 s more (a fiftieth of it): Binance counts
    # an attempt from when it reads it, a little later than the client started it
    assert budget.attempt_delay("k1", "10.0.0.1", oe, 112.0) == pytest.approx(18.6)
    assert budget.attempt_delay("k2", "10.0.0.1", oe, 112.0) == pytest.approx(18.6)  # address
    assert budget.attempt_delay("k1", "10.0.0.2", oe, 112.0) == pytest.approx(18.6)  # account
    assert budget.attempt_delay("k2", "10.0.0.2", oe, 112.0) == 0
    assert budget.attempt_delay("k1", "10.0.0.1", SessionType.MARKET_DATA, 112.0) == 0
    assert budget.attempt_delay("k1", "10.0.0.1", oe, 130.7) == 0
    assert budget.attempt_delay("k1", "10.0.0.1", oe, 1000.0) == 0
    assert budget._attempts == {}  # idle windows are forgotten


def test_a_budget_counts_open_connections_per_account() -> None:
    budget = Budget()
    dc = SessionType.DROP_COPY
    assert budget.free_connections("k", dc) == 10
    for _ in range(10):
        budget.opened("k", dc)
    assert budget.free_connections("k", dc) == 0
    assert budget.free_connections("k", SessionType.ORDER_ENTRY) == 10
    budget.closed("k", dc)
    assert budget.free_connections("k", dc) == 1
    for _ in range(20):  # more closes than opens never make room that is not there
        budget.closed("k", dc)
    assert budget.free_connections("k", dc) == 10
    with pytest.raises(ValueError, match="share"):
        Budget(share=1.5)
