"""Templates as the service finds them: the built-in ones (``service/templates.json``, read and
checked once, on first use), those saved in the programmes an organiser owns, and a new one
made from a workshop as it is now (``docs/templates.md``).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import msgspec

from domain import programme, workshop
from domain.board_state import Board
from domain.errors import InvalidCommand, NotFound
from domain.streams import programme_stream
from domain.templates import (
    BREAKOUTS_MAX,
    BoardPlan,
    PlannedBoard,
    Template,
    boards,
    check_template,
)
from service.context import Plenary

BUILTIN = Path(__file__).with_name("templates.json")


@functools.cache
def builtin() -> tuple[Template, ...]:
    """The built-in templates, one per workshop kind, in the programme's order. Raises
    ``msgspec.ValidationError`` or ``InvalidCommand`` if the file is not a valid catalogue."""
    found = msgspec.json.decode(BUILTIN.read_bytes(), type=tuple[Template, ...])
    for template in found:
        check_template(template)
    return found


class Saved(msgspec.Struct, frozen=True, kw_only=True):
    """A template saved in a programme."""

    programme_id: str
    programme_title: str
    template: Template


async def saved(ctx: Plenary, organiser_id: str) -> list[Saved]:
    """The templates saved in the programmes ``organiser_id`` owns, programme by programme."""
    view = await ctx.reads.programme_view()
    owned = sorted(
        (p for p in view.programmes.values() if p.owner == organiser_id), key=lambda p: p.title
    )
    found: list[Saved] = []
    for entry in owned:
        state = (await ctx.runner.load(programme.DECIDER, programme_stream(entry.id))).state
        found += [
            Saved(programme_id=entry.id, programme_title=entry.title, template=t)
            for t in state.templates.values()
        ]
    return found


async def resolve(ctx: Plenary, organiser_id: str, ref: str) -> Template:
    """The built-in template of kind ``ref``, else the template ``ref`` saved in a programme
    ``organiser_id`` owns; raises ``NotFound`` (``unknown_template``)."""
    for template in builtin():
        if template.id == ref:
            return template
    for entry in await saved(ctx, organiser_id):
        if entry.template.id == ref:
            return entry.template
    raise NotFound(f"There is no template {ref!r}.", code="unknown_template")


async def plan(
    ctx: Plenary, organiser_id: str, ref: str | None, breakouts: int | None
) -> tuple[Template, list[PlannedBoard]] | None:
    """The template ``ref`` and the boards to make with ``breakouts`` breakouts (its own count
    if ``None``); ``None`` without a template. Raises ``unknown_template`` and
    ``invalid_breakouts`` (also for breakouts asked without a template)."""
    if ref is None:
        if breakouts is not None:
            raise InvalidCommand("Breakout boards come with a template.", code="invalid_breakouts")
        return None
    template = await resolve(ctx, organiser_id, ref)
    return template, boards(template, template.breakouts if breakouts is None else breakouts)


def from_workshop(
    template_id: str, name: str, source: workshop.Workshop, states: list[Board]
) -> Template:
    """A template of ``source``'s agenda, prework and boards as they are now: its first plenary
    board (the phases and vote defaults come from it) and its breakout boards (how many, and the
    first one's prompt and title without its number). ``template.save`` checks it."""
    plenary = next((b for b in states if b.kind == "plenary"), None)
    breakouts = [b for b in states if b.kind == "breakout"]
    first = breakouts[0] if breakouts else None
    setup = plenary or first or Board()
    stem = re.sub(r"\s+\d+$", "", first.title) if first else ""
    return Template(
        id=template_id,
        name=name,
        kind=source.kind,
        agenda=source.agenda,
        plenary=BoardPlan(
            title=plenary.title if plenary else "Plenary",
            prompt=plenary.prompt if plenary else "",
        ),
        breakout=BoardPlan(title=stem or "Group", prompt=first.prompt if first else ""),
        breakouts=min(len(breakouts), BREAKOUTS_MAX),
        phases=setup.phases,
        vote_defaults=setup.vote_defaults,
        prework=source.prework,
    )
