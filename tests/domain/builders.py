"""Board histories shared by the board's tests and those of facilitation, voting and decisions:
a created board, notes, clusters, and ``given`` with the facilitator acting by default."""

from __future__ import annotations

from domain import board, decisions
from domain.actor import Actor
from domain.types import Colour
from tests.domain import harness
from tests.factories import ALICE, BOARD_ID, FACILITATOR, WORKSHOP_ID


def given(*history: board.Event) -> harness.Scenario[board.Board]:
    """The board after ``history``; commands are the facilitator's unless ``when`` says."""
    return harness.given(board.DECIDER, *history, actor=FACILITATOR)


CREATED = board.BoardCreated(board_id=BOARD_ID, workshop_id=WORKSHOP_ID, title="Ideas")


def added(
    note_id: str = "n1",
    by: Actor = ALICE,
    text: str = "idea",
    x: float = 0.0,
    y: float = 0.0,
    colour: Colour = "yellow",
) -> board.NoteAdded:
    return board.NoteAdded(note_id=note_id, text=text, x=x, y=y, colour=colour, author=by.id)


def cluster(cluster_id: str = "c1", label: str = "Theme") -> board.ClusterCreated:
    return board.ClusterCreated(cluster_id=cluster_id, label=label, x=10.0, y=10.0)


def clustered(note_id: str = "n1", cluster_id: str | None = "c1") -> board.NoteClustered:
    return board.NoteClustered(note_id=note_id, cluster_id=cluster_id)


BOARD = (CREATED, added("n1"), cluster("c1"))
"""A board with Alice's note ``n1`` and the cluster ``c1``."""


DECIDED = decisions.DecisionRecorded(
    decision_id="d1",
    item_id="c1",
    item_kind="clusters",
    title="Theme",
    outcome="select",
    rationale="Most dots",
    evidence=decisions.Evidence(board_version=3),
)
"""The decision ``d1``, selecting the cluster ``c1``."""
