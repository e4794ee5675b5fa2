"""A validation's result with each stakeholder group's own verdict, as given/when/then: the
groups named are those planned, each once; and a result stored before groups had verdicts of
their own still decodes and folds as it did. (Apart from ``test_solution``, which is long.)"""

from __future__ import annotations

import msgspec
import pytest

from domain import solution
from domain.errors import AlreadyExists, InvalidCommand
from tests.domain import harness
from tests.domain.solution_builders import STARTED, result, said, validation
from tests.factories import ALICE

PLANNED = (STARTED, validation("v1"))
"""A started track with validation ``v1`` planned with the groups ``city`` and ``residents``."""


def given(*history: solution.Event) -> harness.Scenario[solution.Track]:
    return harness.given(solution.DECIDER, *history, actor=ALICE)


def record(*verdicts: solution.StakeholderVerdict) -> solution.RecordValidationResult:
    return solution.RecordValidationResult(
        validation_id="v1", findings="ok", verdict="validated", verdicts=verdicts
    )


def test_each_planned_group_gives_its_own_verdict_beside_the_overall_one() -> None:
    groups = (said("city", "validated"), said("residents", "needs_changes", "More benches"))
    state = given(*PLANNED).when(record(*groups)).then(result("v1", "validated", groups))
    assert state.validations["v1"].verdict == "validated"


def test_some_groups_may_give_no_verdict_of_their_own() -> None:
    given(*PLANNED).when(record(said("residents", "rejected"))).then(
        result("v1", "validated", (said("residents", "rejected"),))
    )


def test_a_verdict_names_a_group_the_validation_planned() -> None:
    given(*PLANNED).when(record(said("city"), said("shop owners"))).then_refused(
        InvalidCommand, "unknown_stakeholder"
    )


def test_names_are_compared_exactly() -> None:
    given(*PLANNED).when(record(said("City"))).then_refused(InvalidCommand, "unknown_stakeholder")


def test_a_group_gives_one_verdict() -> None:
    given(*PLANNED).when(record(said("city"), said("city", "rejected"))).then_refused(
        InvalidCommand, "duplicate_stakeholder"
    )


@pytest.mark.parametrize("note", ["n" * 2001, "bell\x07"])
def test_a_group_note_has_at_most_2000_characters_and_no_control_character(note: str) -> None:
    given(*PLANNED).when(record(said("city", note=note))).then_refused(
        InvalidCommand, "invalid_text"
    )


def test_a_result_without_group_verdicts_is_the_command_of_the_first_shape() -> None:
    sent = (
        b'{"type":"validation.result","validation_id":"v1","findings":"ok","verdict":"validated"}'
    )
    command = msgspec.json.decode(sent, type=solution.Command)
    given(*PLANNED).when(command).then(result("v1"))


def test_a_result_of_the_first_shape_still_decodes_and_folds_as_before() -> None:
    stored = (
        b'{"type":"validation.recorded","validation_id":"v1","findings":"ok","verdict":"rejected"}'
    )
    first_shape = solution.DECIDER.decode_event(stored)
    assert first_shape == result("v1", "rejected")
    state = solution.DECIDER.fold([*PLANNED, first_shape])
    assert state.validations["v1"].verdict == "rejected"
    given(*PLANNED, first_shape).when(record()).then_refused(AlreadyExists, "validation_recorded")


def test_a_validation_planned_before_keeps_its_groups_for_their_verdicts() -> None:
    stored = msgspec.json.encode(validation("v1"))
    state = solution.DECIDER.fold([STARTED, solution.DECIDER.decode_event(stored)])
    assert state.validations["v1"].stakeholders == ("city", "residents")
