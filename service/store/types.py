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


class VerifyReport(msgspec.Struct, frozen=True, kw_only=True):
    """What verify proved: how far the chain and the commands records hold, how many signed
    checkpoints match, and the first position where the records disagree, if any.

    Positions after ``latest_checkpoint`` are proved only by the chain and the commands
    records, which someone who can write the database could rewrite together.
    """

    ok: bool
    epoch: str
    """The log's epoch (``store_meta``)."""
    head: int
    """The highest position present when the walk began."""
    head_hash: bytes
    """Its stored hash (32 zero bytes for an empty log)."""
    verified_up_to: int
    """The chain and the commands records hold for positions 1..verified_up_to."""
    first_bad_position: int | None
    """The first position where the records disagree (may be past ``head``: a cut tail)."""
    reason: str | None
    checkpoints_signed: int = 0
    """Signed positions given to check."""
    checkpoints_matched: int = 0
    """Signed positions that carry the signed hash, up to ``verified_up_to``."""
    latest_checkpoint: int = 0
    """The position of the latest of them; 0 for none."""
    unrecorded: int = 0
    """Positions whose commands row holds no hashes (written before they were recorded):
    proved by the chain and checkpoints only."""
    problems: tuple[str, ...] = ()
    """Why the signed checkpoints do not vouch for this log (another epoch, forged lines);
    any problem makes the report not ``ok``."""
