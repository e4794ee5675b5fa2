"""A programme's stream as given/when/then: an organiser owns it, only they add workshops."""

from __future__ import annotations

from domain import programme
from domain.actor import Actor
from domain.errors import AlreadyExists, Forbidden, InvalidCommand, NotFound
from domain.programme import (
    CreateProgramme,
    IncludeWorkshop,
    ProgrammeCreated,
    WorkshopIncluded,
)
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
