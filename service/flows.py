"""Commands that span streams, each all-or-nothing: every step is decided before any is
recorded, so a refused step leaves no event in any stream.

- ``create_workshop``: the programme includes the workshop (or a programme of its own is
  created for it), the workshop is created and its organiser joins it as its facilitator;
- ``add_board``: the workshop lists the board and the board's own stream names the workshop;
- ``create_group``: ``add_board`` plus the group that works on it.

A board, workshop or programme whose stream exists already is refused by its own decider
(``board_exists``, ``workshop_exists``, ``programme_exists``), so no flow can claim another
workshop's board or programme.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from domain import board, programme, workshop
from domain.actor import Actor
from domain.board import BoardKind
from domain.decider import Decider
from domain.streams import board_stream, programme_stream, workshop_stream
from service.commands import CommandRunner, Outcome


@dataclass(frozen=True, slots=True)
class Step:
    """One command on one stream, as ``actor``, recorded under ``command_id``."""

    decider: Decider[Any, Any, Any]
    stream_id: str
    command: Any
    actor: Actor
    command_id: str


def derived_id(command_id: str, step: str) -> str:
    """The command id of a follow-up ``step`` of ``command_id``: stable, so a resend is a no-op."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"plenary:{step}:{command_id}"))


async def run(runner: CommandRunner, steps: Sequence[Step], lead: str) -> list[Outcome]:
    """Decide every step on the state the earlier steps leave, then record them in order.

    ``lead`` is the flow's own command id (one of the steps'): every step is correlated with
    it, and a flow sent again (``lead`` recorded) answers with what each step recorded then.
    Raises the first refusal before anything is recorded. Steps run in the order given: put
    the step on a stream others may be creating at the same moment first.
    """
    await _check(runner, steps, lead)
    first = lead
    outcomes = []
    for step in steps:
        outcomes.append(
            await runner.execute(
                step.decider,
                step.stream_id,
                step.command,
                step.actor,
                step.command_id,
                correlation_id=first,
                causation_id=None if step.command_id == first else first,
            )
        )
    return outcomes


async def _check(runner: CommandRunner, steps: Sequence[Step], lead: str) -> None:
    if await runner.store.command_events(lead):
        return  # sent again: the runner answers each step as it was recorded
    states: dict[str, Any] = {}
    for step in steps:
        if step.stream_id not in states:
            states[step.stream_id] = (await runner.load(step.decider, step.stream_id)).state
        events = step.decider.decide(states[step.stream_id], step.command, step.actor)
        states[step.stream_id] = step.decider.fold(events, states[step.stream_id])


# --------------------------------------------------------------------------- the flows


async def create_workshop(
    runner: CommandRunner,
    organiser: Actor,
    command: workshop.CreateWorkshop,
    facilitator_name: str,
    command_id: str,
) -> Outcome:
    """Create ``command.workshop_id`` in ``command.programme`` (which ``organiser`` must own;
    a programme of the same id is created for it when it names none), with ``organiser`` as its
    first facilitator. The workshop stream's outcome of the creation."""
    host = Actor(id=organiser.id, role="facilitator", name=facilitator_name)
    programme_id = command.programme
    stream = programme_stream(programme_id)
    workshop_id = command.workshop_id
    join = workshop.JoinWorkshop(actor_id=host.id, name=host.name, role="facilitator")
    steps = [Step(workshop.DECIDER, workshop_stream(workshop_id), command, host, command_id)]
    if programme_id == workshop_id:
        create = programme.CreateProgramme(programme_id=programme_id, title=command.title)
        steps.append(
            Step(programme.DECIDER, stream, create, organiser, derived_id(command_id, "programme"))
        )
    include = programme.IncludeWorkshop(workshop_id=workshop_id)
    steps += [
        Step(programme.DECIDER, stream, include, organiser, derived_id(command_id, "include")),
        Step(
            workshop.DECIDER,
            workshop_stream(workshop_id),
            join,
            host,
            derived_id(command_id, "join"),
        ),
    ]
    return (await run(runner, steps, command_id))[0]


def _board_steps(
    actor: Actor, workshop_id: str, board_id: str, title: str, kind: BoardKind, command_id: str
) -> list[Step]:
    """The board's own stream first: of two flows claiming one board id, the second stops
    there, before its workshop lists the board."""
    return [
        Step(
            board.DECIDER,
            board_stream(board_id),
            board.CreateBoard(board_id=board_id, workshop_id=workshop_id, title=title, kind=kind),
            actor,
            derived_id(command_id, "board"),
        ),
        Step(
            workshop.DECIDER,
            workshop_stream(workshop_id),
            workshop.AddBoard(board_id=board_id, title=title, kind=kind),
            actor,
            command_id,
        ),
    ]


async def add_board(
    runner: CommandRunner,
    actor: Actor,
    workshop_id: str,
    board_id: str,
    title: str,
    kind: BoardKind,
    command_id: str,
) -> Outcome:
    """Add ``board_id`` to the workshop and create its stream; the board stream's outcome."""
    steps = _board_steps(actor, workshop_id, board_id, title, kind, command_id)
    return (await run(runner, steps, command_id))[0]


async def create_group(
    runner: CommandRunner,
    actor: Actor,
    workshop_id: str,
    command: workshop.CreateGroup,
    command_id: str,
) -> Outcome:
    """A breakout group with its new breakout board; the workshop stream's outcome."""
    steps = _board_steps(actor, workshop_id, command.board_id, command.name, "breakout", command_id)
    group = Step(
        workshop.DECIDER,
        workshop_stream(workshop_id),
        command,
        actor,
        derived_id(command_id, "group"),
    )
    return (await run(runner, [*steps, group], command_id))[2]
