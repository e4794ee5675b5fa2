"""How a facilitator runs a board: phases, a timer, private writing, anonymity and a lock.

The phase says what participants may do (``PARTICIPANT_PHASES``); facilitators may always
act, and going back to an earlier phase is just another ``phase.changed``. While the board is
locked, participants may do nothing. Private writing hides the notes participants write until
the facilitator reveals them; ``notes.revealed`` carries their content, so everyone who never
saw them gets them whole.

Just over 300 lines, on purpose: each control is a command, an event and a rule of a few lines,
and a facilitator's controls are read together.
"""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

from domain.actor import Actor
from domain.board_state import PHASES, Anonymity, Board, Id, NoteField, Phase, Timer
from domain.checks import check_characters
from domain.errors import Forbidden, InvalidCommand, NotFound
from domain.types import Colour

TIMER_MIN, TIMER_MAX = 10, 4 * 60 * 60
"""A timer runs 10 s to 4 h; an extension adds at most as much."""
TIMER_LABEL_MAX = 80

_WRITING: frozenset[Phase] = frozenset({"collect", "cluster"})
_CLUSTERING: frozenset[Phase] = frozenset({"collect", "cluster", "discuss"})
_PRIORITISING: frozenset[Phase] = frozenset({"vote", "discuss", "decide"})
_DISCUSSING: frozenset[Phase] = frozenset({"discuss", "decide"})

PARTICIPANT_PHASES: Mapping[str, frozenset[Phase]] = {
    "note.add": _WRITING,
    "note.edit": _WRITING,
    "note.recolour": _WRITING,
    "note.delete": _WRITING,
    "cluster.create": _CLUSTERING,
    "cluster.rename": _CLUSTERING,
    "cluster.delete": _CLUSTERING,
    "cluster.merge": _CLUSTERING,
    "note.cluster": _CLUSTERING,
    "grid.place": _PRIORITISING,
    "grid.remove": _PRIORITISING,
    "comment.add": _DISCUSSING,
}
"""Command tag → the phases in which a participant may issue it. Tags not listed (moving a
note or cluster, voting while a round is open) are not bound to a phase."""


class FacilitationCommand(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of the facilitator's board commands."""


class ChangePhase(FacilitationCommand, frozen=True, kw_only=True, tag="phase.change"):
    phase: Phase


class StartTimer(FacilitationCommand, frozen=True, kw_only=True, tag="timer.start"):
    seconds: int
    label: str = ""


class ExtendTimer(FacilitationCommand, frozen=True, kw_only=True, tag="timer.extend"):
    seconds: int


class StopTimer(FacilitationCommand, frozen=True, kw_only=True, tag="timer.stop"):
    pass


class StartPrivateWriting(FacilitationCommand, frozen=True, kw_only=True, tag="private.start"):
    pass


class RevealNotes(FacilitationCommand, frozen=True, kw_only=True, tag="notes.reveal"):
    pass


class SetAnonymity(FacilitationCommand, frozen=True, kw_only=True, tag="anonymity.set"):
    policy: Anonymity


class LockBoard(FacilitationCommand, frozen=True, kw_only=True, tag="board.lock"):
    pass


class UnlockBoard(FacilitationCommand, frozen=True, kw_only=True, tag="board.unlock"):
    pass


class GatherBoard(FacilitationCommand, frozen=True, kw_only=True, tag="board.gather"):
    """Everyone on this board to ``board_id``, the workshop's plenary board (the service
    checks that it is one: the board cannot see the workshop's other boards)."""

    board_id: Id


Command = (
    ChangePhase
    | StartTimer
    | ExtendTimer
    | StopTimer
    | StartPrivateWriting
    | RevealNotes
    | SetAnonymity
    | LockBoard
    | UnlockBoard
    | GatherBoard
)


class FacilitationEvent(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of the facilitator's board events."""


class PhaseChanged(FacilitationEvent, frozen=True, kw_only=True, tag="phase.changed"):
    phase: Phase
    previous: Phase


class TimerStarted(FacilitationEvent, frozen=True, kw_only=True, tag="timer.started"):
    """A timer of ``seconds`` starts at this event's record time (server time)."""

    seconds: int
    label: str = ""


class TimerExtended(FacilitationEvent, frozen=True, kw_only=True, tag="timer.extended"):
    seconds: int


class TimerStopped(FacilitationEvent, frozen=True, kw_only=True, tag="timer.stopped"):
    pass


class PrivateWritingStarted(
    FacilitationEvent, frozen=True, kw_only=True, tag="private_writing.started"
):
    pass


class RevealedNote(msgspec.Struct, frozen=True, kw_only=True):
    note_id: str
    text: str
    x: float
    y: float
    colour: Colour
    author: str
    fields: tuple[NoteField, ...] = ()
    """A card's fields, for those who never saw the hidden note."""


class NotesRevealed(FacilitationEvent, frozen=True, kw_only=True, tag="notes.revealed"):
    """Private writing ended; ``notes`` (as they are now) are visible to everyone."""

    notes: tuple[RevealedNote, ...] = ()


class AnonymitySet(FacilitationEvent, frozen=True, kw_only=True, tag="anonymity.set"):
    policy: Anonymity


class BoardLocked(FacilitationEvent, frozen=True, kw_only=True, tag="board.locked"):
    pass


class BoardUnlocked(FacilitationEvent, frozen=True, kw_only=True, tag="board.unlocked"):
    pass


class BoardGathered(FacilitationEvent, frozen=True, kw_only=True, tag="board.gathered"):
    """The facilitator called everyone on this board to the plenary board ``board_id``."""

    board_id: str


Event = (
    PhaseChanged
    | TimerStarted
    | TimerExtended
    | TimerStopped
    | PrivateWritingStarted
    | NotesRevealed
    | AnonymitySet
    | BoardLocked
    | BoardUnlocked
    | BoardGathered
)


# --------------------------------------------------------------------------- rules


def gate(state: Board, tag: str, actor: Actor) -> None:
    """Refuse a participant's command while the board is locked (``board_locked``) or in a
    phase that does not allow it (``wrong_phase``). Facilitators pass."""
    if actor.role == "facilitator":
        return
    if state.locked:
        raise Forbidden("The facilitator has locked this board.", code="board_locked")
    phases = PARTICIPANT_PHASES.get(tag)
    if phases is not None and state.phase not in phases:
        allowed = ", ".join(p for p in PHASES if p in phases)
        raise InvalidCommand(
            f"{tag!r} is open in the {allowed} phases; the board is in {state.phase!r}.",
            code="wrong_phase",
        )


def _check_seconds(seconds: int, high: int = TIMER_MAX) -> None:
    if not TIMER_MIN <= seconds <= high:
        raise InvalidCommand(
            f"A timer runs {TIMER_MIN} to {high} seconds.", code="invalid_duration"
        )


def decide(state: Board, command: Command) -> list[Event]:
    """The facilitation events for ``command`` (the caller checked the role and the board)."""
    match command:
        case ChangePhase(phase=phase):
            if phase == state.phase:
                return []
            if phase not in state.phases:
                raise InvalidCommand(
                    f"This board does not use the {phase} phase.", code="phase_not_used"
                )
            if state.open_round is not None:
                raise InvalidCommand(
                    "Close the open vote round before leaving the vote phase.", code="round_open"
                )
            return [PhaseChanged(phase=phase, previous=state.phase)]
        case StartTimer(seconds=seconds, label=label):
            _check_seconds(seconds)
            if len(label) > TIMER_LABEL_MAX:
                raise InvalidCommand(
                    f"A timer label has at most {TIMER_LABEL_MAX} characters.",
                    code="invalid_label",
                )
            check_characters(label, "invalid_label")
            return [TimerStarted(seconds=seconds, label=label)]
        case ExtendTimer(seconds=seconds):
            _check_seconds(seconds)
            if state.timer is None:
                raise NotFound("No timer is running.", code="no_timer")
            if state.timer.seconds + seconds > TIMER_MAX:
                raise InvalidCommand("A timer runs 4 hours at most.", code="invalid_duration")
            return [TimerExtended(seconds=seconds)]
        case StopTimer():
            return [] if state.timer is None else [TimerStopped()]
        case _:
            return _decide_board_mode(state, command)


def _decide_board_mode(state: Board, command: Command) -> list[Event]:
    match command:
        case StartPrivateWriting():
            return [] if state.private_writing else [PrivateWritingStarted()]
        case RevealNotes():
            hidden = sorted(
                (nid, n) for nid, n in state.notes.items() if n.hidden and not n.deleted
            )
            if not state.private_writing and not hidden:
                return []
            notes = tuple(
                RevealedNote(
                    note_id=nid,
                    text=n.text,
                    x=n.x,
                    y=n.y,
                    colour=n.colour,
                    author=n.author,
                    fields=n.fields,
                )
                for nid, n in hidden
            )
            return [NotesRevealed(notes=notes)]
        case SetAnonymity(policy=policy):
            if state.anonymity == policy:
                return []
            if policy == "named" and _people_acted(state):
                # Names would be shown on what people wrote or voted under a pseudonym.
                raise InvalidCommand(
                    "People wrote or voted here under pseudonyms; the board stays pseudonymous.",
                    code="anonymity_irreversible",
                )
            return [AnonymitySet(policy=policy)]
        case LockBoard():
            return [] if state.locked else [BoardLocked()]
        case UnlockBoard():
            return [BoardUnlocked()] if state.locked else []
        case GatherBoard(board_id=target):
            # Recorded each time: calling people again is a new call, not a no-op.
            return [BoardGathered(board_id=target)]
    raise InvalidCommand(f"Unknown board command {type(command).__name__}.", code="unknown_command")


def _people_acted(state: Board) -> bool:
    """Whether anything on the board was done by people under its pseudonyms."""
    return bool(state.notes or state.clusters or state.rounds or state.grid or state.decisions)


# --------------------------------------------------------------------------- evolve


def evolve(state: Board, event: Event) -> Board:
    """``state`` with ``event`` applied; never raises."""
    replace = msgspec.structs.replace
    match event:
        case PhaseChanged():
            return replace(state, phase=event.phase)
        case TimerStarted():
            return replace(state, timer=Timer(seconds=event.seconds, label=event.label))
        case TimerExtended():
            timer = state.timer or Timer(seconds=0)
            return replace(state, timer=replace(timer, seconds=timer.seconds + event.seconds))
        case TimerStopped():
            return replace(state, timer=None)
        case PrivateWritingStarted():
            return replace(state, private_writing=True)
        case NotesRevealed():
            # Only the notes the event carries: one deleted while hidden was never anyone
            # else's to see and stays unknown to them (as in ``projections.board_view``).
            notes = dict(state.notes)
            for revealed in event.notes:
                if revealed.note_id in notes:
                    notes[revealed.note_id] = replace(notes[revealed.note_id], hidden=False)
            return replace(state, private_writing=False, notes=notes)
        case AnonymitySet():
            return replace(state, anonymity=event.policy)
        case BoardLocked():
            return replace(state, locked=True)
        case BoardUnlocked():
            return replace(state, locked=False)
    return state
