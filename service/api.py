"""The HTTP API: workshops, boards, invites, joining, groups, commands, views, time travel.

Handlers stay thin: authenticate, decode at the edge with msgspec, hand the command to the
runner, encode the answer. Every refusal is raised and turned into JSON by ``errors``.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain import board, decisions, workshop
from domain.actor import Actor
from domain.board import Id
from domain.errors import Forbidden, InvalidCommand, NotFound
from domain.streams import board_stream, workshop_stream
from domain.types import Role
from projections.visibility import Viewer, present_view
from service.commands import Outcome
from service.context import Plenary
from service.errors import BadRequest
from service.ids import new_id
from service.tokens import Claims, Unauthorized, verify
from service.wire import encoder, event_out

MAX_BODY = 64 * 1024
T = TypeVar("T")


# --------------------------------------------------------------------------- request shapes


class CreateWorkshopIn(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    kind: workshop.WorkshopKind = "challenges"
    date: str | None = None
    group_size_limit: int = workshop.GROUP_SIZE_DEFAULT
    agenda: tuple[workshop.AgendaItem, ...] = ()
    programme: Id | None = None
    """Workshops naming one programme count their outcomes together; alone by default."""
    facilitator_name: str = "Facilitator"
    workshop_id: Id | None = None
    command_id: Id | None = None


class CreateBoardIn(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    kind: board.BoardKind = "breakout"
    board_id: Id | None = None
    command_id: Id | None = None


class InviteIn(msgspec.Struct, frozen=True, kw_only=True):
    role: Role
    name: str = ""
    board_id: Id | None = None


class BoardCommandIn(msgspec.Struct, frozen=True, kw_only=True):
    command_id: Id
    command: board.Command


class JoinIn(msgspec.Struct, frozen=True, kw_only=True):
    # No client ``command_id``: a resent one would answer with the first joiner's token.
    name: str
    organisation: str = ""


class CreateGroupIn(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    group_id: Id | None = None


class AssignIn(msgspec.Struct, frozen=True, kw_only=True):
    actor_id: Id
    group_id: Id | None
    command_id: Id | None = None


_decoders: dict[type[Any], msgspec.json.Decoder[Any]] = {
    shape: msgspec.json.Decoder(shape)
    for shape in (
        CreateWorkshopIn,
        CreateBoardIn,
        InviteIn,
        BoardCommandIn,
        JoinIn,
        CreateGroupIn,
        AssignIn,
    )
}


# --------------------------------------------------------------------------- edges


def plenary(request: Request) -> Plenary:
    ctx: Plenary = request.app.state.plenary
    return ctx


async def body_as(request: Request, shape: type[T]) -> T:
    """The request body decoded as ``shape``; raises ``BadRequest`` past 64 KiB."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise BadRequest(f"The body is larger than {MAX_BODY} bytes.", code="too_large")
        chunks.append(chunk)
    decoder = _decoders.get(shape)
    if decoder is None:  # shapes of other API modules, decoded the same way
        decoder = _decoders[shape] = msgspec.json.Decoder(shape)
    result: T = decoder.decode(b"".join(chunks))
    return result


def claims_of(request: Request) -> Claims:
    """The verified claims of the request's bearer token; raises ``Unauthorized``."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("Send the token as 'Authorization: Bearer <token>'.")
    ctx = plenary(request)
    return verify(ctx.settings.secret, token.strip(), now=ctx.clock())


def workshop_claims(request: Request) -> tuple[Plenary, Claims, str]:
    """The context, the verified claims and the path's workshop id, which the token must name
    (``workshop_not_found`` otherwise)."""
    claims = claims_of(request)
    workshop_id = request.path_params["workshop_id"]
    if claims.wid != workshop_id:
        raise NotFound("There is no such workshop.", code="workshop_not_found")
    return plenary(request), claims, workshop_id


def derived_id(command_id: str, step: str) -> str:
    """The command id of a follow-up ``step`` of ``command_id``: stable, so a resend is a no-op."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"plenary:{step}:{command_id}"))


def check_board_access(claims: Claims, state_workshop: str, board_id: str) -> None:
    """A token opens only its own workshop's boards (and one board when it names one)."""
    if claims.wid != state_workshop or (claims.board is not None and claims.board != board_id):
        raise NotFound("There is no such board.", code="board_not_found")


def json(value: object, status: int = 200) -> Response:
    return Response(encoder.encode(value), status_code=status, media_type="application/json")


def int_param(request: Request, name: str, default: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise BadRequest(f"'{name}' must be a whole number.", code="bad_query") from exc
    if value < 0:
        raise BadRequest(f"'{name}' must not be negative.", code="bad_query")
    return value


# --------------------------------------------------------------------------- workshops


async def create_workshop(request: Request) -> Response:
    """``POST /api/workshops`` → the workshop and its first facilitator's token and link."""
    ctx = plenary(request)
    body = await body_as(request, CreateWorkshopIn)
    workshop_id = body.workshop_id or new_id()
    facilitator = Actor(id=new_id(), role="facilitator", name=body.facilitator_name)
    command = workshop.CreateWorkshop(
        workshop_id=workshop_id,
        title=body.title,
        kind=body.kind,
        date=body.date,
        group_size_limit=body.group_size_limit,
        agenda=body.agenda,
        programme=body.programme or workshop_id,
    )
    command_id = body.command_id or new_id()
    outcome = await ctx.runner.execute(
        workshop.DECIDER, workshop_stream(workshop_id), command, facilitator, command_id
    )
    created = workshop.DECIDER.decode_event(outcome.events[0].data)
    assert isinstance(created, workshop.WorkshopCreated)
    # The facilitator is one of the people in the workshop, listed by name like everyone else.
    host = Actor(id=created.facilitator, role="facilitator", name=body.facilitator_name)
    await ctx.runner.execute(
        workshop.DECIDER,
        workshop_stream(workshop_id),
        workshop.JoinWorkshop(actor_id=host.id, name=host.name, role="facilitator"),
        host,
        derived_id(command_id, "join"),
        correlation_id=command_id,
        causation_id=command_id,
    )
    claims = Claims(
        sub=created.facilitator, wid=workshop_id, role="facilitator", name=body.facilitator_name
    )
    return json(
        {
            "id": workshop_id,
            "title": created.title,
            "kind": created.kind,
            "date": created.date,
            "version": outcome.version,
            "facilitator_token": ctx.token(claims),
            "facilitator_url": ctx.link(claims),
        },
        201,
    )


async def get_workshop(request: Request) -> Response:
    """``GET /api/workshops/{id}`` → title, kind, boards, people and groups, for anyone in it."""
    ctx, claims, workshop_id = workshop_claims(request)
    state = await ctx.workshop_state(workshop_id)
    boards = [
        {"id": bid, "title": ref.title, "kind": ref.kind}
        for bid, ref in state.boards.items()
        if claims.board is None or claims.board == bid
    ]
    participants = [
        {
            "id": pid,
            "name": p.name,
            "organisation": p.organisation,
            "role": p.role,
            "group": p.group_id,
        }
        for pid, p in state.participants.items()
    ]
    groups = [
        {"id": gid, "name": g.name, "board_id": g.board_id, "members": state.members(gid)}
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
            },
        }
    )


async def add_board(
    ctx: Plenary,
    actor: Actor,
    workshop_id: str,
    board_id: str,
    title: str,
    kind: board.BoardKind,
    command_id: str,
) -> Outcome:
    """Add ``board_id`` to the workshop, then create its stream; the board stream's outcome."""
    await ctx.runner.execute(
        workshop.DECIDER,
        workshop_stream(workshop_id),
        workshop.AddBoard(board_id=board_id, title=title, kind=kind),
        actor,
        command_id,
    )
    return await ctx.runner.execute(
        board.DECIDER,
        board_stream(board_id),
        board.CreateBoard(board_id=board_id, workshop_id=workshop_id, title=title, kind=kind),
        actor,
        derived_id(command_id, "board"),
        correlation_id=command_id,
        causation_id=command_id,
    )


async def create_board(request: Request) -> Response:
    """``POST /api/workshops/{id}/boards`` → the new board (facilitators only)."""
    ctx, claims, workshop_id = workshop_claims(request)
    body = await body_as(request, CreateBoardIn)
    board_id = body.board_id or new_id()
    command_id = body.command_id or new_id()
    outcome = await add_board(
        ctx, claims.actor(), workshop_id, board_id, body.title, body.kind, command_id
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


async def create_invite(request: Request) -> Response:
    """``POST /api/workshops/{id}/invites`` ``{role}`` → a token and a link for a new person."""
    ctx, claims, workshop_id = workshop_claims(request)
    body = await body_as(request, InviteIn)
    if claims.role != "facilitator":
        raise Forbidden("Only a facilitator may invite people.", code="forbidden")
    state = await ctx.workshop_state(workshop_id)
    if body.board_id is not None and body.board_id not in state.boards:
        raise NotFound("There is no such board.", code="board_not_found")
    invited = Claims(
        sub=new_id(),
        wid=workshop_id,
        role=body.role,
        name=body.name,
        board=body.board_id,
        kind="invite",
    )
    return json(
        {
            "token": ctx.token(invited),
            "url": ctx.link(invited, body.board_id),
            "role": body.role,
            "actor_id": invited.sub,
        },
        201,
    )


async def join_workshop(request: Request) -> Response:
    """``POST /api/workshops/{id}/join`` with an invite → a personal token for a new person.

    Raises ``not_an_invite`` for a personal token; the workshop's rules for the rest.
    """
    ctx, claims, workshop_id = workshop_claims(request)
    if claims.kind != "invite":
        raise BadRequest("Join with an invite token, not a personal one.", code="not_an_invite")
    body = await body_as(request, JoinIn)
    actor = Actor(id=new_id(), role=claims.role, name=body.name)
    command = workshop.JoinWorkshop(
        actor_id=actor.id, name=body.name, organisation=body.organisation, role=claims.role
    )
    outcome = await ctx.runner.execute(
        workshop.DECIDER, workshop_stream(workshop_id), command, actor, new_id()
    )
    personal = Claims(
        sub=actor.id, wid=workshop_id, role=claims.role, name=body.name, board=claims.board
    )
    answer: dict[str, object] = {
        "token": ctx.token(personal),
        "url": ctx.link(personal, claims.board),
        "actor_id": actor.id,
        "role": claims.role,
        "workshop_id": workshop_id,
        "version": outcome.version,
    }
    if claims.board is not None:
        answer["board_id"] = claims.board
    return json(answer, 201)


async def create_group(request: Request) -> Response:
    """``POST /api/workshops/{id}/groups`` ``{name, group_id?}`` → a breakout group and its
    new board (facilitators only)."""
    ctx, claims, workshop_id = workshop_claims(request)
    body = await body_as(request, CreateGroupIn)
    actor = claims.actor()
    group_id, board_id, command_id = body.group_id or new_id(), new_id(), new_id()
    command = workshop.CreateGroup(group_id=group_id, name=body.name, board_id=board_id)
    # Ask the rules first, as if the board were there, so a refused group leaves no board
    # behind. Two facilitators racing for the last group may still leave one unused board.
    state = await ctx.workshop_state(workshop_id)
    planned = workshop.BoardAdded(board_id=board_id, title=body.name, kind="breakout")
    workshop.decide(workshop.evolve(state, planned), command, actor)
    await add_board(ctx, actor, workshop_id, board_id, body.name, "breakout", command_id)
    outcome = await ctx.runner.execute(
        workshop.DECIDER,
        workshop_stream(workshop_id),
        command,
        actor,
        derived_id(command_id, "group"),
        correlation_id=command_id,
        causation_id=command_id,
    )
    return json(
        {"group_id": group_id, "board_id": board_id, "name": body.name, "version": outcome.version},
        201,
    )


async def assign_participant(request: Request) -> Response:
    """``POST /api/workshops/{id}/assignments`` ``{actor_id, group_id}`` → the workshop's
    version and the events (none when the person is already there). Facilitators only."""
    ctx, claims, workshop_id = workshop_claims(request)
    body = await body_as(request, AssignIn)
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
    claims = claims_of(request)
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
        guard(await ctx.board_state(board_id))  # before its source board is read
    command = await ctx.prepare(board_id, body.command, actor, body.command_id, claims.board)
    outcome = await ctx.runner.execute(
        board.DECIDER, board_stream(board_id), command, actor, body.command_id, guard=guard
    )
    shown = await ctx.present_history(board_id, outcome.events, ctx.viewer(actor))
    return json(
        {
            "version": outcome.version,
            "duplicate": outcome.duplicate,
            "events": [event_out(rec) for rec in shown],
        }
    )


async def readable_board(request: Request) -> tuple[Plenary, str, Viewer]:
    ctx = plenary(request)
    claims = claims_of(request)
    board_id = request.path_params["board_id"]
    state = await ctx.board_state(board_id)
    check_board_access(claims, state.workshop_id, board_id)
    return ctx, board_id, ctx.viewer(claims.actor())


async def get_board(request: Request) -> Response:
    """``GET /api/boards/{id}`` → the current board view, as the caller may see it."""
    ctx, board_id, viewer = await readable_board(request)
    return json(present_view(await ctx.board_view(board_id), viewer))


async def get_board_events(request: Request) -> Response:
    """``GET /api/boards/{id}/events?after=N&limit=M`` → the board's events after version N
    (each private one the caller may not see yet as a ``redacted`` placeholder)."""
    ctx, board_id, viewer = await readable_board(request)
    after = int_param(request, "after", 0) or 0
    limit = min(int_param(request, "limit", 1000) or 1000, 5000)
    events = await ctx.store.read_stream(board_stream(board_id), after, after + limit)
    shown = await ctx.present_history(board_id, events, viewer)
    return json({"board_id": board_id, "after": after, "events": [event_out(r) for r in shown]})


async def get_board_at(request: Request) -> Response:
    """``GET /api/boards/{id}/at?version=N`` → the board as it was at version N."""
    ctx, board_id, viewer = await readable_board(request)
    version = int_param(request, "version")
    if version is None:
        raise BadRequest("Give the version to show: ?version=N.", code="bad_query")
    then = await ctx.board_view(board_id, at_most_version=version)
    if await ctx.anonymity_of(board_id) == "pseudonymous":
        # A board made pseudonymous later hides names in its past too.
        then = msgspec.structs.replace(then, anonymity="pseudonymous")
    return json(present_view(then, viewer))


async def health(request: Request) -> Response:
    """``GET /api/health`` → the store's epoch and head: a cheap liveness and readiness probe."""
    ctx = plenary(request)
    head = await ctx.store.head()
    return json(
        {"ok": True, "epoch": ctx.store.epoch, "backend": ctx.store.backend, "head": head.position}
    )


routes = [
    Route("/api/health", health, methods=["GET"]),
    Route("/api/workshops", create_workshop, methods=["POST"]),
    Route("/api/workshops/{workshop_id}", get_workshop, methods=["GET"]),
    Route("/api/workshops/{workshop_id}/boards", create_board, methods=["POST"]),
    Route("/api/workshops/{workshop_id}/invites", create_invite, methods=["POST"]),
    Route("/api/workshops/{workshop_id}/join", join_workshop, methods=["POST"]),
    Route("/api/workshops/{workshop_id}/groups", create_group, methods=["POST"]),
    Route("/api/workshops/{workshop_id}/assignments", assign_participant, methods=["POST"]),
    Route("/api/boards/{board_id}", get_board, methods=["GET"]),
    Route("/api/boards/{board_id}/commands", post_board_command, methods=["POST"]),
    Route("/api/boards/{board_id}/events", get_board_events, methods=["GET"]),
    Route("/api/boards/{board_id}/at", get_board_at, methods=["GET"]),
]
