"""The chain's canonical bytes can be reproduced outside Plenary with a plain JSON encoder."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from service.store.chain import (
    CANONICAL_COLUMNS,
    ZERO_HASH,
    canonical,
    from_micros,
    link_hash,
    to_micros,
)

FIELDS = (
    7,
    "board-1",
    3,
    "e-1",
    "note.added",
    b'{"text":"hi"}',
    1_741_082_400_123_456,
    "alice",
    "participant",
    "cmd-1",
    "corr-1",
    None,
)


def test_canonical_is_a_compact_json_list_with_base64_data() -> None:
    as_json = [base64.b64encode(f).decode() if isinstance(f, bytes) else f for f in FIELDS]
    expected = json.dumps(as_json, separators=(",", ":")).encode()

    assert len(FIELDS) == len(CANONICAL_COLUMNS)
    assert canonical(FIELDS) == expected
    assert link_hash(ZERO_HASH, FIELDS) == hashlib.sha256(ZERO_HASH + expected).digest()


def test_every_field_changes_the_hash() -> None:
    base = link_hash(ZERO_HASH, FIELDS)
    for index, value in enumerate(FIELDS):
        changed = list(FIELDS)
        changed[index] = "other" if value is None else value * 2
        assert link_hash(ZERO_HASH, changed) != base, CANONICAL_COLUMNS[index]
    assert link_hash(bytes(31) + b"\x01", FIELDS) != base


def test_timestamps_round_trip_to_the_microsecond() -> None:
    at = datetime(2025, 3, 4, 11, 15, 30, 123456, tzinfo=timezone(timedelta(hours=2)))
    micros = to_micros(at)
    assert from_micros(micros) == at
    assert from_micros(micros).tzinfo == UTC
    assert to_micros(from_micros(micros)) == micros
    assert to_micros(datetime(1970, 1, 1, tzinfo=UTC)) == 0


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        to_micros(datetime(2025, 3, 4, 11, 15))
