"""Who may address which stream: a caller's workshop, and the one board a scoped token opens.

Roles are the domain's (``domain.roles``, checked by every decider); here is what a token
opens: its own workshop's boards and tracks only, and, when narrowed to one board, only that
board and the tracks started from it. What a caller may not see is ``…_not_found``, not
``forbidden``, so nobody learns that another workshop's board or track exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain import board, solution
from domain.actor import Actor
from domain.errors import Forbidden, no_such_board, no_such_track
from domain.streams import solution_stream
from service.commands.runner import CommandRunner


@dataclass(frozen=True, slots=True)
class Caller:
    """Who sends a command: the person, the workshop their token opens ("" for an organiser
    or the operator), and the one board it is narrowed to, if any."""

    actor: Actor
    workshop_id: str = ""
    scope: str | None = None


def check_board(caller: Caller, state: board.Board, board_id: str) -> None:
    """Raise ``board_not_found`` unless ``board_id`` (whose state is ``state``) is a board of
    the caller's workshop within their scope."""
    if (
        not state.created
        or caller.workshop_id != state.workshop_id
        or caller.scope not in (None, board_id)
    ):
        raise no_such_board()


def check_whole_workshop(caller: Caller) -> None:
    """Refuse a token narrowed to one board: it does only what that board allows."""
    if caller.scope is not None:
        raise Forbidden("This link opens one board only.", code="forbidden")


async def track_stream(runner: CommandRunner, caller: Caller, track_id: str | None) -> str:
    """The stream of ``track_id`` if it is a track of the caller's workshop (and, for a token
    narrowed to one board, started from that board); ``track_not_found`` otherwise."""
    stream = solution_stream(track_id or "")
    state = (await runner.load(solution.DECIDER, stream)).state
    if (
        track_id is None
        or not state.started
        or state.workshop_id != caller.workshop_id
        or caller.scope not in (None, state.board_id)
    ):
        raise no_such_track()
    return stream
