"""`make bench`: what guessing and checking charsets costs per mail (issue 12, R4).

Parses the inbound benchmark's mixed mail mix (tests/perf/bench_ingest.py, which now
includes the multilingual set of tests/mailgateway/data/charsets) and the multilingual set
alone, and times the charset work inside the parser: every call into
mailgateway.charsets that decides or detects a charset (decode_bytes, detect, relabel),
counted once at the outermost call. Prints the mean per mail in milliseconds; the target
is under 1 ms on the mix. No database.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET_MS = 1.0


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class Clock:
    """Adds up the time spent in the wrapped functions, outermost calls only."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.depth = 0

    def wrap(self, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            if self.depth:
                return function(*args, **kwargs)
            self.depth += 1
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.depth -= 1

        return timed


def instrument(clock: Clock) -> None:
    from mailgateway import charsets, headers, parse, payloads

    for module in (charsets, headers, parse, payloads):
        for name in ("decode_bytes", "detect", "relabel"):
            if hasattr(module, name):
                setattr(module, name, clock.wrap(getattr(charsets, name)))


def main() -> None:
    setup_django()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_ingest import corpus, multilingual

    from mailgateway.parse import parse

    n = int(os.environ.get("BENCH_MAILS", "1000"))
    clock = Clock()
    instrument(clock)
    print("Charset guessing per mail (outermost calls into mailgateway.charsets)")
    for label, mails in (("mixed", corpus(n, "mixed")), ("multilingual", multilingual())):
        clock.seconds = 0.0
        started = time.perf_counter()
        for raw in mails:
            parse(raw)
        total = time.perf_counter() - started
        per_mail = clock.seconds / len(mails) * 1000
        print(
            f"  {label:12} x{len(mails)}: {per_mail:.3f} ms/mail in charsets "
            f"(parse {total / len(mails) * 1000:.2f} ms/mail; target under {TARGET_MS} ms)"
        )


if __name__ == "__main__":
    main()
