"""A programme's stream as given/when/then: an organiser owns it, only they add workshops."""

from __future__ import annotations

import msgspec
import pytest

from domain import programme
from domain.actor import Actor
from domain.errors import AlreadyExists, Forbidden, InvalidCommand, NotFound
from domain.programme import (
    CreateProgramme,
    IncludeWorkshop,
    ProgrammeCreated,
    SaveTemplate,
    TemplateSaved,
    WorkshopIncluded,
)
from domain.templates import TEMPLATES_MAX, BoardPlan, Template
from tests.domain.harness import given

ODA = Actor(id="oda", role="organiser", name="Oda")
OLE = Actor(id="ole", role="organiser", name="Ole")
CREATED = ProgrammeCreated(programme_id="p1", title="Cities 2026", owner="oda")


def test_an_organiser_creates_a_programme_and_owns_it() -> None:
    state = (
        given(programme.DECIDER)
        .when(CreateProgramme(programme_id="p1", title="Cities 2026"), by=ODA)
        .then(CREATED)
    )
    assert (state.owner, state.created) == ("oda", True)


def test_an_organiser_sets_the_outcome_targets_when_creating_a_programme() -> None:
    aims = programme.OutcomeTargets(ideas_presented=4, practices_documented=8)
    state = (
        given(programme.DECIDER)
        .when(CreateProgramme(programme_id="p1", title="Cities 2026", targets=aims), by=ODA)
        .then(ProgrammeCreated(programme_id="p1", title="Cities 2026", owner="oda", targets=aims))
    )
    assert state.created
    assert [aims.of(o.name) for o in programme.PLANNED_OUTCOMES] == [5, 4, 1, 8]


def test_without_targets_a_programme_aims_for_the_planned_outcomes() -> None:
    assert [CREATED.targets.of(o.name) for o in programme.PLANNED_OUTCOMES] == [5, 2, 1, 5]
    # The first shape of the event, stored before programmes had targets.
    stored = b'{"type":"programme.created","programme_id":"p1","title":"C","owner":"oda"}'
    decoded = programme.DECIDER.decode_event(stored)
    assert isinstance(decoded, ProgrammeCreated)
    assert decoded.targets == programme.OutcomeTargets()


@pytest.mark.parametrize("target", [-1, 1001])
def test_a_target_is_0_to_1000(target: int) -> None:
    aims = programme.OutcomeTargets(ideas_developed=target)
    given(programme.DECIDER).when(
        CreateProgramme(programme_id="p1", title="C", targets=aims), by=ODA
    ).then_refused(InvalidCommand, "invalid_targets")


def test_a_programme_is_created_once() -> None:
    given(programme.DECIDER, CREATED).when(
        CreateProgramme(programme_id="p1", title="Again"), by=OLE
    ).then_refused(AlreadyExists, "programme_exists")


def test_a_programme_needs_a_title() -> None:
    given(programme.DECIDER).when(
        CreateProgramme(programme_id="p1", title=""), by=ODA
    ).then_refused(InvalidCommand, "invalid_title")


def test_its_owner_adds_a_workshop_once() -> None:
    state = (
        given(programme.DECIDER, CREATED)
        .when(IncludeWorkshop(workshop_id="w1"), by=ODA)
        .then(WorkshopIncluded(workshop_id="w1"))
    )
    assert state.workshops == ("w1",)
    given(programme.DECIDER, CREATED, WorkshopIncluded(workshop_id="w1")).when(
        IncludeWorkshop(workshop_id="w1"), by=ODA
    ).then_nothing()


def test_another_organiser_may_not_add_a_workshop_to_it() -> None:
    given(programme.DECIDER, CREATED).when(IncludeWorkshop(workshop_id="w2"), by=OLE).then_refused(
        Forbidden, "not_owner"
    )


def test_no_workshop_joins_a_programme_that_does_not_exist() -> None:
    given(programme.DECIDER).when(IncludeWorkshop(workshop_id="w1"), by=ODA).then_refused(
        NotFound, "programme_not_found"
    )


# --------------------------------------------------------------------------- templates

FAY = Actor(id="fay", role="facilitator", name="Fay")
INCLUDED = WorkshopIncluded(workshop_id="w1")
OURS = Template(
    id="t1",
    name="Our challenges day",
    kind="challenges",
    plenary=BoardPlan(title="Plenary", prompt="What do we share?"),
    breakout=BoardPlan(title="Table", prompt="What challenge does your city face?"),
    breakouts=3,
)


def test_a_facilitator_saves_a_workshop_of_the_programme_as_a_template() -> None:
    state = (
        given(programme.DECIDER, CREATED, INCLUDED)
        .when(SaveTemplate(workshop_id="w1", template=OURS), by=FAY)
        .then(TemplateSaved(workshop_id="w1", template=OURS, by="fay"))
    )
    assert state.templates == {"t1": OURS}


def test_a_template_is_saved_from_a_workshop_of_the_programme_only() -> None:
    given(programme.DECIDER, CREATED).when(
        SaveTemplate(workshop_id="w1", template=OURS), by=FAY
    ).then_refused(NotFound, "workshop_not_found")
    given(programme.DECIDER).when(
        SaveTemplate(workshop_id="w1", template=OURS), by=FAY
    ).then_refused(NotFound, "programme_not_found")
    given(programme.DECIDER, CREATED, INCLUDED).when(
        SaveTemplate(workshop_id="w1", template=OURS), by=ODA
    ).then_refused(Forbidden, "forbidden")


def test_a_template_id_is_used_once_and_a_template_is_checked() -> None:
    saved = TemplateSaved(workshop_id="w1", template=OURS, by="fay")
    given(programme.DECIDER, CREATED, INCLUDED, saved).when(
        SaveTemplate(workshop_id="w1", template=OURS), by=FAY
    ).then_refused(AlreadyExists, "duplicate_id")
    builtin = msgspec.structs.replace(OURS, id="challenges")
    given(programme.DECIDER, CREATED, INCLUDED).when(
        SaveTemplate(workshop_id="w1", template=builtin), by=FAY
    ).then_refused(AlreadyExists, "duplicate_id")
    nameless = msgspec.structs.replace(OURS, name="")
    given(programme.DECIDER, CREATED, INCLUDED).when(
        SaveTemplate(workshop_id="w1", template=nameless), by=FAY
    ).then_refused(InvalidCommand, "invalid_name")


def test_a_programme_keeps_a_bounded_number_of_templates() -> None:
    full = [
        TemplateSaved(
            workshop_id="w1", template=msgspec.structs.replace(OURS, id=f"t{n}"), by="fay"
        )
        for n in range(TEMPLATES_MAX)
    ]
    extra = msgspec.structs.replace(OURS, id="one-more")
    given(programme.DECIDER, CREATED, INCLUDED, *full).when(
        SaveTemplate(workshop_id="w1", template=extra), by=FAY
    ).then_refused(InvalidCommand, "template_limit_reached")
