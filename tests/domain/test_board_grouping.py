"""Grouping on the board as given/when/then: merging clusters, and several note and cluster
commands as one ``notes.batch`` (all recorded or none)."""

from __future__ import annotations

import msgspec
import pytest

from domain import board, facilitation
from domain.errors import DomainError, Forbidden, InvalidCommand, NotFound
from tests.domain.builders import BOARD, added, cluster, clustered, given
from tests.factories import ALICE, BOB, OBSERVER

GROUPED = (*BOARD, cluster("c2", "Other"), added("n2"), added("n3"), clustered("n1"))
"""``c1`` ("Theme") holds ``n1``; ``c2`` ("Other") is empty; ``n2`` and ``n3`` are loose."""


# --------------------------------------------------------------------------- merging


def test_merging_moves_the_notes_into_the_target_and_keeps_the_label_in_the_history() -> None:
    state = (
        given(*GROUPED, clustered("n2"), clustered("n3", "c2"))
        .when(board.MergeClusters(cluster_id="c1", into_cluster_id="c2"), by=ALICE)
        .then(
            board.ClustersMerged(
                cluster_id="c1", into_cluster_id="c2", label="Theme", moved_note_ids=("n1", "n2")
            )
        )
    )
    assert state.clusters["c1"].deleted
    assert {nid: state.notes[nid].cluster_id for nid in ("n1", "n2", "n3")} == {
        "n1": "c2",
        "n2": "c2",
        "n3": "c2",
    }


@pytest.mark.parametrize(
    ("source", "target", "error", "code"),
    [
        ("c1", "c1", InvalidCommand, "invalid_command"),
        ("c1", "nope", NotFound, "unknown_cluster"),
        ("nope", "c1", NotFound, "unknown_cluster"),
    ],
)
def test_a_cluster_merges_into_another_live_cluster(
    source: str, target: str, error: type[DomainError], code: str
) -> None:
    given(*GROUPED).when(
        board.MergeClusters(cluster_id=source, into_cluster_id=target)
    ).then_refused(error, code)


def test_a_merged_cluster_is_gone() -> None:
    merged = board.ClustersMerged(cluster_id="c1", into_cluster_id="c2", label="Theme")
    given(*GROUPED, merged).when(board.RenameCluster(cluster_id="c1", label="Back")).then_refused(
        NotFound, "cluster_deleted"
    )


def test_participants_merge_only_in_the_clustering_phases() -> None:
    given(*GROUPED, facilitation.PhaseChanged(phase="vote", previous="collect")).when(
        board.MergeClusters(cluster_id="c1", into_cluster_id="c2"), by=ALICE
    ).then_refused(InvalidCommand, "wrong_phase")


# --------------------------------------------------------------------------- batches


def test_a_batch_records_each_command_on_the_board_the_ones_before_it_left() -> None:
    batch = board.BatchNotes(
        commands=(
            board.CreateCluster(cluster_id="c3", label="New", x=600, y=0),
            board.ClusterNote(note_id="n2", cluster_id="c3"),
            board.ClusterNote(note_id="n3", cluster_id="c3"),
            board.MoveNote(note_id="n2", x=620, y=50),
            board.RecolourNote(note_id="n3", colour="pink"),
            board.MoveNote(note_id="n3", x=0, y=0),  # where it is: nothing
        )
    )
    state = (
        given(*GROUPED)
        .when(batch)
        .then(
            board.ClusterCreated(cluster_id="c3", label="New", x=600, y=0),
            board.NoteClustered(note_id="n2", cluster_id="c3"),
            board.NoteClustered(note_id="n3", cluster_id="c3"),
            board.NoteMoved(note_id="n2", x=620, y=50),
            board.NoteRecoloured(note_id="n3", colour="pink"),
        )
    )
    assert state.notes["n3"].colour == "pink"


def test_a_batch_deletes_several_notes() -> None:
    batch = board.BatchNotes(
        commands=(board.DeleteNote(note_id="n1"), board.DeleteNote(note_id="n2"))
    )
    given(*GROUPED).when(batch, by=ALICE).then(
        board.NoteDeleted(note_id="n1"), board.NoteDeleted(note_id="n2")
    )


def test_a_batch_is_refused_whole_with_the_code_of_the_command_that_breaks_a_rule() -> None:
    batch = board.BatchNotes(
        commands=(board.MoveNote(note_id="n1", x=5, y=5), board.DeleteNote(note_id="n2"))
    )
    outcome = given(*GROUPED, added("n2", by=BOB)).when(batch, by=ALICE)
    outcome.then_refused(Forbidden, "not_author")
    with pytest.raises(Forbidden, match=r"Command 2 of the batch \(note.delete\)"):
        board.decide(outcome.state, batch, ALICE)


def test_a_command_of_a_batch_meets_the_phase_rules_of_its_own_type() -> None:
    batch = board.BatchNotes(
        commands=(
            board.MoveNote(note_id="n2", x=5, y=5),
            board.RecolourNote(note_id="n2", colour="blue"),
        )
    )
    given(*GROUPED, facilitation.PhaseChanged(phase="vote", previous="collect")).when(
        batch, by=ALICE
    ).then_refused(InvalidCommand, "wrong_phase")


def test_a_command_later_in_a_batch_sees_what_an_earlier_one_did() -> None:
    batch = board.BatchNotes(
        commands=(board.DeleteNote(note_id="n2"), board.MoveNote(note_id="n2", x=5, y=5))
    )
    given(*GROUPED).when(batch).then_refused(NotFound, "note_deleted")


@pytest.mark.parametrize("size", [0, board.BATCH_MAX + 1])
def test_a_batch_holds_1_to_200_commands(size: int) -> None:
    commands = tuple(board.MoveNote(note_id="n1", x=i, y=0) for i in range(1, size + 1))
    given(*GROUPED).when(board.BatchNotes(commands=commands)).then_refused(
        InvalidCommand, "invalid_command"
    )


def test_an_observer_sends_no_batch() -> None:
    batch = board.BatchNotes(commands=(board.MoveNote(note_id="n1", x=5, y=5),))
    given(*GROUPED).when(batch, by=OBSERVER).then_refused(Forbidden, "forbidden")


def test_a_batch_carries_only_note_and_cluster_commands() -> None:
    decode = msgspec.json.Decoder(board.Command).decode
    with pytest.raises(msgspec.ValidationError):
        decode(b'{"type": "notes.batch", "commands": [{"type": "board.lock"}]}')
    move = b'{"type": "note.move", "note_id": "n1", "x": 1, "y": 2}'
    sent = decode(b'{"type": "notes.batch", "commands": [' + move + b"]}")
    assert sent == board.BatchNotes(commands=(board.MoveNote(note_id="n1", x=1, y=2),))
