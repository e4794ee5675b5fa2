"""Workshop templates: what a workshop of a kind starts with (``docs/templates.md``).

A template sets the agenda, the boards (one plenary and 0 to 4 breakouts, each with the prompt
it shows), the phases the boards use, the defaults of their vote rounds, and optionally a
prework form. The built-in ones are data (``service/templates.json``); a facilitator saves a
workshop as a new one in its programme's stream (``template.save``, ``domain.programme``).
``boards`` turns a template and a breakout count into the boards to create.
"""

from __future__ import annotations

import msgspec

from domain.agenda import AgendaItem, Prework, check_agenda, check_prework
from domain.board_setup import check_phases, check_prompt
from domain.board_state import PHASES, BoardKind, Phase, VoteDefaults
from domain.checks import check_text
from domain.errors import InvalidCommand
from domain.types import WorkshopKind
from domain.voting import check_dots

BREAKOUTS_MAX = 4
"""Breakout boards a template makes, at most: a workshop's groups (``GROUP_LIMIT``)."""
NAME_MAX, DESCRIPTION_MAX, TITLE_MAX = 80, 500, 200
TEMPLATES_MAX = 50
"""Templates a programme holds, at most."""


class BoardPlan(msgspec.Struct, frozen=True, kw_only=True):
    """A board to create: its title (for breakouts, the stem: "Group" makes "Group 1", …) and
    the prompt it shows."""

    title: str
    prompt: str = ""


class Template(msgspec.Struct, frozen=True, kw_only=True):
    """Everything a workshop of ``kind`` starts with; ``breakouts`` is the default count."""

    id: str
    name: str
    kind: WorkshopKind
    description: str = ""
    agenda: tuple[AgendaItem, ...] = ()
    plenary: BoardPlan
    breakout: BoardPlan
    breakouts: int = 0
    phases: tuple[Phase, ...] = PHASES
    vote_defaults: VoteDefaults = msgspec.field(default_factory=VoteDefaults)
    prework: Prework | None = None


class PlannedBoard(msgspec.Struct, frozen=True, kw_only=True):
    """One board of a workshop made from a template, in the order they are created."""

    title: str
    kind: BoardKind
    prompt: str


def check_breakouts(count: int) -> None:
    """Raise ``invalid_breakouts`` unless ``count`` is 0 to ``BREAKOUTS_MAX``."""
    if not 0 <= count <= BREAKOUTS_MAX:
        raise InvalidCommand(
            f"A workshop starts with 0 to {BREAKOUTS_MAX} breakout boards.",
            code="invalid_breakouts",
        )


def check_template(template: Template) -> None:
    """Raise a typed refusal for a template no workshop could be made from: ``invalid_name``,
    ``invalid_description``, ``invalid_title`` (a board's), ``invalid_breakouts``, and the
    checks of the agenda, prompts, phases, vote defaults and prework."""
    check_text(template.name, 1, NAME_MAX, "invalid_name")
    check_text(template.description, 0, DESCRIPTION_MAX, "invalid_description")
    # A breakout's title is its group's name too, and gains " 4": room for it within a name.
    check_text(template.plenary.title, 1, TITLE_MAX, "invalid_title")
    check_text(template.breakout.title, 1, NAME_MAX - 2, "invalid_title")
    for plan in (template.plenary, template.breakout):
        check_prompt(plan.prompt)
    check_breakouts(template.breakouts)
    check_agenda(template.agenda)
    check_phases(template.phases)
    check_dots(template.vote_defaults.budget, template.vote_defaults.per_item_max)
    if template.prework is not None:
        check_prework(template.prework)


def boards(template: Template, breakouts: int) -> list[PlannedBoard]:
    """The plenary board, then ``breakouts`` breakout boards titled "<stem> 1", "<stem> 2", …;
    raises ``invalid_breakouts``."""
    check_breakouts(breakouts)
    plenary = PlannedBoard(
        title=template.plenary.title, kind="plenary", prompt=template.plenary.prompt
    )
    stem = template.breakout
    return [
        plenary,
        *(
            PlannedBoard(title=f"{stem.title} {n}", kind="breakout", prompt=stem.prompt)
            for n in range(1, breakouts + 1)
        ),
    ]
