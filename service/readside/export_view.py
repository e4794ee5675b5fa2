"""A board as an export shows it: cut down for one viewer, and with people named.

Exports follow ``projections.visibility`` (hidden notes, hidden tallies, pseudonyms) with one
exception: an auditor is shown the real people on a pseudonymous board, because an audit
traces decisions to who made them. People are named as the workshop knows them (the name
they joined with) or, on a pseudonymous board, by the pseudonym everyone sees there; someone
who never joined the workshop is ``UNKNOWN``, never a raw id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import msgspec

from projections.board_view import BoardView, NoteView
from projections.visibility import Viewer, present_view, pseudonym

UNKNOWN = "(unknown)"
"""The name of someone who never joined the workshop, or of a copy that has no author."""

NameOf = Callable[[str], str]
"""The name to show for a person, given the id the presented view shows for them."""


def shows_pseudonyms(view: BoardView, viewer: Viewer) -> bool:
    """Whether ``viewer`` sees pseudonyms on ``view``'s board (everyone but auditors there)."""
    return view.anonymity == "pseudonymous" and viewer.role != "auditor"


def present(view: BoardView, viewer: Viewer) -> BoardView:
    """``view`` as ``viewer`` may see it in an export: ``present_view``'s cut, except that an
    auditor keeps the real ids (and the decisions' hashes) on a pseudonymous board."""
    if view.anonymity == "named" or shows_pseudonyms(view, viewer):
        return present_view(view, viewer)
    replace = msgspec.structs.replace
    shown = present_view(replace(view, anonymity="named"), viewer)
    return replace(shown, anonymity=view.anonymity)


def names(
    view: BoardView, shown: BoardView, joined: Mapping[str, str], viewer: Viewer
) -> dict[str, str]:
    """Each person ``shown`` (``view`` presented to ``viewer``) mentions, by the id it shows
    them by → the name to show. ``joined`` maps the workshop's people to their names."""
    if shows_pseudonyms(view, viewer):
        everyone = {*joined, *people_in(view)}
        table = dict(_pseudonymous(viewer.pseudonym_key, view.id, everyone))
    else:
        table = dict(joined)
    return {pid: table.get(pid, UNKNOWN) for pid in people_in(shown)}


def _pseudonymous(key: bytes, board_id: str, ids: Iterable[str]) -> Iterable[tuple[str, str]]:
    for actor_id in ids:
        alias, name = pseudonym(key, board_id, actor_id)
        yield alias, (name if actor_id else UNKNOWN)


def namer(table: Mapping[str, str]) -> NameOf:
    """``NameOf`` from a table of ``names``; ``UNKNOWN`` for anyone not in it."""
    return lambda actor_id: table.get(actor_id, UNKNOWN)


def people_in(view: BoardView) -> set[str]:
    """Every person ``view`` mentions: note authors, voters, deciders, evidence authors."""
    found = {n.author for n in view.notes.values()}
    found.update(voter for r in view.rounds.values() for voter in r.votes)
    for decision in view.decisions:
        found.add(decision.decided_by)
        found.update(n.author for n in decision.evidence.notes)
    return found


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
