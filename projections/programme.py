"""The programme overview: its workshops, their solution tracks, and the outcome tracker that
counts what happened against the planned outcomes (``domain.programme``).

One view (key ``all``) for the whole log, fed only by the few event types it counts, each
decoded into a small shape of its own; note events of boards it does not count cost a lookup.

Membership takes both sides: a workshop counts in a programme when its ``workshop.created``
names the programme and the programme's own stream includes it (``workshop.included``); a
board counts in a workshop when the workshop lists it and the board's own ``board.created``
names the workshop. A claim from one side only counts for nothing.

Just over 300 lines, on purpose: the outcome tracker's counts and the membership rule they
depend on are one fold over a few event types.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from domain.programme import IDEA_KINDS, INITIATIVE_KINDS, PLANNED_OUTCOMES, OutcomeTargets
from domain.recorded import RecordedEvent
from domain.streams import BOARD_PREFIX, PROGRAMME_PREFIX, SOLUTION_PREFIX, WORKSHOP_PREFIX

KEY = "all"

_TYPES = frozenset(
    {
        "programme.created",
        "workshop.included",
        "workshop.created",
        "board.added",
        "board.created",
        "note.added",
        "note.deleted",
        "items.promoted",
        "track.started",
        "sprint.planned",
        "sprint.updated",
        "validation.recorded",
        "practice.documented",
        "presentation.recorded",
    }
)


class WorkshopEntry(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    kind: str
    date: str | None = None
    programme: str = "default"
    board_ids: tuple[str, ...] = ()


class ProgrammeEntry(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    owner: str
    workshops: tuple[str, ...] = ()
    """Workshops the programme's stream includes, in order."""
    targets: OutcomeTargets = msgspec.field(default_factory=OutcomeTargets)


class BoardEntry(msgspec.Struct, frozen=True, kw_only=True):
    workshop_id: str = ""
    """The workshop the board's own stream names (``""`` until ``board.created``)."""
    kind: str = "breakout"
    listed_by: frozenset[str] = frozenset()
    """Workshops that list the board; it counts only if its own workshop is one of them."""

    @property
    def counted(self) -> bool:
        return self.workshop_id in self.listed_by

    counted_notes: frozenset[str] = frozenset()
    """Notes that count as initiatives (boards of initiatives workshops only)."""
    ideas_presented: int = 0


class TrackEntry(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    workshop_id: str
    board_id: str
    decision_id: str
    started_at: datetime
    sprints: int = 0
    updates: int = 0
    status: str = "planned"
    validations: int = 0
    practices: int = 0
    presented: bool = False


class ProgrammeView(msgspec.Struct, frozen=True, kw_only=True):
    id: str = KEY
    position: int = 0
    programmes: dict[str, ProgrammeEntry] = msgspec.field(default_factory=dict)
    workshops: dict[str, WorkshopEntry] = msgspec.field(default_factory=dict)
    boards: dict[str, BoardEntry] = msgspec.field(default_factory=dict)
    tracks: dict[str, TrackEntry] = msgspec.field(default_factory=dict)


class OutcomeCount(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    label: str
    target: int
    actual: int
    met: bool
    counts: str


# --------------------------------------------------------------------------- event shapes


class _Workshop(msgspec.Struct):
    workshop_id: str
    title: str
    kind: str
    date: str | None = None
    programme: str = "default"


class _BoardAdded(msgspec.Struct):
    board_id: str
    kind: str


class _BoardCreated(msgspec.Struct):
    workshop_id: str
    kind: str = "breakout"


class _ProgrammeCreated(msgspec.Struct):
    programme_id: str
    title: str
    owner: str
    targets: OutcomeTargets = msgspec.field(default_factory=OutcomeTargets)


class _Included(msgspec.Struct):
    workshop_id: str


class _Note(msgspec.Struct):
    note_id: str
    private_to: str | None = None


class _Promoted(msgspec.Struct):
    clusters: list[dict[str, object]]
    notes: list[_PromotedNote]


class _PromotedNote(msgspec.Struct):
    cluster_id: str | None = None


class _Track(msgspec.Struct):
    track_id: str
    workshop_id: str
    board_id: str
    decision_id: str
    title: str


class _Update(msgspec.Struct):
    status: str


def _apply(view: ProgrammeView, rec: RecordedEvent) -> ProgrammeView:
    replace = msgspec.structs.replace
    stream, kind = rec.stream_id, rec.type
    if stream.startswith(WORKSHOP_PREFIX):
        workshop_id = stream[len(WORKSHOP_PREFIX) :]
        if kind == "workshop.created":
            w = msgspec.json.decode(rec.data, type=_Workshop)
            entry = WorkshopEntry(
                id=w.workshop_id, title=w.title, kind=w.kind, date=w.date, programme=w.programme
            )
            return replace(view, workshops={**view.workshops, workshop_id: entry})
        if kind == "board.added" and workshop_id in view.workshops:
            b = msgspec.json.decode(rec.data, type=_BoardAdded)
            workshop = view.workshops[workshop_id]
            workshop = replace(workshop, board_ids=(*workshop.board_ids, b.board_id))
            board = view.boards.get(b.board_id, BoardEntry(kind=b.kind))
            board = replace(board, listed_by=board.listed_by | {workshop_id})
            return replace(
                view,
                workshops={**view.workshops, workshop_id: workshop},
                boards={**view.boards, b.board_id: board},
            )
        return view
    if stream.startswith(BOARD_PREFIX):
        return _apply_board(view, stream[len(BOARD_PREFIX) :], rec)
    if stream.startswith(PROGRAMME_PREFIX):
        return _apply_programme(view, stream[len(PROGRAMME_PREFIX) :], rec)
    if stream.startswith(SOLUTION_PREFIX):
        return _apply_track(view, stream[len(SOLUTION_PREFIX) :], rec)
    return view


def _apply_programme(view: ProgrammeView, programme_id: str, rec: RecordedEvent) -> ProgrammeView:
    replace = msgspec.structs.replace
    if rec.type == "programme.created":
        p = msgspec.json.decode(rec.data, type=_ProgrammeCreated)
        entry = ProgrammeEntry(id=p.programme_id, title=p.title, owner=p.owner, targets=p.targets)
        return replace(view, programmes={**view.programmes, programme_id: entry})
    found = view.programmes.get(programme_id)
    if rec.type != "workshop.included" or found is None:
        return view
    workshop_id = msgspec.json.decode(rec.data, type=_Included).workshop_id
    entry = replace(found, workshops=(*found.workshops, workshop_id))
    return replace(view, programmes={**view.programmes, programme_id: entry})


def _apply_board(view: ProgrammeView, board_id: str, rec: RecordedEvent) -> ProgrammeView:
    replace = msgspec.structs.replace
    if rec.type == "board.created":
        created = msgspec.json.decode(rec.data, type=_BoardCreated)
        board = view.boards.get(board_id, BoardEntry())
        board = replace(board, workshop_id=created.workshop_id, kind=created.kind)
        return replace(view, boards={**view.boards, board_id: board})
    found = view.boards.get(board_id)
    workshop = view.workshops.get(found.workshop_id) if found is not None else None
    if found is None or workshop is None or not found.counted:
        return view
    board = found
    if rec.type in ("note.added", "note.deleted") and workshop.kind in INITIATIVE_KINDS:
        note_id = msgspec.json.decode(rec.data, type=_Note).note_id
        if rec.type == "note.added":
            counted = board.counted_notes | {note_id}
        else:
            counted = board.counted_notes - {note_id}
        board = replace(board, counted_notes=counted)
    elif rec.type == "items.promoted" and board.kind == "plenary" and workshop.kind in IDEA_KINDS:
        p = msgspec.json.decode(rec.data, type=_Promoted)
        loose = sum(1 for n in p.notes if n.cluster_id is None)
        board = replace(board, ideas_presented=board.ideas_presented + len(p.clusters) + loose)
    else:
        return view
    return replace(view, boards={**view.boards, board_id: board})


def _apply_track(view: ProgrammeView, track_id: str, rec: RecordedEvent) -> ProgrammeView:
    replace = msgspec.structs.replace
    if rec.type == "track.started":
        t = msgspec.json.decode(rec.data, type=_Track)
        track = TrackEntry(
            id=t.track_id,
            title=t.title,
            workshop_id=t.workshop_id,
            board_id=t.board_id,
            decision_id=t.decision_id,
            started_at=rec.recorded_at,
        )
        return replace(view, tracks={**view.tracks, track_id: track})
    found = view.tracks.get(track_id)
    if found is None:
        return view
    track = found
    match rec.type:
        case "sprint.planned":
            track = replace(track, sprints=track.sprints + 1)
        case "sprint.updated":
            status = msgspec.json.decode(rec.data, type=_Update).status
            if track.presented:  # a presented track stays presented
                status = track.status
            track = replace(track, updates=track.updates + 1, status=status)
        case "validation.recorded":
            track = replace(track, validations=track.validations + 1)
        case "practice.documented":
            track = replace(track, practices=track.practices + 1)
        case "presentation.recorded":
            track = replace(track, presented=True, status="presented")
        case _:
            return view
    return replace(view, tracks={**view.tracks, track_id: track})


def members(view: ProgrammeView, programme: str) -> list[WorkshopEntry]:
    """The workshops of ``programme``: named by it and included by it, in inclusion order."""
    entry = view.programmes.get(programme)
    if entry is None:
        return []
    found = (view.workshops.get(wid) for wid in entry.workshops)
    return [w for w in found if w is not None and w.programme == programme]


def outcomes(view: ProgrammeView, programme: str = "default") -> list[OutcomeCount]:
    """The outcome tracker of ``programme``: each planned outcome, the programme's target for
    it (the default for a programme never created) and its count."""
    entry = view.programmes.get(programme)
    targets = entry.targets if entry is not None else OutcomeTargets()
    workshops = {w.id for w in members(view, programme)}
    boards = [b for b in view.boards.values() if b.workshop_id in workshops and b.counted]
    tracks = [t for t in view.tracks.values() if t.workshop_id in workshops]
    actual = {
        "initiatives_identified": sum(len(b.counted_notes) for b in boards),
        "ideas_presented": sum(b.ideas_presented for b in boards),
        "ideas_developed": sum(1 for t in tracks if t.updates > 0),
        "practices_documented": sum(t.practices for t in tracks),
    }
    return [
        OutcomeCount(
            name=o.name,
            label=o.label,
            target=targets.of(o.name),
            actual=actual[o.name],
            met=actual[o.name] >= targets.of(o.name),
            counts=o.counts,
        )
        for o in PLANNED_OUTCOMES
    ]


class ProgrammeProjection:
    """The ``programme`` projection: one view, key ``all``."""

    name = "programme"
    version = 4

    def key_of(self, recorded: RecordedEvent) -> str | None:
        return KEY if recorded.type in _TYPES else None

    def initial(self, key: str) -> ProgrammeView:
        return ProgrammeView(id=key)

    def apply(self, view: ProgrammeView, recorded: RecordedEvent) -> ProgrammeView:
        view = _apply(view, recorded)
        return msgspec.structs.replace(view, position=recorded.position)

    def encode(self, view: ProgrammeView) -> bytes:
        return msgspec.json.encode(view)

    def decode(self, data: bytes) -> ProgrammeView:
        return msgspec.json.decode(data, type=ProgrammeView)


PROGRAMME = ProgrammeProjection()
