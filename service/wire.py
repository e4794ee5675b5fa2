"""Wire shapes the HTTP API and the WebSocket hub send: one encoding for both."""

from __future__ import annotations

from datetime import datetime

import msgspec

from domain.recorded import RecordedEvent
from domain.types import Role


class EventOut(msgspec.Struct, frozen=True, kw_only=True):
    """A recorded event as clients see it; ``data`` is the stored JSON, untouched."""

    position: int
    stream_id: str
    version: int
    event_id: str
    type: str
    data: msgspec.Raw
    recorded_at: datetime
    actor: str
    role: Role
    command_id: str
    correlation_id: str
    causation_id: str | None
    prev_hash: str
    hash: str


def event_out(rec: RecordedEvent) -> EventOut:
    """The wire shape of ``rec`` (hashes as hex)."""
    meta = rec.meta
    return EventOut(
        position=rec.position,
        stream_id=rec.stream_id,
        version=rec.version,
        event_id=rec.event_id,
        type=rec.type,
        data=msgspec.Raw(rec.data),
        recorded_at=rec.recorded_at,
        actor=meta.actor,
        role=meta.role,
        command_id=meta.command_id,
        correlation_id=meta.correlation_id,
        causation_id=meta.causation_id,
        prev_hash=rec.prev_hash.hex(),
        hash=rec.hash.hex(),
    )


class ErrorBody(msgspec.Struct, frozen=True, omit_defaults=True):
    code: str
    message: str
    retry_after: float | None = None
    """Seconds to wait before sending again (``rate_limited`` only)."""


class ErrorOut(msgspec.Struct, frozen=True):
    error: ErrorBody


encoder = msgspec.json.Encoder()
