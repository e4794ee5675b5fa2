"""HTTP for what spans boards: the workshop overview, its decision log, vote rounds with their
tallies, solution tracks of phase II, and the programme's outcome tracker.

Reads go through ``projections.visibility`` like every board read: hidden notes and hidden
tallies stay hidden, pseudonymous boards show pseudonyms.
"""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain import solution
from domain.board import Id
from domain.errors import InvalidCommand, NotFound
from domain.streams import board_stream, solution_stream
from projections.board_view import BoardView, DecisionView
from projections.programme import WorkshopEntry, members, outcomes
from projections.trace import trace
from projections.visibility import present_view
from service.access.tokens import Claims
from service.commands import tracks
from service.context import Plenary
from service.http.api import (
    body_as,
    claims_of,
    json,
    plenary,
    readable_board,
    workshop_claims,
)
from service.ids import new_id
from service.wire import event_out


class StartTrackIn(msgspec.Struct, frozen=True, kw_only=True):
    board_id: Id
    decision_id: Id
    title: str | None = None
    """Defaults to the decided item's title."""
    summary: str = ""
    track_id: Id | None = None
    command_id: Id | None = None


class TrackCommandIn(msgspec.Struct, frozen=True, kw_only=True):
    command_id: Id
    command: solution.Command


# --------------------------------------------------------------------------- workshop reads


async def _workshop_boards(
    ctx: Plenary, claims: Claims, workshop_id: str
) -> list[tuple[str, BoardView]]:
    """The workshop's boards the token opens, each as its viewer may see it."""
    viewer = ctx.reads.viewer(claims.actor())
    return [
        (board_id, present_view(await ctx.reads.board_view(board_id), viewer))
        for board_id in await ctx.reads.workshop_boards(workshop_id, claims.board)
    ]


async def workshop_overview(request: Request) -> Response:
    """``GET /api/workshops/{id}/overview`` → every board's phase, activity and groups, the
    workshop's solution tracks, and its agenda."""
    ctx, claims, workshop_id = await workshop_claims(request)
    state = await ctx.reads.workshop_state(workshop_id)
    group_of = {g.board_id: (gid, g) for gid, g in state.groups.items()}
    boards: list[dict[str, Any]] = []
    for board_id, view in await _workshop_boards(ctx, claims, workshop_id):
        gid, group = group_of.get(board_id, (None, None))
        boards.append(
            {
                "id": board_id,
                "title": view.title,
                "kind": view.kind,
                "group": None
                if group is None
                else {"id": gid, "name": group.name, "members": len(state.members(gid or ""))},
                "phase": view.phase,
                "locked": view.locked,
                "private_writing": view.private_writing,
                "anonymity": view.anonymity,
                "timer": view.timer,
                "notes": len(view.notes),
                "clusters": len(view.clusters),
                "open_round": next((r.id for r in view.rounds.values() if r.open), None),
                "rounds": len(view.rounds),
                "decisions": len(view.decisions),
                "version": view.version,
            }
        )
    programme = await ctx.reads.programme_view()
    tracks = [
        t
        for t in programme.tracks.values()
        if t.workshop_id == workshop_id and claims.board in (None, t.board_id)
    ]
    roles: dict[str, int] = {}
    for person in state.participants.values():
        if not person.removed:
            roles[person.role] = roles.get(person.role, 0) + 1
    return json(
        {
            "id": workshop_id,
            "title": state.title,
            "kind": state.kind,
            "date": state.date,
            "agenda": state.agenda,
            "programme": state.programme,
            "people": roles,
            "boards": boards,
            "tracks": tracks,
        }
    )


async def decision_log(request: Request) -> Response:
    """``GET /api/workshops/{id}/decisions`` → every decision on the workshop's boards, oldest
    first, each with its board, evidence and place in the log."""
    ctx, claims, workshop_id = await workshop_claims(request)
    entries: list[tuple[DecisionView, str, str]] = []
    for board_id, view in await _workshop_boards(ctx, claims, workshop_id):
        entries.extend((d, board_id, view.title) for d in view.decisions)
    entries.sort(key=lambda e: (e[0].decided_at, e[0].position))
    return json(
        {
            "workshop_id": workshop_id,
            "decisions": [
                {"board_id": bid, "board_title": title, **msgspec.to_builtins(d)}
                for d, bid, title in entries
            ],
        }
    )


async def board_rounds(request: Request) -> Response:
    """``GET /api/boards/{id}/rounds`` → the board's vote rounds, each with its ballot (item
    titles), tallies where the viewer may see them, and results once closed."""
    ctx, board_id, viewer = await readable_board(request)
    view = present_view(await ctx.reads.board_view(board_id), viewer)

    def title(item_id: str) -> str:
        if item_id in view.clusters:
            return view.clusters[item_id].label
        note = view.notes.get(item_id)
        return "" if note is None else note.text

    rounds = [
        {**msgspec.to_builtins(r), "titles": {item: title(item) for item in r.item_ids}}
        for r in view.rounds.values()
    ]
    return json({"board_id": board_id, "version": view.version, "rounds": rounds})


async def decision_trace(request: Request) -> Response:
    """``GET /api/boards/{id}/decisions/{decision_id}/trace`` → the decision and every event
    that led to it (notes, cluster, votes, grid, phases), each with actor, time, position and
    hash; for a promoted item, where it came from, to follow the trace to its first board."""
    ctx, board_id, viewer = await readable_board(request)
    view = present_view(await ctx.reads.board_view(board_id), viewer)
    decision_id = request.path_params["decision_id"]
    decision = next((d for d in view.decisions if d.id == decision_id), None)
    if decision is None:
        raise NotFound("There is no such decision on this board.", code="decision_not_found")
    events = await ctx.store.read_stream(board_stream(board_id), 0, decision.version)
    shown = await ctx.reads.present_history(board_id, events, viewer)
    item = view.clusters.get(decision.item_id) or view.notes.get(decision.item_id)
    origin = None if item is None else item.origin
    return json({**msgspec.to_builtins(trace(board_id, decision, shown)), "origin": origin})


# --------------------------------------------------------------------------- solution tracks


async def start_track(request: Request) -> Response:
    """``POST /api/workshops/{id}/tracks`` → a solution track started from a decision that
    selected an item (``decision_not_found``, ``decision_not_selected`` otherwise)."""
    ctx, claims, workshop_id = await workshop_claims(request)
    body = await body_as(request, StartTrackIn)
    command = solution.StartTrack(
        track_id=body.track_id or new_id(),
        workshop_id=workshop_id,
        board_id=body.board_id,
        decision_id=body.decision_id,
        title=body.title or "",
        summary=body.summary,
    )
    outcome = await tracks.start_track(
        ctx, claims.actor(), workshop_id, command, body.command_id or new_id(), claims.board
    )
    started = solution.DECIDER.decode_event(outcome.events[0].data)
    assert isinstance(started, solution.TrackStarted)
    return json({"id": started.track_id, "version": outcome.version, "title": started.title}, 201)


async def _readable_track(request: Request) -> tuple[Plenary, Claims, str]:
    ctx, claims = plenary(request), await claims_of(request)
    track_id = request.path_params["track_id"]
    await tracks.track_stream(ctx, claims.wid, claims.board, track_id)
    return ctx, claims, track_id


async def post_track_command(request: Request) -> Response:
    """``POST /api/tracks/{id}/commands`` → ``{version, events}``; 403/404/409/422 on refusal."""
    ctx, claims, track_id = await _readable_track(request)
    body = await body_as(request, TrackCommandIn)
    if isinstance(body.command, solution.StartTrack):
        raise InvalidCommand(
            "Start tracks with POST /api/workshops/{id}/tracks.", code="invalid_command"
        )
    outcome = await ctx.runner.execute(
        solution.DECIDER, solution_stream(track_id), body.command, claims.actor(), body.command_id
    )
    return json(
        {
            "version": outcome.version,
            "duplicate": outcome.duplicate,
            "events": [event_out(r) for r in outcome.events],
        }
    )


async def get_track(request: Request) -> Response:
    """``GET /api/tracks/{id}`` → the track's timeline: sprints, updates, validations, …"""
    ctx, _claims, track_id = await _readable_track(request)
    return json(await ctx.reads.track_view(track_id))


# --------------------------------------------------------------------------- programme


async def programme_overview(request: Request) -> Response:
    """``GET /api/programme`` → the caller's programme: its workshops, solution tracks and the
    outcome tracker (each planned outcome, its target, its count, what counts)."""
    ctx, claims = plenary(request), await claims_of(request)
    state = await ctx.reads.workshop_state(claims.wid)
    view = await ctx.reads.programme_view()
    name = state.programme
    workshops = members(view, name)
    ids = {w.id for w in workshops}
    workshops.sort(key=_by_date)
    return json(
        {
            "programme": name,
            "title": view.programmes[name].title if name in view.programmes else "",
            "workshops": workshops,
            "tracks": [
                t
                for t in view.tracks.values()
                if t.workshop_id in ids and claims.board in (None, t.board_id)
            ],
            "outcomes": outcomes(view, name),
        }
    )


def _by_date(entry: WorkshopEntry) -> tuple[str, str]:
    return (entry.date or "", entry.title)


routes = [
    Route("/api/workshops/{workshop_id}/overview", workshop_overview, methods=["GET"]),
    Route("/api/workshops/{workshop_id}/decisions", decision_log, methods=["GET"]),
    Route("/api/workshops/{workshop_id}/tracks", start_track, methods=["POST"]),
    Route("/api/boards/{board_id}/rounds", board_rounds, methods=["GET"]),
    Route("/api/boards/{board_id}/decisions/{decision_id}/trace", decision_trace, methods=["GET"]),
    Route("/api/tracks/{track_id}", get_track, methods=["GET"]),
    Route("/api/tracks/{track_id}/commands", post_track_command, methods=["POST"]),
    Route("/api/programme", programme_overview, methods=["GET"]),
]
