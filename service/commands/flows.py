"""Commands that span streams, each all-or-nothing: every step is decided on the state the
earlier steps leave, then all are appended in one transaction (``CommandRunner.execute_all``),
so a refused step leaves no event in any stream, even under concurrency.

- ``create_workshop``: the workshop is created, its programme includes it (or a programme of
  its own is created for it), and its organiser joins it as its facilitator;
- ``add_board``: the workshop lists the board and the board's own stream names the workshop;
- ``create_group``: ``add_board`` plus the group that works on it.

A board, workshop or programme whose stream exists already is refused by its own decider
(``board_exists``, ``workshop_exists``, ``programme_exists``), so no flow can claim another
workshop's board or programme.
"""

from __future__ import annotations

import uuid

from domain import board, programme, workshop
from domain.actor import Actor
from domain.board import BoardKind
from domain.streams import board_stream, programme_stream, workshop_stream
from service.commands.runner import CommandRunner, Guard, Outcome, Step


def derived_id(command_id: str, step: str) -> str:
    """The command id of a follow-up ``step`` of ``command_id``: stable, so a resend is a no-op."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"plenary:{step}:{command_id}"))


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
    programme_id, workshop_id = command.programme, command.workshop_id
    stream = programme_stream(programme_id)
    join = workshop.JoinWorkshop(actor_id=host.id, name=host.name, role="facilitator")
    steps = [Step(workshop.DECIDER, workshop_stream(workshop_id), command, command_id)]
    if programme_id == workshop_id:
        create = programme.CreateProgramme(programme_id=programme_id, title=command.title)
        steps.append(
            Step(
                programme.DECIDER,
                stream,
                create,
                derived_id(command_id, "programme"),
                None,
                organiser,
            )
        )
    include = programme.IncludeWorkshop(workshop_id=workshop_id)
    steps += [
        Step(
            programme.DECIDER, stream, include, derived_id(command_id, "include"), None, organiser
        ),
        Step(workshop.DECIDER, workshop_stream(workshop_id), join, derived_id(command_id, "join")),
    ]
    return (await runner.execute_all(steps, host))[0]


def _board_steps(
    workshop_id: str,
    board_id: str,
    title: str,
    kind: BoardKind,
    command_id: str,
    guard: Guard | None,
) -> list[Step]:
    return [
        Step(
            workshop.DECIDER,
            workshop_stream(workshop_id),
            workshop.AddBoard(board_id=board_id, title=title, kind=kind),
            command_id,
            guard,
        ),
        Step(
            board.DECIDER,
            board_stream(board_id),
            board.CreateBoard(board_id=board_id, workshop_id=workshop_id, title=title, kind=kind),
            derived_id(command_id, "board"),
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
    guard: Guard | None = None,
) -> Outcome:
    """Add ``board_id`` to the workshop and create its stream; the board stream's outcome.
    ``guard`` checks the workshop before the board is added to it."""
    steps = _board_steps(workshop_id, board_id, title, kind, command_id, guard)
    return (await runner.execute_all(steps, actor))[1]


async def create_group(
    runner: CommandRunner,
    actor: Actor,
    workshop_id: str,
    command: workshop.CreateGroup,
    command_id: str,
    guard: Guard | None = None,
) -> Outcome:
    """A breakout group with its new breakout board; the workshop stream's outcome.
    ``guard`` checks the workshop before the board is added to it."""
    steps = _board_steps(workshop_id, command.board_id, command.name, "breakout", command_id, guard)
    group = Step(
        workshop.DECIDER, workshop_stream(workshop_id), command, derived_id(command_id, "group")
    )
    return (await runner.execute_all([*steps, group], actor))[2]
