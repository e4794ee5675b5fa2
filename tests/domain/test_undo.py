"""Undo and redo as given/when/then: given a board and one person's change (its events stamped
with who made it), when they undo or redo, then the mark and the compensating events, or the
refusal with its code. And the property: one person's changes, all undone then all redone,
leave the board as they left it."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given as drawn
from hypothesis import settings
from hypothesis import strategies as st

from domain import board, facilitation, voting
from domain.actor import Actor
from domain.errors import DomainError, Forbidden, InvalidCommand, NotFound
from domain.recorded import EventMeta
from domain.undo import ChangeRedone, ChangeUndone, RedoChange, UndoChange
from tests.domain.builders import BOARD, added, cluster, clustered
from tests.domain.harness import Scenario, given, replayed, stamped
from tests.factories import (
    ALICE,
    BOB,
    FACILITATOR,
    OBSERVER,
    attempt,
    board_commands,
    editors,
    seed_authors,
    seed_board,
)

UNDO = UndoChange()
REDO = RedoChange()


def on_board(*history: Any) -> Scenario[board.Board]:
    """The board ``BOARD`` (Alice's note ``n1``, the cluster ``c1``) and then ``history``."""
    return given(board.DECIDER, *BOARD, *history, actor=ALICE)


# Each undoable command: the history before it, its events (Alice's change "a1"), what her undo
# records after the mark, and what her redo records after its mark.
CASES: dict[str, tuple[tuple[Any, ...], list[Any], list[Any], list[Any]]] = {
    "note.add": (
        (),
        [added("n2", x=3.0)],
        [board.NoteDeleted(note_id="n2")],
        [added("n2", x=3.0)],
    ),
    "note.edit": (
        (),
        [board.NoteEdited(note_id="n1", text="better")],
        [board.NoteEdited(note_id="n1", text="idea")],
        [board.NoteEdited(note_id="n1", text="better")],
    ),
    "note.move": (
        (),
        [board.NoteMoved(note_id="n1", x=5.0, y=6.0)],
        [board.NoteMoved(note_id="n1", x=0.0, y=0.0)],
        [board.NoteMoved(note_id="n1", x=5.0, y=6.0)],
    ),
    "note.recolour": (
        (),
        [board.NoteRecoloured(note_id="n1", colour="pink")],
        [board.NoteRecoloured(note_id="n1", colour="yellow")],
        [board.NoteRecoloured(note_id="n1", colour="pink")],
    ),
    "note.delete": (
        (clustered("n1", "c1"),),
        [board.NoteDeleted(note_id="n1")],
        [added("n1"), clustered("n1", "c1")],
        [board.NoteDeleted(note_id="n1")],
    ),
    "note.cluster": (
        (),
        [clustered("n1", "c1")],
        [clustered("n1", None)],
        [clustered("n1", "c1")],
    ),
    "cluster.create": (
        (),
        [cluster("c2", "Other")],
        [board.ClusterDeleted(cluster_id="c2")],
        [cluster("c2", "Other")],
    ),
    "cluster.rename": (
        (),
        [board.ClusterRenamed(cluster_id="c1", label="Renamed")],
        [board.ClusterRenamed(cluster_id="c1", label="Theme")],
        [board.ClusterRenamed(cluster_id="c1", label="Renamed")],
    ),
    "cluster.move": (
        (),
        [board.ClusterMoved(cluster_id="c1", x=-3.0, y=4.0)],
        [board.ClusterMoved(cluster_id="c1", x=10.0, y=10.0)],
        [board.ClusterMoved(cluster_id="c1", x=-3.0, y=4.0)],
    ),
    "cluster.delete": (
        (clustered("n1", "c1"),),
        [board.ClusterDeleted(cluster_id="c1", released_note_ids=("n1",))],
        [cluster("c1"), clustered("n1", "c1")],
        [board.ClusterDeleted(cluster_id="c1", released_note_ids=("n1",))],
    ),
    "cluster.merge": (
        (cluster("c2", "Other"), clustered("n1", "c1")),
        [
            board.ClustersMerged(
                cluster_id="c1", into_cluster_id="c2", label="Theme", moved_note_ids=("n1",)
            )
        ],
        [cluster("c1"), clustered("n1", "c1")],
        [clustered("n1", "c2"), board.ClusterDeleted(cluster_id="c1")],
    ),
}


@pytest.mark.parametrize("tag", CASES)
def test_undo_takes_back_my_last_change(tag: str) -> None:
    before, change, undone, _ = CASES[tag]
    on_board(*before, *stamped(ALICE, "a1", *change)).when(UNDO).then(
        ChangeUndone(change_id="a1"), *undone
    )


@pytest.mark.parametrize("tag", CASES)
def test_redo_makes_my_change_again(tag: str) -> None:
    before, change, undone, redone = CASES[tag]
    history = (
        *stamped(ALICE, "a1", *change),
        *stamped(ALICE, "u1", ChangeUndone(change_id="a1"), *undone),
    )
    on_board(*before, *history).when(REDO).then(ChangeRedone(change_id="a1"), *redone)


@pytest.mark.parametrize("tag", CASES)
def test_a_redone_change_is_undone_again(tag: str) -> None:
    before, change, undone, redone = CASES[tag]
    history = (
        *stamped(ALICE, "a1", *change),
        *stamped(ALICE, "u1", ChangeUndone(change_id="a1"), *undone),
        *stamped(ALICE, "r1", ChangeRedone(change_id="a1"), *redone),
    )
    on_board(*before, *history).when(UNDO).then(ChangeUndone(change_id="a1"), *undone)


def test_undo_takes_back_the_last_change_first() -> None:
    on_board(
        *stamped(ALICE, "a1", board.NoteMoved(note_id="n1", x=1.0, y=1.0)),
        *stamped(ALICE, "a2", board.NoteMoved(note_id="n1", x=2.0, y=2.0)),
    ).when(UNDO).then(ChangeUndone(change_id="a2"), board.NoteMoved(note_id="n1", x=1.0, y=1.0))


def test_one_command_of_several_events_is_one_change() -> None:
    on_board(
        *stamped(ALICE, "a1", added("n2"), board.NoteMoved(note_id="n1", x=7.0, y=7.0)),
    ).when(UNDO).then(
        ChangeUndone(change_id="a1"),
        board.NoteDeleted(note_id="n2"),
        board.NoteMoved(note_id="n1", x=0.0, y=0.0),
    )


def test_my_undo_does_not_touch_another_persons_later_change() -> None:
    on_board(
        added("n2", by=BOB),
        *stamped(ALICE, "a1", board.NoteMoved(note_id="n1", x=5.0, y=5.0)),
        *stamped(BOB, "b1", board.NoteMoved(note_id="n2", x=9.0, y=9.0)),
    ).when(UNDO).then(ChangeUndone(change_id="a1"), board.NoteMoved(note_id="n1", x=0.0, y=0.0))


def test_undo_never_takes_back_someone_elses_change() -> None:
    on_board(*stamped(BOB, "b1", board.NoteMoved(note_id="n1", x=9.0, y=9.0))).when(
        UNDO
    ).then_refused(NotFound, "nothing_to_undo")


def test_undo_is_refused_when_someone_changed_the_item_since() -> None:
    on_board(
        *stamped(ALICE, "a1", board.NoteMoved(note_id="n1", x=5.0, y=5.0)),
        *stamped(BOB, "b1", board.NoteMoved(note_id="n1", x=9.0, y=9.0)),
    ).when(UNDO).then_refused(InvalidCommand, "undo_conflict")


def test_undo_is_refused_when_someone_changed_it_between_my_changes() -> None:
    history = (
        *stamped(ALICE, "a1", board.NoteMoved(note_id="n1", x=1.0, y=1.0)),
        *stamped(BOB, "b1", board.NoteMoved(note_id="n1", x=9.0, y=9.0)),
        *stamped(ALICE, "a2", board.NoteMoved(note_id="n1", x=2.0, y=2.0)),
        *stamped(
            ALICE,
            "u1",
            ChangeUndone(change_id="a2"),
            board.NoteMoved(note_id="n1", x=9.0, y=9.0),
        ),
    )
    on_board(*history).when(UNDO).then_refused(InvalidCommand, "undo_conflict")


def test_the_conflict_says_what_happened() -> None:
    state = replayed(
        board.DECIDER,
        (
            *BOARD,
            *stamped(ALICE, "a1", board.NoteEdited(note_id="n1", text="mine")),
            *stamped(FACILITATOR, "f1", board.NoteEdited(note_id="n1", text="theirs")),
        ),
    )
    with pytest.raises(InvalidCommand) as refused:
        board.decide(state, UNDO, ALICE)
    assert refused.value.message == (
        "Someone has changed this note since; your change cannot be taken back."
    )


def test_undoing_a_cluster_someone_else_filled_is_refused() -> None:
    on_board(
        *stamped(ALICE, "a1", cluster("c2")),
        *stamped(BOB, "b1", clustered("n1", "c2")),
    ).when(UNDO).then_refused(InvalidCommand, "undo_conflict")


def test_redo_is_refused_when_someone_changed_the_item_since_the_undo() -> None:
    on_board(
        *stamped(ALICE, "a1", board.NoteMoved(note_id="n1", x=5.0, y=5.0)),
        *stamped(
            ALICE, "u1", ChangeUndone(change_id="a1"), board.NoteMoved(note_id="n1", x=0.0, y=0.0)
        ),
        *stamped(BOB, "b1", board.NoteMoved(note_id="n1", x=9.0, y=9.0)),
    ).when(REDO).then_refused(InvalidCommand, "redo_conflict")


def test_nothing_to_undo_or_redo() -> None:
    on_board().when(UNDO).then_refused(NotFound, "nothing_to_undo")
    on_board(*stamped(ALICE, "a1", board.NoteMoved(note_id="n1", x=5.0, y=5.0))).when(
        REDO
    ).then_refused(NotFound, "nothing_to_redo")


def test_a_new_change_clears_my_redo() -> None:
    on_board(
        *stamped(ALICE, "a1", board.NoteMoved(note_id="n1", x=5.0, y=5.0)),
        *stamped(
            ALICE, "u1", ChangeUndone(change_id="a1"), board.NoteMoved(note_id="n1", x=0.0, y=0.0)
        ),
        *stamped(ALICE, "a2", board.NoteRecoloured(note_id="n1", colour="blue")),
    ).when(REDO).then_refused(NotFound, "nothing_to_redo")


def test_a_named_change_must_be_my_last() -> None:
    on_board(*stamped(ALICE, "a1", board.NoteMoved(note_id="n1", x=5.0, y=5.0))).when(
        UndoChange(change_id="a0")
    ).then_refused(InvalidCommand, "not_last_change")
    on_board(*stamped(ALICE, "a1", board.NoteMoved(note_id="n1", x=5.0, y=5.0))).when(
        UndoChange(change_id="a1")
    ).then(ChangeUndone(change_id="a1"), board.NoteMoved(note_id="n1", x=0.0, y=0.0))


def test_undo_passes_the_original_commands_phase_rule() -> None:
    in_vote = facilitation.PhaseChanged(phase="vote", previous="collect")
    on_board(*stamped(ALICE, "a1", added("n2")), in_vote).when(UNDO).then_refused(
        InvalidCommand, "wrong_phase"
    )
    on_board(*stamped(ALICE, "a1", board.NoteMoved(note_id="n1", x=5.0, y=5.0)), in_vote).when(
        UNDO
    ).then(ChangeUndone(change_id="a1"), board.NoteMoved(note_id="n1", x=0.0, y=0.0))


def test_undo_waits_while_the_board_is_locked() -> None:
    on_board(
        *stamped(ALICE, "a1", board.NoteMoved(note_id="n1", x=5.0, y=5.0)),
        facilitation.BoardLocked(),
    ).when(UNDO).then_refused(Forbidden, "board_locked")


def test_an_observer_may_not_undo() -> None:
    on_board().when(UNDO, by=OBSERVER).then_refused(Forbidden, "forbidden")


def test_votes_are_not_undone() -> None:
    opened = voting.RoundOpened(
        round_id="r1",
        target="notes",
        budget=3,
        per_item_max=3,
        hide_tallies=False,
        facilitators_vote=False,
        item_ids=("n1",),
    )
    on_board(
        facilitation.PhaseChanged(phase="vote", previous="collect"),
        opened,
        *stamped(ALICE, "v1", voting.VoteCast(round_id="r1", item_id="n1", voter="alice")),
    ).when(UNDO).then_refused(NotFound, "nothing_to_undo")


def test_notes_placed_for_their_authors_are_not_the_placers_change() -> None:
    on_board(*stamped(FACILITATOR, "p1", added("n2", by=BOB))).when(
        UNDO, by=FACILITATOR
    ).then_refused(NotFound, "nothing_to_undo")


def test_a_hidden_note_is_taken_back_privately() -> None:
    on_board(
        facilitation.PrivateWritingStarted(),
        *stamped(
            ALICE,
            "a1",
            board.NoteAdded(
                note_id="n2",
                text="secret",
                x=0.0,
                y=0.0,
                colour="yellow",
                author="alice",
                private_to="alice",
            ),
        ),
    ).when(UNDO).then(
        ChangeUndone(change_id="a1"), board.NoteDeleted(note_id="n2", private_to="alice")
    )


# --------------------------------------------------------------------------- the property


def _faces(state: board.Board) -> tuple[dict[str, Any], dict[str, Any]]:
    """What people see of the board's items: the live notes and clusters and their values."""
    notes = {
        nid: (n.text, n.x, n.y, n.colour, n.cluster_id, n.fields, n.author)
        for nid, n in state.notes.items()
        if not n.deleted
    }
    clusters = {cid: (c.label, c.x, c.y) for cid, c in state.clusters.items() if not c.deleted}
    return notes, clusters


def _run(state: board.Board, command: Any, actor: Actor, command_id: str) -> board.Board:
    meta = EventMeta(
        actor=actor.id, role=actor.role, command_id=command_id, correlation_id=command_id
    )
    return board.DECIDER.fold(board.decide(state, command, actor), state, meta)


def _all_the_way(
    state: board.Board, command: Any, actor: Actor, prefix: str
) -> tuple[board.Board, int]:
    """``command`` (undo or redo) by ``actor`` until there is nothing left: the state, how many."""
    for count in range(1000):
        mine = state.changes.get(actor.id)
        if mine is None or not (mine.undo if isinstance(command, UndoChange) else mine.redo):
            with pytest.raises(NotFound):
                board.decide(state, command, actor)
            return state, count
        state = _run(state, command, actor, f"{prefix}{count}")
    raise AssertionError("undo never ran out")


@settings(max_examples=150, deadline=None)
@drawn(seed_authors, editors, st.lists(board_commands, min_size=10, max_size=60))
def test_undoing_then_redoing_one_persons_commands_restores_the_board(
    authors: list[Actor], person: Actor, commands: list[board.Command]
) -> None:
    state = board.initial_state
    for command, actor in seed_board(authors):
        state = board.fold(board.decide(state, command, actor), state)
    seeded = _faces(state)
    changes = 0
    for i, command in enumerate(commands):
        outcome = attempt(state, command, person)
        if isinstance(outcome, DomainError) or not outcome:
            continue
        state = _run(state, command, person, f"c{i}")
        changes += 1
    left = _faces(state)
    state, undone = _all_the_way(state, UNDO, person, "u")
    assert undone == changes
    assert _faces(state) == seeded
    state, redone = _all_the_way(state, REDO, person, "r")
    assert redone == changes
    assert _faces(state) == left
