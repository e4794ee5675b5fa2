"""Templates and the agenda: the templates an organiser may create a workshop from, a workshop
saved as a new template of its programme, and the agenda changed before or during the workshop
(``docs/templates.md``). Their answers are declared here, beside their only endpoints.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from domain import programme, workshop
from domain.board import Id
from domain.templates import Template
from service import templates
from service.commands.access import check_whole_workshop
from service.commands.handle import handle
from service.http import answers
from service.http.endpoints import Call, Endpoint
from service.http.people import ORGANISER, facilitator_only
from service.ids import new_id

# --------------------------------------------------------------------------- shapes


class SaveTemplateIn(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    template_id: Id | None = None
    command_id: Id | None = None


class AgendaIn(msgspec.Struct, frozen=True, kw_only=True):
    agenda: tuple[workshop.AgendaItem, ...]
    command_id: Id | None = None


class TemplateEntry(answers.Answer, frozen=True, kw_only=True):
    """A template to create a workshop from: ``template`` is what ``POST /api/workshops``
    takes; saved ones name the programme they were saved in."""

    template: Template
    source: Literal["builtin", "saved"]
    programme_id: str | None = None
    programme_title: str | None = None


class Templates(answers.Answer, frozen=True, kw_only=True):
    templates: list[TemplateEntry]


class TemplateSavedOut(answers.Answer, frozen=True, kw_only=True):
    id: str
    name: str
    programme_id: str
    version: int


class AgendaSet(answers.Answer, frozen=True, kw_only=True):
    agenda: tuple[workshop.AgendaItem, ...]
    version: int


# --------------------------------------------------------------------------- handlers


async def list_templates(call: Call[None]) -> Templates:
    """The built-in templates, one per workshop kind, then those saved in your programmes."""
    builtin = [TemplateEntry(template=t, source="builtin") for t in templates.builtin()]
    saved = [
        TemplateEntry(
            template=s.template,
            source="saved",
            programme_id=s.programme_id,
            programme_title=s.programme_title,
        )
        for s in await templates.saved(call.ctx, call.claims.sub)
    ]
    return Templates(templates=[*builtin, *saved])


async def save_template(call: Call[SaveTemplateIn]) -> TemplateSavedOut:
    """The workshop's agenda, boards and their setup saved as a template of its programme."""
    facilitator_only(call)
    check_whole_workshop(call.caller)
    ctx, body, workshop_id = call.ctx, call.body, call.claims.wid
    state = await ctx.reads.workshop_state(workshop_id)
    boards = [await ctx.reads.board_state(board_id) for board_id in state.boards]
    template = templates.from_workshop(body.template_id or new_id(), body.name, state, boards)
    command = programme.SaveTemplate(workshop_id=workshop_id, template=template)
    done = await handle(ctx, call.caller, command, body.command_id or new_id(), on=state.programme)
    return TemplateSavedOut(
        id=template.id, name=template.name, programme_id=state.programme, version=done.version
    )


async def set_agenda(call: Call[AgendaIn]) -> AgendaSet:
    """The workshop's whole agenda from now on (facilitators)."""
    command = workshop.SetAgenda(agenda=call.body.agenda)
    done = await handle(call.ctx, call.caller, command, call.body.command_id or new_id())
    return AgendaSet(agenda=call.body.agenda, version=done.version)


W = "/api/workshops/{workshop_id}"
ENDPOINTS = (
    Endpoint("GET", "/api/templates", list_templates, Templates, credential=ORGANISER),
    Endpoint(
        "POST",
        f"{W}/templates",
        save_template,
        TemplateSavedOut,
        SaveTemplateIn,
        201,
        errors=(
            "programme_not_found",
            "template_limit_reached",
            "duplicate_id",
            "invalid_name",
            "invalid_title",
            "invalid_prompt",
        ),
    ),
    Endpoint("POST", f"{W}/agenda", set_agenda, AgendaSet, AgendaIn, errors=("invalid_agenda",)),
)
