"""Building test frames independently of fixsession's own encoder."""

from __future__ import annotations

SOH = b"\x01"


def frame(
    body: bytes,
    *,
    begin: bytes = b"FIX.4.4",
    body_length: int | None = None,
    checksum: int | None = None,
) -> bytes:
    """A frame around ``body`` (fields from 35 on, each ending with '|', which stands for SOH).

    BodyLength and CheckSum are computed with plain ``len`` and ``sum`` unless given.
    """
    return wrap(body.replace(b"|", SOH), begin=begin, body_length=body_length, checksum=checksum)


def wrap(
    body: bytes,
    *,
    begin: bytes = b"FIX.4.4",
    body_length: int | None = None,
    checksum: int | None = None,
) -> bytes:
    """A frame around ``body``, which already uses SOH."""
    length = len(body) if body_length is None else body_length
    head = b"8=" + begin + SOH + b"9=" + str(length).encode() + SOH
    total = sum(head + body) % 256 if checksum is None else checksum
    return head + body + b"10=%03d" % total + SOH


def doc(text: str) -> bytes:
    """A documentation-style message ('|' for SOH) as bytes."""
    return text.replace("|", "\x01").encode()


HEARTBEAT = frame(b"35=0|34=2|49=SPOT|52=20240611-09:01:46.228950|56=qNXO12fH|")
ORDER = frame(
    b"35=D|34=2|49=qNXO12fH|52=20240611-09:01:46.228|56=SPOT|11=1718096506197867067|38=5|"
    b"40=2|44=10|54=1|55=LTCBNB|59=4|"
)
