"""Organisers as given/when/then: the operator adds and removes them."""

from __future__ import annotations

from domain import organisers
from domain.actor import Actor
from domain.errors import AlreadyExists, Forbidden, InvalidCommand, NotFound
from domain.organisers import AddOrganiser, OrganiserAdded, OrganiserRemoved, RemoveOrganiser
from tests.domain.harness import given

OPERATOR = Actor(id="operator", role="operator", name="")
ORGANISER = Actor(id="o1", role="organiser", name="Oda")
ADDED = OrganiserAdded(organiser_id="o1", name="Oda")


def test_the_operator_adds_an_organiser() -> None:
    state = (
        given(organisers.DECIDER)
        .when(AddOrganiser(organiser_id="o1", name="Oda"), by=OPERATOR)
        .then(ADDED)
    )
    assert state.active("o1") == organisers.OrganiserRef(name="Oda")


def test_an_organiser_is_added_once() -> None:
    given(organisers.DECIDER, ADDED).when(
        AddOrganiser(organiser_id="o1", name="Oda"), by=OPERATOR
    ).then_refused(AlreadyExists, "organiser_exists")


def test_an_organiser_needs_a_name() -> None:
    given(organisers.DECIDER).when(
        AddOrganiser(organiser_id="o1", name="  "), by=OPERATOR
    ).then_refused(InvalidCommand, "invalid_name")


def test_a_removed_organiser_is_no_longer_active_and_removing_again_records_nothing() -> None:
    state = (
        given(organisers.DECIDER, ADDED)
        .when(RemoveOrganiser(organiser_id="o1"), by=OPERATOR)
        .then(OrganiserRemoved(organiser_id="o1"))
    )
    assert state.active("o1") is None
    given(organisers.DECIDER, ADDED, OrganiserRemoved(organiser_id="o1")).when(
        RemoveOrganiser(organiser_id="o1"), by=OPERATOR
    ).then_nothing()


def test_removing_someone_who_never_was_an_organiser_is_refused() -> None:
    given(organisers.DECIDER).when(RemoveOrganiser(organiser_id="o9"), by=OPERATOR).then_refused(
        NotFound, "unknown_organiser"
    )


def test_organisers_do_not_add_each_other() -> None:
    given(organisers.DECIDER, ADDED).when(
        AddOrganiser(organiser_id="o2", name="Ole"), by=ORGANISER
    ).then_refused(Forbidden, "forbidden")
