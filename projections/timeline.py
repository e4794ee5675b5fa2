"""A board's lane on the workshop timeline: the steps that mark its day (phase changes, private
writing and reveals, vote rounds opened and closed, decisions, promotions, calls to the
plenary), each at its version and instant, and how many events fell in each slice of the day.

A mark carries no person and no private text: the step's type, its version and instant, and a
fact every reader of the board sees in its view anyway (the phase, the round's or decision's id
and the decision's title, the promotion's source board). So one lane is right for every viewer
of the board. The counts per slice say no more than ``GET …/events`` does to anyone, whose
placeholders keep each event's version and instant.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import msgspec

from domain.recorded import RecordedEvent

MARKED = frozenset(
    {
        "phase.changed",
        "private_writing.started",
        "notes.revealed",
        "vote.opened",
        "vote.closed",
        "decision.recorded",
        "items.promoted",
        "board.gathered",
    }
)
"""The event types that make a mark on a lane."""


class Mark(msgspec.Struct, frozen=True, kw_only=True):
    """One step on a board: ``version`` is the board's version just after it."""

    version: int
    at: datetime
    type: str
    ref: str = ""
    """The phase (``phase.changed``), the round (``vote.*``), the decision
    (``decision.recorded``), the source board (``items.promoted``); empty otherwise."""
    title: str = ""
    """The decided item's title (``decision.recorded``); empty otherwise."""


class _Facts(msgspec.Struct):
    phase: str = ""
    round_id: str = ""
    decision_id: str = ""
    title: str = ""
    source_board_id: str = ""


_facts = msgspec.json.Decoder(_Facts).decode


def mark_of(rec: RecordedEvent) -> Mark | None:
    """The mark ``rec`` makes on its board's lane, or ``None`` for an event that makes none."""
    if rec.type not in MARKED:
        return None
    facts = _facts(rec.data)
    ref = facts.phase or facts.round_id or facts.decision_id or facts.source_board_id
    title = facts.title if rec.type == "decision.recorded" else ""
    return Mark(version=rec.version, at=rec.recorded_at, type=rec.type, ref=ref, title=title)


def activity(
    events: Iterable[RecordedEvent], start: datetime, end: datetime, slices: int
) -> list[int]:
    """How many of ``events`` fell in each of ``slices`` equal slices of ``start``…``end``
    (an event at ``end`` in the last; one outside the span in none)."""
    counts = [0] * slices
    span = (end - start).total_seconds()
    for rec in events:
        offset = (rec.recorded_at - start).total_seconds()
        if offset < 0 or offset > span:
            continue
        index = slices - 1 if span <= 0 else min(int(offset / span * slices), slices - 1)
        counts[index] += 1
    return counts
