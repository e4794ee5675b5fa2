"""The HTTP API: workshops, boards, invites, joining, groups, commands, views, time travel.

Handlers stay thin: authenticate, decode at the edge with msgspec, hand the command to the
runner, encode the answer. Every refusal is raised and turned into JSON by ``errors``.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain import board, decisions, workshop
from domain.board import Id
from domain.errors import Forbidden, InvalidCommand, NotFound
from domain.streams import board_stream, workshop_stream
from projections.visibility import Viewer, present_view
from service import edge
from service.access.auth import PERSONAL
from service.access.tokens import Claims, Kind, Unauthorized
from service.commands import flows, limits
from service.commands.limits import Bounded
from service.commands.prepare import plan_promotion
from service.context import Plenary
from service.errors import BadRequest
from service.ids import new_id
from service.wire import encoder, event_out

T = TypeVar("T")


# --------------------------------------------------------------------------- request shapes


class CreateBoardIn(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    kind: board.BoardKind = "breakout"
    board_id: Id | None = None
    command_id: Id | None = None


class BoardCommandIn(msgspec.Struct, frozen=True, kw_only=True):
    command_id: Id
    command: board.Command


class CreateGroupIn(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    group_id: Id | None = None


class AssignIn(msgspec.Struct, frozen=True, kw_only=True):
    actor_id: Id
    group_id: Id | None
    command_id: Id | None = None


_decoders: dict[type[Any], msgspec.json.Decoder[Any]] = {
    shape: msgspec.json.Decoder(shape)
    for shape in (CreateBoardIn, BoardCommandIn, CreateGroupIn, AssignIn)
}


# --------------------------------------------------------------------------- edges


def plenary(request: Request) -> Plenary:
    ctx: Plenary = request.app.state.plenary
    return ctx


async def body_as(request: Request, shape: type[T]) -> T:
    """The request body decoded as ``shape`` and within its limits; raises ``BadRequest``
    past the body limit (64 KiB), ``Malformed`` or ``msgspec.ValidationError`` (see ``edge``)."""
    limits = plenary(request).settings.limits
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limits.body_bytes:
            raise BadRequest(
                f"The body is larger than {limits.body_bytes} bytes.", code="too_large"
            )
        chunks.append(chunk)
    decoder = _decoders.get(shape)
    if decoder is None:  # shapes of other API modules, decoded the same way
        decoder = _decoders[shape] = msgspec.json.Decoder(shape)
    result: T = edge.decode(decoder, b"".join(chunks))
    if isinstance(result, Bounded):
        result.within(limits)
    return result


def bearer(request: Request) -> str:
    """The request's bearer token; raises ``Unauthorized`` when there is none."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send the token as 'Authorization: Bearer <token>'.")
    return token.strip()


async def claims_of(request: Request, kinds: frozenset[Kind] = PERSONAL) -> Claims:
    """The claims of the request's bearer token, if it is of one of ``kinds`` and still holds;
    raises ``Unauthorized``."""
    return await plenary(request).auth.authenticate(bearer(request), kinds)


async def workshop_claims(request: Request) -> tuple[Plenary, Claims, str]:
    """The context, the verified claims and the path's workshop id, which the token must name
    (``workshop_not_found`` otherwise)."""
    claims = await claims_of(request)
    workshop_id = request.path_params["workshop_id"]
    if claims.wid != workshop_id:
        raise NotFound("There is no such workshop.", code="workshop_not_found")
    return plenary(request), claims, workshop_id


def check_board_access(claims: Claims, state_workshop: str, board_id: str) -> None:
    """A token opens only its own workshop's boards (and one board when it names one)."""
    if claims.wid != state_workshop or (claims.board is not None and claims.board != board_id):
        raise NotFound("There is no such board.", code="board_not_found")


def require_whole_workshop(claims: Claims) -> None:
    """Refuse a token narrowed to one board: it does only what that board allows."""
    if claims.board is not None:
        raise Forbidden("This link opens one board only.", code="forbidden")


def json(value: object, status: int = 200) -> Response:
    return Response(encoder.encode(value), status_code=status, media_type="application/json")


MAX_QUERY_INT = edge.MAX_VERSION
"""The largest whole number a query takes: no version lies past it."""


def int_param(request: Request, name: str, default: int | None = None) -> int | None:
    """The query parameter ``name`` as a whole number from 0 to ``MAX_QUERY_INT`` (ASCII
    digits only), or ``default`` when absent; raises ``BadRequest`` (``bad_query``)."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10 and int(raw) <= MAX_QUERY_INT):
        raise BadRequest(
            f"'{name}' must be a whole number from 0 to {MAX_QUERY_INT}.", code="bad_query"
        )
    return int(raw)


# --------------------------------------------------------------------------- workshops


async def get_workshop(request: Request) -> Response:
    """``GET /api/workshops/{id}`` → title, kind, boards, people and groups, for anyone in it.

    Boards are those whose own stream names this workshop (and the token's one board, if it
    is narrowed). On a pseudonymous board's group, people other than facilitators see how many
    are in it, not who: with so few people, knowing who is there unmasks the pseudonyms.
    """
    ctx, claims, workshop_id = await workshop_claims(request)
    state = await ctx.reads.workshop_state(workshop_id)
    boards = [
        {"id": bid, "title": ref.title, "kind": ref.kind}
        for bid, ref in (await ctx.reads.workshop_boards(workshop_id, claims.board)).items()
    ]
    masked = set()
    if claims.role != "facilitator":
        masked = {
            gid
            for gid, g in state.groups.items()
            if await ctx.reads.anonymity_of(g.board_id) == "pseudonymous"
        }
    participants = [
        {
            "id": pid,
            "name": p.name,
            "organisation": p.organisation,
            "role": p.role,
            "group": None if p.group_id in masked and pid != claims.sub else p.group_id,
            "erased": p.erased,
        }
        for pid, p in state.participants.items()
        if not p.removed or p.erased
    ]
    groups = [
        {
            "id": gid,
            "name": g.name,
            "board_id": g.board_id,
            "members": [] if gid in masked else state.members(gid),
            "size": len(state.members(gid)),
        }
        for gid, g in state.groups.items()
    ]
    me = state.participants.get(claims.sub)
    return json(
        {
            "id": workshop_id,
            "title": state.title,
            "kind": state.kind,
            "date": state.date,
            "agenda": state.agenda,
            "programme": state.programme,
            "group_size_limit": state.group_size_limit,
            "boards": boards,
            "participants": participants,
            "groups": groups,
            "you": {
                "id": claims.sub,
                "role": claims.role,
                "name": claims.name,
                "group": None if me is None else me.group_id,
                "board": claims.board,
            },
        }
    )


async def create_board(request: Request) -> Response:
    """``POST /api/workshops/{id}/boards`` → the new board (facilitators only)."""
    ctx, claims, workshop_id = await workshop_claims(request)
    body = await body_as(request, CreateBoardIn)
    require_whole_workshop(claims)
    board_id = body.board_id or new_id()
    command_id = body.command_id or new_id()
    outcome = await flows.add_board(
        ctx.runner,
        claims.actor(),
        workshop_id,
        board_id,
        body.title,
        body.kind,
        command_id,
        guard=limits.workshop_guard(ctx.settings.limits),
    )
    return json(
        {
            "id": board_id,
            "workshop_id": workshop_id,
            "title": body.title,
            "kind": body.kind,
            "version": outcome.version,
        },
        201,
    )


async def create_group(request: Request) -> Response:
    """``POST /api/workshops/{id}/groups`` ``{name, group_id?}`` → a breakout group and its
    new board (facilitators only)."""
    ctx, claims, workshop_id = await workshop_claims(request)
    body = await body_as(request, CreateGroupIn)
    require_whole_workshop(claims)
    group_id, board_id, command_id = body.group_id or new_id(), new_id(), new_id()
    command = workshop.CreateGroup(group_id=group_id, name=body.name, board_id=board_id)
    outcome = await flows.create_group(
        ctx.runner,
        claims.actor(),
        workshop_id,
        command,
        command_id,
        guard=limits.workshop_guard(ctx.settings.limits),
    )
    return json(
        {"group_id": group_id, "board_id": board_id, "name": body.name, "version": outcome.version},
        201,
    )


async def assign_participant(request: Request) -> Response:
    """``POST /api/workshops/{id}/assignments`` ``{actor_id, group_id}`` → the workshop's
    version and the events (none when the person is already there). Facilitators only."""
    ctx, claims, workshop_id = await workshop_claims(request)
    body = await body_as(request, AssignIn)
    require_whole_workshop(claims)
    outcome = await ctx.runner.execute(
        workshop.DECIDER,
        workshop_stream(workshop_id),
        workshop.AssignParticipant(actor_id=body.actor_id, group_id=body.group_id),
        claims.actor(),
        body.command_id or new_id(),
    )
    return json(
        {
            "actor_id": body.actor_id,
            "group_id": body.group_id,
            "version": outcome.version,
            "duplicate": outcome.duplicate,
            "events": [event_out(rec) for rec in outcome.events],
        }
    )


# --------------------------------------------------------------------------- boards


async def post_board_command(request: Request) -> Response:
    """``POST /api/boards/{id}/commands`` → ``{version, events}``; 403/404/409/422 on refusal."""
    ctx = plenary(request)
    claims = await claims_of(request)
    board_id = request.path_params["board_id"]
    body = await body_as(request, BoardCommandIn)
    if isinstance(body.command, board.CreateBoard):
        raise InvalidCommand(
            "Create boards with POST /api/workshops/{id}/boards.", code="invalid_command"
        )

    def guard(state: board.Board) -> None:
        if not state.created:
            raise NotFound("There is no such board.", code="board_not_found")
        check_board_access(claims, state.workshop_id, board_id)

    actor = claims.actor()
    if isinstance(body.command, decisions.PromoteItems):
        guard(await ctx.reads.board_state(board_id))  # before its source board is read
    command = body.command
    if isinstance(command, decisions.PromoteItems):
        command = await plan_promotion(
            ctx.runner, board_id, command, actor, body.command_id, claims.board
        )
    within = limits.board_guard(ctx.settings.limits, command)

    def guarded(state: board.Board) -> None:
        guard(state)
        within(state)

    outcome = await ctx.runner.execute(
        board.DECIDER, board_stream(board_id), command, actor, body.command_id, guard=guarded
    )
    shown = await ctx.reads.present_history(board_id, outcome.events, ctx.reads.viewer(actor))
    return json(
        {
            "version": outcome.version,
            "duplicate": outcome.duplicate,
            "events": [event_out(rec) for rec in shown],
        }
    )


async def readable_board(request: Request) -> tuple[Plenary, str, Viewer]:
    ctx = plenary(request)
    claims = await claims_of(request)
    board_id = request.path_params["board_id"]
    state = await ctx.reads.board_state(board_id)
    check_board_access(claims, state.workshop_id, board_id)
    return ctx, board_id, ctx.reads.viewer(claims.actor())


async def get_board(request: Request) -> Response:
    """``GET /api/boards/{id}`` → the current board view, as the caller may see it."""
    ctx, board_id, viewer = await readable_board(request)
    return json(present_view(await ctx.reads.board_view(board_id), viewer))


async def get_board_events(request: Request) -> Response:
    """``GET /api/boards/{id}/events?after=N&limit=M`` → the board's events after version N
    (each private one the caller may not see yet as a ``redacted`` placeholder)."""
    ctx, board_id, viewer = await readable_board(request)
    after = int_param(request, "after", 0) or 0
    limit = min(int_param(request, "limit", 1000) or 1000, 5000)
    last = min(after + limit, MAX_QUERY_INT)
    events = await ctx.store.read_stream(board_stream(board_id), after, last)
    shown = await ctx.reads.present_history(board_id, events, viewer)
    return json({"board_id": board_id, "after": after, "events": [event_out(r) for r in shown]})


async def get_board_at(request: Request) -> Response:
    """``GET /api/boards/{id}/at?version=N`` → the board as it was at version N."""
    ctx, board_id, viewer = await readable_board(request)
    version = int_param(request, "version")
    if version is None:
        raise BadRequest("Give the version to show: ?version=N.", code="bad_query")
    return json(present_view(await ctx.reads.board_at(board_id, version), viewer))


async def health(request: Request) -> Response:
    """``GET /api/health`` → the store's epoch and head: a cheap liveness and readiness probe."""
    ctx = plenary(request)
    head = await ctx.store.head()
    return json(
        {"ok": True, "epoch": ctx.store.epoch, "backend": ctx.store.backend, "head": head.position}
    )


routes = [
    Route("/api/health", health, methods=["GET"]),
    Route("/api/workshops/{workshop_id}", get_workshop, methods=["GET"]),
    Route("/api/workshops/{workshop_id}/boards", create_board, methods=["POST"]),
    Route("/api/workshops/{workshop_id}/groups", create_group, methods=["POST"]),
    Route("/api/workshops/{workshop_id}/assignments", assign_participant, methods=["POST"]),
    Route("/api/boards/{board_id}", get_board, methods=["GET"]),
    Route("/api/boards/{board_id}/commands", post_board_command, methods=["POST"]),
    Route("/api/boards/{board_id}/events", get_board_events, methods=["GET"]),
    Route("/api/boards/{board_id}/at", get_board_at, methods=["GET"]),
]
