"""``/api/tracks/{id}…`` and ``/api/programme``: a solution track, its commands, and the
programme of the caller's workshop with its outcome tracker."""

from __future__ import annotations

import msgspec

from domain import solution
from domain.board import Id
from domain.errors import NotFound
from projections.programme import ProgrammeView, WorkshopEntry, members, outcomes
from projections.solution_timeline import SolutionTimeline, with_actions
from service.commands.access import track_stream
from service.commands.handle import handle
from service.http import answers
from service.http.endpoints import Call, Endpoint
from service.http.present import command_answer


class TrackCommandIn(msgspec.Struct, frozen=True, kw_only=True):
    command_id: Id
    command: solution.Command


async def get_track(call: Call[None]) -> SolutionTimeline:
    """The track: its sprints, updates, assessments, validations, practices and timeline, and
    its decision's action items (from the decision's board; none while that board has no view,
    as for a track started by an operator from a board that was never used)."""
    track_id = call.path("track_id")
    await track_stream(call.ctx.runner, call.caller, track_id)
    track = await call.ctx.reads.track_view(track_id)
    if track.origin is None:
        return track
    try:
        board = await call.ctx.reads.board_view(track.origin.board_id)
    except NotFound:
        return track
    return with_actions(track, board.discussion.actions)


async def track_command(call: Call[TrackCommandIn]) -> answers.CommandAnswer:
    """Run a solution track command."""
    body = call.body
    done = await handle(
        call.ctx,
        call.caller,
        body.command,
        body.command_id,
        on=call.path("track_id"),
        transport="http",
    )
    return await command_answer(call.ctx, call.viewer, done)


async def programme(call: Call[None]) -> answers.Programme:
    """The caller's programme: its workshops, solution tracks and outcome tracker."""
    claims = call.claims
    name = (await call.ctx.reads.workshop_state(claims.wid)).programme
    return _programme(await call.ctx.reads.programme_view(), name, claims.board)


def _programme(view: ProgrammeView, name: str, board: str | None) -> answers.Programme:
    """The programme ``name``: its workshops by date, their solution tracks (only the one of
    ``board`` for a one-board token) and its outcome tracker."""
    workshops = sorted(members(view, name), key=_by_date)
    ids = {w.id for w in workshops}
    return answers.Programme(
        programme=name,
        title=view.programmes[name].title if name in view.programmes else "",
        workshops=workshops,
        tracks=[
            t for t in view.tracks.values() if t.workshop_id in ids and board in (None, t.board_id)
        ],
        outcomes=outcomes(view, name),
    )


def _by_date(entry: WorkshopEntry) -> tuple[str, str]:
    return (entry.date or "", entry.title)


T = "/api/tracks/{track_id}"
ENDPOINTS = (
    Endpoint("GET", T, get_track, SolutionTimeline, errors=("track_not_found",)),
    Endpoint(
        "POST",
        f"{T}/commands",
        track_command,
        answers.CommandAnswer,
        TrackCommandIn,
        errors=("track_not_found",),
        commands="solution",
    ),
    Endpoint("GET", "/api/programme", programme, answers.Programme),
)
