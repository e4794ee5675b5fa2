"""A board's lane on the workshop timeline: which events mark it, with what, and how its events
fall into slices of the day."""

from __future__ import annotations

from domain import board, decisions, facilitation, voting
from projections.timeline import activity, mark_of
from tests.factories import ALICE, at, record


def test_steps_mark_the_lane_and_nothing_personal_rides_along() -> None:
    # given a board's first steps (recorded one second apart, from second 1)
    events = record(
        [
            board.BoardCreated(board_id="b1", workshop_id="w1", title="Ideas"),
            facilitation.PhaseChanged(phase="vote", previous="collect"),
            board.NoteAdded(
                note_id="n1", text="secret", x=0, y=0, colour="yellow", author=ALICE.id
            ),
            voting.RoundOpened(
                round_id="r1",
                target="clusters",
                budget=3,
                per_item_max=2,
                hide_tallies=True,
                facilitators_vote=False,
                item_ids=("c1",),
            ),
            decisions.DecisionRecorded(
                decision_id="d1",
                item_id="c1",
                item_kind="clusters",
                title="Streets",
                outcome="select",
                rationale="Because",
                evidence=decisions.Evidence(board_version=4),
            ),
        ]
    )
    # when each is read for a mark
    marks = [m for m in map(mark_of, events) if m is not None]
    # then the phase change, the round and the decision mark it, at their versions
    assert [(m.version, m.type, m.ref, m.title) for m in marks] == [
        (2, "phase.changed", "vote", ""),
        (4, "vote.opened", "r1", ""),
        (5, "decision.recorded", "d1", "Streets"),
    ]
    assert marks[0].at == at(2)


def test_events_fall_into_equal_slices_of_the_span() -> None:
    events = record([facilitation.PhaseChanged(phase="vote", previous="collect")] * 10)
    # events at seconds 1…10; the span 1…10 in three slices of 3 s: 1–4, 4–7, 7–10
    assert activity(events, at(1), at(10), 3) == [3, 3, 4]
    assert activity(events, at(5), at(5), 2) == [0, 1]  # no span: what is at it, in the last
    assert activity(events, at(20), at(30), 4) == [0, 0, 0, 0]
