"""Who gets in: sessions, invites, joining, and taking people out (an organiser's programmes
and workshops: ``service.http.organisers``). Every credential expires and is checked against
the log on each use (``service.access.auth``); every command goes through
``service.commands``.

Handlers that issue a credential build a command and then an answer of many fields, one field
a line; past 15 lines they still only decode, handle and encode.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from domain import workshop
from domain.actor import Actor
from domain.board import Id
from domain.errors import Forbidden, NotFound
from domain.types import WORKSHOP_ROLES, WorkshopRole
from service.access.tokens import Claims, Kind
from service.commands.handle import handle
from service.commands.limits import Limits
from service.errors import BadRequest
from service.http import answers
from service.http.endpoints import Call, Endpoint
from service.http.qr import qr_svg
from service.ids import new_id

ORGANISER: frozenset[Kind] = frozenset({"organiser"})
ANY_CREDENTIAL: frozenset[Kind] = frozenset({"session", "invite", "link", "organiser", "signin"})


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


def session_answer(call: Call[Any], session: Claims) -> answers.Session:
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
    return session_answer(call, call.ctx.auth.session_from(call.claims))


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
SESSIONS = (
    Endpoint("POST", "/api/auth/session", new_session, answers.Session, None, 201, ANY_CREDENTIAL),
)
ENDPOINTS = (
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
