"""A co-design programme (stream ``programme-<id>``): who owns it, its workshops, and its
planned outcomes with what counts toward each.

An organiser creates a programme and owns it; only its owner adds workshops to it. The
facilitators of its workshops save workshops as templates in it (``template.save``): a template
is the programme's way of working, offered to its owner for the programme's next workshops. A
workshop belongs to a programme when both sides say so: its ``workshop.created`` names the
programme and the programme's stream records ``workshop.included`` (the service records both
in one step), so naming someone else's programme counts for nothing. The counting rules are
domain knowledge, so they live here; ``projections.programme`` applies them to the log. The
targets are the programme's own (set when it is created; the planned outcomes' by default).
"""

from __future__ import annotations

from typing import Final, Literal

import msgspec

from domain import templates
from domain.actor import Actor
from domain.board import TITLE_MAX, Id
from domain.checks import check_text
from domain.codec import tag_of
from domain.decider import Decider
from domain.errors import AlreadyExists, Forbidden, InvalidCommand, NotFound
from domain.roles import authorize
from domain.types import WORKSHOP_KINDS

OutcomeName = Literal[
    "initiatives_identified", "ideas_presented", "ideas_developed", "practices_documented"
]


class PlannedOutcome(msgspec.Struct, frozen=True, kw_only=True):
    name: OutcomeName
    label: str
    target: int
    """The target of a programme that sets none (``OutcomeTargets``' defaults)."""
    counts: str
    """What counts toward it, in words people read in the outcome tracker."""


PLANNED_OUTCOMES: Final[tuple[PlannedOutcome, ...]] = (
    PlannedOutcome(
        name="initiatives_identified",
        label="Initiatives identified",
        target=5,
        counts="notes on the boards of initiatives workshops (not deleted, not copies)",
    ),
    PlannedOutcome(
        name="ideas_presented",
        label="Ideas presented",
        target=2,
        counts=(
            "clusters and loose notes promoted to the plenary of an ideation or "
            "consolidation workshop"
        ),
    ),
    PlannedOutcome(
        name="ideas_developed",
        label="Ideas chosen and developed",
        target=1,
        counts="solution tracks started from a decision that have at least one sprint update",
    ),
    PlannedOutcome(
        name="practices_documented",
        label="Good practices documented",
        target=5,
        counts="good practices documented in solution tracks",
    ),
)

TARGET_MAX: Final = 1000
_DEFAULT = {o.name: o.target for o in PLANNED_OUTCOMES}


class OutcomeTargets(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """How many of each planned outcome a programme aims for (0 to ``TARGET_MAX`` each)."""

    initiatives_identified: int = _DEFAULT["initiatives_identified"]
    ideas_presented: int = _DEFAULT["ideas_presented"]
    ideas_developed: int = _DEFAULT["ideas_developed"]
    practices_documented: int = _DEFAULT["practices_documented"]

    def of(self, name: OutcomeName) -> int:
        """The target for the outcome ``name``."""
        target: int = getattr(self, name)
        return target


def _check_targets(targets: OutcomeTargets) -> None:
    for o in PLANNED_OUTCOMES:
        if not 0 <= targets.of(o.name) <= TARGET_MAX:
            raise InvalidCommand(
                f"A target is a whole number from 0 to {TARGET_MAX}.", code="invalid_targets"
            )


INITIATIVE_KINDS: Final = frozenset({"initiatives"})
"""Workshop kinds whose notes are initiatives."""
IDEA_KINDS: Final = frozenset({"ideation", "consolidation"})
"""Workshop kinds whose promotions to the plenary present ideas."""


# --------------------------------------------------------------------------- the stream


class ProgrammeCommand(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of every programme command."""


class CreateProgramme(ProgrammeCommand, frozen=True, kw_only=True, tag="programme.create"):
    programme_id: Id
    title: str
    targets: OutcomeTargets = msgspec.field(default_factory=OutcomeTargets)


class IncludeWorkshop(ProgrammeCommand, frozen=True, kw_only=True, tag="workshop.include"):
    """Count ``workshop_id`` in this programme (sent with the workshop's creation)."""

    workshop_id: Id


class SaveTemplate(ProgrammeCommand, frozen=True, kw_only=True, tag="template.save"):
    """Keep ``template`` (made by the service from ``workshop_id``'s agenda and boards) as a
    template of this programme, under ``template.id``."""

    workshop_id: Id
    template: templates.Template


Command = CreateProgramme | IncludeWorkshop | SaveTemplate


class ProgrammeEvent(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of every programme event."""


class ProgrammeCreated(ProgrammeEvent, frozen=True, kw_only=True, tag="programme.created"):
    programme_id: str
    title: str
    owner: str
    """The organiser who created it; only they add workshops to it."""
    targets: OutcomeTargets = msgspec.field(default_factory=OutcomeTargets)
    """Added later: an event stored before has the default targets."""


class WorkshopIncluded(ProgrammeEvent, frozen=True, kw_only=True, tag="workshop.included"):
    workshop_id: str


class TemplateSaved(ProgrammeEvent, frozen=True, kw_only=True, tag="template.saved"):
    workshop_id: str
    template: templates.Template
    by: str


Event = ProgrammeCreated | WorkshopIncluded | TemplateSaved


class Programme(msgspec.Struct, frozen=True, kw_only=True):
    programme_id: str = ""
    title: str = ""
    owner: str = ""
    created: bool = False
    workshops: tuple[str, ...] = ()
    templates: dict[str, templates.Template] = msgspec.field(default_factory=dict)


initial_state = Programme()


def decide(state: Programme, command: Command, actor: Actor) -> list[Event]:
    """Events for ``command``; ``[]`` when nothing changes. Raises ``forbidden``,
    ``invalid_title``, ``invalid_targets``, ``programme_exists``, ``programme_not_found``,
    ``not_owner``, and for a template ``workshop_not_found``, ``duplicate_id``,
    ``template_limit_reached`` and the template's own checks
    (``domain.templates.check_template``)."""
    authorize(actor, tag_of(command))
    match command:
        case CreateProgramme():
            check_text(command.title, 1, TITLE_MAX, "invalid_title")
            _check_targets(command.targets)
            if state.created:
                raise AlreadyExists("This programme exists already.", code="programme_exists")
            return [
                ProgrammeCreated(
                    programme_id=command.programme_id,
                    title=command.title,
                    owner=actor.id,
                    targets=command.targets,
                )
            ]
        case IncludeWorkshop():
            if not state.created:
                raise NotFound("There is no such programme.", code="programme_not_found")
            if actor.id != state.owner:
                raise Forbidden(
                    "Only the programme's organiser adds workshops to it.", code="not_owner"
                )
            if command.workshop_id in state.workshops:
                return []
            return [WorkshopIncluded(workshop_id=command.workshop_id)]
        case SaveTemplate():
            return _decide_save(state, command, actor)


def _decide_save(state: Programme, command: SaveTemplate, actor: Actor) -> list[Event]:
    if not state.created:
        raise NotFound("There is no such programme.", code="programme_not_found")
    if command.workshop_id not in state.workshops:
        raise NotFound("The workshop is not in this programme.", code="workshop_not_found")
    templates.check_template(command.template)
    # A built-in template's id is its kind: a saved one never hides it.
    if command.template.id in state.templates or command.template.id in WORKSHOP_KINDS:
        raise AlreadyExists(
            f"The template {command.template.id!r} exists already.", code="duplicate_id"
        )
    if len(state.templates) >= templates.TEMPLATES_MAX:
        raise InvalidCommand(
            f"A programme keeps {templates.TEMPLATES_MAX} templates at most.",
            code="template_limit_reached",
        )
    return [TemplateSaved(workshop_id=command.workshop_id, template=command.template, by=actor.id)]


def evolve(state: Programme, event: Event) -> Programme:
    """``state`` with ``event`` applied."""
    match event:
        case ProgrammeCreated():
            return msgspec.structs.replace(
                state,
                programme_id=event.programme_id,
                title=event.title,
                owner=event.owner,
                created=True,
            )
        case WorkshopIncluded():
            return msgspec.structs.replace(state, workshops=(*state.workshops, event.workshop_id))
        case TemplateSaved():
            saved = {**state.templates, event.template.id: event.template}
            return msgspec.structs.replace(state, templates=saved)


DECIDER: Decider[Programme, Command, Event] = Decider(
    name="programme",
    initial_state=initial_state,
    decide=decide,
    evolve=evolve,
    state_type=Programme,
    event_type=Event,
    command_type=Command,
    snapshot_kind="programme-state/2",
)
