"""fixsession: the FIX session layer of the Binance Spot FIX API, and every way it can fail.

Modules, in import order (each imports only from those above it):

- ``spec``: wire constants (tags, message types, reject reasons, session types)
- ``catalog``: Binance's error page as data
- ``message``: the immutable Message, its wire codec, and Templates
- ``errors``: one typed exception per Binance error code
- ``framing``: frames and garbled checks on a byte stream
- ``dictionary``: Binance's FIX dictionaries, and QuickFIX XML ones
- ``validation``: dictionary rules on a message
- ``binance``: Logon signing, each session type's rules, the venue's bookkeeping
- ``events``, ``state``: what a session reports, and its transition table
- ``session``: the sans-I/O Initiator and Acceptor
- ``strategies``: hypothesis strategies (needs hypothesis)
- ``cli``: the ``fixsession`` command
"""

from fixsession.binance import Accounts
from fixsession.dictionary import BINANCE, MARKET_DATA, ORDER_ENTRY, Dictionary
from fixsession.errors import BinanceError, error_class, from_message
from fixsession.framing import Framer, Garbled
from fixsession.message import Message, Template
from fixsession.session import Acceptor, Initiator
from fixsession.spec import MsgType, SessionRejectReason, SessionType, Tag
from fixsession.validation import Validator

__all__ = [
    "BINANCE",
    "MARKET_DATA",
    "ORDER_ENTRY",
    "Acceptor",
    "Accounts",
    "BinanceError",
    "Dictionary",
    "Framer",
    "Garbled",
    "Initiator",
    "Message",
    "MsgType",
    "SessionRejectReason",
    "SessionType",
    "Tag",
    "Template",
    "Validator",
    "error_class",
    "from_message",
]

__version__ = "0.1.0"
