"""HTTP for who gets in: sessions, WebSocket tickets, organisers' programmes and workshops,
invites, joining, and taking people out.

Every credential expires and is checked against the log on each use (``service.auth``).
"""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain import programme, workshop
from domain.actor import Actor
from domain.board import Id
from domain.errors import Forbidden, NotFound
from domain.streams import programme_stream, workshop_stream
from domain.types import WORKSHOP_ROLES, WorkshopRole
from service.access.tokens import Claims, Kind
from service.commands import flows
from service.commands.limits import Limits
from service.errors import BadRequest
from service.http.api import (
    bearer,
    body_as,
    check_board_access,
    claims_of,
    json,
    plenary,
    require_whole_workshop,
    workshop_claims,
)
from service.ids import new_id
from service.privacy import erasure

ORGANISER: frozenset[Kind] = frozenset({"organiser"})
ANY_CREDENTIAL: frozenset[Kind] = frozenset({"session", "invite", "link", "organiser", "signin"})


class CreateWorkshopIn(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    kind: workshop.WorkshopKind = "challenges"
    date: str | None = None
    group_size_limit: int = workshop.GROUP_SIZE_DEFAULT
    agenda: tuple[workshop.AgendaItem, ...] = ()
    programme: Id | None = None
    """A programme of the caller's; without one the workshop is a programme of its own."""
    facilitator_name: str | None = None
    """How the organiser is named in this workshop; their organiser name by default."""
    workshop_id: Id | None = None
    command_id: Id | None = None


class CreateProgrammeIn(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    programme_id: Id | None = None
    command_id: Id | None = None


class InviteIn(msgspec.Struct, frozen=True, kw_only=True):
    role: WorkshopRole
    name: str = ""
    board_id: Id | None = None

    def within(self, limits: Limits) -> None:
        """The name fits a person's name (``invalid_name`` otherwise)."""
        limits.check_text("invalid_name", "An invite's name", self.name, limits.invite_name)


class JoinIn(msgspec.Struct, frozen=True, kw_only=True):
    # No client ``command_id``: a resent one would answer with the first joiner's token.
    name: str
    organisation: str = ""


def session_answer(ctx_claims: Claims, token: str) -> dict[str, object]:
    """What a new session says about itself, so clients never need to read the token."""
    return {
        "token": token,
        "expires_at": ctx_claims.exp,
        "kind": ctx_claims.kind,
        "id": ctx_claims.sub,
        "name": ctx_claims.name,
        "role": ctx_claims.role,
        "workshop_id": ctx_claims.wid or None,
        "board_id": ctx_claims.board,
    }


# --------------------------------------------------------------------------- sessions


async def new_session(request: Request) -> Response:
    """``POST /api/auth/session`` with any credential but a ticket → a fresh working session:
    a link or sign-in link exchanged, a session refreshed (the web client does this while it
    is used), an invite opened as its own person."""
    ctx = plenary(request)
    claims = await claims_of(request, ANY_CREDENTIAL)
    session = ctx.auth.session_from(claims)
    return json(session_answer(session, ctx.auth.token(session)), 201)


async def new_ticket(request: Request) -> Response:
    """``POST /api/boards/{id}/ticket`` → a ticket that opens the board's WebSocket once,
    within seconds (so no lasting credential ever rides in a URL)."""
    ctx = plenary(request)
    claims = await claims_of(request)
    board_id = request.path_params["board_id"]
    state = await ctx.reads.board_state(board_id)
    check_board_access(claims, state.workshop_id, board_id)
    ticket = ctx.auth.ticket(claims, board_id)
    return json({"ticket": ctx.auth.token(ticket), "expires_at": ticket.exp}, 201)


# --------------------------------------------------------------------------- organisers


async def create_programme(request: Request) -> Response:
    """``POST /api/programmes`` (an organiser) → 201 the new programme, owned by the caller."""
    ctx = plenary(request)
    claims = await claims_of(request, ORGANISER)
    body = await body_as(request, CreateProgrammeIn)
    programme_id = body.programme_id or new_id()
    command = programme.CreateProgramme(programme_id=programme_id, title=body.title)
    outcome = await ctx.runner.execute(
        programme.DECIDER,
        programme_stream(programme_id),
        command,
        claims.actor(),
        body.command_id or new_id(),
    )
    return json(
        {"id": programme_id, "title": body.title, "owner": claims.sub, "version": outcome.version},
        201,
    )


async def my_programmes(request: Request) -> Response:
    """``GET /api/programmes`` (an organiser) → the organiser and the programmes they own,
    each with its workshops."""
    ctx = plenary(request)
    claims = await claims_of(request, ORGANISER)
    view = await ctx.reads.programme_view()
    owned = [p for p in view.programmes.values() if p.owner == claims.sub]
    return json(
        {
            "organiser": {"id": claims.sub, "name": claims.name},
            "programmes": [
                {
                    "id": p.id,
                    "title": p.title,
                    "workshops": [view.workshops[w] for w in p.workshops if w in view.workshops],
                }
                for p in sorted(owned, key=lambda p: p.title)
            ],
        }
    )


async def create_workshop(request: Request) -> Response:
    """``POST /api/workshops`` (an organiser) → the workshop, in a programme the caller owns,
    and the caller's facilitator token and link for it."""
    ctx = plenary(request)
    claims = await claims_of(request, ORGANISER)
    body = await body_as(request, CreateWorkshopIn)
    workshop_id = body.workshop_id or new_id()
    command = workshop.CreateWorkshop(
        workshop_id=workshop_id,
        title=body.title,
        kind=body.kind,
        date=body.date,
        group_size_limit=body.group_size_limit,
        agenda=body.agenda,
        programme=body.programme or workshop_id,
    )
    name = claims.name if body.facilitator_name is None else body.facilitator_name
    outcome = await flows.create_workshop(
        ctx.runner, claims.actor(), command, name, body.command_id or new_id()
    )
    host = Actor(id=claims.sub, role="facilitator", name=name)
    session = ctx.auth.claims("session", host, workshop_id)
    link = ctx.auth.claims("link", host, workshop_id)
    return json(
        {
            "id": workshop_id,
            "title": command.title,
            "kind": command.kind,
            "date": command.date,
            "programme": command.programme,
            "version": outcome.version,
            "facilitator_token": ctx.auth.token(session),
            "facilitator_url": ctx.auth.url(link, f"/w/{workshop_id}"),
        },
        201,
    )


async def enter_workshop(request: Request) -> Response:
    """``POST /api/workshops/{id}/enter`` (an organiser) → a facilitator session for a
    workshop the organiser facilitates (``workshop_not_found`` for any other)."""
    ctx = plenary(request)
    claims = await claims_of(request, ORGANISER)
    workshop_id = request.path_params["workshop_id"]
    state = await ctx.reads.workshop_state(workshop_id)
    person = state.participants.get(claims.sub)
    if person is None or person.removed or person.role != "facilitator":
        raise NotFound("There is no such workshop.", code="workshop_not_found")
    host = Actor(id=claims.sub, role="facilitator", name=person.name)
    session = ctx.auth.claims("session", host, workshop_id)
    return json(session_answer(session, ctx.auth.token(session)), 201)


# --------------------------------------------------------------------------- invites and people


def _facilitator(claims: Claims) -> None:
    if claims.role != "facilitator" or claims.kind != "session":
        raise Forbidden("Only a facilitator does this.", code="forbidden")


async def create_invite(request: Request) -> Response:
    """``POST /api/workshops/{id}/invites`` ``{role, name?, board_id?}`` → an invite link,
    recorded in the workshop (so it can be listed and revoked). A facilitator whose token
    opens one board invites to that board only."""
    ctx, claims, workshop_id = await workshop_claims(request)
    body = await body_as(request, InviteIn)
    _facilitator(claims)
    if claims.board is not None and body.board_id != claims.board:
        raise Forbidden("This link invites to its own board only.", code="forbidden")
    invite = ctx.auth.claims(
        "invite",
        Actor(id=new_id(), role=body.role, name=body.name),
        workshop_id,
        board=body.board_id,
    )
    command = workshop.CreateInvite(
        invite_id=invite.jti,
        role=body.role,
        name=body.name,
        board_id=body.board_id,
        expires_at=invite.exp,
    )
    await ctx.runner.execute(
        workshop.DECIDER, workshop_stream(workshop_id), command, claims.actor(), new_id()
    )
    target = f"/b/{body.board_id}" if body.board_id else f"/w/{workshop_id}"
    return json(
        {
            "token": ctx.auth.token(invite),
            "url": ctx.auth.url(invite, target),
            "role": body.role,
            "actor_id": invite.sub,
            "invite_id": invite.jti,
            "expires_at": invite.exp,
        },
        201,
    )


async def list_invites(request: Request) -> Response:
    """``GET /api/workshops/{id}/invites`` (facilitators) → every invite, newest last, with
    its role, board, expiry and whether it was revoked."""
    ctx, claims, workshop_id = await workshop_claims(request)
    _facilitator(claims)
    state = await ctx.reads.workshop_state(workshop_id)
    now = ctx.clock()
    return json(
        {
            "invites": [
                {
                    "id": iid,
                    "role": i.role,
                    "name": i.name,
                    "board_id": i.board_id,
                    "expires_at": i.expires_at,
                    "revoked": i.revoked,
                    "expired": i.expires_at < now,
                }
                for iid, i in state.invites.items()
                if claims.board is None or i.board_id == claims.board
            ]
        }
    )


async def revoke_invite(request: Request) -> Response:
    """``POST /api/workshops/{id}/invites/{invite_id}/revoke`` → the invite stops working at
    once, and so does everyone's session opened with it without joining."""
    ctx, claims, workshop_id = await workshop_claims(request)
    _facilitator(claims)
    invite_id = request.path_params["invite_id"]
    state = await ctx.reads.workshop_state(workshop_id)
    invite = state.invites.get(invite_id)
    if claims.board is not None and (invite is None or invite.board_id != claims.board):
        raise NotFound("There is no such invite.", code="unknown_invite")
    outcome = await ctx.runner.execute(
        workshop.DECIDER,
        workshop_stream(workshop_id),
        workshop.RevokeInvite(invite_id=invite_id),
        claims.actor(),
        new_id(),
    )
    return json({"invite_id": invite_id, "revoked": True, "version": outcome.version})


async def remove_person(request: Request) -> Response:
    """``POST /api/workshops/{id}/people/{actor_id}/remove`` → the person leaves the workshop:
    their tokens stop working at once (open sockets are closed with 4401); their work stays."""
    ctx, claims, workshop_id = await workshop_claims(request)
    _facilitator(claims)
    require_whole_workshop(claims)
    actor_id = request.path_params["actor_id"]
    outcome = await ctx.runner.execute(
        workshop.DECIDER,
        workshop_stream(workshop_id),
        workshop.RemoveParticipant(actor_id=actor_id),
        claims.actor(),
        new_id(),
    )
    return json({"actor_id": actor_id, "removed": True, "version": outcome.version})


async def erase_person(request: Request) -> Response:
    """``POST /api/workshops/{id}/people/{actor_id}/erase`` → the person is removed as by
    ``…/remove``, and what they wrote, and their name, read "(erased)" everywhere
    (``docs/privacy.md``). Facilitators only; an organiser is erased by the operator."""
    ctx, claims, workshop_id = await workshop_claims(request)
    _facilitator(claims)
    require_whole_workshop(claims)
    actor_id = request.path_params["actor_id"]
    await erasure.refuse_organiser(ctx, actor_id)
    outcome = await erasure.erase(ctx, claims.actor(), workshop_id, actor_id, new_id())
    return json({"actor_id": actor_id, "erased": True, "version": outcome.version})


async def join_workshop(request: Request) -> Response:
    """``POST /api/workshops/{id}/join`` with an invite → a session and a personal link for a
    new person, in the invite's role and board. Raises ``not_an_invite`` for anything else."""
    ctx = plenary(request)
    claims = await ctx.auth.authenticate(bearer(request), ANY_CREDENTIAL)
    workshop_id = request.path_params["workshop_id"]
    if claims.wid != workshop_id:
        raise NotFound("There is no such workshop.", code="workshop_not_found")
    if claims.kind != "invite" or claims.role not in WORKSHOP_ROLES:
        raise BadRequest("Join with an invite token, not a personal one.", code="not_an_invite")
    body = await body_as(request, JoinIn)
    actor = Actor(id=new_id(), role=claims.role, name=body.name)
    command = workshop.JoinWorkshop(
        actor_id=actor.id,
        name=body.name,
        organisation=body.organisation,
        role=claims.role,
    )
    outcome = await ctx.runner.execute(
        workshop.DECIDER, workshop_stream(workshop_id), command, actor, new_id()
    )
    session = ctx.auth.claims("session", actor, workshop_id, board=claims.board)
    link = ctx.auth.claims("link", actor, workshop_id, board=claims.board)
    target = f"/b/{claims.board}" if claims.board else f"/w/{workshop_id}"
    answer: dict[str, object] = {
        "token": ctx.auth.token(session),
        "expires_at": session.exp,
        "url": ctx.auth.url(link, target),
        "actor_id": actor.id,
        "role": claims.role,
        "workshop_id": workshop_id,
        "version": outcome.version,
    }
    if claims.board is not None:
        answer["board_id"] = claims.board
    return json(answer, 201)


routes = [
    Route("/api/auth/session", new_session, methods=["POST"]),
    Route("/api/boards/{board_id}/ticket", new_ticket, methods=["POST"]),
    Route("/api/programmes", create_programme, methods=["POST"]),
    Route("/api/programmes", my_programmes, methods=["GET"]),
    Route("/api/workshops", create_workshop, methods=["POST"]),
    Route("/api/workshops/{workshop_id}/enter", enter_workshop, methods=["POST"]),
    Route("/api/workshops/{workshop_id}/invites", create_invite, methods=["POST"]),
    Route("/api/workshops/{workshop_id}/invites", list_invites, methods=["GET"]),
    Route(
        "/api/workshops/{workshop_id}/invites/{invite_id}/revoke", revoke_invite, methods=["POST"]
    ),
    Route("/api/workshops/{workshop_id}/people/{actor_id}/remove", remove_person, methods=["POST"]),
    Route("/api/workshops/{workshop_id}/people/{actor_id}/erase", erase_person, methods=["POST"]),
    Route("/api/workshops/{workshop_id}/join", join_workshop, methods=["POST"]),
]
