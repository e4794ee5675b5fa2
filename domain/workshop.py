"""The workshop decider (stream ``workshop-<id>``): what a workshop is and which boards it has.

Facilitated programmes grow this module: invites, groups, phases, outcomes.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from domain.actor import Actor
from domain.board import TITLE_MAX, BoardKind, Id
from domain.decider import Decider
from domain.errors import AlreadyExists, Forbidden, InvalidCommand, NotFound

WorkshopKind = Literal[
    "challenges",
    "initiatives",
    "ideation",
    "consolidation",
    "kickoff",
    "work_sprint",
    "validation_sprint",
    "final_presentation",
]


class WorkshopCommand(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of every workshop command."""


class CreateWorkshop(WorkshopCommand, frozen=True, kw_only=True, tag="workshop.create"):
    workshop_id: Id
    title: str
    kind: WorkshopKind = "challenges"
    date: str | None = None
    """ISO date (``2026-11-27``) the workshop takes place, if planned."""


class AddBoard(WorkshopCommand, frozen=True, kw_only=True, tag="board.add"):
    board_id: Id
    title: str
    kind: BoardKind = "breakout"


Command = CreateWorkshop | AddBoard


class WorkshopEvent(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of every workshop event."""


class WorkshopCreated(WorkshopEvent, frozen=True, kw_only=True, tag="workshop.created"):
    workshop_id: str
    title: str
    kind: WorkshopKind
    facilitator: str
    date: str | None = None


class BoardAdded(WorkshopEvent, frozen=True, kw_only=True, tag="board.added"):
    board_id: str
    title: str
    kind: BoardKind


Event = WorkshopCreated | BoardAdded


class BoardRef(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    kind: BoardKind


class Workshop(msgspec.Struct, frozen=True, kw_only=True):
    """What the rules need to know about a workshop."""

    workshop_id: str = ""
    title: str = ""
    kind: WorkshopKind = "challenges"
    facilitator: str = ""
    created: bool = False
    boards: dict[str, BoardRef] = msgspec.field(default_factory=dict)


initial_state = Workshop()


def _check_title(title: str) -> None:
    if not title.strip() or len(title) > TITLE_MAX:
        raise InvalidCommand(f"A title has 1 to {TITLE_MAX} characters.", code="invalid_title")


def decide(state: Workshop, command: Command, actor: Actor) -> list[Event]:
    """Events for ``command``; raises ``forbidden``, ``workshop_exists``, ``workshop_not_found``,
    ``invalid_title``, ``duplicate_id``."""
    if actor.role != "facilitator":
        raise Forbidden("Only a facilitator may change a workshop.", code="forbidden")
    _check_title(command.title)
    match command:
        case CreateWorkshop():
            if state.created:
                raise AlreadyExists("This workshop exists already.", code="workshop_exists")
            return [
                WorkshopCreated(
                    workshop_id=command.workshop_id,
                    title=command.title,
                    kind=command.kind,
                    facilitator=actor.id,
                    date=command.date,
                )
            ]
        case AddBoard():
            if not state.created:
                raise NotFound("This workshop does not exist.", code="workshop_not_found")
            if command.board_id in state.boards:
                raise AlreadyExists(
                    f"The board {command.board_id!r} exists already.", code="duplicate_id"
                )
            return [BoardAdded(board_id=command.board_id, title=command.title, kind=command.kind)]


def evolve(state: Workshop, event: Event) -> Workshop:
    """``state`` with ``event`` applied."""
    match event:
        case WorkshopCreated():
            return msgspec.structs.replace(
                state,
                workshop_id=event.workshop_id,
                title=event.title,
                kind=event.kind,
                facilitator=event.facilitator,
                created=True,
            )
        case BoardAdded():
            ref = BoardRef(title=event.title, kind=event.kind)
            return msgspec.structs.replace(state, boards={**state.boards, event.board_id: ref})


DECIDER: Decider[Workshop, Command, Event] = Decider(
    name="workshop",
    initial_state=initial_state,
    decide=decide,
    evolve=evolve,
    state_type=Workshop,
    event_type=Event,
    command_type=Command,
    snapshot_kind="workshop-state/1",
)
