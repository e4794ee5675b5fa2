"""The discuss phase as given/when/then: the spotlight, comments and action items."""

from __future__ import annotations

from domain import board, facilitation
from domain.discussion import (
    ACTION_MAX,
    COMMENT_MAX,
    ActionAdded,
    ActionCompleted,
    AddAction,
    AddComment,
    ClearSpotlight,
    CommentAdded,
    CompleteAction,
    SetSpotlight,
    SpotlightCleared,
)
from domain.discussion import (
    SpotlightSet as Spotlit,
)
from domain.errors import AlreadyExists, Forbidden, InvalidCommand, NotFound
from tests.domain.builders import BOARD, DECIDED
from tests.domain.builders import given as board_given
from tests.domain.harness import Scenario
from tests.factories import ALICE, BOB, OBSERVER

DISCUSS = facilitation.PhaseChanged(phase="discuss", previous="vote")
ACTION = ActionAdded(
    action_id="a1", decision_id="d1", text="Ask the council", owner_name="Pia", due="2025-04-01"
)


def given(*history: board.Event) -> Scenario[board.Board]:
    """The board of ``tests.domain.builders.BOARD`` after ``history``."""
    return board_given(*BOARD, *history)


def action(
    text: str = "Ask the council", owner_name: str = "Pia", due: str = "2025-04-01"
) -> AddAction:
    return AddAction(action_id="a1", decision_id="d1", text=text, owner_name=owner_name, due=due)


# --------------------------------------------------------------------------- the spotlight


def test_the_facilitator_spotlights_an_item_in_the_discuss_phase() -> None:
    state = given(DISCUSS).when(SetSpotlight(item_id="c1")).then(Spotlit(item_id="c1"))
    assert state.discussion.spotlight == "c1"


def test_the_spotlight_moves_from_item_to_item_and_the_same_item_again_records_nothing() -> None:
    given(DISCUSS, Spotlit(item_id="c1")).when(SetSpotlight(item_id="n1")).then(
        Spotlit(item_id="n1")
    )
    given(DISCUSS, Spotlit(item_id="c1")).when(SetSpotlight(item_id="c1")).then_nothing()


def test_the_spotlight_is_for_the_discuss_phase() -> None:
    given().when(SetSpotlight(item_id="c1")).then_refused(InvalidCommand, "wrong_phase")


def test_only_a_live_visible_item_is_spotlighted() -> None:
    given(DISCUSS).when(SetSpotlight(item_id="zz")).then_refused(NotFound, "unknown_item")


def test_a_participant_may_not_spotlight() -> None:
    given(DISCUSS).when(SetSpotlight(item_id="c1"), by=ALICE).then_refused(Forbidden, "forbidden")


def test_clearing_the_spotlight() -> None:
    state = given(DISCUSS, Spotlit(item_id="c1")).when(ClearSpotlight()).then(SpotlightCleared())
    assert state.discussion.spotlight is None
    given(DISCUSS).when(ClearSpotlight()).then_nothing()


# --------------------------------------------------------------------------- comments


def test_a_participant_comments_on_an_item_in_the_discuss_phase() -> None:
    comment = AddComment(comment_id="m1", item_id="c1", text="Costs?")
    state = (
        given(DISCUSS)
        .when(comment, by=BOB)
        .then(CommentAdded(comment_id="m1", item_id="c1", text="Costs?", author=BOB.id))
    )
    assert state.discussion.comments == {"m1"}


def test_participants_comment_in_the_discuss_and_decide_phases_only() -> None:
    comment = AddComment(comment_id="m1", item_id="c1", text="Costs?")
    given().when(comment, by=BOB).then_refused(InvalidCommand, "wrong_phase")
    given(DISCUSS).when(comment, by=OBSERVER).then_refused(Forbidden, "forbidden")


def test_a_comment_has_some_text_within_the_limit_and_a_fresh_id() -> None:
    given(DISCUSS).when(AddComment(comment_id="m1", item_id="c1", text=" ")).then_refused(
        InvalidCommand, "invalid_comment"
    )
    long = "x" * (COMMENT_MAX + 1)
    given(DISCUSS).when(AddComment(comment_id="m1", item_id="c1", text=long)).then_refused(
        InvalidCommand, "invalid_comment"
    )
    said = CommentAdded(comment_id="m1", item_id="c1", text="a", author=ALICE.id)
    given(DISCUSS, said).when(AddComment(comment_id="m1", item_id="n1", text="b")).then_refused(
        AlreadyExists, "duplicate_id"
    )


def test_a_comment_is_on_an_item_someone_sees() -> None:
    secret = board.NoteAdded(
        note_id="n9", text="draft", x=0, y=0, colour="yellow", author=ALICE.id, private_to=ALICE.id
    )
    given(facilitation.PrivateWritingStarted(), secret, DISCUSS).when(
        AddComment(comment_id="m1", item_id="n9", text="?"), by=BOB
    ).then_refused(InvalidCommand, "note_hidden")


# --------------------------------------------------------------------------- action items


def test_the_facilitator_gives_a_decision_an_action_item() -> None:
    state = given(DISCUSS, DECIDED).when(action()).then(ACTION)
    assert state.discussion.actions["a1"].decision_id == "d1"


def test_an_action_item_hangs_off_a_decision_of_this_board() -> None:
    given(DISCUSS).when(action()).then_refused(NotFound, "decision_not_found")


def test_an_action_item_says_what_who_and_when() -> None:
    refusals = {
        "invalid_action": action(text=""),
        "invalid_owner": action(owner_name=" "),
        "invalid_date": action(due="1 April"),
    }
    for code, command in refusals.items():
        given(DISCUSS, DECIDED).when(command).then_refused(InvalidCommand, code)
    given(DISCUSS, DECIDED).when(action(text="x" * (ACTION_MAX + 1))).then_refused(
        InvalidCommand, "invalid_action"
    )
    given(DISCUSS, DECIDED, ACTION).when(action()).then_refused(AlreadyExists, "duplicate_id")


def test_a_participant_may_not_add_an_action_item() -> None:
    given(DISCUSS, DECIDED).when(action(), by=ALICE).then_refused(Forbidden, "forbidden")


def test_the_facilitator_marks_an_action_item_done_once() -> None:
    state = (
        given(DISCUSS, DECIDED, ACTION)
        .when(CompleteAction(action_id="a1"))
        .then(ActionCompleted(action_id="a1"))
    )
    assert state.discussion.actions["a1"].done
    done = ActionCompleted(action_id="a1")
    given(DISCUSS, DECIDED, ACTION, done).when(CompleteAction(action_id="a1")).then_nothing()
    given(DISCUSS).when(CompleteAction(action_id="a1")).then_refused(NotFound, "unknown_action")
