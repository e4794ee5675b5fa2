"""``/api/boards/{id}…``: a board's commands, its view now and in the past, its events, its
vote rounds, a decision's trace, and the ticket that opens its socket."""

from __future__ import annotations

import msgspec

from domain import board
from domain.board import Id
from domain.errors import NotFound
from domain.streams import board_stream
from projections.board_view import BOARD_VIEW, BoardView, DecisionView
from projections.trace import trace as trace_of
from projections.visibility import present_view
from service import edge
from service.access.tokens import Kind
from service.commands.access import check_board
from service.commands.handle import handle
from service.errors import BadRequest
from service.http import answers
from service.http.endpoints import Call, Endpoint, Query
from service.http.present import command_answer, events_answer
from service.readside import history
from service.readside.catchup import item_title


class BoardCommandIn(msgspec.Struct, frozen=True, kw_only=True):
    command_id: Id
    command: board.Command


async def _readable(call: Call[None]) -> str:
    """The path's board, if the caller's token opens it (``board_not_found`` otherwise)."""
    board_id = call.path("board_id")
    check_board(call.caller, await call.ctx.reads.board_state_or_none(board_id), board_id)
    return board_id


async def board_command(call: Call[BoardCommandIn]) -> answers.CommandAnswer:
    """Run a board command; its events, as the caller may see them."""
    body = call.body
    done = await handle(
        call.ctx,
        call.caller,
        body.command,
        body.command_id,
        on=call.path("board_id"),
        transport="http",
    )
    return await command_answer(call.ctx, call.viewer, done)


async def get_board(call: Call[None]) -> BoardView:
    """The board now, as the caller may see it."""
    board_id = await _readable(call)
    return present_view(await call.ctx.reads.board_view(board_id), call.viewer)


async def board_events(call: Call[None]) -> answers.BoardEvents:
    """The board's events after version ``after`` (at most 5000) and who you are in them."""
    board_id = await _readable(call)
    after = call.whole_number("after", 0) or 0
    limit = min(call.whole_number("limit", 1000) or 0, 5000)  # limit=0: none, as asked
    last = min(after + limit, edge.MAX_VERSION)  # no version lies past it
    events = await call.ctx.store.read_stream(board_stream(board_id), after, last)
    return await events_answer(call.ctx, call.viewer, board_id, after, events)


async def board_at(call: Call[None]) -> BoardView:
    """The board as it was at ``version`` or at the instant ``time``, under the policy it has
    now."""
    board_id = await _readable(call)
    version = await _version(call, board_id, "version", "time")
    return present_view(await call.ctx.reads.board_at(board_id, version), call.viewer)


async def _version(call: Call[None], board_id: str, number: str, instant: str) -> int:
    """The version the query names: ``number`` itself, or the board's version at ``instant``."""
    version, when = call.whole_number(number), call.instant(instant)
    if (version is None) == (when is None):
        raise BadRequest(f"Give one of ?{number}=N or ?{instant}=T.", code="bad_query")
    if when is not None:
        return await history.version_at(call.ctx.store, board_id, when)
    assert version is not None
    return version


async def board_changes(call: Call[None]) -> history.Changes:
    """What changed on the board between two versions (or instants), as the caller may see
    it."""
    board_id = await _readable(call)
    first = await _version(call, board_id, "from", "from_time")
    last = await _version(call, board_id, "to", "to_time")
    if first > last:
        raise BadRequest("'from' comes after 'to'.", code="bad_query")
    reads, viewer = call.ctx.reads, call.viewer
    after = present_view(await reads.board_at(board_id, last), viewer)
    before = (
        present_view(await reads.board_at(board_id, first), viewer)
        if first > 0
        else BOARD_VIEW.initial(board_id)
    )
    shown = await reads.history_between(board_id, first, after.version, viewer)
    return history.changes(before, after, shown)


async def rounds(call: Call[None]) -> answers.Rounds:
    """The board's vote rounds, each with its ballot's titles, tallies where you may see them."""
    board_id = await _readable(call)
    view = present_view(await call.ctx.reads.board_view(board_id), call.viewer)
    shown = [
        answers.RoundWithTitles(
            **msgspec.structs.asdict(r),
            titles={item: item_title(view, item) for item in r.item_ids},
        )
        for r in view.rounds.values()
    ]
    return answers.Rounds(board_id=board_id, version=view.version, rounds=shown)


async def trace(call: Call[None]) -> answers.Trace:
    """A decision and every event that led to it, where its item came from, and its action
    items."""
    board_id = await _readable(call)
    view = present_view(await call.ctx.reads.board_view(board_id), call.viewer)
    decision = _decision(view, call.path("decision_id"))
    shown = await call.ctx.reads.history_between(board_id, 0, decision.version, call.viewer)
    item = view.clusters.get(decision.item_id) or view.notes.get(decision.item_id)
    found = trace_of(board_id, decision, shown, view.discussion.actions)
    return answers.Trace(
        board_id=found.board_id,
        decision=found.decision,
        entries=found.entries,
        origin=None if item is None else item.origin,
        actions=found.actions,
    )


def _decision(view: BoardView, decision_id: str) -> DecisionView:
    """The decision ``decision_id`` of the board; raises ``decision_not_found``."""
    decision = next((d for d in view.decisions if d.id == decision_id), None)
    if decision is None:
        raise NotFound("There is no such decision on this board.", code="decision_not_found")
    return decision


async def ticket(call: Call[None]) -> answers.Ticket:
    """A ticket that opens the board's socket once, within seconds (no lasting credential
    ever rides in a URL)."""
    board_id = await _readable(call)
    issued = call.ctx.auth.ticket(call.claims, board_id)
    return answers.Ticket(ticket=call.ctx.auth.token(issued), expires_at=issued.exp)


B = "/api/boards/{board_id}"
# A person's link opens the socket as the session it is exchanged for would, so a page can ask
# for its first ticket and its session at once (web_client/boot.js).
TICKETED: frozenset[Kind] = frozenset({"session", "invite", "link"})
_SEEN = ("board_not_found",)
ENDPOINTS = (
    Endpoint("GET", B, get_board, BoardView, errors=_SEEN),
    Endpoint(
        "POST",
        f"{B}/commands",
        board_command,
        answers.CommandAnswer,
        BoardCommandIn,
        errors=(*_SEEN, "too_many_notes"),
        commands="board",
    ),
    Endpoint(
        "GET",
        f"{B}/events",
        board_events,
        answers.BoardEvents,
        errors=_SEEN,
        query=(
            Query("after", "Events after this version (default 0)."),
            Query("limit", "At most this many events (default 1000, at most 5000)."),
        ),
    ),
    Endpoint(
        "GET",
        f"{B}/at",
        board_at,
        BoardView,
        errors=_SEEN,
        query=(
            Query("version", "The version to show the board at (or give time)."),
            Query("time", "The instant to show the board at (or give version).", instant=True),
        ),
    ),
    Endpoint(
        "GET",
        f"{B}/changes",
        board_changes,
        history.Changes,
        errors=_SEEN,
        query=(
            Query("from", "The earlier version (or give from_time)."),
            Query("from_time", "The earlier instant (or give from).", instant=True),
            Query("to", "The later version (or give to_time)."),
            Query("to_time", "The later instant (or give to).", instant=True),
        ),
    ),
    Endpoint("GET", f"{B}/rounds", rounds, answers.Rounds, errors=_SEEN),
    Endpoint(
        "GET",
        f"{B}/decisions/{{decision_id}}/trace",
        trace,
        answers.Trace,
        errors=(*_SEEN, "decision_not_found"),
    ),
    Endpoint(
        "POST", f"{B}/ticket", ticket, answers.Ticket, status=201, credential=TICKETED, errors=_SEEN
    ),
)
