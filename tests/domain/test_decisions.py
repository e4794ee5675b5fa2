"""Decisions with their evidence, and promotion from a breakout board to the plenary board, as
given/when/then (and ``plan_promotion`` called as the service calls it)."""

from __future__ import annotations

import msgspec
import pytest

from domain import board, decisions, facilitation, voting
from domain.actor import Actor
from domain.board_state import DecisionState, Id, Origin, Outcome, Phase, Placement
from domain.decisions import (
    RATIONALE_MAX,
    Evidence,
    EvidenceNote,
    PromotedCluster,
    PromotedNote,
    Promotion,
    plan_promotion,
    promoted_id,
)
from domain.errors import AlreadyExists, DomainError, Forbidden, InvalidCommand, NotFound
from domain.types import Colour
from tests.domain.builders import CREATED, added, cluster, clustered, given
from tests.factories import ALICE, BOB, CAROL, FACILITATOR, WORKSHOP_ID


def phased(phase: Phase, previous: Phase = "collect") -> facilitation.PhaseChanged:
    return facilitation.PhaseChanged(phase=phase, previous=previous)


def hidden(note_id: str, by: Actor) -> board.NoteAdded:
    return board.NoteAdded(
        note_id=note_id, text="draft", x=0, y=0, colour="yellow", author=by.id, private_to=by.id
    )


def voted(round_id: str, votes: dict[str, int], *, close: bool = True) -> list[board.Event]:
    """Open ``round_id`` on ``votes``' items (in that order), Carol puts the dots, and close it."""
    events: list[board.Event] = [
        voting.RoundOpened(
            round_id=round_id,
            target="clusters",
            budget=20,
            per_item_max=20,
            hide_tallies=True,
            facilitators_vote=False,
            item_ids=tuple(votes),
        )
    ]
    for item_id, dots in votes.items():
        events += [
            voting.VoteCast(round_id=round_id, item_id=item_id, voter="carol", private_to="carol")
        ] * dots
    if close:
        round_ = board.fold(events, board.Board()).rounds[round_id]
        events.append(
            voting.RoundClosed(round_id=round_id, results=voting.results(round_), voters=1)
        )
    return events


def record(
    item_id: str, decision_id: str = "d1", outcome: Outcome = "select", rationale: str = "Why"
) -> decisions.RecordDecision:
    return decisions.RecordDecision(
        decision_id=decision_id, item_id=item_id, outcome=outcome, rationale=rationale
    )


BOARD = (
    CREATED,
    added("n1", ALICE, "Bike lanes"),
    added("n2", BOB, "Trees"),
    added("n3", ALICE, "Gone"),
    added("n4", BOB, "Elsewhere"),
    cluster("c1", "Mobility"),
    cluster("c2", "Green"),
    clustered("n2", "c1"),
    clustered("n1", "c1"),
    clustered("n3", "c1"),
    board.NoteDeleted(note_id="n3"),
    clustered("n4", "c2"),
)
"""``c1`` "Mobility" holds Alice's ``n1`` and Bob's ``n2`` (and deleted ``n3``); ``c2`` "Green"
holds Bob's ``n4``."""

DISCUSS = (*BOARD, phased("discuss"))
MOBILITY_NOTES = (
    EvidenceNote(note_id="n1", text="Bike lanes", author="alice"),
    EvidenceNote(note_id="n2", text="Trees", author="bob"),
)


# --------------------------------------------------------------------------- recording


def test_a_decision_on_a_cluster_records_its_label_and_live_notes() -> None:
    state = (
        given(*DISCUSS)
        .when(record("c1", rationale="Most dots"))
        .then(
            decisions.DecisionRecorded(
                decision_id="d1",
                item_id="c1",
                item_kind="clusters",
                title="Mobility",
                outcome="select",
                rationale="Most dots",
                evidence=Evidence(board_version=len(DISCUSS), notes=MOBILITY_NOTES),
            )
        )
    )
    assert state.decisions == {
        "d1": DecisionState(item_id="c1", outcome="select", title="Mobility")
    }


def test_a_decision_on_a_note_records_its_text_and_the_note_itself() -> None:
    given(*DISCUSS, board.NoteEdited(note_id="n4", text="Parks")).when(
        record("n4", outcome="park")
    ).then(
        decisions.DecisionRecorded(
            decision_id="d1",
            item_id="n4",
            item_kind="notes",
            title="Parks",
            outcome="park",
            rationale="Why",
            evidence=Evidence(
                board_version=len(DISCUSS) + 1,
                notes=(EvidenceNote(note_id="n4", text="Parks", author="bob"),),
            ),
        )
    )


def test_the_title_is_the_label_at_decision_time() -> None:
    [event] = board.decide(
        board.fold([*DISCUSS, board.ClusterRenamed(cluster_id="c1", label="Transport")]),
        record("c1"),
        FACILITATOR,
    )
    assert isinstance(event, decisions.DecisionRecorded)
    assert event.title == "Transport"


@pytest.mark.parametrize("extra", [0, 1, 5])
def test_the_evidence_names_the_board_version_it_rests_on(extra: int) -> None:
    moves = [board.NoteMoved(note_id="n1", x=float(i), y=0.0) for i in range(1, extra + 1)]
    history: list[board.Event] = [*DISCUSS, *moves]
    [event] = board.decide(board.fold(history), record("c1"), FACILITATOR)
    assert isinstance(event, decisions.DecisionRecorded)
    assert event.evidence.board_version == len(history)


def test_without_a_round_or_a_placement_the_evidence_has_no_votes_and_no_grid() -> None:
    [event] = board.decide(board.fold(list(DISCUSS)), record("c1"), FACILITATOR)
    assert isinstance(event, decisions.DecisionRecorded)
    evidence = event.evidence
    assert (evidence.round_id, evidence.votes, evidence.rank, evidence.ballot_size) == (
        None,
        None,
        None,
        None,
    )
    assert evidence.grid is None


def test_the_evidence_holds_the_items_place_on_the_grid() -> None:
    placed = voting.PlacedOnGrid(item_id="c1", impact=8.0, effort=3.0)
    [event] = board.decide(board.fold([*DISCUSS, placed]), record("c1"), FACILITATOR)
    assert isinstance(event, decisions.DecisionRecorded)
    assert event.evidence.grid == Placement(impact=8.0, effort=3.0)


VOTED = (
    *BOARD,
    cluster("c3", "Third"),
    cluster("c4", "Fourth"),
    phased("vote"),
    *voted("r1", {"c1": 1, "c2": 3}),
    *voted("r2", {"c1": 2, "c2": 2, "c3": 1}),
    *voted("r3", {"c4": 0}),
    phased("discuss", "vote"),
)
"""Three closed rounds: ``r1`` (c1 1, c2 3), ``r2`` (c1 2, c2 2, c3 1) and ``r3`` (c4 0)."""


def evidence_of(item_id: str, *history: board.Event) -> Evidence:
    [event] = board.decide(board.fold(list(history)), record(item_id), FACILITATOR)
    assert isinstance(event, decisions.DecisionRecorded)
    return event.evidence


@pytest.mark.parametrize(
    ("item_id", "round_id", "votes", "rank", "ballot_size"),
    [
        ("c1", "r2", 2, 1, 3),
        ("c2", "r2", 2, 1, 3),
        ("c3", "r2", 1, 3, 3),
        ("c4", "r3", 0, 1, 1),
    ],
)
def test_the_evidence_holds_the_latest_closed_round_with_the_item(
    item_id: str, round_id: str, votes: int, rank: int, ballot_size: int
) -> None:
    evidence = evidence_of(item_id, *VOTED)
    assert (evidence.round_id, evidence.votes, evidence.rank, evidence.ballot_size) == (
        round_id,
        votes,
        rank,
        ballot_size,
    )


def test_an_open_round_is_no_evidence_yet() -> None:
    still_open = (*VOTED, *voted("r4", {"c1": 5, "c4": 1}, close=False))
    evidence = evidence_of("c1", *still_open)
    assert (evidence.round_id, evidence.votes, evidence.rank) == ("r2", 2, 1)
    none_closed = (
        *BOARD,
        phased("vote"),
        *voted("r1", {"c1": 3}, close=False),
        phased("discuss", "vote"),
    )
    assert evidence_of("c1", *none_closed).round_id is None


@pytest.mark.parametrize("phase", ["collect", "cluster", "vote"])
def test_decisions_are_taken_in_the_discuss_or_decide_phase(phase: Phase) -> None:
    history = BOARD if phase == "collect" else (*BOARD, phased(phase))
    given(*history).when(record("c1")).then_refused(InvalidCommand, "wrong_phase")


def test_decisions_are_taken_in_the_decide_phase_too() -> None:
    [event] = board.decide(board.fold([*BOARD, phased("decide")]), record("c1"), FACILITATOR)
    assert isinstance(event, decisions.DecisionRecorded)


def test_a_decision_id_is_used_once() -> None:
    [first] = board.decide(board.fold(list(DISCUSS)), record("c1"), FACILITATOR)
    given(*DISCUSS, first).when(record("c2")).then_refused(AlreadyExists, "duplicate_id")


@pytest.mark.parametrize("rationale", ["", "   ", "\n\t", "r" * (RATIONALE_MAX + 1)])
def test_a_rationale_has_1_to_2000_characters(rationale: str) -> None:
    given(*DISCUSS).when(record("c1", rationale=rationale)).then_refused(
        InvalidCommand, "invalid_rationale"
    )


@pytest.mark.parametrize("rationale", ["r", "r" * RATIONALE_MAX])
def test_a_rationale_of_1_or_2000_characters_is_fine(rationale: str) -> None:
    [event] = board.decide(
        board.fold(list(DISCUSS)), record("c1", rationale=rationale), FACILITATOR
    )
    assert isinstance(event, decisions.DecisionRecorded)
    assert event.rationale == rationale


@pytest.mark.parametrize(
    ("item_id", "extra", "error", "code"),
    [
        ("x9", (), NotFound, "unknown_item"),
        ("n3", (), NotFound, "note_deleted"),
        (
            "c2",
            (board.ClusterDeleted(cluster_id="c2", released_note_ids=("n4",)),),
            NotFound,
            "cluster_deleted",
        ),
        (
            "n5",
            (facilitation.PrivateWritingStarted(), hidden("n5", CAROL)),
            InvalidCommand,
            "note_hidden",
        ),
    ],
    ids=["unknown", "deleted-note", "deleted-cluster", "hidden-note"],
)
def test_a_decision_is_about_a_live_visible_item(
    item_id: str, extra: tuple[board.Event, ...], error: type[DomainError], code: str
) -> None:
    given(*DISCUSS, *extra).when(record(item_id)).then_refused(error, code)


def test_only_a_facilitator_records_a_decision() -> None:
    given(*DISCUSS).when(record("c1"), by=ALICE).then_refused(Forbidden, "forbidden")


# --------------------------------------------------------------------------- planning a promotion

SOURCE_ID = "b2"
SOURCE = board.fold(
    [
        board.BoardCreated(board_id=SOURCE_ID, workshop_id=WORKSHOP_ID, title="Group A"),
        added("n1", ALICE, "Bike lanes", x=1.0, y=2.0),
        added("n2", BOB, "Trees", colour="green"),
        added("n3", ALICE, "Loose", x=-4.0, y=5.0, colour="pink"),
        added("n4", BOB, "Gone"),
        cluster("c1", "Mobility"),
        cluster("c2", "Dropped"),
        clustered("n2", "c1"),
        clustered("n1", "c1"),
        clustered("n4", "c1"),
        board.NoteDeleted(note_id="n4"),
        board.ClusterDeleted(cluster_id="c2"),
        facilitation.PrivateWritingStarted(),
        hidden("n5", CAROL),
    ]
)
"""A breakout board: ``c1`` holds Alice's ``n1`` and Bob's ``n2`` (and deleted ``n4``); ``n3``
is loose; ``c2`` is deleted; Carol's ``n5`` is hidden."""


def promote(
    cluster_ids: tuple[str, ...] = (),
    note_ids: tuple[str, ...] = (),
    promotion_id: str = "p1",
    plan: Promotion | None = None,
    source_board_id: str = SOURCE_ID,
) -> decisions.PromoteItems:
    return decisions.PromoteItems(
        promotion_id=promotion_id,
        source_board_id=source_board_id,
        cluster_ids=cluster_ids,
        note_ids=note_ids,
        plan=plan,
    )


def origin(item_id: str) -> Origin:
    return Origin(board_id=SOURCE_ID, item_id=item_id, version=SOURCE.version, group="Group A")


TARGET = board.Board(board_id="plen", workshop_id=WORKSHOP_ID, kind="plenary", created=True)
"""An empty plenary board to promote onto."""


def copied_note(
    nid: str,
    text: str,
    author: str,
    *,
    cluster_id: str | None = None,
    x: float = 0.0,
    y: float = 0.0,
    colour: Colour = "yellow",
) -> PromotedNote:
    """``nid``'s copy in promotion ``p1``."""
    return PromotedNote(
        note_id=promoted_id("p1", nid),
        text=text,
        x=x,
        y=y,
        colour=colour,
        author=author,
        cluster_id=cluster_id,
        origin=origin(nid),
    )


# On an empty plenary: the cluster at the margin (24, 24), its notes in a row under its label
# (16 in, 44 down, 150 wide and 24 apart), the loose note under the cluster's region (which
# ends 16 under its notes' greatest height, 180) and 24 apart.
MOBILITY = PromotedCluster(
    cluster_id=promoted_id("p1", "c1"), label="Mobility", x=24.0, y=24.0, origin=origin("c1")
)
BIKES = copied_note("n1", "Bike lanes", "alice", cluster_id=MOBILITY.cluster_id, x=40.0, y=68.0)
TREES = copied_note(
    "n2", "Trees", "bob", cluster_id=MOBILITY.cluster_id, colour="green", x=214.0, y=68.0
)
LOOSE = copied_note("n3", "Loose", "alice", x=24.0, y=288.0, colour="pink")


def test_the_source_version_is_its_event_count() -> None:
    assert SOURCE.version == 14


def test_a_cluster_comes_with_its_live_visible_notes() -> None:
    assert plan_promotion(SOURCE, target=TARGET, command=promote(("c1",))) == Promotion(
        source_board_id=SOURCE_ID,
        source_version=SOURCE.version,
        clusters=(MOBILITY,),
        notes=(BIKES, TREES),
    )


def test_a_loose_note_comes_alone() -> None:
    plan = plan_promotion(SOURCE, target=TARGET, command=promote(note_ids=("n3",)))
    assert plan.clusters == ()
    assert plan.notes == (msgspec.structs.replace(LOOSE, y=24.0),)  # alone: at the margin


def test_a_note_named_loose_and_through_its_cluster_is_copied_once_in_the_cluster() -> None:
    plan = plan_promotion(SOURCE, target=TARGET, command=promote(("c1", "c1"), ("n1", "n3", "n3")))
    assert plan.clusters == (MOBILITY,)
    assert plan.notes == (BIKES, TREES, LOOSE)


def test_items_are_promoted_within_one_workshop() -> None:
    with pytest.raises(InvalidCommand) as refused:
        plan_promotion(SOURCE, promote(("c1",)), target=board.Board(workshop_id="another"))
    assert refused.value.code == "foreign_board"


def test_copies_from_a_pseudonymous_board_carry_no_author() -> None:
    pseudonymous = board.evolve(SOURCE, facilitation.AnonymitySet(policy="pseudonymous"))
    plan = plan_promotion(pseudonymous, target=TARGET, command=promote(("c1",), ("n3",)))
    assert [n.author for n in plan.notes] == ["", "", ""]
    assert [n.text for n in plan.notes] == ["Bike lanes", "Trees", "Loose"]


def test_a_note_promoted_without_its_cluster_is_loose_on_the_plenary() -> None:
    plan = plan_promotion(SOURCE, target=TARGET, command=promote(note_ids=("n1",)))
    assert [n.cluster_id for n in plan.notes] == [None]


def test_promoted_ids_are_stable_within_and_distinct_across_promotions() -> None:
    first = plan_promotion(
        SOURCE, target=TARGET, command=promote(("c1",), ("n3",), promotion_id="p1")
    )
    again = plan_promotion(
        SOURCE, target=TARGET, command=promote(("c1",), ("n3",), promotion_id="p1")
    )
    second = plan_promotion(
        SOURCE, target=TARGET, command=promote(("c1",), ("n3",), promotion_id="p2")
    )
    ids = {promoted_id("p1", i) for i in ("c1", "n1", "n2", "n3")}
    assert {c.cluster_id for c in first.clusters} | {n.note_id for n in first.notes} == ids
    assert first == again
    second_ids = {c.cluster_id for c in second.clusters} | {n.note_id for n in second.notes}
    assert second_ids.isdisjoint(ids)
    assert len(second_ids) == 4


def test_a_promoted_id_is_a_valid_id() -> None:
    new_id = promoted_id("p" * 64, "n" * 64)
    assert msgspec.convert(new_id, Id) == new_id
    assert promoted_id("p1", "n1") != promoted_id("p1n1", "") != promoted_id("p", "1n1")


def test_items_are_promoted_from_a_breakout_board_only() -> None:
    plenary = board.fold(
        [board.BoardCreated(board_id="p", workshop_id=WORKSHOP_ID, title="P", kind="plenary")]
    )
    with pytest.raises(InvalidCommand) as refused:
        plan_promotion(
            plenary, target=TARGET, command=promote(note_ids=("n1",), source_board_id="p")
        )
    assert refused.value.code == "not_breakout"


@pytest.mark.parametrize("count", [0, 101])
def test_a_promotion_copies_1_to_100_items(count: int) -> None:
    with pytest.raises(InvalidCommand) as refused:
        plan_promotion(SOURCE, target=TARGET, command=promote(note_ids=("n3",) * count))
    assert refused.value.code == "empty_promotion"


@pytest.mark.parametrize(
    ("cluster_ids", "note_ids", "error", "code"),
    [
        (("c9",), (), NotFound, "unknown_cluster"),
        (("c2",), (), NotFound, "cluster_deleted"),
        ((), ("n9",), NotFound, "unknown_note"),
        ((), ("n4",), NotFound, "note_deleted"),
        ((), ("n5",), InvalidCommand, "note_hidden"),
        (("c1",), ("n5",), InvalidCommand, "note_hidden"),
    ],
)
def test_only_live_visible_items_are_promoted(
    cluster_ids: tuple[str, ...], note_ids: tuple[str, ...], error: type[DomainError], code: str
) -> None:
    with pytest.raises(error) as refused:
        plan_promotion(SOURCE, target=TARGET, command=promote(cluster_ids, note_ids))
    assert refused.value.code == code


# --------------------------------------------------------------------------- promoting

PLENARY = board.BoardCreated(
    board_id="plen", workshop_id=WORKSHOP_ID, title="Plenary", kind="plenary"
)
PLAN = plan_promotion(SOURCE, target=TARGET, command=promote(("c1",), ("n3",)))
PROMOTED = decisions.ItemsPromoted(
    promotion_id="p1",
    source_board_id=SOURCE_ID,
    source_version=SOURCE.version,
    clusters=(MOBILITY,),
    notes=(BIKES, TREES, LOOSE),
)


def test_the_plenary_board_records_the_promotion_with_lineage() -> None:
    state = given(PLENARY).when(promote(("c1",), ("n3",), plan=PLAN)).then(PROMOTED)
    assert state.promotions == frozenset({"p1"})
    copied = state.clusters[MOBILITY.cluster_id]
    assert (copied.label, copied.origin) == ("Mobility", origin("c1"))
    bikes = state.notes[BIKES.note_id]
    assert (bikes.text, bikes.author, bikes.cluster_id) == (
        "Bike lanes",
        "alice",
        MOBILITY.cluster_id,
    )
    assert bikes.origin == origin("n1")
    assert not bikes.hidden
    assert state.notes[LOOSE.note_id].cluster_id is None


def test_promoted_items_are_like_any_other() -> None:
    promoted = (PLENARY, PROMOTED)
    given(*promoted).when(board.EditNote(note_id=BIKES.note_id, text="Wider lanes"), by=ALICE).then(
        board.NoteEdited(note_id=BIKES.note_id, text="Wider lanes")
    )
    given(*promoted).when(
        board.ClusterNote(note_id=LOOSE.note_id, cluster_id=MOBILITY.cluster_id), by=BOB
    ).then(board.NoteClustered(note_id=LOOSE.note_id, cluster_id=MOBILITY.cluster_id))
    given(*promoted).when(board.RenameCluster(cluster_id=MOBILITY.cluster_id, label="Moving")).then(
        board.ClusterRenamed(cluster_id=MOBILITY.cluster_id, label="Moving")
    )
    given(*promoted, cluster("own")).when(
        board.ClusterNote(note_id=TREES.note_id, cluster_id="own")
    ).then(board.NoteClustered(note_id=TREES.note_id, cluster_id="own"))
    evidence = evidence_of(MOBILITY.cluster_id, *promoted, phased("discuss"))
    assert [n.note_id for n in evidence.notes] == sorted([BIKES.note_id, TREES.note_id])


def test_the_same_items_are_promoted_again_under_another_promotion() -> None:
    # Planned on the board as it is now: beside the first copies.
    again = plan_promotion(
        SOURCE, target=board.fold([PLENARY, PROMOTED]), command=promote(("c1",), promotion_id="p2")
    )
    state = (
        given(PLENARY, PROMOTED)
        .when(promote(("c1",), promotion_id="p2", plan=again))
        .then(
            decisions.ItemsPromoted(
                promotion_id="p2",
                source_board_id=SOURCE_ID,
                source_version=SOURCE.version,
                clusters=again.clusters,
                notes=again.notes,
            )
        )
    )
    assert state.promotions == frozenset({"p1", "p2"})
    assert len(state.clusters) == 2


def test_items_are_promoted_to_the_plenary_board_only() -> None:
    given(CREATED).when(promote(("c1",), plan=PLAN)).then_refused(InvalidCommand, "not_plenary")


def test_a_promotion_id_is_used_once() -> None:
    cluster_only = plan_promotion(SOURCE, target=TARGET, command=promote(("c1",)))
    loose_only = plan_promotion(SOURCE, target=TARGET, command=promote(note_ids=("n3",)))
    first = decisions.ItemsPromoted(
        promotion_id="p1",
        source_board_id=SOURCE_ID,
        source_version=SOURCE.version,
        clusters=cluster_only.clusters,
        notes=cluster_only.notes,
    )
    # Other items than the first time, so only the promotion id is taken, not the copies' ids.
    given(PLENARY, first).when(promote(note_ids=("n3",), plan=loose_only)).then_refused(
        AlreadyExists, "duplicate_id"
    )


def test_a_promoted_id_must_be_free_on_the_plenary_board() -> None:
    given(PLENARY, added(LOOSE.note_id)).when(
        promote(("c1",), ("n3",), promotion_id="p9", plan=PLAN)
    ).then_refused(AlreadyExists, "duplicate_id")


def test_a_promotion_needs_a_plan_from_its_source_board() -> None:
    given(PLENARY).when(promote(("c1",))).then_refused(InvalidCommand, "no_plan")
    given(PLENARY).when(promote(("c1",), plan=PLAN, source_board_id="b3")).then_refused(
        InvalidCommand, "no_plan"
    )


def test_only_a_facilitator_promotes() -> None:
    given(PLENARY).when(promote(("c1",), plan=PLAN), by=ALICE).then_refused(Forbidden, "forbidden")
