"""Starting a solution track: the one step of phase II that reads another stream first.

Shared by HTTP (``POST /api/workshops/{id}/tracks``) and the WebSocket ``command`` frame.
The rule (only a decision that selected its item starts a track) is the domain's:
``solution.start_from``. What needs the whole log is checked here: one track per decision.
"""

from __future__ import annotations

import msgspec

from domain import board, solution
from domain.actor import Actor
from domain.errors import AlreadyExists, NotFound
from domain.roles import authorize
from domain.streams import board_stream, solution_stream
from service.commands.runner import Outcome
from service.context import Plenary


async def start_track(
    ctx: Plenary,
    actor: Actor,
    workshop_id: str,
    command: solution.StartTrack,
    command_id: str,
    scope: str | None = None,
) -> Outcome:
    """Start ``command.track_id`` from ``command``'s board and decision, with the title taken
    from the decided item unless ``command.title`` gives one; ``workshop_id`` is the caller's.

    Raises ``forbidden``, ``board_not_found`` (another workshop's board, or outside the
    token's ``scope``), ``decision_not_found``, ``decision_not_selected``,
    ``decision_has_track`` and the solution decider's codes.
    """
    authorize(actor, "track.start")  # before saying anything about the board or decision
    loaded = await ctx.runner.load(board.DECIDER, board_stream(command.board_id))
    source = loaded.state
    if (
        not source.created
        or source.workshop_id != workshop_id
        or (scope is not None and scope != command.board_id)
    ):
        raise NotFound("There is no such board.", code="board_not_found")
    planned = solution.start_from(source, command.decision_id, command.track_id, command.title)
    planned = msgspec.structs.replace(planned, summary=command.summary)
    await _one_track_per_decision(ctx, planned)
    return await ctx.runner.execute(
        solution.DECIDER, solution_stream(planned.track_id), planned, actor, command_id
    )


async def track_stream(
    ctx: Plenary, workshop_id: str, scope: str | None, track_id: str | None
) -> str:
    """The stream of ``track_id`` if it is a track of ``workshop_id`` (and, for a token
    narrowed to one board, started from that board); ``track_not_found`` otherwise."""
    stream = solution_stream(track_id or "")
    state = (await ctx.runner.load(solution.DECIDER, stream)).state
    if (
        track_id is None
        or not state.started
        or state.workshop_id != workshop_id
        or scope not in (None, state.board_id)
    ):
        raise NotFound("There is no such solution track.", code="track_not_found")
    return stream


async def _one_track_per_decision(ctx: Plenary, command: solution.StartTrack) -> None:
    # A rule across streams: the programme read model (read up to the head) knows every track.
    programme = await ctx.reads.programme_view()
    for track in programme.tracks.values():
        same = (track.board_id, track.decision_id) == (command.board_id, command.decision_id)
        if same and track.id != command.track_id:
            raise AlreadyExists(
                f"The decision already has the solution track {track.id!r}.",
                code="decision_has_track",
            )
