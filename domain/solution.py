"""The solution track decider (stream ``solution-<id>``): phase II of a programme, where a
team takes one selected idea through dated work sprints, assessments and validation with
stakeholders to a final presentation, documenting good practices on the way.

Dates come in as data (``YYYY-MM-DD`` strings, inclusive at both ends). The service checks
that the decision a track starts from exists on its board and selected an idea; here the
rules are the track's own.

Longer than most modules, on purpose: a decider's commands, events, state, rules and fold
are read together, and a track has many of them (sprints, updates, assessments, validations,
practices, the presentation). Split, a rule would sit away from the state it reads.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Literal

import msgspec

from domain.actor import Actor
from domain.board import TITLE_MAX, Id
from domain.board_state import Board
from domain.checks import check_characters, check_day, check_text
from domain.codec import tag_of
from domain.decider import Decider
from domain.errors import AlreadyExists, InvalidCommand, NotFound
from domain.roles import authorize

SprintStatus = Literal["on_track", "at_risk", "blocked"]
Verdict = Literal["validated", "needs_changes", "rejected"]

GOAL_MAX = 500
TEXT_MAX = 2000
"""Summaries, descriptions, sprint updates and outcomes."""
FINDINGS_MAX = 4000
NAME_MAX = 120
"""A criterion's name, a stakeholder's name or a validation method."""
LINK_MAX = 500
CRITERIA_MAX = 12
STAKEHOLDERS_MAX = 30
SCORE_MIN, SCORE_MAX = 1, 5


# --------------------------------------------------------------------------- commands


class SolutionCommand(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of every solution track command."""


class StartTrack(SolutionCommand, frozen=True, kw_only=True, tag="track.start"):
    track_id: Id
    workshop_id: Id
    board_id: Id
    decision_id: Id
    """The decision on ``board_id`` that selected the idea this track works out."""
    title: str
    summary: str = ""


class PlanSprint(SolutionCommand, frozen=True, kw_only=True, tag="sprint.plan"):
    sprint_id: Id
    goal: str
    starts_on: str
    ends_on: str


class UpdateSprint(SolutionCommand, frozen=True, kw_only=True, tag="sprint.update"):
    update_id: Id
    sprint_id: Id
    status: SprintStatus
    done: str = ""
    next: str = ""
    blockers: str = ""


class CloseSprint(SolutionCommand, frozen=True, kw_only=True, tag="sprint.close"):
    sprint_id: Id
    outcome: str = ""


class Criterion(msgspec.Struct, frozen=True, kw_only=True):
    """One assessed criterion, scored 1 (poor) to 5 (excellent)."""

    name: str
    score: int
    note: str = ""


class RecordAssessment(SolutionCommand, frozen=True, kw_only=True, tag="assessment.record"):
    assessment_id: Id
    sprint_id: Id | None = None
    """The sprint assessed, or ``None`` for the track as a whole."""
    criteria: tuple[Criterion, ...]
    summary: str = ""


class PlanValidation(SolutionCommand, frozen=True, kw_only=True, tag="validation.plan"):
    validation_id: Id
    method: str
    stakeholders: tuple[str, ...]
    starts_on: str
    ends_on: str


class StakeholderVerdict(msgspec.Struct, frozen=True, kw_only=True):
    """One planned stakeholder group's own verdict, with an optional note."""

    stakeholder: str
    verdict: Verdict
    note: str = ""


class RecordValidationResult(SolutionCommand, frozen=True, kw_only=True, tag="validation.result"):
    validation_id: Id
    findings: str
    verdict: Verdict
    """The overall verdict."""
    verdicts: tuple[StakeholderVerdict, ...] = ()
    """Each group's own verdict, for some or all of the groups planned, each once."""


class DocumentPractice(SolutionCommand, frozen=True, kw_only=True, tag="practice.document"):
    """A good practice the programme counts among its outcomes, in four parts: the
    ``context`` it grew in, what was done (``description``), the ``result``, and what others
    can ``reuse``. Only the title and what was done are required (the command's first
    shape had nothing else)."""

    practice_id: Id
    title: str
    description: str
    """What was done."""
    context: str = ""
    result: str = ""
    reuse: str = ""


class RecordPresentation(SolutionCommand, frozen=True, kw_only=True, tag="presentation.record"):
    presented_on: str
    summary: str
    link: str = ""


Command = (
    StartTrack
    | PlanSprint
    | UpdateSprint
    | CloseSprint
    | RecordAssessment
    | PlanValidation
    | RecordValidationResult
    | DocumentPractice
    | RecordPresentation
)


# --------------------------------------------------------------------------- events


class SolutionEvent(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of every solution track event; the tag is stored and must never change."""


class TrackStarted(SolutionEvent, frozen=True, kw_only=True, tag="track.started"):
    track_id: str
    workshop_id: str
    board_id: str
    decision_id: str
    title: str
    summary: str
    lead: str
    """The facilitator who started the track."""


class SprintPlanned(SolutionEvent, frozen=True, kw_only=True, tag="sprint.planned"):
    sprint_id: str
    goal: str
    starts_on: str
    ends_on: str


class SprintUpdated(SolutionEvent, frozen=True, kw_only=True, tag="sprint.updated"):
    update_id: str
    sprint_id: str
    status: SprintStatus
    done: str
    next: str
    blockers: str


class SprintClosed(SolutionEvent, frozen=True, kw_only=True, tag="sprint.closed"):
    sprint_id: str
    outcome: str


class AssessmentRecorded(SolutionEvent, frozen=True, kw_only=True, tag="assessment.recorded"):
    assessment_id: str
    sprint_id: str | None
    criteria: tuple[Criterion, ...]
    summary: str


class ValidationPlanned(SolutionEvent, frozen=True, kw_only=True, tag="validation.planned"):
    validation_id: str
    method: str
    stakeholders: tuple[str, ...]
    starts_on: str
    ends_on: str


class ValidationRecorded(SolutionEvent, frozen=True, kw_only=True, tag="validation.recorded"):
    validation_id: str
    findings: str
    verdict: Verdict
    # Added later: an event stored before reads it as ().
    verdicts: tuple[StakeholderVerdict, ...] = ()


class PracticeDocumented(SolutionEvent, frozen=True, kw_only=True, tag="practice.documented"):
    practice_id: str
    title: str
    description: str
    # Added later: an event stored before reads them as "".
    context: str = ""
    result: str = ""
    reuse: str = ""


class PresentationRecorded(SolutionEvent, frozen=True, kw_only=True, tag="presentation.recorded"):
    presented_on: str
    summary: str
    link: str


Event = (
    TrackStarted
    | SprintPlanned
    | SprintUpdated
    | SprintClosed
    | AssessmentRecorded
    | ValidationPlanned
    | ValidationRecorded
    | PracticeDocumented
    | PresentationRecorded
)


# --------------------------------------------------------------------------- state


class SprintState(msgspec.Struct, frozen=True, kw_only=True):
    goal: str
    starts_on: str
    ends_on: str
    closed: bool = False
    updates: int = 0
    last_status: SprintStatus | None = None


class ValidationState(msgspec.Struct, frozen=True, kw_only=True):
    method: str
    starts_on: str
    ends_on: str
    verdict: Verdict | None = None
    """``None`` until the result is recorded."""
    stakeholders: tuple[str, ...] = ()
    """The groups planned, whom a result may give verdicts of their own."""


class Track(msgspec.Struct, frozen=True, kw_only=True):
    """What the rules need to know about a track. Treat the dicts and tuples as immutable."""

    started: bool = False
    track_id: str = ""
    workshop_id: str = ""
    board_id: str = ""
    decision_id: str = ""
    title: str = ""
    lead: str = ""
    sprints: dict[str, SprintState] = msgspec.field(default_factory=dict)
    update_ids: tuple[str, ...] = ()
    assessment_ids: tuple[str, ...] = ()
    validations: dict[str, ValidationState] = msgspec.field(default_factory=dict)
    practices: tuple[str, ...] = ()
    presented: bool = False


initial_state = Track()


# --------------------------------------------------------------------------- checks


def _check_period(starts_on: str, ends_on: str) -> None:
    check_day(starts_on)
    check_day(ends_on)
    if ends_on < starts_on:
        raise InvalidCommand("A period ends on or after the day it starts.", code="invalid_dates")


def _check_new(taken: Container[str], entity_id: str, what: str) -> None:
    if entity_id in taken:
        raise AlreadyExists(f"The {what} {entity_id!r} exists already.", code="duplicate_id")


def _sprint(state: Track, sprint_id: str) -> SprintState:
    sprint = state.sprints.get(sprint_id)
    if sprint is None:
        raise NotFound(f"There is no sprint {sprint_id!r} in this track.", code="unknown_sprint")
    return sprint


# --------------------------------------------------------------------------- rules


def decide(state: Track, command: Command, actor: Actor) -> list[Event]:
    """Events for ``command``; ``[]`` when nothing changes. Raises ``forbidden`` (per
    ``domain.roles``), ``track_exists``, ``track_not_found`` and the codes of each command's
    rules (see ``docs/api.md``)."""
    authorize(actor, tag_of(command))
    if isinstance(command, StartTrack):
        return _decide_start(state, command, actor)
    if not state.started:
        raise NotFound("This solution track does not exist.", code="track_not_found")
    match command:
        case PlanSprint():
            return _decide_plan_sprint(state, command)
        case UpdateSprint():
            return _decide_update(state, command)
        case CloseSprint():
            check_text(command.outcome, 0, TEXT_MAX, "invalid_text")
            if _sprint(state, command.sprint_id).closed:
                return []
            return [SprintClosed(sprint_id=command.sprint_id, outcome=command.outcome)]
        case RecordAssessment():
            return _decide_assessment(state, command)
        case PlanValidation():
            return _decide_plan_validation(state, command)
        case RecordValidationResult():
            return _decide_result(state, command)
        case DocumentPractice():
            return _decide_practice(state, command)
        case RecordPresentation():
            return _decide_presentation(state, command)


def _decide_start(state: Track, command: StartTrack, actor: Actor) -> list[Event]:
    if state.started:
        raise AlreadyExists("This solution track exists already.", code="track_exists")
    check_text(command.title, 1, TITLE_MAX, "invalid_title")
    check_text(command.summary, 0, TEXT_MAX, "invalid_summary")
    return [
        TrackStarted(
            track_id=command.track_id,
            workshop_id=command.workshop_id,
            board_id=command.board_id,
            decision_id=command.decision_id,
            title=command.title,
            summary=command.summary,
            lead=actor.id,
        )
    ]


def _decide_plan_sprint(state: Track, command: PlanSprint) -> list[Event]:
    _check_new(state.sprints, command.sprint_id, "sprint")
    check_text(command.goal, 1, GOAL_MAX, "invalid_goal")
    _check_period(command.starts_on, command.ends_on)
    # Validated ISO dates compare correctly as strings; both ends are sprint days.
    for other_id, other in state.sprints.items():
        if command.starts_on <= other.ends_on and other.starts_on <= command.ends_on:
            raise InvalidCommand(
                f"The sprint overlaps sprint {other_id!r} ({other.starts_on} to {other.ends_on}).",
                code="sprint_overlaps",
            )
    return [
        SprintPlanned(
            sprint_id=command.sprint_id,
            goal=command.goal,
            starts_on=command.starts_on,
            ends_on=command.ends_on,
        )
    ]


def _decide_update(state: Track, command: UpdateSprint) -> list[Event]:
    sprint = _sprint(state, command.sprint_id)
    _check_new(state.update_ids, command.update_id, "update")
    if sprint.closed:
        raise InvalidCommand(f"The sprint {command.sprint_id!r} is closed.", code="sprint_closed")
    for text in (command.done, command.next, command.blockers):
        check_text(text, 0, TEXT_MAX, "invalid_text")
    if command.status == "blocked" and not command.blockers.strip():
        raise InvalidCommand("A blocked sprint says what blocks it.", code="blockers_required")
    return [
        SprintUpdated(
            update_id=command.update_id,
            sprint_id=command.sprint_id,
            status=command.status,
            done=command.done,
            next=command.next,
            blockers=command.blockers,
        )
    ]


def _decide_assessment(state: Track, command: RecordAssessment) -> list[Event]:
    _check_new(state.assessment_ids, command.assessment_id, "assessment")
    if command.sprint_id is not None:
        _sprint(state, command.sprint_id)
    names = [c.name for c in command.criteria]
    if not 1 <= len(names) <= CRITERIA_MAX or len(set(names)) < len(names):
        raise InvalidCommand(
            f"An assessment has 1 to {CRITERIA_MAX} criteria, each named once.",
            code="invalid_criteria",
        )
    for criterion in command.criteria:
        if not criterion.name.strip() or len(criterion.name) > NAME_MAX:
            raise InvalidCommand(
                f"A criterion's name has 1 to {NAME_MAX} characters.", code="invalid_criteria"
            )
        if len(criterion.note) > TEXT_MAX:
            raise InvalidCommand(
                f"A criterion's note has at most {TEXT_MAX} characters.", code="invalid_criteria"
            )
        if not SCORE_MIN <= criterion.score <= SCORE_MAX:
            raise InvalidCommand(
                f"A score is {SCORE_MIN} to {SCORE_MAX} ({criterion.score} given).",
                code="invalid_score",
            )
        check_characters(criterion.name + criterion.note, "invalid_criteria", "criterion")
    check_text(command.summary, 0, TEXT_MAX, "invalid_summary")
    return [
        AssessmentRecorded(
            assessment_id=command.assessment_id,
            sprint_id=command.sprint_id,
            criteria=command.criteria,
            summary=command.summary,
        )
    ]


def _decide_plan_validation(state: Track, command: PlanValidation) -> list[Event]:
    _check_new(state.validations, command.validation_id, "validation")
    check_text(command.method, 1, NAME_MAX, "invalid_method")
    people = command.stakeholders
    if not 1 <= len(people) <= STAKEHOLDERS_MAX or any(
        not p.strip() or len(p) > NAME_MAX for p in people
    ):
        raise InvalidCommand(
            f"A validation names 1 to {STAKEHOLDERS_MAX} stakeholders of 1 to {NAME_MAX} "
            "characters each.",
            code="invalid_stakeholders",
        )
    for person in people:
        check_characters(person, "invalid_stakeholders", "stakeholder")
    _check_period(command.starts_on, command.ends_on)
    return [
        ValidationPlanned(
            validation_id=command.validation_id,
            method=command.method,
            stakeholders=command.stakeholders,
            starts_on=command.starts_on,
            ends_on=command.ends_on,
        )
    ]


def _decide_result(state: Track, command: RecordValidationResult) -> list[Event]:
    validation = state.validations.get(command.validation_id)
    if validation is None:
        raise NotFound(
            f"There is no validation {command.validation_id!r}.", code="unknown_validation"
        )
    if validation.verdict is not None:
        raise AlreadyExists(
            f"The result of {command.validation_id!r} is recorded already.",
            code="validation_recorded",
        )
    check_text(command.findings, 1, FINDINGS_MAX, "invalid_findings")
    _check_verdicts(validation, command.verdicts)
    return [
        ValidationRecorded(
            validation_id=command.validation_id,
            findings=command.findings,
            verdict=command.verdict,
            verdicts=command.verdicts,
        )
    ]


def _check_verdicts(validation: ValidationState, verdicts: tuple[StakeholderVerdict, ...]) -> None:
    named: set[str] = set()
    for given in verdicts:
        if given.stakeholder not in validation.stakeholders:
            raise InvalidCommand(
                f"{given.stakeholder!r} is not a stakeholder group of this validation.",
                code="unknown_stakeholder",
            )
        if given.stakeholder in named:
            raise InvalidCommand(
                f"{given.stakeholder!r} gives one verdict, not two.", code="duplicate_stakeholder"
            )
        named.add(given.stakeholder)
        check_text(given.note, 0, TEXT_MAX, "invalid_text")


def _decide_practice(state: Track, command: DocumentPractice) -> list[Event]:
    _check_new(state.practices, command.practice_id, "practice")
    check_text(command.title, 1, TITLE_MAX, "invalid_title")
    check_text(command.description, 1, TEXT_MAX, "invalid_description")
    for text in (command.context, command.result, command.reuse):
        check_text(text, 0, TEXT_MAX, "invalid_text")
    return [
        PracticeDocumented(
            practice_id=command.practice_id,
            title=command.title,
            description=command.description,
            context=command.context,
            result=command.result,
            reuse=command.reuse,
        )
    ]


def _decide_presentation(state: Track, command: RecordPresentation) -> list[Event]:
    if state.presented:
        raise AlreadyExists("The track was presented already.", code="presentation_recorded")
    if all(v.verdict is None for v in state.validations.values()):
        raise InvalidCommand(
            "A track is presented once a validation has a result.", code="validation_missing"
        )
    check_day(command.presented_on)
    check_text(command.summary, 1, TEXT_MAX, "invalid_summary")
    check_text(command.link, 0, LINK_MAX, "invalid_link")
    return [
        PresentationRecorded(
            presented_on=command.presented_on, summary=command.summary, link=command.link
        )
    ]


# --------------------------------------------------------------------------- evolve


def _with_sprint(state: Track, sprint_id: str, **changes: object) -> Track:
    sprint = msgspec.structs.replace(state.sprints[sprint_id], **changes)
    return msgspec.structs.replace(state, sprints={**state.sprints, sprint_id: sprint})


def evolve(state: Track, event: Event) -> Track:
    """``state`` with ``event`` applied. Never raises for an event ``decide`` once produced."""
    replace = msgspec.structs.replace
    match event:
        case TrackStarted():
            return replace(
                state,
                started=True,
                track_id=event.track_id,
                workshop_id=event.workshop_id,
                board_id=event.board_id,
                decision_id=event.decision_id,
                title=event.title,
                lead=event.lead,
            )
        case SprintPlanned():
            sprint = SprintState(goal=event.goal, starts_on=event.starts_on, ends_on=event.ends_on)
            return replace(state, sprints={**state.sprints, event.sprint_id: sprint})
        case SprintUpdated():
            count = state.sprints[event.sprint_id].updates + 1
            state = _with_sprint(state, event.sprint_id, updates=count, last_status=event.status)
            return replace(state, update_ids=(*state.update_ids, event.update_id))
        case SprintClosed():
            return _with_sprint(state, event.sprint_id, closed=True)
        case AssessmentRecorded():
            return replace(state, assessment_ids=(*state.assessment_ids, event.assessment_id))
        case ValidationPlanned():
            planned = ValidationState(
                method=event.method,
                starts_on=event.starts_on,
                ends_on=event.ends_on,
                stakeholders=event.stakeholders,
            )
            return replace(state, validations={**state.validations, event.validation_id: planned})
        case ValidationRecorded():
            done = replace(state.validations[event.validation_id], verdict=event.verdict)
            return replace(state, validations={**state.validations, event.validation_id: done})
        case PracticeDocumented():
            return replace(state, practices=(*state.practices, event.practice_id))
        case PresentationRecorded():
            return replace(state, presented=True)
    return state


def start_from(board: Board, decision_id: str, track_id: str, title: str = "") -> StartTrack:
    """The ``track.start`` that works out decision ``decision_id`` of ``board``: a track
    starts only from a decision that selected its item. Raises ``NotFound``
    (``decision_not_found``) or ``InvalidCommand`` (``decision_not_selected``)."""
    decision = board.decisions.get(decision_id)
    if decision is None:
        raise NotFound("There is no such decision on that board.", code="decision_not_found")
    if decision.outcome != "select":
        raise InvalidCommand(
            "A solution track starts from a decision that selected its item.",
            code="decision_not_selected",
        )
    return StartTrack(
        track_id=track_id,
        workshop_id=board.workshop_id,
        board_id=board.board_id,
        decision_id=decision_id,
        title=title or decision.title[:TITLE_MAX],
    )


DECIDER: Decider[Track, Command, Event] = Decider(
    name="solution",
    initial_state=initial_state,
    decide=decide,
    evolve=evolve,
    state_type=Track,
    event_type=Event,
    command_type=Command,
    snapshot_kind="solution-state/2",
)
