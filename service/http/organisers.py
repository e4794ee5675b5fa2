"""An organiser's programmes and workshops: creating a programme, listing the ones they own,
creating a workshop in one (they become its first facilitator) and entering a workshop they
facilitate. Every command goes through ``service.commands``; the credential is an organiser's
(``service.access.auth``).

``create_workshop`` runs past 15 lines: it builds the command from the body and the template,
then an answer of many fields, one field a line; it still only decodes, handles and encodes.
"""

from __future__ import annotations

import msgspec

from domain import programme, workshop
from domain.actor import Actor
from domain.board import Id
from domain.errors import no_such_workshop
from service import templates
from service.commands import flows
from service.commands.access import Caller
from service.commands.handle import handle
from service.http import answers
from service.http.endpoints import Call, Endpoint
from service.http.people import ORGANISER, session_answer
from service.ids import new_id


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
    return session_answer(call, call.ctx.auth.claims("session", host, workshop_id))


W = "/api/workshops/{workshop_id}"
ENDPOINTS = (
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
)
