"""A board's lane on the workshop timeline: which events mark it, with what, and how its events
fall into slices of the day."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec.structs import replace

from domain import board, decisions, facilitation, voting
from domain.recorded import RecordedEvent
from projections.base import fold
from projections.timeline import BOARD_LANE, CHUNK, activity, counted, instant, mark_of, micros
from tests.factories import ALICE, BOARD_ID, at, record

DECIDED = decisions.DecisionRecorded(
    decision_id="d1",
    item_id="c1",
    item_kind="clusters",
    title="Streets",
    outcome="select",
    rationale="Because",
    evidence=decisions.Evidence(board_version=4),
)


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
            DECIDED,
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


def one_by_one(instants: list[datetime], start: datetime, end: datetime, slices: int) -> list[int]:
    """``activity`` as first written: each instant's slice, one at a time."""
    counts = [0] * slices
    span = (end - start).total_seconds()
    for moment in instants:
        offset = (moment - start).total_seconds()
        if offset < 0 or offset > span:
            continue
        index = slices - 1 if span <= 0 else min(int(offset / span * slices), slices - 1)
        counts[index] += 1
    return counts


MOMENTS = st.integers(min_value=0, max_value=10**9).map(
    lambda us: at(0) + timedelta(microseconds=us)
)


@settings(max_examples=300, deadline=None)
@given(
    moments=st.lists(MOMENTS, max_size=300),
    ordered=st.booleans(),
    start=MOMENTS,
    end=MOMENTS,
    slices=st.integers(min_value=1, max_value=60),
)
def test_counting_by_binary_search_counts_what_one_by_one_counts(
    moments: list[datetime], ordered: bool, start: datetime, end: datetime, slices: int
) -> None:
    # given instants in order (as a board's events are) or not (a clock that stepped back)
    moments = sorted(moments) if ordered else moments
    # when they are counted into slices, then each slice holds what the plain count holds
    assert counted([micros(m) for m in moments], start, end, slices) == one_by_one(
        moments, start, end, slices
    )
    assert [instant(micros(m)) for m in moments] == moments


def long_board(events: int) -> list[RecordedEvent]:
    """``events`` events of a board, a decision among them, one second apart."""
    phase = facilitation.PhaseChanged(phase="vote", previous="collect")
    return record([DECIDED if v == CHUNK else phase for v in range(1, events + 1)])


def test_a_lane_holds_every_instant_and_mark_but_no_text_cut_at_any_version() -> None:
    events = long_board(CHUNK * 2 + 5)
    # when the lane is folded in two goes (the projector's batches) and stored
    half = fold(BOARD_LANE, BOARD_ID, events[:300])
    lane = BOARD_LANE.decode(BOARD_LANE.encode(fold(BOARD_LANE, BOARD_ID, events[300:], half)))
    # then it is the lane folded in one go, and cut at any version it is that version's lane
    assert lane == fold(BOARD_LANE, BOARD_ID, events)
    assert [len(chunk) for chunk in lane.chunks] == [CHUNK, CHUNK, 5]
    for version in (0, 1, CHUNK - 1, CHUNK, CHUNK + 1, len(events)):
        recs = events[:version]
        assert lane.instants(version) == [micros(r.recorded_at) for r in recs]
        marks = [replace(m, title="") for m in map(mark_of, recs) if m is not None]
        assert list(lane.marks_to(version)) == marks
    assert b"Streets" not in BOARD_LANE.encode(lane)  # the decision's title is the view's


@given(st.lists(st.integers(min_value=1, max_value=CHUNK + 40), max_size=6))
def test_a_lane_folded_in_runs_as_a_rebuild_does_is_the_lane_folded_one_by_one(
    runs: list[int],
) -> None:
    events = long_board(sum(runs) + 3)
    # when a rebuild folds the events in runs of those lengths (the last run takes the rest)
    lane, start = BOARD_LANE.initial(BOARD_ID), 0
    for length in [*runs, len(events)]:
        lane = BOARD_LANE.apply_all(lane, events[start : start + length])
        start += length
    # then it is the lane ``apply`` folds one event at a time, chunks and all
    assert lane == fold(BOARD_LANE, BOARD_ID, events)
