"""The shape of an event once the store has recorded it. Pure data, shared by all layers."""

from __future__ import annotations

from datetime import datetime

import msgspec

from domain.types import Role


class EventMeta(msgspec.Struct, frozen=True, kw_only=True):
    """Who caused an event and why. Stored with the event and covered by its hash."""

    actor: str
    role: Role
    command_id: str
    correlation_id: str
    causation_id: str | None = None


class RecordedEvent(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One event in the log: global ``position``, ``version`` within its stream, chain hashes.

    ``data`` holds the canonical JSON bytes of the domain event exactly as hashed.

    Not tracked by the cyclic garbage collector (``gc=False``): its fields are strings, bytes,
    numbers, a datetime and a frozen ``EventMeta``, so it can be in no reference cycle, and a
    rebuild makes one for every event of the log (each tracked one counted towards the
    collector's next pass).
    """

    position: int
    stream_id: str
    version: int
    event_id: str
    type: str
    data: bytes
    recorded_at: datetime
    meta: EventMeta
    prev_hash: bytes
    hash: bytes
