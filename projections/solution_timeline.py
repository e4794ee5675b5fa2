"""The solution track people follow in phase II: where it came from, its sprints with their
updates, assessments, validations, good practices, the final presentation, and one flat
timeline of everything that happened, in stream version order.

The timeline's lines name things by their titles (a sprint by its goal, a validation by its
method, a practice by its title), never by id; who did each is its ``actor`` and ``role``,
for the reader to name as the workshop names people.

Past 300 lines, on purpose: the views, the timeline's wording and the fold that fills them are
read together."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from domain import solution
from domain.recorded import RecordedEvent
from domain.streams import solution_id_of
from projections.discussion_view import ActionView

_decode_event = msgspec.json.Decoder(solution.Event).decode

TrackStatus = Literal["planned", "on_track", "at_risk", "blocked", "presented"]
SUMMARY_MAX = 80
"""Characters of free text a timeline summary quotes before it cuts with an ellipsis."""
NAME_MAX = 48
"""Characters of a sprint's goal, or of a stakeholder group, the timeline names it by."""
GROUPS_NAMED = 3
"""Stakeholder groups whose own verdicts a result's line names; it counts the others."""


class Origin(msgspec.Struct, frozen=True, kw_only=True):
    """The workshop, board and decision that selected the idea this track works out."""

    workshop_id: str
    board_id: str
    decision_id: str


class UpdateView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    status: solution.SprintStatus
    done: str
    next: str
    blockers: str
    recorded_at: datetime
    version: int


class SprintView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    goal: str
    starts_on: str
    ends_on: str
    planned_at: datetime
    version: int
    """The track version of the sprint's last change (planned, updated or closed)."""
    closed: bool = False
    outcome: str = ""
    updates: tuple[UpdateView, ...] = ()
    """In the order they were posted."""


class AssessmentView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    sprint_id: str | None
    criteria: tuple[solution.Criterion, ...]
    summary: str
    recorded_at: datetime
    version: int


class ResultView(msgspec.Struct, frozen=True, kw_only=True):
    findings: str
    verdict: solution.Verdict
    """The overall verdict."""
    recorded_at: datetime
    version: int
    verdicts: tuple[solution.StakeholderVerdict, ...] = ()
    """Each group's own verdict, in the order given (empty for a result recorded without)."""


class ValidationView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    method: str
    stakeholders: tuple[str, ...]
    starts_on: str
    ends_on: str
    planned_at: datetime
    version: int
    result: ResultView | None = None


class PracticeView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    description: str
    """What was done."""
    recorded_at: datetime
    version: int
    context: str = ""
    result: str = ""
    reuse: str = ""
    """What others can reuse."""


class PresentationView(msgspec.Struct, frozen=True, kw_only=True):
    presented_on: str
    summary: str
    link: str
    recorded_at: datetime
    version: int


class TimelineEntry(msgspec.Struct, frozen=True, kw_only=True):
    at: datetime
    version: int
    kind: str
    """The event's tag (``"sprint.updated"``)."""
    summary: str
    """One short line for people, naming things by title, never by id."""
    actor: str = ""
    """Who recorded it (a person's id: name them as the workshop does)."""
    role: str = ""


class SolutionTimeline(msgspec.Struct, frozen=True, kw_only=True):
    """A track at ``version`` (0: not started yet). ``status`` is ``presented`` once it was,
    else the last sprint update's status, else ``planned``. Sprints are in date order."""

    id: str
    title: str = ""
    summary: str = ""
    origin: Origin | None = None
    lead: str = ""
    status: TrackStatus = "planned"
    version: int = 0
    position: int = 0
    updated_at: datetime | None = None
    sprints: tuple[SprintView, ...] = ()
    assessments: tuple[AssessmentView, ...] = ()
    validations: tuple[ValidationView, ...] = ()
    practices: tuple[PracticeView, ...] = ()
    presentation: PresentationView | None = None
    timeline: tuple[TimelineEntry, ...] = ()
    actions: tuple[ActionView, ...] = ()
    """The action items of the decision the track started from. They live on that decision's
    board, so this projection leaves them empty; a read of the track fills them in
    (``with_actions``)."""


def with_actions(track: SolutionTimeline, actions: tuple[ActionView, ...]) -> SolutionTimeline:
    """``track`` with those of ``actions`` (its origin board's) that are its decision's."""
    if track.origin is None:
        return track
    decision_id = track.origin.decision_id
    mine = tuple(a for a in actions if a.decision_id == decision_id)
    return msgspec.structs.replace(track, actions=mine)


def _short(text: str, limit: int = SUMMARY_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _summary(event: solution.Event, view: SolutionTimeline) -> str:
    """The timeline's line for ``event``, read against ``view`` as it was before it."""
    match event:
        case solution.TrackStarted():
            return f"Track “{_short(event.title)}” started from a selected decision"
        case solution.SprintPlanned():
            span = f"{event.starts_on} to {event.ends_on}"
            return f"Sprint “{_short(event.goal, NAME_MAX)}” planned, {span}"
        case solution.SprintUpdated():
            line = f"Update on sprint {_goal(view, event.sprint_id)}: "
            line += event.status.replace("_", " ")
            return f"{line} ({_short(event.blockers)})" if event.status == "blocked" else line
        case solution.SprintClosed():
            ending = f": {_short(event.outcome)}" if event.outcome.strip() else ""
            return f"Sprint {_goal(view, event.sprint_id)} closed{ending}"
        case solution.AssessmentRecorded():
            of = f"sprint {_goal(view, event.sprint_id)}" if event.sprint_id else "the whole track"
            mean = sum(c.score for c in event.criteria) / max(len(event.criteria), 1)
            return f"Assessment of {of}: {len(event.criteria)} criteria, mean score {mean:.1f}"
        case solution.ValidationPlanned():
            groups = len(event.stakeholders)
            return (
                f"Validation “{_short(event.method)}” planned with {groups} stakeholder "
                f"group{'s' if groups != 1 else ''}, {event.starts_on} to {event.ends_on}"
            )
        case solution.ValidationRecorded():
            method = next((v.method for v in view.validations if v.id == event.validation_id), "")
            return f"Validation “{_short(method)}”: {_verdict(event.verdict)}{_groups(event)}"
        case solution.PracticeDocumented():
            return f"Good practice documented: {_short(event.title)}"
        case solution.PresentationRecorded():
            return f"Final presentation on {event.presented_on}"
    return ""


def _verdict(verdict: solution.Verdict) -> str:
    return verdict.replace("_", " ")


def _groups(event: solution.ValidationRecorded) -> str:
    """`` (Parents: validated, Shop owners: needs changes)``: the groups' own verdicts, up to
    ``GROUPS_NAMED`` of them, or ``""`` when none gave one."""
    named = [
        f"{_short(v.stakeholder, NAME_MAX)}: {_verdict(v.verdict)}"
        for v in event.verdicts[:GROUPS_NAMED]
    ]
    if len(event.verdicts) > GROUPS_NAMED:
        named.append(f"{len(event.verdicts) - GROUPS_NAMED} more")
    return f" ({', '.join(named)})" if named else ""


def _goal(view: SolutionTimeline, sprint_id: str) -> str:
    """``“goal”``: the name the timeline gives a sprint."""
    goal = next((s.goal for s in view.sprints if s.id == sprint_id), "")
    return f"“{_short(goal, NAME_MAX)}”"


def _sprint(view: SolutionTimeline, sprint_id: str, **changes: object) -> SolutionTimeline:
    sprints = tuple(
        msgspec.structs.replace(s, **changes) if s.id == sprint_id else s for s in view.sprints
    )
    return msgspec.structs.replace(view, sprints=sprints)


def _apply_event(
    view: SolutionTimeline, event: solution.Event, rec: RecordedEvent
) -> SolutionTimeline:
    replace, at, version = msgspec.structs.replace, rec.recorded_at, rec.version
    match event:
        case solution.TrackStarted():
            origin = Origin(
                workshop_id=event.workshop_id,
                board_id=event.board_id,
                decision_id=event.decision_id,
            )
            return replace(
                view, title=event.title, summary=event.summary, origin=origin, lead=event.lead
            )
        case solution.SprintPlanned():
            sprint = SprintView(
                id=event.sprint_id,
                goal=event.goal,
                starts_on=event.starts_on,
                ends_on=event.ends_on,
                planned_at=at,
                version=version,
            )
            # Sprints never overlap, so their start days order them; the id breaks no real tie.
            ordered = sorted((*view.sprints, sprint), key=lambda s: (s.starts_on, s.id))
            return replace(view, sprints=tuple(ordered))
        case solution.SprintUpdated():
            posted = UpdateView(
                id=event.update_id,
                status=event.status,
                done=event.done,
                next=event.next,
                blockers=event.blockers,
                recorded_at=at,
                version=version,
            )
            updates = next((s.updates for s in view.sprints if s.id == event.sprint_id), ())
            view = _sprint(view, event.sprint_id, updates=(*updates, posted), version=version)
            return view if view.status == "presented" else replace(view, status=event.status)
        case solution.SprintClosed():
            return _sprint(
                view, event.sprint_id, closed=True, outcome=event.outcome, version=version
            )
        case solution.AssessmentRecorded():
            assessment = AssessmentView(
                id=event.assessment_id,
                sprint_id=event.sprint_id,
                criteria=event.criteria,
                summary=event.summary,
                recorded_at=at,
                version=version,
            )
            return replace(view, assessments=(*view.assessments, assessment))
        case solution.ValidationPlanned():
            planned = ValidationView(
                id=event.validation_id,
                method=event.method,
                stakeholders=event.stakeholders,
                starts_on=event.starts_on,
                ends_on=event.ends_on,
                planned_at=at,
                version=version,
            )
            return replace(view, validations=(*view.validations, planned))
        case solution.ValidationRecorded():
            result = ResultView(
                findings=event.findings,
                verdict=event.verdict,
                verdicts=event.verdicts,
                recorded_at=at,
                version=version,
            )
            validations = tuple(
                replace(v, result=result, version=version) if v.id == event.validation_id else v
                for v in view.validations
            )
            return replace(view, validations=validations)
        case solution.PracticeDocumented():
            practice = PracticeView(
                id=event.practice_id,
                title=event.title,
                description=event.description,
                context=event.context,
                result=event.result,
                reuse=event.reuse,
                recorded_at=at,
                version=version,
            )
            return replace(view, practices=(*view.practices, practice))
        case solution.PresentationRecorded():
            shown = PresentationView(
                presented_on=event.presented_on,
                summary=event.summary,
                link=event.link,
                recorded_at=at,
                version=version,
            )
            return replace(view, presentation=shown, status="presented")
    return view


class SolutionTimelineProjection:
    """The ``solution_timeline`` projection, keyed by track id."""

    name = "solution_timeline"
    version = 2

    def key_of(self, recorded: RecordedEvent) -> str | None:
        return solution_id_of(recorded.stream_id)

    def initial(self, key: str) -> SolutionTimeline:
        return SolutionTimeline(id=key)

    def apply(self, view: SolutionTimeline, recorded: RecordedEvent) -> SolutionTimeline:
        event = _decode_event(recorded.data)
        entry = TimelineEntry(
            at=recorded.recorded_at,
            version=recorded.version,
            kind=recorded.type,
            summary=_summary(event, view),
            actor=recorded.meta.actor,
            role=recorded.meta.role,
        )
        view = _apply_event(view, event, recorded)
        return msgspec.structs.replace(
            view,
            version=recorded.version,
            position=recorded.position,
            updated_at=recorded.recorded_at,
            timeline=(*view.timeline, entry),
        )

    def encode(self, view: SolutionTimeline) -> bytes:
        return msgspec.json.encode(view)

    def decode(self, data: bytes) -> SolutionTimeline:
        return msgspec.json.decode(data, type=SolutionTimeline)


SOLUTION_TIMELINE = SolutionTimelineProjection()
