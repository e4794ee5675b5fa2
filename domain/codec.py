"""Canonical bytes for domain events: what the store records and hashes."""

from __future__ import annotations

import msgspec

_encoder = msgspec.json.Encoder(order="deterministic")


def tag_of(struct: msgspec.Struct) -> str:
    """The stable ``type`` tag of a command or event (``"note.add"``, ``"note.added"``)."""
    tag = type(struct).__struct_config__.tag
    if not isinstance(tag, str):
        raise TypeError(f"{type(struct).__name__} has no string tag")
    return tag


event_type = tag_of
"""The stable tag of a domain event (``"note.added"``)."""


def encode_event(event: msgspec.Struct) -> bytes:
    """Canonical JSON bytes of ``event`` (tag included, fields in declared order)."""
    return _encoder.encode(event)
