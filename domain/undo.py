"""Undo and redo, each person their own: ``change.undo`` takes back the person's last change and
never anyone else's; ``change.redo`` makes the last one taken back again.

A change is what one command of a person did to the board's notes and clusters: each item as
the command found it and as it left it (``board_state.Change``). ``keep`` records them from the
events and who caused them (their meta), so a person's changes are known wherever the board is
loaded: after a reconnect, after a restart. An undo records ``change.undone`` and then events of
the existing kinds that bring the items back to how the change found them; a redo records
``change.redone`` and those that take them to how it left them. The log keeps all of it.

What can be undone: the commands whose events are in ``UNDOABLE`` (notes and clusters: add,
edit, move, recolour, delete, cluster, create, rename, merge). Votes, grid places, decisions and the
facilitator's controls are not: each is taken back with its own command (``vote.retract``, …).
An undo passes the rules of the command it takes back again (the lock, the phase); it is
refused (``undo_conflict``, ``redo_conflict``) when an item is no longer as the change left it
(or, for a redo, as the undo left it): someone else changed it since.

This module builds board events, and ``domain.board`` routes its commands here: the board's
events are imported where they are used, once both modules are loaded.

A little over 300 lines, on purpose: the rules of an undo, the events that carry it out and
the keeping of changes they read are one mechanism, and read together.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec

from domain import facilitation
from domain.actor import Actor
from domain.board_state import (
    Board,
    Change,
    Changes,
    ClusterChange,
    ClusterState,
    NoteChange,
    NoteState,
    cluster_members,
)
from domain.codec import tag_of
from domain.errors import InvalidCommand, NotFound
from domain.recorded import EventMeta

if TYPE_CHECKING:
    from domain import board

UNDO_MAX = 100
"""Changes one person may take back, at most: older ones drop off the bottom."""

UNDOABLE: Mapping[str, str] = {
    "note.added": "note.add",
    "note.edited": "note.edit",
    "note.moved": "note.move",
    "note.recoloured": "note.recolour",
    "note.deleted": "note.delete",
    "note.clustered": "note.cluster",
    "cluster.created": "cluster.create",
    "cluster.renamed": "cluster.rename",
    "cluster.moved": "cluster.move",
    "cluster.deleted": "cluster.delete",
    "cluster.merged": "cluster.merge",
}
"""Event tag → the command tag whose rules its undo passes again. A command's change is every
such event it recorded; its other events (none today) are not taken back."""

ChangeId = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


class UndoCommand(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of ``change.undo`` and ``change.redo``."""


class UndoChange(UndoCommand, frozen=True, kw_only=True, tag="change.undo"):
    """Take back my last change; ``change_id`` (the command id it was sent with), if given,
    must name it (``not_last_change``), so a retried undo never takes back the one before."""

    change_id: ChangeId | None = None


class RedoChange(UndoCommand, frozen=True, kw_only=True, tag="change.redo"):
    """Make my last change taken back again; ``change_id`` as for ``change.undo``."""

    change_id: ChangeId | None = None


Command = UndoChange | RedoChange


class UndoEvent(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of the marks that say the events after them, of the same command, undo or redo."""


class ChangeUndone(UndoEvent, frozen=True, kw_only=True, tag="change.undone"):
    """The events after this one, of the same command, take back the change ``change_id``
    (the id of the command that made it) of the person who sent it."""

    change_id: str


class ChangeRedone(UndoEvent, frozen=True, kw_only=True, tag="change.redone"):
    """The events after this one, of the same command, make the change ``change_id`` again."""

    change_id: str


Event = ChangeUndone | ChangeRedone

Direction = Literal["undo", "redo"]


# --------------------------------------------------------------------------- rules


def decide(state: Board, command: Command, actor: Actor) -> list[board.Event]:
    """The events that undo or redo ``actor``'s last change (the caller checked the role and
    the board). Raises ``nothing_to_undo`` / ``nothing_to_redo``, ``not_last_change``,
    ``undo_conflict`` / ``redo_conflict`` and the original command's ``board_locked`` or
    ``wrong_phase``."""
    mine = state.changes.get(actor.id, Changes())
    direction: Direction = "undo" if isinstance(command, UndoChange) else "redo"
    stack = mine.undo if direction == "undo" else mine.redo
    if not stack and direction == "undo":
        raise NotFound("You have no change to take back.", code="nothing_to_undo")
    if not stack:
        raise NotFound("You have no change to make again.", code="nothing_to_redo")
    change = stack[-1]
    if command.change_id is not None and command.change_id != change.change_id:
        raise InvalidCommand(
            f"Your last change is not {command.change_id!r}.", code="not_last_change"
        )
    for tag in change.tags:
        facilitation.gate(state, tag, actor)
    _check_untouched(state, change, direction)
    mark: Event = (
        ChangeUndone(change_id=change.change_id)
        if direction == "undo"
        else ChangeRedone(change_id=change.change_id)
    )
    return [mark, *_towards(state, change, direction)]


def notes_brought_back(state: Board, person: str, command: Command) -> int:
    """How many notes ``person``'s ``command`` would put (back) on the board if accepted: for
    the service's limit of notes per board."""
    mine = state.changes.get(person, Changes())
    undoing = isinstance(command, UndoChange)
    stack = mine.undo if undoing else mine.redo
    if not stack:
        return 0
    return sum(
        _note_face(state.notes.get(nc.note_id)) is None
        and _note_face(nc.before if undoing else nc.after) is not None
        for nc in stack[-1].notes
    )


def _check_untouched(state: Board, change: Change, direction: Direction) -> None:
    """Refuse unless every item of ``change`` is as the change (undo) or its undo (redo) left
    it, and a cluster about to go holds no note the change did not move."""
    what = _touched(state, change, direction)
    if what is None:
        return
    if direction == "undo":
        raise InvalidCommand(
            f"Someone has changed this {what} since; your change cannot be taken back.",
            code="undo_conflict",
        )
    raise InvalidCommand(
        f"Someone has changed this {what} since you took your change back; "
        "it cannot be made again.",
        code="redo_conflict",
    )


def _touched(state: Board, change: Change, direction: Direction) -> str | None:
    """``"note"`` or ``"cluster"``: an item of ``change`` someone changed since; else ``None``."""
    for nc in change.notes:
        expected = nc.after if direction == "undo" else nc.before
        if _note_face(state.notes.get(nc.note_id)) != _note_face(expected):
            return "note"
    ours = {nc.note_id for nc in change.notes}
    for cc in change.clusters:
        expected_cluster = cc.after if direction == "undo" else cc.before
        wanted = cc.before if direction == "undo" else cc.after
        current = state.clusters.get(cc.cluster_id)
        if _cluster_face(current) != _cluster_face(expected_cluster):
            return "cluster"
        going = _cluster_face(wanted) is None and _cluster_face(current) is not None
        if going and set(cluster_members(state, cc.cluster_id)) - ours:
            return "cluster"
    return None


def _note_face(note: NoteState | None) -> tuple[Any, ...] | None:
    """What people see of a note, to tell whether it changed; ``None`` when it is gone."""
    if note is None or note.deleted:
        return None
    return (note.text, note.x, note.y, note.colour, note.cluster_id, note.fields)


def _cluster_face(cluster: ClusterState | None) -> tuple[Any, ...] | None:
    if cluster is None or cluster.deleted:
        return None
    return (cluster.label, cluster.x, cluster.y)


def _towards(state: Board, change: Change, direction: Direction) -> list[board.Event]:
    """Events of the existing kinds that bring ``change``'s items to how it found them (undo)
    or left them (redo): clusters come back first, then notes, then clusters go."""
    from domain import board  # imports this module: loaded by the time anything is decided

    events: list[board.Event] = []
    going: list[str] = []
    for cc in change.clusters:
        now = state.clusters.get(cc.cluster_id)
        want = cc.before if direction == "undo" else cc.after
        events += _cluster_towards(cc.cluster_id, now, want)
        if _cluster_face(want) is None and _cluster_face(now) is not None:
            going.append(cc.cluster_id)
    scratch = board.fold(events, state)
    for nc in change.notes:
        want_note = nc.before if direction == "undo" else nc.after
        events += _note_towards(scratch, nc.note_id, want_note, frozenset(going))
    scratch = board.fold(events, state)
    for cluster_id in going:
        released = cluster_members(scratch, cluster_id)
        events.append(board.ClusterDeleted(cluster_id=cluster_id, released_note_ids=released))
    return events


def _cluster_towards(
    cluster_id: str, now: ClusterState | None, want: ClusterState | None
) -> Iterator[board.Event]:
    from domain import board

    if want is None or want.deleted or now is None:
        return
    if now.deleted:
        yield board.ClusterCreated(cluster_id=cluster_id, label=want.label, x=want.x, y=want.y)
        return
    if now.label != want.label:
        yield board.ClusterRenamed(cluster_id=cluster_id, label=want.label)
    if (now.x, now.y) != (want.x, want.y):
        yield board.ClusterMoved(cluster_id=cluster_id, x=want.x, y=want.y)


def _note_towards(
    state: Board, note_id: str, want: NoteState | None, going: frozenset[str]
) -> Iterator[board.Event]:
    """The events that turn the note ``note_id`` into ``want`` (``None``: gone) on ``state``,
    where the clusters in ``going`` are about to be deleted (they release their notes)."""
    from domain import board

    now = state.notes.get(note_id)
    if now is None or now.deleted:
        if want is not None and not want.deleted:
            yield from _restored(state, note_id, want, now)
        return
    private = now.author if now.hidden else None
    if want is None or want.deleted:
        yield board.NoteDeleted(note_id=note_id, private_to=private)
        return
    if now.text != want.text:
        yield board.NoteEdited(note_id=note_id, text=want.text, private_to=private)
    if (now.x, now.y) != (want.x, want.y):
        yield board.NoteMoved(note_id=note_id, x=want.x, y=want.y, private_to=private)
    if now.colour != want.colour:
        yield board.NoteRecoloured(note_id=note_id, colour=want.colour, private_to=private)
    target = want.cluster_id if _live_cluster(state, want.cluster_id) else None
    if now.cluster_id != target and not (target is None and now.cluster_id in going):
        yield board.NoteClustered(note_id=note_id, cluster_id=target)


def _restored(
    state: Board, note_id: str, want: NoteState, now: NoteState | None
) -> Iterator[board.Event]:
    """A note brought back as ``want`` (a ``note.added`` of the same id, then its cluster):
    still private to its author if it was and private writing is still on."""
    from domain import board

    hidden = (now or want).hidden and state.private_writing
    yield board.NoteAdded(
        note_id=note_id,
        text=want.text,
        x=want.x,
        y=want.y,
        colour=want.colour,
        author=want.author,
        private_to=want.author if hidden else None,
        fields=want.fields,
    )
    if want.cluster_id is not None and _live_cluster(state, want.cluster_id) and not hidden:
        yield board.NoteClustered(note_id=note_id, cluster_id=want.cluster_id)


def _live_cluster(state: Board, cluster_id: str | None) -> bool:
    cluster = state.clusters.get(cluster_id) if cluster_id is not None else None
    return cluster is not None and not cluster.deleted


# --------------------------------------------------------------------------- keeping changes


def keep(before: Board, after: Board, event: Any, meta: EventMeta) -> Board:
    """``after`` (``event`` applied to ``before``) with the change ``meta``'s person made kept
    for their undo: a new change clears their redo; an undo's or redo's own events are none."""
    if isinstance(event, ChangeUndone | ChangeRedone):
        return _moved(after, event, meta)
    tag = tag_of(event)
    if tag not in UNDOABLE or after.replaying == meta.command_id:
        return after
    if tag == "note.added" and event.author != meta.actor:
        return after  # a note placed for its author (prework): not the placer's to take back
    notes: tuple[str, ...] = ()
    clusters: tuple[str, ...] = ()
    if tag.startswith("note."):
        notes = (event.note_id,)
    else:
        clusters = (event.cluster_id,)
        notes = tuple(
            getattr(event, "released_note_ids", ()) or getattr(event, "moved_note_ids", ())
        )
    person = after.changes.get(meta.actor, Changes())
    top = person.undo[-1] if person.undo else None
    continued = top is not None and top.change_id == meta.command_id
    change = top if continued and top is not None else Change(change_id=meta.command_id)
    change = _with_items(change, UNDOABLE[tag], before, after, notes, clusters)
    undo = (*person.undo[:-1], change) if continued else (*person.undo, change)[-UNDO_MAX:]
    changes = {**after.changes, meta.actor: Changes(undo=undo)}
    return msgspec.structs.replace(after, changes=changes)


def _with_items(
    change: Change,
    tag: str,
    before: Board,
    after: Board,
    notes: tuple[str, ...],
    clusters: tuple[str, ...],
) -> Change:
    """``change`` with ``tag`` and the items an event changed: as first found, as left now."""
    note_changes = {nc.note_id: nc for nc in change.notes}
    for note_id in notes:
        found = (
            note_changes[note_id].before if note_id in note_changes else before.notes.get(note_id)
        )
        note_changes[note_id] = NoteChange(
            note_id=note_id, before=found, after=after.notes.get(note_id)
        )
    cluster_changes = {cc.cluster_id: cc for cc in change.clusters}
    for cluster_id in clusters:
        found_cluster = (
            cluster_changes[cluster_id].before
            if cluster_id in cluster_changes
            else before.clusters.get(cluster_id)
        )
        cluster_changes[cluster_id] = ClusterChange(
            cluster_id=cluster_id, before=found_cluster, after=after.clusters.get(cluster_id)
        )
    return Change(
        change_id=change.change_id,
        tags=change.tags if tag in change.tags else (*change.tags, tag),
        notes=tuple(note_changes.values()),
        clusters=tuple(cluster_changes.values()),
    )


def _moved(state: Board, event: Event, meta: EventMeta) -> Board:
    """The change an undo (redo) names moved to its person's redo (undo); the events that
    follow under the same command id are its own, not a new change."""
    person = state.changes.get(meta.actor, Changes())
    undoing = isinstance(event, ChangeUndone)
    source, target = (person.undo, person.redo) if undoing else (person.redo, person.undo)
    picked = [c for c in source if c.change_id == event.change_id][-1:]
    rest = tuple(c for c in source if c.change_id != event.change_id)
    moved = (*target, *picked)[-UNDO_MAX:]
    person = Changes(undo=rest, redo=moved) if undoing else Changes(undo=moved, redo=rest)
    changes = {**state.changes, meta.actor: person}
    return msgspec.structs.replace(state, changes=changes, replaying=meta.command_id)
