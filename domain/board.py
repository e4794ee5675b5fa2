"""The board decider (stream ``board-<id>``): sticky notes and clusters, and the one entry
point for everything else a board records.

``decide`` holds every rule and raises a ``DomainError`` with a stable code when one says
no; ``evolve`` only applies facts. Ids and times come in as data, so both are deterministic.
Facilitation (``domain.facilitation``), voting (``domain.voting``), decisions
(``domain.decisions``) and the discussion (``domain.discussion``) decide on the same
``Board`` state; this module routes to them.

Longer than most modules, on purpose: the board's own commands, events, state and fold are
read together with the router to the rule modules beside it; those already hold the rest.
"""

from __future__ import annotations

import math

import msgspec

from domain import (
    board_setup,
    decisions,
    discussion,
    facilitation,
    layout,
    placement,
    undo,
    voting,
)
from domain.actor import Actor
from domain.board_state import (
    Board,
    BoardKind,
    ClusterState,
    Id,
    NoteField,
    NoteState,
    cluster_members,
    live_cluster,
    live_note,
)
from domain.checks import check_characters, noun
from domain.codec import tag_of
from domain.decider import Decider
from domain.errors import AlreadyExists, DomainError, Forbidden, InvalidCommand, NotFound
from domain.recorded import EventMeta
from domain.roles import authorize
from domain.types import Colour

__all__ = ["Board", "BoardKind", "ClusterState", "Id", "NoteField", "NoteState"]


TEXT_MAX = 500
FIELDS_MAX = 30
"""Fields of one card, at most (a prework form's questions, at most)."""
PLACE_MAX = 500
"""Notes one ``notes.place`` puts on a board, at most."""
BATCH_MAX = 200
"""Commands one ``notes.batch`` carries, at most."""
LABEL_MAX = 120
TITLE_MAX = 200
COORD_LIMIT = 1_000_000.0


# --------------------------------------------------------------------------- commands


class BoardCommand(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of every board command; the JSON ``type`` tag names it."""


class CreateBoard(BoardCommand, frozen=True, kw_only=True, tag="board.create"):
    board_id: Id
    workshop_id: Id
    title: str
    kind: BoardKind = "breakout"


class Near(msgspec.Struct, frozen=True, kw_only=True):
    """A point on the board a new item is wanted near: the centre of the sender's screen."""

    x: float
    y: float


class AddNote(BoardCommand, frozen=True, kw_only=True, tag="note.add"):
    """Put a note at ``x, y`` as given, or (without them) centred in the free space nearest
    to ``near`` (the board's top left without it): ``domain.placement``."""

    note_id: Id
    text: str
    x: float | None = None
    y: float | None = None
    near: Near | None = None
    colour: Colour = "yellow"


class EditNote(BoardCommand, frozen=True, kw_only=True, tag="note.edit"):
    note_id: Id
    text: str


class MoveNote(BoardCommand, frozen=True, kw_only=True, tag="note.move"):
    note_id: Id
    x: float
    y: float


class RecolourNote(BoardCommand, frozen=True, kw_only=True, tag="note.recolour"):
    note_id: Id
    colour: Colour


class DeleteNote(BoardCommand, frozen=True, kw_only=True, tag="note.delete"):
    note_id: Id


class CreateCluster(BoardCommand, frozen=True, kw_only=True, tag="cluster.create"):
    """Put a cluster at ``x, y`` as given, or placed as ``AddNote`` places a note."""

    cluster_id: Id
    label: str
    x: float | None = None
    y: float | None = None
    near: Near | None = None


class RenameCluster(BoardCommand, frozen=True, kw_only=True, tag="cluster.rename"):
    cluster_id: Id
    label: str


class MoveCluster(BoardCommand, frozen=True, kw_only=True, tag="cluster.move"):
    cluster_id: Id
    x: float
    y: float


class DeleteCluster(BoardCommand, frozen=True, kw_only=True, tag="cluster.delete"):
    cluster_id: Id


class ClusterNote(BoardCommand, frozen=True, kw_only=True, tag="note.cluster"):
    note_id: Id
    cluster_id: Id | None


class TidyCluster(BoardCommand, frozen=True, kw_only=True, tag="cluster.tidy"):
    """Lay the cluster's notes out in a grid under its label (``placement.tidy_cluster``)."""

    cluster_id: Id


class TidyBoard(BoardCommand, frozen=True, kw_only=True, tag="board.tidy"):
    """Lay every cluster and loose note out apart (``placement.tidy_board``)."""


class MergeClusters(BoardCommand, frozen=True, kw_only=True, tag="cluster.merge"):
    """Move every note of ``cluster_id`` into ``into_cluster_id``; ``cluster_id`` is gone."""

    cluster_id: Id
    into_cluster_id: Id


BatchItem = (
    MoveNote | RecolourNote | ClusterNote | DeleteNote | CreateCluster | MoveCluster | DeleteCluster
)


class BatchNotes(BoardCommand, frozen=True, kw_only=True, tag="notes.batch"):
    """Several note and cluster commands as one (a selection moved, recoloured, clustered or
    deleted together): each decided on the board as the ones before it left it, all recorded
    or none. Their events share the command's id, so its correlation id."""

    commands: tuple[BatchItem, ...]


class PlacedNote(msgspec.Struct, frozen=True, kw_only=True):
    """A note written elsewhere (a prework answer) by ``author``, to put on the board."""

    note_id: Id
    author: Id
    text: str
    x: float
    y: float
    colour: Colour = "yellow"
    fields: tuple[NoteField, ...] = ()


class PlaceNotes(BoardCommand, frozen=True, kw_only=True, tag="notes.place"):
    """Put notes that people wrote before the workshop on the board as their own private notes
    (starting private writing if it is off). Sent by the service's prework flow
    (``POST /api/workshops/{id}/prework/place``), which plans the notes from the answers."""

    notes: tuple[PlacedNote, ...]


NoteCommand = (
    CreateBoard
    | AddNote
    | EditNote
    | MoveNote
    | RecolourNote
    | DeleteNote
    | CreateCluster
    | RenameCluster
    | MoveCluster
    | DeleteCluster
    | ClusterNote
    | MergeClusters
    | BatchNotes
    | PlaceNotes
    | TidyCluster
    | TidyBoard
)
Command = (
    NoteCommand
    | facilitation.Command
    | voting.Command
    | decisions.Command
    | board_setup.Command
    | discussion.Command
    | undo.Command
)


# --------------------------------------------------------------------------- events


class BoardEvent(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of every board event; the tag is stored and must never change."""


class BoardCreated(BoardEvent, frozen=True, kw_only=True, tag="board.created"):
    board_id: str
    workshop_id: str
    title: str
    kind: BoardKind = "breakout"


class NoteAdded(BoardEvent, frozen=True, kw_only=True, tag="note.added"):
    note_id: str
    text: str
    x: float
    y: float
    colour: Colour
    author: str
    private_to: str | None = None
    """The author, while the note is hidden by private writing: nobody else may see this."""
    fields: tuple[NoteField, ...] = ()
    """A structured note's fields (an initiative card); empty for a plain note."""


class NoteEdited(BoardEvent, frozen=True, kw_only=True, tag="note.edited"):
    note_id: str
    text: str
    private_to: str | None = None


class NoteMoved(BoardEvent, frozen=True, kw_only=True, tag="note.moved"):
    note_id: str
    x: float
    y: float
    private_to: str | None = None


class NoteRecoloured(BoardEvent, frozen=True, kw_only=True, tag="note.recoloured"):
    note_id: str
    colour: Colour
    private_to: str | None = None


class NoteDeleted(BoardEvent, frozen=True, kw_only=True, tag="note.deleted"):
    note_id: str
    private_to: str | None = None


class ClusterCreated(BoardEvent, frozen=True, kw_only=True, tag="cluster.created"):
    cluster_id: str
    label: str
    x: float
    y: float


class ClusterRenamed(BoardEvent, frozen=True, kw_only=True, tag="cluster.renamed"):
    cluster_id: str
    label: str


class ClusterMoved(BoardEvent, frozen=True, kw_only=True, tag="cluster.moved"):
    cluster_id: str
    x: float
    y: float


class ClusterDeleted(BoardEvent, frozen=True, kw_only=True, tag="cluster.deleted"):
    """The cluster is gone; ``released_note_ids`` left it and stay on the board."""

    cluster_id: str
    released_note_ids: tuple[str, ...] = ()


class NoteClustered(BoardEvent, frozen=True, kw_only=True, tag="note.clustered"):
    """The note joined ``cluster_id``, or left its cluster when ``cluster_id`` is null."""

    note_id: str
    cluster_id: str | None


class ClustersMerged(BoardEvent, frozen=True, kw_only=True, tag="cluster.merged"):
    """``cluster_id`` (called ``label``, kept here for the history) merged into
    ``into_cluster_id``: its notes ``moved_note_ids`` are in the target now, and it is gone."""

    cluster_id: str
    into_cluster_id: str
    label: str
    moved_note_ids: tuple[str, ...] = ()


NoteEvent = (
    BoardCreated
    | NoteAdded
    | NoteEdited
    | NoteMoved
    | NoteRecoloured
    | NoteDeleted
    | ClusterCreated
    | ClusterRenamed
    | ClusterMoved
    | ClusterDeleted
    | NoteClustered
    | ClustersMerged
)
Event = (
    NoteEvent
    | facilitation.Event
    | voting.Event
    | decisions.Event
    | board_setup.Event
    | discussion.Event
    | undo.Event
)


initial_state = Board()


# --------------------------------------------------------------------------- rules


def _check_text(text: str) -> None:
    if not text.strip():
        raise InvalidCommand("A note needs some text.", code="invalid_text")
    if len(text) > TEXT_MAX:
        raise InvalidCommand(
            f"A note holds at most {TEXT_MAX} characters ({len(text)} given).",
            code="invalid_text",
        )
    check_characters(text, "invalid_text", "note")


def _check_label(label: str, limit: int = LABEL_MAX, code: str = "invalid_label") -> None:
    if not label.strip() or len(label) > limit:
        raise InvalidCommand(f"A {noun(code)} has 1 to {limit} characters.", code=code)
    check_characters(label, code)


def _check_point(x: float, y: float) -> None:
    for value in (x, y):
        if not math.isfinite(value) or abs(value) > COORD_LIMIT:
            raise InvalidCommand(
                f"Coordinates must be finite numbers within ±{COORD_LIMIT:g}.",
                code="invalid_coordinates",
            )


def _place(
    state: Board, command: AddNote | CreateCluster, width: float, height: float
) -> tuple[float, float]:
    """Where a new item goes: at ``x, y`` when both are given (the sender placed it, as a drag
    does), else in the free space nearest to ``near`` (``invalid_coordinates`` for one of
    ``x, y`` alone, or for ``x, y`` with ``near``)."""
    x, y, near = command.x, command.y, command.near
    if x is not None and y is not None and near is None:
        _check_point(x, y)
        return x, y
    if x is not None or y is not None:
        raise InvalidCommand(
            "Give both x and y, or near (or neither) for a new item.", code="invalid_coordinates"
        )
    if near is not None:
        _check_point(near.x, near.y)
    return placement.spot(state, width, height, None if near is None else (near.x, near.y))


def _check_new_id(state: Board, entity_id: str) -> None:
    if entity_id in state.notes or entity_id in state.clusters:
        raise AlreadyExists(
            f"The id {entity_id!r} is already used on this board.", code="duplicate_id"
        )


def _check_may_change_text(note: NoteState, actor: Actor) -> None:
    if actor.role != "facilitator" and note.author != actor.id:
        raise Forbidden(
            "Only the note's author or a facilitator may change or delete it.", code="not_author"
        )


def decide(state: Board, command: Command, actor: Actor) -> list[Event]:
    """The events that ``command`` by ``actor`` produces on ``state``; ``[]`` if nothing changes.

    Raises a ``DomainError`` (``forbidden`` per ``domain.roles``, ``board_not_found``,
    ``board_locked``, ``wrong_phase``, ``invalid_text``, …) when a rule says no.
    """
    tag = tag_of(command)
    authorize(actor, tag)
    if isinstance(command, CreateBoard):
        return _decide_create(state, command)
    if not state.created:
        raise NotFound("This board does not exist.", code="board_not_found")
    facilitation.gate(state, tag, actor)
    if isinstance(command, facilitation.FacilitationCommand):
        return list(facilitation.decide(state, command))
    if isinstance(command, voting.VotingCommand):
        return list(voting.decide(state, command, actor))
    if isinstance(command, decisions.DecisionCommand):
        return list(decisions.decide(state, command, actor))
    if isinstance(command, board_setup.SetupCommand):
        return list(board_setup.decide(state, command))
    if isinstance(command, discussion.DiscussionCommand):
        return list(discussion.decide(state, command, actor))
    if isinstance(command, undo.UndoCommand):
        return undo.decide(state, command, actor)
    return _decide_on_board(state, command, actor)


def _decide_create(state: Board, command: CreateBoard) -> list[Event]:
    if state.created:
        raise AlreadyExists("This board exists already.", code="board_exists")
    _check_label(command.title, TITLE_MAX, "invalid_title")
    return [
        BoardCreated(
            board_id=command.board_id,
            workshop_id=command.workshop_id,
            title=command.title,
            kind=command.kind,
        )
    ]


def _decide_on_board(state: Board, command: NoteCommand, actor: Actor) -> list[Event]:
    match command:
        case AddNote(note_id=note_id, text=text, colour=colour):
            _check_new_id(state, note_id)
            _check_text(text)
            x, y = _place(state, command, layout.NOTE_W, layout.NOTE_MAX_H)
            private = state.private_writing and actor.role != "facilitator"
            return [
                NoteAdded(
                    note_id=note_id,
                    text=text,
                    x=x,
                    y=y,
                    colour=colour,
                    author=actor.id,
                    private_to=actor.id if private else None,
                )
            ]
        case EditNote(note_id=note_id, text=text):
            note = live_note(state, note_id, actor.id)
            _check_may_change_text(note, actor)
            _check_text(text)
            if note.text == text:
                return []
            return [NoteEdited(note_id=note_id, text=text, private_to=_private(note))]
        case MoveNote(note_id=note_id, x=x, y=y):
            note = live_note(state, note_id, actor.id)
            _check_point(x, y)
            if (note.x, note.y) == (x, y):
                return []
            return [NoteMoved(note_id=note_id, x=x, y=y, private_to=_private(note))]
        case RecolourNote(note_id=note_id, colour=colour):
            note = live_note(state, note_id, actor.id)
            _check_may_change_text(note, actor)
            if note.colour == colour:
                return []
            return [NoteRecoloured(note_id=note_id, colour=colour, private_to=_private(note))]
        case DeleteNote(note_id=note_id):
            note = live_note(state, note_id, actor.id)
            _check_may_change_text(note, actor)
            return [NoteDeleted(note_id=note_id, private_to=_private(note))]
        case PlaceNotes(notes=notes):
            return _decide_place(state, notes)
        case BatchNotes(commands=commands):
            return _decide_batch(state, commands, actor)
        case ClusterNote(note_id=note_id, cluster_id=cluster_id):
            note = live_note(state, note_id, actor.id)
            if note.hidden:
                raise InvalidCommand(
                    "A hidden note joins a cluster once it is revealed.", code="note_hidden"
                )
            if cluster_id is not None:
                live_cluster(state, cluster_id)
            if note.cluster_id == cluster_id:
                return []
            return [NoteClustered(note_id=note_id, cluster_id=cluster_id)]
        case _:
            return _decide_on_cluster(state, command)


def _decide_place(state: Board, notes: tuple[PlacedNote, ...]) -> list[Event]:
    """Each note as its author's private note: recorded by the facilitator who placed it (the
    event's actor), written by ``author`` (``docs/api.md``, "Prework")."""
    if not 0 < len(notes) <= PLACE_MAX:
        raise InvalidCommand(f"Place 1 to {PLACE_MAX} notes.", code="invalid_command")
    events: list[Event] = [] if state.private_writing else [facilitation.PrivateWritingStarted()]
    seen: set[str] = set()
    for note in notes:
        _check_new_id(state, note.note_id)
        if note.note_id in seen:
            raise AlreadyExists(f"The id {note.note_id!r} is given twice.", code="duplicate_id")
        seen.add(note.note_id)
        _check_text(note.text)
        _check_point(note.x, note.y)
        _check_fields(note.fields)
        added = NoteAdded(
            note_id=note.note_id,
            text=note.text,
            x=note.x,
            y=note.y,
            colour=note.colour,
            author=note.author,
            private_to=note.author,
            fields=note.fields,
        )
        events.append(added)
    return events


def _decide_batch(state: Board, commands: tuple[BatchItem, ...], actor: Actor) -> list[Event]:
    """Each command on the state the ones before it left; a refusal names the command (its
    place, from 1, and type) and keeps its code, and nothing is recorded."""
    if not 0 < len(commands) <= BATCH_MAX:
        raise InvalidCommand(f"A batch holds 1 to {BATCH_MAX} commands.", code="invalid_command")
    events: list[Event] = []
    for place, command in enumerate(commands, 1):
        tag = tag_of(command)
        try:
            authorize(actor, tag)
            facilitation.gate(state, tag, actor)
            step = _decide_on_board(state, command, actor)
        except DomainError as refusal:
            message = f"Command {place} of the batch ({tag}): {refusal.message}"
            raise type(refusal)(message, code=refusal.code) from refusal
        events.extend(step)
        state = fold(step, state)
    return events


def _check_fields(fields: tuple[NoteField, ...]) -> None:
    if len(fields) > FIELDS_MAX:
        raise InvalidCommand(f"A card has at most {FIELDS_MAX} fields.", code="invalid_text")
    for field in fields:
        _check_label(field.label)
        _check_text(field.text)


def _private(note: NoteState) -> str | None:
    """Who alone may see an event about ``note``: its author while it is hidden."""
    return note.author if note.hidden else None


def _decide_on_cluster(state: Board, command: NoteCommand) -> list[Event]:
    match command:
        case CreateCluster(cluster_id=cluster_id, label=label):
            _check_new_id(state, cluster_id)
            _check_label(label)
            x, y = _place(state, command, layout.CLUSTER_MIN_W, layout.CLUSTER_MIN_H)
            return [ClusterCreated(cluster_id=cluster_id, label=label, x=x, y=y)]
        case RenameCluster(cluster_id=cluster_id, label=label):
            cluster = live_cluster(state, cluster_id)
            _check_label(label)
            return (
                []
                if cluster.label == label
                else [ClusterRenamed(cluster_id=cluster_id, label=label)]
            )
        case MoveCluster(cluster_id=cluster_id, x=x, y=y):
            cluster = live_cluster(state, cluster_id)
            _check_point(x, y)
            if (cluster.x, cluster.y) == (x, y):
                return []
            return [ClusterMoved(cluster_id=cluster_id, x=x, y=y)]
        case DeleteCluster(cluster_id=cluster_id):
            live_cluster(state, cluster_id)
            members = cluster_members(state, cluster_id)
            return [ClusterDeleted(cluster_id=cluster_id, released_note_ids=members)]
        case TidyCluster(cluster_id=cluster_id):
            live_cluster(state, cluster_id)
            return _moves(state, placement.tidy_cluster(state, cluster_id))
        case TidyBoard():
            return _moves(state, placement.tidy_board(state))
        case MergeClusters(cluster_id=cluster_id, into_cluster_id=into):
            source = live_cluster(state, cluster_id)
            live_cluster(state, into)
            if cluster_id == into:
                raise InvalidCommand("A cluster merges into another one.", code="invalid_command")
            moved = cluster_members(state, cluster_id)
            merged = ClustersMerged(
                cluster_id=cluster_id,
                into_cluster_id=into,
                label=source.label,
                moved_note_ids=moved,
            )
            return [merged]
    raise InvalidCommand(f"Unknown board command {type(command).__name__}.", code="unknown_command")


def _moves(state: Board, places: dict[str, tuple[float, float]]) -> list[Event]:
    """A move for each item of ``places`` (item id → where it goes) not there already: the
    clusters', then the notes' (a hidden note's move is its author's alone)."""
    events: list[Event] = []
    for item, (x, y) in places.items():
        cluster = state.clusters.get(item)
        if cluster is not None and (cluster.x, cluster.y) != (x, y):
            events.append(ClusterMoved(cluster_id=item, x=x, y=y))
    for item, (x, y) in places.items():
        note = state.notes.get(item)
        if note is not None and (note.x, note.y) != (x, y):
            events.append(NoteMoved(note_id=item, x=x, y=y, private_to=_private(note)))
    return events


# --------------------------------------------------------------------------- evolve


def _with_note(state: Board, note_id: str, note: NoteState) -> Board:
    return msgspec.structs.replace(state, notes={**state.notes, note_id: note})


def _with_cluster(state: Board, cluster_id: str, cluster: ClusterState) -> Board:
    return msgspec.structs.replace(state, clusters={**state.clusters, cluster_id: cluster})


def evolve(state: Board, event: Event) -> Board:
    """``state`` with ``event`` applied. Never raises for an event ``decide`` once produced."""
    state = msgspec.structs.replace(state, version=state.version + 1)
    if isinstance(event, facilitation.FacilitationEvent):
        return facilitation.evolve(state, event)
    if isinstance(event, voting.VotingEvent):
        return voting.evolve(state, event)
    if isinstance(event, decisions.DecisionEvent):
        return decisions.evolve(state, event)
    if isinstance(event, board_setup.SetupEvent):
        return board_setup.evolve(state, event)
    if isinstance(event, discussion.DiscussionEvent):
        return discussion.evolve(state, event)
    if isinstance(event, undo.UndoEvent):
        return state  # a mark: the events after it do the undoing
    return _evolve_note(state, event)


def evolve_by(state: Board, event: Event, meta: EventMeta) -> Board:
    """``evolve``, keeping what ``meta``'s person changed for their undo (``domain.undo``)."""
    return undo.keep(state, evolve(state, event), event, meta)


def _evolve_note(state: Board, event: NoteEvent) -> Board:
    replace = msgspec.structs.replace
    notes = state.notes
    match event:
        case BoardCreated():
            return replace(
                state,
                board_id=event.board_id,
                workshop_id=event.workshop_id,
                title=event.title,
                kind=event.kind,
                created=True,
            )
        case NoteAdded():
            note = NoteState(
                author=event.author,
                text=event.text,
                x=event.x,
                y=event.y,
                colour=event.colour,
                hidden=event.private_to is not None,
                fields=event.fields,
            )
            return _with_note(state, event.note_id, note)
        case NoteEdited():
            return _with_note(state, event.note_id, replace(notes[event.note_id], text=event.text))
        case NoteMoved():
            moved = replace(notes[event.note_id], x=event.x, y=event.y)
            return _with_note(state, event.note_id, moved)
        case NoteRecoloured():
            recoloured = replace(notes[event.note_id], colour=event.colour)
            return _with_note(state, event.note_id, recoloured)
        case NoteDeleted():
            return _with_note(state, event.note_id, replace(notes[event.note_id], deleted=True))
        case NoteClustered():
            clustered = replace(notes[event.note_id], cluster_id=event.cluster_id)
            return _with_note(state, event.note_id, clustered)
        case _:
            return _evolve_cluster(state, event)


def _evolve_cluster(state: Board, event: NoteEvent) -> Board:
    replace = msgspec.structs.replace
    match event:
        case ClusterCreated():
            cluster = ClusterState(label=event.label, x=event.x, y=event.y)
            return _with_cluster(state, event.cluster_id, cluster)
        case ClusterRenamed():
            renamed = replace(state.clusters[event.cluster_id], label=event.label)
            return _with_cluster(state, event.cluster_id, renamed)
        case ClusterMoved():
            moved = replace(state.clusters[event.cluster_id], x=event.x, y=event.y)
            return _with_cluster(state, event.cluster_id, moved)
        case ClusterDeleted():
            notes = dict(state.notes)
            for note_id in event.released_note_ids:
                notes[note_id] = replace(notes[note_id], cluster_id=None)
            clusters = {
                **state.clusters,
                event.cluster_id: replace(state.clusters[event.cluster_id], deleted=True),
            }
            return replace(state, notes=notes, clusters=clusters)
        case ClustersMerged():
            notes = dict(state.notes)
            for note_id in event.moved_note_ids:
                notes[note_id] = replace(notes[note_id], cluster_id=event.into_cluster_id)
            clusters = {
                **state.clusters,
                event.cluster_id: replace(state.clusters[event.cluster_id], deleted=True),
            }
            return replace(state, notes=notes, clusters=clusters)
    return state


def fold(events: list[Event], state: Board = initial_state) -> Board:
    """The state after applying ``events`` in order to ``state``."""
    for event in events:
        state = evolve(state, event)
    return state


DECIDER: Decider[Board, Command, Event] = Decider(
    name="board",
    initial_state=initial_state,
    decide=decide,
    evolve=evolve,
    state_type=Board,
    event_type=Event,
    command_type=Command,
    snapshot_kind="board-state/6",
    evolve_by=evolve_by,
)
