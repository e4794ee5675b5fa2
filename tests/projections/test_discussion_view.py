"""The discussion in the board view: the spotlight, comments and action items, each with where
it sits in the log, and comment authors under pseudonyms on a pseudonymous board."""

from __future__ import annotations

from domain import board, decisions, discussion, facilitation
from projections.base import fold
from projections.board_view import BOARD_VIEW, BoardView
from projections.visibility import Viewer, present_view, pseudonym
from tests.factories import ALICE, BOARD_ID, BOB, at, record

CREATED = board.BoardCreated(board_id=BOARD_ID, workshop_id="w1", title="Ideas")
NOTE = board.NoteAdded(note_id="n1", text="idea", x=0, y=0, colour="yellow", author=ALICE.id)
DECIDED = decisions.DecisionRecorded(
    decision_id="d1",
    item_id="n1",
    item_kind="notes",
    title="idea",
    outcome="select",
    rationale="Most dots",
    evidence=decisions.Evidence(board_version=2),
)
TALK: list[board.Event] = [
    CREATED,
    NOTE,
    facilitation.PhaseChanged(phase="discuss", previous="collect"),
    discussion.SpotlightSet(item_id="n1"),
    discussion.CommentAdded(comment_id="m1", item_id="n1", text="Costs?", author=BOB.id),
    DECIDED,
    discussion.ActionAdded(
        action_id="a1", decision_id="d1", text="Ask", owner_name="Pia", due="2025-04-01"
    ),
    discussion.ActionCompleted(action_id="a1"),
]


def _view(events: list[board.Event]) -> BoardView:
    return fold(BOARD_VIEW, BOARD_ID, record(events))


def test_the_view_shows_the_spotlight_comments_and_action_items() -> None:
    talk = _view(TALK).discussion
    assert talk.spotlight == "n1"
    (comment,) = talk.comments
    assert (comment.id, comment.item_id, comment.text, comment.author) == (
        "m1",
        "n1",
        "Costs?",
        "bob",
    )
    assert (comment.created_at, comment.version) == (at(5), 5)
    (action,) = talk.actions
    assert (action.id, action.decision_id, action.text, action.owner_name, action.due) == (
        "a1",
        "d1",
        "Ask",
        "Pia",
        "2025-04-01",
    )
    assert (action.done, action.created_at, action.version) == (True, at(7), 8)


def test_a_cleared_spotlight_is_none_and_the_view_round_trips() -> None:
    view = _view([*TALK, discussion.SpotlightCleared()])
    assert view.discussion.spotlight is None
    assert BOARD_VIEW.decode(BOARD_VIEW.encode(view)) == view


def test_comment_authors_are_pseudonyms_on_a_pseudonymous_board() -> None:
    key = b"discussion-view-key"
    view = _view([CREATED, facilitation.AnonymitySet(policy="pseudonymous"), *TALK[1:]])
    shown = present_view(view, Viewer(id=ALICE.id, role="participant", pseudonym_key=key))
    assert shown.discussion.comments[0].author == pseudonym(key, BOARD_ID, BOB.id)[0]
    assert shown.discussion.actions == view.discussion.actions
