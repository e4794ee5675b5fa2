"""Where items sit on a board: the sizes the page draws them at, and a free place for items
promoted to the plenary board.

The page (``web_client/board.js``) draws a note ``NOTE_W`` wide and ``NOTE_H`` to
``NOTE_MAX_H`` tall at its ``x, y``, and a cluster as a region at least ``CLUSTER_MIN_W`` by
``CLUSTER_MIN_H`` from its ``x, y``, grown around its notes by ``CLUSTER_PAD`` (and
``CLUSTER_HEADER`` above them, for its label). ``tests/web`` checks that the page uses these
numbers. So a rectangle worked out here holds whatever the page draws there, and items laid
out apart here never overlap on anyone's screen.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from domain.board_state import Board

NOTE_W = 150.0
NOTE_H = 110.0
"""A note's least height; a longer text makes it taller, up to ``NOTE_MAX_H``."""
NOTE_MAX_H = 180.0
CLUSTER_MIN_W = 320.0
CLUSTER_MIN_H = 200.0
CLUSTER_PAD = 16.0
CLUSTER_HEADER = 44.0
GAP = 24.0
"""Space between promoted items, and between a promotion and what is already there."""
MARGIN = 24.0
"""Where the first promotion starts, from the board's top left corner."""
COLUMNS = 3
"""Notes side by side in a promoted cluster, and in a promotion's loose notes."""
ROW_WIDTH = 900.0
"""Promotions sit side by side up to this width from the margin, then start a row below:
what a laptop's screen shows of the canvas beside the board's panel."""


class Rect(NamedTuple):
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Rect) -> bool:
        """Whether the two share any area (touching edges do not count)."""
        return (
            self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1
        )

    def moved(self, dx: float, dy: float) -> Rect:
        return Rect(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)


def note_rect(x: float, y: float) -> Rect:
    """The most a note at ``x, y`` covers."""
    return Rect(x, y, x + NOTE_W, y + NOTE_MAX_H)


def cluster_rect(x: float, y: float, notes: Iterable[tuple[float, float]]) -> Rect:
    """The most a cluster at ``x, y`` with notes at ``notes`` covers (``clusterRects`` in
    ``web_client/board.js``, with every note at its greatest height)."""
    x0, y0, x1, y1 = x, y, x + CLUSTER_MIN_W, y + CLUSTER_MIN_H
    for nx, ny in notes:
        x0, y0 = min(x0, nx - CLUSTER_PAD), min(y0, ny - CLUSTER_HEADER)
        x1, y1 = max(x1, nx + NOTE_W + CLUSTER_PAD), max(y1, ny + NOTE_MAX_H + CLUSTER_PAD)
    return Rect(x0, y0, x1, y1)


Place = tuple[str, float, float]
"""An item's id and where it is."""


def covered(clusters: Iterable[Place], notes: Iterable[tuple[Place, str | None]]) -> list[Rect]:
    """What clusters and notes (each with its cluster's id, or ``None``) cover: one
    rectangle each, a cluster's grown around its notes."""
    return [rect for _item, rect, _cluster in _drawn(clusters, notes)]


def occupied(state: Board, skip: str | None = None) -> list[Rect]:
    """What the board's live clusters and notes cover, one rectangle each, leaving out the
    cluster ``skip`` and its notes."""
    return covered(
        ((cid, c.x, c.y) for cid, c in state.clusters.items() if not c.deleted and cid != skip),
        (
            ((nid, n.x, n.y), n.cluster_id)
            for nid, n in state.notes.items()
            if not n.deleted and (skip is None or n.cluster_id != skip)
        ),
    )


def grid(count: int, x: float, y: float) -> list[tuple[float, float]]:
    """``count`` note places in rows of ``COLUMNS`` from ``x, y``, ``GAP`` apart."""
    return [
        (x + i % COLUMNS * (NOTE_W + GAP), y + i // COLUMNS * (NOTE_MAX_H + GAP))
        for i in range(count)
    ]


def grid_height(count: int) -> float:
    rows = math.ceil(count / COLUMNS)
    return rows * NOTE_MAX_H + max(0, rows - 1) * GAP


def free_place(taken: Sequence[Rect], width: float, height: float) -> tuple[float, float]:
    """The top left of a ``width`` by ``height`` block that keeps ``GAP`` from every rectangle
    of ``taken``: the highest such place, then the leftmost, within ``ROW_WIDTH`` of the left
    margin (a block wider than that goes at the margin); one always exists, below everything."""
    clear = [Rect(r.x0 - GAP, r.y0 - GAP, r.x1 + GAP, r.y1 + GAP) for r in taken]
    xs = sorted({MARGIN, *(r.x1 for r in clear if r.x1 > MARGIN)})
    ys = sorted({MARGIN, *(r.y1 for r in clear if r.y1 > MARGIN)})
    for y in ys:
        for x in xs:
            if x > MARGIN and x + width > MARGIN + ROW_WIDTH:
                break
            block = Rect(x, y, x + width, y + height)
            if not any(block.overlaps(r) for r in clear):
                return x, y
    return MARGIN, max(ys)  # not reached: below the lowest rectangle nothing is taken


def place_block(
    taken: Sequence[Rect], clusters: Sequence[str], notes: Sequence[tuple[str, str | None]]
) -> dict[str, tuple[float, float]]:
    """Item id → where it goes: ``clusters`` one under another, each with its notes (those of
    ``notes`` naming it) in rows under its label, then the loose notes in rows; the whole
    block in the first free place (``free_place``) of a board where ``taken`` is covered."""
    places: dict[str, tuple[float, float]] = {}
    width = y = 0.0
    for cid in clusters:
        members = [nid for nid, in_cluster in notes if in_cluster == cid]
        spots = grid(len(members), CLUSTER_PAD, y + CLUSTER_HEADER)
        places[cid] = (0.0, y)
        places.update(zip(members, spots, strict=True))
        rect = cluster_rect(0.0, y, spots)
        width, y = max(width, rect.x1), rect.y1 + GAP
    loose = [nid for nid, in_cluster in notes if in_cluster not in clusters]
    places.update(zip(loose, grid(len(loose), 0.0, y), strict=True))
    if loose:
        width = max(width, min(len(loose), COLUMNS) * (NOTE_W + GAP) - GAP)
        y += grid_height(len(loose)) + GAP
    x, top = free_place(taken, width, y - GAP)
    return {item: (px + x, py + top) for item, (px, py) in places.items()}


def overlapping(
    clusters: Iterable[Place], notes: Iterable[tuple[Place, str | None]]
) -> list[tuple[str, str]]:
    """The pairs of items that overlap where the page draws them; a note inside its own
    cluster's region is where it belongs. (What the layout rules out, for checks.)"""
    drawn = _drawn(clusters, notes)
    return [
        (a, b)
        for i, (a, ra, ca) in enumerate(drawn)
        for b, rb, cb in drawn[i + 1 :]
        if ca != b and cb != a and ra.overlaps(rb)
    ]


def _drawn(
    clusters: Iterable[Place], notes: Iterable[tuple[Place, str | None]]
) -> list[tuple[str, Rect, str | None]]:
    """Each item's id, rectangle and (for a note) cluster id."""
    notes = list(notes)
    members: dict[str, list[tuple[float, float]]] = {}
    for (_nid, x, y), cluster_id in notes:
        if cluster_id is not None:
            members.setdefault(cluster_id, []).append((x, y))
    drawn: list[tuple[str, Rect, str | None]] = [
        (cid, cluster_rect(x, y, members.get(cid, ())), None) for cid, x, y in clusters
    ]
    return drawn + [(nid, note_rect(x, y), cid) for (nid, x, y), cid in notes]
