"""The solution track's rules as given/when/then: starting a track, its sprints, assessments,
validations, good practices and the final presentation; and, as properties, that every event
``decide`` emits is one ``evolve`` accepts. Role refusals are covered in ``test_roles``."""

from __future__ import annotations

from itertools import pairwise

import msgspec
import pytest
from hypothesis import given as for_all
from hypothesis import settings

from domain import board, decisions, facilitation, solution
from domain.board_state import Board
from domain.board_state import Outcome as DecisionOutcome
from domain.codec import encode_event
from domain.errors import AlreadyExists, DomainError, InvalidCommand, NotFound
from tests.domain import harness
from tests.domain.solution_builders import (
    STARTED,
    TRACK_ID,
    Script,
    accepted,
    attempt,
    result,
    solution_scripts,
    sprint,
    update,
    validation,
)
from tests.factories import ALICE, FACILITATOR, WORKSHOP_ID

# --------------------------------------------------------------------------- given/when/then


def given(*history: solution.Event) -> harness.Scenario[solution.Track]:
    """The solution's state after ``history``; commands are Alice's unless ``when`` says."""
    return harness.given(solution.DECIDER, *history, actor=ALICE)


SPRINTING = (STARTED, sprint("s1", "2025-03-03", "2025-03-14"))
"""A started track with one open sprint ``s1`` from 3 to 14 March 2025."""


def criterion(name: str = "impact", score: int = 4) -> solution.Criterion:
    return solution.Criterion(name=name, score=score)


def presentation(summary: str = "Went well") -> solution.RecordPresentation:
    return solution.RecordPresentation(presented_on="2025-06-20", summary=summary)


# --------------------------------------------------------------------------- starting


def test_a_facilitator_starts_a_track_from_a_decision_and_leads_it() -> None:
    state = (
        given()
        .when(
            solution.StartTrack(
                track_id=TRACK_ID,
                workshop_id=WORKSHOP_ID,
                board_id="b1",
                decision_id="d1",
                title="Shared cargo bikes",
            ),
            by=FACILITATOR,
        )
        .then(STARTED)
    )
    assert (state.started, state.lead, state.decision_id) == (True, "fay", "d1")


def test_a_track_is_started_once() -> None:
    given(STARTED).when(
        solution.StartTrack(
            track_id=TRACK_ID, workshop_id="w1", board_id="b1", decision_id="d1", title="Again"
        ),
        by=FACILITATOR,
    ).then_refused(AlreadyExists, "track_exists")


@pytest.mark.parametrize("title", ["", "  ", "t" * 201])
def test_a_track_title_has_1_to_200_characters(title: str) -> None:
    given().when(
        solution.StartTrack(
            track_id=TRACK_ID, workshop_id="w1", board_id="b1", decision_id="d1", title=title
        ),
        by=FACILITATOR,
    ).then_refused(InvalidCommand, "invalid_title")


def test_a_track_summary_has_at_most_2000_characters() -> None:
    given().when(
        solution.StartTrack(
            track_id=TRACK_ID,
            workshop_id="w1",
            board_id="b1",
            decision_id="d1",
            title="T",
            summary="s" * 2001,
        ),
        by=FACILITATOR,
    ).then_refused(InvalidCommand, "invalid_summary")


@pytest.mark.parametrize(
    "command",
    [
        solution.PlanSprint(sprint_id="s1", goal="g", starts_on="2025-03-03", ends_on="2025-03-04"),
        solution.CloseSprint(sprint_id="s1"),
        presentation(),
    ],
    ids=["sprint.plan", "sprint.close", "presentation.record"],
)
def test_nothing_happens_on_a_track_that_was_not_started(command: solution.Command) -> None:
    given().when(command, by=FACILITATOR).then_refused(NotFound, "track_not_found")


# --------------------------------------------------------------------------- sprints


def test_a_participant_plans_a_sprint() -> None:
    state = (
        given(STARTED)
        .when(
            solution.PlanSprint(
                sprint_id="s1", goal="Goal s1", starts_on="2025-03-03", ends_on="2025-03-14"
            )
        )
        .then(sprint("s1", "2025-03-03", "2025-03-14"))
    )
    assert state.sprints["s1"] == solution.SprintState(
        goal="Goal s1", starts_on="2025-03-03", ends_on="2025-03-14"
    )


def test_a_one_day_sprint_starts_and_ends_on_the_same_day() -> None:
    given(STARTED).when(
        solution.PlanSprint(
            sprint_id="s1", goal="Goal s1", starts_on="2025-03-03", ends_on="2025-03-03"
        )
    ).then(sprint("s1", "2025-03-03", "2025-03-03"))


def test_a_sprint_id_is_used_once() -> None:
    given(*SPRINTING).when(
        solution.PlanSprint(sprint_id="s1", goal="g", starts_on="2025-04-01", ends_on="2025-04-02")
    ).then_refused(AlreadyExists, "duplicate_id")


@pytest.mark.parametrize("goal", ["", " ", "g" * 501])
def test_a_sprint_goal_has_1_to_500_characters(goal: str) -> None:
    given(STARTED).when(
        solution.PlanSprint(sprint_id="s1", goal=goal, starts_on="2025-03-03", ends_on="2025-03-04")
    ).then_refused(InvalidCommand, "invalid_goal")


@pytest.mark.parametrize(
    "day", ["2025-02-30", "2025-3-1", "20250301", "2025-W10-1", "soon", "", "2025-03-01\n"]
)
def test_dates_are_real_days_written_yyyy_mm_dd(day: str) -> None:
    given(STARTED).when(
        solution.PlanSprint(sprint_id="s1", goal="g", starts_on=day, ends_on="2025-03-04")
    ).then_refused(InvalidCommand, "invalid_date")


def test_a_sprint_does_not_end_before_it_starts() -> None:
    given(STARTED).when(
        solution.PlanSprint(sprint_id="s1", goal="g", starts_on="2025-03-04", ends_on="2025-03-03")
    ).then_refused(InvalidCommand, "invalid_dates")


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [
        ("2025-03-14", "2025-03-20"),
        ("2025-02-20", "2025-03-03"),
        ("2025-03-05", "2025-03-06"),
        ("2025-03-01", "2025-03-31"),
    ],
    ids=["starts on the last day", "ends on the first day", "inside", "around"],
)
def test_sprints_do_not_overlap(starts_on: str, ends_on: str) -> None:
    given(*SPRINTING).when(
        solution.PlanSprint(sprint_id="s2", goal="g", starts_on=starts_on, ends_on=ends_on)
    ).then_refused(InvalidCommand, "sprint_overlaps")


def test_a_sprint_may_start_the_day_after_the_last_one_ends() -> None:
    given(*SPRINTING).when(
        solution.PlanSprint(sprint_id="s2", goal="g", starts_on="2025-03-15", ends_on="2025-03-28")
    ).then(
        solution.SprintPlanned(
            sprint_id="s2", goal="g", starts_on="2025-03-15", ends_on="2025-03-28"
        )
    )


def test_a_participant_posts_a_sprint_update() -> None:
    state = (
        given(*SPRINTING)
        .when(solution.UpdateSprint(update_id="u1", sprint_id="s1", status="at_risk", done="x"))
        .then(
            solution.SprintUpdated(
                update_id="u1", sprint_id="s1", status="at_risk", done="x", next="", blockers=""
            )
        )
    )
    assert (state.sprints["s1"].updates, state.sprints["s1"].last_status) == (1, "at_risk")


def test_an_update_names_a_sprint_of_the_track() -> None:
    given(*SPRINTING).when(
        solution.UpdateSprint(update_id="u1", sprint_id="s9", status="on_track")
    ).then_refused(NotFound, "unknown_sprint")


def test_an_update_id_is_used_once() -> None:
    given(*SPRINTING, update("u1")).when(
        solution.UpdateSprint(update_id="u1", sprint_id="s1", status="on_track")
    ).then_refused(AlreadyExists, "duplicate_id")


@pytest.mark.parametrize("blockers", ["", "   "])
def test_a_blocked_sprint_says_what_blocks_it(blockers: str) -> None:
    given(*SPRINTING).when(
        solution.UpdateSprint(update_id="u1", sprint_id="s1", status="blocked", blockers=blockers)
    ).then_refused(InvalidCommand, "blockers_required")


@pytest.mark.parametrize("field", ["done", "next", "blockers"])
def test_each_update_text_has_at_most_2000_characters(field: str) -> None:
    command = solution.UpdateSprint(update_id="u1", sprint_id="s1", status="at_risk")
    given(*SPRINTING).when(msgspec.structs.replace(command, **{field: "x" * 2001})).then_refused(
        InvalidCommand, "invalid_text"
    )


def test_a_closed_sprint_takes_no_more_updates() -> None:
    closed = solution.SprintClosed(sprint_id="s1", outcome="")
    given(*SPRINTING, closed).when(
        solution.UpdateSprint(update_id="u1", sprint_id="s1", status="on_track")
    ).then_refused(InvalidCommand, "sprint_closed")


def test_a_participant_closes_a_sprint() -> None:
    state = (
        given(*SPRINTING)
        .when(solution.CloseSprint(sprint_id="s1", outcome="Prototype built"))
        .then(solution.SprintClosed(sprint_id="s1", outcome="Prototype built"))
    )
    assert state.sprints["s1"].closed


def test_closing_a_closed_sprint_changes_nothing() -> None:
    given(*SPRINTING, solution.SprintClosed(sprint_id="s1", outcome="")).when(
        solution.CloseSprint(sprint_id="s1")
    ).then_nothing()


def test_only_a_sprint_of_the_track_is_closed() -> None:
    given(*SPRINTING).when(solution.CloseSprint(sprint_id="s9")).then_refused(
        NotFound, "unknown_sprint"
    )


def test_a_sprint_outcome_has_at_most_2000_characters() -> None:
    given(*SPRINTING).when(solution.CloseSprint(sprint_id="s1", outcome="o" * 2001)).then_refused(
        InvalidCommand, "invalid_text"
    )


# --------------------------------------------------------------------------- assessments


def test_a_participant_assesses_a_sprint_on_criteria() -> None:
    criteria = (criterion("impact", 5), solution.Criterion(name="cost", score=1, note="cheap"))
    given(*SPRINTING).when(
        solution.RecordAssessment(assessment_id="a1", sprint_id="s1", criteria=criteria)
    ).then(
        solution.AssessmentRecorded(
            assessment_id="a1", sprint_id="s1", criteria=criteria, summary=""
        )
    )


def test_an_assessment_id_is_used_once() -> None:
    recorded = solution.AssessmentRecorded(
        assessment_id="a1", sprint_id=None, criteria=(criterion(),), summary=""
    )
    given(*SPRINTING, recorded).when(
        solution.RecordAssessment(assessment_id="a1", criteria=(criterion(),))
    ).then_refused(AlreadyExists, "duplicate_id")


def test_an_assessment_names_a_sprint_of_the_track_or_none() -> None:
    given(*SPRINTING).when(
        solution.RecordAssessment(assessment_id="a1", sprint_id="s9", criteria=(criterion(),))
    ).then_refused(NotFound, "unknown_sprint")


@pytest.mark.parametrize("score", [0, 6, -1])
def test_a_score_is_1_to_5(score: int) -> None:
    given(*SPRINTING).when(
        solution.RecordAssessment(assessment_id="a1", criteria=(criterion(score=score),))
    ).then_refused(InvalidCommand, "invalid_score")


@pytest.mark.parametrize(
    "criteria",
    [
        (),
        tuple(criterion(f"c{n}") for n in range(13)),
        (criterion("impact"), criterion("impact")),
        (criterion(""),),
        (criterion("n" * 121),),
        (solution.Criterion(name="impact", score=3, note="n" * 2001),),
    ],
    ids=["none", "13", "named twice", "blank name", "long name", "long note"],
)
def test_an_assessment_has_1_to_12_distinct_named_criteria(
    criteria: tuple[solution.Criterion, ...],
) -> None:
    given(*SPRINTING).when(
        solution.RecordAssessment(assessment_id="a1", criteria=criteria)
    ).then_refused(InvalidCommand, "invalid_criteria")


def test_an_assessment_summary_has_at_most_2000_characters() -> None:
    given(*SPRINTING).when(
        solution.RecordAssessment(assessment_id="a1", criteria=(criterion(),), summary="s" * 2001)
    ).then_refused(InvalidCommand, "invalid_summary")


# --------------------------------------------------------------------------- validation


def test_a_participant_plans_a_validation_with_stakeholders() -> None:
    state = (
        given(STARTED)
        .when(
            solution.PlanValidation(
                validation_id="v1",
                method="interviews",
                stakeholders=("city", "residents"),
                starts_on="2025-05-01",
                ends_on="2025-05-10",
            )
        )
        .then(validation("v1"))
    )
    assert state.validations["v1"].verdict is None


def _plan_validation(
    validation_id: str = "v2",
    method: str = "survey",
    stakeholders: tuple[str, ...] = ("city",),
    starts_on: str = "2025-05-01",
    ends_on: str = "2025-05-02",
) -> solution.PlanValidation:
    return solution.PlanValidation(
        validation_id=validation_id,
        method=method,
        stakeholders=stakeholders,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def test_a_validation_id_is_used_once() -> None:
    given(STARTED, validation("v1")).when(_plan_validation("v1")).then_refused(
        AlreadyExists, "duplicate_id"
    )


@pytest.mark.parametrize("method", ["", " ", "m" * 121])
def test_a_validation_method_has_1_to_120_characters(method: str) -> None:
    given(STARTED).when(_plan_validation(method=method)).then_refused(
        InvalidCommand, "invalid_method"
    )


@pytest.mark.parametrize(
    "stakeholders",
    [(), tuple(f"s{n}" for n in range(31)), ("city", " "), ("x" * 121,)],
    ids=["none", "31", "blank", "long"],
)
def test_a_validation_names_1_to_30_stakeholders(stakeholders: tuple[str, ...]) -> None:
    given(STARTED).when(_plan_validation(stakeholders=stakeholders)).then_refused(
        InvalidCommand, "invalid_stakeholders"
    )


def test_a_validation_has_real_dates_in_order() -> None:
    given(STARTED).when(_plan_validation(ends_on="2025-13-01")).then_refused(
        InvalidCommand, "invalid_date"
    )
    given(STARTED).when(_plan_validation(starts_on="2025-05-03")).then_refused(
        InvalidCommand, "invalid_dates"
    )


def test_a_participant_records_a_validation_result() -> None:
    state = (
        given(STARTED, validation("v1"))
        .when(
            solution.RecordValidationResult(
                validation_id="v1", findings="ok", verdict="needs_changes"
            )
        )
        .then(result("v1", "needs_changes"))
    )
    assert state.validations["v1"].verdict == "needs_changes"


def test_a_result_belongs_to_a_planned_validation() -> None:
    given(STARTED).when(
        solution.RecordValidationResult(validation_id="v9", findings="ok", verdict="validated")
    ).then_refused(NotFound, "unknown_validation")


def test_a_validation_result_is_recorded_once() -> None:
    given(STARTED, validation("v1"), result("v1")).when(
        solution.RecordValidationResult(validation_id="v1", findings="again", verdict="rejected")
    ).then_refused(AlreadyExists, "validation_recorded")


@pytest.mark.parametrize("findings", ["", "  ", "f" * 4001])
def test_findings_have_1_to_4000_characters(findings: str) -> None:
    given(STARTED, validation("v1")).when(
        solution.RecordValidationResult(validation_id="v1", findings=findings, verdict="validated")
    ).then_refused(InvalidCommand, "invalid_findings")


# --------------------------------------------------------------------------- practices


def test_a_participant_documents_a_good_practice() -> None:
    given(STARTED).when(
        solution.DocumentPractice(practice_id="p1", title="Weekly demo", description="Show it")
    ).then(
        solution.PracticeDocumented(practice_id="p1", title="Weekly demo", description="Show it")
    )


def test_a_practice_is_documented_in_four_parts() -> None:
    parts = {
        "practice_id": "p1",
        "title": "Weekly demo",
        "context": "Nobody saw the prototype",
        "description": "Show it every Friday",
        "result": "Twice the feedback",
        "reuse": "A fixed slot, open to all",
    }
    given(STARTED).when(solution.DocumentPractice(**parts)).then(
        solution.PracticeDocumented(**parts)
    )


@pytest.mark.parametrize("part", ["context", "result", "reuse"])
def test_each_part_of_a_practice_has_at_most_2000_characters(part: str) -> None:
    too_long = {part: "x" * 2001}
    given(STARTED).when(
        solution.DocumentPractice(practice_id="p1", title="T", description="D", **too_long)
    ).then_refused(InvalidCommand, "invalid_text")


def test_a_practice_of_the_first_shape_still_folds_and_still_counts_once() -> None:
    stored = b'{"type":"practice.documented","practice_id":"p1","title":"T","description":"D"}'
    first_shape = solution.DECIDER.decode_event(stored)
    assert first_shape == solution.PracticeDocumented(practice_id="p1", title="T", description="D")
    given(STARTED, first_shape).when(
        solution.DocumentPractice(practice_id="p1", title="T", description="D")
    ).then_refused(AlreadyExists, "duplicate_id")


def test_a_practice_id_is_used_once() -> None:
    documented = solution.PracticeDocumented(practice_id="p1", title="T", description="D")
    given(STARTED, documented).when(
        solution.DocumentPractice(practice_id="p1", title="T", description="D")
    ).then_refused(AlreadyExists, "duplicate_id")


@pytest.mark.parametrize("title", ["", " ", "t" * 201])
def test_a_practice_title_has_1_to_200_characters(title: str) -> None:
    given(STARTED).when(
        solution.DocumentPractice(practice_id="p1", title=title, description="D")
    ).then_refused(InvalidCommand, "invalid_title")


@pytest.mark.parametrize("description", ["", " ", "d" * 2001])
def test_a_practice_description_has_1_to_2000_characters(description: str) -> None:
    given(STARTED).when(
        solution.DocumentPractice(practice_id="p1", title="T", description=description)
    ).then_refused(InvalidCommand, "invalid_description")


# --------------------------------------------------------------------------- presentation

VALIDATED = (STARTED, validation("v1"), result("v1", "rejected"))
"""A track with one validation whose result, of any verdict, is recorded."""


def test_a_facilitator_records_the_final_presentation() -> None:
    state = (
        given(*VALIDATED)
        .when(presentation(), by=FACILITATOR)
        .then(
            solution.PresentationRecorded(presented_on="2025-06-20", summary="Went well", link="")
        )
    )
    assert state.presented


@pytest.mark.parametrize(
    "history", [(STARTED,), (STARTED, validation("v1"))], ids=["none planned", "no result"]
)
def test_a_track_is_presented_after_a_validation_result(
    history: tuple[solution.Event, ...],
) -> None:
    given(*history).when(presentation(), by=FACILITATOR).then_refused(
        InvalidCommand, "validation_missing"
    )


def test_a_track_is_presented_once() -> None:
    done = solution.PresentationRecorded(presented_on="2025-06-20", summary="S", link="")
    given(*VALIDATED, done).when(presentation(), by=FACILITATOR).then_refused(
        AlreadyExists, "presentation_recorded"
    )


def test_a_presentation_has_a_real_date_a_summary_and_a_short_link() -> None:
    bad_day = solution.RecordPresentation(presented_on="2025-06-31", summary="S")
    given(*VALIDATED).when(bad_day, by=FACILITATOR).then_refused(InvalidCommand, "invalid_date")
    given(*VALIDATED).when(presentation(summary=" "), by=FACILITATOR).then_refused(
        InvalidCommand, "invalid_summary"
    )
    long_link = solution.RecordPresentation(presented_on="2025-06-20", summary="S", link="l" * 501)
    given(*VALIDATED).when(long_link, by=FACILITATOR).then_refused(InvalidCommand, "invalid_link")


def test_a_track_survives_a_snapshot_round_trip() -> None:
    assert solution.DECIDER.snapshot_kind == "solution-state/2"
    state = solution.DECIDER.fold([*VALIDATED, *SPRINTING[1:], update("u1")])
    assert msgspec.json.decode(msgspec.json.encode(state), type=solution.Track) == state


# --------------------------------------------------------------------------- properties

SETTINGS = settings(max_examples=150, deadline=None)
decode_event = msgspec.json.Decoder(solution.Event).decode


@SETTINGS
@for_all(script=solution_scripts())
def test_evolve_accepts_every_event_decide_emits(script: Script) -> None:
    state = solution.initial_state
    for command, actor in script:
        events, again = attempt(state, command, actor), attempt(state, command, actor)
        if isinstance(events, DomainError):
            assert isinstance(again, DomainError)
            assert again.code == events.code
            assert events.code == "forbidden" or actor.role not in ("observer", "auditor")
            continue
        assert again == events, "decide is not deterministic"
        for event in events:
            assert decode_event(encode_event(event)) == event
            state = solution.evolve(state, event)


@SETTINGS
@for_all(script=solution_scripts())
def test_sprints_never_overlap_and_results_need_a_plan(script: Script) -> None:
    state = solution.DECIDER.fold([e for batch, _ in accepted(script) for e in batch])
    spans = sorted((s.starts_on, s.ends_on) for s in state.sprints.values())
    assert all(a_end < b_start for (_, a_end), (b_start, _) in pairwise(spans))
    if state.presented:
        assert any(v.verdict is not None for v in state.validations.values())


# ------------------------------------------------------------------ starting from a decision


def _decided(outcome: DecisionOutcome) -> Board:
    history: list[board.Event] = [
        board.BoardCreated(board_id="b1", workshop_id="w1", title="Plenary", kind="plenary"),
        board.ClusterCreated(cluster_id="c1", label="Safe cycling", x=0, y=0),
        facilitation.PhaseChanged(phase="decide", previous="collect"),
    ]
    state = board.fold(history)
    record = decisions.RecordDecision(
        decision_id="d1", item_id="c1", outcome=outcome, rationale="Because"
    )
    return board.fold(list(decisions.decide(state, record, FACILITATOR)), state)


def test_a_track_starts_from_a_decision_that_selected_its_item() -> None:
    command = solution.start_from(_decided("select"), "d1", "t1")
    assert command == solution.StartTrack(
        track_id="t1", workshop_id="w1", board_id="b1", decision_id="d1", title="Safe cycling"
    )
    assert solution.start_from(_decided("select"), "d1", "t1", "Own title").title == "Own title"


@pytest.mark.parametrize("outcome", ["park", "reject"])
def test_a_parked_or_rejected_item_starts_no_track(outcome: DecisionOutcome) -> None:
    with pytest.raises(InvalidCommand) as refused:
        solution.start_from(_decided(outcome), "d1", "t1")
    assert refused.value.code == "decision_not_selected"


def test_an_unknown_decision_starts_no_track() -> None:
    with pytest.raises(NotFound) as refused:
        solution.start_from(_decided("select"), "d9", "t1")
    assert refused.value.code == "decision_not_found"
