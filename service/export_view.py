"""A board as an export shows it: its notes grouped by cluster, people named."""

from __future__ import annotations

from collections.abc import Callable

from projections.board_view import BoardView, NoteView

NameOf = Callable[[str], str]
"""The name to show for a person, given the id the view shows for them."""


def notes_by_cluster(view: BoardView) -> list[tuple[str, list[NoteView]]]:
    """``(label, notes)`` per cluster by place on the board (top to bottom, then left to
    right), then ``("", loose notes)`` if any; notes in the order they last changed."""
    groups: list[tuple[str, list[NoteView]]] = []
    for cluster in sorted(view.clusters.values(), key=lambda c: (c.y, c.x, c.id)):
        notes = [n for n in view.notes.values() if n.cluster_id == cluster.id]
        groups.append((cluster.label, sorted(notes, key=_by_version)))
    loose = [n for n in view.notes.values() if n.cluster_id not in view.clusters]
    if loose:
        groups.append(("", sorted(loose, key=_by_version)))
    return groups


def _by_version(note: NoteView) -> tuple[int, str]:
    return note.version, note.id
