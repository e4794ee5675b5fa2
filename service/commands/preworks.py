"""How prework commands run: on the workshop's ``prework-<id>`` stream, with what only the
service knows added first (what day it is; which people exist; which board each author's
notes go on), and placing on the boards all or nothing.

``place`` is a flow (``service.commands.flows``' shape): ``prework.place`` on the prework
stream and one ``notes.place`` on each board that gets notes, in one transaction. The notes
are recorded with the facilitator who placed them as the events' actor and the person who
answered as each note's ``author`` (and its only reader until the reveal).
"""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from domain import board, prework, workshop
from domain.actor import Actor
from domain.errors import NotFound
from domain.roles import authorize
from domain.streams import board_stream, prework_stream, workshop_stream
from service.commands.access import Caller, check_board
from service.commands.flows import derived_id
from service.commands.runner import CommandRunner, Guard, Outcome, Step

GAP = 250.0
"""How far below a board's lowest note the placed notes start."""


def day_of(seconds: float) -> str:
    """The UTC day (YYYY-MM-DD) of a Unix time: prework is due by the end of its day in UTC."""
    return datetime.fromtimestamp(seconds, UTC).date().isoformat()


async def run(
    runner: CommandRunner,
    caller: Caller,
    who: Actor,
    command: prework.Command,
    command_id: str,
    today: str,
) -> Outcome:
    """Run a prework command of the caller's workshop; ``today`` replaces any day a client
    sent. Raises the prework decider's codes, and ``unknown_participant`` for an imported
    author who has not joined the workshop (or was removed)."""
    stream = prework_stream(caller.workshop_id)
    match command:
        case prework.AnswerPrework():
            command = msgspec.structs.replace(command, today=today)
        case prework.ImportPrework():
            authorize(who, "prework.import")
            await _check_people(runner, caller.workshop_id, [r.author for r in command.rows])
        case prework.PlacePrework():
            return await place(runner, caller, command, command_id)
    return await runner.execute(prework.DECIDER, stream, command, who, command_id)


async def _check_people(runner: CommandRunner, workshop_id: str, authors: list[str]) -> None:
    people = (await runner.load(workshop.DECIDER, workshop_stream(workshop_id))).state
    for author in authors:
        person = people.participants.get(author)
        if person is None or person.removed:
            raise NotFound(f"{author!r} has not joined.", code="unknown_participant")


async def place(
    runner: CommandRunner, caller: Caller, command: prework.PlacePrework, command_id: str
) -> Outcome:
    """Put every answer not placed yet on its author's board (``prework.target_boards``) as
    their private notes; the prework stream's outcome. Raises ``forbidden``, ``no_prework``
    and what a board refuses."""
    authorize(caller.actor, "prework.place")  # before reading anyone's answers
    stream = prework_stream(caller.workshop_id)
    state = (await runner.load(prework.DECIDER, stream)).state
    people = (await runner.load(workshop.DECIDER, workshop_stream(caller.workshop_id))).state
    waiting = [author for author in state.answers if author not in state.placed]
    targets = prework.target_boards(people, waiting)
    tops = {b: await _top(runner, b) for b in sorted(set(targets.values()))}
    plan = prework.plan_notes(state, command.placement_id, targets, tops)
    placed = tuple(
        prework.Placed(author=author, board_id=board_id)
        for board_id, notes in sorted(plan.items())
        for author in dict.fromkeys(note.author for note in notes)
    )
    marked = msgspec.structs.replace(command, plan=placed)
    steps = [Step(prework.DECIDER, stream, marked, command_id)]
    for board_id, notes in sorted(plan.items()):
        steps.append(
            Step(
                board.DECIDER,
                board_stream(board_id),
                board.PlaceNotes(notes=notes),
                derived_id(command_id, f"place:{board_id}"),
                _on_board(caller, board_id),
            )
        )
    return (await runner.execute_all(steps, caller.actor))[0]


def _on_board(caller: Caller, board_id: str) -> Guard:
    def guard(state: board.Board) -> None:
        check_board(caller, state, board_id)

    return guard


async def _top(runner: CommandRunner, board_id: str) -> float:
    notes = (await runner.load(board.DECIDER, board_stream(board_id))).state.notes.values()
    lowest = max((n.y for n in notes if not n.deleted), default=None)
    return 40.0 if lowest is None else lowest + GAP
