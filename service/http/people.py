"""Who gets in: sessions, organisers' programmes and workshops, invites, joining, and taking
people out. Every credential expires and is checked against the log on each use
(``service.access.auth``); every command goes through ``service.commands``.

Handlers that issue a credential build a command and then an answer of many fields, one field
a line; past 15 lines they still only decode, handle and encode. About 400 lines for the same
reason: each of these endpoints is such a handler and its declared body.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from domain import programme, workshop
from domain.actor import Actor
from domain.board import Id
from domain.errors import Forbidden, NotFound, no_such_workshop
from domain.types import WORKSHOP_ROLES, WorkshopRole
from service import templates
from service.access.tokens import Claims, Kind
from service.commands import flows
from service.commands.access import Caller
from service.commands.handle import handle
from service.commands.limits import Limits
from service.errors import BadRequest
from service.http import answers
from service.http.endpoints import Call, Endpoint
from service.http.qr import qr_svg
from service.ids import new_id

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
    template: Id | None = None
    """A built-in template's kind or a saved template's id: the workshop's kind, agenda
    (unless ``agenda`` is given), boards and their setup, and prework come from it."""
    breakouts: int | None = None
    """Breakout boards (0–4) made with the template, each with its group; the template's
    count by default."""
    facilitator_name: str | None = None
    """How the organiser is named in this workshop; their organiser name by default."""
    workshop_id: Id | None = None
    command_id: Id | None = None


class CreateProgrammeIn(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    targets: programme.OutcomeTargets = msgspec.field(default_factory=programme.OutcomeTargets)
    """The planned outcomes' targets; each left out keeps its default."""
    programme_id: Id | None = None
    command_id: Id | None = None


class InviteIn(msgspec.Struct, frozen=True, kw_only=True):
    role: WorkshopRole
    name: str = ""
    board_id: Id | None = None
    expires_in_hours: Annotated[int, msgspec.Meta(ge=1, le=24 * 366)] | None = None
    """Sooner than the invite lifetime (``PLENARY_INVITE_DAYS``), never later."""

    def within(self, limits: Limits) -> None:
        """The name fits a person's name (``invalid_name`` otherwise)."""
        limits.check_text("invalid_name", "An invite's name", self.name, limits.invite_name)


class JoinIn(msgspec.Struct, frozen=True, kw_only=True):
    # No client ``command_id``: a resent one would answer with the first joiner's token.
    name: str
    organisation: str = ""


def _session(call: Call[Any], session: Claims) -> answers.Session:
    return answers.Session(
        token=call.ctx.auth.token(session),
        expires_at=session.exp,
        kind=session.kind,
        id=session.sub,
        name=session.name,
        role=session.role,
        workshop_id=session.wid or None,
        board_id=session.board,
    )


def facilitator_only(call: Call[Any]) -> None:
    """Raise ``forbidden`` unless the caller holds a facilitator's working session."""
    if call.claims.role != "facilitator" or call.claims.kind != "session":
        raise Forbidden("Only a facilitator does this.", code="forbidden")


# --------------------------------------------------------------------------- sessions


async def new_session(call: Call[None]) -> answers.Session:
    """A fresh working session for any credential but a ticket: a link or sign-in link
    exchanged, a session renewed (the web client does this while it is used), an invite
    opened as its own person."""
    return _session(call, call.ctx.auth.session_from(call.claims))


# --------------------------------------------------------------------------- organisers


async def create_programme(call: Call[CreateProgrammeIn]) -> answers.ProgrammeCreated:
    """A programme owned by the calling organiser."""
    body = call.body
    programme_id = body.programme_id or new_id()
    command = programme.CreateProgramme(
        programme_id=programme_id, title=body.title, targets=body.targets
    )
    caller = Caller(actor=call.actor)
    done = await handle(call.ctx, caller, command, body.command_id or new_id(), on=programme_id)
    return answers.ProgrammeCreated(
        id=programme_id,
        title=body.title,
        owner=call.claims.sub,
        version=done.version,
        targets=body.targets,
    )


async def my_programmes(call: Call[None]) -> answers.Programmes:
    """The calling organiser and the programmes they own, each with its workshops."""
    view = await call.ctx.reads.programme_view()
    owned = sorted(
        (p for p in view.programmes.values() if p.owner == call.claims.sub), key=lambda p: p.title
    )
    return answers.Programmes(
        organiser=answers.Organiser(id=call.claims.sub, name=call.claims.name),
        programmes=[
            answers.OwnedProgramme(
                id=p.id,
                title=p.title,
                workshops=[view.workshops[w] for w in p.workshops if w in view.workshops],
            )
            for p in owned
        ],
    )


async def create_workshop(call: Call[CreateWorkshopIn]) -> answers.WorkshopCreated:
    """A workshop in a programme the calling organiser owns (or one of its own), with the
    organiser as its first facilitator; their token and link for it."""
    body, auth = call.body, call.ctx.auth
    workshop_id = body.workshop_id or new_id()
    setup = await templates.plan(call.ctx, call.claims.sub, body.template, body.breakouts)
    template = None if setup is None else setup[0]
    command = workshop.CreateWorkshop(
        workshop_id=workshop_id,
        title=body.title,
        kind=body.kind if template is None else template.kind,
        date=body.date,
        group_size_limit=body.group_size_limit,
        agenda=body.agenda or (() if template is None else template.agenda),
        programme=body.programme or workshop_id,
        prework=None if template is None else template.prework,
    )
    name = call.claims.name if body.facilitator_name is None else body.facilitator_name
    done = await flows.create_workshop(
        call.ctx.runner, call.actor, command, name, body.command_id or new_id(), setup
    )
    host = Actor(id=call.claims.sub, role="facilitator", name=name)
    link = auth.claims("link", host, workshop_id)
    return answers.WorkshopCreated(
        id=workshop_id,
        title=command.title,
        kind=command.kind,
        date=command.date,
        programme=command.programme,
        version=done.version,
        facilitator_token=auth.token(auth.claims("session", host, workshop_id)),
        facilitator_url=auth.url(link, f"/w/{workshop_id}"),
    )


async def enter_workshop(call: Call[None]) -> answers.Session:
    """A facilitator session for a workshop the calling organiser facilitates."""
    workshop_id = call.path("workshop_id")
    state = await call.ctx.reads.workshop_state(workshop_id)
    person = state.participants.get(call.claims.sub)
    if person is None or person.removed or person.role != "facilitator":
        raise no_such_workshop()
    host = Actor(id=call.claims.sub, role="facilitator", name=person.name)
    return _session(call, call.ctx.auth.claims("session", host, workshop_id))


# --------------------------------------------------------------------------- invites and people


async def create_invite(call: Call[InviteIn]) -> answers.Invite:
    """An invite link, recorded in the workshop so it can be listed and revoked; a
    board-scoped facilitator invites to their own board only."""
    facilitator_only(call)
    body, claims, auth = call.body, call.claims, call.ctx.auth
    if claims.board is not None and body.board_id != claims.board:
        raise Forbidden("This link invites to its own board only.", code="forbidden")
    person = Actor(id=new_id(), role=body.role, name=body.name)
    invite = auth.claims("invite", person, claims.wid, board=body.board_id)
    if body.expires_in_hours is not None:
        sooner = int(call.ctx.clock()) + body.expires_in_hours * 3600
        invite = msgspec.structs.replace(invite, exp=min(invite.exp, sooner))
    command = workshop.CreateInvite(
        invite_id=invite.jti,
        role=body.role,
        name=body.name,
        board_id=body.board_id,
        expires_at=invite.exp,
    )
    await handle(call.ctx, call.caller, command, new_id())
    target = f"/b/{body.board_id}" if body.board_id else f"/w/{claims.wid}"
    url = auth.url(invite, target)
    return answers.Invite(
        token=auth.token(invite),
        url=url,
        role=body.role,
        actor_id=invite.sub,
        invite_id=invite.jti,
        expires_at=invite.exp,
        qr_svg=qr_svg(url),
    )


async def list_invites(call: Call[None]) -> answers.Invites:
    """Every invite of the workshop (a board-scoped facilitator's: their board's)."""
    facilitator_only(call)
    state = await call.ctx.reads.workshop_state(call.claims.wid)
    now, scope = call.ctx.clock(), call.claims.board
    rows = [
        answers.InviteRow(
            id=iid,
            role=i.role,
            name=i.name,
            board_id=i.board_id,
            expires_at=i.expires_at,
            revoked=i.revoked,
            expired=i.expires_at < now,
            joined=i.joined,
        )
        for iid, i in state.invites.items()
        if scope is None or i.board_id == scope
    ]
    return answers.Invites(invites=rows)


async def revoke_invite(call: Call[None]) -> answers.Revoked:
    """The invite stops working at once, and every session opened with it without joining."""
    facilitator_only(call)
    invite_id = call.path("invite_id")
    if call.claims.board is not None:
        invite = (await call.ctx.reads.workshop_state(call.claims.wid)).invites.get(invite_id)
        if invite is None or invite.board_id != call.claims.board:
            raise NotFound("There is no such invite.", code="unknown_invite")
    command = workshop.RevokeInvite(invite_id=invite_id)
    done = await handle(call.ctx, call.caller, command, new_id())
    return answers.Revoked(invite_id=invite_id, revoked=True, version=done.version)


async def remove_person(call: Call[None]) -> answers.Removed:
    """The person leaves the workshop: their tokens stop working at once, their work stays."""
    facilitator_only(call)
    actor_id = call.path("actor_id")
    command = workshop.RemoveParticipant(actor_id=actor_id)
    done = await handle(call.ctx, call.caller, command, new_id())
    return answers.Removed(actor_id=actor_id, removed=True, version=done.version)


async def erase_person(call: Call[None]) -> answers.Erased:
    """The person is removed, and their name and what they wrote read "(erased)" everywhere
    (``docs/privacy.md``); an organiser is erased by the operator."""
    facilitator_only(call)
    actor_id = call.path("actor_id")
    command = workshop.ErasePerson(actor_id=actor_id)
    done = await handle(call.ctx, call.caller, command, new_id())
    return answers.Erased(actor_id=actor_id, erased=True, version=done.version)


async def join(call: Call[JoinIn]) -> answers.Joined:
    """A session and a personal link for a new person, in the invite's role and board."""
    claims, auth = call.claims, call.ctx.auth
    if claims.kind != "invite" or claims.role not in WORKSHOP_ROLES:
        raise BadRequest("Join with an invite token, not a personal one.", code="not_an_invite")
    person = Actor(id=new_id(), role=claims.role, name=call.body.name)
    command = workshop.JoinWorkshop(
        actor_id=person.id,
        name=person.name,
        organisation=call.body.organisation,
        role=claims.role,
        invite_id=claims.jti or None,
    )
    done = await handle(call.ctx, call.caller, command, new_id(), actor=person)
    session = auth.claims("session", person, claims.wid, board=claims.board)
    link = auth.claims("link", person, claims.wid, board=claims.board)
    target = f"/b/{claims.board}" if claims.board else f"/w/{claims.wid}"
    return answers.Joined(
        token=auth.token(session),
        expires_at=session.exp,
        url=auth.url(link, target),
        actor_id=person.id,
        role=claims.role,
        workshop_id=claims.wid,
        version=done.version,
        board_id=claims.board,
    )


W = "/api/workshops/{workshop_id}"
_PEOPLE = ("forbidden", "unknown_participant")
ENDPOINTS = (
    Endpoint("POST", "/api/auth/session", new_session, answers.Session, None, 201, ANY_CREDENTIAL),
    Endpoint(
        "POST",
        "/api/programmes",
        create_programme,
        answers.ProgrammeCreated,
        CreateProgrammeIn,
        201,
        ORGANISER,
        ("programme_exists", "invalid_title", "invalid_targets"),
    ),
    Endpoint("GET", "/api/programmes", my_programmes, answers.Programmes, credential=ORGANISER),
    Endpoint(
        "POST",
        "/api/workshops",
        create_workshop,
        answers.WorkshopCreated,
        CreateWorkshopIn,
        201,
        ORGANISER,
        (
            "not_owner",
            "programme_not_found",
            "workshop_exists",
            "programme_exists",
            "unknown_template",
            "invalid_breakouts",
        ),
        "workshop",
    ),
    Endpoint(
        "POST",
        f"{W}/enter",
        enter_workshop,
        answers.Session,
        None,
        201,
        ORGANISER,
        ("workshop_not_found",),
    ),
    Endpoint(
        "POST",
        f"{W}/invites",
        create_invite,
        answers.Invite,
        InviteIn,
        201,
        errors=("forbidden", "invalid_name", "board_not_found"),
    ),
    Endpoint("GET", f"{W}/invites", list_invites, answers.Invites, errors=("forbidden",)),
    Endpoint(
        "POST",
        f"{W}/invites/{{invite_id}}/revoke",
        revoke_invite,
        answers.Revoked,
        errors=("forbidden", "unknown_invite"),
    ),
    Endpoint(
        "POST",
        f"{W}/people/{{actor_id}}/remove",
        remove_person,
        answers.Removed,
        errors=(*_PEOPLE, "cannot_remove_self"),
    ),
    Endpoint(
        "POST",
        f"{W}/people/{{actor_id}}/erase",
        erase_person,
        answers.Erased,
        errors=(*_PEOPLE, "cannot_erase_self"),
    ),
    Endpoint(
        "POST",
        f"{W}/join",
        join,
        answers.Joined,
        JoinIn,
        201,
        ANY_CREDENTIAL,
        ("not_an_invite", "invalid_name", "invalid_organisation", "already_joined"),
    ),
)
