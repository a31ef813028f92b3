"""fixsession: the FIX session layer of the Binance Spot FIX API, and every way it can fail.

Three places, each importing only from those before it (docs/architecture.md draws them):

- ``fixsession``: the gateway's side. The wire (``spec``, ``speedups``, ``message``,
  ``framing``, ``captures``), Binance's rules (``catalog``, ``errors``, ``dictionary``,
  ``validation``, ``binance``), the sans-I/O session (``events``, ``state``, ``session``,
  ``initiator``, ``failover``), and the asyncio shell (``transport``, ``recording``,
  ``client``).
- ``fixsession.venue``: the local Binance-compatible venue: ``acceptor`` (Binance's side of a
  session), ``accounts``, ``exchange``, and ``server``.
- ``fixsession.tools``: what works on captures and peers: ``replay``, ``malformed``,
  ``probe``, ``strategies``, ``pytest_plugin``, ``demo`` and the ``cli``.

The names below are the public API. ``connect``, ``Client``, ``ReconnectPolicy``, ``Budget``
and ``Gateway`` load the client on first use, and ``serve``, ``Server``, ``Acceptor``,
``Accounts`` and ``Exchange`` the venue, so that ``import fixsession`` loads neither asyncio
nor the venue.
"""

import logging
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from fixsession import _moved
from fixsession.dictionary import BINANCE, MARKET_DATA, ORDER_ENTRY, Dictionary
from fixsession.errors import BinanceError, FixSessionError, error_class, from_message
from fixsession.framing import Framer, Garbled
from fixsession.initiator import Initiator
from fixsession.message import Message, Template
from fixsession.spec import MsgType, SessionRejectReason, SessionType, Tag
from fixsession.validation import Validator

if TYPE_CHECKING:
    from fixsession.client import Client, connect
    from fixsession.failover import Budget, ReconnectPolicy
    from fixsession.gateway import Gateway
    from fixsession.venue.acceptor import Acceptor
    from fixsession.venue.accounts import Accounts
    from fixsession.venue.exchange import Exchange
    from fixsession.venue.server import Server, serve

_LAZY = {
    "Client": "fixsession.client",
    "connect": "fixsession.client",
    "ReconnectPolicy": "fixsession.failover",
    "Budget": "fixsession.failover",
    "Gateway": "fixsession.gateway",
    "Acceptor": "fixsession.venue.acceptor",
    "Accounts": "fixsession.venue.accounts",
    "Exchange": "fixsession.venue.exchange",
    "Server": "fixsession.venue.server",
    "serve": "fixsession.venue.server",
}

_moved.install()
logging.getLogger("fixsession").addHandler(logging.NullHandler())  # the application decides


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'fixsession' has no attribute {name!r}")


__all__ = [
    "BINANCE",
    "MARKET_DATA",
    "ORDER_ENTRY",
    "Acceptor",
    "Accounts",
    "BinanceError",
    "Budget",
    "Client",
    "Dictionary",
    "Exchange",
    "FixSessionError",
    "Framer",
    "Garbled",
    "Gateway",
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

try:
    __version__ = version("fixsession")  # one source: pyproject.toml
except PackageNotFoundError:  # pragma: no cover - run from a checkout that is not installed
    __version__ = "0+unknown"
