"""Values that cross the event store's API: what callers append and what verify reports."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from domain.recorded import EventMeta


class NewEvent(msgspec.Struct, frozen=True, kw_only=True):
    """An event to append; ``data`` is stored and hashed byte for byte as given."""

    event_id: str
    """A UUID string chosen by the caller; unique across the whole log."""
    type: str
    """The event's stable tag, e.g. ``"note.added"``."""
    data: bytes
    """Canonical JSON bytes of the domain event."""


class AppendPart(msgspec.Struct, frozen=True, kw_only=True):
    """One stream's share of an ``append_all``: what ``append`` takes for a single stream."""

    stream_id: str
    events: Sequence[NewEvent]
    expected_version: int
    """The stream's version before this part, counting earlier parts of the same call."""
    meta: EventMeta
    """Its own ``command_id``: each part is recorded (and recognised when resent) on its own."""


class Head(msgspec.Struct, frozen=True):
    """The last recorded position and its hash; ``(0, 32 zero bytes)`` for an empty log."""

    position: int
    hash: bytes


class Checkpoint(msgspec.Struct, frozen=True):
    """A ``(position, hash)`` pair kept (and signed) outside the database, checked by verify."""

    position: int
    hash: bytes


class VerifyReport(msgspec.Struct, frozen=True):
    """What verify found: ``ok`` or the first bad position and why.

    ``verified_up_to`` is the last position whose link was checked; ``head`` the highest present.
    """

    ok: bool
    verified_up_to: int
    head: int
    first_bad_position: int | None
    reason: str | None
