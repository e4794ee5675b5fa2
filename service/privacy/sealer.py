"""Sealing at append: the runner's hook that seals each decided event's personal strings
(``domain.personal``) with the key of the person they belong to, before they are encoded.

Most owners are in the event itself (its actor, an ``author``); copies belong to whoever
wrote the original: a decided note's author in the board's state, a promoted copy's source
note on its own board (on a pseudonymous source the copy's ``author`` is blank), and a
cluster's label (a decided or merged cluster's) to whoever last wrote it, as the stored
label's own seal says. An owner that cannot be found seals with the actor's key. Empty
strings are stored as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec

from domain import board
from domain.actor import Actor
from domain.board import TITLE_MAX
from domain.board_state import Board
from domain.codec import tag_of
from domain.decisions import DecisionRecorded, PromotedCluster, PromotedNote
from domain.personal import SEALED, Owner, Path
from domain.solution import TrackStarted
from domain.streams import board_stream
from service.commands.runner import CommandRunner
from service.privacy import marker
from service.privacy.store import PrivateStore

E = TypeVar("E")

_LABELLED = frozenset({"cluster.created", "cluster.renamed"})
_ORIGIN_DEPTH = 3
"""How many promotions back a copy's author is looked for (one in practice)."""


class _Label(msgspec.Struct):
    cluster_id: str = ""
    label: str = ""


class _Promoted(msgspec.Struct):
    clusters: list[_Label] = msgspec.field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Decided:
    """Where an event was decided: owners are looked up there."""

    stream_id: str
    state: Any
    actor: Actor


class TextSealer:
    """Seals for one service: ``runner.seal = TextSealer(store, runner)``. (Not
    ``service.sealing``, which signs checkpoints of the log.)"""

    def __init__(self, store: PrivateStore, runner: CommandRunner) -> None:
        self.store = store
        self.runner = runner

    async def __call__(self, stream_id: str, state: Any, events: list[E], actor: Actor) -> list[E]:
        """``events`` with every personal string sealed; events with none are kept as they are."""
        at = _Decided(stream_id, state, actor)
        sealed: list[E] = []
        for event in events:
            assert isinstance(event, msgspec.Struct)
            for path, owner in SEALED.get(tag_of(event), ()):
                event = await self._sealed(event, path, owner, at, event)
            sealed.append(event)
        return sealed

    async def _sealed(self, value: Any, path: Path, owner: Owner, at: _Decided, holder: Any) -> Any:
        """``value`` with the string(s) at ``path`` sealed; ``holder`` is the innermost struct
        on the way (the one an ``author`` or ``note_id`` is read from)."""
        if not path:
            if not value:
                return value
            person = await self._owner(owner, holder, at) or at.actor.id
            cipher = await self.store.keys.for_sealing(person)
            if cipher is None:
                return marker.shredded(person)
            return marker.seal(cipher, person, value)
        head, rest = path[0], path[1:]
        if head == "*":
            return tuple(
                [
                    await self._sealed(v, rest, owner, at, v if _names_owner(v) else holder)
                    for v in value
                ]
            )
        child = getattr(value, head)
        inner = child if _names_owner(child) else holder
        return msgspec.structs.replace(
            value, **{head: await self._sealed(child, rest, owner, at, inner)}
        )

    async def _owner(self, owner: Owner, holder: Any, at: _Decided) -> str | None:
        match owner:
            case "actor":
                return at.actor.id
            case "joiner":
                return str(holder.actor_id)
            case "organiser":
                return str(holder.organiser_id)
            case "author":
                return str(holder.author)
            case "note":
                return await self._note_owner(at.state, holder.note_id)
            case "item":
                assert isinstance(holder, DecisionRecorded)
                return await self._item_owner(at.state, at.stream_id, holder.item_id)
            case "label":
                return await self._label_owner(at.stream_id, holder.cluster_id)
            case "origin":
                return await self._origin_owner(holder)
            case "decided":
                return await self._decided_owner(holder, at.actor)

    async def _note_owner(self, state: Any, note_id: str, depth: int = 0) -> str | None:
        """The author of ``note_id`` on the board ``state``, or of its source if it is a copy
        without one."""
        note = state.notes.get(note_id) if isinstance(state, Board) else None
        if note is None:
            return None
        if note.author or note.origin is None or depth >= _ORIGIN_DEPTH:
            return note.author or None
        source = await self._board(note.origin.board_id)
        return await self._note_owner(source, note.origin.item_id, depth + 1)

    async def _item_owner(self, state: Any, stream_id: str, item_id: str) -> str | None:
        if isinstance(state, Board) and item_id in state.notes:
            return await self._note_owner(state, item_id)
        return await self._label_owner(stream_id, item_id)

    async def _origin_owner(self, holder: Any) -> str | None:
        if isinstance(holder, PromotedNote):
            source = await self._board(holder.origin.board_id)
            return await self._note_owner(source, holder.origin.item_id)
        assert isinstance(holder, PromotedCluster)
        return await self._label_owner(board_stream(holder.origin.board_id), holder.origin.item_id)

    async def _decided_owner(self, holder: Any, actor: Actor) -> str | None:
        """A track's title taken from its decision is the decided item's writer's."""
        assert isinstance(holder, TrackStarted)
        source = await self._board(holder.board_id)
        decision = source.decisions.get(holder.decision_id)
        if decision is None or holder.title != decision.title[:TITLE_MAX]:
            return actor.id
        return await self._item_owner(source, board_stream(holder.board_id), decision.item_id)

    async def _label_owner(self, stream_id: str, cluster_id: str) -> str | None:
        """Whoever wrote the cluster's label as it is now: the person its stored seal names
        (the writer's, or for a promoted cluster its source's), else the event's actor."""
        for rec in reversed(await self.store.read_stream_stored(stream_id)):
            if rec.type in _LABELLED:
                labelled = msgspec.json.decode(rec.data, type=_Label)
                if labelled.cluster_id == cluster_id:
                    return marker.owner_of(labelled.label) or rec.meta.actor
            elif rec.type == "items.promoted":
                promoted = msgspec.json.decode(rec.data, type=_Promoted)
                for copy in promoted.clusters:
                    if copy.cluster_id == cluster_id:
                        return marker.owner_of(copy.label) or rec.meta.actor
        return None

    async def _board(self, board_id: str) -> Board:
        loaded = await self.runner.load(board.DECIDER, board_stream(board_id), trust_cache=True)
        return loaded.state


_OWNER_FIELDS = ("author", "note_id", "actor_id", "organiser_id", "origin", "item_id")


def _names_owner(value: object) -> bool:
    """Whether ``value`` is a struct that names whose its texts are: a card's field or a
    prework answer does not, so its text belongs to the struct around it (the note's author)."""
    return isinstance(value, msgspec.Struct) and any(hasattr(value, name) for name in _OWNER_FIELDS)
