"""One solution track per decision, decided on the decision's own board (given/when/then)."""

from __future__ import annotations

from domain import board, decisions, facilitation
from domain.board_state import Outcome
from domain.errors import AlreadyExists, InvalidCommand, NotFound
from tests.domain.harness import given
from tests.factories import FACILITATOR

CREATED = board.BoardCreated(board_id="b1", workshop_id="w1", title="Ideas")
NOTE = board.NoteAdded(note_id="n1", text="t", x=0, y=0, colour="yellow", author="fay")
DECIDING = facilitation.PhaseChanged(phase="decide", previous="collect")


def decided(outcome: Outcome = "select") -> decisions.DecisionRecorded:
    return decisions.DecisionRecorded(
        decision_id="d1",
        item_id="n1",
        item_kind="notes",
        title="t",
        outcome=outcome,
        rationale="r",
        evidence=decisions.Evidence(board_version=3),
    )


BOARD = (CREATED, NOTE, DECIDING, decided())
TRACKED = decisions.DecisionTracked(decision_id="d1", track_id="t1")


def test_a_selected_decision_gets_its_track() -> None:
    state = (
        given(board.DECIDER, *BOARD)
        .when(decisions.TrackDecision(decision_id="d1", track_id="t1"), by=FACILITATOR)
        .then(TRACKED)
    )
    assert state.decisions["d1"].track_id == "t1"


def test_a_decision_has_one_track_and_the_same_one_again_records_nothing() -> None:
    given(board.DECIDER, *BOARD, TRACKED).when(
        decisions.TrackDecision(decision_id="d1", track_id="t2"), by=FACILITATOR
    ).then_refused(AlreadyExists, "decision_has_track")
    given(board.DECIDER, *BOARD, TRACKED).when(
        decisions.TrackDecision(decision_id="d1", track_id="t1"), by=FACILITATOR
    ).then_nothing()


def test_only_a_decision_that_selected_its_item_gets_a_track() -> None:
    given(board.DECIDER, CREATED, NOTE, DECIDING, decided("park")).when(
        decisions.TrackDecision(decision_id="d1", track_id="t1"), by=FACILITATOR
    ).then_refused(InvalidCommand, "decision_not_selected")
    given(board.DECIDER, *BOARD).when(
        decisions.TrackDecision(decision_id="d9", track_id="t1"), by=FACILITATOR
    ).then_refused(NotFound, "decision_not_found")
