"""fixsession: the FIX session layer of the Binance Spot FIX API, and every way it can fail.

Modules, in import order (each imports only from those above it):

- ``spec``: wire constants (tags, message types, reject reasons, session types)
- ``catalog``: Binance's error page as data
- ``message``: the immutable Message and its wire codec
- ``errors``: one typed exception per Binance error code
- ``framing``: frames and garbled checks on a byte stream
"""

from fixsession.errors import BinanceError, error_class, from_message
from fixsession.framing import Framer, Garbled
from fixsession.message import Message
from fixsession.spec import MsgType, SessionRejectReason, SessionType, Tag

__all__ = [
    "BinanceError",
    "Framer",
    "Garbled",
    "Message",
    "MsgType",
    "SessionRejectReason",
    "SessionType",
    "Tag",
    "error_class",
    "from_message",
]

__version__ = "0.1.0"
