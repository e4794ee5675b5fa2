"""What people type holds no control character but tabs and line breaks, whatever they type
it into: nobody can type what reads as a sealed text (``service.privacy.marker``)."""

from __future__ import annotations

from typing import Any

import pytest

from domain import board, decisions, facilitation, organisers, solution, workshop
from domain.actor import Actor
from domain.errors import InvalidCommand
from tests.domain.harness import given
from tests.factories import ALICE, FACILITATOR

SEALED_LOOK = "\x01pia\x1fAAAA\x02"
OPERATOR = Actor(id="operator", role="operator", name="operator")
BOARD = (
    board.BoardCreated(board_id="b1", workshop_id="w1", title="Ideas"),
    board.NoteAdded(note_id="n1", text="t", x=0, y=0, colour="yellow", author=ALICE.id),
    facilitation.PhaseChanged(phase="decide", previous="collect"),
)
WORKSHOP = (
    workshop.WorkshopCreated(workshop_id="w1", title="W", kind="challenges", facilitator="f"),
)
TRACK = (
    solution.TrackStarted(
        track_id="t1",
        workshop_id="w1",
        board_id="b1",
        decision_id="d1",
        title="T",
        summary="",
        lead="f",
    ),
    solution.SprintPlanned(sprint_id="s1", goal="G", starts_on="2025-03-03", ends_on="2025-03-14"),
)


def cases(text: str) -> list[tuple[Any, tuple[Any, ...], Any, Actor, str]]:
    """(decider, history, command, actor, expected code) with ``text`` typed in."""
    return [
        (board.DECIDER, BOARD[:1], board.AddNote(note_id="n2", text=text, x=0, y=0), ALICE,
         "invalid_text"),
        (board.DECIDER, BOARD[:2], board.EditNote(note_id="n1", text=text), ALICE, "invalid_text"),
        (board.DECIDER, BOARD[:1], board.CreateCluster(cluster_id="c", label=text, x=0, y=0),
         ALICE, "invalid_label"),
        (board.DECIDER, BOARD[:1], facilitation.StartTimer(seconds=60, label=text), FACILITATOR,
         "invalid_label"),
        (board.DECIDER, BOARD,
         decisions.RecordDecision(decision_id="d", item_id="n1", outcome="park", rationale=text),
         FACILITATOR, "invalid_rationale"),
        (workshop.DECIDER, WORKSHOP,
         workshop.JoinWorkshop(actor_id=ALICE.id, name=text, role="participant"), ALICE,
         "invalid_name"),
        (workshop.DECIDER, WORKSHOP,
         workshop.JoinWorkshop(actor_id=ALICE.id, name="A", organisation=text,
                               role="participant"), ALICE, "invalid_organisation"),
        (solution.DECIDER, TRACK,
         solution.UpdateSprint(update_id="u", sprint_id="s1", status="on_track", done=text),
         ALICE, "invalid_text"),
        (solution.DECIDER, TRACK,
         solution.PlanValidation(validation_id="v", method="survey", stakeholders=(text,),
                                 starts_on="2025-05-01", ends_on="2025-05-02"), ALICE,
         "invalid_stakeholders"),
        (solution.DECIDER, TRACK,
         solution.RecordAssessment(assessment_id="a",
                                   criteria=(solution.Criterion(name="x", score=3, note=text),)),
         ALICE, "invalid_criteria"),
        (organisers.DECIDER, (), organisers.AddOrganiser(organiser_id="o", name=text), OPERATOR,
         "invalid_name"),
    ]  # fmt: skip


@pytest.mark.parametrize("text", [SEALED_LOOK, "a\x00b", "bell\x07", "esc\x1b[31m", "del\x7f"])
@pytest.mark.parametrize("case", range(len(cases(""))))
def test_control_characters_are_refused_in_what_people_type(text: str, case: int) -> None:
    decider, history, command, actor, code = cases(text)[case]
    given(decider, *history).when(command, by=actor).then_refused(InvalidCommand, code)


@pytest.mark.parametrize("case", range(len(cases(""))))
def test_tabs_and_line_breaks_are_fine(case: int) -> None:
    decider, history, command, actor, _ = cases("first line\n\tsecond\r\nthird")[case]
    assert given(decider, *history).when(command, by=actor).then_accepted()
