"""FIX SBE beside FIX: framing + decoding (+ validation, for FIX) and encoding the same
NewOrderSingle, N times, in this process. Prints msgs/s and the SBE/FIX ratios (best of 5
passes each). FIX encodes twice: from text values (its fastest path) and from the Decimal
price and quantity a gateway holds (what SBE encodes from).

    python bench/sbe.py [--messages N]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from decimal import Decimal

from fixsession import sbe, sbefix, speedups
from fixsession.framing import Framer
from fixsession.message import Message
from fixsession.validation import Validator

FIELDS = [(49, "qNXO12fH"), (52, "20240611-09:01:46.228"), (56, "SPOT"),
          (11, "1718096506197867067"), (38, "1.5"), (40, "2"), (44, "0.01"), (54, "1"),
          (55, "LTCBNB"), (59, "4")]  # fmt: skip
TYPED = [(tag, Decimal(value) if tag in (38, 44) else value) for tag, value in FIELDS]


def best_rate(count: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(5):
        began = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - began)
    return count / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=20_000, metavar="N")
    count = parser.parse_args().messages
    fix = [Message("D", [(34, str(seq)), *FIELDS]).encode() for seq in range(1, count + 1)]
    stream = b"".join(fix)
    sbe_stream = b"".join(sbefix.to_sbe(Message.decode(f), from_venue=False) for f in fix)
    values = sbe.decode(sbefix.to_sbe(Message.decode(fix[0]), from_venue=False)).values

    def fix_in() -> None:
        parse = Validator().parse
        for item in Framer().feed(stream):
            assert isinstance(item, bytes) and parse(item)[1] is None

    def sbe_in() -> None:
        items = sbe.SbeFramer().feed(sbe_stream)
        assert len(items) == count and all(isinstance(i, sbe.SbeMessage) for i in items)

    def fix_out() -> None:
        for seq in range(1, count + 1):
            Message("D", [(34, seq), *FIELDS]).encode()

    def fix_typed_out() -> None:
        for seq in range(1, count + 1):
            Message("D", [(34, seq), *TYPED]).encode()

    def sbe_out() -> None:
        for seq in range(1, count + 1):
            sbe.encode("NewOrderSingle", values, seq, 1_718_096_506_228_000)

    works = {"fix_in": fix_in, "sbe_in": sbe_in, "fix_out": fix_out,
             "fix_typed_out": fix_typed_out, "sbe_out": sbe_out}  # fmt: skip
    rates = {name: best_rate(count, work) for name, work in works.items()}
    mode = "C speedups" if speedups.enabled() else "pure Python"
    print(f"{count:,} NewOrderSingle, best of 5 passes, with {mode}")
    for label, fix_key, sbe_key in (
        ("frame + decode (FIX: + validate)", "fix_in", "sbe_in"),
        ("encode (FIX: build + encode from text)", "fix_out", "sbe_out"),
        ("encode (FIX: build + encode from Decimal)", "fix_typed_out", "sbe_out"),
    ):
        fix_rate, sbe_rate = rates[fix_key], rates[sbe_key]
        print(f"{label}: FIX {fix_rate:,.0f} msgs/s, SBE {sbe_rate:,.0f} msgs/s, "
              f"SBE/FIX {sbe_rate / fix_rate:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
