"""Where the board puts what nobody placed by hand: a new note or cluster in the free space
nearest to where the person is looking, and a tidied cluster or board.

Decided with the command (``domain.board``) and recorded in its events, so every screen and
every replay agree on it. Every rectangle is the most an item may cover (``domain.layout``),
kept ``GAP`` apart, so what is placed here overlaps nothing on anyone's screen.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from domain.board_state import Board
from domain.layout import (
    CLUSTER_HEADER,
    CLUSTER_PAD,
    COLUMNS,
    GAP,
    MARGIN,
    NOTE_MAX_H,
    NOTE_W,
    ROW_WIDTH,
    Rect,
    cluster_rect,
    occupied,
)

Point = tuple[float, float]
ASPECT = 16 / 9
"""A tidied board is about this much wider than tall, like the screens it is shown on."""


def place_near(taken: Sequence[Rect], width: float, height: float, x: float, y: float) -> Point:
    """The top left nearest to ``x, y`` (both at least ``MARGIN``) of a ``width`` by ``height``
    block that keeps ``GAP`` from every rectangle of ``taken``; on a tie the highest, then the
    leftmost. Exact: the nearest free place has each coordinate either the wanted one, the
    margin or one ``GAP`` off an edge of ``taken``, and each such row is searched."""
    want_x, want_y = max(MARGIN, x), max(MARGIN, y)
    clear = [Rect(r.x0 - GAP, r.y0 - GAP, r.x1 + GAP, r.y1 + GAP) for r in taken]
    rows = {want_y, MARGIN, *(r.y1 for r in clear), *(r.y0 - height for r in clear)}
    best: tuple[float, float, float] | None = None
    for row in sorted((r for r in rows if r >= MARGIN), key=lambda r: (abs(r - want_y), r)):
        if best is not None and (row - want_y) ** 2 > best[0]:
            break
        band = [r for r in clear if r.y0 < row + height and row < r.y1]
        column = _nearest_free(band, width, want_x)
        found = ((column - want_x) ** 2 + (row - want_y) ** 2, row, column)
        if best is None or found < best:
            best = found
    assert best is not None  # the margin row is always searched
    return best[2], best[1]


def _nearest_free(band: Iterable[Rect], width: float, want: float) -> float:
    """The ``x`` nearest to ``want`` (at least ``MARGIN``; the left one on a tie) where a block
    ``width`` wide overlaps no rectangle of ``band`` (which all span its row)."""
    blocked: list[list[float]] = []
    for lo, hi in sorted((r.x0 - width, r.x1) for r in band):
        if blocked and lo < blocked[-1][1]:
            blocked[-1][1] = max(blocked[-1][1], hi)
        else:
            blocked.append([lo, hi])
    for lo, hi in blocked:
        if lo < want < hi:
            return lo if lo >= MARGIN and want - lo <= hi - want else hi
    return want


def spot(state: Board, width: float, height: float, near: Point | None) -> Point:
    """Where a new ``width`` by ``height`` item goes: centred as near ``near`` as the free
    space allows (the board's top left corner when no point is given)."""
    cx, cy = near if near is not None else (MARGIN + width / 2, MARGIN + height / 2)
    return place_near(occupied(state), width, height, cx - width / 2, cy - height / 2)


# --------------------------------------------------------------------------- tidying


def columns(count: int) -> int:
    """Notes side by side in a tidied cluster of ``count``: ``COLUMNS``, more in a big one."""
    return max(COLUMNS, math.ceil(math.sqrt(count)))


def note_grid(count: int, x: float, y: float, across: int) -> list[Point]:
    """``count`` note places in rows of ``across`` from ``x, y``, ``GAP`` apart."""
    return [
        (x + i % across * (NOTE_W + GAP), y + i // across * (NOTE_MAX_H + GAP))
        for i in range(count)
    ]


def _reading_order(state: Board, note_ids: Iterable[str]) -> list[str]:
    notes = state.notes
    return sorted(note_ids, key=lambda nid: (notes[nid].hidden, notes[nid].y, notes[nid].x, nid))


def _cluster_block(count: int) -> tuple[list[Point], float, float]:
    """A tidied cluster of ``count`` notes with its top left at 0, 0: its notes' places, its
    width and its height."""
    spots = note_grid(count, CLUSTER_PAD, CLUSTER_HEADER, columns(count))
    rect = cluster_rect(0.0, 0.0, spots)
    return spots, rect.x1, rect.y1


def tidy_cluster(state: Board, cluster_id: str) -> dict[str, Point]:
    """Item id → place: the cluster's notes in a grid under its label (in reading order), the
    cluster where it is, or in the nearest free place if the grid would cover something."""
    cluster = state.clusters[cluster_id]
    members = _reading_order(
        state,
        (nid for nid, n in state.notes.items() if n.cluster_id == cluster_id and not n.deleted),
    )
    spots, width, height = _cluster_block(len(members))
    x, y = place_near(occupied(state, skip=cluster_id), width, height, cluster.x, cluster.y)
    places = {cluster_id: (x, y)}
    places.update((nid, (x + sx, y + sy)) for nid, (sx, sy) in zip(members, spots, strict=True))
    return places


def tidy_board(state: Board) -> dict[str, Point]:
    """Item id → place: every live cluster tidied, side by side in rows in reading order, then
    the loose notes in a grid under them, the whole about ``ASPECT`` wide for tall."""
    clusters = sorted(
        (cid for cid, c in state.clusters.items() if not c.deleted),
        key=lambda cid: (state.clusters[cid].y, state.clusters[cid].x, cid),
    )
    live = {nid: n for nid, n in state.notes.items() if not n.deleted}
    members = {
        cid: _reading_order(state, (n for n in live if live[n].cluster_id == cid))
        for cid in clusters
    }
    loose = _reading_order(state, (n for n in live if live[n].cluster_id not in members))
    blocks = {cid: _cluster_block(len(members[cid])) for cid in clusters}
    area = sum((w + GAP) * (h + GAP) for _s, w, h in blocks.values())
    area += len(loose) * (NOTE_W + GAP) * (NOTE_MAX_H + GAP)
    row_width = max(ROW_WIDTH, math.sqrt(area * ASPECT))
    places: dict[str, Point] = {}
    x = y = MARGIN
    row_height = 0.0
    for cid in clusters:
        spots, width, height = blocks[cid]
        if x > MARGIN and x + width > MARGIN + row_width:
            x, y, row_height = MARGIN, y + row_height + GAP, 0.0
        places[cid] = (x, y)
        places.update(
            (nid, (x + sx, y + sy)) for nid, (sx, sy) in zip(members[cid], spots, strict=True)
        )
        x, row_height = x + width + GAP, max(row_height, height)
    top = y + row_height + GAP if clusters else MARGIN
    across = max(1, int((row_width + GAP) // (NOTE_W + GAP)))
    places.update(zip(loose, note_grid(len(loose), MARGIN, top, across), strict=True))
    return places
