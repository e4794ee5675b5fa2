"""Identifiers the service mints: UUIDv7 (RFC 9562), time-ordered.

Ids that grow with time land next to each other in a B-tree index, so an append dirties a
few pages instead of one random page per event (docs/benchmarks.md measures the gain).
"""

from __future__ import annotations

import os
import time

_VERSION = 0x7 << 76
_VARIANT = 0b10 << 62
_RAND_A = ((1 << 12) - 1) << 64
_RAND_B = (1 << 62) - 1


def new_id() -> str:
    """A new UUIDv7 string: 48 bits of Unix milliseconds, then 74 random bits."""
    rand = int.from_bytes(os.urandom(10), "big")
    value = ((time.time_ns() // 1_000_000) << 80) | _VERSION | (rand & _RAND_A) | _VARIANT
    h = f"{value | (rand & _RAND_B):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
