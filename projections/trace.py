"""How a decision was reached: the events behind it, each with who, when, where in the log.

Given a board's events up to a decision, ``trace`` keeps those that shaped it: the decided
item's creation (or promotion) and renames, the notes in its evidence (added, edited, revealed,
clustered), the notes that joined or left the decided cluster (one by one, by a merge, or
released when a cluster was deleted), the vote round in its evidence (opened, every dot cast
or retracted, closed), its place on the grid, the facilitator's phase changes, and the
decision itself. Moves are left out: where a note sat on the canvas does not bear on a
decision. Beside the entries, the decision's action items as the board holds them now: what
was to be done after it.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from domain import board, decisions, facilitation, voting
from domain.recorded import RecordedEvent
from projections.board_view import DecisionView
from projections.discussion_view import ActionView

_decode = msgspec.json.Decoder(board.Event).decode


class TraceEntry(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    position: int
    type: str
    actor: str
    role: str
    recorded_at: datetime
    hash: str
    """Empty where the viewer may not have it (a pseudonymous board)."""
    what: str
    """One line saying what happened, for people."""


class DecisionTrace(msgspec.Struct, frozen=True, kw_only=True):
    board_id: str
    decision: DecisionView
    entries: tuple[TraceEntry, ...]
    actions: tuple[ActionView, ...] = ()
    """The decision's action items, in the order they were added."""


def _membership(event: board.Event, item: str, members: set[str]) -> str:
    """What ``event`` did to the notes of the decided cluster ``item`` (``members``, kept up
    to date here); ``""`` if nothing."""
    match event:
        case board.NoteClustered(note_id=note_id, cluster_id=cluster_id) if cluster_id == item:
            members.add(note_id)
            return f"Note {note_id} joined cluster {item}"
        case board.NoteClustered(note_id=note_id, cluster_id=cluster_id) if note_id in members:
            members.discard(note_id)
            onto = f" for cluster {cluster_id}" if cluster_id else ""
            return f"Note {note_id} left cluster {item}{onto}"
        case board.ClusterDeleted(cluster_id=cluster_id) if cluster_id == item:
            members.clear()
            return f"Cluster {item} deleted; its notes left it"
        case board.ClustersMerged(into_cluster_id=into, moved_note_ids=moved) if into == item:
            members.update(moved)
            joined = ", ".join(moved) or "no notes"
            return f"Cluster “{event.label}” merged into cluster {item}: {joined} joined it"
        case board.ClustersMerged(cluster_id=cluster_id, into_cluster_id=into) if (
            cluster_id == item
        ):
            members.clear()
            return f"Cluster {item} merged into cluster {into}; its notes left with it"
    return ""


def _what(event: board.Event, item: str, notes: frozenset[str], round_id: str | None) -> str:
    """What ``event`` did to the decision's item, notes or round; ``""`` if nothing."""
    match event:
        case board.NoteAdded() if event.note_id in notes:
            return f"Note added: {event.text}"
        case board.NoteEdited() if event.note_id in notes:
            return f"Note edited: {event.text}"
        case board.NoteClustered() if event.note_id in notes or event.cluster_id == item:
            return f"Note {event.note_id} put in cluster {event.cluster_id}"
        case board.ClusterCreated() if event.cluster_id == item:
            return f"Cluster created: {event.label}"
        case board.ClusterRenamed() if event.cluster_id == item:
            return f"Cluster renamed: {event.label}"
        case facilitation.NotesRevealed() if notes & {n.note_id for n in event.notes}:
            return "Private notes revealed"
        case facilitation.PhaseChanged():
            return f"Phase changed from {event.previous} to {event.phase}"
        case voting.RoundOpened() if event.round_id == round_id:
            return f"Vote round opened on {len(event.item_ids)} {event.target}"
        case voting.VoteCast() if event.round_id == round_id:
            return f"Dot on {event.item_id}"
        case voting.VoteRetracted() if event.round_id == round_id:
            return f"Dot taken back from {event.item_id}"
        case voting.RoundClosed() if event.round_id == round_id:
            top = ", ".join(f"{t.item_id}: {t.votes}" for t in event.results[:5])
            return f"Vote round closed ({event.voters} voters; {top})"
        case voting.PlacedOnGrid() if event.item_id == item:
            return f"Placed on the grid: impact {event.impact:g}, effort {event.effort:g}"
        case decisions.ItemsPromoted() if item in {c.cluster_id for c in event.clusters} | {
            n.note_id for n in event.notes
        }:
            return f"Promoted from board {event.source_board_id} (version {event.source_version})"
        case decisions.DecisionRecorded() if event.item_id == item:
            return f"Decision: {event.outcome} ({event.rationale})"
    return ""


def trace(
    board_id: str,
    decision: DecisionView,
    events: list[RecordedEvent],
    actions: tuple[ActionView, ...] = (),
) -> DecisionTrace:
    """The events among ``events`` (a board's, in version order) that led to ``decision``, and
    those of ``actions`` (the board's action items now) that are the decision's.

    Pass the events as the viewer may see them: redacted placeholders are skipped.
    """
    notes = frozenset(n.note_id for n in decision.evidence.notes)
    if decision.item_kind == "notes":
        notes |= {decision.item_id}
    members: set[str] = set()
    entries: list[TraceEntry] = []
    for rec in events:
        if rec.version > decision.version:
            break
        if rec.type == "redacted":
            continue
        event = _decode(rec.data)
        what = _membership(event, decision.item_id, members) or _what(
            event, decision.item_id, notes, decision.evidence.round_id
        )
        if what:
            entries.append(
                TraceEntry(
                    version=rec.version,
                    position=rec.position,
                    type=rec.type,
                    actor=rec.meta.actor,
                    role=rec.meta.role,
                    recorded_at=rec.recorded_at,
                    hash=rec.hash.hex(),
                    what=what,
                )
            )
    mine = tuple(a for a in actions if a.decision_id == decision.id)
    return DecisionTrace(board_id=board_id, decision=decision, entries=tuple(entries), actions=mine)
