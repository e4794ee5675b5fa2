"""A board in the past, fast: the board view at any version or instant, from checkpoints of the
view kept every ``EVERY`` versions, and what changed between two versions.

Checkpoints live in the store's ``snapshots`` table under the kind ``board_view-history/<the
projection's version>``: a cache like any snapshot, never truth. A read at version ``v`` starts
from the latest checkpoint at or below ``v`` and folds at most ``EVERY - 1`` events; folding
past a multiple of ``EVERY`` that has no checkpoint yet stores one on the way (without waiting
for it), so the first look at a long board's past builds its checkpoints and later looks are
short. A new projection version starts a new kind; erasure drops every snapshot, these too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import msgspec

from domain.recorded import RecordedEvent
from domain.streams import board_stream
from projections.board_view import BOARD_VIEW, BoardView
from service.store import EventStore

EVERY = 256
"""Versions between two checkpoints of a board's view."""
KIND = f"{BOARD_VIEW.name}-history/{BOARD_VIEW.version}"


async def view_at(store: EventStore, board_id: str, version: int) -> BoardView:
    """The board view after its events up to ``version`` (its first ``version`` events)."""
    stream = board_stream(board_id)
    view: BoardView | None = None
    saved = await store.load_snapshot(stream, KIND, version)
    if saved is not None:
        view = BOARD_VIEW.decode(saved[1])
    start = 0 if view is None else view.version
    if start >= version:
        return view if view is not None else BOARD_VIEW.initial(board_id)
    tail = await store.read_stream(stream, start, version)
    return _fold_keeping(store, board_id, tail, view)


def _fold_keeping(
    store: EventStore, board_id: str, tail: Iterable[RecordedEvent], view: BoardView | None
) -> BoardView:
    """``view`` with ``tail`` applied; a checkpoint stored at each multiple of ``EVERY``."""
    current = BOARD_VIEW.initial(board_id) if view is None else view
    for recorded in tail:
        current = BOARD_VIEW.apply(current, recorded)
        if recorded.version % EVERY == 0:
            data = BOARD_VIEW.encode(current)
            store.save_snapshot_soon(board_stream(board_id), recorded.version, KIND, data)
    return current


async def version_at(store: EventStore, board_id: str, instant: datetime) -> int:
    """The board's version at ``instant``: that of its last event recorded at or before it."""
    return await store.stream_version_at(board_stream(board_id), instant)


class Moved(msgspec.Struct, frozen=True):
    id: str
    x: float
    y: float


class Reclustered(msgspec.Struct, frozen=True):
    id: str
    before: str | None
    after: str | None


class Changes(msgspec.Struct, frozen=True, kw_only=True):
    """What is different on a board between two versions, as one person may see both."""

    board_id: str
    from_version: int
    to_version: int
    notes_added: tuple[str, ...]
    notes_edited: tuple[str, ...]
    notes_moved: tuple[Moved, ...]
    notes_clustered: tuple[Reclustered, ...]
    notes_deleted: tuple[str, ...]
    clusters_added: tuple[str, ...]
    clusters_renamed: tuple[str, ...]
    clusters_moved: tuple[Moved, ...]
    clusters_deleted: tuple[str, ...]
    phase: tuple[str, str] | None
    """``(before, after)`` when the phase differs."""
    events: dict[str, int]
    """How many events of each type were recorded between the two (votes cast included), of
    those the person may see."""


def changes(before: BoardView, after: BoardView, shown: Iterable[RecordedEvent]) -> Changes:
    """The difference between two presented views of one board, and the events between them."""
    b_notes, a_notes = before.notes, after.notes
    kept = [i for i in a_notes if i in b_notes]
    b_clusters, a_clusters = before.clusters, after.clusters
    kept_clusters = [i for i in a_clusters if i in b_clusters]
    counted: dict[str, int] = {}
    for recorded in shown:
        counted[recorded.type] = counted.get(recorded.type, 0) + 1
    return Changes(
        board_id=after.id,
        from_version=before.version,
        to_version=after.version,
        notes_added=tuple(i for i in a_notes if i not in b_notes),
        notes_edited=tuple(i for i in kept if a_notes[i].text != b_notes[i].text),
        notes_moved=tuple(
            Moved(i, a_notes[i].x, a_notes[i].y)
            for i in kept
            if (a_notes[i].x, a_notes[i].y) != (b_notes[i].x, b_notes[i].y)
        ),
        notes_clustered=tuple(
            Reclustered(i, b_notes[i].cluster_id, a_notes[i].cluster_id)
            for i in kept
            if a_notes[i].cluster_id != b_notes[i].cluster_id
        ),
        notes_deleted=tuple(i for i in b_notes if i not in a_notes),
        clusters_added=tuple(i for i in a_clusters if i not in b_clusters),
        clusters_renamed=tuple(
            i for i in kept_clusters if a_clusters[i].label != b_clusters[i].label
        ),
        clusters_moved=tuple(
            Moved(i, a_clusters[i].x, a_clusters[i].y)
            for i in kept_clusters
            if (a_clusters[i].x, a_clusters[i].y) != (b_clusters[i].x, b_clusters[i].y)
        ),
        clusters_deleted=tuple(i for i in b_clusters if i not in a_clusters),
        phase=None if before.phase == after.phase else (before.phase, after.phase),
        events=counted,
    )
