"""fixsession: the FIX session layer of the Binance Spot FIX API, and every way it can fail.

Modules, in import order (each imports only from those above it):

- ``spec``: wire constants (tags, message types, reject reasons, session types)
- ``speedups``: the optional C versions of the hot paths (``_speedups.c``), and their switch
- ``catalog``: Binance's error page as data
- ``message``: the immutable Message, its wire codec, and Templates
- ``errors``: one typed exception per Binance error code
- ``framing``: frames and garbled checks on a byte stream
- ``dictionary``: Binance's FIX dictionaries, and QuickFIX XML ones
- ``validation``: dictionary rules on a message
- ``binance``: Logon signing, each session type's rules, the venue's bookkeeping
- ``events``, ``state``: what a session reports, and its transition table
- ``session``: the sans-I/O Initiator and Acceptor
- ``acceptor``: the sans-I/O Exchange behind the local acceptor (orders, market data)
- ``malformed``: malformed frames of every kind, with Binance's answer to each
- ``replay``: checking captures and replaying their sessions (sans-I/O)

The shell, which does I/O:

- ``captures``: capture files in four formats, and recording
- ``aio``: the asyncio transport: ``connect`` for gateways, ``serve`` for the acceptor
- ``probe``: raw connections, live replay, fuzzing, a scripted acceptor
- ``strategies``: hypothesis strategies (needs hypothesis)
- ``pytest_plugin``: fixtures for a gateway's tests (loaded by pytest)
- ``demo``, ``cli``: the ``fixsession`` command

``connect``, ``serve``, ``Client``, ``Server`` and ``ReconnectPolicy`` are imported from
``aio`` on first use, so that the sans-I/O core never loads asyncio, ssl or sockets.
"""

from typing import TYPE_CHECKING, Any

from fixsession.binance import Accounts
from fixsession.dictionary import BINANCE, MARKET_DATA, ORDER_ENTRY, Dictionary
from fixsession.errors import BinanceError, error_class, from_message
from fixsession.framing import Framer, Garbled
from fixsession.message import Message, Template
from fixsession.session import Acceptor, Initiator
from fixsession.spec import MsgType, SessionRejectReason, SessionType, Tag
from fixsession.validation import Validator

if TYPE_CHECKING:
    from fixsession.aio import Client, ReconnectPolicy, Server, connect, serve

_FROM_AIO = frozenset({"Client", "ReconnectPolicy", "Server", "connect", "serve"})


def __getattr__(name: str) -> Any:
    if name in _FROM_AIO:
        from fixsession import aio

        return getattr(aio, name)
    raise AttributeError(f"module 'fixsession' has no attribute {name!r}")


__all__ = [
    "BINANCE",
    "MARKET_DATA",
    "ORDER_ENTRY",
    "Acceptor",
    "Accounts",
    "BinanceError",
    "Client",
    "Dictionary",
    "Framer",
    "Garbled",
    "Initiator",
    "Message",
    "MsgType",
    "ReconnectPolicy",
    "Server",
    "SessionRejectReason",
    "SessionType",
    "Tag",
    "Template",
    "Validator",
    "connect",
    "error_class",
    "from_message",
    "serve",
]

__version__ = "0.1.0"
