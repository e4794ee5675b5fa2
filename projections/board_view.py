"""The board people see: live notes and clusters with their authors, positions and times,
and the facilitation around them: phase, timer, lock, vote rounds with their tallies, the
impact/effort grid, decisions with their evidence, where promoted items came from, and the
discussion (spotlight, comments, action items: ``projections.discussion_view``).

This is the whole truth of a board; ``projections.visibility`` cuts it down to what one
viewer may see (hidden notes, hidden tallies, pseudonyms) before it leaves the service.

Longer than most modules, on purpose: it is the fold of every board event into one view,
and a fold is read as one ``match``; split by event family, a view field would be written
in several places.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import msgspec

from domain import board, board_setup, decisions, discussion, facilitation, voting
from domain.board_state import PHASES, Anonymity, NoteField, Origin, Phase, VoteDefaults
from domain.recorded import RecordedEvent
from domain.streams import board_id_of
from domain.types import Colour
from projections import discussion_view
from projections.discussion_view import DiscussionView

_decode_event = msgspec.json.Decoder(board.Event).decode


class NoteView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    text: str
    x: float
    y: float
    colour: Colour
    author: str
    cluster_id: str | None = None
    created_at: datetime
    updated_at: datetime
    version: int
    """The board version of the note's last change."""
    hidden: bool = False
    """Written during private writing and not revealed: only its author may see it."""
    origin: Origin | None = None
    """For a note promoted from a breakout board: where it came from."""
    fields: tuple[NoteField, ...] = ()
    """A structured note's fields (an initiative card); empty for a plain note."""


class ClusterView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    label: str
    x: float
    y: float
    created_at: datetime
    version: int
    origin: Origin | None = None


class TimerView(msgspec.Struct, frozen=True, kw_only=True):
    seconds: int
    label: str
    started_at: datetime
    ends_at: datetime
    """Server time; clients count down against it."""


class RoundView(msgspec.Struct, frozen=True, kw_only=True):
    """A vote round. ``votes`` (voter → item → dots) and ``tallies`` are complete here;
    ``projections.visibility`` withholds them from viewers while a round hides its tallies."""

    id: str
    target: str
    budget: int
    per_item_max: int
    hide_tallies: bool
    facilitators_vote: bool
    item_ids: tuple[str, ...]
    open: bool = True
    opened_at: datetime
    closed_at: datetime | None = None
    votes: dict[str, dict[str, int]] = msgspec.field(default_factory=dict)
    tallies: dict[str, int] = msgspec.field(default_factory=dict)
    results: tuple[voting.Tally, ...] = ()
    """Set when the round closes: most dots first."""
    voters: int = 0


class PlacementView(msgspec.Struct, frozen=True, kw_only=True):
    impact: float
    effort: float
    version: int


class DecisionView(msgspec.Struct, frozen=True, kw_only=True):
    """A decision and what it rested on, with where it sits in the log (for tracing)."""

    id: str
    item_id: str
    item_kind: str
    title: str
    outcome: str
    rationale: str
    evidence: decisions.Evidence
    decided_by: str
    decided_at: datetime
    version: int
    position: int
    hash: str
    track_id: str | None = None
    """The solution track started from this decision, if any."""


class PromotionView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    source_board_id: str
    source_version: int
    note_ids: tuple[str, ...]
    cluster_ids: tuple[str, ...]
    promoted_at: datetime


class GatheredView(msgspec.Struct, frozen=True, kw_only=True):
    """The last call to the plenary: which board, and when."""

    board_id: str
    at: datetime


class BoardView(msgspec.Struct, frozen=True, kw_only=True):
    """A board at ``version`` (0: not created yet). Deleted notes and clusters are absent."""

    id: str
    workshop_id: str = ""
    title: str = ""
    kind: str = "breakout"
    version: int = 0
    position: int = 0
    updated_at: datetime | None = None
    notes: dict[str, NoteView] = msgspec.field(default_factory=dict)
    clusters: dict[str, ClusterView] = msgspec.field(default_factory=dict)
    phase: Phase = "collect"
    locked: bool = False
    private_writing: bool = False
    anonymity: Anonymity = "named"
    timer: TimerView | None = None
    rounds: dict[str, RoundView] = msgspec.field(default_factory=dict)
    grid: dict[str, PlacementView] = msgspec.field(default_factory=dict)
    decisions: tuple[DecisionView, ...] = ()
    promotions: tuple[PromotionView, ...] = ()
    gathered: GatheredView | None = None
    """The last "everyone to the plenary" on this board (``board.gathered``)."""
    withheld: frozenset[str] = frozenset()
    """Notes deleted while hidden: never revealed, so their history stays private."""
    prompt: str = ""
    """What the board asks people (``board.configure``); empty: none."""
    phases: tuple[Phase, ...] = PHASES
    vote_defaults: VoteDefaults = msgspec.field(default_factory=VoteDefaults)
    discussion: DiscussionView = msgspec.field(default_factory=DiscussionView)
    """The spotlight, comments and action items (``projections.discussion_view``)."""


def _note(view: BoardView, note_id: str, rec: RecordedEvent, **changes: object) -> BoardView:
    note = msgspec.structs.replace(
        view.notes[note_id], updated_at=rec.recorded_at, version=rec.version, **changes
    )
    return msgspec.structs.replace(view, notes={**view.notes, note_id: note})


def _change_note(notes: dict[str, NoteView], event: board.Event, rec: RecordedEvent) -> bool:
    """Apply a note event to ``notes`` itself; ``False`` (and nothing changed) for any other
    event, and for a note deleted while hidden (it changes ``withheld`` too)."""
    replace = msgspec.structs.replace
    at, version = rec.recorded_at, rec.version
    match event:
        case board.NoteAdded():
            notes[event.note_id] = NoteView(
                id=event.note_id,
                text=event.text,
                x=event.x,
                y=event.y,
                colour=event.colour,
                author=event.author,
                created_at=at,
                updated_at=at,
                version=version,
                hidden=event.private_to is not None,
                fields=event.fields,
            )
        case board.NoteEdited():
            note = notes[event.note_id]
            notes[event.note_id] = replace(note, updated_at=at, version=version, text=event.text)
        case board.NoteMoved():
            note = notes[event.note_id]
            notes[event.note_id] = replace(
                note, updated_at=at, version=version, x=event.x, y=event.y
            )
        case board.NoteRecoloured():
            note = notes[event.note_id]
            notes[event.note_id] = replace(
                note, updated_at=at, version=version, colour=event.colour
            )
        case board.NoteClustered():
            note = notes[event.note_id]
            notes[event.note_id] = replace(
                note, updated_at=at, version=version, cluster_id=event.cluster_id
            )
        case board.NoteDeleted() if event.private_to is None:
            notes.pop(event.note_id, None)
        case _:
            return False
    return True


def _cluster(view: BoardView, cluster_id: str, rec: RecordedEvent, **changes: object) -> BoardView:
    cluster = msgspec.structs.replace(view.clusters[cluster_id], version=rec.version, **changes)
    return msgspec.structs.replace(view, clusters={**view.clusters, cluster_id: cluster})


def _apply_event(view: BoardView, event: board.Event, rec: RecordedEvent) -> BoardView:
    replace = msgspec.structs.replace
    match event:
        case board.BoardCreated():
            return replace(view, workshop_id=event.workshop_id, title=event.title, kind=event.kind)
        case board.NoteDeleted() if event.private_to is not None:
            notes = {k: v for k, v in view.notes.items() if k != event.note_id}
            return replace(view, notes=notes, withheld=view.withheld | {event.note_id})
        case (
            board.NoteAdded()
            | board.NoteEdited()
            | board.NoteMoved()
            | board.NoteRecoloured()
            | board.NoteClustered()
            | board.NoteDeleted()
        ):
            notes = dict(view.notes)
            _change_note(notes, event, rec)
            return replace(view, notes=notes)
        case board.ClusterCreated():
            cluster = ClusterView(
                id=event.cluster_id,
                label=event.label,
                x=event.x,
                y=event.y,
                created_at=rec.recorded_at,
                version=rec.version,
            )
            return replace(view, clusters={**view.clusters, event.cluster_id: cluster})
        case board.ClusterRenamed():
            return _cluster(view, event.cluster_id, rec, label=event.label)
        case board.ClusterMoved():
            return _cluster(view, event.cluster_id, rec, x=event.x, y=event.y)
        case board.ClusterDeleted():
            for note_id in event.released_note_ids:
                view = _note(view, note_id, rec, cluster_id=None)
            return replace(
                view, clusters={k: v for k, v in view.clusters.items() if k != event.cluster_id}
            )
        case board.ClustersMerged():
            for note_id in event.moved_note_ids:
                view = _note(view, note_id, rec, cluster_id=event.into_cluster_id)
            return replace(
                view, clusters={k: v for k, v in view.clusters.items() if k != event.cluster_id}
            )
        case discussion.DiscussionEvent():
            talk = discussion_view.apply(view.discussion, event, rec)
            return replace(view, discussion=talk)
        case _:
            return _apply_facilitation(view, event, rec)
    return view


def _apply_facilitation(view: BoardView, event: board.Event, rec: RecordedEvent) -> BoardView:
    replace = msgspec.structs.replace
    match event:
        case facilitation.PhaseChanged():
            return replace(view, phase=event.phase)
        case facilitation.TimerStarted():
            ends = rec.recorded_at + timedelta(seconds=event.seconds)
            timer = TimerView(
                seconds=event.seconds, label=event.label, started_at=rec.recorded_at, ends_at=ends
            )
            return replace(view, timer=timer)
        case facilitation.TimerExtended() if view.timer is not None:
            timer = replace(
                view.timer,
                seconds=view.timer.seconds + event.seconds,
                ends_at=view.timer.ends_at + timedelta(seconds=event.seconds),
            )
            return replace(view, timer=timer)
        case facilitation.TimerStopped():
            return replace(view, timer=None)
        case facilitation.PrivateWritingStarted():
            return replace(view, private_writing=True)
        case facilitation.NotesRevealed():
            notes = dict(view.notes)
            for revealed in event.notes:
                if revealed.note_id in notes:
                    notes[revealed.note_id] = replace(
                        notes[revealed.note_id], hidden=False, updated_at=rec.recorded_at
                    )
            return replace(view, private_writing=False, notes=notes)
        case facilitation.AnonymitySet():
            return replace(view, anonymity=event.policy)
        case facilitation.BoardLocked() | facilitation.BoardUnlocked():
            return replace(view, locked=isinstance(event, facilitation.BoardLocked))
        case facilitation.BoardGathered():
            return replace(view, gathered=GatheredView(board_id=event.board_id, at=rec.recorded_at))
        case board_setup.BoardConfigured():
            return replace(
                view, prompt=event.prompt, phases=event.phases, vote_defaults=event.vote_defaults
            )
        case decisions.DecisionRecorded():
            return replace(view, decisions=(*view.decisions, _decision(event, rec)))
        case decisions.ItemsPromoted():
            return _promoted(view, event, rec)
        case decisions.DecisionTracked():
            tracked = tuple(
                replace(d, track_id=event.track_id) if d.id == event.decision_id else d
                for d in view.decisions
            )
            return replace(view, decisions=tracked)
        case _:
            return _apply_voting(view, event, rec)


def _apply_voting(view: BoardView, event: board.Event, rec: RecordedEvent) -> BoardView:
    replace = msgspec.structs.replace
    match event:
        case voting.RoundOpened():
            opened = RoundView(
                id=event.round_id,
                target=event.target,
                budget=event.budget,
                per_item_max=event.per_item_max,
                hide_tallies=event.hide_tallies,
                facilitators_vote=event.facilitators_vote,
                item_ids=event.item_ids,
                opened_at=rec.recorded_at,
                tallies=dict.fromkeys(event.item_ids, 0),
            )
            return replace(view, rounds={**view.rounds, event.round_id: opened})
        case voting.VoteCast() | voting.VoteRetracted():
            delta = 1 if isinstance(event, voting.VoteCast) else -1
            counted = _count(view.rounds[event.round_id], event.voter, event.item_id, delta)
            return replace(view, rounds={**view.rounds, event.round_id: counted})
        case voting.RoundClosed():
            closed = replace(
                view.rounds[event.round_id],
                open=False,
                closed_at=rec.recorded_at,
                results=event.results,
                voters=event.voters,
            )
            return replace(view, rounds={**view.rounds, event.round_id: closed})
        case voting.PlacedOnGrid():
            placed = PlacementView(impact=event.impact, effort=event.effort, version=rec.version)
            return replace(view, grid={**view.grid, event.item_id: placed})
        case voting.RemovedFromGrid():
            return replace(view, grid={k: v for k, v in view.grid.items() if k != event.item_id})
    return view


def _count(round_: RoundView, voter: str, item_id: str, delta: int) -> RoundView:
    ballot = dict(round_.votes.get(voter, {}))
    ballot[item_id] = ballot.get(item_id, 0) + delta
    if ballot[item_id] <= 0:
        del ballot[item_id]
    votes = {**round_.votes, voter: ballot}
    if not ballot:
        del votes[voter]
    tallies = {**round_.tallies, item_id: round_.tallies.get(item_id, 0) + delta}
    return msgspec.structs.replace(round_, votes=votes, tallies=tallies, voters=len(votes))


def _decision(event: decisions.DecisionRecorded, rec: RecordedEvent) -> DecisionView:
    return DecisionView(
        id=event.decision_id,
        item_id=event.item_id,
        item_kind=event.item_kind,
        title=event.title,
        outcome=event.outcome,
        rationale=event.rationale,
        evidence=event.evidence,
        decided_by=rec.meta.actor,
        decided_at=rec.recorded_at,
        version=rec.version,
        position=rec.position,
        hash=rec.hash.hex(),
    )


def _promoted(view: BoardView, event: decisions.ItemsPromoted, rec: RecordedEvent) -> BoardView:
    at, version = rec.recorded_at, rec.version
    clusters = dict(view.clusters)
    for c in event.clusters:
        clusters[c.cluster_id] = ClusterView(
            id=c.cluster_id,
            label=c.label,
            x=c.x,
            y=c.y,
            created_at=at,
            version=version,
            origin=c.origin,
        )
    notes = dict(view.notes)
    for n in event.notes:
        notes[n.note_id] = NoteView(
            id=n.note_id,
            text=n.text,
            x=n.x,
            y=n.y,
            colour=n.colour,
            author=n.author,
            cluster_id=n.cluster_id,
            created_at=at,
            updated_at=at,
            version=version,
            origin=n.origin,
            fields=n.fields,
        )
    promotion = PromotionView(
        id=event.promotion_id,
        source_board_id=event.source_board_id,
        source_version=event.source_version,
        note_ids=tuple(n.note_id for n in event.notes),
        cluster_ids=tuple(c.cluster_id for c in event.clusters),
        promoted_at=at,
    )
    return msgspec.structs.replace(
        view, notes=notes, clusters=clusters, promotions=(*view.promotions, promotion)
    )


class BoardViewProjection:
    """The ``board_view`` projection, keyed by board id."""

    name = "board_view"
    version = 6

    def key_of(self, recorded: RecordedEvent) -> str | None:
        return board_id_of(recorded.stream_id)

    def initial(self, key: str) -> BoardView:
        return BoardView(id=key)

    def apply(self, view: BoardView, recorded: RecordedEvent) -> BoardView:
        view = _apply_event(view, _decode_event(recorded.data), recorded)
        return msgspec.structs.replace(
            view,
            version=recorded.version,
            position=recorded.position,
            updated_at=recorded.recorded_at,
        )

    def apply_all(self, view: BoardView, records: Sequence[RecordedEvent]) -> BoardView:
        """``view`` with ``records`` applied in order, as ``apply`` one at a time gives, but
        changing ``view``'s notes in place (a rebuild's own copy: ``FoldsInPlace``)."""
        notes = view.notes
        for rec in records:
            event = _decode_event(rec.data)
            if not _change_note(notes, event, rec):
                view = _apply_event(view, event, rec)
                notes = view.notes
        if not records:
            return view
        last = records[-1]
        return msgspec.structs.replace(
            view, version=last.version, position=last.position, updated_at=last.recorded_at
        )

    def encode(self, view: BoardView) -> bytes:
        return msgspec.json.encode(view)

    def decode(self, data: bytes) -> BoardView:
        return msgspec.json.decode(data, type=BoardView)


BOARD_VIEW = BoardViewProjection()
