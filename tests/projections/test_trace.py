"""The decision trace of a cluster shows its notes leaving it as well as joining it."""

from __future__ import annotations

from domain import board, decisions
from projections.board_view import DecisionView
from projections.trace import trace
from tests.factories import ALICE, BOARD_ID, WORKSHOP_ID, at, record

CREATED = board.BoardCreated(board_id=BOARD_ID, workshop_id=WORKSHOP_ID, title="Ideas")


def _added(note_id: str) -> board.NoteAdded:
    return board.NoteAdded(
        note_id=note_id, text=note_id, x=1.0, y=2.0, colour="yellow", author=ALICE.id
    )


def _decided(item_id: str, version: int) -> DecisionView:
    return DecisionView(
        id="d1",
        item_id=item_id,
        item_kind="clusters",
        title="Theme",
        outcome="select",
        rationale="because",
        evidence=decisions.Evidence(board_version=version),
        decided_by="f1",
        decided_at=at(version),
        version=version,
        position=version,
        hash="",
    )


def test_notes_leaving_the_decided_cluster_show_beside_those_joining_it() -> None:
    events = record(
        [
            CREATED,
            _added("n1"),
            _added("n2"),
            _added("n3"),
            board.ClusterCreated(cluster_id="c1", label="Theme", x=0.0, y=0.0),
            board.ClusterCreated(cluster_id="c2", label="Other", x=500.0, y=0.0),
            board.NoteClustered(note_id="n1", cluster_id="c1"),
            board.NoteClustered(note_id="n2", cluster_id="c1"),
            board.NoteClustered(note_id="n3", cluster_id="c2"),
            board.NoteClustered(note_id="n2", cluster_id="c2"),
            board.NoteClustered(note_id="n1", cluster_id=None),
            board.NoteClustered(note_id="n3", cluster_id=None),
        ]
    )
    traced = trace(BOARD_ID, _decided("c1", len(events)), events)
    assert [e.what for e in traced.entries] == [
        "Cluster created: Theme",
        "Note n1 joined cluster c1",
        "Note n2 joined cluster c1",
        "Note n2 left cluster c1 for cluster c2",
        "Note n1 left cluster c1",
    ]
    assert [e.version for e in traced.entries] == [5, 7, 8, 10, 11]


def test_notes_merged_into_the_decided_cluster_join_it_under_the_old_label() -> None:
    events = record(
        [
            CREATED,
            _added("n1"),
            board.ClusterCreated(cluster_id="c1", label="Theme", x=0.0, y=0.0),
            board.ClusterCreated(cluster_id="c2", label="Streets", x=500.0, y=0.0),
            board.NoteClustered(note_id="n1", cluster_id="c2"),
            board.ClustersMerged(
                cluster_id="c2", into_cluster_id="c1", label="Streets", moved_note_ids=("n1",)
            ),
            board.NoteClustered(note_id="n1", cluster_id=None),
        ]
    )
    traced = trace(BOARD_ID, _decided("c1", len(events)), events)
    assert [e.what for e in traced.entries] == [
        "Cluster created: Theme",
        "Cluster “Streets” merged into cluster c1: n1 joined it",
        "Note n1 left cluster c1",
    ]
