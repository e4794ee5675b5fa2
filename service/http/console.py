"""``/api/workshops/{id}/…`` for the facilitator's console: one board command on every
breakout board at once, the live agenda, and who has which board open now."""

from __future__ import annotations

import msgspec

from domain import board, workshop
from domain.board import Id
from domain.errors import Forbidden
from service.commands.handle import handle, handle_all
from service.http import answers
from service.http.endpoints import Call, Endpoint
from service.http.present import command_answer
from service.ids import new_id
from service.live.hub import Hub


class AllIn(msgspec.Struct, frozen=True, kw_only=True):
    command: board.Command
    command_id: Id | None = None


class AgendaStartIn(msgspec.Struct, frozen=True, kw_only=True):
    index: int
    command_id: Id | None = None


async def on_all(call: Call[AllIn]) -> answers.DoneOnAll:
    """Run one board command on every breakout board: one facilitator action, one correlation
    id, recorded on all of them or on none."""
    command_id = call.body.command_id or new_id()
    done = await handle_all(call.ctx, call.caller, call.body.command, command_id)
    shown = [(b, await command_answer(call.ctx, call.viewer, answer)) for b, answer in done]
    boards = [
        answers.BoardDone(board_id=b, version=a.version, duplicate=a.duplicate, events=a.events)
        for b, a in shown
    ]
    return answers.DoneOnAll(correlation_id=command_id, boards=boards)


async def start_agenda_item(call: Call[AgendaStartIn]) -> answers.AgendaStarted:
    """The day moves on to an agenda block: the live agenda highlights it."""
    command = workshop.StartAgendaItem(index=call.body.index)
    done = await handle(call.ctx, call.caller, command, call.body.command_id or new_id())
    return answers.AgendaStarted(index=call.body.index, version=done.version)


async def presence(call: Call[None]) -> answers.Presence:
    """Every board of the workshop and who has it open on this instance now (facilitators)."""
    if call.claims.role != "facilitator" or call.claims.board is not None:
        raise Forbidden("Only a facilitator of the whole workshop sees this.", code="forbidden")
    state = await call.ctx.reads.workshop_state(call.claims.wid)
    return _presence(state, call.ctx.hub)


def _presence(state: workshop.Workshop, hub: Hub) -> answers.Presence:
    """Every board of the workshop and who has it open on this instance (``Hub.here``), named
    as the workshop knows them."""

    def person(pid: str, sockets: int) -> answers.Here:
        known = state.participants.get(pid)
        return answers.Here(
            id=pid,
            name="" if known is None else known.name,
            role="" if known is None else known.role,
            sockets=sockets,
        )

    boards = [
        answers.BoardPresence(
            board_id=b, people=[person(p, n) for p, n in sorted(hub.here(b).items())]
        )
        for b in state.boards
    ]
    return answers.Presence(boards=boards)


W = "/api/workshops/{workshop_id}"
ENDPOINTS = (
    Endpoint(
        "POST",
        f"{W}/all",
        on_all,
        answers.DoneOnAll,
        AllIn,
        errors=("board_not_found",),
        commands="board",
    ),
    Endpoint(
        "POST",
        f"{W}/agenda/start",
        start_agenda_item,
        answers.AgendaStarted,
        AgendaStartIn,
        errors=("invalid_agenda",),
    ),
    Endpoint("GET", f"{W}/presence", presence, answers.Presence, errors=("forbidden",)),
)
