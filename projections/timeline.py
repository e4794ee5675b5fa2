"""A board's lane on the workshop timeline: the steps that mark its day (phase changes, private
writing and reveals, vote rounds opened and closed, decisions, promotions, calls to the
plenary), each at its version and instant, and how many events fell in each slice of the day.

A mark carries no person and no private text: the step's type, its version and instant, and a
fact every reader of the board sees in its view anyway (the phase, the round's or decision's id
and the decision's title, the promotion's source board). So one lane is right for every viewer
of the board. The counts per slice say no more than ``GET …/events`` does to anyone, whose
placeholders keep each event's version and instant.

``BOARD_LANE`` keeps each board's marks and event instants as a read model, so the summary
reads a board's tail, not its whole stream. It keeps no text at all: a decision's mark is
stored without its title, which the reader takes from the board's view, so an erasure shows
there as everywhere.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import msgspec
from msgspec.structs import replace

from domain.recorded import RecordedEvent
from domain.streams import board_id_of

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
    return counted([micros(rec.recorded_at) for rec in events], start, end, slices)


def counted(instants: Sequence[int], start: datetime, end: datetime, slices: int) -> list[int]:
    """``activity`` of events recorded at ``instants`` (``micros``)."""
    first = micros(start)
    # Whole microseconds over 10**6, as ``timedelta.total_seconds`` computes them.
    span = (micros(end) - first) / 10**6

    def index(at: int) -> int:
        """The slice of ``at``: -1 before the span, ``slices`` after it."""
        offset = (at - first) / 10**6
        if offset < 0 or offset > span:
            return -1 if offset < 0 else slices
        return slices - 1 if span <= 0 else min(int(offset / span * slices), slices - 1)

    counts = [0] * slices
    if list(instants) != sorted(instants):  # a clock stepped back: count them one by one
        for at in instants:
            if 0 <= (found := index(at)) < slices:
                counts[found] += 1
        return counts
    # ``index`` never decreases with ``at``: where each slice begins is a binary search away.
    bounds = [bisect_left(instants, 0, key=index)]
    for k in range(1, slices + 1):
        bounds.append(bisect_left(instants, k, lo=bounds[-1], key=index))
    return [bounds[k + 1] - bounds[k] for k in range(slices)]


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def micros(at: datetime) -> int:
    """``at`` (aware) in microseconds since the Unix epoch."""
    return (at - EPOCH) // MICROSECOND


def instant(at_micros: int) -> datetime:
    """The aware UTC datetime ``at_micros`` microseconds after the Unix epoch."""
    return EPOCH + timedelta(microseconds=at_micros)


CHUNK = 256
"""Instants (and marks) per chunk of a lane: applying an event copies one chunk, not the day."""

T = TypeVar("T")
Chunks = tuple[tuple[T, ...], ...]


def appended(chunks: Chunks[T], item: T) -> Chunks[T]:
    """``chunks`` with ``item`` at the end: in a new chunk once the last holds ``CHUNK``."""
    if chunks and len(chunks[-1]) < CHUNK:
        return (*chunks[:-1], (*chunks[-1], item))
    return (*chunks, (item,))


def extended(chunks: Chunks[T], items: Sequence[T]) -> Chunks[T]:
    """``chunks`` with ``items`` at the end, chunked as ``appended`` one by one would."""
    if not items:
        return chunks
    head: list[T] = list(chunks[-1]) if chunks and len(chunks[-1]) < CHUNK else []
    kept = chunks[:-1] if head else chunks
    flat = [*head, *items]
    return (*kept, *(tuple(flat[i : i + CHUNK]) for i in range(0, len(flat), CHUNK)))


class LaneView(msgspec.Struct, frozen=True, kw_only=True):
    """A board's marks and the instant of each of its events, up to ``version``."""

    board_id: str
    version: int = 0
    marks: Chunks[Mark] = ()
    """In version order, each without its ``title``: the reader takes a decision's from the
    board's view."""
    chunks: Chunks[int] = ()
    """The instant (``micros``) of version ``n`` is the ``n``-th."""

    def instants(self, version: int) -> list[int]:
        """The instants of the first ``version`` events."""
        return [at for chunk in self.chunks for at in chunk][:version]

    def marks_to(self, version: int) -> list[Mark]:
        """The marks of the first ``version`` events."""
        return [m for chunk in self.marks for m in chunk if m.version <= version]


class BoardLaneProjection:
    """The ``board_lane`` projection, keyed by board id: what the timeline needs of a board."""

    name = "board_lane"
    version = 1

    def key_of(self, recorded: RecordedEvent) -> str | None:
        return board_id_of(recorded.stream_id)

    def initial(self, key: str) -> LaneView:
        return LaneView(board_id=key)

    def apply(self, view: LaneView, recorded: RecordedEvent) -> LaneView:
        mark = mark_of(recorded)
        marks = view.marks if mark is None else appended(view.marks, replace(mark, title=""))
        chunks = appended(view.chunks, micros(recorded.recorded_at))
        return replace(view, version=recorded.version, marks=marks, chunks=chunks)

    def apply_all(self, view: LaneView, records: Sequence[RecordedEvent]) -> LaneView:
        """``apply`` over a run of the board's events, each chunk built once (a rebuild)."""
        if not records:
            return view
        marks = [replace(mark, title="") for rec in records if (mark := mark_of(rec)) is not None]
        instants = [micros(rec.recorded_at) for rec in records]
        return replace(
            view,
            version=records[-1].version,
            marks=extended(view.marks, marks),
            chunks=extended(view.chunks, instants),
        )

    def encode(self, view: LaneView) -> bytes:
        return msgspec.msgpack.encode(view)

    def decode(self, data: bytes) -> LaneView:
        return msgspec.msgpack.decode(data, type=LaneView)


BOARD_LANE = BoardLaneProjection()
