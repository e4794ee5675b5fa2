"""Canonical bytes for domain events: what the store records and hashes."""

from __future__ import annotations

import msgspec

_encoder = msgspec.json.Encoder(order="deterministic")


def event_type(event: msgspec.Struct) -> str:
    """The stable tag of a domain event (``"note.added"``)."""
    tag = type(event).__struct_config__.tag
    if not isinstance(tag, str):
        raise TypeError(f"{type(event).__name__} has no string tag")
    return tag


def encode_event(event: msgspec.Struct) -> bytes:
    """Canonical JSON bytes of ``event`` (tag included, fields in declared order)."""
    return _encoder.encode(event)
