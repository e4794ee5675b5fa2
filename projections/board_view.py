"""The board people see: live notes and clusters with their authors, positions and times."""

from __future__ import annotations

from datetime import datetime

import msgspec

from domain import board
from domain.recorded import RecordedEvent
from domain.streams import board_id_of
from domain.types import Colour

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


class ClusterView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    label: str
    x: float
    y: float
    created_at: datetime
    version: int


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


def _note(view: BoardView, note_id: str, rec: RecordedEvent, **changes: object) -> BoardView:
    note = msgspec.structs.replace(
        view.notes[note_id], updated_at=rec.recorded_at, version=rec.version, **changes
    )
    return msgspec.structs.replace(view, notes={**view.notes, note_id: note})


def _cluster(view: BoardView, cluster_id: str, rec: RecordedEvent, **changes: object) -> BoardView:
    cluster = msgspec.structs.replace(view.clusters[cluster_id], version=rec.version, **changes)
    return msgspec.structs.replace(view, clusters={**view.clusters, cluster_id: cluster})


def _apply_event(view: BoardView, event: board.Event, rec: RecordedEvent) -> BoardView:
    replace = msgspec.structs.replace
    match event:
        case board.BoardCreated():
            return replace(view, workshop_id=event.workshop_id, title=event.title, kind=event.kind)
        case board.NoteAdded():
            note = NoteView(
                id=event.note_id,
                text=event.text,
                x=event.x,
                y=event.y,
                colour=event.colour,
                author=event.author,
                created_at=rec.recorded_at,
                updated_at=rec.recorded_at,
                version=rec.version,
            )
            return replace(view, notes={**view.notes, event.note_id: note})
        case board.NoteEdited():
            return _note(view, event.note_id, rec, text=event.text)
        case board.NoteMoved():
            return _note(view, event.note_id, rec, x=event.x, y=event.y)
        case board.NoteRecoloured():
            return _note(view, event.note_id, rec, colour=event.colour)
        case board.NoteClustered():
            return _note(view, event.note_id, rec, cluster_id=event.cluster_id)
        case board.NoteDeleted():
            return replace(view, notes={k: v for k, v in view.notes.items() if k != event.note_id})
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
    return view


class BoardViewProjection:
    """The ``board_view`` projection, keyed by board id."""

    name = "board_view"
    version = 1

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

    def encode(self, view: BoardView) -> bytes:
        return msgspec.json.encode(view)

    def decode(self, data: bytes) -> BoardView:
        return msgspec.json.decode(data, type=BoardView)


BOARD_VIEW = BoardViewProjection()
