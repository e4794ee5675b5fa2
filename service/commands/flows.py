"""Commands that span streams, each all-or-nothing: every step is decided on the state the
earlier steps leave, then all are appended in one transaction (``CommandRunner.execute_all``),
so a refused step leaves no event in any stream, even under concurrency.

- ``create_workshop``: the workshop is created, its programme includes it (or a programme of
  its own is created for it), and its organiser joins it as its facilitator; from a template,
  also its plenary board and its breakout boards, each breakout with its group, and every
  board configured (prompt, phases, vote defaults);
- ``add_board``: the workshop lists the board and the board's own stream names the workshop;
- ``create_group``: the group that works on a breakout board, with ``add_board`` first when
  that board does not exist yet;
- ``start_track``: the solution track, and its decision marked with it on the decision's own
  board, so that two starts from one decision can never both pass;
- ``on_every_breakout``: one facilitator's board command (a phase, a timer, a lock, the call
  to the plenary) on every breakout board of the workshop, one correlation id for all.

A board, workshop or programme whose stream exists already is refused by its own decider
(``board_exists``, ``workshop_exists``, ``programme_exists``), so no flow can claim another
workshop's board or programme.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta

import msgspec

from domain import board, decisions, facilitation, prework, programme, solution, workshop
from domain.actor import Actor
from domain.board import BoardKind
from domain.board_setup import ConfigureBoard
from domain.errors import no_such_board
from domain.roles import authorize
from domain.streams import (
    board_stream,
    prework_stream,
    programme_stream,
    solution_stream,
    workshop_stream,
)
from domain.templates import PlannedBoard, Template
from service.commands.access import Caller, check_board
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
    setup: tuple[Template, Sequence[PlannedBoard]] | None = None,
) -> Outcome:
    """Create ``command.workshop_id`` in ``command.programme`` (which ``organiser`` must own;
    a programme of the same id is created for it when it names none), with ``organiser`` as its
    first facilitator, and with ``setup``'s boards configured as its template says. The
    workshop stream's outcome of the creation."""
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
    if setup is not None:
        steps += _template_steps(workshop_id, *setup, command_id)
        steps += _prework_steps(workshop_id, setup[0], command.date, command_id)
    return (await runner.execute_all(steps, host))[0]


def _prework_steps(
    workshop_id: str, template: Template, day: str | None, command_id: str
) -> list[Step]:
    """The template's prework form, due ``due_days_before`` the workshop's ``day``; none
    without a form or a day (the facilitator sets one on the workshop page)."""
    form = template.prework
    if form is None or day is None:
        return []
    due = date.fromisoformat(day) - timedelta(days=form.due_days_before)
    ask = prework.SetPrework(questions=form.questions, due=due.isoformat(), kind=form.kind)
    return [
        Step(prework.DECIDER, prework_stream(workshop_id), ask, derived_id(command_id, "prework"))
    ]


def _template_steps(
    workshop_id: str, template: Template, planned: Sequence[PlannedBoard], command_id: str
) -> list[Step]:
    """Each planned board added, created and configured; a group for each breakout board, named
    as its board. Ids derive from ``command_id``, so a resend makes the same boards."""
    steps: list[Step] = []
    for n, plan in enumerate(planned):
        board_id = derived_id(command_id, f"board-{n}")
        made = derived_id(board_id, "add")
        steps += _board_steps(workshop_id, board_id, plan.title, plan.kind, made, None)
        setup = ConfigureBoard(
            prompt=plan.prompt, phases=template.phases, vote_defaults=template.vote_defaults
        )
        steps.append(
            Step(board.DECIDER, board_stream(board_id), setup, derived_id(board_id, "setup"))
        )
        if plan.kind == "breakout":
            group_id = derived_id(board_id, "group")
            group = workshop.CreateGroup(group_id=group_id, name=plan.title, board_id=board_id)
            steps.append(
                Step(
                    workshop.DECIDER, workshop_stream(workshop_id), group, derived_id(group_id, "g")
                )
            )
    return steps


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
    """A breakout group on ``command.board_id``: that board of the workshop, or a new breakout
    board made with it. The workshop stream's outcome of the group. ``guard`` checks the
    workshop before a new board is added to it."""
    stream = workshop_stream(workshop_id)
    if command.board_id in (await runner.load(workshop.DECIDER, stream)).state.boards:
        return await runner.execute(workshop.DECIDER, stream, command, actor, command_id)
    # The new board is titled after the group: its name is checked first, as a name.
    workshop.check_group_name(command.name)
    steps = _board_steps(workshop_id, command.board_id, command.name, "breakout", command_id, guard)
    group = Step(workshop.DECIDER, stream, command, derived_id(command_id, "group"))
    return (await runner.execute_all([*steps, group], actor))[2]


async def start_track(
    runner: CommandRunner, caller: Caller, command: solution.StartTrack, command_id: str
) -> Outcome:
    """Start ``command.track_id`` from ``command``'s board and decision (in the caller's
    workshop and scope), titled after the decided item unless ``command.title`` says otherwise;
    the track stream's outcome.

    Raises ``forbidden``, ``board_not_found``, ``decision_not_found``,
    ``decision_not_selected``, ``decision_has_track`` and the solution decider's codes.
    """
    authorize(caller.actor, "track.start")  # before saying anything about the board
    source = (await runner.load(board.DECIDER, board_stream(command.board_id))).state
    check_board(caller, source, command.board_id)
    planned = solution.start_from(source, command.decision_id, command.track_id, command.title)
    planned = msgspec.structs.replace(planned, summary=command.summary)
    track = decisions.TrackDecision(decision_id=command.decision_id, track_id=command.track_id)
    steps = [
        Step(solution.DECIDER, solution_stream(command.track_id), planned, command_id),
        Step(
            board.DECIDER,
            board_stream(command.board_id),
            track,
            derived_id(command_id, "decision"),
        ),
    ]
    return (await runner.execute_all(steps, caller.actor))[0]


async def on_every_breakout(
    runner: CommandRunner, caller: Caller, command: board.Command, command_id: str
) -> list[tuple[str, Outcome]]:
    """Run the board ``command`` on every breakout board of the caller's workshop (by id), as
    one: every event is correlated by ``command_id`` (the first board's command id; the others'
    are derived from it), and a refusal on any board records nothing on any. A
    ``board.gather`` must name a plenary board of the workshop (``board_not_found``).
    Each board with its outcome; no breakout board, no outcome."""
    stream = workshop_stream(caller.workshop_id)
    state = (await runner.load(workshop.DECIDER, stream)).state
    if isinstance(command, facilitation.GatherBoard):
        plenary = state.boards.get(command.board_id)
        if plenary is None or plenary.kind != "plenary":
            raise no_such_board()
    targets = sorted(b for b, ref in state.boards.items() if ref.kind == "breakout")

    def guard(board_id: str) -> Guard:
        return lambda on: check_board(caller, on, board_id)

    steps = [
        Step(
            board.DECIDER,
            board_stream(board_id),
            command,
            command_id if i == 0 else derived_id(command_id, f"all:{board_id}"),
            guard(board_id),
        )
        for i, board_id in enumerate(targets)
    ]
    return list(zip(targets, await runner.execute_all(steps, caller.actor), strict=True))
