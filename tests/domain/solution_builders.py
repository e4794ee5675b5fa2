"""Solution-track histories and random command scripts shared by the solution decider's tests
and the ``solution_timeline`` projection's: a started track, sprints, updates, validations."""

from __future__ import annotations

from hypothesis import strategies as st

from domain import solution
from domain.actor import Actor
from domain.errors import DomainError
from tests.factories import ALICE, AUDITOR, BOB, FACILITATOR, OBSERVER, WORKSHOP_ID

TRACK_ID = "t1"

STARTED = solution.TrackStarted(
    track_id=TRACK_ID,
    workshop_id=WORKSHOP_ID,
    board_id="b1",
    decision_id="d1",
    title="Shared cargo bikes",
    summary="",
    lead=FACILITATOR.id,
)


def sprint(sprint_id: str, starts_on: str, ends_on: str) -> solution.SprintPlanned:
    return solution.SprintPlanned(
        sprint_id=sprint_id, goal=f"Goal {sprint_id}", starts_on=starts_on, ends_on=ends_on
    )


def update(
    update_id: str, sprint_id: str = "s1", status: solution.SprintStatus = "on_track"
) -> solution.SprintUpdated:
    blockers = "waiting" if status == "blocked" else ""
    return solution.SprintUpdated(
        update_id=update_id, sprint_id=sprint_id, status=status, done="", next="", blockers=blockers
    )


def validation(validation_id: str) -> solution.ValidationPlanned:
    return solution.ValidationPlanned(
        validation_id=validation_id,
        method="interviews",
        stakeholders=("city", "residents"),
        starts_on="2025-05-01",
        ends_on="2025-05-10",
    )


def result(
    validation_id: str,
    verdict: solution.Verdict = "validated",
    verdicts: tuple[solution.StakeholderVerdict, ...] = (),
) -> solution.ValidationRecorded:
    return solution.ValidationRecorded(
        validation_id=validation_id, findings="ok", verdict=verdict, verdicts=verdicts
    )


def said(
    stakeholder: str, verdict: solution.Verdict = "validated", note: str = ""
) -> solution.StakeholderVerdict:
    """One stakeholder group's own verdict."""
    return solution.StakeholderVerdict(stakeholder=stakeholder, verdict=verdict, note=note)


# --------------------------------------------------------------------------- random scripts

SPRINT_IDS = ("s1", "s2", "x")
VALIDATION_IDS = ("v1", "v2")
GOOD_PERIODS = (
    ("2025-03-01", "2025-03-09"),
    ("2025-03-10", "2025-03-10"),
    ("2025-03-10", "2025-03-20"),
    ("2025-03-05", "2025-03-12"),
    ("2025-03-21", "2025-04-01"),
)
"""Some of them overlap, so ``sprint_overlaps`` comes up as often as a new sprint fits."""
BAD_PERIODS = (("2025-03-10", "2025-03-01"), ("2025-02-30", "2025-03-01"), ("later", "2025-03-09"))
GOOD_TEXTS = ("some text", "more text")
BAD_TEXTS = ("", "t" * 2001)

# Valid values are repeated so that most commands get past validation and reach the rules
# about ids, sprints and validations; the invalid ones still come up every few commands.
periods = st.sampled_from(GOOD_PERIODS * 3 + BAD_PERIODS)
days = periods.map(lambda period: period[0])
texts = st.sampled_from(GOOD_TEXTS * 3 + BAD_TEXTS)
sprint_ids = st.sampled_from(SPRINT_IDS)
validation_ids = st.sampled_from(VALIDATION_IDS)
small_ids = st.sampled_from(("i1", "i2", "i3"))
"""Update, assessment and practice ids: a small pool, so repeats come up."""
verdict_values = st.sampled_from(("validated", "needs_changes", "rejected"))
group_verdicts = st.lists(
    st.builds(
        solution.StakeholderVerdict,
        stakeholder=st.sampled_from(("city", "a", "b") * 3 + ("nobody",)),
        verdict=verdict_values,
        note=st.sampled_from(("", "fine") * 3 + ("n" * 2001,)),
    ),
    max_size=3,
).map(tuple)
"""Groups' own verdicts: mostly planned ones, now and then one unplanned, twice or too long."""
criteria = st.lists(
    st.builds(
        solution.Criterion,
        name=st.sampled_from(("impact", "cost", "reach") * 3 + ("",)),
        score=st.sampled_from((1, 2, 3, 4, 5) * 2 + (0, 6)),
        note=st.just(""),
    ),
    max_size=4,
).map(tuple)

START = solution.StartTrack(
    track_id=TRACK_ID, workshop_id=WORKSHOP_ID, board_id="b1", decision_id="d1", title="Bikes"
)

_weighted_commands: list[st.SearchStrategy[solution.Command]] = [
    *[
        st.tuples(sprint_ids, texts, periods).map(
            lambda t: solution.PlanSprint(
                sprint_id=t[0], goal=t[1], starts_on=t[2][0], ends_on=t[2][1]
            )
        )
    ]
    * 3,
    *[
        st.builds(
            solution.UpdateSprint,
            update_id=small_ids,
            sprint_id=sprint_ids,
            status=st.sampled_from(("on_track", "at_risk", "blocked")),
            done=texts,
            blockers=texts,
        )
    ]
    * 3,
    st.builds(solution.CloseSprint, sprint_id=sprint_ids, outcome=texts),
    st.builds(
        solution.RecordAssessment,
        assessment_id=small_ids,
        sprint_id=st.none() | sprint_ids,
        criteria=criteria,
    ),
    *[
        st.tuples(validation_ids, periods, st.sampled_from((("city",), ("a", "b"), ()))).map(
            lambda t: solution.PlanValidation(
                validation_id=t[0],
                method="survey",
                stakeholders=t[2],
                starts_on=t[1][0],
                ends_on=t[1][1],
            )
        )
    ]
    * 2,
    *[
        st.builds(
            solution.RecordValidationResult,
            validation_id=validation_ids,
            findings=texts,
            verdict=verdict_values,
            verdicts=group_verdicts,
        )
    ]
    * 2,
    st.builds(
        solution.DocumentPractice,
        practice_id=small_ids,
        title=texts,
        description=texts,
        reuse=texts,
    ),
    st.builds(solution.RecordPresentation, presented_on=days, summary=texts),
    st.just(START),
]

solution_commands: st.SearchStrategy[solution.Command] = st.sampled_from(
    _weighted_commands
).flatmap(lambda strategy: strategy)
"""Valid and invalid solution commands over small pools of ids, dates and texts."""

solution_actors = st.sampled_from((FACILITATOR, ALICE, BOB) * 3 + (OBSERVER, AUDITOR))
"""Mostly people who may change the track; observers and auditors every few commands."""

Script = list[tuple[solution.Command, Actor]]


def solution_scripts(max_size: int = 40) -> st.SearchStrategy[Script]:
    """Random scripts that start with the track being started, so most commands reach a rule."""
    steps = st.tuples(solution_commands, solution_actors)
    script = st.lists(steps, min_size=max_size // 4, max_size=max_size)
    return script.map(lambda rest: [(START, FACILITATOR), *rest])


def attempt(
    state: solution.Track, command: solution.Command, actor: Actor
) -> list[solution.Event] | DomainError:
    """``decide``'s events, or the ``DomainError`` it raised, as a value to assert on."""
    try:
        return solution.decide(state, command, actor)
    except DomainError as refused:
        return refused


def accepted(script: Script) -> list[tuple[list[solution.Event], Actor]]:
    """The non-empty event batches ``script`` produces, skipping refusals, with their actors."""
    state, batches = solution.initial_state, []
    for command, actor in script:
        events = attempt(state, command, actor)
        if isinstance(events, list) and events:
            state = solution.DECIDER.fold(events, state)
            batches.append((events, actor))
    return batches
