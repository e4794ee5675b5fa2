"""The ``solution_timeline`` projection: a pure fold that agrees with itself and with the
solution decider, and reads as a track's story."""

from __future__ import annotations

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import solution
from domain.recorded import RecordedEvent
from domain.streams import solution_stream
from projections.base import fold
from projections.solution_timeline import SOLUTION_TIMELINE, SolutionTimeline
from tests.domain.solution_builders import (
    STARTED,
    TRACK_ID,
    Script,
    accepted,
    result,
    said,
    solution_scripts,
    sprint,
    update,
    validation,
)
from tests.factories import FACILITATOR, Log, at

SETTINGS = settings(max_examples=100, deadline=None)
OTHER_TRACK = "t2"
decode_event = msgspec.json.Decoder(solution.Event).decode


def _record(events: list[solution.Event], track_id: str = TRACK_ID) -> list[RecordedEvent]:
    """``events`` recorded as versions 1…n of track ``track_id`` at positions 1…n."""
    return Log().append(solution_stream(track_id), events, FACILITATOR)


def _view(events: list[RecordedEvent], key: str = TRACK_ID) -> SolutionTimeline:
    return fold(SOLUTION_TIMELINE, key, events)


# --------------------------------------------------------------------------- properties


@SETTINGS
@given(
    mine=solution_scripts(),
    other=solution_scripts(max_size=12),
    picks=st.lists(st.booleans(), max_size=60),
)
def test_a_view_fed_event_by_event_through_storage_equals_one_rebuilt_from_zero(
    mine: Script, other: Script, picks: list[bool]
) -> None:
    # Two tracks' commands interleaved in one log, as the store would record them.
    batches = {TRACK_ID: accepted(mine), OTHER_TRACK: accepted(other)}
    log = Log()
    turns = iter(picks)
    while batches[TRACK_ID] or batches[OTHER_TRACK]:
        key = TRACK_ID if next(turns, True) else OTHER_TRACK
        key = key if batches[key] else next(k for k, left in batches.items() if left)
        events, actor = batches[key].pop(0)
        log.append(solution_stream(key), events, actor)

    stored: dict[str, bytes] = {}
    for recorded in log.events:
        key_of = SOLUTION_TIMELINE.key_of(recorded)
        assert key_of is not None
        view = (
            SOLUTION_TIMELINE.decode(stored[key_of])
            if key_of in stored
            else SOLUTION_TIMELINE.initial(key_of)
        )
        stored[key_of] = SOLUTION_TIMELINE.encode(SOLUTION_TIMELINE.apply(view, recorded))

    for key in (TRACK_ID, OTHER_TRACK):
        rebuilt = _view(log.events, key)
        assert SOLUTION_TIMELINE.decode(stored[key]) == rebuilt
        assert stored[key] == SOLUTION_TIMELINE.encode(rebuilt)
        assert rebuilt.version == log.versions[solution_stream(key)]


@SETTINGS
@given(script=solution_scripts(), data=st.data())
def test_the_view_at_version_n_is_the_fold_of_the_first_n_events(
    script: Script, data: st.DataObject
) -> None:
    recorded = Log().append(
        solution_stream(TRACK_ID), [e for batch, _ in accepted(script) for e in batch]
    )
    n = data.draw(st.integers(0, len(recorded)), label="n")
    k = data.draw(st.integers(0, n), label="k")
    at_n = _view(recorded[:n])
    assert (at_n.version, len(at_n.timeline)) == (n, n)
    assert [entry.version for entry in at_n.timeline] == list(range(1, n + 1))
    assert fold(SOLUTION_TIMELINE, TRACK_ID, recorded[k:n], _view(recorded[:k])) == at_n


@SETTINGS
@given(script=solution_scripts())
def test_the_view_shows_what_the_decider_holds_after_every_event(script: Script) -> None:
    state, view = solution.initial_state, SOLUTION_TIMELINE.initial(TRACK_ID)
    log = Log()
    for events, actor in accepted(script):
        for recorded in log.append(solution_stream(TRACK_ID), events, actor):
            state = solution.evolve(state, decode_event(recorded.data))
            view = SOLUTION_TIMELINE.apply(view, recorded)
        assert {s.id: (s.goal, s.starts_on, s.ends_on, s.closed) for s in view.sprints} == {
            sid: (s.goal, s.starts_on, s.ends_on, s.closed) for sid, s in state.sprints.items()
        }
        assert [s.starts_on for s in view.sprints] == sorted(s.starts_on for s in view.sprints)
        assert {s.id: len(s.updates) for s in view.sprints} == {
            sid: s.updates for sid, s in state.sprints.items()
        }
        assert {v.id: v.result.verdict if v.result else None for v in view.validations} == {
            vid: v.verdict for vid, v in state.validations.items()
        }
        assert {v.id: v.stakeholders for v in view.validations} == {
            vid: v.stakeholders for vid, v in state.validations.items()
        }
        for v in view.validations:
            named = [g.stakeholder for g in v.result.verdicts] if v.result else []
            assert len(set(named)) == len(named)
            assert set(named) <= set(v.stakeholders)
        assert tuple(p.id for p in view.practices) == state.practices
        assert (view.presentation is not None) == state.presented == (view.status == "presented")


# --------------------------------------------------------------------------- examples


def test_a_new_view_is_empty_at_version_0() -> None:
    view = SOLUTION_TIMELINE.initial(TRACK_ID)
    assert (view.id, view.version, view.status, view.origin, view.timeline) == (
        TRACK_ID,
        0,
        "planned",
        None,
        (),
    )
    assert SOLUTION_TIMELINE.decode(SOLUTION_TIMELINE.encode(view)) == view


def test_the_view_tells_a_track_from_its_decision_to_its_presentation() -> None:
    view = _view(
        _record(
            [
                STARTED,
                sprint("s2", "2025-04-01", "2025-04-14"),
                sprint("s1", "2025-03-03", "2025-03-14"),
                update("u1", "s1", "blocked"),
                solution.SprintClosed(sprint_id="s1", outcome="Prototype built"),
                solution.AssessmentRecorded(
                    assessment_id="a1",
                    sprint_id="s1",
                    criteria=(
                        solution.Criterion(name="impact", score=4),
                        solution.Criterion(name="cost", score=3),
                    ),
                    summary="",
                ),
                validation("v1"),
                result("v1", "needs_changes"),
                solution.PracticeDocumented(practice_id="p1", title="Weekly demo", description="D"),
                solution.PresentationRecorded(presented_on="2025-06-20", summary="S", link=""),
            ]
        )
    )
    assert (view.title, view.lead, view.status, view.version) == (
        "Shared cargo bikes",
        "fay",
        "presented",
        10,
    )
    assert view.origin is not None
    assert (view.origin.workshop_id, view.origin.board_id, view.origin.decision_id) == (
        "w1",
        "b1",
        "d1",
    )
    s1, s2 = view.sprints
    assert (s1.id, s1.closed, s1.outcome, s1.version, s2.id) == (
        "s1",
        True,
        "Prototype built",
        5,
        "s2",
    )
    assert [(u.id, u.status, u.recorded_at, u.version) for u in s1.updates] == [
        ("u1", "blocked", at(4), 4)
    ]
    (v1,) = view.validations
    assert v1.result is not None
    assert (v1.result.verdict, v1.result.version, v1.planned_at) == ("needs_changes", 8, at(7))
    assert view.presentation is not None
    assert view.presentation.presented_on == "2025-06-20"
    # Things by their titles, never by id; who did each is the entry's actor.
    assert [(e.version, e.kind, e.summary) for e in view.timeline] == [
        (1, "track.started", "Track “Shared cargo bikes” started from a selected decision"),
        (2, "sprint.planned", "Sprint “Goal s2” planned, 2025-04-01 to 2025-04-14"),
        (3, "sprint.planned", "Sprint “Goal s1” planned, 2025-03-03 to 2025-03-14"),
        (4, "sprint.updated", "Update on sprint “Goal s1”: blocked (waiting)"),
        (5, "sprint.closed", "Sprint “Goal s1” closed: Prototype built"),
        (6, "assessment.recorded", "Assessment of sprint “Goal s1”: 2 criteria, mean score 3.5"),
        (
            7,
            "validation.planned",
            "Validation “interviews” planned with 2 stakeholder groups, 2025-05-01 to 2025-05-10",
        ),
        (8, "validation.recorded", "Validation “interviews”: needs changes"),
        (9, "practice.documented", "Good practice documented: Weekly demo"),
        (10, "presentation.recorded", "Final presentation on 2025-06-20"),
    ]
    assert {(e.actor, e.role) for e in view.timeline} == {(FACILITATOR.id, "facilitator")}
    assert [e.at for e in view.timeline] == [at(p) for p in range(1, 11)]


def test_the_status_is_the_last_update_until_the_track_is_presented() -> None:
    history: list[solution.Event] = [STARTED, sprint("s1", "2025-03-03", "2025-03-14")]
    assert _view(_record(history)).status == "planned"
    history.append(update("u1", status="at_risk"))
    assert _view(_record(history)).status == "at_risk"
    history.append(update("u2", status="on_track"))
    assert _view(_record(history)).status == "on_track"


def test_long_texts_are_cut_in_the_timeline_but_kept_whole_in_the_view() -> None:
    goal = "word " * 40
    view = _view(
        _record(
            [
                STARTED,
                solution.SprintPlanned(
                    sprint_id="s1", goal=goal, starts_on="2025-03-03", ends_on="2025-03-04"
                ),
            ]
        )
    )
    assert view.sprints[0].goal == goal
    line = view.timeline[-1].summary
    assert line.startswith("Sprint “word word")
    assert "…” planned, 2025-03-03 to 2025-03-04" in line
    assert len(line) <= len("Sprint “” planned, 2025-03-03 to 2025-03-04") + 48


def test_a_view_only_takes_the_events_of_its_own_track() -> None:
    log = Log()
    log.append(solution_stream(TRACK_ID), [STARTED])
    log.append(solution_stream(OTHER_TRACK), [STARTED, sprint("s1", "2025-03-03", "2025-03-04")])
    mine, other = _view(log.events), _view(log.events, OTHER_TRACK)
    assert (mine.version, mine.position, len(mine.sprints)) == (1, 1, 0)
    assert (other.version, other.position, len(other.sprints)) == (2, 3, 1)
    foreign = Log().append("workshop-w1", [STARTED])[0]
    assert SOLUTION_TIMELINE.key_of(foreign) is None


def test_a_practice_shows_its_four_parts_and_one_of_the_first_shape_shows_what_it_has() -> None:
    structured = solution.PracticeDocumented(
        practice_id="p1",
        title="Walk the route together",
        description="Residents and engineers walked each school route",
        context="Parents distrusted traffic counts",
        result="Three crossings moved",
        reuse="Walk first, count later",
    )
    # The first shape of the event, as stored before the practice had four parts.
    first_shape = msgspec.json.encode(
        {"type": "practice.documented", "practice_id": "p2", "title": "Demo", "description": "D"}
    )
    log = Log()
    log.append(solution_stream(TRACK_ID), [STARTED, structured], FACILITATOR)
    (old,) = log.append(solution_stream(TRACK_ID), [decode_event(first_shape)], FACILITATOR)
    stored = [*log.events[:-1], msgspec.structs.replace(old, data=first_shape)]
    view = _view(stored)
    new, older = view.practices
    assert (new.context, new.description, new.result, new.reuse) == (
        "Parents distrusted traffic counts",
        "Residents and engineers walked each school route",
        "Three crossings moved",
        "Walk first, count later",
    )
    assert (older.title, older.description, older.context, older.result, older.reuse) == (
        "Demo",
        "D",
        "",
        "",
        "",
    )
    assert view.timeline[-1].summary == "Good practice documented: Demo"


def test_a_validation_shows_each_group_verdict_and_the_timeline_names_a_few() -> None:
    groups = (
        said("city"),
        said("residents", "needs_changes", "More benches"),
        said("schools"),
        said("shops", "rejected"),
    )
    planned = msgspec.structs.replace(
        validation("v1"), stakeholders=tuple(g.stakeholder for g in groups)
    )
    view = _view(
        _record(
            [
                STARTED,
                planned,
                result("v1", "needs_changes", groups[:2]),
            ]
        )
    )
    (shown,) = view.validations
    assert shown.result is not None
    assert [(g.stakeholder, g.verdict, g.note) for g in shown.result.verdicts] == [
        ("city", "validated", ""),
        ("residents", "needs_changes", "More benches"),
    ]
    assert view.timeline[-1].summary == (
        "Validation “interviews”: needs changes (city: validated, residents: needs changes)"
    )
    many = _view(_record([STARTED, planned, result("v1", "validated", groups)]))
    assert many.timeline[-1].summary == (
        "Validation “interviews”: validated "
        "(city: validated, residents: needs changes, schools: validated, 1 more)"
    )


def test_a_result_of_the_first_shape_shows_no_group_verdict_and_reads_as_before() -> None:
    first_shape = msgspec.json.encode(
        {
            "type": "validation.recorded",
            "validation_id": "v1",
            "findings": "ok",
            "verdict": "rejected",
        }
    )
    log = Log()
    log.append(solution_stream(TRACK_ID), [STARTED, validation("v1")], FACILITATOR)
    (old,) = log.append(solution_stream(TRACK_ID), [decode_event(first_shape)], FACILITATOR)
    view = _view([*log.events[:-1], msgspec.structs.replace(old, data=first_shape)])
    (shown,) = view.validations
    assert shown.result is not None
    assert (shown.result.verdict, shown.result.verdicts) == ("rejected", ())
    assert view.timeline[-1].summary == "Validation “interviews”: rejected"
