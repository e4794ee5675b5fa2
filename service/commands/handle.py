"""The one way in: every command, from HTTP, the socket or the service's own endpoints, enters
through ``handle``, which checks where it may come from and what the caller's token opens,
prepares what it needs from beyond its stream, runs it (or the flow it starts), and answers.

Roles and every rule are the deciders' (``domain/``); what a token opens is
``service.commands.access``; which route a command takes is ``service.commands.table``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from domain import board, decisions, organisers, programme, solution, workshop
from domain.actor import Actor
from domain.codec import tag_of
from domain.errors import InvalidCommand
from domain.recorded import RecordedEvent
from domain.roles import authorize
from domain.streams import (
    ORGANISERS_STREAM,
    board_stream,
    prework_stream,
    programme_stream,
    solution_stream,
    workshop_stream,
)
from service.commands import flows, limits, preworks
from service.commands.access import Caller, check_board, check_whole_workshop, track_stream
from service.commands.prepare import plan_promotion
from service.commands.runner import Outcome
from service.commands.table import ROUTES, Route, Transport
from service.context import Plenary
from service.privacy import erasure


@dataclass(frozen=True, slots=True)
class Answer:
    """What a command did: its stream's version after it and the events it recorded
    (``duplicate`` when it was sent before and recorded then)."""

    stream_id: str
    version: int
    events: list[RecordedEvent]
    duplicate: bool = False


async def handle(
    ctx: Plenary,
    caller: Caller,
    command: Any,
    command_id: str,
    *,
    on: str = "",
    transport: Transport | None = None,
    actor: Actor | None = None,
) -> Answer:
    """Run ``command`` as ``caller``, recorded under ``command_id``, once.

    ``on`` names what the command addresses, for its kind: a board's id, a track's (a
    ``track.start`` names its own), a programme's; a workshop command addresses the caller's
    workshop. ``transport`` is where a client sent it (``None``: the service's own endpoint);
    ``actor`` acts instead of the caller's person (someone joining with an invite).
    Raises ``invalid_command`` for a command sent where it does not go, what
    ``service.commands.access`` refuses, and every rule's refusal.
    """
    route = ROUTES[tag_of(command)]
    if transport is not None and transport not in route.transports:
        elsewhere = route.elsewhere or f"Send {route.tag!r} with its own endpoint."
        raise InvalidCommand(elsewhere, code="invalid_command")
    if not route.scoped:
        check_whole_workshop(caller)
    who = actor or caller.actor
    stream_id, outcome = await _run(ctx, caller, who, route, command, command_id, on)
    return Answer(stream_id, outcome.version, outcome.events, outcome.duplicate)


TOGETHER = frozenset(
    {
        "phase.change",
        "timer.start",
        "timer.stop",
        "private.start",
        "notes.reveal",
        "board.lock",
        "board.unlock",
        "board.gather",
    }
)
"""Board commands a facilitator runs on every breakout board at once
(``POST /api/workshops/{id}/all``)."""


async def handle_all(
    ctx: Plenary, caller: Caller, command: Any, command_id: str
) -> list[tuple[str, Answer]]:
    """Run the board ``command`` on every breakout board of the caller's workshop as one
    (``flows.on_every_breakout``): each board with its answer. Raises ``invalid_command`` for a
    command not in ``TOGETHER``, ``forbidden`` for a role that may not send it or a token
    narrowed to one board, and every rule's refusal on any board (then nothing is recorded)."""
    tag = tag_of(command)
    if tag not in TOGETHER:
        raise InvalidCommand(f"{tag!r} is not run on every board at once.", code="invalid_command")
    check_whole_workshop(caller)
    authorize(caller.actor, tag)  # also when the workshop has no breakout board yet
    done = await flows.on_every_breakout(ctx.runner, caller, command, command_id)
    return [
        (board_id, Answer(board_stream(board_id), o.version, o.events, o.duplicate))
        for board_id, o in done
    ]


async def _run(
    ctx: Plenary,
    caller: Caller,
    who: Actor,
    route: Route,
    command: Any,
    command_id: str,
    on: str,
) -> tuple[str, Outcome]:
    match route.kind:
        case "board":
            return board_stream(on), await _on_board(ctx, caller, who, on, command, command_id)
        case "workshop":
            return await _on_workshop(ctx, caller, who, command, command_id)
        case "solution":
            return await _on_track(ctx, caller, who, on, command, command_id)
        case "programme":
            stream = programme_stream(on)
            return stream, await ctx.runner.execute(
                programme.DECIDER, stream, command, who, command_id
            )
        case "organisers":
            return ORGANISERS_STREAM, await ctx.runner.execute(
                organisers.DECIDER, ORGANISERS_STREAM, command, who, command_id
            )
        case "prework":
            today = preworks.day_of(ctx.clock())
            return prework_stream(caller.workshop_id), await preworks.run(
                ctx.runner, caller, who, command, command_id, today
            )


async def _on_board(
    ctx: Plenary, caller: Caller, who: Actor, board_id: str, command: Any, command_id: str
) -> Outcome:
    runner = ctx.runner
    if isinstance(command, decisions.PromoteItems):
        state = (await runner.load(board.DECIDER, board_stream(board_id), trust_cache=True)).state
        check_board(caller, state, board_id)  # before its source board is read
        command = await plan_promotion(runner, board_id, command, who, command_id, caller.scope)
    within = limits.board_guard(ctx.settings.limits, command, who.id)

    def guard(state: board.Board) -> None:
        check_board(caller, state, board_id)
        within(state)

    return await runner.execute(
        board.DECIDER, board_stream(board_id), command, who, command_id, guard=guard
    )


async def _on_workshop(
    ctx: Plenary, caller: Caller, who: Actor, command: Any, command_id: str
) -> tuple[str, Outcome]:
    runner, workshop_id = ctx.runner, caller.workshop_id
    stream = workshop_stream(workshop_id)
    room = limits.workshop_guard(ctx.settings.limits)
    match command:
        case workshop.CreateGroup():
            outcome = await flows.create_group(
                runner, who, workshop_id, command, command_id, guard=room
            )
        case workshop.AddBoard(board_id=board_id, title=title, kind=kind):
            outcome = await flows.add_board(
                runner, who, workshop_id, board_id, title, kind, command_id, guard=room
            )
            return board_stream(board_id), outcome
        case workshop.ErasePerson(actor_id=person):
            if who.role != "operator":
                await erasure.refuse_organiser(ctx, person)
            outcome = await erasure.erase(ctx, who, workshop_id, person, command_id)
        case _:
            outcome = await runner.execute(workshop.DECIDER, stream, command, who, command_id)
    return stream, outcome


async def _on_track(
    ctx: Plenary, caller: Caller, who: Actor, track_id: str, command: Any, command_id: str
) -> tuple[str, Outcome]:
    if isinstance(command, solution.StartTrack):
        start = msgspec.structs.replace(command, workshop_id=caller.workshop_id)
        track = Caller(actor=who, workshop_id=caller.workshop_id, scope=caller.scope)
        outcome = await flows.start_track(ctx.runner, track, start, command_id)
        return solution_stream(command.track_id), outcome
    stream = await track_stream(ctx.runner, caller, track_id or None)
    return stream, await ctx.runner.execute(solution.DECIDER, stream, command, who, command_id)
