"""The hash chain over the whole log, shared by append and verify.

``hash = sha256(prev_hash || canonical)`` where ``canonical`` is ``msgspec.json.encode`` of the
list of every stored column except the two hashes, in ``CANONICAL_COLUMNS`` order (``data`` as
base64, ``recorded_at`` as UTC microseconds since the epoch, a missing ``causation_id`` as
``null``). The first event's ``prev_hash`` is 32 zero bytes. Anyone can re-check a log export
with these rules and a JSON encoder.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import msgspec

CANONICAL_COLUMNS: tuple[str, ...] = (
    "position",
    "stream_id",
    "version",
    "event_id",
    "type",
    "data",
    "recorded_at",
    "actor",
    "role",
    "command_id",
    "correlation_id",
    "causation_id",
)
"""The hashed columns, in hash order; a stored row is these followed by prev_hash, hash."""

ROW_COLUMNS: tuple[str, ...] = (*CANONICAL_COLUMNS, "prev_hash", "hash")
"""Column order of an ``events`` row wherever the store handles rows as tuples."""

ZERO_HASH = bytes(32)
"""``prev_hash`` of position 1, and the head hash of an empty log."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_encode = msgspec.json.Encoder().encode
_sha256 = hashlib.sha256


def canonical(fields: Sequence[object]) -> bytes:
    """The deterministic bytes hashed for one event: its ``CANONICAL_COLUMNS`` values, encoded."""
    return _encode(fields)


def link_hash(prev_hash: bytes, fields: Sequence[object]) -> bytes:
    """``sha256(prev_hash || canonical(fields))`` for the ``CANONICAL_COLUMNS`` values."""
    return _sha256(prev_hash + _encode(fields)).digest()


def to_micros(at: datetime) -> int:
    """Microseconds since the Unix epoch; raises ``ValueError`` for a naive datetime."""
    if at.tzinfo is None:
        raise ValueError("recorded_at must be timezone-aware")
    return (at - _EPOCH) // _MICROSECOND


def from_micros(micros: int) -> datetime:
    """The aware UTC datetime stored as ``micros``; ``to_micros(from_micros(m)) == m``."""
    return _EPOCH + timedelta(microseconds=micros)
